# SPDX-License-Identifier: GPL-2.0
#
# Packaging: the DKMS source tree of sgw.ko, DKMS install and removal, the
# Debian packages. Included by the top Makefile, whose VERSION is the one
# version of everything (Documentation/packaging.md).
#
#   make version        print VERSION
#   make progs          the programs only (ikud, sgwctl, ikeload), as the packages ship them
#   make dkms-tree      build/dkms/sgw-VERSION: dkms.conf and kmod/
#   make dkms-install   as root: /usr/src/sgw-VERSION, then dkms add, build and
#                       install for the kernel of 'make' (KDIR=, KVER=); with
#                       DESTDIR= only the copy into DESTDIR/usr/src
#   make dkms-remove    as root: dkms remove for every kernel, /usr/src/sgw-VERSION gone
#   make dkms-binary    build/dkms/sgw-VERSION-KERNEL.dkms.tar.gz, built by dkms in
#                       scratch trees, for 'dkms ldtarball' on routers without compilers
#   make deb            Debian packages sgw and sgw-dkms into build/deb/ (tools/mkdeb)

.PHONY: version progs dkms-tree dkms-install dkms-remove dkms-binary deb

version:
	@echo $(VERSION)

progs: $(PROGS)

# ikud tells systemd when it is ready (ikud/notify.c).
$(BUILD)/ikud: LDLIBS += -lsystemd

DKMS_TREE := $(BUILD)/dkms/sgw-$(VERSION)
DKMS_SRCS := kmod/Kbuild $(filter-out %.mod.c,$(wildcard kmod/*.c)) $(wildcard kmod/*.h) \
	     $(wildcard kmod/include/uapi/linux/*.h)

dkms-tree: $(DKMS_SRCS) dist/dkms.conf.in
	rm -rf $(DKMS_TREE)
	$(foreach f,$(DKMS_SRCS),install -D -m 0644 $(f) $(DKMS_TREE)/$(f) &&) true
	sed 's/@VERSION@/$(VERSION)/g' dist/dkms.conf.in >$(DKMS_TREE)/dkms.conf

# For the kernel 'make' builds sgw.ko for (tools/kdir: KDIR=, KVER=, else the
# running kernel's headers). A second install of the same version replaces
# the first.
dkms-install: dkms-tree
ifeq ($(DESTDIR),)
	@[ "$$(id -u)" = 0 ] || { echo "dkms-install: run as root" >&2; exit 1; }
	@! dkms status sgw/$(VERSION) | grep -q . || dkms remove sgw/$(VERSION) --all
endif
	rm -rf $(DESTDIR)/usr/src/sgw-$(VERSION)
	install -d $(DESTDIR)/usr/src
	cp -R $(DKMS_TREE) $(DESTDIR)/usr/src/
ifeq ($(DESTDIR),)
	@$(KDIR_OF); kver=$$(tools/kdir -r) || exit 1; set -x; \
	dkms add sgw/$(VERSION) && \
	dkms build sgw/$(VERSION) -k "$$kver" --kernelsourcedir "$$kdir" && \
	dkms install sgw/$(VERSION) -k "$$kver"
endif

dkms-remove:
	@[ "$$(id -u)" = 0 ] || { echo "dkms-remove: run as root" >&2; exit 1; }
	@! dkms status sgw/$(VERSION) | grep -q . || dkms remove sgw/$(VERSION) --all
	rm -rf /usr/src/sgw-$(VERSION)

dkms-binary: dkms-tree
	@tools/dkms-binary $(DKMS_TREE) $(VERSION) $(BUILD)/dkms

# Debian packages sgw and sgw-dkms into build/deb/, checked by lintian.
deb:
	@tools/mkdeb
