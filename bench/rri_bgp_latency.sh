#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How long an RRI route takes to reach, and to leave, a BGP peer's forwarding
# table: the route is added / deleted through libsgw's rtnl_route
# (build/progs/xfrm_tool, as ikud does) in VRF s1 of a gateway; zebra learns
# it, bgpd redistributes it (route-map on prefix-list + metric, as in
# Documentation/frr.md) to the CSR over iBGP, the CSR's zebra installs it.
# Run it in the VM: selftests/vm/run -- bench/rri_bgp_latency.sh [SAMPLES]
#
#   gw (VRF s1: ipsec0, g0 10.100.1.1/30) ---- csr (VRF s1: c0 10.100.1.2/30)
#
# Each sample: add one /32, time until "ip route show vrf s1" on the CSR lists
# it (announce), delete it, time until it is gone (withdraw); polled every
# 20 ms. Prints min / median / max of each. Under TCG the daemons run
# 10-50x slower than on hardware: read it as an upper bound.

source "$(dirname "$0")/../selftests/net/lib.sh"
source "$(dirname "$0")/../selftests/net/lib_frr.sh"

samples=${1:-21}
XFRM_TOOL=$SGW_TOP/build/progs/xfrm_tool
PROTO=$(awk '/define SGW_RTPROT_IKUD/ { print $3 }' "$SGW_TOP/libsgw/base/sgw_rtproto.h")
METRIC=$(awk '/define SGW_RRI_METRIC_DEFAULT/ { print $3 }' "$SGW_TOP/libsgw/base/sgw_rtproto.h")

require_module vrf xfrm_interface
setup_ns gw csr || exit 1
"$XFRM_TOOL" -n "$gw" vrf-add s1 table 10 &&
"$XFRM_TOOL" -n "$csr" vrf-add s1 table 10 &&
"$XFRM_TOOL" -n "$gw" xfrmi-add ipsec0 if_id 1 vrf s1 &&
ip link add g0 netns "$gw" type veth peer name c0 netns "$csr" &&
ip -n "$gw" link set g0 master s1 up && ip -n "$gw" addr add 10.100.1.1/30 dev g0 &&
ip -n "$csr" link set c0 master s1 up && ip -n "$csr" addr add 10.100.1.2/30 dev c0 ||
	exit 1

frr_start "$gw" "hostname gw" "hostname gw
$(frr_rri_map RRI-S1 10.200.0.0/16 200 "$METRIC")
$(frr_bgp_vrf s1 10.255.0.1 RRI-S1 10.100.1.2)" &&
frr_start "$csr" "hostname csr" "hostname csr
$(frr_bgp_vrf s1 10.255.0.3 - 10.100.1.1)" || exit 1
wait_until 60 frr_bgp_established "$csr" s1 10.100.1.1 || { echo "BGP not established"; exit 1; }

at_csr() { ip -n "$csr" route show vrf s1 "$1" | grep -q .; }
gone_at_csr() { ! at_csr "$1"; }
# ms until the CSR's VRF table has (at_csr) or lacks (gone_at_csr) PREFIX;
# 10000 if it does not happen within 10 s
time_to() { local ms; ms=$(ms_until -i 20 "$@"); echo "${ms:-10000}"; }
stats() {
	sort -n | awk '{ v[NR] = $1 } END { printf "min %d ms, median %d ms, max %d ms (n=%d)\n", v[1], v[int((NR + 1) / 2)], v[NR], NR }'
}

add=() del=()
for ((i = 1; i <= samples; i++)); do
	p=10.200.1.$i/32
	"$XFRM_TOOL" -n "$gw" route-add prefix $p vrf s1 dev ipsec0 proto "$PROTO" metric "$METRIC" || exit 1
	add+=("$(time_to at_csr $p)")
	"$XFRM_TOOL" -n "$gw" route-del prefix $p vrf s1 dev ipsec0 proto "$PROTO" metric "$METRIC" || exit 1
	del+=("$(time_to gone_at_csr $p)")
done
echo "announce (gw kernel route -> csr FIB): $(printf '%s\n' "${add[@]}" | stats)"
echo "withdraw (gw route deleted -> gone from csr FIB): $(printf '%s\n' "${del[@]}" | stats)"
