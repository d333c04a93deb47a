// SPDX-License-Identifier: GPL-2.0
/*
 * sgw_sockaddr: socket addresses of IKE peers and gateways (see
 * sgw_sockaddr.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "base/sgw_sockaddr.h"

const uint8_t *sgw_sockaddr_bytes(const struct sockaddr_storage *ss, size_t *len)
{
	if (ss->ss_family == AF_INET) {
		*len = 4;
		return (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr;
	}
	*len = 16;
	return (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
}

uint16_t sgw_sockaddr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

void sgw_sockaddr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

void sgw_sockaddr_from_prefix(const struct sgw_prefix *p, uint16_t port,
			      struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (p->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, p->addr, 4);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, p->addr, 16);
	}
	sgw_sockaddr_set_port(ss, port);
}

void sgw_sockaddr_to_prefix(const struct sockaddr_storage *ss, struct sgw_prefix *p)
{
	size_t len;
	const uint8_t *b = sgw_sockaddr_bytes(ss, &len);

	memset(p, 0, sizeof(*p));
	p->family = (uint8_t)ss->ss_family;
	p->len = (uint8_t)(8 * len);
	memcpy(p->addr, b, len);
}

socklen_t sgw_sockaddr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

bool sgw_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	size_t la, lb;
	const uint8_t *x = sgw_sockaddr_bytes(a, &la), *y = sgw_sockaddr_bytes(b, &lb);

	return a->ss_family == b->ss_family && la == lb && !memcmp(x, y, la) &&
	       sgw_sockaddr_port(a) == sgw_sockaddr_port(b);
}

const char *sgw_sockaddr_format_ip(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	size_t alen;
	const uint8_t *b = sgw_sockaddr_bytes(ss, &alen);

	if (!inet_ntop(ss->ss_family, b, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *sgw_sockaddr_format(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	sgw_sockaddr_format_ip(ss, a, sizeof(a));
	if (ss->ss_family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, sgw_sockaddr_port(ss));
	else
		snprintf(buf, len, "%s:%u", a, sgw_sockaddr_port(ss));
	return buf;
}
