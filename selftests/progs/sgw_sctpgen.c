// SPDX-License-Identifier: GPL-2.0
/*
 * sgw_sctpgen: paced SCTP packet generator for the policer kselftests.
 *
 *   sgw_sctpgen -d DST [-s SRC] [-I IFNAME] [-P PORT] [-l BYTES] [-r BITS/S]
 *               [-t SECONDS] [-k data|init]
 *
 * Sends SCTP packets of exactly BYTES bytes at the IP layer (IPv4 or IPv6,
 * from DST's family) through a raw socket, at RATE bits/s for SECONDS,
 * each with one DATA chunk (or one INIT chunk) and a valid CRC32c. Packets
 * larger than the path MTU (up to 65,000 bytes) leave as IP fragments, cut
 * by the sender's kernel. The
 * socket may be bound to SRC and to a device (a VRF, for traffic the
 * gateway sends itself). Pacing uses absolute deadlines, so the offered
 * rate does not drift; after a stall of the sender (slow emulated guests)
 * it resumes without a catch-up burst, and counts the time it offered
 * nothing. A packet a local policer drops (EPERM) counts as sent. At the
 * end it prints one line:
 *   sent PACKETS BYTES SECONDS STALLED_SECONDS
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SCTP_HDR 12
#define CHUNK_HDR 4

static uint32_t crc32c_table[256];

static void crc32c_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc32c_table[i] = c;
	}
}

static uint32_t crc32c(const uint8_t *p, size_t n)
{
	uint32_t c = ~0u;

	while (n--)
		c = crc32c_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* One SCTP packet of len bytes: common header and a single chunk. */
static void build_packet(uint8_t *pkt, size_t len, uint16_t port, bool init)
{
	size_t clen = len - SCTP_HDR;
	uint32_t crc;

	memset(pkt, 0, len);
	put16(pkt, 40000 + (getpid() % 20000));	/* source port */
	put16(pkt + 2, port);
	put32(pkt + 4, init ? 0 : 0x5a5a5a5a);		/* verification tag */
	if (init) {
		pkt[SCTP_HDR] = 1;			/* INIT */
		put16(pkt + SCTP_HDR + 2, 20);
		put32(pkt + SCTP_HDR + 4, 0x01020304);	/* initiate tag */
		put32(pkt + SCTP_HDR + 8, 65536);	/* a_rwnd */
		put16(pkt + SCTP_HDR + 12, 1);		/* out streams */
		put16(pkt + SCTP_HDR + 14, 1);		/* in streams */
		put32(pkt + SCTP_HDR + 16, 1);		/* initial TSN */
	} else {
		pkt[SCTP_HDR] = 0;			/* DATA */
		pkt[SCTP_HDR + 1] = 3;			/* B and E bits */
		put16(pkt + SCTP_HDR + 2, clen);
		put32(pkt + SCTP_HDR + 4, 1);		/* TSN */
		put32(pkt + SCTP_HDR + 12, 18);		/* PPID: S1AP */
	}
	crc = crc32c(pkt, len);
	/* CRC32c goes on the wire least significant byte first */
	pkt[8] = crc;
	pkt[9] = crc >> 8;
	pkt[10] = crc >> 16;
	pkt[11] = crc >> 24;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	struct timespec ts = { .tv_sec = (time_t)t };

	ts.tv_nsec = (long)((t - ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void usage(void)
{
	fprintf(stderr, "usage: sgw_sctpgen -d DST [-s SRC] [-I IFNAME] [-P PORT] "
		"[-l BYTES] [-r BITS/S] [-t SECONDS] [-k data|init]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dst = NULL, *src = NULL, *ifname = NULL;
	struct sockaddr_storage da = { 0 }, sa = { 0 };
	double rate = 1e6, secs = 1, start, next, gap, stalled = 0, t;
	unsigned long long sent = 0;
	int port = 36412, len = 1000, opt, fd, family, iphdr;
	bool init = false;
	socklen_t salen;
	uint8_t *pkt;

	while ((opt = getopt(argc, argv, "d:s:I:P:l:r:t:k:")) != -1) {
		switch (opt) {
		case 'd': dst = optarg; break;
		case 's': src = optarg; break;
		case 'I': ifname = optarg; break;
		case 'P': port = atoi(optarg); break;
		case 'l': len = atoi(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 't': secs = atof(optarg); break;
		case 'k': init = !strcmp(optarg, "init"); break;
		default: usage();
		}
	}
	if (!dst || rate <= 0)
		usage();
	if (inet_pton(AF_INET, dst, &((struct sockaddr_in *)&da)->sin_addr) == 1) {
		family = AF_INET;
		iphdr = 20;
		salen = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, dst, &((struct sockaddr_in6 *)&da)->sin6_addr) == 1) {
		family = AF_INET6;
		iphdr = 40;
		salen = sizeof(struct sockaddr_in6);
	} else {
		usage();
	}
	da.ss_family = family;
	if (len - iphdr < SCTP_HDR + (init ? 20 : 16 + 4) || len > 65000) {
		fprintf(stderr, "sgw_sctpgen: bad packet length %d\n", len);
		return 2;
	}
	if (init)
		len = iphdr + SCTP_HDR + 20;
	fd = socket(family, SOCK_RAW, IPPROTO_SCTP);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
				 strlen(ifname) + 1)) {
		perror("SO_BINDTODEVICE");
		return 1;
	}
	if (src) {
		sa.ss_family = family;
		if (inet_pton(family, src, family == AF_INET ?
			      (void *)&((struct sockaddr_in *)&sa)->sin_addr :
			      (void *)&((struct sockaddr_in6 *)&sa)->sin6_addr) != 1)
			usage();
		if (bind(fd, (struct sockaddr *)&sa, salen)) {
			perror("bind");
			return 1;
		}
	}
	crc32c_init();
	pkt = malloc(len);
	if (!pkt)
		return 1;
	build_packet(pkt, len - iphdr, port, init);
	gap = len * 8.0 / rate;
	start = now_s();
	next = start;
	while (next < start + secs) {
		sleep_until(next);
		if (sendto(fd, pkt, len - iphdr, 0, (struct sockaddr *)&da,
			   salen) == len - iphdr || errno == EPERM)
			sent++;
		else if (errno != ENOBUFS && errno != EAGAIN)
			perror("sendto");
		next += gap;
		t = now_s();
		if (t > next + 0.05) {	/* stalled: do not burst to catch up */
			stalled += t - next;
			next = t;
		}
	}
	printf("sent %llu %llu %.3f %.3f\n", sent, sent * len, now_s() - start,
	       stalled);
	free(pkt);
	close(fd);
	return 0;
}
