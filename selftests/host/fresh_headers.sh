#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A new user's first 'make demo' or 'make check' installs the kernel headers
# (make deps) and builds sgw.ko in the same run. Reproduce that machine: in a
# private mount namespace /usr/src is an empty tmpfs, so no headers exist
# when make reads the Makefile; a prerequisite of kmod then unmounts it, as
# apt-get would install the headers. The module must build, and without the
# headers the build must stop with a clear message.
#
# Runs on the host, as root (selftests/check). Exit codes: 0 pass, 1 fail,
# 4 skip.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	echo "SKIP: needs root and mount namespaces"
	exit 4
fi
kdir=$(tools/kdir) && kdir=$(readlink -f "$kdir")
case $kdir in
/usr/src/*) ;;
*) echo "SKIP: no Debian kernel headers under /usr/src"; exit 4 ;;
esac

reveal=$(mktemp --suffix=.mk)
trap 'rm -f "$reveal"' EXIT
cat >"$reveal" <<'MK'
kmod: sgw-test-install-headers
.PHONY: sgw-test-install-headers
sgw-test-install-headers:
	umount /usr/src
MK

ret=0
hidden() {
	unshare -m --propagation private sh -c 'mount -t tmpfs none /usr/src && exec "$@"' sh "$@"
}

out=$(hidden make -s kmod 2>&1)
rc=$?
if [ $rc != 0 ] && grep -q "no kernel headers found" <<<"$out"; then
	echo "ok - without headers, 'make kmod' stops: $(grep 'no kernel headers' <<<"$out")"
else
	echo "not ok - without headers, 'make kmod' exited $rc:"
	sed 's/^/#   /' <<<"$out"
	ret=1
fi

out=$(hidden make -s -f Makefile -f "$reveal" kmod 2>&1)
rc=$?
if [ $rc = 0 ] && grep -q "building sgw.ko against /usr/src/" <<<"$out" && [ -f kmod/sgw.ko ]; then
	echo "ok - headers installed during the run are used: $(grep 'building sgw.ko' <<<"$out")"
else
	echo "not ok - headers installed during the run: 'make kmod' exited $rc:"
	sed 's/^/#   /' <<<"$out"
	ret=1
fi
exit $ret
