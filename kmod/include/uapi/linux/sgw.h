/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sgw: generic netlink ABI of the mobile security gateway module.
 *
 * Family "sgw" (SGW_GENL_NAME), version SGW_GENL_VERSION, one instance per
 * network namespace: every object lives in the namespace of the socket that
 * created it. Requests that change state, and the per-source table
 * (SGW_CMD_POLICER_SOURCES_GET), need CAP_NET_ADMIN in the user namespace
 * owning the network namespace. Every rejection carries an
 * extended-ack message and, where one attribute is at fault, its offset.
 *
 * Object model. Objects are named (string, 1..SGW_NAME_MAX-1 bytes, NUL
 * terminated) and typed (enum sgw_obj_type). Each object type owns a range
 * of 16 command numbers and its own attribute space, so later object types
 * (anycast groups, crypto engines) add a range and an attribute enum without
 * touching the existing ones. Attribute enums only grow at their end.
 * Changes are announced on the multicast group SGW_MCGRP_EVENTS with one
 * generic message, SGW_CMD_EVENT.
 *
 * Units: rates are bits per second (u64), bursts are bytes (u32), byte
 * counters count IP packets from the first byte of the IP header (u64).
 * Addresses are binary, network byte order: 4 bytes IPv4, 16 bytes IPv6.
 *
 * Dumps (NLM_F_DUMP) return one message per object or per slice of a large
 * object, always with the object's name, so a client merges by name. A
 * dump of lists or policers that a change of them spans (a dump takes
 * several reads) has NLM_F_DUMP_INTR on its messages from the change on:
 * the client should dump again.
 *
 * Request flags: the family validates strictly (Linux 6.1 generic netlink
 * with resv_start_op 0), so nlmsg_flags may only hold NLM_F_REQUEST,
 * NLM_F_ACK, NLM_F_ECHO, and NLM_F_DUMP for dumps. NLM_F_CREATE, NLM_F_EXCL
 * and NLM_F_REPLACE are rejected ("ambiguous or reserved bits set in
 * nlmsg_flags"); attributes carry those meanings instead.
 *
 * Changes to this file after its first publication:
 *   1. SGW_PLIST_A_EXCL (flag) replaces NLM_F_EXCL on SGW_CMD_PLIST_ADD,
 *      which the kernel cannot accept (see "Request flags" above).
 *   2. SGW_POLICER_A_TOTAL_RATE, _TOTAL_BURST, _TOTAL_AUTO: a per-source
 *      policer also has a bucket for all its sources together. Existing
 *      configurations keep their meaning (RATE and BURST per source); the
 *      total is automatic unless set: MAX_SOURCES times RATE and BURST.
 *   3. SGW_NET_MAX_SOURCES, SGW_INFO_A_MAX_NET_SOURCES: a bound on the
 *      per-source entries of a netns. SGW_CMD_POLICER_SOURCES_GET needs
 *      CAP_NET_ADMIN, as changes do (it shows eNodeB addresses).
 */
#ifndef _UAPI_LINUX_SGW_H
#define _UAPI_LINUX_SGW_H

#include <linux/types.h>

#define SGW_GENL_NAME		"sgw"
#define SGW_GENL_VERSION	1
#define SGW_MCGRP_EVENTS	"events"

/* ---- limits ------------------------------------------------------------ */

#define SGW_NAME_MAX		32	/* object names, with the NUL */
#define SGW_VRF_DEFAULT		"default" /* VRF name: no l3mdev master */
#define SGW_PLIST_MAX_PREFIXES	16384	/* prefixes in one list */
#define SGW_MAX_PLISTS		1024	/* prefix lists per netns */
#define SGW_MAX_POLICERS	256	/* policers per netns */
#define SGW_RATE_MIN		1000ULL		/* bits/s */
#define SGW_RATE_MAX		10000000000000ULL /* 10 Tbit/s */
#define SGW_BURST_MIN		1		/* bytes */
#define SGW_BURST_MAX		(1U << 30)	/* bytes */
#define SGW_SOURCES_DEFAULT	1024	/* per-source table, default size */
#define SGW_SOURCES_MAX		65536	/* per-source table, largest size */
#define SGW_SOURCE_IDLE_SECS	60	/* idle per-source entries reclaimed */
#define SGW_NET_MAX_SOURCES	262144	/* MAX_SOURCES of the per-source
					 * policers of a netns, summed */

/* SGW_POLICER_A_TOTAL_AUTO: which of the total's values are automatic. */
#define SGW_TOTAL_AUTO_RATE	(1U << 0)	/* MAX_SOURCES x RATE */
#define SGW_TOTAL_AUTO_BURST	(1U << 1)	/* MAX_SOURCES x BURST */

/* ---- commands ------------------------------------------------------------
 *
 * Ranges: 1-15 generic, 16-31 prefix lists, 32-47 policers,
 * 48-63 reserved (anycast groups), 64-79 reserved (crypto engines),
 * 80-255 reserved for further object types.
 */
enum sgw_cmd {
	SGW_CMD_UNSPEC,

	/*
	 * SGW_CMD_INFO_GET (doit, no attributes, no privilege): replies with
	 * SGW_INFO_A_* (module version and limits).
	 */
	SGW_CMD_INFO_GET = 1,

	/*
	 * SGW_CMD_EVENT: notification only, sent to SGW_MCGRP_EVENTS after a
	 * change committed. Attributes SGW_EVENT_A_*: TYPE, ACTION and NAME
	 * always; for prefix lists a nest SGW_EVENT_A_PLIST (NAME, COUNT,
	 * USERS; never the prefixes), for policers a nest SGW_EVENT_A_POLICER
	 * with the policer's configuration (as in SGW_CMD_POLICER_GET, without
	 * STATS). A deletion carries the object as it was before.
	 */
	SGW_CMD_EVENT = 2,

	/*
	 * SGW_CMD_PLIST_ADD (admin): attributes SGW_PLIST_A_*.
	 * Required: NAME. Optional: PREFIX (repeated, 0..n).
	 * Optional: EXCL (flag). Creates the list if it does not exist (with
	 * EXCL, fails with -EEXIST when it exists), then adds the prefixes;
	 * prefixes
	 * already in the list are ignored. All or nothing: a bad prefix or a
	 * total above SGW_PLIST_MAX_PREFIXES (-ENOSPC) changes nothing. The
	 * new content replaces the old at once for the packet path.
	 * Event: CREATED or CHANGED.
	 */
	SGW_CMD_PLIST_ADD = 16,

	/*
	 * SGW_CMD_PLIST_DEL (admin): Required: NAME. Optional: PREFIX.
	 * With PREFIX attributes, removes those prefixes (each must be in the
	 * list, else -ENOENT and nothing changes); the list stays, possibly
	 * empty. Without, deletes the list (-EBUSY while a policer uses it).
	 * Event: CHANGED or DELETED.
	 */
	SGW_CMD_PLIST_DEL = 17,

	/*
	 * SGW_CMD_PLIST_GET: doit with NAME replies NAME, COUNT, USERS (no
	 * prefixes). Dump (optionally filtered by NAME) returns every list with
	 * its prefixes: one or more messages per list, each with NAME, COUNT,
	 * USERS and a slice of PREFIX attributes (IPv4 first, then IPv6, each
	 * ordered by prefix length then address). A list without prefixes
	 * gives one message without PREFIX.
	 */
	SGW_CMD_PLIST_GET = 18,

	/*
	 * SGW_CMD_POLICER_NEW (admin): attributes SGW_POLICER_A_*.
	 * Required: NAME, VRF, DST_LIST, RATE, BURST.
	 * Optional: SRC_LIST, CHUNK (default ALL), PER_SOURCE (default 0),
	 * MAX_SOURCES (default SGW_SOURCES_DEFAULT), TOTAL_RATE and
	 * TOTAL_BURST (per-source only; default 0, automatic).
	 * -EEXIST on a duplicate name, -ENODEV for an unknown VRF or a device
	 * that is not a VRF, -ENOENT for an unknown list, -EINVAL for a total
	 * without PER_SOURCE, -ENOSPC when the per-source policers of the
	 * netns would reserve more than SGW_NET_MAX_SOURCES entries (also on
	 * SET). Per-source entries are charged to the memory cgroup of the
	 * process that created the policer. Event: CREATED.
	 * A packet meets at most one policer of its VRF, the most specific
	 * (longest dst prefix, then with a src list, then chunk init, then
	 * name order): see Documentation/policer.md.
	 */
	SGW_CMD_POLICER_NEW = 32,

	/*
	 * SGW_CMD_POLICER_SET (admin): Required: NAME. Any attribute of
	 * POLICER_NEW may be given and only those change, atomically, counters
	 * kept. SRC_LIST "" removes the source list. A changed rate or burst
	 * keeps the tokens, capped at the new burst. Changing PER_SOURCE,
	 * VRF, lists, CHUNK or MAX_SOURCES empties the per-source table.
	 * TOTAL_RATE or TOTAL_BURST 0 makes that value automatic again; turning
	 * PER_SOURCE off makes both automatic. Event: CHANGED.
	 */
	SGW_CMD_POLICER_SET = 33,

	/* SGW_CMD_POLICER_DEL (admin): Required: NAME. Event: DELETED. */
	SGW_CMD_POLICER_DEL = 34,

	/*
	 * SGW_CMD_POLICER_GET: doit with NAME, or dump (all policers of the
	 * netns, in name order). Each reply: NAME, VRF, VRF_IFINDEX, DST_LIST,
	 * SRC_LIST (if any), CHUNK, RATE, BURST, PER_SOURCE, MAX_SOURCES,
	 * TOTAL_RATE, TOTAL_BURST and TOTAL_AUTO (per-source policers),
	 * SOURCES_COUNT, STATS.
	 */
	SGW_CMD_POLICER_GET = 35,

	/*
	 * SGW_CMD_POLICER_RESET (admin): Required: NAME. Zeroes STATS and the
	 * counters of every per-source entry. Event: CHANGED.
	 */
	SGW_CMD_POLICER_RESET = 36,

	/*
	 * SGW_CMD_POLICER_SOURCES_GET (admin): dump only. Required: NAME (of
	 * a policer). One message per per-source entry, unordered: NAME and
	 * a nest SOURCE (SGW_SOURCE_A_*). Empty without PER_SOURCE. The table
	 * is listed live: entries created or evicted meanwhile may be missed
	 * or listed twice; a policer changed (new table) or deleted meanwhile
	 * ends the dump with NLM_F_DUMP_INTR.
	 */
	SGW_CMD_POLICER_SOURCES_GET = 37,

	__SGW_CMD_MAX,
	SGW_CMD_MAX = __SGW_CMD_MAX - 1
};

/* ---- enums ------------------------------------------------------------- */

enum sgw_obj_type {
	SGW_OBJ_UNSPEC,
	SGW_OBJ_PLIST,
	SGW_OBJ_POLICER,
	/* later: anycast groups, crypto engines */
};

enum sgw_event_action {
	SGW_EVENT_UNSPEC,
	SGW_EVENT_CREATED,
	SGW_EVENT_CHANGED,
	SGW_EVENT_DELETED,
};

/* Which SCTP packets a policer charges. */
enum sgw_chunk_mode {
	SGW_CHUNK_ALL,		/* every SCTP packet */
	SGW_CHUNK_INIT,		/* only packets carrying an INIT chunk */
	__SGW_CHUNK_MAX,
	SGW_CHUNK_MAX = __SGW_CHUNK_MAX - 1
};

/* ---- attributes ---------------------------------------------------------- */

/* SGW_CMD_INFO_GET reply. */
enum sgw_info_attrs {
	SGW_INFO_A_UNSPEC,
	SGW_INFO_A_VERSION,		/* string: module version */
	SGW_INFO_A_MAX_PREFIXES,	/* u32: SGW_PLIST_MAX_PREFIXES */
	SGW_INFO_A_MAX_PLISTS,		/* u32 */
	SGW_INFO_A_MAX_POLICERS,	/* u32 */
	SGW_INFO_A_MAX_SOURCES,		/* u32: SGW_SOURCES_MAX */
	SGW_INFO_A_MAX_NET_SOURCES,	/* u32: SGW_NET_MAX_SOURCES */
	__SGW_INFO_A_MAX,
	SGW_INFO_A_MAX = __SGW_INFO_A_MAX - 1
};

/* SGW_CMD_EVENT. */
enum sgw_event_attrs {
	SGW_EVENT_A_UNSPEC,
	SGW_EVENT_A_TYPE,		/* u32: enum sgw_obj_type */
	SGW_EVENT_A_ACTION,		/* u32: enum sgw_event_action */
	SGW_EVENT_A_NAME,		/* string: object name */
	SGW_EVENT_A_PLIST,		/* nest: SGW_PLIST_A_* */
	SGW_EVENT_A_POLICER,		/* nest: SGW_POLICER_A_* */
	__SGW_EVENT_A_MAX,
	SGW_EVENT_A_MAX = __SGW_EVENT_A_MAX - 1
};

/* One prefix: nested in SGW_PLIST_A_PREFIX. Both required. */
enum sgw_prefix_attrs {
	SGW_PREFIX_A_UNSPEC,
	SGW_PREFIX_A_ADDR,	/* binary, 4 (IPv4) or 16 (IPv6) bytes;
				 * host bits beyond PLEN must be zero */
	SGW_PREFIX_A_PLEN,	/* u8: 0..32 (IPv4), 0..128 (IPv6) */
	__SGW_PREFIX_A_MAX,
	SGW_PREFIX_A_MAX = __SGW_PREFIX_A_MAX - 1
};

/* SGW_CMD_PLIST_* (requests and replies). */
enum sgw_plist_attrs {
	SGW_PLIST_A_UNSPEC,
	SGW_PLIST_A_NAME,	/* string, 1..SGW_NAME_MAX-1 bytes */
	SGW_PLIST_A_PREFIX,	/* nest: SGW_PREFIX_A_*, repeated */
	SGW_PLIST_A_COUNT,	/* u32 (reply): prefixes in the list */
	SGW_PLIST_A_USERS,	/* u32 (reply): policers using the list */
	SGW_PLIST_A_EXCL,	/* flag (PLIST_ADD): the list must be new */
	__SGW_PLIST_A_MAX,
	SGW_PLIST_A_MAX = __SGW_PLIST_A_MAX - 1
};

/* Counters of a policer, nested in SGW_POLICER_A_STATS. All u64. */
enum sgw_stats_attrs {
	SGW_STATS_A_UNSPEC,
	SGW_STATS_A_PAD,
	SGW_STATS_A_MATCHED_PACKETS,	/* charged to the policer */
	SGW_STATS_A_MATCHED_BYTES,
	SGW_STATS_A_PASSED_PACKETS,	/* conforming, passed */
	SGW_STATS_A_PASSED_BYTES,
	SGW_STATS_A_DROPPED_PACKETS,	/* exceeding, dropped */
	SGW_STATS_A_DROPPED_BYTES,
	SGW_STATS_A_SOURCES_EVICTED,	/* per-source entries evicted (LRU) */
	SGW_STATS_A_SOURCES_RECLAIMED,	/* per-source entries reclaimed idle */
	__SGW_STATS_A_MAX,
	SGW_STATS_A_MAX = __SGW_STATS_A_MAX - 1
};

/* One per-source entry, nested in SGW_POLICER_A_SOURCE. */
enum sgw_source_attrs {
	SGW_SOURCE_A_UNSPEC,
	SGW_SOURCE_A_PAD,
	SGW_SOURCE_A_ADDR,		/* binary, 4 or 16 bytes */
	SGW_SOURCE_A_PASSED_PACKETS,	/* u64 */
	SGW_SOURCE_A_PASSED_BYTES,	/* u64 */
	SGW_SOURCE_A_DROPPED_PACKETS,	/* u64 */
	SGW_SOURCE_A_DROPPED_BYTES,	/* u64 */
	SGW_SOURCE_A_IDLE_MS,		/* u32: since its last packet */
	__SGW_SOURCE_A_MAX,
	SGW_SOURCE_A_MAX = __SGW_SOURCE_A_MAX - 1
};

/* SGW_CMD_POLICER_* (requests and replies). */
enum sgw_policer_attrs {
	SGW_POLICER_A_UNSPEC,
	SGW_POLICER_A_PAD,
	SGW_POLICER_A_NAME,		/* string, 1..SGW_NAME_MAX-1 bytes */
	SGW_POLICER_A_VRF,		/* string: VRF device name or "default" */
	SGW_POLICER_A_VRF_IFINDEX,	/* u32 (reply): 0 for "default" */
	SGW_POLICER_A_DST_LIST,		/* string: prefix list name */
	SGW_POLICER_A_SRC_LIST,		/* string: prefix list name, "" none */
	SGW_POLICER_A_CHUNK,		/* u32: enum sgw_chunk_mode */
	SGW_POLICER_A_RATE,		/* u64: bits/s, SGW_RATE_MIN..MAX: the
					 * policer's bucket, or with PER_SOURCE
					 * the bucket of each source */
	SGW_POLICER_A_BURST,		/* u32: bytes, SGW_BURST_MIN..MAX: its
					 * size, as RATE */
	SGW_POLICER_A_PER_SOURCE,	/* u8: 0 or 1. 1: each source address
					 * has its own RATE/BURST bucket, in a
					 * table of MAX_SOURCES entries,
					 * LRU-evicted; a packet passes if its
					 * source's bucket and the total bucket
					 * (TOTAL_RATE/TOTAL_BURST) both hold
					 * its credit */
	SGW_POLICER_A_MAX_SOURCES,	/* u32: 1..SGW_SOURCES_MAX entries; the
					 * per-source policers of a netns
					 * together at most SGW_NET_MAX_SOURCES */
	SGW_POLICER_A_SOURCES_COUNT,	/* u32 (reply): entries in use */
	SGW_POLICER_A_STATS,		/* nest (reply): SGW_STATS_A_* */
	SGW_POLICER_A_SOURCE,		/* nest (sources dump): SGW_SOURCE_A_* */
	SGW_POLICER_A_TOTAL_RATE,	/* u64: bits/s, PER_SOURCE only: the
					 * rate of all sources together. In
					 * requests 0 (automatic: MAX_SOURCES x
					 * RATE, at most SGW_RATE_MAX) or
					 * SGW_RATE_MIN..MAX; in replies the
					 * rate in force */
	SGW_POLICER_A_TOTAL_BURST,	/* u32: bytes, PER_SOURCE only: the
					 * size of that bucket. 0 (automatic:
					 * MAX_SOURCES x BURST, at most
					 * SGW_BURST_MAX) or SGW_BURST_MIN..MAX;
					 * in replies the size in force */
	SGW_POLICER_A_TOTAL_AUTO,	/* u8 (reply, PER_SOURCE only):
					 * SGW_TOTAL_AUTO_* of the values that
					 * are automatic */
	__SGW_POLICER_A_MAX,
	SGW_POLICER_A_MAX = __SGW_POLICER_A_MAX - 1
};

#endif /* _UAPI_LINUX_SGW_H */
