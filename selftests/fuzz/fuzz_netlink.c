// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the netlink message parsers (make fuzz): what the
 * kernel sends back, read as a receive buffer of messages. Byte 0 picks the
 * parser: XFRM events, rtnetlink routes, the extended ack of an error (with
 * the attribute at fault located in a request), the sgw family's events.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "netlink/nlconn.h"
#include "netlink/rtnl_route.h"
#include "netlink/sgwc.h"
#include "netlink/xfrm_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A request the error may point into: a header and two nested attributes. */
static const uint8_t request[] = {
	40, 0, 0, 0, 16, 0, 5, 0, 1, 0, 0, 0, 0, 0, 0, 0,	/* nlmsghdr */
	1, 1, 0, 0,						/* genlmsghdr */
	20, 0, 2 | 0x80, 0x80,					/* nest */
	8, 0, 1, 0, 10, 0, 0, 0, 5, 0, 2, 0, 16, 0, 0, 0,	/* u32, u8 */
};

static void parse_one(uint8_t mode, const struct nlmsghdr *nlh)
{
	switch (mode % 4) {
	case 0: {
		struct xfrm_event e;

		xfrm_event_parse(nlh, &e);
		break;
	}
	case 1: {
		struct rtnl_route r;

		rtnl_route_parse(nlh, &r);
		break;
	}
	case 2: {
		struct nlconn_err err;

		nlconn_err_decode(nlh, &err);
		nlconn_err_locate(&err, (const struct nlmsghdr *)request, GENL_HDRLEN);
		break;
	}
	default: {
		struct sgwc_event ev;

		sgwc_event_parse(nlh, &ev);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *nlh;
	uint8_t *buf;
	int len;

	if (size < 1 || size > 65536)
		return 0;
	/* aligned, as a receive buffer is */
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	len = (int)(size - 1);
	for (nlh = (const struct nlmsghdr *)buf; nlconn_msg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len))
		parse_one(data[0], nlh);
	free(buf);
	return 0;
}
