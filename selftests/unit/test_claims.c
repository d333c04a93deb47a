// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the claim registry (ikud/rri.c, rri_claim()): overlaps in
 * both kinds of space, max-claim, peer rules, peer limits, the hand-over
 * to the same identity, and check-and-take as one step under two threads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "ikud.h"
#include "log.h"
#include "rri.h"

static const char conf_text[] =
	"gateway rri { local 192.0.2.1; xfrm-interface ipsec0 if_id 7; psk \"12345678\";\n"
	"  remote-ts 10.1.0.0/16; local-ts 10.2.0.0/24; peer-limit tunnels 2 prefixes 3;\n"
	"  peer site7.example.net remote-ts 10.1.7.0/24; }\n"
	"gateway plain { local 192.0.2.2; psk \"12345678\"; max-claim /24;\n"
	"  remote-ts 10.1.0.0/16; local-ts 10.2.0.0/24; }\n";

static struct ike_conf conf;
static struct gw_rt gws[2];
static struct shard shard;

static int setup(void **state)
{
	char err[256];

	(void)state;
	log_setup(false, LOG_ERR);
	if (ike_conf_parse("t.conf", conf_text, &conf, err, sizeof(err)))
		return -1;
	for (int i = 0; i < 2; i++) {
		gws[i].c = &conf.gateways[i];
		gws[i].rri_table = 10;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rri_stop();
	ike_conf_free(&conf);
	return 0;
}

static void make_sa(struct ike_sa *sa, int gw, const char *id)
{
	memset(sa, 0, sizeof(*sa));
	sa->shard = &shard;
	sa->gw = &gws[gw];
	snprintf(sa->gw_name, sizeof(sa->gw_name), "%s", gws[gw].c->name);
	assert_int_equal(ike_id_from_string(id, &sa->peer_id, NULL, 0), 0);
	sa->peer_id_set = true;
	sa->peer.ss_family = AF_INET;
}

/* A CHILD_SA whose remote selectors are the given prefixes. */
static void make_child(struct child_sa *c, struct ike_sa *sa, uint32_t reqid,
		       const char *const *pfx, int n)
{
	memset(c, 0, sizeof(*c));
	c->ike = sa;
	c->reqid = reqid;
	for (int i = 0; i < n; i++) {
		struct sgw_prefix p;

		assert_int_equal(sgw_prefix_parse(pfx[i], SGW_PREFIX_EXACT, &p, NULL), 0);
		ike_ts_from_prefix(&p, &c->ts_remote[c->n_remote++]);
	}
}

#define CHILD(c, sa, reqid, ...) make_child(c, sa, reqid, (const char *const[]){ __VA_ARGS__ }, \
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *))

static int claim(struct ike_sa *sa, struct child_sa *c, bool peer_chose)
{
	uint16_t notify = 0;
	int ret = rri_claim(sa, c, peer_chose, &notify);

	return ret ? notify : 0;
}

static void test_overlaps_and_hand_over(void **state)
{
	struct ike_sa a, b, a2;
	struct child_sa ca, cb, cb2, ca2;

	(void)state;
	make_sa(&a, 0, "enb1.enb.example.net");
	make_sa(&b, 0, "enb2.enb.example.net");
	CHILD(&ca, &a, 101, "10.1.0.1/32");
	assert_int_equal(claim(&a, &ca, true), 0);
	CHILD(&cb, &b, 102, "10.1.0.1/32");
	assert_int_equal(claim(&b, &cb, true), IKE_N_TS_UNACCEPTABLE);	/* equal */
	CHILD(&cb2, &b, 102, "10.1.0.0/31");
	assert_int_equal(claim(&b, &cb2, false), IKE_N_TS_UNACCEPTABLE);	/* covering */
	/* the same identity, in other letter case, coming back: handed over */
	make_sa(&a2, 0, "ENB1.enb.example.net");
	CHILD(&ca2, &a2, 103, "10.1.0.1/32");
	assert_int_equal(claim(&a2, &ca2, true), 0);
	rri_child_down(&ca);		/* the old tunnel goes: the claim stays */
	assert_int_equal(claim(&b, &cb, true), IKE_N_TS_UNACCEPTABLE);
	rri_child_down(&ca2);
	assert_int_equal(claim(&b, &cb, true), 0);	/* free again */
	rri_child_down(&cb);
}

static void test_policy_space(void **state)
{
	struct ike_sa a, b;
	struct child_sa ca, cb;

	(void)state;
	/* without an xfrm interface a /32 inside another peer's /24 is refused too */
	make_sa(&a, 1, "site1.example.net");
	make_sa(&b, 1, "site2.example.net");
	CHILD(&ca, &a, 201, "10.1.5.0/24");
	assert_int_equal(claim(&a, &ca, true), 0);
	CHILD(&cb, &b, 202, "10.1.5.7/32");
	assert_int_equal(claim(&b, &cb, true), IKE_N_TS_UNACCEPTABLE);
	/* max-claim /24 there: a /23 is too wide when the peer chose it */
	rri_child_down(&ca);
	CHILD(&ca, &a, 201, "10.1.4.0/23");
	assert_int_equal(claim(&a, &ca, true), IKE_N_TS_UNACCEPTABLE);
	assert_int_equal(claim(&a, &ca, false), 0);	/* ours to choose */
	rri_child_down(&ca);
}

static void test_max_claim_and_rules(void **state)
{
	struct ike_sa a, s7;
	struct child_sa ca, c7;

	(void)state;
	make_sa(&a, 0, "enb1.enb.example.net");
	CHILD(&ca, &a, 301, "10.1.0.0/24");
	assert_int_equal(claim(&a, &ca, true), IKE_N_TS_UNACCEPTABLE);	/* default /32 */
	/* a peer rule is the operator's choice: its /24 is fine */
	make_sa(&s7, 0, "site7.example.net");
	CHILD(&c7, &s7, 302, "10.1.7.0/24");
	assert_int_equal(claim(&s7, &c7, true), 0);
	rri_child_down(&c7);
}

static void test_peer_limits(void **state)
{
	struct ike_sa a;
	struct child_sa c1, c2, c3, c4;

	(void)state;
	make_sa(&a, 0, "enb9.enb.example.net");
	CHILD(&c1, &a, 401, "10.1.9.1/32", "10.1.9.2/32");
	assert_int_equal(claim(&a, &c1, true), 0);
	CHILD(&c2, &a, 402, "10.1.9.3/32");
	assert_int_equal(claim(&a, &c2, true), 0);		/* 2 tunnels, 3 prefixes */
	CHILD(&c3, &a, 403, "10.1.9.4/32");
	assert_int_equal(claim(&a, &c3, true), IKE_N_NO_ADDITIONAL_SAS);
	CHILD(&c4, &a, 402, "10.1.9.3/32");			/* a rekey of c2 */
	assert_int_equal(claim(&a, &c4, true), 0);
	rri_child_down(&c2);
	rri_child_down(&c4);
	assert_int_equal(claim(&a, &c3, true), 0);		/* room again */
	rri_child_down(&c1);
	rri_child_down(&c3);
}

/* Two workers race for one prefix: at no moment may both hold it. */
struct racer {
	struct ike_sa sa;
	struct child_sa c;
	atomic_int wins;
	struct racer *other;
};

static atomic_int holders, max_holders;
static pthread_barrier_t start;

static void *race(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(&start);
	/*
	 * 20000 tries, and on until both have won (bounded): on a loaded
	 * machine one thread may do all its tries while the other waits for
	 * a CPU, and a racer that gave up early could never win.
	 */
	for (int i = 0; i < 20000 || ((!atomic_load(&r->wins) || !atomic_load(&r->other->wins)) &&
				      i < 2000000); i++) {
		uint16_t notify;

		if (rri_claim(&r->sa, &r->c, true, &notify))
			continue;
		int h = atomic_fetch_add(&holders, 1) + 1;

		if (h > atomic_load(&max_holders))
			atomic_store(&max_holders, h);
		r->wins++;
		sched_yield();		/* let the other one try while we hold it */
		atomic_fetch_sub(&holders, 1);
		rri_child_down(&r->c);
		sched_yield();		/* and a chance to take it next */
	}
	return NULL;
}

static void test_check_and_take_atomic(void **state)
{
	struct racer r[2];
	pthread_t t[2];

	(void)state;
	for (int i = 0; i < 2; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		make_sa(&r[i].sa, 0, i ? "enb11.enb.example.net" : "enb10.enb.example.net");
		CHILD(&r[i].c, &r[i].sa, 500 + (uint32_t)i, "10.1.10.1/32");
	}
	r[0].other = &r[1];
	r[1].other = &r[0];
	pthread_barrier_init(&start, NULL, 2);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	print_message("wins %d and %d, most holders at once %d\n", atomic_load(&r[0].wins),
		      atomic_load(&r[1].wins), atomic_load(&max_holders));
	pthread_barrier_destroy(&start);
	assert_true(atomic_load(&r[0].wins) > 0 && atomic_load(&r[1].wins) > 0);	/* they raced */
	assert_int_equal(atomic_load(&max_holders), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlaps_and_hand_over),
		cmocka_unit_test(test_policy_space),
		cmocka_unit_test(test_max_claim_and_rules),
		cmocka_unit_test(test_peer_limits),
		cmocka_unit_test(test_check_and_take_atomic),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
