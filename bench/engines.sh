#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ESP encryption on a gateway: stock XFRM, pcrypt, and sgw.ko's crypto
# engines (1, 2, ... one CPU each), with 1 SA and with many SAs, in one run
# (Documentation/engines.md, Documentation/performance.md). Run it in a VM
# with several CPUs: selftests/vm/run --cpus 4 -- bench/engines.sh
# [SECONDS] [SAS] [ROUNDS].
#
#   enb                       gw                                  peer
#   e0 10.10.0.2/24 ------- g0 10.10.0.1/24
#   pkt_blast (CPU 0):        forwards 10.20.0.0/24 into ESP       counts the
#   UDP from 10.128.0.1..N    tunnels (AES-128-GCM), one per       ESP packets
#   to 10.20.0.2              source: SA k for 10.128.0.k          arriving
#                             g1 10.30.0.1/24 ------------------- p0 10.30.0.2
#
# Configurations, each offered the same flood (1,000-byte packets, as fast
# as the sender goes, sources cycling over 1 or SAS addresses) for SECONDS:
# ESP packets per second leaving the gateway, and CPU time per packet (all
# CPUs, sender included):
#   stock      the module not loaded
#   engN       N engines of one CPU each (CPUs 1..N), SAs placed
#              automatically (with 1 SA only one engine can work: per-SA
#              order)
#   pcrypt     pcrypt(seqiv(rfc4106(gcm(aes)))) instantiated (module
#              unloaded first: the engines' instances outrank pcrypt's)
# Each configuration is measured ROUNDS times in a row (the median is
# kept): the module must be loaded, then unloaded, between the phases, so
# configurations cannot be interleaved. Ratios against stock are printed
# at the end. Under TCG compare ratios, never absolute rates.

source "$(dirname "$0")/../selftests/net/lib.sh"
source "$SGW_TOP/bench/lib.sh"

set -u
BLAST=$SGW_TOP/build/progs/pkt_blast
secs=${1:-3}
many=${2:-1000}
rounds=${3:-3}
size=1000
cpus=$(nproc)

die() { echo "engines: $*" >&2; exit 1; }
[ -x "$SGWCTL" ] && [ -x "$BLAST" ] || die "build first (make)"
require_cmd jq python3 taskset
require_module esp4
[ "$cpus" -ge 2 ] || die "needs 2 CPUs at least"
grep -q '^sgw ' /proc/modules && { modprobe -r sgw || die "sgw.ko in use"; }
tmp=$(mktemp -d)
at_exit "rm -rf $tmp"

ns() { ip netns exec "$@"; }
setup_ns enb gw peer || die "netns"
ip link add e0 netns "$enb" type veth peer name g0 netns "$gw"
ip link add g1 netns "$gw" type veth peer name p0 netns "$peer"
ip -n "$enb" addr add 10.10.0.2/24 dev e0
ip -n "$gw" addr add 10.10.0.1/24 dev g0
ip -n "$gw" addr add 10.30.0.1/24 dev g1
ip -n "$peer" addr add 10.30.0.2/24 dev p0
ip -n "$enb" link set e0 up
ip -n "$gw" link set g0 up
ip -n "$gw" link set g1 up
ip -n "$peer" link set p0 up
ns "$gw" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.g0.rp_filter=0 net.ipv4.conf.default.rp_filter=0
p0mac=$(ip -n "$peer" -br link show p0 | awk '{print $3}')
g0mac=$(ip -n "$gw" -br link show g0 | awk '{print $3}')
ip -n "$gw" neigh add 10.30.0.2 lladdr "$p0mac" dev g1 nud permanent
ip -n "$gw" route add 10.20.0.0/24 via 10.30.0.2 dev g1

KEY=0x$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
# tunnels N: SA and policy k for source 10.128.0.0 + k, k = 1..N
tunnels() {
	ip -n "$gw" xfrm state flush
	ip -n "$gw" xfrm policy flush
	python3 - "$1" "$KEY" >"$tmp/xfrm.batch" <<'EOF'
import ipaddress, sys
n, key = int(sys.argv[1]), sys.argv[2]
base = int(ipaddress.ip_address("10.128.0.0"))
for k in range(1, n + 1):
    src = ipaddress.ip_address(base + k)
    print("xfrm state add src 10.30.0.1 dst 10.30.0.2 proto esp spi %d reqid %d "
          "mode tunnel aead 'rfc4106(gcm(aes))' %s 128" % (0x1000 + k, k, key))
    print("xfrm policy add src %s/32 dst 10.20.0.0/24 dir out tmpl src 10.30.0.1 "
          "dst 10.30.0.2 proto esp reqid %d mode tunnel" % (src, k))
EOF
	ip -n "$gw" -batch "$tmp/xfrm.batch" || die "xfrm setup"
}

esp_rx() { ns "$peer" cat /sys/class/net/p0/statistics/rx_packets; }
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

# blast NSRC: "pps cpu_us_per_packet"
blast() {
	local rx0 rx1 b0 b1 out t
	rx0=$(esp_rx)
	b0=$(busy_ticks)
	out=$(ns "$enb" taskset -c 0 "$BLAST" e0 "$g0mac" 10.128.0.1 10.20.0.2 udp "$size" \
		"$secs" 0 "$1") || die "pkt_blast failed"
	sleep 0.5
	rx1=$(esp_rx)
	b1=$(busy_ticks)
	t=$(awk '{print $4}' <<<"$out")
	awk -v d=$((rx1 - rx0)) -v t="$t" -v c=$((b1 - b0)) -v hz="$(getconf CLK_TCK)" \
		'BEGIN { if (!d) d = 1; printf "%.0f %.1f\n", d / t, c / hz * 1e6 / d }'
}

declare -A pps cpu
placed() {	# N: all N SAs of the gateway are on an engine
	[ "$("$SGWCTL" -n "$gw" -j engine sa show |
		jq '[.[] | select(.engine != "none")] | length')" = "$1" ]
}
measure() {	# NAME NSRC
	local r i p="" c=""
	tunnels "$2"
	case $1 in eng*) wait_until 60 placed "$2" || die "SAs not placed" ;; esac
	for ((i = 0; i < rounds; i++)); do
		r=$(blast "$2")
		p+="${r% *} "
		c+="${r#* } "
	done
	pps[$1]=$(median_of "$p")
	cpu[$1]=$(median_of "$c")
	printf '%-16s %10s pkt/s %8s us CPU/pkt   (rounds: %s)\n' "$1" "${pps[$1]}" \
		"${cpu[$1]}" "$p"
}

for n in 1 "$many"; do measure "stock/$n" "$n"; done

modprobe sgw || die "modprobe sgw"
max=$((cpus - 1))
for ((e = 1; e <= max; e++)); do
	"$SGWCTL" -n "$gw" engine add "e$e" cpus "$e" || die "engine add"
	for n in 1 "$many"; do measure "eng$e/$n" "$n"; done
done
ip -n "$gw" xfrm state flush
ip -n "$gw" xfrm policy flush
wait_until 30 modprobe -r sgw || die "sgw.ko stays in use"

modprobe crypto_user pcrypt || die "pcrypt"
python3 - <<'EOF' || die "pcrypt instance"
import socket, struct
NETLINK_CRYPTO, CRYPTO_MSG_NEWALG, CRYPTO_ALG_TYPE_AEAD = 21, 0x10, 0x3
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_CRYPTO)
s.bind((0, 0))
name = b"pcrypt(seqiv(rfc4106(gcm(aes))))"
body = name.ljust(64, b"\0") + name.ljust(64, b"\0") + bytes(64) + \
    struct.pack("IIII", CRYPTO_ALG_TYPE_AEAD, 0xf, 0, 0)
s.send(struct.pack("IHHII", 16 + len(body), CRYPTO_MSG_NEWALG, 0x5, 1, 0) + body)
s.recv(4096)	# -ENOENT is expected: the instance has another driver name
EOF
grep -q '^driver *: pcrypt(seqiv' /proc/crypto || die "no pcrypt instance"
for n in 1 "$many"; do measure "pcrypt/$n" "$n"; done
ip -n "$gw" xfrm state flush
ip -n "$gw" xfrm policy flush
at_exit "wait_until 20 modprobe -r pcrypt"

echo
echo "ratios to stock (throughput; CPU per packet), $secs s per configuration, $cpus CPUs:"
for n in 1 "$many"; do
	for c in pcrypt $(for ((e = 1; e <= max; e++)); do echo "eng$e"; done); do
		awk -v a="${pps[$c/$n]}" -v b="${pps[stock/$n]}" -v x="${cpu[$c/$n]}" \
			-v y="${cpu[stock/$n]}" -v name="$c/$n" \
			'BEGIN { printf "  %-14s throughput %.2f  CPU/packet %.2f\n", name, a / b, x / y }'
	done
done
