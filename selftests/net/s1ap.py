#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""S1-AP-like traffic over SCTP for the kselftests: an MME that counts
messages per eNodeB, and an eNodeB that sends some.

  s1ap.py mme ADDR OUT      serve SCTP port 36412 on ADDR; OUT (JSON) holds
                            {"eNodeB address": messages}, rewritten on
                            every message; OUT.ready appears once listening
  s1ap.py enb SRC DST N     one association from SRC to DST, N messages;
                            exit 0 once all were sent and the MME's side
                            acknowledged them (the association is shut down
                            cleanly)
"""
import json
import os
import socket
import sys

PORT = 36412


def mme(addr, out):
    s = socket.socket(socket.AF_INET, socket.SOCK_SEQPACKET, socket.IPPROTO_SCTP)
    s.bind((addr, PORT))
    s.listen(256)
    counts = {}
    open(out + ".ready", "w").close()
    while True:
        data, peer = s.recvfrom(65536)
        if not data:
            continue
        counts[peer[0]] = counts.get(peer[0], 0) + 1
        with open(out + ".tmp", "w") as f:
            json.dump(counts, f)
        os.replace(out + ".tmp", out)


def enb(src, dst, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_SCTP)
    s.settimeout(20)
    s.bind((src, 0))
    s.connect((dst, PORT))
    for i in range(n):
        s.send(b"S1AP %s message %d " % (src.encode(), i) + b"." * 100)
    s.shutdown(socket.SHUT_RDWR)
    s.close()


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "mme":
        mme(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "enb":
        enb(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
