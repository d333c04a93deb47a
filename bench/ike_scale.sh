#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ikud and charon as responders to the same ikeload, at scale (run it in
# the VM, with memory for the largest N:
#   selftests/vm/run --mem 8192 --timeout 7200 -- bench/ike_scale.sh [N...]
# default N: 1000).
#
#   $ENB: ikeload, one process                      $GW: the responder
#   SCALE_PORTS tunnels per source address,          192.0.2.1, remote-ts
#   addresses from 198.18.0.10/15, inner 10.64.0.1   10.64.0.0/10
#   on                                          ==== (and, with rri, ipsec0
#                                                    if_id 42 in VRF s1, RRI)
#
# Method: for each N, interleaved in one VM run: ikud without an xfrm
# interface, ikud with one and RRI into a VRF (a route per tunnel), and
# charon (up to SCALE_CHARON_MAX tunnels). Each starts fresh; ikeload sets
# up N tunnels (PSK, IKE aes128gcm16-prfsha256-ecp256, ESP aes128gcm16,
# its own identity and inner address each, at most SCALE_WINDOW set-ups in
# flight, its DH key pair cached) and holds them. Measured once every
# tunnel is up: the responder's CPU time (utime + stime, so its XFRM
# netlink work counts) and RssAnon growth per tunnel, the kernel's SAs and
# policies, wall time and set-up rate (ikeload's report), ikeload's own
# CPU per tunnel. Neither responder logs below warning, neither limits
# half-open SAs or sends cookies. Then ikeload deletes every tunnel.
# Then a reconnect storm (SCALE_STORM tunnels, default the largest N) at
# ikud with cookies from SCALE_COOKIES half-open SAs on, next to held
# tunnels whose liveness checks time ikud's answers meanwhile.
# Under TCG the absolute times mean little: compare the responders in the
# same run (Documentation/performance.md).

source "$(dirname "$0")/../selftests/net/lib.sh"
source "$(dirname "$0")/lib.sh"

require_cmd ip jq swanctl nsenter unshare
[ -x "$IKUD" ] && [ -x "$IKELOAD" ] || { echo "ike_scale: build first (make)" >&2; exit 1; }
require_module esp4 xfrm_interface vrf

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000)
SCALE_PORTS=${SCALE_PORTS:-50}
SCALE_WINDOW=${SCALE_WINDOW:-64}
SCALE_CHARON_MAX=${SCALE_CHARON_MAX:-10000}
PSK="scale-secret-0123456789abcdef"
dir=$(mktemp -d /tmp/ike_scale.XXXXXX)
at_exit "rm -rf $dir"
source "$SGW_TOP/selftests/net/lib_ike.sh"

# A fresh pair of namespaces for N tunnels: ceil(N / SCALE_PORTS) source addresses.
scale_net() {
	local n=$1 addrs k
	addrs=$(((n + SCALE_PORTS - 1) / SCALE_PORTS))
	cleanup_ns
	setup_ns ENB GW || return 1
	ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW" &&
	ip -n "$GW" addr add 192.0.2.1/24 dev veth-g &&
	ip -n "$GW" link set veth-g up &&
	ip -n "$ENB" addr add 192.0.2.2/24 dev veth-e &&
	ip -n "$ENB" link set veth-e up &&
	ip -n "$GW" route add 198.18.0.0/15 via 192.0.2.2 || return 1
	for ((k = 0; k < addrs; k++)); do
		echo "addr add 198.18.$(((k + 10) / 256)).$(((k + 10) % 256))/32 dev veth-e"
	done | ip -n "$ENB" -batch - || return 1
	ip -n "$ENB" route add 192.0.2.1/32 dev veth-e
}

scale_rri_net() {	# the gateway's VRF and xfrm interface
	ip -n "$GW" link add s1 type vrf table 10 &&
	ip -n "$GW" link set s1 up &&
	ip -n "$GW" link add ipsec0 type xfrm dev veth-g if_id 42 &&
	ip -n "$GW" link set ipsec0 master s1 up
}

ikud_scale_conf() {	# plain|rri
	local rri=""
	[ "$1" = rri ] && rri="xfrm-interface ipsec0 if_id 42;"	# RRI into ipsec0's VRF
	cat >"$dir/ikud.conf" <<EOF
log-level warning;
control $dir/ikud.sock;
workers 2;
half-open-per-source 0;
cookie-threshold 0;
gateway s1 {
	local 192.0.2.1;
	$rri
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16;
	psk "$PSK" for id *.enb.example.net;
	remote-ts 10.64.0.0/10;
	local-ts 10.2.0.0/24;
}
EOF
	chmod 600 "$dir/ikud.conf"
}

charon_scale_conf() {
	SWAN_LOG="-1 -1" write_strongswan_conf "cookie_threshold = 10000000" \
		"block_threshold = 10000000" "init_limit_half_open = 0"
	swan_conf "$dir/swanctl.conf" "$PSK" "$(swan_conn enbs laddr=192.0.2.1 raddr=%any \
		lid=192.0.2.1 rid=%any lts=10.2.0.0/24 rts=10.64.0.0/10 c.dpd_delay=0)"
}

# The responder's process: ikud, or the charon in $GW.
RESP_PID=
responder_start() {	# ikud|charon
	if [ "$1" = ikud ]; then
		start_ikud -q || return 1
		RESP_PID=$IKUD_PID
	else
		charon_scale_conf
		charon_spawn RESP_PID "$GW" "$dir/strongswan.conf" || return 1
		swan_at "$RESP_PID" --load-all --file "$dir/swanctl.conf" >"$dir/load.out" 2>&1
	fi
}

responder_stop() {	# ikud|charon
	if [ "$1" = ikud ]; then
		stop_ikud
	else
		charon_stop RESP_PID
	fi
}

xfrm_counts() {	# "SAs policies" in $GW
	echo "$(ip -n "$GW" xfrm state count | awk '{ print $3 }')" \
	     "$(ip -n "$GW" xfrm policy count | awk '{ print $3 + $5 + $7 }')"
}

# ikeload's last progress line says every tunnel is up
all_up() { grep -q "^ikeload: setup [0-9]*s: $1 up, 0 in progress, 0 queued" "$dir/load.log"; }

per_tunnel() { awk -v a="$1" -v n="$2" 'BEGIN { printf "%.2f", a / n }'; }

# One measurement: N tunnels against RESPONDER (ikud|charon) in MODE
# (plain|rri); prints one row of the table.
measure() {
	local n=$1 who=$2 mode=$3 cpu0 rss0 cpu1 rss1 load_pid counts secs
	scale_net "$n" || { echo "ike_scale: network" >&2; return 1; }
	[ "$mode" = rri ] && { scale_rri_net || return 1; }
	[ "$who" = ikud ] && ikud_scale_conf "$mode"
	responder_start "$who" || { echo "ike_scale: $who did not start" >&2; return 1; }
	sleep 1
	cpu0=$(cpu_ms "$RESP_PID") rss0=$(rss_anon_kib "$RESP_PID")
	ip netns exec "$ENB" "$IKELOAD" -r 192.0.2.1 -s 198.18.0.10/15 -P "$SCALE_PORTS" \
		-n "$n" -k "$PSK" -I 10.64.0.1/10 -t 10.2.0.0/24 --dh-cache -w "$SCALE_WINDOW" \
		--duration 100000 -j >"$dir/load.json" 2>"$dir/load.log" &
	load_pid=$!
	wait_until $((600 + n / 20)) all_up "$n"
	cpu1=$(cpu_ms "$RESP_PID") rss1=$(rss_anon_kib "$RESP_PID")
	counts=$(xfrm_counts)
	kill -TERM "$load_pid"
	wait "$load_pid"
	responder_stop "$who"
	secs=$(jq -r '.phases[0].wall_s' "$dir/load.json")
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$who" "$mode" \
		"$(jq -r '.phases[0].established' "$dir/load.json")" \
		"$(per_tunnel $((cpu1 - cpu0)) "$n")" "$(per_tunnel $((rss1 - rss0)) "$n")" \
		"${counts// //}" "$secs" "$(jq -r '.phases[0].setups_per_second' "$dir/load.json")" \
		"$(jq -r '.phases[0].cpu_per_tunnel_ms' "$dir/load.json")"
}

# A reconnect storm of N at ikud next to SCALE_HELD held tunnels whose
# liveness checks (every second, given up after 3 sends in 3.5 s) time
# ikud's answers: the storm's time until all are back, half-open SAs and
# waiting IKE_SA_INITs at their peak (polled every 0.2 s), cookies, and the
# held tunnels' answer times.
storm_measure() {
	local n=$1 held=${SCALE_HELD:-100} held_pid load_pid peak_ho=0 peak_bl=0 ho bl
	scale_net "$n" || return 1
	ikud_scale_conf plain
	sed -i "s/^cookie-threshold 0;/cookie-threshold ${SCALE_COOKIES:-1000};/" "$dir/ikud.conf"
	start_ikud -q || return 1
	ip netns exec "$ENB" "$IKELOAD" -r 192.0.2.1 -s 198.18.0.10/15 -P "$SCALE_PORTS" \
		--source-port 1500 -n "$held" -k "$PSK" -i 'held%d.enb.example.net' \
		-I 10.127.0.1/16 -t 10.2.0.0/24 --dh-cache --duration 100000 --dpd 1 \
		--retransmit 500,3 -j >"$dir/held.json" 2>"$dir/held.log" &
	held_pid=$!
	wait_until 120 grep -q "^ikeload: setup [0-9]*s: $held up, 0 in progress" "$dir/held.log"
	ip netns exec "$ENB" "$IKELOAD" -r 192.0.2.1 -s 198.18.0.10/15 -P "$SCALE_PORTS" \
		-n "$n" -k "$PSK" -I 10.64.0.1/10 -t 10.2.0.0/24 --dh-cache -w "$SCALE_WINDOW" \
		--mode storm --outage 2 -j >"$dir/storm.json" 2>"$dir/storm.log" &
	load_pid=$!
	while kill -0 "$load_pid" 2>/dev/null; do
		read -r ho bl < <(ctl stats | jq -r '"\(.half_open) \(.init_backlog)"')
		[ "${ho:-0}" -gt "$peak_ho" ] && peak_ho=$ho
		[ "${bl:-0}" -gt "$peak_bl" ] && peak_bl=$bl
		grep -q "^ikeload: storm1 [0-9]*s: $n up, 0 in progress" "$dir/storm.log" &&
			kill -TERM "$load_pid"
		sleep 0.2
	done
	wait "$load_pid"
	kill -TERM "$held_pid"
	wait "$held_pid"
	echo "storm of $n at ikud (cookie-threshold ${SCALE_COOKIES:-1000}), $held held tunnels:" \
		"$(jq -r '.phases[1] | "\(.established) of \(.started) back in \(.wall_s) s, \(.failed) failed, \(.cookies) COOKIE restarts, \(.retransmits) retransmissions, latency p50 \(.latency_ms.p50) ms p99 \(.latency_ms.p99) ms"' "$dir/storm.json");" \
		"peak half-open $peak_ho, peak waiting IKE_SA_INITs $peak_bl;" \
		"held: $(jq -r '.dpd | "\(.answered) liveness checks answered, p50 \(.rtt_p50_ms) ms, p99 \(.rtt_p99_ms) ms, \(.dead) declared the gateway dead"' "$dir/held.json");" \
		"ikud: $(ctl stats | jq -r '"\(.answered_ahead) answered ahead, \(.cookies_sent) cookies sent, \(.init_backlog_dropped) dropped from the backlog"')"
	stop_ikud
}

echo "| N | responder | mode | established | CPU ms/tunnel | RssAnon KiB/tunnel | XFRM SAs/policies | wall s | setups/s | ikeload CPU ms/tunnel |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for n in "${SIZES[@]}"; do
	measure "$n" ikud plain
	measure "$n" ikud rri
	[ "$n" -le "$SCALE_CHARON_MAX" ] && measure "$n" charon plain
done
echo
storm_measure "${SCALE_STORM:-${SIZES[-1]}}"
