#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ikud against ikud: one instance initiates (an eNodeB-side ikud), the other
# answers (the gateway), so both roles of every exchange are ikud's own.
#
#   enb netns (ikud, initiator)                 gw netns (ikud, responder)
#   10.1.0.1/32 on lo                           10.2.0.1/24 on dummy lan
#   ipsec0 (xfrm if_id 7)                       ipsec0 (xfrm if_id 42)
#   veth-e 192.0.2.2/24 ======================= veth-g 192.0.2.1/24
#
# Cases: the initiator establishes at start (AES-GCM-256, ECP-384, PFS on
# rekeys) and each side routes the other's inner prefix through its xfrm
# interface (RRI); pings cross; simultaneous CHILD_SA and IKE SA rekeys
# from both sides (requests delayed so that they cross; one side biased to
# win with "test collision") end with one SA on each side, the same SPIs on
# both, no ping lost; a delete from the initiator clears both; the gateway's
# DPD removes the tunnel of a SIGKILLed initiator. The delays make a 4 s
# round trip, so DPD runs every 5 s (a 2 s interval would declare the peer
# dead before its answer could arrive).

source "$(dirname "$0")/lib.sh"

require_cmd ip tc jq
[ -x "$IKUD" ] || skip "$IKUD not built"
require_module esp4 xfrm_interface dummy sch_netem sch_prio cls_u32

dir=$(mktemp -d /tmp/ike_self.XXXXXX)
at_exit "rm -rf $dir"
PSK="self-secret-0123456789abcdef"

setup_ns ENB GW
source "$(dirname "$0")/lib_ike.sh"

ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW"
ip -n "$ENB" addr add 192.0.2.2/24 dev veth-e
ip -n "$ENB" link set veth-e up
ip -n "$ENB" addr add 10.1.0.1/32 dev lo
ip -n "$ENB" link add ipsec0 type xfrm dev veth-e if_id 7
ip -n "$ENB" link set ipsec0 up
ip -n "$GW" addr add 192.0.2.1/24 dev veth-g
ip -n "$GW" link set veth-g up
gw_lan veth-g

SUITE="ike-proposals aes256gcm16-prfsha384-ecp384; esp-proposals aes256gcm16-ecp384;"
cat >"$dir/ikud.conf" <<EOF
log-level debug;
control $dir/ikud.sock;
gateway s1 {
	local 192.0.2.1;
	xfrm-interface ipsec0 if_id 42;
	$SUITE
	psk "$PSK" for id *.enb.example.net;
	remote-ts 10.1.0.0/16;
	local-ts 10.2.0.0/24;
	dpd interval 5 threshold 3;
}
EOF
cat >"$dir/enb.conf" <<EOF
log-level debug;
control $dir/enb.sock;
gateway enb {
	local 192.0.2.2;
	local-id enb1.enb.example.net;
	xfrm-interface ipsec0 if_id 7;
	$SUITE
	psk "$PSK" for id 192.0.2.1;
	local-ts 10.1.0.1/32;
	remote-ts 10.2.0.0/24;
	initiate 192.0.2.1;
	remote-id 192.0.2.1;
}
EOF
for f in ikud enb; do
	"$IKUD" -t -c "$dir/$f.conf" >/dev/null
	log_test $? "ikud -t accepts $f.conf"
done

ENB_PID=
start_enb() {
	ip netns exec "$ENB" "$IKUD" -c "$dir/enb.conf" -d >>"$dir/enb.log" 2>&1 &
	ENB_PID=$!
	wait_until 10 test -S "$dir/enb.sock"
}
stop_enb() {	# [SIGNAL]
	[ -n "$ENB_PID" ] || return
	kill -"${1:-TERM}" "$ENB_PID" 2>/dev/null
	wait "$ENB_PID" 2>/dev/null
	ENB_PID=
	rm -f "$dir/enb.sock"
}
at_exit stop_enb
# the initiator's control socket; ctl (lib_ike.sh) is the gateway's
ectl() { ctl_at "$dir/enb.sock" "$@"; }
# "spi_i spi_r child_in child_out" of the only IKE SA, as a side sees it
view() { "$1" sa show | jq -r 'if (.sas | length) == 1 and (.sas[0].children | length) == 1
	then .sas[0] | "\(.spi_i) \(.spi_r) \(.children[0].spi_in) \(.children[0].spi_out)"
	else "none" end'; }
# the two views agree: same IKE SPIs, each side's inbound SPI is the other's outbound
views_agree() {
	local g e
	read -r -a g <<<"$(view ctl)"
	read -r -a e <<<"$(view ectl)"
	[ "${#g[@]}" = 4 ] && [ "${#e[@]}" = 4 ] &&
	[ "${g[0]} ${g[1]}" = "${e[0]} ${e[1]}" ] && [ "${g[2]}" = "${e[3]}" ] && [ "${g[3]}" = "${e[2]}" ]
}
sides() { echo "$(ike_count)/$(ectl sa show | jq '.sas | length')"; }
states() { echo "$(ip -n "$GW" xfrm state | grep -c '^src')/$(ip -n "$ENB" xfrm state | grep -c '^src')"; }
pinger() {
	ip netns exec "$ENB" ping -c 100 -i 0.1 -W 2 -I 10.1.0.1 10.2.0.1 >"$dir/ping.out" 2>&1 &
	PINGER=$!
}
# call in the main shell (not in $(...)): it waits for the pinger
pinger_wait() { wait "$PINGER"; RECEIVED=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$dir/ping.out"); }
logged() { grep -qE "$2" "$dir/$1.log"; }

echo "# ikud initiates to ikud"
start_ikud || { cat "$dir/ikud.log"; log_test 1 "the gateway's ikud starts"; test_exit; }
start_enb || { cat "$dir/enb.log"; log_test 1 "the initiator's ikud starts"; test_exit; }
wait_until 30 views_agree
log_test $? "one IKE SA and one CHILD_SA on each side, the same SPIs"
check_eq "$(ctl sa show | jq -r '.sas[0].role')/$(ectl sa show | jq -r '.sas[0].role')" \
	responder/initiator "roles"
check_eq "$(ctl sa show | jq -r '.sas[0].proposal')" aes256gcm16-prfsha384-ecp384 "the IKE proposal"
wait_until 5 sh -c "ip -n $GW route show proto 250 | grep -q '^10.1.0.1 dev ipsec0'"
log_test $? "gateway: route to the initiator's 10.1.0.1 via ipsec0 (RRI)"
wait_until 5 sh -c "ip -n $ENB route show proto 250 | grep -q '^10.2.0.0/24 dev ipsec0'"
log_test $? "initiator: route to 10.2.0.0/24 via ipsec0 (RRI)"
ip netns exec "$ENB" ping -c 3 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1
log_test $? "ping 10.1.0.1 -> 10.2.0.1 crosses the tunnel"

echo "# CHILD_SA rekey collision between two ikuds (RFC 7296 2.8.1)"
ctl test collision win >/dev/null && ectl test collision lose >/dev/null
log_test $? "the gateway is biased to win, the initiator to lose"
delay_ike 2s 2s
pinger
ctl sa rekey child "$(ctl sa show | jq -r '.sas[0].children[0].spi_in')" >/dev/null
ectl sa rekey child "$(ectl sa show | jq -r '.sas[0].children[0].spi_in')" >/dev/null
wait_until 30 logged ikud "rekey collision: the peer's is redundant"
log_test $? "gateway: the initiator's new CHILD_SA is redundant"
wait_until 30 logged enb "rekey collision: ours is redundant"
log_test $? "initiator: agrees, its own is redundant"
pinger_wait
check_eq "$RECEIVED" 100 "no ping lost across the collision (100 sent)"
delay_ike
wait_until 20 views_agree
log_test $? "one CHILD_SA on each side, each side's inbound SPI the other's outbound"
check_eq "$(states)" 2/2 "two ESP SAs in each netns, nothing leaked"

echo "# IKE SA rekey collision between two ikuds (RFC 7296 2.8.2)"
old=$(view ctl)
delay_ike 2s 2s
pinger
# The gateway's rekey must be out before the initiator's: it cannot start
# while its own request (a DPD probe) is pending, so ask until it starts.
gw_rekey_started() {
	local n=$1 i
	for ((i = 0; i < 10; i++)); do
		ctl sa rekey ike "$(ctl sa show | jq '.sas[0].id')" >/dev/null
		wait_until 1 sh -c "[ \$(grep -c 'rekeying IKE SA' '$dir/ikud.log') -gt $n ]" && return 0
	done
	return 1
}
gw_rekey_started "$(grep -c 'rekeying IKE SA' "$dir/ikud.log")"
log_test $? "the gateway starts rekeying the IKE SA"
ectl sa rekey ike "$(ectl sa show | jq '.sas[0].id')" >/dev/null
wait_until 30 logged ikud "IKE SA rekey collision: the peer's new SA is redundant"
log_test $? "gateway: the initiator's new IKE SA is redundant"
wait_until 30 logged enb "IKE SA rekey collision: our new SA is redundant"
log_test $? "initiator: agrees"
pinger_wait
check_eq "$RECEIVED" 100 "no ping lost across the collision (100 sent)"
delay_ike
one_each() { [ "$(sides)" = 1/1 ] && views_agree; }
wait_until 40 one_each
check_eq "$(sides)" 1/1 "one IKE SA on each side"
views_agree
log_test $? "the same IKE SPIs on both sides, CHILD_SA kept"
[ "$(view ctl | cut -d' ' -f1,2)" != "$(echo "$old" | cut -d' ' -f1,2)" ]
log_test $? "a new IKE SA replaced the old one"
check_eq "$(states)" 2/2 "still two ESP SAs in each netns"
ctl test collision random >/dev/null && ectl test collision random >/dev/null

echo "# delete from the initiator"
ectl sa terminate all >/dev/null
no_sas() { [ "$(sides)" = 0/0 ]; }
wait_until 10 no_sas
check_eq "$(sides)" 0/0 "no IKE SA left on either side"
check_eq "$(states)" 0/0 "no ESP SA left in either netns"
check_eq "$(ip -n "$GW" route show proto 250 | grep -c .)" 0 "no route left on the gateway"

echo "# the gateway's DPD notices a killed initiator"
stop_enb
start_enb
wait_until 30 views_agree
log_test $? "the restarted initiator establishes again"
dead=$(failures dead_peer)
stop_enb KILL
gw_gone() { [ "$(ike_count)" = 0 ]; }
wait_until 40 gw_gone
log_test $? "the gateway removed the tunnel (DPD every 5 s, 3 tries)"
check_eq $(($(failures dead_peer) - dead)) 1 "and counted a dead peer"
check_eq "$(gw_states)" 0 "no ESP SA left on the gateway"
check_eq "$(ip -n "$GW" route show proto 250 | grep -c .)" 0 "no route left on the gateway"

stop_ikud
check_eq "$(cat "$dir/ikud.log" "$dir/enb.log" | grep -cE 'Sanitizer|runtime error')" 0 "no sanitizer report"
if [ "$sgw_ret" != 0 ]; then
	echo "# --- gateway ikud (tail)"; tail -n 30 "$dir/ikud.log" | sed 's/^/# /'
	echo "# --- initiator ikud (tail)"; tail -n 30 "$dir/enb.log" | sed 's/^/# /'
fi
test_exit
