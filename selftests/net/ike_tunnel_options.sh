#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The design guide's per-tunnel options, with strongSwan as the eNodeB:
#
#   enb netns (charon)                         gw netns (ikud)
#   10.1.0.1/32, fd00:1::1/128 on lo           VRF s1: mme-s1 10.2.0.1/24 fd00:2::1/64
#   veth-e 192.0.2.2/24 ====================== veth-g 192.0.2.1/24 (in s1)
#                                               ipsec-s1 xfrm if_id 42 (in s1),
#                                               after the replay-window cases
#
# What crosses the wire is counted by nftables before any reassembly, in
# the receiving namespace.
# - replay-window: ESP from the eNodeB reordered by netem (half the packets
#   100 ms late) loses packets outside the default window of 64; with
#   replay-window 1024 or 0 (off) none; the kernel's SA counters show it.
#   These cases run policy-based, before the xfrm interface exists: Debian's
#   6.1 kernel underflows an xfrm interface's reference count when it takes
#   reordered ESP through a wide window, and the namespace can then never be
#   deleted ("waiting for ipsec-s1 to become free", Documentation/ikud.md).
# - tunnel-mtu: 1900-byte inner packets to the eNodeB leave as outer IP
#   fragments without it; with tunnel-mtu 1400 they are fragmented before
#   encryption and no ESP fragment crosses the link (IPv4 and IPv6), and
#   1400-byte packets pass whole; without it, the first oversized IPv6
#   packet is lost to the xfrm interface's Packet Too Big.
# - DSCP and ECN: EF, AF41, CS6 of inner packets appear on the outer ESP
#   header in both directions (the kernel's tunnel mode), ECN ECT(0) is
#   copied, CE is sent as ECT(0) (the kernel's encapsulation, recorded);
#   ike-dscp CS6 marks ikud's own IKE packets.

# sgw-timeout: 600
source "$(dirname "$0")/lib.sh"

require_cmd ip tc nft jq python3 swanctl nsenter unshare
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
[ -x "$IKUD" ] || skip "$IKUD not built"
require_module esp4 esp6 vrf xfrm_interface dummy sch_netem nf_tables

dir=$(mktemp -d /tmp/ike_tunnel_options.XXXXXX)
at_exit "rm -rf $dir"
PSK="options-secret-0123456789abcdef"
UDP_TX=$SGW_TOP/selftests/net/udp_tx.py

setup_ns ENB GW
source "$(dirname "$0")/lib_ike.sh"

ip -n "$GW" link add s1 type vrf table 10
ip -n "$GW" link set s1 up
ip -n "$GW" link add mme-s1 type dummy
ip -n "$GW" link set mme-s1 master s1 up
ip -n "$GW" addr add 10.2.0.1/24 dev mme-s1
ip -n "$GW" addr add fd00:2::1/64 dev mme-s1 nodad
ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW"
ip -n "$GW" link set veth-g master s1 up
ip -n "$GW" addr add 192.0.2.1/24 dev veth-g
ip -n "$ENB" addr add 192.0.2.2/24 dev veth-e
ip -n "$ENB" link set veth-e up
ip -n "$ENB" addr add 10.1.0.1/32 dev lo
ip -n "$ENB" addr add fd00:1::1/128 dev lo
ip -n "$ENB" route add 10.2.0.0/24 dev veth-e src 10.1.0.1
ip -n "$ENB" -6 route add fd00:2::/64 dev veth-e src fd00:1::1

# Outer headers as they arrive, before any reassembly (priority -500).
wire_counters() {	# NETNS IFACE
	ip netns exec "$1" nft -f - <<NFT
table inet wire {
	counter w_esp { }
	counter w_esp_frag { }
	counter w_esp_ef { }
	counter w_esp_af41 { }
	counter w_esp_cs6 { }
	counter w_esp_ect0 { }
	counter w_esp_ce { }
	counter w_ike_cs6 { }
	chain pre {
		type filter hook prerouting priority -500;
		iifname "$2" meta nfproto ipv4 ip protocol esp counter name w_esp
		iifname "$2" ip protocol esp ip frag-off & 0x3fff != 0 counter name w_esp_frag
		iifname "$2" ip protocol esp ip dscp ef counter name w_esp_ef
		iifname "$2" ip protocol esp ip dscp af41 counter name w_esp_af41
		iifname "$2" ip protocol esp ip dscp cs6 counter name w_esp_cs6
		iifname "$2" ip protocol esp ip ecn ect0 counter name w_esp_ect0
		iifname "$2" ip protocol esp ip ecn ce counter name w_esp_ce
		iifname "$2" udp sport { 500, 4500 } ip dscp cs6 counter name w_ike_cs6
	}
}
NFT
}
wire() {	# NETNS COUNTER: packets
	ip netns exec "$1" nft -j list counter inet wire "$2" |
		jq '.nftables[] | select(.counter) | .counter.packets'
}
wire_reset() { ip netns exec "$1" nft reset counters table inet wire >/dev/null; }
wire_counters "$ENB" veth-e
wire_counters "$GW" veth-g

XFRMI=""
write_ikud_conf() {	# EXTRA GATEWAY LINES
	cat >"$dir/ikud.conf" <<CONF
$(write_ikud_head)
gateway s1 {
	local 192.0.2.1;
	vrf s1;
	$XFRMI
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16;
	psk "$PSK" for id *.enb.example.net;
	remote-ts 10.1.0.0/16 fd00:1::/48;
	local-ts 10.2.0.0/24 fd00:2::/64;
	$1
}
CONF
}
write_strongswan_conf "retransmit_tries = 3" "retransmit_timeout = 2"
swan_conf "$dir/swanctl.conf" "$PSK" "$(swan_conn enb1 lts=10.1.0.1/32,fd00:1::1/128 \
	rts=10.2.0.0/24,fd00:2::/64 ch.rekey_time=0)"

# The tunnel anew, under the current ikud.conf (SIGHUP, then a new CHILD_SA).
retunnel() {
	kill -HUP "$IKUD_PID"
	sleep 1
	swan --terminate --ike enb1 >/dev/null 2>&1
	wait_eq 10 0 ike_count
	initiate
}

# The eNodeB's inbound ESP SA at ikud: a field of its "stats:" line.
gw_in_stat() {	# FIELD (replay-window, replay, failed)
	ip -n "$GW" -s xfrm state | awk -v f="$1" '
		/^src 192.0.2.2 dst 192.0.2.1/ { inb = 1; next }
		/^src/ { inb = 0 }
		inb && /stats:/ { getline; for (i = 1; i < NF; i++) if ($i == f) n += $(i + 1) }
		END { print n + 0 }'
}

# A receiver in the background, writing its count to OUT; returns once it
# listens (a slow guest takes seconds to start Python). It stops after 10 s
# without a datagram or, given EXPECT, once that many have come (or after
# 60 s without one). rx_wait waits for the receivers to finish.
RX_PIDS=()
rx_start() {	# NETNS OUT ADDR [VRF [EXPECT]]
	local idle=10
	[ -z "${5:-}" ] || idle=60
	rm -f "$2.ready"
	ip netns exec "$1" python3 "$UDP_TX" recv "$3" $idle "${4:-}" "$2.ready" ${5:-} >"$2" &
	RX_PIDS+=($!)
	wait_until 30 test -e "$2.ready"
}
rx_wait() {
	wait "${RX_PIDS[@]}"
	RX_PIDS=()
}

# 3000 datagrams from the eNodeB, half of them 100 ms late on the wire.
reordered_burst() {
	local out
	tc -n "$ENB" qdisc add dev veth-e root netem limit 10000 delay 100ms reorder 50%
	rx_start "$GW" "$dir/rx" 10.2.0.1 s1
	out=$(ip netns exec "$ENB" python3 "$UDP_TX" send 10.1.0.1 10.2.0.1 3000)
	rx_wait
	tc -n "$ENB" qdisc del dev veth-e root
	echo "$out $(cat "$dir/rx")"
}

dump_logs() {
	echo "# --- ikud.log (tail)"; tail -n 30 "$dir/ikud.log" | sed 's/^/# /'
	ip -n "$GW" -s xfrm state | sed 's/^/# /'
}

write_ikud_conf ""
start_ikud || { dump_logs; log_test 1 "ikud starts"; test_exit; }
start_charon && load_swan && initiate
log_test $? "enb1 establishes (IPv4 and IPv6 inner prefixes)"

echo "# replay-window"
for win in 64 1024 0; do
	if [ "$win" != 64 ]; then
		write_ikud_conf "replay-window $win;"
		retunnel
	fi
	d0=$(gw_in_stat replay-window)
	read -r _ sent _ got <<<"$(reordered_burst)"
	dropped=$(($(gw_in_stat replay-window) - d0))
	echo "# window $win: sent $sent, received $got, outside the window $dropped"
	check_eq "$sent" 3000 "window $win: the eNodeB sends its 3000 datagrams"
	case $win in
	64) [ "$dropped" -gt 0 ] && [ "$got" -lt "$sent" ]
	    log_test $? "window 64: reordered packets are dropped ($dropped outside the window)" ;;
	*) check_eq "$dropped" 0 "window $win: none outside the window"
	   check_range "$got" 2970 3000 "window $win: the reordered packets are delivered" ;;
	esac
done
# off: the legacy window field 0 and no replay bitmap (the ESN attribute)
ip -n "$GW" xfrm state | awk '/^src 192.0.2.2 dst 192.0.2.1/ { inb = 1; next }
	/^src/ { inb = 0 } inb' >"$dir/in_sa"
grep -q "replay-window 0 " "$dir/in_sa" && ! grep -q "replay_window" "$dir/in_sa"
log_test $? "the kernel's inbound SA has anti-replay off (no window, no bitmap)"

# From here on route-based, as a SecGW with VRFs is deployed.
stop_ikud
ip -n "$GW" link add ipsec-s1 type xfrm dev veth-g if_id 42
ip -n "$GW" link set ipsec-s1 master s1 up
XFRMI="xfrm-interface ipsec-s1 if_id 42;"
write_ikud_conf ""
start_ikud || { dump_logs; log_test 1 "ikud restarts with the xfrm interface"; test_exit; }

echo "# tunnel-mtu"
for mtu in none 1400; do
	if [ "$mtu" = none ]; then
		write_ikud_conf ""
	else
		write_ikud_conf "tunnel-mtu $mtu;"
	fi
	retunnel
	wire_reset "$ENB"
	rx_start "$ENB" "$dir/rx4" 10.1.0.1 "" 10
	rx_start "$ENB" "$dir/rx6" fd00:1::1
	for size in 1372 1872; do
		ip netns exec "$GW" python3 "$UDP_TX" send 10.2.0.1 10.1.0.1 5 0 $size s1 >/dev/null
		ip netns exec "$GW" python3 "$UDP_TX" send fd00:2::1 fd00:1::1 5 0 $((size - 20)) s1 >/dev/null
	done
	rx_wait
	frags=$(wire "$ENB" w_esp_frag)
	echo "# tunnel-mtu $mtu: outer ESP fragments $frags; received $(cat "$dir/rx4") (IPv4), $(cat "$dir/rx6") (IPv6) of 10 each"
	rx4=$(cut -d' ' -f2 "$dir/rx4")
	rx6=$(cut -d' ' -f2 "$dir/rx6")
	if [ "$mtu" = none ]; then
		# the xfrm interface answers the first oversized IPv6 packet with
		# Packet Too Big (it is lost); the sender learns the path MTU
		check_eq "$rx4" 10 "no tunnel-mtu: IPv4 1400- and 1900-byte packets reach the eNodeB"
		check_range "$rx6" 9 10 "no tunnel-mtu: IPv6 ones, but the first too big"
	else
		check_eq "$rx4 $rx6" "10 10" \
			"tunnel-mtu $mtu: every 1400- and 1900-byte packet reaches the eNodeB"
	fi
	if [ "$mtu" = none ]; then
		[ "$frags" -gt 0 ]
		log_test $? "without tunnel-mtu, large packets leave as outer fragments ($frags)"
	else
		check_eq "$frags" 0 "with tunnel-mtu 1400, no outer ESP fragment crosses the link"
		ip -n "$GW" route show table 10 proto 250 10.1.0.1 | grep -q "mtu 1400"
		log_test $? "the route to the eNodeB carries mtu 1400"
	fi
done

echo "# DSCP and ECN across the tunnel, ike-dscp"
write_ikud_conf "ike-dscp CS6;"
retunnel
wire_reset "$ENB"
wire_reset "$GW"
# receivers on both sides: no ICMP error (CS6, ECN bits kept) joins the count
rx_start "$ENB" "$dir/rx_enb" 10.1.0.1 "" 50
rx_start "$GW" "$dir/rx_gw" 10.2.0.1 s1 50
for tos in 0xb8 0x88 0xc0 0x02 0x03; do	# EF AF41 CS6 ECT(0) CE
	ip netns exec "$GW" python3 "$UDP_TX" send 10.2.0.1 10.1.0.1 10 $tos 64 s1 >/dev/null
	ip netns exec "$ENB" python3 "$UDP_TX" send 10.1.0.1 10.2.0.1 10 $tos >/dev/null
done
rx_wait
check_eq "$(cat "$dir/rx_enb") $(cat "$dir/rx_gw")" "received 50 received 50" \
	"the marked datagrams cross the tunnel both ways"
for side in "$ENB:gateway to eNodeB" "$GW:eNodeB to gateway"; do
	ns=${side%%:*}
	what=${side#*:}
	check_eq "$(wire "$ns" w_esp_ef) $(wire "$ns" w_esp_af41) $(wire "$ns" w_esp_cs6)" "10 10 10" \
		"$what: EF, AF41 and CS6 on the outer ESP header"
	check_eq "$(wire "$ns" w_esp_ect0)" 20 \
		"$what: ECT(0) copied, CE sent as ECT(0) (the kernel's encapsulation)"
	check_eq "$(wire "$ns" w_esp_ce)" 0 "$what: no CE on the outer header"
done
swan --terminate --ike enb1 >/dev/null 2>&1
initiate
[ "$(wire "$GW" w_ike_cs6)" = 0 ] && [ "$(wire "$ENB" w_ike_cs6)" -gt 0 ]
log_test $? "ike-dscp CS6: ikud's IKE packets carry CS6 ($(wire "$ENB" w_ike_cs6)), the eNodeB's not"

[ "$sgw_ret" -eq 0 ] || dump_logs
test_exit
