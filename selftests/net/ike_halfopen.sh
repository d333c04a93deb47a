#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Half-open IKE SAs under a flood from one address that answers our
# cookies (RFC 7296 2.6), as in a reconnect storm after a failover:
#
#   enb netns                                      gw netns (ikud)
#   192.0.2.10-29 (20 eNodeBs, one charon)
#   192.0.2.98 (the flooder, ike_probe.py)
#   veth-e ====================================== veth-g 192.0.2.1/24
#
# ikud demands cookies from the first half-open SA on (cookie-threshold 1),
# allows 30 half-open SAs in all and 4 per source address. The flooder
# opens a new IKE_SA_INIT, returns the COOKIE, and does it again, for the
# whole test; meanwhile the 20 eNodeBs (cookies too) must all establish.
# The flooder holds at most 4 half-open SAs; the refusals are counted.

# sgw-timeout: 400
source "$(dirname "$0")/lib.sh"

require_cmd ip jq python3 swanctl nsenter unshare
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
[ -x "$IKUD" ] || skip "$IKUD not built"
require_module esp4 dummy

dir=$(mktemp -d /tmp/ike_halfopen.XXXXXX)
at_exit "rm -rf $dir"
PSK="halfopen-secret-0123456789abcdef"
N=20
PER_SOURCE=4
FLOOD_SECS=60

setup_ns ENB GW
source "$(dirname "$0")/lib_ike.sh"

ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW"
ip -n "$GW" addr add 192.0.2.1/24 dev veth-g
ip -n "$GW" link set veth-g up
gw_lan
ip -n "$ENB" link set veth-e up
for i in $(seq 1 $N) 89; do
	ip -n "$ENB" addr add 192.0.2.$((i + 9))/24 dev veth-e
done

cat >"$dir/ikud.conf" <<CONF
control $dir/ikud.sock;
workers 2;
half-open-limit 30;
half-open-per-source $PER_SOURCE;
cookie-threshold 1;
gateway s1 {
	local 192.0.2.1;
	# the second is the flooder's (ike_probe.py)
	ike-proposals aes128gcm16-prfsha256-ecp256 aes128-sha256-modp2048;
	esp-proposals aes128gcm16;
	psk "$PSK" for id *.enb.example.net;
	remote-ts 10.1.0.0/16;
	local-ts 10.2.0.0/24;
}
CONF
write_strongswan_conf "retransmit_tries = 4" "retransmit_timeout = 2" "retransmit_base = 1.4"
enb_conn() {	# I
	swan_conn "enb$1" laddr=192.0.2.$(($1 + 9)) lid="enb$1.enb.example.net" \
		lts="10.1.0.$1/32" child="enb$1"
}
conns=()
for i in $(seq 1 $N); do conns+=("$(enb_conn "$i")"); done
swan_conf "$dir/swanctl.conf" "$PSK" "${conns[@]}"

start_ikud || { log_test 1 "ikud starts"; test_exit; }
start_charon && load_swan
log_test $? "charon loads $N eNodeBs"

# The flood runs through the whole setup of the eNodeBs.
ip netns exec "$ENB" python3 "$SGW_TOP/selftests/net/ike_probe.py" 192.0.2.1 \
	cookie-flood $FLOOD_SECS 192.0.2.98 >"$dir/flood.out" 2>&1 &
flood=$!
refused() { [ "$(failures half_open_source_limit)" -gt 0 ]; }
wait_until 60 refused
log_test $? "the flooder is refused once it holds $PER_SOURCE half-open SAs"
t0=$(now_ms)
# four at a time: each blocking initiate holds one of charon's threads
seq 1 $N | xargs -P 4 -I{} timeout 120 nsenter -t "$CHARON_PID" -m -n \
	swanctl --initiate --child "enb{}" >>"$dir/initiate.out" 2>&1
wait_eq 30 $N ike_count
check_eq "$(ike_count) $(child_count)" "$N $N" "all $N eNodeBs establish during the flood"
echo "# $(($(now_ms) - t0)) ms for the $N eNodeBs"
wait "$flood"
read -r _ made <<<"$(grep '^half_open' "$dir/flood.out")"
check_range "$made" 1 $((PER_SOURCE * (FLOOD_SECS / 30 + 1))) \
	"half-open SAs the flooder made in $FLOOD_SECS s (each lives 30 s)"
check_eq "$(failures half_open_limit)" 0 "nobody met the global half-open limit"
refused=$(failures half_open_source_limit)
[ "$refused" -gt 20 ]
log_test $? "the flooder's refusals are counted ($refused half_open_source_limit)"
check_range "$(ctl stats | jq .half_open)" 0 $PER_SOURCE \
	"half-open SAs left: the flooder's at most"

if [ "$sgw_ret" -ne 0 ]; then
	tail -n 30 "$dir/ikud.log" | sed 's/^/# /'
	sed 's/^/# /' "$dir/flood.out"
	ctl stats | sed 's/^/# /'
	grep -E 'IKE_AUTH|retransmit|giving up|COOKIE' "$dir/charon.log" | tail -n 20 | sed 's/^/# /'
fi
test_exit
