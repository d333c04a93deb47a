#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sgw.ko's per-namespace state outlives every packet that can read it:
#
#  1. order: the hooks of a namespace are unregistered, then an RCU grace
#     period passes, and only then is the namespace's state torn down.
#     The function tracer records the calls during 'modprobe -r sgw' and
#     during the deletion of a namespace; a hook unregistered after the
#     grace period (from the pernet .exit) would leave a packet that
#     entered the hook before reading freed state (the kernel under test
#     has no KASAN to catch it);
#  2. unload under traffic: 100 cycles of modprobe, policers, modprobe -r
#     while the gateway floods SCTP from LOCAL_OUT and forwards a flood;
#  3. namespace deletion under traffic: a gateway namespace with policers
#     deleted while a flood reaches it, 10 times.
#
#  ENB e0 10.0.1.2 ---- g1 10.0.1.1  GW  vrf s1  g2 10.0.2.1 ---- m0 10.0.2.2 MME
#                                    GW itself sends to 10.0.2.2 in vrf s1
#  ENB x0 ------------- y0 10.9.0.1  NSX vrf sx (created and deleted 10 times)
#
# The kernel runs with panic_on_warn=1 oops=panic: a crash fails the run.

source "$(dirname "$0")/lib.sh"

# sgw-timeout: 900
GEN=${SGW_SCTPGEN:-$SGW_TOP/build/progs/sgw_sctpgen}
BLAST=${SGW_PKT_BLAST:-$SGW_TOP/build/progs/pkt_blast}
CYCLES=${SGW_LIFETIME_CYCLES:-100}
NS_ROUNDS=${SGW_LIFETIME_NS_ROUNDS:-10}

require_cmd ip jq
[ -x "$SGWCTL" ] || skip "$SGWCTL not built"
[ -x "$GEN" ] && [ -x "$BLAST" ] || skip "$GEN or $BLAST not built"
require_module sgw vrf sctp

tmp=$(mktemp -d)
at_exit "rm -rf $tmp"

setup_ns ENB GW MME || exit $KSFT_FAIL

setup() {
	ip -n "$GW" link add s1 type vrf table 10
	ip -n "$GW" link set s1 up
	ip link add e0 netns "$ENB" type veth peer name g1 netns "$GW"
	ip link add m0 netns "$MME" type veth peer name g2 netns "$GW"
	ip -n "$GW" link set g1 master s1
	ip -n "$GW" link set g2 master s1
	ip -n "$GW" link set g1 up
	ip -n "$GW" link set g2 up
	ip -n "$ENB" link set e0 up
	ip -n "$MME" link set m0 up
	ip netns exec "$GW" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$GW" addr add 10.0.1.1/24 dev g1
	ip -n "$GW" addr add 10.0.2.1/24 dev g2
	ip -n "$ENB" addr add 10.0.1.2/24 dev e0
	ip -n "$ENB" route add default via 10.0.1.1
	ip -n "$MME" addr add 10.0.2.2/24 dev m0
	ip -n "$MME" route add default via 10.0.2.1
}

# configure NS VRF: what every round installs: a plain policer for the
# pools, a per-source one (a small table, so that sources are evicted) for
# the hosts the floods reach.
configure() {
	"$SGWCTL" -n "$1" -b - <<-EOF
		prefix-list add pool 10.0.2.0/24 10.9.0.0/24
		prefix-list add hosts 10.0.2.2/32 10.9.0.2/32
		policer add pool vrf $2 dst-list pool rate 1mbit burst 15k
		policer add hosts vrf $2 dst-list hosts rate 64kbit burst 1500 per-source max-sources 64
	EOF
}

# nsx_policed NS: the per-source policer of NS has seen packets.
nsx_policed() {
	"$SGWCTL" -n "$1" -j policer show hosts | jq -e '.[0].matched_packets > 0' >/dev/null
}

# both_policed NS: both policers have seen packets.
both_policed() {
	"$SGWCTL" -n "$1" -j policer show |
		jq -e 'map({(.name): .matched_packets}) | add | .pool > 0 and .hosts > 0' >/dev/null
}

# flood SECS: the gateway sends to the pool (LOCAL_OUT), the eNodeB to the
# MME through the gateway (forwarding, per-source policer), 170 packets/s
# each (an emulated guest has little more to spare: each unload then
# still overlaps a few hundred packets); prints the pids.
flood() {
	ip netns exec "$GW" "$GEN" -I s1 -d 10.0.2.3 -l 300 -r 400000 -t "$1" >/dev/null 2>&1 &
	echo -n "$! "
	ip netns exec "$ENB" "$GEN" -s 10.0.1.2 -d 10.0.2.2 -l 300 -r 400000 -t "$1" >/dev/null 2>&1 &
	echo "$!"
}

# ---- 1. order ---------------------------------------------------------------

TRACE=/sys/kernel/tracing

# The module's symbols, to name its functions in a trace read after the
# module is gone (ftrace prints their bare addresses then).
save_symbols() {
	awk '$4 == "[sgw]" { print $1, $3 }' /proc/kallsyms | sort >"$tmp/syms"
}

trace_setup() {
	[ -e "$TRACE/trace" ] || mount -t tracefs nodev "$TRACE" 2>/dev/null
	[ -w "$TRACE/set_ftrace_filter" ] || return 1
	echo 0 >"$TRACE/tracing_on"
	echo nop >"$TRACE/current_tracer"
	: >"$TRACE/trace"
	# The teardown of sgw's namespaces and what orders it. Module
	# functions can only be named while the module is loaded.
	echo 'nf_unregister_net_hooks synchronize_rcu sgw_net_* sgw_hook_net_*' \
		>"$TRACE/set_ftrace_filter" || return 1
	echo function >"$TRACE/current_tracer"
	save_symbols
	echo 1 >"$TRACE/tracing_on"
}

# trace_stop FILE: the trace into FILE, addresses of the saved symbols named.
trace_stop() {
	echo 0 >"$TRACE/tracing_on"
	awk 'FNR == NR { addr[n] = $1; name[n++] = $2; next }
	     function sym(a,   i, best) {
		a = sprintf("%016s", a); gsub(/ /, "0", a)
		best = ""
		for (i = 0; i < n; i++)
			if (addr[i] <= a) best = name[i]
		return best == "" ? "0x" a : best
	     }
	     {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^0x[0-9a-f]+$/) $i = sym(substr($i, 3))
			else if ($i ~ /^<-0x[0-9a-f]+$/) $i = "<-" sym(substr($i, 5))
		}
		print
	     }' "$tmp/syms" "$TRACE/trace" >"$1"
	echo nop >"$TRACE/current_tracer"
	: >"$TRACE/set_ftrace_filter"
	: >"$TRACE/trace"
}

# check_order TRACEFILE DESC: in each task of the trace, every removal of
# sgw's hooks (sgw_hook_net_exit, then the nf_unregister_net_hooks it
# calls) comes before the first sgw_net_exit (the pernet .exit, after which
# the core frees the state), with a synchronize_rcu between the last
# removal and that sgw_net_exit. Parents are not enough to tell who
# removes hooks: tail calls hide the callers.
check_order() {
	local verdict
	verdict=$(awk '
		/^#/ { next }
		{
			task = $1
			fn = ""
			for (i = 1; i <= NF; i++)
				if ($i ~ /^<-/) fn = $(i - 1)
			if (fn == "") next
			if (pending[task] && fn != "nf_unregister_net_hooks")
				nounreg[task]++
			pending[task] = 0
			if (fn == "sgw_hook_net_exit") {
				unreg[task]++
				pending[task] = 1
				if (exited[task]) late[task]++
				synced[task] = 0
			} else if (fn == "synchronize_rcu") {
				if (unreg[task] && !exited[task]) synced[task] = 1
			} else if (fn == "sgw_net_exit") {
				if (!exited[task] && unreg[task] && !synced[task]) nosync[task] = 1
				exited[task]++
			}
		}
		END {
			n = 0; bad = ""
			for (t in exited) {
				n += unreg[t]
				if (late[t]) bad = bad sprintf(" %s: %d hook removal(s) after sgw_net_exit;", t, late[t])
				if (nosync[t]) bad = bad sprintf(" %s: no grace period between hook removal and sgw_net_exit;", t)
				if (!unreg[t]) bad = bad sprintf(" %s: sgw_net_exit without hook removal;", t)
				if (nounreg[t]) bad = bad sprintf(" %s: sgw_hook_net_exit without nf_unregister_net_hooks;", t)
			}
			if (n == 0) print "no sgw namespace teardown traced"
			else if (bad != "") print "bad:" bad
			else print "ok " n
		}' "$1")
	case "$verdict" in
	ok*) log_test 0 "$2: ${verdict#ok } hook removals, each before a grace period and the teardown" ;;
	*)
		log_test 1 "$2: $verdict"
		grep -v '^#' "$1" | head -n 20 | sed 's/^/	/'
		;;
	esac
}

test_order() {
	local pids
	echo "order: hooks removed, grace period, then the state goes"
	setup_ns NSA NSB || return
	for ns in "$NSA" "$NSB"; do
		ip -n "$ns" link add sx type vrf table 10
		ip -n "$ns" link set sx up
		configure "$ns" sx
	done
	configure "$GW" s1
	pids=$(flood 60)
	sleep 1
	if ! trace_setup; then
		kill $pids 2>/dev/null
		log_test 1 "function tracer available (tracefs at $TRACE)"
		return
	fi
	ip netns del "$NSB"
	# The namespace goes in a worker, asynchronously.
	wait_until 20 grep -q 'sgw_net_exit' "$TRACE/trace"
	sleep 1
	trace_stop "$tmp/trace-netns"
	check_order "$tmp/trace-netns" "namespace deletion"

	trace_setup
	modprobe -r sgw
	log_test $? "modprobe -r sgw under traffic (3 namespaces with policers)"
	trace_stop "$tmp/trace-rmmod"
	check_order "$tmp/trace-rmmod" "modprobe -r sgw"
	kill $pids 2>/dev/null
	wait 2>/dev/null
	modprobe sgw
}

# ---- 2. unload under traffic ---------------------------------------------

test_unload_cycles() {
	local i ok=0 policed=0 pids
	echo "$CYCLES cycles of modprobe, policers, modprobe -r under traffic (${SECONDS}s)"
	lsmod | grep -q '^sgw ' || modprobe sgw
	# nf_conntrack (no rules, so no hooks) keeps nf_defrag loaded: each
	# cycle loads and unloads sgw alone, twice as fast in a slow guest.
	modprobe nf_conntrack
	pids=$(flood 3600)
	# As few programs per cycle as can be: in an emulated guest under
	# the floods each one takes a few hundred milliseconds to start,
	# while packets reach the policers as soon as they exist.
	for ((i = 0; i < CYCLES; i++)); do
		modprobe sgw || break
		configure "$GW" s1 || break
		# Every tenth cycle, see that both floods reach the policers.
		if ((i % 10 == 0)) && wait_until 10 both_policed "$GW"; then
			policed=$((policed + 1))
		fi
		modprobe -r sgw || break
		ok=$((ok + 1))
	done
	kill $pids 2>/dev/null
	wait 2>/dev/null
	modprobe -r nf_conntrack
	check_eq "$ok" "$CYCLES" "cycles completed (${SECONDS}s)"
	check_eq "$policed" $(((CYCLES + 9) / 10)) "sampled cycles in which both floods met the policers"
	modprobe sgw
	log_test $? "module loads again"
}

# ---- 3. namespace deletion under traffic ------------------------------------

test_netns_delete() {
	local i w ok=0 policed=0 mac=02:00:00:00:09:01 nsx blaster
	echo "$NS_ROUNDS namespace deletions under traffic (${SECONDS}s)"
	lsmod | grep -q '^sgw ' || modprobe sgw
	for ((i = 0; i < NS_ROUNDS; i++)); do
		nsx=sgw-nsx-$$-$i
		ip netns add "$nsx" || break
		ip link add x0 netns "$ENB" up type veth peer name y0 address $mac netns "$nsx"
		ip -n "$nsx" -b - <<-EOF || break
			link set lo up
			link add sx type vrf table 10
			link set sx up
			link set y0 master sx
			link set y0 up
			addr add 10.9.0.1/24 dev y0
		EOF
		configure "$nsx" sx || break
		# 200 sources round robin: the per-source table evicts all along.
		ip netns exec "$ENB" "$BLAST" x0 $mac 10.9.1.1 10.9.0.2 sctp 200 60 2000 200 \
			>/dev/null 2>&1 &
		blaster=$!
		wait_until 10 nsx_policed "$nsx" && policed=$((policed + 1))
		ip netns del "$nsx" || break
		# The flood stops when its device goes with the namespace.
		for ((w = 0; w < 100; w++)); do
			kill -0 $blaster 2>/dev/null || break
			sleep 0.2
		done
		kill $blaster 2>/dev/null
		wait $blaster 2>/dev/null
		ok=$((ok + 1))
	done
	check_eq "$ok" "$NS_ROUNDS" "namespaces deleted under traffic (${SECONDS}s)"
	check_eq "$policed" "$NS_ROUNDS" "rounds in which the flood met the policer"
	modprobe -r sgw
	log_test $? "modprobe -r sgw afterwards (no reference left behind)"
}

setup
for t in ${SGW_LIFETIME_TESTS:-order unload_cycles netns_delete}; do
	"test_$t"
done
test_exit
