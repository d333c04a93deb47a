// SPDX-License-Identifier: GPL-2.0
/*
 * XFRM event subscription (expire, acquire) on its own non-blocking socket,
 * read from the daemon's epoll loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>

#include "netlink/nlconn.h"
#include "netlink/xfrm_client.h"

struct xfrm_events {
	struct nlconn *nl;
};

struct xfrm_events *xfrm_events_open(int netns_fd, unsigned int groups)
{
	unsigned int g[2], n = 0;
	struct xfrm_events *ev;
	int saved;

	if (!groups || (groups & ~(XFRM_EVENTS_EXPIRE | XFRM_EVENTS_ACQUIRE))) {
		errno = EINVAL;
		return NULL;
	}
	if (groups & XFRM_EVENTS_EXPIRE)
		g[n++] = XFRMNLGRP_EXPIRE;
	if (groups & XFRM_EVENTS_ACQUIRE)
		g[n++] = XFRMNLGRP_ACQUIRE;
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return NULL;
	ev->nl = nlconn_open(NETLINK_XFRM, netns_fd, g, n);
	if (!ev->nl || nlconn_set_nonblock(ev->nl) < 0) {
		saved = errno;
		nlconn_close(ev->nl);
		free(ev);
		errno = saved;
		return NULL;
	}
	return ev;
}

void xfrm_events_close(struct xfrm_events *ev)
{
	if (!ev)
		return;
	nlconn_close(ev->nl);
	free(ev);
}

int xfrm_events_fd(const struct xfrm_events *ev)
{
	return nlconn_fd(ev->nl);
}

struct event_ctx {
	xfrm_event_cb cb;
	void *arg;
};

static int one_event(const struct nlmsghdr *nlh, void *data)
{
	const struct event_ctx *ctx = data;
	struct xfrm_event e;

	/* Other XFRM notifications (none subscribed) are skipped. */
	if (!xfrm_event_parse(nlh, &e))
		ctx->cb(ctx->arg, &e);
	return MNL_CB_OK;
}

int xfrm_events_process(struct xfrm_events *ev, xfrm_event_cb cb, void *arg)
{
	struct event_ctx ctx = { cb, arg };
	int count = 0;

	for (;;) {
		int n = nlconn_recv(ev->nl, one_event, &ctx);

		if (n == -EAGAIN)
			return count;
		if (n == -ENOBUFS) {
			/* The kernel dropped events; tell the caller. */
			struct xfrm_event e = { .type = XFRM_EV_OVERRUN };

			cb(arg, &e);
			count++;
			continue;
		}
		if (n < 0)
			return n;
		count += n;
	}
}
