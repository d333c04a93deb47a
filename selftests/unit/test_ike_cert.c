// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of libsgw/ike/ike_cert.c: identities in certificates (one
 * rule with ike_id), key and key-usage checks, chains and CRLs through an
 * X509_STORE, signature AUTH (RFC 7427 and the classic methods) for RSA,
 * ECDSA P-256/P-384 and Ed25519, and hostile AUTH payloads. The
 * certificates are made here with OpenSSL.
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
#include <openssl/x509v3.h>

#include "ike/ike_cert.h"
#include "ike/ike_crypto.h"

#define DAY 86400

static EVP_PKEY *key_new(const char *alg, const char *param)
{
	EVP_PKEY *k;

	if (!strcmp(alg, "RSA"))
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)atoi(param));
	else if (!strcmp(alg, "EC"))
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", param);
	else
		k = EVP_PKEY_Q_keygen(NULL, NULL, alg);
	assert_non_null(k);
	return k;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *e;

	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/* The name O=o, CN=cn, its strings of type chtype (MBSTRING_ASC, _UTF8). */
static X509_NAME *name_new(int chtype, const char *o, const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	assert_non_null(n);
	X509_NAME_add_entry_by_txt(n, "O", chtype, (const unsigned char *)o, -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", chtype, (const unsigned char *)cn, -1, -1, 0);
	return n;
}

/* A certificate for key, signed by issuer_key (self-signed without an issuer),
 * valid from now + from_days to now + to_days. */
static X509 *cert_new(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
		      bool ca, const char *san, const char *ku, long serial,
		      long from_days, long to_days)
{
	X509 *x = X509_new();
	X509_NAME *n = name_new(MBSTRING_ASC, "sgw test", cn);

	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	X509_gmtime_adj(X509_getm_notBefore(x), from_days * DAY);
	X509_gmtime_adj(X509_getm_notAfter(x), to_days * DAY);
	X509_set_pubkey(x, key);
	add_ext(x, issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
	add_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (issuer)
		add_ext(x, issuer, NID_authority_key_identifier, "keyid");
	if (ca)
		add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	else if (ku)
		add_ext(x, issuer, NID_key_usage, ku);
	if (san)
		add_ext(x, issuer, NID_subject_alt_name, san);
	assert_true(X509_sign(x, issuer_key ? issuer_key : key,
			      EVP_PKEY_is_a(issuer_key ? issuer_key : key, "ED25519") ? NULL
										: EVP_sha256()) > 0);
	return x;
}

static struct ike_id id_of(uint8_t type, const char *text)
{
	struct ike_id id = { .type = type };

	if (type == IKE_ID_IPV4_ADDR) {
		id.len = 4;
		assert_int_equal(inet_pton(AF_INET, text, id.data), 1);
	} else if (type == IKE_ID_IPV6_ADDR) {
		id.len = 16;
		assert_int_equal(inet_pton(AF_INET6, text, id.data), 1);
	} else {
		id.len = (uint16_t)strlen(text);
		memcpy(id.data, text, id.len);
	}
	return id;
}

/* An ASN.1 DN identity O=o, CN=cn. */
static struct ike_id dn_of(int chtype, const char *o, const char *cn)
{
	struct ike_id id = { .type = IKE_ID_DER_ASN1_DN };
	X509_NAME *n = name_new(chtype, o, cn);
	unsigned char *der = NULL;
	int len = i2d_X509_NAME(n, &der);

	assert_true(len > 0 && (size_t)len <= sizeof(id.data));
	id.len = (uint16_t)len;
	memcpy(id.data, der, (size_t)len);
	OPENSSL_free(der);
	X509_NAME_free(n);
	return id;
}

/* --- identities --------------------------------------------------------------------------- */

static void test_proves_id(void **state)
{
	EVP_PKEY *k = key_new("EC", "P-256");
	X509 *x = cert_new(k, "enb1", NULL, NULL, false,
			   "DNS:enb1.enb.example.net,email:ops@Example.net,IP:192.0.2.2,IP:2001:db8::2",
			   "digitalSignature", 1, 0, 30);
	const struct { uint8_t type; const char *text; bool proved; } cases[] = {
		{ IKE_ID_FQDN, "enb1.enb.example.net", true },
		{ IKE_ID_FQDN, "ENB1.Enb.Example.NET", true },	/* one rule: case folded */
		{ IKE_ID_FQDN, "enb2.enb.example.net", false },
		{ IKE_ID_FQDN, "enb1.enb.example.net.evil", false },
		{ IKE_ID_RFC822_ADDR, "ops@example.net", true },
		{ IKE_ID_FQDN, "ops@Example.net", false },	/* right text, wrong kind */
		{ IKE_ID_IPV4_ADDR, "192.0.2.2", true },
		{ IKE_ID_IPV4_ADDR, "192.0.2.3", false },
		{ IKE_ID_IPV6_ADDR, "2001:db8::2", true },
		{ IKE_ID_KEY_ID, "enb1", false },
	};
	struct ike_id id, dn;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		id = id_of(cases[i].type, cases[i].text);
		assert_int_equal(ike_cert_proves_id(x, &id), cases[i].proved);
	}

	/* the subject DN, compared canonically: case and spacing folded */
	assert_int_equal(ike_cert_subject_id(x, &dn), 0);
	assert_true(ike_cert_proves_id(x, &dn));
	id = dn_of(MBSTRING_UTF8, "SGW  Test", "ENB1");
	assert_true(ike_cert_proves_id(x, &id));
	id = dn_of(MBSTRING_ASC, "sgw test", "enb2");
	assert_false(ike_cert_proves_id(x, &id));
	X509_free(x);
	EVP_PKEY_free(k);
}

static void test_decode(void **state)
{
	EVP_PKEY *k = key_new("EC", "P-256");
	X509 *x = cert_new(k, "enb1", NULL, NULL, false, NULL, NULL, 1, 0, 30), *y;
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);

	(void)state;
	y = ike_cert_decode(der, (size_t)n);
	assert_non_null(y);
	assert_int_equal(X509_cmp(x, y), 0);
	X509_free(y);
	for (int cut = 0; cut < n; cut += 7)
		assert_null(ike_cert_decode(der, (size_t)cut));
	der = OPENSSL_realloc(der, (size_t)n + 1);
	der[n] = 0;
	assert_null(ike_cert_decode(der, (size_t)n + 1));	/* trailing byte */
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(k);
}

/* --- keys ------------------------------------------------------------------------------------ */

static void test_check_key(void **state)
{
	struct { const char *alg, *param, *ku; int ok; } cases[] = {
		{ "RSA", "2048", "digitalSignature", 0 },
		{ "RSA", "1024", "digitalSignature", -1 },
		{ "EC", "P-256", NULL, 0 },
		{ "EC", "P-384", "nonRepudiation", 0 },
		{ "EC", "P-521", "digitalSignature", -1 },
		{ "ED25519", NULL, "digitalSignature", 0 },
		{ "EC", "P-256", "keyEncipherment", -1 },
	};
	char why[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EVP_PKEY *k = key_new(cases[i].alg, cases[i].param);
		X509 *x = cert_new(k, "enb", NULL, NULL, false, NULL, cases[i].ku, 1, 0, 30);

		assert_int_equal(ike_cert_check_key(x, why, sizeof(why)), cases[i].ok);
		if (cases[i].ok)
			assert_true(strlen(why) > 10);
		X509_free(x);
		EVP_PKEY_free(k);
	}
}

/* --- chains and CRLs --------------------------------------------------------------------- */

struct pki {
	EVP_PKEY *ca_key, *im_key, *leaf_key;
	X509 *ca, *im, *leaf, *stranger_ca;
	X509_STORE *store;
	STACK_OF(X509) *untrusted;
};

static void pki_make(struct pki *p, long leaf_from, long leaf_to)
{
	EVP_PKEY *sk = key_new("EC", "P-256");

	p->ca_key = key_new("EC", "P-384");
	p->im_key = key_new("EC", "P-256");
	p->leaf_key = key_new("RSA", "2048");
	p->ca = cert_new(p->ca_key, "root", NULL, NULL, true, NULL, NULL, 1, -1, 3650);
	p->im = cert_new(p->im_key, "intermediate", p->ca, p->ca_key, true, NULL, NULL, 2, -1, 1000);
	p->leaf = cert_new(p->leaf_key, "enb1", p->im, p->im_key, false,
			   "DNS:enb1.enb.example.net", "digitalSignature", 77, leaf_from, leaf_to);
	p->stranger_ca = cert_new(sk, "root", NULL, NULL, true, NULL, NULL, 1, -1, 3650);
	EVP_PKEY_free(sk);
	p->store = X509_STORE_new();
	X509_STORE_add_cert(p->store, p->ca);
	p->untrusted = sk_X509_new_null();
	sk_X509_push(p->untrusted, p->im);
}

static void pki_free(struct pki *p)
{
	sk_X509_free(p->untrusted);
	X509_STORE_free(p->store);
	X509_free(p->ca);
	X509_free(p->im);
	X509_free(p->leaf);
	X509_free(p->stranger_ca);
	EVP_PKEY_free(p->ca_key);
	EVP_PKEY_free(p->im_key);
	EVP_PKEY_free(p->leaf_key);
}

/* A CRL of the intermediate, valid from now - 1 day for days, listing serials. */
static X509_CRL *crl_new(struct pki *p, EVP_PKEY *signer, long last_days, long next_days,
			 const long *serials, size_t n)
{
	X509_CRL *c = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();

	X509_CRL_set_version(c, 1);
	X509_CRL_set_issuer_name(c, X509_get_subject_name(p->im));
	X509_gmtime_adj(t, last_days * DAY);
	X509_CRL_set1_lastUpdate(c, t);
	X509_gmtime_adj(t, next_days * DAY);
	X509_CRL_set1_nextUpdate(c, t);
	for (size_t i = 0; i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new();
		ASN1_INTEGER *s = ASN1_INTEGER_new();

		ASN1_INTEGER_set(s, serials[i]);
		X509_REVOKED_set_serialNumber(r, s);
		X509_gmtime_adj(t, -DAY);
		X509_REVOKED_set_revocationDate(r, t);
		X509_CRL_add0_revoked(c, r);
		ASN1_INTEGER_free(s);
	}
	ASN1_TIME_free(t);
	X509_CRL_sort(c);
	assert_true(X509_CRL_sign(c, signer, EVP_sha256()) > 0);
	return c;
}

static void test_verify_chain(void **state)
{
	struct ike_cert_result r;
	struct pki p;
	STACK_OF(X509) *none = sk_X509_new_null();
	X509_STORE *wrong = X509_STORE_new();

	(void)state;
	pki_make(&p, -1, 365);
	assert_int_equal(ike_cert_verify(p.store, p.leaf, p.untrusted, 0, &r), 0);
	assert_int_equal(r.verdict, IKE_CERT_VALID);
	assert_int_equal(sk_X509_num(r.chain), 3);
	assert_int_equal(X509_cmp(sk_X509_value(r.chain, 2), p.ca), 0);
	sk_X509_pop_free(r.chain, X509_free);

	/* the intermediate not sent: no path */
	assert_int_equal(ike_cert_verify(p.store, p.leaf, none, 0, &r), -1);
	assert_int_equal(r.verdict, IKE_CERT_INVALID);
	assert_non_null(strstr(r.why, "issuer"));
	/* another CA with the same name is no anchor */
	X509_STORE_add_cert(wrong, p.stranger_ca);
	assert_int_equal(ike_cert_verify(wrong, p.leaf, p.untrusted, 0, &r), -1);
	assert_int_equal(r.verdict, IKE_CERT_INVALID);
	/* expired, not yet valid */
	assert_int_equal(ike_cert_verify(p.store, p.leaf, p.untrusted,
					 time(NULL) + 400 * DAY, &r), -1);
	assert_non_null(strstr(r.why, "expired"));
	assert_int_equal(ike_cert_verify(p.store, p.leaf, p.untrusted,
					 time(NULL) - 2 * DAY, &r), -1);
	assert_non_null(strstr(r.why, "not yet valid"));
	X509_STORE_free(wrong);
	sk_X509_free(none);
	pki_free(&p);
}

static void test_crl(void **state)
{
	static const long revoked[] = { 5, 77, 99 }, others[] = { 5, 99 };
	struct pki p;
	X509_CRL *c;

	(void)state;
	pki_make(&p, -1, 365);
	c = crl_new(&p, p.im_key, -1, 1, others, 2);
	assert_int_equal(ike_cert_crl_check(c, p.im), 0);
	assert_int_equal(ike_cert_crl_check(c, p.ca), -1);	/* not the issuer */
	assert_int_equal(ike_cert_crl_status(c, p.leaf, 0), IKE_CRL_GOOD);
	assert_int_equal(ike_cert_crl_status(c, p.leaf, time(NULL) + 2 * DAY), IKE_CRL_STALE);
	assert_int_equal(ike_cert_crl_status(c, p.leaf, time(NULL) - 2 * DAY), IKE_CRL_STALE);
	X509_CRL_free(c);
	c = crl_new(&p, p.im_key, -1, 1, revoked, 3);
	assert_int_equal(ike_cert_crl_status(c, p.leaf, 0), IKE_CRL_REVOKED);
	/* an outdated CRL covers nothing, but what it lists stays revoked */
	assert_int_equal(ike_cert_crl_status(c, p.leaf, time(NULL) + 2 * DAY), IKE_CRL_REVOKED);
	X509_CRL_free(c);
	/* signed by another key with the issuer's name: refused */
	c = crl_new(&p, p.leaf_key, -1, 1, revoked, 3);
	assert_int_equal(ike_cert_crl_check(c, p.im), -1);
	X509_CRL_free(c);
	pki_free(&p);
}

static void test_keyid(void **state)
{
	EVP_PKEY *k = key_new("EC", "P-256");
	X509 *a = cert_new(k, "a", NULL, NULL, true, NULL, NULL, 1, 0, 30);
	X509 *b = cert_new(k, "b", NULL, NULL, true, NULL, NULL, 2, 0, 30);
	uint8_t ha[IKE_CERTREQ_HASH_LEN], hb[IKE_CERTREQ_HASH_LEN], want[20];
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k, &der);

	(void)state;
	assert_int_equal(ike_cert_keyid(a, ha), 0);
	assert_int_equal(ike_cert_keyid(b, hb), 0);
	assert_memory_equal(ha, hb, sizeof(ha));	/* same key, same CERTREQ entry */
	assert_true(SHA1(der, (size_t)n, want) != NULL);
	assert_memory_equal(ha, want, sizeof(want));
	OPENSSL_free(der);
	X509_free(a);
	X509_free(b);
	EVP_PKEY_free(k);
}

/* --- signature AUTH ------------------------------------------------------------------------ */

static void test_sig_hashes(void **state)
{
	uint8_t buf[16];
	size_t n = ike_sig_hashes_build(buf, sizeof(buf));
	const uint8_t odd[] = { 0, 2, 0, 9, 0, 1, 0xff };

	(void)state;
	assert_int_equal(n, 8);
	assert_int_equal(ike_sig_hashes_parse(buf, n),
			 IKE_HASH_BIT(2) | IKE_HASH_BIT(3) | IKE_HASH_BIT(4) | IKE_HASH_BIT(5));
	assert_int_equal(ike_sig_hashes_parse(odd, sizeof(odd)), IKE_HASH_BIT(2) | IKE_HASH_BIT(1));
	assert_int_equal(ike_sig_hashes_build(buf, 7), 0);
}

static void sign_verify(EVP_PKEY *k, unsigned int peer, uint8_t want_method)
{
	uint8_t octets[300], auth[IKE_AUTH_SIG_MAX];
	size_t len;
	uint8_t method;
	const char *why = NULL;

	assert_int_equal(ike_random(octets, sizeof(octets)), 0);
	assert_int_equal(ike_auth_sig_sign(k, peer, octets, sizeof(octets), &method, auth,
					   sizeof(auth), &len), 0);
	assert_int_equal(method, want_method);
	assert_true(ike_auth_sig_verify(k, method, auth, len, octets, sizeof(octets), &why));
	/* other octets, a flipped bit anywhere, a cut: refused */
	octets[7] ^= 1;
	assert_false(ike_auth_sig_verify(k, method, auth, len, octets, sizeof(octets), &why));
	assert_non_null(why);
	octets[7] ^= 1;
	for (size_t i = 0; i < len; i += 13) {
		auth[i] ^= 0x40;
		assert_false(ike_auth_sig_verify(k, method, auth, len, octets, sizeof(octets), &why));
		auth[i] ^= 0x40;
	}
	for (size_t cut = 0; cut < len; cut += 11)
		assert_false(ike_auth_sig_verify(k, method, auth, cut, octets, sizeof(octets), &why));
	/* another key of the same kind */
	{
		EVP_PKEY *o = EVP_PKEY_is_a(k, "RSA") ? key_new("RSA", "2048") :
			      EVP_PKEY_is_a(k, "ED25519") ? key_new("ED25519", NULL) :
			      key_new("EC", EVP_PKEY_get_bits(k) == 384 ? "P-384" : "P-256");

		assert_false(ike_auth_sig_verify(o, method, auth, len, octets, sizeof(octets), &why));
		EVP_PKEY_free(o);
	}
}

static void test_sig_auth(void **state)
{
	const unsigned int all = IKE_HASH_BIT(2) | IKE_HASH_BIT(3) | IKE_HASH_BIT(4) | IKE_HASH_BIT(5);
	EVP_PKEY *rsa = key_new("RSA", "2048"), *p256 = key_new("EC", "P-256");
	EVP_PKEY *p384 = key_new("EC", "P-384"), *ed = key_new("ED25519", NULL);
	uint8_t octets[64] = { 1 }, auth[IKE_AUTH_SIG_MAX], method;
	size_t len;
	const char *why;

	(void)state;
	sign_verify(rsa, all, IKE_AUTH_DIGITAL_SIGNATURE);
	sign_verify(rsa, IKE_HASH_BIT(4), IKE_AUTH_DIGITAL_SIGNATURE);
	sign_verify(rsa, 0, IKE_AUTH_RSA_SIG);
	sign_verify(p256, all, IKE_AUTH_DIGITAL_SIGNATURE);
	sign_verify(p256, 0, IKE_AUTH_ECDSA_256);
	sign_verify(p384, all, IKE_AUTH_DIGITAL_SIGNATURE);
	sign_verify(p384, 0, IKE_AUTH_ECDSA_384);
	sign_verify(ed, all, IKE_AUTH_DIGITAL_SIGNATURE);
	/* Ed25519 needs RFC 7427 with Identity; a peer with SHA-1 only gets nothing */
	assert_int_equal(ike_auth_sig_sign(ed, 0, octets, sizeof(octets), &method, auth,
					   sizeof(auth), &len), -1);
	assert_int_equal(ike_auth_sig_sign(ed, IKE_HASH_BIT(2), octets, sizeof(octets), &method,
					   auth, sizeof(auth), &len), -1);
	assert_int_equal(ike_auth_sig_sign(rsa, IKE_HASH_BIT(1), octets, sizeof(octets), &method,
					   auth, sizeof(auth), &len), -1);
	/* a P-256 signature presented as RSA, as ECDSA-384, under an RSA key */
	assert_int_equal(ike_auth_sig_sign(p256, all, octets, sizeof(octets), &method, auth,
					   sizeof(auth), &len), 0);
	assert_false(ike_auth_sig_verify(rsa, method, auth, len, octets, sizeof(octets), &why));
	assert_non_null(strstr(why, "key"));
	assert_false(ike_auth_sig_verify(p256, IKE_AUTH_RSA_SIG, auth, len, octets, sizeof(octets), &why));
	assert_false(ike_auth_sig_verify(p256, IKE_AUTH_SHARED_KEY_MIC, auth, len, octets,
					 sizeof(octets), &why));
	assert_int_equal(ike_auth_sig_sign(p256, 0, octets, sizeof(octets), &method, auth,
					   sizeof(auth), &len), 0);
	assert_false(ike_auth_sig_verify(p384, IKE_AUTH_ECDSA_384, auth, len, octets,
					 sizeof(octets), &why));
	/* an AlgorithmIdentifier length beyond the data */
	auth[0] = 0xff;
	assert_false(ike_auth_sig_verify(p256, IKE_AUTH_DIGITAL_SIGNATURE, auth, 40, octets,
					 sizeof(octets), &why));
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(p256);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(ed);
}

/* SHA-1 over RFC 7427 is not accepted even though OpenSSL could verify it. */
static void test_sig_sha1_refused(void **state)
{
	EVP_PKEY *rsa = key_new("RSA", "2048");
	uint8_t octets[32] = { 3 }, auth[IKE_AUTH_SIG_MAX];
	X509_ALGOR *a = X509_ALGOR_new();
	unsigned char *p = auth + 1;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t slen = sizeof(auth) - 64;
	const char *why;
	int n;

	(void)state;
	X509_ALGOR_set0(a, OBJ_nid2obj(NID_sha1WithRSAEncryption), V_ASN1_NULL, NULL);
	n = i2d_X509_ALGOR(a, &p);
	auth[0] = (uint8_t)n;
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha1(), NULL, rsa), 1);
	assert_int_equal(EVP_DigestSign(ctx, auth + 1 + n, &slen, octets, sizeof(octets)), 1);
	assert_false(ike_auth_sig_verify(rsa, IKE_AUTH_DIGITAL_SIGNATURE, auth, 1 + n + slen,
					 octets, sizeof(octets), &why));
	assert_non_null(strstr(why, "hash"));
	EVP_MD_CTX_free(ctx);
	X509_ALGOR_free(a);
	EVP_PKEY_free(rsa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proves_id),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_check_key),
		cmocka_unit_test(test_verify_chain),
		cmocka_unit_test(test_crl),
		cmocka_unit_test(test_keyid),
		cmocka_unit_test(test_sig_hashes),
		cmocka_unit_test(test_sig_auth),
		cmocka_unit_test(test_sig_sha1_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
