// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ikud's control socket (ikud/control.c): the request parser,
 * and a client served over a socket pair by a daemon without workers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>
#include <json-c/json.h>

#include "ikud.h"
#include "base/sgw_timer.h"

static enum control_parse parse(const char *text, struct control_request *req, char *err)
{
	err[0] = 0;
	return control_request_parse(text, strlen(text), req, err, 256);
}

static void assert_refused(const char *text, const char *why)
{
	struct control_request req;
	char err[256];

	if (parse(text, &req, err) != CONTROL_PARSE_ERROR)
		fail_msg("accepted: %s", text);
	if (!strstr(err, why))
		fail_msg("%s: error '%s' lacks '%s'", text, err, why);
}

static void test_commands(void **state)
{
	struct control_request req;
	char err[256];

	(void)state;
	assert_int_equal(parse("{\"command\":\"sa-show\"}", &req, err), CONTROL_PARSE_OK);
	assert_int_equal(req.command, CONTROL_SA_SHOW);
	assert_int_equal(parse(" {\"command\" : \"stats\"}\n", &req, err), CONTROL_PARSE_OK);
	assert_int_equal(req.command, CONTROL_STATS);
	assert_int_equal(parse("{\"command\":\"metrics\"}", &req, err), CONTROL_PARSE_OK);
	assert_int_equal(req.command, CONTROL_METRICS);
	assert_int_equal(parse("{\"command\":\"reload\"}", &req, err), CONTROL_PARSE_OK);
	assert_int_equal(req.command, CONTROL_RELOAD);
	assert_int_equal(parse("{\"command\":\"test-collision\",\"bias\":\"lose\"}", &req, err),
			 CONTROL_PARSE_OK);
	assert_int_equal(req.command, CONTROL_TEST_COLLISION);
	assert_int_equal(req.bias, BIAS_LOSE);
	assert_int_equal(parse("{\"bias\":\"random\",\"command\":\"test-collision\"}", &req, err),
			 CONTROL_PARSE_OK);
	assert_int_equal(req.bias, BIAS_NONE);
}

/* TEXT is accepted as the command CMD with this selector and value. */
static void assert_selected(const char *text, enum control_command cmd, const char *selector,
			    const char *value)
{
	struct control_request req;
	char err[256];

	if (parse(text, &req, err) != CONTROL_PARSE_OK)
		fail_msg("refused: %s (%s)", text, err);
	assert_int_equal(req.command, cmd);
	assert_string_equal(req.selector, selector);
	assert_string_equal(req.value, value);
}

static void test_selectors(void **state)
{
	(void)state;
	assert_selected("{\"command\":\"sa-terminate\",\"selector\":\"all\"}",
			CONTROL_SA_TERMINATE, "all", "");
	assert_selected("{\"command\":\"sa-terminate\",\"selector\":\"remote-id\","
			"\"value\":\"enb1.enb.example.net\"}",
			CONTROL_SA_TERMINATE, "remote-id", "enb1.enb.example.net");
	assert_selected("{\"command\":\"sa-terminate\",\"selector\":\"peer\","
			"\"value\":\"[2001:db8::2]:4500\"}",
			CONTROL_SA_TERMINATE, "peer", "[2001:db8::2]:4500");
	assert_selected("{\"command\":\"sa-terminate\",\"selector\":\"spi\","
			"\"value\":\"0x5300aabbccddeeff\"}",
			CONTROL_SA_TERMINATE, "spi", "0x5300aabbccddeeff");
	/* an id is passed on in canonical decimal: never read as octal */
	assert_selected("{\"command\":\"sa-terminate\",\"selector\":\"id\",\"value\":\"010\"}",
			CONTROL_SA_TERMINATE, "id", "10");
	assert_selected("{\"command\":\"sa-rekey\",\"selector\":\"child\",\"value\":\"c0ffee01\"}",
			CONTROL_SA_REKEY, "child", "c0ffee01");
	assert_selected("{\"command\":\"sa-rekey\",\"selector\":\"ike\",\"value\":\"7\"}",
			CONTROL_SA_REKEY, "ike", "7");
	assert_selected("{\"command\":\"sa-rekey\",\"selector\":\"ike\","
			"\"value\":\"18446744073709551615\"}",
			CONTROL_SA_REKEY, "ike", "18446744073709551615");
}

/* Every proper prefix of a request asks for more; the whole one is done. */
static void test_incomplete(void **state)
{
	static const char text[] =
		"{\"command\":\"sa-rekey\",\"selector\":\"ike\",\"value\":\"12\"}";
	struct control_request req;
	char err[256];
	size_t n;

	(void)state;
	for (n = 0; n < sizeof(text) - 1; n++)
		assert_int_equal(control_request_parse(text, n, &req, err, sizeof(err)),
				 CONTROL_PARSE_MORE);
	assert_int_equal(control_request_parse(text, n, &req, err, sizeof(err)), CONTROL_PARSE_OK);
}

static void test_malformed(void **state)
{
	(void)state;
	assert_refused("sa show\n", "not JSON");
	assert_refused("{\"command\":\"stats\"} x", "not JSON");
	assert_refused("{\"command\":\"stats\",}", "not JSON");
	assert_refused("{\"command\":\"stats\"}{}", "not JSON");
	assert_refused("{\"command\":\"st\xff\"}", "not JSON");
	assert_refused("{\"command\":\"stats\",\"x\":[[[[1]]]]}", "not JSON");
	assert_refused("[\"sa-show\"]", "a request is a JSON object");
	assert_refused("\"stats\"", "a request is a JSON object");
	assert_refused("{}", "'command' is missing");
	assert_refused("{\"command\":7}", "'command' must be a string");
	assert_refused("{\"command\":\"\"}", "'command' must have 1 to");
	assert_refused("{\"command\":\"sa show\"}", "unknown command 'sa show'");
	assert_refused("{\"command\":\"stats\",\"verbose\":true}", "unknown field 'verbose'");
	assert_refused("{\"command\":\"sa-show\",\"selector\":\"all\"}",
		       "unknown field 'selector'");
	assert_refused("{\"command\":\"metrics\",\"gateway\":\"s1\"}",
		       "unknown field 'gateway'");
	assert_refused("{\"command\":\"metrics\",\"peers\":true}", "unknown field 'peers'");
	assert_refused("{\"command\":\"Metrics\"}", "unknown command 'Metrics'");
}

static void test_bad_fields(void **state)
{
	char big[300];

	(void)state;
	assert_refused("{\"command\":\"sa-terminate\"}", "'selector' is missing");
	assert_refused("{\"command\":\"sa-terminate\",\"selector\":\"everything\"}",
		       "unknown selector 'everything'");
	assert_refused("{\"command\":\"sa-terminate\",\"selector\":\"all\",\"value\":\"x\"}",
		       "takes no value");
	assert_refused("{\"command\":\"sa-terminate\",\"selector\":\"gateway\"}", "needs a value");
	assert_refused("{\"command\":\"sa-terminate\",\"selector\":\"id\",\"value\":3}",
		       "'value' must be a string");
	assert_refused("{\"command\":\"sa-terminate\",\"selector\":\"id\",\"value\":\"0x3\"}",
		       "a decimal number");
	assert_refused("{\"command\":\"sa-terminate\",\"selector\":\"id\",\"value\":\"-1\"}",
		       "a decimal number");
	/* 20 digits, one more than 2^64 - 1 */
	assert_refused("{\"command\":\"sa-terminate\",\"selector\":\"id\","
		       "\"value\":\"18446744073709551616\"}", "a decimal number");
	assert_refused("{\"command\":\"sa-terminate\",\"selector\":\"spi\","
		       "\"value\":\"0x112233445566778899\"}", "a hexadecimal number");
	assert_refused("{\"command\":\"sa-rekey\",\"selector\":\"child\",\"value\":\"zz\"}",
		       "a hexadecimal number");
	assert_refused("{\"command\":\"sa-rekey\",\"selector\":\"child\",\"value\":\"123456789\"}",
		       "a hexadecimal number");
	assert_refused("{\"command\":\"sa-rekey\",\"selector\":\"all\"}", "unknown selector 'all'");
	assert_refused("{\"command\":\"sa-terminate\",\"selector\":\"remote-id\","
		       "\"value\":\"a\\u0000b\"}", "control character");
	assert_refused("{\"command\":\"sa-terminate\",\"selector\":\"remote-id\","
		       "\"value\":\"a\\nb\"}", "control character");
	snprintf(big, sizeof(big), "{\"command\":\"sa-terminate\",\"selector\":\"gateway\","
		 "\"value\":\"%0128d\"}", 0);
	assert_refused(big, "'value' must have 1 to 127 characters");
	assert_refused("{\"command\":\"test-collision\"}", "'bias' is missing");
	assert_refused("{\"command\":\"test-collision\",\"bias\":\"always\"}", "unknown bias");
}

static void test_too_large(void **state)
{
	static const char head[] = "{\"command\":\"stats\"}";
	struct control_request req;
	char buf[CONTROL_REQUEST_MAX + 1], err[256];

	(void)state;
	/* valid JSON, but one byte over the limit */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, head, sizeof(head) - 1);
	assert_int_equal(control_request_parse(buf, sizeof(buf) - 1, &req, err, sizeof(err)),
			 CONTROL_PARSE_OK);
	assert_int_equal(control_request_parse(buf, sizeof(buf), &req, err, sizeof(err)),
			 CONTROL_PARSE_ERROR);
	assert_non_null(strstr(err, "larger than 4096 bytes"));
}

/* --- served over a socket pair ------------------------------------------------------ */

struct served {
	struct ikud_conf conf;
	struct daemon d;
	int client, server;
};

static int served_setup(void **state)
{
	struct served *t = calloc(1, sizeof(*t));
	int sv[2];

	if (!t || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv))
		return -1;
	t->d.conf = &t->conf;
	t->d.start_ms = sgw_now_ms();
	t->d.start_time = (int64_t)time(NULL);
	t->client = sv[0];
	t->server = sv[1];
	*state = t;
	return 0;
}

static int served_teardown(void **state)
{
	struct served *t = *state;

	close(t->client);
	close(t->server);
	free(t);
	return 0;
}

/* Serve what the client wrote; the answer, parsed. */
static struct json_object *serve(struct served *t, const char *request)
{
	char buf[8192];
	ssize_t n;

	if (request)
		assert_int_equal(write(t->client, request, strlen(request)), strlen(request));
	control_serve_client(&t->d, t->server);
	n = read(t->client, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = 0;
	assert_int_equal(buf[n - 1], '\n');
	return json_tokener_parse(buf);
}

static const char *answer_error(struct json_object *answer)
{
	struct json_object *e;

	assert_non_null(answer);
	if (!json_object_object_get_ex(answer, "error", &e))
		return NULL;
	return json_object_get_string(e);
}

static void test_serve_show_and_stats(void **state)
{
	struct served *t = *state;
	struct json_object *a, *v;

	a = serve(t, "{\"command\":\"sa-show\"}");
	assert_true(json_object_object_get_ex(a, "sas", &v));
	assert_true(json_object_is_type(v, json_type_array));
	assert_int_equal(json_object_array_length(v), 0);
	json_object_put(a);

	a = serve(t, "{\"command\":\"stats\"}\n");
	assert_null(answer_error(a));
	assert_true(json_object_object_get_ex(a, "workers", &v));
	assert_int_equal(json_object_get_int(v), 0);
	assert_true(json_object_object_get_ex(a, "cookies_sent", &v));
	assert_true(json_object_object_get_ex(a, "inbox_dropped", &v));
	assert_true(json_object_object_get_ex(a, "setups_per_second", &v));
	assert_string_equal(json_object_to_json_string(v), "0.0");
	assert_true(json_object_object_get_ex(a, "failures", &v));
	assert_true(json_object_object_get_ex(v, "dead_peer", &v));
	json_object_put(a);
}

static struct json_object *get(struct json_object *o, const char *path)
{
	char key[64];
	const char *dot;

	while (o && (dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path = dot + 1;
	}
	if (!o || !json_object_object_get_ex(o, path, &o))
		return NULL;
	return o;
}

/* Find the peer of this gateway and identity in the answer's "peers". */
static struct json_object *find_peer(struct json_object *answer, const char *gw, const char *id)
{
	struct json_object *peers = get(answer, "peers");
	size_t i;

	assert_true(json_object_is_type(peers, json_type_array));
	for (i = 0; i < json_object_array_length(peers); i++) {
		struct json_object *p = json_object_array_get_idx(peers, i);

		if (!strcmp(json_object_get_string(get(p, "gateway")), gw) &&
		    !strcmp(json_object_get_string(get(p, "peer")), id))
			return p;
	}
	return NULL;
}

/* metrics: every gateway with every state (0 included), the peers, the
 * peer table's figures. */
static void test_serve_metrics(void **state)
{
	static const char conf[] =
		"peer-history 7;\n"
		"gateway s1 { local 192.0.2.1; vrf s1; psk \"12345678\"; remote-ts 10.0.0.0/8;\n"
		"  peer enb1.example.net remote-ts 10.1.0.1/32; }\n"
		"gateway x2 { local 192.0.2.9; psk \"12345678\"; remote-ts 10.0.0.0/8;\n"
		"  initiate 192.0.2.20; }\n";
	struct served *t = *state;
	struct json_object *a, *gws, *g, *p;
	struct ike_id id;
	struct peer_entry *e;
	char err[256];
	size_t i;

	assert_int_equal(ike_conf_parse("t.conf", conf, &t->conf.c, err, sizeof(err)), 0);
	t->conf.gws = calloc(t->conf.c.n_gateways, sizeof(*t->conf.gws));
	assert_non_null(t->conf.gws);
	for (i = 0; i < t->conf.c.n_gateways; i++)
		t->conf.gws[i].c = &t->conf.c.gateways[i];
	peers_configure(&t->conf.c);
	assert_int_equal(ike_id_from_string("enb2.example.net", &id, NULL, 0), 0);
	e = peers_hold("s1", &id);

	a = serve(t, "{\"command\":\"metrics\"}");
	assert_null(answer_error(a));
	assert_true(json_object_get_int64(get(a, "start_time")) > 1600000000);
	gws = get(a, "gateways");
	assert_true(json_object_is_type(gws, json_type_array));
	assert_int_equal(json_object_array_length(gws), 2);
	g = json_object_array_get_idx(gws, 0);
	assert_string_equal(json_object_get_string(get(g, "gateway")), "s1");
	assert_string_equal(json_object_get_string(get(g, "vrf")), "s1");
	assert_int_equal(json_object_object_length(get(g, "ike_sas")), 6);
	assert_non_null(get(g, "ike_sas.half-open"));
	assert_int_equal(json_object_get_int(get(g, "ike_sas.established")), 0);
	assert_int_equal(json_object_object_length(get(g, "child_sas")), 3);
	assert_non_null(get(g, "child_sas.rekeying"));
	assert_int_equal(json_object_get_int(get(g, "routes")), 0);
	g = json_object_array_get_idx(gws, 1);
	assert_string_equal(json_object_get_string(get(g, "vrf")), "");

	assert_int_equal(json_object_get_int(get(a, "peer_table.peers")), 3);
	assert_int_equal(json_object_get_int(get(a, "peer_table.forgettable")), 0);
	assert_int_equal(json_object_get_int(get(a, "peer_table.history")), 7);
	assert_int_equal(json_object_get_int(get(a, "peer_table.forgotten")), 0);
	p = find_peer(a, "s1", "fqdn:enb1.example.net");
	assert_non_null(p);
	assert_true(json_object_get_boolean(get(p, "configured")));
	assert_false(json_object_get_boolean(get(p, "up")));
	assert_true(json_object_get_int64(get(p, "changed")) > 1600000000);
	p = find_peer(a, "x2", "ipv4:192.0.2.20");
	assert_non_null(p);
	assert_true(json_object_get_boolean(get(p, "configured")));
	p = find_peer(a, "s1", "fqdn:enb2.example.net");
	assert_non_null(p);
	assert_false(json_object_get_boolean(get(p, "configured")));
	assert_true(json_object_get_boolean(get(p, "up")));
	assert_int_equal(json_object_get_int(get(p, "ike_sas")), 1);
	json_object_put(a);

	/* its tunnel goes: the peer stays, down */
	peers_release(e);
	a = serve(t, "{\"command\":\"metrics\"}");
	p = find_peer(a, "s1", "fqdn:enb2.example.net");
	assert_non_null(p);
	assert_false(json_object_get_boolean(get(p, "up")));
	assert_int_equal(json_object_get_int(get(a, "peer_table.forgettable")), 1);
	json_object_put(a);

	peers_clear();
	free(t->conf.gws);
	ike_conf_free(&t->conf.c);
}

/* A good request changes the daemon, a bad one nothing. */
static void test_serve_changes(void **state)
{
	struct served *t = *state;
	struct json_object *a, *v;

	a = serve(t, "{\"command\":\"test-collision\",\"bias\":\"win\"}");
	assert_true(json_object_object_get_ex(a, "ok", &v));
	assert_true(json_object_get_boolean(v));
	assert_int_equal(atomic_load(&t->d.collision_bias), BIAS_WIN);
	json_object_put(a);

	a = serve(t, "{\"command\":\"test-collision\",\"bias\":\"lose\",\"extra\":1}");
	assert_non_null(strstr(answer_error(a), "unknown field 'extra'"));
	assert_int_equal(atomic_load(&t->d.collision_bias), BIAS_WIN);
	json_object_put(a);
}

static void test_serve_oversized(void **state)
{
	struct served *t = *state;
	char big[CONTROL_REQUEST_MAX + 100];
	struct json_object *a;

	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	a = serve(t, big);
	assert_non_null(strstr(answer_error(a), "larger than"));
	json_object_put(a);
}

static void test_serve_incomplete(void **state)
{
	struct served *t = *state;
	struct json_object *a;

	assert_int_equal(write(t->client, "{\"command\":", 11), 11);
	assert_int_equal(shutdown(t->client, SHUT_WR), 0);
	a = serve(t, NULL);
	assert_string_equal(answer_error(a), "incomplete request");
	json_object_put(a);
}

/* A client that sends nothing holds the control thread for 2 s at most. */
static void test_serve_slow_client(void **state)
{
	struct served *t = *state;
	uint64_t t0 = sgw_now_ms(), took;
	struct json_object *a;

	assert_int_equal(write(t->client, "{", 1), 1);
	a = serve(t, NULL);
	took = sgw_now_ms() - t0;
	assert_true(took >= 1900 && took < 4000);
	assert_non_null(strstr(answer_error(a), "no complete request within"));
	json_object_put(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test_setup_teardown(test_serve_show_and_stats, served_setup,
						served_teardown),
		cmocka_unit_test_setup_teardown(test_serve_metrics, served_setup, served_teardown),
		cmocka_unit_test_setup_teardown(test_serve_changes, served_setup, served_teardown),
		cmocka_unit_test_setup_teardown(test_serve_oversized, served_setup,
						served_teardown),
		cmocka_unit_test_setup_teardown(test_serve_incomplete, served_setup,
						served_teardown),
		cmocka_unit_test_setup_teardown(test_serve_slow_client, served_setup,
						served_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
