#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module loads and unloads cleanly, as on a router (modprobe from
# /lib/modules/$(uname -r)/extra), and reports its version.

source "$(dirname "$0")/lib.sh"

modinfo sgw >/dev/null 2>&1 || skip "sgw.ko is not installed"
lsmod | grep -qw '^sgw' && modprobe -r sgw

modprobe sgw
log_test $? "modprobe sgw"
grep -qx 'sgw [0-9]* [0-9]* - Live .*' /proc/modules 2>/dev/null ||
	grep -q '^sgw ' /proc/modules
log_test $? "sgw listed in /proc/modules"
check_eq "$(cat /sys/module/sgw/version 2>/dev/null)" "$(modinfo -F version sgw)" \
	"loaded version matches modinfo"
modprobe -r sgw
log_test $? "modprobe -r sgw"
! grep -q '^sgw ' /proc/modules
log_test $? "sgw gone from /proc/modules"

test_exit
