#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ikeload, the IKEv2 load generator, against ikud and against strongSwan's
# charon as responders: N tunnels (200 by default) from N source addresses
# and N identities on one veth.
#
#   enb netns (ikeload)                            gw netns (ikud or charon)
#   192.0.2.10-(9+N)/24, one per tunnel
#   inner 10.1.0.1-N (local on lo)
#   veth-e ====================================== veth-g 192.0.2.1/24
#                                                  lan 10.2.0.1/24 (dummy)
#
# ikud: every tunnel established with its CHILD_SA and counted by ikud, its
# ESP SAs in the kernel, ikud's liveness checks answered (no peer declared
# dead), a ping through each sample tunnel whose ESP SAs ikeload installed,
# ikeload's report (every tunnel established, none failed), every tunnel
# deleted at the end; then a reconnect storm with cookies engaged: every
# tunnel lost at once and set up again with INITIAL_CONTACT, which replaces
# the old IKE SAs at ikud (N IKE SAs, not 2N); then N new tunnels at once
# next to 40 held ones with aggressive liveness checks, which ikud must
# answer ahead of the waiting IKE_SA_INITs. charon: the same set-up and
# teardown. Nothing here asserts on time; ikeload's figures are printed as
# comments.

# sgw-timeout: 600
source "$(dirname "$0")/lib.sh"

require_cmd ip jq swanctl nsenter unshare ping
[ -x "$IKUD" ] || skip "$IKUD not built"
[ -x "$IKELOAD" ] || skip "$IKELOAD not built"
require_module esp4 dummy

dir=$(mktemp -d /tmp/ike_load.XXXXXX)
at_exit "rm -rf $dir"
PSK="load-secret-0123456789abcdef"
N=${SGW_IKE_LOAD_N:-200}
SAMPLES=4
# the sample tunnels (--install spreads them): the J-th (1..SAMPLES) is tunnel
# index ceil(J * N / SAMPLES) - 1, whose inner address is 10.1.0.1 + index
sample_inner() {
	local k=$((($1 * N + SAMPLES - 1) / SAMPLES))
	echo "10.1.$((k / 256)).$((k % 256))"
}

setup_ns ENB GW
source "$(dirname "$0")/lib_ike.sh"

ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW"
ip -n "$GW" addr add 192.0.2.1/24 dev veth-g
ip -n "$GW" link set veth-g up
ip -n "$GW" link add lan type dummy
ip -n "$GW" addr add 10.2.0.1/24 dev lan
ip -n "$GW" link set lan up
ip -n "$ENB" link set veth-e up
for i in $(seq 1 "$N"); do
	echo "addr add 192.0.2.$((i + 9))/24 dev veth-e"
done | ip -n "$ENB" -batch -
ip -n "$ENB" route add local 10.1.0.0/16 dev lo
# inner traffic: the tunnels' policies take it before these routes are used
ip -n "$ENB" route add 10.2.0.0/24 dev veth-e
ip -n "$GW" route add 10.1.0.0/16 dev veth-g

LOAD_PID=
# load NAME ARGS...: ikeload in $ENB in the background, its report (JSON) in
# $dir/NAME.json, its progress lines in $dir/NAME.log
load() {
	local name=$1
	shift
	ip netns exec "$ENB" "$IKELOAD" -r 192.0.2.1 -s 192.0.2.10/24 -n "$N" \
		-k "$PSK" -I 10.1.0.1/16 -t 10.2.0.0/24 --install $SAMPLES -j \
		--duration 600 --dh-cache "$@" >"$dir/$name.json" 2>"$dir/$name.log" &
	LOAD_PID=$!
}
# load_end: SIGTERM (ikeload deletes its tunnels and reports), wait
load_end() {
	[ -n "$LOAD_PID" ] || return 0
	kill -TERM "$LOAD_PID" 2>/dev/null
	wait "$LOAD_PID" 2>/dev/null
	LOAD_PID=
}
at_exit load_end
report() { jq -r "$2" "$dir/$1.json"; }	# NAME FILTER: a value of NAME's report
# setup_done NAME: the last progress line says the set-up has every tunnel up
setup_done() { grep -q "^ikeload: setup [0-9]*s: $N up, 0 in progress, 0 queued" "$dir/$1.log"; }
counts() { echo "$(ike_count) $(child_count)"; }
enb_states() { ip -n "$ENB" xfrm state | grep -c '^src'; }
pings() {	# the sample tunnels' inner addresses, one ping each
	local i k=0
	for i in $(seq 1 $SAMPLES); do
		ip netns exec "$ENB" ping -c 1 -W 3 -I "$(sample_inner "$i")" \
			10.2.0.1 >/dev/null 2>&1 && k=$((k + 1))
	done
	echo $k
}
figures() {	# NAME: ikeload's figures for the set-up, as a comment
	echo "# $1: $(report "$1" '.phases[0] | "\(.established) established in \(.wall_s) s, \(.setups_per_second) setups/s, latency p50 \(.latency_ms.p50) ms p99 \(.latency_ms.p99) ms, ikeload CPU \(.cpu_per_tunnel_ms) ms/tunnel, \(.retransmits) retransmissions, \(.cookies) COOKIE restarts"')"
	echo "# $1: $(report "$1" '"datagrams sent \(.tx), received \(.rx) (late \(.rx_late), invalid \(.rx_invalid), unknown SPI \(.rx_unknown))"')"
}
show_failure() {	# NAME: what a failed part left to look at
	[ "$sgw_ret" -ne 0 ] || return 0
	tail -n 5 "$dir/$1.log" | sed 's/^/# /'
	sed 's/^/# /' "$dir/$1.json"
	[ -S "$dir/ikud.sock" ] && ctl stats | jq -c '.failures' | sed 's/^/# ikud failures: /'
	[ -f "$dir/ikud.log" ] && grep -v 'removed' "$dir/ikud.log" | tail -n 20 | sed 's/^/# /'
	[ -f "$dir/charon.log" ] && tail -n 20 "$dir/charon.log" | sed 's/^/# /'
	return 0
}

# --- ikud --------------------------------------------------------------------

# write_ikud_conf [GLOBAL_LINE [GATEWAY_LINE]]
write_ikud_conf() {
	{
		write_ikud_head | sed 's/^log-level debug;/log-level info;/'
		[ -z "${1:-}" ] || echo "$1"
		cat <<CONF
gateway s1 {
	local 192.0.2.1;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16;
	psk "$PSK" for id *.enb.example.net;
	remote-ts 10.1.0.0/16;
	local-ts 10.2.0.0/24;
	${2:-}
}
CONF
	} >"$dir/ikud.conf"
	chmod 600 "$dir/ikud.conf"
}
stat_of() { ctl stats | jq ".$1"; }
stat_ge() { [ "$(stat_of "$1")" -ge "$2" ]; }	# COUNTER MIN

echo "# ikud, $N tunnels"
write_ikud_conf "" "dpd interval 2 threshold 5;"
start_ikud -q || { log_test 1 "ikud starts"; test_exit; }
load ikud --window 32
wait_eq 120 "$N $N" counts
check_eq "$(counts)" "$N $N" "ikud: $N IKE SAs and CHILD_SAs from ikeload"
check_eq "$(gw_states)" $((2 * N)) "ikud: $((2 * N)) ESP SAs in the kernel"
check_eq "$(enb_states)" $((2 * SAMPLES)) "ikeload installed the ESP SAs of $SAMPLES sample tunnels"
check_eq "$(pings)" $SAMPLES "a ping crosses each sample tunnel"
wait_until 30 stat_ge dpd_probes "$N"
log_test $? "ikud sent liveness checks ($(stat_of dpd_probes))"
check_eq "$(failures dead_peer) $(ike_count)" "0 $N" "no peer declared dead, all $N up"
echo "# ikud's counters: $(ctl stats | jq -c '{rx_packets, rx_dropped, cached_replies, cookies_sent}')"
load_end
check_eq "$(report ikud '.phases[0].established') $(report ikud '.phases[0].failed')" \
	"$N 0" "ikeload reports $N established, none failed"
check_eq "$(report ikud '.deleted')" "$N" "ikeload deleted every tunnel at the end"
[ "$(report ikud '.liveness_answered')" -gt 0 ]
log_test $? "ikeload answered ikud's liveness checks ($(report ikud '.liveness_answered'))"
wait_eq 30 "0 0" counts
check_eq "$(counts) $(gw_states) $(enb_states)" "0 0 0 0" "nothing left at ikud or ikeload"
figures ikud
show_failure ikud
stop_ikud

echo "# ikud, a reconnect storm of $N with cookies"
: >"$dir/ikud.log"
write_ikud_conf "cookie-threshold $((N / 4));"
start_ikud -q || { log_test 1 "ikud starts again"; test_exit; }
load storm --mode storm --outage 2 --window 32
wait_until 120 stat_ge ike_established $((2 * N))
log_test $? "every tunnel came back after the outage ($(stat_of ike_established) set up in all)"
wait_eq 30 "$N $N" counts
check_eq "$(counts)" "$N $N" "INITIAL_CONTACT replaced the old IKE SAs: $N at ikud, not $((2 * N))"
check_eq "$(gw_states)" $((2 * N)) "the old ESP SAs are gone"
check_eq "$(pings)" $SAMPLES "a ping crosses each new sample tunnel"
echo "# ikud's counters: $(ctl stats | jq -c '{rx_packets, rx_dropped, cached_replies, cookies_sent}')"
load_end
check_eq "$(report storm '.phases[1] | "\(.name) \(.established) \(.failed)"')" "storm1 $N 0" \
	"ikeload reports $N set up again in the storm, none failed"
check_eq "$(report storm '.outages')" "$N" "after losing $N"
[ "$(report storm '.phases[1].cookies')" -gt 0 ]
log_test $? "the storm met cookies ($(report storm '.phases[1].cookies') COOKIE restarts)"
echo "# storm: $(report storm '.phases[1] | "\(.established) set up again in \(.wall_s) s, \(.setups_per_second) setups/s, latency p50 \(.latency_ms.p50) ms p99 \(.latency_ms.p99) ms, \(.retransmits) retransmissions, \(.cookies) COOKIE restarts"')"
wait_eq 30 "0 0" counts
show_failure storm
stop_ikud

echo "# ikud, liveness checks of held tunnels while $N new ones arrive at once"
HELD=40
: >"$dir/ikud.log"
write_ikud_conf
start_ikud -q || { log_test 1 "ikud starts again"; test_exit; }
# held: aggressive DPD (every second, given up after 3 sends in 3.5 s)
ip netns exec "$ENB" "$IKELOAD" -r 192.0.2.1 -s 192.0.2.10/24 -n $HELD -k "$PSK" \
	-i 'held%d.enb.example.net' -I 10.1.0.1/16 -t 10.2.0.0/24 --dh-cache -j \
	--duration 600 --dpd 1 --retransmit 500,3 >"$dir/held.json" 2>"$dir/held.log" &
held_pid=$!
at_exit "kill $held_pid 2>/dev/null"
wait_eq 60 "$HELD $HELD" counts
check_eq "$(counts)" "$HELD $HELD" "$HELD tunnels held with liveness checks every second"
# the new ones: other ports of the same addresses, other identities and inner addresses
load newcomers --source-port 1500 -i 'new%d.enb.example.net' -I 10.1.1.1/16 --rate 0 --window 0
wait_until 180 setup_done newcomers
log_test $? "$N new tunnels set up at once next to them"
ahead=$(stat_of answered_ahead)
show_failure newcomers
load_end
kill -TERM $held_pid
wait $held_pid
check_eq "$(jq '.dpd.dead' "$dir/held.json")" 0 "no held tunnel saw the gateway dead"
[ "$(jq '.dpd.answered' "$dir/held.json")" -gt 0 ]
log_test $? "their liveness checks were answered ($(jq '.dpd.answered' "$dir/held.json"))"
[ "$ahead" -gt 0 ]
log_test $? "ikud answered $ahead messages of existing SAs ahead of waiting IKE_SA_INITs"
echo "# held: $(jq -r '.dpd | "liveness checks answered \(.answered), p50 \(.rtt_p50_ms) ms, p99 \(.rtt_p99_ms) ms"' "$dir/held.json");" \
	"newcomers: $(report newcomers '.phases[0] | "\(.established) in \(.wall_s) s, latency p50 \(.latency_ms.p50) ms p99 \(.latency_ms.p99) ms"')"
echo "# ikud's counters: $(ctl stats | jq -c '{answered_ahead, init_backlog, init_backlog_dropped, cookies_sent}')"
wait_eq 30 "0 0" counts
stop_ikud

# --- charon ------------------------------------------------------------------

echo "# charon, $N tunnels"
# cookies from the 10th half-open SA on by default: not what is measured here
SWAN_LOG="-1 -1" write_strongswan_conf "cookie_threshold = 100000"
cat >"$dir/swanctl.conf" <<CONF
connections {
	enbs {
		version = 2
		local_addrs = 192.0.2.1
		proposals = aes128gcm16-prfsha256-ecp256
		local {
			auth = psk
			id = 192.0.2.1
		}
		remote {
			auth = psk
			id = %any
		}
		children {
			c {
				local_ts = 10.2.0.0/24
				remote_ts = 10.1.0.0/16
				esp_proposals = aes128gcm16
			}
		}
	}
}
secrets { ike-1 { secret = "$PSK" } }
CONF
charon_spawn CHARON_PID "$GW" "$dir/strongswan.conf"
load_swan
log_test $? "charon loads the responder's connection"
swan_count() { swan --list-sas 2>/dev/null | grep -c 'ESTABLISHED'; }
swan_children() { swan --list-sas 2>/dev/null | grep -c 'INSTALLED'; }
load charon --window 32
wait_until 120 setup_done charon
log_test $? "charon: ikeload set up $N tunnels"
check_eq "$(swan_count) $(swan_children)" "$N $N" "charon: $N IKE SAs and CHILD_SAs"
check_eq "$(pings)" $SAMPLES "a ping crosses each sample tunnel"
load_end
check_eq "$(report charon '.phases[0].established') $(report charon '.phases[0].failed')" \
	"$N 0" "ikeload reports $N established, none failed"
wait_eq 30 0 swan_count
check_eq "$(swan_count)" 0 "ikeload's DELETEs leave charon nothing"
figures charon
show_failure charon
test_exit
