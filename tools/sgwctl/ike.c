// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl ike: talk to ikud's control socket.
 *
 *   sgwctl [-j] ike [socket PATH] sa show
 *   sgwctl ike [socket PATH] sa terminate { all | id N | peer ADDR |
 *                                           gateway NAME | remote-id ID | spi HEX }
 *   sgwctl ike [socket PATH] sa rekey { ike ID | child SPI_IN }
 *   sgwctl [-j] ike [socket PATH] stats
 *   sgwctl ike [socket PATH] reload
 *   sgwctl ike [socket PATH] test collision { win | lose | random }
 *
 * The socket is /run/ikud/ikud.sock unless given (or $IKUD_SOCKET). Requests go
 * through ikud_client.c; the answer is printed through output.c, as text or,
 * with -j, as JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <json-c/json.h>

#include "args.h"
#include "ikud_client.h"
#include "output.h"
#include "sgwctl.h"

static void ike_usage(FILE *f)
{
	fprintf(f,
		"Usage: sgwctl [-j] ike [socket PATH] sa show\n"
		"       sgwctl ike [socket PATH] sa terminate { all | id N | peer ADDR |\n"
		"                  gateway NAME | remote-id ID | spi HEX }\n"
		"       sgwctl ike [socket PATH] sa rekey { ike ID | child SPI_IN }\n"
		"       sgwctl [-j] ike [socket PATH] stats\n"
		"       sgwctl ike [socket PATH] reload\n"
		"       sgwctl ike [socket PATH] test collision { win | lose | random }\n");
}

/* --- answers ---------------------------------------------------------------------- */

/* A request whose answer is {"ok":true}: nothing to print. */
static int ike_action(const struct sgwctl *ctl, const char *path, const char *what,
		      struct json_object *req)
{
	struct json_object *answer;
	int ret = ikud_call(ctl, path, what, req, &answer);

	json_object_put(answer);
	return ret;
}

/* A field of the answer and the JSON type it must have. */
struct ike_field {
	const char *key;
	enum json_type type;
};

static const struct ike_field ike_sa_fields[] = {
	{ "id", json_type_int }, { "gateway", json_type_string },
	{ "vrf", json_type_string }, { "if_id", json_type_int },
	{ "state", json_type_string }, { "role", json_type_string },
	{ "local", json_type_string }, { "local_port", json_type_int },
	{ "remote", json_type_string }, { "remote_port", json_type_int },
	{ "remote_id", json_type_string }, { "spi_i", json_type_string },
	{ "spi_r", json_type_string }, { "proposal", json_type_string },
	{ "nat", json_type_boolean }, { "age", json_type_int },
	{ "established", json_type_int }, { "children", json_type_array },
	{ NULL, json_type_null },
};

static const struct ike_field ike_child_fields[] = {
	{ "spi_in", json_type_string }, { "spi_out", json_type_string },
	{ "reqid", json_type_int }, { "proposal", json_type_string },
	{ "age", json_type_int }, { "state", json_type_string },
	{ "local_ts", json_type_array }, { "remote_ts", json_type_array },
	{ "route", json_type_string }, { "routes", json_type_int },
	{ NULL, json_type_null },
};

static struct json_object *ike_get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

static const char *ike_str(struct json_object *o, const char *key)
{
	return json_object_get_string(ike_get(o, key));
}

static uint64_t ike_u64(struct json_object *o, const char *key)
{
	return json_object_get_uint64(ike_get(o, key));
}

/* True if every element of the array A has type T. */
static bool ike_array_of(struct json_object *a, enum json_type t)
{
	size_t i;

	for (i = 0; i < json_object_array_length(a); i++)
		if (!json_object_is_type(json_object_array_get_idx(a, i), t))
			return false;
	return true;
}

/* O is an object with FIELDS of their types; else the first wrong key. */
static const char *ike_check(struct json_object *o, const struct ike_field *fields)
{
	const struct ike_field *f;

	if (!json_object_is_type(o, json_type_object))
		return "(not an object)";
	for (f = fields; f->key; f++)
		if (!json_object_is_type(ike_get(o, f->key), f->type))
			return f->key;
	return NULL;
}

/* The answer to sa-show has the shape the printer reads; else NULL and the
 * wrong field in *bad. */
static struct json_object *ike_check_sas(struct json_object *answer, const char **bad)
{
	struct json_object *sas = ike_get(answer, "sas");
	size_t i, k;

	*bad = "sas";
	if (!json_object_is_type(sas, json_type_array))
		return NULL;
	for (i = 0; i < json_object_array_length(sas); i++) {
		struct json_object *sa = json_object_array_get_idx(sas, i), *children;

		*bad = ike_check(sa, ike_sa_fields);
		if (*bad)
			return NULL;
		children = ike_get(sa, "children");
		for (k = 0; k < json_object_array_length(children); k++) {
			struct json_object *c = json_object_array_get_idx(children, k);

			*bad = ike_check(c, ike_child_fields);
			if (!*bad && !(ike_array_of(ike_get(c, "local_ts"), json_type_string) &&
				       ike_array_of(ike_get(c, "remote_ts"), json_type_string)))
				*bad = "local_ts/remote_ts";
			if (*bad)
				return NULL;
		}
	}
	return sas;
}

/* JSON: an array of strings; text: them joined by commas. */
static void ike_print_ts(struct json_object *c, const char *key)
{
	struct json_object *a = ike_get(c, key);
	char text[1024] = "";
	size_t i, o = 0;

	open_json_array(key);
	for (i = 0; i < json_object_array_length(a); i++) {
		const char *ts = json_object_get_string(json_object_array_get_idx(a, i));

		print_string(PRINT_JSON, NULL, NULL, ts);
		if (o < sizeof(text))
			o += (size_t)snprintf(text + o, sizeof(text) - o, "%s%s", i ? "," : "", ts);
	}
	close_json_array();
	print_string(PRINT_FP, NULL, NULL, text[0] ? text : "-");
}

/* "child SPI_i SPI_o reqid N PROPOSAL STATE LOCAL_TS === REMOTE_TS route R (N)" */
static void ike_print_child(struct json_object *c)
{
	print_nl(4);
	print_label("child");
	open_json_object(NULL);
	print_string(PRINT_JSON, "spi_in", NULL, ike_str(c, "spi_in"));
	print_textf("%s_i", ike_str(c, "spi_in"));
	print_string(PRINT_JSON, "spi_out", NULL, ike_str(c, "spi_out"));
	print_textf("%s_o", ike_str(c, "spi_out"));
	print_u64(PRINT_ANY, "reqid", "reqid", ike_u64(c, "reqid"));
	print_string(PRINT_ANY, "proposal", NULL, ike_str(c, "proposal"));
	print_u64(PRINT_JSON, "age", NULL, ike_u64(c, "age"));
	print_string(PRINT_ANY, "state", NULL, ike_str(c, "state"));
	ike_print_ts(c, "local_ts");
	print_label("===");
	ike_print_ts(c, "remote_ts");
	print_string(PRINT_ANY, "route", "route", ike_str(c, "route"));
	print_u64(PRINT_JSON, "routes", NULL, ike_u64(c, "routes"));
	print_textf("(%" PRIu64 ")", ike_u64(c, "routes"));
	close_json_object();
}

/* "ID: gateway GW vrf VRF STATE ROLE LOCAL[PORT] <=> REMOTE[PORT] REMOTE_ID" */
static void ike_print_sa_peers(struct json_object *sa)
{
	const char *vrf = ike_str(sa, "vrf"), *remote_id = ike_str(sa, "remote_id");

	print_u64(PRINT_JSON, "id", NULL, ike_u64(sa, "id"));
	print_textf("%" PRIu64 ":", ike_u64(sa, "id"));
	print_string(PRINT_ANY, "gateway", "gateway", ike_str(sa, "gateway"));
	print_string(PRINT_JSON, "vrf", NULL, vrf);
	print_string(PRINT_FP, NULL, "vrf", vrf[0] ? vrf : "default");
	print_u64(PRINT_JSON, "if_id", NULL, ike_u64(sa, "if_id"));
	print_string(PRINT_ANY, "state", NULL, ike_str(sa, "state"));
	print_string(PRINT_ANY, "role", NULL, ike_str(sa, "role"));
	print_string(PRINT_JSON, "local", NULL, ike_str(sa, "local"));
	print_u64(PRINT_JSON, "local_port", NULL, ike_u64(sa, "local_port"));
	print_textf("%s[%" PRIu64 "]", ike_str(sa, "local"), ike_u64(sa, "local_port"));
	print_label("<=>");
	print_string(PRINT_JSON, "remote", NULL, ike_str(sa, "remote"));
	print_u64(PRINT_JSON, "remote_port", NULL, ike_u64(sa, "remote_port"));
	print_textf("%s[%" PRIu64 "]", ike_str(sa, "remote"), ike_u64(sa, "remote_port"));
	print_string(PRINT_JSON, "remote_id", NULL, remote_id);
	print_string(PRINT_FP, NULL, NULL, remote_id[0] ? remote_id : "-");
}

/* "ike SPI_i SPI_r PROPOSAL age Ns [nat]" */
static void ike_print_sa_keys(struct json_object *sa)
{
	print_nl(4);
	print_label("ike");
	print_string(PRINT_JSON, "spi_i", NULL, ike_str(sa, "spi_i"));
	print_textf("%s_i", ike_str(sa, "spi_i"));
	print_string(PRINT_JSON, "spi_r", NULL, ike_str(sa, "spi_r"));
	print_textf("%s_r", ike_str(sa, "spi_r"));
	print_string(PRINT_ANY, "proposal", NULL, ike_str(sa, "proposal"));
	print_u64(PRINT_JSON, "age", NULL, ike_u64(sa, "age"));
	print_textf("age %" PRIu64 "s", ike_u64(sa, "age"));
	print_bool(PRINT_ANY, "nat", "nat", json_object_get_boolean(ike_get(sa, "nat")));
	print_u64(PRINT_JSON, "established", NULL, ike_u64(sa, "established"));
}

static void ike_print_sa(struct json_object *sa)
{
	struct json_object *children = ike_get(sa, "children");
	size_t k;

	open_json_object(NULL);
	ike_print_sa_peers(sa);
	ike_print_sa_keys(sa);
	open_json_array("children");
	for (k = 0; k < json_object_array_length(children); k++)
		ike_print_child(json_object_array_get_idx(children, k));
	close_json_array();
	close_json_object();
	print_nl(0);
}

static int ike_sa_show(const struct sgwctl *ctl, const char *path)
{
	struct json_object *answer, *sas;
	const char *bad;
	size_t i;
	int ret = ikud_call(ctl, path, "ike sa show", ikud_request("sa-show"), &answer);

	if (ret)
		return ret;
	sas = ike_check_sas(answer, &bad);
	if (!sas) {
		sgwctl_error(ctl, "ike sa show: malformed answer from ikud (field '%s')", bad);
		json_object_put(answer);
		return SGWCTL_EXIT_FAIL;
	}
	output_begin_object();
	open_json_array("sas");
	for (i = 0; i < json_object_array_length(sas); i++)
		ike_print_sa(json_object_array_get_idx(sas, i));
	close_json_array();
	output_end();
	json_object_put(answer);
	return SGWCTL_EXIT_OK;
}

/*
 * stats: counters as "name value" lines, those of an inner object (failures,
 * routes) as "outer.name value"; whatever counters ikud adds are shown.
 */
static void ike_print_counter(const char *key, const char *label, struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_int:
		print_u64(PRINT_ANY, key, label, json_object_get_uint64(v));
		break;
	case json_type_double:
		print_float(PRINT_ANY, key, label, json_object_get_double(v), 1);
		break;
	default:
		print_string(PRINT_ANY, key, label, json_object_get_string(v));
		break;
	}
	print_nl(0);
}

static void ike_print_counters(struct json_object *o, const char *prefix)
{
	json_object_object_foreach(o, key, v) {
		char label[128];

		snprintf(label, sizeof(label), "%s%s%s", prefix, prefix[0] ? "." : "", key);
		if (json_object_is_type(v, json_type_object) && !prefix[0]) {
			open_json_object(key);
			ike_print_counters(v, key);
			close_json_object();
		} else {
			ike_print_counter(key, label, v);
		}
	}
}

static int ike_stats(const struct sgwctl *ctl, const char *path)
{
	struct json_object *answer;
	int ret = ikud_call(ctl, path, "ike stats", ikud_request("stats"), &answer);

	if (ret)
		return ret;
	output_begin_object();
	ike_print_counters(answer, "");
	output_end();
	json_object_put(answer);
	return SGWCTL_EXIT_OK;
}

/* --- commands ----------------------------------------------------------------------- */

/* True if W is all digits of BASE (10 or 16), 1 to MAX of them. */
static bool all_digits(const char *w, int base, size_t max)
{
	size_t n = strspn(w, base == 16 ? "0123456789abcdefABCDEF" : "0123456789");

	return n && n <= max && !w[n];
}

/* sa rekey ike ID | child SPI_IN: checked here, so that a typing error is
 * a usage error before anything is sent. */
static int ike_rekey(const struct sgwctl *ctl, const char *path, struct args *a)
{
	const char *kind = args_next(a), *value = args_next(a);
	struct json_object *req;

	if (!kind || !value || args_more(a) ||
	    (!arg_is(kind, "ike") && !arg_is(kind, "child")))
		return sgwctl_usage_error(ctl, "ike sa rekey: expected 'ike ID' or 'child SPI_IN'");
	if (arg_is(kind, "ike") ? !all_digits(value, 10, 20) :
	    !all_digits(value + (strncmp(value, "0x", 2) ? 0 : 2), 16, 8))
		return sgwctl_usage_error(ctl, "ike sa rekey %s: bad %s '%s'", kind,
					  arg_is(kind, "ike") ? "id (a number from 'sa show')" :
					  "inbound SPI (hex)", value);
	req = ikud_request("sa-rekey");
	ikud_request_add(req, "selector", arg_is(kind, "ike") ? "ike" : "child");
	ikud_request_add(req, "value", value);
	return ike_action(ctl, path, "ike sa rekey", req);
}

/* sa terminate all | SELECTOR VALUE: ikud checks the value. */
static int ike_terminate(const struct sgwctl *ctl, const char *path, struct args *a)
{
	static const char *const selectors[] = { "all", "id", "peer", "gateway", "remote-id",
						 "spi", NULL };
	const char *selector = args_next(a), *value = args_next(a);
	struct json_object *req;
	int k;

	for (k = 0; selector && selectors[k]; k++)
		if (arg_is(selector, selectors[k]))
			break;
	if (!selector || !selectors[k])
		return sgwctl_usage_error(ctl, "ike sa terminate: what? (all, id N, peer ADDR, "
					  "gateway NAME, remote-id ID, spi HEX)");
	if (args_more(a) || (k == 0) != !value)
		return sgwctl_usage_error(ctl, "ike sa terminate: '%s' %s", selectors[k],
					  k == 0 ? "takes no value" : "takes one value");
	req = ikud_request("sa-terminate");
	ikud_request_add(req, "selector", selectors[k]);
	if (value)
		ikud_request_add(req, "value", value);
	return ike_action(ctl, path, "ike sa terminate", req);
}

/* test collision win|lose|random: the test aid of the rekey collision tests. */
static int ike_test(const struct sgwctl *ctl, const char *path, struct args *a)
{
	const char *what = args_next(a), *bias = args_next(a);
	struct json_object *req;

	if (!what || !arg_is(what, "collision") || !bias || args_more(a) ||
	    (!arg_is(bias, "win") && !arg_is(bias, "lose") && !arg_is(bias, "random")))
		return sgwctl_usage_error(ctl, "ike test: expected 'collision { win | lose | "
					  "random }'");
	req = ikud_request("test-collision");
	ikud_request_add(req, "bias", bias);
	return ike_action(ctl, path, "ike test collision", req);
}

static int ike_sa(const struct sgwctl *ctl, const char *path, struct args *a)
{
	const char *w = args_next(a);

	if (w && arg_is(w, "show")) {
		if (args_more(a))
			return sgwctl_usage_error(ctl, "ike sa show takes no argument");
		return ike_sa_show(ctl, path);
	}
	if (w && arg_is(w, "terminate"))
		return ike_terminate(ctl, path, a);
	if (w && arg_is(w, "rekey"))
		return ike_rekey(ctl, path, a);
	return sgwctl_usage_error(ctl, "ike sa: expected 'show', 'terminate' or 'rekey'");
}

static int ike_run(struct sgwctl *ctl, int argc, char **argv)
{
	struct args a = { .argc = argc, .argv = argv };
	const char *path = ikud_default_socket();
	const char *w;

	if (args_more(&a) && arg_is(args_peek(&a), "socket")) {
		args_next(&a);
		path = args_value(ctl, &a, "socket");
		if (!path)
			return SGWCTL_EXIT_USAGE;
	}
	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return sgwctl_usage_error(ctl, "socket path too long: %s", path);
	w = args_next(&a);
	if (!w)
		return sgwctl_usage_error(ctl, "ike: missing command (try 'sgwctl ike help')");
	if ((arg_is(w, "stats") || arg_is(w, "reload")) && args_more(&a))
		return sgwctl_usage_error(ctl, "ike %s takes no argument", w);
	if (arg_is(w, "stats"))
		return ike_stats(ctl, path);
	if (arg_is(w, "reload"))
		return ike_action(ctl, path, "ike reload", ikud_request("reload"));
	if (arg_is(w, "sa"))
		return ike_sa(ctl, path, &a);
	if (arg_is(w, "test"))
		return ike_test(ctl, path, &a);
	return sgwctl_usage_error(ctl, "ike: unknown command '%s'", w);
}

const struct sgwctl_object sgwctl_ike = {
	.name = "ike",
	.summary = "IKE SAs of ikud: show, terminate, rekey, stats",
	.run = ike_run,
	.usage = ike_usage,
};
