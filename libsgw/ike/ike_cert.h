/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Certificates in IKEv2 (RFC 7296 §3.6-3.8, RFC 7427, RFC 4945): decoding
 * CERT payloads, the identities a certificate proves, the key and key
 * usage a peer's certificate must have, chain and CRL verification through
 * an X509_STORE, and signature AUTH payloads (RFC 7427 "Digital Signature"
 * and the classic RSA and ECDSA methods).
 *
 * Everything goes through OpenSSL 3: X509_STORE_CTX for paths, dates and
 * CRLs, d2i/i2d for DER (no ASN.1 is written by hand), EVP_DigestSign and
 * EVP_DigestVerify for signatures with digests fetched once. Nothing here
 * logs or keeps state; refusals come back with a reason for the log.
 */
#ifndef SGW_IKE_CERT_H
#define SGW_IKE_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ike/ike_msg.h"

/* CERT / CERTREQ encoding (§3.6): an X.509 certificate, DER. */
#define IKE_CERT_X509_SIG	4
/* A CERTREQ names each trust anchor by the SHA-1 of its SubjectPublicKeyInfo. */
#define IKE_CERTREQ_HASH_LEN	20
/* Largest signature AUTH data we produce (RSA 4096 + AlgorithmIdentifier). */
#define IKE_AUTH_SIG_MAX	640

/* Hash algorithms of SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4). */
enum ike_hash_alg {
	IKE_HASH_SHA1 = 1,
	IKE_HASH_SHA256 = 2,
	IKE_HASH_SHA384 = 3,
	IKE_HASH_SHA512 = 4,
	IKE_HASH_IDENTITY = 5,		/* Ed25519 (RFC 8420) */
};
#define IKE_HASH_BIT(h)	(1u << (h))

/* The DER certificate of a CERT payload; NULL unless it decodes exactly. */
X509 *ike_cert_decode(const uint8_t *der, size_t len);

/*
 * Does the certificate speak for this identity? An ID_DER_ASN1_DN equals
 * the subject, an FQDN / RFC822 / IPv4 / IPv6 identity one subjectAltName
 * entry of that kind (dNSName, rfc822Name, iPAddress), compared by the one
 * rule of identities (ike_id_data_equal()).
 */
bool ike_cert_proves_id(X509 *cert, const struct ike_id *id);
/* The subject DN as an ID_DER_ASN1_DN identity; -1 if it is too long. */
int ike_cert_subject_id(X509 *cert, struct ike_id *id);

/*
 * What an IKE peer's (or our own) end-entity certificate must be: an RSA
 * key of 2048 bits or more, ECDSA on P-256 or P-384, or Ed25519, and a key
 * usage, when present, that allows signatures (digitalSignature or
 * nonRepudiation). 0, or -1 with the reason in why.
 */
int ike_cert_check_key(X509 *cert, char *why, size_t why_len);

/* SHA-1 of the certificate's SubjectPublicKeyInfo (a CERTREQ entry). */
int ike_cert_keyid(X509 *cert, uint8_t out[IKE_CERTREQ_HASH_LEN]);

enum ike_cert_verdict {
	IKE_CERT_VALID,		/* a path to a trust anchor */
	IKE_CERT_INVALID,	/* no trusted path, expired, not yet valid ... */
};

struct ike_cert_result {
	enum ike_cert_verdict verdict;
	char why[160];		/* what failed, for the log */
	STACK_OF(X509) *chain;	/* IKE_CERT_VALID: leaf first, anchor last;
				 * the caller frees it (sk_X509_pop_free) */
};

/*
 * Verifies leaf up to a trust anchor of store, with the untrusted
 * intermediates the peer sent, at now (0: the current time): signatures,
 * validity dates, CA constraints, as X509_verify_cert() does. Revocation
 * is separate (ike_cert_crl_status(), OCSP). Returns 0 when the verdict
 * is IKE_CERT_VALID, -1 otherwise.
 */
int ike_cert_verify(X509_STORE *store, X509 *leaf, STACK_OF(X509) *untrusted, time_t now,
		    struct ike_cert_result *r);

/* Is crl the issuer's: its name, signed with its key? 0 or -1. Check every
 * CRL this way before ike_cert_crl_status() believes it. */
int ike_cert_crl_check(X509_CRL *crl, X509 *issuer);

enum ike_crl_status {
	IKE_CRL_GOOD,		/* current (lastUpdate <= now < nextUpdate), not listed */
	IKE_CRL_REVOKED,	/* listed (even by an outdated CRL: revocation stays) */
	IKE_CRL_STALE,		/* not listed, but past nextUpdate or not yet valid */
};
/* What the issuer's CRL says of leaf at now (0: the current time). */
enum ike_crl_status ike_cert_crl_status(X509_CRL *crl, X509 *leaf, time_t now);

/* --- SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4) ----------------------------------- */

/* Our list for the notify: SHA-256, SHA-384, SHA-512, Identity. */
size_t ike_sig_hashes_build(uint8_t *out, size_t cap);
/* The peer's list as IKE_HASH_BIT()s (unknown values ignored). */
unsigned int ike_sig_hashes_parse(const uint8_t *data, size_t len);

/* --- signature AUTH ------------------------------------------------------------ */

/*
 * Signs the signed octets (ike_auth_octets()) with key. With a peer that
 * announced SIGNATURE_HASH_ALGORITHMS (peer_hashes != 0) the method is
 * Digital Signature (14): an AlgorithmIdentifier then the signature, the
 * hash the key's strength asks for among those the peer supports (SHA-256
 * for RSA and P-256, SHA-384 for P-384, Identity for Ed25519). Without it,
 * the classic methods: RSA (1, PKCS#1 v1.5 with SHA-1) or ECDSA with
 * SHA-256/P-256 (9) or SHA-384/P-384 (10) as r | s. *method gets the AUTH
 * method. 0, or -1 (no method both sides support, or OpenSSL failed).
 */
int ike_auth_sig_sign(EVP_PKEY *key, unsigned int peer_hashes,
		      const uint8_t *octets, size_t len, uint8_t *method,
		      uint8_t *out, size_t cap, size_t *out_len);

/*
 * Verifies a signature AUTH payload over the signed octets with the peer's
 * public key. Accepted: Digital Signature with sha256/384/512WithRSA,
 * ecdsa-with-SHA256/384/512 (DER signature) or Ed25519; RSA (1); ECDSA
 * (9, 10) on the matching curve. true if it verifies; otherwise *why says
 * what was wrong.
 */
bool ike_auth_sig_verify(EVP_PKEY *key, uint8_t method, const uint8_t *auth,
			 size_t auth_len, const uint8_t *octets, size_t len,
			 const char **why);

#endif /* SGW_IKE_CERT_H */
