#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ikud against strongSwan (charon + swanctl): IKEv2 with PSK, real ESP SAs
# in the kernel, traffic through them.
#
#   enb netns (strongSwan)                     gw netns (ikud)
#   10.1.0.1/32 on lo                          10.2.0.1/24 on dummy0
#   veth-e 192.0.2.2/24 ===================== veth-g 192.0.2.1/24
#                                               ipsec0: xfrm if_id 42
#                                               10.1.0.0/16 dev ipsec0
#
# Cases: strongSwan initiating to ikud (responder) with a matrix of
# algorithms; ping crosses the tunnel and the XFRM counters prove it;
# CHILD_SA and IKE_SA rekeying by strongSwan with traffic running; delete
# from strongSwan; delete from ikud (its control socket: root's alone, a
# malformed request refused and nothing changed); wrong PSK, no common
# proposal and an unacceptable traffic selector fail with the right notify
# and leave nothing in the kernel; DPD notices a killed peer; ikud
# initiating to strongSwan.
#
# sgw-timeout: 1500

source "$(dirname "$0")/lib.sh"

require_cmd ip jq python3 swanctl nsenter unshare setpriv
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
[ -x "$IKUD" ] || skip "$IKUD not built"
require_module esp4 xfrm_interface dummy

dir=$(mktemp -d /tmp/ike_interop.XXXXXX)
at_exit "rm -rf $dir"
PSK="interop-secret-0123456789"

setup_ns ENB GW
ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW"
ip -n "$ENB" addr add 192.0.2.2/24 dev veth-e
ip -n "$GW" addr add 192.0.2.1/24 dev veth-g
ip -n "$ENB" link set veth-e up
ip -n "$GW" link set veth-g up
ip -n "$ENB" addr add 10.1.0.1/32 dev lo
ip -n "$ENB" route add 10.2.0.0/24 dev veth-e src 10.1.0.1
ip -n "$GW" link add dummy0 type dummy
ip -n "$GW" addr add 10.2.0.1/24 dev dummy0
ip -n "$GW" link set dummy0 up
ip -n "$GW" link add ipsec0 type xfrm dev veth-g if_id 42
ip -n "$GW" link set ipsec0 up
ip -n "$GW" route add 10.1.0.0/16 dev ipsec0

# --- ikud -----------------------------------------------------------------

source "$(dirname "$0")/lib_ike.sh"

write_ikud_conf() {	# $1: extra gateway lines
	cat >"$dir/ikud.conf" <<EOF
$(write_ikud_head)
gateway s1 {
	local 192.0.2.1;
	xfrm-interface ipsec0 if_id 42;
	ike-proposals aes128gcm16-prfsha256-ecp256 aes256gcm16-prfsha384-ecp384 aes128-sha256-modp2048 aes256-sha512-curve25519 aes192-sha384-prfsha384-ecp256 aes128-sha1-modp2048;
	esp-proposals aes128gcm16-ecp256 aes256gcm16-ecp384 aes128-sha256-modp2048 aes256-sha512 aes192-sha384 aes128-sha1-modp2048;
	psk "$PSK" for id *.enb.example.net;
	remote-ts 10.1.0.0/16;
	local-ts 10.2.0.0/24;
	$1
}
EOF
}

# --- strongSwan ---------------------------------------------------------------

# the eNodeB "gw" with IKE proposals, ESP proposals, key, local_ts
gw_conn() { swan_conn gw ike="$1" esp="$2" lts="$3" c.rekey_time=0 ch.rekey_time=0; }
write_strongswan() {	# IKE ESP PSK LOCAL_TS
	write_strongswan_conf "retransmit_tries = 4" "retransmit_timeout = 2"
	swan_conf "$dir/swanctl.conf" "$3" "$(gw_conn "$1" "$2" "$4")"
}

# --- tests -------------------------------------------------------------------

echo "# ikud -t checks a configuration"
write_ikud_conf "dpd interval 2 threshold 3;"
"$IKUD" -t -c "$dir/ikud.conf" >/dev/null
log_test $? "ikud -t accepts the test configuration"
sed 's/remote-ts 10.1.0.0\/16;/remote-ts 10.1.0.0\/16;\n\tbogus-option 1;/' "$dir/ikud.conf" >"$dir/bad.conf"
"$IKUD" -t -c "$dir/bad.conf" >/dev/null 2>"$dir/bad.err"
check_eq "$?" 1 "ikud -t refuses an unknown option"
grep -q "^$dir/bad.conf:[0-9]*: unknown gateway option 'bogus-option'" "$dir/bad.err"
log_test $? "the error names file and line"

echo "# responder: strongSwan initiates (aes128gcm16-prfsha256-ecp256)"
start_ikud || { cat "$dir/ikud.log"; log_test 1 "ikud starts"; test_exit; }
write_strongswan aes128gcm16-prfsha256-ecp256 aes128gcm16-ecp256 "$PSK" 10.1.0.1/32
start_charon
load_swan
initiate
log_test $? "strongSwan establishes IKE and CHILD SA"
check_eq "$(ike_count)" 1 "ikud: one IKE SA established"
check_eq "$(child_count)" 1 "ikud: one CHILD_SA"
check_eq "$(gw_states)" 2 "ikud installed two ESP SAs"
check_eq "$(gw_policies)" 3 "ikud installed in/out/fwd policies"
before=$(xfrm_in_packets)
ping_ok 5
log_test $? "ping 10.1.0.1 -> 10.2.0.1 crosses the tunnel"
after=$(xfrm_in_packets)
check_range "$((after - before))" 5 1000 "inbound ESP SA counted the pings"
rx=$(ip -n "$GW" -s -j link show ipsec0 | jq '.[0].stats64.rx.packets')
check_range "$rx" 5 1000 "packets decrypted into ipsec0 (if_id 42)"
mode=$(ip -n "$GW" xfrm state | grep -c 'mode tunnel')
check_eq "$mode" 2 "SAs in tunnel mode"
grep -q 'aead rfc4106(gcm(aes))' <(ip -n "$GW" xfrm state)
log_test $? "SAs use rfc4106(gcm(aes))"
ip -n "$GW" xfrm state | grep -q 'if_id 0x2a'
log_test $? "SAs carry if_id 42"

echo "# CHILD_SA and IKE SA rekeying by strongSwan, traffic running"
ip netns exec "$ENB" ping -c 100 -i 0.1 -W 2 -I 10.1.0.1 10.2.0.1 >"$dir/ping.out" 2>&1 &
pinger=$!
sleep 1
swan --rekey --child c >/dev/null 2>&1
log_test $? "strongSwan rekeys the CHILD_SA"
sleep 1
ping_ok 3
log_test $? "traffic after CHILD_SA rekey"
check_eq "$(ctl stats | jq .child_rekeys)" 1 "ikud counted one CHILD_SA rekey"
wait_eq 10 2 gw_states
check_eq "$(gw_states)" 2 "old ESP SAs deleted after the rekey"
check_eq "$(gw_policies)" 3 "policies kept across the rekey"

swan --rekey --ike gw >/dev/null 2>&1
log_test $? "strongSwan rekeys the IKE SA"
wait_eq 10 1 ike_count
check_eq "$(ctl stats | jq .ike_rekeys)" 1 "ikud counted one IKE SA rekey"
check_eq "$(ike_count)" 1 "one IKE SA after the rekey"
check_eq "$(child_count)" 1 "the CHILD_SA moved to the new IKE SA"
ping_ok 3
log_test $? "traffic after IKE SA rekey"
wait $pinger
check_eq "$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$dir/ping.out")" 100 "no ping lost across both rekeys (100 sent)"

echo "# delete from strongSwan"
swan --terminate --ike gw >/dev/null 2>&1
wait_eq 10 0 ike_count
check_eq "$(ike_count)" 0 "ikud removed the IKE SA"
check_eq "$(gw_states)" 0 "no ESP SA left"
check_eq "$(gw_policies)" 0 "no policy left"

echo "# delete from ikud (control socket)"
initiate
log_test $? "strongSwan re-establishes"
check_eq "$(stat -c %a "$dir/ikud.sock")" 700 "the control socket is root's alone"
out=$(setpriv --reuid 65534 --regid 65534 --clear-groups "$SGWCTL" ike socket "$dir/ikud.sock" \
	sa terminate all 2>&1)
check_eq "$?" 2 "an unprivileged user cannot reach ikud"
echo "$out" | grep -q '^Error: cannot reach ikud at .*: Permission denied$'
log_test $? "sgwctl says why ($out)"
out=$(ctl sa terminate id 0x1 2>&1)
check_eq "$?" 2 "ikud refuses an id that is not decimal"
echo "$out" | grep -q "^Error: ike sa terminate: selector 'id': bad value '0x1' (a decimal number)$"
log_test $? "sgwctl prints ikud's error ($out)"
check_eq "$(ike_count)/$(gw_states)" 1/2 "refused requests changed nothing"
ctl sa terminate all >/dev/null
wait_until 10 sh -c "! nsenter -t $CHARON_PID -m -n swanctl --list-sas | grep -q ESTABLISHED"
swan --list-sas | grep -q ESTABLISHED
log_test $((! $?)) "strongSwan saw our DELETE"
check_eq "$(gw_states)" 0 "no ESP SA left in ikud's netns"
check_eq "$(ip -n "$ENB" xfrm state | grep -c '^src')" 0 "no ESP SA left in strongSwan's netns"

echo "# SIGHUP reload keeps tunnels that still match"
write_strongswan aes128gcm16-prfsha256-ecp256 aes128gcm16-ecp256 "$PSK" 10.1.0.1/32
load_swan
initiate
log_test $? "strongSwan establishes"
spi_before=$(ctl sa show | jq -r '.sas[0].spi_r')
kill -HUP "$IKUD_PID"
sleep 1
check_eq "$(ctl sa show | jq -r '.sas[0].spi_r')" "$spi_before" "same configuration: the IKE SA stays"
check_eq "$(gw_states)" 2 "same configuration: its ESP SAs stay"
ping_ok 2
log_test $? "traffic still flows after the reload"
cp "$dir/ikud.conf" "$dir/ikud.conf.good"
sed -i 's|remote-ts 10.1.0.0/16;|remote-ts 10.9.0.0/16;|' "$dir/ikud.conf"
kill -HUP "$IKUD_PID"
wait_eq 10 0 ike_count
check_eq "$(ike_count)" 0 "remote-ts no longer covers the peer: its SA goes"
check_eq "$(gw_states)" 0 "and its ESP SAs"
echo 'gateway broken {' >>"$dir/ikud.conf"
kill -HUP "$IKUD_PID"
sleep 1
grep -q "reload failed, keeping the running configuration: .*ikud.conf:[0-9]*: " "$dir/ikud.log"
log_test $? "a broken file is refused with file:line and the daemon keeps running"
cp "$dir/ikud.conf.good" "$dir/ikud.conf"
kill -HUP "$IKUD_PID"
sleep 1
initiate
log_test $? "the restored configuration accepts the peer again"
swan --terminate --ike gw >/dev/null 2>&1
wait_eq 10 0 ike_count

echo "# a selector held by another identity is refused (TS_UNACCEPTABLE)"
write_strongswan aes128gcm16-prfsha256-ecp256 aes128gcm16-ecp256 "$PSK" 10.1.0.1/32
load_swan
initiate
log_test $? "enb1 holds 10.1.0.1/32"
ts_before=$(failures ts_unacceptable)
swan_conf "$dir/swanctl.conf" "$PSK" "$(gw_conn aes128gcm16-prfsha256-ecp256 aes128gcm16-ecp256 10.1.0.1/32)" \
	"$(swan_conn gw2 lid=enb2.enb.example.net child=c2 esp=aes128gcm16-ecp256 c.rekey_time=0 ch.rekey_time=0)"
load_swan
timeout 60 nsenter -t "$CHARON_PID" -m -n swanctl --initiate --child c2 >/dev/null 2>&1
log_test $((! $?)) "enb2 claiming 10.1.0.1/32 fails"
check_eq "$(( $(failures ts_unacceptable) - ts_before ))" 1 "ikud refused it with TS_UNACCEPTABLE"
check_eq "$(gw_states)" 2 "enb1's ESP SAs untouched"
ping_ok 2
log_test $? "enb1's traffic still flows"
swan --terminate --ike gw2 >/dev/null 2>&1
swan --terminate --ike gw >/dev/null 2>&1
wait_eq 10 0 ike_count

echo "# rekeying started by ikud (kernel soft expiry, IKE lifetime), traffic running"
stop_ikud
write_ikud_conf "dpd interval 2 threshold 3; lifetime ike 20s child 16s margin 6s;"
start_ikud
write_strongswan aes128gcm16-prfsha256-ecp256 aes128gcm16-ecp256 "$PSK" 10.1.0.1/32
load_swan
initiate
log_test $? "strongSwan establishes"
ip netns exec "$ENB" ping -c 100 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1 >"$dir/ping2.out" 2>&1
check_range "$(ctl stats | jq .child_rekeys)" 1 10 "ikud rekeyed the CHILD_SA on the kernel's soft expiry"
check_range "$(ctl stats | jq .ike_rekeys)" 1 10 "ikud rekeyed the IKE SA"
check_eq "$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$dir/ping2.out")" 100 "no ping lost across ikud's rekeys (100 sent in 20 s)"
check_eq "$(ike_count)" 1 "one IKE SA"
check_eq "$(gw_states)" 2 "two ESP SAs (old ones deleted)"
grep -q 'CHILD_SA rekeyed' "$dir/ikud.log"
log_test $? "ikud logged the CHILD_SA rekey"
swan --list-sas >"$dir/swan-sas.out" 2>&1
grep -q INSTALLED "$dir/swan-sas.out"
rc=$?
log_test $rc "strongSwan has an installed CHILD_SA after ikud's rekeys"
[ $rc = 0 ] || grep -v "^plugin '" "$dir/swan-sas.out" | sed 's/^/# /'
swan --terminate --ike gw >/dev/null 2>&1
wait_eq 10 0 ike_count
stop_ikud
write_ikud_conf "dpd interval 2 threshold 3;"
start_ikud

echo "# wrong PSK"
write_strongswan aes128gcm16-prfsha256-ecp256 aes128gcm16 "wrong-secret-xxxxxxxx" 10.1.0.1/32
swan --load-all --file "$dir/swanctl.conf" >/dev/null 2>&1
initiate
log_test $((! $?)) "strongSwan fails with a wrong PSK"
grep -qE 'N\(AUTH_FAILED\)|AUTHENTICATION_FAILED' "$dir/charon.log"
log_test $? "strongSwan received AUTHENTICATION_FAILED"
check_eq "$(failures authentication_failed)" 1 "ikud counted the authentication failure"
check_eq "$(gw_states)" 0 "no ESP SA left"

echo "# no common proposal"
write_strongswan aes256-sha512-modp4096 aes128gcm16 "$PSK" 10.1.0.1/32
load_swan
initiate
log_test $((! $?)) "strongSwan fails without a common proposal"
grep -qE 'N\(NO_PROP\)|NO_PROPOSAL_CHOSEN' "$dir/charon.log"
log_test $? "strongSwan received NO_PROPOSAL_CHOSEN"
check_range "$(failures no_proposal_chosen)" 1 10 "ikud counted it"
check_eq "$(gw_states)" 0 "no ESP SA left"

echo "# unacceptable traffic selector"
write_strongswan aes128gcm16-prfsha256-ecp256 aes128gcm16 "$PSK" 172.16.0.1/32
load_swan
initiate
log_test $((! $?)) "strongSwan's CHILD_SA for 172.16.0.1/32 is refused"
grep -qE 'N\(TS_UNACCEPT\)|TS_UNACCEPTABLE' "$dir/charon.log"
log_test $? "strongSwan received TS_UNACCEPTABLE"
check_eq "$(failures ts_unacceptable)" 1 "ikud counted it"
check_eq "$(gw_states)" 0 "no ESP SA left"
check_eq "$(gw_policies)" 0 "no policy left"
swan --terminate --ike gw >/dev/null 2>&1
wait_eq 10 0 ike_count

echo "# algorithm matrix (strongSwan initiating)"
matrix=(
	"aes256gcm16-prfsha384-ecp384 aes256gcm16"
	"aes128-sha256-modp2048 aes128-sha256"
	"aes256-sha512-curve25519 aes256-sha512"
	"aes192-sha384-prfsha384-ecp256 aes192-sha384"
	"aes128-sha1-modp2048 aes128-sha1"
)
for m in "${matrix[@]}"; do
	set -- $m
	write_strongswan "$1" "$2" "$PSK" 10.1.0.1/32
	load_swan
	initiate
	rc=$?
	ping_ok 2
	log_test $((rc | $?)) "IKE $1, ESP $2: established and ping crosses"
	swan --terminate --ike gw >/dev/null 2>&1
	wait_eq 10 0 gw_states
done
check_eq "$(gw_states)" 0 "no ESP SA left after the matrix"

echo "# INVALID_KE_PAYLOAD: strongSwan proposes ecp384 first, ikud prefers ecp256"
write_strongswan "aes128gcm16-prfsha256-ecp384-ecp256" aes128gcm16 "$PSK" 10.1.0.1/32
load_swan
initiate
log_test $? "established after an INVALID_KE_PAYLOAD round"
grep -qE 'N\(INVAL_KE\)|INVALID_KE_PAYLOAD' "$dir/charon.log"
log_test $? "strongSwan saw INVALID_KE_PAYLOAD"

echo "# DPD: ikud notices a killed strongSwan"
check_eq "$(ike_count)" 1 "tunnel up before the kill"
start=$(date +%s%N)
stop_charon KILL
# the time ikud logs the SA's removal, not when we polled it
while [ "$(ike_count)" != 0 ] && [ $(( ($(date +%s%N) - start) / 1000000000 )) -lt 30 ]; do
	sleep 0.5
done
dead=$(grep 'peer dead' "$dir/ikud.log" | tail -n1 | cut -d' ' -f1)
secs=$(python3 -c "
import datetime, sys
h, m, s = '$dead'.split(':')
t = int(h) * 3600 + int(m) * 60 + float(s)
k = $start / 1e9 % 86400
print(round(t - k, 1))")
check_range "$secs" 0 7 "dead peer detected within interval x threshold (2 x 3 s)"
check_eq "$(gw_states)" 0 "the dead peer's SAs are gone"
check_range "$(failures dead_peer)" 1 1 "ikud counted a dead peer"
ip -n "$ENB" xfrm state flush
ip -n "$ENB" xfrm policy flush

echo "# hostile and repeated IKE_SA_INIT requests (raw UDP)"
invalid_before=$(ctl stats | jq .rx_invalid)
ip netns exec "$ENB" python3 "$SGW_TOP/selftests/net/ike_probe.py" 192.0.2.1 hostile >"$dir/probe.out" 2>&1
probe() { awk -v k="$1" '$1 == k { print $2 }' "$dir/probe.out"; }
check_eq "$(probe init_answered)" 1 "a hand-made IKE_SA_INIT (modp2048) is answered"
check_eq "$(probe retransmit_same_answer)" 1 "its retransmission gets the same response"
check_range "$(ctl stats | jq .cached_replies)" 1 100 "ikud answered from its cache"
check_eq "$(probe truncated_ignored)" 1 "a truncated message is dropped"
check_eq "$(probe bad_length_ignored)" 1 "a wrong length field is dropped"
check_eq "$(probe unknown_critical)" 1 "an unknown critical payload gets UNSUPPORTED_CRITICAL_PAYLOAD"
check_eq "$(probe bad_ke_len)" 7 "a KE of the wrong length gets INVALID_SYNTAX"
check_eq "$(probe unknown_spi_notify)" 4 "a request for an unknown SPI gets INVALID_IKE_SPI (same SPIs, message ID)"
check_eq "$(probe oversized_init_ignored)" 1 "an oversized IKE_SA_INIT is dropped"
check_range "$(( $(ctl stats | jq .rx_invalid) - invalid_before ))" 2 100 "ikud counted the invalid messages"
kill -0 "$IKUD_PID"
log_test $? "ikud still runs"

echo "# ikud initiating to strongSwan"
stop_ikud
write_ikud_conf "initiate 192.0.2.2; remote-id enb1.enb.example.net;"
sed -i 's/local-ts 10.2.0.0\/24;/local-ts 10.2.0.0\/24;/' "$dir/ikud.conf"
write_strongswan aes128gcm16-prfsha256-ecp256 aes128gcm16 "$PSK" 10.1.0.0/16
sed -i 's/remote_addrs = 192.0.2.1/remote_addrs = %any/' "$dir/swanctl.conf"
start_charon
load_swan
start_ikud
wait_eq 30 1 ike_count
check_eq "$(ike_count)" 1 "ikud established an IKE SA as initiator"
check_eq "$(child_count)" 1 "with a CHILD_SA"
swan --list-sas | grep -q 'INSTALLED'
log_test $? "strongSwan installed the CHILD_SA"
ping_ok 3
log_test $? "ping crosses the tunnel ikud initiated"

stop_ikud
check_eq "$(gw_states)" 0 "ikud's exit leaves no ESP SA"
check_eq "$(gw_policies)" 0 "ikud's exit leaves no policy"

# with IKUD=build/san/ikud (make SAN=1), the sanitizers report here
check_eq "$(grep -cE 'Sanitizer|runtime error' "$dir/ikud.log")" 0 "no sanitizer report in ikud's log"

if [ "$sgw_ret" != 0 ]; then
	echo "# --- ikud log (head) ---"; head -n 40 "$dir/ikud.log" | sed 's/^/# /'
	echo "# --- ikud log (tail) ---"; tail -n 60 "$dir/ikud.log" | sed 's/^/# /'
	echo "# --- charon log (tail) ---"; tail -n 40 "$dir/charon.log" | sed 's/^/# /'
fi
test_exit
