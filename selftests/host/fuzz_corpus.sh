#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fuzz targets (make fuzz) build and run through their seed corpora
# without a finding: every seed, once, under ASan and UBSan. The long runs
# (make fuzz, ten million inputs a target) are not part of the tests.
# Runs on the host (selftests/check). 0 pass, 1 fail, 4 skip.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
command -v clang >/dev/null || { echo "SKIP: clang missing"; exit 4; }

if ! out=$(make -s fuzz-build 2>&1); then
	echo "not ok - the fuzz targets build"
	sed 's/^/#   /' <<<"$out" | tail -n 20
	exit 1
fi
ret=0
for bin in build/fuzz/fuzz_*; do
	t=$(basename "$bin")
	seeds=selftests/fuzz/corpus/$t
	n=$(find "$seeds" -type f 2>/dev/null | wc -l)
	if [ "$n" = 0 ]; then
		echo "not ok - $t: no seeds in $seeds"
		ret=1
		continue
	fi
	if out=$("$bin" -runs=0 "$seeds" 2>&1); then
		echo "ok - $t: $n seeds, $(grep -oE 'cov: [0-9]+ ft: [0-9]+' <<<"$out" | tail -n1)"
	else
		echo "not ok - $t on its seeds"
		grep -E 'ERROR|SUMMARY|runtime error' <<<"$out" | head -n 5 | sed 's/^/#   /'
		ret=1
	fi
done
exit $ret
