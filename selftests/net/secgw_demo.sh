#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's main command stays true: the demonstration (make demo runs
# tools/demo/run in the VM) must, in secgw-demo, establish every tunnel on
# both gateways, show the routes at the CSR, deliver the S1-AP messages,
# police the storm, spare the quiet eNodeBs and carry the traffic through
# the backup once the primary fails; in anycast-demo, bring every eNodeB to
# the one address's primary, withdraw it when the primary's ikud dies, carry
# S1-AP through the backup and keep the restarted primary in standby. Each
# script checks these itself and exits non-zero on any miss; its topology is
# drawn at its top.
#
# sgw-timeout: 900

source "$(dirname "$0")/lib.sh"

require_cmd swanctl python3 jq nsenter vtysh
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"

# demo SCRIPT DESC [PATTERN DESC]...: run a demonstration with 4 eNodeBs, show
# its output, check its status and that it printed each line PATTERN
demo() {
	local out rc
	out=$(SGW_DEMO_ENB=4 "$SGW_TOP/tools/demo/$1" 2>&1)
	rc=$?
	echo "$out" | grep -v "plugin '\|opening directory" | sed 's/^/  /'
	check_eq "$rc" 0 "$2"
	shift 2
	while [ $# -ge 2 ]; do
		grep -q "^   $1" <<<"$out"
		log_test $? "$2"
		shift 2
	done
}

demo secgw-demo "the demonstration completes" \
	'gw1 (primary): 4 IKE SAs, 4 CHILD_SAs' "the demonstration reports 4 tunnels on the primary" \
	'gw2 (backup): 4 IKE SAs, 4 CHILD_SAs' "and 4 on the backup"
demo anycast-demo "the anycast demonstration completes" \
	'4 eNodeBs re-established on gw2' "it reports the 4 eNodeBs re-established on the backup" \
	'gw1: standby after its hold-down' "and the restarted primary in standby"

test_exit
