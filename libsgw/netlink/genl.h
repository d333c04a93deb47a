/* SPDX-License-Identifier: GPL-2.0 */
/*
 * genl: generic netlink on the nlconn transport: family resolution,
 * multicast groups by name, request building and attribute parsing.
 * It knows nothing about the sgw objects (see sgwc.h for those); it is
 * usable for any generic netlink family, as iproute2's libgenl sits on
 * its libnetlink.
 *
 *   struct nlconn_err err;
 *   struct genl *h = genl_open("sgw", &err);
 *   struct genl_msg *m = genl_msg_new(h, CMD, 0, 0);
 *   genl_put_str(m, ATTR_NAME, "x");
 *   if (genl_request(h, m, NULL, NULL, &err) < 0)
 *           ... err.msg is the kernel's message, err.path the attribute at fault
 */
#ifndef SGW_GENL_H
#define SGW_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>

#include "netlink/nlconn.h"

struct genl;

/* A request being built; attributes go in with the genl_put_* helpers. */
struct genl_msg {
	struct nlmsghdr *nlh;
	size_t size;		/* room in the buffer */
	bool overflow;		/* an attribute did not fit: request not sent */
};

/* Called for every message of a reply or dump, and for every event. */
typedef int (*genl_cb)(const struct nlmsghdr *nlh, void *data);

/* A socket on the family, in the caller's network namespace. */
struct genl *genl_open(const char *family, struct nlconn_err *err);
void genl_close(struct genl *h);
int genl_fd(const struct genl *h);
uint16_t genl_family_id(const struct genl *h);
uint32_t genl_family_version(const struct genl *h);

/* Join a multicast group of the family by its name. */
int genl_subscribe(struct genl *h, const char *group, struct nlconn_err *err);

/*
 * New request for command cmd. flags are extra nlmsg flags: NLM_F_DUMP or
 * 0 (families validating strictly refuse NLM_F_CREATE, NLM_F_EXCL, ...).
 * size 0 picks a page-sized buffer; large lists ask for more.
 */
struct genl_msg *genl_msg_new(struct genl *h, uint8_t cmd, uint16_t flags, size_t size);
void genl_msg_free(struct genl_msg *m);
size_t genl_msg_len(const struct genl_msg *m);

void genl_put(struct genl_msg *m, uint16_t type, size_t len, const void *data);
void genl_put_u8(struct genl_msg *m, uint16_t type, uint8_t v);
void genl_put_u16(struct genl_msg *m, uint16_t type, uint16_t v);
void genl_put_u32(struct genl_msg *m, uint16_t type, uint32_t v);
void genl_put_u64(struct genl_msg *m, uint16_t type, uint64_t v);
void genl_put_str(struct genl_msg *m, uint16_t type, const char *s);
void genl_put_flag(struct genl_msg *m, uint16_t type);
/* Nests carry NLA_F_NESTED, as strict validation requires. */
struct nlattr *genl_nest_start(struct genl_msg *m, uint16_t type);
void genl_nest_end(struct genl_msg *m, struct nlattr *nest);

/*
 * Send the request and wait for its end: the acknowledgement, or the end
 * of the dump (NLM_F_DUMP in flags). cb (may be NULL) sees every reply
 * message. Returns 0 or a negative errno, with err filled in (err->path
 * leads to the attribute the kernel rejected).
 */
int genl_request(struct genl *h, struct genl_msg *m, genl_cb cb, void *data,
		 struct nlconn_err *err);

/*
 * Receive once (blocking) and hand every event of the family to cb.
 * Returns 0 or a negative errno (-ENOBUFS: the socket overflowed and
 * events were lost; the caller may go on receiving).
 */
int genl_recv_events(struct genl *h, genl_cb cb, void *data, struct nlconn_err *err);

/* Attributes of a reply or event, after the generic netlink header. */
const struct nlattr *genl_attrs(const struct nlmsghdr *nlh);
uint8_t genl_cmd(const struct nlmsghdr *nlh);
/* tb[0..maxtype] := last attribute of each type (NULL when absent). */
int genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb, uint16_t maxtype);
int genl_parse_nested(const struct nlattr *nest, const struct nlattr **tb, uint16_t maxtype);

#endif
