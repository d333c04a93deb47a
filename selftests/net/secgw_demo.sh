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

out=$(SGW_DEMO_ENB=4 "$SGW_TOP/tools/demo/secgw-demo" 2>&1)
rc=$?
echo "$out" | grep -v "plugin '\|opening directory" | sed 's/^/  /'
check_eq "$rc" 0 "the demonstration completes"
echo "$out" | grep -q '^   gw1 (primary): 4 IKE SAs, 4 CHILD_SAs'
log_test $? "the demonstration reports 4 tunnels on the primary"
echo "$out" | grep -q '^   gw2 (backup): 4 IKE SAs, 4 CHILD_SAs'
log_test $? "and 4 on the backup"

out=$(SGW_DEMO_ENB=4 "$SGW_TOP/tools/demo/anycast-demo" 2>&1)
rc=$?
echo "$out" | grep -v "plugin '\|opening directory" | sed 's/^/  /'
check_eq "$rc" 0 "the anycast demonstration completes"
echo "$out" | grep -q '^   4 eNodeBs re-established on gw2'
log_test $? "it reports the 4 eNodeBs re-established on the backup"
echo "$out" | grep -q '^   gw1: standby after its hold-down'
log_test $? "and the restarted primary in standby"

test_exit
