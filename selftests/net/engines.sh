#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sgw-timeout: 1500
# sgw-cpus: 4
#
# Crypto engines of sgw.ko (Documentation/engines.md) carrying the ESP of
# 40 strongSwan eNodeBs' tunnels through ikud, on a VM of 4 CPUs: two active
# engines and a standby, one CPU each, CPU 0 left to the rest.
#
#   enb netns (one charon, one connection per eNodeB)    gw netns (ikud, engines)
#   10.1.0.k/32 (k = 1..S1_N), 10.3.0.k/32 (k = 1..X2_N) on lo
#   veth-e 192.0.2.2/24 ============================ veth-g 192.0.2.1/24
#                                                      ipsec0 xfrm if_id 42 (auto)
#                                                      lan 10.2.0.1/24
#   veth-ex 198.51.100.2/24 ======================== veth-gx 198.51.100.1/24
#                                                      ipsec1 xfrm if_id 43 (pinned to e2)
#                                                      lan2 10.4.0.1/24
#   10.5.0.k/32 (k = 1..V6_N) on lo
#   veth-e6 2001:db8::2/64 ========================= veth-g6 2001:db8::1/64
#                                                      ipsec2 xfrm if_id 44 (auto)
#                                                      lan3 10.6.0.1/24
#
# Gateway s1 (if_id 42) negotiates AES-GCM; gateway x2 (if_id 43) AES-CBC
# with HMAC-SHA-256 and ESN, its eNodeBs forcing UDP encapsulation (NAT-T,
# charon's encap = yes); gateway s6 (if_id 44) AES-GCM over IPv6 outer
# addresses. Engines: e1 (CPU 1), e2 (CPU 2), spare (CPU 3,
# standby); if_id 43 is bound to e2. Cases: bad input (a CPU that does not
# exist, a CPU of another engine, an unprivileged caller) changes nothing;
# the tunnels' SAs are all wrapped and placed, the pinned ones on e2, the
# engines balanced within the rebalance threshold, the standby empty; ESP
# on the wire, and traffic of the pinned gateway moves e2's counters only;
# every SA's packets run on its engine; CPU 1 taken offline under a ping
# stream on every tunnel: e1 failed, its SAs on the standby (monitor events
# and counters for each move), no IKE message on the wire or in ikud's
# counters, the same SAs (SPIs), no replay-window drop, loss within 0.1%;
# CPU 1 back: e1 up and its SAs home; with CPU 0 added to e1, CPU 1
# offline again moves e1's SAs to CPU 0 within e1, losing nothing;
# deleting an engine that holds SAs
# moves them; module unload refused while SAs hold the module's transforms,
# which keep working; after the tunnels go, the module unloads.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_ike.sh"

require_cmd ip jq nft swanctl nsenter unshare setpriv ping promtool
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
[ -x "$IKUD" ] || skip "$IKUD not built"
[ "$(nproc)" -ge 4 ] || skip "needs 4 CPUs (selftests/vm/run --cpus 4)"
[ -w /sys/devices/system/cpu/cpu1/online ] || skip "CPU 1 cannot go offline"
require_module esp4 xfrm_interface dummy
grep -q '^sgw ' /proc/modules || modprobe sgw || skip "sgw.ko does not load"

S1_N=${ENGINES_S1_TUNNELS:-28}
X2_N=${ENGINES_X2_TUNNELS:-8}
V6_N=${ENGINES_V6_TUNNELS:-4}
TUNNELS=$((S1_N + X2_N + V6_N))
AUTO_N=$((S1_N + V6_N))
dir=$(mktemp -d /tmp/engines.XXXXXX)
at_exit "rm -rf $dir"
at_exit "echo 1 >/sys/devices/system/cpu/cpu1/online"
PSK="engines-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

setup_ns ENB GW
ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW"
ip link add veth-ex netns "$ENB" type veth peer name veth-gx netns "$GW"
ip link add veth-e6 netns "$ENB" type veth peer name veth-g6 netns "$GW"
ip -n "$GW" addr add 2001:db8::1/64 dev veth-g6 nodad
ip -n "$ENB" addr add 2001:db8::2/64 dev veth-e6 nodad
ip -n "$GW" addr add 192.0.2.1/24 dev veth-g
ip -n "$GW" addr add 198.51.100.1/24 dev veth-gx
ip -n "$ENB" addr add 192.0.2.2/24 dev veth-e
ip -n "$ENB" addr add 198.51.100.2/24 dev veth-ex
for l in "$GW veth-g" "$GW veth-gx" "$GW veth-g6" "$ENB veth-e" "$ENB veth-ex" "$ENB veth-e6"; do
	ip -n "${l% *}" link set "${l#* }" up
done
gw_lan
ip -n "$GW" link add lan2 type dummy
ip -n "$GW" addr add 10.4.0.1/24 dev lan2
ip -n "$GW" link set lan2 up
ip -n "$GW" link add lan3 type dummy
ip -n "$GW" addr add 10.6.0.1/24 dev lan3
ip -n "$GW" link set lan3 up
ip -n "$GW" link add ipsec0 type xfrm dev veth-g if_id 42
ip -n "$GW" link add ipsec1 type xfrm dev veth-gx if_id 43
ip -n "$GW" link add ipsec2 type xfrm dev veth-g6 if_id 44
for x in ipsec0 ipsec1 ipsec2; do ip -n "$GW" link set $x up; done
for ((k = 1; k <= S1_N; k++)); do ip -n "$ENB" addr add "10.1.0.$k/32" dev lo; done
for ((k = 1; k <= X2_N; k++)); do ip -n "$ENB" addr add "10.3.0.$k/32" dev lo; done
for ((k = 1; k <= V6_N; k++)); do ip -n "$ENB" addr add "10.5.0.$k/32" dev lo; done
ip -n "$ENB" route add 10.2.0.0/24 dev veth-e
ip -n "$ENB" route add 10.4.0.0/24 dev veth-ex
ip -n "$ENB" route add 10.6.0.0/24 dev veth-e6

# IKE and ESP on the gateway's links, as they arrive and leave: on port
# 4500, IKE has the non-ESP marker (four zero bytes), ESP in UDP an SPI.
ip netns exec "$GW" nft -f - <<'NFT'
table inet wire {
	counter c_ike { }
	counter c_esp { }
	chain in {
		type filter hook prerouting priority -500;
		udp dport 500 counter name c_ike
		udp dport 4500 @th,64,32 0 counter name c_ike
		udp dport 4500 @th,64,32 != 0 counter name c_esp
		meta l4proto esp counter name c_esp
	}
	chain out {
		type filter hook postrouting priority 500;
		udp sport 500 counter name c_ike
		udp sport 4500 @th,64,32 0 counter name c_ike
		udp sport 4500 @th,64,32 != 0 counter name c_esp
		meta l4proto esp counter name c_esp
	}
}
NFT
wire() { ip netns exec "$GW" nft -j list counter inet wire "c_$1" |
	jq '.nftables[] | select(.counter) | .counter.packets'; }

gwctl() { ip netns exec "$GW" "$SGWCTL" "$@"; }
eng() { gwctl -j engine show -s | jq -r --arg n "$1" ".[] | select(.name == \$n) | .$2"; }
sas_json() { gwctl -j engine sa show "$@"; }
ikud_msgs() { ctl stats | jq '.rx_packets + .tx_packets'; }
seq_errors() {	# replay-window drops, both ends
	for ns in "$GW" "$ENB"; do
		ip netns exec "$ns" awk '/XfrmInStateSeqError/ { print $2 }' /proc/net/xfrm_stat
	done | awk '{ n += $1 } END { print n + 0 }'
}
gw_spis() { ip -n "$GW" xfrm state | awk '/proto esp spi/ { print $4 }' | sort | tr '\n' ' '; }

# --- engines and bad input ----------------------------------------------------

gwctl engine add e1 cpus 1 &&
gwctl engine add e2 cpus 2 &&
gwctl engine add spare cpus 3 standby &&
gwctl engine bind if_id 43 engine e2
log_test $? "engines e1 (CPU 1), e2 (CPU 2), spare (CPU 3, standby); if_id 43 bound to e2"
before=$(gwctl -j engine show)

expect_fail() {	# DESC WANT_MSG CMD...
	local out rc
	out=$("${@:3}" 2>&1)
	rc=$?
	[ $rc = 2 ] && grep -q "$2" <<<"$out"
	log_test $? "$1 refused: $(head -n1 <<<"$out")"
}
expect_fail "a CPU that does not exist" "does not exist" gwctl engine add e9 cpus 4096
expect_fail "a CPU of another engine" "belongs to another engine" gwctl engine add e9 cpus 0-1
expect_fail "moving a CPU of another engine" "belongs to another engine" \
	gwctl engine set spare cpus 2-3
expect_fail "an unknown engine to bind to" "no such engine" gwctl engine bind if_id 44 engine e9
expect_fail "an unprivileged caller" "Operation not permitted" \
	ip netns exec "$GW" setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$SGWCTL" engine add e9 cpus 0
expect_fail "an unprivileged caller (set down)" "Operation not permitted" \
	ip netns exec "$GW" setpriv --reuid 65534 --regid 65534 --clear-groups \
	"$SGWCTL" engine set e1 down
gwctl engine add e9 cpus 1-x >/dev/null 2>&1
check_eq $? 1 "a malformed CPU list is a command-line error"
check_eq "$(gwctl -j engine show)" "$before" "the refused requests changed nothing"
check_eq "$(gwctl -j engine show -s | jq -c '[.[] | [.name, .cpus, .state, .sas,
	(has("packets") and has("bytes") and has("errors") and has("moved_in") and has("moved_out"))]]')" \
	'[["e1","1","up",0,true],["e2","2","up",0,true],["spare","3","standby",0,true]]' \
	"engine show -s: name, cpus, state, sas and the counters"

# --- tunnels --------------------------------------------------------------------

cat >"$dir/ikud.conf" <<EOF
log-level info;
control $dir/ikud.sock;
workers 2;
gateway s1 {
	local 192.0.2.1;
	xfrm-interface ipsec0 if_id 42;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16;
	psk "$PSK" for id *.enb.example.net;
	dpd off;
	remote-ts 10.1.0.0/16;
	local-ts 10.2.0.0/24;
}
gateway x2 {
	local 198.51.100.1;
	xfrm-interface ipsec1 if_id 43;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128-sha256-esn;
	psk "$PSK" for id *.enb.example.net;
	dpd off;
	remote-ts 10.3.0.0/16;
	local-ts 10.4.0.0/24;
}
gateway s6 {
	local 2001:db8::1;
	xfrm-interface ipsec2 if_id 44;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16;
	psk "$PSK" for id *.enb.example.net;
	dpd off;
	remote-ts 10.5.0.0/16;
	local-ts 10.6.0.0/24;
}
EOF
start_ikud -q || { cat "$dir/ikud.log"; log_test 1 "ikud starts"; test_exit; }

write_strongswan_conf "retransmit_tries = 3" "retransmit_timeout = 3" "keep_alive = 0s"
conns=()
names=()
for ((k = 1; k <= S1_N; k++)); do
	conns+=("$(swan_conn "s$k" lid="s$k.enb.example.net" lts="10.1.0.$k/32" \
		rts=10.2.0.0/24 esp=aes128gcm16 child=s1 c.rekey_time=0 ch.rekey_time=0)")
	names+=("s$k")
done
for ((k = 1; k <= X2_N; k++)); do
	conns+=("$(swan_conn "x$k" lid="x$k.enb.example.net" laddr=198.51.100.2 \
		raddr=198.51.100.1 lts="10.3.0.$k/32" rts=10.4.0.0/24 esp=aes128-sha256-esn \
		child=s1 c.rekey_time=0 ch.rekey_time=0 c.encap=yes)")
	names+=("x$k")
done
for ((k = 1; k <= V6_N; k++)); do
	conns+=("$(swan_conn "v$k" lid="v$k.enb.example.net" laddr=2001:db8::2 \
		raddr=2001:db8::1 lts="10.5.0.$k/32" rts=10.6.0.0/24 esp=aes128gcm16 \
		child=s1 c.rekey_time=0 ch.rekey_time=0)")
	names+=("v$k")
done
charon_run CHARON_PID "$PSK" "${conns[@]}" || { log_test 1 "charon starts"; test_exit; }
swan_initiate_each "$CHARON_PID" 4 "${names[@]}"
wait_eq 60 "$TUNNELS" child_count
check_eq "$(child_count)" "$TUNNELS" "$TUNNELS tunnels up through ikud"

wait_eq 30 $((2 * TUNNELS)) eval 'sas_json | jq length'
check_eq "$(sas_json | jq length)" $((2 * TUNNELS)) "every ESP SA of the gateway is wrapped and listed"
check_eq "$(sas_json | jq '[.[] | select(.engine == "none")] | length')" 0 "every SA is on an engine"
check_eq "$(sas_json | jq '[.[] | select(.if_id == 43 and .engine == "e2" and .pinned)] | length')" \
	$((2 * X2_N)) "the pinned gateway's SAs are on e2"
balanced() { [ $(($(eng e1 sas) - $(eng e2 sas))) -ge -2 ] && [ $(($(eng e1 sas) - $(eng e2 sas))) -le 2 ]; }
wait_until 20 balanced
log_test $? "auto spreads the SAs evenly: e1 $(eng e1 sas), e2 $(eng e2 sas) (within 2)"
check_eq "$(eng spare sas)" 0 "the standby carries nothing"
check_eq "$(ip -n "$GW" xfrm state | grep -c 'flag.*esn')" $((2 * X2_N)) "the x2 SAs use ESN"
check_eq "$(ip -n "$GW" xfrm state | grep -c 'encap type espinudp')" $((2 * X2_N)) \
	"... and UDP encapsulation (NAT-T)"
check_eq "$(ip -n "$GW" xfrm state | grep -c '^src 2001:db8::')" $((2 * V6_N)) \
	"the s6 SAs have IPv6 endpoints"

# --- traffic ----------------------------------------------------------------------

ping_from() {	# SRC DST COUNT INTERVAL: received replies
	ip netns exec "$ENB" ping -q -c "$3" -i "$4" -W 5 -I "$1" "$2" 2>/dev/null |
		awk '/received/ { print $4 }'
}
e1_pk=$(eng e1 packets); spare_pk=$(eng spare packets); e2_pk=$(eng e2 packets)
esp0=$(wire esp)
got=0
for ((k = 1; k <= X2_N; k++)); do
	got=$((got + $(ping_from "10.3.0.$k" 10.4.0.1 5 0.05)))
done
check_eq "$got" $((5 * X2_N)) "pings through every pinned tunnel"
check_eq "$(($(eng e1 packets) - e1_pk))" 0 "e1 did none of it"
check_eq "$(($(eng spare packets) - spare_pk))" 0 "nor did the standby"
check_range "$(($(eng e2 packets) - e2_pk))" $((2 * 5 * X2_N)) $((2 * 5 * X2_N + 20)) \
	"e2 did it: a request and a reply each"
check_range "$(($(wire esp) - esp0))" $((2 * 5 * X2_N)) $((2 * 5 * X2_N + 20)) \
	"as ESP (in UDP) on the wire"

got=0
for ((k = 1; k <= S1_N; k++)); do
	got=$((got + $(ping_from "10.1.0.$k" 10.2.0.1 2 0.05)))
done
for ((k = 1; k <= V6_N; k++)); do
	got=$((got + $(ping_from "10.5.0.$k" 10.6.0.1 2 0.05)))
done
check_eq "$got" $((2 * AUTO_N)) "pings through every auto tunnel (IPv4 and IPv6 outer)"
check_eq "$(sas_json | jq '[.[] | select(.packets == 0)] | length')" 0 \
	"every SA's packets ran on an engine"
check_eq "$(sas_json engine e1 | jq '[.[] | .engine] | unique | join(",")')" '"e1"' \
	"sa show engine e1 lists e1's SAs only"

# --- failover: CPU 1 offline under a ping stream on every tunnel --------------------

ip netns exec "$GW" "$SGWCTL" -j monitor >"$dir/monitor.json" 2>&1 &
MON=$!
at_exit "kill $MON"
sleep 1
ike0=$(ikud_msgs); wire_ike0=$(wire ike); seq0=$(seq_errors); spis0=$(gw_spis)
on_e1=$(eng e1 sas)
STREAM=${ENGINES_STREAM:-100}
streams=()
for ((k = 1; k <= S1_N; k++)); do
	ping_from "10.1.0.$k" 10.2.0.1 "$STREAM" 0.1 >"$dir/stream-s$k" &
	streams+=($!)
done
for ((k = 1; k <= X2_N; k++)); do
	ping_from "10.3.0.$k" 10.4.0.1 "$STREAM" 0.1 >"$dir/stream-x$k" &
	streams+=($!)
done
for ((k = 1; k <= V6_N; k++)); do
	ping_from "10.5.0.$k" 10.6.0.1 "$STREAM" 0.1 >"$dir/stream-v$k" &
	streams+=($!)
done
sleep 4
echo 0 >/sys/devices/system/cpu/cpu1/online
log_test $? "CPU 1 offline under traffic"
check_eq "$(eng e1 state)" failed "e1 failed"
check_eq "$(eng e1 sas)" 0 "e1 holds no SA"
check_eq "$(eng spare sas)" "$on_e1" "its $on_e1 SAs are on the standby"
check_eq "$(eng e1 moved_out)" "$on_e1" "e1 counts them moved out"
check_eq "$(eng spare moved_in)" "$on_e1" "the standby counts them moved in"
wait "${streams[@]}"
sent=$((STREAM * TUNNELS))
got=$(cat "$dir"/stream-* | awk '{ n += $1 } END { print n + 0 }')
lost=$((sent - got))
log_test $((lost * 1000 > sent)) "loss within 0.1%: $lost of $sent"
check_eq "$(($(seq_errors) - seq0))" 0 "no replay-window drop"
check_eq "$(($(ikud_msgs) - ike0))" 0 "ikud sent or received no IKE message"
check_eq "$(($(wire ike) - wire_ike0))" 0 "no IKE packet on the wire"
check_eq "$(gw_spis)" "$spis0" "the same SAs (SPIs)"
check_eq "$(child_count)" "$TUNNELS" "every tunnel still up"
check_eq "$(jq -s '[.[] | select(.action == "moved" and .from == "e1" and .engine == "spare")] | length' \
	"$dir/monitor.json")" "$on_e1" "a monitor event for each SA moved"

# the same, as node_exporter's textfile collector would read it
"$SGWCTL" -n "$GW" metrics source module output "$dir/sgw.prom"
log_test $? "sgwctl metrics writes the module's metrics"
out=$(promtool check metrics <"$dir/sgw.prom" 2>&1)
log_test $? "promtool check metrics: ${out:-no problem}"
metric() { awk -v m="$1" '$1 == m { print $2 }' "$dir/sgw.prom"; }
check_eq "$(metric 'sgw_engine_state{engine="e1",state="failed"}') $(metric 'sgw_engine_state{engine="e1",state="up"}')" \
	"1 0" "metrics: e1 failed"
check_eq "$(metric 'sgw_engine_sas{engine="spare"}') $(metric 'sgw_engine_moved_out_total{engine="e1"}')" \
	"$on_e1 $on_e1" "metrics: the standby's SAs, e1's moves"
check_eq "$(metric 'sgw_engine_info{engine="spare",cpus="3",role="standby"}')" 1 "metrics: the standby's CPUs and role"

echo 1 >/sys/devices/system/cpu/cpu1/online
log_test $? "CPU 1 online again"
wait_eq 10 up eng e1 state
check_eq "$(eng e1 state)" up "e1 is up again"
check_eq "$(eng e1 sas)" "$on_e1" "its SAs came home"
check_eq "$(eng spare sas)" 0 "the standby is empty again"
e1_pk=$(eng e1 packets)
got=0
for ((k = 1; k <= S1_N; k++)); do
	got=$((got + $(ping_from "10.1.0.$k" 10.2.0.1 1 0.05)))
done
for ((k = 1; k <= V6_N; k++)); do
	got=$((got + $(ping_from "10.5.0.$k" 10.6.0.1 1 0.05)))
done
check_eq "$got" "$AUTO_N" "pings through every auto tunnel"
[ "$(eng e1 packets)" -gt "$e1_pk" ]
log_test $? "e1 carries traffic again"

# --- a CPU of an engine that keeps another: its SAs move within the engine --------------

gwctl engine set e1 cpus 0-1
log_test $? "engine set e1 cpus 0-1"
out0=$(eng e1 moved_out); spare_in0=$(eng spare moved_in)
streams=()
for ((k = 1; k <= S1_N; k++)); do
	ping_from "10.1.0.$k" 10.2.0.1 30 0.1 >"$dir/stream-s$k" &
	streams+=($!)
done
sleep 1
echo 0 >/sys/devices/system/cpu/cpu1/online
log_test $? "CPU 1 offline again, under traffic"
check_eq "$(eng e1 state)" up "e1 stays up on CPU 0"
check_eq "$(sas_json engine e1 | jq '[.[] | select(.cpu != 0)] | length')" 0 \
	"all its SAs run on CPU 0"
check_eq "$(($(eng e1 moved_out) - out0))" 0 "none left the engine"
check_eq "$(($(eng spare moved_in) - spare_in0))" 0 "the standby took none"
wait "${streams[@]}"
got=$(cat "$dir"/stream-s* | awk '{ n += $1 } END { print n + 0 }')
check_eq "$got" $((30 * S1_N)) "no ping lost"
echo 1 >/sys/devices/system/cpu/cpu1/online
gwctl engine set e1 cpus 1
log_test $? "CPU 1 back, engine set e1 cpus 1"
check_eq "$(sas_json engine e1 | jq '[.[] | select(.cpu != 1)] | length')" 0 \
	"e1's SAs run on CPU 1 again"

# --- deleting an engine that holds SAs --------------------------------------------------

on_e2=$(eng e2 sas)
gwctl engine del e2
log_test $? "engine del e2 (holding $on_e2 SAs)"
check_eq "$(eng spare sas)" "$on_e2" "its SAs moved to the standby"
check_eq "$(sas_json | jq '[.[] | select(.engine == "none" or .engine == "e2")] | length')" 0 \
	"no SA left without an engine"
check_eq "$(sas_json | jq '[.[] | select(.pinned)] | length')" 0 "if_id 43 is automatic again"
got=0
for ((k = 1; k <= X2_N; k++)); do
	got=$((got + $(ping_from "10.3.0.$k" 10.4.0.1 1 0.05)))
done
check_eq "$got" "$X2_N" "pings through every x2 tunnel"

# --- module unload ---------------------------------------------------------------------------

kill "$MON" 2>/dev/null
modprobe -r sgw 2>"$dir/rmmod.err"
check_eq $? 1 "modprobe -r sgw is refused while SAs hold its transforms"
grep -q 'in use' "$dir/rmmod.err"
log_test $? "... as in use: $(cat "$dir/rmmod.err")"
check_eq "$(ping_from 10.1.0.1 10.2.0.1 3 0.1)" 3 "the SAs keep working"
stop_charon
stop_ikud
cleanup_ns
wait_until 30 modprobe -r sgw
log_test $? "the tunnels gone, the module unloads"
modprobe sgw

test_exit
