/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nlconn: the netlink transport (libmnl) under every client of libsgw:
 * generic netlink (genl.h, and the sgw family on it), XFRM and rtnetlink.
 *
 * A connection is opened once (optionally inside another network namespace)
 * and reused for every request: no socket per call. Requests carry
 * NLM_F_ACK; the kernel's answer is decoded into a struct nlconn_err kept
 * in the connection: the error code, the extended-ack message
 * (NETLINK_EXT_ACK), the offset of the attribute at fault, a missing
 * attribute, the policy's bounds. Dumps fail with -EINTR when the kernel
 * flags them inconsistent (NLM_F_DUMP_INTR); a receive interrupted by a
 * signal is retried; an overflowed socket (ENOBUFS) is reported.
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
#define NLCONN_PATH_MAX 4

/* One step of the path to an attribute inside a request. */
struct nlconn_attr_ref {
	uint16_t type;		/* attribute type, flags masked off */
	uint32_t index;		/* how many siblings of that type precede it */
};

/*
 * What went wrong with a request. code is a negative errno (0: no error).
 * msg holds the kernel's extended-ack message verbatim, or a local
 * explanation. The kernel may point at an attribute of the request (offset)
 * or at the nest that lacks a required one (missing, missing_type);
 * nlconn_err_locate() turns the offset into path[0..depth-1], from the top
 * level down. has_range: the policy's bounds of the attribute at fault.
 */
struct nlconn_err {
	int code;
	char msg[NLCONN_ERRMSG_LEN];
	bool has_offset;
	uint32_t offset;		/* from the start of the request */
	unsigned int depth;
	struct nlconn_attr_ref path[NLCONN_PATH_MAX];
	bool missing;
	uint16_t missing_type;
	bool has_range;
	int64_t range_min;
	int64_t range_max;
};

/*
 * Does buf (len bytes left) start with a whole message? libmnl's
 * mnl_nlmsg_ok() casts nlmsg_len to int, so a length above INT_MAX passes;
 * this does not. libmnl's attribute walkers read up to the aligned end of
 * the message (mnl_nlmsg_get_payload_tail()), so that must be in the buffer
 * too: the kernel pads every message it sends.
 */
static inline bool nlconn_msg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       (((uint64_t)nlh->nlmsg_len + NLMSG_ALIGNTO - 1) & ~(uint64_t)(NLMSG_ALIGNTO - 1)) <=
		       (uint64_t)len;
}

void nlconn_err_clear(struct nlconn_err *err);
/* Set code and a printf-like local message (err may be NULL). */
void nlconn_err_set(struct nlconn_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Decode the NLMSG_ERROR or NLMSG_DONE message that ended a request into
 * err: the status and, when the kernel attached them, the extended-ack
 * attributes. Exposed for the tests.
 */
void nlconn_err_decode(const struct nlmsghdr *status, struct nlconn_err *err);
/*
 * Fill err->path from err->offset (or the missing attribute's nest) in the
 * request req, whose attributes start hdrlen bytes after its netlink header
 * (GENL_HDRLEN for generic netlink). Nests are walked when flagged so.
 */
void nlconn_err_locate(struct nlconn_err *err, const struct nlmsghdr *req,
		       size_t hdrlen);

struct nlconn;

/*
 * Callback of a batched request: @index is the order of the request within
 * the batch (0-based), @err is 0 or a negative errno, @msg the kernel's
 * extack message or "" when it gave none.
 */
typedef void (*nlconn_batch_cb)(void *arg, unsigned int index, int err,
				const char *msg);

/* Callback per message of a reply, dump or event read; return MNL_CB_OK
 * (or MNL_CB_STOP, events only) to go on, MNL_CB_ERROR when malformed. */
typedef int (*nlconn_msg_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * Open a netlink socket of @protocol (NETLINK_XFRM, NETLINK_ROUTE,
 * NETLINK_GENERIC). @netns_fd: an open /run/netns/NAME or /proc/PID/ns/net
 * descriptor, the socket is created inside that namespace (the calling
 * thread switches to it and back); -1 means the caller's namespace.
 * @groups: multicast groups to join (bit numbers as in XFRMNLGRP_*,
 * RTNLGRP_*), 0 for none. Returns NULL with errno set on failure.
 */
struct nlconn *nlconn_open(int protocol, int netns_fd, const unsigned int *groups,
			   unsigned int ngroups);
void nlconn_close(struct nlconn *c);

/* The socket, for epoll (event connections are non-blocking). */
int nlconn_fd(const struct nlconn *c);
uint32_t nlconn_portid(const struct nlconn *c);

/* Set the socket non-blocking (for event subscriptions read from epoll). */
int nlconn_set_nonblock(struct nlconn *c);
/* Join one more multicast group (a generic netlink family's group id). */
int nlconn_join(struct nlconn *c, unsigned int group);

/*
 * A message buffer the caller fills with mnl_nlmsg_put_header() and
 * mnl_attr_put*(); @size is NLCONN_MSG_MAX. The header's nlmsg_seq and
 * NLM_F_REQUEST|NLM_F_ACK are set by nlconn_request().
 */
#define NLCONN_MSG_MAX 8192
void *nlconn_msgbuf(struct nlconn *c);

/*
 * Send the request built in nlconn_msgbuf() (or any buffer holding one
 * message) and wait for its ack. Returns 0 or a negative errno; on error
 * nlconn_error() tells why. If @reply_cb is not NULL, a non-error reply
 * message (as the NEWSA answer of ALLOCSPI or GETSA) is handed to it.
 * In batch mode (and without @reply_cb) the request is queued and 0 returned.
 */
int nlconn_request(struct nlconn *c, struct nlmsghdr *nlh,
		   nlconn_msg_cb reply_cb, void *arg);

/*
 * Send a dump request (NLM_F_DUMP is set here) and call @cb per message.
 * -EINTR when the kernel flagged the dump inconsistent (the table changed
 * while it was read): what @cb saw may be incomplete; dump again.
 */
int nlconn_dump(struct nlconn *c, struct nlmsghdr *nlh, nlconn_msg_cb cb,
		void *arg);

/*
 * Read once what the socket holds (blocking unless it is non-blocking) and
 * hand every message to @cb: multicast events. Returns how many messages
 * @cb saw, or -EAGAIN (nothing to read), -ENOBUFS (the socket overflowed
 * and messages were lost; reading may go on) or another negative errno.
 * A callback returning MNL_CB_STOP skips the rest of the read.
 */
int nlconn_recv(struct nlconn *c, nlconn_msg_cb cb, void *arg);

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

/* The last request's error; its msg is "" after a success. */
const struct nlconn_err *nlconn_error(const struct nlconn *c);
/* Last error text: the kernel's extack message, or a local explanation.
 * Every failing call also leaves the positive errno in errno. */
const char *nlconn_errmsg(const struct nlconn *c);
/* Record a local error (printf-like) and return -@err (err > 0). */
int nlconn_set_error(struct nlconn *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* SGW_NLCONN_H */
