/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgw_sockaddr: socket addresses (struct sockaddr_storage holding an IPv4
 * or IPv6 address and a UDP port) as the IKE programs use them: their
 * bytes, ports, text, and the one conversion from sgw_prefix.
 */
#ifndef SGW_SOCKADDR_H
#define SGW_SOCKADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/sgw_prefix.h"

/* The address bytes (network order), *len = 4 or 16. */
const uint8_t *sgw_sockaddr_bytes(const struct sockaddr_storage *ss, size_t *len);
/* Port in host order. */
uint16_t sgw_sockaddr_port(const struct sockaddr_storage *ss);
void sgw_sockaddr_set_port(struct sockaddr_storage *ss, uint16_t port);
/* The address of a (host) prefix and a port. */
void sgw_sockaddr_from_prefix(const struct sgw_prefix *p, uint16_t port,
			      struct sockaddr_storage *ss);
/* The address as a host prefix (/32, /128). */
void sgw_sockaddr_to_prefix(const struct sockaddr_storage *ss, struct sgw_prefix *p);
/* What bind(), sendto() ... take as the address length. */
socklen_t sgw_sockaddr_len(const struct sockaddr_storage *ss);
/* Same family, address and port. */
bool sgw_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* "192.0.2.7"; returns buf. */
const char *sgw_sockaddr_format_ip(const struct sockaddr_storage *ss, char *buf, size_t len);
/* "192.0.2.7:500", "[2001:db8::7]:4500"; returns buf. */
const char *sgw_sockaddr_format(const struct sockaddr_storage *ss, char *buf, size_t len);

#endif
