#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reverse route injection exported by FRR: RRI routes added through libsgw's
# rtnl_route (build/progs/xfrm_tool, the path ikud uses) into a VRF's table
# are redistributed by bgpd with a route-map setting local-preference, and a
# cell-site router (CSR) sees them from a primary and a backup gateway.
#
#   gw1 (primary, lp 200)                         csr
#   +-----------------------------+      +-----------------------------+
#   | VRF s1 (table 10)           |      | VRF s1 (table 10)           |
#   |   ipsec0 (xfrm if_id 1)     |      |                             |
#   |   g1c 10.100.1.1/30 --------+------+- c1g 10.100.1.2/30          |
#   | VRF x2 (table 20)           |      |                             |
#   |   ipsec1 (xfrm if_id 2)     |      |                             |
#   |   g1x 10.101.1.1/30 --------+------+- cx  10.101.1.2/30  VRF x2  |
#   +-----------------------------+      |   (table 20)                |
#   gw2 (backup, lp 150)                 |                             |
#   +-----------------------------+      |                             |
#   | VRF s1 (table 10)           |      |                             |
#   |   ipsec0 (xfrm if_id 1)     |      |                             |
#   |   g2c 10.100.2.1/30 --------+------+- c2g 10.100.2.2/30  VRF s1  |
#   +-----------------------------+      +-----------------------------+
#
# All three in AS 65000 (iBGP, so LOCAL_PREF reaches the CSR), one bgpd
# instance per VRF. eNodeB inner prefixes: 10.200.0.1-24/32 (S1), on both
# gateways; 10.210.0.1-3/32 (X2) on gw1. bgpd exports only routes inside the
# allowed prefixes AND with ikud's metric (bgpd 8.4 cannot match the kernel
# protocol; the metric is the indirect mark, checked below).

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_frr.sh"

XFRM_TOOL=${XFRM_TOOL:-$SGW_TOP/build/progs/xfrm_tool}
RTPROTO_H=$SGW_TOP/libsgw/base/sgw_rtproto.h
PROTO=$(awk '/define SGW_RTPROT_IKUD/ { print $3 }' "$RTPROTO_H")
METRIC=$(awk '/define SGW_RRI_METRIC_DEFAULT/ { print $3 }' "$RTPROTO_H")
N=24				# eNodeBs (distinct /32 inner prefixes)
LP_PRIMARY=200
LP_BACKUP=150

require_cmd ip jq vtysh "$FRR_SBIN/zebra" "$FRR_SBIN/bgpd"
[ -x "$XFRM_TOOL" ] || skip "$XFRM_TOOL not built (make)"
require_module vrf xfrm_interface
[ -n "$PROTO" ] && [ -n "$METRIC" ] || { echo "cannot read $RTPROTO_H"; exit 1; }

tool() {
	local ns=$1
	shift
	"$XFRM_TOOL" -n "$ns" "$@"
}

setup_ns gw1 gw2 csr || exit 1

# ---- links ---------------------------------------------------------------
for ns in "$gw1" "$gw2" "$csr"; do
	tool "$ns" vrf-add s1 table 10 || exit 1
done
tool "$gw1" vrf-add x2 table 20 && tool "$csr" vrf-add x2 table 20 &&
tool "$gw1" xfrmi-add ipsec0 if_id 1 vrf s1 &&
tool "$gw1" xfrmi-add ipsec1 if_id 2 vrf x2 &&
tool "$gw2" xfrmi-add ipsec0 if_id 1 vrf s1 || exit 1

veth() {	# veth NS_A DEV_A ADDR_A VRF_A NS_B DEV_B ADDR_B VRF_B
	ip link add "$2" netns "$1" type veth peer name "$6" netns "$5" || return 1
	ip -n "$1" link set "$2" master "$4" up &&
	ip -n "$1" addr add "$3" dev "$2" &&
	ip -n "$5" link set "$6" master "$8" up &&
	ip -n "$5" addr add "$7" dev "$6"
}
veth "$gw1" g1c 10.100.1.1/30 s1 "$csr" c1g 10.100.1.2/30 s1 &&
veth "$gw2" g2c 10.100.2.1/30 s1 "$csr" c2g 10.100.2.2/30 s1 &&
veth "$gw1" g1x 10.101.1.1/30 x2 "$csr" cx 10.101.1.2/30 x2 || exit 1
log_test 0 "VRFs, xfrm interfaces and veths set up"

# ---- FRR -----------------------------------------------------------------
# Route-maps of a gateway: RRI-S1 / RRI-X2 on redistribution, AGG for the
# S1 summary. $1 = local-preference of this gateway.
gw_policy() {
	frr_rri_map RRI-S1 10.200.0.0/16 "$1" "$METRIC"
	frr_rri_map RRI-X2 10.210.0.0/16 "$1" "$METRIC"
	printf 'route-map AGG permit 10\n set local-preference %s\n' "$1"
}

frr_start "$gw1" "hostname gw1" "hostname gw1
$(gw_policy $LP_PRIMARY)
$(frr_bgp_vrf s1 10.255.0.1 RRI-S1 10.100.1.2)
$(frr_bgp_vrf x2 10.255.0.1 RRI-X2 10.101.1.2)" &&
frr_start "$gw2" "hostname gw2" "hostname gw2
$(gw_policy $LP_BACKUP)
$(frr_bgp_vrf s1 10.255.0.2 RRI-S1 10.100.2.2)" &&
frr_start "$csr" "hostname csr" "hostname csr
$(frr_bgp_vrf s1 10.255.0.3 - 10.100.1.1 10.100.2.1)
$(frr_bgp_vrf x2 10.255.0.3 - 10.101.1.1)"
rc=$?
log_test $rc "zebra and bgpd started in the three namespaces"
[ $rc = 0 ] || test_exit

wait_until 60 frr_bgp_established "$csr" s1 10.100.1.1 &&
wait_until 30 frr_bgp_established "$csr" s1 10.100.2.1 &&
wait_until 30 frr_bgp_established "$csr" x2 10.101.1.1
rc=$?
log_test $rc "CSR: BGP sessions to gw1 (s1, x2) and gw2 (s1) Established"
[ $rc = 0 ] || test_exit

# ---- helpers on the CSR's view -----------------------------------------
# Paths at the CSR in VRF $1 whose prefix starts with $2 (a regex).
csr_paths() {
	frr_bgp_paths "$csr" "$1" | grep -E "^$2" || true
}
count_paths() {	# count_paths VRF PREFIX_RE [AWK_CONDITION]
	csr_paths "$1" "$2" | awk "${3:-1} { n++ } END { print n + 0 }"
}
count_is() {	# count_is WANT VRF PREFIX_RE [AWK_CONDITION]
	[ "$(count_paths "$2" "$3" "${4:-1}")" = "$1" ]
}
ms_to_s() {
	awk -v m="$1" 'BEGIN { if (m == "") print ""; else printf "%.2f", m / 1000 }'
}

add_s1_routes() {	# add_s1_routes NS FIRST LAST
	local i
	for ((i = $2; i <= $3; i++)); do
		tool "$1" route-add prefix 10.200.0.$i/32 vrf s1 dev ipsec0 \
			proto "$PROTO" metric "$METRIC" || return 1
	done
}

S1='10\.200\.0\.[0-9]+/32 '
GW1_BEST="\$2 == \"10.100.1.1\" && \$3 == $LP_PRIMARY && \$4 == $METRIC && \$5 == \"best\""
GW2_BACKUP="\$2 == \"10.100.2.1\" && \$3 == $LP_BACKUP && \$4 == $METRIC && \$5 == \"-\""

# ---- announcement ----------------------------------------------------------
add_s1_routes "$gw1" 1 $N && add_s1_routes "$gw2" 1 $N
log_test $? "$N RRI routes (proto $PROTO, metric $METRIC) added to VRF s1 of each gateway"
check_eq "$(tool "$gw1" route-count vrf s1 proto "$PROTO")" "routes $N" \
	"gw1: route-count in VRF s1"

wait_until 20 count_is $((2 * N)) s1 "$S1"
check_eq "$(count_paths s1 "$S1")" $((2 * N)) "CSR: two paths per eNodeB prefix in s1"
check_eq "$(count_paths s1 "$S1" "$GW1_BEST")" $N \
	"CSR: best path via primary 10.100.1.1, local-pref $LP_PRIMARY, MED $METRIC"
check_eq "$(count_paths s1 "$S1" "$GW2_BACKUP")" $N \
	"CSR: second path via backup 10.100.2.1, local-pref $LP_BACKUP"
csr_paths s1 '10\.200\.0\.7/32 ' | sed 's/^/      csr s1: /'
ip -n "$csr" route show vrf s1 10.200.0.7 | grep -q 'via 10.100.1.1 dev c1g proto bgp'
log_test $? "CSR: kernel FIB of VRF s1 forwards 10.200.0.7 to the primary"

# ---- VRF separation (S1 / X2) ----------------------------------------------
for i in 1 2 3; do
	tool "$gw1" route-add prefix 10.210.0.$i/32 vrf x2 dev ipsec1 \
		proto "$PROTO" metric "$METRIC" || break
done
wait_until 15 count_is 3 x2 '10\.210\.0\.'
check_eq "$(count_paths x2 '10\.210\.0\.' "\$2 == \"10.101.1.1\"")" 3 \
	"CSR: the 3 X2 prefixes arrive in VRF x2 via gw1"
check_eq "$(count_paths x2 '10\.200\.')" 0 "CSR: no S1 prefix leaks into VRF x2"
check_eq "$(count_paths s1 '10\.210\.')" 0 "CSR: no X2 prefix leaks into VRF s1"
check_eq "$(frr_bgp_paths "$gw1" x2 | grep -c '^10\.200\.')" 0 \
	"gw1: BGP table of x2 holds no S1 prefix"
check_eq "$(ip -n "$gw1" route show vrf x2 | grep -c '^10\.200\.')" 0 \
	"gw1: kernel table of x2 holds no S1 route"

# ---- what the route-map refuses --------------------------------------------
# Zebra learns these as kernel routes (shown), bgpd's route-map drops them.
ip -n "$gw1" route add 10.200.0.99/32 dev ipsec0 vrf s1 proto static &&
tool "$gw1" route-add prefix 10.99.0.1/32 vrf s1 dev ipsec0 proto "$PROTO" metric "$METRIC"
log_test $? "gw1: a proto static route in the eNodeB range and an RRI route outside it added"
wait_until 10 frr_rib_has "$gw1" s1 10.200.0.99/32 kernel &&
frr_rib_has "$gw1" s1 10.99.0.1/32 kernel
log_test $? "gw1: zebra holds both as kernel routes of VRF s1"
sleep 2
check_eq "$(frr_bgp_paths "$gw1" s1 | grep -cE '^10\.(200\.0\.99|99\.0\.1)/32 ')" 0 \
	"gw1: route-map RRI-S1 keeps both out of BGP"
check_eq "$(count_paths s1 '10\.(200\.0\.99|99\.0\.1)/32 ')" 0 \
	"CSR: neither is announced"
# The mark is the metric: a foreign route that carried ikud's metric would
# pass, which is why the RRI metric stays reserved to ikud (frr.md).
ip -n "$gw1" route add 10.200.0.98/32 dev ipsec0 vrf s1 proto static metric "$METRIC"
wait_until 10 count_is 1 s1 '10\.200\.0\.98/32 '
check_eq "$(count_paths s1 '10\.200\.0\.98/32 ')" 1 \
	"CSR: a foreign route with ikud's metric would pass (the match is the metric)"
ip -n "$gw1" route del 10.200.0.98/32 dev ipsec0 vrf s1 proto static metric "$METRIC"
ip -n "$gw1" route del 10.200.0.99/32 dev ipsec0 vrf s1 proto static
tool "$gw1" route-del prefix 10.99.0.1/32 vrf s1 dev ipsec0 proto "$PROTO" metric "$METRIC"
wait_until 10 count_is 0 s1 '10\.200\.0\.98/32 '

# ---- withdrawal ------------------------------------------------------------
# Timed at the CSR's forwarding table (what traffic sees, and cheap to poll),
# then checked in its BGP table.
csr_fib_via() {	# csr_fib_via PREFIX NEXTHOP
	ip -n "$csr" route show vrf s1 "$1" | grep -q "via $2 "
}
csr_fib_absent() {
	[ -z "$(ip -n "$csr" route show vrf s1 "$1")" ]
}
tool "$gw1" route-del prefix 10.200.0.5/32 vrf s1 dev ipsec0 proto "$PROTO" metric "$METRIC"
ms=$(ms_until csr_fib_via 10.200.0.5/32 10.100.2.1)
check_range "$(ms_to_s "$ms")" 0 2 \
	"CSR: route deleted on the primary -> forwarding moves to the backup (s)"
wait_until 5 count_is 1 s1 '10\.200\.0\.5/32 '
check_eq "$(count_paths s1 '10\.200\.0\.5/32 ' "\$5 == \"best\" && \$2 == \"10.100.2.1\"")" 1 \
	"CSR: BGP keeps one path for 10.200.0.5, best via the backup"
tool "$gw2" route-del prefix 10.200.0.5/32 vrf s1 dev ipsec0 proto "$PROTO" metric "$METRIC"
ms=$(ms_until csr_fib_absent 10.200.0.5/32)
check_range "$(ms_to_s "$ms")" 0 2 "CSR: route deleted on the backup too -> prefix withdrawn (s)"
wait_until 5 count_is 0 s1 '10\.200\.0\.5/32 '
check_eq "$(count_paths s1 '10\.200\.0\.5/32 ')" 0 "CSR: 10.200.0.5/32 gone from BGP"

# ---- start-up flush (ikud restart) -----------------------------------------
check_eq "$(tool "$gw1" route-flush vrf s1 proto "$PROTO")" "flushed $((N - 1))" \
	"gw1: flush of protocol $PROTO in VRF s1 (what ikud does at start-up)"
wait_until 10 count_is 0 s1 "$S1" '$2 == "10.100.1.1"'
check_eq "$(count_paths s1 "$S1" '$2 == "10.100.1.1"')" 0 "CSR: no stale path via the primary"
check_eq "$(count_paths s1 "$S1")" $((N - 1)) "CSR: the backup's paths remain"
check_eq "$(count_paths x2 '10\.210\.0\.')" 3 "CSR: X2 routes untouched by the S1 flush"
add_s1_routes "$gw1" 1 10
wait_until 10 count_is 10 s1 "$S1" "$GW1_BEST"
check_eq "$(count_paths s1 "$S1" "$GW1_BEST")" 10 \
	"CSR: the 10 tunnels back after the restart are best via the primary again"
tool "$gw1" route-flush vrf s1 proto "$PROTO" >/dev/null &&
tool "$gw2" route-flush vrf s1 proto "$PROTO" >/dev/null
wait_until 10 count_is 0 s1 "$S1"
check_eq "$(count_paths s1 "$S1")" 0 "CSR: nothing stale after both gateways flushed"
check_eq "$(tool "$gw2" route-count vrf s1 proto "$PROTO")" "routes 0" "gw2: no RRI route left"

# ---- summarization -----------------------------------------------------------
for ns in "$gw1" "$gw2"; do
	frr_config "$ns" "router bgp 65000 vrf s1" "address-family ipv4 unicast" \
		"aggregate-address 10.200.0.0/24 summary-only route-map AGG" || break
done
log_test $? "gateways: aggregate-address 10.200.0.0/24 summary-only route-map AGG"
add_s1_routes "$gw1" 1 $N && add_s1_routes "$gw2" 1 $N
AGG='10\.200\.0\.0/24 '
wait_until 20 count_is 2 s1 "$AGG"
check_eq "$(count_paths s1 "$AGG" "\$2 == \"10.100.1.1\" && \$3 == $LP_PRIMARY && \$5 == \"best\"")" 1 \
	"CSR: aggregate best via the primary with local-pref $LP_PRIMARY"
check_eq "$(count_paths s1 "$AGG" "\$2 == \"10.100.2.1\" && \$3 == $LP_BACKUP")" 1 \
	"CSR: aggregate via the backup with local-pref $LP_BACKUP"
check_eq "$(count_paths s1 "$S1")" 0 "CSR: no /32 announced under summary-only"
csr_paths s1 "$AGG" | sed 's/^/      csr s1: /'
tool "$gw1" route-flush vrf s1 proto "$PROTO" >/dev/null &&
tool "$gw2" route-flush vrf s1 proto "$PROTO" >/dev/null
wait_until 10 count_is 0 s1 "$AGG"
check_eq "$(count_paths s1 "$AGG")" 0 "CSR: aggregate withdrawn once no RRI route contributes"

test_exit
