/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_client: the kernel's IPsec SAs and policies through XFRM netlink.
 *
 * What ikud needs to run ESP tunnels through xfrm interfaces:
 *   - a handle per network namespace (one NETLINK_XFRM socket, reused);
 *   - SPI allocation by the kernel (ALLOCSPI), SA add/update/delete/get in
 *     tunnel mode, with AEAD or ENCR+AUTH, ESN, lifetimes, if_id, mark, NAT-T;
 *   - policies (in/out/fwd) whose template points at the SA by reqid;
 *   - "flush ours": removing only what this library installed;
 *   - events (soft/hard expire, acquire) on a separate non-blocking socket.
 *
 * Ownership ("ours"): every SA and policy installed through this API carries
 * a reqid inside the handle's owned range (struct xfrm_owner; default
 * XFRM_OWNER_REQID_MIN..XFRM_OWNER_REQID_MAX). Adds with a reqid outside that
 * range are refused with -EINVAL. xfrm_flush_ours() dumps SAs and policies
 * and deletes exactly those whose reqid (a policy: any of its templates'
 * reqids) lies in the range; everything else (strongSwan's, `ip xfrm`'s,
 * which allocate small reqids) is left alone. Two daemons in one namespace
 * must be given disjoint ranges. See Documentation/xfrm.md.
 *
 * Errors: every call returns 0 (or a documented count) on success and a
 * negative errno on failure (errno is set to the same positive value);
 * xfrm_errmsg() then explains it (the kernel's
 * extended-ack text, or the library's own check: unknown algorithm, bad key
 * length, ...). Bad input is checked before anything is sent, so it never
 * leaves partial state.
 *
 * Byte order: SPIs, ports, reqids, if_ids are host order in this API; the
 * library converts. Addresses are xfrm_address_t (network order, IPv4 in
 * a4, IPv6 in a6), see xfrm_addr_parse().
 *
 * Threads: a handle is not thread-safe; use one per thread (they are cheap).
 */
#ifndef SGW_XFRM_CLIENT_H
#define SGW_XFRM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/xfrm.h>

struct nlmsghdr;

/* Default owned reqid range: top byte 0x53 ('S'), 16M reqids. */
#define XFRM_OWNER_REQID_MIN 0x53000000u
#define XFRM_OWNER_REQID_MAX 0x53ffffffu

struct xfrm_owner {
	uint32_t reqid_min;
	uint32_t reqid_max;
};

struct xfrm_handle;

/* ---- handle ---------------------------------------------------------- */

/*
 * Open a handle. @netns_fd: an open netns file (/run/netns/NAME) or -1 for
 * the caller's namespace. @owner: the reqid range this handle owns, NULL for
 * the default range. Returns NULL with errno set on failure.
 */
struct xfrm_handle *xfrm_open(int netns_fd, const struct xfrm_owner *owner);
void xfrm_close(struct xfrm_handle *h);

/* Text of the last error (extack message or local check), "" if none. */
const char *xfrm_errmsg(const struct xfrm_handle *h);

/* True if @reqid lies in the handle's owned range. */
bool xfrm_reqid_is_ours(const struct xfrm_handle *h, uint32_t reqid);

/*
 * Batching: between begin and end, add/update/delete calls only queue their
 * message and return 0 (their input is still checked at once, and a bad one
 * is not queued); the queue goes to the kernel in one sendmsg() per 256
 * requests (or 64 KiB) and at end. @cb (may be NULL) gets each queued request's result
 * (index = order of the queued call since begin, err = 0 or -errno, msg =
 * the kernel's reason). end returns the number of failed requests, or a
 * negative errno. xfrm_spi_alloc(), xfrm_sa_get() and xfrm_flush_ours()
 * cannot run inside a batch (-EBUSY).
 */
typedef void (*xfrm_batch_cb)(void *arg, unsigned int index, int err,
			      const char *msg);
int xfrm_batch_begin(struct xfrm_handle *h, xfrm_batch_cb cb, void *arg);
int xfrm_batch_end(struct xfrm_handle *h);

/* ---- addresses ------------------------------------------------------- */

/*
 * Parse "192.0.2.1" or "2001:db8::1" into @addr; @family gets AF_INET or
 * AF_INET6. Returns 0 or -EINVAL.
 */
int xfrm_addr_parse(const char *text, xfrm_address_t *addr, int *family);
/* Parse "PREFIX/LEN" (LEN optional: host prefix). */
int xfrm_prefix_parse(const char *text, xfrm_address_t *addr, uint8_t *len,
		      int *family);
/* The address of a socket address (its port is not used); @family gets
 * its family. */
void xfrm_addr_from_sockaddr(const struct sockaddr_storage *ss, xfrm_address_t *addr,
			     int *family);
/* Format @addr of @family into @buf (INET6_ADDRSTRLEN is enough). */
const char *xfrm_addr_str(int family, const xfrm_address_t *addr, char *buf,
			  size_t len);

/* ---- SAs --------------------------------------------------------------- */

/*
 * Algorithms (kernel names), with the key lengths accepted:
 *   AEAD  "rfc4106(gcm(aes))": key = AES key || 4-byte salt, i.e. 20, 28 or
 *         36 bytes (as IKEv2 KEYMAT for AES-GCM); icv_bits 64, 96 or 128
 *         (0 means 128).
 *   ENCR  "cbc(aes)": 16, 24 or 32 bytes.
 *   AUTH  "hmac(sha1)" 20 bytes, truncated to 96 bits;
 *         "hmac(sha256)" 32 bytes / 128; "hmac(sha384)" 48 / 192;
 *         "hmac(sha512)" 64 / 256 (trunc_bits 0 means these RFC values).
 * Either aead, or encr and auth, must be set. Anything else is -EINVAL.
 */
struct xfrm_sa_crypto {
	const char *aead;
	const char *encr;
	const char *auth;
	const uint8_t *enc_key;		/* AEAD or ENCR key (AEAD: with salt) */
	size_t enc_key_len;
	const uint8_t *auth_key;
	size_t auth_key_len;
	unsigned int icv_bits;		/* AEAD ICV length */
	unsigned int trunc_bits;	/* AUTH truncation */
};

/* Lifetime limits; 0 means no limit. "add" seconds count from install. */
struct xfrm_lifetimes {
	uint64_t soft_bytes, hard_bytes;
	uint64_t soft_packets, hard_packets;
	uint64_t soft_add_seconds, hard_add_seconds;
	uint64_t soft_use_seconds, hard_use_seconds;
};

/*
 * A tunnel-mode SA. The SA's selector is left empty with
 * XFRM_STATE_AF_UNSPEC, so either inner family may cross it (the policy
 * decides what goes in). @family is the outer family of @src/@dst.
 */
struct xfrm_sa {
	int family;			/* AF_INET or AF_INET6 (outer) */
	xfrm_address_t src, dst;	/* outer addresses */
	uint32_t spi;			/* host order, != 0 */
	uint8_t proto;			/* 0 or IPPROTO_ESP */
	uint32_t reqid;			/* must be in the owned range */
	struct xfrm_sa_crypto crypto;
	uint32_t replay_window;		/* packets, 0..4096; inbound SAs */
	bool esn;			/* 64-bit sequence numbers */
	struct xfrm_lifetimes lft;
	uint32_t if_id;			/* xfrm interface id, 0 = none */
	struct xfrm_mark mark;		/* {0, 0} = none */
	bool natt;			/* UDP encapsulation (RFC 3948) */
	uint16_t natt_sport, natt_dport; /* host order, 0 = 4500 */
};

/* Identifies an SA: the kernel's lookup key (plus mark if one was set). */
struct xfrm_sa_key {
	int family;
	xfrm_address_t dst;
	uint32_t spi;			/* host order */
	uint8_t proto;			/* 0 or IPPROTO_ESP */
	struct xfrm_mark mark;
};

/*
 * Ask the kernel for a free SPI in [@min, @max] for an inbound SA from
 * @src to @dst (we are @dst). The kernel creates a larval SA that holds the
 * SPI for net.core.xfrm_acq_expires seconds (30 by default) and reports a hard
 * expire if it is not completed; complete it with xfrm_sa_add(..., update =
 * true) using the same dst/SPI/reqid/if_id/mark. @if_id 0 and @mark NULL
 * mean none. @min = @max = 0 means the range 0x100..0xffffffff.
 * Returns 0 and *@spi (host order) or -errno.
 */
int xfrm_spi_alloc(struct xfrm_handle *h, int family,
		   const xfrm_address_t *src, const xfrm_address_t *dst,
		   uint32_t reqid, uint32_t if_id, const struct xfrm_mark *mark,
		   uint32_t min, uint32_t max, uint32_t *spi);

/*
 * Install @sa: NEWSA (fails with -EEXIST if it exists) or, with @update,
 * UPDSA (fails with -ESRCH if missing; completes an allocated SPI).
 */
int xfrm_sa_add(struct xfrm_handle *h, const struct xfrm_sa *sa, bool update);

/* Delete an SA; -ESRCH if it does not exist. */
int xfrm_sa_del(struct xfrm_handle *h, const struct xfrm_sa_key *key);

/* What the kernel reports about an installed SA. */
struct xfrm_sa_stats {
	uint32_t reqid;
	uint32_t if_id;
	uint64_t bytes, packets;	/* current lifetime counters */
	uint64_t add_time, use_time;	/* seconds since the epoch, 0 = unused */
	uint32_t replay_window;		/* packets dropped: outside the window */
	uint32_t replay;		/* packets dropped: replayed */
	uint32_t integrity_failed;	/* packets dropped: bad ICV */
	uint64_t oseq, seq;		/* last sent / highest received seq */
};

/* Read one SA's counters; -ESRCH if it does not exist. */
int xfrm_sa_get(struct xfrm_handle *h, const struct xfrm_sa_key *key,
		struct xfrm_sa_stats *st);

/* ---- policies ---------------------------------------------------------- */

/*
 * A traffic selector as XFRM knows it: prefixes, protocol, ports.
 * IKEv2 address ranges must be split into prefixes by the caller
 * (xfrm_range_to_prefixes() helps); a port range is either one port or any
 * (0). proto 0 = any.
 */
struct xfrm_ts {
	int family;			/* AF_INET or AF_INET6 (inner) */
	xfrm_address_t src, dst;
	uint8_t src_len, dst_len;	/* prefix lengths */
	uint8_t proto;
	uint16_t sport, dport;		/* host order, 0 = any */
};

/*
 * A tunnel-mode IPsec policy with one ESP template:
 * dir XFRM_POLICY_OUT: sel.src = local inner, sel.dst = remote inner,
 *                      tmpl_src = local outer, tmpl_dst = remote outer;
 * dir XFRM_POLICY_IN / XFRM_POLICY_FWD: the mirror image.
 */
struct xfrm_pol {
	uint8_t dir;			/* XFRM_POLICY_IN / OUT / FWD */
	struct xfrm_ts sel;
	uint32_t priority;		/* lower = preferred; 0 = default 0 */
	uint32_t if_id;
	struct xfrm_mark mark;
	int tmpl_family;		/* outer family */
	xfrm_address_t tmpl_src, tmpl_dst;
	uint32_t reqid;			/* must be in the owned range */
};

/*
 * NEWPOLICY (-EEXIST if a policy with the same dir, selector, if_id and mark
 * exists) or, with @update, UPDPOLICY (creates or replaces it in place).
 */
int xfrm_policy_add(struct xfrm_handle *h, const struct xfrm_pol *pol,
		    bool update);

/* Delete by dir + selector + if_id + mark (the other fields are ignored). */
int xfrm_policy_del(struct xfrm_handle *h, const struct xfrm_pol *pol);

/*
 * Split the inclusive address range [@start, @end] into at most @max
 * prefixes (fewest possible). Returns their count, or -ENOSPC if more are
 * needed, -EINVAL if start > end.
 */
int xfrm_range_to_prefixes(int family, const xfrm_address_t *start,
			   const xfrm_address_t *end, xfrm_address_t *prefixes,
			   uint8_t *lens, int max);

/*
 * The policies of a tunnel between two IKE peers. A CHILD_SA's traffic
 * selector as XFRM sees it: an address range (split into prefixes here),
 * a protocol and one port or any.
 */
struct xfrm_sel_range {
	int family;			/* AF_INET or AF_INET6 (inner) */
	xfrm_address_t start, end;
	uint8_t proto;			/* 0 = any */
	uint16_t port;			/* host order, 0 = any */
};

struct xfrm_tunnel_ends {
	int family;			/* outer */
	xfrm_address_t local, peer;	/* outer addresses */
	uint32_t if_id;
	uint32_t reqid;
};

/*
 * Fills @out with the out, in and fwd policies for every pair of a local
 * and a remote selector of the same family, each range split into at most
 * 8 prefixes (xfrm_range_to_prefixes()); a pair of longer prefixes gets a
 * preferred (lower) priority. Returns the count, or -ENOSPC when @max is
 * too small or a range needs more than 8 prefixes.
 */
int xfrm_tunnel_policies(const struct xfrm_tunnel_ends *e,
			 const struct xfrm_sel_range *local, unsigned int n_local,
			 const struct xfrm_sel_range *remote, unsigned int n_remote,
			 struct xfrm_pol *out, int max);

/* ---- sockets ------------------------------------------------------------ */

/* An IKE socket must never be caught by IPsec policies (ours or anyone's):
 * per-socket bypass policies in both directions. 0 or -errno. */
int xfrm_socket_bypass(int fd, int family);

/* ---- flush of ours ---------------------------------------------------- */

struct xfrm_flush_result {
	unsigned int sas, policies;	/* how many were deleted */
};

/*
 * Delete every SA and policy whose reqid is in the handle's range (a policy:
 * any template's reqid), in this namespace. At start-up, to remove what a
 * previous run left. Returns 0 and fills @res (may be NULL), or -errno.
 * The kernel's larval ACQUIRE states (SPI 0) cannot be deleted through
 * netlink: they are skipped and expire by themselves (xfrm_acq_expires).
 */
int xfrm_flush_ours(struct xfrm_handle *h, struct xfrm_flush_result *res);

/* ---- message building (no socket; unit tests, custom senders) --------- */

/*
 * Build the NEWSA (or UPDSA) message for @sa into @buf (@len bytes, at least
 * XFRM_MSG_BUF bytes is always enough). Returns the message length, or a
 * negative errno with the reason in @err (@errlen bytes).
 */
#define XFRM_MSG_BUF 4096
int xfrm_build_sa(void *buf, size_t len, const struct xfrm_sa *sa,
		  bool update, char *err, size_t errlen);
int xfrm_build_policy(void *buf, size_t len, const struct xfrm_pol *pol,
		      bool update, char *err, size_t errlen);

/* ---- events ------------------------------------------------------------ */

enum xfrm_event_type {
	XFRM_EV_SA_EXPIRE = 1,	/* soft or hard SA lifetime reached */
	XFRM_EV_ACQUIRE,	/* a packet matched a policy without SA */
	XFRM_EV_POLICY_EXPIRE,	/* a policy lifetime reached (we set none) */
	XFRM_EV_OVERRUN,	/* socket overflowed: events lost, resync */
};

struct xfrm_event {
	enum xfrm_event_type type;
	bool hard;			/* EXPIRE: hard (SA gone) or soft */
	int family;			/* outer family */
	xfrm_address_t src, dst;	/* SA or template outer addresses */
	uint32_t spi;			/* host order */
	uint8_t proto;
	uint32_t reqid;
	uint32_t if_id;
	struct xfrm_mark mark;
	struct xfrm_ts sel;		/* ACQUIRE: the packet's selector */
	uint32_t policy_index;		/* ACQUIRE / POLICY_EXPIRE */
	uint8_t policy_dir;
};

/* Groups to subscribe to (bit mask of these). */
#define XFRM_EVENTS_EXPIRE	(1u << 0)	/* XFRMNLGRP_EXPIRE */
#define XFRM_EVENTS_ACQUIRE	(1u << 1)	/* XFRMNLGRP_ACQUIRE */

struct xfrm_events;

/*
 * Subscribe, in @netns_fd's namespace (-1: ours), to the @groups mask.
 * The socket is non-blocking with a large receive buffer. NULL + errno on
 * failure.
 */
struct xfrm_events *xfrm_events_open(int netns_fd, unsigned int groups);
void xfrm_events_close(struct xfrm_events *ev);
/* The descriptor to watch for EPOLLIN. */
int xfrm_events_fd(const struct xfrm_events *ev);

typedef void (*xfrm_event_cb)(void *arg, const struct xfrm_event *e);
/*
 * Read and parse every pending event (call when the fd is readable); @cb is
 * called once per event, and with XFRM_EV_OVERRUN when the kernel dropped
 * some (ENOBUFS): the caller should then re-read SA state. Returns the number
 * of events delivered (0 if nothing was pending) or -errno.
 */
int xfrm_events_process(struct xfrm_events *ev, xfrm_event_cb cb, void *arg);

/*
 * Parse one XFRM message (EXPIRE, ACQUIRE, POLEXPIRE) into @e. Returns 0,
 * -ENOENT for a message type that is not an event, -EINVAL if malformed.
 */
int xfrm_event_parse(const struct nlmsghdr *nlh, struct xfrm_event *e);

#endif /* SGW_XFRM_CLIENT_H */
