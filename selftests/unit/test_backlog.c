// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the queue of new IKE_SA_INITs (ikud/backlog.c): what it
 * takes, that a retransmission of a waiting request is not queued twice,
 * its bounds, the daemon-wide count the cookie threshold reads, and that
 * a request whose gateway went away meanwhile is dropped, not dispatched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "ikud.h"
#include "log.h"

static struct daemon daemon_;
static struct shard shard;
static struct gw_socks socks[1];

static int setup(void **state)
{
	(void)state;
	log_setup(false, LOG_ERR);
	memset(&shard, 0, sizeof(shard));
	memset(&daemon_, 0, sizeof(daemon_));
	shard.d = &daemon_;
	shard.backlog_tail = &shard.backlog;
	shard.socks = socks;
	shard.n_socks = 1;
	snprintf(socks[0].name, sizeof(socks[0].name), "s1");
	socks[0].alive = false;		/* so that backlog_run() drops, not dispatches */
	socks[0].fd[0] = socks[0].fd[1] = -1;
	return sgw_htab_init(&shard.backlog_by_init, 4);
}

static int teardown(void **state)
{
	(void)state;
	backlog_free(&shard);
	sgw_htab_free(&shard.backlog_by_init);
	return 0;
}

/* An IKE_SA_INIT request's header (and a few bytes of body) with SPIi spi. */
static size_t init_request(uint8_t *buf, uint64_t spi, bool response)
{
	memset(buf, 0, 64);
	sgw_put_be64(buf, spi);
	buf[16] = IKE_PL_SA;			/* next payload */
	buf[17] = 0x20;				/* IKE 2.0 */
	buf[18] = IKE_SA_INIT;
	buf[19] = response ? IKE_FLAG_R : IKE_FLAG_I;
	sgw_put_be32(buf + 24, 64);		/* length */
	return 64;
}

static struct sockaddr_storage peer_at(uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(0xc0000202);	/* 192.0.2.2 */
	return ss;
}

static void test_what_it_takes(void **state)
{
	uint8_t pkt[64];

	(void)state;
	assert_true(backlog_wants(pkt, init_request(pkt, 7, false)));
	assert_false(backlog_wants(pkt, init_request(pkt, 7, true)));	/* a response */
	init_request(pkt, 7, false);
	sgw_put_be64(pkt + 8, 9);					/* SPIr set */
	assert_false(backlog_wants(pkt, sizeof(pkt)));
	init_request(pkt, 7, false);
	pkt[18] = IKE_INFORMATIONAL;
	assert_false(backlog_wants(pkt, sizeof(pkt)));
	assert_false(backlog_wants(pkt, 10));				/* truncated */
}

static void test_retransmission_queued_once(void **state)
{
	struct sockaddr_storage a = peer_at(500), b = peer_at(4500), local = peer_at(500);
	uint8_t pkt[64];
	size_t len = init_request(pkt, 0x1122334455667788ULL, false);

	(void)state;
	backlog_push(&shard, 0, pkt, len, &a, &local);
	backlog_push(&shard, 0, pkt, len, &a, &local);		/* retransmitted */
	assert_int_equal(shard.backlog_len, 1);
	backlog_push(&shard, 0, pkt, len, &b, &local);		/* another port: another peer */
	len = init_request(pkt, 0x1122334455667789ULL, false);
	backlog_push(&shard, 0, pkt, len, &a, &local);		/* another SPI */
	assert_int_equal(shard.backlog_len, 3);
	assert_int_equal(shard.st.init_backlog, 3);
	assert_int_equal(atomic_load(&daemon_.init_waiting), 3);
	assert_int_equal(shard.st.rx_dropped, 1);

	/* their gateway's sockets went away: dropped, and the counts go */
	assert_true(backlog_run(&shard, 2));		/* two answered, one waits */
	assert_int_equal(shard.backlog_len, 1);
	assert_false(backlog_run(&shard, 8));
	assert_int_equal(shard.backlog_len, 0);
	assert_int_equal(atomic_load(&daemon_.init_waiting), 0);
	assert_int_equal(shard.st.rx_dropped, 4);
	/* once answered, a retransmission is the half-open SA's business */
	len = init_request(pkt, 0x1122334455667788ULL, false);
	backlog_push(&shard, 0, pkt, len, &a, &local);
	assert_int_equal(shard.backlog_len, 1);
	backlog_free(&shard);
	assert_int_equal(atomic_load(&daemon_.init_waiting), 0);
}

static void test_bounds(void **state)
{
	struct sockaddr_storage a = peer_at(500);
	uint8_t *big = calloc(1, IKUD_INIT_MAX + 1);
	uint8_t pkt[64];

	(void)state;
	assert_non_null(big);
	init_request(big, 1, false);
	backlog_push(&shard, 0, big, IKUD_INIT_MAX + 1, &a, &a);	/* never held */
	assert_int_equal(shard.backlog_len, 0);
	free(big);
	for (uint64_t spi = 1; spi <= INIT_BACKLOG_MAX + 5; spi++) {
		size_t len = init_request(pkt, spi, false);

		backlog_push(&shard, 0, pkt, len, &a, &a);
	}
	assert_int_equal(shard.backlog_len, INIT_BACKLOG_MAX);
	assert_int_equal(shard.st.init_backlog_dropped, 5);
	backlog_free(&shard);
	assert_int_equal(shard.backlog_len, 0);
	assert_int_equal(atomic_load(&daemon_.init_waiting), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_it_takes),
		cmocka_unit_test_setup_teardown(test_retransmission_queued_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
