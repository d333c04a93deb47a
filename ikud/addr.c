// SPDX-License-Identifier: GPL-2.0
/*
 * Socket addresses of peers and gateways: their bytes, ports, text, and
 * the forms XFRM and the configuration use.
 */
#include "ikud.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* --- addresses ------------------------------------------------------------ */

int addr_family(const struct sockaddr_storage *ss)
{
	return ss->ss_family;
}

const uint8_t *addr_bytes(const struct sockaddr_storage *ss, size_t *len)
{
	if (ss->ss_family == AF_INET) {
		*len = 4;
		return (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr;
	}
	*len = 16;
	return (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
}

uint16_t addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

void addr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

void addr_to_xfrm(const struct sockaddr_storage *ss, xfrm_address_t *a, int *family)
{
	size_t len;
	const uint8_t *b = addr_bytes(ss, &len);

	memset(a, 0, sizeof(*a));
	memcpy(a, b, len);
	*family = ss->ss_family;
}

void addr_from_prefix(const struct sgw_prefix *p, uint16_t port, struct sockaddr_storage *ss)
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
	addr_set_port(ss, port);
}

socklen_t addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

bool addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	size_t la, lb;
	const uint8_t *x = addr_bytes(a, &la), *y = addr_bytes(b, &lb);

	return a->ss_family == b->ss_family && la == lb && !memcmp(x, y, la) &&
	       addr_port(a) == addr_port(b);
}

const char *addr_format_ip(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	size_t alen;
	const uint8_t *b = addr_bytes(ss, &alen);

	if (!inet_ntop(ss->ss_family, b, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

/* "192.0.2.7:500", "[2001:db8::7]:4500" */
const char *addr_format(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	addr_format_ip(ss, a, sizeof(a));
	if (ss->ss_family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, addr_port(ss));
	else
		snprintf(buf, len, "%s:%u", a, addr_port(ss));
	return buf;
}
