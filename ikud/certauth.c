// SPDX-License-Identifier: GPL-2.0
/*
 * Certificates in IKE_SA_INIT and IKE_AUTH (RFC 7296 §3.6-3.8, RFC 7427),
 * both roles, for gateways with `auth cert`: SIGNATURE_HASH_ALGORITHMS
 * and CERTREQ in IKE_SA_INIT, our CERT payloads (certificate, then its
 * intermediates) and signature AUTH, and the peer's: its certificate must
 * prove the identity it asserts, chain to an anchor of the gateway that
 * may vouch for that identity, sign the AUTH octets, and pass the
 * gateway's revocation policy (revocation.c, which never blocks: the
 * message waits while CRLs or OCSP answers are fetched).
 */
#include "ikud.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike_cert.h"

void certauth_build_init(const struct gw_rt *gw, struct ike_builder *b, bool certreq)
{
	uint8_t hashes[16];
	size_t n;

	if (!gw->pki)
		return;
	n = ike_sig_hashes_build(hashes, sizeof(hashes));
	ike_build_notify(b, 0, NULL, 0, IKE_N_SIGNATURE_HASH_ALGORITHMS, hashes, n);
	if (certreq)
		certauth_build_certreq(gw, b);
}

void certauth_build_certreq(const struct gw_rt *gw, struct ike_builder *b)
{
	if (gw->pki)
		ike_build_cert(b, IKE_PL_CERTREQ, IKE_CERT_X509_SIG, gw->pki->certreq,
			       gw->pki->certreq_len);
}

void certauth_on_init(struct ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_notify *n = ike_msg_find_notify(m, IKE_N_SIGNATURE_HASH_ALGORITHMS);

	sa->peer_sig_hashes = n ? ike_sig_hashes_parse(n->data, n->data_len) : 0;
}

/* Signed octets of one side (§2.15), in a buffer of their own. */
static uint8_t *octets_of(const struct ike_sa *sa, bool of_initiator, const uint8_t *idbody,
			  size_t idlen, size_t *len)
{
	const uint8_t *real = of_initiator ? sa->init_req : sa->init_resp;
	size_t real_len = of_initiator ? sa->init_req_len : sa->init_resp_len;
	const uint8_t *nonce = of_initiator ? sa->nr : sa->ni;
	size_t nonce_len = of_initiator ? sa->nr_len : sa->ni_len;
	size_t cap = real_len + nonce_len + IKE_PRF_MAX_LEN;
	uint8_t *o = malloc(cap);

	if (o && ike_auth_octets(&sa->keys, of_initiator, real, real_len, nonce, nonce_len,
				 idbody, idlen, o, cap, len)) {
		free(o);
		o = NULL;
	}
	return o;
}

static void build_cert(struct ike_builder *b, X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);

	if (n <= 0) {
		b->err = true;
		return;
	}
	ike_build_cert(b, IKE_PL_CERT, IKE_CERT_X509_SIG, der, (size_t)n);
	OPENSSL_free(der);
}

int certauth_sign(struct ike_sa *sa, const uint8_t *idbody, size_t idlen, uint8_t *method,
		  uint8_t *sig, size_t cap, size_t *len)
{
	const struct pki_gw *p = sa->gw->pki;
	uint8_t *octets;
	size_t olen;
	int ret;

	if (!p)
		return -1;
	octets = octets_of(sa, sa->initiator, idbody, idlen, &olen);
	if (!octets)
		return -1;
	ret = ike_auth_sig_sign(p->key, sa->peer_sig_hashes, octets, olen, method, sig, cap, len);
	free(octets);
	if (ret)
		log_sa(sa, LOG_NOTICE, "cannot sign AUTH: the peer supports no signature "
		       "hash our key can use");
	return ret;
}

void certauth_build_certs(const struct ike_sa *sa, struct ike_builder *b)
{
	const struct pki_gw *p = sa->gw->pki;

	if (!p)
		return;
	build_cert(b, p->cert);
	for (int i = 0; i < sk_X509_num(p->chain); i++)
		build_cert(b, sk_X509_value(p->chain, i));
}

/* The peer's CERT payloads: the first is its certificate, the others the
 * intermediates offered to build the path. */
static X509 *peer_certs(const struct ike_msg *m, STACK_OF(X509) *untrusted, char *why,
			size_t len)
{
	X509 *leaf = NULL;
	unsigned int i;

	for (i = 0; i < m->n_cert; i++) {
		X509 *x;

		if (m->cert[i].encoding != IKE_CERT_X509_SIG) {
			snprintf(why, len, "CERT encoding %u not supported", m->cert[i].encoding);
			goto fail;
		}
		x = ike_cert_decode(m->cert[i].data, m->cert[i].len);
		if (!x) {
			snprintf(why, len, "CERT payload %u is not a DER certificate", i + 1);
			goto fail;
		}
		if (!leaf)
			leaf = x;
		else if (!sk_X509_push(untrusted, x))
			X509_free(x);
	}
	if (!leaf)
		snprintf(why, len, "no CERT payload (the gateway wants certificates)");
	return leaf;
fail:
	X509_free(leaf);
	return NULL;
}

/* The revocation policy of the gateway over what is known. */
static enum certauth_verdict revocation_verdict(struct ike_sa *sa, X509 *leaf,
						STACK_OF(X509) *chain, char *why, size_t len)
{
	enum ike_conf_revocation policy = sa->gw->c->revocation;
	char detail[160] = "";
	enum rev_status st;

	if (policy == IKE_CONF_REV_NONE)
		return CERTAUTH_OK;
	st = revocation_check(sa->gw, leaf, chain, sa, detail, sizeof(detail));
	switch (st) {
	case REV_GOOD:
		return CERTAUTH_OK;
	case REV_PENDING:
		return CERTAUTH_PENDING;
	case REV_REVOKED:
		snprintf(why, len, "certificate revoked (%s)", detail);
		return CERTAUTH_FAIL;
	case REV_UNKNOWN:
		break;
	}
	if (policy == IKE_CONF_REV_IF_AVAILABLE) {
		log_sa(sa, LOG_INFO, "revocation status unknown (%s), accepted: "
		       "revocation if-available", detail);
		return CERTAUTH_OK;
	}
	snprintf(why, len, "revocation status unknown (%s) and revocation require", detail);
	return CERTAUTH_FAIL;
}

enum certauth_verdict certauth_verify_peer(struct ike_sa *sa, const struct ike_msg *m,
					   const struct ike_id_payload *id, char *why,
					   size_t len)
{
	STACK_OF(X509) *untrusted = sk_X509_new_null(), *chain = NULL;
	enum certauth_verdict v = CERTAUTH_FAIL;
	const char *bad = NULL;
	uint8_t *octets = NULL;
	X509 *leaf = NULL;
	size_t olen;

	if (!untrusted) {
		snprintf(why, len, "out of memory");
		return CERTAUTH_FAIL;
	}
	if (m->auth.method == IKE_AUTH_SHARED_KEY_MIC) {
		snprintf(why, len, "peer uses a pre-shared key, the gateway certificates");
		goto out;
	}
	leaf = peer_certs(m, untrusted, why, len);
	if (!leaf || pki_verify_peer(sa->gw->pki, leaf, untrusted, &id->id, &chain, why, len))
		goto out;
	octets = octets_of(sa, !sa->initiator, id->body, id->body_len, &olen);
	if (!octets) {
		snprintf(why, len, "cannot compute the signed octets");
		goto out;
	}
	if (!ike_auth_sig_verify(X509_get0_pubkey(leaf), m->auth.method, m->auth.data,
				 m->auth.len, octets, olen, &bad)) {
		snprintf(why, len, "%s", bad);
		goto out;
	}
	v = revocation_verdict(sa, leaf, chain, why, len);
	if (v == CERTAUTH_OK) {
		X509_free(sa->peer_cert);
		sk_X509_pop_free(sa->peer_chain, X509_free);
		sa->peer_cert = leaf;
		sa->peer_chain = chain;
		leaf = NULL;
		chain = NULL;
	}
out:
	free(octets);
	X509_free(leaf);
	sk_X509_pop_free(untrusted, X509_free);
	sk_X509_pop_free(chain, X509_free);
	return v;
}

bool certauth_still_valid(struct ike_sa *sa, const struct gw_rt *gw, char *why, size_t len)
{
	STACK_OF(X509) *untrusted, *chain = NULL;
	enum rev_status st;
	char detail[160] = "";
	int i;

	if (!sa->peer_cert) {
		snprintf(why, len, "no certificate");
		return false;
	}
	untrusted = sk_X509_new_null();
	for (i = 1; untrusted && i < sk_X509_num(sa->peer_chain); i++)
		sk_X509_push(untrusted, sk_X509_value(sa->peer_chain, i));
	if (!untrusted ||
	    pki_verify_peer(gw->pki, sa->peer_cert, untrusted, &sa->peer_id, &chain, why, len)) {
		sk_X509_free(untrusted);
		return false;
	}
	sk_X509_free(untrusted);
	st = gw->c->revocation == IKE_CONF_REV_NONE ? REV_GOOD :
	     revocation_check(gw, sa->peer_cert, chain, NULL, detail, sizeof(detail));
	sk_X509_pop_free(sa->peer_chain, X509_free);
	sa->peer_chain = chain;
	if (st == REV_REVOKED) {
		snprintf(why, len, "certificate revoked (%s)", detail);
		return false;
	}
	return true;
}

bool certauth_revoked(struct ike_sa *sa, char *why, size_t len)
{
	char detail[160] = "";

	if (!sa->peer_cert || !sa->gw->pki || sa->gw->c->revocation == IKE_CONF_REV_NONE ||
	    revocation_check(sa->gw, sa->peer_cert, sa->peer_chain, NULL, detail,
			     sizeof(detail)) != REV_REVOKED)
		return false;
	snprintf(why, len, "certificate revoked (%s)", detail);
	return true;
}
