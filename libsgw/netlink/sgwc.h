/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client of the sgw module's generic netlink family (ABI:
 * kmod/include/uapi/linux/sgw.h): prefix lists, policers, events.
 *
 * Every call takes an open handle (sgwc_open) and fills a
 * struct nlconn_err on failure: err.msg is the kernel's message, and
 * err.path[0].type the SGW_*_A_* attribute it rejected, so a front end can
 * name the argument at fault. Calls return 0 or a negative errno.
 */
#ifndef SGWC_H
#define SGWC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/sgw.h>

#include "base/sgw_prefix.h"
#include "netlink/genl.h"

/* Field presence and request selection: one bit per attribute type. */
#define SGWC_ATTR_BIT(type) (1ULL << (type))

/* Open a socket on the family in the caller's network namespace. */
struct genl *sgwc_open(struct nlconn_err *err);

struct sgwc_info {
	char version[32];
	uint32_t max_prefixes, max_plists, max_policers, max_sources;
};
int sgwc_info_get(struct genl *h, struct sgwc_info *info,
		 struct nlconn_err *err);

/* ---- prefix lists -------------------------------------------------------- */

struct sgwc_plist {
	char name[SGW_NAME_MAX];
	uint32_t count;			/* prefixes in the list */
	uint32_t users;			/* policers using it */
	/* In dumps: a slice of the list's prefixes (see sgwc_plist_dump). */
	const struct sgw_prefix *prefixes;
	size_t nprefixes;
};

/*
 * Create the list if needed and add the prefixes, all or nothing.
 * Thousands of prefixes go in one message.
 */
int sgwc_plist_add(struct genl *h, const char *name,
		  const struct sgw_prefix *prefixes, size_t n,
		  struct nlconn_err *err);
/* n == 0: delete the list; else remove those prefixes (all must exist). */
int sgwc_plist_del(struct genl *h, const char *name,
		  const struct sgw_prefix *prefixes, size_t n,
		  struct nlconn_err *err);
/* Name, count and users of one list (no prefixes). */
int sgwc_plist_get(struct genl *h, const char *name, struct sgwc_plist *out,
		  struct nlconn_err *err);

/*
 * Every list (name NULL) or one, with its prefixes. cb sees slices: a big
 * list comes in several calls with the same name, one after the other.
 * A callback returning non-zero stops delivering (the dump is drained).
 */
typedef int (*sgwc_plist_cb)(const struct sgwc_plist *slice, void *data);
int sgwc_plist_dump(struct genl *h, const char *name, sgwc_plist_cb cb,
		   void *data, struct nlconn_err *err);

/* ---- policers ------------------------------------------------------------ */

struct sgwc_policer_stats {
	uint64_t matched_packets, matched_bytes;
	uint64_t passed_packets, passed_bytes;
	uint64_t dropped_packets, dropped_bytes;
	uint64_t sources_evicted, sources_reclaimed;
};

struct sgwc_policer {
	/* SGWC_ATTR_BIT(SGW_POLICER_A_*) of the fields that are set: in
	 * requests the attributes to send, in replies those received. */
	uint64_t present;
	char name[SGW_NAME_MAX];
	char vrf[SGW_NAME_MAX];
	uint32_t vrf_ifindex;
	char dst_list[SGW_NAME_MAX];
	char src_list[SGW_NAME_MAX];	/* "" none (in SET: remove it) */
	uint32_t chunk;			/* enum sgw_chunk_mode */
	uint64_t rate;			/* bits/s */
	uint32_t burst;			/* bytes */
	bool per_source;
	uint32_t max_sources;
	/* Per-source policers: the bucket of all sources together. In
	 * requests 0 means automatic (max_sources x rate, x burst); replies
	 * carry the values in force and total_auto (SGW_TOTAL_AUTO_*). */
	uint64_t total_rate;		/* bits/s */
	uint32_t total_burst;		/* bytes */
	uint8_t total_auto;
	uint32_t sources_count;
	struct sgwc_policer_stats stats;
};

/* Setters that also mark the field present. */
void sgwc_policer_set_str(struct sgwc_policer *p, uint16_t attr, const char *v);
void sgw_policer_set_u64(struct sgwc_policer *p, uint16_t attr, uint64_t v);

int sgwc_policer_new(struct genl *h, const struct sgwc_policer *p,
		    struct nlconn_err *err);
/* Changes only the present fields, atomically; counters are kept. */
int sgwc_policer_change(struct genl *h, const struct sgwc_policer *p,
		       struct nlconn_err *err);
int sgwc_policer_del(struct genl *h, const char *name,
		    struct nlconn_err *err);
int sgwc_policer_reset(struct genl *h, const char *name,
		      struct nlconn_err *err);
int sgwc_policer_get(struct genl *h, const char *name,
		    struct sgwc_policer *out, struct nlconn_err *err);

typedef int (*sgwc_policer_cb)(const struct sgwc_policer *p, void *data);
/* Every policer of the namespace, in name order. */
int sgwc_policer_dump(struct genl *h, sgwc_policer_cb cb, void *data,
		     struct nlconn_err *err);

struct sgwc_source {
	struct sgw_prefix addr;		/* len: 32 or 128 */
	uint64_t passed_packets, passed_bytes;
	uint64_t dropped_packets, dropped_bytes;
	uint32_t idle_ms;
};
typedef int (*sgwc_source_cb)(const struct sgwc_source *s, void *data);
/* The per-source entries of a policer, unordered. */
int sgwc_policer_sources_dump(struct genl *h, const char *name,
			     sgwc_source_cb cb, void *data,
			     struct nlconn_err *err);

/* ---- events -------------------------------------------------------------- */

struct sgwc_event {
	uint32_t type;			/* enum sgw_obj_type */
	uint32_t action;		/* enum sgw_event_action */
	char name[SGW_NAME_MAX];
	bool has_plist, has_policer;
	struct sgwc_plist plist;		/* no prefixes */
	struct sgwc_policer policer;	/* configuration, no stats */
};

/* Join the events group on h (use a handle of its own for events). */
int sgwc_events_subscribe(struct genl *h, struct nlconn_err *err);
/* Decode one SGW_CMD_EVENT message: 0, or -EBADMSG/-ENOMSG (not an event). */
int sgwc_event_parse(const struct nlmsghdr *nlh, struct sgwc_event *ev);

const char *sgwc_obj_type_name(uint32_t type);		/* "policer" ... */
const char *sgwc_event_action_name(uint32_t action);	/* "created" ... */
const char *sgwc_chunk_mode_name(uint32_t chunk);	/* "all", "init" */

#endif
