/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv2 cryptography on OpenSSL 3 EVP: Diffie-Hellman, PRF and prf+, key
 * derivation for IKE and CHILD SAs (RFC 7296 §2.13-2.18), protection of the
 * SK payload (§3.14, RFC 5282 for AES-GCM), PSK authentication (§2.15), and
 * the mapping of negotiated ESP transforms to the kernel's XFRM algorithms.
 *
 * Conventions:
 *  - Functions return 0 on success and -1 on failure unless stated; nothing
 *    here logs, and no error path leaves key material in memory it owns.
 *  - Secrets the caller receives (DH shared secret, struct ike_sa_keys,
 *    struct ike_child_keys) are the caller's to wipe: ike_*_wipe() or
 *    OPENSSL_cleanse().
 *  - Everything is thread-safe once ike_crypto_init() has returned; no
 *    function keeps state between calls except the objects it returns.
 *  - MACs and ICVs are compared in constant time (CRYPTO_memcmp).
 */
#ifndef SGW_IKE_CRYPTO_H
#define SGW_IKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/ike_msg.h"
#include "ike/ike_proposal.h"

#define IKE_PRF_MAX_LEN		64	/* HMAC-SHA2-512 */
#define IKE_INTEG_MAX_KEY_LEN	64
#define IKE_ENCR_MAX_KEY_LEN	36	/* AES-256 + 4-byte GCM salt */
#define IKE_DH_MAX_LEN		512	/* public value / shared secret */

/* Fetches the OpenSSL algorithms once (idempotent, thread-safe). Call at
 * start-up; every other function calls it too, so forgetting it only costs
 * the first caller a little latency. Returns -1 if OpenSSL lacks something
 * we need. */
int ike_crypto_init(void);

/* Cryptographically strong random bytes (nonces, SPIs, IVs). */
int ike_random(uint8_t *buf, size_t len);

/* --- algorithm properties --------------------------------------------------- */

struct ike_encr_info {
	uint16_t id;		/* enum ike_encr */
	uint16_t key_bits;	/* cipher key size, without salt */
	uint8_t key_len;	/* bytes of keying material: key + salt */
	uint8_t salt_len;	/* 4 for GCM (RFC 5282 / RFC 4106), else 0 */
	uint8_t iv_len;		/* IV on the wire: 16 for CBC, 8 for GCM */
	uint8_t block_len;	/* padding unit: 16 for CBC, 1 for GCM */
	uint8_t icv_len;	/* AEAD tag length, 0 for CBC */
	bool aead;
};
/* key_bits is the KEY_LENGTH attribute (0 = the cipher's only size). */
int ike_encr_info(uint16_t encr, uint16_t key_bits, struct ike_encr_info *out);

struct ike_integ_info {
	uint16_t id;		/* enum ike_integ */
	uint8_t key_len;	/* HMAC key = hash output length */
	uint8_t icv_len;	/* truncated output */
};
int ike_integ_info(uint16_t integ, struct ike_integ_info *out);

/* PRF output length (= preferred key length for HMAC), 0 if unsupported. */
size_t ike_prf_len(uint16_t prf);

/* --- Diffie-Hellman (groups 2 legacy, 14, 19, 20, 31) -------------------------- */

struct ike_dh;

/* Public value length on the wire (KE data): MODP = modulus size,
 * ECP = 2 * coordinate size (x || y, RFC 5903 §7), 32 for Curve25519.
 * 0 if the group is unknown to us. */
size_t ike_dh_public_len(uint16_t group);
/* Shared secret length: modulus size (zero-padded, §2.14), coordinate size
 * (x only, RFC 5903 §7), 32 for Curve25519. */
size_t ike_dh_shared_len(uint16_t group);
bool ike_dh_is_legacy(uint16_t group);
bool ike_dh_supported(uint16_t group, bool allow_legacy);

/* New key pair in group; NULL if unsupported or legacy not allowed. */
struct ike_dh *ike_dh_new(uint16_t group, bool allow_legacy);
/* Key pair from a given private value (big-endian scalar for MODP/ECP, the
 * 32 raw bytes for Curve25519): for known-answer tests. Legacy allowed. */
struct ike_dh *ike_dh_new_private(uint16_t group, const uint8_t *priv,
				  size_t len);
uint16_t ike_dh_group(const struct ike_dh *dh);
/* Writes our public value (ike_dh_public_len() bytes). */
int ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t cap,
		  size_t *len);
/* Validates the peer's public value (length, range / on-curve) and derives
 * g^ir into out (ike_dh_shared_len() bytes). -1 for an invalid peer value:
 * the caller fails the exchange (answering INVALID_SYNTAX, as for any
 * malformed payload). */
int ike_dh_shared(struct ike_dh *dh, const uint8_t *peer, size_t peer_len,
		  uint8_t *out, size_t cap, size_t *len);
/* Frees and wipes the private key. NULL is fine. */
void ike_dh_free(struct ike_dh *dh);

/* --- PRF, prf+ -------------------------------------------------------------- */

/* A piece of the data a PRF runs over: avoids concatenating into buffers. */
struct ike_chunk {
	const uint8_t *ptr;
	size_t len;
};

/* out = prf(key, in[0] | in[1] | ... ), ike_prf_len(prf) bytes. */
int ike_prf(uint16_t prf, const uint8_t *key, size_t key_len,
	    const struct ike_chunk *in, size_t n_in, uint8_t *out);

/* prf+ (§2.13): T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n);
 * out = T1 | T2 | ... truncated to out_len (at most 255 * prf length). */
int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t key_len,
		 const struct ike_chunk *seed, size_t n_seed,
		 uint8_t *out, size_t out_len);

/* --- IKE SA keys ------------------------------------------------------------ */

/* Keys of one IKE SA and the algorithms they belong to. "i" keys protect what
 * the original initiator sends, "r" keys what the original responder sends. */
struct ike_sa_keys {
	uint16_t encr, encr_key_bits, integ, prf;
	uint8_t prf_len;	/* length of SK_d, SK_pi, SK_pr */
	uint8_t integ_key_len;	/* 0 with AEAD */
	uint8_t encr_key_len;	/* key + salt */
	uint8_t sk_d[IKE_PRF_MAX_LEN];
	uint8_t sk_ai[IKE_INTEG_MAX_KEY_LEN], sk_ar[IKE_INTEG_MAX_KEY_LEN];
	uint8_t sk_ei[IKE_ENCR_MAX_KEY_LEN], sk_er[IKE_ENCR_MAX_KEY_LEN];
	uint8_t sk_pi[IKE_PRF_MAX_LEN], sk_pr[IKE_PRF_MAX_LEN];
};

/* Initial IKE SA (§2.14): SKEYSEED = prf(Ni | Nr, g^ir);
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *	= prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).
 * suite: encr, encr_key_len, integ, prf of the negotiated IKE proposal.
 * SPIs as in struct ike_hdr. */
int ike_derive_sa_keys(const struct ike_suite *suite,
		       const uint8_t *gir, size_t gir_len,
		       const uint8_t *ni, size_t ni_len,
		       const uint8_t *nr, size_t nr_len,
		       uint64_t spi_i, uint64_t spi_r,
		       struct ike_sa_keys *out);

/* Rekeyed IKE SA (§2.18): SKEYSEED = prf_old(SK_d_old, g^ir(new) | Ni | Nr),
 * then prf+ of the NEW suite's PRF as above, with the new SA's nonces (Ni of
 * the CREATE_CHILD_SA request, Nr of its response) and new SPIs. */
int ike_derive_rekeyed_sa_keys(const struct ike_sa_keys *old,
			       const struct ike_suite *suite,
			       const uint8_t *gir, size_t gir_len,
			       const uint8_t *ni, size_t ni_len,
			       const uint8_t *nr, size_t nr_len,
			       uint64_t spi_i, uint64_t spi_r,
			       struct ike_sa_keys *out);

void ike_sa_keys_wipe(struct ike_sa_keys *k);

/* --- CHILD SA keys ---------------------------------------------------------- */

/* KEYMAT (§2.17) split into the two ESP SAs: "i" keys protect the SA that
 * carries traffic from the initiator of the exchange that created the
 * CHILD_SA (IKE_AUTH's or CREATE_CHILD_SA's initiator; its keys are taken
 * first), "r" keys the opposite direction. Each: encryption key (with salt),
 * then integrity key. */
struct ike_child_keys {
	uint8_t encr_key_len;	/* key + salt, bytes */
	uint8_t integ_key_len;	/* 0 with AEAD */
	uint8_t encr_i[IKE_ENCR_MAX_KEY_LEN], integ_i[IKE_INTEG_MAX_KEY_LEN];
	uint8_t encr_r[IKE_ENCR_MAX_KEY_LEN], integ_r[IKE_INTEG_MAX_KEY_LEN];
};

/* KEYMAT = prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir(new) | Ni | Nr) with PFS
 * (gir != NULL). ni/nr are the nonces of the exchange creating the CHILD_SA
 * (IKE_SA_INIT's for the first one, CREATE_CHILD_SA's otherwise), ni from its
 * initiator. esp: the negotiated ESP suite (key sizes come from
 * ike_esp_algs()). */
int ike_derive_child_keys(const struct ike_sa_keys *ike,
			  const struct ike_suite *esp,
			  const uint8_t *gir, size_t gir_len,
			  const uint8_t *ni, size_t ni_len,
			  const uint8_t *nr, size_t nr_len,
			  struct ike_child_keys *out);

void ike_child_keys_wipe(struct ike_child_keys *k);

/* --- SK payload (§3.14, RFC 5282) ---------------------------------------------- */

/* IV length to pass to ike_build_sk_begin(). */
size_t ike_sk_iv_len(const struct ike_sa_keys *k);
/* Upper bound of what protection adds after the inner payloads (padding, pad
 * length byte, ICV): reserve this much in the build buffer. */
size_t ike_sk_trailer_max(const struct ike_sa_keys *k);

/*
 * Closes a message opened with ike_build_sk_begin(): pads, writes the pad
 * length, fills the IV (random; unique per key with overwhelming
 * probability), sets the SK and header lengths, encrypts, and writes the ICV
 * (HMAC over the whole message for CBC; the GCM tag with the IKE header and
 * SK generic header as AAD). from_initiator: we are the IKE SA's original
 * initiator (we then use SK_ei/SK_ai). Returns 0 and *len = message length.
 */
int ike_sk_protect(const struct ike_sa_keys *k, bool from_initiator,
		   struct ike_builder *b, size_t *len);

/*
 * Verifies the ICV and decrypts the SK payload of a message parsed with
 * ike_msg_parse(). from_initiator: the SENDER is the original initiator (we
 * then use SK_ei/SK_ai), i.e. true when we are the original responder.
 * Writes the inner payload chain (without IV and padding) to plain and its
 * length to *plain_len, then the caller runs ike_msg_parse_inner(). Returns
 * -1 on a bad ICV, bad padding or a malformed SK: RFC 7296 §2.21.2, drop the
 * message silently. plain needs msg->sk.len bytes.
 */
int ike_sk_unprotect(const struct ike_sa_keys *k, bool from_initiator,
		     const struct ike_msg *msg, uint8_t *plain, size_t cap,
		     size_t *plain_len);

/* --- AUTH (§2.15) ----------------------------------------------------------- */

/*
 * The signed octets of one side:
 *   initiator: RealMessage1 | Nr | prf(SK_pi, IDi body)
 *   responder: RealMessage2 | Ni | prf(SK_pr, IDr body)
 * real_msg = that side's IKE_SA_INIT message as sent, nonce = the OTHER
 * side's nonce data, id_body = the side's ID payload body (struct
 * ike_id_payload.body, or built the same way). Writes into out (needs
 * real_len + nonce_len + prf length); for signature methods.
 */
int ike_auth_octets(const struct ike_sa_keys *k, bool initiator,
		    const uint8_t *real_msg, size_t real_len,
		    const uint8_t *nonce, size_t nonce_len,
		    const uint8_t *id_body, size_t id_len,
		    uint8_t *out, size_t cap, size_t *len);

/*
 * Shared key AUTH data: prf(prf(PSK, "Key Pad for IKEv2"), <SignedOctets>),
 * computed without copying the octets. Arguments as ike_auth_octets(); out
 * gets k->prf_len bytes (*len).
 */
int ike_auth_psk(const struct ike_sa_keys *k, bool initiator,
		 const uint8_t *psk, size_t psk_len,
		 const uint8_t *real_msg, size_t real_len,
		 const uint8_t *nonce, size_t nonce_len,
		 const uint8_t *id_body, size_t id_len,
		 uint8_t *out, size_t cap, size_t *len);

/* Recomputes and compares in constant time; true if auth matches. */
bool ike_auth_psk_verify(const struct ike_sa_keys *k, bool initiator,
			 const uint8_t *psk, size_t psk_len,
			 const uint8_t *real_msg, size_t real_len,
			 const uint8_t *nonce, size_t nonce_len,
			 const uint8_t *id_body, size_t id_len,
			 const uint8_t *auth, size_t auth_len);

/* Builds the ID payload body ("RestOfIDPayload") of an identity, as
 * ike_build_id() sends it: for ike_auth_*() on our own side.
 * out needs 4 + id->len bytes. Returns the length, 0 on error. */
size_t ike_id_body(const struct ike_id *id, uint8_t *out, size_t cap);

/* --- ESP: XFRM algorithm names -------------------------------------------------- */

/*
 * What the kernel needs for an ESP SA with this suite (for XFRMA_ALG_AEAD,
 * XFRMA_ALG_CRYPT, XFRMA_ALG_AUTH_TRUNC and XFRM_STATE_ESN):
 *   AES-GCM-16: aead "rfc4106(gcm(aes))", key = key || 4-byte salt
 *               (aead_key_bits = 160/224/288), icv_bits = 128
 *   AES-CBC:    encr "cbc(aes)" (128/192/256 bits) + auth
 *   HMAC-SHA1-96 "hmac(sha1)" 160-bit key, trunc 96; HMAC-SHA2-256-128
 *   "hmac(sha256)" 256/128; -384-192 "hmac(sha384)" 384/192; -512-256
 *   "hmac(sha512)" 512/256.
 * The key lengths here are those of struct ike_child_keys (derive with
 * ike_derive_child_keys()). Returns -1 for a suite the kernel path does not
 * support (the proposal selection never yields one with the default sets).
 */
struct ike_esp_algs {
	bool aead;
	const char *encr_name;	/* XFRM alg_name (aead or crypt) */
	uint16_t encr_key_bits;	/* alg_key_len: includes the salt for GCM */
	uint16_t icv_bits;	/* aead only: alg_icv_len */
	const char *auth_name;	/* NULL with aead */
	uint16_t auth_key_bits;
	uint16_t auth_trunc_bits;
	bool esn;		/* set XFRM_STATE_ESN and a replay_esn */
	uint8_t encr_key_len;	/* = encr_key_bits / 8 */
	uint8_t integ_key_len;	/* = auth_key_bits / 8 */
};
int ike_esp_algs(const struct ike_suite *esp, struct ike_esp_algs *out);

/* --- stateless cookies (§2.6) ------------------------------------------------------ */

/*
 * A responder under load answers IKE_SA_INIT with N(COOKIE) instead of
 * keeping state, and accepts the retry only if the cookie is one it made:
 *   cookie = <secret version> | HMAC-SHA256(secret, Ni | IPi | SPIi)[0..16)
 * Rotate the secret now and then (new version byte) and check against the
 * current and the previous one, so cookies in flight stay valid.
 */
#define IKE_COOKIE_LEN		17

struct ike_cookie_secret {
	uint8_t version;
	uint8_t key[32];
};

/* Fills s with a fresh random key and the given version. */
int ike_cookie_secret_new(struct ike_cookie_secret *s, uint8_t version);
/* ip: the initiator's address, 4 or 16 bytes in network order. */
int ike_cookie_make(const struct ike_cookie_secret *s, const uint8_t *ni,
		    size_t ni_len, const uint8_t *ip, size_t ip_len,
		    uint64_t spi_i, uint8_t out[IKE_COOKIE_LEN]);
/* true if cookie was made by cur or prev (prev may be NULL) for these
 * values; compared in constant time. */
bool ike_cookie_check(const struct ike_cookie_secret *cur,
		      const struct ike_cookie_secret *prev,
		      const uint8_t *ni, size_t ni_len, const uint8_t *ip,
		      size_t ip_len, uint64_t spi_i, const uint8_t *cookie,
		      size_t cookie_len);

#endif /* SGW_IKE_CRYPTO_H */
