# SPDX-License-Identifier: GPL-2.0
# The distributed SecGW of the design guide in network namespaces: eNodeBs
# with a tunnel to a primary and to a backup gateway (the dual tunnel model,
# active/standby), each gateway terminating them with ikud and announcing
# their inner prefixes over BGP (FRR) to a router that reaches the MME.
# Used by the ike_ha kselftest and by tools/demo/secgw-demo. Source after
# lib.sh and lib_frr.sh; set $dir (scratch directory) first. It brings
# lib_ike.sh (ctl_at, write_strongswan_conf, charon_spawn, swan_at).
#
#  $ENB: eNodeB k, one charon            $GW1 primary (lp 200)        $CSR          $MME
#  outer 192.0.2.(10+k) on bridge tr     tr-g 192.0.2.1               VRF s1
#  inner 10.100.0.k/32 on lo             ipsec0 (if_id 42) in VRF s1
#                                        core 10.9.1.1/30 ----------- c1 10.9.1.2/30
#  tunnels enbk-p -> 192.0.2.1           $GW2 backup (lp 150)          c2 10.9.2.2/30
#          enbk-b -> 192.0.2.2           tr-g 192.0.2.2                mme 10.9.0.1/24 -- 10.9.0.10
#                                        ipsec0 (if_id 42) in VRF s1
#                                        core 10.9.2.1/30 ----------- c2
#
# The CSR learns each eNodeB's /32 from both gateways (iBGP, AS 65000) and
# prefers the primary; the eNodeB's charon keeps one policy for both of its
# tunnels and uses the primary's while it lives: traffic goes both ways
# through the primary, and through the backup once the primary is gone.
#
#   secgw_net N             namespaces, links, addresses, VRFs
#   secgw_frr               zebra and bgpd on both gateways and the CSR
#   secgw_ikud_start G      ikud on gateway G (1 or 2); secgw_ikud_stop G [SIG]
#   secgw_ctl G ARGS        sgwctl -j ike ARGS on gateway G's ikud
#   secgw_charon_start      charon in $ENB with enbk-p and enbk-b, k = 1..N
#   secgw_swan ARGS         swanctl against that charon
#   secgw_initiate CONN...  initiate the given connections, a few at a time
#   secgw_csr_paths         "PREFIX NEXTHOP LOCPREF MED best|-" at the CSR,
#                           eNodeB prefixes only
#   secgw_routes G          ikud's routes (proto 250) in gateway G's VRF s1

source "$(dirname "${BASH_SOURCE[0]}")/lib_ike.sh"

SECGW_N=0
SECGW_TABLE=10
SECGW_METRIC=1024
SECGW_LP=(- 200 150)		# local-preference of gateway 1 and 2
SECGW_CORE=(- 10.9.1.1 10.9.2.1)	# gateway G's address towards the CSR
SECGW_PSK=${SECGW_PSK:-"secgw-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"}
SECGW_IKUD_PID=(- "" "")
SECGW_CHARON_PID=

secgw_gw_ns() { [ "$1" = 1 ] && echo "$GW1" || echo "$GW2"; }

secgw_net() {
	local n=$1 k g ns
	SECGW_N=$n
	setup_ns ENB GW1 GW2 CSR MME || return 1
	ip -n "$ENB" link add tr type bridge &&
	ip -n "$ENB" link set tr up || return 1
	for ((k = 1; k <= n; k++)); do
		ip -n "$ENB" addr add "192.0.2.$((10 + k))/24" dev tr &&
		ip -n "$ENB" addr add "10.100.0.$k/32" dev lo || return 1
	done
	ip -n "$ENB" route add 10.9.0.0/24 dev tr
	ip -n "$CSR" link add s1 type vrf table $SECGW_TABLE &&
	ip -n "$CSR" link set s1 up || return 1
	for g in 1 2; do
		ns=$(secgw_gw_ns $g)
		ip link add "tr-$g" netns "$ENB" type veth peer name tr-g netns "$ns" &&
		ip -n "$ENB" link set "tr-$g" master tr up &&
		ip -n "$ns" addr add "192.0.2.$g/24" dev tr-g &&
		ip -n "$ns" link set tr-g up &&
		ip -n "$ns" link add s1 type vrf table $SECGW_TABLE &&
		ip -n "$ns" link set s1 up &&
		ip -n "$ns" link add ipsec0 type xfrm dev tr-g if_id 42 &&
		ip -n "$ns" link set ipsec0 master s1 up &&
		ip link add core netns "$ns" type veth peer name "c$g" netns "$CSR" &&
		ip -n "$ns" link set core master s1 up &&
		ip -n "$ns" addr add "${SECGW_CORE[$g]}/30" dev core &&
		ip -n "$CSR" link set "c$g" master s1 up &&
		ip -n "$CSR" addr add "10.9.$g.2/30" dev "c$g" &&
		ip -n "$ns" route add vrf s1 10.9.0.0/24 via "10.9.$g.2" &&
		ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 || return 1
	done
	csr_mme_net
}

secgw_frr() {
	local g ns
	for g in 1 2; do
		ns=$(secgw_gw_ns $g)
		frr_start "$ns" "hostname gw$g" "hostname gw$g
$(frr_rri_map RRI-S1 10.100.0.0/16 "${SECGW_LP[$g]}" $SECGW_METRIC)
$(frr_bgp_vrf s1 "10.255.0.$g" RRI-S1 "10.9.$g.2")" || return 1
	done
	frr_start "$CSR" "hostname csr" "hostname csr
$(frr_bgp_vrf s1 10.255.0.3 - "${SECGW_CORE[1]}" "${SECGW_CORE[2]}")" || return 1
	wait_until 60 frr_bgp_established "$CSR" s1 "${SECGW_CORE[1]}" &&
	wait_until 30 frr_bgp_established "$CSR" s1 "${SECGW_CORE[2]}"
}

secgw_ikud_conf() {
	cat <<EOF
log-level ${SECGW_LOG_LEVEL:-info};
control $dir/ikud-gw$1.sock;
workers 2;
gateway s1 {
	local 192.0.2.$1;
	xfrm-interface ipsec0 if_id 42;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16-ecp256;
	psk "$SECGW_PSK" for id *.enb.example.net;
	remote-ts 10.100.0.0/16;
	local-ts 10.9.0.0/24;
	route-metric $SECGW_METRIC;
	dpd interval 5 threshold 3;
}
EOF
}

secgw_ikud_start() {
	local g=$1
	secgw_ikud_conf "$g" >"$dir/ikud-gw$g.conf"
	ip netns exec "$(secgw_gw_ns "$g")" "$IKUD" -c "$dir/ikud-gw$g.conf" -d \
		>>"$dir/ikud-gw$g.log" 2>&1 &
	SECGW_IKUD_PID[$g]=$!
	wait_until 10 test -S "$dir/ikud-gw$g.sock"
}

secgw_ikud_stop() {
	local g=$1 pid=${SECGW_IKUD_PID[$1]}
	[ -n "$pid" ] || return 0
	kill -"${2:-TERM}" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	SECGW_IKUD_PID[$g]=""
	rm -f "$dir/ikud-gw$g.sock"
}

secgw_ctl() { ctl_at "$dir/ikud-gw$1.sock" "${@:2}"; }

# established IKE SAs and installed CHILD_SAs of gateway G
secgw_ike_count() { ike_count "$dir/ikud-gw$1.sock"; }
secgw_child_count() { child_count "$dir/ikud-gw$1.sock"; }

secgw_routes() {
	ip -n "$(secgw_gw_ns "$1")" route show table $SECGW_TABLE proto 250
}

# One connection per eNodeB and gateway; "-p" to the primary, "-b" to the
# backup. Both CHILD_SAs have the same traffic selectors, so charon keeps one
# kernel policy for them and points it at the SA of the higher priority (the
# lower value): the primary's while it lives. DPD every 2 s and three
# retransmissions (2, 2.8, 3.9 and 5.5 s), so that an eNodeB gives up a dead
# gateway in about 16 s and re-initiates (dpd_action restart).
secgw_conn() {	# K G SUFFIX
	swan_conn "enb$1-$3" laddr=192.0.2.$((10 + $1)) raddr=192.0.2.$2 \
		lid="enb$1.enb.example.net" lts="10.100.0.$1/32" rts=10.9.0.0/24 \
		esp=aes128gcm16-ecp256 child=s1 c.dpd_delay=2s ch.priority=$((1000 * $2)) \
		ch.dpd_action=restart
}

secgw_charon_start() {
	local k
	write_strongswan_conf "retransmit_tries = 3" "retransmit_timeout = 2.0" \
		"retransmit_base = 1.4"
	local conns=()
	for ((k = 1; k <= SECGW_N; k++)); do
		conns+=("$(secgw_conn "$k" 1 p)" "$(secgw_conn "$k" 2 b)")
	done
	charon_run SECGW_CHARON_PID "$SECGW_PSK" "${conns[@]}"
}

secgw_charon_stop() { charon_stop SECGW_CHARON_PID; }

secgw_swan() { swan_at "$SECGW_CHARON_PID" "$@"; }

SECGW_PARALLEL=${SECGW_PARALLEL:-4}
secgw_initiate() { swan_initiate_each "$SECGW_CHARON_PID" "$SECGW_PARALLEL" "$@"; }

secgw_csr_paths() {
	frr_bgp_paths "$CSR" s1 | grep '^10\.100\.' || true
}

secgw_cleanup() {
	secgw_charon_stop
	secgw_ikud_stop 1
	secgw_ikud_stop 2
}
at_exit secgw_cleanup
