// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of fuzz_ike_msg into a directory: one valid message
 * per exchange shape (clear and SK-protected with the fuzzer's keys) and the
 * matching decrypted payload chains for the inner mode.
 *
 *   gen_corpus DIR
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "ike/ike_msg.h"
#include "ike/ike_proposal.h"

static const char *dir;
static int n_seeds;

static void write_seed(const char *name, uint8_t mode, uint8_t first,
		       const uint8_t *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputc(mode, f);
	if (mode == FUZZ_MODE_INNER)
		fputc(first, f);
	if (fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
	n_seeds++;
}

struct payloads {
	void (*add)(struct ike_builder *b);
	uint8_t exchange;
	const char *name;
};

static uint8_t nonce[32] = { 0x4e, 0x6f, 0x6e, 0x63, 0x65 };

static void add_sa_init(struct ike_builder *b)
{
	struct ike_proposal p[3];
	uint8_t ke[64], natd[20] = { 0 }, sha[6] = { 0, 2, 0, 3, 0, 4 };
	int n = ike_proposals_parse("aes128gcm16-aes256gcm16-prfsha256-"
				    "prfsha384-ecp256-curve25519,"
				    "aes256-sha256-sha1-modp2048-modp1024,"
				    "aes128-sha384-ecp384", IKE_PROTO_IKE, p, 3,
				    NULL, 0);

	memset(ke, 0x33, sizeof(ke));
	ike_build_sa(b, p, (size_t)n);
	ike_build_ke(b, IKE_DH_ECP256, ke, sizeof(ke));
	ike_build_nonce(b, nonce, sizeof(nonce));
	ike_build_notify(b, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, natd, 20);
	ike_build_notify(b, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP,
			 natd, 20);
	ike_build_notify(b, 0, NULL, 0, IKE_N_SIGNATURE_HASH_ALGORITHMS, sha, 6);
	ike_build_notify(b, 0, NULL, 0, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED,
			 NULL, 0);
	ike_build_vendor(b, (const uint8_t *)"sgw-fuzz", 8);
}

static void add_init_errors(struct ike_builder *b)
{
	uint8_t group[2] = { 0, IKE_DH_ECP256 }, cookie[16] = { 0xc0 };

	ike_build_notify(b, 0, NULL, 0, IKE_N_COOKIE, cookie, sizeof(cookie));
	ike_build_notify(b, 0, NULL, 0, IKE_N_INVALID_KE_PAYLOAD, group, 2);
	ike_build_notify(b, 0, NULL, 0, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
}

static void add_ts(struct ike_builder *b)
{
	struct ike_ts ts[2];

	memset(ts, 0, sizeof(ts));
	ts[0].type = IKE_TS_IPV4_ADDR_RANGE;
	inet_pton(AF_INET, "10.0.0.0", ts[0].start_addr);
	inet_pton(AF_INET, "10.0.255.255", ts[0].end_addr);
	ts[0].end_port = 65535;
	ts[1].type = IKE_TS_IPV6_ADDR_RANGE;
	ts[1].ip_proto = 132;	/* SCTP */
	inet_pton(AF_INET6, "2001:db8::", ts[1].start_addr);
	inet_pton(AF_INET6, "2001:db8::ffff", ts[1].end_addr);
	ts[1].start_port = ts[1].end_port = 36412;
	ike_build_ts(b, IKE_PL_TSI, ts, 2);
	ike_build_ts(b, IKE_PL_TSR, ts, 1);
}

static void add_auth(struct ike_builder *b)
{
	struct ike_proposal p[2];
	struct ike_id id;
	uint8_t auth[32] = { 0xa0 };
	int n = ike_proposals_parse("aes128gcm16-esn-noesn,aes256-sha256",
				    IKE_PROTO_ESP, p, 2, NULL, 0);

	p[0].spi_size = p[1].spi_size = 4;
	memcpy(p[0].spi, "\xc0\x01\x02\x03", 4);
	memcpy(p[1].spi, "\xc0\x01\x02\x03", 4);
	ike_id_from_string("enb-1@ran.example", &id, NULL, 0);
	ike_build_id(b, IKE_PL_IDI, &id);
	ike_id_from_string("203.0.113.1", &id, NULL, 0);
	ike_build_id(b, IKE_PL_IDR, &id);
	ike_build_auth(b, IKE_AUTH_SHARED_KEY_MIC, auth, sizeof(auth));
	ike_build_notify(b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_build_cert(b, IKE_PL_CERTREQ, 4, auth, 20);
	ike_build_sa(b, p, (size_t)n);
	add_ts(b);
	ike_build_notify(b, 0, NULL, 0, IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	ike_build_notify(b, 0, NULL, 0, IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED,
			 NULL, 0);
	ike_build_notify(b, 0, NULL, 0, IKE_N_NON_FIRST_FRAGMENTS_ALSO, NULL, 0);
}

static void add_child(struct ike_builder *b)
{
	struct ike_proposal p[1];
	uint8_t ke[32];

	memset(ke, 0x44, sizeof(ke));
	ike_proposals_parse("aes256gcm16-curve25519-esn", IKE_PROTO_ESP, p, 1,
			    NULL, 0);
	p[0].spi_size = 4;
	memcpy(p[0].spi, "\xc1\x01\x02\x03", 4);
	ike_build_notify(b, IKE_PROTO_ESP, (const uint8_t *)"\xc0\x01\x02\x03",
			 4, IKE_N_REKEY_SA, NULL, 0);
	ike_build_sa(b, p, 1);
	ike_build_nonce(b, nonce, sizeof(nonce));
	ike_build_ke(b, IKE_DH_CURVE25519, ke, sizeof(ke));
	add_ts(b);
}

static void add_info(struct ike_builder *b)
{
	uint8_t spis[8] = { 0xc0, 1, 2, 3, 0xc1, 1, 2, 3 };

	ike_build_delete(b, IKE_PROTO_ESP, 4, spis, 2);
	ike_build_delete(b, IKE_PROTO_IKE, 0, NULL, 0);
}

static void add_nothing(struct ike_builder *b)
{
	(void)b;
}

static void add_unknown_critical(struct ike_builder *b)
{
	ike_build_payload(b, 222, true, nonce, 8);
	ike_build_payload(b, 223, false, nonce, 8);
}

static const struct payloads shapes[] = {
	{ add_sa_init, IKE_SA_INIT, "sa_init" },
	{ add_init_errors, IKE_SA_INIT, "sa_init_errors" },
	{ add_auth, IKE_AUTH, "auth" },
	{ add_child, IKE_CREATE_CHILD_SA, "create_child" },
	{ add_info, IKE_INFORMATIONAL, "delete" },
	{ add_nothing, IKE_INFORMATIONAL, "liveness" },
	{ add_unknown_critical, IKE_INFORMATIONAL, "unknown" },
};

int main(int argc, char **argv)
{
	struct ike_sa_keys keys;
	uint8_t buf[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	if (fuzz_keys(&keys))
		return 1;
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		struct ike_hdr h = {
			.spi_i = 0x0102030405060708ULL,
			.spi_r = shapes[i].exchange == IKE_SA_INIT ? 0 :
				 0x1112131415161718ULL,
			.exchange = shapes[i].exchange, .flags = IKE_FLAG_I,
			.msg_id = (uint32_t)i,
		};
		struct ike_builder b;
		char name[64];
		size_t len;

		/* in the clear */
		ike_build_init(&b, buf, sizeof(buf), &h);
		shapes[i].add(&b);
		len = ike_build_end(&b);
		if (!len)
			return 1;
		snprintf(name, sizeof(name), "%s-clear", shapes[i].name);
		write_seed(name, FUZZ_MODE_MSG, 0, buf, len);
		/* the same chain as a decrypted SK plaintext */
		snprintf(name, sizeof(name), "%s-inner", shapes[i].name);
		write_seed(name, FUZZ_MODE_INNER, buf[16], buf + IKE_HDR_LEN,
			   len - IKE_HDR_LEN);
		if (shapes[i].exchange == IKE_SA_INIT)
			continue;
		/* protected with the fuzzer's keys */
		ike_build_init(&b, buf, sizeof(buf), &h);
		ike_build_sk_begin(&b, ike_sk_iv_len(&keys));
		shapes[i].add(&b);
		if (ike_sk_protect(&keys, true, &b, &len))
			return 1;
		snprintf(name, sizeof(name), "%s-sk", shapes[i].name);
		write_seed(name, FUZZ_MODE_MSG, 0, buf, len);
	}
	printf("%d seeds in %s\n", n_seeds, dir);
	return 0;
}
