// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the IKEv2 message codec (libsgw/ike/ike_msg.c, ike_build.c,
 * ike_id.c): build/parse round trips, a full IKE_SA_INIT + IKE_AUTH exchange
 * (build -> protect -> unprotect -> parse -> AUTH check), and hostile input
 * (truncation, bad lengths, unknown critical payloads, oversized, loops,
 * random mutations) under ASan/UBSan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "base/sgw_sockaddr.h"
#include "ike/ike_crypto.h"
#include "ike/ike_msg.h"
#include "ike/ike_proposal.h"
#include "ike_test_util.h"

/* --- helpers ----------------------------------------------------------------------- */

static const uint64_t SPI_I = 0x1122334455667788ULL;
static const uint64_t SPI_R = 0x99aabbccddeeff00ULL;

static void make_ts(struct ike_ts *ts, const char *from, const char *to)
{
	memset(ts, 0, sizeof(*ts));
	if (strchr(from, ':')) {
		ts->type = IKE_TS_IPV6_ADDR_RANGE;
		assert_int_equal(inet_pton(AF_INET6, from, ts->start_addr), 1);
		assert_int_equal(inet_pton(AF_INET6, to, ts->end_addr), 1);
	} else {
		ts->type = IKE_TS_IPV4_ADDR_RANGE;
		assert_int_equal(inet_pton(AF_INET, from, ts->start_addr), 1);
		assert_int_equal(inet_pton(AF_INET, to, ts->end_addr), 1);
	}
	ts->end_port = 65535;
}

/* A realistic IKE_SA_INIT request: SA, KE, Ni, N(NAT_D x2), V. */
static size_t build_sa_init(uint8_t *buf, size_t cap, struct ike_dh *dh,
			    const uint8_t *nonce)
{
	struct ike_proposal props[2];
	struct ike_hdr h = {
		.spi_i = SPI_I, .exchange = IKE_SA_INIT, .flags = IKE_FLAG_I,
	};
	uint8_t pub[IKE_DH_MAX_LEN], natd[20] = { 0 };
	struct ike_builder b;
	size_t publen;
	char err[128];

	assert_int_equal(ike_proposals_parse("aes128gcm16-prfsha256-ecp256,"
					     "aes256-sha256-modp2048",
					     IKE_PROTO_IKE, props, 2, err,
					     sizeof(err)), 2);
	assert_int_equal(ike_dh_public(dh, pub, sizeof(pub), &publen), 0);
	ike_build_init(&b, buf, cap, &h);
	ike_build_sa(&b, props, 2);
	ike_build_ke(&b, ike_dh_group(dh), pub, publen);
	ike_build_nonce(&b, nonce, 32);
	ike_build_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, natd, 20);
	ike_build_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP,
			 natd, 20);
	ike_build_vendor(&b, (const uint8_t *)"sgw", 3);
	return ike_build_end(&b);
}

static size_t sample_sa_init(uint8_t *buf, size_t cap)
{
	uint8_t nonce[32];
	struct ike_dh *dh = ike_dh_new(IKE_DH_ECP256, false);
	size_t len;

	assert_non_null(dh);
	memset(nonce, 0x5a, sizeof(nonce));
	len = build_sa_init(buf, cap, dh, nonce);
	ike_dh_free(dh);
	return len;
}

static int parse(const uint8_t *buf, size_t len, struct ike_parse_err *err)
{
	static struct ike_msg m;

	return ike_msg_parse(buf, len, &m, err);
}

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Message = header + one payload with the given body (clear). */
static size_t one_payload(uint8_t *buf, size_t cap, uint8_t type,
			  bool critical, const uint8_t *body, size_t len)
{
	struct ike_hdr h = { .spi_i = 1, .exchange = IKE_INFORMATIONAL };
	struct ike_builder b;

	ike_build_init(&b, buf, cap, &h);
	ike_build_payload(&b, type, critical, body, len);
	return ike_build_end(&b);
}

static uint16_t one_payload_verdict(uint8_t type, const uint8_t *body,
				    size_t len)
{
	uint8_t buf[2048];
	struct ike_parse_err err;
	size_t n = one_payload(buf, sizeof(buf), type, false, body, len);

	assert_true(n > 0);
	if (parse(buf, n, &err) == 0)
		return 0;
	assert_non_null(err.reason);
	return err.notify ? err.notify : 0xffff;
}

/* --- round trips ---------------------------------------------------------------------- */

static void test_sa_init_round_trip(void **state)
{
	uint8_t buf[1024];
	struct ike_parse_err err;
	struct ike_msg *m = calloc(1, sizeof(*m));
	size_t len = sample_sa_init(buf, sizeof(buf));

	(void)state;
	assert_non_null(m);
	assert_true(len > 0);
	assert_int_equal(ike_msg_parse(buf, len, m, &err), 0);
	assert_int_equal(m->hdr.spi_i, SPI_I);
	assert_int_equal(m->hdr.spi_r, 0);
	assert_int_equal(m->hdr.exchange, IKE_SA_INIT);
	assert_int_equal(m->hdr.flags, IKE_FLAG_I);
	assert_int_equal(m->hdr.version, IKE_VERSION);
	assert_int_equal(m->hdr.length, len);
	assert_int_equal(m->n_payloads, 6);
	assert_false(m->sk.present);
	assert_true(m->sa.present);
	assert_int_equal(m->sa.n, 2);
	assert_int_equal(m->sa.prop[0].num, 1);
	assert_int_equal(m->sa.prop[1].num, 2);
	assert_int_equal(m->sa.prop[0].proto, IKE_PROTO_IKE);
	assert_int_equal(m->sa.prop[0].n_transforms, 3);
	assert_int_equal(m->sa.prop[0].t[0].type, IKE_TRANS_ENCR);
	assert_int_equal(m->sa.prop[0].t[0].id, IKE_ENCR_AES_GCM_16);
	assert_int_equal(m->sa.prop[0].t[0].key_len, 128);
	assert_int_equal(m->sa.prop[1].n_transforms, 4);
	assert_true(m->ke.present);
	assert_int_equal(m->ke.group, IKE_DH_ECP256);
	assert_int_equal(m->ke.len, 64);
	assert_true(m->nonce.present);
	assert_int_equal(m->nonce.len, 32);
	assert_int_equal(m->n_notify, 2);
	assert_int_equal(m->notify[0].type, IKE_N_NAT_DETECTION_SOURCE_IP);
	assert_int_equal(m->notify[0].data_len, 20);
	assert_false(m->notify[0].inner);
	assert_non_null(ike_msg_find_notify(m, IKE_N_NAT_DETECTION_DESTINATION_IP));
	assert_null(ike_msg_find_notify(m, IKE_N_COOKIE));
	assert_null(ike_msg_first_error(m));
	assert_int_equal(m->n_vendor, 1);
	assert_int_equal(m->vendor[0].len, 3);
	free(m);
}

static void test_builder_errors(void **state)
{
	uint8_t buf[64], big[300] = { 0 };
	struct ike_hdr h = { .exchange = IKE_INFORMATIONAL };
	struct ike_builder b;
	struct ike_id id = { 0 };
	struct ike_ts ts;

	(void)state;
	ike_build_init(&b, buf, 20, &h);	/* no room for the header */
	assert_true(b.err);
	assert_int_equal(ike_build_end(&b), 0);
	ike_build_init(&b, buf, sizeof(buf), &h);
	ike_build_vendor(&b, big, sizeof(big));	/* overflow is sticky */
	assert_true(b.err);
	ike_build_vendor(&b, big, 1);
	assert_int_equal(ike_build_end(&b), 0);
	ike_build_init(&b, buf, sizeof(buf), &h);
	ike_build_nonce(&b, big, 8);		/* nonce too short */
	assert_int_equal(ike_build_end(&b), 0);
	ike_build_init(&b, buf, sizeof(buf), &h);
	ike_build_id(&b, IKE_PL_IDI, &id);	/* empty identity */
	assert_int_equal(ike_build_end(&b), 0);
	ike_build_init(&b, buf, sizeof(buf), &h);
	make_ts(&ts, "10.0.0.0", "10.0.0.255");
	ike_build_ts(&b, IKE_PL_SA, &ts, 1);	/* not a TS type */
	assert_int_equal(ike_build_end(&b), 0);
	ike_build_init(&b, buf, sizeof(buf), &h);
	ike_build_sk_begin(&b, 8);
	assert_int_equal(ike_build_end(&b), 0);	/* SK needs ike_sk_protect */
	ike_build_init(&b, buf, sizeof(buf), &h);
	ike_build_notify(&b, 0, big, 3, IKE_N_COOKIE, big, 4);
	assert_int_equal(ike_build_end(&b), 0);	/* bad SPI size */
}

/*
 * The full exchange: IKE_SA_INIT request/response, key derivation on both
 * sides, an IKE_AUTH request built, protected, unprotected and parsed by the
 * responder, which checks the initiator's AUTH; then its response the other
 * way round.
 */
static void test_full_exchange(void **state)
{
	struct ike_msg *mi = calloc(1, sizeof(*mi)), *mr = calloc(1, sizeof(*mr));
	uint8_t init_req[1024], init_resp[1024], auth_req[1024], auth_resp[1024];
	uint8_t plain[1024], pub[IKE_DH_MAX_LEN], gir_i[64], gir_r[64];
	uint8_t ni[32], nr[32], idb[300], authv[64];
	const uint8_t psk[] = "s3cret-psk-for-enb";
	struct ike_proposal ours[4], esp[2];
	struct ike_sa_keys ki, kr;
	struct ike_parse_err err;
	struct ike_suite s, cs;
	struct ike_builder b;
	struct ike_dh *dhi, *dhr;
	struct ike_id idi, idr;
	struct ike_ts tsi, tsr;
	size_t req_len, resp_len, len, publen, glen, plen, idlen, alen;
	char e[128];

	(void)state;
	assert_non_null(mi);
	assert_non_null(mr);
	/* initiator: IKE_SA_INIT request */
	dhi = ike_dh_new(IKE_DH_ECP256, false);
	assert_non_null(dhi);
	assert_int_equal(ike_random(ni, 32), 0);
	req_len = build_sa_init(init_req, sizeof(init_req), dhi, ni);
	assert_true(req_len > 0);

	/* responder: parse, select, answer */
	assert_int_equal(ike_msg_parse(init_req, req_len, mr, &err), 0);
	assert_int_equal(ike_proposals_parse("aes256-sha256-modp2048,"
					     "aes128gcm16-prfsha256-ecp256",
					     IKE_PROTO_IKE, ours, 4, e,
					     sizeof(e)), 2);
	/* our order prefers modp2048, but the peer's KE is ecp256: the
	 * pair matching the KE wins, no INVALID_KE round trip */
	assert_int_equal(ike_proposal_select(ours, 2, mr->sa.prop, mr->sa.n, 0,
					     mr->ke.group, &s), IKE_SELECT_OK);
	assert_int_equal(s.encr, IKE_ENCR_AES_GCM_16);
	assert_int_equal(s.dh, IKE_DH_ECP256);
	assert_int_equal(s.prop_num, 1);
	dhr = ike_dh_new(s.dh, false);
	assert_non_null(dhr);
	assert_int_equal(ike_dh_shared(dhr, mr->ke.data, mr->ke.len, gir_r,
				       sizeof(gir_r), &glen), 0);
	assert_int_equal(ike_random(nr, 32), 0);
	memcpy(ni, mr->nonce.data, 32);
	{
		struct ike_hdr h = {
			.spi_i = SPI_I, .spi_r = SPI_R, .exchange = IKE_SA_INIT,
			.flags = IKE_FLAG_R,
		};
		struct ike_proposal reply;

		ike_suite_to_proposal(&s, s.prop_num, NULL, 0, &reply);
		assert_int_equal(ike_dh_public(dhr, pub, sizeof(pub), &publen), 0);
		ike_build_init(&b, init_resp, sizeof(init_resp), &h);
		ike_build_sa(&b, &reply, 1);
		ike_build_ke(&b, s.dh, pub, publen);
		ike_build_nonce(&b, nr, 32);
		resp_len = ike_build_end(&b);
		assert_true(resp_len > 0);
	}
	assert_int_equal(ike_derive_sa_keys(&s, gir_r, glen, ni, 32, nr, 32,
					    SPI_I, SPI_R, &kr), 0);

	/* initiator: parse the response, check the choice, derive */
	assert_int_equal(ike_msg_parse(init_resp, resp_len, mi, &err), 0);
	assert_int_equal(mi->hdr.flags, IKE_FLAG_R);
	assert_int_equal(mi->sa.n, 1);
	{
		struct ike_proposal offered[2];

		assert_int_equal(ike_proposals_parse(
			"aes128gcm16-prfsha256-ecp256,aes256-sha256-modp2048",
			IKE_PROTO_IKE, offered, 2, e, sizeof(e)), 2);
		assert_true(ike_proposal_check_reply(offered, 2, &mi->sa.prop[0],
						     0, &s));
	}
	assert_int_equal(ike_dh_shared(dhi, mi->ke.data, mi->ke.len, gir_i,
				       sizeof(gir_i), &glen), 0);
	assert_memory_equal(gir_i, gir_r, glen);
	assert_int_equal(ike_derive_sa_keys(&s, gir_i, glen, ni, 32,
					    mi->nonce.data, mi->nonce.len,
					    mi->hdr.spi_i, mi->hdr.spi_r, &ki),
			 0);
	assert_memory_equal(&ki, &kr, sizeof(ki));

	/* initiator: IKE_AUTH request {IDi, AUTH, SA, TSi, TSr, N} */
	assert_int_equal(ike_id_from_string("enb-17@ran.example", &idi, e,
					    sizeof(e)), 0);
	idlen = ike_id_body(&idi, idb, sizeof(idb));
	assert_int_equal(ike_auth_psk(&ki, true, psk, sizeof(psk) - 1, init_req,
				      req_len, nr, 32, idb, idlen, authv,
				      sizeof(authv), &alen), 0);
	assert_int_equal(ike_proposals_parse("aes128gcm16-esn,aes256-sha384",
					     IKE_PROTO_ESP, esp, 2, e,
					     sizeof(e)), 2);
	esp[0].spi_size = esp[1].spi_size = 4;
	memcpy(esp[0].spi, "\xc1\xc2\xc3\xc4", 4);
	memcpy(esp[1].spi, "\xc1\xc2\xc3\xc4", 4);
	make_ts(&tsi, "10.1.0.0", "10.1.255.255");
	make_ts(&tsr, "2001:db8::", "2001:db8::ffff");
	{
		struct ike_hdr h = {
			.spi_i = SPI_I, .spi_r = SPI_R, .exchange = IKE_AUTH,
			.flags = IKE_FLAG_I, .msg_id = 1,
		};

		ike_build_init(&b, auth_req, sizeof(auth_req), &h);
		ike_build_sk_begin(&b, ike_sk_iv_len(&ki));
		ike_build_id(&b, IKE_PL_IDI, &idi);
		ike_build_auth(&b, IKE_AUTH_SHARED_KEY_MIC, authv, alen);
		ike_build_notify(&b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
		ike_build_sa(&b, esp, 2);
		ike_build_ts(&b, IKE_PL_TSI, &tsi, 1);
		ike_build_ts(&b, IKE_PL_TSR, &tsr, 1);
		ike_build_notify(&b, 0, NULL, 0, IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED,
				 NULL, 0);
		assert_int_equal(ike_sk_protect(&ki, true, &b, &len), 0);
	}

	/* responder: unprotect, parse, authenticate, pick the CHILD_SA */
	assert_int_equal(ike_msg_parse(auth_req, len, mr, &err), 0);
	assert_int_equal(mr->hdr.exchange, IKE_AUTH);
	assert_int_equal(mr->hdr.msg_id, 1);
	assert_true(mr->sk.present);
	assert_false(mr->idi.present);	/* nothing readable yet */
	assert_int_equal(ike_sk_unprotect(&kr, true, mr, plain, sizeof(plain),
					  &plen), 0);
	assert_int_equal(ike_msg_parse_inner(mr, plain, plen, &err), 0);
	assert_true(mr->idi.present);
	assert_true(ike_id_equal(&mr->idi.id, &idi));
	assert_true(mr->auth.present);
	assert_int_equal(mr->auth.method, IKE_AUTH_SHARED_KEY_MIC);
	assert_true(ike_auth_psk_verify(&kr, true, psk, sizeof(psk) - 1,
					init_req, req_len, nr, 32, mr->idi.body,
					mr->idi.body_len, mr->auth.data,
					mr->auth.len));
	assert_false(ike_auth_psk_verify(&kr, true, (const uint8_t *)"wrong", 5,
					 init_req, req_len, nr, 32,
					 mr->idi.body, mr->idi.body_len,
					 mr->auth.data, mr->auth.len));
	assert_non_null(ike_msg_find_notify(mr, IKE_N_INITIAL_CONTACT));
	assert_true(ike_msg_find_notify(mr, IKE_N_INITIAL_CONTACT)->inner);
	assert_int_equal(mr->sa.n, 2);
	assert_int_equal(mr->sa.prop[0].spi_size, 4);
	assert_int_equal(mr->tsi.n, 1);
	assert_int_equal(mr->tsi.ts[0].type, IKE_TS_IPV4_ADDR_RANGE);
	assert_memory_equal(mr->tsi.ts[0].end_addr, tsi.end_addr, 4);
	assert_int_equal(mr->tsr.ts[0].type, IKE_TS_IPV6_ADDR_RANGE);
	assert_memory_equal(mr->tsr.ts[0].start_addr, tsr.start_addr, 16);
	assert_int_equal(mr->tsr.ts[0].end_port, 65535);
	{
		struct ike_proposal our_esp[1];

		assert_int_equal(ike_proposals_parse("aes256-sha384",
						     IKE_PROTO_ESP, our_esp, 1,
						     e, sizeof(e)), 1);
		assert_int_equal(ike_proposal_select(our_esp, 1, mr->sa.prop,
						     mr->sa.n,
						     IKE_SELECT_IGNORE_DH, 0,
						     &cs), IKE_SELECT_OK);
		assert_int_equal(cs.prop_num, 2);
		assert_int_equal(cs.spi_size, 4);
		assert_memory_equal(cs.spi, "\xc1\xc2\xc3\xc4", 4);
		assert_int_equal(cs.esn, IKE_ESN_NO);
	}

	/* responder: IKE_AUTH response {IDr, AUTH, SA, TSi, TSr} */
	assert_int_equal(ike_id_from_string("ipv4:203.0.113.1", &idr, e,
					    sizeof(e)), 0);
	idlen = ike_id_body(&idr, idb, sizeof(idb));
	assert_int_equal(ike_auth_psk(&kr, false, psk, sizeof(psk) - 1,
				      init_resp, resp_len, ni, 32, idb, idlen,
				      authv, sizeof(authv), &alen), 0);
	{
		struct ike_hdr h = {
			.spi_i = SPI_I, .spi_r = SPI_R, .exchange = IKE_AUTH,
			.flags = IKE_FLAG_R, .msg_id = 1,
		};
		struct ike_proposal reply;

		ike_suite_to_proposal(&cs, cs.prop_num,
				      (const uint8_t *)"\xd1\xd2\xd3\xd4", 4,
				      &reply);
		ike_build_init(&b, auth_resp, sizeof(auth_resp), &h);
		ike_build_sk_begin(&b, ike_sk_iv_len(&kr));
		ike_build_id(&b, IKE_PL_IDR, &idr);
		ike_build_auth(&b, IKE_AUTH_SHARED_KEY_MIC, authv, alen);
		ike_build_sa(&b, &reply, 1);
		ike_build_ts(&b, IKE_PL_TSI, &tsi, 1);
		ike_build_ts(&b, IKE_PL_TSR, &tsr, 1);
		assert_int_equal(ike_sk_protect(&kr, false, &b, &len), 0);
	}
	assert_int_equal(ike_msg_parse(auth_resp, len, mi, &err), 0);
	assert_int_equal(ike_sk_unprotect(&ki, false, mi, plain, sizeof(plain),
					  &plen), 0);
	assert_int_equal(ike_msg_parse_inner(mi, plain, plen, &err), 0);
	assert_true(mi->idr.present);
	assert_true(ike_auth_psk_verify(&ki, false, psk, sizeof(psk) - 1,
					init_resp, resp_len, ni, 32,
					mi->idr.body, mi->idr.body_len,
					mi->auth.data, mi->auth.len));
	assert_true(ike_proposal_check_reply(esp, 2, &mi->sa.prop[0],
					     IKE_SELECT_IGNORE_DH, &cs));
	assert_memory_equal(cs.spi, "\xd1\xd2\xd3\xd4", 4);
	{
		struct ike_child_keys c1, c2;

		assert_int_equal(ike_derive_child_keys(&ki, &cs, NULL, 0, ni, 32,
						       nr, 32, &c1), 0);
		assert_int_equal(ike_derive_child_keys(&kr, &cs, NULL, 0, ni, 32,
						       nr, 32, &c2), 0);
		assert_memory_equal(&c1, &c2, sizeof(c1));
		assert_int_equal(c1.encr_key_len, 32);
		assert_int_equal(c1.integ_key_len, 48);
	}
	ike_sa_keys_wipe(&ki);
	ike_sa_keys_wipe(&kr);
	ike_dh_free(dhi);
	ike_dh_free(dhr);
	free(mi);
	free(mr);
}

/* --- identities, names, NAT-D -------------------------------------------------------- */

static void test_identities(void **state)
{
	static const struct {
		const char *in;
		uint8_t type;
		uint16_t len;
		const char *out;
	} ok[] = {
		{ "192.0.2.1", IKE_ID_IPV4_ADDR, 4, "ipv4:192.0.2.1" },
		{ "ipv4:10.0.0.1", IKE_ID_IPV4_ADDR, 4, "ipv4:10.0.0.1" },
		{ "2001:db8::1", IKE_ID_IPV6_ADDR, 16, "ipv6:2001:db8::1" },
		{ "ipv6:::1", IKE_ID_IPV6_ADDR, 16, "ipv6:::1" },
		{ "gw.example.net", IKE_ID_FQDN, 14, "fqdn:gw.example.net" },
		{ "@gw", IKE_ID_FQDN, 2, "fqdn:gw" },
		{ "fqdn:192.0.2.1", IKE_ID_FQDN, 9, "fqdn:192.0.2.1" },
		{ "enb@ran.example", IKE_ID_RFC822_ADDR, 15,
		  "rfc822:enb@ran.example" },
		{ "email:a@b", IKE_ID_RFC822_ADDR, 3, "rfc822:a@b" },
		{ "@#0a1B", IKE_ID_KEY_ID, 2, "keyid:#0a1b" },
		{ "keyid:#00ff", IKE_ID_KEY_ID, 2, "keyid:#00ff" },
		{ "keyid:abc", IKE_ID_KEY_ID, 3, "keyid:#616263" },
	};
	static const char *const bad[] = {
		"", "ipv4:1.2.3", "ipv6:zz", "@#123", "@#zz", "keyid:#", "@",
		"fqdn:",
	};
	struct ike_id id, id2;
	char buf[300], e[64];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(ike_id_from_string(ok[i].in, &id, e, sizeof(e)),
				 0);
		assert_int_equal(id.type, ok[i].type);
		assert_int_equal(id.len, ok[i].len);
		ike_id_to_string(&id, buf, sizeof(buf));
		assert_string_equal(buf, ok[i].out);
		/* printed form parses back to the same identity */
		assert_int_equal(ike_id_from_string(buf, &id2, e, sizeof(e)), 0);
		assert_true(ike_id_equal(&id, &id2));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e[0] = 0;
		assert_int_equal(ike_id_from_string(bad[i], &id, e, sizeof(e)),
				 -1);
		assert_true(strlen(e) > 0);
	}
	memset(buf, 'a', 256);
	buf[256] = 0;				/* 256 bytes: too long */
	assert_int_equal(ike_id_from_string(buf, &id, NULL, 0), -1);
	/* case-insensitive names, case-sensitive key IDs */
	ike_id_from_string("GW.Example.NET", &id, NULL, 0);
	ike_id_from_string("gw.example.net", &id2, NULL, 0);
	assert_true(ike_id_equal(&id, &id2));
	assert_true(ike_id_hash(&id, 7) == ike_id_hash(&id2, 7));
	ike_id_from_string("Ops@Example.NET", &id, NULL, 0);
	ike_id_from_string("ops@example.net", &id2, NULL, 0);
	assert_true(ike_id_equal(&id, &id2));
	assert_true(ike_id_hash(&id, 7) == ike_id_hash(&id2, 7));
	ike_id_from_string("keyid:A", &id, NULL, 0);
	ike_id_from_string("keyid:a", &id2, NULL, 0);
	assert_false(ike_id_equal(&id, &id2));
	assert_false(ike_id_hash(&id, 7) == ike_id_hash(&id2, 7));
	ike_id_from_string("fqdn:a", &id2, NULL, 0);
	assert_false(ike_id_equal(&id, &id2));
	/* escaping of odd bytes, truncation of output */
	id.type = IKE_ID_FQDN;
	id.len = 3;
	memcpy(id.data, "a\nb", 3);
	ike_id_to_string(&id, buf, sizeof(buf));
	assert_string_equal(buf, "fqdn:a\\x0ab");
	assert_int_equal(ike_id_to_string(&id, buf, 4), 11);
	assert_string_equal(buf, "fqd");
}

/* A DER distinguished name from (field, value) pairs, as ID_DER_ASN1_DN. */
static void dn_id(struct ike_id *id, const char *const *fv, size_t n)
{
	X509_NAME *name = X509_NAME_new();
	unsigned char *p = id->data;
	int len;

	for (size_t i = 0; i < n; i += 2)
		assert_int_equal(X509_NAME_add_entry_by_txt(name, fv[i], MBSTRING_ASC,
				 (const unsigned char *)fv[i + 1], -1, -1, 0), 1);
	len = i2d_X509_NAME(name, NULL);
	assert_true(len > 0 && len <= IKE_ID_MAX_LEN);
	i2d_X509_NAME(name, &p);
	id->type = IKE_ID_DER_ASN1_DN;
	id->len = (uint16_t)len;
	X509_NAME_free(name);
}

/* Distinguished names compare canonically: case and inner spaces folded,
 * attribute order and values significant. */
static void test_dn_identities(void **state)
{
	static const char *const a[] = { "O", "Operator", "CN", "ENB1  Site" };
	static const char *const b[] = { "O", "operator", "CN", "enb1 site" };
	static const char *const c[] = { "O", "operator", "CN", "enb2 site" };
	static const char *const d[] = { "CN", "enb1 site", "O", "operator" };
	struct ike_id x, y;

	(void)state;
	dn_id(&x, a, 4);
	dn_id(&y, b, 4);
	assert_true(ike_id_equal(&x, &y));
	assert_true(ike_id_hash(&x, 3) == ike_id_hash(&y, 3));
	dn_id(&y, c, 4);
	assert_false(ike_id_equal(&x, &y));
	dn_id(&y, d, 4);
	assert_false(ike_id_equal(&x, &y));
	/* bytes that are no DN equal only themselves */
	memcpy(&y, &x, sizeof(x));
	y.data[0] ^= 0xff;
	assert_false(ike_id_equal(&x, &y));
	assert_true(ike_id_equal(&y, &y));
}

/* Identities as the configuration names them: one, a pattern, any. */
static void test_id_patterns(void **state)
{
	struct ike_id_pattern p, q;
	struct ike_id id;

	(void)state;
	for (const char *any = "*"; any; any = !strcmp(any, "*") ? "any" :
					      !strcmp(any, "any") ? "%any" : NULL) {
		assert_int_equal(ike_id_pattern_parse(any, &p, NULL, 0), 0);
		assert_true(ike_id_pattern_is_any(&p));
	}
	ike_id_from_string("keyid:#a1", &id, NULL, 0);
	assert_true(ike_id_match(&p, &id));
	assert_int_equal(ike_id_pattern_parse("*.enb.example.net", &p, NULL, 0), 0);
	assert_true(p.wildcard);
	ike_id_from_string("ENB3.Enb.Example.net", &id, NULL, 0);
	assert_true(ike_id_match(&p, &id));
	ike_id_from_string("rfc822:enb3.enb.example.net", &id, NULL, 0);
	assert_false(ike_id_match(&p, &id));		/* another type */
	ike_id_from_string("enb3.enb.example.net.evil", &id, NULL, 0);
	assert_false(ike_id_match(&p, &id));
	/* one identity: the rule of ike_id_equal() */
	assert_int_equal(ike_id_pattern_parse("enb1.enb.example.net", &p, NULL, 0), 0);
	assert_false(p.wildcard);
	ike_id_from_string("ENB1.ENB.example.net", &id, NULL, 0);
	assert_true(ike_id_match(&p, &id));
	assert_int_equal(ike_id_pattern_parse("ENB1.enb.example.NET", &q, NULL, 0), 0);
	assert_true(ike_id_pattern_equal(&p, &q));
	assert_int_equal(ike_id_pattern_parse("enb*.enb.example.net", &q, NULL, 0), 0);
	assert_false(ike_id_pattern_equal(&p, &q));
	/* binary key ids both ways, addresses, '@' forms */
	assert_int_equal(ike_id_pattern_parse("keyid:0xff00", &p, NULL, 0), 0);
	assert_int_equal(p.id.type, IKE_ID_KEY_ID);
	assert_int_equal(p.id.len, 2);
	assert_int_equal(ike_id_pattern_parse("keyid:#FF00", &q, NULL, 0), 0);
	assert_true(ike_id_pattern_equal(&p, &q));
	assert_int_equal(ike_id_pattern_parse("keyid:0xf", &p, NULL, 0), -1);
	assert_int_equal(ike_id_pattern_parse("192.0.2.7", &p, NULL, 0), 0);
	assert_int_equal(p.id.type, IKE_ID_IPV4_ADDR);
	assert_int_equal(ike_id_pattern_parse("ipv4:2001:db8::7", &p, NULL, 0), -1);
	assert_int_equal(ike_id_pattern_parse("@enb.example.net", &p, NULL, 0), 0);
	assert_int_equal(p.id.type, IKE_ID_FQDN);
	assert_int_equal(p.id.len, 15);
	assert_int_equal(ike_id_pattern_parse("fqdn:a@b", &p, NULL, 0), 0);
	assert_int_equal(p.id.type, IKE_ID_FQDN);
	assert_int_equal(ike_id_pattern_parse("", &p, NULL, 0), -1);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ike_notify_name(IKE_N_NO_PROPOSAL_CHOSEN),
			    "NO_PROPOSAL_CHOSEN");
	assert_string_equal(ike_notify_name(IKE_N_SIGNATURE_HASH_ALGORITHMS),
			    "SIGNATURE_HASH_ALGORITHMS");
	assert_string_equal(ike_notify_name(12345), "UNKNOWN");
	assert_string_equal(ike_payload_name(IKE_PL_SK), "SK");
	assert_string_equal(ike_exchange_name(IKE_CREATE_CHILD_SA),
			    "CREATE_CHILD_SA");
	assert_string_equal(ike_exchange_name(99), "UNKNOWN");
}

static void test_nat_detection(void **state)
{
	uint8_t addr[4] = { 192, 0, 2, 7 }, out[20], want[20];
	uint8_t in[8 + 8 + 4 + 2];
	unsigned int len;

	(void)state;
	sgw_put_be64(in, SPI_I);
	sgw_put_be64(in + 8, SPI_R);
	memcpy(in + 16, addr, 4);
	in[20] = 4500 >> 8;
	in[21] = 4500 & 0xff;
	assert_true(EVP_Digest(in, sizeof(in), want, &len, EVP_sha1(), NULL));
	assert_int_equal(ike_nat_detection_hash(SPI_I, SPI_R, addr, 4, 4500,
						out), 0);
	assert_memory_equal(out, want, 20);
	assert_int_equal(ike_nat_detection_hash(SPI_I, SPI_R, addr, 5, 4500,
						out), -1);
}

static void test_natd(void **state)
{
	struct sockaddr_storage us, them;
	struct sgw_prefix a, b;
	struct ike_builder bld;
	struct ike_msg m;
	struct ike_parse_err err;
	uint8_t buf[512];
	struct ike_hdr h = { .spi_i = SPI_I, .exchange = IKE_SA_INIT, .flags = IKE_FLAG_I };
	size_t n;

	(void)state;
	assert_int_equal(sgw_addr_parse("192.0.2.7", &a), 0);
	assert_int_equal(sgw_addr_parse("192.0.2.1", &b), 0);
	sgw_sockaddr_from_prefix(&a, 500, &us);
	sgw_sockaddr_from_prefix(&b, 500, &them);
	ike_build_init(&bld, buf, sizeof(buf), &h);
	ike_natd_build(&bld, IKE_N_NAT_DETECTION_SOURCE_IP, SPI_I, 0, &us);
	ike_natd_build(&bld, IKE_N_NAT_DETECTION_DESTINATION_IP, SPI_I, 0, &them);
	n = ike_build_end(&bld);
	assert_true(n > 0);
	assert_int_equal(ike_msg_parse(buf, n, &m, &err), 0);
	assert_int_equal(ike_natd_match(&m, IKE_N_NAT_DETECTION_SOURCE_IP, SPI_I, 0, &us), 1);
	assert_int_equal(ike_natd_match(&m, IKE_N_NAT_DETECTION_DESTINATION_IP, SPI_I, 0,
					&them), 1);
	/* a NAT changed the port: no match; another SPI: no match */
	sgw_sockaddr_set_port(&us, 4500);
	assert_int_equal(ike_natd_match(&m, IKE_N_NAT_DETECTION_SOURCE_IP, SPI_I, 0, &us), 0);
	assert_int_equal(ike_natd_match(&m, IKE_N_NAT_DETECTION_DESTINATION_IP, SPI_I, SPI_R,
					&them), 0);
	/* none sent */
	assert_int_equal(ike_natd_match(&m, IKE_N_COOKIE, SPI_I, 0, &us), -1);
}

/* --- hostile input ------------------------------------------------------------------- */

static void test_header_errors(void **state)
{
	uint8_t buf[1024], *big;
	struct ike_parse_err err;
	struct ike_hdr h;
	size_t len = sample_sa_init(buf, sizeof(buf));

	(void)state;
	assert_int_equal(ike_hdr_parse(buf, len, &h, &err), 0);
	assert_int_equal(ike_hdr_parse(buf, 27, &h, &err), -1);
	assert_int_equal(err.notify, 0);		/* drop */
	assert_int_equal(ike_hdr_parse(NULL, 0, &h, &err), -1);
	/* datagram longer / shorter than the length field: drop */
	assert_int_equal(parse(buf, len - 1, &err), -1);
	assert_int_equal(err.notify, 0);
	assert_int_equal(parse(buf, len + 1, &err), -1);
	assert_int_equal(err.notify, 0);
	/* IKEv1 is dropped, a higher major version answered */
	buf[17] = 0x10;
	assert_int_equal(parse(buf, len, &err), -1);
	assert_int_equal(err.notify, 0);
	buf[17] = 0x30;
	assert_int_equal(parse(buf, len, &err), -1);
	assert_int_equal(err.notify, IKE_N_INVALID_MAJOR_VERSION);
	buf[17] = 0x21;					/* minor ignored */
	assert_int_equal(parse(buf, len, &err), 0);
	/* oversized */
	big = calloc(1, 70000);
	assert_non_null(big);
	memcpy(big, buf, len);
	put32(big + 24, 70000);
	assert_int_equal(parse(big, 70000, &err), -1);
	assert_int_equal(err.notify, 0);
	free(big);
}

/* Every truncation of a valid message fails, dropped or INVALID_SYNTAX. */
static void test_truncation(void **state)
{
	uint8_t buf[1024], cut[1024];
	struct ike_parse_err err;
	size_t len = sample_sa_init(buf, sizeof(buf));

	(void)state;
	for (size_t n = 0; n < len; n++) {
		memcpy(cut, buf, n);
		assert_int_equal(parse(cut, n, &err), -1);	/* drop */
		if (n < IKE_HDR_LEN)
			continue;
		put32(cut + 24, n);	/* consistent length field */
		assert_int_equal(parse(cut, n, &err), -1);
		assert_int_equal(err.notify, IKE_N_INVALID_SYNTAX);
		assert_true(err.offset <= n);
	}
}

/* Any wrong payload length is caught (no read past the end). */
static void test_payload_lengths(void **state)
{
	uint8_t buf[1024], bad[1024];
	struct ike_parse_err err;
	struct ike_msg *m = calloc(1, sizeof(*m));
	size_t len = sample_sa_init(buf, sizeof(buf));

	(void)state;
	assert_non_null(m);
	assert_int_equal(ike_msg_parse(buf, len, m, &err), 0);
	for (unsigned int p = 0; p < m->n_payloads; p++) {
		size_t off = (size_t)(m->payloads[p].body - buf) - 4;
		unsigned int right = m->payloads[p].body_len + 4u;

		for (unsigned int v = 0; v < 0x10000; v++) {
			int r;

			if (v == right)
				continue;
			memcpy(bad, buf, len);
			put16(bad + off + 2, v);
			r = parse(bad, len, &err);
			/* an error, unless the new length swallows whole
			 * following payloads and still lines up */
			if (r == 0) {
				assert_true(v > right);
				continue;
			}
			assert_int_equal(err.notify, IKE_N_INVALID_SYNTAX);
		}
	}
	free(m);
}

static void test_critical_bit(void **state)
{
	uint8_t buf[256], body[8] = { 1, 2, 3 };
	struct ike_parse_err err;
	struct ike_msg *m = calloc(1, sizeof(*m));
	size_t len;

	(void)state;
	assert_non_null(m);
	/* unknown and critical -> UNSUPPORTED_CRITICAL_PAYLOAD(type) */
	len = one_payload(buf, sizeof(buf), 200, true, body, sizeof(body));
	assert_int_equal(ike_msg_parse(buf, len, m, &err), -1);
	assert_int_equal(err.notify, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	assert_int_equal(err.data_len, 1);
	assert_int_equal(err.data[0], 200);
	/* unknown, not critical -> skipped but listed */
	len = one_payload(buf, sizeof(buf), 200, false, body, sizeof(body));
	assert_int_equal(ike_msg_parse(buf, len, m, &err), 0);
	assert_int_equal(m->n_payloads, 1);
	assert_int_equal(m->payloads[0].type, 200);
	/* known with the critical bit: the bit is ignored */
	len = one_payload(buf, sizeof(buf), IKE_PL_VENDOR, true, body, 3);
	assert_int_equal(ike_msg_parse(buf, len, m, &err), 0);
	assert_true(m->payloads[0].critical);
	assert_int_equal(m->n_vendor, 1);
	/* CP, EAP are known (kept raw) even when critical */
	len = one_payload(buf, sizeof(buf), IKE_PL_CP, true, body, 4);
	assert_int_equal(ike_msg_parse(buf, len, m, &err), 0);
	free(m);
}

static void test_loops_and_limits(void **state)
{
	uint8_t buf[4096], junk[40] = { 0 };
	struct ike_hdr h = { .exchange = IKE_INFORMATIONAL };
	struct ike_parse_err err;
	struct ike_builder b;
	size_t len;

	(void)state;
	/* zero-length payload: INVALID_SYNTAX, no endless loop */
	len = one_payload(buf, sizeof(buf), IKE_PL_VENDOR, false, NULL, 0);
	put16(buf + 28 + 2, 0);
	assert_int_equal(parse(buf, len, &err), -1);
	assert_int_equal(err.notify, IKE_N_INVALID_SYNTAX);
	put16(buf + 28 + 2, 3);
	assert_int_equal(parse(buf, len, &err), -1);
	/* a payload naming itself as next, over and over: bounded */
	ike_build_init(&b, buf, sizeof(buf), &h);
	for (int i = 0; i < IKE_MAX_PAYLOADS; i++)
		ike_build_vendor(&b, NULL, 0);
	len = ike_build_end(&b);
	assert_int_equal(parse(buf, len, &err), 0);
	ike_build_init(&b, buf, sizeof(buf), &h);
	for (int i = 0; i < IKE_MAX_PAYLOADS + 1; i++)
		ike_build_vendor(&b, NULL, 0);
	len = ike_build_end(&b);
	assert_int_equal(parse(buf, len, &err), -1);
	assert_int_equal(err.notify, IKE_N_INVALID_SYNTAX);
	/* next payload NONE but bytes follow */
	len = one_payload(buf, sizeof(buf), IKE_PL_VENDOR, false, NULL, 0);
	put32(buf + 24, len + 4);
	memset(buf + len, 0, 4);
	assert_int_equal(parse(buf, len + 4, &err), -1);
	assert_int_equal(err.notify, IKE_N_INVALID_SYNTAX);
	/* SK must be last, and no SK inside SK */
	ike_build_init(&b, buf, sizeof(buf), &h);
	ike_build_payload(&b, IKE_PL_SK, false, junk, 40);
	ike_build_vendor(&b, NULL, 0);
	len = ike_build_end(&b);
	/* the vendor payload became SK's "first inner": SK ends early */
	buf[28] = 0;
	assert_int_equal(parse(buf, len, &err), -1);
	assert_int_equal(err.notify, IKE_N_INVALID_SYNTAX);
	{
		struct ike_msg *m = calloc(1, sizeof(*m));
		uint8_t inner[8] = { 0, 0, 0, 8, 0, 0, 0, 0 };

		assert_non_null(m);
		len = one_payload(buf, sizeof(buf), IKE_PL_SK, false, junk, 40);
		assert_int_equal(ike_msg_parse(buf, len, m, &err), 0);
		assert_true(m->sk.present);
		m->sk.first_inner = IKE_PL_SK;
		assert_int_equal(ike_msg_parse_inner(m, inner, 8, &err), -1);
		assert_int_equal(err.notify, IKE_N_INVALID_SYNTAX);
		assert_true(err.inner);
		/* trailing garbage in the plaintext */
		m->sk.first_inner = IKE_PL_VENDOR;
		inner[3] = 4;
		assert_int_equal(ike_msg_parse_inner(m, inner, 8, &err), -1);
		assert_int_equal(ike_msg_parse_inner(m, inner, 4, &err), 0);
		/* only once */
		assert_int_equal(ike_msg_parse_inner(m, inner, 4, &err), -1);
		free(m);
	}
}

/* Builds an SA payload body by hand: one proposal with the given
 * transforms bytes. */
static size_t sa_body(uint8_t *out, uint8_t last, uint8_t proto,
		      uint8_t spi_size, uint8_t n_trans, const uint8_t *trans,
		      size_t trans_len)
{
	size_t len = 8 + spi_size + trans_len;

	out[0] = last;
	out[1] = 0;
	put16(out + 2, (unsigned int)len);
	out[4] = 1;
	out[5] = proto;
	out[6] = spi_size;
	out[7] = n_trans;
	memset(out + 8, 0xee, spi_size);
	if (trans_len)
		memcpy(out + 8 + spi_size, trans, trans_len);
	return len;
}

static void test_sa_payload(void **state)
{
	/* ENCR AES-CBC keylen 128, last */
	uint8_t t_ok[] = { 0, 0, 0, 12, 1, 0, 0, 12, 0x80, 14, 0, 128 };
	uint8_t t_more[] = { 3, 0, 0, 12, 1, 0, 0, 12, 0x80, 14, 0, 128 };
	uint8_t t_tlv[] = { 0, 0, 0, 16, 1, 0, 0, 12, 0x00, 99, 0, 4, 1, 2, 3, 4 };
	uint8_t t_tlv_over[] = { 0, 0, 0, 12, 1, 0, 0, 12, 0x00, 99, 0, 9 };
	uint8_t t_attr_trunc[] = { 0, 0, 0, 10, 1, 0, 0, 12, 0x80, 14 };
	uint8_t t_unknown_attr[] = { 0, 0, 0, 12, 1, 0, 0, 12, 0x80, 15, 0, 1 };
	uint8_t t_bad_type[] = { 0, 0, 0, 8, 9, 0, 0, 1 };
	uint8_t body[2048];
	struct ike_msg *m = calloc(1, sizeof(*m));
	struct ike_parse_err err;
	uint8_t buf[4096];
	size_t n;

	(void)state;
	assert_non_null(m);
	n = sa_body(body, 0, IKE_PROTO_IKE, 0, 1, t_ok, sizeof(t_ok));
	assert_int_equal(one_payload_verdict(IKE_PL_SA, body, n), 0);
	/* transform count disagrees with the bytes */
	n = sa_body(body, 0, IKE_PROTO_IKE, 0, 2, t_ok, sizeof(t_ok));
	assert_int_equal(one_payload_verdict(IKE_PL_SA, body, n),
			 IKE_N_INVALID_SYNTAX);
	n = sa_body(body, 0, IKE_PROTO_IKE, 0, 0, t_ok, sizeof(t_ok));
	assert_int_equal(one_payload_verdict(IKE_PL_SA, body, n),
			 IKE_N_INVALID_SYNTAX);
	/* last transform marked "more" */
	n = sa_body(body, 0, IKE_PROTO_IKE, 0, 1, t_more, sizeof(t_more));
	assert_int_equal(one_payload_verdict(IKE_PL_SA, body, n),
			 IKE_N_INVALID_SYNTAX);
	/* proposal marked "more" with nothing after */
	n = sa_body(body, 2, IKE_PROTO_IKE, 0, 1, t_ok, sizeof(t_ok));
	assert_int_equal(one_payload_verdict(IKE_PL_SA, body, n),
			 IKE_N_INVALID_SYNTAX);
	/* bad last-substructure values */
	n = sa_body(body, 1, IKE_PROTO_IKE, 0, 1, t_ok, sizeof(t_ok));
	assert_int_equal(one_payload_verdict(IKE_PL_SA, body, n),
			 IKE_N_INVALID_SYNTAX);
	/* SPI size 3, SPI longer than the proposal */
	n = sa_body(body, 0, IKE_PROTO_ESP, 3, 1, t_ok, sizeof(t_ok));
	assert_int_equal(one_payload_verdict(IKE_PL_SA, body, n),
			 IKE_N_INVALID_SYNTAX);
	n = sa_body(body, 0, IKE_PROTO_ESP, 8, 0, NULL, 0);
	put16(body + 2, 10);
	assert_int_equal(one_payload_verdict(IKE_PL_SA, body, 10),
			 IKE_N_INVALID_SYNTAX);
	/* attribute overruns, truncated attribute */
	n = sa_body(body, 0, IKE_PROTO_IKE, 0, 1, t_tlv_over,
		    sizeof(t_tlv_over));
	assert_int_equal(one_payload_verdict(IKE_PL_SA, body, n),
			 IKE_N_INVALID_SYNTAX);
	n = sa_body(body, 0, IKE_PROTO_IKE, 0, 1, t_attr_trunc,
		    sizeof(t_attr_trunc));
	assert_int_equal(one_payload_verdict(IKE_PL_SA, body, n),
			 IKE_N_INVALID_SYNTAX);
	/* unknown attributes and types make the proposal unusable, not
	 * the message invalid */
	n = sa_body(body, 0, IKE_PROTO_IKE, 0, 1, t_tlv, sizeof(t_tlv));
	n = one_payload(buf, sizeof(buf), IKE_PL_SA, false, body, n);
	assert_int_equal(ike_msg_parse(buf, n, m, &err), 0);
	assert_true(m->sa.prop[0].unusable);
	n = sa_body(body, 0, IKE_PROTO_IKE, 0, 1, t_unknown_attr,
		    sizeof(t_unknown_attr));
	n = one_payload(buf, sizeof(buf), IKE_PL_SA, false, body, n);
	assert_int_equal(ike_msg_parse(buf, n, m, &err), 0);
	assert_true(m->sa.prop[0].unusable);
	n = sa_body(body, 0, IKE_PROTO_IKE, 0, 1, t_bad_type,
		    sizeof(t_bad_type));
	n = one_payload(buf, sizeof(buf), IKE_PL_SA, false, body, n);
	assert_int_equal(ike_msg_parse(buf, n, m, &err), 0);
	assert_true(m->sa.prop[0].unusable);
	n = sa_body(body, 0, 9, 0, 1, t_ok, sizeof(t_ok));	/* protocol 9 */
	n = one_payload(buf, sizeof(buf), IKE_PL_SA, false, body, n);
	assert_int_equal(ike_msg_parse(buf, n, m, &err), 0);
	assert_true(m->sa.prop[0].unusable);
	/* more proposals than kept: truncated, still parsed */
	{
		size_t off = 0;

		for (int i = 0; i < IKE_MAX_PROPOSALS + 3; i++)
			off += sa_body(body + off,
				       i + 1 < IKE_MAX_PROPOSALS + 3 ? 2 : 0,
				       IKE_PROTO_IKE, 0, 1, t_ok, sizeof(t_ok));
		n = one_payload(buf, sizeof(buf), IKE_PL_SA, false, body, off);
		assert_int_equal(ike_msg_parse(buf, n, m, &err), 0);
		assert_int_equal(m->sa.n, IKE_MAX_PROPOSALS);
		assert_true(m->sa.truncated);
	}
	/* more transforms than kept: that proposal is unusable */
	{
		uint8_t many[12 * (IKE_MAX_TRANSFORMS + 1)];
		unsigned int nt = IKE_MAX_TRANSFORMS + 1;

		for (unsigned int i = 0; i < nt; i++)
			memcpy(many + 12 * i, i + 1 < nt ? t_more : t_ok, 12);
		n = sa_body(body, 0, IKE_PROTO_IKE, 0, (uint8_t)nt, many,
			    sizeof(many));
		n = one_payload(buf, sizeof(buf), IKE_PL_SA, false, body, n);
		assert_int_equal(ike_msg_parse(buf, n, m, &err), 0);
		assert_true(m->sa.prop[0].unusable);
	}
	/* two SA payloads */
	{
		struct ike_hdr h = { .exchange = IKE_SA_INIT };
		struct ike_builder b;

		n = sa_body(body, 0, IKE_PROTO_IKE, 0, 1, t_ok, sizeof(t_ok));
		ike_build_init(&b, buf, sizeof(buf), &h);
		ike_build_payload(&b, IKE_PL_SA, false, body, n);
		ike_build_payload(&b, IKE_PL_SA, false, body, n);
		n = ike_build_end(&b);
		assert_int_equal(ike_msg_parse(buf, n, m, &err), -1);
		assert_int_equal(err.notify, IKE_N_INVALID_SYNTAX);
	}
	free(m);
}

static void test_other_payloads(void **state)
{
	uint8_t b[600];

	(void)state;
	memset(b, 0, sizeof(b));
	/* KE: group 19 needs 64 bytes; unknown groups pass */
	put16(b, IKE_DH_ECP256);
	assert_int_equal(one_payload_verdict(IKE_PL_KE, b, 4 + 64), 0);
	assert_int_equal(one_payload_verdict(IKE_PL_KE, b, 4 + 65),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(one_payload_verdict(IKE_PL_KE, b, 4),
			 IKE_N_INVALID_SYNTAX);
	put16(b, 4242);
	assert_int_equal(one_payload_verdict(IKE_PL_KE, b, 4 + 3), 0);
	/* Nonce 16..256 */
	assert_int_equal(one_payload_verdict(IKE_PL_NONCE, b, 16), 0);
	assert_int_equal(one_payload_verdict(IKE_PL_NONCE, b, 256), 0);
	assert_int_equal(one_payload_verdict(IKE_PL_NONCE, b, 15),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(one_payload_verdict(IKE_PL_NONCE, b, 257),
			 IKE_N_INVALID_SYNTAX);
	/* ID: address sizes, empty data, too long */
	memset(b, 0, sizeof(b));
	b[0] = IKE_ID_IPV4_ADDR;
	assert_int_equal(one_payload_verdict(IKE_PL_IDI, b, 8), 0);
	assert_int_equal(one_payload_verdict(IKE_PL_IDI, b, 9),
			 IKE_N_INVALID_SYNTAX);
	b[0] = IKE_ID_IPV6_ADDR;
	assert_int_equal(one_payload_verdict(IKE_PL_IDR, b, 20), 0);
	assert_int_equal(one_payload_verdict(IKE_PL_IDR, b, 8),
			 IKE_N_INVALID_SYNTAX);
	b[0] = IKE_ID_FQDN;
	assert_int_equal(one_payload_verdict(IKE_PL_IDI, b, 4),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(one_payload_verdict(IKE_PL_IDI, b, 4 + 255), 0);
	assert_int_equal(one_payload_verdict(IKE_PL_IDI, b, 4 + 256),
			 IKE_N_INVALID_SYNTAX);
	/* AUTH needs data */
	b[0] = IKE_AUTH_SHARED_KEY_MIC;
	assert_int_equal(one_payload_verdict(IKE_PL_AUTH, b, 4),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(one_payload_verdict(IKE_PL_AUTH, b, 36), 0);
	/* CERT needs its encoding byte */
	assert_int_equal(one_payload_verdict(IKE_PL_CERT, b, 0),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(one_payload_verdict(IKE_PL_CERTREQ, b, 1), 0);
}

static uint16_t notify_verdict(uint8_t proto, uint8_t spi_size, uint16_t type,
			       size_t data_len)
{
	uint8_t b[300] = { 0 };

	b[0] = proto;
	b[1] = spi_size;
	put16(b + 2, type);
	return one_payload_verdict(IKE_PL_NOTIFY, b, 4 + spi_size + data_len);
}

static void test_notify_payload(void **state)
{
	(void)state;
	assert_int_equal(notify_verdict(0, 0, IKE_N_COOKIE, 0),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(notify_verdict(0, 0, IKE_N_COOKIE, 64), 0);
	assert_int_equal(notify_verdict(0, 0, IKE_N_COOKIE, 65),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(notify_verdict(0, 0, IKE_N_INVALID_KE_PAYLOAD, 2), 0);
	assert_int_equal(notify_verdict(0, 0, IKE_N_INVALID_KE_PAYLOAD, 1),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(notify_verdict(0, 0, IKE_N_NAT_DETECTION_SOURCE_IP, 20),
			 0);
	assert_int_equal(notify_verdict(0, 0, IKE_N_NAT_DETECTION_DESTINATION_IP,
					19), IKE_N_INVALID_SYNTAX);
	assert_int_equal(notify_verdict(IKE_PROTO_ESP, 4, IKE_N_REKEY_SA, 0), 0);
	assert_int_equal(notify_verdict(0, 0, IKE_N_REKEY_SA, 0),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(notify_verdict(0, 0, IKE_N_INITIAL_CONTACT, 0), 0);
	assert_int_equal(notify_verdict(0, 0, IKE_N_INITIAL_CONTACT, 1),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(notify_verdict(0, 0, IKE_N_USE_TRANSPORT_MODE, 0), 0);
	assert_int_equal(notify_verdict(0, 0, IKE_N_NON_FIRST_FRAGMENTS_ALSO, 0),
			 0);
	assert_int_equal(notify_verdict(0, 0, IKE_N_SIGNATURE_HASH_ALGORITHMS, 6),
			 0);
	assert_int_equal(notify_verdict(0, 0, IKE_N_SIGNATURE_HASH_ALGORITHMS, 5),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(notify_verdict(0, 0, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD,
					1), 0);
	assert_int_equal(notify_verdict(0, 0, IKE_N_SET_WINDOW_SIZE, 4), 0);
	assert_int_equal(notify_verdict(0, 0, 40000, 17), 0);	/* unknown */
	assert_int_equal(notify_verdict(0, 3, IKE_N_INVALID_SPI, 0),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(notify_verdict(7, 0, IKE_N_INVALID_SYNTAX, 0),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(one_payload_verdict(IKE_PL_NOTIFY, (const uint8_t *)"ab",
					     2), IKE_N_INVALID_SYNTAX);
	{
		uint8_t b[8] = { IKE_PROTO_ESP, 8, 0, 11 };

		/* SPI size 8 but only 4 bytes */
		assert_int_equal(one_payload_verdict(IKE_PL_NOTIFY, b, 8),
				 IKE_N_INVALID_SYNTAX);
	}
}

static void test_delete_payload(void **state)
{
	uint8_t b[64] = { 0 };

	(void)state;
	b[0] = IKE_PROTO_IKE;
	assert_int_equal(one_payload_verdict(IKE_PL_DELETE, b, 4), 0);
	b[1] = 8;
	assert_int_equal(one_payload_verdict(IKE_PL_DELETE, b, 4),
			 IKE_N_INVALID_SYNTAX);
	b[0] = IKE_PROTO_ESP;
	b[1] = 4;
	put16(b + 2, 3);
	assert_int_equal(one_payload_verdict(IKE_PL_DELETE, b, 4 + 12), 0);
	assert_int_equal(one_payload_verdict(IKE_PL_DELETE, b, 4 + 11),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(one_payload_verdict(IKE_PL_DELETE, b, 4 + 16),
			 IKE_N_INVALID_SYNTAX);
	put16(b + 2, 0);
	assert_int_equal(one_payload_verdict(IKE_PL_DELETE, b, 4),
			 IKE_N_INVALID_SYNTAX);
	b[0] = 0;
	assert_int_equal(one_payload_verdict(IKE_PL_DELETE, b, 4),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(one_payload_verdict(IKE_PL_DELETE, b, 3),
			 IKE_N_INVALID_SYNTAX);
}

static void test_ts_payload(void **state)
{
	uint8_t b[1024] = { 0 };
	struct ike_msg *m = calloc(1, sizeof(*m));
	struct ike_parse_err err;
	uint8_t buf[2048];
	size_t n;

	(void)state;
	assert_non_null(m);
	/* one IPv4 selector */
	b[0] = 1;
	b[4] = IKE_TS_IPV4_ADDR_RANGE;
	put16(b + 6, 16);
	assert_int_equal(one_payload_verdict(IKE_PL_TSI, b, 20), 0);
	put16(b + 6, 40);				/* IPv6 size for IPv4 */
	assert_int_equal(one_payload_verdict(IKE_PL_TSI, b, 20),
			 IKE_N_INVALID_SYNTAX);
	put16(b + 6, 4);
	assert_int_equal(one_payload_verdict(IKE_PL_TSI, b, 20),
			 IKE_N_INVALID_SYNTAX);
	put16(b + 6, 16);
	b[0] = 2;					/* count too big */
	assert_int_equal(one_payload_verdict(IKE_PL_TSI, b, 20),
			 IKE_N_INVALID_SYNTAX);
	b[0] = 0;
	assert_int_equal(one_payload_verdict(IKE_PL_TSR, b, 20),
			 IKE_N_INVALID_SYNTAX);
	b[0] = 1;
	assert_int_equal(one_payload_verdict(IKE_PL_TSI, b, 24),	/* trailing */
			 IKE_N_INVALID_SYNTAX);
	/* an unknown selector type is skipped */
	b[0] = 2;
	b[20] = 9;
	put16(b + 22, 8);
	n = one_payload(buf, sizeof(buf), IKE_PL_TSI, false, b, 28);
	assert_int_equal(ike_msg_parse(buf, n, m, &err), 0);
	assert_int_equal(m->tsi.n, 1);
	/* too many selectors */
	{
		struct ike_ts ts[IKE_MAX_TS];
		struct ike_hdr h = { .exchange = IKE_AUTH };
		struct ike_builder bl;

		for (int i = 0; i < IKE_MAX_TS; i++)
			make_ts(&ts[i], "10.0.0.1", "10.0.0.2");
		ike_build_init(&bl, buf, sizeof(buf), &h);
		ike_build_ts(&bl, IKE_PL_TSI, ts, IKE_MAX_TS);
		n = ike_build_end(&bl);
		assert_int_equal(ike_msg_parse(buf, n, m, &err), 0);
		assert_int_equal(m->tsi.n, IKE_MAX_TS);
		/* patch in one more (count + length) */
		buf[28 + 4] = IKE_MAX_TS + 1;
		memcpy(buf + n, buf + n - 16, 16);
		put16(buf + 28 + 2, (unsigned int)(n - 28 + 16));
		put32(buf + 24, n + 16);
		assert_int_equal(ike_msg_parse(buf, n + 16, m, &err), -1);
		assert_int_equal(err.notify, IKE_N_INVALID_SYNTAX);
	}
	free(m);
}

/* Random mutations of valid clear and protected messages: the parser and
 * the SK path must fail cleanly (ASan/UBSan catch any stray access). */
static void test_mutations(void **state)
{
	uint8_t base[1024], buf[1024], plain[1024], gir[32] = { 1 };
	uint8_t n32[32] = { 2 };
	struct ike_msg *m = calloc(1, sizeof(*m));
	struct ike_suite s = {
		.proto = IKE_PROTO_IKE, .encr = IKE_ENCR_AES_CBC,
		.encr_key_len = 128, .integ = IKE_INTEG_HMAC_SHA1_96,
		.prf = IKE_PRF_HMAC_SHA1, .dh = IKE_DH_MODP1024,
	};
	struct ike_parse_err err;
	struct ike_sa_keys k;
	unsigned int seed = 12345, parsed = 0;
	size_t len;

	(void)state;
	assert_non_null(m);
	len = sample_sa_init(base, sizeof(base));
	for (int i = 0; i < 20000; i++) {
		size_t n = len;
		int flips = 1 + rand_r(&seed) % 4;

		memcpy(buf, base, len);
		for (int f = 0; f < flips; f++)
			buf[IKE_HDR_LEN + (size_t)rand_r(&seed) %
			    (len - IKE_HDR_LEN)] = (uint8_t)rand_r(&seed);
		if (rand_r(&seed) % 4 == 0) {	/* and cut the tail */
			n = IKE_HDR_LEN + (size_t)rand_r(&seed) %
			    (len - IKE_HDR_LEN);
			put32(buf + 24, n);
		}
		parsed += ike_msg_parse(buf, n, m, &err) == 0;
	}
	/* protected: a mutated ciphertext never authenticates */
	assert_int_equal(ike_derive_sa_keys(&s, gir, 32, n32, 32, n32, 32, 1, 2,
					    &k), 0);
	{
		struct ike_hdr h = { .exchange = IKE_INFORMATIONAL };
		struct ike_builder b;

		ike_build_init(&b, base, sizeof(base), &h);
		ike_build_sk_begin(&b, ike_sk_iv_len(&k));
		ike_build_notify(&b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
		ike_build_vendor(&b, n32, 32);
		assert_int_equal(ike_sk_protect(&k, true, &b, &len), 0);
	}
	for (int i = 0; i < 5000; i++) {
		size_t pl;

		memcpy(buf, base, len);
		buf[(size_t)rand_r(&seed) % len] ^= (uint8_t)(1 + rand_r(&seed) % 255);
		if (ike_msg_parse(buf, len, m, &err) == 0 && m->sk.present)
			assert_int_equal(ike_sk_unprotect(&k, true, m, plain,
							  sizeof(plain), &pl),
					 -1);
	}
	print_message("mutations: %u of 20000 mutated SA_INIT still parse\n",
		      parsed);
	ike_sa_keys_wipe(&k);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_init_round_trip),
		cmocka_unit_test(test_builder_errors),
		cmocka_unit_test(test_full_exchange),
		cmocka_unit_test(test_identities),
		cmocka_unit_test(test_dn_identities),
		cmocka_unit_test(test_id_patterns),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_nat_detection),
		cmocka_unit_test(test_natd),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_payload_lengths),
		cmocka_unit_test(test_critical_bit),
		cmocka_unit_test(test_loops_and_limits),
		cmocka_unit_test(test_sa_payload),
		cmocka_unit_test(test_other_payloads),
		cmocka_unit_test(test_notify_payload),
		cmocka_unit_test(test_delete_payload),
		cmocka_unit_test(test_ts_payload),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
