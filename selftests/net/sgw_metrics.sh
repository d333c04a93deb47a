#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sgwctl metrics: ikud's and the module's metrics in Prometheus' text
# format, as node_exporter's textfile collector reads them.
#
#   enb netns (strongSwan)                     gw netns (ikud, sgw.ko)
#   10.1.0.1/32 on lo                          10.2.0.1/24 on dummy0
#   veth-e 192.0.2.2/24 ===================== veth-g 192.0.2.1/24
#                                               ipsec0: xfrm if_id 42
#                                               vrf s1 (table 10), empty
#
# Cases: before any tunnel, the configured peer (a `peer` line) is there,
# down, and the eNodeB that will come is not; a hand-made IKE_SA_INIT makes
# one half-open SA, the next one gets a COOKIE (cookie-threshold 1); an
# eNodeB with the wrong key fails: one authentication_failed, and no peer
# series for an identity that never authenticated; charon sets a tunnel
# up: its peer is up, its SAs counted by gateway and state, its route;
# ikud rekeys the CHILD_SA, charon the IKE SA: one rekey each, still one
# setup; the idle tunnel is probed (DPD); SCTP sent through the tunnel to
# a policed prefix is counted by the policer (labels policer and vrf; one
# policer per VRF, the per-source one with its total bucket); an anycast
# group's state, one series per state, and its drain counted as a
# withdrawal; charon deletes the tunnel: the
# peer's series stays, with value 0 and a later change time; the file is
# replaced atomically (mode 0644, no temporary file left) and passes
# `promtool check metrics` (format and lint) every time; with ikud stopped
# its source is down and the module's metrics are still written.

source "$(dirname "$0")/lib.sh"

GEN=${SGW_SCTPGEN:-$SGW_TOP/build/progs/sgw_sctpgen}

require_cmd ip jq python3 swanctl nsenter unshare promtool
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
[ -x "$IKUD" ] || skip "$IKUD not built"
[ -x "$GEN" ] || skip "$GEN not built"
require_module sgw esp4 xfrm_interface dummy vrf

dir=$(mktemp -d /tmp/sgw_metrics.XXXXXX)
at_exit "rm -rf $dir"
PSK="metrics-secret-0123456789"
ID1='fqdn:enb1.enb.example.net'
ID9='fqdn:enb9.enb.example.net'
ID2='fqdn:enb2.enb.example.net'

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
ip -n "$GW" link add s1 type vrf table 10
ip -n "$GW" link set s1 up

source "$(dirname "$0")/lib_ike.sh"

cat >"$dir/ikud.conf" <<CONF
$(write_ikud_head)
cookie-threshold 1;
gateway s1 {
	local 192.0.2.1;
	ike-proposals aes128gcm16-prfsha256-ecp256 aes128-sha256-modp2048;
	esp-proposals aes128gcm16;	# charon's, no PFS: CHILD_SA rekeys agree
	dpd interval 2 threshold 5;
	xfrm-interface ipsec0 if_id 42;
	psk "$PSK" for id *.enb.example.net;
	psk "not-$PSK" for id enb2.enb.example.net;
	remote-ts 10.1.0.0/16;
	local-ts 10.2.0.0/24;
	peer enb9.enb.example.net remote-ts 10.1.0.9/32;
}
CONF
chmod 600 "$dir/ikud.conf"
write_strongswan_conf
swan_conf "$dir/swanctl.conf" "$PSK" "$(swan_conn enb1)" \
	"$(swan_conn enb2 lid=enb2.enb.example.net child=c2 lts=10.1.0.2/32)"

prom="$dir/textfile/sgw.prom"
mkdir -p "$dir/textfile"

# scrape [SOURCE...]: sgwctl metrics into $prom (both sources by default);
# each file must pass promtool (format and lint) with nothing to say
scrape() {
	local src=() s out
	for s in "$@"; do src+=(source "$s"); done
	"$SGWCTL" -n "$GW" metrics socket "$dir/ikud.sock" "${src[@]}" output "$prom" \
		2>"$dir/scrape.err"
	log_test $? "sgwctl metrics writes $(basename "$prom")${*:+ (${*})}"
	out=$(promtool check metrics <"$prom" 2>&1)
	log_test $? "promtool check metrics: ${out:-no problem}"
	[ -z "$out" ] || log_test 1 "promtool has nothing to say"
}

# metric SERIES: the value of one series of $prom ("" if absent)
metric() {
	awk -v s="$1" '$1 == s { print $2 }' "$prom"
}
peer_up() { metric "sgw_ike_peer_up{gateway=\"s1\",peer=\"$1\"}"; }
peer_changed() { metric "sgw_ike_peer_last_change_timestamp_seconds{gateway=\"s1\",peer=\"$1\"}"; }
ike_sas() { metric "sgw_ike_sas{gateway=\"s1\",state=\"$1\"}"; }
source_up() { metric "sgw_metrics_source_up{source=\"$1\"}"; }
matched() { metric "sgw_policer_matched_packets_total{policer=\"$1\",vrf=\"$2\"}"; }
pstat() { "$SGWCTL" -n "$GW" -j policer show "$1" | jq -r ".[0].$2"; }
counter() { metric "sgw_ike_$1_total"; }
failed() { metric "sgw_ike_failures_total{reason=\"$1\"}"; }
probe() { ip netns exec "$ENB" python3 "$SGW_TOP/selftests/net/ike_probe.py" 192.0.2.1 init; }

dump_logs() {
	echo "# --- $prom"; sed 's/^/# /' "$prom"
	echo "# --- sgwctl's errors"; sed 's/^/# /' "$dir/scrape.err"
	echo "# --- ikud.log (tail)"; tail -n 30 "$dir/ikud.log" | sed 's/^/# /'
	echo "# --- charon.log (tail)"; tail -n 30 "$dir/charon.log" | sed 's/^/# /'
}

start_ikud || { dump_logs; log_test 1 "ikud starts"; test_exit; }
start_charon && load_swan
log_test $? "charon starts"

echo "# before any tunnel"
scrape
check_eq "$(source_up ikud) $(source_up module)" "1 1" "both sources read"
check_eq "$(peer_up "$ID9")" 0 "the configured peer is there, down"
check_eq "$(metric "sgw_ike_peer_configured{gateway=\"s1\",peer=\"$ID9\"}")" 1 \
	"and marked configured"
check_eq "$(peer_up "$ID1")" "" "the eNodeB not seen yet is not"
check_eq "$(ike_sas established) $(ike_sas half-open)" "0 0" "no SA, every state listed"
check_eq "$(metric 'sgw_ike_gateway_info{gateway="s1",vrf="default"}')" 1 "the gateway"
check_eq "$(failed authentication_failed) $(counter cookies_sent)" "0 0" \
	"every failure reason listed, at 0; no cookie yet"
grep -q '^# TYPE sgw_ike_sa_established_total counter$' "$prom" &&
	grep -q '^# TYPE sgw_ike_peer_up gauge$' "$prom" &&
	grep -q '^# HELP sgw_policer_dropped_bytes_total ' "$prom"
log_test $? "HELP and TYPE lines"
! grep -E '^sgw_' "$prom" | awk '{ print $1 }' | sort | uniq -d | grep -q .
log_test $? "no series twice"

echo "# half-open, cookies"
check_eq "$(probe)" "answer sa_init" "a hand-made IKE_SA_INIT is answered"
check_eq "$(probe)" "answer notify 16390" "the next one gets a COOKIE"
scrape
check_eq "$(ike_sas half-open) $(metric sgw_ike_half_open_sas)" "1 1" "one half-open SA"
check_eq "$(counter cookies_sent)" 1 "one cookie sent"

echo "# a wrong key"
! timeout 60 nsenter -t "$CHARON_PID" -m -n swanctl --initiate --child c2 >"$dir/bad.out" 2>&1
log_test $? "the eNodeB with a wrong key fails (the gateway has one for enb2)"
scrape
check_eq "$(failed authentication_failed)" 1 "one authentication_failed"
check_eq "$(peer_up "$ID2")" "" "no series for an identity that never authenticated"
check_eq "$(counter sa_established)" 0 "no setup counted"

echo "# a tunnel"
t_up=$(date +%s)
initiate
wait_eq 30 1 ike_count
log_test $? "charon's tunnel is up (after a COOKIE)"
wait_until 10 ping_ok
log_test $? "pings cross it"
scrape
check_eq "$(peer_up "$ID1")" 1 "the eNodeB's peer is up"
check_range "$(peer_changed "$ID1")" "$t_up" "$(($(date +%s) + 1))" "since it came up"
check_eq "$(metric 'sgw_ike_peer_configured{gateway="s1",peer="'"$ID1"'"}')" 0 \
	"seen, not configured"
check_eq "$(ike_sas established)" 1 "one IKE SA established on s1"
check_eq "$(metric 'sgw_ike_child_sas{gateway="s1",state="installed"}')" 1 "one CHILD_SA"
check_eq "$(metric 'sgw_ike_sa_established_total')" 1 "one setup counted"
check_eq "$(metric 'sgw_ike_routes{gateway="s1"}')" 1 "its route"
check_eq "$(peer_up "$ID9")" 0 "the configured peer is still down"

echo "# rekeys"
stat_of() { ctl stats | jq -r ".$1"; }
spi=$(ctl sa show | jq -r '.sas[0].children[0].spi_in')
ctl sa rekey child "$spi" >/dev/null
wait_eq 20 1 stat_of child_rekeys
log_test $? "ikud rekeys the CHILD_SA (sgwctl ike sa rekey child $spi)"
swan --rekey --ike enb1 >/dev/null 2>&1
wait_eq 20 1 stat_of ike_rekeys
log_test $? "charon rekeys the IKE SA"
child_settled() { [ "$(ctl stats | jq -r .child_sas)" = 1 ]; }
wait_until 10 child_settled
scrape
check_eq "$(counter sa_rekeys) $(counter child_sa_rekeys)" "1 1" "one rekey of each"
check_eq "$(counter sa_established) $(counter child_sa_installed)" "1 1" \
	"rekeys are not setups"
check_range "$(counter child_sa_deleted)" 1 1 "the rekeyed CHILD_SA deleted"
check_eq "$(ike_sas established) $(metric 'sgw_ike_child_sas{gateway="s1",state="installed"}')" \
	"1 1" "still one IKE SA and one CHILD_SA"
check_eq "$(peer_up "$ID1")" 1 "the peer stays up"

echo "# dead peer detection"
probed() { [ "$(stat_of dpd_probes)" -ge 1 ]; }
wait_until 15 probed
log_test $? "ikud probes the idle peer"
scrape
check_range "$(counter dpd_probes)" 1 "$(stat_of dpd_probes)" "counted"
check_eq "$(failed dead_peer) $(peer_up "$ID1")" "0 1" "the peer answers: alive"

echo "# the policers"
"$SGWCTL" -n "$GW" prefix-list add mme 10.2.0.0/24 &&
	"$SGWCTL" -n "$GW" policer add mme-default vrf default dst-list mme rate 1mbit burst 20k &&
	"$SGWCTL" -n "$GW" policer add mme-s1 vrf s1 dst-list mme rate 2mbit burst 15k \
		per-source max-sources 4
log_test $? "two policers, in the default VRF and in s1 (per source)"
ip netns exec "$ENB" "$GEN" -s 10.1.0.1 -d 10.2.0.1 -l 200 -r 160000 -t 1 >"$dir/gen.out"
sent=$(awk '{ print $2 }' "$dir/gen.out")
scrape
check_range "$(matched mme-default default)" 1 "$sent" "SCTP through the tunnel matched (of $sent sent)"
check_eq "$(matched mme-default default)" "$(pstat mme-default matched_packets)" \
	"the metric is the policer's counter"
check_eq "$(($(metric 'sgw_policer_passed_packets_total{policer="mme-default",vrf="default"}') + \
	$(metric 'sgw_policer_dropped_packets_total{policer="mme-default",vrf="default"}')))" \
	"$(matched mme-default default)" "passed + dropped = matched"
check_eq "$(metric 'sgw_policer_matched_bytes_total{policer="mme-default",vrf="default"}')" \
	"$((200 * $(matched mme-default default)))" "bytes counted at the IP layer"
check_eq "$(matched mme-s1 s1)" 0 "the policer of vrf s1: its series, at 0"
check_eq "$(metric 'sgw_policer_rate_bytes_per_second{policer="mme-s1",vrf="s1"}')" 250000 \
	"rate in bytes per second"
check_eq "$(metric 'sgw_policer_burst_bytes{policer="mme-default",vrf="default"}')" 20480 "burst"
check_eq "$(metric 'sgw_policer_total_rate_bytes_per_second{policer="mme-s1",vrf="s1"}')" \
	"$(($(pstat mme-s1 total_rate) / 8))" "the per-source policer's total rate"
check_eq "$(metric 'sgw_policer_total_burst_bytes{policer="mme-s1",vrf="s1"}')" \
	"$(pstat mme-s1 total_burst)" "and total burst"
check_eq "$(metric 'sgw_policer_total_rate_bytes_per_second{policer="mme-default",vrf="default"}')" \
	"" "no total bucket for a policer that is not per source"
grep -q '^sgw_module_info{version="[^"]*"} 1$' "$prom"
log_test $? "the module's version"

echo "# an anycast group"
any() { metric "sgw_anycast_$1{group=\"any-s1\",vrf=\"s1\"$2}"; }
any_state() { "$SGWCTL" -n "$GW" -j anycast show any-s1 | jq -r '.[0].state'; }
"$SGWCTL" -n "$GW" anycast add any-s1 vrf s1 address 198.51.100.1/32 hold-down 300ms
log_test $? "anycast group any-s1 in vrf s1, no health input but its hold-down"
wait_eq 10 active any_state
scrape
check_eq "$(any state ',state="active"') $(any state ',state="down"') $(any state ',state="drained"')" \
	"1 0 0" "its state: active 1, the other states 0"
check_eq "$(grep -c '^sgw_anycast_state{group="any-s1"' "$prom")" 5 "a series for each state"
check_eq "$(any withdrawals_total) $(any ikud_registered)" "0 0" "no withdrawal, no ikud registered"
"$SGWCTL" -n "$GW" anycast drain any-s1
scrape
check_eq "$(any state ',state="drained"') $(any state ',state="active"')" "1 0" "drained"
check_eq "$(any withdrawals_total)" 1 "the drain counted as a withdrawal"
check_eq "$(any transitions_total)" "$("$SGWCTL" -n "$GW" -j anycast show any-s1 | jq .[0].transitions)" \
	"transitions as sgwctl shows them"
"$SGWCTL" -n "$GW" anycast del any-s1

echo "# the tunnel goes down"
sleep 1	# a change time later than the one going up
t_down=$(date +%s)
swan --terminate --ike enb1 >/dev/null 2>&1
wait_eq 20 0 ike_count
log_test $? "charon deleted the tunnel"
scrape
check_eq "$(peer_up "$ID1")" 0 "the eNodeB's peer stays, down"
check_range "$(peer_changed "$ID1")" "$t_down" "$(($(date +%s) + 1))" "since it went down"
check_eq "$(ike_sas established)" 0 "no IKE SA left"
check_eq "$(metric 'sgw_ike_routes{gateway="s1"}')" 0 "no route left"
check_eq "$(metric 'sgw_ike_peer_table_peers')" 2 "two peers followed"
check_eq "$(ls -A "$dir/textfile")" "sgw.prom" "no temporary file left beside it"
check_eq "$(stat -c %a "$prom")" 644 "readable by the collector (0644)"
cp "$prom" "$dir/before"
"$SGWCTL" -n "$GW" metrics source bogus output "$prom" 2>/dev/null
check_eq "$?" 1 "a wrong command line is refused"
cmp -s "$prom" "$dir/before"
log_test $? "and the file stays as it was"

echo "# a reload keeps the peer, down"
kill -HUP "$IKUD_PID"
sleep 1
scrape ikud
check_eq "$(peer_up "$ID1") $(peer_up "$ID9")" "0 0" "both peers, down"
check_eq "$(source_up ikud) $(source_up module)" "1 " "only the source asked for"

echo "# ikud stopped"
stop_ikud
scrape
check_eq "$(source_up ikud) $(source_up module)" "0 1" "ikud's source is down, the module's up"
check_eq "$(peer_up "$ID1")" "" "nothing of ikud without ikud"
check_eq "$(matched mme-s1 s1)" 0 "the module's metrics are still written"
grep -q "cannot reach ikud" "$dir/scrape.err"
log_test $? "and sgwctl says why on stderr"

"$SGWCTL" -n "$GW" policer del mme-default
"$SGWCTL" -n "$GW" policer del mme-s1
"$SGWCTL" -n "$GW" prefix-list del mme
! grep -qiE "sanitizer|runtime error" "$dir/ikud.log"
log_test $? "no sanitizer report"

[ "$sgw_ret" -eq 0 ] || dump_logs
test_exit
