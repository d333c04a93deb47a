#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who a peer is: one identity rule for keys, routes and policies.
#
#   enb netns (charon)                    gw netns (ikud)
#   10.1.0.1/32 on lo                     VRF s1 (table 10)
#   veth-e 192.0.2.2/24 ================= veth-g 192.0.2.1/24
#                                           ipsec-s1 xfrm if_id 42
#                                           mme-s1 10.2.0.1/24
#   atk netns (a second charon)
#   10.1.0.9/32 on lo
#   veth-a 192.0.3.2/24 ================= veth-ga 192.0.3.1/24 (VRF s1)
#
# The gateway has a key of its own for enb1.enb.example.net and a group key
# for *.enb.example.net. enb1 establishes with its key and owns 10.1.0.1/32.
# The attacker knows the group key only. Asserting enb1's identity in other
# letter case (ENB1.enb.example.net, enb1.ENB.EXAMPLE.NET) is the same
# identity as enb1's, so ikud must ask for enb1's own key and refuse the
# attacker: enb1 keeps its IKE SA, CHILD_SA, route and outbound policy and
# its traffic. With a name of its own (enb9) the group key works, and enb9
# cannot claim enb1's prefix either. The operator names enb1 in any letter
# case to terminate it. Prefixes: enb1's /32 is bound to it (a 'peer'
# line), so enb9 cannot take it even while enb1 is away; enb9 cannot claim
# a /24 (max-claim /32 by default); its third tunnel is refused with
# NO_ADDITIONAL_SAS (peer-limit tunnels 2).

source "$(dirname "$0")/lib.sh"

require_cmd ip jq swanctl nsenter unshare
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
[ -x "$IKUD" ] || skip "$IKUD not built"
require_module esp4 vrf xfrm_interface dummy

dir=$(mktemp -d /tmp/ike_identity.XXXXXX)
at_exit "rm -rf $dir"
OWN_PSK="enb1-own-secret-0123456789"
GROUP_PSK="group-secret-0123456789abcdef"
TABLE=10

setup_ns ENB ATK GW
source "$(dirname "$0")/lib_ike.sh"

ip -n "$GW" link add s1 type vrf table $TABLE
ip -n "$GW" link set s1 up
ip -n "$GW" link add mme-s1 type dummy
ip -n "$GW" link set mme-s1 master s1 up
ip -n "$GW" addr add 10.2.0.1/24 dev mme-s1
ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW"
ip link add veth-a netns "$ATK" type veth peer name veth-ga netns "$GW"
for dev in veth-g:192.0.2.1 veth-ga:192.0.3.1; do
	ip -n "$GW" link set "${dev%:*}" master s1 up
	ip -n "$GW" addr add "${dev#*:}/24" dev "${dev%:*}"
done
ip -n "$GW" link add ipsec-s1 type xfrm dev veth-g if_id 42
ip -n "$GW" link set ipsec-s1 master s1 up
ip -n "$ENB" addr add 192.0.2.2/24 dev veth-e
ip -n "$ENB" link set veth-e up
ip -n "$ENB" addr add 10.1.0.1/32 dev lo
ip -n "$ENB" route add 10.2.0.0/24 dev veth-e
ip -n "$ATK" addr add 192.0.3.2/24 dev veth-a
ip -n "$ATK" link set veth-a up
ip -n "$ATK" addr add 10.1.0.9/32 dev lo
ip -n "$ATK" route add default via 192.0.3.1

cat >"$dir/ikud.conf" <<EOF
$(write_ikud_head)
gateway s1 {
	local 192.0.2.1;
	vrf s1;
	xfrm-interface ipsec-s1 if_id 42;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16-ecp256;
	psk "$OWN_PSK" for id enb1.enb.example.net;
	psk "$GROUP_PSK" for id *.enb.example.net;
	remote-ts 10.1.0.0/16;
	local-ts 10.2.0.0/24;
	peer enb1.enb.example.net remote-ts 10.1.0.1/32;
	peer-limit tunnels 2;
}
EOF

# conn NAME ID LOCAL_ADDR LOCAL_TS
conn() { swan_conn "$1" lid="$2" laddr="$3" lts="$4" child="$1" esp=aes128gcm16-ecp256; }
write_strongswan_conf "retransmit_tries = 2" "retransmit_timeout = 2"
sed "s|$dir/charon.log|$dir/charon-atk.log|" "$dir/strongswan.conf" >"$dir/strongswan-atk.conf"
swan_conf "$dir/swanctl.conf" "$OWN_PSK" "$(conn enb1 enb1.enb.example.net 192.0.2.2 10.1.0.1/32)"
# One charon, one identity per connection: every key of it is the group key.
swan_conf "$dir/swanctl-atk.conf" "$GROUP_PSK" \
	"$(conn upper ENB1.enb.example.net 192.0.3.2 10.1.0.1/32)" \
	"$(conn domain enb1.ENB.EXAMPLE.NET 192.0.3.2 10.1.0.1/32)" \
	"$(conn enb9 enb9.enb.example.net 192.0.3.2 10.1.0.9/32)" \
	"$(conn steal enb9.enb.example.net 192.0.3.2 10.1.0.1/32)" \
	"$(conn wide enb9.enb.example.net 192.0.3.2 10.1.0.0/24)" \
	"$(conn second enb9.enb.example.net 192.0.3.2 10.1.0.10/32)" \
	"$(conn third enb9.enb.example.net 192.0.3.2 10.1.0.11/32)"

atk() { swan_at "$ATK_PID" "$@"; }
atk_up() { timeout 30 nsenter -t "$ATK_PID" -m -n swanctl --initiate --child "$1" >>"$dir/initiate-atk.out" 2>&1; }
stop_atk() { [ -z "${ATK_PID:-}" ] || { kill "$ATK_PID"; wait "$ATK_PID" 2>/dev/null; }; }
at_exit stop_atk

# "UID REMOTE_ID" of the IKE SAs holding 10.1.0.1/32
owner_of_enb1() {
	ctl sa show | jq -r '[.sas[] | select(any(.children[].remote_ts[]; . == "10.1.0.1/32")) |
		"\(.id) \(.remote_id)"] | join(" ")'
}
# the tunnel endpoint of the outbound policy of 10.1.0.1/32
out_policy_dst() {
	ip -n "$GW" xfrm policy show dir out dst 10.1.0.1/32 |
		awk '/tmpl src/ { print $5; exit }'
}
vrf_ping_enb1() {
	ip netns exec "$ENB" ping -c 2 -i 0.3 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1
}
dump_logs() {
	echo "# --- ikud.log (tail)"; tail -n 40 "$dir/ikud.log" | sed 's/^/# /'
	echo "# --- charon-atk.log (tail)"; tail -n 20 "$dir/charon-atk.log" 2>/dev/null | sed 's/^/# /'
}

start_ikud || { dump_logs; log_test 1 "ikud starts"; test_exit; }
start_charon && load_swan
log_test $? "enb1's charon starts"
charon_spawn ATK_PID "$ATK" "$dir/strongswan-atk.conf" &&
	atk --load-all --file "$dir/swanctl-atk.conf" >"$dir/load-atk.out" 2>&1
log_test $? "the attacker's charon starts"

echo "# enb1 establishes with its own key"
timeout 30 nsenter -t "$CHARON_PID" -m -n swanctl --initiate --child enb1 >"$dir/initiate.out" 2>&1
log_test $? "enb1 establishes"
read -r enb1_uid enb1_id <<<"$(owner_of_enb1)"
check_eq "$enb1_id" "fqdn:enb1.enb.example.net" "10.1.0.1/32 belongs to enb1"
check_eq "$(ip -n "$GW" route show table $TABLE proto 250 | awk '{print $1, $3}')" \
	"10.1.0.1 ipsec-s1" "enb1's route in vrf s1"
check_eq "$(out_policy_dst)" 192.0.2.2 "the outbound policy of 10.1.0.1/32 leads to enb1"
vrf_ping_enb1
log_test $? "enb1 reaches the MME side through its tunnel"

echo "# enb1's identity in other letter case, with the group key, is refused"
for c in upper domain; do
	auth0=$(failures authentication_failed)
	atk_up $c
	log_test $((! $?)) "the attacker's '$c' connection fails"
	check_eq "$(( $(failures authentication_failed) - auth0 ))" 1 \
		"ikud refused it with AUTHENTICATION_FAILED (enb1's own key was asked for)"
	check_eq "$(owner_of_enb1)" "$enb1_uid fqdn:enb1.enb.example.net" \
		"10.1.0.1/32 still belongs to enb1's IKE SA $enb1_uid"
	check_eq "$(ip -n "$GW" route show table $TABLE proto 250 | awk '{print $1, $3}')" \
		"10.1.0.1 ipsec-s1" "enb1's route unchanged"
	check_eq "$(out_policy_dst)" 192.0.2.2 "the outbound policy still leads to enb1"
	check_eq "$(ike_count) $(child_count)" "1 1" "one IKE SA and one CHILD_SA: enb1's"
	vrf_ping_enb1
	log_test $? "enb1's traffic still flows"
done
check_eq "$(grep -c 'IKE_AUTH failed: AUTH payload does not match' "$dir/ikud.log")" 2 \
	"ikud logs both: the AUTH did not match enb1's key"

echo "# the group key works for a name of its own, which cannot take enb1's prefix"
atk_up enb9
log_test $? "enb9 (group key) establishes"
check_eq "$(ike_count) $(child_count)" "2 2" "enb1 and enb9"
ts0=$(failures ts_unacceptable)
atk_up steal
log_test $((! $?)) "enb9 claiming enb1's 10.1.0.1/32 fails"
check_eq "$(( $(failures ts_unacceptable) - ts0 ))" 1 "with TS_UNACCEPTABLE"
check_eq "$(out_policy_dst)" 192.0.2.2 "the outbound policy still leads to enb1"

echo "# the operator names enb1 in any letter case"
ctl sa terminate remote-id ENB1.Enb.Example.Net >/dev/null
wait_eq 10 "" owner_of_enb1
check_eq "$(owner_of_enb1)" "" "enb1 terminated"
check_eq "$(ike_count)" 1 "enb9 stays"

echo "# enb1's prefix is bound to it: nobody takes it while enb1 is away"
ts0=$(failures ts_unacceptable)
atk_up steal
log_test $((! $?)) "enb9 claiming 10.1.0.1/32 after enb1 left fails"
check_eq "$(( $(failures ts_unacceptable) - ts0 ))" 1 "with TS_UNACCEPTABLE"
check_eq "$(ip -n "$GW" route show table $TABLE proto 250 10.1.0.1/32)" "" "no route to 10.1.0.1"

echo "# a peer without a binding claims host prefixes only (max-claim /32)"
ts0=$(failures ts_unacceptable)
atk_up wide
log_test $((! $?)) "enb9 claiming 10.1.0.0/24 fails"
check_eq "$(( $(failures ts_unacceptable) - ts0 ))" 1 "with TS_UNACCEPTABLE"
ip -n "$GW" route show table $TABLE proto 250 | grep -q '10.1.0.0/24'
log_test $((! $?)) "no route to 10.1.0.0/24"

echo "# peer-limit tunnels 2"
atk_up second
log_test $? "enb9's second tunnel (10.1.0.10/32) establishes"
pl0=$(failures peer_limit)
atk_up third
log_test $((! $?)) "enb9's third tunnel (10.1.0.11/32) fails"
check_eq "$(( $(failures peer_limit) - pl0 ))" 1 "with NO_ADDITIONAL_SAS (counted as peer_limit)"
check_eq "$(child_count)" 2 "enb9 holds two CHILD_SAs"
check_eq "$(ip -n "$GW" route show table $TABLE proto 250 | awk '{print $1}' | sort | tr '\n' ' ')" \
	"10.1.0.10 10.1.0.9 " "routes of enb9's two tunnels only"

[ "$sgw_ret" -eq 0 ] || dump_logs
test_exit
