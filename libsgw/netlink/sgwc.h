/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client of the sgw module's generic netlink family (ABI:
 * kmod/include/uapi/linux/sgw.h): prefix lists, policers, events.
 *
 * Every call takes an open handle (sgw_client_open) and fills a
 * struct sgw_genl_error on failure: err.msg is the kernel's message, and
 * err.path[0].type the SGW_*_A_* attribute it rejected, so a front end can
 * name the argument at fault. Calls return 0 or a negative errno.
 */
#ifndef SGW_CLIENT_H
#define SGW_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/sgw.h>

#include "netlink/genl.h"

/* Field presence and request selection: one bit per attribute type. */
#define SGW_ATTR_BIT(type) (1ULL << (type))

/* Open a socket on the family in the caller's network namespace. */
struct sgw_genl *sgw_client_open(struct sgw_genl_error *err);

struct sgw_info {
	char version[32];
	uint32_t max_prefixes, max_plists, max_policers, max_sources;
};
int sgw_info_get(struct sgw_genl *h, struct sgw_info *info,
		 struct sgw_genl_error *err);

/* ---- prefix lists -------------------------------------------------------- */

struct sgw_prefix {
	uint8_t family;		/* AF_INET, AF_INET6 */
	uint8_t len;
	uint8_t addr[16];
};

/* "10.0.0.0/8", "2001:db8::/32"; buf of at least SGW_PREFIX_STRLEN */
#define SGW_PREFIX_STRLEN 48
void sgw_prefix_format(const struct sgw_prefix *p, char *buf, size_t len);

struct sgw_plist {
	char name[SGW_NAME_MAX];
	uint32_t count;			/* prefixes in the list */
	uint32_t users;			/* policers using it */
	/* In dumps: a slice of the list's prefixes (see sgw_plist_dump). */
	const struct sgw_prefix *prefixes;
	size_t nprefixes;
};

/*
 * Create the list if needed and add the prefixes, all or nothing.
 * Thousands of prefixes go in one message.
 */
int sgw_plist_add(struct sgw_genl *h, const char *name,
		  const struct sgw_prefix *prefixes, size_t n,
		  struct sgw_genl_error *err);
/* n == 0: delete the list; else remove those prefixes (all must exist). */
int sgw_plist_del(struct sgw_genl *h, const char *name,
		  const struct sgw_prefix *prefixes, size_t n,
		  struct sgw_genl_error *err);
/* Name, count and users of one list (no prefixes). */
int sgw_plist_get(struct sgw_genl *h, const char *name, struct sgw_plist *out,
		  struct sgw_genl_error *err);

/*
 * Every list (name NULL) or one, with its prefixes. cb sees slices: a big
 * list comes in several calls with the same name, one after the other.
 * A callback returning non-zero stops delivering (the dump is drained).
 */
typedef int (*sgw_plist_cb)(const struct sgw_plist *slice, void *data);
int sgw_plist_dump(struct sgw_genl *h, const char *name, sgw_plist_cb cb,
		   void *data, struct sgw_genl_error *err);

/* ---- policers ------------------------------------------------------------ */

struct sgw_policer_stats {
	uint64_t matched_packets, matched_bytes;
	uint64_t passed_packets, passed_bytes;
	uint64_t dropped_packets, dropped_bytes;
	uint64_t sources_evicted, sources_reclaimed;
};

struct sgw_policer {
	/* SGW_ATTR_BIT(SGW_POLICER_A_*) of the fields that are set: in
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
	uint32_t sources_count;
	struct sgw_policer_stats stats;
};

/* Setters that also mark the field present. */
void sgw_policer_set_str(struct sgw_policer *p, uint16_t attr, const char *v);
void sgw_policer_set_u64(struct sgw_policer *p, uint16_t attr, uint64_t v);

int sgw_policer_new(struct sgw_genl *h, const struct sgw_policer *p,
		    struct sgw_genl_error *err);
/* Changes only the present fields, atomically; counters are kept. */
int sgw_policer_change(struct sgw_genl *h, const struct sgw_policer *p,
		       struct sgw_genl_error *err);
int sgw_policer_del(struct sgw_genl *h, const char *name,
		    struct sgw_genl_error *err);
int sgw_policer_reset(struct sgw_genl *h, const char *name,
		      struct sgw_genl_error *err);
int sgw_policer_get(struct sgw_genl *h, const char *name,
		    struct sgw_policer *out, struct sgw_genl_error *err);

typedef int (*sgw_policer_cb)(const struct sgw_policer *p, void *data);
/* Every policer of the namespace, in name order. */
int sgw_policer_dump(struct sgw_genl *h, sgw_policer_cb cb, void *data,
		     struct sgw_genl_error *err);

struct sgw_source {
	struct sgw_prefix addr;		/* len: 32 or 128 */
	uint64_t passed_packets, passed_bytes;
	uint64_t dropped_packets, dropped_bytes;
	uint32_t idle_ms;
};
typedef int (*sgw_source_cb)(const struct sgw_source *s, void *data);
/* The per-source entries of a policer, unordered. */
int sgw_policer_sources_dump(struct sgw_genl *h, const char *name,
			     sgw_source_cb cb, void *data,
			     struct sgw_genl_error *err);

/* ---- events -------------------------------------------------------------- */

struct sgw_event {
	uint32_t type;			/* enum sgw_obj_type */
	uint32_t action;		/* enum sgw_event_action */
	char name[SGW_NAME_MAX];
	bool has_plist, has_policer;
	struct sgw_plist plist;		/* no prefixes */
	struct sgw_policer policer;	/* configuration, no stats */
};

/* Join the events group on h (use a handle of its own for events). */
int sgw_events_subscribe(struct sgw_genl *h, struct sgw_genl_error *err);
/* Decode one SGW_CMD_EVENT message: 0, or -EBADMSG/-ENOMSG (not an event). */
int sgw_event_parse(const struct nlmsghdr *nlh, struct sgw_event *ev);

const char *sgw_obj_type_name(uint32_t type);		/* "policer" ... */
const char *sgw_event_action_name(uint32_t action);	/* "created" ... */
const char *sgw_chunk_mode_name(uint32_t chunk);	/* "all", "init" */

#endif
