#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generic netlink fuzzer of the sgw family (run by sgw_nlfuzz.sh).

    sgw_nlfuzz.py --seed S --count N [--unprivileged]

Sends N requests, valid ones and mutations of them (wrong types and
lengths, broken nesting, unknown attributes, strings without their NUL,
huge attribute counts, random commands and flags), each with NLM_F_ACK,
in the caller's network namespace. Checks that:
  - every request is answered (an ack, an error, or a dump's end) within
    5 seconds, and an error other than EPERM or EOPNOTSUPP carries an
    extended-ack message;
  - the requests that must fail (malformed ones, all changes when
    unprivileged) change nothing: the dumps of lists and policers are the
    same before and after each batch of them;
  - afterwards the state is consistent: policers name lists that exist,
    each list's user count is the number of policers using it, and deleting
    everything leaves the namespace as it was (anycast groups and their
    devices included).
Prints a summary and "FAIL: ..." lines; exits 1 on any failure.
"""

import argparse
import errno
import os
import random
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sgw_nl import (SgwNl, attrs, attr_str, nla, nla_nest, nla_prefix, nla_str,  # noqa: E402
                    nla_u8, nla_u32, nla_u64, uapi, NLM_F_REQUEST, NLM_F_ACK,
                    NLM_F_DUMP)

NAMES = ["fz%d" % i for i in range(6)]
U = uapi


def rand_prefix(r):
    if r.random() < 0.5:
        plen = r.choice([8, 16, 24, 32])
        addr = "10.%d.%d.0" % (r.randrange(4), r.randrange(256)) if plen >= 24 else "10.%d.0.0" % r.randrange(4)
        if plen == 8:
            addr = "10.0.0.0"
        if plen == 32:
            addr = "10.%d.%d.%d" % (r.randrange(4), r.randrange(256), r.randrange(256))
        return nla_prefix(U.SGW_PLIST_A_PREFIX, addr, plen)
    return nla_prefix(U.SGW_PLIST_A_PREFIX, "2001:db8:%x::" % r.randrange(64), 48)


GROUPS = ["fza%d" % i for i in range(3)]


def anycast_request(r):
    """(cmd, payload, dump) of a well-formed anycast group request: names,
    VRFs, addresses and links drawn from small sets, so that requests meet
    existing groups, taken addresses and missing devices."""
    name = nla_str(U.SGW_ANYCAST_A_NAME, r.choice(GROUPS))
    k = r.randrange(5)
    if k >= 3:
        dump = k == 4 and r.random() < 0.7
        return U.SGW_CMD_ANYCAST_GET, b"" if dump else name, dump
    if k == 2:
        return U.SGW_CMD_ANYCAST_DEL, name, False
    p = name
    if k == 0 or r.random() < 0.3:
        p += nla_str(U.SGW_ANYCAST_A_VRF, r.choice(["s1", "s1", "default", "nosuch"]))
    for _ in range(r.randrange(3) if k == 1 else 1 + r.randrange(2)):
        if r.random() < 0.7:
            p += nla_prefix(U.SGW_ANYCAST_A_ADDRESS, "198.51.100.%d" % r.randrange(1, 5), 32)
        else:
            p += nla_prefix(U.SGW_ANYCAST_A_ADDRESS, "2001:db8:ff::%x" % r.randrange(1, 5), 128)
    if r.random() < 0.5:
        p += nla_u8(U.SGW_ANYCAST_A_TRACK_IKUD, r.randrange(2))
    for _ in range(r.randrange(3)):
        p += nla_nest(U.SGW_ANYCAST_A_LINK, nla_str(U.SGW_ALINK_A_NAME, r.choice(["dummy0", "nosuch0"])))
    if k == 1 and r.random() < 0.2:
        p += nla(U.SGW_ANYCAST_A_NO_LINKS, b"")
    if r.random() < 0.5:
        p += nla_u32(U.SGW_ANYCAST_A_HEARTBEAT_MS, r.choice([100, 3000, 60000]))
    if r.random() < 0.5:
        p += nla_u32(U.SGW_ANYCAST_A_HOLD_DOWN_MS, r.choice([0, 50, 2000]))
    for a in ("SGW_ANYCAST_A_PREEMPT", "SGW_ANYCAST_A_DRAINED"):
        if r.random() < 0.4:
            p += nla_u8(getattr(U, a), r.randrange(2))
    return U.SGW_CMD_ANYCAST_NEW if k == 0 else U.SGW_CMD_ANYCAST_SET, p, False


def valid_request(r):
    """(cmd, payload, dump) of a well-formed request."""
    name = nla_str(U.SGW_POLICER_A_NAME, r.choice(NAMES))
    lname = r.choice(NAMES)
    k = r.randrange(14)
    if k >= 12:
        return anycast_request(r)
    if k == 0:
        return U.SGW_CMD_INFO_GET, b"", False
    if k == 1:
        p = nla_str(U.SGW_PLIST_A_NAME, lname) + b"".join(rand_prefix(r) for _ in range(r.randrange(4)))
        if r.random() < 0.2:
            p += nla(U.SGW_PLIST_A_EXCL)
        return U.SGW_CMD_PLIST_ADD, p, False
    if k == 2:
        p = nla_str(U.SGW_PLIST_A_NAME, lname)
        if r.random() < 0.5:
            p += rand_prefix(r)
        return U.SGW_CMD_PLIST_DEL, p, False
    if k == 3:
        dump = r.random() < 0.5
        return U.SGW_CMD_PLIST_GET, b"" if dump and r.random() < 0.5 else nla_str(U.SGW_PLIST_A_NAME, lname), dump
    if k in (4, 5):
        p = name
        new = k == 4
        if new or r.random() < 0.3:
            p += nla_str(U.SGW_POLICER_A_VRF, "default")
        if new or r.random() < 0.3:
            p += nla_str(U.SGW_POLICER_A_DST_LIST, r.choice(NAMES))
        if r.random() < 0.3:
            p += nla_str(U.SGW_POLICER_A_SRC_LIST, r.choice(NAMES + [""]))
        if new or r.random() < 0.5:
            p += nla_u64(U.SGW_POLICER_A_RATE, r.choice([1000, 64000, 10**6, 10**9]))
        if new or r.random() < 0.5:
            p += nla_u32(U.SGW_POLICER_A_BURST, r.choice([1, 1500, 15000]))
        if r.random() < 0.3:
            p += nla_u32(U.SGW_POLICER_A_CHUNK, r.randrange(2))
        if r.random() < 0.4:
            p += nla_u8(U.SGW_POLICER_A_PER_SOURCE, r.randrange(2))
        if r.random() < 0.3:
            p += nla_u32(U.SGW_POLICER_A_MAX_SOURCES, r.choice([1, 16, 1024, 65536]))
        for a in ("SGW_POLICER_A_TOTAL_RATE", "SGW_POLICER_A_TOTAL_BURST"):
            if hasattr(U, a) and r.random() < 0.2:
                p += (nla_u64 if a.endswith("RATE") else nla_u32)(getattr(U, a), r.choice([0, 1000, 10**6]))
        return U.SGW_CMD_POLICER_NEW if new else U.SGW_CMD_POLICER_SET, p, False
    if k == 6:
        return U.SGW_CMD_POLICER_DEL, name, False
    if k == 7:
        return U.SGW_CMD_POLICER_RESET, name, False
    if k == 8:
        dump = r.random() < 0.5
        return U.SGW_CMD_POLICER_GET, b"" if dump else name, dump
    if k == 9:
        return U.SGW_CMD_POLICER_SOURCES_GET, name, True
    if k == 10:
        return r.choice([U.SGW_CMD_PLIST_ADD, U.SGW_CMD_POLICER_NEW]), b"", False
    return r.randrange(64), name, r.random() < 0.3


def split_attrs(payload):
    out, off = [], 0
    while off + 4 <= len(payload):
        n = struct.unpack_from("H", payload, off)[0]
        if n < 4:
            break
        step = (n + 3) & ~3
        out.append(bytearray(payload[off:off + step]))
        off += step
    return out


# ---- mutations: each returns (payload, must_fail) ---------------------------

def m_flip(r, p):
    p = bytearray(p)
    for _ in range(r.randrange(1, 4)):
        if p:
            p[r.randrange(len(p))] ^= 1 << r.randrange(8)
    return bytes(p), False


def m_type(r, p):
    a = split_attrs(p)
    if not a:
        return p, False
    i = r.randrange(len(a))
    t = r.choice([0, r.randrange(1, 40), 0x8000 | r.randrange(1, 20), 0x4000 | r.randrange(1, 20)])
    struct.pack_into("H", a[i], 2, t)
    return b"".join(a), False


def m_unknown(r, p):
    # above every attribute enum: strict validation rejects it
    return p + nla(r.randrange(40, 0x3fff), os.urandom(r.randrange(9))), True


def m_len(r, p):
    a = split_attrs(p)
    if not a:
        return p, False
    i = r.randrange(len(a))
    struct.pack_into("H", a[i], 0, r.choice([0, 1, 3, 5, r.randrange(65536)]))
    return b"".join(a), False


def m_truncate(r, p):
    return p[:r.randrange(len(p) + 1)], False


def m_int_size(r, p):
    # a known integer attribute with the wrong size
    t = r.choice([U.SGW_POLICER_A_RATE, U.SGW_POLICER_A_BURST, U.SGW_POLICER_A_CHUNK,
                  U.SGW_POLICER_A_MAX_SOURCES, U.SGW_POLICER_A_PER_SOURCE])
    size = r.choice([0, 2, 3, 5, 7, 16])
    return nla_str(U.SGW_POLICER_A_NAME, r.choice(NAMES)) + nla(t, os.urandom(size)), "policer"


def m_string(r, p):
    t = r.choice([U.SGW_POLICER_A_NAME, U.SGW_POLICER_A_VRF, U.SGW_POLICER_A_DST_LIST])
    v = r.choice([b"x" * r.randrange(1, 8), b"y" * 40 + b"\0", b"fz\0\0\0\0"])
    if not v.endswith(b"\0"):
        return nla(t, v) + nla_str(U.SGW_POLICER_A_NAME, "fz0"), "policer"
    return nla(t, v), False


def m_nesting(r, p):
    depth = r.choice([1, 2, 16, 200])
    inner = p
    for _ in range(depth):
        inner = nla(U.SGW_PLIST_A_PREFIX | 0x8000, inner)
    return nla_str(U.SGW_PLIST_A_NAME, r.choice(NAMES)) + inner, False


def m_huge(r, p):
    n = r.choice([16385, 30000])
    one = nla_prefix(U.SGW_PLIST_A_PREFIX, "10.200.0.0", 16)
    return nla_str(U.SGW_PLIST_A_NAME, r.choice(NAMES)) + one * n, "plist"


def m_bad_prefix(r, p):
    addr = os.urandom(r.choice([0, 3, 4, 5, 15, 16, 17]))
    plen = r.randrange(256)
    pfx = nla_nest(U.SGW_PLIST_A_PREFIX, nla(U.SGW_PREFIX_A_ADDR, addr),
                   nla_u8(U.SGW_PREFIX_A_PLEN, plen))
    return nla_str(U.SGW_PLIST_A_NAME, r.choice(NAMES)) + pfx, False


def m_duplicate(r, p):
    a = split_attrs(p)
    if not a:
        return p, False
    return p + bytes(r.choice(a)), False


# Mutations that may or may not leave a valid request, and those after
# which a request must fail (applied last, so nothing repairs them).
MUTATIONS = [m_flip, m_type, m_len, m_truncate, m_nesting, m_bad_prefix, m_duplicate]
FATAL = [m_unknown, m_int_size, m_string, m_huge]

# Commands that may change state, and the mutations that make them fail.
CHANGES = {U.SGW_CMD_PLIST_ADD, U.SGW_CMD_PLIST_DEL, U.SGW_CMD_POLICER_NEW,
           U.SGW_CMD_POLICER_SET, U.SGW_CMD_POLICER_DEL, U.SGW_CMD_POLICER_RESET,
           U.SGW_CMD_ANYCAST_NEW, U.SGW_CMD_ANYCAST_SET, U.SGW_CMD_ANYCAST_DEL}
PLIST_CMDS = [U.SGW_CMD_PLIST_ADD, U.SGW_CMD_PLIST_DEL]
POLICER_CMDS = [U.SGW_CMD_POLICER_NEW, U.SGW_CMD_POLICER_SET, U.SGW_CMD_POLICER_DEL,
                U.SGW_CMD_POLICER_RESET]


class Fuzzer:
    def __init__(self, seed, unprivileged):
        self.r = random.Random(seed)
        self.nl = SgwNl()
        self.nl.sock.settimeout(5)
        # room for the requests with tens of thousands of attributes
        for opt in (32, socket.SO_SNDBUF):	# SO_SNDBUFFORCE needs privilege
            try:
                self.nl.sock.setsockopt(socket.SOL_SOCKET, opt, 4 << 20)
                break
            except OSError:
                pass
        self.unpriv = unprivileged
        self.fail = []
        self.stats = {}
        self.sent = 0

    def note(self, key):
        self.stats[key] = self.stats.get(key, 0) + 1

    def send(self, cmd, payload, dump, flags=None):
        """Sends one request; returns its errno (0: success) or None when
        it went unanswered."""
        if flags is None:
            flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        data = self.nl.build(cmd, payload, flags, version=self.r.choice([1, 1, 1, 0, 2, 255]))
        self.sent += 1
        try:
            self.nl.send(data)
            code, text, _ = self.nl.collect(self.nl.seq)
        except socket.timeout:
            self.fail.append("no answer to cmd %d flags %#x (%d bytes)" % (cmd, flags, len(data)))
            return None
        except OSError as e:
            if e.errno == errno.EMSGSIZE:	# larger than the socket may send
                self.note("too large to send")
                return -e.errno
            raise
        self.note(os.strerror(-code) if code else "ok")
        if code and -code not in (errno.EPERM, errno.EOPNOTSUPP) and not text:
            self.note("no extack: cmd %d %s" % (cmd, os.strerror(-code)))
            self.fail.append("error without extack message: cmd %d, %s" % (cmd, os.strerror(-code)))
        return code

    def mutated(self, fatal):
        cmd, payload, dump = valid_request(self.r)
        must_fail = False
        for _ in range(self.r.randrange(0 if fatal else 1, 3)):
            payload, _ = self.r.choice(MUTATIONS)(self.r, payload)
        if fatal or self.r.random() < 0.3:
            payload, mf = self.r.choice(FATAL)(self.r, payload)
            if mf == "policer":
                cmd, dump = self.r.choice(POLICER_CMDS), False
            elif mf == "plist":
                cmd, dump = self.r.choice(PLIST_CMDS), False
            must_fail = bool(mf)
        flags = None
        if self.r.random() < 0.1:
            # request flags a strict family must refuse, ack kept
            flags = NLM_F_REQUEST | NLM_F_ACK | self.r.choice([0x100, 0x200, 0x400, 0x800])
            must_fail = must_fail or cmd in CHANGES
        return cmd, payload, dump, flags, must_fail

    def batch(self, n, must_fail_only):
        """n requests; with must_fail_only, only those that must fail, and
        the state before and after is compared."""
        before = self.nl.state() if must_fail_only else None
        done = 0
        while done < n:
            if self.r.random() < 0.3 and not must_fail_only:
                cmd, payload, dump = valid_request(self.r)
                flags, must_fail = None, False
            else:
                cmd, payload, dump, flags, must_fail = self.mutated(must_fail_only)
                if must_fail_only and not (must_fail and cmd in CHANGES):
                    continue
            done += 1
            code = self.send(cmd, payload, dump, flags)
            if code == 0 and must_fail and flags is None and cmd in CHANGES:
                self.fail.append("a malformed request succeeded: cmd %d payload %s" % (cmd, payload.hex()[:120]))
        if must_fail_only:
            after = self.nl.state()
            if before != after:
                self.fail.append("requests that must fail changed the state")

    def consistent(self):
        err, lists = self.nl.request(U.SGW_CMD_PLIST_GET, dump=True)
        err2, pols = self.nl.request(U.SGW_CMD_POLICER_GET, dump=True)
        if err or err2:
            self.fail.append("dumps fail after fuzzing: %d %d" % (err, err2))
            return
        users = {}
        for m in lists:
            a = m.genl_attrs()
            users[attr_str(a, U.SGW_PLIST_A_NAME)] = struct.unpack("I", a[U.SGW_PLIST_A_USERS][0])[0]
        want = {n: 0 for n in users}
        for m in pols:
            a = m.genl_attrs()
            name = attr_str(a, U.SGW_POLICER_A_NAME)
            used = {attr_str(a, U.SGW_POLICER_A_DST_LIST), attr_str(a, U.SGW_POLICER_A_SRC_LIST)} - {None}
            for ln in used:
                if ln not in want:
                    self.fail.append("policer %s uses list %s, which does not exist" % (name, ln))
                else:
                    want[ln] += 1
            ps = a.get(U.SGW_POLICER_A_PER_SOURCE)
            cnt = struct.unpack("I", a[U.SGW_POLICER_A_SOURCES_COUNT][0])[0]
            mx = struct.unpack("I", a[U.SGW_POLICER_A_MAX_SOURCES][0])[0]
            if cnt > mx or (ps and not ps[0][0] and cnt):
                self.fail.append("policer %s: %d sources for a table of %d" % (name, cnt, mx))
        if users != want:
            self.fail.append("list users %s, policers say %s" % (users, want))
        print("state: %d lists, %d policers" % (len(lists), len(pols)))

    def names(self, cmd, atype):
        return [attr_str(m.genl_attrs(), atype) for m in self.nl.request(cmd, dump=True)[1]]

    def clear(self, keep):
        """Delete every object the run created; what was there before
        (keep: its state) must be left exactly as it was."""
        for name in self.names(U.SGW_CMD_ANYCAST_GET, U.SGW_ANYCAST_A_NAME):
            if name in GROUPS:
                self.nl.request(U.SGW_CMD_ANYCAST_DEL, nla_str(U.SGW_ANYCAST_A_NAME, name))
        pols = self.names(U.SGW_CMD_POLICER_GET, U.SGW_POLICER_A_NAME)
        for name in self.new_names(U.SGW_CMD_POLICER_GET, pols, keep):
            self.nl.request(U.SGW_CMD_POLICER_DEL, nla_str(U.SGW_POLICER_A_NAME, name))
        lists = self.names(U.SGW_CMD_PLIST_GET, U.SGW_PLIST_A_NAME)
        for name in self.new_names(U.SGW_CMD_PLIST_GET, lists, keep):
            self.nl.request(U.SGW_CMD_PLIST_DEL, nla_str(U.SGW_PLIST_A_NAME, name))
        if self.nl.state() != keep:
            self.fail.append("after deleting what the run created: %s, before it: %s"
                             % (self.nl.state(), keep))

    @staticmethod
    def new_names(cmd, names, keep):
        ntype = U.SGW_POLICER_A_NAME if cmd == U.SGW_CMD_POLICER_GET else U.SGW_PLIST_A_NAME
        old = {attr_str(dict(a), ntype) for c, a in keep if c == cmd}
        return [n for n in names if n not in old]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--unprivileged", action="store_true")
    args = ap.parse_args()
    f = Fuzzer(args.seed, args.unprivileged)
    per = 250
    if args.unprivileged:
        # nothing may change: the whole run is one batch compared at its ends
        before = f.nl.state()
        f.batch(args.count, False)
        if f.nl.state() != before:
            f.fail.append("an unprivileged caller changed the state")
    else:
        keep = f.nl.state()
        for i in range(0, args.count, per):
            f.batch(per // 5, True)
            f.batch(per - per // 5, False)
        f.consistent()
        f.clear(keep)
    print("sent %d requests, seed %d" % (f.sent, args.seed))
    for k in sorted(f.stats, key=lambda k: -f.stats[k]):
        print("  %6d  %s" % (f.stats[k], k))
    for msg in f.fail[:20]:
        print("FAIL: " + msg)
    return 1 if f.fail else 0


if __name__ == "__main__":
    sys.exit(main())
