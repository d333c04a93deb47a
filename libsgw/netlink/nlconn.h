/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nlconn: one netlink request socket (libmnl) shared by the XFRM and
 * rtnetlink clients.
 *
 * A connection is opened once (optionally inside another network namespace)
 * and reused for every request: no socket is created per call. Requests are
 * sent with NLM_F_ACK; the kernel's error code and its extended-ack message
 * (NETLINK_EXT_ACK) are kept in the connection so callers can print them.
 *
 * Batching: between nlconn_batch_begin() and nlconn_batch_end() requests are
 * appended to one buffer and sent with a single sendmsg() when it fills up or
 * at the end; acks are then collected and matched by sequence number. This is
 * what makes thousands of SA installs per second cheap (one syscall pair per
 * buffer instead of one per SA).
 *
 * Not thread-safe: use one connection per thread.
 */
#ifndef SGW_NLCONN_H
#define SGW_NLCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#define NLCONN_ERRMSG_LEN 256

struct nlconn;

/*
 * Callback of a batched request: @index is the order of the request within
 * the batch (0-based), @err is 0 or a negative errno, @msg the kernel's
 * extack message or "" when it gave none.
 */
typedef void (*nlconn_batch_cb)(void *arg, unsigned int index, int err,
				const char *msg);

/* Callback per message of a dump; return MNL_CB_OK to go on, MNL_CB_ERROR to stop. */
typedef int (*nlconn_dump_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * Open a netlink socket of @protocol (NETLINK_XFRM, NETLINK_ROUTE).
 * @netns_fd: an open /run/netns/NAME or /proc/PID/ns/net descriptor, the
 * socket is created inside that namespace (the calling thread switches to it
 * and back); -1 means the caller's namespace. @groups: multicast groups to
 * join (bit numbers as in XFRMNLGRP_*, RTNLGRP_*), 0 for none.
 * Returns NULL with errno set on failure.
 */
struct nlconn *nlconn_open(int protocol, int netns_fd, const unsigned int *groups,
			   unsigned int ngroups);
void nlconn_close(struct nlconn *c);

/* The socket, for epoll (event connections are non-blocking). */
int nlconn_fd(const struct nlconn *c);

/* Set the socket non-blocking (for event subscriptions read from epoll). */
int nlconn_set_nonblock(struct nlconn *c);

/*
 * A message buffer the caller fills with mnl_nlmsg_put_header() and
 * mnl_attr_put*(); @size is NLCONN_MSG_MAX. The header's nlmsg_seq and
 * NLM_F_REQUEST|NLM_F_ACK are set by nlconn_request().
 */
#define NLCONN_MSG_MAX 8192
void *nlconn_msgbuf(struct nlconn *c);

/*
 * Send the request built in nlconn_msgbuf() (or any buffer holding one
 * message) and wait for its ack. Returns 0 or a negative errno; on error the
 * message is in nlconn_errmsg(). If @reply_cb is not NULL, a non-error reply
 * message (as the NEWSA answer of ALLOCSPI or GETSA) is handed to it.
 * In batch mode (and without @reply_cb) the request is queued and 0 returned.
 */
int nlconn_request(struct nlconn *c, struct nlmsghdr *nlh,
		   nlconn_dump_cb reply_cb, void *arg);

/* Send a dump request (NLM_F_DUMP is set here) and call @cb per message. */
int nlconn_dump(struct nlconn *c, struct nlmsghdr *nlh, nlconn_dump_cb cb,
		void *arg);

/*
 * Start queueing requests (see above); @cb (may be NULL) is called with each
 * request's result as its ack arrives (at a buffer flush or at the end).
 * Nested batches are not allowed.
 */
int nlconn_batch_begin(struct nlconn *c, nlconn_batch_cb cb, void *arg);
/*
 * Send what is queued, wait for every ack, leave batch mode. Returns the
 * number of failed requests (>= 0) or a negative errno if the socket failed.
 */
int nlconn_batch_end(struct nlconn *c);
bool nlconn_in_batch(const struct nlconn *c);

/*
 * Last error text: the kernel's extack message, or a local explanation.
 * Every failing call also leaves the positive errno in errno.
 */
const char *nlconn_errmsg(const struct nlconn *c);
/* Record a local error (printf-like) and return -@err (err > 0). */
int nlconn_set_error(struct nlconn *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* SGW_NLCONN_H */
