# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink access to the sgw family, for the kselftests.

sgwctl says what an operator sees; the tests that need to see the wire
(dump flags, requests sgwctl never builds, dumps left half read) use this:

    from sgw_nl import SgwNl, nla, nla_str, nla_u32, uapi
    nl = SgwNl()
    err, msgs = nl.request(uapi.SGW_CMD_POLICER_GET, dump=True)

The command and attribute numbers come from the uapi header itself
(kmod/include/uapi/linux/sgw.h), so the tests follow the ABI.
"""

import os
import re
import socket
import struct
import types

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2

NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_DUMP_INTR = 0x10
NLM_F_ACK_TLVS = 0x200
NLM_F_DUMP = 0x300
NLA_F_NESTED = 0x8000

NETLINK_EXT_ACK = 11
NLMSGERR_ATTR_MSG = 1

UAPI = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "../../kmod/include/uapi/linux/sgw.h")


def _uapi_constants(path=UAPI):
    """Values of the enums and #defines of the uapi header."""
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    vals = {}
    for name, value in re.findall(r"#define\s+(SGW_\w+)\s+(\d+)[UL]*\b", text):
        vals[name] = int(value)
    for body in re.findall(r"enum\s+\w+\s*{(.*?)}", text, flags=re.S):
        nxt = 0
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            if "=" in item:
                name, expr = (x.strip() for x in item.split("=", 1))
                nxt = eval(expr, {}, dict(vals))
            else:
                name = item
            vals[name] = nxt
            nxt += 1
    return types.SimpleNamespace(**vals)


uapi = _uapi_constants()


def nla(atype, payload=b""):
    """One attribute, padded to 4 bytes."""
    n = 4 + len(payload)
    return struct.pack("HH", n, atype) + payload + bytes(-n % 4)


def nla_str(atype, s):
    # names are bytes to the kernel: any byte but NUL round-trips
    return nla(atype, s.encode(errors="surrogateescape") + b"\0")


def nla_u8(atype, v):
    return nla(atype, struct.pack("B", v))


def nla_u32(atype, v):
    return nla(atype, struct.pack("I", v))


def nla_u64(atype, v):
    return nla(atype, struct.pack("Q", v))


def nla_nest(atype, *attrs):
    return nla(atype | NLA_F_NESTED, b"".join(attrs))


def nla_prefix(atype, addr, plen):
    """A prefix nest: addr is an IPv4 or IPv6 address string."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    return nla_nest(atype, nla(uapi.SGW_PREFIX_A_ADDR, socket.inet_pton(fam, addr)),
                    nla_u8(uapi.SGW_PREFIX_A_PLEN, plen))


def attrs(payload):
    """{type: [payload, ...]} of a run of attributes."""
    out = {}
    off = 0
    while off + 4 <= len(payload):
        n, t = struct.unpack_from("HH", payload, off)
        if n < 4:
            break
        out.setdefault(t & 0x3fff, []).append(payload[off + 4:off + n])
        off += (n + 3) & ~3
    return out


def attr_str(a, atype):
    v = a.get(atype)
    return v[0].rstrip(b"\0").decode(errors="surrogateescape") if v else None


class Msg:
    """One received netlink message."""

    def __init__(self, mtype, flags, seq, payload):
        self.type, self.flags, self.seq, self.payload = mtype, flags, seq, payload

    def genl_attrs(self):
        return attrs(self.payload[4:])

    def error(self):
        """(errno, extack message) of an NLMSG_ERROR or NLMSG_DONE."""
        code = struct.unpack_from("i", self.payload)[0] if len(self.payload) >= 4 else 0
        off = 4
        if self.type == NLMSG_ERROR and len(self.payload) >= 20:
            inner_len = struct.unpack_from("I", self.payload, 4)[0]
            # the request is echoed in full on errors (no NETLINK_CAP_ACK)
            off += (inner_len + 3) & ~3 if code else 16
        text = None
        if self.flags & NLM_F_ACK_TLVS:
            text = attr_str(attrs(self.payload[off:]), NLMSGERR_ATTR_MSG)
        return code, text


class SgwNl:
    """A generic netlink socket with the sgw family resolved."""

    def __init__(self, rcvbuf=None):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.setsockopt(270, NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 1000
        err, msgs = self._request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                  nla_str(CTRL_ATTR_FAMILY_NAME, "sgw"))
        if err:
            raise OSError(-err, "sgw family: " + os.strerror(-err))
        self.family = struct.unpack("H", msgs[0].genl_attrs()[CTRL_ATTR_FAMILY_ID][0][:2])[0]

    def build(self, cmd, payload=b"", flags=NLM_F_REQUEST | NLM_F_ACK, family=None,
              version=1):
        self.seq += 1
        body = struct.pack("BBH", cmd, version, 0) + payload
        return struct.pack("IHHII", 16 + len(body), self.family if family is None else family,
                           flags, self.seq, 0) + body

    def send(self, data):
        self.sock.send(data)

    def recv(self, size=1 << 20):
        """The messages of one datagram."""
        data = self.sock.recv(size)
        out = []
        off = 0
        while off + 16 <= len(data):
            n, t, f, s, _ = struct.unpack_from("IHHII", data, off)
            if n < 16:
                break
            out.append(Msg(t, f, s, data[off + 16:off + n]))
            off += (n + 3) & ~3
        return out

    def collect(self, seq):
        """Messages answering request seq until its ack or NLMSG_DONE:
        (errno, extack, [messages])."""
        msgs = []
        while True:
            for m in self.recv():
                if m.seq != seq:
                    continue
                if m.type in (NLMSG_ERROR, NLMSG_DONE):
                    code, text = m.error()
                    return code, text, msgs
                msgs.append(m)

    def _request(self, family, cmd, payload=b"", dump=False):
        flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        self.send(self.build(cmd, payload, flags, family=family))
        code, _, msgs = self.collect(self.seq)
        return code, msgs

    def request(self, cmd, payload=b"", dump=False):
        """(errno, [messages]) of one request (0 on success)."""
        return self._request(self.family, cmd, payload, dump)

    MOVING = {
        uapi.SGW_CMD_POLICER_GET: ("SGW_POLICER_A_STATS", "SGW_POLICER_A_SOURCES_COUNT"),
        uapi.SGW_CMD_ANYCAST_GET: ("SGW_ANYCAST_A_STATE", "SGW_ANYCAST_A_REASONS",
                                   "SGW_ANYCAST_A_TRANSITIONS", "SGW_ANYCAST_A_WITHDRAWALS",
                                   "SGW_ANYCAST_A_STATE_MS", "SGW_ANYCAST_A_HOLD_DOWN_LEFT_MS",
                                   "SGW_ANYCAST_A_HEARTBEAT_AGE_MS", "SGW_ANYCAST_A_PEER_VIA"),
    }

    def state(self):
        """Everything the family shows of this namespace, as comparable text."""
        out = []
        for cmd in (uapi.SGW_CMD_PLIST_GET, uapi.SGW_CMD_POLICER_GET,
                    uapi.SGW_CMD_ANYCAST_GET):
            err, msgs = self.request(cmd, dump=True)
            if err:
                raise OSError(-err, "dump: " + os.strerror(-err))
            for m in msgs:
                a = m.genl_attrs()
                # what moves by itself: counters, the table's fill (traffic),
                # a group's state and its clocks (hold-down, heartbeat)
                for t in self.MOVING.get(cmd, ()):
                    a.pop(getattr(uapi, t), None)
                out.append((cmd, sorted(a.items())))
        return out
