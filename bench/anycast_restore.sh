#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Restoration of an anycast region after the primary's failure: N
# strongSwan eNodeBs know one SecGW address (203.0.113.1), held by the
# anycast group "region" of a primary and a backup gateway (topology in
# selftests/net/lib_region.sh). The primary's ikud is killed (SIGKILL); the
# time until every eNodeB carries traffic again through the backup is split
# into:
#   withdrawal  SIGKILL -> the CSR's FIB sends the address to the backup
#   detection   SIGKILL -> the eNodeB's new IKE_SA_INIT reaches the backup
#               (its DPD gave the dead SA up, or it acted on INVALID_IKE_SPI)
#   setup       that IKE_SA_INIT -> its CHILD_SA installed on the backup
#   total       SIGKILL -> the last CHILD_SA installed; then every eNodeB is
#               pinged from the MME through its new tunnel
# per eNodeB from the backup's ikud log (min / median / max). Rounds
# alternate the backup's answer to requests for SAs it does not know
# (unknown-spi notify: INVALID_IKE_SPI, RFC 7296 §2.21.4; unknown-spi drop);
# between rounds the primary comes back and the eNodeBs return to it.
#
# Run it in the VM: selftests/vm/run --timeout 3600 -- bench/anycast_restore.sh [N] [ROUNDS]
# (defaults 100 and 2). The eNodeBs' DPD: every 2 s, three retransmissions
# (strongSwan: timeout 2 s, base 1.4), i.e. a dead gateway is given up about
# 16 s after the last answer.

source "$(dirname "$0")/../selftests/net/lib.sh"
source "$(dirname "$0")/../selftests/net/lib_frr.sh"

N=${1:-100}
ROUNDS=${2:-2}
require_cmd ip python3 swanctl nsenter unshare vtysh "$FRR_SBIN/zebra" "$FRR_SBIN/bgpd"
require_module esp4 vrf xfrm_interface sgw
dir=$(mktemp -d /tmp/anycast_restore.XXXXXX)
at_exit "rm -rf $dir"
REGION_LOG_LEVEL=debug
REGION_PARALLEL=${REGION_PARALLEL:-8}
source "$(dirname "$0")/../selftests/net/lib_region.sh"

say() { echo "# $*"; }
die() { echo "anycast_restore: $*" >&2; exit 1; }

region_net "$N" || die "cannot build the network"
region_frr || die "BGP did not come up"
for g in 1 2; do
	region_group $g track ikud heartbeat 3s hold-down 1s || die "cannot make the group on gw$g"
	region_ikud_start $g || die "ikud did not start on gw$g"
done
wait_until 20 region_csr_via_is 1 || die "the CSR does not reach gw1"
region_charon_start || die "charon did not start"
t=$(now_ms)
# shellcheck disable=SC2046
region_initiate $(for ((k = 1; k <= N; k++)); do echo "enb$k"; done)
wait_until 120 test "$(region_child_count 1)" = "$N" || die "only $(region_child_count 1) of $N tunnels on gw1"
say "$N tunnels on gw1 in $(( ($(now_ms) - t) / 1000 )) s"

# ms since midnight (UTC, as ikud logs) of ikud's "HH:MM:SS.mmm" and of now
clock_ms() { date -u +%T.%3N | awk -F'[:.]' '{ print (($1 * 60 + $2) * 60 + $3) * 1000 + $4 }'; }

# From gw2's log after t0: per eNodeB the first IKE_SA_INIT answered and the
# CHILD_SA installed; prints the figures.
analyse() {	# LOG T0_MS WITHDRAW_MS MODE
	python3 - "$@" "$N" <<'EOF'
import re, statistics, sys
log, t0, withdraw, mode, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
def ms(ts):
    h, m, s = ts.split(":")
    return (int(h) * 60 + int(m)) * 60000 + round(float(s) * 1000)
init, done = {}, {}
for line in open(log):
    m = re.match(r"(\d\d:\d\d:\d\d\.\d+) .*peer 192\.0\.2\.(\d+):\d+ .*?: (IKE_SA_INIT answered|CHILD_SA installed)", line)
    if not m or ms(m.group(1)) < t0:
        continue
    t, enb = ms(m.group(1)) - t0, m.group(2)
    if m.group(3).startswith("IKE_SA_INIT"):
        init.setdefault(enb, t)
    else:
        done.setdefault(enb, t)
both = [e for e in done if e in init]
def row(name, v):
    if not v:
        print(f"# {mode:6} {name:10} none")
        return
    print(f"# {mode:6} {name:10} min {min(v)/1000:6.1f} s  median {statistics.median(v)/1000:6.1f} s  max {max(v)/1000:6.1f} s")
print(f"# {mode:6} withdrawal {int(withdraw)/1000:.2f} s")
row("detection", [init[e] for e in both])
row("setup", [done[e] - init[e] for e in both])
row("total", [done[e] for e in both])
print(f"# {mode:6} restored   {len(both)} of {n} eNodeBs")
EOF
}

# Waits up to SECS for gateway G to hold $N CHILD_SAs, printing each change
# of the count (seconds since T0_MS) so that a straggler shows.
watch_children() {	# G SECS T0_MS
	local g=$1 end=$(($(now_ms) + $2 * 1000)) last="" c
	while [ "$(now_ms)" -lt "$end" ]; do
		c=$(region_child_count "$g" 2>/dev/null)
		[ "$c" != "$last" ] && say "  gw$g: $c CHILD_SAs at $(( ($(now_ms) - $3) / 1000 )) s"
		last=$c
		[ "$c" = "$N" ] && return 0
		sleep 1
	done
	return 1
}

mme_reaches_all() {
	local k ok=0
	for ((k = 1; k <= N; k++)); do
		ip netns exec "$MME" ping -c 1 -W 1 "10.100.0.$k" >/dev/null 2>&1 && ok=$((ok + 1))
	done
	echo "$ok"
}

round() {	# MODE: the backup's unknown-spi answer
	local mode=$1 t0 t0c ms
	region_ikud_stop 2
	REGION_IKUD_EXTRA="unknown-spi $mode;" region_ikud_start 2 || die "ikud on gw2"
	wait_eq 20 active region_state 2 || die "gw2 is not active"
	: >"$dir/ikud-gw2.log"
	t0=$(now_ms)
	t0c=$(clock_ms)
	region_ikud_stop 1 KILL
	ms=$(ms_until region_csr_via_is 2)
	watch_children 2 300 "$t0" ||
		say "  gw1 $(region_ike_count 1)/$(region_child_count 1), gw2 $(region_ike_count 2)/$(region_child_count 2) IKE/CHILD SAs; charon: $(region_swan --stats | grep IKE_SAs)"
	say "$mode: $(region_child_count 2) of $N tunnels on gw2 $(( ($(now_ms) - t0) / 1000 )) s after the SIGKILL;" \
		"the MME reaches $(mme_reaches_all) of $N eNodeBs through them"
	analyse "$dir/ikud-gw2.log" "$t0c" "${ms:-0}" "$mode"
	# the primary comes back (it preempts) and the eNodeBs follow it
	region_ikud_start 1 || die "ikud on gw1"
	wait_until 30 region_csr_via_is 1 || die "gw1 did not take the address back"
	t0=$(now_ms)
	watch_children 1 300 "$t0" || die "the eNodeBs did not come back to gw1" \
		"(gw1 $(region_ike_count 1)/$(region_child_count 1), gw2 $(region_ike_count 2)/$(region_child_count 2) IKE/CHILD SAs;" \
		"charon: $(region_swan --stats | grep IKE_SAs))"
	say "$mode: back on gw1 $(( ($(now_ms) - t0) / 1000 )) s after it took the address back"
}

for ((r = 1; r <= ROUNDS; r++)); do
	round notify
	round drop
done
