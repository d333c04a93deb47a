#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sgw generic netlink family against random and mutated requests
# (sgw_nlfuzz.py: wrong types and lengths, broken nesting, unknown
# attributes, strings without their NUL, huge attribute counts, random
# commands and flags), thousands of them:
#
#   - as root in a namespace of its own, with a VRF and some traffic;
#   - as the owner of a user namespace and its network namespace;
#   - as an unprivileged user in the root-configured namespace (nothing
#     may change).
#
# Every request must be answered with an error or a success, errors must
# say why, requests that must fail change nothing, and the state is
# consistent afterwards. The kernel runs with panic_on_warn=1: a warning
# fails the run. SGW_NLFUZZ_SEED fixes the seed; SGW_NLFUZZ_COUNT the
# number of requests per run.

source "$(dirname "$0")/lib.sh"

FUZZ="$SGW_TOP/selftests/net/sgw_nlfuzz.py"
SEED=${SGW_NLFUZZ_SEED:-$RANDOM}
COUNT=${SGW_NLFUZZ_COUNT:-3000}

require_cmd ip python3 unshare setpriv
[ -x "$SGWCTL" ] || skip "$SGWCTL not built"
require_module sgw vrf dummy

setup_ns FZ || exit $KSFT_FAIL
vrf_dummy "$FZ" s1 10 10.0.0.1/24 || exit $KSFT_FAIL

# fuzz DESC CMD...: one run; its summary indented.
fuzz() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	sed 's/^/    /' <<<"$out"
	check_eq "$rc" 0 "$desc"
}

echo "seed $SEED, $COUNT requests per run"
"$SGWCTL" -n "$FZ" prefix-list add mme 10.0.0.0/24 2001:db8::/64 &&
"$SGWCTL" -n "$FZ" policer add mme-s1 vrf s1 dst-list mme rate 1mbit burst 15k per-source
log_test $? "a policer of the operator's in the namespace"
# SCTP the namespace sends itself keeps the packet path busy meanwhile.
ip netns exec "$FZ" python3 - <<'PY' &
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 132)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"s1")
pkt = bytes(12) + bytes([0, 3, 0, 20]) + bytes(16)
end = time.monotonic() + 600
while time.monotonic() < end:
    for i in range(50):
        try:
            s.sendto(pkt, ("10.0.0.%d" % (2 + i), 0))
        except OSError:
            pass
    time.sleep(0.01)
PY
at_exit "kill $!"

fuzz "root in its own namespace: $COUNT requests" \
	ip netns exec "$FZ" python3 "$FUZZ" --seed "$SEED" --count "$COUNT"
fuzz "owner of a user namespace and its network namespace: $COUNT requests" \
	unshare -U -r -n python3 "$FUZZ" --seed $((SEED + 1)) --count "$COUNT"
fuzz "unprivileged user in the operator's namespace: $((COUNT / 2)) requests" \
	ip netns exec "$FZ" setpriv --reuid 65534 --regid 65534 --clear-groups \
	python3 "$FUZZ" --seed $((SEED + 2)) --count $((COUNT / 2)) --unprivileged
check_eq "$("$SGWCTL" -n "$FZ" -j policer show | python3 -c 'import json,sys; d=json.load(sys.stdin); print([(p["name"], p["rate"], p["per_source"]) for p in d])')" \
	"[('mme-s1', 1000000, True)]" "the operator's policer is as it was"
test_exit
