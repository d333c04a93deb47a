/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink client on libmnl: family resolution, requests with
 * acknowledgement, dumps, extended-ack decoding and multicast events.
 *
 * The transport knows nothing about the sgw objects (see sgw_client.h for
 * those); it is usable for any generic netlink family.
 *
 *   struct sgw_genl_error err;
 *   struct sgw_genl *h = sgw_genl_open("sgw", &err);
 *   struct sgw_genl_msg *m = sgw_genl_msg_new(h, CMD, 0, 0);
 *   sgw_genl_put_str(m, ATTR_NAME, "x");
 *   if (sgw_genl_request(h, m, NULL, NULL, &err) < 0)
 *           ... err.msg is the kernel's message, err.path the attribute at fault
 */
#ifndef SGW_GENL_H
#define SGW_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>

#define SGW_GENL_ERRMSG_MAX 256
#define SGW_GENL_PATH_MAX 4

/* One step of the path to an attribute inside a request. */
struct sgw_genl_attr_ref {
	uint16_t type;		/* attribute type, flags masked off */
	uint32_t index;		/* how many siblings of that type precede it */
};

/*
 * What went wrong with a request. code is a negative errno (0: no error).
 * msg holds the kernel's extended-ack message verbatim, or a local
 * explanation. When the kernel pointed at an attribute of our request,
 * depth > 0 and path[0..depth-1] leads from the top level to it. When a
 * required attribute was missing, missing is set and missing_type names
 * it (path then leads to the nest that lacked it, depth 0 = top level).
 */
struct sgw_genl_error {
	int code;
	char msg[SGW_GENL_ERRMSG_MAX];
	unsigned int depth;
	struct sgw_genl_attr_ref path[SGW_GENL_PATH_MAX];
	bool missing;
	uint16_t missing_type;
	bool has_range;		/* the policy's bounds of the attribute at fault */
	int64_t range_min;
	int64_t range_max;
};

struct sgw_genl;

/* A request being built; attributes go in with the sgw_genl_put_* helpers. */
struct sgw_genl_msg {
	struct nlmsghdr *nlh;
	size_t size;		/* room in the buffer */
	bool overflow;		/* an attribute did not fit: request not sent */
};

/* Called for every message of a reply or dump, and for every event. */
typedef int (*sgw_genl_cb)(const struct nlmsghdr *nlh, void *data);

struct sgw_genl *sgw_genl_open(const char *family, struct sgw_genl_error *err);
void sgw_genl_close(struct sgw_genl *h);
int sgw_genl_fd(const struct sgw_genl *h);
uint16_t sgw_genl_family_id(const struct sgw_genl *h);
uint32_t sgw_genl_family_version(const struct sgw_genl *h);

/* Join a multicast group of the family by its name. */
int sgw_genl_subscribe(struct sgw_genl *h, const char *group,
		       struct sgw_genl_error *err);

/*
 * New request for command cmd. flags are extra nlmsg flags: NLM_F_DUMP or
 * 0 (families validating strictly refuse NLM_F_CREATE, NLM_F_EXCL, ...).
 * size 0 picks a page-sized buffer; large lists ask for more.
 */
struct sgw_genl_msg *sgw_genl_msg_new(struct sgw_genl *h, uint8_t cmd,
				      uint16_t flags, size_t size);
void sgw_genl_msg_free(struct sgw_genl_msg *m);
size_t sgw_genl_msg_len(const struct sgw_genl_msg *m);

void sgw_genl_put(struct sgw_genl_msg *m, uint16_t type, size_t len,
		  const void *data);
void sgw_genl_put_u8(struct sgw_genl_msg *m, uint16_t type, uint8_t v);
void sgw_genl_put_u16(struct sgw_genl_msg *m, uint16_t type, uint16_t v);
void sgw_genl_put_u32(struct sgw_genl_msg *m, uint16_t type, uint32_t v);
void sgw_genl_put_u64(struct sgw_genl_msg *m, uint16_t type, uint64_t v);
void sgw_genl_put_str(struct sgw_genl_msg *m, uint16_t type, const char *s);
void sgw_genl_put_flag(struct sgw_genl_msg *m, uint16_t type);
/* Nests carry NLA_F_NESTED, as strict validation requires. */
struct nlattr *sgw_genl_nest_start(struct sgw_genl_msg *m, uint16_t type);
void sgw_genl_nest_end(struct sgw_genl_msg *m, struct nlattr *nest);

/*
 * Send the request and wait for its end: the acknowledgement, or the end
 * of the dump. cb (may be NULL) sees every reply message. Returns 0 or a
 * negative errno, with err filled in.
 */
int sgw_genl_request(struct sgw_genl *h, struct sgw_genl_msg *m,
		     sgw_genl_cb cb, void *data, struct sgw_genl_error *err);

/*
 * Receive once (blocking unless the socket is non-blocking) and hand every
 * event to cb. Returns 0, 1 when cb returned MNL_CB_STOP, or a negative
 * errno (-ENOBUFS: the socket overflowed and events were lost; the caller
 * may go on receiving).
 */
int sgw_genl_recv_events(struct sgw_genl *h, sgw_genl_cb cb, void *data,
			 struct sgw_genl_error *err);

/*
 * Decode the NLMSG_ERROR or NLMSG_DONE message that ended request req
 * into err (code, extended-ack message, path to the attribute at fault).
 * Used by sgw_genl_request(); exposed for tests and other transports.
 */
void sgw_genl_decode_status(const struct nlmsghdr *status,
			    const struct nlmsghdr *req,
			    struct sgw_genl_error *err);

/* Attributes of a reply or event, after the generic netlink header. */
const struct nlattr *sgw_genl_attrs(const struct nlmsghdr *nlh);
uint8_t sgw_genl_cmd(const struct nlmsghdr *nlh);
/* tb[0..maxtype] := last attribute of each type (NULL when absent). */
int sgw_genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		   uint16_t maxtype);
int sgw_genl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			  uint16_t maxtype);

void sgw_genl_error_clear(struct sgw_genl_error *err);
void sgw_genl_error_set(struct sgw_genl_error *err, int code,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
