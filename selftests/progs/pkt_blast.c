// SPDX-License-Identifier: GPL-2.0
/*
 * pkt_blast: send identical IPv4 SCTP (DATA chunk) or UDP frames out of an
 * interface through a packet socket, as fast as possible or at a given
 * rate, for a given time. The sender's IP stack is skipped so that, in a
 * forwarding benchmark, the gateway's work dominates the cost per packet.
 *
 *   pkt_blast IFNAME DSTMAC SRC DST sctp|udp SIZE SECONDS [PPS [NSRC]]
 *
 * SIZE is the IP packet size in bytes. PPS 0 (default) means as fast as
 * possible. NSRC > 1 cycles the source address over SRC, SRC+1, ...
 * Prints "sent N seconds S stalled Z": Z of the S seconds went by in gaps
 * of more than 50 ms in which a paced sender (stalled in a slow emulated
 * guest) offered nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define FRAME_MAX 1514

static uint16_t ip_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Ethernet + IPv4 + SCTP common header and DATA chunk, or UDP. */
static size_t build_frame(uint8_t *f, const uint8_t *dmac, const uint8_t *smac,
			  uint32_t src, uint32_t dst, int sctp, size_t size)
{
	uint8_t *ip = f + 14, *l4 = ip + 20;
	size_t l4len = size - 20;

	memset(f, 0, 14 + size);
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(size >> 8);
	ip[3] = (uint8_t)size;
	ip[8] = 64;
	ip[9] = sctp ? 132 : 17;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	if (sctp) {
		uint16_t clen = (uint16_t)(l4len - 12);

		l4[0] = 0x13; l4[1] = 0x88;	/* 5000 */
		l4[2] = 0x8e; l4[3] = 0xfc;	/* 36412, S1-AP */
		l4[7] = 1;			/* verification tag */
		l4[12] = 0;			/* DATA */
		l4[13] = 3;			/* B|E */
		l4[14] = (uint8_t)(clen >> 8);
		l4[15] = (uint8_t)clen;
		l4[19] = 1;			/* TSN */
		l4[27] = 18;			/* PPID: S1AP */
	} else {
		l4[0] = 0x13; l4[1] = 0x88;
		l4[2] = 0x13; l4[3] = 0x89;
		l4[4] = (uint8_t)(l4len >> 8);
		l4[5] = (uint8_t)l4len;
	}
	return 14 + size;
}

static void set_src(uint8_t *f, uint32_t src)
{
	uint8_t *ip = f + 14;
	uint16_t c;

	memcpy(ip + 12, &src, 4);
	ip[10] = ip[11] = 0;
	c = ip_checksum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

int main(int argc, char **argv)
{
	static uint8_t frames[BATCH][FRAME_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	uint8_t dmac[6], smac[6];
	struct ifreq ifr;
	uint32_t src, dst;
	unsigned long long sent = 0;
	double secs, pps = 0, start, deadline, credit = 0, last, stalled = 0;
	unsigned int nsrc = 1, first = 0, i;
	int fd, one = 1, sctp;
	size_t size, flen = 0;

	if (argc < 8) {
		fprintf(stderr, "usage: %s IFNAME DSTMAC SRC DST sctp|udp SIZE SECONDS [PPS [NSRC]]\n",
			argv[0]);
		return 1;
	}
	if (sscanf(argv[2], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &dmac[0], &dmac[1],
		   &dmac[2], &dmac[3], &dmac[4], &dmac[5]) != 6 ||
	    inet_pton(AF_INET, argv[3], &src) != 1 ||
	    inet_pton(AF_INET, argv[4], &dst) != 1) {
		fprintf(stderr, "pkt_blast: bad MAC or address\n");
		return 1;
	}
	sctp = !strcmp(argv[5], "sctp");
	size = strtoul(argv[6], NULL, 10);
	secs = atof(argv[7]);
	if (argc > 8)
		pps = atof(argv[8]);
	if (argc > 9)
		nsrc = (unsigned int)strtoul(argv[9], NULL, 10);
	if (size < 64 || size > FRAME_MAX - 14 || secs <= 0 || nsrc < 1) {
		fprintf(stderr, "pkt_blast: SIZE 64..1500, SECONDS > 0, NSRC >= 1\n");
		return 1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("pkt_blast: socket");
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("pkt_blast: SIOCGIFHWADDR");
		return 1;
	}
	memcpy(smac, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	sll.sll_protocol = htons(ETH_P_IP);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("pkt_blast: bind");
		return 1;
	}
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	for (i = 0; i < BATCH; i++) {
		flen = build_frame(frames[i], dmac, smac, src, dst, sctp, size);
		set_src(frames[i], htonl(ntohl(src) + i % nsrc));
		iov[i].iov_base = frames[i];
		iov[i].iov_len = flen;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	start = last = now();
	deadline = start + secs;
	for (;;) {
		double t = now();
		unsigned int n = BATCH;
		int r;

		if (t >= deadline)
			break;
		if (pps > 0) {
			/* Spin rather than sleep: timer slack would turn the
			 * flow into clumps, which a small-burst policer
			 * punishes more than a smooth flow of the same rate. */
			if (t - last > 0.05)
				stalled += t - last;
			credit += (t - last) * pps;
			last = t;
			if (credit > 4)
				credit = 4;
			if (credit < 1)
				continue;
			n = (unsigned int)credit;
		}
		r = sendmmsg(fd, msgs, n, 0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN)
				continue;
			perror("pkt_blast: sendmmsg");
			return 1;
		}
		sent += (unsigned int)r;
		credit -= r;
		/* The next frames take the sources on from where these left
		 * them (a paced sender sends fewer than BATCH at a time). */
		if (sent % nsrc != first) {
			first = (unsigned int)(sent % nsrc);
			for (i = 0; i < BATCH; i++)
				set_src(frames[i], htonl(ntohl(src) + (first + i) % nsrc));
		}
	}
	printf("sent %llu seconds %.3f stalled %.3f\n", sent, now() - start,
	       stalled);
	return 0;
}
