/* SPDX-License-Identifier: GPL-2.0 */
/* Internal helpers shared by the xfrm_*.c files; not part of the API. */
#ifndef SGW_XFRM_PRIV_H
#define SGW_XFRM_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/xfrm.h>

#include "base/sgw_prefix.h"
#include "netlink/xfrm_client.h"

/*
 * Parse the attributes that follow a fixed header of @hdrlen bytes into
 * @tb[XFRMA_MAX + 1] (zeroed here). Returns 0 or -EINVAL.
 */
int xfrm_parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
		     const struct nlattr **tb);

/*
 * Fill the kernel selector from @ts (checked, addresses masked to their
 * prefix). Returns 0 or a negative errno with the reason in @err.
 */
int xfrm_build_selector(struct xfrm_selector *s, const struct xfrm_ts *ts,
			char *err, size_t errlen);

/* 0 if @dir is XFRM_POLICY_IN, OUT or FWD, else -EINVAL and @err. */
int xfrm_check_dir(uint8_t dir, char *err, size_t errlen);

#endif /* SGW_XFRM_PRIV_H */
