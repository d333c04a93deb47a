// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the XFRM message layer (libsgw/netlink/xfrm_msg.c): the NEWSA and
 * NEWPOLICY messages built for the kernel, input checks, event parsing and
 * range-to-prefix splitting. Nothing is sent: the built bytes are decoded
 * and compared with what linux/xfrm.h specifies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <linux/udp.h>
#include <libmnl/libmnl.h>

#include "netlink/xfrm_client.h"

static const uint8_t gcm_key[20] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
				     0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
				     0x0f, 0x10, 0xca, 0xfe, 0xba, 0xbe };
static const uint8_t cbc_key[32] = { 0xaa };
static const uint8_t sha256_key[32] = { 0xbb };

static uint8_t buf[XFRM_MSG_BUF];
static char err[256];

/* Attributes of a built message, by type, in the order they came. */
struct attrs {
	const struct nlattr *tb[XFRMA_MAX + 1];
	int order[32];
	int n;
};

static int collect(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	int type = mnl_attr_get_type(a);

	assert_true(type <= XFRMA_MAX);
	assert_null(at->tb[type]);	/* each attribute once */
	at->tb[type] = a;
	at->order[at->n++] = type;
	return MNL_CB_OK;
}

static void parse(const struct nlmsghdr *nlh, size_t hdr, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	assert_int_equal(mnl_attr_parse(nlh, (unsigned int)MNL_ALIGN(hdr),
					collect, at), MNL_CB_OK);
}

static void gcm_sa(struct xfrm_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &sa->src.a4);
	inet_pton(AF_INET, "192.0.2.2", &sa->dst.a4);
	sa->spi = 0xc0ffee01;
	sa->reqid = 0x53000007;
	sa->crypto.aead = "rfc4106(gcm(aes))";
	sa->crypto.enc_key = gcm_key;
	sa->crypto.enc_key_len = sizeof(gcm_key);
	sa->replay_window = 32;
	sa->if_id = 42;
}

static void test_sa_aead_layout(void **state)
{
	const struct xfrm_usersa_info *p;
	const struct xfrm_algo_aead *aead;
	const struct nlmsghdr *nlh;
	struct xfrm_sa sa;
	struct attrs at;
	int len;

	(void)state;
	gcm_sa(&sa);
	sa.lft.soft_bytes = 1000;
	sa.lft.hard_bytes = 2000;
	sa.lft.soft_add_seconds = 3000;
	sa.lft.hard_add_seconds = 3600;
	len = xfrm_build_sa(buf, sizeof(buf), &sa, false, err, sizeof(err));
	assert_true(len > 0);
	nlh = (const struct nlmsghdr *)buf;
	assert_int_equal(nlh->nlmsg_len, len);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_NEWSA);

	p = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(p->id.spi, htonl(0xc0ffee01));	/* network order */
	assert_int_equal(p->id.proto, IPPROTO_ESP);
	assert_int_equal(p->id.daddr.a4, sa.dst.a4);
	assert_int_equal(p->saddr.a4, sa.src.a4);
	assert_int_equal(p->family, AF_INET);
	assert_int_equal(p->mode, XFRM_MODE_TUNNEL);
	assert_int_equal(p->reqid, 0x53000007);
	assert_int_equal(p->replay_window, 32);	/* legacy field up to 32 */
	/* Tunnel SA: empty selector, either inner family allowed. */
	assert_int_equal(p->flags, XFRM_STATE_AF_UNSPEC);
	assert_int_equal(p->sel.family, 0);
	assert_true(p->lft.soft_byte_limit == 1000);
	assert_true(p->lft.hard_byte_limit == 2000);
	assert_true(p->lft.soft_packet_limit == XFRM_INF);	/* 0 = no limit */
	assert_true(p->lft.hard_packet_limit == XFRM_INF);
	assert_true(p->lft.soft_add_expires_seconds == 3000);
	assert_true(p->lft.hard_add_expires_seconds == 3600);

	parse(nlh, sizeof(*p), &at);
	assert_int_equal(at.n, 2);
	assert_int_equal(at.order[0], XFRMA_ALG_AEAD);
	assert_int_equal(at.order[1], XFRMA_IF_ID);
	assert_null(at.tb[XFRMA_ALG_CRYPT]);
	assert_null(at.tb[XFRMA_REPLAY_ESN_VAL]);
	assert_null(at.tb[XFRMA_MARK]);		/* no mark given: none sent */
	assert_null(at.tb[XFRMA_ENCAP]);

	aead = mnl_attr_get_payload(at.tb[XFRMA_ALG_AEAD]);
	assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_ALG_AEAD]),
			 sizeof(*aead) + sizeof(gcm_key));
	assert_string_equal(aead->alg_name, "rfc4106(gcm(aes))");
	assert_int_equal(aead->alg_key_len, 160);	/* bits, salt included */
	assert_int_equal(aead->alg_icv_len, 128);	/* default ICV */
	assert_memory_equal(aead->alg_key, gcm_key, sizeof(gcm_key));
	assert_int_equal(mnl_attr_get_u32(at.tb[XFRMA_IF_ID]), 42);
}

static void test_sa_cbc_esn_natt_mark(void **state)
{
	const struct xfrm_replay_state_esn *rs;
	const struct xfrm_usersa_info *p;
	const struct xfrm_algo_auth *auth;
	const struct xfrm_encap_tmpl *enc;
	const struct xfrm_algo *crypt;
	const struct xfrm_mark *mark;
	const struct nlmsghdr *nlh;
	struct xfrm_sa sa;
	struct attrs at;

	(void)state;
	gcm_sa(&sa);
	sa.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", sa.src.a6);
	inet_pton(AF_INET6, "2001:db8::2", sa.dst.a6);
	sa.crypto.aead = NULL;
	sa.crypto.encr = "cbc(aes)";
	sa.crypto.enc_key = cbc_key;
	sa.crypto.enc_key_len = sizeof(cbc_key);
	sa.crypto.auth = "hmac(sha256)";
	sa.crypto.auth_key = sha256_key;
	sa.crypto.auth_key_len = sizeof(sha256_key);
	sa.esn = true;
	sa.replay_window = 128;
	sa.natt = true;
	sa.mark.v = 5;
	sa.mark.m = 0xff;
	assert_true(xfrm_build_sa(buf, sizeof(buf), &sa, true, err, sizeof(err)) > 0);
	nlh = (const struct nlmsghdr *)buf;
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_UPDSA);
	p = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(p->family, AF_INET6);
	assert_memory_equal(p->id.daddr.a6, sa.dst.a6, 16);
	assert_int_equal(p->flags, XFRM_STATE_AF_UNSPEC | XFRM_STATE_ESN);
	assert_int_equal(p->replay_window, 0);	/* must be 0 with the ESN attr */

	parse(nlh, sizeof(*p), &at);
	assert_int_equal(at.n, 6);
	assert_int_equal(at.order[0], XFRMA_ALG_CRYPT);
	assert_int_equal(at.order[1], XFRMA_ALG_AUTH_TRUNC);
	assert_int_equal(at.order[2], XFRMA_REPLAY_ESN_VAL);
	assert_int_equal(at.order[3], XFRMA_ENCAP);
	assert_int_equal(at.order[4], XFRMA_MARK);
	assert_int_equal(at.order[5], XFRMA_IF_ID);

	crypt = mnl_attr_get_payload(at.tb[XFRMA_ALG_CRYPT]);
	assert_string_equal(crypt->alg_name, "cbc(aes)");
	assert_int_equal(crypt->alg_key_len, 256);
	assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_ALG_CRYPT]),
			 sizeof(*crypt) + 32);
	auth = mnl_attr_get_payload(at.tb[XFRMA_ALG_AUTH_TRUNC]);
	assert_string_equal(auth->alg_name, "hmac(sha256)");
	assert_int_equal(auth->alg_key_len, 256);
	assert_int_equal(auth->alg_trunc_len, 128);	/* RFC 4868 */
	assert_memory_equal(auth->alg_key, sha256_key, 32);

	rs = mnl_attr_get_payload(at.tb[XFRMA_REPLAY_ESN_VAL]);
	assert_int_equal(rs->replay_window, 128);
	assert_int_equal(rs->bmp_len, 4);
	assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_REPLAY_ESN_VAL]),
			 sizeof(*rs) + 4 * sizeof(uint32_t));

	enc = mnl_attr_get_payload(at.tb[XFRMA_ENCAP]);
	assert_int_equal(enc->encap_type, UDP_ENCAP_ESPINUDP);
	assert_int_equal(enc->encap_sport, htons(4500));
	assert_int_equal(enc->encap_dport, htons(4500));
	mark = mnl_attr_get_payload(at.tb[XFRMA_MARK]);
	assert_int_equal(mark->v, 5);
	assert_int_equal(mark->m, 0xff);
}

static void test_sa_auth_truncations(void **state)
{
	static const struct { const char *name; size_t key; unsigned int trunc; } t[] = {
		{ "hmac(sha1)", 20, 96 },
		{ "hmac(sha256)", 32, 128 },
		{ "hmac(sha384)", 48, 192 },
		{ "hmac(sha512)", 64, 256 },
	};
	uint8_t akey[64] = { 0 };
	struct xfrm_sa sa;
	struct attrs at;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct xfrm_algo_auth *auth;

		gcm_sa(&sa);
		sa.crypto.aead = NULL;
		sa.crypto.encr = "cbc(aes)";
		sa.crypto.enc_key = cbc_key;
		sa.crypto.enc_key_len = 16;
		sa.crypto.auth = t[i].name;
		sa.crypto.auth_key = akey;
		sa.crypto.auth_key_len = t[i].key;
		assert_true(xfrm_build_sa(buf, sizeof(buf), &sa, false, err,
					  sizeof(err)) > 0);
		parse((const struct nlmsghdr *)buf, sizeof(struct xfrm_usersa_info), &at);
		auth = mnl_attr_get_payload(at.tb[XFRMA_ALG_AUTH_TRUNC]);
		assert_int_equal(auth->alg_trunc_len, t[i].trunc);
		assert_int_equal(auth->alg_key_len, 8 * t[i].key);
	}
}

/* Each bad input must be refused with a message naming the problem. */
static void expect_bad(const struct xfrm_sa *sa, const char *msg_part)
{
	err[0] = '\0';
	assert_true(xfrm_build_sa(buf, sizeof(buf), sa, false, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, msg_part));
}

static void test_sa_bad_input(void **state)
{
	struct xfrm_sa sa;

	(void)state;
	gcm_sa(&sa);
	sa.crypto.aead = "rfc4106(gcm(des))";
	expect_bad(&sa, "unknown AEAD");

	gcm_sa(&sa);
	sa.crypto.enc_key_len = 16;		/* salt missing */
	expect_bad(&sa, "bad AEAD key length");

	gcm_sa(&sa);
	sa.crypto.icv_bits = 100;
	expect_bad(&sa, "ICV");

	gcm_sa(&sa);
	sa.crypto.aead = NULL;
	sa.crypto.encr = "cbc(aes)";
	sa.crypto.enc_key_len = 20;
	sa.crypto.auth = "hmac(sha256)";
	sa.crypto.auth_key = sha256_key;
	sa.crypto.auth_key_len = 32;
	expect_bad(&sa, "bad encryption key length");

	sa.crypto.enc_key_len = 16;
	sa.crypto.auth = "hmac(md5)";
	expect_bad(&sa, "unknown integrity");

	sa.crypto.auth = "hmac(sha256)";
	sa.crypto.auth_key_len = 20;
	expect_bad(&sa, "bad integrity key length");

	sa.crypto.auth_key_len = 32;
	sa.crypto.trunc_bits = 96;
	expect_bad(&sa, "truncation");

	sa.crypto.trunc_bits = 0;
	sa.crypto.auth = NULL;
	expect_bad(&sa, "need an AEAD");

	gcm_sa(&sa);
	sa.crypto.encr = "cbc(aes)";
	expect_bad(&sa, "AEAD excludes");

	gcm_sa(&sa);
	sa.spi = 0;
	expect_bad(&sa, "SPI");

	gcm_sa(&sa);
	sa.family = AF_UNIX;
	expect_bad(&sa, "family");

	gcm_sa(&sa);
	sa.replay_window = 5000;
	expect_bad(&sa, "replay window");

	gcm_sa(&sa);
	sa.lft.soft_packets = 10;
	sa.lft.hard_packets = 5;
	expect_bad(&sa, "soft lifetime");

	/* And the good one still builds. */
	gcm_sa(&sa);
	assert_true(xfrm_build_sa(buf, sizeof(buf), &sa, false, err, sizeof(err)) > 0);
}

static void test_sa_replay_natt_ports(void **state)
{
	static const uint8_t key36[36] = { 0x11 };
	const struct xfrm_replay_state_esn *rs;
	const struct xfrm_usersa_info *p;
	const struct xfrm_algo_aead *aead;
	const struct xfrm_encap_tmpl *enc;
	struct xfrm_sa sa;
	struct attrs at;

	(void)state;
	/* A window above 32 without ESN: the ESN attribute, no ESN flag. */
	gcm_sa(&sa);
	sa.replay_window = 64;
	sa.natt = true;
	sa.natt_sport = 4501;
	sa.natt_dport = 30000;
	sa.crypto.enc_key = key36;
	sa.crypto.enc_key_len = sizeof(key36);
	sa.crypto.icv_bits = 96;
	assert_true(xfrm_build_sa(buf, sizeof(buf), &sa, false, err, sizeof(err)) > 0);
	p = mnl_nlmsg_get_payload((const struct nlmsghdr *)buf);
	assert_int_equal(p->flags, XFRM_STATE_AF_UNSPEC);
	assert_int_equal(p->replay_window, 0);
	parse((const struct nlmsghdr *)buf, sizeof(*p), &at);
	rs = mnl_attr_get_payload(at.tb[XFRMA_REPLAY_ESN_VAL]);
	assert_int_equal(rs->replay_window, 64);
	assert_int_equal(rs->bmp_len, 2);
	enc = mnl_attr_get_payload(at.tb[XFRMA_ENCAP]);
	assert_int_equal(enc->encap_sport, htons(4501));
	assert_int_equal(enc->encap_dport, htons(30000));
	aead = mnl_attr_get_payload(at.tb[XFRMA_ALG_AEAD]);
	assert_int_equal(aead->alg_key_len, 288);	/* AES-256 + salt */
	assert_int_equal(aead->alg_icv_len, 96);

	/* Outbound ESN SA without a window: the kernel needs one, 32 is used. */
	gcm_sa(&sa);
	sa.replay_window = 0;
	sa.esn = true;
	assert_true(xfrm_build_sa(buf, sizeof(buf), &sa, false, err, sizeof(err)) > 0);
	p = mnl_nlmsg_get_payload((const struct nlmsghdr *)buf);
	assert_int_equal(p->flags, XFRM_STATE_AF_UNSPEC | XFRM_STATE_ESN);
	parse((const struct nlmsghdr *)buf, sizeof(*p), &at);
	rs = mnl_attr_get_payload(at.tb[XFRMA_REPLAY_ESN_VAL]);
	assert_int_equal(rs->replay_window, 32);
	assert_int_equal(rs->bmp_len, 1);

	/* No window, no ESN: the legacy field stays 0, no attribute. */
	gcm_sa(&sa);
	sa.replay_window = 0;
	assert_true(xfrm_build_sa(buf, sizeof(buf), &sa, false, err, sizeof(err)) > 0);
	p = mnl_nlmsg_get_payload((const struct nlmsghdr *)buf);
	assert_int_equal(p->replay_window, 0);
	parse((const struct nlmsghdr *)buf, sizeof(*p), &at);
	assert_null(at.tb[XFRMA_REPLAY_ESN_VAL]);

	/* Soft above hard is refused for every kind of limit. */
	gcm_sa(&sa);
	sa.lft.soft_use_seconds = 20;
	sa.lft.hard_use_seconds = 10;
	expect_bad(&sa, "soft lifetime");
	gcm_sa(&sa);
	sa.lft.soft_bytes = 20;
	sa.lft.hard_bytes = 10;
	expect_bad(&sa, "soft lifetime");
}

static void out_policy(struct xfrm_pol *p)
{
	memset(p, 0, sizeof(*p));
	p->dir = XFRM_POLICY_OUT;
	assert_int_equal(xfrm_prefix_parse("10.1.2.3/24", &p->sel.src,
					   &p->sel.src_len, &p->sel.family), 0);
	assert_int_equal(xfrm_prefix_parse("10.9.0.0/16", &p->sel.dst,
					   &p->sel.dst_len, &p->sel.family), 0);
	p->sel.proto = IPPROTO_UDP;
	p->sel.dport = 2152;
	p->tmpl_family = AF_INET6;	/* IPv4 inside IPv6 */
	inet_pton(AF_INET6, "2001:db8::1", p->tmpl_src.a6);
	inet_pton(AF_INET6, "2001:db8::2", p->tmpl_dst.a6);
	p->reqid = 0x53000009;
	p->if_id = 42;
	p->priority = 1000;
}

static void test_policy_layout(void **state)
{
	const struct xfrm_userpolicy_info *p;
	const struct xfrm_user_tmpl *t;
	const struct nlmsghdr *nlh;
	struct xfrm_pol pol;
	struct attrs at;
	in_addr_t a;

	(void)state;
	out_policy(&pol);
	assert_true(xfrm_build_policy(buf, sizeof(buf), &pol, false, err,
				      sizeof(err)) > 0);
	nlh = (const struct nlmsghdr *)buf;
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_NEWPOLICY);
	p = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(p->dir, XFRM_POLICY_OUT);
	assert_int_equal(p->action, XFRM_POLICY_ALLOW);
	assert_int_equal(p->priority, 1000);
	assert_int_equal(p->sel.family, AF_INET);
	a = inet_addr("10.1.2.0");		/* host bits cleared */
	assert_int_equal(p->sel.saddr.a4, a);
	assert_int_equal(p->sel.prefixlen_s, 24);
	assert_int_equal(p->sel.prefixlen_d, 16);
	assert_int_equal(p->sel.proto, IPPROTO_UDP);
	assert_int_equal(p->sel.dport, htons(2152));
	assert_int_equal(p->sel.dport_mask, 0xffff);
	assert_int_equal(p->sel.sport_mask, 0);
	assert_true(p->lft.hard_byte_limit == XFRM_INF);

	parse(nlh, sizeof(*p), &at);
	assert_int_equal(at.n, 2);
	assert_int_equal(at.order[0], XFRMA_TMPL);
	assert_int_equal(at.order[1], XFRMA_IF_ID);
	assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_TMPL]), sizeof(*t));
	t = mnl_attr_get_payload(at.tb[XFRMA_TMPL]);
	assert_int_equal(t->family, AF_INET6);
	assert_int_equal(t->id.proto, IPPROTO_ESP);
	assert_int_equal(t->id.spi, 0);
	assert_int_equal(t->mode, XFRM_MODE_TUNNEL);
	assert_int_equal(t->reqid, 0x53000009);
	assert_memory_equal(t->id.daddr.a6, pol.tmpl_dst.a6, 16);
	assert_memory_equal(t->saddr.a6, pol.tmpl_src.a6, 16);
	assert_int_equal(t->ealgos, ~0u);
}

static void test_policy_bad_input(void **state)
{
	struct xfrm_pol pol;

	(void)state;
	out_policy(&pol);
	pol.dir = 7;
	assert_int_equal(xfrm_build_policy(buf, sizeof(buf), &pol, false, err,
					   sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "direction"));

	out_policy(&pol);
	pol.sel.proto = 0;			/* ports without a protocol */
	assert_int_equal(xfrm_build_policy(buf, sizeof(buf), &pol, false, err,
					   sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "ports"));

	out_policy(&pol);
	pol.sel.dst_len = 33;
	assert_int_equal(xfrm_build_policy(buf, sizeof(buf), &pol, false, err,
					   sizeof(err)), -EINVAL);
}

/* Build an EXPIRE as the kernel sends it: xfrm_user_expire + attributes. */
static size_t fake_expire(uint8_t *out, bool hard, bool with_if_id)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(out);
	struct xfrm_user_expire *ue;

	nlh->nlmsg_type = XFRM_MSG_EXPIRE;
	ue = mnl_nlmsg_put_extra_header(nlh, sizeof(*ue));
	ue->state.family = AF_INET;
	ue->state.id.daddr.a4 = inet_addr("192.0.2.2");
	ue->state.saddr.a4 = inet_addr("192.0.2.1");
	ue->state.id.spi = htonl(0x1234);
	ue->state.id.proto = IPPROTO_ESP;
	ue->state.reqid = 0x53000001;
	ue->hard = hard;
	if (with_if_id)
		mnl_attr_put_u32(nlh, XFRMA_IF_ID, 42);
	return nlh->nlmsg_len;
}

static void test_event_expire(void **state)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct xfrm_event e;

	(void)state;
	memset(buf, 0, sizeof(buf));
	fake_expire(buf, false, true);
	assert_int_equal(xfrm_event_parse(nlh, &e), 0);
	assert_int_equal(e.type, XFRM_EV_SA_EXPIRE);
	assert_false(e.hard);
	assert_int_equal(e.spi, 0x1234);
	assert_int_equal(e.proto, IPPROTO_ESP);
	assert_int_equal(e.family, AF_INET);
	assert_int_equal(e.dst.a4, inet_addr("192.0.2.2"));
	assert_int_equal(e.reqid, 0x53000001);
	assert_int_equal(e.if_id, 42);

	memset(buf, 0, sizeof(buf));
	fake_expire(buf, true, false);
	assert_int_equal(xfrm_event_parse(nlh, &e), 0);
	assert_true(e.hard);
	assert_int_equal(e.if_id, 0);

	/* Truncated: shorter than struct xfrm_user_expire. */
	nlh->nlmsg_len = mnl_nlmsg_size(sizeof(struct xfrm_user_expire) - 8);
	assert_int_equal(xfrm_event_parse(nlh, &e), -EINVAL);

	/* Not an event. */
	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	assert_int_equal(xfrm_event_parse(nlh, &e), -ENOENT);
}

static void test_event_acquire(void **state)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(memset(buf, 0, sizeof(buf)));
	struct xfrm_user_acquire *ua;
	struct xfrm_user_tmpl t;
	struct xfrm_event e;

	(void)state;
	nlh->nlmsg_type = XFRM_MSG_ACQUIRE;
	ua = mnl_nlmsg_put_extra_header(nlh, sizeof(*ua));
	ua->id.daddr.a4 = inet_addr("192.0.2.2");
	ua->id.proto = IPPROTO_ESP;
	ua->saddr.a4 = inet_addr("192.0.2.1");
	ua->sel.family = AF_INET;
	ua->sel.daddr.a4 = inet_addr("10.9.9.9");
	ua->sel.prefixlen_d = 32;
	ua->policy.sel.family = AF_INET;
	ua->policy.index = 77;
	ua->policy.dir = XFRM_POLICY_OUT;
	memset(&t, 0, sizeof(t));
	t.family = AF_INET;
	t.reqid = 0x53000002;
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), &t);
	assert_int_equal(xfrm_event_parse(nlh, &e), 0);
	assert_int_equal(e.type, XFRM_EV_ACQUIRE);
	assert_int_equal(e.reqid, 0x53000002);
	assert_int_equal(e.policy_index, 77);
	assert_int_equal(e.sel.dst.a4, inet_addr("10.9.9.9"));
	assert_int_equal(e.sel.dst_len, 32);
}

static void test_range_to_prefixes(void **state)
{
	xfrm_address_t lo, hi, pfx[8];
	uint8_t lens[8];
	char s[INET6_ADDRSTRLEN];
	int fam, n;

	(void)state;
	xfrm_addr_parse("10.0.0.1", &lo, &fam);
	xfrm_addr_parse("10.0.0.6", &hi, &fam);
	n = xfrm_range_to_prefixes(fam, &lo, &hi, pfx, lens, 8);
	assert_int_equal(n, 4);		/* .1/32 .2/31 .4/31 .6/32 */
	assert_string_equal(xfrm_addr_str(fam, &pfx[0], s, sizeof(s)), "10.0.0.1");
	assert_int_equal(lens[0], 32);
	assert_string_equal(xfrm_addr_str(fam, &pfx[1], s, sizeof(s)), "10.0.0.2");
	assert_int_equal(lens[1], 31);
	assert_string_equal(xfrm_addr_str(fam, &pfx[2], s, sizeof(s)), "10.0.0.4");
	assert_int_equal(lens[2], 31);
	assert_string_equal(xfrm_addr_str(fam, &pfx[3], s, sizeof(s)), "10.0.0.6");
	assert_int_equal(lens[3], 32);
	assert_int_equal(xfrm_range_to_prefixes(fam, &lo, &hi, pfx, lens, 3), -ENOSPC);
	assert_int_equal(xfrm_range_to_prefixes(fam, &hi, &lo, pfx, lens, 8), -EINVAL);

	xfrm_addr_parse("0.0.0.0", &lo, &fam);
	xfrm_addr_parse("255.255.255.255", &hi, &fam);
	assert_int_equal(xfrm_range_to_prefixes(fam, &lo, &hi, pfx, lens, 8), 1);
	assert_int_equal(lens[0], 0);

	xfrm_addr_parse("::", &lo, &fam);
	xfrm_addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &hi, &fam);
	assert_int_equal(xfrm_range_to_prefixes(fam, &lo, &hi, pfx, lens, 8), 1);
	assert_int_equal(lens[0], 0);

	xfrm_addr_parse("2001:db8::", &lo, &fam);
	xfrm_addr_parse("2001:db8::ffff", &hi, &fam);
	assert_int_equal(xfrm_range_to_prefixes(fam, &lo, &hi, pfx, lens, 8), 1);
	assert_int_equal(lens[0], 112);
}

static void test_tunnel_policies(void **state)
{
	struct xfrm_tunnel_ends e = { .if_id = 7, .reqid = 0x53000001 };
	struct xfrm_sel_range l = { 0 }, r[2] = { { 0 }, { 0 } };
	struct xfrm_pol p[12];
	char s[INET6_ADDRSTRLEN];
	int fam, n, i;

	(void)state;
	xfrm_addr_parse("192.0.2.7", &e.local, &e.family);
	xfrm_addr_parse("192.0.2.1", &e.peer, &fam);
	xfrm_addr_parse("10.1.0.5", &l.start, &l.family);
	l.end = l.start;
	xfrm_addr_parse("10.2.0.0", &r[0].start, &r[0].family);
	xfrm_addr_parse("10.2.0.255", &r[0].end, &fam);
	r[0].proto = IPPROTO_UDP;
	r[0].port = 2152;
	/* another family: no pair */
	xfrm_addr_parse("2001:db8::", &r[1].start, &r[1].family);
	xfrm_addr_parse("2001:db8::ff", &r[1].end, &fam);
	n = xfrm_tunnel_policies(&e, &l, 1, r, 2, p, 12);
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++) {
		bool out = p[i].dir == XFRM_POLICY_OUT;

		assert_int_equal(p[i].sel.family, AF_INET);
		assert_int_equal(p[i].sel.proto, IPPROTO_UDP);
		assert_int_equal(p[i].sel.src_len, out ? 32 : 24);
		assert_int_equal(p[i].sel.dst_len, out ? 24 : 32);
		assert_int_equal(out ? p[i].sel.dport : p[i].sel.sport, 2152);
		assert_string_equal(xfrm_addr_str(AF_INET, &p[i].sel.src, s, sizeof(s)),
				    out ? "10.1.0.5" : "10.2.0.0");
		assert_string_equal(xfrm_addr_str(AF_INET, &p[i].tmpl_dst, s, sizeof(s)),
				    out ? "192.0.2.1" : "192.0.2.7");
		assert_int_equal(p[i].reqid, 0x53000001);
		assert_int_equal(p[i].if_id, 7);
		assert_int_equal(p[i].priority, 200000 - 56 * 256);
	}
	assert_int_equal(p[0].dir, XFRM_POLICY_OUT);
	assert_int_equal(p[1].dir, XFRM_POLICY_IN);
	assert_int_equal(p[2].dir, XFRM_POLICY_FWD);
	/* a range of two prefixes: twice the policies; too few slots */
	xfrm_addr_parse("10.2.1.0", &r[0].end, &fam);
	assert_int_equal(xfrm_tunnel_policies(&e, &l, 1, r, 1, p, 12), 6);
	assert_int_equal(xfrm_tunnel_policies(&e, &l, 1, r, 1, p, 5), -ENOSPC);
}

static void test_prefix_parse(void **state)
{
	xfrm_address_t a;
	uint8_t len;
	int fam;

	(void)state;
	assert_int_equal(xfrm_prefix_parse("2001:db8::1/64", &a, &len, &fam), 0);
	assert_int_equal(fam, AF_INET6);
	assert_int_equal(len, 64);
	assert_int_equal(xfrm_prefix_parse("10.0.0.1", &a, &len, &fam), 0);
	assert_int_equal(len, 32);
	assert_int_equal(xfrm_prefix_parse("10.0.0.1/33", &a, &len, &fam), -EINVAL);
	assert_int_equal(xfrm_prefix_parse("10.0.0.1/", &a, &len, &fam), -EINVAL);
	assert_int_equal(xfrm_prefix_parse("nonsense/8", &a, &len, &fam), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_aead_layout),
		cmocka_unit_test(test_sa_cbc_esn_natt_mark),
		cmocka_unit_test(test_sa_auth_truncations),
		cmocka_unit_test(test_sa_bad_input),
		cmocka_unit_test(test_sa_replay_natt_ports),
		cmocka_unit_test(test_policy_layout),
		cmocka_unit_test(test_policy_bad_input),
		cmocka_unit_test(test_event_expire),
		cmocka_unit_test(test_event_acquire),
		cmocka_unit_test(test_range_to_prefixes),
		cmocka_unit_test(test_tunnel_policies),
		cmocka_unit_test(test_prefix_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
