#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sgwctl against the real module: prefix lists and policers round trip
# (add/show/set/reset/del, text and JSON), 10,000-prefix lists, batch
# files, the event monitor, every bad input of the control plane
# returning a clear error and changing nothing, and a dump that a change
# interrupts saying so.
#
#   +------------------------------------------------------------+
#   | netns GW                                                   |
#   |   vrf s1 (table 10)    vrf s2 (table 20)                   |
#   |   dummy0 198.51.100.1/24 (default VRF, not a VRF device)   |
#   |     SCTP sent by the gateway itself to 198.51.100.2        |
#   |     (raw socket) -> LOCAL_OUT -> policer 'local'           |
#   |   sgwctl -n GW ...        sgwctl -n GW -j monitor (bg)     |
#   +------------------------------------------------------------+
#   unshare -U -r (user ns without rights over GW's netns),
#   setpriv uid 65534: must be refused.
#   unshare -U -r -n (own netns): admin there, must be allowed.

source "$(dirname "$0")/lib.sh"

require_cmd ip python3 unshare setpriv
[ -x "$SGWCTL" ] || skip "$SGWCTL not built"
require_module sgw vrf dummy

tmp=$(mktemp -d)
at_exit "rm -rf $tmp"

setup_ns GW || exit $KSFT_FAIL
ip -n "$GW" link add s1 type vrf table 10
ip -n "$GW" link add s2 type vrf table 20
ip -n "$GW" link add dummy0 type dummy
ip -n "$GW" addr add 198.51.100.1/24 dev dummy0
ip -n "$GW" link set s1 up
ip -n "$GW" link set s2 up
ip -n "$GW" link set dummy0 up

ctl() {
	"$SGWCTL" -n "$GW" "$@"
}

# jget EXPR: evaluate a python expression over the JSON document on stdin
# (bound to d); prints "ERROR" when the document does not parse.
jget() {
	python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
    print(eval(sys.argv[1]))
except Exception as e:
    print("ERROR", e)
' "$1"
}

# Everything the module holds for this netns, as sgwctl shows it.
snapshot() {
	printf 'prefix-list show\npolicer show\n' | ctl -j -b -
}

# expect_fail DESC RC PATTERN CMD...: CMD exits with status RC, says
# PATTERN on stderr, and the configuration is unchanged.
expect_fail() {
	local desc=$1 want_rc=$2 pattern=$3 before after out rc
	shift 3
	before=$(snapshot)
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	after=$(snapshot)
	if [ "$rc" != "$want_rc" ]; then
		log_test 1 "$desc: exit status $rc, want $want_rc ($out)"
	elif ! grep -qF -- "$pattern" <<<"$out"; then
		log_test 1 "$desc: message '$out' lacks '$pattern'"
	elif [ "$before" != "$after" ] || [ -z "$before" ]; then
		log_test 1 "$desc: configuration changed"
	else
		log_test 0 "$desc: $out"
	fi
}

# Raw SCTP packets (a DATA chunk) sent by the gateway itself.
send_sctp() {
	local dst=$1 count=$2 size=$3
	ip netns exec "$GW" python3 - "$dst" "$count" "$size" <<'EOF'
import socket, struct, sys
dst, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = b"\0" * (size - 20 - 12 - 16)
chunk = struct.pack("!BBHIHHI", 0, 3, 16 + len(data), 1, 0, 0, 46) + data
pkt = struct.pack("!HHII", 5000, 36412, 1, 0) + chunk
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 132)
for _ in range(count):
    try:
        s.sendto(pkt, (dst, 0))
    except PermissionError:
        pass    # dropped at LOCAL_OUT by the policer

EOF
}

echo "# monitor"
ctl -j monitor >"$tmp/monitor.json" 2>"$tmp/monitor.err" &
monitor_pid=$!
at_exit "kill $monitor_pid"
ctl monitor >"$tmp/monitor.txt" 2>&1 &
monitor_txt_pid=$!
at_exit "kill $monitor_txt_pid"
sleep 1

echo "# prefix lists (${SECONDS}s)"
ctl prefix-list add mme 10.1.0.0/16 192.0.2.10 2001:db8:1::/48
log_test $? "prefix-list add (IPv4, host, IPv6)"
out=$(ctl -j prefix-list show mme)
check_eq "$(jget 'd[0]["name"], d[0]["count"], d[0]["users"]' <<<"$out")" "('mme', 3, 0)" \
	"prefix-list show -j: name, count, users"
check_eq "$(jget 'sorted(d[0]["prefixes"])' <<<"$out")" \
	"['10.1.0.0/16', '192.0.2.10/32', '2001:db8:1::/48']" "prefix-list show -j: prefixes"
ctl prefix-list add mme 10.1.0.0/16 198.18.0.0/15
check_eq "$(ctl -j prefix-list show mme | jget 'd[0]["count"]')" 4 \
	"prefix-list add to an existing list, duplicates ignored"
ctl prefix-list del mme 198.18.0.0/15
check_eq "$(ctl -j prefix-list show mme | jget 'd[0]["count"]')" 3 "prefix-list del PREFIX"
ctl prefix-list add enb 10.200.0.0/16
ctl prefix-list add far 198.51.100.0/24
text=$(ctl prefix-list show mme)
grep -q "^prefix-list mme count 3 users 0" <<<"$text" && grep -q "^    2001:db8:1::/48$" <<<"$text"
log_test $? "prefix-list show (text)"

echo "# policers (${SECONDS}s)"
ctl policer add mme-s1 vrf s1 dst-list mme rate 10mbit burst 15k
log_test $? "policer add mme-s1 vrf s1 dst-list mme rate 10mbit burst 15k"
out=$(ctl -j policer show mme-s1)
check_eq "$(jget 'sorted(k for k in ["name", "vrf", "dst_list", "rate", "burst", "chunk", "per_source", "matched_packets", "passed_packets", "passed_bytes", "dropped_packets", "dropped_bytes"] if k not in d[0])' <<<"$out")" \
	"[]" "policer show -j has every documented key"
check_eq "$(jget '(d[0]["name"], d[0]["vrf"], d[0]["dst_list"], d[0]["rate"], d[0]["burst"], d[0]["chunk"], d[0]["per_source"])' <<<"$out")" \
	"('mme-s1', 's1', 'mme', 10000000, 15360, 'all', False)" "policer show -j values"
check_eq "$(jget '[d[0][k] for k in ("matched_packets", "passed_packets", "passed_bytes", "dropped_packets", "dropped_bytes")]' <<<"$out")" \
	"[0, 0, 0, 0, 0]" "policer show -j counters start at 0"
check_eq "$(ctl -j prefix-list show mme | jget 'd[0]["users"]')" 1 "list used by the policer"
text=$(ctl policer show mme-s1)
grep -q "^policer mme-s1 vrf s1 dst-list mme chunk all rate 10mbit burst 15k$" <<<"$text"
log_test $? "policer show (text): $(head -n1 <<<"$text")"
out=$(ctl -j -p policer show)
check_eq "$(jget 'len(d)' <<<"$out")" 1 "policer show -j -p (all) parses"
python3 -m json.tool <<<"$out" >/dev/null
log_test $? "python3 -m json.tool accepts the output"

ctl policer set mme-s1 rate 20mbit chunk init per-source max-sources 100 src-list enb
out=$(ctl -j policer show mme-s1)
check_eq "$(jget '(d[0]["vrf"], d[0]["dst_list"], d[0]["src_list"], d[0]["rate"], d[0]["burst"], d[0]["chunk"], d[0]["per_source"], d[0]["max_sources"])' <<<"$out")" \
	"('s1', 'mme', 'enb', 20000000, 15360, 'init', True, 100)" "policer set changes only what is given"
ctl policer set mme-s1 no-src-list no-per-source burst 1500 vrf s2
out=$(ctl -j policer show mme-s1)
check_eq "$(jget '(d[0]["vrf"], d[0]["src_list"], d[0]["per_source"], d[0]["burst"], d[0]["rate"])' <<<"$out")" \
	"('s2', None, False, 1500, 20000000)" "policer set no-src-list no-per-source burst vrf"
ctl policer set mme-s1 vrf s1 rate 10mbit burst 15k chunk all
out=$(ctl -j -s policer show mme-s1)
check_eq "$(jget '(d[0]["sources_count"], d[0]["sources"])' <<<"$out")" "(0, [])" \
	"policer show -s: sources (none)"

# The total bucket of a per-source policer: automatic, set, automatic again.
totals() {
	ctl -j policer show ps | jget '(d[0]["total_rate"], d[0]["total_burst"], d[0]["total_rate_auto"], d[0]["total_burst_auto"])'
}
ctl policer add ps vrf s2 dst-list mme rate 1mbit burst 1500 per-source max-sources 10
check_eq "$(totals)" "(10000000, 15000, True, True)" "per-source: total automatic, max-sources x rate and burst"
grep -q " total-rate 10mbit total-burst 15000" <<<"$(ctl policer show ps)"
log_test $? "policer show (text) shows the total: $(ctl policer show ps | head -n1)"
ctl policer set ps total-rate 5mbit && ctl policer set ps max-sources 20
check_eq "$(totals)" "(5000000, 30000, False, True)" "total-rate set, total-burst still follows max-sources"
ctl policer set ps total-rate auto total-burst 2k
check_eq "$(totals)" "(20000000, 2048, True, False)" "total-rate auto again, total-burst set"
ctl policer set ps no-per-source
check_eq "$(totals)" "(None, None, None, None)" "no-per-source: no total"
ctl policer set ps per-source
check_eq "$(totals)" "(20000000, 30000, True, True)" "per-source again: the total is automatic"
expect_fail "total without per-source (sgwctl)" 1 "'total-rate' needs 'per-source'" \
	ctl policer add p2 vrf s1 dst-list mme rate 1mbit burst 1500 total-rate 1mbit
expect_fail "total without per-source (kernel)" 2 "argument 'total-rate 1mbit'" \
	ctl policer set mme-s1 total-rate 1mbit
expect_fail "total rate below the minimum" 2 "argument 'total-rate 500bit'" \
	ctl policer set ps total-rate 500bit
expect_fail "total burst too large" 2 "argument 'total-burst 2g'" \
	ctl policer set ps total-burst 2g
expect_fail "malformed total rate" 1 "invalid total-rate 'fast'" \
	ctl policer set ps total-rate fast
ctl policer del ps

# Counters, reset: SCTP the gateway sends itself, in the default VRF.
ctl policer add local vrf default dst-list far rate 64kbit burst 3000 per-source
send_sctp 198.51.100.2 50 1000
out=$(ctl -j policer show local)
check_eq "$(jget 'd[0]["matched_packets"]' <<<"$out")" 50 "50 SCTP packets sent, 50 matched"
check_eq "$(jget 'd[0]["passed_packets"] + d[0]["dropped_packets"]' <<<"$out")" 50 \
	"passed + dropped = matched"
check_range "$(jget 'd[0]["passed_packets"]' <<<"$out")" 3 5 "burst 3000 passes 3 packets of 1000 bytes (+1 refill)"
check_eq "$(jget 'd[0]["passed_bytes"] + d[0]["dropped_bytes"]' <<<"$out")" 50000 "bytes counted"
out=$(ctl -j policer show local -s)
check_eq "$(jget '[(s["addr"], s["passed_packets"] + s["dropped_packets"]) for s in d[0]["sources"]]' <<<"$out")" \
	"[('198.51.100.1', 50)]" "policer show -s: the source and its packets"
ctl policer reset local
out=$(ctl -j policer show local)
check_eq "$(jget '[d[0][k] for k in ("matched_packets", "passed_packets", "passed_bytes", "dropped_packets", "dropped_bytes")]' <<<"$out")" \
	"[0, 0, 0, 0, 0]" "policer reset zeroes the counters"
check_eq "$(jget '(d[0]["rate"], d[0]["burst"], d[0]["vrf"])' <<<"$out")" "(64000, 3000, 'default')" \
	"policer reset keeps the configuration"

echo "# 10,000 prefixes (${SECONDS}s)"
python3 - "$tmp" <<'EOF'
import sys
d = sys.argv[1]
v4 = ["10.%d.%d.0/24" % (100 + i // 256, i % 256) for i in range(10000)]
with open(d + "/big.batch", "w") as f:
    f.write("# one list of 10,000 IPv4 prefixes\n")
    f.write("prefix-list add big4 " + " ".join(v4) + "\n")
with open(d + "/big6.args", "w") as f:
    f.write("\n".join("2001:db8:%x:%x::/64" % (i // 256, i % 256) for i in range(10000)))
with open(d + "/over.args", "w") as f:
    f.write("\n".join("2001:db9:%x:%x::/64" % (i // 256, i % 256) for i in range(16385)))
with open(d + "/more.args", "w") as f:
    f.write("\n".join("10.250.%d.%d/32" % (i // 256, i % 256) for i in range(6385)))
EOF
ctl -b "$tmp/big.batch"
log_test $? "-b: prefix-list add of 10,000 IPv4 prefixes in one batch line"
mapfile -t big6 <"$tmp/big6.args"
ctl prefix-list add big6 "${big6[@]}"
log_test $? "prefix-list add of 10,000 IPv6 prefixes on the command line"
out=$(ctl -j prefix-list show big4)
check_eq "$(jget '(d[0]["count"], len(d[0]["prefixes"]), len(set(d[0]["prefixes"])))' <<<"$out")" \
	"(10000, 10000, 10000)" "big4: count and dumped prefixes"
check_eq "$(jget '"10.139.15.0/24" in d[0]["prefixes"]' <<<"$out")" True "big4: last prefix present"
out=$(ctl -j prefix-list show)
check_eq "$(jget 'sorted((l["name"], l["count"], len(l["prefixes"])) for l in d)' <<<"$out")" \
	"[('big4', 10000, 10000), ('big6', 10000, 10000), ('enb', 1, 1), ('far', 1, 1), ('mme', 3, 3)]" \
	"prefix-list show (all): slices merged per list"
ctl policer add big vrf s2 dst-list big6 rate 1gbit burst 1m
log_test $? "policer on a 10,000-prefix list"
mapfile -t over <"$tmp/over.args"
expect_fail "new list over the limit (16,385 prefixes)" 2 "16384" \
	ctl prefix-list add over "${over[@]}"
mapfile -t more <"$tmp/more.args"
expect_fail "list grown over the limit (10,000 + 6,385)" 2 "16384" \
	ctl prefix-list add big4 "${more[@]}"
ctl policer del big && ctl prefix-list del big4 && ctl prefix-list del big6
log_test $? "10,000-prefix lists deleted"

echo "# batch (${SECONDS}s)"
cat >"$tmp/ok.batch" <<'EOF'
# comments and blank lines are skipped

prefix-list add b1 192.0.2.128/25   # trailing comment
policer add "b-pol" vrf s2 dst-list b1 rate 1mbit burst 1500
EOF
ctl -b "$tmp/ok.batch"
log_test $? "-b: a batch of commands"
check_eq "$(ctl -j policer show b-pol | jget 'd[0]["dst_list"]')" b1 "-b: commands applied"
cat >"$tmp/bad.batch" <<'EOF'
prefix-list add b2 192.0.2.0/25
policer del b-pol
policer add b-pol2 vrf s2 dst-list nosuch rate 1mbit burst 1500
prefix-list del b1
EOF
out=$(ctl -b "$tmp/bad.batch" 2>&1)
rc=$?
check_eq "$rc" 2 "-b: stops at the first failure, with its status"
grep -qF "$tmp/bad.batch:3: Error: policer add:" <<<"$out"
log_test $? "-b: error names FILE:LINE: $out"
check_eq "$(ctl -j prefix-list show | jget 'sorted(l["name"] for l in d if l["name"].startswith("b"))')" \
	"['b1', 'b2']" "-b: lines before applied, lines after not"
ctl prefix-list del b1 && ctl prefix-list del b2
log_test $? "prefix-list del NAME"

echo "# bad input: clear error, nothing changed (${SECONDS}s)"
expect_fail "unknown VRF" 2 "argument 'vrf nosuch'" \
	ctl policer add p2 vrf nosuch dst-list mme rate 1mbit burst 1500
expect_fail "VRF that is not a VRF device" 2 "argument 'vrf dummy0'" \
	ctl policer add p2 vrf dummy0 dst-list mme rate 1mbit burst 1500
expect_fail "rate 0" 2 "argument 'rate 0'" \
	ctl policer add p2 vrf s1 dst-list mme rate 0 burst 1500
expect_fail "burst 0" 2 "argument 'burst 0'" \
	ctl policer add p2 vrf s1 dst-list mme rate 1mbit burst 0
expect_fail "set rate 0" 2 "argument 'rate 0'" ctl policer set mme-s1 rate 0
expect_fail "set burst 0" 2 "argument 'burst 0'" ctl policer set mme-s1 burst 0
expect_fail "unknown dst list" 2 "argument 'dst-list nolist'" \
	ctl policer add p2 vrf s1 dst-list nolist rate 1mbit burst 1500
expect_fail "unknown src list" 2 "argument 'src-list nolist'" \
	ctl policer add p2 vrf s1 dst-list mme src-list nolist rate 1mbit burst 1500
expect_fail "set unknown dst list" 2 "argument 'dst-list nolist'" \
	ctl policer set mme-s1 dst-list nolist
expect_fail "duplicate policer name" 2 "argument 'mme-s1'" \
	ctl policer add mme-s1 vrf s2 dst-list mme rate 1mbit burst 1500
expect_fail "unknown policer (set)" 2 "argument 'nosuch'" ctl policer set nosuch rate 1mbit
expect_fail "unknown policer (del)" 2 "Error: policer del:" ctl policer del nosuch
expect_fail "unknown policer (reset)" 2 "Error: policer reset:" ctl policer reset nosuch
expect_fail "unknown policer (show)" 2 "Error: policer show:" ctl policer show nosuch
expect_fail "max-sources 0" 2 "argument 'max-sources 0'" \
	ctl policer set mme-s1 per-source max-sources 0
expect_fail "bad prefix: length 33" 1 "invalid prefix '10.0.0.0/33'" \
	ctl prefix-list add mme 10.9.0.0/16 10.0.0.0/33
expect_fail "bad prefix: host bits" 1 "invalid prefix '10.1.2.3/8'" \
	ctl prefix-list add mme 10.1.2.3/8
expect_fail "bad prefix: not an address" 1 "invalid prefix '300.1.1.1'" \
	ctl prefix-list add newlist 300.1.1.1
expect_fail "del of a prefix not in the list" 2 "argument '10.77.0.0/16'" \
	ctl prefix-list del mme 10.1.0.0/16 10.77.0.0/16
expect_fail "del of a list in use" 2 "Error: prefix-list del:" ctl prefix-list del mme
expect_fail "unknown list (del)" 2 "Error: prefix-list del:" ctl prefix-list del nolist
expect_fail "unknown list (show)" 2 "Error: prefix-list show:" ctl prefix-list show nolist
expect_fail "missing rate" 1 "missing 'rate RATE'" \
	ctl policer add p2 vrf s1 dst-list mme burst 1500
expect_fail "malformed rate" 1 "invalid rate '10mbitz'" \
	ctl policer add p2 vrf s1 dst-list mme rate 10mbitz burst 1500
expect_fail "malformed burst" 1 "invalid burst '-5'" \
	ctl policer add p2 vrf s1 dst-list mme rate 1mbit burst -5
expect_fail "bad chunk" 1 "invalid chunk 'data'" \
	ctl policer add p2 vrf s1 dst-list mme rate 1mbit burst 1500 chunk data
expect_fail "unknown keyword" 1 "unknown argument 'color'" \
	ctl policer add p2 vrf s1 dst-list mme rate 1mbit burst 1500 color red
expect_fail "keyword twice" 1 "'rate' given twice" \
	ctl policer add p2 vrf s1 dst-list mme rate 1mbit rate 2mbit burst 1500
expect_fail "name too long" 1 "invalid policer name" \
	ctl policer add p234567890123456789012345678901234 vrf s1 dst-list mme rate 1mbit burst 1500
expect_fail "unknown object" 1 "unknown object 'polizer'" ctl polizer show
expect_fail "unknown netns" 1 "cannot enter network namespace" \
	"$SGWCTL" -n nosuch-ns policer show
expect_fail "user ns without rights over the netns" 2 "Operation not permitted" \
	ip netns exec "$GW" unshare -U -r "$SGWCTL" policer add p2 vrf s1 dst-list mme rate 1mbit burst 1500
expect_fail "unprivileged uid (policer reset)" 2 "Operation not permitted" \
	ip netns exec "$GW" setpriv --reuid 65534 --regid 65534 --clear-groups "$SGWCTL" policer reset mme-s1
expect_fail "unprivileged uid (prefix-list add)" 2 "Operation not permitted" \
	ip netns exec "$GW" setpriv --reuid 65534 --regid 65534 --clear-groups "$SGWCTL" prefix-list add mme 10.8.0.0/16
out=$(ip netns exec "$GW" setpriv --reuid 65534 --regid 65534 --clear-groups "$SGWCTL" -j policer show mme-s1)
check_eq "$(jget 'd[0]["name"]' <<<"$out")" mme-s1 "unprivileged uid may show"
out=$(unshare -U -r -n sh -c "$SGWCTL prefix-list add x 10.0.0.0/8 &&
	$SGWCTL policer add p vrf default dst-list x rate 1mbit burst 1500 &&
	$SGWCTL -j policer show" 2>&1)
check_eq "$(jget 'd[0]["name"], d[0]["vrf"]' <<<"$out")" "('p', 'default')" \
	"admin of its own user ns and netns may configure"

echo "# a dump that a change interrupts says so (${SECONDS}s)"
# Three lists of 2,000 prefixes each; a dump reads the first message, a
# list before the one being dumped is deleted, the dump goes on: it must
# either deliver every remaining list whole or flag NLM_F_DUMP_INTR.
setup_ns DMP || exit $KSFT_FAIL
out=$(ip netns exec "$DMP" python3 - "$SGW_TOP/selftests/net" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from sgw_nl import (SgwNl, attrs, attr_str, nla_prefix, nla_str, uapi,
                    NLM_F_REQUEST, NLM_F_DUMP, NLM_F_DUMP_INTR, NLMSG_DONE)

ctl = SgwNl()
for i, name in enumerate(("a", "b", "c")):
    pfx = b"".join(nla_prefix(uapi.SGW_PLIST_A_PREFIX, "2001:db8:%x:%x::" % (i, k), 64)
                   for k in range(2000))
    err, _ = ctl.request(uapi.SGW_CMD_PLIST_ADD, nla_str(uapi.SGW_PLIST_A_NAME, name) + pfx)
    assert err == 0, err
nl = SgwNl(rcvbuf=32768)
nl.send(nl.build(uapi.SGW_CMD_PLIST_GET, b"", NLM_F_REQUEST | NLM_F_DUMP))
seen, intr, done, first = {}, False, False, True
while not done:
    for m in nl.recv(32768):
        if m.type == NLMSG_DONE:
            done = True
            break
        intr = intr or bool(m.flags & NLM_F_DUMP_INTR)
        a = m.genl_attrs()
        name = attr_str(a, uapi.SGW_PLIST_A_NAME)
        seen[name] = seen.get(name, 0) + len(a.get(uapi.SGW_PLIST_A_PREFIX, []))
    if first:
        first = False
        err, _ = ctl.request(uapi.SGW_CMD_PLIST_DEL, nla_str(uapi.SGW_PLIST_A_NAME, "a"))
        assert err == 0, err
print("intr" if intr else "whole" if seen.get("b") == seen.get("c") == 2000 else
      "silently wrong: %s" % seen)
EOF
)
check_range "$(grep -c '^intr$\|^whole$' <<<"$out")" 1 1 "prefix-list dump across a deletion: flagged or whole ($out)"

echo "# delete (${SECONDS}s)"
ctl policer del mme-s1 && ctl policer del local
log_test $? "policer del"
check_eq "$(ctl -j policer show)" "[]" "no policers left"
ctl prefix-list del mme && ctl prefix-list del far
log_test $? "prefix-list del of lists no longer used"

echo "# events (${SECONDS}s)"
sleep 0.5
kill "$monitor_pid" "$monitor_txt_pid" 2>/dev/null
wait "$monitor_pid" "$monitor_txt_pid" 2>/dev/null
events=$(python3 - "$tmp/monitor.json" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    print(e["object"], e["action"], e["name"])
EOF
)
expected="prefix-list created mme
prefix-list changed mme
prefix-list changed mme
prefix-list created enb
prefix-list created far
policer created mme-s1"
check_eq "$(head -n 6 <<<"$events" | tr '\n' ';')" "$(tr '\n' ';' <<<"$expected")" \
	"monitor -j: first events in order"
grep -qx "policer changed mme-s1" <<<"$events" && grep -qx "policer deleted mme-s1" <<<"$events" &&
	grep -qx "prefix-list deleted big6" <<<"$events" && grep -qx "policer changed local" <<<"$events"
log_test $? "monitor -j: changes, resets and deletions seen ($(wc -l <<<"$events") events)"
! grep -q "p2\|nosuch\|nolist\|newlist\|over$" <<<"$events"
log_test $? "monitor: no event for refused requests"
grep -q "^created policer mme-s1 vrf s1 dst-list mme chunk all rate 10mbit burst 15k" "$tmp/monitor.txt"
log_test $? "monitor (text): $(grep -m1 "policer mme-s1" "$tmp/monitor.txt")"
[ ! -s "$tmp/monitor.err" ]
log_test $? "monitor: no errors (lost events)"

test_exit
