#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages as an operator uses them (make deb): sgw-dkms and sgw
# installed with dpkg, sgw.ko from DKMS loaded by modprobe, ikud.service
# started by systemd with one strongSwan tunnel through it, reloaded,
# stopped and restarted after a crash; then purge, and nothing of either
# package is left.
#
#   enb netns (charon)                        gw netns (systemd, ikud.service)
#   10.1.0.1/32 on lo                         VRF s1 (table 10)
#   veth-e 203.0.113.2/24 ==================== veth-g 203.0.113.1/24
#                                               ipsec-s1 xfrm if_id 42
#                                               mme-s1 10.2.0.1/24
#
# DKMS: the module dkms built on the host for this kernel (make
# dkms-binary; compiling takes many minutes under TCG) goes where the
# sgw-dkms postinst looks for a prebuilt one, which it loads and installs
# instead of building. With SGW_DEB_BUILD=1 the postinst has dkms build it
# in the VM (give the test more time: run_kselftests -t 2400 sgw_deb).
#
# systemd: the VM's init is not systemd, so the test starts a service
# manager of its own in the gateway's netns (PID, mount and UTS namespaces
# of its own, the installed ikud.service and stand-ins for the targets it
# orders itself after). The installed ikud.conf's example gateway, with its
# '#' removed, is the gateway. Checked: READY=1 (the unit is active only
# then) with its status line; ikud runs as _ikud with CAP_NET_ADMIN and
# CAP_NET_BIND_SERVICE only, no new privileges and a seccomp filter;
# sgwctl finds the control socket by default; the tunnel carries pings and
# its route has protocol "ikud" (rt_protos.d); 'systemctl reload' reloads
# and refuses a broken file with the tunnel kept; 'systemctl stop' deletes
# the SAs; after SIGKILL, Restart=on-failure brings ikud back. dpkg --purge
# leaves no file of the packages, no module, no dkms state, no unit link.
# Needs build/deb/*.deb (make deb) and, unless SGW_DEB_BUILD=1, the archive.
#
# sgw-timeout: 1500

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_ike.sh"

require_cmd dpkg dkms systemctl systemd-analyze swanctl nsenter unshare jq readelf od
[ -x /lib/systemd/systemd ] || skip "systemd not installed"
[ -x /usr/lib/ipsec/charon ] || skip "charon not installed"
require_module esp4 vrf xfrm_interface dummy

version=$(make -s -C "$SGW_TOP" version)
kver=$(uname -r)
deb_sgw=$SGW_TOP/build/deb/sgw_${version}_amd64.deb
deb_dkms=$SGW_TOP/build/deb/sgw-dkms_${version}_all.deb
archive=$SGW_TOP/build/dkms/sgw-$version-$kver.dkms.tar.gz
[ -f "$deb_sgw" ] && [ -f "$deb_dkms" ] || skip "no packages in build/deb (run 'make deb')"
build_here=${SGW_DEB_BUILD:-0}
[ "$build_here" = 1 ] || [ -f "$archive" ] ||
	skip "no $archive (selftests/host/dkms.sh, make dkms-binary); SGW_DEB_BUILD=1 builds in the VM"

dir=$(mktemp -d /tmp/sgw_deb.XXXXXX)
at_exit "rm -rf $dir"
unit=/lib/systemd/system/ikud.service
conf=/etc/sgw/ikud.conf
sock=/run/ikud/ikud.sock
PSK="CHANGE-this-group-key-f3a9c2"	# the example's key, unchanged
SGWCTL=/usr/sbin/sgwctl			# the installed one (lib_ike.sh's ctl_at)

export DEBIAN_FRONTEND=noninteractive
# man-db's index of the host's pages over 9p takes two minutes here: off.
rm -f /var/lib/man-db/auto-update

# Only DKMS's sgw.ko may load: the harness's copy (extra/) and the module
# index go aside, and come back for the tests after this one.
mods=/lib/modules/$kver
grep -q '^sgw ' /proc/modules && modprobe -r sgw
mkdir -p "$dir/mods"
cp -a "$mods"/modules.* "$dir/mods/"
[ -f "$mods/extra/sgw.ko" ] && mv "$mods/extra/sgw.ko" "$dir/mods/"
restore_modules() {
	grep -q '^sgw ' /proc/modules && modprobe -r sgw
	cp -a "$dir"/mods/modules.* "$mods/"
	[ -f "$dir/mods/sgw.ko" ] && mv "$dir/mods/sgw.ko" "$mods/extra/"
}
at_exit restore_modules
# A failure half-way must not leave the packages to the tests after this one.
at_exit 'dpkg-query -W sgw sgw-dkms >/dev/null 2>&1 && dpkg --purge sgw sgw-dkms >/dev/null 2>&1'

# Names of ours anywhere a package or its scripts could leave something
# (the top of the big directories only: each entry costs over 9p).
leftovers() {
	{
		find /etc /usr/lib/sysusers.d /lib/systemd/system /var/lib/dkms /usr/share/sgw* \
		     /var/lib/systemd "$mods/updates" \( -name '*ikud*' -o -name 'sgw*' \)
		find /usr/src /usr/sbin /usr/share/doc /usr/share/bash-completion/completions \
		     /usr/share/man/man5 /usr/share/man/man8 -maxdepth 1 \( -name '*ikud*' -o -name 'sgw*' \)
	} 2>/dev/null | sort
}
baseline=$(leftovers)
status_of() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' '; }
took() { echo "$(($(date +%s) - $1))s"; }

# --- install -------------------------------------------------------------------
t0=$(date +%s)
dpkg --unpack "$deb_dkms" "$deb_sgw" >"$dir/dpkg.out" 2>&1
log_test $? "dpkg --unpack sgw-dkms sgw ($(took "$t0"))"
prebuilt=/usr/share/sgw-dkms/sgw-$version.dkms.tar.gz
if [ "$build_here" = 0 ]; then
	mkdir -p "${prebuilt%/*}"
	cp "$archive" "$prebuilt"
fi
t0=$(date +%s)
dpkg --configure sgw-dkms sgw >>"$dir/dpkg.out" 2>&1
log_test $? "dpkg --configure ($(took "$t0"))"
if [ "$build_here" = 0 ]; then
	rm -rf "${prebuilt%/*}"
	grep -q "^Loading tarball for sgw-$version" "$dir/dpkg.out"
	log_test $? "sgw-dkms's postinst loaded the module dkms built on the host"
else
	grep -q "^Building initial module for $kver" "$dir/dpkg.out"
	log_test $? "sgw-dkms's postinst had dkms build the module here"
fi
check_eq "$(status_of sgw-dkms) $(status_of sgw)" "ii ii" "both packages installed"
check_eq "$(dkms status sgw/"$version" -k "$kver" | sed 's/.*: //')" "installed" "dkms status"
check_eq "$(modinfo -n sgw 2>/dev/null)" "$mods/updates/dkms/sgw.ko" "modprobe's sgw is DKMS's"
getent passwd _ikud >/dev/null
log_test $? "user _ikud created"
check_eq "$(stat -c '%U:%G %a' "$conf")" "_ikud:_ikud 600" "$conf owner and mode"
check_eq "$(readlink /etc/systemd/system/multi-user.target.wants/ikud.service)" "$unit" \
	"ikud.service enabled"
out=$(systemd-analyze verify "$unit" 2>&1)
log_test $? "systemd-analyze verify $unit${out:+: $out}"
check_eq "$(/usr/sbin/ikud -V)" "ikud $version" "ikud -V"

modprobe sgw
log_test $? "modprobe sgw"
check_eq "$(od -An -tx1 -j16 -v /sys/module/sgw/notes/.note.gnu.build-id | tr -d ' \n')" \
	"$(readelf -n "$(modinfo -n sgw)" | sed -n 's/.*Build ID: //p')" \
	"the loaded module is the DKMS file (build ID)"
check_eq "$(/usr/sbin/sgwctl -V)" "sgwctl $version, module $version" "sgwctl -V"

# --- the gateway -----------------------------------------------------------------
setup_ns ENB GW
ip -n "$GW" link add s1 type vrf table 10
ip -n "$GW" link set s1 up
ip -n "$GW" link add mme-s1 type dummy
ip -n "$GW" link set mme-s1 master s1 up
ip -n "$GW" addr add 10.2.0.1/24 dev mme-s1
ip link add veth-e netns "$ENB" type veth peer name veth-g netns "$GW"
ip -n "$GW" link set veth-g master s1 up
ip -n "$GW" addr add 203.0.113.1/24 dev veth-g
ip -n "$GW" link add ipsec-s1 type xfrm dev veth-g if_id 42
ip -n "$GW" link set ipsec-s1 master s1 up
ip -n "$ENB" addr add 203.0.113.2/24 dev veth-e
ip -n "$ENB" link set veth-e up
ip -n "$ENB" addr add 10.1.0.1/32 dev lo
ip -n "$ENB" route add 10.2.0.0/24 dev veth-e

# The operator's edit: the example gateway, uncommented.
sed -i '/^#gateway s1 {/,/^#}/s/^#//' "$conf"
check_eq "$(stat -c '%U %a' "$conf")" "_ikud 600" "$conf kept its owner and mode when edited"

# --- systemd ---------------------------------------------------------------------
# The installed unit, stand-ins for what it orders itself after, and one
# drop-in of the test's: ikud's log into a file (no journald here).
units=$dir/units
mkdir -p "$units/ikud.service.d"
for t in sgw-deb.target sysinit.target basic.target sockets.target network-online.target \
	 shutdown.target; do
	printf '[Unit]\nDescription=%s (sgw_deb)\n' "$t" >"$units/$t"
done
ln -s "$unit" "$units/ikud.service"
printf '[Service]\nStandardOutput=append:%s\nStandardError=inherit\n' "$dir/ikud.log" \
	>"$units/ikud.service.d/log.conf"
cgroups() { find /sys/fs/cgroup -mindepth 1 -type d | sort; }
cg_before=$(cgroups)
cg_controllers=$(cat /sys/fs/cgroup/cgroup.subtree_control)
# The manager logs on the VM's console (PID 1 of its namespace, it opens
# it). It sees no process of the VM's (PID namespace), so it moves none into
# the cgroups it makes (init.scope, system.slice): stop_manager removes them.
nsenter --net=/run/netns/"$GW" unshare --pid --fork --mount --uts --propagation slave \
	--mount-proc env container=sgw-test SYSTEMD_UNIT_PATH="$units" \
	/lib/systemd/systemd --system --unit=sgw-deb.target --show-status=no \
	--log-target=console </dev/null >/dev/null 2>&1 &
manager=$!
stop_manager() {	# and what it left in the VM's /run and cgroup tree
	local pid c
	[ -n "$manager" ] || return 0
	pid=$(pgrep -P "$manager")
	[ -n "$pid" ] && kill -KILL "$pid"
	wait "$manager"
	manager=
	rm -rf /run/systemd /run/ikud
	comm -13 <(echo "$cg_before") <(cgroups) | sort -r | xargs -r rmdir
	for c in $(cat /sys/fs/cgroup/cgroup.subtree_control); do
		grep -qw "$c" <<<"$cg_controllers" || echo "-$c" >/sys/fs/cgroup/cgroup.subtree_control
	done
	[ "$(cgroups)" = "$cg_before" ]
}
at_exit stop_manager
sctl() { nsenter -t "$(pgrep -P "$manager")" -p -m systemctl "$@"; }
prop() { sctl show ikud.service -p "$1" --value; }
manager_up() { sctl is-system-running 2>/dev/null | grep -qxE 'running|degraded'; }
restarted() { [ "$(prop NRestarts)" = 1 ] && sctl is-active -q ikud.service; }
# ikud's PID in the VM's namespace, from its PID in the manager's
host_pid() {
	local p
	for p in $(pgrep -x ikud); do
		[ "$(awk '/^NSpid:/ { print $NF }' /proc/"$p"/status)" = "$1" ] && echo "$p"
	done
}
t0=$(date +%s)
wait_until 120 manager_up
log_test $? "a service manager for the test: $(sctl is-system-running 2>&1) ($(took "$t0"))"

t0=$(date +%s)
sctl start ikud.service
log_test $? "systemctl start ikud ($(took "$t0"))"
check_eq "$(prop ActiveState)/$(prop SubState)" "active/running" "ikud.service active, so READY=1 came"
check_eq "$(prop StatusText)" "1 gateways, $(nproc) workers" "its status line"
pid=$(host_pid "$(prop MainPID)")
check_eq "$(ps -o user= -p "$pid")" "_ikud" "ikud runs as _ikud"
status=$(cat /proc/"$pid"/status)
check_eq "$(sed -n 's/^CapEff:\t//p' <<<"$status") $(sed -n 's/^CapBnd:\t//p' <<<"$status")" \
	"0000000000001400 0000000000001400" \
	"effective and bounding capabilities: CAP_NET_ADMIN and CAP_NET_BIND_SERVICE"
check_eq "$(sed -n 's/^NoNewPrivs:\t//p;s/^Seccomp:\t//p' <<<"$status" | paste -sd' ')" "1 2" \
	"no new privileges, a seccomp filter"
check_eq "$(stat -c '%F %U' "$sock" 2>/dev/null) $(($(stat -c '0%a' "$sock" 2>/dev/null) & 077))" \
	"socket _ikud 0" "control socket $sock: _ikud's, no access for others"
/usr/sbin/sgwctl ike stats >/dev/null
log_test $? "sgwctl reaches ikud at the default socket"

write_strongswan_conf
swan_conf "$dir/swanctl.conf" "$PSK" \
	"$(swan_conn enb1 laddr=203.0.113.2 raddr=203.0.113.1 esp=aes128gcm16-ecp256)"
start_charon
load_swan
log_test $? "swanctl --load-all"
initiate
log_test $? "the eNodeB's tunnel comes up"
check_eq "$(ike_count "$sock")" 1 "ikud: one IKE SA"
ping_ok 3
log_test $? "ping from the eNodeB to the MME through the tunnel"
ip -n "$GW" route show vrf s1 proto ikud | grep -q '^10.1.0.1 dev ipsec-s1'
log_test $? "the eNodeB's route in VRF s1 has protocol 'ikud' (rt_protos.d/ikud.conf)"

reloads() { grep -c 'configuration reloaded' "$dir/ikud.log"; }
t0=$(date +%s)
sctl reload ikud.service
log_test $? "systemctl reload ikud ($(took "$t0"))"
check_eq "$(reloads) $(prop ActiveState)" "1 active" "ikud reloaded, active"
echo "gateway broken {" >>"$conf"
! sctl reload ikud.service 2>/dev/null
log_test $? "systemctl reload refuses a broken file"
sed -i '$d' "$conf"
check_eq "$(reloads) $(prop ActiveState)" "1 active" "a refused reload does not reach ikud"
check_eq "$(ike_count "$sock")" 1 "the tunnel stays"

t0=$(date +%s)
sctl stop ikud.service
log_test $? "systemctl stop ikud ($(took "$t0"))"
check_eq "$(prop ActiveState) $(prop Result) $(prop ExecMainStatus)" "inactive success 0" \
	"ikud exited 0 on SIGTERM"
check_eq "$(gw_states)" 0 "no SA left"
check_eq "$(ip -n "$GW" route show vrf s1 proto 250 | wc -l)" 0 "no route left"
swan_no_sa() { ! swan --list-sas 2>/dev/null | grep -q '^enb1:'; }
wait_until 10 swan_no_sa
log_test $? "ikud told the eNodeB (its IKE SA is gone)"
check_eq "$([ -e /run/ikud ] && echo present)" "" "/run/ikud removed with the service"

sctl start ikud.service
first=$(prop MainPID)
kill -KILL "$(host_pid "$first")"
wait_until 60 restarted
log_test $? "Restart=on-failure: ikud back after SIGKILL (pid $first, now $(prop MainPID))"
sctl stop ikud.service
stop_charon
stop_manager
log_test $? "the service manager gone, and what it made in /run and the cgroup tree"
modprobe -r sgw
log_test $? "modprobe -r sgw"

# --- purge -------------------------------------------------------------------------
files=$(dpkg -L sgw sgw-dkms | while read -r f; do [ -d "$f" ] || echo "$f"; done)
t0=$(date +%s)
dpkg --purge sgw sgw-dkms >>"$dir/dpkg.out" 2>&1
log_test $? "dpkg --purge sgw sgw-dkms ($(took "$t0"))"
check_eq "$(status_of sgw)$(status_of sgw-dkms)" "" "neither package known to dpkg"
left=$(while read -r f; do [ -e "$f" ] && echo "$f"; done <<<"$files")
check_eq "$left" "" "no file of the packages left ($(wc -l <<<"$files") files)"
check_eq "$(dkms status sgw)" "" "dkms knows no sgw"
! modinfo sgw >/dev/null 2>&1
log_test $? "no sgw.ko in the module index"
check_eq "$(leftovers | comm -13 <(echo "$baseline") - | xargs)" "" \
	"nothing named ikud or sgw left in /etc, /usr, /var/lib/dkms, unit and module directories"
getent passwd _ikud >/dev/null
log_test $? "user _ikud kept, as Debian keeps system users"

[ $sgw_ret = 0 ] || { echo "# --- dpkg"; tail -n 30 "$dir/dpkg.out" | sed 's/^/# /'
	echo "# --- ikud"; tail -n 30 "$dir/ikud.log" | sed 's/^/# /'; }
test_exit
