#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKE setup rate of ikud against strongSwan initiators (run in the VM:
#   selftests/vm/run -- bench/ike_setup_rate.sh [TUNNELS]).
#
#   $ENB: one charon with TUNNELS connections          $GW: ikud
#   (ids enbK.enb.example.net, inner 10.1.X.Y/32)  ---  192.0.2.1, if_id 42
#
# Method: every connection has start_action=start, so loading them makes
# charon initiate all at once (PSK, aes128gcm16-prfsha256-ecp256, one
# CHILD_SA each). We time from the load to the last IKE SA ikud reports
# established, and read the CPU time ikud and charon used (utime+stime from
# /proc) for it. Under TCG absolute numbers mean little: compare ikud's CPU
# per tunnel with charon's, measured in the same run. Both log only what
# their configuration asks (notice for ikud, nothing for charon).

source "$(dirname "$0")/../selftests/net/lib.sh"
source "$SGW_TOP/selftests/net/lib_ike.sh"
source "$(dirname "$0")/lib.sh"

N=${1:-200}
PSK="bench-secret-0123456789"

require_cmd ip jq swanctl nsenter unshare
require_module esp4 xfrm_interface
dir=$(mktemp -d /tmp/ike_bench.XXXXXX)
at_exit "rm -rf $dir"
setup_ns ENB GW || exit 1
ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW" &&
ip -n "$ENB" addr add 192.0.2.2/24 dev veth-e &&
ip -n "$GW" addr add 192.0.2.1/24 dev veth-g &&
ip -n "$ENB" link set veth-e up && ip -n "$GW" link set veth-g up &&
ip -n "$GW" link add ipsec0 type xfrm dev veth-g if_id 42 &&
ip -n "$GW" link set ipsec0 up || exit 1

cat >"$dir/ikud.conf" <<EOF
log-level notice;
control $dir/ikud.sock;
gateway s1 {
	local 192.0.2.1;
	xfrm-interface ipsec0 if_id 42;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16-ecp256;
	psk "$PSK" for id *.enb.example.net;
	remote-ts 10.1.0.0/16;
	local-ts 10.2.0.0/24;
}
EOF

SWAN_LOG="-1 -1" write_strongswan_conf
conns=()
for ((k = 1; k <= N; k++)); do
	conns+=("$(swan_conn "c$k" lid="enb$k.enb.example.net" child="c$k" \
		lts="10.1.$((k / 250)).$((k % 250 + 1))/32" ch.start_action=start)")
done
swan_conf "$dir/swanctl.conf" "$PSK" "${conns[@]}"

stat_of() { ctl stats | jq ".$1"; }

start_ikud -q || { cat "$dir/ikud.log"; exit 1; }
start_charon || { echo "charon did not start"; exit 1; }

ikud0=$(cpu_ms "$IKUD_PID"); charon0=$(cpu_ms "$CHARON_PID")
t0=$(date +%s%N)
load_swan
while [ "$(stat_of ike_established)" -lt "$N" ] && [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt 600 ]; do
	sleep 0.5
done
t1=$(date +%s%N)
ikud1=$(cpu_ms "$IKUD_PID"); charon1=$(cpu_ms "$CHARON_PID")
got=$(stat_of ike_established)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
echo "tunnels requested:        $N"
echo "IKE SAs established:      $got (CHILD_SAs: $(stat_of child_sas))"
echo "wall time:                $secs s"
echo "setup rate:               $(awk -v n="$got" -v s="$secs" 'BEGIN { printf "%.1f", n / s }') tunnels/s"
echo "ikud CPU:                 $((ikud1 - ikud0)) ms ($(awk -v c=$((ikud1 - ikud0)) -v n="$got" 'BEGIN { printf "%.2f", c / n }') ms per tunnel)"
echo "charon CPU (initiator):   $((charon1 - charon0)) ms ($(awk -v c=$((charon1 - charon0)) -v n="$got" 'BEGIN { printf "%.2f", c / n }') ms per tunnel)"
echo "ikud peak setups/s (1 s): $(stat_of setups_per_second_peak)"
echo "kernel SAs in gw netns:   $(gw_states)"
