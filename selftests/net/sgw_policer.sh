#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-VRF SCTP policing by sgw.ko: rate accuracy under overload, counters,
# VRF isolation, per-source buckets and their total (sources taking turns
# in a table too small for them), INIT-aware policing, IPv6, datagrams
# fragmented at MTU 1500 (IPv4 and IPv6) charged whole, an association
# whose GSO packets exceed the burst, rate change under traffic, traffic
# decrypted from an xfrm interface, traffic the gateway sends itself, and
# cleanup (VRF deletion, netns deletion, modprobe -r) under traffic.
#
#                    +------------------- GW ---------------------+
#  ENB               |  vrf s1 (table 10)                         |     MME
#  e0 10.0.1.2/24 ---+- g1 10.0.1.1/24          g2 10.0.2.1/24 ---+---- m0 10.0.2.2/24
#     10.0.1.3/24    |  fd00:1::1/64            fd00:2::1/64      |        10.0.2.3-4/24
#     fd00:1::2/64   |  xfrm1 (if_id 1) ---+                      |        fd00:2::2/64
#  e2 192.168.0.2 ---+- g5 192.168.0.1 (default VRF, ESP outer)   |     SCTP listener
#  lo 10.1.0.2 (inner, ESP tunnel to 192.168.0.1 for 10.0.2.3)    |     on :36412
#                    |                                            |
#  ENB2              |  vrf s2 (table 20): same addresses         |     MME2
#  e0 10.0.1.2/24 ---+- g3 10.0.1.1/24          g4 10.0.2.1/24 ---+---- m0 10.0.2.2/24
#                    +--------------------------------------------+
#
# Rates are measured at the MME from its SCTP input counter
# (SctpInSCTPPacks) over time windows (sgw_rxrate), with fixed-size packets
# from sgw_sctpgen; TCG-friendly rates of 1-2 Mbit/s.

source "$(dirname "$0")/lib.sh"

GEN=${SGW_SCTPGEN:-$SGW_TOP/build/progs/sgw_sctpgen}
RXRATE=${SGW_RXRATE:-$SGW_TOP/build/progs/sgw_rxrate}
BLAST=${SGW_PKT_BLAST:-$SGW_TOP/build/progs/pkt_blast}
PKT=1000		# bytes per IPv4 packet, at the IP layer
RATE=1000000		# policed rate, bits/s
BURST=50000		# bytes: 400 ms at RATE, more than a TCG guest stalls

require_cmd ip python3 jq
[ -x "$SGWCTL" ] || skip "$SGWCTL not built"
[ -x "$GEN" ] && [ -x "$RXRATE" ] && [ -x "$BLAST" ] || skip "$GEN, $RXRATE or $BLAST not built"
require_module sgw vrf sctp xfrm_interface esp4

setup_ns ENB ENB2 GW MME MME2 || exit $KSFT_FAIL
tmp=$(mktemp -d)
at_exit "rm -rf $tmp"

sgw() { "$SGWCTL" -n "$GW" "$@"; }

# pstat POLICER KEY: a field of the policer, from 'sgwctl -j'.
pstat() {
	sgw -j policer show "$1" | jq -r ".[0].$2"
}

# rx NS: SCTP packets the namespace's stack received.
rx() {
	ip netns exec "$1" awk '$1 == "SctpInSCTPPacks" { print $2 }' /proc/net/sctp/snmp
}

# rate_window NS SIZE DELAY SECS: bits/s received by NS in packets of
# SIZE bytes, between DELAY and DELAY+SECS seconds from now.
rate_window() {
	ip netns exec "$1" "$RXRATE" "$3" "$4" |
		awk -v s="$2" '{ printf "%.0f\n", $2 * s * 8 / $3 }'
}

# gen NS OUTFILE ARGS...: sgw_sctpgen in NS in the background.
gen() {
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" "$GEN" "$@" >"$out" &
}

sent_pkts() { awk '{ print $2 }' "$1"; }
sent_secs() { awk '{ print $4 }' "$1"; }
stalled_secs() { awk '{ print $5 }' "$1"; }

# check_rate GOT RATE WINDOW GENOUT DESC: a rate measured over WINDOW
# seconds is within 5% of RATE, plus the burst (credit saved while the
# sender stalled before the window is spent inside it), less the share of
# the run in which the sender (GENOUT), stalled in a loaded emulated guest,
# offered nothing.
check_rate() {
	local lo hi
	hi=$(awk -v r="$2" -v w="$3" -v b=$BURST 'BEGIN { printf "%.0f", r * 1.05 + b * 8 / w }')
	lo=$(awk -v r="$2" -v s="$(sent_secs "$4")" -v z="$(stalled_secs "$4")" 'BEGIN { printf "%.0f", r * 0.95 * (s - z) / s }')
	check_range "$1" "$lo" "$hi" "$5"
}

pct() { awk -v v="$1" -v p="$2" 'BEGIN { printf "%.0f", v * p / 100 }'; }

setup() {
	local n
	ip -n "$GW" link add s1 type vrf table 10
	ip -n "$GW" link add s2 type vrf table 20
	ip -n "$GW" link set s1 up
	ip -n "$GW" link set s2 up
	ip link add e0 netns "$ENB" type veth peer name g1 netns "$GW"
	ip link add m0 netns "$MME" type veth peer name g2 netns "$GW"
	ip link add e0 netns "$ENB2" type veth peer name g3 netns "$GW"
	ip link add m0 netns "$MME2" type veth peer name g4 netns "$GW"
	ip link add e2 netns "$ENB" type veth peer name g5 netns "$GW"
	ip -n "$GW" link set g1 master s1
	ip -n "$GW" link set g2 master s1
	ip -n "$GW" link set g3 master s2
	ip -n "$GW" link set g4 master s2
	for n in g1 g2 g3 g4 g5; do
		ip -n "$GW" link set "$n" up
	done
	for n in "$ENB" "$ENB2" "$MME" "$MME2"; do
		ip -n "$n" link set "$(ip -n "$n" -o link | awk -F'[ :@]+' '$2 ~ /^[em]0$/ { print $2 }')" up
	done
	ip -n "$ENB" link set e2 up
	ip netns exec "$GW" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$GW" sysctl -qw net.ipv6.conf.all.forwarding=1

	ip -n "$GW" addr add 10.0.1.1/24 dev g1
	ip -n "$GW" addr add 10.0.2.1/24 dev g2
	ip -n "$GW" addr add fd00:1::1/64 dev g1 nodad
	ip -n "$GW" addr add fd00:2::1/64 dev g2 nodad
	ip -n "$GW" addr add 10.0.1.1/24 dev g3
	ip -n "$GW" addr add 10.0.2.1/24 dev g4
	ip -n "$GW" addr add 192.168.0.1/24 dev g5

	for n in "$ENB" "$ENB2"; do
		ip -n "$n" addr add 10.0.1.2/24 dev e0
		ip -n "$n" route add default via 10.0.1.1
	done
	ip -n "$ENB" addr add 10.0.1.3/24 dev e0
	ip -n "$ENB" addr add fd00:1::2/64 dev e0 nodad
	ip -n "$ENB" route add default via fd00:1::1
	for n in "$MME" "$MME2"; do
		ip -n "$n" addr add 10.0.2.2/24 dev m0
		ip -n "$n" route add default via 10.0.2.1
	done
	ip -n "$MME" addr add 10.0.2.3/24 dev m0
	ip -n "$MME" addr add 10.0.2.4/24 dev m0
	ip -n "$MME" addr add fd00:2::2/64 dev m0 nodad
	ip -n "$MME" route add default via fd00:2::1

	setup_xfrm
	# Every namespace's SCTP stack loaded and counting.
	for n in "$MME" "$MME2"; do
		ip netns exec "$n" python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)'
	done
	# The MME's addresses, not the gateway's own on that link.
	sgw prefix-list add mme 10.0.2.2/32 10.0.2.3/32 fd00:2::2/128
}

# ENB's inner address 10.1.0.2 reaches 10.0.2.3 through an ESP tunnel
# (192.168.0.2 -> 192.168.0.1) that GW terminates on xfrm1 in vrf s1.
setup_xfrm() {
	local key=0x0123456789abcdef0123456789abcdef01234567
	local spi=0x1001

	ip -n "$ENB" addr add 192.168.0.2/24 dev e2
	ip -n "$ENB" addr add 10.1.0.2/32 dev lo
	ip -n "$ENB" route add 10.0.2.3/32 via 192.168.0.1 dev e2 src 10.1.0.2
	ip -n "$ENB" xfrm state add src 192.168.0.2 dst 192.168.0.1 proto esp \
		spi $spi mode tunnel aead 'rfc4106(gcm(aes))' $key 128
	ip -n "$ENB" xfrm policy add src 10.1.0.2/32 dst 10.0.2.3/32 dir out \
		tmpl src 192.168.0.2 dst 192.168.0.1 proto esp mode tunnel

	ip -n "$GW" link add xfrm1 type xfrm dev g5 if_id 1
	ip -n "$GW" link set xfrm1 master s1
	ip -n "$GW" link set xfrm1 up
	ip -n "$GW" xfrm state add src 192.168.0.2 dst 192.168.0.1 proto esp \
		spi $spi mode tunnel aead 'rfc4106(gcm(aes))' $key 128 if_id 1
	ip -n "$GW" xfrm policy add src 10.1.0.2/32 dst 10.0.2.3/32 dir fwd \
		tmpl src 192.168.0.2 dst 192.168.0.1 proto esp mode tunnel if_id 1
	ip -n "$GW" route add 10.1.0.0/24 dev xfrm1 table 10
}

# ---------------------------------------------------------------------------

test_overload() {
	local m0 rate passed matched dropped sent secs lo hi
	echo "IPv4, 5x overload, rate $RATE burst $BURST"
	sgw policer add mme-s1 vrf s1 dst-list mme rate 1mbit burst $BURST
	m0=$(rx "$MME")
	gen "$ENB" "$tmp/ov" -s 10.0.1.2 -d 10.0.2.2 -l $PKT -r $((5 * RATE)) -t 7
	rate=$(rate_window "$MME" $PKT 1.5 4)
	wait
	sleep 0.2
	sent=$(sent_pkts "$tmp/ov")
	secs=$(sent_secs "$tmp/ov")
	check_rate "$rate" $RATE 4 "$tmp/ov" "delivered rate (bit/s) over 4 s within 5% of $RATE (+burst)"
	matched=$(pstat mme-s1 matched_packets)
	passed=$(pstat mme-s1 passed_packets)
	dropped=$(pstat mme-s1 dropped_packets)
	check_eq "$matched" "$sent" "every packet sent was charged once"
	check_eq "$passed" "$(($(rx "$MME") - m0))" "passed packets == received by the MME"
	check_eq "$dropped" "$((matched - passed))" "dropped == matched - passed"
	check_eq "$(pstat mme-s1 passed_bytes)" "$((passed * PKT))" "passed bytes"
	# At most rate x time + burst; at least rate x the time the sender
	# really offered traffic (it may stall in an emulated guest).
	hi=$(awk -v r=$RATE -v s="$secs" -v b=$BURST 'BEGIN { printf "%.0f", (r / 8 * s + b) * 1.05 }')
	lo=$(awk -v r=$RATE -v s="$secs" -v z="$(stalled_secs "$tmp/ov")" 'BEGIN { printf "%.0f", r / 8 * (s - z) * 0.95 }')
	check_range "$(pstat mme-s1 passed_bytes)" "$lo" "$hi" "bytes passed over the run: rate x time (+burst), within 5%"
	sgw policer del mme-s1
}

test_under_rate() {
	local m0 sent
	echo "IPv4, under the rate"
	sgw policer add mme-s1 vrf s1 dst-list mme rate 1mbit burst $BURST
	m0=$(rx "$MME")
	gen "$ENB" "$tmp/ur" -s 10.0.1.2 -d 10.0.2.2 -l $PKT -r $((RATE / 2)) -t 3
	wait
	sleep 0.2
	sent=$(sent_pkts "$tmp/ur")
	check_eq "$(($(rx "$MME") - m0))" "$sent" "MME received every packet"
	check_eq "$(pstat mme-s1 matched_packets)" "$sent" "matched"
	check_eq "$(pstat mme-s1 dropped_packets)" 0 "nothing dropped"
	sgw policer del mme-s1
}

test_other_vrf() {
	local m0 sent
	echo "another VRF with the same prefixes is not policed"
	sgw policer add mme-s1 vrf s1 dst-list mme rate 1mbit burst $BURST
	m0=$(rx "$MME2")
	gen "$ENB2" "$tmp/vrf2" -s 10.0.1.2 -d 10.0.2.2 -l $PKT -r $((3 * RATE)) -t 3
	wait
	sleep 0.2
	sent=$(sent_pkts "$tmp/vrf2")
	check_eq "$(($(rx "$MME2") - m0))" "$sent" "MME2 (vrf s2) received every packet at 3x the s1 rate"
	check_eq "$(pstat mme-s1 matched_packets)" 0 "the s1 policer saw none of them"
	sgw policer del mme-s1
}

test_ipv6() {
	local rate sent pkt6=1000
	echo "IPv6, 5x overload"
	sgw policer add mme6 vrf s1 dst-list mme rate 1mbit burst $BURST
	gen "$ENB" "$tmp/v6" -s fd00:1::2 -d fd00:2::2 -l $pkt6 -r $((5 * RATE)) -t 6
	rate=$(rate_window "$MME" $pkt6 1.5 3)
	wait
	sleep 0.2
	sent=$(sent_pkts "$tmp/v6")
	check_rate "$rate" $RATE 3 "$tmp/v6" "IPv6 delivered rate over 3 s within 5% of $RATE (+burst)"
	check_eq "$(pstat mme6 matched_packets)" "$sent" "IPv6 packets charged once"
	sgw policer del mme6
}

# frag SRC DST: 4000-byte SCTP datagrams, cut into fragments by the
# sender's kernel at MTU 1500, at 5x a 1 Mbit/s policer: the policer
# charges each datagram once, whole, and what the MME reassembles stays
# within rate x time + burst.
frag() {
	local src=$1 dst=$2 dgram=4000 burst=15000 m0 sent secs lo hi got
	sgw policer add frag-s1 vrf s1 dst-list mme rate 1mbit burst $burst
	m0=$(rx "$MME")
	gen "$ENB" "$tmp/frag" -s "$src" -d "$dst" -l $dgram -r $((5 * RATE)) -t 5
	wait
	sleep 0.5
	sent=$(sent_pkts "$tmp/frag")
	secs=$(sent_secs "$tmp/frag")
	got=$((($(rx "$MME") - m0) * dgram))
	hi=$(awk -v r=$RATE -v s="$secs" -v b=$burst 'BEGIN { printf "%.0f", (r / 8 * s + b) * 1.05 }')
	lo=$(awk -v r=$RATE -v s="$secs" -v z="$(stalled_secs "$tmp/frag")" 'BEGIN { printf "%.0f", r / 8 * (s - z) * 0.9 }')
	check_range "$got" "$lo" "$hi" "bytes reassembled by the MME: rate x time + burst (+5%, -10% and stalls)"
	check_eq "$(pstat frag-s1 matched_packets)" "$sent" "each datagram charged once"
	check_eq "$(pstat frag-s1 matched_bytes)" "$((sent * dgram))" "charged by its full length"
	check_eq "$(pstat frag-s1 passed_bytes)" "$got" "the MME received what passed"
	sgw policer del frag-s1
}

test_frag4() {
	echo "IPv4 fragments: 4000-byte datagrams over MTU 1500, 5x overload"
	frag 10.0.1.2 10.0.2.2
}

test_frag6() {
	echo "IPv6 fragments: 4000-byte datagrams over MTU 1500, 5x overload"
	frag fd00:1::2 fd00:2::2
}

test_rate_change() {
	local r1 r2 sent
	echo "rate change under traffic keeps counters"
	sgw policer add mme-s1 vrf s1 dst-list mme rate 1mbit burst $BURST
	gen "$ENB" "$tmp/rc" -s 10.0.1.2 -d 10.0.2.2 -l $PKT -r $((5 * RATE)) -t 14
	r1=$(rate_window "$MME" $PKT 1.5 3)
	sgw policer set mme-s1 rate 2mbit
	r2=$(rate_window "$MME" $PKT 1 3)
	wait
	sleep 0.2
	sent=$(sent_pkts "$tmp/rc")
	check_rate "$r1" $RATE 3 "$tmp/rc" "before: rate over 3 s within 5% of 1 Mbit/s (+burst)"
	check_rate "$r2" $((2 * RATE)) 3 "$tmp/rc" "after 'set rate 2mbit': within 5% of 2 Mbit/s (+burst)"
	check_eq "$(pstat mme-s1 matched_packets)" "$sent" "counters kept across the change"
	check_eq "$(pstat mme-s1 rate)" 2000000 "new rate shown"
	sgw policer del mme-s1
}

test_per_source() {
	local storm quiet m0 qdrop qpass
	echo "per-source: a quiet eNodeB loses nothing beside a storming one"
	sgw policer add mme-s1 vrf s1 dst-list mme rate 1mbit burst $BURST per-source max-sources 16
	m0=$(rx "$MME")
	gen "$ENB" "$tmp/storm" -s 10.0.1.2 -d 10.0.2.2 -l $PKT -r $((5 * RATE)) -t 4
	gen "$ENB" "$tmp/quiet" -s 10.0.1.3 -d 10.0.2.2 -l $PKT -r $((RATE / 2)) -t 4
	wait
	sleep 0.2
	storm=$(sent_pkts "$tmp/storm")
	quiet=$(sent_pkts "$tmp/quiet")
	sgw -j policer show mme-s1 -s >"$tmp/src.json"
	qpass=$(jq -r '.[0].sources[] | select(.addr == "10.0.1.3") | .passed_packets' "$tmp/src.json")
	qdrop=$(jq -r '.[0].sources[] | select(.addr == "10.0.1.3") | .dropped_packets' "$tmp/src.json")
	check_eq "$qpass" "$quiet" "quiet source: every packet passed"
	check_eq "$qdrop" 0 "quiet source: nothing dropped"
	check_eq "$(pstat mme-s1 matched_packets)" "$((storm + quiet))" "both sources charged"
	check_range "$(pstat mme-s1 dropped_packets)" "$(pct "$storm" 50)" "$storm" "storming source policed"
	check_eq "$(($(rx "$MME") - m0))" "$(pstat mme-s1 passed_packets)" "MME received what passed"
	sgw policer del mme-s1
}

# rotate NSRC SECS: 1000-byte packets from NSRC sources (10.0.1.100 on)
# taking turns, each at twice the policer's 64 kbit/s, sent by a packet
# socket (no neighbour resolution for the sources); prints "PACKETS SECONDS
# STALLED" sent.
rotate() {
	local mac
	mac=$(ip -n "$GW" -j link show g1 | jq -r '.[0].address')
	ip netns exec "$ENB" "$BLAST" e0 "$mac" 10.0.1.100 10.0.2.2 sctp 1000 "$2" \
		$(($1 * 16)) "$1" | awk '{ print $2, $4, $6 }'
}

# check_total NAME OUT M0 TOTALRATE TOTALBURST DESC: the MME received at
# most TOTALRATE x time + TOTALBURST (+5%), at least 90% of TOTALRATE x
# the time in which rotate (output OUT) was not stalled, of what it
# offered.
check_total() {
	local got hi lo secs
	secs=$(awk '{ print $2 }' "$2")
	got=$((($(rx "$MME") - $3) * 1000))
	hi=$(awk -v r="$4" -v s="$secs" -v b="$5" 'BEGIN { printf "%.0f", (r / 8 * s + b) * 1.05 }')
	lo=$(awk -v r="$4" -v s="$secs" -v z="$(awk '{ print $3 }' "$2")" \
		'BEGIN { printf "%.0f", r / 8 * (s - z) * 0.9 }')
	check_range "$got" "$lo" "$hi" "$6 (offered $(($(awk '{ print $1 }' "$2") * 1000)) bytes)"
	check_eq "$(pstat "$1" passed_bytes)" "$got" "the MME received what passed"
}

test_rotating_sources() {
	local m0
	echo "per-source: 64 sources taking turns in a 16-entry table cannot pass more than the total"
	sgw policer add rot vrf s1 dst-list mme rate 64kbit burst 1500 per-source max-sources 16
	check_eq "$(pstat rot total_rate),$(pstat rot total_burst)" "1024000,24000" \
		"total by default: 16 sources x (64 kbit/s, 1500 bytes)"
	m0=$(rx "$MME")
	rotate 64 5 >"$tmp/rot"
	sleep 0.2
	check_total rot "$tmp/rot" "$m0" 1024000 24000 "bytes delivered within the default total"
	check_range "$(sgw -j policer show rot -s | jq '.[0].sources_evicted')" 1000 1000000 \
		"sources evicted all along"
	sgw policer set rot total-rate 256kbit total-burst 3000
	sgw policer reset rot
	m0=$(rx "$MME")
	rotate 64 5 >"$tmp/rot"
	sleep 0.2
	check_total rot "$tmp/rot" "$m0" 256000 3000 "bytes delivered within 'total-rate 256kbit total-burst 3000'"
	sgw policer del rot
}

mme_listening() {
	ip netns exec "$MME" grep -q 36412 /proc/net/sctp/eps
}

assoc_up() {
	[ "$(ip netns exec "$MME" cat /proc/net/sctp/assocs | wc -l)" -gt 1 ]
}

# sctp_stream SECS: an SCTP association from the eNodeB writes as fast as
# it can for SECS seconds, then aborts (nothing trickles into the next
# tests); prints the bytes the MME read. The sender's stack hands its veth
# GSO packets of several SCTP packets (up to half its cwnd), which veth and
# the VRF pass on whole.
sctp_stream() {
	ip netns exec "$MME" python3 - "$1" >"$tmp/stream-srv" <<-'EOF' &
		import socket, sys
		s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
		s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		s.bind(("10.0.2.2", 36413)); s.listen(1); s.settimeout(30)
		n = 0
		try:
		    c, _ = s.accept(); c.settimeout(float(sys.argv[1]) + 20)
		    while True:
		        d = c.recv(65536)
		        if not d:
		            break
		        n += len(d)
		except OSError:		# the abort at the end, a time-out
		    pass
		print(n)
	EOF
	wait_until 30 ip netns exec "$MME" grep -q 36413 /proc/net/sctp/eps
	ip netns exec "$ENB" python3 - "$1" <<-'EOF'
		import socket, struct, sys, time
		s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
		s.bind(("10.0.1.2", 0)); s.settimeout(10); s.connect(("10.0.2.2", 36413))
		s.settimeout(1)
		end = time.monotonic() + float(sys.argv[1])
		while time.monotonic() < end:
		    try:
		        s.send(bytes(8000))
		    except socket.timeout:
		        pass
		s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
		s.close()
	EOF
	wait
	cat "$tmp/stream-srv"
}

test_gso() {
	local got
	echo "GSO: packets larger than the burst conform"
	# Far above what the association can send: a packet of at most the
	# burst always finds the bucket full again; only packets larger than
	# the burst (GSO packets of three segments or more) could be dropped.
	sgw policer add gso-s1 vrf s1 dst-list mme rate 10gbit burst 3000
	got=$(sctp_stream 5)
	check_range "$got" 1000000 1000000000 "bytes the MME read in 5 s"
	check_range "$(pstat gso-s1 dropped_bytes)" 0 "$(($(pstat gso-s1 matched_bytes) / 100))" \
		"bytes dropped by a policer far above the flow's rate (at most 1%)"
	check_range "$(pstat gso-s1 passed_bytes)" "$got" $((got * 11 / 10)) \
		"passed bytes: the data and the headers of every segment"
	check_range "$(pstat gso-s1 matched_packets)" "$(($(pstat gso-s1 matched_bytes) / 1500))" 100000000 \
		"packets counted by segment (at most 1500 bytes each)"
	sgw policer del gso-s1
}

test_chunk_init() {
	local init pass sent msgs lo hi
	echo "chunk init: an INIT flood is policed, an association keeps delivering DATA"
	sgw policer add init-s1 vrf s1 dst-list mme chunk init rate 64kbit burst 1000
	ip netns exec "$MME" python3 - >"$tmp/srv" <<-'EOF' &
		import socket
		s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
		s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		s.bind(("10.0.2.2", 36412)); s.listen(8); s.settimeout(60)
		c, _ = s.accept(); c.settimeout(30)
		n = 0
		while True:
		    d = c.recv(4096)
		    if not d:
		        break
		    n += d.count(b"S1AP")
		print(n)
	EOF
	wait_until 30 mme_listening
	log_test $? "MME listening"
	# One message every 20 ms until told to stop.
	ip netns exec "$ENB" python3 - "$tmp/stop" >"$tmp/cli" <<-'EOF' &
		import os, socket, sys, time
		s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
		s.bind(("10.0.1.2", 0)); s.connect(("10.0.2.2", 36412))
		n = 0
		while not os.path.exists(sys.argv[1]):
		    s.send(b"S1AP" + bytes(60)); n += 1; time.sleep(0.02)
		time.sleep(0.5); s.close(); print(n)
	EOF
	wait_until 30 assoc_up
	log_test $? "association established"
	gen "$ENB" "$tmp/flood" -s 10.0.1.3 -d 10.0.2.2 -k init -r 200000 -t 3
	wait $!
	touch "$tmp/stop"
	wait
	sent=$(sent_pkts "$tmp/flood")
	msgs=$(cat "$tmp/cli")
	check_eq "$(cat "$tmp/srv")" "$msgs" "association delivered every DATA message sent during the flood"
	check_range "$msgs" 100 100000 "messages sent during the flood"
	init=$(pstat init-s1 matched_packets)
	pass=$(pstat init-s1 passed_packets)
	check_eq "$init" "$((sent + 1))" "only INIT packets charged (flood + the association's own)"
	# 64 kbit/s over the flood (+1000 bytes of burst) in 52-byte INITs,
	# less the time the sender stalled
	hi=$(awk -v s="$(sent_secs "$tmp/flood")" 'BEGIN { printf "%.0f", (64000 / 8 * s + 1000) / 52 * 1.05 }')
	lo=$(awk -v s="$(sent_secs "$tmp/flood")" -v z="$(stalled_secs "$tmp/flood")" 'BEGIN { printf "%.0f", 64000 / 8 * (s - z) / 52 * 0.95 }')
	check_range "$pass" "$lo" "$hi" "INITs passed: rate x time (+burst), within 5%"
	sgw policer del init-s1
}

test_selection() {
	local n1 n2 n3 n4
	echo "several policers in one VRF: each packet meets the most specific"
	sgw prefix-list add pool 10.0.2.0/24
	sgw prefix-list add one 10.0.2.4/32
	sgw policer add pool-s1 vrf s1 dst-list pool rate 10mbit burst 100000
	sgw policer add one-s1 vrf s1 dst-list one rate 10mbit burst 100000
	sgw policer add init-s1 vrf s1 dst-list pool chunk init rate 10mbit burst 100000
	gen "$ENB" "$tmp/s1" -s 10.0.1.2 -d 10.0.2.4 -l $PKT -r 200000 -t 1; wait
	gen "$ENB" "$tmp/s2" -s 10.0.1.2 -d 10.0.2.2 -l $PKT -r 200000 -t 1; wait
	gen "$ENB" "$tmp/s3" -s 10.0.1.2 -d 10.0.2.2 -k init -r 50000 -t 1; wait
	gen "$ENB" "$tmp/s4" -s 10.0.1.2 -d 10.0.2.4 -k init -r 50000 -t 1; wait
	n1=$(sent_pkts "$tmp/s1"); n2=$(sent_pkts "$tmp/s2")
	n3=$(sent_pkts "$tmp/s3"); n4=$(sent_pkts "$tmp/s4")
	check_eq "$(pstat one-s1 matched_packets)" "$((n1 + n4))" "/32 list beats /24 list (DATA and INIT to 10.0.2.4)"
	check_eq "$(pstat pool-s1 matched_packets)" "$n2" "DATA to 10.0.2.2: the chunk-all /24 policer"
	check_eq "$(pstat init-s1 matched_packets)" "$n3" "INIT to 10.0.2.2: chunk init beats chunk all on the same list"
	sgw policer del pool-s1
	sgw policer del one-s1
	sgw policer del init-s1
	sgw prefix-list del pool
	sgw prefix-list del one
}

test_xfrm() {
	local m0 sent
	echo "traffic decrypted from xfrm1 (enslaved to s1) is policed once"
	sgw policer add mme-s1 vrf s1 dst-list mme rate 1mbit burst $BURST
	m0=$(rx "$MME")
	gen "$ENB" "$tmp/x" -s 10.1.0.2 -d 10.0.2.3 -l $PKT -r $((3 * RATE)) -t 3
	wait
	sleep 0.2
	sent=$(sent_pkts "$tmp/x")
	check_range "$sent" 1 999999 "packets sent through the tunnel"
	check_eq "$(pstat mme-s1 matched_packets)" "$sent" "each decrypted packet charged once"
	check_range "$(pstat mme-s1 dropped_packets)" 1 "$sent" "3x overload through the tunnel is policed"
	check_eq "$(($(rx "$MME") - m0))" "$(pstat mme-s1 passed_packets)" "MME received what passed"
	sgw policer del mme-s1
}

test_local() {
	local m0 sent
	echo "traffic the gateway sends itself in vrf s1 is policed once"
	sgw policer add mme-s1 vrf s1 dst-list mme rate 1mbit burst $BURST
	m0=$(rx "$MME")
	gen "$GW" "$tmp/l" -I s1 -d 10.0.2.2 -l $PKT -r $((3 * RATE)) -t 3
	wait
	sleep 0.2
	sent=$(sent_pkts "$tmp/l")
	check_eq "$(pstat mme-s1 matched_packets)" "$sent" "each local packet charged once"
	check_range "$(pstat mme-s1 dropped_packets)" 1 "$sent" "3x overload from the gateway is policed"
	check_eq "$(($(rx "$MME") - m0))" "$(pstat mme-s1 passed_packets)" "MME received what passed"
	sgw policer del mme-s1
}

test_vrf_delete() {
	echo "deleting a VRF under traffic deletes its policers"
	ip -n "$GW" link add s9 type vrf table 90
	sgw policer add p9 vrf s9 dst-list mme rate 1mbit burst $BURST
	sgw policer add mme-s2 vrf s2 dst-list mme rate 1mbit burst $BURST
	gen "$ENB2" "$tmp/vd" -s 10.0.1.2 -d 10.0.2.2 -l $PKT -r $((3 * RATE)) -t 3
	sleep 1
	ip -n "$GW" link del s9
	ip -n "$GW" link set g3 nomaster
	ip -n "$GW" link set g4 nomaster
	ip -n "$GW" link del s2
	wait
	check_eq "$(sgw -j policer show | jq length)" 0 "policers of deleted VRFs are gone"
	check_eq "$(sgw -j prefix-list show mme | jq '.[0].users')" 0 "the list has no users left"
}

nsx_policed() {
	[ "$("$SGWCTL" -n "$NSX" -j policer show px | jq '.[0].matched_packets')" -gt 0 ]
}

test_netns_delete() {
	local rc
	echo "deleting a namespace under traffic frees its objects"
	setup_ns NSX || return
	vrf_dummy "$NSX" sx 10 10.9.0.1/24
	python3 -c 'print("prefix-list add l 10.9.0.0/24 " + " ".join(
		"10.%d.%d.%d/32" % (100 + i // 65536, i // 256 % 256, i % 256) for i in range(12000)))' >"$tmp/big"
	"$SGWCTL" -n "$NSX" -b "$tmp/big" &&
	"$SGWCTL" -n "$NSX" policer add px vrf sx dst-list l rate 1mbit burst 15k per-source max-sources 65536
	rc=$?
	check_eq "$rc" 0 "12,001-prefix list and per-source policer in a second namespace"
	gen "$NSX" "$tmp/nd" -I sx -d 10.9.0.2 -l $PKT -r $((3 * RATE)) -t 5
	wait_until 15 nsx_policed
	log_test $? "traffic is policed in the second namespace"
	ip netns pids "$NSX" | xargs -r kill
	ip netns del "$NSX"
	wait
	check_eq "$(sgw -j prefix-list show | jq '[.[] | select(.name == "l")] | length')" 0 "objects of the deleted namespace are not visible elsewhere"
}

test_rmmod() {
	local rc m0 sent pid
	echo "modprobe -r sgw under traffic"
	# 64 kbit/s: 8 packets a second, so that a policer left behind would
	# show in the light flow below.
	sgw policer add mme-s1 vrf s1 dst-list mme rate 64kbit burst $PKT per-source
	gen "$ENB" "$tmp/rm" -s 10.0.1.2 -d 10.0.2.2 -l $PKT -r $((3 * RATE)) -t 10
	pid=$!
	sleep 1.5
	check_range "$(pstat mme-s1 dropped_packets)" 1 100000 "the policer drops when the module goes"
	modprobe -r sgw
	rc=$?
	check_eq "$rc" 0 "module removed under traffic"
	kill "$pid"
	wait
	# A flow a loaded guest forwards whole (as in under_rate), at 8 times
	# the old policer's rate: every packet reaches the MME.
	sleep 0.5
	m0=$(rx "$MME")
	gen "$ENB" "$tmp/rm" -s 10.0.1.2 -d 10.0.2.2 -l $PKT -r $((RATE / 2)) -t 3
	wait
	sleep 0.2
	sent=$(sent_pkts "$tmp/rm")
	check_eq "$(($(rx "$MME") - m0))" "$sent" "unpoliced afterwards: the MME receives every packet"
	check_range "$sent" 100 1000 "packets sent (a policer left behind would pass about 25)"
	modprobe sgw
	check_eq "$(sgw -j policer show | jq length)" 0 "module loaded again, empty"
}

setup
for t in ${SGW_POLICER_TESTS:-overload under_rate other_vrf ipv6 frag4 frag6 \
	rate_change per_source rotating_sources gso chunk_init selection xfrm \
	local vrf_delete netns_delete rmmod}; do
	"test_$t"
	[ -z "${SGW_POLICER_DEBUG:-}" ] || sgw -s policer show
done
test_exit
