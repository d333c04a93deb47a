// SPDX-License-Identifier: GPL-2.0
/*
 * ikeload's sockets: one UDP socket per source port (--ports), bound to
 * the wildcard address, so that one socket serves every source address.
 * Each datagram leaves from its tunnel's address (IP_PKTINFO /
 * IPV6_PKTINFO on sendmsg) and the address it came to is read back the
 * same way. The addresses must be local: assigned to an interface, or a
 * whole prefix routed as local (`ip route add local PREFIX dev lo`). The
 * sockets bypass IPsec policies, so the sample tunnels' policies never
 * catch IKE. Datagrams are read in batches (recvmmsg).
 */
#include "ikeload.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define RX_BATCH	32
#define RX_BUF		4096	/* larger IKE messages are not for us */

static uint8_t rx_bufs[RX_BATCH][RX_BUF];
static uint8_t rx_ctl[RX_BATCH][CMSG_SPACE(sizeof(struct in6_pktinfo))];

static int open_one(int family, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sgw_prefix any = { .family = (uint8_t)family };
	int fd, one = 1, rcv = 16 << 20, snd = 4 << 20;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* large buffers: a storm's answers arrive together */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
	if (family == AF_INET) {
		if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)))
			goto fail;
	} else if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
		   setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one))) {
		goto fail;
	}
	if (xfrm_socket_bypass(fd, family))
		goto fail;
	sgw_sockaddr_from_prefix(&any, port, &ss);
	if (bind(fd, (struct sockaddr *)&ss, sgw_sockaddr_len(&ss)))
		goto fail;
	return fd;
fail:
	{
		int e = errno;

		close(fd);
		errno = e;
	}
	return -1;
}

int sock_open_all(void)
{
	const struct load_opts *o = &ld->o;
	unsigned int i;

	ld->fds = calloc(o->ports, sizeof(*ld->fds));
	if (!ld->fds)
		return -1;
	for (i = 0; i < o->ports; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
		int fd = open_one(o->source.start.family, (uint16_t)(o->source_port + i));

		if (fd < 0) {
			fprintf(stderr, "ikeload: UDP port %u: %s\n", o->source_port + i,
				strerror(errno));
			return -1;
		}
		ld->fds[ld->n_fds++] = fd;
		if (epoll_ctl(ld->epfd, EPOLL_CTL_ADD, fd, &ev))
			return -1;
	}
	return 0;
}

void sock_close_all(void)
{
	unsigned int i;

	for (i = 0; i < ld->n_fds; i++)
		close(ld->fds[i]);
	free(ld->fds);
	ld->fds = NULL;
	ld->n_fds = 0;
}

int sock_send(const struct tunnel *t, const uint8_t *buf, size_t len)
{
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = {
		.msg_name = (void *)&ld->peer,
		.msg_namelen = sgw_sockaddr_len(&ld->peer),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.b,
	};
	struct cmsghdr *cm;
	size_t alen;
	const uint8_t *a = sgw_sockaddr_bytes(&t->local, &alen);

	memset(&ctl, 0, sizeof(ctl));
	cm = (struct cmsghdr *)ctl.b;
	if (t->local.ss_family == AF_INET) {
		struct in_pktinfo pi = { 0 };

		memcpy(&pi.ipi_spec_dst, a, 4);
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	} else {
		struct in6_pktinfo pi = { 0 };

		memcpy(&pi.ipi6_addr, a, 16);
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	cnt.tx++;
	/* a full socket buffer drops; the retransmission covers it */
	return sendmsg(ld->fds[t->sock], &mh, MSG_DONTWAIT) < 0 ? -1 : 0;
}

/* The address a datagram came to, from its control message. */
static void dest_of(struct msghdr *mh, uint16_t port, struct sockaddr_storage *to)
{
	struct cmsghdr *cm;

	memset(to, 0, sizeof(*to));
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			struct sockaddr_in *in = (struct sockaddr_in *)to;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			in->sin_family = AF_INET;
			in->sin_addr = pi.ipi_addr;
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)to;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			in6->sin6_family = AF_INET6;
			in6->sin6_addr = pi.ipi6_addr;
		}
	}
	if (to->ss_family)
		sgw_sockaddr_set_port(to, port);
}

int sock_receive(unsigned int i, sock_rx_fn fn)
{
	struct mmsghdr mm[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct sockaddr_storage from[RX_BATCH], to;
	uint16_t port = (uint16_t)(ld->o.source_port + i);
	int n, k;

	memset(mm, 0, sizeof(mm));
	for (k = 0; k < RX_BATCH; k++) {
		iov[k].iov_base = rx_bufs[k];
		iov[k].iov_len = RX_BUF;
		mm[k].msg_hdr.msg_iov = &iov[k];
		mm[k].msg_hdr.msg_iovlen = 1;
		mm[k].msg_hdr.msg_name = &from[k];
		mm[k].msg_hdr.msg_namelen = sizeof(from[k]);
		mm[k].msg_hdr.msg_control = rx_ctl[k];
		mm[k].msg_hdr.msg_controllen = sizeof(rx_ctl[k]);
	}
	n = recvmmsg(ld->fds[i], mm, RX_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0;
	for (k = 0; k < n; k++) {
		cnt.rx++;
		if (mm[k].msg_hdr.msg_flags & MSG_TRUNC) {
			cnt.rx_invalid++;
			continue;
		}
		dest_of(&mm[k].msg_hdr, port, &to);
		fn(rx_bufs[k], mm[k].msg_len, &from[k], &to);
	}
	return n;
}
