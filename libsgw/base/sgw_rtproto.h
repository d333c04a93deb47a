/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgw_rtproto: the route protocol number that marks ikud's reverse route
 * injection (RRI) routes, and the metric they carry unless configured.
 *
 * 250 is outside what FRR 8.4's zebra treats as its own (1, 2, 11, 42 and
 * 186-198 are swept or ignored), so zebra learns these routes as "kernel"
 * routes and bgpd can redistribute them; it is also clear of the numbers
 * iproute2 and common routing daemons reserve (0-18, 42, 99, 186-198).
 * iproute2 learns its name from etc/iproute2/rt_protos.d/ikud.conf.
 *
 * FRR 8.4's bgpd cannot match a route's kernel protocol, so the operator's
 * route-map recognises RRI routes by the allowed eNodeB prefixes and by the
 * metric (which bgpd sees as the MED): keep the RRI metric reserved to ikud
 * (Documentation/frr.md).
 */
#ifndef SGW_RTPROTO_H
#define SGW_RTPROTO_H

#define SGW_RTPROT_IKUD		250	/* rtm_protocol of RRI routes */
#define SGW_RRI_METRIC_DEFAULT	1024	/* RTA_PRIORITY unless configured */

#endif /* SGW_RTPROTO_H */
