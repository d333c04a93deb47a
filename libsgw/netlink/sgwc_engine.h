/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crypto engines of the sgw module (SGW_CMD_ENGINE_*, see
 * kmod/include/uapi/linux/sgw.h and Documentation/engines.md): engines,
 * if_id bindings, and the SAs placed on them. Same conventions as
 * sgwc.h: an open handle, 0 or a negative errno, a struct nlconn_err on
 * failure.
 */
#ifndef SGWC_ENGINE_H
#define SGWC_ENGINE_H

#include "netlink/sgwc.h"

#define SGWC_ENGINE_MAX_BOUND 64	/* if_ids listed per engine */

struct sgwc_engine {
	/* SGWC_ATTR_BIT(SGW_ENGINE_A_*) of the fields that are set: in
	 * requests the attributes to send, in replies those received. */
	uint64_t present;
	char name[SGW_NAME_MAX];
	char cpus[SGW_ENGINE_CPUS_MAX];	/* a CPU list: "0-1,3" */
	bool standby;
	bool admin_up;
	/* replies */
	uint32_t state;			/* enum sgw_engine_state */
	uint32_t sas;
	uint64_t packets, bytes, errors, drops;
	uint64_t moved_in, moved_out;
	uint32_t bound[SGWC_ENGINE_MAX_BOUND];	/* if_ids pinned to it */
	size_t n_bound;
};

struct sgwc_engine_sa {
	uint32_t spi;			/* host order */
	uint8_t dir;			/* enum sgw_engine_sa_dir */
	uint32_t if_id;
	uint8_t family;
	char engine[SGW_NAME_MAX];	/* "" none */
	char from[SGW_NAME_MAX];	/* MOVED events: the engine it left */
	uint32_t cpu;			/* UINT32_MAX: none */
	bool pinned;
	uint64_t packets, bytes, errors;
};

static inline void sgwc_engine_set(struct sgwc_engine *e, uint16_t attr)
{
	e->present |= SGWC_ATTR_BIT(attr);
}

int sgwc_engine_new(struct genl *h, const struct sgwc_engine *e,
		    struct nlconn_err *err);
/* Changes the present fields only (cpus, standby, admin_up). */
int sgwc_engine_change(struct genl *h, const struct sgwc_engine *e,
		       struct nlconn_err *err);
int sgwc_engine_del(struct genl *h, const char *name, struct nlconn_err *err);
/* engine NULL: automatic placement for the if_id. */
int sgwc_engine_bind(struct genl *h, uint32_t if_id, const char *engine,
		     struct nlconn_err *err);
int sgwc_engine_get(struct genl *h, const char *name, struct sgwc_engine *out,
		    struct nlconn_err *err);
typedef int (*sgwc_engine_cb)(const struct sgwc_engine *e, void *data);
/* Every engine of the namespace, in name order. */
int sgwc_engine_dump(struct genl *h, sgwc_engine_cb cb, void *data,
		     struct nlconn_err *err);
typedef int (*sgwc_engine_sa_cb)(const struct sgwc_engine_sa *sa, void *data);
/* The SAs the module wraps, all (engine NULL) or those on one engine. */
int sgwc_engine_sa_dump(struct genl *h, const char *engine,
			sgwc_engine_sa_cb cb, void *data, struct nlconn_err *err);

/* SGW_CMD_EVENT of type SGW_OBJ_ENGINE: the engine (0), or -ENOMSG. */
int sgwc_engine_event_parse(const struct nlmsghdr *nlh, struct sgwc_engine *e);
/* A MOVED event's SA (0), or -ENOMSG. */
int sgwc_engine_event_sa_parse(const struct nlmsghdr *nlh,
			       struct sgwc_engine_sa *sa);

const char *sgwc_engine_state_name(uint32_t state);	/* "up", ... */
const char *sgwc_engine_dir_name(uint8_t dir);		/* "in", "out" */

#endif
