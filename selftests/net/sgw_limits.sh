#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What a namespace can make sgw.ko hold, and who may read it:
#
#  1. a user-namespace owner (no real privilege) cannot configure more
#     per-source entries in its namespace than the documented bound;
#  2. per-source entries, created by packets in softirq, are charged to
#     the memory cgroup of the policer's creator, and its memory.max
#     bounds them;
#  3. the per-source table (eNodeB addresses) is for the namespace's
#     admin only;
#  4. a per-source dump left half read pins no more than its messages.
#
#  ENB e0 ------------ g0 10.0.0.1/24  GW (default VRF)
#  pkt_blast: SCTP to 10.0.0.2 from up to 60,000 sources (10.1.0.0 on),
#  policed at GW's PRE_ROUTING.

source "$(dirname "$0")/lib.sh"

BLAST=${SGW_PKT_BLAST:-$SGW_TOP/build/progs/pkt_blast}
CG=/sys/fs/cgroup
NET_SOURCES=262144	# SGW_NET_MAX_SOURCES

require_cmd ip jq python3 unshare setpriv
[ -x "$SGWCTL" ] || skip "$SGWCTL not built"
[ -x "$BLAST" ] || skip "$BLAST not built"
require_module sgw sctp

tmp=$(mktemp -d)
at_exit "rm -rf $tmp"
setup_ns ENB GW || exit $KSFT_FAIL

ip link add e0 netns "$ENB" type veth peer name g0 netns "$GW"
ip -n "$ENB" link set e0 up
ip -n "$GW" link set g0 up
ip -n "$GW" addr add 10.0.0.1/24 dev g0
GWMAC=$(ip -n "$GW" -j link show g0 | jq -r '.[0].address')

sgw() { "$SGWCTL" -n "$GW" "$@"; }
pstat() { sgw -j policer show "$1" | jq -r ".[0].$2"; }
# sources NAME: entries in the policer's per-source table.
sources() { sgw -j policer show "$1" -s | jq -r '.[0].sources_count'; }

# blast NSRC PPS SECS: SCTP to 10.0.0.2 from NSRC sources in turn; prints
# how many distinct sources it sent from.
blast() {
	ip netns exec "$ENB" "$BLAST" e0 "$GWMAC" 10.1.0.0 10.0.0.2 sctp 64 "$3" "$2" "$1" |
		awk -v n="$1" '{ print $2 < n ? $2 : n }'
}

test_netns_bound() {
	local out rc
	echo "a user namespace's owner is bound to $NET_SOURCES per-source entries per namespace"
	out=$(unshare -U -r -n sh -c "
		$SGWCTL prefix-list add l 10.0.0.0/8 || exit 9
		for i in 1 2 3 4; do
			$SGWCTL policer add p\$i vrf default dst-list l rate 1mbit burst 1500 \
				per-source max-sources 65536 || exit 9
		done
		$SGWCTL policer add p5 vrf default dst-list l rate 1mbit burst 1500 per-source max-sources 1
		echo rc=\$?
		$SGWCTL policer add p6 vrf default dst-list l rate 1mbit burst 1500
		$SGWCTL policer set p6 per-source max-sources 1
		echo rc=\$?
		$SGWCTL policer set p1 max-sources 65535 && $SGWCTL policer set p6 per-source max-sources 1
		echo rc=\$?
		$SGWCTL -j policer show" 2>&1)
	rc=$?
	check_eq "$rc" 0 "4 policers of 65,536 entries each in a user-owned namespace"
	check_eq "$(grep -c '^rc=2$' <<<"$out")" 2 "a fifth table, new or set, is refused"
	grep -q "per-source entries" <<<"$out"
	log_test $? "with a message naming the bound: $(grep -m1 'per-source entries' <<<"$out")"
	check_eq "$(grep '^rc=' <<<"$out" | tail -n1)" "rc=0" "room made by a smaller table is usable"
	check_eq "$(tail -n1 <<<"$out" | jq -c '[.[].name]')" '["p1","p2","p3","p4","p6"]' \
		"the refused policer was not created"
}

# cg_current CG: the cgroup's memory.current.
cg_current() { cat "$1/memory.current"; }

test_memcg() {
	local cg=$CG/sgw-limits-$$ base count delta sent
	echo "per-source entries are charged to the policer's creator's memory cgroup"
	if ! grep -qw memory "$CG/cgroup.controllers" 2>/dev/null; then
		log_test 1 "cgroup v2 with the memory controller at $CG"
		return
	fi
	echo +memory >"$CG/cgroup.subtree_control"
	mkdir "$cg" || return
	at_exit "rmdir $cg"
	sgw prefix-list add all 10.0.0.0/24
	# Created by a process in the cgroup; the packets come from elsewhere.
	sh -c "echo \$\$ >$cg/cgroup.procs && exec $SGWCTL -n $GW policer add big vrf default \
		dst-list all rate 10gbit burst 1m per-source max-sources 65536"
	log_test $? "policer created from inside the cgroup"
	base=$(cg_current "$cg")
	sent=$(blast 60000 20000 5)
	count=$(sources big)
	delta=$(($(cg_current "$cg") - base))
	check_range "$sent" 5000 60000 "the flood came from thousands of sources"
	check_range "$count" $((sent * 9 / 10)) "$sent" "an entry for each of the $sent sources of a flood"
	check_range "$delta" $((count * 100)) $((count * 400)) \
		"the cgroup was charged for them: $count entries, $delta bytes"

	# A fresh table under a limit of 1 MiB more than what is charged now:
	# room for about 8,000 entries (128 bytes each) of the flood's 60,000.
	sgw policer set big max-sources 65535
	sleep 1
	echo $(($(cg_current "$cg") + 1048576)) >"$cg/memory.max"
	sent=$(blast 60000 20000 10)
	count=$(sources big)
	check_range "$sent" 20000 60000 "the flood offers far more sources than the limit has room for"
	check_range "$count" 1000 12000 "memory.max of the creator bounds the table to ~8,192 entries"
	check_range "$(pstat big passed_packets)" 1 10000000 "packets without an entry are still judged (by the total bucket)"
	echo max >"$cg/memory.max"
	sgw policer del big
	sgw prefix-list del all
}

test_admin_only() {
	local out
	echo "the per-source table is for the namespace's admin"
	sgw prefix-list add one 10.0.0.2/32
	sgw policer add src vrf default dst-list one rate 1mbit burst 1500 per-source
	blast 20 1000 1 >/dev/null
	out=$(ip netns exec "$GW" setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$SGWCTL" -j policer show src -s 2>&1)
	grep -q "Operation not permitted" <<<"$out"
	log_test $? "unprivileged: policer show -s refused ($out)"
	out=$(ip netns exec "$GW" setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$SGWCTL" -j policer show src)
	check_eq "$(jq -r '.[0].matched_packets' <<<"$out")" "$(pstat src matched_packets)" \
		"unprivileged: policer show (no addresses) still works"
	check_eq "$(sgw -j policer show src -s | jq '.[0].sources | length')" 10 "admin: policer show -s lists the top sources"
	sgw policer del src
	sgw prefix-list del one
}

test_dump_pin() {
	local out
	echo "a per-source dump left half read pins only its messages"
	sgw prefix-list add one 10.0.0.2/32
	sgw policer add src vrf default dst-list one rate 1mbit burst 1500 per-source max-sources 65536
	blast 3000 20000 2 >/dev/null
	out=$(ip netns exec "$GW" python3 - "$SGW_TOP/selftests/net" <<-'EOF'
		import sys
		sys.path.insert(0, sys.argv[1])
		from sgw_nl import SgwNl, nla_str, uapi, NLM_F_REQUEST, NLM_F_DUMP

		def kernel_bytes():
		    m = dict(l.split(":") for l in open("/proc/meminfo"))
		    return sum(int(m[k].split()[0]) * 1024 for k in ("Slab", "VmallocUsed"))

		before = kernel_bytes()
		socks = []
		for i in range(16):
		    nl = SgwNl(rcvbuf=65536)
		    nl.send(nl.build(uapi.SGW_CMD_POLICER_SOURCES_GET,
		                     nla_str(uapi.SGW_POLICER_A_NAME, "src"),
		                     NLM_F_REQUEST | NLM_F_DUMP))
		    first = nl.recv(65536)
		    socks.append(nl)
		print(len(first), (kernel_bytes() - before) // len(socks))
	EOF
	)
	check_range "${out%% *}" 2 100000 "a dump of 3,000 sources needs several messages"
	check_range "${out##* }" 0 524288 "kernel memory per open dump (bytes)"
	sgw policer del src
	sgw prefix-list del one
}

for t in ${SGW_LIMITS_TESTS:-netns_bound memcg admin_only dump_pin}; do
	"test_$t"
done
test_exit
