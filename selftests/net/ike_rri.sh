#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ikud's gateways per VRF and reverse route injection (RRI): every tunnel's
# inner prefix becomes a route (proto 250) in its gateway VRF's table via the
# gateway's xfrm interface, and goes with the tunnel.
#
#   enb netns (one charon, one connection per eNodeB)   gw netns (ikud)
#   10.1.0.1-3/32, 10.3.0.1/32, fd00:1::6/128 on lo
#                                                   VRF s1 (table 10)
#   veth-e 192.0.2.2/24 =========================== veth-g 192.0.2.1/24
#                                                     ipsec-s1 xfrm if_id 42
#                                                     mme-s1 10.2.0.1/24 fd00:2::1/64
#                                                     g-csr 10.100.1.1/30 ==== csr netns, VRF s1
#                                                     (zebra + bgpd)          c-gw 10.100.1.2/30
#                                                                             (zebra + bgpd)
#                                                   VRF x2 (table 20)
#   veth-ex 198.51.100.2/24 ======================= veth-gx 198.51.100.1/24
#                                                     ipsec-x2 xfrm if_id 43
#                                                     mme-x2 10.4.0.1/24
#
# S1 gateway: enb1..enb3 claim 10.1.0.N/32 (allowed: 10.1.0.0/16), enb6
# claims fd00:1::6/128 (allowed: fd00:1::/48); X2 gateway: enbx claims
# 10.3.0.1/32 (allowed: 10.3.0.0/16). Cases: IKE
# sockets bound to the VRFs; an xfrm interface outside the gateway's VRF
# stops ikud at start-up; routes appear per tunnel (proto 250, metric, dev)
# and only in their own VRF; ping from the VRF to an eNodeB; a CHILD_SA
# rekey keeps the route without a gap; a delete removes exactly its route;
# claims outside remote-ts, of 0.0.0.0/0, of a prefix another identity
# holds, or covering it, are refused and leave no route; the same identity
# reconnecting (INITIAL_CONTACT) hands its route to the new tunnel without
# a withdraw (make before break, seen by ip monitor); an IPv6 inner prefix
# becomes an IPv6 route, ::/0, IPv6 claims outside remote-ts and one
# covering another identity's IPv6 prefix are refused;
# SIGKILL of ikud and a restart flush stale routes (IPv4 and IPv6), which
# come back with the tunnels. FRR: bgpd
# on the gateway redistributes the RRI routes of VRF s1 (route-map on the
# eNodeB prefixes and ikud's metric, local-preference 200) to a cell-site
# router (CSR), which sees them come and go with the tunnels.
#

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_frr.sh"
source "$(dirname "$0")/lib_ike.sh"

require_cmd ip jq python3 swanctl nsenter unshare ss vtysh "$FRR_SBIN/zebra" "$FRR_SBIN/bgpd"
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
[ -x "$IKUD" ] || skip "$IKUD not built"
require_module esp4 vrf xfrm_interface dummy

dir=$(mktemp -d /tmp/ike_rri.XXXXXX)
at_exit "rm -rf $dir"
PSK="rri-secret-0123456789abcdef"
S1_TABLE=10
X2_TABLE=20

setup_ns ENB GW CSR
# mme-* first, so that they are the VRFs' first addresses (source of pings)
for v in s1:$S1_TABLE x2:$X2_TABLE; do
	ip -n "$GW" link add "${v%:*}" type vrf table "${v#*:}"
	ip -n "$GW" link set "${v%:*}" up
done
ip -n "$GW" link add mme-s1 type dummy
ip -n "$GW" link set mme-s1 master s1 up
ip -n "$GW" addr add 10.2.0.1/24 dev mme-s1
ip -n "$GW" addr add fd00:2::1/64 dev mme-s1 nodad
ip -n "$GW" link add mme-x2 type dummy
ip -n "$GW" link set mme-x2 master x2 up
ip -n "$GW" addr add 10.4.0.1/24 dev mme-x2

ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW"
ip link add veth-ex netns "$ENB" type veth peer name veth-gx netns "$GW"
ip -n "$GW" link set veth-g master s1 up
ip -n "$GW" addr add 192.0.2.1/24 dev veth-g
ip -n "$GW" link set veth-gx master x2 up
ip -n "$GW" addr add 198.51.100.1/24 dev veth-gx
ip -n "$GW" link add ipsec-s1 type xfrm dev veth-g if_id 42
ip -n "$GW" link set ipsec-s1 master s1 up
ip -n "$GW" link add ipsec-x2 type xfrm dev veth-gx if_id 43
ip -n "$GW" link set ipsec-x2 master x2 up

ip -n "$ENB" addr add 192.0.2.2/24 dev veth-e
ip -n "$ENB" addr add 198.51.100.2/24 dev veth-ex
ip -n "$ENB" link set veth-e up
ip -n "$ENB" link set veth-ex up
for a in 10.1.0.1 10.1.0.2 10.1.0.3 10.3.0.1; do
	ip -n "$ENB" addr add $a/32 dev lo
done
ip -n "$ENB" addr add fd00:1::6/128 dev lo
ip -n "$ENB" route add 10.2.0.0/24 dev veth-e
ip -n "$ENB" route add fd00:2::/64 dev veth-e
ip -n "$ENB" route add 10.4.0.0/24 dev veth-ex

# the CSR, a BGP peer in VRF s1
ip -n "$CSR" link add s1 type vrf table $S1_TABLE
ip -n "$CSR" link set s1 up
ip link add g-csr netns "$GW" type veth peer name c-gw netns "$CSR"
ip -n "$GW" link set g-csr master s1 up
ip -n "$GW" addr add 10.100.1.1/30 dev g-csr
ip -n "$CSR" link set c-gw master s1 up
ip -n "$CSR" addr add 10.100.1.2/30 dev c-gw

frr_start "$GW" "hostname gw" "hostname gw
$(frr_rri_map RRI-S1 10.1.0.0/16 200 1024)
$(frr_bgp_vrf s1 10.255.0.1 RRI-S1 10.100.1.2)" &&
frr_start "$CSR" "hostname csr" "hostname csr
$(frr_bgp_vrf s1 10.255.0.3 - 10.100.1.1)" || { log_test 1 "FRR starts in the gateway and the CSR"; test_exit; }
# "PREFIX NEXTHOP LOCPREF;" of the eNodeB prefixes at the CSR
csr_enb_paths() { frr_bgp_paths "$CSR" s1 | awk '/^10\.1\./ { print $1, $2, $3 }' | tr '\n' ';'; }
csr_fib_absent() { [ -z "$(ip -n "$CSR" route show vrf s1 "$1")" ]; }
csr_lacks() { ! frr_bgp_paths "$CSR" s1 | grep -q "^$1 "; }

# --- ikud -----------------------------------------------------------------

write_ikud_conf() {	# $1: xfrm interface of gateway s1
	cat >"$dir/ikud.conf" <<EOF
$(write_ikud_head)
gateway s1 {
	local 192.0.2.1;
	vrf s1;
	xfrm-interface ${1:-ipsec-s1} if_id 42;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16-ecp256;
	psk "$PSK" for id *.enb.example.net;
	remote-ts 10.1.0.0/16 fd00:1::/48;
	local-ts 10.2.0.0/24 fd00:2::/64;
}
gateway x2 {
	local 198.51.100.1;
	vrf x2;
	xfrm-interface ipsec-x2 if_id 43;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16-ecp256;
	psk "$PSK" for id *.enb.example.net;
	remote-ts 10.3.0.0/16;
	local-ts 10.4.0.0/24;
	route-metric 300;
}
EOF
}


# routes of ikud's protocol in a table: "PREFIX DEV METRIC" lines, sorted
rri_routes() {	# TABLE [-6]
	ip -n "$GW" ${2:-} -j route show table "$1" proto 250 |
		jq -r 'sort_by(.dst)[] | "\(.dst) \(.dev) \(.metric // 0)"'
}
rri_count() { ip -n "$GW" route show table "$1" proto 250 | grep -c .; }
has_route() { ip -n "$GW" route show table "$1" proto 250 "$2" | grep -q .; }
ts_failures() { failures ts_unacceptable; }
# "GATEWAY VRF REMOTE_TS ROUTE ROUTES" of each CHILD_SA of the identity ID
# (a part of its name)
children_of() {	# ID
	ctl sa show | jq -r --arg id "$1" '.sas[] | select(.remote_id | contains($id)) |
		. as $s | .children[] | "\($s.gateway) \($s.vrf) \(.remote_ts[0]) \(.route) \(.routes)"'
}
spis_in_of() {	# ID: the inbound SPIs of its CHILD_SAs, oldest first
	ctl sa show | jq -r --arg id "$1" '.sas[] | select(.remote_id | contains($id)) | .children[].spi_in'
}
sas_of() {	# ID: how many IKE SAs it has
	ctl sa show | jq --arg id "$1" '[.sas[] | select(.remote_id | contains($id))] | length'
}
children_of_are() { [ "$(children_of "$1" | grep -c .)" = "$2" ]; }	# ID N
sas_of_are() { [ "$(sas_of "$1")" = "$2" ]; }	# ID N

# ping from a VRF: raw ICMP socket bound to the VRF device and a source
vrf_ping() {	# VRF SRC DST
	ip netns exec "$GW" python3 - "$@" <<'EOF'
import os, select, socket, struct, sys
vrf, src, dst = sys.argv[1:4]
def csum(b):
	s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	s = (s >> 16) + (s & 0xffff); s += s >> 16
	return ~s & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, vrf.encode())
s.bind((src, 0))
ident = os.getpid() & 0xffff
for seq in range(1, 4):
	hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + b"rri-probe-16byte"
	pkt = hdr[:2] + struct.pack("!H", csum(hdr)) + hdr[4:]
	s.sendto(pkt, (dst, 0))
	while select.select([s], [], [], 2)[0]:
		data, addr = s.recvfrom(2048)
		icmp = data[(data[0] & 15) * 4:]
		if addr[0] == dst and icmp[0] == 0 and struct.unpack("!H", icmp[4:6])[0] == ident:
			sys.exit(0)
sys.exit(1)
EOF
}

# --- strongSwan ---------------------------------------------------------------

# conn NAME ID LOCAL REMOTE LOCAL_TS REMOTE_TS
conn() {
	swan_conn "$1" lid="$2" laddr="$3" raddr="$4" lts="$5" rts="$6" child="$1" \
		esp=aes128gcm16-ecp256 c.rekey_time=0 ch.rekey_time=0
}

write_strongswan_conf "retransmit_tries = 3" "retransmit_timeout = 2"
conns=()
for n in 1 2 3; do
	conns+=("$(conn enb$n enb$n.enb.example.net 192.0.2.2 192.0.2.1 10.1.0.$n/32 10.2.0.0/24)")
done
conns+=("$(conn enbx enbx.enb.example.net 198.51.100.2 198.51.100.1 10.3.0.1/32 10.4.0.0/24)")
conns+=("$(conn enb6 enb6.enb.example.net 192.0.2.2 192.0.2.1 fd00:1::6/128 fd00:2::/64)")
conns+=("$(conn outside bad1.enb.example.net 192.0.2.2 192.0.2.1 172.16.0.1/32 10.2.0.0/24)")
conns+=("$(conn default bad2.enb.example.net 192.0.2.2 192.0.2.1 0.0.0.0/0 10.2.0.0/24)")
conns+=("$(conn steal bad3.enb.example.net 192.0.2.2 192.0.2.1 10.1.0.1/32 10.2.0.0/24)")
conns+=("$(conn cover bad4.enb.example.net 192.0.2.2 192.0.2.1 10.1.0.0/24 10.2.0.0/24)")
conns+=("$(conn default6 bad5.enb.example.net 192.0.2.2 192.0.2.1 ::/0 fd00:2::/64)")
conns+=("$(conn outside6 bad6.enb.example.net 192.0.2.2 192.0.2.1 2001:db8::6/128 fd00:2::/64)")
conns+=("$(conn cover6 bad7.enb.example.net 192.0.2.2 192.0.2.1 fd00:1::/64 fd00:2::/64)")
conns+=("$(conn occupied enb4.enb.example.net 192.0.2.2 192.0.2.1 10.1.0.4/32 10.2.0.0/24)")
swan_conf "$dir/swanctl.conf" "$PSK" "${conns[@]}"

# charon with the connections loaded
start_enbs() { start_charon && load_swan; }
up() { timeout 60 nsenter -t "$CHARON_PID" -m -n swanctl --initiate --child "$1" >>"$dir/initiate.out" 2>&1; }
down() { swan --terminate --ike "$1" >/dev/null 2>&1; }
enb_ping() {	# SRC DST
	ip netns exec "$ENB" ping -c 2 -i 0.3 -W 2 -I "$1" "$2" >/dev/null 2>&1
}

dump_logs() {
	echo "# --- ikud.log (tail)"; tail -n 40 "$dir/ikud.log" | sed 's/^/# /'
	echo "# --- charon.log (tail)"; tail -n 20 "$dir/charon.log" 2>/dev/null | sed 's/^/# /'
}

# --- tests -------------------------------------------------------------------

echo "# start-up checks the xfrm interface of each gateway"
write_ikud_conf ipsec-x2
timeout 10 ip netns exec "$GW" "$IKUD" -c "$dir/ikud.conf" -d >"$dir/bad.log" 2>&1
check_eq "$?" 1 "ikud refuses to start with gateway s1's xfrm interface in vrf x2"
grep -q "gateway s1: xfrm interface ipsec-x2 is not in vrf s1" "$dir/bad.log"
log_test $? "the error names the gateway, interface and VRF"
write_ikud_conf nosuch0
timeout 10 ip netns exec "$GW" "$IKUD" -c "$dir/ikud.conf" -d >"$dir/bad.log" 2>&1
check_eq "$?" 1 "ikud refuses to start with a missing xfrm interface"
grep -q "xfrm interface nosuch0 does not exist" "$dir/bad.log"
log_test $? "the error says it does not exist"

echo "# stale routes of proto 250 are flushed at start-up"
ip -n "$GW" route add 10.1.9.9/32 dev ipsec-s1 table $S1_TABLE proto 250
ip -n "$GW" route add 10.1.9.8/32 dev ipsec-s1 table $S1_TABLE proto static
write_ikud_conf
start_ikud || { dump_logs; log_test 1 "ikud starts"; test_exit; }
check_eq "$(rri_count $S1_TABLE)" 0 "the stale proto 250 route is gone"
ip -n "$GW" route show table $S1_TABLE 10.1.9.8/32 | grep -q 'proto static'
log_test $? "a route of another protocol stays"
ip -n "$GW" route del 10.1.9.8/32 table $S1_TABLE

echo "# IKE sockets bound to the gateways' VRFs"
socks=$(ip netns exec "$GW" ss -uanH | awk '{print $4}' | sort | tr '\n' ' ')
for s in 192.0.2.1%s1:500 192.0.2.1%s1:4500 198.51.100.1%x2:500 198.51.100.1%x2:4500; do
	[[ " $socks" == *" $s "* ]]
	log_test $? "socket $s"
done

echo "# tunnels bring their routes"
start_enbs
for c in enb1 enb2 enb3 enbx; do
	up $c
	log_test $? "$c establishes"
done
check_eq "$(rri_routes $S1_TABLE | tr '\n' ';')" \
	"10.1.0.1 ipsec-s1 1024;10.1.0.2 ipsec-s1 1024;10.1.0.3 ipsec-s1 1024;" \
	"vrf s1: one route per S1 tunnel via ipsec-s1, default metric"
check_eq "$(rri_routes $X2_TABLE | tr '\n' ';')" "10.3.0.1 ipsec-x2 300;" \
	"vrf x2: only the X2 tunnel's route, configured metric"
check_eq "$(ip -n "$GW" route show table main proto 250 | grep -c .)" 0 \
	"no route of ours in the main table"
ip -n "$GW" route show table $S1_TABLE proto 250 | grep -q '10.3.0.1'
log_test $((! $?)) "the X2 prefix is not in vrf s1"
check_eq "$(ctl stats | jq -r '"\(.routes.s1) \(.routes.x2)"')" "3 1" \
	"sgwctl ike stats counts routes per gateway"
check_eq "$(children_of enb2. | head -n1)" "s1 s1 10.1.0.2/32 installed 1" \
	"sa show: gateway, vrf, inner prefix and route state of enb2"
"$SGWCTL" ike socket "$dir/ikud.sock" sa show 2>/dev/null | grep -q 'gateway x2 vrf x2 .*' &&
	"$SGWCTL" ike socket "$dir/ikud.sock" sa show | grep -q 'route installed (1)'
log_test $? "sgwctl ike sa show (text) shows VRF and route state"

wait_until 60 frr_bgp_established "$CSR" s1 10.100.1.1
log_test $? "CSR: BGP session to the gateway in VRF s1 Established"
wait_eq 20 "10.1.0.1/32 10.100.1.1 200;10.1.0.2/32 10.100.1.1 200;10.1.0.3/32 10.100.1.1 200;" csr_enb_paths
check_eq "$(csr_enb_paths)" "10.1.0.1/32 10.100.1.1 200;10.1.0.2/32 10.100.1.1 200;10.1.0.3/32 10.100.1.1 200;" \
	"CSR: BGP has the three eNodeB /32s, next hop the gateway, local-pref 200"

echo "# traffic from the VRFs to the eNodeBs follows the routes"
vrf_ping s1 10.2.0.1 10.1.0.2
log_test $? "ping vrf s1 10.2.0.1 -> enb2 10.1.0.2"
vrf_ping x2 10.4.0.1 10.3.0.1
log_test $? "ping vrf x2 10.4.0.1 -> enbx 10.3.0.1"
enb_ping 10.1.0.3 10.2.0.1
log_test $? "ping enb3 -> 10.2.0.1 (reply via the route)"

echo "# a CHILD_SA rekey keeps the route, without a gap"
spi_before=$(spis_in_of enb1. | head -n1)
ip -n "$GW" monitor route >"$dir/monitor" 2>/dev/null &
monitor=$!
( end=$((SECONDS + 8)); miss=0; n=0
  while [ $SECONDS -lt $end ]; do
	has_route $S1_TABLE 10.1.0.1/32 || miss=$((miss + 1)); n=$((n + 1))
  done; echo "$miss $n" >"$dir/watch" ) &
watcher=$!
sleep 1
swan --rekey --child enb1 >/dev/null 2>&1
log_test $? "strongSwan rekeys enb1's CHILD_SA"
wait $watcher
read -r miss polls <"$dir/watch"
spi_after=$(spis_in_of enb1. | tail -n1)
[ "$spi_after" != "$spi_before" ]
log_test $? "enb1 has a new CHILD_SA ($spi_before -> $spi_after)"
check_eq "$miss" 0 "route 10.1.0.1/32 never missing during the rekey ($polls polls)"
kill $monitor; wait $monitor 2>/dev/null
check_eq "$(grep -c '^Deleted.*10\.1\.0\.1 ' "$dir/monitor")" 0 \
	"rtnetlink: no RTM_DELROUTE for 10.1.0.1/32 during the rekey"
wait_until 10 children_of_are enb1. 1
check_eq "$(rri_count $S1_TABLE)" 3 "still three routes in vrf s1 after the rekey"
vrf_ping s1 10.2.0.1 10.1.0.1
log_test $? "ping vrf s1 -> enb1 after the rekey"

echo "# a delete removes exactly its route"
ip -n "$CSR" route show vrf s1 10.1.0.2/32 | grep -q "via 10.100.1.1"
log_test $? "CSR: enb2's /32 in the CSR's kernel table of VRF s1 (BGP)"
down enb2	# returns once ikud answered the DELETE (tunnel and route gone)
t0=$(now_ms)
wait_until 5 csr_fib_absent 10.1.0.2/32
withdraw_ms=$(( $(now_ms) - t0 ))
csr_lacks 10.1.0.2/32
log_test $? "CSR: enb2's /32 withdrawn from BGP"
check_range "$withdraw_ms" 0 2000 "CSR: gone from the CSR's FIB within 2 s of the tunnel deletion (ms)"
wait_until 10 sh -c "! ip -n $GW route show table $S1_TABLE proto 250 10.1.0.2/32 | grep -q ."
check_eq "$(rri_routes $S1_TABLE | tr '\n' ';')" \
	"10.1.0.1 ipsec-s1 1024;10.1.0.3 ipsec-s1 1024;" "enb2's route gone, enb1 and enb3 stay"
check_eq "$(rri_count $X2_TABLE)" 1 "the X2 route stays"
ctl sa terminate remote-id enb3.enb.example.net >/dev/null
wait_until 10 sh -c "! ip -n $GW route show table $S1_TABLE proto 250 10.1.0.3/32 | grep -q ."
check_eq "$(rri_routes $S1_TABLE | tr '\n' ';')" "10.1.0.1 ipsec-s1 1024;" \
	"terminated from ikud: enb3's route gone"
wait_eq 5 "10.1.0.1/32 10.100.1.1 200;" csr_enb_paths
check_eq "$(csr_enb_paths)" "10.1.0.1/32 10.100.1.1 200;" "CSR: only enb1's /32 left"
check_eq "$(ctl stats | jq .routes.s1)" 1 "stats: one route left on s1"

echo "# claims that must not become routes"
ts0=$(ts_failures)
up outside
log_test $((! $?)) "a claim outside remote-ts (172.16.0.1/32) fails"
up default
log_test $((! $?)) "a claim of 0.0.0.0/0 fails"
up steal
log_test $((! $?)) "another identity claiming enb1's 10.1.0.1/32 fails"
up cover
log_test $((! $?)) "another identity claiming 10.1.0.0/24 (covers enb1's) fails"
check_eq "$(( $(ts_failures) - ts0 ))" 4 "ikud refused all four with TS_UNACCEPTABLE"
check_eq "$(rri_routes $S1_TABLE | tr '\n' ';')" "10.1.0.1 ipsec-s1 1024;" \
	"vrf s1 still holds enb1's route only"
ip -n "$GW" route show table all proto 250 | grep -qE '^(default|0\.0\.0\.0|172\.16|10\.1\.0\.0/24)'
log_test $((! $?)) "no default, outside or covering route anywhere"
vrf_ping s1 10.2.0.1 10.1.0.1
log_test $? "enb1's traffic unaffected"
for c in outside default steal cover; do down $c; done

echo "# a route of the operator's with the same key is never overwritten"
ip -n "$GW" route add 10.1.0.4/32 dev mme-s1 table $S1_TABLE metric 1024 proto static
up occupied
log_test $? "enb4 establishes (its claim is its own)"
check_eq "$(ip -n "$GW" route show table $S1_TABLE 10.1.0.4/32 | awk '{print $3, $5}')" \
	"mme-s1 static" "the operator's route to 10.1.0.4/32 is still there, untouched"
grep -q "route 10.1.0.4/32 table $S1_TABLE metric 1024: a route that is not ikud's" "$dir/ikud.log"
log_test $? "ikud says why it left it alone"
down occupied
check_eq "$(ip -n "$GW" route show table $S1_TABLE 10.1.0.4/32 | awk '{print $3, $5}')" \
	"mme-s1 static" "and does not delete it with the tunnel"
ip -n "$GW" route del 10.1.0.4/32 table $S1_TABLE

echo "# the same identity reconnecting (INITIAL_CONTACT) takes its route over, no withdraw"
# "SHARD SPI_IN ROUTE ROUTES" of enb1's CHILD_SAs (the shard is the top byte of our SPI)
enb1_children() {
	ctl sa show | jq -r '.sas[] | select(.remote_id | contains("enb1.")) |
		.spi_r[0:2] as $shard | .children[] | "\($shard) \(.spi_in) \(.route) \(.routes)"'
}
# Add and remove a marker route in a spare table until the monitor printed
# it (the monitor may not listen yet): every route event before the marker
# has then been printed too.
mark_seen() {	# PREFIX
	ip -n "$GW" route add blackhole "$1" table 99 && ip -n "$GW" route del "$1" table 99 &&
		grep -qF " $1 " "$dir/monitor-ic"
}
monitor_mark() { wait_until 20 mark_seen "$1"; }
up enb2
log_test $? "enb2 back"
check_eq "$(enb1_children | wc -l)" 1 "enb1 has one CHILD_SA before the reconnection"
read -r old_shard old_spi _ <<<"$(enb1_children)"
ip -n "$GW" monitor route >"$dir/monitor-ic" 2>/dev/null &
monitor=$!
monitor_mark 198.18.0.1
log_test $? "ip monitor route listens in the gateway's netns"
stop_charon KILL
start_enbs
up enb1
log_test $? "enb1 reconnects after losing its state"
wait_until 10 sas_of_are enb1. 1
check_eq "$(sas_of enb1.)" 1 \
	"the old enb1 tunnel was replaced"
monitor_mark 198.18.0.2
log_test $? "ip monitor printed every route event of the reconnection"
kill $monitor; wait $monitor 2>/dev/null
check_eq "$(grep -c '^Deleted.*10\.1\.0\.1 ' "$dir/monitor-ic")" 0 \
	"rtnetlink: no RTM_DELROUTE for 10.1.0.1/32 during the reconnection"
read -r new_shard new_spi new_route new_routes <<<"$(enb1_children)"
check_eq "$new_shard" "$old_shard" "the new tunnel lives on the old tunnel's shard"
[ -n "$new_spi" ] && [ "$new_spi" != "$old_spi" ]
log_test $? "enb1 has a new CHILD_SA ($old_spi -> $new_spi)"
check_eq "$new_route $new_routes" "installed 1" "sa show: the new CHILD_SA holds enb1's route"
check_eq "$(rri_routes $S1_TABLE | tr '\n' ';')" "10.1.0.1 ipsec-s1 1024;10.1.0.2 ipsec-s1 1024;" \
	"routes of enb1 and (stale-peer) enb2 in vrf s1, unchanged"
vrf_ping s1 10.2.0.1 10.1.0.1
log_test $? "ping vrf s1 -> enb1 through the new tunnel"

echo "# IPv6 inner prefixes become IPv6 routes"
ts0=$(ts_failures)
up enb6
log_test $? "enb6 claiming fd00:1::6/128 establishes"
check_eq "$(rri_routes $S1_TABLE -6 | tr '\n' ';')" "fd00:1::6 ipsec-s1 1024;" \
	"vrf s1: an IPv6 route via ipsec-s1, proto 250, default metric"
check_eq "$(children_of enb6. | head -n1 | cut -d' ' -f3-)" "fd00:1::6/128 installed 1" "sa show: enb6's inner prefix and route state"
ip netns exec "$ENB" ping -6 -c 2 -i 0.3 -W 2 -I fd00:1::6 fd00:2::1 >/dev/null 2>&1
log_test $? "ping enb6 fd00:1::6 -> fd00:2::1 (reply via the IPv6 route)"
up default6
log_test $((! $?)) "a claim of ::/0 fails"
up outside6
log_test $((! $?)) "a claim outside the IPv6 remote-ts (2001:db8::6/128) fails"
up cover6
log_test $((! $?)) "another identity claiming fd00:1::/64 (covers enb6's) fails"
check_eq "$(( $(ts_failures) - ts0 ))" 3 "ikud refused all three with TS_UNACCEPTABLE"
ip -n "$GW" -6 route show table all proto 250 | grep -qE '^(default|::/0|2001:db8|fd00:1::/64)'
log_test $((! $?)) "no IPv6 default, outside or covering route anywhere"
check_eq "$(rri_routes $S1_TABLE -6 | tr '\n' ';')" "fd00:1::6 ipsec-s1 1024;" \
	"vrf s1 still holds enb6's IPv6 route only"
for c in default6 outside6 cover6; do down $c; done

echo "# SIGKILL of ikud: a restart flushes the stale routes; tunnels bring them back"
stop_ikud KILL
check_eq "$(rri_count $S1_TABLE)" 2 "routes survive the killed daemon"
check_eq "$(rri_routes $S1_TABLE -6 | grep -c .)" 1 "enb6's IPv6 route survives it too"
start_ikud || { dump_logs; log_test 1 "ikud restarts"; test_exit; }
check_eq "$(( $(rri_count $S1_TABLE) + $(rri_count $X2_TABLE) ))" 0 "the restart flushed every route of ours"
check_eq "$(rri_routes $S1_TABLE -6 | grep -c .)" 0 "the restart flushed the IPv6 route"
wait_eq 5 "" csr_enb_paths
check_eq "$(csr_enb_paths)" "" "CSR: no stale eNodeB route after the restart"
stop_charon KILL
start_enbs
for c in enb1 enb2 enbx; do
	up $c
	log_test $? "$c re-establishes"
done
check_eq "$(rri_routes $S1_TABLE | tr '\n' ';')" \
	"10.1.0.1 ipsec-s1 1024;10.1.0.2 ipsec-s1 1024;" "vrf s1: routes back for enb1 and enb2"
check_eq "$(rri_routes $X2_TABLE | tr '\n' ';')" "10.3.0.1 ipsec-x2 300;" "vrf x2: route back for enbx"
vrf_ping x2 10.4.0.1 10.3.0.1
log_test $? "ping vrf x2 -> enbx after the restart"
wait_eq 20 "10.1.0.1/32 10.100.1.1 200;10.1.0.2/32 10.100.1.1 200;" csr_enb_paths
check_eq "$(csr_enb_paths)" "10.1.0.1/32 10.100.1.1 200;10.1.0.2/32 10.100.1.1 200;" \
	"CSR: the routes are back in BGP"

echo "# a clean stop removes the routes"
stop_ikud
check_eq "$(( $(rri_count $S1_TABLE) + $(rri_count $X2_TABLE) ))" 0 "no route of ours after SIGTERM"

[ "$sgw_ret" -eq 0 ] || dump_logs
test_exit
