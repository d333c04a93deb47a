#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ikud against strongSwan, beyond ike_interop.sh: SCTP through the tunnel,
# DH group 2 (MODP-1024) only when the gateway enables legacy groups, and
# IKE SA and CHILD_SA rekey collisions (RFC 7296 §2.8), either side winning.
#
#   enb netns (strongSwan)                     gw netns (ikud)
#   10.1.0.1/32 on lo                          10.2.0.1/24 on dummy0
#   SCTP client 10.1.0.1                       SCTP echo server 10.2.0.1:3868
#   veth-e 192.0.2.2/24 ===================== veth-g 192.0.2.1/24
#                                               ipsec0: xfrm if_id 42
#                                               10.1.0.0/16 dev ipsec0
#
# Cases: ikud -t refuses modp1024 without 'legacy-groups yes'; with it,
# strongSwan establishes aes128-sha1-modp1024 (the design guide's eNodeB
# suite) and a real SCTP association carries messages through the tunnel,
# proven by the inbound ESP SA's counter and an nftables counter of SCTP
# packets decrypted into ipsec0; without legacy groups the same peer gets
# NO_PROPOSAL_CHOSEN and nothing is left in the kernel. Rekey collisions
# (RFC 7296 §2.8.2 for the IKE SA, §2.8.1 for the CHILD_SA), each with both
# outcomes: "ctl test collision win|lose" biases ikud's rekey nonces so that
# its exchange wins or loses on purpose. IKE packets (UDP 500 and 4500) from
# ikud are delayed 10 s, from strongSwan 3 s (netem); ikud is told to rekey by
# "ctl sa rekey", then strongSwan by swanctl, so each side gets the other's
# request while its own is pending (both logs must show it). Both answer normally; the new SA of the
# exchange with the lowest nonce is deleted by its initiator, and exactly one
# SA survives on both sides, the one the winner created, with no ping lost,
# nothing left to a time-out and nothing leaked in the kernel.
#
# sgw-timeout: 1200

source "$(dirname "$0")/lib.sh"

require_cmd ip jq python3 swanctl nsenter unshare nft tc
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
[ -x "$IKUD" ] || skip "$IKUD not built"
require_module esp4 xfrm_interface dummy sctp sch_prio sch_netem cls_u32
python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)' 2>/dev/null ||
	skip "no SCTP sockets"

dir=$(mktemp -d /tmp/ike_interop_extra.XXXXXX)
at_exit "rm -rf $dir"
PSK="interop-secret-0123456789"

setup_ns ENB GW
ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW"
ip -n "$ENB" addr add 192.0.2.2/24 dev veth-e
ip -n "$GW" addr add 192.0.2.1/24 dev veth-g
ip -n "$ENB" link set veth-e up
ip -n "$GW" link set veth-g up
ip -n "$ENB" addr add 10.1.0.1/32 dev lo
ip -n "$ENB" link set lo up
ip -n "$ENB" route add 10.2.0.0/24 dev veth-e src 10.1.0.1
ip -n "$GW" link add dummy0 type dummy
ip -n "$GW" addr add 10.2.0.1/24 dev dummy0
ip -n "$GW" link set dummy0 up
ip -n "$GW" link add ipsec0 type xfrm dev veth-g if_id 42
ip -n "$GW" link set ipsec0 up
ip -n "$GW" route add 10.1.0.0/16 dev ipsec0

# --- ikud -----------------------------------------------------------------

source "$(dirname "$0")/lib_ike.sh"

all_sas() { ctl sa show | jq '.sas | length'; }
no_ike_sa() { [ "$(all_sas)" = 0 ]; }

write_ikud_conf() {	# $1 ike proposals, $2 extra gateway lines
	cat >"$dir/ikud.conf" <<EOC
log-level debug;
control $dir/ikud.sock;
workers 1;
gateway s1 {
	local 192.0.2.1;
	xfrm-interface ipsec0 if_id 42;
	ike-proposals $1;
	esp-proposals aes128-sha1 aes128gcm16;
	psk "$PSK" for id *.enb.example.net;
	remote-ts 10.1.0.0/16;
	local-ts 10.2.0.0/24;
	$2
}
EOC
}

# --- strongSwan ---------------------------------------------------------------

write_strongswan() {	# IKE ESP: proposals of the eNodeB "gw"
	write_strongswan_conf "retransmit_tries = 5" "retransmit_timeout = 2"
	swan_conf "$dir/swanctl.conf" "$PSK" \
		"$(swan_conn gw ike="$1" esp="$2" c.rekey_time=0 ch.rekey_time=0)"
}

# SCTP packets that arrived decrypted through ipsec0 (nftables counter)
nft_sctp_packets() {
	ip netns exec "$GW" nft list chain inet ikesctp in |
		awk '/sctp/ && /counter/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}


# --- tests -------------------------------------------------------------------

echo "# modp1024 needs 'legacy-groups yes'"
write_ikud_conf "aes128-sha1-modp1024 aes128gcm16-prfsha256-ecp256"
"$IKUD" -t -c "$dir/ikud.conf" >/dev/null 2>"$dir/legacy.err"
check_eq "$?" 1 "ikud -t refuses modp1024 without legacy-groups"
grep -q "ikud.conf:[0-9]*: .*legacy-groups yes" "$dir/legacy.err"
log_test $? "the error names file, line and the option"
write_ikud_conf "aes128-sha1-modp1024 aes128gcm16-prfsha256-ecp256" "legacy-groups yes;"
"$IKUD" -t -c "$dir/ikud.conf" >/dev/null
log_test $? "ikud -t accepts modp1024 with legacy-groups yes"

echo "# legacy groups on: strongSwan initiates aes128-sha1-modp1024"
start_ikud || { cat "$dir/ikud.log"; log_test 1 "ikud starts"; test_exit; }
write_strongswan aes128-sha1-modp1024 aes128-sha1
start_charon
load_swan
initiate
log_test $? "strongSwan establishes with MODP-1024 (group 2)"
check_eq "$(ike_count)" 1 "ikud: one IKE SA established"
ctl sa show | jq -r '.sas[0].proposal' | grep -q 'modp1024'
log_test $? "ikud's IKE SA uses modp1024"
grep -q 'MODP_1024' "$dir/charon.log"
log_test $? "strongSwan negotiated MODP_1024"
ip -n "$GW" xfrm state | grep -q 'enc cbc(aes)'
log_test $? "ESP SAs use cbc(aes) with hmac(sha1)"

echo "# SCTP association through the tunnel"
ip netns exec "$GW" nft -f - <<'EON'
table inet ikesctp {
	chain in {
		type filter hook input priority 0;
		iifname "ipsec0" meta l4proto sctp counter
	}
}
EON
log_test $? "nftables counter on SCTP from ipsec0"
cat >"$dir/sctp.py" <<'EOP'
import socket, sys

MSGS = 50
if sys.argv[1] == "server":
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.2.0.1", 3868))
    s.listen(1)
    open(sys.argv[2], "w").close()		# ready
    s.settimeout(30)
    c, _ = s.accept()
    c.settimeout(30)
    while True:
        d = c.recv(4096)
        if not d:
            break
        c.sendall(d)
    c.close()
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
    s.bind(("10.1.0.1", 0))
    s.settimeout(10)
    s.connect(("10.2.0.1", 3868))
    ok = 0
    for i in range(MSGS):
        m = ("diameter-%03d" % i).encode() * 20
        s.sendall(m)
        got = b""
        while len(got) < len(m):
            d = s.recv(4096)
            if not d:
                break
            got += d
        ok += got == m
    s.close()
    print("echoed", ok)
EOP
ip netns exec "$GW" timeout 60 python3 "$dir/sctp.py" server "$dir/sctp.ready" &
server=$!
wait_until 10 test -e "$dir/sctp.ready"
esp_before=$(xfrm_in_packets)
ip netns exec "$ENB" timeout 60 python3 "$dir/sctp.py" client >"$dir/sctp.out" 2>&1
log_test $? "SCTP client 10.1.0.1 associates with 10.2.0.1:3868"
wait $server
check_eq "$(awk '$1 == "echoed" { print $2 }' "$dir/sctp.out")" 50 "50 SCTP messages echoed through the tunnel"
esp_after=$(xfrm_in_packets)
check_range "$((esp_after - esp_before))" 50 10000 "inbound ESP SA counted the SCTP packets"
check_range "$(nft_sctp_packets)" 50 10000 "SCTP packets decrypted into ipsec0 (nftables counter)"
ping_ok 2
log_test $? "ping crosses the same tunnel"
swan --terminate --ike gw >/dev/null 2>&1
wait_until 10 no_ike_sa
check_eq "$(gw_states)" 0 "no ESP SA left"

echo "# legacy groups off: modp1024 is refused"
stop_ikud
write_ikud_conf "aes128-sha1-modp2048 aes128gcm16-prfsha256-ecp256"
start_ikud || { cat "$dir/ikud.log"; log_test 1 "ikud restarts"; test_exit; }
: >"$dir/charon.log"
initiate
log_test $((! $?)) "strongSwan proposing only aes128-sha1-modp1024 fails"
grep -qE 'N\(NO_PROP\)|NO_PROPOSAL_CHOSEN' "$dir/charon.log"
log_test $? "strongSwan received NO_PROPOSAL_CHOSEN"
check_range "$(failures no_proposal_chosen)" 1 10 "ikud counted it"
check_eq "$(ike_count)" 0 "no IKE SA"
check_eq "$(gw_states)" 0 "no ESP SA left"
check_eq "$(gw_policies)" 0 "no policy left"

# Rekey collisions, each outcome on purpose: "ctl test collision win|lose"
# biases ikud's rekey nonces (the first four octets) so that its exchange
# wins or loses the nonce comparison, whatever strongSwan draws.

# the ikud and charon log lines of the current case
ikud_log() { tail -n +"$((ikud_log_from + 1))" "$dir/ikud.log"; }
ikud_logged() { ikud_log | grep -qE "$1"; }
charon_logged() { grep -qE "$1" "$dir/charon.log"; }

# collision_setup OUTCOME: fresh ikud biased to OUTCOME, tunnel up; the
# lifetimes are long, nothing rekeys unless told to
collision_setup() {
	stop_ikud
	write_ikud_conf "aes128gcm16-prfsha256-ecp256" ""
	sed -i 's/esp-proposals aes128-sha1 aes128gcm16;/esp-proposals aes128gcm16;/' "$dir/ikud.conf"
	ikud_log_from=$(wc -l <"$dir/ikud.log")
	start_ikud || { cat "$dir/ikud.log"; log_test 1 "ikud restarts"; test_exit; }
	ctl test collision "$1"
	log_test $? "ctl test collision $1"
	: >"$dir/charon.log"
	initiate
	log_test $? "strongSwan establishes"
}

# Both requests must cross: ikud's goes first and waits 10 s on its way,
# strongSwan's (swanctl, started when ikud's is out) 3 s, so they cross
# whenever the script reacts within 10 s; both logs prove it below.
start_pinger() {
	ip netns exec "$ENB" ping -c 100 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1 >"$dir/ping.out" 2>&1 &
	pinger=$!
}
pings_received() { wait $pinger; sed -n 's/.* \([0-9]*\) received.*/\1/p' "$dir/ping.out"; }
enb_states() { ip -n "$ENB" xfrm state | grep -c '^src'; }
swan_ike_lines() { swan --list-sas 2>/dev/null | grep -E '^gw: #'; }
ike_settled() {
	[ "$(all_sas)" = 1 ] && [ "$(swan_ike_lines | grep -c .)" = 1 ] &&
		swan_ike_lines | grep -q ESTABLISHED
}

ike_collision() {	# $1: win (ikud's exchange wins) or lose
	local outcome=$1 rekeys_before spi role ours theirs

	echo "# IKE SA rekey collision (RFC 7296 2.8.2), ikud's exchange must $outcome"
	collision_setup "$outcome"
	rekeys_before=$(ctl stats | jq .ike_rekeys)
	delay_ike 10s 3s
	ctl sa rekey ike "$(ctl sa show | jq '.sas[0].id')" >/dev/null
	wait_until 30 ikud_logged 'rekeying IKE SA'
	log_test $? "ikud starts rekeying the IKE SA (ctl sa rekey)"
	timeout 10 nsenter -t "$CHARON_PID" -m -n swanctl --rekey --ike gw >/dev/null 2>&1
	start_pinger
	wait_until 60 ikud_logged 'IKE SA rekey collision: .*redundant'
	wait_until 60 charon_logged 'IKE_SA rekey collision (won|lost)'
	# the redundant and the old IKE SA go by DELETE (a round trip: 13 s)
	wait_until 60 ike_settled
	delay_ike
	ikud_log | grep -E 'collision|rekeyed|removed' | cut -d' ' -f1,2,9- | sed 's/^/# /'
	swan_ike_lines | sed 's/^/# strongSwan: /'
	ikud_logged 'IKE SA rekey collision: answered the peer'
	log_test $? "ikud answered strongSwan's rekey while its own was pending"
	charon_logged 'detected IKE_REKEY collision with IKE_REKEY'
	log_test $? "strongSwan answered ikud's rekey while its own was pending"
	if [ "$outcome" = win ]; then
		ours="the peer's new SA is redundant" theirs="collision lost" role=initiator
	else
		ours="our new SA is redundant" theirs="collision won" role=responder
	fi
	ikud_logged "IKE SA rekey collision: $ours"
	log_test $? "ikud: $ours"
	charon_logged "IKE_SA rekey $theirs"
	log_test $? "strongSwan agrees: $theirs"
	check_eq "$(grep -c 'TEMP_FAIL\|TEMPORARY_FAILURE' "$dir/charon.log")" 0 "no TEMPORARY_FAILURE from either side"
	check_eq "$(all_sas)" 1 "ikud: exactly one IKE SA left (old and redundant ones deleted)"
	check_eq "$(ike_count)" 1 "and it is established"
	check_eq "$(ctl sa show | jq -r '.sas[0].role')" "$role" "it is the one ikud's exchange created as $role"
	check_eq "$(child_count)" 1 "with the CHILD_SA"
	check_eq "$(swan_ike_lines | grep -c .)" 1 "strongSwan: exactly one IKE SA"
	spi=$(ctl sa show | jq -r '.sas[0].spi_i')
	swan_ike_lines | grep ESTABLISHED | grep -q "$spi"
	log_test $? "both sides kept the same IKE SA ($spi)"
	check_eq "$(ikud_log | grep -c 'not deleted by the peer')" 0 "no IKE SA left to ikud's time-out"
	check_eq "$(( $(ctl stats | jq .ike_rekeys) - rekeys_before ))" 1 "ikud counted one IKE SA rekey"
	check_eq "$(pings_received)" 100 "no ping lost across the collision (100 sent)"
	ping_ok 2
	log_test $? "traffic flows on the surviving IKE SA's CHILD_SA"
	check_eq "$(gw_states)" 2 "ikud's netns: two ESP SAs, nothing leaked"
	check_eq "$(gw_policies)" 3 "ikud's netns: three policies"
	check_eq "$(enb_states)" 2 "strongSwan's netns: two ESP SAs"
	swan --terminate --ike gw >/dev/null 2>&1
	wait_until 10 no_ike_sa
	check_eq "$(gw_states)" 0 "no ESP SA left after the delete"
}

child_settled() { [ "$(gw_states)" = 2 ] && [ "$(enb_states)" = 2 ]; }

child_collision() {	# $1: win (ikud's exchange wins) or lose
	local outcome=$1 spi_in ours theirs mine

	echo "# CHILD_SA rekey collision (RFC 7296 2.8.1), ikud's exchange must $outcome"
	collision_setup "$outcome"
	delay_ike 10s 3s
	ctl sa rekey child "$(ctl sa show | jq -r '.sas[0].children[0].spi_in')" >/dev/null
	wait_until 30 ikud_logged 'rekeying CHILD_SA'
	log_test $? "ikud starts rekeying the CHILD_SA (ctl sa rekey)"
	timeout 10 nsenter -t "$CHARON_PID" -m -n swanctl --rekey --child c >/dev/null 2>&1
	start_pinger
	wait_until 60 ikud_logged "rekey collision: (ours is|the peer's is) redundant"
	wait_until 60 charon_logged 'CHILD_SA rekey collision (won|lost)'
	wait_until 60 child_settled
	delay_ike
	ikud_log | grep -E 'collision|CHILD_SA (rekeyed|removed)' | cut -d' ' -f1,2,9- | sed 's/^/# /'
	ikud_logged 'CHILD_SA rekeyed by the peer' && ikud_logged 'CHILD_SA rekeyed spi_in'
	log_test $? "both CHILD_SA rekey exchanges completed"
	charon_logged 'detected CHILD_REKEY collision with CHILD_REKEY'
	log_test $? "strongSwan answered ikud's rekey while its own was pending"
	if [ "$outcome" = win ]; then
		ours="the peer's is redundant" theirs="collision lost" mine='CHILD_SA rekeyed spi_in'
	else
		ours="ours is redundant" theirs="collision won" mine='CHILD_SA rekeyed by the peer spi_in'
	fi
	ikud_logged "rekey collision: $ours"
	log_test $? "ikud: $ours"
	charon_logged "CHILD_SA rekey $theirs"
	log_test $? "strongSwan agrees: $theirs"
	check_eq "$(grep -c 'TEMP_FAIL\|TEMPORARY_FAILURE' "$dir/charon.log")" 0 "no TEMPORARY_FAILURE from either side"
	check_eq "$(child_count)" 1 "ikud: exactly one CHILD_SA left"
	spi_in=$(ctl sa show | jq -r '.sas[0].children[0].spi_in')
	ikud_logged "$mine 0x$spi_in "
	log_test $? "it is the one the winning exchange created (0x$spi_in)"
	check_eq "$(gw_states)" 2 "ikud's netns: two ESP SAs, nothing leaked"
	check_eq "$(gw_policies)" 3 "ikud's netns: three policies"
	check_eq "$(enb_states)" 2 "strongSwan's netns: two ESP SAs"
	ip -n "$ENB" xfrm state | grep -q "spi 0x$spi_in "
	log_test $? "strongSwan sends on ikud's surviving inbound SA (0x$spi_in)"
	check_eq "$(pings_received)" 100 "no ping lost across the collision (100 sent)"
	swan --terminate --ike gw >/dev/null 2>&1
	wait_until 10 no_ike_sa
	check_eq "$(gw_states)" 0 "no ESP SA left after the delete"
}

write_strongswan aes128gcm16-prfsha256-ecp256 aes128gcm16
load_swan
ike_collision win
ike_collision lose
child_collision win
child_collision lose

stop_ikud
check_eq "$(grep -cE 'Sanitizer|runtime error' "$dir/ikud.log")" 0 "no sanitizer report in ikud's log"

if [ "$sgw_ret" != 0 ]; then
	echo "# --- ikud log (tail) ---"; tail -n 60 "$dir/ikud.log" | sed 's/^/# /'
	echo "# --- charon log (tail) ---"; tail -n 40 "$dir/charon.log" | sed 's/^/# /'
	echo "# --- sctp ---"; cat "$dir/sctp.out" 2>/dev/null | tail -n 20 | sed 's/^/# /'
fi
test_exit
