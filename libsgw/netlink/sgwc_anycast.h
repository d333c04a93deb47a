/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Anycast groups of the sgw module (SGW_CMD_ANYCAST_*, see
 * kmod/include/uapi/linux/sgw.h and Documentation/anycast.md): their
 * configuration and state, and the calls of the IKE service that a group
 * tracks (register, heartbeat, unregister). Same conventions as sgwc.h:
 * an open handle, 0 or a negative errno, a struct nlconn_err on failure.
 */
#ifndef SGWC_ANYCAST_H
#define SGWC_ANYCAST_H

#include <net/if.h>

#include "netlink/sgwc.h"

struct sgwc_anycast_link {
	char name[IF_NAMESIZE];
	uint32_t ifindex;		/* replies: 0 while it does not exist */
	bool up;			/* replies */
};

struct sgwc_anycast {
	/* SGWC_ATTR_BIT(SGW_ANYCAST_A_*) of the fields that are set: in
	 * requests the attributes to send, in replies those received. */
	uint64_t present;
	char name[SGW_ANYCAST_NAME_MAX];
	char vrf[IF_NAMESIZE];
	uint32_t vrf_ifindex;
	char device[IF_NAMESIZE];
	uint32_t ifindex;
	/* addresses with their length; host bits are the address's */
	struct sgw_prefix addrs[SGW_ANYCAST_MAX_ADDRS];
	size_t n_addrs;
	struct sgw_prefix missing[SGW_ANYCAST_MAX_ADDRS]; /* not on the device */
	size_t n_missing;
	bool track_ikud;
	struct sgwc_anycast_link links[SGW_ANYCAST_MAX_LINKS];
	size_t n_links;			/* with LINK present, or NO_LINKS: 0 */
	uint32_t heartbeat_ms;
	uint32_t hold_down_ms;
	bool preempt;
	bool drained;
	/* state (replies) */
	uint32_t state;			/* enum sgw_anycast_state */
	uint32_t reasons;		/* SGW_ANYCAST_R_* */
	uint64_t transitions, withdrawals;
	uint64_t state_ms;
	uint32_t hold_down_left_ms;
	uint32_t ikud_pid, ikud_portid;	/* 0: no IKE service registered */
	uint32_t heartbeat_age_ms;
	struct sgw_prefix peer_via;	/* family 0: none */
};

/* Mark a field present (requests). */
static inline void sgwc_anycast_set(struct sgwc_anycast *a, uint16_t attr)
{
	a->present |= SGWC_ATTR_BIT(attr);
}

int sgwc_anycast_new(struct genl *h, const struct sgwc_anycast *a,
		     struct nlconn_err *err);
/* Changes the present fields only; addresses and links are replaced. */
int sgwc_anycast_change(struct genl *h, const struct sgwc_anycast *a,
			struct nlconn_err *err);
int sgwc_anycast_del(struct genl *h, const char *name, struct nlconn_err *err);
int sgwc_anycast_get(struct genl *h, const char *name,
		     struct sgwc_anycast *out, struct nlconn_err *err);
typedef int (*sgwc_anycast_cb)(const struct sgwc_anycast *a, void *data);
/* Every group of the namespace, in name order. */
int sgwc_anycast_dump(struct genl *h, sgwc_anycast_cb cb, void *data,
		      struct nlconn_err *err);

/*
 * The IKE service: the socket of h becomes the group's service until it
 * closes (or unregisters); out (may be NULL) gets the group, whose
 * heartbeat_ms says how often to call sgwc_anycast_heartbeat().
 */
int sgwc_anycast_register(struct genl *h, const char *name,
			  struct sgwc_anycast *out, struct nlconn_err *err);
int sgwc_anycast_heartbeat(struct genl *h, const char *name,
			   struct nlconn_err *err);
int sgwc_anycast_unregister(struct genl *h, const char *name,
			    struct nlconn_err *err);

/* The group of an SGW_CMD_EVENT message of type SGW_OBJ_ANYCAST: 0, or
 * -ENOMSG when the message carries none. */
int sgwc_anycast_event_parse(const struct nlmsghdr *nlh, struct sgwc_anycast *a);

/* "active", "standby", ... */
const char *sgwc_anycast_state_name(uint32_t state);
/* Why the group is not active, in words ("ikud, link eth1"); "" when it
 * is active. */
void sgwc_anycast_reason(const struct sgwc_anycast *a, char *buf, size_t len);

#endif
