// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket (protocol in Documentation/ikud.md, "Control socket"):
 * a Unix stream socket; a client sends one JSON object, ikud answers with one
 * JSON object and closes. Requests ("command" and its fields):
 *
 *   sa-show                        every IKE SA with its CHILD_SAs
 *   sa-terminate  selector, value  all | id | peer | gateway | remote-id | spi
 *   sa-rekey      selector, value  ike (an id) | child (an inbound SPI)
 *   stats                          counters and gauges
 *   metrics                        SAs by gateway and state, peers up and down
 *   reload                         as SIGHUP
 *   test-collision  bias           win | lose | random (a test aid)
 *
 * The answer is the result, {"ok":true} for an action, or {"error":"..."}.
 *
 * Served by the main thread, one client at a time: a request must arrive
 * within CONTROL_READ_MS and the answer be taken within CONTROL_WRITE_MS, so
 * that no client holds the thread. Reading a shard's SAs takes that shard's
 * lock for the time of the copy; changes go to the shard's inbox.
 */
#include "ikud.h"
#include "log.h"
#include "rri.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <json-c/json.h>

#define CONTROL_READ_MS		2000
#define CONTROL_WRITE_MS	10000
#define CONTROL_JSON_DEPTH	4	/* a request is one flat object */
#define CONTROL_JSON_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* --- requests --------------------------------------------------------------------- */

struct control_command_spec {
	const char *name;
	enum control_command command;
	const char *const keys[3];	/* the fields it takes besides "command" */
};

static const struct control_command_spec control_commands[] = {
	{ "sa-show", CONTROL_SA_SHOW, { NULL } },
	{ "sa-terminate", CONTROL_SA_TERMINATE, { "selector", "value", NULL } },
	{ "sa-rekey", CONTROL_SA_REKEY, { "selector", "value", NULL } },
	{ "stats", CONTROL_STATS, { NULL } },
	{ "metrics", CONTROL_METRICS, { NULL } },
	{ "reload", CONTROL_RELOAD, { NULL } },
	{ "test-collision", CONTROL_TEST_COLLISION, { "bias", NULL } },
};

#define N_CONTROL_COMMANDS (sizeof(control_commands) / sizeof(control_commands[0]))

/* How the value of a selector must look. */
enum control_value {
	CONTROL_VALUE_NONE,	/* "all": no value */
	CONTROL_VALUE_DECIMAL,	/* an SA id */
	CONTROL_VALUE_HEX32,	/* a CHILD_SA's SPI */
	CONTROL_VALUE_HEX64,	/* an IKE SPI */
	CONTROL_VALUE_TEXT,	/* an address, a gateway name, an identity */
};

struct control_selector_spec {
	const char *name;
	enum control_value value;
};

static const struct control_selector_spec control_terminate_selectors[] = {
	{ "all", CONTROL_VALUE_NONE },
	{ "id", CONTROL_VALUE_DECIMAL },
	{ "peer", CONTROL_VALUE_TEXT },
	{ "gateway", CONTROL_VALUE_TEXT },
	{ "remote-id", CONTROL_VALUE_TEXT },
	{ "spi", CONTROL_VALUE_HEX64 },
	{ NULL, CONTROL_VALUE_NONE },
};

static const struct control_selector_spec control_rekey_selectors[] = {
	{ "ike", CONTROL_VALUE_DECIMAL },
	{ "child", CONTROL_VALUE_HEX32 },
	{ NULL, CONTROL_VALUE_NONE },
};

/* Indexed by enum collision_bias. */
static const char *const control_bias_names[] = { "random", "win", "lose" };

static int control_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int control_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Every key of the request is "command" or one the command takes: a typo
 * is an error, not a field silently ignored. */
static int control_check_keys(struct json_object *o, const struct control_command_spec *spec,
			      char *err, size_t errlen)
{
	json_object_object_foreach(o, key, val) {
		const char *const *k;

		(void)val;
		if (!strcmp(key, "command"))
			continue;
		for (k = spec->keys; *k && strcmp(*k, key); k++)
			;
		if (!*k)
			return control_fail(err, errlen, "%s: unknown field '%s'", spec->name, key);
	}
	return 0;
}

/* The string field KEY: NULL if absent; -1 if it is not a string of
 * printable characters shorter than max. */
static int control_get_string(struct json_object *o, const char *key, size_t max,
			      const char **out, char *err, size_t errlen)
{
	struct json_object *v;
	const char *s;
	size_t len, i;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return control_fail(err, errlen, "'%s' must be a string", key);
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (!len || len >= max)
		return control_fail(err, errlen, "'%s' must have 1 to %zu characters", key,
				    max - 1);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return control_fail(err, errlen, "'%s' holds a control character", key);
	*out = s;
	return 0;
}

/* 1 to max digits of base 10 or 16 (hex may start with 0x), within 64 bits. */
static bool control_is_number(const char *s, int base, size_t max)
{
	size_t n;

	if (base == 16 && (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)))
		s += 2;
	n = strspn(s, base == 16 ? "0123456789abcdefABCDEF" : "0123456789");
	if (!n || n > max || s[n])
		return false;
	errno = 0;
	strtoull(s, NULL, base);
	return errno != ERANGE;
}

static int control_check_value(const char *selector, enum control_value kind,
			       const char *value, char *err, size_t errlen)
{
	bool hex = kind == CONTROL_VALUE_HEX32 || kind == CONTROL_VALUE_HEX64;

	if (kind == CONTROL_VALUE_NONE && value)
		return control_fail(err, errlen, "selector '%s' takes no value", selector);
	if (kind == CONTROL_VALUE_NONE)
		return 0;
	if (!value)
		return control_fail(err, errlen, "selector '%s' needs a value", selector);
	if (kind == CONTROL_VALUE_DECIMAL && !control_is_number(value, 10, 20))
		return control_fail(err, errlen, "selector '%s': bad value '%s' (a decimal number)",
				    selector, value);
	if (hex && !control_is_number(value, 16, kind == CONTROL_VALUE_HEX32 ? 8 : 16))
		return control_fail(err, errlen, "selector '%s': bad value '%s' (a hexadecimal "
				    "number of up to %d digits)", selector, value,
				    kind == CONTROL_VALUE_HEX32 ? 8 : 16);
	return 0;
}

/* "selector" and "value" of sa-terminate and sa-rekey. */
static int control_parse_selector(struct json_object *o, const struct control_selector_spec *specs,
				  struct control_request *req, char *err, size_t errlen)
{
	const struct control_selector_spec *spec;
	const char *selector, *value;

	if (control_get_string(o, "selector", sizeof(req->selector), &selector, err, errlen) ||
	    control_get_string(o, "value", sizeof(req->value), &value, err, errlen))
		return -1;
	if (!selector)
		return control_fail(err, errlen, "'selector' is missing");
	for (spec = specs; spec->name && strcmp(spec->name, selector); spec++)
		;
	if (!spec->name)
		return control_fail(err, errlen, "unknown selector '%s'", selector);
	if (control_check_value(selector, spec->value, value, err, errlen))
		return -1;
	snprintf(req->selector, sizeof(req->selector), "%s", selector);
	/* canonical decimal: the shards read ids with strtoull(.., 0) */
	if (spec->value == CONTROL_VALUE_DECIMAL)
		snprintf(req->value, sizeof(req->value), "%llu", strtoull(value, NULL, 10));
	else
		snprintf(req->value, sizeof(req->value), "%s", value ? value : "");
	return 0;
}

static int control_parse_bias(struct json_object *o, struct control_request *req, char *err,
			      size_t errlen)
{
	const char *bias;
	size_t k;

	if (control_get_string(o, "bias", 16, &bias, err, errlen))
		return -1;
	if (!bias)
		return control_fail(err, errlen, "'bias' is missing");
	for (k = 0; k < sizeof(control_bias_names) / sizeof(control_bias_names[0]); k++) {
		if (!strcmp(bias, control_bias_names[k])) {
			req->bias = (enum collision_bias)k;
			return 0;
		}
	}
	return control_fail(err, errlen, "unknown bias '%s' (win, lose or random)", bias);
}

static const struct control_command_spec *control_find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_CONTROL_COMMANDS; i++)
		if (!strcmp(control_commands[i].name, name))
			return &control_commands[i];
	return NULL;
}

static int control_parse_object(struct json_object *o, struct control_request *req,
				char *err, size_t errlen)
{
	const struct control_command_spec *spec;
	const char *name;

	if (!json_object_is_type(o, json_type_object))
		return control_fail(err, errlen, "a request is a JSON object");
	if (control_get_string(o, "command", 32, &name, err, errlen))
		return -1;
	if (!name)
		return control_fail(err, errlen, "'command' is missing");
	spec = control_find_command(name);
	if (!spec)
		return control_fail(err, errlen, "unknown command '%s' (sa-show, sa-terminate, "
				    "sa-rekey, stats, metrics, reload)", name);
	if (control_check_keys(o, spec, err, errlen))
		return -1;
	req->command = spec->command;
	switch (spec->command) {
	case CONTROL_SA_TERMINATE:
		return control_parse_selector(o, control_terminate_selectors, req, err, errlen);
	case CONTROL_SA_REKEY:
		return control_parse_selector(o, control_rekey_selectors, req, err, errlen);
	case CONTROL_TEST_COLLISION:
		return control_parse_bias(o, req, err, errlen);
	default:
		return 0;
	}
}

enum control_parse control_request_parse(const char *buf, size_t len,
					 struct control_request *req, char *err,
					 size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *o;
	enum json_tokener_error jerr;
	int ret;

	memset(req, 0, sizeof(*req));
	if (len > CONTROL_REQUEST_MAX) {
		control_fail(err, errlen, "request larger than %d bytes", CONTROL_REQUEST_MAX);
		return CONTROL_PARSE_ERROR;
	}
	tok = json_tokener_new_ex(CONTROL_JSON_DEPTH);
	if (!tok) {
		control_fail(err, errlen, "out of memory");
		return CONTROL_PARSE_ERROR;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue)
		return CONTROL_PARSE_MORE;
	if (jerr != json_tokener_success) {
		control_fail(err, errlen, "not JSON: %s", json_tokener_error_desc(jerr));
		return CONTROL_PARSE_ERROR;
	}
	ret = control_parse_object(o, req, err, errlen);
	json_object_put(o);
	return ret ? CONTROL_PARSE_ERROR : CONTROL_PARSE_OK;
}

/* --- answers ------------------------------------------------------------------------ */

static void control_add_string(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

static void control_add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static void control_add_hex(struct json_object *o, const char *key, uint64_t v, int digits)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%0*llx", digits, (unsigned long long)v);
	control_add_string(o, key, buf);
}

static void control_add_addr(struct json_object *o, const char *key,
			     const struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN];
	size_t alen;

	if (!inet_ntop(ss->ss_family, sgw_sockaddr_bytes(ss, &alen), buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	control_add_string(o, key, buf);
}

static void control_add_suite(struct json_object *o, const char *key,
			      const struct ike_suite *suite)
{
	char buf[128];

	ike_suite_to_string(suite, buf, sizeof(buf));
	control_add_string(o, key, buf);
}

static void control_add_ts(struct json_object *o, const char *key, const struct ike_ts *ts,
			   unsigned int n)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < n; i++) {
		char buf[96];

		child_ts_range_str(&ts[i], buf, sizeof(buf));
		json_object_array_add(a, json_object_new_string(buf));
	}
	json_object_object_add(o, key, a);
}

/* Whole seconds from a time in ms to now; 0 for a time not reached yet. */
static uint64_t control_age(uint64_t since_ms, uint64_t now_ms)
{
	return since_ms ? (now_ms - since_ms) / 1000 : 0;
}

/* RRI of a CHILD_SA: its tunnel's routes in the VRF, or why there are none. */
static const char *control_route_state(const struct child_sa *c)
{
	if (!c->ike || !c->ike->gw->c->xfrm_if[0])
		return "none";
	if (!c->routed)
		return "pending";
	return rri_child_routes(c) ? "installed" : "failed";
}

static const char *const control_child_states[] = { "installed", "rekeying", "rekeyed" };
#define CONTROL_CHILD_STATES	(sizeof(control_child_states) / sizeof(control_child_states[0]))

static unsigned int control_child_state_index(const struct child_sa *c)
{
	return c->rekeyed ? 2 : c->rekeying ? 1 : 0;
}

static const char *control_child_state(const struct child_sa *c)
{
	return control_child_states[control_child_state_index(c)];
}

static struct json_object *control_child_json(const struct child_sa *c, uint64_t now)
{
	struct json_object *o = json_object_new_object();

	control_add_hex(o, "spi_in", c->spi_in, 8);
	control_add_hex(o, "spi_out", c->spi_out, 8);
	control_add_u64(o, "reqid", c->reqid);
	control_add_suite(o, "proposal", &c->suite);
	control_add_u64(o, "age", control_age(c->created_ms, now));
	control_add_string(o, "state", control_child_state(c));
	control_add_ts(o, "local_ts", c->ts_local, c->n_local);
	control_add_ts(o, "remote_ts", c->ts_remote, c->n_remote);
	control_add_string(o, "route", control_route_state(c));
	control_add_u64(o, "routes", rri_child_routes(c));
	return o;
}

static struct json_object *control_sa_json(const struct ike_sa *sa, uint64_t now)
{
	struct json_object *o = json_object_new_object(), *children = json_object_new_array();
	const struct child_sa *c;
	char id[300] = "";

	if (sa->peer_id_set)
		ike_id_to_string(&sa->peer_id, id, sizeof(id));
	control_add_u64(o, "id", sa->uid);
	control_add_string(o, "gateway", sa->gw_name);
	control_add_string(o, "vrf", sa->gw->c->vrf);
	control_add_u64(o, "if_id", sa->gw->c->if_id);
	control_add_string(o, "state", sa_state_name(sa->state));
	control_add_string(o, "role", sa->initiator ? "initiator" : "responder");
	control_add_addr(o, "local", &sa->local);
	control_add_u64(o, "local_port", sgw_sockaddr_port(&sa->local));
	control_add_addr(o, "remote", &sa->peer);
	control_add_u64(o, "remote_port", sgw_sockaddr_port(&sa->peer));
	control_add_string(o, "remote_id", id);
	control_add_hex(o, "spi_i", sa->spi_i, 16);
	control_add_hex(o, "spi_r", sa->spi_r, 16);
	control_add_suite(o, "proposal", &sa->suite);
	json_object_object_add(o, "nat", json_object_new_boolean(sa->nat_peer || sa->nat_local));
	control_add_u64(o, "age", control_age(sa->created_ms, now));
	control_add_u64(o, "established", control_age(sa->established_ms, now));
	for (c = sa->children; c; c = c->next)
		json_object_array_add(children, control_child_json(c, now));
	json_object_object_add(o, "children", children);
	return o;
}

/* Serialize O into the answer and release it. */
static void control_put(FILE *out, struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, CONTROL_JSON_FLAGS);

	fputs(s ? s : "null", out);
	json_object_put(o);
}

static void control_put_error(FILE *out, const char *msg)
{
	struct json_object *o = json_object_new_object();

	control_add_string(o, "error", msg);
	control_put(out, o);
}

static void control_put_ok(FILE *out)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(true));
	control_put(out, o);
}

/*
 * {"sas":[...]}: each SA is built and serialized on its own, so that with
 * 100,000 tunnels ikud holds the text of the answer, never a json-c tree
 * of all of them.
 */
static void control_sa_show(struct daemon *d, FILE *out)
{
	uint64_t now = sgw_now_ms();
	bool first = true;
	unsigned int i;

	fputs("{\"sas\":[", out);
	for (i = 0; i < d->n_shards; i++) {
		struct shard *s = d->shards[i];
		const struct ike_sa *sa;

		pthread_mutex_lock(&s->lock);
		for (sa = s->sas; sa; sa = sa->next) {
			if (!first)
				fputc(',', out);
			first = false;
			control_put(out, control_sa_json(sa, now));
		}
		pthread_mutex_unlock(&s->lock);
	}
	fputs("]}", out);
}

/* The 64-bit counters of struct shard_stats, in the order stats shows them. */
struct control_counter {
	const char *name;
	size_t offset;
};

#define CONTROL_COUNTER(f) { #f, offsetof(struct shard_stats, f) }
static const struct control_counter control_counters[] = {
	CONTROL_COUNTER(ike_established), CONTROL_COUNTER(child_installed),
	CONTROL_COUNTER(child_deleted), CONTROL_COUNTER(ike_rekeys),
	CONTROL_COUNTER(child_rekeys), CONTROL_COUNTER(dpd_probes),
	CONTROL_COUNTER(rx_packets), CONTROL_COUNTER(tx_packets),
	CONTROL_COUNTER(rx_dropped), CONTROL_COUNTER(rx_invalid),
	CONTROL_COUNTER(retransmits), CONTROL_COUNTER(cached_replies),
	CONTROL_COUNTER(forwarded), CONTROL_COUNTER(cookies_sent),
	CONTROL_COUNTER(answered_ahead), CONTROL_COUNTER(init_backlog_dropped),
};
#undef CONTROL_COUNTER

#define N_CONTROL_COUNTERS (sizeof(control_counters) / sizeof(control_counters[0]))

static uint64_t *control_counter(struct shard_stats *st, size_t k)
{
	return (uint64_t *)((char *)st + control_counters[k].offset);
}

static void control_sum_stats(struct shard_stats *st, struct shard_stats *t)
{
	size_t k;

	for (k = 0; k < N_CONTROL_COUNTERS; k++)
		*control_counter(t, k) += *control_counter(st, k);
	t->half_open += st->half_open;
	t->init_backlog += st->init_backlog;
	t->ike_sas += st->ike_sas;
	t->child_sas += st->child_sas;
	for (k = 0; k < FAIL_MAX; k++)
		t->failures[k] += st->failures[k];
}

/* Add a shard's setups of the last SETUP_RING complete seconds to per_sec. */
static void control_sum_setups(const struct shard_stats *st, uint64_t now_sec,
			       uint64_t per_sec[SETUP_RING])
{
	unsigned int k;

	for (k = 0; k < SETUP_RING; k++) {
		uint64_t sec = st->setup_sec[k];

		if (sec && sec + SETUP_RING > now_sec && sec < now_sec)
			per_sec[sec % SETUP_RING] += st->setups[k];
	}
}

/* setups_per_second (mean of the last ten complete seconds) and its peak. */
static void control_add_setup_rate(struct json_object *o, const uint64_t per_sec[SETUP_RING],
				   uint64_t now_sec)
{
	uint64_t last10 = 0, peak = 0;
	unsigned int k;
	char rate[32];

	for (k = 1; k <= 10; k++)
		last10 += per_sec[(now_sec - k) % SETUP_RING];
	for (k = 0; k < SETUP_RING; k++)
		if (per_sec[k] > peak)
			peak = per_sec[k];
	snprintf(rate, sizeof(rate), "%.1f", last10 / 10.0);
	json_object_object_add(o, "setups_per_second",
			       json_object_new_double_s(last10 / 10.0, rate));
	control_add_u64(o, "setups_per_second_peak", peak);
}

static void control_add_counters(struct json_object *o, struct shard_stats *t)
{
	size_t k;

	for (k = 0; k < N_CONTROL_COUNTERS; k++)
		control_add_u64(o, control_counters[k].name, *control_counter(t, k));
}

static struct json_object *control_failures_json(const struct shard_stats *t)
{
	struct json_object *o = json_object_new_object();
	unsigned int k;

	for (k = 0; k < FAIL_MAX; k++)
		control_add_u64(o, fail_reason_names[k], t->failures[k]);
	return o;
}

/* RRI routes in the kernel, per gateway. */
static struct json_object *control_routes_json(const struct daemon *d)
{
	struct json_object *o = json_object_new_object();
	size_t k;

	for (k = 0; k < d->conf->c.n_gateways; k++)
		control_add_u64(o, d->conf->c.gateways[k].name,
				rri_count(d->conf->c.gateways[k].name));
	return o;
}

static struct json_object *control_stats_json(struct daemon *d)
{
	struct json_object *o = json_object_new_object();
	uint64_t now_sec = sgw_now_ms() / 1000;
	uint64_t per_sec[SETUP_RING] = { 0 };
	uint64_t inbox_dropped = 0;
	struct shard_stats t;
	unsigned int i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < d->n_shards; i++) {
		struct shard *s = d->shards[i];

		pthread_mutex_lock(&s->lock);
		control_sum_stats(&s->st, &t);
		control_sum_setups(&s->st, now_sec, per_sec);
		pthread_mutex_unlock(&s->lock);
		inbox_dropped += atomic_load(&s->inbox_dropped);
	}
	control_add_u64(o, "workers", d->n_shards);
	control_add_u64(o, "uptime", (sgw_now_ms() - d->start_ms) / 1000);
	control_add_u64(o, "ike_sas", t.ike_sas);
	control_add_u64(o, "half_open", t.half_open);
	control_add_u64(o, "init_backlog", t.init_backlog);
	control_add_u64(o, "child_sas", t.child_sas);
	control_add_setup_rate(o, per_sec, now_sec);
	control_add_counters(o, &t);
	control_add_u64(o, "inbox_dropped", inbox_dropped);
	json_object_object_add(o, "failures", control_failures_json(&t));
	json_object_object_add(o, "routes", control_routes_json(d));
	return o;
}

/*
 * metrics: what the exposition of sgwctl metrics needs beyond stats.
 *   {"start_time", "gateways":[{"gateway","vrf","ike_sas":{STATE:N...},"child_sas":{STATE:N...},
 *                 "routes"}...],
 *    "peer_table":{"peers","forgettable","history","forgotten"},
 *    "peers":[{"gateway","peer","configured","up","ike_sas","changed"}...]}
 * Every state is listed, 0 included, so that a series never vanishes. The
 * SAs are counted under each worker's lock (no allocation); the peers are
 * serialized one at a time, like sa-show's SAs.
 */
#define CONTROL_IKE_STATES	(SA_DELETING + 1)

struct control_gw_count {
	uint64_t ike[CONTROL_IKE_STATES];
	uint64_t child[CONTROL_CHILD_STATES];
};

/* Index of the SA's gateway in the running configuration; -1 if none. */
static long control_gw_index(const struct daemon *d, const struct ike_sa *sa)
{
	const struct ikud_conf *conf = d->conf;
	size_t k;

	if (sa->gw >= conf->gws && sa->gw < conf->gws + conf->c.n_gateways)
		return sa->gw - conf->gws;
	for (k = 0; k < conf->c.n_gateways; k++)
		if (!strcmp(conf->c.gateways[k].name, sa->gw_name))
			return (long)k;
	return -1;
}

static void control_count_sas(struct daemon *d, struct control_gw_count *count)
{
	unsigned int i;

	for (i = 0; i < d->n_shards; i++) {
		struct shard *s = d->shards[i];
		const struct ike_sa *sa;

		pthread_mutex_lock(&s->lock);
		for (sa = s->sas; sa; sa = sa->next) {
			long g = control_gw_index(d, sa);
			const struct child_sa *c;

			if (g < 0 || sa->state >= CONTROL_IKE_STATES)
				continue;
			count[g].ike[sa->state]++;
			for (c = sa->children; c; c = c->next)
				count[g].child[control_child_state_index(c)]++;
		}
		pthread_mutex_unlock(&s->lock);
	}
}

static struct json_object *control_gateways_json(struct daemon *d)
{
	size_t n = d->conf->c.n_gateways, g, k;
	struct control_gw_count *count = calloc(n ? n : 1, sizeof(*count));
	struct json_object *a = json_object_new_array();

	if (!count)
		return a;
	control_count_sas(d, count);
	for (g = 0; g < n; g++) {
		const struct ike_conf_gateway *gw = &d->conf->c.gateways[g];
		struct json_object *o = json_object_new_object();
		struct json_object *ike = json_object_new_object();
		struct json_object *child = json_object_new_object();

		control_add_string(o, "gateway", gw->name);
		control_add_string(o, "vrf", gw->vrf);
		for (k = 0; k < CONTROL_IKE_STATES; k++)
			control_add_u64(ike, sa_state_name((enum ike_sa_state)k), count[g].ike[k]);
		for (k = 0; k < CONTROL_CHILD_STATES; k++)
			control_add_u64(child, control_child_states[k], count[g].child[k]);
		json_object_object_add(o, "ike_sas", ike);
		json_object_object_add(o, "child_sas", child);
		control_add_u64(o, "routes", rri_count(gw->name));
		json_object_array_add(a, o);
	}
	free(count);
	return a;
}

static struct json_object *control_peer_table_json(void)
{
	struct json_object *o = json_object_new_object();
	struct peers_stats st;

	peers_get_stats(&st);
	control_add_u64(o, "peers", st.entries);
	control_add_u64(o, "forgettable", st.forgettable);
	control_add_u64(o, "history", st.history);
	control_add_u64(o, "forgotten", st.forgotten);
	return o;
}

struct control_peers_out {
	FILE *out;
	bool first;
};

static void control_put_peer(const struct peers_view *v, void *arg)
{
	struct control_peers_out *po = arg;
	struct json_object *o = json_object_new_object();
	char id[300];

	ike_id_to_string(v->id, id, sizeof(id));
	control_add_string(o, "gateway", v->gateway);
	control_add_string(o, "peer", id);
	json_object_object_add(o, "configured", json_object_new_boolean(v->configured));
	json_object_object_add(o, "up", json_object_new_boolean(v->ike_sas > 0));
	control_add_u64(o, "ike_sas", v->ike_sas);
	control_add_u64(o, "changed", v->changed > 0 ? (uint64_t)v->changed : 0);
	if (!po->first)
		fputc(',', po->out);
	po->first = false;
	control_put(po->out, o);
}

static void control_metrics(struct daemon *d, FILE *out)
{
	struct control_peers_out po = { .out = out, .first = true };

	fprintf(out, "{\"start_time\":%lld,\"gateways\":", (long long)d->start_time);
	control_put(out, control_gateways_json(d));
	fputs(",\"peer_table\":", out);
	control_put(out, control_peer_table_json());
	fputs(",\"peers\":[", out);
	peers_walk(control_put_peer, &po);
	fputs("]}", out);
}

/* --- commands ----------------------------------------------------------------------- */

/* Every shard applies the selector to the SAs it owns. */
static void control_post_selector(struct daemon *d, enum inbox_kind kind,
				  const struct control_request *req)
{
	unsigned int i;

	for (i = 0; i < d->n_shards; i++) {
		struct inbox_msg *m = calloc(1, sizeof(*m));

		if (!m)
			continue;
		m->kind = kind;
		snprintf(m->sel_kind, sizeof(m->sel_kind), "%s", req->selector);
		snprintf(m->sel_value, sizeof(m->sel_value), "%s", req->value);
		inbox_post(d->shards[i], m);
	}
}

/* Test aid: bias who wins the next rekey collisions (see ikud.h). */
static void control_set_collision_bias(struct daemon *d, enum collision_bias bias)
{
	atomic_store(&d->collision_bias, bias);
	log_warn("test aid: rekey collisions %s%s", bias ? "biased to " : "",
		 control_bias_names[bias]);
}

static void control_execute(struct daemon *d, const struct control_request *req, FILE *out)
{
	switch (req->command) {
	case CONTROL_SA_SHOW:
		control_sa_show(d, out);
		return;
	case CONTROL_STATS:
		control_put(out, control_stats_json(d));
		return;
	case CONTROL_METRICS:
		control_metrics(d, out);
		return;
	case CONTROL_SA_TERMINATE:
		control_post_selector(d, INBOX_TERMINATE, req);
		break;
	case CONTROL_SA_REKEY:
		control_post_selector(d, INBOX_REKEY, req);
		break;
	case CONTROL_RELOAD:
		kill(getpid(), SIGHUP);
		break;
	case CONTROL_TEST_COLLISION:
		control_set_collision_bias(d, req->bias);
		break;
	}
	control_put_ok(out);
}

/* --- the socket --------------------------------------------------------------------- */

/*
 * The socket's directory: systemd creates /run/ikud (RuntimeDirectory=);
 * without systemd, ikud makes it (one level, mode 0755) after a reboot.
 */
static void control_make_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = 0;
	if (mkdir(dir, 0755) && errno != EEXIST)
		log_warn("cannot create %s: %s", dir, strerror(errno));
}

int control_open(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;
	mode_t old;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	control_make_dir(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	old = umask(0077);		/* root only: it can tear tunnels down */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || listen(fd, 16)) {
		int e = errno;

		umask(old);
		close(fd);
		errno = e;
		return -1;
	}
	umask(old);
	return fd;
}

/* Wait until FD is ready for EVENTS; false once the deadline has passed. */
static bool control_wait(int fd, short events, uint64_t deadline_ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		uint64_t now = sgw_now_ms();
		int n;

		if (now >= deadline_ms)
			return false;
		n = poll(&p, 1, (int)(deadline_ms - now));
		if (n > 0)
			return true;
		if (n < 0 && errno != EINTR)
			return false;
	}
}

/* Read until the request is complete or wrong; a client that is too slow
 * gets an error. */
static enum control_parse control_read_request(int fd, struct control_request *req,
					       char *err, size_t errlen)
{
	char buf[CONTROL_REQUEST_MAX + 1];	/* one more: "too large" is seen */
	uint64_t deadline = sgw_now_ms() + CONTROL_READ_MS;
	size_t len = 0;

	for (;;) {
		enum control_parse r;
		ssize_t n;

		if (!control_wait(fd, POLLIN, deadline)) {
			control_fail(err, errlen, "no complete request within %d ms",
				     CONTROL_READ_MS);
			return CONTROL_PARSE_ERROR;
		}
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			control_fail(err, errlen, "%s", n < 0 ? strerror(errno) :
				     len ? "incomplete request" : "empty request");
			return CONTROL_PARSE_ERROR;
		}
		len += (size_t)n;
		r = control_request_parse(buf, len, req, err, errlen);
		if (r != CONTROL_PARSE_MORE)
			return r;
	}
}

static void control_write(int fd, const char *text, size_t len)
{
	uint64_t deadline = sgw_now_ms() + CONTROL_WRITE_MS;
	size_t off = 0;

	while (off < len) {
		ssize_t n;

		if (!control_wait(fd, POLLOUT, deadline)) {
			log_info("control: the client did not take the answer within %d ms",
				 CONTROL_WRITE_MS);
			return;
		}
		n = send(fd, text + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

/* Unread bytes make close() reset the connection, and the client would
 * lose the answer: drop what it sent beyond the request (a bounded amount). */
static void control_drain(int fd)
{
	char buf[4096];
	int i;

	for (i = 0; i < 64; i++)
		if (read(fd, buf, sizeof(buf)) <= 0)
			return;
}

void control_serve_client(struct daemon *d, int fd)
{
	static const char oom[] = "{\"error\":\"out of memory\"}\n";
	struct control_request req;
	char err[256], *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out) {
		control_write(fd, oom, sizeof(oom) - 1);
		return;
	}
	if (control_read_request(fd, &req, err, sizeof(err)) == CONTROL_PARSE_OK) {
		control_execute(d, &req, out);
	} else {
		log_info("control: request refused: %s", err);
		control_put_error(out, err);
	}
	fputc('\n', out);
	if (fclose(out) || !text)
		control_write(fd, oom, sizeof(oom) - 1);
	else
		control_write(fd, text, len);
	free(text);
	control_drain(fd);
}

void control_serve(struct daemon *d, int listen_fd)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	control_serve_client(d, fd);
	close(fd);
}
