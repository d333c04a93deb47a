#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SA installation rate through libsgw's xfrm_client (build/progs/xfrm_tool
# sa-bench), one request per SA vs. batched (256 requests per sendmsg()),
# compared in the same run with `ip -batch` installing the same SAs (one
# process, one request per SA, as strongSwan does). Run it in the VM:
#
#   selftests/vm/run -- bench/xfrm_install.sh [COUNT]
#
# Prints one line per method: SAs installed and SAs per second.

source "$(dirname "$0")/../selftests/net/lib.sh"

set -u
tool=$SGW_TOP/build/progs/xfrm_tool
count=${1:-20000}
modprobe -q -a esp4 xfrm_user || true
setup_ns ns || exit 1

rate() { # rate NAME SECONDS
	awk -v n="$count" -v s="$2" -v m="$1" 'BEGIN { printf "%-28s %6d SAs %8.0f SAs/s\n", m, n, n / s }'
}

for mode in "" batch; do
	out=$("$tool" -n "$ns" sa-bench src 192.0.2.1 dst 192.0.2.2 count "$count" $mode)
	secs=$(sed -n 's/.* seconds \([0-9.]*\) .*/\1/p' <<<"$out")
	rate "xfrm_client ${mode:-single}" "$secs"
	grep -q "flushed sas $count " <<<"$out" || echo "flush did not remove all: $out"
done

cmds=$(mktemp)
key=0x0102030405060708090a0b0c0d0e0f1011121314
for ((i = 0; i < count; i++)); do
	printf 'xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi %d reqid %d mode tunnel replay-window 32 aead rfc4106(gcm(aes)) %s 128\n' \
		$((0x10000 + i)) $((0x53000000 + i)) "$key"
done >"$cmds"
start=$(date +%s.%N)
ip -n "$ns" -batch "$cmds"
end=$(date +%s.%N)
rate "ip -batch (iproute2)" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
rm -f "$cmds"
