// SPDX-License-Identifier: GPL-2.0
/*
 * NAT traversal (RFC 7296 §2.23): a peer behind a NAT that changes its
 * address or port (or floats to 4500). The NAT_DETECTION_*_IP notifies
 * are libsgw's (ike_natd_*()).
 */
#include "ikud.h"

#include <string.h>

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
