#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An anycast region: three gateways (primary gw1, backup gw2, second backup
# gw3) with ikud, FRR and the anycast group "region" of sgw.ko sharing
# 203.0.113.1, a CSR (route reflector), an MME, and strongSwan eNodeBs that
# know that one SecGW address. The topology is drawn in lib_region.sh.
#
# Groups: every one tracks ikud (heartbeat 10 s: a loaded TCG guest can stall
# for seconds) and the gateway's core link,
# hold-down 2 s; gw1 and gw3 do not preempt. gw1 comes up first and
# announces; gw2 announces too (lower local-preference); gw3 finds them
# announcing and stays standby.
#
# Cases, each with its figures:
#  (a) SIGKILL of gw1's ikud: the CSR moves the address to gw2 within 1 s;
#      every eNodeB is re-established on gw2 (time to all); S1-AP flows.
#  (b) gw1's ikud restarted: gw1 stays standby, no eNodeB moves, no IKE SA
#      is made on it.
#  (c) gw2 drained: gw1 (and gw3, the last announcer gone) take over; the
#      CSR prefers gw1 and the eNodeBs come back to it.
#  (d) gw1's core link down: withdrawn, the CSR moves to gw3; up again,
#      gw1 is standby.
#  (e) gw2 undrained takes over (it preempts); its ikud stopped (SIGSTOP):
#      withdrawn once the heartbeat is late, and back after SIGCONT.
#  (f) a namespace deleted and the module unloaded with groups active:
#      no device, no address, no route is left, no kernel complaint.
# Bad input: unknown VRF, an address of another group, an address on
# another device, an unprivileged caller: a clear error, nothing changed.
#
# sgw-timeout: 900

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_frr.sh"

require_cmd ip jq python3 swanctl nsenter unshare setpriv vtysh "$FRR_SBIN/zebra" "$FRR_SBIN/bgpd"
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
[ -x "$IKUD" ] && [ -x "$SGWCTL" ] || skip "$IKUD or $SGWCTL not built"
require_module esp4 vrf xfrm_interface sctp sgw

dir=$(mktemp -d /tmp/anycast_region.XXXXXX)
at_exit "rm -rf $dir"
source "$(dirname "$0")/lib_region.sh"
N=${SGW_REGION_ENB:-10}
HEARTBEAT_MS=10000

figure() { echo "# figure: $*"; }
t_start=$(now_ms)
case_start() { echo "# $* (at $(( ($(now_ms) - t_start) / 1000 )) s)"; }

reason_of() {
	region_sgwctl "$1" -j anycast show $REGION_GROUP | jq -r '.[0].reason'
}

# the group's device on gateway G has lost its carrier
carrier_off() { ip -n "$(region_gw_ns "$1")" link show ac-$REGION_GROUP | grep -q NO-CARRIER; }

# Where the anycast address stands: each group, the CSR's paths and FIB.
region_dump() {
	local g
	for g in 1 2 3; do
		echo "# gw$g: $(region_sgwctl $g -j anycast show 2>/dev/null | jq -r '.[0] | "\(.state) reason=\(.reason) transitions=\(.transitions)"' 2>/dev/null)"
	done
	frr_bgp_paths "$CSR" s1 | grep "^$REGION_ADDR/" | sed 's/^/# csr path: /'
	ip -n "$CSR" route show vrf s1 $REGION_ADDR | sed 's/^/# csr fib: /'
}

dump_logs() {
	local g
	region_dump
	for g in 1 2 3; do
		echo "# --- ikud gw$g (tail)"; tail -n 12 "$dir/ikud-gw$g.log" | sed 's/^/# /'
		region_sgwctl $g anycast show 2>&1 | sed 's/^/# /'
	done
	echo "# --- charon (tail)"; tail -n 12 "$dir/charon.log" 2>/dev/null | sed 's/^/# /'
	echo "# --- the groups' transitions"; dmesg | grep 'anycast group' | tail -n 30 | sed 's/^/# /'
	for g in gw1 gw2 gw3; do
		echo "# --- zebra $g (tail)"; grep -v 'frr_' "$dir/frr/zebra-$g.log" | tail -n 15 | sed 's/^/# /'
		echo "# --- bgpd $g (tail)"; tail -n 15 "$dir/frr/bgpd-$g.log" | sed 's/^/# /'
	done
}

# the eNodeBs' prefixes the CSR has a BGP route to
csr_enb_routes() { ip -n "$CSR" route show vrf s1 proto bgp | grep -c '^10\.100\.0\.'; }

# --- bad input (before the region is up, on gw3) ----------------------------------

# The groups of gateway G, what a request may change (not the clocks).
groups_of() {
	region_sgwctl "$1" -j anycast show |
		jq -c '[.[] | [.name, .device, .addresses, .state, .transitions, .drained, .preempt, .track_ikud, .links, .heartbeat_ms, .hold_down_ms]]'
}

bad_input() {
	local before out rc
	before=$(groups_of 3)
	out=$(region_sgwctl 3 anycast add x vrf nosuch address 198.51.100.1/32 2>&1)
	rc=$?
	check_eq "$rc/$(grep -c 'no VRF device of that name' <<<"$out")" 2/1 \
		"unknown VRF refused: $out"
	out=$(region_sgwctl 3 anycast add x vrf s1 address $REGION_ADDR/32 2>&1)
	rc=$?
	check_eq "$rc/$(grep -c 'belongs to another anycast group' <<<"$out")" 2/1 \
		"an address of another group refused: $out"
	out=$(region_sgwctl 3 anycast add x vrf s1 address 10.1.3.1/32 2>&1)
	rc=$?
	check_eq "$rc/$(grep -c 'already configured on another device' <<<"$out")" 2/1 \
		"an address configured on acc refused: $out"
	out=$(ip -n "$GW3" addr add $REGION_ADDR/32 dev core 2>&1)
	rc=$?
	check_eq "$rc/$(grep -c 'belongs to an anycast group' <<<"$out")" 2/1 \
		"the group's address refused on another device (ip addr): $out"
	out=$(ip netns exec "$GW3" setpriv --reuid=65534 --regid=65534 --clear-groups \
	      --inh-caps=-all --bounding-set=-all "$SGWCTL" anycast add x vrf s1 \
	      address 198.51.100.1/32 2>&1)
	rc=$?
	check_eq "$rc/$(grep -c 'Operation not permitted' <<<"$out")" 2/1 \
		"an unprivileged caller refused: $out"
	out=$(ip netns exec "$GW3" setpriv --reuid=65534 --regid=65534 --clear-groups \
	      --inh-caps=-all --bounding-set=-all "$SGWCTL" anycast drain $REGION_GROUP 2>&1)
	check_eq "$?" 2 "an unprivileged drain refused: $out"
	out=$(region_sgwctl 3 anycast add x vrf s1 address 198.51.100.1/32 heartbeat 3 2>&1)
	check_eq "$?" 1 "a time without its unit refused: $out"
	check_eq "$(groups_of 3)" "$before" "nothing changed"
	check_eq "$(ip -n "$GW3" -o link show type sgw_anycast | grep -c .)" 1 "no device was made"
	check_eq "$(ip -n "$GW3" -o addr show dev core | grep -c "$REGION_ADDR")" 0 \
		"the address is on no other device"
}

# --- set-up ---------------------------------------------------------------------

region_net "$N"
log_test $? "$N eNodeBs, three gateways (VRF s1, ipsec0), a CSR and an MME"
region_frr
rc=$?
log_test $rc "FRR: the CSR's BGP sessions to the three gateways are Established"
[ $rc = 0 ] || test_exit

region_mme_start
log_test $? "the MME serves S1-AP (SCTP 36412)"

GROUP_ARGS=(track ikud track link core heartbeat $((HEARTBEAT_MS / 1000))s hold-down 2s)
region_group 1 "${GROUP_ARGS[@]}" no-preempt &&
region_ikud_start 1 &&
wait_eq 20 active region_state 1
log_test $? "gw1: group up with its ikud, active"
wait_until 20 region_csr_via_is 1
log_test $? "CSR: $REGION_ADDR via gw1"
region_group 2 "${GROUP_ARGS[@]}" && region_ikud_start 2 && wait_eq 20 active region_state 2
log_test $? "gw2 (preempt): active"
region_group 3 "${GROUP_ARGS[@]}" no-preempt && region_ikud_start 3 &&
wait_eq 20 standby region_state 3
log_test $? "gw3 (no-preempt): standby, gw1 and gw2 announce"
check_eq "$(reason_of 3)" "announced elsewhere" "gw3: the reason"
check_eq "$(region_csr_via)" 1 "CSR: still via gw1 (local-preference 200)"
region_sgwctl 1 -j anycast show | jq -c '.[0] | keys' | sed 's/^/# json keys: /'
check_eq "$(region_sgwctl 1 -j anycast show | jq -r '.[0] | "\(.name) \(.vrf) \(.device) \(.addresses | join(",")) \(.state) \(.hold_down_ms) \(.preempt) \(.transitions > 0)"')" \
	"region s1 ac-region $REGION_ADDR/32 active 2000 false true" "gw1: sgwctl -j anycast show"
bad_input

region_charon_start
log_test $? "charon loads $N eNodeBs, each with the one SecGW address $REGION_ADDR"
t0=$(now_ms)
# shellcheck disable=SC2046
region_initiate $(for ((k = 1; k <= N; k++)); do echo "enb$k"; done)
log_test $? "the eNodeBs establish their tunnels"
figure "$N tunnels established in $(( ($(now_ms) - t0) / 1000 )) s"
check_eq "$(region_child_count 1)/$(region_child_count 2)/$(region_child_count 3)" "$N/0/0" \
	"every tunnel is on gw1"
wait_eq 30 "$N" csr_enb_routes
log_test $? "the CSR has a route to every eNodeB (RRI, next hop $REGION_ADDR)"
check_eq "$(region_s1ap_round 5)" "$N" "every eNodeB sends 5 S1-AP messages"
wait_until 5 test "$(region_mme_total)" = $((5 * N))
check_eq "$(region_mme_total)" $((5 * N)) "the MME received them all"
check_eq "$(for g in 1 2 3; do region_sgwctl $g -j anycast show | jq '.[0].withdrawals'; done | tr '\n' ' ')" \
	"0 0 0 " "no group withdrew during the set-up"
[ "$sgw_ret" = 0 ] || { dump_logs; test_exit; }

# --- (a) the primary's ikud is killed ------------------------------------------------

case_start "(a) SIGKILL of gw1's ikud"
t0=$(now_ms)
kill -KILL "${REGION_IKUD_PID[1]}"
ms_until -i 10 carrier_off 1 >/dev/null
dev_ms=$(($(now_ms) - t0))
ms=
ms_until region_csr_via_is 2 >/dev/null && ms=$(($(now_ms) - t0))
region_ikud_stop 1 KILL
# Bounds tell causes apart, not speed (the figures are the measurement):
# under half the heartbeat, the withdrawal came from the closed socket.
check_range "$dev_ms" 0 $((HEARTBEAT_MS / 2)) \
	"(a) gw1's group device loses its carrier before a heartbeat could tell (ms)"
check_range "$ms" 0 $((HEARTBEAT_MS / 2)) "(a) the CSR sends $REGION_ADDR to gw2 (ms)"
figure "(a) withdrawal: carrier off on gw1 $dev_ms ms, at the CSR $ms ms after SIGKILL"
check_eq "$(region_state 1)/$(reason_of 1)" "down/ikud" "(a) gw1: down, reason ikud"
wait_until 150 region_children_are 2 "$N"
check_eq "$(region_child_count 2)" "$N" "(a) every eNodeB is re-established on gw2"
figure "(a) $N eNodeBs re-established on gw2 $(( ($(now_ms) - t0) / 1000 )) s after the failure"
before=$(region_mme_total)
check_eq "$(region_s1ap_round 5)" "$N" "(a) every eNodeB sends S1-AP again"
wait_until 5 test "$(region_mme_total)" = $((before + 5 * N))
check_eq $(($(region_mme_total) - before)) $((5 * N)) "(a) the MME received them, through gw2"

# --- (b) the primary comes back, without preempting ------------------------------------

case_start "(b) gw1's ikud restarted (no-preempt)"
spis=$(region_ike_spis 2)
region_ikud_start 1
wait_eq 20 standby region_state 1
log_test $? "(b) gw1: standby after its hold-down"
check_eq "$(reason_of 1)" "announced elsewhere" "(b) gw1: the reason"
sleep 8
check_eq "$(region_ctl 1 stats | jq '.ike_established + .half_open + .rx_packets')" 0 \
	"(b) gw1: no IKE SA made, not a packet received in 8 s"
check_eq "$(region_ike_spis 2)" "$spis" "(b) gw2: the same $N IKE SAs (no eNodeB moved)"
check_eq "$(region_csr_via)" 2 "(b) CSR: still via gw2"

# --- (c) the backup is drained: the primary takes over ---------------------------------

case_start "(c) gw2 drained"
t0=$(now_ms)
region_sgwctl 2 anycast drain $REGION_GROUP
ms=$(ms_until region_csr_via_is 1)
check_range "$ms" 0 $((HEARTBEAT_MS / 2)) "(c) the CSR sends $REGION_ADDR to gw1 (ms)"
figure "(c) drain of gw2 to gw1 announced at the CSR: $ms ms"
check_eq "$(region_state 2)/$(reason_of 2)" "drained/drained" "(c) gw2: drained"
check_eq "$(region_state 1)/$(region_state 3)" "active/active" \
	"(c) gw1 and gw3 active: the announcement they waited for is gone"
wait_until 150 region_children_are 1 "$N"
check_eq "$(region_child_count 1)" "$N" "(c) every eNodeB is back on gw1"
figure "(c) $N eNodeBs on gw1 $(( ($(now_ms) - t0) / 1000 )) s after the drain"

# --- (d) the active gateway's uplink goes down ---------------------------------------------

case_start "(d) gw1's core link down"
t0=$(now_ms)
ip -n "$GW1" link set core down
ms_until -i 10 carrier_off 1 >/dev/null
figure "(d) carrier off on gw1 $(($(now_ms) - t0)) ms after the link went down"
ms=
ms_until region_csr_via_is 3 >/dev/null && ms=$(($(now_ms) - t0))
# ikud heartbeats all along: the link is the only cause (the reason below
# says so). Taking a veth down costs the TCG guest a second or two of RTNL.
check_range "$ms" 0 $HEARTBEAT_MS "(d) withdrawn: the CSR sends $REGION_ADDR to gw3 (ms)"
[ -n "$ms" ] || region_dump
figure "(d) core link down on gw1 to gw3 at the CSR: $ms ms"
check_eq "$(region_state 1)/$(reason_of 1)" "down/link core" "(d) gw1: down, reason link core"
ip -n "$GW1" link set core up
wait_eq 20 standby region_state 1
log_test $? "(d) core up again: gw1 standby (gw3 announces)"

# --- (e) a hung ikud ----------------------------------------------------------------------

case_start "(e) gw2 undrained, then its ikud stopped"
region_sgwctl 2 anycast undrain $REGION_GROUP
wait_until 20 region_csr_via_is 2
rc=$?
log_test $rc "(e) gw2 undrained: active again after its hold-down, the CSR prefers it"
[ $rc = 0 ] || region_dump
t0=$(now_ms)
kill -STOP "${REGION_IKUD_PID[2]}"
# ikud heartbeats every third of HEARTBEAT_MS, so the group withdraws
# HEARTBEAT_MS after the last one: between two thirds of it and all of it
# after the stop. Poll from before the earliest (ms_until looks ~10 s).
hb_min=$((HEARTBEAT_MS - HEARTBEAT_MS / 3))
sleep $((hb_min / 1000 - 1))
ms=
ms_until region_csr_via_is 3 >/dev/null && ms=$(($(now_ms) - t0))
check_range "$ms" "$hb_min" $((HEARTBEAT_MS + 5000)) \
	"(e) SIGSTOP: withdrawn once the heartbeat ($HEARTBEAT_MS ms) is late (ms)"
figure "(e) SIGSTOP of gw2's ikud to gw3 at the CSR: $ms ms (heartbeat $HEARTBEAT_MS ms)"
check_eq "$(region_state 2)/$(reason_of 2)" "down/ikud" "(e) gw2: down, reason ikud"
check_eq "$(region_sgwctl 2 -j anycast show | jq '.[0].ikud.late')" true \
	"(e) gw2: its ikud is registered but late"
kill -CONT "${REGION_IKUD_PID[2]}"
wait_until 20 region_csr_via_is 2
log_test $? "(e) SIGCONT: gw2 heartbeats again and takes the address back"
for g in 1 2 3; do
	echo "# gw$g transitions: $(region_sgwctl $g -j anycast show | jq -r '.[0] | "\(.transitions) (\(.withdrawals) withdrawals)"')"
done

# --- (f) a namespace goes, then the module, with groups active ----------------------------

case_start "(f) namespace deletion and module unload with groups active"
region_dump
setup_ns X
vrf_dummy "$X" s1 10 10.0.0.1/24 && ip -n "$X" addr add 2001:db8:1::1/64 dev dummy0 nodad
ip netns exec "$X" "$SGWCTL" anycast add g4 vrf s1 address 198.51.100.1/32 hold-down 0s &&
ip netns exec "$X" "$SGWCTL" anycast add g6 vrf s1 address 2001:db8::1/128 hold-down 0s no-preempt &&
ip netns exec "$X" "$SGWCTL" anycast drain g6 &&
ip -n "$X" -6 route add 2001:db8::1/128 via 2001:db8:1::2 dev dummy0 table 10 proto bgp &&
ip netns exec "$X" "$SGWCTL" anycast undrain g6
log_test $? "(f) netns X: an IPv4 group and an IPv6 group"
check_eq "$(ip netns exec "$X" "$SGWCTL" -j anycast show | jq -r 'map(.state) | join(" ")')" \
	"active standby" "(f) X: the IPv6 group sees the IPv6 route of another gateway: standby"
check_eq "$(ip -n "$X" -6 -o addr show dev ac-g6 | grep -c '2001:db8::1/128')" 1 \
	"(f) X: ac-g6 carries 2001:db8::1/128"
ip -n "$X" link del ac-g4
check_eq "$(ip netns exec "$X" "$SGWCTL" -j anycast show | jq -r 'map(.name) | join(" ")')" \
	g6 "(f) X: 'ip link del ac-g4' deleted its group"
ip netns del "$X"
sleep 2
check_eq "$(dmesg | grep -c 'waiting for .* to become free')" 0 \
	"(f) netns X deleted with an active group: no device left waiting"
# ikud would load the module again at its next heartbeat (the sgw family
# is looked up by name): freeze it, with a heartbeat long enough for the
# groups to stay as they are meanwhile.
for g in 1 2 3; do
	region_sgwctl $g anycast set $REGION_GROUP heartbeat 60s
	kill -STOP "${REGION_IKUD_PID[$g]}"
done
states=$(for g in 1 2 3; do region_state $g; done | tr '\n' ' ')
modprobe -r sgw
log_test $? "(f) sgw unloads while the gateways' groups are $states(ikud registered)"
left=0
for g in 1 2 3; do
	ip -n "$(region_gw_ns $g)" link show ac-$REGION_GROUP >/dev/null 2>&1 && left=$((left + 1))
	ip -n "$(region_gw_ns $g)" -o addr show | grep -q "$REGION_ADDR" && left=$((left + 1))
done
check_eq "$left" 0 "(f) no group device or anycast address left on any gateway"
wait_until 10 test -z "$(region_csr_via)"
log_test $? "(f) the CSR has no route to $REGION_ADDR any more"
check_eq "$(lsmod | grep -c '^sgw ')" 0 "(f) the module is gone"
modprobe sgw
log_test $? "(f) and loads again"
check_eq "$(region_sgwctl 1 -j anycast show)" "[]" "(f) with no group"
for g in 1 2 3; do
	kill -CONT "${REGION_IKUD_PID[$g]}"
done

region_cleanup
check_eq "$(cat "$dir"/ikud-gw*.log | grep -cE 'Sanitizer|runtime error')" 0 "no sanitizer report from ikud"
[ "$sgw_ret" = 0 ] || dump_logs
test_exit
