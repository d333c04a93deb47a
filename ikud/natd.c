// SPDX-License-Identifier: GPL-2.0
/*
 * NAT detection and traversal (RFC 7296 §2.23): the NAT_DETECTION_*_IP
 * notifies both roles send and check in IKE_SA_INIT, and a peer behind a
 * NAT that changes its address or port (or floats to 4500).
 */
#include "ikud.h"

#include <string.h>

/* NAT_DETECTION_*_IP (§2.23): does any of the notifies match addr:port? */
int natd_matches(const struct ike_msg *m, uint16_t type, uint64_t spi_i,
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

void natd_build(struct ike_builder *b, uint16_t type, uint64_t spi_i,
			uint64_t spi_r, const struct sockaddr_storage *ss)
{
	size_t alen;
	const uint8_t *a = sgw_sockaddr_bytes(ss, &alen);
	uint8_t h[20];

	if (!ike_nat_detection_hash(spi_i, spi_r, a, alen, sgw_sockaddr_port(ss), h))
		ike_build_notify(b, 0, NULL, 0, type, h, sizeof(h));
}

/* A peer behind a NAT may change its port (or float to 4500): follow it once
 * a message from the new address authenticated. */
void natd_follow_peer(struct ike_sa *sa, struct gw_socks *gs, bool natt,
			const struct sockaddr_storage *peer)
{
	if (natt && !sa->natt) {
		/* Our side floated too: ESP-in-UDP must leave from 4500, the
		 * source the peer's NAT mapping knows. */
		sa->natt = true;
		sa->fd = gs->fd[1];
		sgw_sockaddr_set_port(&sa->local, IKUD_NATT_PORT);
	}
	if (sgw_sockaddr_equal(peer, &sa->peer))
		return;
	if (!sa->nat_peer && !natt)
		return;		/* no NAT: addresses do not move (no MOBIKE) */
	sa->peer = *peer;
}
