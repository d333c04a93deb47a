// SPDX-License-Identifier: GPL-2.0
/*
 * NAT detection (RFC 7296 §2.23): the NAT_DETECTION_SOURCE_IP and
 * NAT_DETECTION_DESTINATION_IP notifies of IKE_SA_INIT, built and checked
 * the same way by both roles.
 */
#include <string.h>

#include <openssl/evp.h>

#include "base/sgw_byteorder.h"
#include "base/sgw_sockaddr.h"
#include "ike/ike_msg.h"

int ike_nat_detection_hash(uint64_t spi_i, uint64_t spi_r,
			   const uint8_t *addr, size_t addr_len,
			   uint16_t port, uint8_t out[20])
{
	uint8_t in[8 + 8 + 16 + 2];
	unsigned int len = 0;
	size_t n = 16;

	if (addr_len != 4 && addr_len != 16)
		return -1;
	sgw_put_be64(in, spi_i);
	sgw_put_be64(in + 8, spi_r);
	memcpy(in + n, addr, addr_len);
	n += addr_len;
	in[n++] = (uint8_t)(port >> 8);
	in[n++] = (uint8_t)port;
	if (!EVP_Digest(in, n, out, &len, EVP_sha1(), NULL) || len != 20)
		return -1;
	return 0;
}

int ike_natd_match(const struct ike_msg *m, uint16_t type, uint64_t spi_i,
		   uint64_t spi_r, const struct sockaddr_storage *ss)
{
	size_t alen, i;
	const uint8_t *a = sgw_sockaddr_bytes(ss, &alen);
	uint8_t want[20];
	bool present = false;

	if (ike_nat_detection_hash(spi_i, spi_r, a, alen, sgw_sockaddr_port(ss), want))
		return -1;
	for (i = 0; i < m->n_notify; i++) {
		const struct ike_notify *n = &m->notify[i];

		if (n->type != type)
			continue;
		present = true;
		if (n->data_len == 20 && !memcmp(n->data, want, 20))
			return 1;
	}
	return present ? 0 : -1;	/* -1: the peer does not do NAT-T */
}

void ike_natd_build(struct ike_builder *b, uint16_t type, uint64_t spi_i,
		    uint64_t spi_r, const struct sockaddr_storage *ss)
{
	size_t alen;
	const uint8_t *a = sgw_sockaddr_bytes(ss, &alen);
	uint8_t h[20];

	if (!ike_nat_detection_hash(spi_i, spi_r, a, alen, sgw_sockaddr_port(ss), h))
		ike_build_notify(b, 0, NULL, 0, type, h, sizeof(h));
	else
		b->err = true;
}
