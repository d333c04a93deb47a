# SPDX-License-Identifier: GPL-2.0
# An anycast region of the design guide in network namespaces: three
# gateways (primary, backup, second backup) share one IKE address, the
# anycast group "region" of sgw.ko on each; the eNodeBs know that one
# address; a cell-site router (CSR) reaches whichever gateway announces it
# with the best local-preference. Used by the anycast_region kselftest, by
# bench/anycast_restore.sh and by the demo. Source after lib.sh and
# lib_frr.sh; set $dir (scratch directory) first. It brings lib_ike.sh.
#
#  $ENB: eNodeB k (one charon)     $CSR, VRF s1, route reflector       $GWg, g = 1 2 3, VRF s1
#  outer 192.0.2.(10+k) -------- enb 192.0.2.1
#  inner 10.100.0.k/32             ag 10.1.g.2 ---------------------- acc 10.1.g.1  BGP, IKE, ESP
#  SecGW 203.0.113.1               cg 10.2.g.2 ---------------------- core 10.2.g.1 to the MME
#                                  mme 10.9.0.1 --- $MME 10.9.0.10      ac-region 203.0.113.1/32
#                                                                       ipsec0 (xfrm if_id 42)
#
# Each gateway announces 203.0.113.1/32 while its group is active
# (redistribute connected, local-preference 200, 150, 100), and its RRI
# routes with 203.0.113.1 as BGP next hop: the CSR sends an eNodeB's
# traffic to whichever gateway holds the address, so a dead gateway's
# routes (a killed ikud cannot remove them) attract nothing. The CSR
# reflects the anycast route, alone, to the gateways (next hop itself):
# that route in a gateway's VRF table is how its group learns that another
# gateway announces the address (no-preempt).
#
#   region_net N             namespaces, links, addresses, VRFs
#   region_frr               zebra and bgpd on the gateways and the CSR
#   region_sgwctl G ARGS     sgwctl in gateway G's namespace
#   region_group G ARGS      sgwctl anycast add region ... ARGS on gateway G
#   region_state G           the group's state on gateway G ("" without it;
#                            wait_eq SECS STATE region_state G waits for one)
#   region_ikud_start G / region_ikud_stop G [SIG] / region_ctl G REQUEST
#   region_charon_start      charon in $ENB with enbk (k = 1..N) to 203.0.113.1
#   region_swan ARGS         swanctl against that charon
#   region_initiate CONN...  initiate the given connections, a few at a time
#   region_csr_via           the gateway (1, 2, 3) the CSR's FIB sends the
#                            anycast address to ("" none)
#   region_mme_start         the MME's S1-AP server (SCTP 36412) in $MME
#   region_mme_total         S1-AP messages the MME has received
#   region_s1ap_round COUNT  every eNodeB sends COUNT messages; prints how
#                            many eNodeBs succeeded
#   region_ike_count G / region_child_count G   established SAs on gateway G
#   region_children_are G N  true if gateway G holds N CHILD_SAs
#   region_ike_spis G        gateway G's IKE SAs, "SPIi SPIr" lines, sorted

source "$(dirname "${BASH_SOURCE[0]}")/lib_ike.sh"

REGION_N=0
REGION_ADDR=203.0.113.1
REGION_GROUP=region
REGION_TABLE=10
REGION_METRIC=1024
REGION_LP=(- 200 150 100)
REGION_PSK=${REGION_PSK:-"region-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"}
REGION_IKUD_PID=(- "" "" "")
REGION_CHARON_PID=

region_gw_ns() {
	case $1 in
	1) echo "$GW1" ;;
	2) echo "$GW2" ;;
	*) echo "$GW3" ;;
	esac
}

region_gw_net() {	# G: the gateway's VRF, links to the CSR, xfrm interface
	local g=$1 ns l
	ns=$(region_gw_ns "$g")
	ip -n "$ns" link add s1 type vrf table $REGION_TABLE &&
	ip -n "$ns" link set s1 up &&
	ip link add acc netns "$ns" type veth peer name "a$g" netns "$CSR" &&
	ip link add core netns "$ns" type veth peer name "c$g" netns "$CSR" || return 1
	for l in acc core; do
		ip -n "$ns" link set $l master s1 up || return 1
	done
	ip -n "$ns" addr add "10.1.$g.1/30" dev acc &&
	ip -n "$ns" addr add "10.2.$g.1/30" dev core &&
	ip -n "$CSR" link set "a$g" master s1 up &&
	ip -n "$CSR" link set "c$g" master s1 up &&
	ip -n "$CSR" addr add "10.1.$g.2/30" dev "a$g" &&
	ip -n "$CSR" addr add "10.2.$g.2/30" dev "c$g" &&
	ip -n "$ns" link add ipsec0 type xfrm dev acc if_id 42 &&
	ip -n "$ns" link set ipsec0 master s1 up &&
	ip -n "$ns" route add vrf s1 192.0.2.0/24 via "10.1.$g.2" &&
	ip -n "$ns" route add vrf s1 10.9.0.0/24 via "10.2.$g.2" &&
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
}

region_net() {
	local n=$1 k g
	REGION_N=$n
	setup_ns ENB GW1 GW2 GW3 CSR MME || return 1
	ip link add tr netns "$ENB" type veth peer name enb netns "$CSR" &&
	ip -n "$ENB" link set tr up || return 1
	for ((k = 1; k <= n; k++)); do
		ip -n "$ENB" addr add "192.0.2.$((10 + k))/24" dev tr &&
		ip -n "$ENB" addr add "10.100.0.$k/32" dev lo || return 1
	done
	ip -n "$ENB" route add default via 192.0.2.1 &&
	ip -n "$CSR" link add s1 type vrf table $REGION_TABLE &&
	ip -n "$CSR" link set s1 up &&
	ip -n "$CSR" link set enb master s1 up &&
	ip -n "$CSR" addr add 192.0.2.1/24 dev enb || return 1
	for g in 1 2 3; do
		region_gw_net $g || return 1
	done
	csr_mme_net
}

# bgpd.conf of gateway G: the anycast /32 while the group is active, the
# RRI routes with the anycast address as next hop, both with G's
# local-preference.
region_gw_bgpd() {
	local g=$1 lp=${REGION_LP[$1]}
	cat <<EOF
hostname gw$g
ip prefix-list ANYCAST seq 10 permit $REGION_ADDR/32
route-map ANYCAST permit 10
 match ip address prefix-list ANYCAST
 set local-preference $lp
route-map ANYCAST deny 100
$(frr_rri_map RRI 10.100.0.0/16 "$lp" $REGION_METRIC)
route-map RRI permit 10
 set ip next-hop $REGION_ADDR
$(frr_bgp_vrf s1 "10.255.0.$g" RRI "10.1.$g.2")
router bgp 65000 vrf s1
 address-family ipv4 unicast
  redistribute connected route-map ANYCAST
 exit-address-family
EOF
}

# bgpd.conf of the CSR: the gateways are route-reflector clients; only the
# anycast route is reflected to them, with the CSR as next hop.
region_csr_bgpd() {
	local g
	cat <<EOF
hostname csr
ip prefix-list ANYCAST seq 10 permit $REGION_ADDR/32
route-map TO-GW permit 10
 match ip address prefix-list ANYCAST
route-map TO-GW deny 100
$(frr_bgp_vrf s1 10.255.0.100 - 10.1.1.1 10.1.2.1 10.1.3.1)
router bgp 65000 vrf s1
 address-family ipv4 unicast
EOF
	for g in 1 2 3; do
		printf '  neighbor 10.1.%s.1 route-reflector-client\n' "$g"
		printf '  neighbor 10.1.%s.1 next-hop-self force\n' "$g"
		printf '  neighbor 10.1.%s.1 route-map TO-GW out\n' "$g"
	done
	echo " exit-address-family"
}

# The daemons log into $dir/frr (REGION_FRR_DEBUG=1: with zebra's and
# bgpd's debugging on).
region_frr_log() {	# NAME DAEMON
	echo "log file $dir/frr/$2-$1.log informational"
	[ -n "${REGION_FRR_DEBUG:-}" ] || return 0
	echo "log file $dir/frr/$2-$1.log debugging"
	if [ "$2" = zebra ]; then
		printf 'debug zebra events\ndebug zebra kernel\ndebug zebra rib\n'
	else
		printf 'debug bgp updates\ndebug bgp zebra\ndebug bgp nht\n'
	fi
}

region_frr() {
	local g
	mkdir -p "$dir/frr" && chmod 1777 "$dir/frr" && chmod o+x "$dir" || return 1
	for g in 1 2 3; do
		frr_start "$(region_gw_ns $g)" "hostname gw$g
$(region_frr_log gw$g zebra)" "$(region_gw_bgpd $g)
$(region_frr_log gw$g bgpd)" || return 1
	done
	frr_start "$CSR" "hostname csr
$(region_frr_log csr zebra)" "$(region_csr_bgpd)
$(region_frr_log csr bgpd)" || return 1
	for g in 1 2 3; do
		wait_until 60 frr_bgp_established "$CSR" s1 "10.1.$g.1" || return 1
	done
}

region_sgwctl() {
	ip netns exec "$(region_gw_ns "$1")" "$SGWCTL" "${@:2}"
}

region_group() {
	region_sgwctl "$1" anycast add $REGION_GROUP vrf s1 address $REGION_ADDR/32 "${@:2}"
}

region_state() {
	region_sgwctl "$1" -j anycast show $REGION_GROUP 2>/dev/null | jq -r '.[0].state' 2>/dev/null
}

region_ikud_conf() {
	cat <<EOF
log-level ${REGION_LOG_LEVEL:-info};
control $dir/ikud-gw$1.sock;
workers 2;
gateway s1 {
	local $REGION_ADDR;
	vrf s1;
	xfrm-interface ipsec0 if_id 42;
	ike-proposals aes128gcm16-prfsha256-ecp256;
	esp-proposals aes128gcm16-ecp256;
	psk "$REGION_PSK" for id *.enb.example.net;
	remote-ts 10.100.0.0/16;
	local-ts 10.9.0.0/24;
	route-metric $REGION_METRIC;
	dpd interval 5 threshold 3;
	anycast $REGION_GROUP;
	${REGION_IKUD_EXTRA:-}
}
EOF
}

region_ikud_start() {
	local g=$1
	region_ikud_conf "$g" >"$dir/ikud-gw$g.conf"
	chmod 600 "$dir/ikud-gw$g.conf"
	ip netns exec "$(region_gw_ns "$g")" "$IKUD" -c "$dir/ikud-gw$g.conf" -d \
		>>"$dir/ikud-gw$g.log" 2>&1 &
	REGION_IKUD_PID[$g]=$!
	wait_until 10 test -S "$dir/ikud-gw$g.sock"
}

region_ikud_stop() {
	local g=$1 pid=${REGION_IKUD_PID[$1]}
	[ -n "$pid" ] || return 0
	kill -CONT "$pid" 2>/dev/null
	kill -"${2:-TERM}" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	REGION_IKUD_PID[$g]=""
	rm -f "$dir/ikud-gw$g.sock"
}

region_ctl() { ctl_at "$dir/ikud-gw$1.sock" "${@:2}"; }
region_ike_count() { ike_count "$dir/ikud-gw$1.sock"; }
region_child_count() { child_count "$dir/ikud-gw$1.sock"; }
region_children_are() { [ "$(region_child_count "$1")" = "$2" ]; }
# the IKE SAs of gateway G, "SPIi SPIr" lines, sorted
region_ike_spis() { region_ctl "$1" sa show | jq -r '.sas[] | "\(.spi_i) \(.spi_r)"' | sort; }

# One connection per eNodeB, to the one SecGW address. DPD every 2 s and
# three retransmissions (about 16 s to give up a gateway), then restart.
region_conn() {	# K
	swan_conn "enb$1" laddr="192.0.2.$((10 + $1))" raddr=$REGION_ADDR \
		lid="enb$1.enb.example.net" lts="10.100.0.$1/32" rts=10.9.0.0/24 \
		esp=aes128gcm16-ecp256 child=s1 c.dpd_delay=2s ch.dpd_action=restart
}

region_charon_start() {
	local k conns=()
	write_strongswan_conf "retransmit_tries = 3" "retransmit_timeout = 2.0" \
		"retransmit_base = 1.4" ${REGION_CHARON_EXTRA:+"$REGION_CHARON_EXTRA"}
	for ((k = 1; k <= REGION_N; k++)); do
		conns+=("$(region_conn "$k")")
	done
	charon_run REGION_CHARON_PID "$REGION_PSK" "${conns[@]}"
}

region_charon_stop() { charon_stop REGION_CHARON_PID; }

region_swan() { swan_at "$REGION_CHARON_PID" "$@"; }

REGION_PARALLEL=${REGION_PARALLEL:-4}
region_initiate() { swan_initiate_each "$REGION_CHARON_PID" "$REGION_PARALLEL" "$@"; }

region_csr_via() {
	local nh
	nh=$(ip -n "$CSR" route show vrf s1 $REGION_ADDR 2>/dev/null |
	     sed -n 's/.* via 10\.1\.\([0-9]\)\.1 .*/\1/p')
	echo "$nh"
}

region_csr_via_is() { [ "$(region_csr_via)" = "$1" ]; }

REGION_S1AP=$(dirname "${BASH_SOURCE[0]}")/s1ap.py

region_mme_start() {
	local pid
	echo '{}' >"$dir/mme.json"
	ip netns exec "$MME" python3 "$REGION_S1AP" mme 10.9.0.10 "$dir/mme.json" \
		2>"$dir/mme.err" &
	pid=$!
	at_exit "kill $pid"
	wait_until 10 test -e "$dir/mme.json.ready"
}

region_mme_total() { jq 'add // 0' "$dir/mme.json"; }

region_s1ap_round() {
	local k pids=() ok=0
	for ((k = 1; k <= REGION_N; k++)); do
		ip netns exec "$ENB" timeout 40 python3 "$REGION_S1AP" enb "10.100.0.$k" \
			10.9.0.10 "$1" 2>>"$dir/enb.err" &
		pids+=($!)
	done
	for k in "${pids[@]}"; do
		wait "$k" && ok=$((ok + 1))
	done
	echo "$ok"
}

region_cleanup() {
	region_charon_stop
	region_ikud_stop 1
	region_ikud_stop 2
	region_ikud_stop 3
}
at_exit region_cleanup
