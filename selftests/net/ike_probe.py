#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Hand-made IKEv2 requests for the kselftests (raw UDP to port 500).
#   ike_probe.py GW hostile   repeated, truncated, malformed and oversized
#                             IKE_SA_INIT requests; one "name value" line each
#   ike_probe.py GW init      one valid IKE_SA_INIT (modp2048); prints
#                             "answer sa_init", "answer notify N" or "answer none"
#   ike_probe.py GW cookie-flood SECS [SRC]
#                             for SECS seconds, new IKE_SA_INITs from one
#                             address (SRC), returning every COOKIE asked for;
#                             prints "half_open K" (answered with SA_INIT,
#                             i.e. half-open SAs made) and "dropped D"
import os, socket, struct, sys, time

GW = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[4] if len(sys.argv) > 4 else "0.0.0.0", 0))
s.settimeout(3)

def payload(np, body, critical=False):
    return struct.pack("!BBH", np, 0x80 if critical else 0, 4 + len(body)) + body

def transform(last, ttype, tid, attr=b""):
    return struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attr), ttype, 0, tid) + attr

def sa_init(spi, extra_np=0, extra=b"", ke_len=256, cookie=None, nonce=None):
    ts = (transform(False, 1, 12, struct.pack("!HH", 0x800e, 128)) +
          transform(False, 2, 5) + transform(False, 3, 12) + transform(True, 4, 14))
    prop = struct.pack("!BBHBBBB", 0, 0, 8 + len(ts), 1, 1, 0, 4) + ts
    ke = struct.pack("!HH", 14, 0) + b"\0" * (ke_len - 1) + b"\x02"
    nonce = nonce or os.urandom(32)
    body = payload(34, prop) + payload(40, ke) + payload(extra_np, nonce) + extra
    first = 33
    if cookie is not None:	# N(COOKIE) first (RFC 7296 2.6)
        body = payload(33, struct.pack("!BBH", 0, 0, 16390) + cookie) + body
        first = 41
    hdr = struct.pack("!8s8sBBBBII", spi, b"\0" * 8, first, 0x20, 34, 0x08, 0, 28 + len(body))
    return hdr + body

def ask(msg):
    s.sendto(msg, (GW, 500))
    try:
        return s.recv(65535)
    except socket.timeout:
        return None

def notify_type(resp):
    # first payload of a notify-only answer: N at offset 28
    if resp is None or len(resp) < 36 or resp[16] != 41:
        return None
    return struct.unpack("!H", resp[34:36])[0]


def hostile():
    spi = os.urandom(8)
    m = sa_init(spi)
    r1 = ask(m)
    r2 = ask(m)
    print("init_answered", int(r1 is not None and r1[16] == 33))
    print("retransmit_same_answer", int(r1 is not None and r1 == r2))
    print("truncated_ignored", int(ask(m[:20]) is None))
    bad = bytearray(m); bad[24:28] = struct.pack("!I", len(m) + 10)
    print("bad_length_ignored", int(ask(bytes(bad)) is None))
    crit = sa_init(os.urandom(8), 200, payload(0, b"abcd", critical=True))
    print("unknown_critical", notify_type(ask(crit)))
    print("bad_ke_len", notify_type(ask(sa_init(os.urandom(8), ke_len=100))))
    junk = os.urandom(8) + os.urandom(8) + bytes([46, 0x20, 35, 0x08]) + struct.pack("!II", 1, 60) + os.urandom(32)
    r = ask(junk)
    # RFC 7296 2.21.4: unprotected INVALID_IKE_SPI, same SPIs and message ID, a response
    same = r is not None and r[:16] == junk[:16] and r[18] == 35 and r[19] == 0x20 and r[20:24] == junk[20:24]
    print("unknown_spi_notify", notify_type(r) if same else None)
    big = sa_init(os.urandom(8), 48, payload(0, b"x" * 6000))
    print("oversized_init_ignored", int(ask(big) is None))


def init():
    r = ask(sa_init(os.urandom(8)))
    if r is None:
        print("answer none")
    elif notify_type(r) is not None:
        print("answer notify", notify_type(r))
    else:
        print("answer sa_init")

def cookie_flood():
    end = time.time() + float(sys.argv[3])
    made = dropped = 0
    s.settimeout(0.5)
    while time.time() < end:
        spi, nonce = os.urandom(8), os.urandom(32)
        r = ask(sa_init(spi, nonce=nonce))
        if r is not None and notify_type(r) == 16390:
            plen = struct.unpack("!H", r[30:32])[0]
            r = ask(sa_init(spi, nonce=nonce, cookie=r[36:28 + plen]))
        if r is not None and r[16] == 33:
            made += 1
        elif r is None:
            dropped += 1
    print("half_open", made)
    print("dropped", dropped)

{"hostile": hostile, "init": init, "cookie-flood": cookie_flood}[sys.argv[2]]()
