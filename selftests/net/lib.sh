# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the sgw kselftests. Source it, then call the helpers:
#
#   setup_ns A B       create netns with unique names in $A, $B (lo up);
#                      they are deleted by cleanup_ns (trap set here)
#   vrf_dummy NS VRF TABLE ADDR   in NS, VRF (table TABLE) with a dummy0
#                      enslaved, up, holding ADDR (a prefix)
#   log_test RC DESC   print "ok/not ok - DESC"; a non-zero RC marks the
#                      script failed (exit status from test_exit)
#   check_eq GOT WANT DESC / check_range GOT LO HI DESC
#   require_cmd CMD... / require_module MOD...   skip (exit 4) if missing
#   wait_until SECS CMD...   poll CMD until it succeeds or SECS pass
#   wait_eq SECS WANT CMD... poll until CMD prints WANT or SECS pass (CMD runs
#                      anew each time, unlike wait_until SECS test "$(CMD)" ...)
#   now_ms             milliseconds of the wall clock
#   ms_until [-i MS] CMD...   milliseconds until CMD succeeds (polled every
#                      MS ms, default 50, for at most 10 s); "" if it never does
#   test_exit          exit 0 if all passed, 1 otherwise
#
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

SGW_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SGWCTL=${SGWCTL:-$SGW_TOP/build/sgwctl}
IKUD=${IKUD:-$SGW_TOP/build/ikud}
IKELOAD=${IKELOAD:-$SGW_TOP/build/ikeload}
KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

sgw_ret=0
sgw_ns_list=()
sgw_cleanup_hooks=()

cleanup_ns() {
	local ns
	for ns in "${sgw_ns_list[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	sgw_ns_list=()
}

# Register a command to run at exit, before the namespaces go.
at_exit() {
	sgw_cleanup_hooks+=("$*")
}

sgw_cleanup() {
	local i
	for ((i = ${#sgw_cleanup_hooks[@]} - 1; i >= 0; i--)); do
		eval "${sgw_cleanup_hooks[$i]}" 2>/dev/null
	done
	cleanup_ns
}
trap sgw_cleanup EXIT

setup_ns() {
	local var name
	for var in "$@"; do
		name="$var-$(mktemp -u XXXXXX)"
		ip netns add "$name" || return 1
		ip -n "$name" link set lo up
		sgw_ns_list+=("$name")
		eval "$var=$name"
	done
}

vrf_dummy() {
	local ns=$1 vrf=$2 table=$3 addr=$4
	ip -n "$ns" link add "$vrf" type vrf table "$table" &&
	ip -n "$ns" link set "$vrf" up &&
	ip -n "$ns" link add dummy0 type dummy &&
	ip -n "$ns" link set dummy0 master "$vrf" &&
	ip -n "$ns" link set dummy0 up &&
	ip -n "$ns" addr add "$addr" dev dummy0
}

log_test() {
	local rc=$1
	shift
	if [ "$rc" -eq 0 ]; then
		echo "    ok - $*"
	else
		echo "    not ok - $*"
		sgw_ret=$KSFT_FAIL
	fi
}

check_eq() {
	local got=$1 want=$2
	shift 2
	if [ "$got" = "$want" ]; then
		log_test 0 "$* ($got)"
	else
		log_test 1 "$* (got '$got', want '$want')"
	fi
}

# check_range GOT LO HI DESC: LO <= GOT <= HI, integers or decimals.
check_range() {
	local got=$1 lo=$2 hi=$3
	shift 3
	if awk -v g="$got" -v l="$lo" -v h="$hi" 'BEGIN { exit !(g != "" && g + 0 >= l + 0 && g + 0 <= h + 0) }'; then
		log_test 0 "$* ($got in [$lo, $hi])"
	else
		log_test 1 "$* (got '$got', want [$lo, $hi])"
	fi
}

skip() {
	echo "    SKIP: $*"
	exit $KSFT_SKIP
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "$c not installed"
	done
}

require_module() {
	local m
	for m in "$@"; do
		modprobe -q "$m" || skip "module $m not available"
	done
}

wait_until() {
	local secs=$1 end
	shift
	# by the clock: a slow CMD (a loaded VM) must not stretch SECS
	end=$(($(now_ms) + secs * 1000))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(now_ms)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

wait_eq() {
	local secs=$1 want=$2
	shift 2
	wait_until "$secs" _output_is "$want" "$@"
}

_output_is() {
	[ "$("${@:2}")" = "$1" ]
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

ms_until() {
	local t0 i poll=50 pause
	if [ "$1" = -i ]; then
		poll=$2
		shift 2
	fi
	pause=$(awk -v ms="$poll" 'BEGIN { print ms / 1000 }')
	t0=$(now_ms)
	for ((i = 0; i < 10000 / poll; i++)); do
		"$@" >/dev/null 2>&1 && { echo $(($(now_ms) - t0)); return 0; }
		sleep "$pause"
	done
	echo ""
	return 1
}

test_exit() {
	exit $sgw_ret
}
