#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sgw-timeout: 900
#
# X.509 authentication: strongSwan eNodeBs with certificates against ikud,
# CRLs over HTTP, OCSP, IKE fragmentation on a 1280-byte path.
#
#   enb netns (charon)                   gw netns (ikud)                ca netns
#   10.1.0.0/24 on lo                    ipsec0 (xfrm if_id 42)
#   veth-e 192.0.2.2/24 ================ veth-g 192.0.2.1/24 (+ .11)
#          mtu 1280                             mtu 1280
#                                        veth-gc 192.0.4.1/24 ======== veth-c 192.0.4.2/24
#                                                                      python3 -m http.server
#                                                                      8080 (the CRL),
#                                                                      openssl ocsp 8888
#
# The PKI is made with openssl: a root CA (P-384), an intermediate CA
# (P-256) that issues every eNodeB's certificate and ikud's, its CRL
# (published over HTTP, valid 20 s) and its OCSP responder (a delegated
# OCSPSigning certificate). Certificates carry the CRL distribution point
# or the OCSP responder (AIA), not both, so each path is tested alone.
#
# Cases: an ECDSA P-256 and an RSA 3072 eNodeB establish with IKE
# fragments both ways (no IP fragment on the access link), with the CRL
# fetched by ikud (revocation require); a certificate revoked in the CRL,
# then one revoked by OCSP, is refused with AUTHENTICATION_FAILED and
# nothing installed; expired, not yet valid, issued by a CA ikud does not
# trust, an identity the CA may not vouch for (ca ... for id), a key usage
# without digitalSignature: each refused, with its own log line; a
# revocation published while enb1's tunnel is up removes the tunnel at the
# CRL's next fetch; with the OCSP responder down, revocation if-available
# lets a tunnel up and revocation require refuses one; ikud initiates to a
# charon responder with certificates. strongSwan replaces an identity its
# certificate does not confirm by the subject DN, so a charon cannot
# assert one outside its certificate: the unit tests cover that refusal.

source "$(dirname "$0")/lib.sh"

require_cmd ip python3 swanctl nsenter unshare openssl nft jq
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
[ -x "$IKUD" ] || skip "$IKUD not built"
require_module esp4 xfrm_interface dummy

dir=$(mktemp -d /tmp/ike_pki.XXXXXX)
at_exit "rm -rf $dir"
P=$dir/pki
SW=$dir/swanctl
mkdir -p "$P/new" "$P/www" "$SW/x509" "$SW/x509ca" "$SW/private"

setup_ns ENB GW CA
source "$(dirname "$0")/lib_ike.sh"

ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW"
ip link add veth-c netns "$CA" type veth peer name veth-gc netns "$GW"
ip -n "$ENB" addr add 192.0.2.2/24 dev veth-e
ip -n "$ENB" link set veth-e mtu 1280 up
ip -n "$ENB" addr add 10.1.0.1/24 dev lo
ip -n "$ENB" route add 10.2.0.0/24 dev veth-e
ip -n "$GW" addr add 192.0.2.1/24 dev veth-g
ip -n "$GW" addr add 192.0.2.11/24 dev veth-g
ip -n "$GW" link set veth-g mtu 1280 up
ip -n "$GW" addr add 192.0.4.1/24 dev veth-gc
ip -n "$GW" link set veth-gc up
gw_lan veth-g
ip -n "$CA" addr add 192.0.4.2/24 dev veth-c
ip -n "$CA" link set veth-c up
# IP fragments on the access link, either way: there must be none
ip netns exec "$GW" nft -f - <<'EOF'
table inet pki {
	chain in { type filter hook prerouting priority -300; iifname "veth-g" ip frag-off & 0x3fff != 0 counter; }
	chain out { type filter hook postrouting priority 300; oifname "veth-g" ip frag-off & 0x3fff != 0 counter; }
}
EOF

# --- the PKI ---------------------------------------------------------------------

leaf_ext() {	# SECTION KEY_USAGE [LINE]: extensions of an end-entity certificate
	printf '[ %s ]\nbasicConstraints = CA:FALSE\nkeyUsage = %s\n' "$1" "$2"
	printf 'subjectAltName = DNS:${ENV::SAN}\n%s\n' "${3:-}"
}
{
cat <<EOF
[ ca ]
default_ca = im
[ im ]
database = $P/index.txt
new_certs_dir = $P/new
certificate = $P/im.pem
private_key = $P/im.key
serial = $P/serial
crlnumber = $P/crlnumber
default_md = sha256
default_days = 30
policy = any
unique_subject = no
[ any ]
organizationName = optional
commonName = supplied
[ responder ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = OCSPSigning
EOF
leaf_ext crl digitalSignature "crlDistributionPoints = URI:http://192.0.4.2:8080/im.crl"
leaf_ext ocsp digitalSignature "authorityInfoAccess = OCSP;URI:http://192.0.4.2:8888/"
leaf_ext badku keyEncipherment "crlDistributionPoints = URI:http://192.0.4.2:8080/im.crl"
leaf_ext plain digitalSignature
} >"$P/ca.cnf"
export SAN=unused	# ca.cnf names it; issue() sets it per certificate
touch "$P/index.txt"
echo 1000 >"$P/serial"
echo 1000 >"$P/crlnumber"
CAEXT="-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign"

ossl() { openssl "$@" >>"$dir/openssl.log" 2>&1; }

# a self-signed CA: NAME SUBJECT CURVE
make_root() {
	ossl req -x509 -newkey ec -pkeyopt "ec_paramgen_curve:$3" -nodes -keyout "$P/$1.key" \
		-out "$P/$1.pem" -subj "$2" -days 365 $CAEXT
}
make_root root "/O=sgw test/CN=Root CA" P-384
make_root rogue "/O=sgw test/CN=Intermediate CA" P-256	# the intermediate's name, another key
ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$P/im.key" -out "$P/im.csr" \
	-subj "/O=sgw test/CN=Intermediate CA"
ossl x509 -req -in "$P/im.csr" -CA "$P/root.pem" -CAkey "$P/root.key" -CAcreateserial \
	-out "$P/im.pem" -days 365 -extfile <(printf '%s\n' "basicConstraints=critical,CA:TRUE" \
	"keyUsage=critical,keyCertSign,cRLSign" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid")

# issue NAME KEYSPEC EXTENSIONS SAN [openssl ca options]: $P/NAME.pem and .key
issue() {
	local name=$1 key=$2 ext=$3 san=$4
	shift 4
	case $key in
	rsa*) ossl req -newkey "rsa:${key#rsa}" -nodes -keyout "$P/$name.key" -out "$P/$name.csr" -subj "/O=sgw test/CN=$name" ;;
	*) ossl req -newkey ec -pkeyopt "ec_paramgen_curve:$key" -nodes -keyout "$P/$name.key" -out "$P/$name.csr" -subj "/O=sgw test/CN=$name" ;;
	esac
	SAN=$san ossl ca -batch -notext -config "$P/ca.cnf" -extensions "$ext" -in "$P/$name.csr" \
		-out "$P/$name.pem" "$@"
}
issue gw rsa3072 plain gw.example.net
issue responder P-256 responder ocsp.example.net
issue enb1 P-256 crl enb1.enb.example.net
issue enb2 rsa3072 crl enb2.enb.example.net
issue enb3 P-256 crl enb3.enb.example.net
issue enb4 P-256 ocsp enb4.enb.example.net
issue enb5 P-256 ocsp enb5.enb.example.net
issue expired P-256 crl expired.enb.example.net -startdate 20200101000000Z -enddate 20210101000000Z
issue future P-256 crl future.enb.example.net -startdate 20990101000000Z -enddate 20991231000000Z
issue rogueid P-256 crl enb.rogue.example.org
issue badku P-256 badku badku.enb.example.net
issue enb11 P-256 ocsp enb11.enb.example.net
issue enb12 P-256 ocsp enb12.enb.example.net
issue enbr P-256 plain enbr.enb.example.net
# the stranger: the intermediate's name, the rogue CA's key
ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$P/stranger.key" \
	-out "$P/stranger.csr" -subj "/O=sgw test/CN=stranger"
ossl x509 -req -in "$P/stranger.csr" -CA "$P/rogue.pem" -CAkey "$P/rogue.key" -CAcreateserial \
	-out "$P/stranger.pem" -days 30 -extfile <(printf '%s\n' "keyUsage=digitalSignature" \
	"subjectAltName=DNS:stranger.enb.example.net")
ossl ca -config "$P/ca.cnf" -revoke "$P/enb3.pem"
ossl ca -config "$P/ca.cnf" -revoke "$P/enb4.pem"
publish_crl() {
	ossl ca -config "$P/ca.cnf" -gencrl -crlsec 20 -out "$P/crl.pem" &&
		openssl crl -in "$P/crl.pem" -outform DER -out "$P/www/im.crl.new" &&
		mv "$P/www/im.crl.new" "$P/www/im.crl"
}
publish_crl
log_test $? "the PKI is made (root, intermediate, CRL, 14 certificates)"
# the CA publishes a new CRL every 8 s, as a CA does before nextUpdate
( while sleep 8; do publish_crl; done ) &
PUBLISHER=$!
at_exit "kill $PUBLISHER"

cat "$P/gw.pem" "$P/im.pem" >"$P/gw-chain.pem"
chmod 600 "$P"/*.key
cp "$P/root.pem" "$SW/x509ca/"
for c in enb1 enb2 enb3 enb4 enb5 expired future rogueid badku stranger enb11 enb12 enbr; do
	cp "$P/$c.pem" "$SW/x509/"
	cp "$P/$c.key" "$SW/private/$c.pem"
done
cp "$P/im.pem" "$SW/x509ca/"	# charon sends it with its certificate

# --- CRL and OCSP servers ---------------------------------------------------------

ip netns exec "$CA" python3 -m http.server 8080 --bind 192.0.4.2 --directory "$P/www" \
	>"$dir/http.log" 2>&1 &
HTTP_PID=$!
start_ocsp() {
	ip netns exec "$CA" openssl ocsp -index "$P/index.txt" -port 8888 \
		-rsigner "$P/responder.pem" -rkey "$P/responder.key" -CA "$P/im.pem" -nmin 1 \
		-ignore_err >>"$dir/ocsp.log" 2>&1 &
	OCSP_PID=$!
}
stop_servers() {
	kill "$HTTP_PID" "${OCSP_PID:-}" 2>/dev/null
	wait "$HTTP_PID" "${OCSP_PID:-}" 2>/dev/null
}
at_exit stop_servers
start_ocsp
wait_until 30 ip netns exec "$GW" python3 -c "import urllib.request; urllib.request.urlopen('http://192.0.4.2:8080/im.crl', timeout=1)"
log_test $? "the CRL is served over HTTP"

# --- ikud and charon ----------------------------------------------------------------

gw_cert_lines() {	# what the responder and the initiator gateway share
	printf '\t%s\n' "ike-proposals aes128gcm16-prfsha256-ecp256;" \
		"esp-proposals aes128gcm16-ecp256;" "auth cert;" "local-id gw.example.net;" \
		"cert $P/gw-chain.pem;" "key $P/gw.key;"
}
write_ikud_conf() {	# REVOCATION
	cat >"$dir/ikud.conf" <<EOF
$(write_ikud_head)
gateway s1 {
	local 192.0.2.1;
	xfrm-interface ipsec0 if_id 42;
$(gw_cert_lines)
	ca $P/root.pem for id *.enb.example.net;
	revocation $1;
	remote-ts 10.1.0.0/16;
	local-ts 10.2.0.0/24;
	max-claim /24;
}
gateway init {
	local 192.0.2.11;
$(gw_cert_lines)
	ca $P/root.pem;
	local-ts 10.2.0.0/24;
	remote-ts 10.1.9.0/24;
	initiate 192.0.2.2;
	remote-id enbr.enb.example.net;
}
EOF
}
write_ikud_conf require

conn() {	# NAME LOCAL_TS: an eNodeB to the responder, its identity its DNS name
	swan_conn "$1" auth=pubkey cert="$1.pem" rid=gw.example.net lts="$2" child="$1" \
		lid="$(openssl x509 -in "$P/$1.pem" -noout -ext subjectAltName | sed -n 's/.*DNS://p' | tr -d ' ')" \
		c.fragmentation=yes c.send_certreq=yes
}
conns=()
# each its own inner address: ikud gives a prefix to one identity only
i=1
for c in enb1 enb2 enb3 enb4 enb5 expired future rogueid badku stranger enb11 enb12; do
	conns+=("$(conn $c 10.1.0.$i/32)")
	i=$((i + 1))
done
# the responder of ikud's initiator gateway
conns+=("$(swan_conn enbr auth=pubkey cert=enbr.pem lid=enbr.enb.example.net \
	raddr=192.0.2.11 rid=gw.example.net lts=10.1.9.0/24 child=enbr)")
swan_conf "$SW/swanctl.conf" "" "${conns[@]}"
write_strongswan_conf "retransmit_tries = 2" "retransmit_timeout = 2"

dump_logs() {
	echo "# --- ikud.log (tail)"; tail -n 60 "$dir/ikud.log" | sed 's/^/# /'
	echo "# --- charon.log (tail)"; tail -n 30 "$dir/charon.log" 2>/dev/null | sed 's/^/# /'
}
up() { SWANCTL_DIR=$SW timeout 40 nsenter -t "$CHARON_PID" -m -n swanctl --initiate --child "$1" >>"$dir/initiate.out" 2>&1; }
establishes() {	# CONN DESCRIPTION; on failure what ikud and charon logged meanwhile
	local i0 c0 rc
	i0=$(wc -l <"$dir/ikud.log")
	c0=$(wc -l <"$dir/charon.log")
	up "$1"
	rc=$?
	log_test $rc "$2"
	[ $rc != 0 ] || return 0
	echo "# --- ikud.log meanwhile"
	tail -n +$((i0 + 1)) "$dir/ikud.log" | head -n 60 | sed 's/^/# /'
	echo "# --- charon.log meanwhile"
	tail -n +$((c0 + 1)) "$dir/charon.log" | grep -v '\[NET\]' | head -n 60 | sed 's/^/# /'
}
ike_of() {	# the established IKE SAs of an identity
	ctl sa show | jq --arg id "$1" '[.sas[] | select(.state == "established" and .remote_id == $id)] | length'
}
logged() { grep -c -- "$1" "$dir/ikud.log"; }
ip_frags() { ip netns exec "$GW" nft list table inet pki | awk '/packets/ { for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) } END { print n + 0 }'; }

start_charon && SWANCTL_DIR=$SW swan --load-all --file "$SW/swanctl.conf" >"$dir/load.out" 2>&1
rc=$?
log_test $rc "charon loads the eNodeBs' certificates and connections"
[ $rc = 0 ] || grep -v "^plugin '" "$dir/load.out" | tail -n 20 | sed 's/^/# /'
"$IKUD" -t -c "$dir/ikud.conf" >/dev/null
log_test $? "ikud -t accepts auth cert"
start_ikud || { dump_logs; log_test 1 "ikud starts"; test_exit; }

echo "# ikud initiates to a charon responder with certificates"
wait_eq 30 1 ike_of fqdn:enbr.enb.example.net
check_eq "$(ike_of fqdn:enbr.enb.example.net)" 1 "ikud's IKE SA to enbr (initiator, certificates)"

echo "# an ECDSA and an RSA eNodeB establish, in fragments, the CRL fetched"
refused() {	# CONN "LOG LINE": refused with AUTHENTICATION_FAILED, nothing installed
	local auth0 states0 n0
	auth0=$(failures authentication_failed)
	states0=$(gw_states)
	n0=$(logged "IKE_AUTH failed: $2")
	up "$1"
	log_test $((! $?)) "$1 does not establish"
	check_eq "$(( $(failures authentication_failed) - auth0 ))" 1 "$1: AUTHENTICATION_FAILED"
	check_eq "$(gw_states)" "$states0" "$1: no SA installed"
	check_eq "$(( $(logged "IKE_AUTH failed: $2") - n0 ))" 1 "$1: logged '$2'"
}
establishes enb1 "enb1 (ECDSA P-256) establishes"
establishes enb2 "enb2 (RSA 3072) establishes"
check_eq "$(ike_of fqdn:enb1.enb.example.net) $(ike_of fqdn:enb2.enb.example.net)" "1 1" \
	"ikud holds both IKE SAs"
ping_ok
log_test $? "enb1's traffic crosses its tunnel"
check_range "$(logged 'reassembled from')" 2 100 "ikud reassembled the eNodeBs' fragmented IKE_AUTH"
check_range "$(logged 'IKE_AUTH message 1: .* fragments')" 2 100 "ikud sent its IKE_AUTH answers in fragments"
check_eq "$(ip_frags)" 0 "no IP fragment on the 1280-byte access link"
check_range "$(grep -c 'GET /im.crl' "$dir/http.log")" 1 100 "ikud downloaded the CRL"
check_eq "$(logged 'IKE_AUTH waits for revocation data')" 1 \
	"enb1 waited for the CRL's download, enb2 found it cached"

echo "# revoked, expired, not yet valid, untrusted, not vouched for, wrong key usage"
refused enb3 "certificate revoked (CRL of http://192.0.4.2:8080/im.crl)"
refused enb4 "certificate revoked (OCSP http://192.0.4.2:8888/)"
establishes enb5 "enb5 (OCSP good) establishes"
refused expired "certificate not accepted: certificate has expired"
refused future "certificate not accepted: certificate is not yet valid"
refused stranger "certificate not accepted: \(unable to get local issuer certificate\|certificate signature failure\)"
refused rogueid "the CA of the certificate may not vouch for fqdn:enb.rogue.example.org"
refused badku "key usage does not allow signatures"

echo "# enb1 revoked while its tunnel is up: gone at the CRL's next fetch"
ossl ca -config "$P/ca.cnf" -revoke "$P/enb1.pem"
publish_crl
wait_eq 45 0 ike_of fqdn:enb1.enb.example.net
check_eq "$(ike_of fqdn:enb1.enb.example.net)" 0 "enb1's IKE SA is gone"
check_range "$(logged 'certificate revoked (CRL of http://192.0.4.2:8080/im.crl): deleting')" 1 1 \
	"ikud logs why"
check_eq "$(ike_of fqdn:enb2.enb.example.net)" 1 "enb2 stays"

echo "# the OCSP responder down: if-available lets enb11 in, require refuses enb12"
kill "$OCSP_PID"; wait "$OCSP_PID" 2>/dev/null; OCSP_PID=
write_ikud_conf if-available
n0=$(logged "configuration reloaded")
kill -HUP "$IKUD_PID"
wait_eq 30 $((n0 + 1)) logged "configuration reloaded"
establishes enb11 "enb11 establishes (responder down, revocation if-available)"
check_range "$(logged 'revocation status unknown')" 1 10 "ikud logs the unknown status it accepted"
write_ikud_conf require
n0=$(logged "configuration reloaded")
kill -HUP "$IKUD_PID"
wait_eq 30 $((n0 + 1)) logged "configuration reloaded"
refused enb12 "revocation status unknown"
check_eq "$(ike_of fqdn:enb2.enb.example.net) $(ike_of fqdn:enb11.enb.example.net)" "1 1" \
	"the reloads kept the tunnels whose certificates are still valid"

[ "$sgw_ret" -eq 0 ] || dump_logs
test_exit
