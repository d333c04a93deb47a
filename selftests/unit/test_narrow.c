// SPDX-License-Identifier: GPL-2.0
/* Unit tests of traffic-selector narrowing (ikud/narrow.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ikud.h"

static const char conf_text[] =
	"gateway rri { local 192.0.2.1; xfrm-interface ipsec0 if_id 7; psk \"12345678\";\n"
	"  remote-ts 10.1.0.0/16 fd00:1::/48; local-ts 10.2.0.0/24; }\n"
	"gateway plain { local 192.0.2.2; psk \"12345678\";\n"
	"  remote-ts 10.1.0.0/16; local-ts 10.2.0.0/24; }\n"
	"gateway bound { local 192.0.2.3; psk \"12345678\"; xfrm-interface ipsec1 if_id 8;\n"
	"  remote-ts 10.1.0.0/16; local-ts 10.2.0.0/24;\n"
	"  peer site7.example.net remote-ts 10.1.7.0/24;\n"
	"  peer *.site8.example.net remote-ts 10.1.8.0/24; }\n"
	"gateway strict { local 192.0.2.4; psk \"12345678\"; unbound-peers refuse;\n"
	"  remote-ts 10.1.0.0/16; local-ts 10.2.0.0/24;\n"
	"  peer enb1.example.net remote-ts 10.1.0.1/32; }\n";

static struct ike_conf conf;

static int setup(void **state)
{
	char err[256];

	(void)state;
	return ike_conf_parse("t.conf", conf_text, &conf, err, sizeof(err));
}

static int teardown(void **state)
{
	(void)state;
	ike_conf_free(&conf);
	return 0;
}

/* A list of selectors from "PREFIX[:PROTO:PORT-PORT]" strings. */
static struct ike_ts_list ts_list(const char *const *v, size_t n)
{
	struct ike_ts_list l = { .present = true };

	for (size_t i = 0; i < n; i++) {
		struct sgw_prefix p;
		char buf[64], *colon;
		unsigned int proto, lo, hi;

		snprintf(buf, sizeof(buf), "%s", v[i]);
		colon = strchr(buf, ',');
		if (colon)
			*colon = 0;
		assert_int_equal(sgw_prefix_parse(buf, SGW_PREFIX_EXACT, &p, NULL), 0);
		ike_ts_from_prefix(&p, &l.ts[l.n]);
		if (colon && sscanf(colon + 1, "%u,%u-%u", &proto, &lo, &hi) == 3) {
			l.ts[l.n].ip_proto = (uint8_t)proto;
			l.ts[l.n].start_port = (uint16_t)lo;
			l.ts[l.n].end_port = (uint16_t)hi;
		}
		l.n++;
	}
	return l;
}

#define TS(...) ts_list((const char *const[]){ __VA_ARGS__ }, \
			sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *))

static const char *range(const struct ike_ts *t)
{
	static char buf[4][96];
	static int k;

	k = (k + 1) % 4;
	child_ts_range_str(t, buf[k], sizeof(buf[k]));
	return buf[k];
}

/* The peer (the exchange's initiator) proposes TSi = its side, TSr = ours. */
static int narrow_as(const char *gw, const char *id, struct ike_ts_list tsi,
		     struct ike_ts_list tsr, struct child_sa *c)
{
	struct ike_id peer;

	memset(c, 0, sizeof(*c));
	assert_int_equal(ike_id_from_string(id, &peer, NULL, 0), 0);
	return narrow_child(ike_conf_gateway_by_name(&conf, gw), &peer, &tsi, &tsr, true, c);
}

static int narrow(const char *gw, struct ike_ts_list tsi, struct ike_ts_list tsr,
		  struct child_sa *c)
{
	return narrow_as(gw, "enb1.enb.example.net", tsi, tsr, c);
}

static void test_host_prefix_kept(void **state)
{
	struct child_sa c;

	(void)state;
	assert_int_equal(narrow("rri", TS("10.1.0.7/32"), TS("10.2.0.0/24"), &c), 0);
	assert_int_equal(c.n_remote, 1);
	assert_string_equal(range(&c.ts_remote[0]), "10.1.0.7/32");
	assert_int_equal(c.n_local, 1);
	assert_string_equal(range(&c.ts_local[0]), "10.2.0.0/24");
}

static void test_wide_claims(void **state)
{
	struct child_sa c;

	(void)state;
	/* with route injection a claim is refused as it is, never narrowed */
	assert_int_equal(narrow("rri", TS("0.0.0.0/0"), TS("10.2.0.0/24"), &c), -1);
	assert_int_equal(narrow("rri", TS("10.0.0.0/8"), TS("10.2.0.0/24"), &c), -1);
	assert_int_equal(narrow("rri", TS("10.1.0.7/32", "172.16.0.1/32"), TS("10.2.0.0/24"),
				&c), -1);
	/* without it, narrowed to what is allowed */
	assert_int_equal(narrow("plain", TS("0.0.0.0/0"), TS("0.0.0.0/0"), &c), 0);
	assert_string_equal(range(&c.ts_remote[0]), "10.1.0.0/16");
	assert_string_equal(range(&c.ts_local[0]), "10.2.0.0/24");
	/* nothing inside: TS_UNACCEPTABLE */
	assert_int_equal(narrow("plain", TS("172.16.0.0/12"), TS("10.2.0.0/24"), &c), -1);
	assert_int_equal(narrow("plain", TS("10.1.0.7/32"), TS("10.3.0.0/24"), &c), -1);
}

static void test_ports_and_families(void **state)
{
	struct child_sa c;

	(void)state;
	/* XFRM takes one port or any: a range keeps its first port */
	assert_int_equal(narrow("plain", TS("10.1.0.7/32,132,36412-36420"), TS("10.2.0.0/24"),
				&c), 0);
	assert_int_equal(c.ts_remote[0].ip_proto, 132);
	assert_int_equal(c.ts_remote[0].start_port, 36412);
	assert_int_equal(c.ts_remote[0].end_port, 36412);
	/* a range from port 0 never narrows to 0, which XFRM reads as any port */
	assert_int_equal(narrow("plain", TS("10.1.0.7/32,17,0-100"), TS("10.2.0.0/24"), &c), 0);
	assert_int_equal(c.ts_remote[0].start_port, 1);
	assert_int_equal(c.ts_remote[0].end_port, 1);
	assert_int_equal(narrow("plain", TS("10.1.0.7/32,17,0-0"), TS("10.2.0.0/24"), &c), -1);
	/* an IPv6 claim needs an IPv6 selector of ours to pair with */
	assert_int_equal(narrow("rri", TS("fd00:1::6/128"), TS("10.2.0.0/24"), &c), -1);
	/* an empty or reversed range is ignored */
	{
		struct ike_ts_list l = TS("10.1.0.7/32");

		l.ts[0].start_port = 100;
		l.ts[0].end_port = 99;
		assert_int_equal(narrow("plain", l, TS("10.2.0.0/24"), &c), -1);
	}
}

/* Prefixes bound to identities: theirs alone, even while they are away. */
static void test_peer_rules(void **state)
{
	struct child_sa c;

	(void)state;
	assert_int_equal(narrow_as("bound", "site7.example.net", TS("10.1.7.5/32"),
				   TS("10.2.0.0/24"), &c), 0);
	assert_int_equal(narrow_as("bound", "SITE7.example.net", TS("10.1.7.0/24"),
				   TS("10.2.0.0/24"), &c), 0);
	/* outside its rule, though inside remote-ts */
	assert_int_equal(narrow_as("bound", "site7.example.net", TS("10.1.0.7/32"),
				   TS("10.2.0.0/24"), &c), -1);
	/* another identity may not touch a bound prefix */
	assert_int_equal(narrow_as("bound", "enb1.enb.example.net", TS("10.1.7.5/32"),
				   TS("10.2.0.0/24"), &c), -1);
	assert_int_equal(narrow_as("bound", "enb1.enb.example.net", TS("10.1.9.5/32"),
				   TS("10.2.0.0/24"), &c), 0);
	/* a pattern rule */
	assert_int_equal(narrow_as("bound", "enb3.site8.example.net", TS("10.1.8.3/32"),
				   TS("10.2.0.0/24"), &c), 0);
	assert_int_equal(narrow_as("bound", "enb3.site9.example.net", TS("10.1.8.3/32"),
				   TS("10.2.0.0/24"), &c), -1);
	/* unbound-peers refuse */
	assert_int_equal(narrow_as("strict", "enb1.example.net", TS("10.1.0.1/32"),
				   TS("10.2.0.0/24"), &c), 0);
	assert_int_equal(narrow_as("strict", "enb2.example.net", TS("10.1.0.2/32"),
				   TS("10.2.0.0/24"), &c), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_prefix_kept),
		cmocka_unit_test(test_wide_claims),
		cmocka_unit_test(test_ports_and_families),
		cmocka_unit_test(test_peer_rules),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
