#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make deb' builds sgw and sgw-dkms at the Makefile's version with no
# lintian error; the packages hold what Documentation/packaging.md says, with
# the right modes, conffiles and dependencies; ikud.service's exposure score
# (systemd-analyze security --offline) stays at or under $SGW_MAX_EXPOSURE
# (1.6 measured, 2.0 allowed) and 'systemd-analyze verify' finds nothing. The packages stay in build/deb/ for the
# kselftest sgw_deb, which installs them in the VM. Exit codes: 0 pass,
# 1 fail, 4 skip.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
max_exposure=${SGW_MAX_EXPOSURE:-2.0}

for c in dpkg-buildpackage dh lintian systemd-analyze; do
	command -v "$c" >/dev/null || { echo "SKIP: $c not installed (make deps)"; exit 4; }
done

ret=0
ok() { echo "ok - $*"; }
fail() { echo "not ok - $*"; ret=1; }
check() {	# DESC CMD...
	local d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else fail "$d"; fi
}

version=$(make -s version)
t0=$(date +%s)
out=$(make -s deb 2>&1)
rc=$?
if [ $rc != 0 ]; then
	fail "make deb exited $rc"
	sed 's/^/#   /' <<<"$out" | tail -n 30
	exit 1
fi
ok "make deb ($(($(date +%s) - t0))s): $(tail -n1 <<<"$out")"
grep -E '^[EW]: ' build/deb/lintian.txt | sed 's/^/#   lintian: /'
check "lintian: no error" bash -c "! grep -q '^E: ' build/deb/lintian.txt"

sgw=build/deb/sgw_${version}_amd64.deb
dkms=build/deb/sgw-dkms_${version}_all.deb
check "sgw $version built" test -f "$sgw"
check "sgw-dkms $version built" test -f "$dkms"
[ -f "$sgw" ] && [ -f "$dkms" ] || exit 1

# path mode: every file the sgw package must hold, as dpkg-deb lists it
listing=$(dpkg-deb -c "$sgw" | awk '{ sub(/^\./, "", $6); print $6, $1 }')
for want in "/usr/sbin/ikud -rwxr-xr-x" "/usr/sbin/sgwctl -rwxr-xr-x" \
	    "/usr/sbin/ikeload -rwxr-xr-x" "/usr/share/man/man8/ikeload.8.gz -rw-r--r--" \
	    "/etc/sgw/ikud.conf -rw-------" \
	    "/etc/iproute2/rt_protos.d/ikud.conf -rw-r--r--" \
	    "/lib/systemd/system/ikud.service -rw-r--r--" \
	    "/usr/lib/sysusers.d/sgw.conf -rw-r--r--" \
	    "/usr/share/bash-completion/completions/sgwctl -rw-r--r--" \
	    "/usr/share/man/man8/ikud.8.gz -rw-r--r--" \
	    "/usr/share/man/man5/ikud.conf.5.gz -rw-r--r--" \
	    "/usr/share/man/man8/sgwctl.8.gz -rw-r--r--"; do
	check "sgw holds ${want% *} (${want#* })" grep -qxF "$want" <<<"$listing"
done
check "sgw holds no kernel source" bash -c "! grep -q '^/usr/src' <<<'$listing'"
conffiles=$(dpkg-deb -f "$sgw" Conffiles 2>/dev/null; dpkg-deb --ctrl-tarfile "$sgw" | tar -xOf - ./conffiles)
check "conffiles: /etc/sgw/ikud.conf" grep -qx /etc/sgw/ikud.conf <<<"$conffiles"
check "conffiles: /etc/iproute2/rt_protos.d/ikud.conf" \
	grep -qx /etc/iproute2/rt_protos.d/ikud.conf <<<"$conffiles"
check "sgw depends on libsystemd0 and a sysusers" \
	bash -c "dpkg-deb -f '$sgw' Depends | grep -q 'libsystemd0' && dpkg-deb -f '$sgw' Depends | grep -q 'systemd-sysusers'"

dlisting=$(dpkg-deb -c "$dkms" | awk '{ sub(/^\./, "", $6); print $6 }')
for f in dkms.conf kmod/Kbuild kmod/sgw_main.c kmod/include/uapi/linux/sgw.h; do
	check "sgw-dkms holds /usr/src/sgw-$version/$f" grep -qx "/usr/src/sgw-$version/$f" <<<"$dlisting"
done
check "sgw-dkms holds no build product" bash -c "! grep -qE '\\.(o|ko|mod|cmd)$|\\.mod\\.c$' <<<'$dlisting'"
check "sgw-dkms depends on dkms" bash -c "dpkg-deb -f '$dkms' Depends | grep -q '^dkms'"
x=$(mktemp -d)
trap 'rm -rf "$x"' EXIT
dpkg-deb -x "$dkms" "$x"
check "dkms.conf: PACKAGE_VERSION=\"$version\"" \
	grep -qx "PACKAGE_VERSION=\"$version\"" "$x/usr/src/sgw-$version/dkms.conf"

dpkg-deb -x "$sgw" "$x"
# systemd-analyze verify wants the unit's programs where it names them: the
# packaged ikud over /usr/sbin, in a mount namespace of its own (the VM
# test verifies the installed unit with its man pages too).
if unshare -m true 2>/dev/null; then
	out=$(unshare -m --propagation private bash -c '
		set -e
		mkdir "$1/ov"
		mount -t tmpfs none "$1/ov"
		mkdir "$1/ov/up" "$1/ov/work"
		cp "$1/usr/sbin/ikud" "$1/ov/up/"
		mount -t overlay none -o "lowerdir=/usr/sbin,upperdir=$1/ov/up,workdir=$1/ov/work" /usr/sbin
		systemd-analyze verify --man=no "$1/lib/systemd/system/ikud.service"' sh "$x" 2>&1)
	rc=$?
	[ $rc = 0 ] && [ -z "$out" ] && ok "systemd-analyze verify ikud.service: clean" ||
		{ fail "systemd-analyze verify ikud.service (exit $rc)"; sed 's/^/#   /' <<<"$out"; }
fi
score=$(systemd-analyze security --offline=true "$x/lib/systemd/system/ikud.service" 2>/dev/null |
	sed -n 's/.*Overall exposure level for ikud.service: \([0-9.]*\).*/\1/p')
if [ -n "$score" ] && awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s <= m) }'; then
	ok "ikud.service exposure $score (at most $max_exposure)"
else
	fail "ikud.service exposure '$score', want at most $max_exposure"
fi
exit $ret
