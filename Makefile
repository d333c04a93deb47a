# SPDX-License-Identifier: GPL-2.0
#
# sgw: mobile security gateway for Linux (kernel module, IKEv2 daemon, CLI).
#
#   make            build the module and the userspace programs
#   make deps       install the Debian packages the build and tests need
#   make check      unit tests (ASan/UBSan) on the host, kselftests in the VM
#   make install    install module and programs (DESTDIR, PREFIX honoured)
#   make deb        Debian packages in build/deb/; make dkms-install (mk/packaging.mk)
#
# The module is built against the running kernel's headers when they exist,
# else against the Debian headers matching the newest installed Debian kernel
# image (tools/kdir). KDIR= or KVER= override the choice.

VERSION := 0.1.0
# sgw.ko takes it from kbuild's environment (kmod/Kbuild); dkms.conf from here.
export SGW_VERSION := $(VERSION)
PREFIX ?= /usr/local
DESTDIR ?=

SAN ?= 0
ifeq ($(SAN),1)
BUILD ?= build/san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD ?= build
SAN_FLAGS :=
endif
OBJ := $(BUILD)/obj

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	  -Wmissing-prototypes -Wstrict-prototypes -MMD -MP $(SAN_FLAGS) \
	  -DSGW_VERSION='"$(VERSION)"'
CPPFLAGS += -Ilibsgw -Ikmod/include/uapi
LDFLAGS += $(SAN_FLAGS)
LDLIBS += -lmnl -lcrypto -ljson-c

# --- kernel module -----------------------------------------------------------

# tools/kdir picks the headers when a recipe runs, never when this file is
# read: 'make demo' and 'make check' install them first (make deps), in the
# same run. KDIR= and KVER= on the command line reach it through the
# environment.
export KDIR KVER
KDIR_OF = kdir=$$(tools/kdir) || exit 1

# --- userspace ---------------------------------------------------------------

# libsgw in layers: base (no dependencies), then netlink and ike on base.
LIBSGW_SRCS := $(wildcard libsgw/base/*.c libsgw/netlink/*.c libsgw/ike/*.c libsgw/ipsec/*.c)
LIBSGW_OBJS := $(LIBSGW_SRCS:%.c=$(OBJ)/%.o)
LIBSGW := $(BUILD)/libsgw.a

SGWCTL_SRCS := $(wildcard tools/sgwctl/*.c)
# ikud's parts go into an archive too, so that unit tests reach its logic.
IKUD_SRCS := $(filter-out ikud/main.c,$(wildcard ikud/*.c))
IKUD_OBJS := $(IKUD_SRCS:%.c=$(OBJ)/%.o)
LIBIKUD := $(BUILD)/libikud.a
# ikeload, the IKEv2 load generator: an archive too, for its unit tests.
IKELOAD_SRCS := $(filter-out ikeload/main.c,$(wildcard ikeload/*.c))
IKELOAD_OBJS := $(IKELOAD_SRCS:%.c=$(OBJ)/%.o)
LIBIKELOAD := $(BUILD)/libikeload.a
PROGS := $(BUILD)/sgwctl $(BUILD)/ikud $(BUILD)/ikeload

UNIT_SRCS := $(wildcard selftests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:selftests/unit/%.c=$(BUILD)/unit/%)

# Helper programs of the kselftests: selftests/progs/NAME.c -> $(BUILD)/progs/NAME
PROG_SRCS := $(wildcard selftests/progs/*.c)
TEST_PROGS := $(PROG_SRCS:selftests/progs/%.c=$(BUILD)/progs/%)

ALL_OBJS := $(LIBSGW_OBJS) $(SGWCTL_SRCS:%.c=$(OBJ)/%.o) \
	    $(IKUD_OBJS) $(OBJ)/ikud/main.o $(IKELOAD_OBJS) $(OBJ)/ikeload/main.o \
	    $(UNIT_SRCS:%.c=$(OBJ)/%.o) \
	    $(PROG_SRCS:%.c=$(OBJ)/%.o)

.PHONY: all kmod userspace unit deps check vm-check demo bench install clean help
all: kmod userspace

userspace: $(LIBSGW) $(PROGS) $(TEST_PROGS)

kmod:
	@$(KDIR_OF); echo "sgw: building sgw.ko against $$kdir"; \
	$(MAKE) -C "$$kdir" M=$(CURDIR)/kmod CONFIG_SGW=m modules

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The unit tests see ikud's headers (and test_ikeload ikeload's); nothing else does.
$(OBJ)/selftests/unit/%.o: CPPFLAGS += -Iikud
$(OBJ)/selftests/unit/test_ikeload.o: CPPFLAGS += -Iikeload

$(LIBSGW): $(LIBSGW_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBIKUD): $(IKUD_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBIKELOAD): $(IKELOAD_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/sgwctl: $(SGWCTL_SRCS:%.c=$(OBJ)/%.o) $(LIBSGW)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/ikud: $(OBJ)/ikud/main.o $(LIBIKUD) $(LIBSGW)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/ikeload: $(OBJ)/ikeload/main.o $(LIBIKELOAD) $(LIBSGW)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit/test_ikeload: $(OBJ)/selftests/unit/test_ikeload.o $(LIBIKELOAD) $(LIBSGW)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/unit/%: $(OBJ)/selftests/unit/%.o $(LIBIKUD) $(LIBSGW)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/progs/%: $(OBJ)/selftests/progs/%.o $(LIBSGW)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

unit: $(UNIT_BINS)

# --- dependencies, tests -----------------------------------------------------

deps:
	@tools/install-deps

# 'make check' is the project's test command (README, .ci/run).
check: deps
	@selftests/check

# Build the unit tests with sanitizers (called by selftests/check).
unit-san:
	$(MAKE) SAN=1 unit

# The demonstration: the gateway at work in the VM (tools/demo/run: the
# dual-tunnel region, then the anycast region). The build is a second make,
# started once the dependencies are there.
demo: deps
	$(MAKE) all
	selftests/vm/run --timeout 1500 -- tools/demo/run

# Benchmarks, not tests: every bench/*.sh but lib.sh in the VM (Documentation/performance.md),
# with 4 vCPUs for the engines and memory for the scale bench.
bench: all
	selftests/vm/run --cpus 4 --mem 4096 --timeout 7200 -- sh -c 'for b in bench/*.sh; do [ $$b = bench/lib.sh ] && continue; echo "== $$b"; bash "$$b" || exit 1; done'

vm-check: all
	selftests/vm/run --timeout 3600 -- selftests/run_kselftests

.SECONDARY:

-include $(ALL_OBJS:.o=.d)

# --- fuzzing (clang libFuzzer) -------------------------------------------------
# make fuzz [FUZZ_RUNS=10000000]: every target in selftests/fuzz/fuzz_*.c
# runs FUZZ_RUNS inputs from its seeds (selftests/fuzz/corpus/TARGET; new
# inputs collect in build/fuzz/corpus/TARGET) and prints libFuzzer's final
# statistics, coverage (cov: edges, ft: features) included. make
# fuzz-corpus regenerates the IKE message seeds.

FUZZ_CC ?= clang
FUZZ_RUNS ?= 10000000
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	      -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror
# A fuzz target builds with every library source, the configuration parser
# and the uapi headers (the linker keeps what the target reaches).
FUZZ_LIB_SRCS := $(LIBSGW_SRCS) ikud/ike_conf.c
FUZZ_TARGETS := $(patsubst selftests/fuzz/%.c,%,$(wildcard selftests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_TARGETS:%=build/fuzz/%)
IKE_CODEC_SRCS := $(addprefix libsgw/ike/ike_,msg.c build.c id.c natd.c proposal.c crypto.c \
		  dh.c keys.c sk.c auth.c esp.c ts.c) libsgw/base/sgw_hash.c \
		  libsgw/base/sgw_prefix.c libsgw/base/sgw_sockaddr.c

.PHONY: fuzz fuzz-build fuzz-corpus
build/fuzz/fuzz_%: selftests/fuzz/fuzz_%.c selftests/fuzz/fuzz_common.h $(FUZZ_LIB_SRCS) \
		   $(wildcard libsgw/*/*.h ikud/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(CPPFLAGS) -Iikud -o $@ $< $(FUZZ_LIB_SRCS) \
		-lcrypto -lmnl -lpthread

fuzz-build: $(FUZZ_BINS)

build/fuzz/gen_corpus: selftests/fuzz/gen_corpus.c selftests/fuzz/fuzz_common.h \
		       $(IKE_CODEC_SRCS)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g -std=c11 -D_GNU_SOURCE $(CPPFLAGS) -o $@ $(filter %.c,$^) -lcrypto

fuzz-corpus: build/fuzz/gen_corpus
	rm -rf selftests/fuzz/corpus/fuzz_ike_msg
	mkdir -p selftests/fuzz/corpus/fuzz_ike_msg
	build/fuzz/gen_corpus selftests/fuzz/corpus/fuzz_ike_msg

fuzz: $(FUZZ_BINS)
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus/$$t; \
		echo "== $$t: $(FUZZ_RUNS) runs"; \
		build/fuzz/$$t -runs=$(FUZZ_RUNS) -max_len=8192 -print_final_stats=1 \
			build/fuzz/corpus/$$t selftests/fuzz/corpus/$$t 2>&1 | \
			grep -E '^#[0-9]+[[:space:]]+DONE|^stat::|ERROR|SUMMARY' ; \
	done

# --- install -----------------------------------------------------------------

install: all
	@$(KDIR_OF); $(MAKE) -C "$$kdir" M=$(CURDIR)/kmod INSTALL_MOD_PATH=$(DESTDIR) modules_install
	install -d $(DESTDIR)$(PREFIX)/sbin
	$(foreach p,$(PROGS),install -m 0755 $(p) $(DESTDIR)$(PREFIX)/sbin/;)
	install -d $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man8
	$(foreach m,$(wildcard Documentation/man/*.5),install -m 0644 $(m) $(DESTDIR)$(PREFIX)/share/man/man5/;)
	$(foreach m,$(wildcard Documentation/man/*.8),install -m 0644 $(m) $(DESTDIR)$(PREFIX)/share/man/man8/;)
# iproute2 reads /etc whatever the prefix: name ikud's route protocol.
	install -D -m 0644 etc/iproute2/rt_protos.d/ikud.conf $(DESTDIR)/etc/iproute2/rt_protos.d/ikud.conf
	$(if $(DESTDIR),,@kver=$$(tools/kdir -r) && depmod -a "$$kver")

clean:
	rm -rf build
	-@kdir=$$(tools/kdir 2>/dev/null) && $(MAKE) -C "$$kdir" M=$(CURDIR)/kmod clean

help:
	@sed -n '3,13p' Makefile

# DKMS, Debian packages, systemd (Documentation/packaging.md)
include mk/packaging.mk
