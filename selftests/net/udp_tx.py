#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# UDP probes for the kselftests.
#   udp_tx.py send SRC DST COUNT [TOS [SIZE [VRF]]]
#       COUNT datagrams of SIZE payload bytes (default 64) to DST port 9 from
#       SRC, as fast as the socket takes them, with IP_TOS / IPV6_TCLASS TOS
#       (default 0), bound to the VRF device when given; prints "sent N"
#   udp_tx.py recv ADDR SECONDS [VRF [READY [EXPECT]]]
#       counts datagrams to ADDR port 9 until SECONDS pass without one
#       (60 s for the first: a slow guest takes seconds to start a sender)
#       or EXPECT have come; prints "received N"; creates the file READY
#       once it listens
import socket, sys

SO_RCVBUFFORCE = 33  # linux/asm-generic/socket.h; not in Python's module


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def sock(addr, vrf):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    if vrf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, vrf.encode())
    return s


def send(src, dst, count, tos=0, size=64, vrf=""):
    s = sock(src, vrf)
    if family(src) == socket.AF_INET:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, tos)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, tos)
    s.bind((src, 0))
    payload = b"x" * size
    sent = 0
    for _ in range(count):
        try:
            s.sendto(payload, (dst, 9))
            sent += 1
        except OSError:
            pass
    print("sent", sent)


def recv(addr, secs, vrf="", ready="", expect=0):
    s = sock(addr, vrf)
    # bursts (netem releasing its delayed half) must not overflow the socket
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
    s.bind((addr, 9))
    s.settimeout(60)
    if ready:
        open(ready, "w").close()
    n = 0
    try:
        while not expect or n < expect:
            s.recv(65536)
            n += 1
            s.settimeout(secs)
    except socket.timeout:
        pass
    print("received", n)


if sys.argv[1] == "send":
    a = sys.argv[2:]
    send(a[0], a[1], int(a[2]), int(a[3], 0) if len(a) > 3 else 0,
         int(a[4]) if len(a) > 4 else 64, a[5] if len(a) > 5 else "")
else:
    a = sys.argv[2:]
    recv(a[0], float(a[1]), a[2] if len(a) > 2 else "", a[3] if len(a) > 3 else "",
         int(a[4]) if len(a) > 4 else 0)
