#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Primary and backup gateways, each running ikud and FRR, and a CSR that
# learns the eNodeBs' inner prefixes from both over BGP; at least 20
# strongSwan eNodeBs, each with a tunnel to both gateways (dual tunnel
# model, active/standby). The topology is drawn in lib_secgw.sh.
#
# Cases: every eNodeB's /32 reaches the CSR from both gateways, best via the
# primary (local-preference 200, MED = ikud's metric), second via the backup
# (150); MME traffic to the eNodeBs crosses the primary's tunnels only; a
# CHILD_SA rekeyed by the operator (sgwctl ike sa rekey) keeps its route; a
# tunnel deleted at the primary (by the eNodeB, or by the operator through
# ikud's control socket) is withdrawn at the CSR within 2 s, and that
# eNodeB's traffic moves to its backup tunnel; SIGKILL of the primary's ikud
# and a restart leave no route without a tunnel, in the gateway's VRF or at
# the CSR, and the eNodeBs' tunnels and routes come back by DPD; eNodeBs
# that vanish without a word are declared dead by the gateways' DPD, and
# their routes leave both gateways and the CSR.
#
# sgw-timeout: 900

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_frr.sh"

require_cmd ip jq swanctl nsenter unshare vtysh "$FRR_SBIN/zebra" "$FRR_SBIN/bgpd"
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
[ -x "$IKUD" ] || skip "$IKUD not built"
require_module esp4 vrf xfrm_interface bridge

dir=$(mktemp -d /tmp/ike_ha.XXXXXX)
at_exit "rm -rf $dir"
source "$(dirname "$0")/lib_secgw.sh"
N=${SGW_HA_ENB:-20}


# CSR paths of the eNodeB prefixes matching an awk condition on
# "PREFIX NEXTHOP LOCPREF MED best|-"
csr_count() { secgw_csr_paths | awk "$1 { n++ } END { print n + 0 }"; }
csr_count_is() { [ "$(csr_count "$2")" = "$1" ]; }
# The CSR's FIB forwards PREFIX via the backup: cheap enough (no vtysh, no
# jq) to time a withdrawal by polling.
csr_fib_via_backup() { ip -n "$CSR" route show vrf s1 "$1" | grep -q "via ${SECGW_CORE[2]} "; }
csr_best_via() { secgw_csr_paths | grep -q "^$1/32 $2 .* best$"; }
PRIMARY_BEST="\$2 == \"${SECGW_CORE[1]}\" && \$3 == 200 && \$4 == $SECGW_METRIC && \$5 == \"best\""
BACKUP_2ND="\$2 == \"${SECGW_CORE[2]}\" && \$3 == 150 && \$4 == $SECGW_METRIC && \$5 == \"-\""
VIA_PRIMARY="\$2 == \"${SECGW_CORE[1]}\""

tx_packets() {	# packets sent into the tunnels of gateway G
	ip -n "$(secgw_gw_ns "$1")" -s -j link show ipsec0 |
		jq '.[0].stats64.tx.packets'
}
mme_ping() {	# ping eNodeB K's inner address from the MME
	ip netns exec "$MME" ping -c 1 -W 2 "10.100.0.$1" >/dev/null 2>&1
}
mme_ping_all() {
	local k ok=0
	for ((k = 1; k <= N; k++)); do
		mme_ping "$k" && ok=$((ok + 1))
	done
	echo "$ok"
}

# Routes of gateway G that no installed CHILD_SA claims ("" when none).
stale_routes() {
	comm -23 <(secgw_routes "$1" | awk '{ print ($1 ~ /\//) ? $1 : $1 "/32" }' | sort -u) \
		<(secgw_ctl "$1" sa show | jq -r '.sas[].children[].remote_ts[]' | sort -u) |
		paste -sd ' '
}

dump_logs() {
	local g
	for g in 1 2; do
		echo "# --- ikud gw$g (tail)"; tail -n 15 "$dir/ikud-gw$g.log" | sed 's/^/# /'
	done
	echo "# --- charon (tail)"; tail -n 15 "$dir/charon.log" | sed 's/^/# /'
}

# --- set-up ---------------------------------------------------------------

secgw_net "$N"
log_test $? "$N eNodeBs, a primary and a backup gateway (VRF s1, ipsec0), a CSR and an MME"
secgw_frr
rc=$?
log_test $rc "FRR: the CSR's BGP sessions to both gateways are Established"
[ $rc = 0 ] || test_exit
secgw_ikud_start 1 && secgw_ikud_start 2
rc=$?
log_test $rc "ikud runs on both gateways"
secgw_charon_start
log_test $? "charon loads $((2 * N)) connections ($N eNodeBs x 2 gateways)"
[ $rc = 0 ] || { dump_logs; test_exit; }

conns() {	# conns SUFFIX: enb1-SUFFIX ... enbN-SUFFIX
	local k
	for ((k = 1; k <= N; k++)); do echo "enb$k-$1"; done
}
t0=$(now_ms)
# shellcheck disable=SC2046
secgw_initiate $(conns p)
log_test $? "$N eNodeBs establish their tunnels to the primary"
# shellcheck disable=SC2046
secgw_initiate $(conns b)
log_test $? "and to the backup"
echo "# $((2 * N)) tunnels in $(( ($(now_ms) - t0) / 1000 )) s"

for g in 1 2; do
	check_eq "$(secgw_ike_count $g)" "$N" "gw$g: IKE SAs established"
	check_eq "$(secgw_child_count $g)" "$N" "gw$g: CHILD_SAs installed"
	check_eq "$(secgw_routes $g | grep -c "dev ipsec0 .*metric $SECGW_METRIC")" "$N" \
		"gw$g: routes via ipsec0 with ikud's metric in VRF s1"
done

# --- BGP at the CSR -----------------------------------------------------------

wait_until 20 csr_count_is $((2 * N)) 1
check_eq "$(csr_count 1)" $((2 * N)) "CSR: two paths per eNodeB prefix"
check_eq "$(csr_count "$PRIMARY_BEST")" "$N" \
	"CSR: best via the primary ${SECGW_CORE[1]}, local-pref 200, MED $SECGW_METRIC"
check_eq "$(csr_count "$BACKUP_2ND")" "$N" "CSR: second via the backup ${SECGW_CORE[2]}, local-pref 150"
secgw_csr_paths | grep '^10\.100\.0\.1/32' | sed 's/^/# csr: /'

# --- traffic: the primary's tunnels carry it ----------------------------------

tx1=$(tx_packets 1) tx2=$(tx_packets 2)
check_eq "$(mme_ping_all)" "$N" "the MME reaches every eNodeB"
check_range $(($(tx_packets 1) - tx1)) "$N" $((N + 10)) "through the primary's tunnels (packets)"
check_eq $(($(tx_packets 2) - tx2)) 0 "none through the backup's"

# --- the operator rekeys a tunnel: it stays, so does its route ------------------

enb1_spi() {
	secgw_ctl 1 sa show |
		jq -r '[.sas[] | select(.remote_id == "fqdn:enb1.enb.example.net") | .children[].spi_in][0]'
}
child_rekeys() { secgw_ctl 1 stats | jq .child_rekeys; }
spi=$(enb1_spi) rekeys=$(child_rekeys)
ip netns exec "$GW1" "$SGWCTL" ike socket "$dir/ikud-gw1.sock" sa rekey child "$spi" >/dev/null
log_test $? "sgwctl ike sa rekey child $spi (eNodeB 1 on the primary)"
rekeyed() { [ "$(child_rekeys)" = $((rekeys + 1)) ] && [ "$(enb1_spi)" != "$spi" ]; }
wait_until 30 rekeyed
log_test $? "the CHILD_SA is rekeyed (inbound SPI $spi -> $(enb1_spi))"
check_eq "$(secgw_routes 1 | grep -c '^10\.100\.0\.1 ')" 1 "its route is still there"
csr_best_via 10.100.0.1 "${SECGW_CORE[1]}"
log_test $? "CSR: still best via the primary"
tx1=$(tx_packets 1)
mme_ping 1
log_test $? "the MME reaches eNodeB 1"
check_range $(($(tx_packets 1) - tx1)) 1 5 "through the primary's new SA (packets)"
ip netns exec "$GW1" "$SGWCTL" ike socket "$dir/ikud-gw1.sock" sa rekey child 0xzz 2>/dev/null
check_eq $? 1 "sgwctl refuses a malformed SPI"

# --- a tunnel deleted at the primary is withdrawn within 2 s --------------------

# The clock starts when gw1 has removed the route, i.e. when ikud has the
# peer's DELETE (as in ike_rri): the time swanctl and charon take to send
# it is the eNodeB's, not the gateway's, and under emulation it alone may
# pass 1.5 s.
gw1_lacks() { ! secgw_routes 1 | grep -q "^$1 "; }
secgw_swan --terminate --ike enb5-p >/dev/null 2>&1 &
bg=$!
wait_until 10 gw1_lacks 10.100.0.5
log_test $? "eNodeB 5 deletes its primary tunnel: gw1 removes its route"
ms=$(ms_until csr_fib_via_backup 10.100.0.5)
wait $bg
check_range "$ms" 0 2000 "the CSR forwards via the backup within 2 s (ms)"
wait_until 5 csr_best_via 10.100.0.5 "${SECGW_CORE[2]}"
log_test $? "CSR: eNodeB 5 now best via the backup in BGP"
check_eq "$(secgw_csr_paths | grep -c "^10\.100\.0\.5/32 ${SECGW_CORE[1]} ")" 0 "CSR: the primary's path is withdrawn"
tx2=$(tx_packets 2)
mme_ping 5
log_test $? "the MME still reaches eNodeB 5"
check_range $(($(tx_packets 2) - tx2)) 1 5 "through its backup tunnel (packets)"

secgw_ctl 1 sa terminate remote-id enb6.enb.example.net >"$dir/terminate.out" &
bg=$!
ms=$(ms_until csr_fib_via_backup 10.100.0.6)
wait $bg
check_range "$ms" 0 2000 "the operator terminates eNodeB 6's primary tunnel: CSR via the backup within 2 s (ms)"
check_eq "$(secgw_child_count 1)" $((N - 2)) "gw1: $((N - 2)) CHILD_SAs left"
check_eq "$(stale_routes 1)" "" "gw1: no route without a tunnel"
wait_until 10 mme_ping 6
log_test $? "the MME still reaches eNodeB 6 (through its backup tunnel)"

# --- SIGKILL of the primary's ikud, and a restart --------------------------------

secgw_ikud_stop 1 KILL
check_eq "$(secgw_routes 1 | grep -c .)" $((N - 2)) "gw1: ikud killed, its routes stay in the kernel"
secgw_ikud_start 1
log_test $? "ikud restarts on the primary"
check_eq "$(stale_routes 1)" "" "gw1: after the restart, no route without a tunnel"
stale_at_csr() {	# CSR paths via the primary that gw1 has no route for
	local p
	for p in $(secgw_csr_paths | awk "$VIA_PRIMARY { print \$1 }"); do
		secgw_routes 1 | grep -q "^${p%/32} " || echo "$p"
	done
}
no_stale_at_csr() { [ -z "$(stale_at_csr)" ]; }
wait_until 10 no_stale_at_csr
check_eq "$(stale_at_csr | tr '\n' ' ')" "" "CSR: no path via the primary without a route behind it"
echo "# the eNodeBs' DPD notices the lost SAs and re-initiates"
children_are() { [ "$(secgw_child_count "$1")" = "$2" ]; }
wait_until 120 children_are 1 $((N - 2))
check_eq "$(secgw_child_count 1)" $((N - 2)) "gw1: the $((N - 2)) tunnels are back"
check_eq "$(secgw_routes 1 | grep -c .)" $((N - 2)) "gw1: with their routes"
check_eq "$(stale_routes 1)" "" "gw1: every route has its tunnel"
wait_until 20 csr_count_is $((N - 2)) "$PRIMARY_BEST"
check_eq "$(csr_count "$PRIMARY_BEST")" $((N - 2)) "CSR: best via the primary again"
check_eq "$(secgw_child_count 2)" "$N" "gw2: the backup kept its $N tunnels"
check_eq "$(mme_ping_all)" "$N" "the MME reaches every eNodeB"

# --- the eNodeBs vanish: DPD removes their tunnels and routes ----------------------

dead_before=$(secgw_ctl 2 stats | jq .failures.dead_peer)
kill -KILL "$SECGW_CHARON_PID"
wait "$SECGW_CHARON_PID" 2>/dev/null
SECGW_CHARON_PID=
echo "# charon killed: no DELETE is sent, the gateways' DPD (every 5 s, 3 tries) notices"
wait_until 90 children_are 1 0 && wait_until 30 children_are 2 0
check_eq "$(secgw_child_count 1)/$(secgw_child_count 2)" 0/0 "DPD removed every tunnel on both gateways"
check_eq $(($(secgw_ctl 2 stats | jq .failures.dead_peer) - dead_before)) "$N" \
	"gw2 counted $N dead peers"
check_eq "$(secgw_routes 1 | grep -c .)/$(secgw_routes 2 | grep -c .)" 0/0 \
	"no route left on either gateway"
wait_until 20 csr_count_is 0 1
check_eq "$(csr_count 1)" 0 "CSR: no eNodeB prefix left"
secgw_ikud_stop 1
secgw_ikud_stop 2
check_eq "$(cat "$dir"/ikud-gw*.log | grep -cE 'Sanitizer|runtime error')" 0 "no sanitizer report from ikud"

[ "$sgw_ret" = 0 ] || dump_logs
test_exit
