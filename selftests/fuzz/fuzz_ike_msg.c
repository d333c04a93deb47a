// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the IKEv2 message parser (make fuzz). Everything a
 * peer's bytes reach before authentication: the header and clear payload
 * parser, SK unprotection, the inner payload parser (directly, see
 * fuzz_common.h), proposal selection and identity printing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "ike/ike_cert.h"
#include "ike/ike_frag.h"
#include "ike/ike_msg.h"
#include "ike/ike_proposal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ike_sa_keys keys;
static struct ike_proposal ours[4];
static int n_ours;

static void setup(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	if (fuzz_keys(&keys))
		abort();
	n_ours = ike_proposals_parse("aes128gcm16-prfsha256-ecp256-curve25519,"
				     "aes256-sha256-modp2048-modp1024",
				     IKE_PROTO_IKE, ours, 4, NULL, 0);
	if (n_ours != 2)
		abort();
}

/* Uses what a daemon would use of a parsed message. */
static void consume(const struct ike_msg *m)
{
	struct ike_suite s;
	char buf[600];

	if (m->sa.present)
		ike_proposal_select(ours, (size_t)n_ours, m->sa.prop, m->sa.n,
				    IKE_SELECT_ALLOW_LEGACY, m->ke.group, &s);
	if (m->sa.present && m->sa.n)
		ike_proposal_to_string(&m->sa.prop[0], buf, sizeof(buf));
	if (m->idi.present)
		ike_id_to_string(&m->idi.id, buf, sizeof(buf));
	if (m->idr.present)
		ike_id_to_string(&m->idr.id, buf, sizeof(buf));
	ike_msg_first_error(m);
	ike_msg_find_notify(m, IKE_N_COOKIE);
	for (unsigned int i = 0; i < m->n_cert; i++) {
		X509 *x = ike_cert_decode(m->cert[i].data, m->cert[i].len);

		if (!x)
			continue;
		if (m->idi.present)
			ike_cert_proves_id(x, &m->idi.id);
		ike_cert_check_key(x, buf, sizeof(buf));
		X509_free(x);
	}
}

/* A decrypted fragment joins the one reassembly buffer (ikud's limits). */
static void reassemble(struct ike_msg *m, const uint8_t *plain, size_t plen)
{
	static struct ike_frag_rx rx;
	static uint8_t joined[IKE_MSG_MAX_SIZE];
	static bool ready;
	struct ike_parse_err err;
	uint8_t first;
	size_t n;

	if (!ready) {
		ike_frag_rx_init(&rx, 32, 65535);
		ready = true;
	}
	if (ike_frag_rx_add(&rx, m->hdr.msg_id, m->hdr.flags & IKE_FLAG_R, m->sk.frag_num,
			    m->sk.frag_total, m->sk.first_inner, plain, plen) != IKE_FRAG_DONE)
		return;
	n = ike_frag_rx_join(&rx, joined, sizeof(joined), &first);
	m->sk.first_inner = first;
	if (n && ike_msg_parse_inner(m, joined, n, &err) == 0)
		consume(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ike_msg msg;
	static uint8_t plain[IKE_MSG_MAX_SIZE];
	struct ike_parse_err err;
	size_t plen;

	setup();
	if (size < 2)
		return 0;
	if ((data[0] & 1) == FUZZ_MODE_MSG) {
		if (ike_msg_parse(data + 1, size - 1, &msg, &err) == 0) {
			if (msg.sk.present &&
			    ike_sk_unprotect(&keys, msg.hdr.flags & IKE_FLAG_I,
					     &msg, plain, sizeof(plain),
					     &plen) == 0) {
				if (msg.sk.frag) {
					reassemble(&msg, plain, plen);
					return 0;
				}
				ike_msg_parse_inner(&msg, plain, plen, &err);
			}
			consume(&msg);
		}
		return 0;
	}
	/* inner mode: pretend the plaintext came out of a valid SK */
	memset(&msg, 0, sizeof(msg));
	msg.sk.present = true;
	msg.sk.first_inner = data[1];
	if (ike_msg_parse_inner(&msg, data + 2, size - 2, &err) == 0)
		consume(&msg);
	return 0;
}
