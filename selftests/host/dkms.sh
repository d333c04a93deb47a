#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS on the build machine, as an operator runs it: 'make dkms-install'
# copies the DKMS tree to /usr/src/sgw-VERSION and has dkms add, build and
# install sgw.ko for the Debian kernel; 'make dkms-remove' leaves /usr/src,
# /lib/modules/KVER and the dkms state as they were; 'make dkms-binary'
# writes the binaries-only archive that the kselftest sgw_deb loads in the
# VM (where building takes minutes under TCG).
#
# Runs on the host, as root, in a private mount namespace: /var/lib/dkms is
# an empty tmpfs, /usr/src and /lib/modules/KVER are overlays with a tmpfs
# on top, so nothing reaches the machine. Exit codes: 0 pass, 1 fail, 4 skip.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	echo "SKIP: needs root and mount namespaces"
	exit 4
fi
command -v dkms >/dev/null || { echo "SKIP: dkms not installed (make deps)"; exit 4; }
kver=$(tools/kdir -r) || { echo "SKIP: no kernel headers"; exit 4; }
[ -d "/lib/modules/$kver" ] || { echo "SKIP: /lib/modules/$kver missing"; exit 4; }

if [ -z "${SGW_DKMS_SANDBOX:-}" ]; then
	exec unshare -m --propagation private env SGW_DKMS_SANDBOX=1 bash "$0" "$@"
fi

version=$(make -s version)
mods=/lib/modules/$kver
sandbox=$(mktemp -d)
mount -t tmpfs none "$sandbox"
overlay() {	# DIR NAME: writes to DIR land in the sandbox
	mkdir -p "$sandbox/$2/up" "$sandbox/$2/work"
	mount -t overlay none -o "lowerdir=$1,upperdir=$sandbox/$2/up,workdir=$sandbox/$2/work" "$1"
}
overlay /usr/src src || exit 1
overlay "$mods" mods || exit 1
mount -t tmpfs none /var/lib/dkms || exit 1

ret=0
ok() { echo "ok - $*"; }
fail() { echo "not ok - $*"; ret=1; }
check() {	# DESC CMD...
	local d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else fail "$d"; fi
}
# The state removal must restore: every file under /usr/src and the modules
# directory with its content (depmod rewrites the index), dkms's own files.
snapshot() {
	(cd /usr/src && find . -path ./linux-headers-\* -prune -o -print | sort)
	(cd "$mods" && find . -path ./kernel -prune -o -type f -print0 | sort -z | xargs -0 md5sum)
	(cd /var/lib/dkms && find . ! -name 'mok.*' | sort)
}
before=$(snapshot)

t0=$(date +%s)
out=$(make -s dkms-install KVER="$kver" 2>&1)
rc=$?
secs=$(($(date +%s) - t0))
if [ $rc = 0 ]; then
	ok "make dkms-install KVER=$kver (${secs}s)"
else
	fail "make dkms-install KVER=$kver exited $rc"
	sed 's/^/#   /' <<<"$out" | tail -n 30
fi
check "dkms status: installed for $kver" \
	grep -q "^sgw/$version, $kver, [^:]*: installed" <<<"$(dkms status sgw/"$version")"
ko=$mods/updates/dkms/sgw.ko
check "sgw.ko installed in $ko" test -f "$ko"
check "modprobe finds the DKMS module" test "$(modinfo -k "$kver" -n sgw 2>/dev/null)" = "$ko"
got=$(modinfo -F version "$ko" 2>/dev/null)
[ "$got" = "$version" ] && ok "module version $got is the Makefile's" ||
	fail "module version '$got', Makefile's $version"
got=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
[ "$got" = "$kver" ] && ok "built for $got" || fail "vermagic '$got', want $kver"
check "dkms.conf in /usr/src/sgw-$version" test -f "/usr/src/sgw-$version/dkms.conf"

out=$(make -s dkms-remove 2>&1)
rc=$?
[ $rc = 0 ] && ok "make dkms-remove" || { fail "make dkms-remove exited $rc"; sed 's/^/#   /' <<<"$out"; }
check "dkms knows no sgw" test -z "$(dkms status sgw)"
check "modprobe finds no sgw" bash -c "! modinfo -k '$kver' sgw"
after=$(snapshot)
if [ "$before" = "$after" ]; then
	ok "removal leaves /usr/src, $mods and /var/lib/dkms as they were"
else
	fail "removal left differences:"
	diff <(echo "$before") <(echo "$after") | sed 's/^/#   /' | head -n 20
fi

out=$(make -s dkms-binary 2>&1)
rc=$?
archive=build/dkms/sgw-$version-$kver.dkms.tar.gz
if [ $rc = 0 ] && tar -tzf "$archive" | grep -q "dkms_main_tree/$kver/.*/module/sgw.ko"; then
	ok "make dkms-binary: $archive holds sgw.ko for $kver"
else
	fail "make dkms-binary exited $rc"
	sed 's/^/#   /' <<<"$out" | tail -n 20
fi
exit $ret
