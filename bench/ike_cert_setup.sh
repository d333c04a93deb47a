#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Setup cost of tunnels authenticated by certificates, ikud against charon
# as responders, in one run (run it in the VM: make bench, or
# selftests/vm/run -- bench/ike_cert_setup.sh [TUNNELS] [ROUNDS]).
#
#   ENB netns: charon, the initiator           GW netns: ikud
#   veth-e 192.0.2.2/24 ---------------------- veth-g 192.0.2.1/24
#   veth-r 192.0.3.2/24 ---------------------- veth-s 192.0.3.1/24
#                                              REF netns: charon, the responder
#
# Method: for each case, TUNNELS eNodeB connections (one CHILD_SA each,
# aes128gcm16-prfsha256-ecp256) are loaded with start_action=start into a
# fresh initiator charon, against a fresh ikud, then against a fresh
# responder charon; we read the responder's CPU time (utime+stime of all
# its threads, /proc) from the load to the last IKE SA it reports up.
# Cases:
#   psk         pre-shared key
#   ecdsa       ECDSA P-256 certificates (a P-256 CA, one certificate per
#               eNodeB, every eNodeB's key the same), RFC 7427 signatures
#   rsa         the same with RSA 2048 keys and CA
#   ecdsa-frag  ecdsa with IKE fragments of 576 bytes both ways (RFC 7383)
# The first three run without IKE fragmentation (an RSA IKE_AUTH goes in IP
# fragments). Revocation is not checked (the certificates name no CRL or
# OCSP responder; ikud: revocation none). Both responders log only
# warnings, and neither limits half-open SAs per source. ROUNDS rounds
# interleave everything; the figures are medians, and the ratios are
# medians of ratios measured within one round.

set -u
source "$(dirname "$0")/../selftests/net/lib.sh"
source "$(dirname "$0")/lib.sh"
N=${1:-40}
ROUNDS=${2:-3}
PSK="bench-secret-0123456789"
CASES="psk ecdsa rsa ecdsa-frag"

die() { echo "ike_cert_setup: $*" >&2; exit 1; }
[ -x "$IKUD" ] || die "build first (make)"
[ -x /usr/lib/ipsec/charon ] || die "charon not installed"
modprobe -q esp4 && modprobe -q xfrm_interface || die "no esp4 or xfrm_interface"

dir=$(mktemp -d /tmp/ike_cert_bench.XXXXXX)
at_exit "rm -rf $dir"
P=$dir/pki
mkdir -p "$P/E" "$P/R" "$dir/private" "$dir/x509ca"
setup_ns ENB GW REF || die "netns"
source "$(dirname "$0")/../selftests/net/lib_ike.sh"

ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW"
ip link add veth-r netns "$ENB" type veth peer name veth-s netns "$REF"
ip -n "$ENB" addr add 192.0.2.2/24 dev veth-e
ip -n "$ENB" addr add 192.0.3.2/24 dev veth-r
ip -n "$GW" addr add 192.0.2.1/24 dev veth-g
ip -n "$REF" addr add 192.0.3.1/24 dev veth-s
for l in "$ENB veth-e" "$ENB veth-r" "$GW veth-g" "$REF veth-s"; do
	ip -n ${l% *} link set ${l#* } up
done
ip -n "$GW" link add ipsec0 type xfrm dev veth-g if_id 42
ip -n "$GW" link set ipsec0 up

# --- the PKI: per key type T (E: P-256, R: RSA 2048) a CA, the gateway's
# certificate and key, one eNodeB key and a certificate per eNodeB ---------

ossl() { openssl "$@" >>"$dir/openssl.log" 2>&1 || die "openssl $1 failed (see $dir/openssl.log)"; }
cert() {	# T NAME SAN SERIAL KEY: $P/T/NAME.pem for $P/T/KEY.pub
	ossl x509 -new -subj "/O=sgw bench/CN=$2" -force_pubkey "$P/$1/$5.pub" \
		-CA "$P/$1/ca.pem" -CAkey "$P/$1/ca.key" -set_serial "$4" -days 30 \
		-out "$P/$1/$2.pem" -extfile <(printf '%s\n' basicConstraints=CA:FALSE \
		keyUsage=digitalSignature "subjectAltName=DNS:$3")
}
for T in E R; do
	case $T in
	E) alg=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256) ;;
	R) alg=(-algorithm RSA -pkeyopt rsa_keygen_bits:2048) ;;
	esac
	for k in ca gw enb; do
		ossl genpkey "${alg[@]}" -out "$P/$T/$k.key"
		ossl pkey -in "$P/$T/$k.key" -pubout -out "$P/$T/$k.pub"
	done
	ossl req -x509 -key "$P/$T/ca.key" -out "$P/$T/ca.pem" -subj "/O=sgw bench/CN=CA $T" \
		-days 30 -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign
	cert $T gw gw.example.net 2 gw
	for ((k = 1; k <= N; k++)); do
		cert $T "enb$k" "enb$k.enb.example.net" $((k + 10)) enb
	done
done
chmod 600 "$P"/*/*.key
# swanctl's directory is $dir: --load-all loads the private keys in
# $dir/private and the CAs in $dir/x509ca
export SWANCTL_DIR=$dir
for T in E R; do
	cp "$P/$T/enb.key" "$dir/private/$T-enb.pem"
	cp "$P/$T/gw.key" "$dir/private/$T-gw.pem"
	cp "$P/$T/ca.pem" "$dir/x509ca/$T-ca.pem"
done

# --- configurations of a case ----------------------------------------------------

type_of() { case $1 in psk) echo "" ;; rsa) echo R ;; *) echo E ;; esac; }
frag_of() { case $1 in *-frag) echo yes ;; *) echo no ;; esac; }

ikud_conf() {	# CASE
	local T auth
	T=$(type_of "$1")
	if [ -z "$T" ]; then
		auth="psk \"$PSK\" for id *.enb.example.net;"
	else
		auth="auth cert; cert $P/$T/gw.pem; key $P/$T/gw.key; ca $P/$T/ca.pem; revocation none;"
	fi
	cat >"$dir/ikud.conf" <<EOF
log-level warning;
control $dir/ikud.sock;
half-open-per-source 0;
gateway s1 {
	local 192.0.2.1;
	xfrm-interface ipsec0 if_id 42;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16-ecp256;
	local-id gw.example.net;
	$auth
	fragmentation $(frag_of "$1") size 576;
	remote-ts 10.1.0.0/16;
	local-ts 10.2.0.0/24;
}
EOF
}

# swanctl.conf of a case, by lib_ike's swan_conn and swan_conf: with
# certificates each end sends its own, and trusts the CAs of $dir/x509ca
swan_auth() {	# CASE [CERT]: swan_conn's arguments of the authentication
	local T
	T=$(type_of "$1")
	if [ -z "$T" ]; then
		echo auth=psk
	else
		echo auth=pubkey cert="$P/$T/$2.pem"
	fi
}
psk_of() { [ -n "$(type_of "$1")" ] || echo "$PSK"; }

# the initiator's eNodeBs, towards the responder at DST
initiator_conf() {	# CASE DST FILE
	local k conns=()
	for ((k = 1; k <= N; k++)); do
		# shellcheck disable=SC2046
		conns+=("$(swan_conn "c$k" laddr="${2%.1}.2" raddr="$2" $(swan_auth "$1" "enb$k") \
			lid="enb$k.enb.example.net" rid=gw.example.net child="c$k" \
			lts="10.1.$((k / 250)).$((k % 250 + 1))/32" c.fragmentation="$(frag_of "$1")" \
			ch.start_action=start)")
	done
	swan_conf "$3" "$(psk_of "$1")" "${conns[@]}"
}

responder_conf() {	# CASE FILE
	# shellcheck disable=SC2046
	swan_conf "$2" "$(psk_of "$1")" "$(swan_conn ref laddr=192.0.3.1 raddr=%any \
		$(swan_auth "$1" gw) lid=gw.example.net rid=%any child=ref lts=10.2.0.0/24 \
		rts=10.1.0.0/16 c.fragmentation="$(frag_of "$1")")"
}

# every charon: no log, IKE fragments of 576 bytes where negotiated, no
# limit on half-open SAs or cookies
SWAN_LOG="-1 -1" write_strongswan_conf "fragment_size = 576" "block_threshold = 100000" \
	"cookie_threshold = 100000"

# --- one measurement ---------------------------------------------------------------

ikud_up() { ike_count; }
ref_up() {	# IKE SAs of the responder charon not half-open
	timeout 30 nsenter -t "$REF_PID" -m -n swanctl --stats 2>/dev/null | sed -n 's/^IKE_SAs: \([0-9]*\) total, \([0-9]*\) half-open.*/\1 \2/p' |
		awk '{ print $1 - $2 }'
}

all_up() {	# FN: polls FN every second until it prints $N (10 minutes at most)
	local end=$(($(now_ms) + 600000)) got
	while got=$("$1") && [ "$got" != "$N" ] && [ "$(now_ms)" -lt "$end" ]; do
		sleep 1
	done
	echo "$got"
}

# measure CASE ikud|charon: the responder's CPU ms per tunnel, and the
# tunnels per second, into res[CASE/RESPONDER] and rate[...]
declare -A res rate
measure() {
	local c=$1 who=$2 pid dst cpu0 cpu t0 got secs
	if [ "$who" = ikud ]; then
		ikud_conf "$c"
		chmod 600 "$dir/ikud.conf"
		ip netns exec "$GW" "$IKUD" -c "$dir/ikud.conf" >>"$dir/ikud.log" 2>&1 &
		IKUD_PID=$!
		wait_until 20 test -S "$dir/ikud.sock" || die "ikud does not start ($dir/ikud.log)"
		pid=$IKUD_PID dst=192.0.2.1
	else
		responder_conf "$c" "$dir/ref.conf"
		charon_spawn REF_PID "$REF" "$dir/strongswan.conf" || die "charon does not start"
		swan_at "$REF_PID" --load-all --file "$dir/ref.conf" >"$dir/load.out" 2>&1 ||
			die "the responder charon does not load its configuration ($dir/load.out)"
		pid=$REF_PID dst=192.0.3.1
	fi
	initiator_conf "$c" "$dst" "$dir/init.conf"
	start_charon || die "charon does not start"
	cpu0=$(cpu_ms "$pid")
	t0=$(now_ms)
	swan --load-all --file "$dir/init.conf" >"$dir/load.out" 2>&1 ||
		die "the initiator does not load its configuration ($dir/load.out)"
	got=$(all_up "${who/charon/ref}_up")
	secs=$(( $(now_ms) - t0 ))
	[ "$got" = "$N" ] || die "$c/$who: $got of $N tunnels up"
	cpu=$(( $(cpu_ms "$pid") - cpu0 ))
	echo "  $c/$who: $got tunnels in $secs ms, responder CPU $cpu ms"
	res[$c/$who]+="$(awk -v c="$cpu" -v n="$N" 'BEGIN { printf "%.2f", c / n }') "
	rate[$c/$who]+="$(awk -v s="$secs" -v n="$N" 'BEGIN { printf "%.1f", n * 1000 / s }') "
	stop_charon
	if [ "$who" = ikud ]; then
		stop_ikud
	else
		kill "$REF_PID"
		wait "$REF_PID" 2>/dev/null
	fi
}

for ((r = 1; r <= ROUNDS; r++)); do
	for c in $CASES; do
		for who in ikud charon; do
			measure "$c" "$who"
		done
	done
	echo "round $r of $ROUNDS done"
done

# --- results -----------------------------------------------------------------------

paired() { paired_ratio "${res[$1]}" "${res[$2]}"; }
echo
echo "Responder CPU per tunnel, $N tunnels at once, median of $ROUNDS rounds"
echo
echo "| case | ikud ms/tunnel | charon ms/tunnel | charon / ikud |"
echo "|---|---|---|---|"
for c in $CASES; do
	echo "| $c | $(median_of "${res[$c/ikud]}") | $(median_of "${res[$c/charon]}") |" \
		"$(paired "$c/charon" "$c/ikud") |"
done
echo
echo "Paired ratios (median over rounds of the ratio within a round):"
for who in ikud charon; do
	echo "  $who: ecdsa/psk $(paired "ecdsa/$who" "psk/$who")," \
		"rsa/psk $(paired "rsa/$who" "psk/$who")," \
		"ecdsa-frag/ecdsa $(paired "ecdsa-frag/$who" "ecdsa/$who")"
done
echo
echo "raw samples (responder ms per tunnel; tunnels/s, bound by the one initiator):"
for k in $(printf '%s\n' "${!res[@]}" | sort); do
	echo "  $k: ${res[$k]}; ${rate[$k]}"
done
