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
/* Add the routes of an installed CHILD_SA (sets c->routed). */
void rri_child_up(const struct ike_sa *sa, struct child_sa *c);
/* Drop c's hold on its routes; the last holder of a tunnel removes them. */
void rri_child_down(struct child_sa *c);
/* Does another tunnel (another identity or gateway) hold a prefix
 * overlapping c's in the same table? */
bool rri_taken(const struct ike_sa *sa, const struct child_sa *c);
/* Routes held by a gateway now. */
unsigned int rri_count(const char *gw_name);
/* Routes of this CHILD_SA's tunnel that are in the kernel. */
unsigned int rri_child_routes(const struct child_sa *c);
/* After the shards stopped (their SAs took their routes along). */
void rri_stop(void);

#endif
