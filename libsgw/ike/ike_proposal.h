/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv2 transforms, proposals and proposal selection (RFC 7296 §2.7, §3.3).
 *
 * A proposal is the decoded content of one Proposal substructure of an SA
 * payload: a protocol (IKE, ESP), an optional SPI and a list of transforms,
 * several per type meaning "any of these". A suite is the outcome of a
 * negotiation: exactly one transform per type.
 *
 * Proposals come from two places: the configuration (strongSwan-style strings,
 * ike_proposals_parse()) and the peer's SA payload (ike_msg_parse()). Both use
 * the same structure, so the responder selects with ike_proposal_select() and
 * the initiator checks the responder's choice with ike_proposal_check_reply().
 */
#ifndef SGW_IKE_PROPOSAL_H
#define SGW_IKE_PROPOSAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds of the decoded model; the parser skips (but still length-checks)
 * proposals beyond IKE_MAX_PROPOSALS and marks a proposal with more than
 * IKE_MAX_TRANSFORMS transforms unusable (never selected), so truncation can
 * only narrow the peer's offer, never change its meaning. */
#define IKE_MAX_PROPOSALS	16
#define IKE_MAX_TRANSFORMS	48

/* Protocol IDs (§3.3.1) */
enum ike_proto {
	IKE_PROTO_NONE = 0,
	IKE_PROTO_IKE = 1,
	IKE_PROTO_AH = 2,
	IKE_PROTO_ESP = 3,
};

/* Transform types (§3.3.2) */
enum ike_transform_type {
	IKE_TRANS_ENCR = 1,
	IKE_TRANS_PRF = 2,
	IKE_TRANS_INTEG = 3,
	IKE_TRANS_DH = 4,
	IKE_TRANS_ESN = 5,
	IKE_TRANS_TYPE_MAX = 5,
};

/* ENCR transform IDs (IANA "Transform Type 1") */
enum ike_encr {
	IKE_ENCR_3DES = 3,
	IKE_ENCR_NULL = 11,
	IKE_ENCR_AES_CBC = 12,		/* key length attribute: 128/192/256 */
	IKE_ENCR_AES_CTR = 13,
	IKE_ENCR_AES_GCM_8 = 18,
	IKE_ENCR_AES_GCM_12 = 19,
	IKE_ENCR_AES_GCM_16 = 20,	/* RFC 5282 (IKE), RFC 4106 (ESP) */
	IKE_ENCR_CHACHA20_POLY1305 = 28,
};

/* PRF transform IDs (Type 2) */
enum ike_prf {
	IKE_PRF_HMAC_MD5 = 1,
	IKE_PRF_HMAC_SHA1 = 2,
	IKE_PRF_AES128_XCBC = 4,
	IKE_PRF_HMAC_SHA2_256 = 5,
	IKE_PRF_HMAC_SHA2_384 = 6,
	IKE_PRF_HMAC_SHA2_512 = 7,
};

/* INTEG transform IDs (Type 3) */
enum ike_integ {
	IKE_INTEG_NONE = 0,
	IKE_INTEG_HMAC_MD5_96 = 1,
	IKE_INTEG_HMAC_SHA1_96 = 2,
	IKE_INTEG_AES_XCBC_96 = 5,
	IKE_INTEG_HMAC_SHA2_256_128 = 12,
	IKE_INTEG_HMAC_SHA2_384_192 = 13,
	IKE_INTEG_HMAC_SHA2_512_256 = 14,
};

/* Diffie-Hellman group numbers (Type 4) */
enum ike_dh_group {
	IKE_DH_NONE = 0,
	IKE_DH_MODP1024 = 2,		/* legacy: only with IKE_SELECT_ALLOW_LEGACY */
	IKE_DH_MODP1536 = 5,
	IKE_DH_MODP2048 = 14,
	IKE_DH_MODP3072 = 15,
	IKE_DH_MODP4096 = 16,
	IKE_DH_ECP256 = 19,
	IKE_DH_ECP384 = 20,
	IKE_DH_ECP521 = 21,
	IKE_DH_CURVE25519 = 31,
	IKE_DH_CURVE448 = 32,
};

/* ESN transform IDs (Type 5) */
enum ike_esn {
	IKE_ESN_NO = 0,
	IKE_ESN_YES = 1,
};

/* Transform attribute types (§3.3.5) */
#define IKE_ATTR_KEY_LENGTH	14
#define IKE_ATTR_FORMAT_TV	0x8000	/* AF bit: value in the header */

/* One transform; key_len is the KEY_LENGTH attribute in bits, 0 if absent. */
struct ike_transform {
	uint8_t type;		/* enum ike_transform_type */
	uint16_t id;
	uint16_t key_len;
};

/* One proposal. The SPI is kept in wire order (spi_size bytes). */
struct ike_proposal {
	uint8_t num;		/* Proposal Num as sent (1-based) */
	uint8_t proto;		/* enum ike_proto */
	uint8_t spi_size;	/* 0, 4 (ESP/AH) or 8 (IKE rekey) */
	uint8_t spi[8];
	bool unusable;		/* had an unknown attribute or too many
				 * transforms: never selected */
	uint8_t n_transforms;
	struct ike_transform t[IKE_MAX_TRANSFORMS];
};

/* The negotiated algorithms: one transform per type, 0 where absent
 * (integ 0 with AEAD ciphers, dh 0 without (PFS) key exchange). */
struct ike_suite {
	uint8_t proto;		/* IKE_PROTO_IKE or IKE_PROTO_ESP */
	uint8_t prop_num;	/* number of the selected peer proposal */
	uint8_t spi_size;	/* the peer's SPI from that proposal */
	uint8_t spi[8];
	uint16_t encr;
	uint16_t encr_key_len;	/* bits; 0 if the cipher has a fixed size */
	uint16_t integ;
	uint16_t prf;		/* IKE only */
	uint16_t dh;
	uint16_t esn;		/* ESP only: IKE_ESN_NO / IKE_ESN_YES */
};

/*
 * Configuration strings, as strongSwan writes them: algorithm keywords joined
 * by '-', several proposals separated by ','. One string is one proposal whose
 * transforms are all the keywords of each type, in the order given (the order
 * is our preference). Keywords:
 *   ENCR   aes128 aes192 aes256 (CBC; "aes" = aes128),
 *          aes128gcm16 aes192gcm16 aes256gcm16 (also ...gcm128)
 *   INTEG  sha1 (sha1_96), sha256 (sha2_256, 128-bit ICV), sha384, sha512
 *   PRF    prfsha1 prfsha256 prfsha384 prfsha512
 *   DH     modp1024 (legacy) modp2048 ecp256 ecp384 curve25519 (x25519)
 *   ESN    esn noesn   (ESP only; default noesn)
 * For IKE, a proposal with integrity algorithms but no PRF gets the PRFs of
 * the same hash (strongSwan does the same); AEAD IKE proposals need an
 * explicit prf. ESP proposals with a DH group request PFS on rekeying.
 * Mixing AEAD and non-AEAD ciphers in one proposal is an error (RFC 7296
 * §3.3: they belong in separate proposals).
 */

/* Parses one or several comma-separated proposals for protocol proto into
 * out[0..cap). Returns the number of proposals, or -1 with a message in err
 * (e.g. "unknown algorithm 'aes129'"). Proposal numbers are assigned 1..n. */
int ike_proposals_parse(const char *str, uint8_t proto,
			struct ike_proposal *out, size_t cap,
			char *err, size_t err_len);

/* Writes a proposal back in the configuration syntax (for logs and sgwctl).
 * Returns the length written (snprintf semantics). */
int ike_proposal_to_string(const struct ike_proposal *p, char *buf,
			   size_t len);

/* Same for a negotiated suite, e.g. "aes128gcm16-prfsha256-ecp256". */
int ike_suite_to_string(const struct ike_suite *s, char *buf, size_t len);

/* Turns a negotiated suite into the single-choice proposal a responder sends
 * back (with our SPI, if any: spi/spi_size given by the caller). */
void ike_suite_to_proposal(const struct ike_suite *s, uint8_t num,
			   const uint8_t *spi, uint8_t spi_size,
			   struct ike_proposal *out);

/* Whether this library can run the transform (known ID, supported key length,
 * DH group implemented). Legacy DH groups need allow_legacy. */
bool ike_transform_supported(const struct ike_transform *t,
			     bool allow_legacy);

/* Flags for ike_proposal_select() and ike_proposal_check_reply() */
#define IKE_SELECT_PREFER_PEER	0x1	/* peer's order decides (default: ours) */
#define IKE_SELECT_ALLOW_LEGACY	0x2	/* allow MODP-1024 */
#define IKE_SELECT_IGNORE_DH	0x4	/* IKE_AUTH CHILD_SA: DH transforms are
					 * not negotiated (§1.2), ignore them */

enum ike_select_result {
	IKE_SELECT_OK = 0,
	IKE_SELECT_NO_PROPOSAL = 1,	/* send NO_PROPOSAL_CHOSEN */
	IKE_SELECT_INVALID_KE = 2,	/* send INVALID_KE_PAYLOAD, group in
					 * out->dh */
};

/*
 * Responder-side selection.
 *
 * Order: by default OUR configured order wins (the operator's preference, like
 * strongSwan's prefer_configured_proposals=yes): for each of our proposals in
 * order, the first of the peer's proposals that is compatible is taken. With
 * IKE_SELECT_PREFER_PEER, the peer's proposals are walked first (RFC 7296's
 * "the responder picks one of the initiator's proposals" in the initiator's
 * order). Within a chosen pair, each transform type takes the first of our
 * transforms that the peer also offers (the first of the peer's with
 * IKE_SELECT_PREFER_PEER).
 *
 * Compatibility: same protocol; for every transform type present in either
 * proposal there must be a common transform ID (and key length); an absent DH
 * type equals {NONE}, an absent ESN type equals {NO_ESN}, an absent INTEG
 * with an AEAD cipher equals {NONE}. Unsupported transforms never match.
 *
 * Key exchange: peer_ke_group is the group of the peer's KE payload (0 when
 * the message has none). A compatible pair whose common DH set contains that
 * group is preferred over one that does not. If compatible pairs exist but
 * none contains peer_ke_group, returns IKE_SELECT_INVALID_KE with out->dh set
 * to the group we want (our first common group of the best pair): the caller
 * answers INVALID_KE_PAYLOAD carrying it (§1.3).
 *
 * On IKE_SELECT_OK, out holds the suite with the peer's proposal number and
 * SPI (the caller needs both to build the reply and the SAs).
 */
enum ike_select_result ike_proposal_select(const struct ike_proposal *ours,
					   size_t n_ours,
					   const struct ike_proposal *theirs,
					   size_t n_theirs,
					   unsigned int flags,
					   uint16_t peer_ke_group,
					   struct ike_suite *out);

/*
 * The notify a responder answers a failed selection with: NO_PROPOSAL_CHOSEN,
 * or INVALID_KE_PAYLOAD naming the group it wants (data, *len = 2 bytes);
 * 0 for IKE_SELECT_OK.
 */
uint16_t ike_select_refusal(enum ike_select_result r, const struct ike_suite *selected,
			    uint8_t data[2], size_t *len);

/*
 * Initiator side: checks that the responder's answer (exactly one proposal,
 * one transform per type) is one of the proposals we sent. Returns true and
 * fills out (with the responder's SPI) when it is, false otherwise (the
 * caller then fails the exchange; RFC 7296 §2.7 says the initiator MUST
 * check).
 */
bool ike_proposal_check_reply(const struct ike_proposal *ours, size_t n_ours,
			      const struct ike_proposal *reply,
			      unsigned int flags, struct ike_suite *out);

/*
 * Our proposals as an SA payload carries them: each with our SPI (spi_size
 * bytes, wire order: 4 for ESP, 8 for an IKE SA rekey). With without_dh the
 * DH transforms are left out: the CHILD_SA of IKE_AUTH has no key exchange
 * (§1.2). out holds n proposals; returns n.
 */
size_t ike_proposals_with_spi(const struct ike_proposal *src, size_t n,
			      const uint8_t *spi, uint8_t spi_size, bool without_dh,
			      struct ike_proposal *out);

/* Our preferred DH group of a proposal list (first DH transform of the first
 * proposal that has one), 0 if none: the group of our first KE payload. */
uint16_t ike_proposals_first_dh(const struct ike_proposal *p, size_t n);

/* Whether a proposal list contains group in any proposal (initiator: may we
 * retry with the group an INVALID_KE_PAYLOAD asked for?). */
bool ike_proposals_have_dh(const struct ike_proposal *p, size_t n,
			   uint16_t group);

#endif /* SGW_IKE_PROPOSAL_H */
