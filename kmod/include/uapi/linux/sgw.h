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
 *   4. Anycast groups: commands 48-54, SGW_OBJ_ANYCAST, SGW_EVENT_A_ANYCAST,
 *      SGW_EVENT_TRANSITION, enum sgw_anycast_state, SGW_ANYCAST_R_*,
 *      SGW_ANYCAST_A_* and SGW_ALINK_A_*.
 *   5. Crypto engines: commands 64-69, SGW_OBJ_ENGINE, SGW_EVENT_A_ENGINE,
 *      SGW_EVENT_A_ENGINE_SA, SGW_EVENT_MOVED, enum sgw_engine_state,
 *      enum sgw_engine_sa_dir, SGW_ENGINE_A_* and SGW_ESA_A_*.
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

/* Anycast groups (see the SGW_CMD_ANYCAST_* commands). */
#define SGW_ANYCAST_NAME_MAX	13	/* group names, with the NUL: the
					 * device is "ac-" NAME (IFNAMSIZ) */
#define SGW_ANYCAST_DEV_PREFIX	"ac-"	/* the group's device: ac-NAME */
#define SGW_ANYCAST_LINK_KIND	"sgw_anycast"	/* its rtnl link kind */
#define SGW_MAX_ANYCAST		64	/* groups per netns */
#define SGW_ANYCAST_MAX_ADDRS	16	/* addresses of a group */
#define SGW_ANYCAST_MAX_LINKS	16	/* tracked links of a group */
#define SGW_ANYCAST_HEARTBEAT_DEFAULT_MS 3000
#define SGW_ANYCAST_HEARTBEAT_MIN_MS	100
#define SGW_ANYCAST_HEARTBEAT_MAX_MS	600000
#define SGW_ANYCAST_HOLD_DOWN_DEFAULT_MS 10000
#define SGW_ANYCAST_HOLD_DOWN_MAX_MS	3600000
#define SGW_ANYCAST_PEER_POLL_MS	200	/* standby: how often the VRF's
						 * table is looked at */

/* Crypto engines (see the SGW_CMD_ENGINE_* commands). */
#define SGW_MAX_ENGINES		64	/* engines per netns */
#define SGW_MAX_BINDINGS	4096	/* pinned if_ids per netns */
#define SGW_ENGINE_CPUS_MAX	256	/* a CPU list, with the NUL */
#define SGW_ENGINE_QLEN		1024	/* requests queued per SA; more are
					 * dropped (counted in DROPS) */
#define SGW_ENGINE_REBALANCE_MS	2000	/* how often placement is checked */
#define SGW_ENGINE_REBALANCE_DIFF 2	/* SAs between the most and the least
					 * loaded active engine that trigger
					 * a rebalance */

/* ---- commands ------------------------------------------------------------
 *
 * Ranges: 1-15 generic, 16-31 prefix lists, 32-47 policers,
 * 48-63 anycast groups, 64-79 crypto engines,
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

	/*
	 * Anycast groups. A group is the gateway's share of an address that
	 * several gateways of a region announce (anycast): it owns a network
	 * device of kind SGW_ANYCAST_LINK_KIND, named SGW_ANYCAST_DEV_PREFIX
	 * NAME, created in the group's VRF, which carries the group's
	 * addresses. The device's carrier is on only while the group is
	 * SGW_ANYCAST_ACTIVE: the kernel's connected routes, and through a
	 * routing daemon the announcement, follow the group's state.
	 * Documentation/anycast.md has the state machine.
	 *
	 * Health inputs, any combination: the IKE service (TRACK_IKUD: a
	 * process registered with SGW_CMD_ANYCAST_REGISTER whose netlink
	 * socket is open and which sent a heartbeat within HEARTBEAT_MS),
	 * tracked links (LINK: devices by name, up when running and
	 * operationally up), the administrative drain (DRAINED), and the
	 * device itself (administratively up, in the group's VRF). A group
	 * that becomes healthy stays SGW_ANYCAST_HOLD_DOWN for HOLD_DOWN_MS;
	 * then, without PREEMPT, it stays SGW_ANYCAST_STANDBY as long as a
	 * route to one of its addresses (the address's exact prefix) through
	 * another device is in the VRF's table: another gateway announces it.
	 *
	 * The addresses are added to and removed from the device by the
	 * caller (rtnetlink, as sgwctl does); the module refuses any other
	 * address on the device, and the group's addresses on any other
	 * device of the namespace.
	 */

	/*
	 * SGW_CMD_ANYCAST_NEW (admin): attributes SGW_ANYCAST_A_*.
	 * Required: NAME, VRF, ADDRESS (1..SGW_ANYCAST_MAX_ADDRS).
	 * Optional: TRACK_IKUD (default 0), LINK (0..SGW_ANYCAST_MAX_LINKS),
	 * HEARTBEAT_MS, HOLD_DOWN_MS, PREEMPT (default 1), DRAINED (default
	 * 0). -EEXIST for a duplicate name, for a device name in use, or for
	 * an address of another group; -EADDRINUSE for an address configured
	 * on a device; -ENODEV for an unknown VRF or a device that is not a
	 * VRF; -ENOSPC beyond SGW_MAX_ANYCAST. The device is created down
	 * (no carrier) and administratively up. Event: CREATED.
	 */
	SGW_CMD_ANYCAST_NEW = 48,

	/*
	 * SGW_CMD_ANYCAST_SET (admin): Required: NAME. Any attribute of NEW
	 * may be given and only those change; ADDRESS attributes replace the
	 * addresses, LINK attributes the tracked links, NO_LINKS removes
	 * every tracked link. VRF cannot change (-EINVAL unless the same).
	 * PREEMPT 1 ends STANDBY at once (the operator releases the group).
	 * Event: CHANGED, then TRANSITION if the state changed.
	 */
	SGW_CMD_ANYCAST_SET = 49,

	/*
	 * SGW_CMD_ANYCAST_DEL (admin): Required: NAME. The device goes, with
	 * its addresses. Event: DELETED.
	 */
	SGW_CMD_ANYCAST_DEL = 50,

	/*
	 * SGW_CMD_ANYCAST_GET: doit with NAME, or dump (every group of the
	 * netns, name order). Each reply: the configuration (NAME, VRF,
	 * VRF_IFINDEX, DEVICE, IFINDEX, ADDRESS..., TRACK_IKUD, LINK...,
	 * HEARTBEAT_MS, HOLD_DOWN_MS, PREEMPT, DRAINED) and the state (STATE,
	 * REASONS, TRANSITIONS, WITHDRAWALS, STATE_MS, HOLD_DOWN_LEFT_MS,
	 * IKUD_PID, IKUD_PORTID, HEARTBEAT_AGE_MS, PEER_VIA, MISSING...).
	 */
	SGW_CMD_ANYCAST_GET = 51,

	/*
	 * SGW_CMD_ANYCAST_REGISTER (admin): Required: NAME. The sending
	 * socket becomes the group's IKE service until it closes or sends
	 * UNREGISTER; it must send HEARTBEAT at least every HEARTBEAT_MS.
	 * -EBUSY while another socket is registered. Replies with the group
	 * (as GET). Event: TRANSITION if the state changed.
	 */
	SGW_CMD_ANYCAST_REGISTER = 52,

	/*
	 * SGW_CMD_ANYCAST_HEARTBEAT (admin): Required: NAME. From the
	 * registered socket only (-EPERM otherwise, -ENOLINK when no socket
	 * is registered).
	 */
	SGW_CMD_ANYCAST_HEARTBEAT = 53,

	/*
	 * SGW_CMD_ANYCAST_UNREGISTER (admin): Required: NAME. From the
	 * registered socket only. Closing that socket does the same.
	 */
	SGW_CMD_ANYCAST_UNREGISTER = 54,

	/*
	 * Crypto engines. An engine is a named set of CPUs of the namespace
	 * that does the ESP encryption and decryption of the SAs placed on
	 * it, one SA's packets in order on one of its CPUs. Engines serve
	 * the SAs of their namespace whose transform the module wraps (SAs
	 * created after the first engine of any namespace was added, with
	 * an AEAD or authenc algorithm): see Documentation/engines.md. A
	 * CPU belongs to at most one engine of a namespace.
	 *
	 * Placement: an SA whose xfrm interface id (if_id) is bound to an
	 * engine goes there while that engine is healthy; any other new SA
	 * goes to the healthy active engine with the fewest SAs (then the
	 * fewest bytes recently), to a standby engine only when no active
	 * engine is healthy. An engine is healthy when administratively up
	 * with one of its CPUs online. When an active engine fails (set
	 * down, its CPUs offline, deleted), its SAs move to the least loaded
	 * healthy standby engine (N:1), or to the other active engines when
	 * there is none, with no loss of queued packets and no IKE exchange;
	 * they return to it when it is healthy again. Every
	 * SGW_ENGINE_REBALANCE_MS, SAs move from the most to
	 * the least loaded active engine while they differ by more than
	 * SGW_ENGINE_REBALANCE_DIFF SAs. Every move is counted (MOVED_IN,
	 * MOVED_OUT) and announced (SGW_EVENT_MOVED). An SA that no engine
	 * can take is encrypted inline, as without engines.
	 */

	/*
	 * SGW_CMD_ENGINE_NEW (admin): attributes SGW_ENGINE_A_*.
	 * Required: NAME, CPUS. Optional: STANDBY (default 0), ADMIN_UP
	 * (default 1). -EEXIST for a duplicate name, -ENODEV for a CPU that
	 * does not exist, -EBUSY for a CPU of another engine, -ENOSPC beyond
	 * SGW_MAX_ENGINES. Event: CREATED.
	 */
	SGW_CMD_ENGINE_NEW = 64,

	/*
	 * SGW_CMD_ENGINE_SET (admin): Required: NAME. Optional: CPUS,
	 * STANDBY, ADMIN_UP; only those change. Event: CHANGED, and MOVED for
	 * every SA that moves.
	 */
	SGW_CMD_ENGINE_SET = 65,

	/*
	 * SGW_CMD_ENGINE_DEL (admin): Required: NAME. Its SAs move to the
	 * other engines (MOVED events); if_ids bound to it become automatic.
	 * Event: DELETED.
	 */
	SGW_CMD_ENGINE_DEL = 66,

	/*
	 * SGW_CMD_ENGINE_GET: doit with NAME, or dump (every engine, name
	 * order). Each reply: NAME, CPUS, STANDBY, ADMIN_UP, STATE, SAS,
	 * PACKETS, BYTES, ERRORS, DROPS, MOVED_IN, MOVED_OUT, IF_ID... (the
	 * if_ids bound to it).
	 */
	SGW_CMD_ENGINE_GET = 67,

	/*
	 * SGW_CMD_ENGINE_BIND (admin): Required: IF_ID, and NAME (the engine)
	 * or AUTO (flag: the binding goes). -ENOENT for an unknown engine.
	 * The SAs of that if_id move at once. Event: CHANGED (of the engine
	 * that gained or lost the binding).
	 */
	SGW_CMD_ENGINE_BIND = 68,

	/*
	 * SGW_CMD_ENGINE_SA_GET: dump only, attributes SGW_ESA_A_*. Optional
	 * ENGINE: only the SAs on that engine. One message per SA of the
	 * namespace that the module wraps: SPI, DIR, IF_ID, FAMILY, ENGINE
	 * ("" when on none), CPU, PINNED, PACKETS, BYTES, ERRORS.
	 */
	SGW_CMD_ENGINE_SA_GET = 69,

	__SGW_CMD_MAX,
	SGW_CMD_MAX = __SGW_CMD_MAX - 1
};

/* ---- enums ------------------------------------------------------------- */

enum sgw_obj_type {
	SGW_OBJ_UNSPEC,
	SGW_OBJ_PLIST,
	SGW_OBJ_POLICER,
	SGW_OBJ_ANYCAST,
	SGW_OBJ_ENGINE,
};

enum sgw_event_action {
	SGW_EVENT_UNSPEC,
	SGW_EVENT_CREATED,
	SGW_EVENT_CHANGED,
	SGW_EVENT_DELETED,
	SGW_EVENT_TRANSITION,	/* an anycast group or an engine changed
				 * state */
	SGW_EVENT_MOVED,	/* an SA moved between engines: NAME is the
				 * engine it is on now ("" none), nest
				 * SGW_EVENT_A_ENGINE_SA */
};

/* State of a crypto engine (SGW_ENGINE_A_STATE). */
enum sgw_engine_state {
	SGW_ENGINE_UP,		/* healthy, active: takes new SAs */
	SGW_ENGINE_STANDBY,	/* healthy standby: takes SAs when an active
				 * engine fails */
	SGW_ENGINE_DOWN,	/* set down by the operator */
	SGW_ENGINE_FAILED,	/* up, but none of its CPUs is online */
	__SGW_ENGINE_STATE_MAX,
	SGW_ENGINE_STATE_MAX = __SGW_ENGINE_STATE_MAX - 1
};

/* Direction of an SA (SGW_ESA_A_DIR). */
enum sgw_engine_sa_dir {
	SGW_ENGINE_SA_UNKNOWN,
	SGW_ENGINE_SA_IN,	/* its destination is an address of the netns */
	SGW_ENGINE_SA_OUT,
};

/* State of an anycast group (SGW_ANYCAST_A_STATE). */
enum sgw_anycast_state {
	SGW_ANYCAST_DOWN,	/* a health input fails: not announced */
	SGW_ANYCAST_HOLD_DOWN,	/* healthy for less than HOLD_DOWN_MS */
	SGW_ANYCAST_STANDBY,	/* healthy, no PREEMPT, and another gateway
				 * announces the address: not announced */
	SGW_ANYCAST_ACTIVE,	/* announced: the device has carrier */
	SGW_ANYCAST_DRAINED,	/* drained by the operator: not announced */
	__SGW_ANYCAST_STATE_MAX,
	SGW_ANYCAST_STATE_MAX = __SGW_ANYCAST_STATE_MAX - 1
};

/* Why a group is not active (SGW_ANYCAST_A_REASONS, a bit each). */
#define SGW_ANYCAST_R_DRAINED	(1U << 0)	/* DRAINED is set */
#define SGW_ANYCAST_R_IKUD	(1U << 1)	/* TRACK_IKUD and no IKE service
						 * registered */
#define SGW_ANYCAST_R_HEARTBEAT	(1U << 2)	/* TRACK_IKUD and the service's
						 * heartbeat is late */
#define SGW_ANYCAST_R_LINK	(1U << 3)	/* a tracked link is not up
						 * (LINK nests with UP 0) */
#define SGW_ANYCAST_R_DEVICE	(1U << 4)	/* the group's device is
						 * administratively down */
#define SGW_ANYCAST_R_VRF	(1U << 5)	/* the device left the VRF (or
						 * the VRF is gone) */
#define SGW_ANYCAST_R_HOLD_DOWN	(1U << 6)	/* healthy, in hold-down */
#define SGW_ANYCAST_R_PEER	(1U << 7)	/* no preempt: announced by
						 * another gateway (PEER_VIA) */

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
	SGW_EVENT_A_ANYCAST,		/* nest: SGW_ANYCAST_A_*, as in
					 * SGW_CMD_ANYCAST_GET */
	SGW_EVENT_A_ENGINE,		/* nest: SGW_ENGINE_A_*, as in
					 * SGW_CMD_ENGINE_GET */
	SGW_EVENT_A_ENGINE_SA,		/* nest: SGW_ESA_A_* (MOVED) */
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

/* A tracked link of an anycast group: nested in SGW_ANYCAST_A_LINK. */
enum sgw_alink_attrs {
	SGW_ALINK_A_UNSPEC,
	SGW_ALINK_A_NAME,		/* string: device name, 1..IFNAMSIZ-1 */
	SGW_ALINK_A_IFINDEX,		/* u32 (reply): 0 while it does not
					 * exist */
	SGW_ALINK_A_UP,			/* u8 (reply): running and
					 * operationally up */
	__SGW_ALINK_A_MAX,
	SGW_ALINK_A_MAX = __SGW_ALINK_A_MAX - 1
};

/* SGW_CMD_ANYCAST_* (requests and replies). */
enum sgw_anycast_attrs {
	SGW_ANYCAST_A_UNSPEC,
	SGW_ANYCAST_A_PAD,
	SGW_ANYCAST_A_NAME,		/* string, 1..SGW_ANYCAST_NAME_MAX-1
					 * bytes, a valid device name after
					 * SGW_ANYCAST_DEV_PREFIX */
	SGW_ANYCAST_A_VRF,		/* string: VRF device name or "default" */
	SGW_ANYCAST_A_VRF_IFINDEX,	/* u32 (reply): 0 for "default" */
	SGW_ANYCAST_A_DEVICE,		/* string (reply): the group's device */
	SGW_ANYCAST_A_IFINDEX,		/* u32 (reply): its ifindex */
	SGW_ANYCAST_A_ADDRESS,		/* nest SGW_PREFIX_A_*, repeated: an
					 * address and its prefix length (host
					 * bits allowed: 203.0.113.1/32,
					 * 2001:db8::1/128); unicast only */
	SGW_ANYCAST_A_TRACK_IKUD,	/* u8: 0 or 1, the IKE service is a
					 * health input */
	SGW_ANYCAST_A_LINK,		/* nest SGW_ALINK_A_*, repeated: a
					 * tracked link (requests: NAME) */
	SGW_ANYCAST_A_NO_LINKS,		/* flag (SET): track no link */
	SGW_ANYCAST_A_HEARTBEAT_MS,	/* u32: SGW_ANYCAST_HEARTBEAT_MIN_MS..
					 * MAX_MS, default _DEFAULT_MS */
	SGW_ANYCAST_A_HOLD_DOWN_MS,	/* u32: 0..SGW_ANYCAST_HOLD_DOWN_MAX_MS,
					 * default _DEFAULT_MS */
	SGW_ANYCAST_A_PREEMPT,		/* u8: 0 or 1 (default) */
	SGW_ANYCAST_A_DRAINED,		/* u8: 0 (default) or 1 */
	SGW_ANYCAST_A_STATE,		/* u32 (reply): enum sgw_anycast_state */
	SGW_ANYCAST_A_REASONS,		/* u32 (reply): SGW_ANYCAST_R_* */
	SGW_ANYCAST_A_TRANSITIONS,	/* u64 (reply): state changes since
					 * creation */
	SGW_ANYCAST_A_WITHDRAWALS,	/* u64 (reply): of them, leaving
					 * ACTIVE */
	SGW_ANYCAST_A_STATE_MS,		/* u64 (reply): ms in the state */
	SGW_ANYCAST_A_HOLD_DOWN_LEFT_MS,/* u32 (reply): ms of hold-down left */
	SGW_ANYCAST_A_IKUD_PID,		/* u32 (reply): process that registered
					 * (0: none), in the registrant's pid
					 * namespace */
	SGW_ANYCAST_A_IKUD_PORTID,	/* u32 (reply): its netlink port id */
	SGW_ANYCAST_A_HEARTBEAT_AGE_MS,	/* u32 (reply): ms since its last
					 * heartbeat (or registration) */
	SGW_ANYCAST_A_PEER_VIA,		/* binary (reply, with R_PEER): the
					 * next hop (4 or 16 bytes) of the
					 * other gateway's route; absent for
					 * a route without one */
	SGW_ANYCAST_A_MISSING,		/* nest SGW_PREFIX_A_*, repeated
					 * (reply): addresses of the group not
					 * configured on its device */
	__SGW_ANYCAST_A_MAX,
	SGW_ANYCAST_A_MAX = __SGW_ANYCAST_A_MAX - 1
};

/* SGW_CMD_ENGINE_* (requests and replies). */
enum sgw_engine_attrs {
	SGW_ENGINE_A_UNSPEC,
	SGW_ENGINE_A_PAD,
	SGW_ENGINE_A_NAME,		/* string, 1..SGW_NAME_MAX-1 bytes */
	SGW_ENGINE_A_CPUS,		/* string: a CPU list ("0-1,3"), at
					 * most SGW_ENGINE_CPUS_MAX-1 bytes;
					 * possible CPUs, one at least */
	SGW_ENGINE_A_STANDBY,		/* u8: 0 (default) or 1 */
	SGW_ENGINE_A_ADMIN_UP,		/* u8: 0 or 1 (default) */
	SGW_ENGINE_A_STATE,		/* u32 (reply): enum sgw_engine_state */
	SGW_ENGINE_A_SAS,		/* u32 (reply): SAs placed on it */
	SGW_ENGINE_A_PACKETS,		/* u64 (reply): packets done: outbound
					 * encryptions and inbound packets
					 * decrypted on the engine */
	SGW_ENGINE_A_BYTES,		/* u64 (reply): their bytes (outbound:
					 * ESP payload and trailer; inbound:
					 * the ESP packet) */
	SGW_ENGINE_A_ERRORS,		/* u64 (reply): encryptions that failed
					 * (failed decryptions are XFRM's
					 * XfrmInStateProtoError) */
	SGW_ENGINE_A_DROPS,		/* u64 (reply): packets refused, the
					 * SA's queue full */
	SGW_ENGINE_A_MOVED_IN,		/* u64 (reply): SAs moved onto it */
	SGW_ENGINE_A_MOVED_OUT,		/* u64 (reply): SAs moved away */
	SGW_ENGINE_A_IF_ID,		/* u32: BIND: the if_id; reply: an if_id
					 * bound to it (repeated) */
	SGW_ENGINE_A_AUTO,		/* flag (BIND): placement automatic */
	__SGW_ENGINE_A_MAX,
	SGW_ENGINE_A_MAX = __SGW_ENGINE_A_MAX - 1
};

/* SGW_CMD_ENGINE_SA_GET and SGW_EVENT_A_ENGINE_SA. */
enum sgw_esa_attrs {
	SGW_ESA_A_UNSPEC,
	SGW_ESA_A_PAD,
	SGW_ESA_A_SPI,			/* u32: the SPI, host byte order */
	SGW_ESA_A_DIR,			/* u8: enum sgw_engine_sa_dir */
	SGW_ESA_A_IF_ID,		/* u32: xfrm interface id, 0 none */
	SGW_ESA_A_FAMILY,		/* u8: AF_INET, AF_INET6 (outer) */
	SGW_ESA_A_ENGINE,		/* string: engine ("" none); in the
					 * request, a filter */
	SGW_ESA_A_CPU,			/* u32: the CPU its packets run on */
	SGW_ESA_A_PINNED,		/* u8: its if_id is bound to ENGINE */
	SGW_ESA_A_PACKETS,		/* u64: requests done on engines */
	SGW_ESA_A_BYTES,		/* u64 */
	SGW_ESA_A_ERRORS,		/* u64 */
	SGW_ESA_A_FROM,			/* string (MOVED): the engine it left */
	__SGW_ESA_A_MAX,
	SGW_ESA_A_MAX = __SGW_ESA_A_MAX - 1
};

#endif /* _UAPI_LINUX_SGW_H */
