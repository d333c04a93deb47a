#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `start on-traffic`: ikud starts a configured peer (another SecGW, here
# charon) when the first packet needs the tunnel, as strongSwan's
# start_action=trap does.
#
#   peer netns (charon, responder)              gw netns (ikud, initiator)
#   10.1.0.1/24 on dummy lan                    10.2.0.1/24 on dummy lan
#   veth-e 192.0.2.2/24 ======================= veth-g 192.0.2.1/24
#
# Cases: the trap (out, in, fwd policies, no SA) is there at start and no
# IKE SA is; a ping makes the kernel send an acquire and ikud sets the
# tunnel up with the trap's reqid, pings cross; when the peer deletes the
# tunnel the trap comes back, without SA, and the next ping brings the
# tunnel back; a reload to `start now` removes the trap (the tunnel keeps its
# policies; once it goes, no policy is left), a reload to `start now` of an
# idle trap starts the peer at once; SIGTERM leaves no policy.

# sgw-timeout: 600
source "$(dirname "$0")/lib.sh"

require_cmd ip python3 swanctl nsenter unshare
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
[ -x "$IKUD" ] || skip "$IKUD not built"
require_module esp4 dummy

dir=$(mktemp -d /tmp/ike_on_traffic.XXXXXX)
at_exit "rm -rf $dir"
PSK="trap-secret-0123456789abcdef"

setup_ns ENB GW
source "$(dirname "$0")/lib_ike.sh"

ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW"
for ns in "$ENB" "$GW"; do
	ip -n "$ns" link add lan type dummy
	ip -n "$ns" link set lan up
done
ip -n "$ENB" addr add 192.0.2.2/24 dev veth-e
ip -n "$ENB" link set veth-e up
ip -n "$ENB" addr add 10.1.0.1/24 dev lan
ip -n "$ENB" route add 10.2.0.0/24 dev veth-e src 10.1.0.1
ip -n "$GW" addr add 192.0.2.1/24 dev veth-g
ip -n "$GW" link set veth-g up
ip -n "$GW" addr add 10.2.0.1/24 dev lan
ip -n "$GW" route add 10.1.0.0/24 dev veth-g src 10.2.0.1

write_ikud_conf() {	# START (now | on-traffic)
	cat >"$dir/ikud.conf" <<CONF
$(write_ikud_head)
gateway x2 {
	local 192.0.2.1;
	local-id gw.example.net;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16;
	psk "$PSK" for id peer.example.net;
	remote-ts 10.1.0.0/24;
	local-ts 10.2.0.0/24;
	initiate 192.0.2.2;
	remote-id peer.example.net;
	start $1;
}
CONF
}
write_strongswan_conf
swan_conf "$dir/swanctl.conf" "$PSK" "$(swan_conn x2 lid=peer.example.net rid=gw.example.net \
	lts=10.1.0.0/24)"

gw_ping() { ip netns exec "$GW" ping -c "${1:-1}" -i 0.2 -W 1 -I 10.2.0.1 10.1.0.1 >/dev/null 2>&1; }
# the trap's or the tunnel's outbound policy, with the reqid of its template
out_policy_reqids() {
	ip -n "$GW" xfrm policy show dir out | awk '/reqid/ { for (i = 1; i < NF; i++) if ($i == "reqid") print $(i + 1) }'
}
state_reqids() {
	ip -n "$GW" xfrm state | awk '/reqid/ { for (i = 1; i < NF; i++) if ($i == "reqid") print $(i + 1) }' | sort -u
}
peer_gone() {	# the peer deletes the tunnel; ikud follows
	swan --terminate --ike x2 >/dev/null 2>&1
	wait_eq 20 0 ike_count
}
reload() { write_ikud_conf "$1"; kill -HUP "$IKUD_PID"; sleep 1; }
dump_logs() {
	echo "# --- ikud.log (tail)"; tail -n 30 "$dir/ikud.log" | sed 's/^/# /'
	ip -n "$GW" xfrm policy | sed 's/^/# /'
	ip -n "$GW" xfrm state | sed 's/^/# /'
}

echo "# configuration"
write_ikud_conf "later"
out=$("$IKUD" -t -c "$dir/ikud.conf" 2>&1)
[ $? -ne 0 ] && grep -q "usage: start now|on-traffic" <<<"$out"
log_test $? "start later: refused ($out)"
write_ikud_conf "on-traffic"
sed -i '/initiate 192.0.2.2/d' "$dir/ikud.conf"
out=$("$IKUD" -t -c "$dir/ikud.conf" 2>&1)
[ $? -ne 0 ] && grep -q "needs exactly one 'initiate' peer" <<<"$out"
log_test $? "start on-traffic without a peer: refused ($out)"
write_ikud_conf "on-traffic"
"$IKUD" -t -c "$dir/ikud.conf" >/dev/null
log_test $? "ikud -t accepts start on-traffic"

start_charon && load_swan
log_test $? "charon (the other SecGW) starts"
start_ikud || { dump_logs; log_test 1 "ikud starts"; test_exit; }

echo "# the trap, before any traffic"
wait_eq 10 3 gw_policies
check_eq "$(gw_policies) $(gw_states)" "3 0" "out, in and fwd policies, no SA"
trap_reqid=$(out_policy_reqids)
sleep 2
check_eq "$(ike_count)" 0 "no IKE SA without traffic"

echo "# the first packet"
gw_ping
wait_eq 30 1 ike_count
check_eq "$(child_count)" 1 "a packet set the tunnel up"
grep -q "traffic for the tunnel (reqid $trap_reqid)" "$dir/ikud.log"
log_test $? "ikud logs the acquire for reqid $trap_reqid"
check_eq "$(state_reqids)" "$trap_reqid" "the SAs took the trap's reqid"
check_eq "$(out_policy_reqids)" "$trap_reqid" "one outbound policy, the trap's"
wait_until 10 gw_ping 3
log_test $? "pings cross the tunnel"

echo "# the peer deletes the tunnel"
peer_gone
wait_eq 10 0 gw_states
check_eq "$(gw_policies) $(out_policy_reqids)" "3 $trap_reqid" "the trap is back, no SA"
gw_ping
wait_eq 30 1 ike_count
check_eq "$(child_count)" 1 "the next packet brings the tunnel back"
wait_until 10 gw_ping 3
log_test $? "pings cross again"

echo "# reloads"
reload now
check_eq "$(ike_count) $(gw_policies)" "1 3" "start now: the tunnel keeps its policies"
peer_gone
wait_eq 10 0 gw_policies
check_eq "$(gw_policies) $(gw_states)" "0 0" "without the trap, no policy is left after the tunnel"
reload on-traffic
wait_eq 10 3 gw_policies
check_eq "$(ike_count) $(gw_states)" "0 0" "on-traffic again: the trap alone"
reload now
wait_eq 30 1 ike_count
check_eq "$(child_count)" 1 "start now of an idle trap: ikud initiates at once"
reload on-traffic
peer_gone
wait_eq 10 0 gw_states
check_eq "$(gw_policies)" 3 "a trap added under a live tunnel stays when it goes"

echo "# stopping"
stop_ikud TERM
check_eq "$(gw_policies) $(gw_states)" "0 0" "SIGTERM leaves no policy and no SA"
! grep -qiE "sanitizer|runtime error" "$dir/ikud.log"
log_test $? "no sanitizer report"

[ "$sgw_ret" -eq 0 ] || dump_logs
test_exit
