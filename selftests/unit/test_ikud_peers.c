// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ikud's table of peers up and down (ikud/peers.c): the
 * configured peers, up and down with the SAs, the bounded memory of down
 * peers (the oldest forgotten first), reloads, and which identity an SA
 * counts for.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikud.h"

/* What the table holds, one "gateway id up/down configured?" line per
 * entry, sorted: a stable picture to compare. */
struct picture {
	char lines[64][400];
	size_t n;
};

static void picture_add(const struct peers_view *v, void *arg)
{
	struct picture *p = arg;
	char id[300];

	assert_true(p->n < 64);
	ike_id_to_string(v->id, id, sizeof(id));
	snprintf(p->lines[p->n++], sizeof(p->lines[0]), "%s %s %s%s", v->gateway, id,
		 v->ike_sas ? "up" : "down", v->configured ? " configured" : "");
	assert_true(v->changed > 1600000000);
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The table as one string, lines sorted and joined by "; ". */
static const char *table(void)
{
	static char out[8192];
	static struct picture p;
	size_t i, o = 0;

	memset(&p, 0, sizeof(p));
	peers_walk(picture_add, &p);
	qsort(p.lines, p.n, sizeof(p.lines[0]), cmp_lines);
	out[0] = 0;
	for (i = 0; i < p.n; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? "; " : "", p.lines[i]);
	return out;
}

static struct ike_id id_of(const char *s)
{
	struct ike_id id;

	assert_int_equal(ike_id_from_string(s, &id, NULL, 0), 0);
	return id;
}

static void configure(struct ike_conf *c, const char *text)
{
	char err[256];

	if (ike_conf_parse("t.conf", text, c, err, sizeof(err)))
		fail_msg("%s", err);
	peers_configure(c);
}

static int teardown(void **state)
{
	(void)state;
	peers_clear();
	return 0;
}

#define GW(name, addr, body) \
	"gateway " name " {\n local " addr ";\n psk \"12345678\";\n" \
	" remote-ts 10.0.0.0/8;\n" body "}\n"

static void test_configured(void **state)
{
	struct ike_conf c;

	(void)state;
	configure(&c, GW("s1", "192.0.2.1",
			 " peer enb1.example.net remote-ts 10.1.0.1/32;\n"
			 " peer *.wild.example.net remote-ts 10.2.0.0/16;\n")
		      GW("x2", "192.0.2.9",
			 " initiate 192.0.2.20 192.0.2.21;\n")
		      GW("x3", "192.0.2.10",
			 " initiate 192.0.2.30;\n remote-id gw3.example.net;\n"));
	/* patterns name no one peer; initiate peers: remote-id, else the address */
	assert_string_equal(table(),
			    "s1 fqdn:enb1.example.net down configured; "
			    "x2 ipv4:192.0.2.20 down configured; "
			    "x2 ipv4:192.0.2.21 down configured; "
			    "x3 fqdn:gw3.example.net down configured");
	ike_conf_free(&c);
}

static void test_up_and_down(void **state)
{
	struct ike_conf c;
	struct ike_id enb1 = id_of("ENB1.example.net"), enb9 = id_of("enb9.example.net");
	struct peer_entry *a, *b, *d;
	struct peers_stats st;

	(void)state;
	configure(&c, GW("s1", "192.0.2.1", " peer enb1.example.net remote-ts 10.1.0.1/32;\n"));
	a = peers_hold("s1", &enb1);	/* the configured entry: names fold case */
	b = peers_hold("s1", &enb1);	/* a second IKE SA (a rekey's successor) */
	assert_ptr_equal(a, b);
	d = peers_hold("s1", &enb9);	/* a peer the configuration does not name */
	assert_non_null(d);
	assert_string_equal(table(), "s1 fqdn:enb1.example.net up configured; "
			    "s1 fqdn:enb9.example.net up");
	peers_release(a);
	assert_string_equal(table(), "s1 fqdn:enb1.example.net up configured; "
			    "s1 fqdn:enb9.example.net up");
	peers_release(b);
	peers_release(d);
	peers_release(NULL);
	/* down, and still there */
	assert_string_equal(table(), "s1 fqdn:enb1.example.net down configured; "
			    "s1 fqdn:enb9.example.net down");
	peers_get_stats(&st);
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.forgettable, 1);
	assert_int_equal(st.history, IKE_CONF_PEER_HISTORY_DEFAULT);
	assert_int_equal(st.forgotten, 0);
	ike_conf_free(&c);
}

/* peer-history 2: down peers beyond two are forgotten, the oldest first;
 * configured and up peers never are. */
static void test_history(void **state)
{
	static const char *const names[] = { "a.x", "b.x", "c.x", "d.x", "e.x" };
	struct peer_entry *e[5];
	struct ike_conf c;
	struct ike_id cfg = id_of("cfg.x");
	struct peers_stats st;
	size_t i;

	(void)state;
	configure(&c, "peer-history 2;\n"
		  GW("s1", "192.0.2.1", " peer cfg.x remote-ts 10.1.0.1/32;\n"));
	for (i = 0; i < 5; i++) {
		struct ike_id id = id_of(names[i]);

		e[i] = peers_hold("s1", &id);
	}
	for (i = 0; i < 4; i++)		/* a, b, c, d go down in this order */
		peers_release(e[i]);
	assert_string_equal(table(), "s1 fqdn:c.x down; s1 fqdn:cfg.x down configured; "
			    "s1 fqdn:d.x down; s1 fqdn:e.x up");
	/* c comes back: no longer forgettable; then e goes down */
	{
		struct ike_id id = id_of("c.x");

		e[2] = peers_hold("s1", &id);
	}
	peers_release(e[4]);
	assert_string_equal(table(), "s1 fqdn:c.x up; s1 fqdn:cfg.x down configured; "
			    "s1 fqdn:d.x down; s1 fqdn:e.x down");
	peers_get_stats(&st);
	assert_int_equal(st.entries, 4);
	assert_int_equal(st.forgettable, 2);
	assert_int_equal(st.forgotten, 2);	/* a, then b */
	peers_hold("s1", &cfg);
	ike_conf_free(&c);
	/* peer-history 0: a peer that is not configured goes with its last SA */
	configure(&c, "peer-history 0;\n"
		  GW("s1", "192.0.2.1", " peer cfg.x remote-ts 10.1.0.1/32;\n"));
	assert_string_equal(table(), "s1 fqdn:c.x up; s1 fqdn:cfg.x up configured");
	peers_get_stats(&st);
	assert_int_equal(st.forgotten, 4);	/* d and e too */
	peers_release(e[2]);
	assert_string_equal(table(), "s1 fqdn:cfg.x up configured");
	ike_conf_free(&c);
}

/* A reload: peers no longer configured become forgettable, those of a
 * removed gateway go when down, new ones appear. */
static void test_reload(void **state)
{
	struct ike_conf c1, c2;
	struct ike_id old = id_of("old.x"), keep = id_of("keep.x"), up = id_of("up.x");
	struct peer_entry *e;
	struct peers_stats st;

	(void)state;
	configure(&c1, GW("s1", "192.0.2.1", " peer old.x remote-ts 10.1.0.1/32;\n"
			  " peer keep.x remote-ts 10.1.0.2/32;\n")
		       GW("gone", "192.0.2.2", ""));
	peers_hold("gone", &old);
	e = peers_hold("gone", &up);
	peers_release(peers_hold("gone", &keep));
	configure(&c2, GW("s1", "192.0.2.1", " peer keep.x remote-ts 10.1.0.2/32;\n"
			  " peer new.x remote-ts 10.1.0.3/32;\n"));
	assert_string_equal(table(), "gone fqdn:old.x up; gone fqdn:up.x up; "
			    "s1 fqdn:keep.x down configured; s1 fqdn:new.x down configured; "
			    "s1 fqdn:old.x down");
	peers_get_stats(&st);
	assert_int_equal(st.forgettable, 1);
	peers_release(e);
	assert_string_equal(table(), "gone fqdn:old.x up; gone fqdn:up.x down; "
			    "s1 fqdn:keep.x down configured; s1 fqdn:new.x down configured; "
			    "s1 fqdn:old.x down");
	/* the next reload drops the down peers of the gateway that went */
	peers_configure(&c2);
	assert_string_equal(table(), "gone fqdn:old.x up; "
			    "s1 fqdn:keep.x down configured; s1 fqdn:new.x down configured; "
			    "s1 fqdn:old.x down");
	ike_conf_free(&c1);
	ike_conf_free(&c2);
}

/* Which identity an SA counts for. */
static void test_key_of(void **state)
{
	struct ike_conf c;
	struct gw_rt rt[2];
	struct ike_sa sa;
	struct ike_id id;
	struct sgw_prefix p;
	char text[300];

	(void)state;
	configure(&c, GW("x2", "192.0.2.9", " initiate 192.0.2.20;\n")
		      GW("x3", "192.0.2.10", " initiate 192.0.2.30;\n remote-id gw3.x;\n"));
	memset(rt, 0, sizeof(rt));
	rt[0].c = &c.gateways[0];
	rt[1].c = &c.gateways[1];
	memset(&sa, 0, sizeof(sa));
	sa.gw = &rt[0];
	/* the initiate peer, at any port, counts for its address */
	assert_int_equal(sgw_addr_parse("192.0.2.20", &p), 0);
	sgw_sockaddr_from_prefix(&p, 4500, &sa.peer);
	assert_true(peers_key_of(&sa, &id));
	ike_id_to_string(&id, text, sizeof(text));
	assert_string_equal(text, "ipv4:192.0.2.20");
	/* another peer of that gateway: its identity, once known */
	assert_int_equal(sgw_addr_parse("192.0.2.77", &p), 0);
	sgw_sockaddr_from_prefix(&p, 500, &sa.peer);
	assert_false(peers_key_of(&sa, &id));
	sa.peer_id = id_of("enb.x");
	sa.peer_id_set = true;
	assert_true(peers_key_of(&sa, &id));
	assert_true(ike_id_equal(&id, &sa.peer_id));
	/* with one exact remote-id, the identity, whatever the address */
	sa.gw = &rt[1];
	assert_int_equal(sgw_addr_parse("192.0.2.30", &p), 0);
	sgw_sockaddr_from_prefix(&p, 500, &sa.peer);
	sa.peer_id = id_of("gw3.x");
	assert_true(peers_key_of(&sa, &id));
	ike_id_to_string(&id, text, sizeof(text));
	assert_string_equal(text, "fqdn:gw3.x");
	ike_conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_configured, teardown),
		cmocka_unit_test_teardown(test_up_and_down, teardown),
		cmocka_unit_test_teardown(test_history, teardown),
		cmocka_unit_test_teardown(test_reload, teardown),
		cmocka_unit_test_teardown(test_key_of, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
