// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the netlink transport's status decoding
 * (libsgw/netlink/nlconn.c): extended-ack message, offset of the attribute at
 * fault mapped back to a path in the request, missing attributes, policy
 * bounds, dump status.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/sgw.h>

#include "netlink/genl.h"

static _Alignas(8) char reqbuf[4096];
static _Alignas(8) char ackbuf[4096];
static uint32_t prefix_addr_offs[3];	/* offsets of each prefix's ADDR */

/* A PLIST_ADD request: NAME, then three PREFIX nests (ADDR, PLEN). */
static struct nlmsghdr *build_request(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(reqbuf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	uint8_t addr[4] = { 10, 0, 0, 0 };
	int i;

	nlh->nlmsg_type = 0x20;
	g->cmd = SGW_CMD_PLIST_ADD;
	mnl_attr_put_strz(nlh, SGW_PLIST_A_NAME, "mme");
	for (i = 0; i < 3; i++) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, SGW_PLIST_A_PREFIX);

		nest->nla_type |= NLA_F_NESTED;
		addr[1] = (uint8_t)i;
		prefix_addr_offs[i] = (uint32_t)((char *)mnl_nlmsg_get_payload_tail(nlh) - reqbuf);
		mnl_attr_put(nlh, SGW_PREFIX_A_ADDR, sizeof(addr), addr);
		mnl_attr_put_u8(nlh, SGW_PREFIX_A_PLEN, 16);
		mnl_attr_nest_end(nlh, nest);
	}
	return nlh;
}

/* The kernel's answer with NETLINK_CAP_ACK and NETLINK_EXT_ACK set. */
static struct nlmsghdr *build_ack(const struct nlmsghdr *req, int error)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(ackbuf);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	e->error = error;
	e->msg = *req;
	return nlh;
}

/* What genl_request() does with the kernel's answer to req. */
static void decode(const struct nlmsghdr *status, const struct nlmsghdr *req,
		   struct nlconn_err *err)
{
	nlconn_err_decode(status, err);
	nlconn_err_locate(err, req, GENL_HDRLEN);
}

static void test_offset_to_nested_prefix(void **state)
{
	struct nlmsghdr *req = build_request();
	struct nlmsghdr *ack = build_ack(req, -EINVAL);
	struct nlconn_err err;

	(void)state;
	mnl_attr_put_strz(ack, NLMSGERR_ATTR_MSG, "host bits set beyond the prefix length");
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_OFFS, prefix_addr_offs[1]);
	decode(ack, req, &err);
	assert_int_equal(err.code, -EINVAL);
	assert_string_equal(err.msg, "host bits set beyond the prefix length");
	assert_int_equal(err.depth, 2);
	assert_int_equal(err.path[0].type, SGW_PLIST_A_PREFIX);
	assert_int_equal(err.path[0].index, 1);	/* the second prefix */
	assert_int_equal(err.path[1].type, SGW_PREFIX_A_ADDR);
	assert_int_equal(err.path[1].index, 0);
	assert_false(err.missing);
}

static void test_offset_to_top_level(void **state)
{
	struct nlmsghdr *req = build_request();
	struct nlmsghdr *ack = build_ack(req, -EEXIST);
	struct nlconn_err err;

	(void)state;
	mnl_attr_put_strz(ack, NLMSGERR_ATTR_MSG, "exists");
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_OFFS, NLMSG_HDRLEN + GENL_HDRLEN);
	decode(ack, req, &err);
	assert_int_equal(err.depth, 1);
	assert_int_equal(err.path[0].type, SGW_PLIST_A_NAME);
	/* the third prefix nest itself */
	ack = build_ack(req, -EINVAL);
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_OFFS, prefix_addr_offs[2] - NLA_HDRLEN);
	decode(ack, req, &err);
	assert_int_equal(err.depth, 1);
	assert_int_equal(err.path[0].type, SGW_PLIST_A_PREFIX);
	assert_int_equal(err.path[0].index, 2);
	assert_string_equal(err.msg, "");
}

static void test_bad_offset_ignored(void **state)
{
	struct nlmsghdr *req = build_request();
	struct nlmsghdr *ack = build_ack(req, -EINVAL);
	struct nlconn_err err;

	(void)state;
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_OFFS, req->nlmsg_len + 100);
	decode(ack, req, &err);
	assert_int_equal(err.code, -EINVAL);
	assert_int_equal(err.depth, 0);
	ack = build_ack(req, -EINVAL);
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_OFFS, 4);	/* inside the header */
	decode(ack, req, &err);
	assert_int_equal(err.depth, 0);
}

static void test_missing_attribute(void **state)
{
	struct nlmsghdr *req = build_request();
	struct nlmsghdr *ack = build_ack(req, -EINVAL);
	struct nlconn_err err;

	(void)state;
	mnl_attr_put_strz(ack, NLMSGERR_ATTR_MSG, "missing attribute");
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_MISS_TYPE, SGW_POLICER_A_RATE);
	decode(ack, req, &err);
	assert_true(err.missing);
	assert_int_equal(err.missing_type, SGW_POLICER_A_RATE);
	assert_int_equal(err.depth, 0);
}

static void test_policy_range(void **state)
{
	struct nlmsghdr *req = build_request();
	struct nlmsghdr *ack = build_ack(req, -ERANGE);
	struct nlconn_err err;
	struct nlattr *pol;

	(void)state;
	mnl_attr_put_strz(ack, NLMSGERR_ATTR_MSG, "integer out of range");
	pol = mnl_attr_nest_start(ack, NLMSGERR_ATTR_POLICY);
	mnl_attr_put_u64(ack, NL_POLICY_TYPE_ATTR_MIN_VALUE_U, 1000);
	mnl_attr_put_u64(ack, NL_POLICY_TYPE_ATTR_MAX_VALUE_U, 10000000000000ULL);
	mnl_attr_nest_end(ack, pol);
	decode(ack, req, &err);
	assert_true(err.has_range);
	assert_int_equal(err.range_min, 1000);
	assert_int_equal(err.range_max, 10000000000000LL);
}

static void test_plain_ack_and_uncapped(void **state)
{
	struct nlmsghdr *req = build_request();
	struct nlmsghdr *ack = build_ack(req, 0);
	struct nlconn_err err;
	struct nlmsgerr *e;

	(void)state;
	ack->nlmsg_flags = 0;
	decode(ack, req, &err);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");

	/* Without NETLINK_CAP_ACK the request is echoed before the TLVs. */
	ack = mnl_nlmsg_put_header(ackbuf);
	ack->nlmsg_type = NLMSG_ERROR;
	ack->nlmsg_flags = NLM_F_ACK_TLVS;
	e = mnl_nlmsg_put_extra_header(ack, sizeof(*e));
	e->error = -ENOENT;
	memcpy(&e->msg, req, req->nlmsg_len);
	ack->nlmsg_len += MNL_ALIGN(req->nlmsg_len) - sizeof(e->msg);
	mnl_attr_put_strz(ack, NLMSGERR_ATTR_MSG, "unknown list");
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_OFFS, NLMSG_HDRLEN + GENL_HDRLEN);
	decode(ack, req, &err);
	assert_int_equal(err.code, -ENOENT);
	assert_string_equal(err.msg, "unknown list");
	assert_int_equal(err.depth, 1);
	assert_int_equal(err.path[0].type, SGW_PLIST_A_NAME);
}

static void test_dump_done_with_error(void **state)
{
	struct nlmsghdr *req = build_request();
	struct nlmsghdr *done = mnl_nlmsg_put_header(ackbuf);
	int *code = mnl_nlmsg_put_extra_header(done, sizeof(int));
	struct nlconn_err err;

	(void)state;
	done->nlmsg_type = NLMSG_DONE;
	done->nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS;
	*code = -ENOENT;
	mnl_attr_put_strz(done, NLMSGERR_ATTR_MSG, "no such policer");
	decode(done, req, &err);
	assert_int_equal(err.code, -ENOENT);
	assert_string_equal(err.msg, "no such policer");
}

/* A message is whole only with its padding: libmnl reads to the aligned end. */
static void test_msg_ok_needs_padding(void **state)
{
	uint32_t buf[16] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

	(void)state;
	nlh->nlmsg_len = 62;
	assert_false(nlconn_msg_ok(nlh, 62));
	assert_true(nlconn_msg_ok(nlh, 64));
	nlh->nlmsg_len = 0xfffffffe;	/* aligned, it would wrap to 0 */
	assert_false(nlconn_msg_ok(nlh, 64));
	nlh->nlmsg_len = 8;		/* shorter than its header */
	assert_false(nlconn_msg_ok(nlh, 64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offset_to_nested_prefix),
		cmocka_unit_test(test_offset_to_top_level),
		cmocka_unit_test(test_bad_offset_ignored),
		cmocka_unit_test(test_missing_attribute),
		cmocka_unit_test(test_policy_range),
		cmocka_unit_test(test_plain_ack_and_uncapped),
		cmocka_unit_test(test_dump_done_with_error),
		cmocka_unit_test(test_msg_ok_needs_padding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
