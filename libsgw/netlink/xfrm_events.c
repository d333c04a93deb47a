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
	uint8_t buf[65536];
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

int xfrm_events_process(struct xfrm_events *ev, xfrm_event_cb cb, void *arg)
{
	int fd = nlconn_fd(ev->nl), count = 0;

	for (;;) {
		ssize_t n = recv(fd, ev->buf, sizeof(ev->buf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh;
		struct xfrm_event e;
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return count;
			if (errno == ENOBUFS) {
				/* The kernel dropped events; tell the caller. */
				memset(&e, 0, sizeof(e));
				e.type = XFRM_EV_OVERRUN;
				cb(arg, &e);
				count++;
				continue;
			}
			return -errno;
		}
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)ev->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			/* Other XFRM notifications (none subscribed) are skipped. */
			if (xfrm_event_parse(nlh, &e))
				continue;
			cb(arg, &e);
			count++;
		}
		/* EXPIRE messages carry the SA, keys included. */
		explicit_bzero(ev->buf, (size_t)n);
	}
}
