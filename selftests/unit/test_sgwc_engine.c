// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the engine part of the sgw genl client
 * (libsgw/netlink/sgwc_engine.c): SGW_CMD_EVENT messages of engines and
 * of SAs moved between them, built here as the module sends them, are
 * decoded field by field; messages that are not engine events, or are
 * broken, are refused without touching what they should not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <libmnl/libmnl.h>

#include "netlink/sgwc_engine.h"

static char buf[8192];

/* An SGW_CMD_EVENT header with TYPE, ACTION and NAME. */
static struct nlmsghdr *event(uint32_t type, uint32_t action, const char *name)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = 0x20;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = SGW_CMD_EVENT;
	g->version = SGW_GENL_VERSION;
	mnl_attr_put_u32(nlh, SGW_EVENT_A_TYPE, type);
	mnl_attr_put_u32(nlh, SGW_EVENT_A_ACTION, action);
	mnl_attr_put_strz(nlh, SGW_EVENT_A_NAME, name);
	return nlh;
}

static void test_engine_event(void **state)
{
	struct nlmsghdr *nlh = event(SGW_OBJ_ENGINE, SGW_EVENT_TRANSITION, "e1");
	struct sgwc_engine e;
	struct nlattr *nest;

	(void)state;
	nest = mnl_attr_nest_start(nlh, SGW_EVENT_A_ENGINE);
	mnl_attr_put_strz(nlh, SGW_ENGINE_A_NAME, "e1");
	mnl_attr_put_strz(nlh, SGW_ENGINE_A_CPUS, "2-3,6");
	mnl_attr_put_u8(nlh, SGW_ENGINE_A_STANDBY, 1);
	mnl_attr_put_u8(nlh, SGW_ENGINE_A_ADMIN_UP, 1);
	mnl_attr_put_u32(nlh, SGW_ENGINE_A_STATE, SGW_ENGINE_FAILED);
	mnl_attr_put_u32(nlh, SGW_ENGINE_A_SAS, 7);
	mnl_attr_put_u64(nlh, SGW_ENGINE_A_PACKETS, 1ULL << 40);
	mnl_attr_put_u64(nlh, SGW_ENGINE_A_MOVED_OUT, 39);
	mnl_attr_put_u32(nlh, SGW_ENGINE_A_IF_ID, 42);
	mnl_attr_put_u32(nlh, SGW_ENGINE_A_IF_ID, 43);
	mnl_attr_nest_end(nlh, nest);

	assert_int_equal(sgwc_engine_event_parse(nlh, &e), 0);
	assert_string_equal(e.name, "e1");
	assert_string_equal(e.cpus, "2-3,6");
	assert_true(e.standby);
	assert_true(e.admin_up);
	assert_string_equal(sgwc_engine_state_name(e.state), "failed");
	assert_int_equal(e.sas, 7);
	assert_true(e.packets == 1ULL << 40);
	assert_int_equal(e.moved_out, 39);
	assert_int_equal(e.moved_in, 0);
	assert_int_equal(e.n_bound, 2);
	assert_int_equal(e.bound[0], 42);
	assert_int_equal(e.bound[1], 43);
}

static void test_moved_event(void **state)
{
	struct nlmsghdr *nlh = event(SGW_OBJ_ENGINE, SGW_EVENT_MOVED, "spare");
	struct sgwc_engine_sa sa;
	struct sgwc_engine e;
	struct nlattr *nest;

	(void)state;
	nest = mnl_attr_nest_start(nlh, SGW_EVENT_A_ENGINE_SA);
	mnl_attr_put_u32(nlh, SGW_ESA_A_SPI, 0xc0ffee01);
	mnl_attr_put_u8(nlh, SGW_ESA_A_DIR, SGW_ENGINE_SA_IN);
	mnl_attr_put_u32(nlh, SGW_ESA_A_IF_ID, 42);
	mnl_attr_put_u8(nlh, SGW_ESA_A_FAMILY, AF_INET6);
	mnl_attr_put_strz(nlh, SGW_ESA_A_ENGINE, "spare");
	mnl_attr_put_u32(nlh, SGW_ESA_A_CPU, 3);
	mnl_attr_put_strz(nlh, SGW_ESA_A_FROM, "e1");
	mnl_attr_nest_end(nlh, nest);

	assert_int_equal(sgwc_engine_event_sa_parse(nlh, &sa), 0);
	assert_true(sa.spi == 0xc0ffee01);
	assert_string_equal(sgwc_engine_dir_name(sa.dir), "in");
	assert_int_equal(sa.if_id, 42);
	assert_int_equal(sa.family, AF_INET6);
	assert_string_equal(sa.engine, "spare");
	assert_string_equal(sa.from, "e1");
	assert_int_equal(sa.cpu, 3);
	assert_false(sa.pinned);
	/* a moved event carries no engine nest */
	assert_int_equal(sgwc_engine_event_parse(nlh, &e), -ENOMSG);
}

static void test_not_engine_events(void **state)
{
	struct nlmsghdr *nlh = event(SGW_OBJ_POLICER, SGW_EVENT_CREATED, "p1");
	struct sgwc_engine_sa sa;
	struct sgwc_engine e;
	struct nlattr *nest;

	(void)state;
	assert_int_equal(sgwc_engine_event_parse(nlh, &e), -ENOMSG);
	assert_int_equal(sgwc_engine_event_sa_parse(nlh, &sa), -ENOMSG);

	/* an engine nest without a name, an SA without an SPI: broken */
	nlh = event(SGW_OBJ_ENGINE, SGW_EVENT_CHANGED, "e1");
	nest = mnl_attr_nest_start(nlh, SGW_EVENT_A_ENGINE);
	mnl_attr_put_u32(nlh, SGW_ENGINE_A_SAS, 1);
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(sgwc_engine_event_parse(nlh, &e), -EBADMSG);

	nlh = event(SGW_OBJ_ENGINE, SGW_EVENT_MOVED, "e1");
	nest = mnl_attr_nest_start(nlh, SGW_EVENT_A_ENGINE_SA);
	mnl_attr_put_strz(nlh, SGW_ESA_A_ENGINE, "e1");
	mnl_attr_nest_end(nlh, nest);
	assert_int_equal(sgwc_engine_event_sa_parse(nlh, &sa), -EBADMSG);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(sgwc_engine_state_name(SGW_ENGINE_UP), "up");
	assert_string_equal(sgwc_engine_state_name(SGW_ENGINE_STANDBY), "standby");
	assert_string_equal(sgwc_engine_state_name(SGW_ENGINE_DOWN), "down");
	assert_string_equal(sgwc_engine_state_name(99), "unknown");
	assert_string_equal(sgwc_engine_dir_name(SGW_ENGINE_SA_OUT), "out");
	assert_string_equal(sgwc_engine_dir_name(SGW_ENGINE_SA_UNKNOWN), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_event),
		cmocka_unit_test(test_moved_event),
		cmocka_unit_test(test_not_engine_events),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
