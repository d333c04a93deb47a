/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rri: reverse route injection. A route per inner prefix a peer holds
 * (its narrowed selectors) in its gateway VRF's table, through the
 * gateway's xfrm interface, protocol SGW_RTPROT_IKUD. Routes belong to a
 * tunnel (reqid), not to an SPI: rekeyed CHILD_SAs share the route, which
 * goes with the last CHILD_SA of the tunnel.
 */
#ifndef IKUD_RRI_H
#define IKUD_RRI_H

#include "ikud.h"

/*
 * Start-up: every gateway with an xfrm interface must find it in its VRF
 * (or in no VRF when it has none); its table and interface index go into
 * its gw_rt; routes of our protocol a previous run left in those tables
 * are flushed. -1 with a message in err.
 */
int rri_start(struct ikud_conf *conf, char *err, size_t errlen);
/* The same for a new configuration (reload); no flush. */
int rri_check(struct ikud_conf *conf, char *err, size_t errlen);
/*
 * The claim of a new or rekeyed CHILD_SA's tunnel on the peer's inner
 * prefixes, checked and taken in one step under the registry's lock:
 * refused (TS_UNACCEPTABLE) when another tunnel (another identity or
 * gateway) holds an overlapping prefix in the same space (the VRF's table
 * with an xfrm interface, the if_id without), or when the peer chose a
 * prefix wider than max-claim (peer_chose: it initiated a new tunnel, and
 * has no `peer` rule); NO_ADDITIONAL_SAS past its peer-limit. Sets
 * c->routed; rri_child_down() gives the claim back.
 */
int rri_claim(const struct ike_sa *sa, struct child_sa *c, bool peer_chose, uint16_t *notify);
/* Add the kernel routes of a claimed, installed CHILD_SA (xfrm interface). */
void rri_child_up(const struct ike_sa *sa, struct child_sa *c);
/* Drop c's claim; the last holder of a tunnel's prefix removes its route. */
void rri_child_down(struct child_sa *c);
/* Routes held by a gateway now. */
unsigned int rri_count(const char *gw_name);
/* Routes of this CHILD_SA's tunnel that are in the kernel. */
unsigned int rri_child_routes(const struct child_sa *c);
/* After the shards stopped (their SAs took their routes along). */
void rri_stop(void);

#endif
