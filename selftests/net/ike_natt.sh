#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ikud against strongSwan across a NAT, with extended sequence numbers, and
# over IPv6 outer addresses.
#
#   enb netns (charon)            nat netns (nftables masquerade)     gw netns (ikud)
#   10.1.0.1/32, 10.1.0.2/32 lo                                       10.2.0.1/24 dummy
#   e-n 172.16.0.2/24 ----------- n-e 172.16.0.1/24
#                                 n-g 192.0.2.2/24 ------------------ g-n 192.0.2.1/24
#   e-g 2001:db8::2/64 ----------------------------------------------- g-e 2001:db8::1/64
#
# Case NAT: the eNodeB (10.1.0.1) behind the masquerading router, which
# also translates UDP ports (to 40000-40999); both ends detect the NAT, IKE
# floats to port 4500 and ESP travels in UDP (RFC 3948): ikud answers the
# translated port, its SAs carry espinudp encapsulation to it, no bare
# ESP crosses the gateway's link, and pings cross the tunnel. The CHILD_SA
# uses ESN (aes128gcm16-esn), which both SAs carry.
# Case IPv6: the eNodeB (10.1.0.2) reaches ikud's IPv6 address directly:
# IPv4 inner traffic in an IPv6-outer ESP tunnel, no NAT, plain ESP. Its
# gateway runs DPD: no probe while ESP arrives, probes once it is idle.
# Case cookies: with cookie-threshold 1 and one half-open SA (a hand-made
# IKE_SA_INIT), the next IKE_SA_INIT is answered with a COOKIE only; the
# eNodeB retries with it (RFC 7296 2.6) and establishes through the NAT.

source "$(dirname "$0")/lib.sh"

require_cmd ip nft jq python3 swanctl nsenter unshare
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
[ -x "$IKUD" ] || skip "$IKUD not built"
require_module esp4 esp6 xfrm_interface dummy nf_tables nft_masq

dir=$(mktemp -d /tmp/ike_natt.XXXXXX)
at_exit "rm -rf $dir"
PSK="natt-secret-0123456789abcdef"

setup_ns ENB NAT GW
source "$(dirname "$0")/lib_ike.sh"

ip link add e-n netns "$ENB" type veth peer name n-e netns "$NAT"
ip link add n-g netns "$NAT" type veth peer name g-n netns "$GW"
ip link add e-g netns "$ENB" type veth peer name g-e netns "$GW"
ip -n "$ENB" addr add 172.16.0.2/24 dev e-n
ip -n "$ENB" addr add 2001:db8::2/64 dev e-g nodad
ip -n "$ENB" addr add 10.1.0.1/32 dev lo
ip -n "$ENB" addr add 10.1.0.2/32 dev lo
ip -n "$ENB" link set e-n up
ip -n "$ENB" link set e-g up
ip -n "$ENB" route add default via 172.16.0.1
ip -n "$NAT" addr add 172.16.0.1/24 dev n-e
ip -n "$NAT" addr add 192.0.2.2/24 dev n-g
ip -n "$NAT" link set n-e up
ip -n "$NAT" link set n-g up
ip netns exec "$NAT" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$NAT" nft -f - <<'EOF'
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "n-g" meta l4proto udp masquerade to :40000-40999
		oifname "n-g" masquerade
	}
}
EOF
ip -n "$GW" addr add 192.0.2.1/24 dev g-n
ip -n "$GW" addr add 2001:db8::1/64 dev g-e nodad
ip -n "$GW" link set g-n up
ip -n "$GW" link set g-e up
gw_lan g-n
ip -n "$GW" link add ipsec6 type xfrm dev g-e if_id 43
ip -n "$GW" link set ipsec6 up
# what reaches the gateway's IPv4 link: bare ESP and ESP in UDP 4500
ip netns exec "$GW" nft -f - <<'EOF'
table inet wire {
	counter bare_esp { }
	counter esp_in_udp { }
	chain in {
		type filter hook ingress device "g-n" priority 0;
		ip protocol esp counter name bare_esp
		udp dport 4500 counter name esp_in_udp
	}
}
EOF
wire() { ip netns exec "$GW" nft -j list counter inet wire "$1" |
	jq '[.nftables[] | select(.counter) | .counter.packets][0]'; }

cat >"$dir/ikud.conf" <<EOF
log-level info;
control $dir/ikud.sock;
gateway v4 {
	local 192.0.2.1;
	xfrm-interface ipsec0 if_id 42;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16-esn aes128gcm16;
	psk "$PSK" for id *.enb.example.net;
	remote-ts 10.1.0.0/16;
	local-ts 10.2.0.0/24;
}
gateway v6 {
	local 2001:db8::1;
	xfrm-interface ipsec6 if_id 43;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16;
	dpd interval 2 threshold 3;
	psk "$PSK" for id *.enb.example.net;
	remote-ts 10.1.0.0/16;
	local-ts 10.2.0.0/24;
}
EOF

write_strongswan_conf "retransmit_tries = 3" "keep_alive = 5s"
conn() {	# NAME ID LOCAL REMOTE INNER ESP
	swan_conn "$1" lid="$2" laddr="$3" raddr="$4" lts="$5" esp="$6" child="$1"
}
swan_conf "$dir/swanctl.conf" "$PSK" \
	"$(conn nat enb1.enb.example.net 172.16.0.2 192.0.2.1 10.1.0.1/32 aes128gcm16-esn)" \
	"$(conn v6 enb2.enb.example.net 2001:db8::2 2001:db8::1 10.1.0.2/32 aes128gcm16)"

start_ikud || { cat "$dir/ikud.log"; log_test 1 "ikud starts"; test_exit; }
start_charon && load_swan
log_test $? "charon loads the eNodeBs' connections"
up() { timeout 60 nsenter -t "$CHARON_PID" -m -n swanctl --initiate --child "$1" >>"$dir/initiate.out" 2>&1; }
sa_field() {	# GATEWAY KEY: a field of that gateway's IKE SA
	ctl sa show | jq -r --arg gw "$1" --arg key "$2" '[.sas[] | select(.gateway == $gw)][0][$key]'
}
no_ike() { [ "$(ike_count)" = 0 ]; }

echo "# NAT traversal with ESN"
up nat
log_test $? "the eNodeB behind the NAT establishes"
check_eq "$(sa_field v4 nat)" true "ikud detected the NAT"
check_eq "$(sa_field v4 remote)" 192.0.2.2 "the peer is the NAT's address"
port=$(sa_field v4 remote_port)
check_range "$port" 40000 40999 "at the NAT's translated port"
states=$(ip -n "$GW" xfrm state)
check_eq "$(grep -c "encap type espinudp sport \(4500 dport $port\|$port dport 4500\) " <<<"$states")" 2 \
	"both ESP SAs are UDP-encapsulated, between 4500 and that port"
check_eq "$(grep -c 'flag.*esn' <<<"$states")" 2 "both ESP SAs use extended sequence numbers"
check_eq "$(ip -n "$ENB" xfrm state | grep -c 'flag.*esn')" 2 "so do strongSwan's"
bare=$(wire bare_esp) udp=$(wire esp_in_udp)
ip netns exec "$ENB" ping -c 5 -i 0.2 -W 2 -I 10.1.0.1 10.2.0.1 >/dev/null 2>&1
log_test $? "ping 10.1.0.1 -> 10.2.0.1 crosses the tunnel through the NAT"
check_range $(($(wire esp_in_udp) - udp)) 5 50 "ESP in UDP 4500 on the gateway's link (packets)"
check_eq $(($(wire bare_esp) - bare)) 0 "no bare ESP on the gateway's link"
nsenter -t "$CHARON_PID" -m -n swanctl --terminate --ike nat >/dev/null 2>&1
wait_until 10 no_ike
check_eq "$(gw_states)" 0 "deleted: no ESP SA left"

echo "# IPv6 outer addresses"
up v6
log_test $? "the eNodeB establishes to ikud's IPv6 address"
check_eq "$(sa_field v6 nat)" false "no NAT detected"
states=$(ip -n "$GW" xfrm state)
check_eq "$(grep -c '^src 2001:db8::[12] dst 2001:db8::[12]' <<<"$states")" 2 "two ESP SAs with IPv6 endpoints"
check_eq "$(grep -c 'encap' <<<"$states")" 0 "plain ESP, no UDP encapsulation"
ip netns exec "$ENB" ping -c 5 -i 0.2 -W 2 -I 10.1.0.2 10.2.0.1 >/dev/null 2>&1
log_test $? "ping 10.1.0.2 -> 10.2.0.1 crosses the IPv6 tunnel"
check_range "$(ip -n "$GW" -s -j link show ipsec6 | jq '.[0].stats64.rx.packets')" 5 50 \
	"decrypted into ipsec6 (packets)"
probes() { ctl stats | jq .dpd_probes; }
probes_since() { [ "$(probes)" -gt "$1" ]; }
# counted once ESP flows: the commands before may take longer than the
# interval on a loaded machine, and a probe then is due
ip netns exec "$ENB" ping -c 40 -i 0.2 -W 2 -I 10.1.0.2 10.2.0.1 >/dev/null 2>&1 &
pinger=$!
sleep 1
p0=$(probes)
wait $pinger
check_eq $(($(probes) - p0)) 0 "DPD (every 2 s): no probe while ESP arrives (7 s of pings)"
p1=$(probes)
wait_until 10 probes_since "$p1"
log_test $? "once the tunnel is idle, ikud probes the peer"
nsenter -t "$CHARON_PID" -m -n swanctl --terminate --ike v6 >/dev/null 2>&1
wait_until 10 no_ike
check_eq "$(gw_states)" 0 "deleted: no ESP SA left"
check_eq "$(gw_policies)" 0 "and no policy"

echo "# cookies"
stop_ikud
{ echo "cookie-threshold 1;"; sed '0,/ike-proposals /s/ike-proposals /ike-proposals aes128-sha256-modp2048 /' "$dir/ikud.conf"; } >"$dir/cookie.conf"
mv "$dir/cookie.conf" "$dir/ikud.conf"
start_ikud || { cat "$dir/ikud.log"; log_test 1 "ikud restarts"; test_exit; }
probe() { ip netns exec "$ENB" python3 "$SGW_TOP/selftests/net/ike_probe.py" 192.0.2.1 init; }
check_eq "$(probe)" "answer sa_init" "a first IKE_SA_INIT is answered (one half-open SA)"
check_eq "$(probe)" "answer notify 16390" "the next one gets a COOKIE"
check_eq "$(ctl stats | jq .cookies_sent)" 1 "counted (stats: cookies_sent)"
: >"$dir/charon.log"
up nat
log_test $? "the eNodeB establishes through the NAT"
grep -q 'N(COOKIE)' "$dir/charon.log"
log_test $? "after retrying with the COOKIE (charon's log)"
nsenter -t "$CHARON_PID" -m -n swanctl --terminate --ike nat >/dev/null 2>&1
wait_until 10 no_ike
check_eq "$(gw_states)" 0 "deleted: no ESP SA left"

stop_ikud
check_eq "$(grep -cE 'Sanitizer|runtime error' "$dir/ikud.log")" 0 "no sanitizer report in ikud's log"
if [ "$sgw_ret" != 0 ]; then
	echo "# --- ikud log (tail)"; tail -n 30 "$dir/ikud.log" | sed 's/^/# /'
	echo "# --- charon log (tail)"; tail -n 30 "$dir/charon.log" | sed 's/^/# /'
	ip -n "$GW" xfrm state | sed 's/^/# gw: /'
fi
test_exit
