// SPDX-License-Identifier: GPL-2.0
/*
 * Certificates and signature AUTH (RFC 7296 §3.6-3.8, RFC 7427, RFC 4945)
 * on OpenSSL 3. See ike_cert.h.
 *
 *   RFC 7427 AUTH data:  | len (1 octet) | AlgorithmIdentifier (DER) | signature |
 *   classic ECDSA (RFC 4754): the signature is r | s, each the curve's size
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "base/sgw_byteorder.h"
#include "ike/ike_cert.h"

/* --- digests, fetched once ---------------------------------------------------- */

static EVP_MD *md_sha1, *md_sha256, *md_sha384, *md_sha512;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_fetch(void)
{
	md_sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	md_sha384 = EVP_MD_fetch(NULL, "SHA384", NULL);
	md_sha512 = EVP_MD_fetch(NULL, "SHA512", NULL);
}

static const EVP_MD *md_of_nid(int nid)
{
	pthread_once(&md_once, md_fetch);
	switch (nid) {
	case NID_sha1: return md_sha1;
	case NID_sha256: return md_sha256;
	case NID_sha384: return md_sha384;
	case NID_sha512: return md_sha512;
	default: return NULL;
	}
}

static int nid_of_hash(unsigned int h)
{
	switch (h) {
	case IKE_HASH_SHA1: return NID_sha1;
	case IKE_HASH_SHA256: return NID_sha256;
	case IKE_HASH_SHA384: return NID_sha384;
	case IKE_HASH_SHA512: return NID_sha512;
	default: return NID_undef;
	}
}

/* --- certificates -------------------------------------------------------------- */

X509 *ike_cert_decode(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x;

	if (!der || !len || len > 65535)
		return NULL;
	x = d2i_X509(NULL, &p, (long)len);
	if (x && p != der + len) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

int ike_cert_subject_id(X509 *cert, struct ike_id *id)
{
	unsigned char *der = NULL;
	int n = i2d_X509_NAME(X509_get_subject_name(cert), &der);
	int ret = -1;

	if (n > 0 && n <= IKE_ID_MAX_LEN) {
		memset(id, 0, sizeof(*id));
		id->type = IKE_ID_DER_ASN1_DN;
		id->len = (uint16_t)n;
		memcpy(id->data, der, (size_t)n);
		ret = 0;
	}
	OPENSSL_free(der);
	return ret;
}

/* The subjectAltName entry as an identity of the same kind; false for
 * kinds that are no IKE identity. */
static bool san_to_id(const GENERAL_NAME *gn, struct ike_id *id)
{
	const ASN1_STRING *s;
	int len;

	switch (gn->type) {
	case GEN_DNS:
		id->type = IKE_ID_FQDN;
		s = gn->d.dNSName;
		break;
	case GEN_EMAIL:
		id->type = IKE_ID_RFC822_ADDR;
		s = gn->d.rfc822Name;
		break;
	case GEN_IPADD:
		s = gn->d.iPAddress;
		len = ASN1_STRING_length(s);
		if (len != 4 && len != 16)
			return false;
		id->type = len == 4 ? IKE_ID_IPV4_ADDR : IKE_ID_IPV6_ADDR;
		break;
	default:
		return false;
	}
	len = ASN1_STRING_length(s);
	if (len <= 0 || len > IKE_ID_MAX_LEN)
		return false;
	id->len = (uint16_t)len;
	memcpy(id->data, ASN1_STRING_get0_data(s), (size_t)len);
	return true;
}

bool ike_cert_proves_id(X509 *cert, const struct ike_id *id)
{
	GENERAL_NAMES *sans;
	bool found = false;

	if (id->type == IKE_ID_DER_ASN1_DN) {
		struct ike_id subject;

		return !ike_cert_subject_id(cert, &subject) && ike_id_equal(&subject, id);
	}
	sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans) && !found; i++) {
		struct ike_id san;

		if (san_to_id(sk_GENERAL_NAME_value(sans, i), &san))
			found = ike_id_equal(&san, id);
	}
	GENERAL_NAMES_free(sans);
	return found;
}

static int why_set(char *why, size_t len, const char *msg)
{
	if (why && len)
		snprintf(why, len, "%s", msg);
	return -1;
}

int ike_cert_check_key(X509 *cert, char *why, size_t why_len)
{
	EVP_PKEY *k = X509_get0_pubkey(cert);
	char group[32];
	size_t glen;

	if (!k)
		return why_set(why, why_len, "no usable public key");
	if (EVP_PKEY_is_a(k, "RSA")) {
		if (EVP_PKEY_get_bits(k) < 2048)
			return why_set(why, why_len, "RSA key shorter than 2048 bits");
	} else if (EVP_PKEY_is_a(k, "EC")) {
		if (!EVP_PKEY_get_group_name(k, group, sizeof(group), &glen) ||
		    (strcmp(group, "prime256v1") && strcmp(group, "secp384r1")))
			return why_set(why, why_len, "ECDSA key not on P-256 or P-384");
	} else if (!EVP_PKEY_is_a(k, "ED25519")) {
		return why_set(why, why_len, "key type not RSA, ECDSA or Ed25519");
	}
	if ((X509_get_extension_flags(cert) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(cert) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
		return why_set(why, why_len, "key usage does not allow signatures (no digitalSignature)");
	return 0;
}

int ike_cert_keyid(X509 *cert, uint8_t out[IKE_CERTREQ_HASH_LEN])
{
	unsigned char *der = NULL;
	unsigned int len = 0;
	int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	int ok;

	pthread_once(&md_once, md_fetch);
	ok = n > 0 && EVP_Digest(der, (size_t)n, out, &len, md_sha1, NULL) &&
	     len == IKE_CERTREQ_HASH_LEN;
	OPENSSL_free(der);
	return ok ? 0 : -1;
}

/* --- chains and CRLs ------------------------------------------------------------------ */

int ike_cert_verify(X509_STORE *store, X509 *leaf, STACK_OF(X509) *untrusted, time_t now,
		    struct ike_cert_result *r)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int err;

	memset(r, 0, sizeof(*r));
	r->verdict = IKE_CERT_INVALID;
	if (!ctx || !X509_STORE_CTX_init(ctx, store, leaf, untrusted)) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		X509_STORE_CTX_free(ctx);
		return -1;
	}
	if (now)
		X509_STORE_CTX_set_time(ctx, 0, now);
	if (X509_verify_cert(ctx) == 1) {
		r->verdict = IKE_CERT_VALID;
		r->chain = X509_STORE_CTX_get1_chain(ctx);
	} else {
		err = X509_STORE_CTX_get_error(ctx);
		snprintf(r->why, sizeof(r->why), "%s (depth %d)",
			 X509_verify_cert_error_string(err), X509_STORE_CTX_get_error_depth(ctx));
	}
	X509_STORE_CTX_free(ctx);
	return r->verdict == IKE_CERT_VALID ? 0 : -1;
}

enum ike_crl_status ike_cert_crl_status(X509_CRL *crl, X509 *leaf, time_t now)
{
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
	X509_REVOKED *rev;
	time_t t = now ? now : time(NULL);

	if (X509_CRL_get0_by_cert(crl, &rev, leaf) == 1)
		return IKE_CRL_REVOKED;
	if (X509_cmp_time(X509_CRL_get0_lastUpdate(crl), &t) > 0 ||
	    (next && X509_cmp_time(next, &t) <= 0))
		return IKE_CRL_STALE;
	return IKE_CRL_GOOD;
}

int ike_cert_crl_check(X509_CRL *crl, X509 *issuer)
{
	EVP_PKEY *k = X509_get0_pubkey(issuer);

	if (!k || X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)))
		return -1;
	return X509_CRL_verify(crl, k) == 1 ? 0 : -1;
}

/* --- SIGNATURE_HASH_ALGORITHMS -------------------------------------------------------- */

static const uint16_t our_hashes[] = {
	IKE_HASH_SHA256, IKE_HASH_SHA384, IKE_HASH_SHA512, IKE_HASH_IDENTITY,
};

size_t ike_sig_hashes_build(uint8_t *out, size_t cap)
{
	size_t n = sizeof(our_hashes) / sizeof(our_hashes[0]);

	if (cap < 2 * n)
		return 0;
	for (size_t i = 0; i < n; i++)
		sgw_put_be16(out + 2 * i, our_hashes[i]);
	return 2 * n;
}

unsigned int ike_sig_hashes_parse(const uint8_t *data, size_t len)
{
	unsigned int mask = 0;

	for (size_t i = 0; i + 1 < len; i += 2) {
		uint16_t h = sgw_get_be16(data + i);

		if (h >= IKE_HASH_SHA1 && h <= IKE_HASH_IDENTITY)
			mask |= IKE_HASH_BIT(h);
	}
	return mask;
}

/* --- signing ------------------------------------------------------------------------------ */

/* DER signature over the octets (md NULL: Ed25519). */
static int digest_sign(EVP_PKEY *key, const EVP_MD *md, const uint8_t *octets,
		       size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t n = cap;
	int ok;

	ok = ctx && EVP_DigestSignInit(ctx, NULL, md, NULL, key) == 1 &&
	     EVP_DigestSign(ctx, out, &n, octets, len) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	*out_len = n;
	return 0;
}

static bool digest_verify(EVP_PKEY *key, const EVP_MD *md, const uint8_t *sig,
			  size_t sig_len, const uint8_t *octets, size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok;

	ok = ctx && EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1 &&
	     EVP_DigestVerify(ctx, sig, sig_len, octets, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* Field size of an ECDSA key on a curve we accept: 32 (P-256), 48 (P-384). */
static size_t ec_field_len(EVP_PKEY *key)
{
	char group[32];
	size_t glen;

	if (!EVP_PKEY_is_a(key, "EC") ||
	    !EVP_PKEY_get_group_name(key, group, sizeof(group), &glen))
		return 0;
	if (!strcmp(group, "prime256v1"))
		return 32;
	if (!strcmp(group, "secp384r1"))
		return 48;
	return 0;
}

/* The hash a key signs with under RFC 7427, among the peer's. */
static unsigned int pick_hash(EVP_PKEY *key, unsigned int peer)
{
	static const unsigned int rsa_order[] = { IKE_HASH_SHA256, IKE_HASH_SHA384, IKE_HASH_SHA512 };
	static const unsigned int p384_order[] = { IKE_HASH_SHA384, IKE_HASH_SHA512, IKE_HASH_SHA256 };
	const unsigned int *order = ec_field_len(key) == 48 ? p384_order : rsa_order;

	if (EVP_PKEY_is_a(key, "ED25519"))
		return peer & IKE_HASH_BIT(IKE_HASH_IDENTITY) ? IKE_HASH_IDENTITY : 0;
	for (size_t i = 0; i < 3; i++)
		if (peer & IKE_HASH_BIT(order[i]))
			return order[i];
	return 0;
}

/* The AlgorithmIdentifier of the signature, DER, through X509_ALGOR. */
static int algor_der(EVP_PKEY *key, unsigned int hash, uint8_t *out, size_t cap,
		     size_t *len)
{
	X509_ALGOR *a = X509_ALGOR_new();
	int sig_nid = NID_ED25519, ptype = V_ASN1_UNDEF, n = -1;
	unsigned char *p = out;

	if (!a)
		return -1;
	if (hash != IKE_HASH_IDENTITY) {
		int pkey_nid = EVP_PKEY_is_a(key, "RSA") ? NID_rsaEncryption
							 : NID_X9_62_id_ecPublicKey;

		if (!OBJ_find_sigid_by_algs(&sig_nid, nid_of_hash(hash), pkey_nid))
			goto out;
		if (pkey_nid == NID_rsaEncryption)
			ptype = V_ASN1_NULL;	/* RFC 4055: NULL parameters */
	}
	if (!X509_ALGOR_set0(a, OBJ_nid2obj(sig_nid), ptype, NULL))
		goto out;
	n = i2d_X509_ALGOR(a, NULL);
	if (n <= 0 || (size_t)n > cap || n > 255) {
		n = -1;
		goto out;
	}
	n = i2d_X509_ALGOR(a, &p);
out:
	X509_ALGOR_free(a);
	if (n <= 0)
		return -1;
	*len = (size_t)n;
	return 0;
}

/* Classic ECDSA (RFC 4754): DER ECDSA-Sig-Value to r | s and back. */
static int ecdsa_der_to_raw(const uint8_t *der, size_t len, size_t field, uint8_t *out)
{
	const unsigned char *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);
	const BIGNUM *r, *sv;
	int ok;

	if (!s)
		return -1;
	ECDSA_SIG_get0(s, &r, &sv);
	ok = BN_bn2binpad(r, out, (int)field) == (int)field &&
	     BN_bn2binpad(sv, out + field, (int)field) == (int)field;
	ECDSA_SIG_free(s);
	return ok ? 0 : -1;
}

static int ecdsa_raw_to_der(const uint8_t *raw, size_t field, uint8_t *out, size_t cap,
			    size_t *len)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)field, NULL), *sv = BN_bin2bn(raw + field, (int)field, NULL);
	unsigned char *p = out;
	int n = -1;

	if (s && r && sv && ECDSA_SIG_set0(s, r, sv)) {
		r = sv = NULL;		/* owned by s */
		n = i2d_ECDSA_SIG(s, NULL);
		n = n > 0 && (size_t)n <= cap ? i2d_ECDSA_SIG(s, &p) : -1;
	}
	BN_free(r);
	BN_free(sv);
	ECDSA_SIG_free(s);
	if (n <= 0)
		return -1;
	*len = (size_t)n;
	return 0;
}

static int sign_classic(EVP_PKEY *key, const uint8_t *octets, size_t len, uint8_t *method,
			uint8_t *out, size_t cap, size_t *out_len)
{
	size_t field = ec_field_len(key), n;
	uint8_t der[160];

	if (EVP_PKEY_is_a(key, "RSA")) {
		*method = IKE_AUTH_RSA_SIG;
		return digest_sign(key, md_of_nid(NID_sha1), octets, len, out, cap, out_len);
	}
	if (!field || cap < 2 * field)
		return -1;	/* Ed25519 exists only with RFC 7427 */
	if (digest_sign(key, md_of_nid(field == 32 ? NID_sha256 : NID_sha384), octets, len,
			der, sizeof(der), &n) ||
	    ecdsa_der_to_raw(der, n, field, out))
		return -1;
	*method = field == 32 ? IKE_AUTH_ECDSA_256 : IKE_AUTH_ECDSA_384;
	*out_len = 2 * field;
	return 0;
}

int ike_auth_sig_sign(EVP_PKEY *key, unsigned int peer_hashes,
		      const uint8_t *octets, size_t len, uint8_t *method,
		      uint8_t *out, size_t cap, size_t *out_len)
{
	unsigned int hash;
	size_t alen, slen;

	if (!key || !octets || cap < 2)
		return -1;
	if (!peer_hashes)
		return sign_classic(key, octets, len, method, out, cap, out_len);
	hash = pick_hash(key, peer_hashes);
	if (!hash || algor_der(key, hash, out + 1, cap - 1, &alen))
		return -1;
	out[0] = (uint8_t)alen;
	if (digest_sign(key, hash == IKE_HASH_IDENTITY ? NULL : md_of_nid(nid_of_hash(hash)),
			octets, len, out + 1 + alen, cap - 1 - alen, &slen))
		return -1;
	*method = IKE_AUTH_DIGITAL_SIGNATURE;
	*out_len = 1 + alen + slen;
	return 0;
}

/* --- verification ------------------------------------------------------------------------- */

static bool fail_why(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return false;
}

/* RFC 7427: which signature algorithm, checked against the key. */
static bool verify_digital(EVP_PKEY *key, const uint8_t *auth, size_t auth_len,
			   const uint8_t *octets, size_t len, const char **why)
{
	const unsigned char *p = auth + 1;
	size_t alen = auth_len ? auth[0] : 0;
	X509_ALGOR *a;
	int md_nid = NID_undef, pk_nid = NID_undef, want;
	const EVP_MD *md = NULL;
	bool ok;

	if (!auth_len || auth_len <= 1 + alen)
		return fail_why(why, "Digital Signature AUTH too short");
	a = d2i_X509_ALGOR(NULL, &p, (long)alen);
	if (!a || p != auth + 1 + alen ||
	    !OBJ_find_sigid_algs(OBJ_obj2nid(a->algorithm), &md_nid, &pk_nid)) {
		X509_ALGOR_free(a);
		return fail_why(why, "unknown signature algorithm in AUTH");
	}
	X509_ALGOR_free(a);
	want = EVP_PKEY_is_a(key, "RSA") ? NID_rsaEncryption :
	       EVP_PKEY_is_a(key, "EC") ? NID_X9_62_id_ecPublicKey :
	       EVP_PKEY_is_a(key, "ED25519") ? NID_ED25519 : NID_undef;
	if (pk_nid != want)
		return fail_why(why, "AUTH signature algorithm does not fit the certificate's key");
	if (pk_nid != NID_ED25519) {
		if (md_nid != NID_sha256 && md_nid != NID_sha384 && md_nid != NID_sha512)
			return fail_why(why, "AUTH signed with a hash we do not accept");
		md = md_of_nid(md_nid);
	} else if (md_nid != NID_undef) {
		return fail_why(why, "Ed25519 AUTH with a hash");
	}
	ok = digest_verify(key, md, auth + 1 + alen, auth_len - 1 - alen, octets, len);
	return ok || fail_why(why, "AUTH signature does not verify");
}

bool ike_auth_sig_verify(EVP_PKEY *key, uint8_t method, const uint8_t *auth,
			 size_t auth_len, const uint8_t *octets, size_t len,
			 const char **why)
{
	size_t field, n;
	uint8_t der[160];

	if (!key || !auth || !octets)
		return fail_why(why, "nothing to verify");
	switch (method) {
	case IKE_AUTH_DIGITAL_SIGNATURE:
		return verify_digital(key, auth, auth_len, octets, len, why);
	case IKE_AUTH_RSA_SIG:
		if (!EVP_PKEY_is_a(key, "RSA"))
			return fail_why(why, "RSA AUTH with a key that is not RSA");
		return digest_verify(key, md_of_nid(NID_sha1), auth, auth_len, octets, len) ||
		       fail_why(why, "AUTH signature does not verify");
	case IKE_AUTH_ECDSA_256:
	case IKE_AUTH_ECDSA_384:
		field = method == IKE_AUTH_ECDSA_256 ? 32 : 48;
		if (ec_field_len(key) != field)
			return fail_why(why, "ECDSA AUTH method does not fit the certificate's curve");
		if (auth_len != 2 * field || ecdsa_raw_to_der(auth, field, der, sizeof(der), &n))
			return fail_why(why, "ECDSA AUTH of the wrong size");
		return digest_verify(key, md_of_nid(field == 32 ? NID_sha256 : NID_sha384), der, n,
				     octets, len) ||
		       fail_why(why, "AUTH signature does not verify");
	default:
		return fail_why(why, "AUTH method is not a signature we support");
	}
}
