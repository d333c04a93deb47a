// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl metrics: ikud and the sgw module in Prometheus' text exposition
 * format, for node_exporter's textfile collector (Documentation/metrics.md
 * lists every metric).
 *
 *   sgwctl [-n NETNS] metrics [socket PATH] [source NAME]... [output FILE]
 *
 * Each source is one function of the table `metrics_sources`: it reads
 * everything it needs first and writes its families only once it has it
 * all, so a source that cannot be read adds nothing but its
 * sgw_metrics_source_up 0. A new source (anycast groups, crypto engines)
 * is one more function and one more line of the table.
 *
 * With output FILE the text goes to a temporary file in FILE's directory,
 * synced, then renamed over FILE: the collector never reads half a file.
 */
#include <errno.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <json-c/json.h>

#include "args.h"
#include "ikud_client.h"
#include "netlink/sgwc.h"
#include "netlink/sgwc_anycast.h"
#include "netlink/sgwc_engine.h"
#include "base/sgw_prom.h"
#include "sgwctl.h"

struct metrics_run {
	struct sgwctl *ctl;
	const char *socket;		/* ikud's control socket */
};

struct metrics_source {
	const char *name;		/* the "source" label, and `source NAME` */
	/* 0 after writing its families; -1 (reported) if it could not be read,
	 * nothing written */
	int (*collect)(struct metrics_run *run, struct sgw_prom *p);
};

#define L(...) ((const struct sgw_prom_label[]){ __VA_ARGS__ })
#define NL(...) (sizeof((const struct sgw_prom_label[]){ __VA_ARGS__ }) / \
		 sizeof(struct sgw_prom_label))
/* A sample with labels: SAMPLE(p, value, { "name", v }, ...) */
#define SAMPLE(p, value, ...) sgw_prom_u64(p, L(__VA_ARGS__), NL(__VA_ARGS__), value)

static void metrics_usage(FILE *f)
{
	fprintf(f,
		"Usage: sgwctl [-n NETNS] metrics [socket PATH] [source { ikud | module }]...\n"
		"                                 [output FILE]\n"
		"Prints ikud's and the sgw module's metrics in Prometheus' text format\n"
		"(node_exporter's textfile collector), or writes them to FILE atomically.\n");
}

/* --- JSON answers ------------------------------------------------------------------- */

static struct json_object *jget(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object))
		return NULL;
	json_object_object_get_ex(o, key, &v);
	return v;
}

/* An unsigned integer of the answer; false when it is none. */
static bool jnum(struct json_object *o, const char *key, uint64_t *v)
{
	struct json_object *n = jget(o, key);

	if (!json_object_is_type(n, json_type_int) || json_object_get_int64(n) < 0)
		return false;
	*v = json_object_get_uint64(n);
	return true;
}

/* --- ikud -------------------------------------------------------------------------- */

/* A counter of ikud's stats answer and the metric it becomes. */
struct ike_counter {
	const char *key;
	const char *name;
	const char *help;
};

static const struct ike_counter ike_counters[] = {
	{ "ike_established", "sgw_ike_sa_established_total",
	  "IKE SAs set up (IKE_AUTH done, either role); rekeys not counted." },
	{ "ike_rekeys", "sgw_ike_sa_rekeys_total", "IKE SAs rekeyed (either side)." },
	{ "child_installed", "sgw_ike_child_sa_installed_total",
	  "CHILD_SAs installed in the kernel, rekeys not counted." },
	{ "child_rekeys", "sgw_ike_child_sa_rekeys_total", "CHILD_SAs rekeyed (either side)." },
	{ "child_deleted", "sgw_ike_child_sa_deleted_total",
	  "CHILD_SAs removed (delete, expiry, DPD, rekey's old SA)." },
	{ "dpd_probes", "sgw_ike_dpd_probes_total",
	  "Liveness checks sent to silent peers (dead peer detection), retransmits included." },
	{ "cookies_sent", "sgw_ike_cookies_sent_total",
	  "IKE_SA_INIT requests answered with a COOKIE (above cookie-threshold)." },
	{ "rx_packets", "sgw_ike_received_packets_total", "IKE datagrams received." },
	{ "tx_packets", "sgw_ike_sent_packets_total", "IKE datagrams sent." },
	{ "rx_dropped", "sgw_ike_dropped_packets_total",
	  "IKE datagrams dropped (unknown SPI, replays, message ID out of window, limits)." },
	{ "rx_invalid", "sgw_ike_invalid_packets_total",
	  "IKE datagrams that failed parsing or the integrity check." },
	{ "retransmits", "sgw_ike_retransmits_total", "Requests of ikud sent again." },
	{ "cached_replies", "sgw_ike_cached_replies_total",
	  "Retransmitted requests of peers answered from the cached response." },
	{ "forwarded", "sgw_ike_forwarded_packets_total",
	  "IKE datagrams handed to the worker owning their SA." },
	{ "answered_ahead", "sgw_ike_answered_ahead_total",
	  "Messages of existing SAs handled while new IKE_SA_INITs waited (priority)." },
	{ "init_backlog_dropped", "sgw_ike_init_backlog_dropped_total",
	  "New IKE_SA_INIT requests dropped because the worker's backlog was full." },
	{ "inbox_dropped", "sgw_ike_inbox_dropped_packets_total",
	  "IKE datagrams dropped because the owning worker's inbox was full." },
};

#define N_IKE_COUNTERS (sizeof(ike_counters) / sizeof(ike_counters[0]))

/* The answers' shape, checked before anything is written; the bad field. */
static const char *ike_check(struct json_object *stats, struct json_object *m)
{
	static const char *const table_keys[] = { "peers", "history", "forgotten" };
	struct json_object *a;
	uint64_t v;
	size_t i;

	for (i = 0; i < N_IKE_COUNTERS; i++)
		if (!jnum(stats, ike_counters[i].key, &v))
			return ike_counters[i].key;
	if (!jnum(stats, "workers", &v) || !jnum(stats, "half_open", &v))
		return "workers/half_open";
	if (!json_object_is_type(jget(stats, "failures"), json_type_object))
		return "failures";
	json_object_object_foreach(jget(stats, "failures"), reason, n) {
		(void)reason;
		if (!json_object_is_type(n, json_type_int))
			return "failures";
	}
	if (!jnum(m, "start_time", &v))
		return "start_time";
	for (i = 0; i < 3; i++)
		if (!jnum(jget(m, "peer_table"), table_keys[i], &v))
			return "peer_table";
	a = jget(m, "gateways");
	if (!json_object_is_type(a, json_type_array))
		return "gateways";
	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *g = json_object_array_get_idx(a, i);

		if (!json_object_is_type(jget(g, "gateway"), json_type_string) ||
		    !json_object_is_type(jget(g, "vrf"), json_type_string) ||
		    !json_object_is_type(jget(g, "ike_sas"), json_type_object) ||
		    !json_object_is_type(jget(g, "child_sas"), json_type_object) ||
		    !jnum(g, "routes", &v))
			return "gateways";
	}
	a = jget(m, "peers");
	if (!json_object_is_type(a, json_type_array))
		return "peers";
	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *p = json_object_array_get_idx(a, i);

		if (!json_object_is_type(jget(p, "gateway"), json_type_string) ||
		    !json_object_is_type(jget(p, "peer"), json_type_string) ||
		    !json_object_is_type(jget(p, "up"), json_type_boolean) ||
		    !json_object_is_type(jget(p, "configured"), json_type_boolean) ||
		    !jnum(p, "changed", &v))
			return "peers";
	}
	return NULL;
}

static uint64_t jnum0(struct json_object *o, const char *key)
{
	uint64_t v = 0;

	jnum(o, key, &v);
	return v;
}

static const char *jstr(struct json_object *o, const char *key)
{
	const char *s = json_object_get_string(jget(o, key));

	return s ? s : "";
}

static void ike_write_counters(struct sgw_prom *p, struct json_object *stats)
{
	size_t i;

	for (i = 0; i < N_IKE_COUNTERS; i++) {
		sgw_prom_family(p, ike_counters[i].name, SGW_PROM_COUNTER, ike_counters[i].help);
		sgw_prom_u64(p, NULL, 0, jnum0(stats, ike_counters[i].key));
	}
	sgw_prom_family(p, "sgw_ike_failures_total", SGW_PROM_COUNTER,
			"Failed setups and lost SAs by reason (dead_peer: by dead peer detection).");
	json_object_object_foreach(jget(stats, "failures"), reason, n)
		SAMPLE(p, json_object_get_uint64(n), { "reason", reason });
}

/* One gauge per gateway and state, from the object KEY of each gateway. */
static void ike_write_states(struct sgw_prom *p, struct json_object *gws, const char *key,
			     const char *name, const char *help)
{
	size_t i;

	sgw_prom_family(p, name, SGW_PROM_GAUGE, help);
	for (i = 0; i < json_object_array_length(gws); i++) {
		struct json_object *g = json_object_array_get_idx(gws, i);

		json_object_object_foreach(jget(g, key), state, n)
			SAMPLE(p, json_object_get_uint64(n), { "gateway", jstr(g, "gateway") },
			       { "state", state });
	}
}

static void ike_write_gateways(struct sgw_prom *p, struct json_object *gws)
{
	size_t i;

	sgw_prom_family(p, "sgw_ike_gateway_info", SGW_PROM_GAUGE,
			"A gateway of ikud.conf and its VRF (\"default\": none); always 1.");
	for (i = 0; i < json_object_array_length(gws); i++) {
		struct json_object *g = json_object_array_get_idx(gws, i);
		const char *vrf = jstr(g, "vrf");

		SAMPLE(p, 1, { "gateway", jstr(g, "gateway") }, { "vrf", vrf[0] ? vrf : "default" });
	}
	ike_write_states(p, gws, "ike_sas", "sgw_ike_sas",
			 "IKE SAs by gateway and state (half-open: responder before IKE_AUTH).");
	ike_write_states(p, gws, "child_sas", "sgw_ike_child_sas",
			 "CHILD_SAs by gateway and state.");
	sgw_prom_family(p, "sgw_ike_routes", SGW_PROM_GAUGE,
			"Routes ikud injected for its tunnels (RRI), by gateway.");
	for (i = 0; i < json_object_array_length(gws); i++) {
		struct json_object *g = json_object_array_get_idx(gws, i);

		SAMPLE(p, jnum0(g, "routes"), { "gateway", jstr(g, "gateway") });
	}
}

/* A gauge per peer: up, configured (booleans) or the time of the change. */
static void ike_write_peer_family(struct sgw_prom *p, struct json_object *peers,
				  const char *name, const char *key, const char *help)
{
	size_t i;

	sgw_prom_family(p, name, SGW_PROM_GAUGE, help);
	for (i = 0; i < json_object_array_length(peers); i++) {
		struct json_object *e = json_object_array_get_idx(peers, i), *v = jget(e, key);
		uint64_t value = json_object_is_type(v, json_type_boolean) ?
				 (uint64_t)json_object_get_boolean(v) : json_object_get_uint64(v);

		SAMPLE(p, value, { "gateway", jstr(e, "gateway") }, { "peer", jstr(e, "peer") });
	}
}

static void ike_write_peers(struct sgw_prom *p, struct json_object *m)
{
	struct json_object *peers = jget(m, "peers"), *table = jget(m, "peer_table");

	ike_write_peer_family(p, peers, "sgw_ike_peer_up", "up",
			      "1 while the peer (gateway, identity) has an established IKE SA, "
			      "else 0; down peers stay (configured ones always).");
	ike_write_peer_family(p, peers, "sgw_ike_peer_last_change_timestamp_seconds", "changed",
			      "When the peer last went up or down (or ikud first knew it), "
			      "Unix time.");
	ike_write_peer_family(p, peers, "sgw_ike_peer_configured", "configured",
			      "1 for a peer ikud.conf names (peer line, initiate peer).");
	sgw_prom_family(p, "sgw_ike_peer_table_peers", SGW_PROM_GAUGE,
			"Peers ikud follows (the series of sgw_ike_peer_up).");
	sgw_prom_u64(p, NULL, 0, jnum0(table, "peers"));
	sgw_prom_family(p, "sgw_ike_peer_table_history", SGW_PROM_GAUGE,
			"peer-history: down peers not configured that ikud remembers at most.");
	sgw_prom_u64(p, NULL, 0, jnum0(table, "history"));
	sgw_prom_family(p, "sgw_ike_peers_forgotten_total", SGW_PROM_COUNTER,
			"Down peers forgotten beyond peer-history, the oldest first.");
	sgw_prom_u64(p, NULL, 0, jnum0(table, "forgotten"));
}

static int metrics_ikud(struct metrics_run *run, struct sgw_prom *p)
{
	struct json_object *stats = NULL, *m = NULL;
	const char *bad;
	int ret = -1;

	if (ikud_call(run->ctl, run->socket, "metrics: ikud", ikud_request("stats"), &stats) ||
	    ikud_call(run->ctl, run->socket, "metrics: ikud", ikud_request("metrics"), &m))
		goto out;
	bad = ike_check(stats, m);
	if (bad) {
		sgwctl_error(run->ctl, "metrics: ikud: malformed answer (field '%s')", bad);
		goto out;
	}
	sgw_prom_family(p, "sgw_ike_start_time_seconds", SGW_PROM_GAUGE,
			"When ikud started, Unix time.");
	sgw_prom_u64(p, NULL, 0, jnum0(m, "start_time"));
	sgw_prom_family(p, "sgw_ike_workers", SGW_PROM_GAUGE, "ikud's worker threads.");
	sgw_prom_u64(p, NULL, 0, jnum0(stats, "workers"));
	sgw_prom_family(p, "sgw_ike_half_open_sas", SGW_PROM_GAUGE,
			"Half-open IKE SAs of the daemon (what half-open-limit bounds).");
	sgw_prom_u64(p, NULL, 0, jnum0(stats, "half_open"));
	sgw_prom_family(p, "sgw_ike_init_backlog", SGW_PROM_GAUGE,
			"New IKE_SA_INIT requests waiting behind the messages of existing SAs.");
	sgw_prom_u64(p, NULL, 0, jnum0(stats, "init_backlog"));
	ike_write_counters(p, stats);
	ike_write_gateways(p, jget(m, "gateways"));
	ike_write_peers(p, m);
	ret = 0;
out:
	json_object_put(stats);
	json_object_put(m);
	return ret;
}

/* --- the sgw module ------------------------------------------------------------------- */

/* What a dump returned, kept for writing family by family. */
struct obj_list {
	void *v;
	size_t n, cap, size;
};

static int obj_keep(struct obj_list *l, const void *o)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		void *a = realloc(l->v, cap * l->size);

		if (!a)
			return -ENOMEM;
		l->v = a;
		l->cap = cap;
	}
	memcpy((char *)l->v + l->n++ * l->size, o, l->size);
	return 0;
}

static int policer_keep(const struct sgwc_policer *p, void *data)
{
	return obj_keep(data, p);
}

static int anycast_keep(const struct sgwc_anycast *a, void *data)
{
	return obj_keep(data, a);
}

static int engine_keep(const struct sgwc_engine *e, void *data)
{
	return obj_keep(data, e);
}

/* A counter of a policer and the metric it becomes. */
struct policer_counter {
	const char *name;
	const char *help;
	size_t stat;			/* offset in struct sgwc_policer_stats */
};

#define STAT(f) offsetof(struct sgwc_policer_stats, f)

static const struct policer_counter policer_counters[] = {
	{ "sgw_policer_matched_packets_total",
	  "SCTP packets charged to the policer (passed + dropped).", STAT(matched_packets) },
	{ "sgw_policer_matched_bytes_total",
	  "Bytes (IP) of the packets charged to the policer.", STAT(matched_bytes) },
	{ "sgw_policer_passed_packets_total", "Packets within the rate, passed.",
	  STAT(passed_packets) },
	{ "sgw_policer_passed_bytes_total", "Bytes (IP) of the packets passed.",
	  STAT(passed_bytes) },
	{ "sgw_policer_dropped_packets_total", "Packets above the rate, dropped.",
	  STAT(dropped_packets) },
	{ "sgw_policer_dropped_bytes_total", "Bytes (IP) of the packets dropped.",
	  STAT(dropped_bytes) },
	{ "sgw_policer_sources_evicted_total",
	  "Per-source buckets evicted to make room (least recently used).",
	  STAT(sources_evicted) },
	{ "sgw_policer_sources_reclaimed_total",
	  "Per-source buckets reclaimed after being idle.", STAT(sources_reclaimed) },
};

#define N_POLICER_COUNTERS (sizeof(policer_counters) / sizeof(policer_counters[0]))

/* A gauge of a policer's configuration or state; per_source: only
 * per-source policers have it (the total bucket). */
struct policer_gauge {
	const char *name;
	const char *help;
	double (*value)(const struct sgwc_policer *p);
	bool per_source;
};

static double policer_rate(const struct sgwc_policer *p) { return p->rate / 8.0; }
static double policer_burst(const struct sgwc_policer *p) { return p->burst; }
static double policer_sources(const struct sgwc_policer *p) { return p->sources_count; }
static double policer_total_rate(const struct sgwc_policer *p) { return p->total_rate / 8.0; }
static double policer_total_burst(const struct sgwc_policer *p) { return p->total_burst; }

static const struct policer_gauge policer_gauges[] = {
	{ "sgw_policer_rate_bytes_per_second",
	  "The policer's rate (its configured bits/s divided by 8); per source if per-source.",
	  policer_rate, false },
	{ "sgw_policer_burst_bytes", "The policer's burst; per source if per-source.",
	  policer_burst, false },
	{ "sgw_policer_sources", "Per-source buckets in use.", policer_sources, false },
	{ "sgw_policer_total_rate_bytes_per_second",
	  "A per-source policer's total bucket: the rate of all sources together, in force "
	  "(configured or automatic).", policer_total_rate, true },
	{ "sgw_policer_total_burst_bytes",
	  "A per-source policer's total bucket: its burst, in force.", policer_total_burst, true },
};

#define N_POLICER_GAUGES (sizeof(policer_gauges) / sizeof(policer_gauges[0]))

/* Every policer of the namespace, labelled with its name and VRF. */
static void policer_write(struct sgw_prom *p, const struct obj_list *l)
{
	const struct sgwc_policer *pols = l->v;
	size_t k, i;

	for (k = 0; k < N_POLICER_COUNTERS; k++) {
		sgw_prom_family(p, policer_counters[k].name, SGW_PROM_COUNTER,
				policer_counters[k].help);
		for (i = 0; i < l->n; i++) {
			const struct sgwc_policer *pol = &pols[i];
			const char *st = (const char *)&pol->stats + policer_counters[k].stat;

			SAMPLE(p, *(const uint64_t *)st, { "policer", pol->name }, { "vrf", pol->vrf });
		}
	}
	for (k = 0; k < N_POLICER_GAUGES; k++) {
		sgw_prom_family(p, policer_gauges[k].name, SGW_PROM_GAUGE, policer_gauges[k].help);
		for (i = 0; i < l->n; i++) {
			const struct sgwc_policer *pol = &pols[i];

			if (policer_gauges[k].per_source && !pol->per_source)
				continue;
			sgw_prom_double(p, L({ "policer", pol->name }, { "vrf", pol->vrf }), 2,
					policer_gauges[k].value(pol));
		}
	}
}

/* Every anycast group: its state as one series per state (1 for the
 * current one), so that no state's series appears or vanishes. */
static void anycast_write(struct sgw_prom *p, const struct obj_list *l)
{
	const struct sgwc_anycast *gs = l->v;
	uint32_t st;
	size_t i;

	sgw_prom_family(p, "sgw_anycast_state", SGW_PROM_GAUGE,
			"1 for the anycast group's current state (active: its address announced).");
	for (i = 0; i < l->n; i++)
		for (st = 0; st <= SGW_ANYCAST_STATE_MAX; st++)
			SAMPLE(p, gs[i].state == st, { "group", gs[i].name }, { "vrf", gs[i].vrf },
			       { "state", sgwc_anycast_state_name(st) });
	sgw_prom_family(p, "sgw_anycast_state_seconds", SGW_PROM_GAUGE,
			"Time the anycast group has been in its current state.");
	for (i = 0; i < l->n; i++)
		sgw_prom_double(p, L({ "group", gs[i].name }, { "vrf", gs[i].vrf }), 2,
				gs[i].state_ms / 1000.0);
	sgw_prom_family(p, "sgw_anycast_transitions_total", SGW_PROM_COUNTER,
			"State changes of the anycast group since it was created.");
	for (i = 0; i < l->n; i++)
		SAMPLE(p, gs[i].transitions, { "group", gs[i].name }, { "vrf", gs[i].vrf });
	sgw_prom_family(p, "sgw_anycast_withdrawals_total", SGW_PROM_COUNTER,
			"State changes that withdrew the address (left active).");
	for (i = 0; i < l->n; i++)
		SAMPLE(p, gs[i].withdrawals, { "group", gs[i].name }, { "vrf", gs[i].vrf });
	sgw_prom_family(p, "sgw_anycast_ikud_registered", SGW_PROM_GAUGE,
			"1 while an ikud is registered as the group's IKE service.");
	for (i = 0; i < l->n; i++)
		SAMPLE(p, gs[i].ikud_portid != 0, { "group", gs[i].name }, { "vrf", gs[i].vrf });
}

/* A counter of a crypto engine and the metric it becomes. */
struct engine_counter {
	const char *name;
	const char *help;
	size_t field;			/* offset of a uint64_t in struct sgwc_engine */
};

#define ENG(f) offsetof(struct sgwc_engine, f)

static const struct engine_counter engine_counters[] = {
	{ "sgw_engine_packets_total",
	  "Packets the engine did: outbound encryptions and inbound packets decrypted.",
	  ENG(packets) },
	{ "sgw_engine_bytes_total", "Bytes of those packets.", ENG(bytes) },
	{ "sgw_engine_errors_total", "Encryptions that failed on the engine.", ENG(errors) },
	{ "sgw_engine_drops_total", "Packets refused because an SA's queue was full.",
	  ENG(drops) },
	{ "sgw_engine_moved_in_total", "SAs moved onto the engine (failover, rebalance).",
	  ENG(moved_in) },
	{ "sgw_engine_moved_out_total", "SAs moved off the engine.", ENG(moved_out) },
};

#define N_ENGINE_COUNTERS (sizeof(engine_counters) / sizeof(engine_counters[0]))

/* Every crypto engine: its CPUs, its state as one series per state, its
 * SAs and counters. */
static void engine_write(struct sgw_prom *p, const struct obj_list *l)
{
	const struct sgwc_engine *es = l->v;
	uint32_t st;
	size_t i, k;

	sgw_prom_family(p, "sgw_engine_info", SGW_PROM_GAUGE,
			"A crypto engine, its CPUs and role (active or standby); always 1.");
	for (i = 0; i < l->n; i++)
		SAMPLE(p, 1, { "engine", es[i].name }, { "cpus", es[i].cpus },
		       { "role", es[i].standby ? "standby" : "active" });
	sgw_prom_family(p, "sgw_engine_state", SGW_PROM_GAUGE,
			"1 for the engine's current state (up, standby, down, failed).");
	for (i = 0; i < l->n; i++)
		for (st = 0; st <= SGW_ENGINE_STATE_MAX; st++)
			SAMPLE(p, es[i].state == st, { "engine", es[i].name },
			       { "state", sgwc_engine_state_name(st) });
	sgw_prom_family(p, "sgw_engine_sas", SGW_PROM_GAUGE, "SAs placed on the engine.");
	for (i = 0; i < l->n; i++)
		SAMPLE(p, es[i].sas, { "engine", es[i].name });
	for (k = 0; k < N_ENGINE_COUNTERS; k++) {
		sgw_prom_family(p, engine_counters[k].name, SGW_PROM_COUNTER,
				engine_counters[k].help);
		for (i = 0; i < l->n; i++)
			SAMPLE(p, *(const uint64_t *)((const char *)&es[i] + engine_counters[k].field),
			       { "engine", es[i].name });
	}
}

static int metrics_module(struct metrics_run *run, struct sgw_prom *p)
{
	struct obj_list pols = { .size = sizeof(struct sgwc_policer) };
	struct obj_list groups = { .size = sizeof(struct sgwc_anycast) };
	struct obj_list engines = { .size = sizeof(struct sgwc_engine) };
	struct sgwc_info info;
	struct nlconn_err err;
	struct genl *h = sgwctl_genl(run->ctl);
	int ret;

	if (!h)
		return -1;
	ret = sgwc_info_get(h, &info, &err);
	if (!ret)
		ret = sgwc_policer_dump(h, policer_keep, &pols, &err);
	if (!ret)
		ret = sgwc_anycast_dump(h, anycast_keep, &groups, &err);
	if (!ret)
		ret = sgwc_engine_dump(h, engine_keep, &engines, &err);
	if (ret) {
		sgwctl_request_error(run->ctl, "metrics: module", &err, NULL);
		free(pols.v);
		free(groups.v);
		free(engines.v);
		return -1;
	}
	sgw_prom_family(p, "sgw_module_info", SGW_PROM_GAUGE,
			"The sgw module's version; always 1.");
	SAMPLE(p, 1, { "version", info.version });
	policer_write(p, &pols);
	anycast_write(p, &groups);
	engine_write(p, &engines);
	free(pols.v);
	free(groups.v);
	free(engines.v);
	return 0;
}

/* --- the command ---------------------------------------------------------------------- */

static const struct metrics_source metrics_sources[] = {
	{ "ikud", metrics_ikud },
	{ "module", metrics_module },
};

#define N_SOURCES (sizeof(metrics_sources) / sizeof(metrics_sources[0]))

/* Every chosen source, then whether each could be read. */
static int metrics_write(struct metrics_run *run, const bool *chosen, FILE *out)
{
	struct sgw_prom p;
	bool up[N_SOURCES] = { false };
	size_t i;

	sgw_prom_init(&p, out);
	for (i = 0; i < N_SOURCES; i++)
		if (chosen[i])
			up[i] = !metrics_sources[i].collect(run, &p);
	sgw_prom_family(&p, "sgw_metrics_source_up", SGW_PROM_GAUGE,
			"1 if sgwctl could read the source (ikud, module) for this exposition.");
	for (i = 0; i < N_SOURCES; i++)
		if (chosen[i])
			SAMPLE(&p, up[i], { "source", metrics_sources[i].name });
	return sgw_prom_end(&p);
}

/* FILE's directory and a temporary name there the collector ignores
 * (it reads *.prom only): DIR/.BASE.XXXXXX */
static char *metrics_temp_name(const char *file)
{
	char *d = strdup(file), *b = strdup(file), *t = NULL;

	if (d && b && asprintf(&t, "%s/.%s.XXXXXX", dirname(d), basename(b)) < 0)
		t = NULL;
	free(d);
	free(b);
	return t;
}

/* Write to a temporary file beside FILE, sync it, rename it over FILE. */
static int metrics_to_file(struct metrics_run *run, const bool *chosen, const char *file)
{
	char *tmp = metrics_temp_name(file);
	FILE *f = NULL;
	int fd = -1, ret;

	if (!tmp) {
		sgwctl_error(run->ctl, "metrics: out of memory");
		return SGWCTL_EXIT_FAIL;
	}
	fd = mkstemp(tmp);
	if (fd < 0 || fchmod(fd, 0644) || !(f = fdopen(fd, "w"))) {
		sgwctl_error(run->ctl, "metrics: cannot create %s: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	ret = metrics_write(run, chosen, f);
	if (ret || fflush(f) || fsync(fileno(f))) {
		sgwctl_error(run->ctl, "metrics: cannot write %s: %s", tmp,
			     strerror(ret && ret != -EIO ? -ret : errno));
		goto fail;
	}
	if (fclose(f)) {
		f = NULL;
		sgwctl_error(run->ctl, "metrics: cannot write %s: %s", tmp, strerror(errno));
		goto fail;
	}
	f = NULL;
	if (rename(tmp, file)) {
		sgwctl_error(run->ctl, "metrics: cannot rename %s to %s: %s", tmp, file,
			     strerror(errno));
		goto fail;
	}
	free(tmp);
	return SGWCTL_EXIT_OK;
fail:
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return SGWCTL_EXIT_FAIL;
}

static int metrics_run(struct sgwctl *ctl, int argc, char **argv)
{
	struct args a = { .argc = argc, .argv = argv };
	struct metrics_run run = { .ctl = ctl, .socket = ikud_default_socket() };
	bool chosen[N_SOURCES] = { false }, any = false;
	const char *output = NULL;
	size_t i;
	int ret;

	if (ctl->json)
		return sgwctl_usage_error(ctl, "metrics: no JSON form (Prometheus' text format)");
	while (args_more(&a)) {
		const char *kw = args_next(&a), *v = args_value(ctl, &a, kw);

		if (!v)
			return SGWCTL_EXIT_USAGE;
		if (arg_is(kw, "socket")) {
			if (strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path))
				return sgwctl_usage_error(ctl, "socket path too long: %s", v);
			run.socket = v;
		} else if (arg_is(kw, "output")) {
			output = v;
		} else if (arg_is(kw, "source")) {
			for (i = 0; i < N_SOURCES && !arg_is(v, metrics_sources[i].name); i++)
				;
			if (i == N_SOURCES)
				return sgwctl_usage_error(ctl, "metrics: unknown source '%s' "
							  "(ikud, module)", v);
			chosen[i] = any = true;
		} else {
			return sgwctl_usage_error(ctl, "metrics: unknown argument '%s' "
						  "(try 'sgwctl metrics help')", kw);
		}
	}
	for (i = 0; i < N_SOURCES && !any; i++)
		chosen[i] = true;
	if (output)
		return metrics_to_file(&run, chosen, output);
	ret = metrics_write(&run, chosen, stdout);
	if (ret || fflush(stdout)) {
		sgwctl_error(ctl, "metrics: %s", strerror(ret && ret != -EIO ? -ret : errno));
		return SGWCTL_EXIT_FAIL;
	}
	return SGWCTL_EXIT_OK;
}

const struct sgwctl_object sgwctl_metrics = {
	.name = "metrics",
	.summary = "ikud and the module in Prometheus' text format",
	.run = metrics_run,
	.usage = metrics_usage,
};
