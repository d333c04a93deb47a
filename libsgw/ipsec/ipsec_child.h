/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libsgw's top layer: what IKE negotiated, in the kernel's terms. A
 * CHILD_SA's traffic selectors as XFRM selector ranges, its algorithms and
 * keys as the two ESP SAs. Uses ike/ and netlink/, which never use each
 * other; every program that installs CHILD_SAs (ikud, ikeload) goes
 * through here.
 */
#ifndef SGW_IPSEC_CHILD_H
#define SGW_IPSEC_CHILD_H

#include <stdbool.h>
#include <stdint.h>

#include "ike/ike_crypto.h"
#include "ike/ike_msg.h"
#include "netlink/xfrm_client.h"

/* Selectors t[0..n) as XFRM ranges in out[0..n); returns n. */
unsigned int ipsec_sel_ranges(const struct ike_ts *t, unsigned int n,
			      struct xfrm_sel_range *out);

/*
 * The inbound and outbound ESP SAs of a CHILD_SA, zeroed and then given
 * proto, reqid, ESN, algorithms and keys ("i" keys protect what the
 * initiator of the exchange that made the CHILD_SA sends: ours when
 * we_initiated). The keys are k's, not copied: wipe k after the SAs are
 * sent. The caller sets addresses, SPIs, replay window, lifetimes, if_id
 * and UDP encapsulation.
 */
void ipsec_esp_pair(const struct ike_esp_algs *a, const struct ike_child_keys *k,
		    bool we_initiated, uint32_t reqid, struct xfrm_sa *in, struct xfrm_sa *out);

#endif
