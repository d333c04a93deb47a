// SPDX-License-Identifier: GPL-2.0
/*
 * The gateways' IKE sockets: UDP on the gateway's address and port (500)
 * and on 4500 for NAT traversal (RFC 3948: ESP-in-UDP decapsulated by the
 * kernel, IKE behind a four-byte non-ESP marker), bound to the gateway's
 * VRF, exempt from our own IPsec policies, joined across the workers with
 * SO_REUSEPORT. Sending never blocks.
 */
#include "ikud.h"

#include <errno.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef UDP_ENCAP
#define UDP_ENCAP 100
#endif
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

/* The gateway's address and a port. */
void sock_gateway_addr(const struct ike_conf_gateway *c, uint16_t port,
		       struct sockaddr_storage *ss)
{
	sgw_sockaddr_from_prefix(&c->local, port, ss);
}

/* The traffic class of our IKE packets (ike-dscp): the DSCP, ECN bits 0;
 * the system's default (0) without one. */
static int set_dscp(int fd, int family, int dscp)
{
	int tos = dscp < 0 ? 0 : dscp << 2;

	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	return setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
}

/* What a reload may change on an open socket. */
int sock_apply(int fd, const struct ike_conf_gateway *c)
{
	return set_dscp(fd, c->local.family, c->ike_dscp);
}

int sock_open(const struct ike_conf_gateway *c, uint16_t port, bool encap)
{
	struct sockaddr_storage ss;
	int fd, one = 1, buf = 4 << 20;
	int family = c->local.family;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)))
		goto fail;
	if (c->vrf[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->vrf,
				    (socklen_t)strlen(c->vrf) + 1))
		goto fail;
	if (xfrm_socket_bypass(fd, family) || set_dscp(fd, family, c->ike_dscp))
		goto fail;
	sock_gateway_addr(c, port, &ss);
	if (bind(fd, (struct sockaddr *)&ss, sgw_sockaddr_len(&ss)))
		goto fail;
	if (encap) {
		int type = UDP_ENCAP_ESPINUDP;

		if (setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &type, sizeof(type)))
			goto fail;
	}
	return fd;
fail:
	{
		int e = errno;

		close(fd);
		errno = e;
	}
	return -1;
}

struct gw_socks *sock_find(struct shard *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_socks; i++)
		if (s->socks[i].alive && !strcmp(s->socks[i].name, name))
			return &s->socks[i];
	return NULL;
}

int sock_send_to(int fd, bool natt, const struct sockaddr_storage *peer,
		 const uint8_t *buf, size_t len)
{
	static const uint8_t marker[4];
	struct iovec iov[2] = {
		{ .iov_base = (void *)marker, .iov_len = 4 },
		{ .iov_base = (void *)buf, .iov_len = len },
	};
	struct msghdr mh = {
		.msg_name = (void *)peer,
		.msg_namelen = sgw_sockaddr_len(peer),
		.msg_iov = natt ? iov : iov + 1,
		.msg_iovlen = natt ? 2 : 1,
	};

	if (fd < 0)
		return -1;
	/* Non-blocking: a full socket buffer drops, the retransmit covers it. */
	return sendmsg(fd, &mh, MSG_DONTWAIT) < 0 ? -1 : 0;
}

int sock_send(struct ike_sa *sa, const uint8_t *buf, size_t len)
{
	sa->shard->st.tx_packets++;
	return sock_send_to(sa->fd, sa->natt, &sa->peer, buf, len);
}
