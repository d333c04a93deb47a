/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv2 message codec (RFC 7296 §3): header, payload chain, decoded payloads,
 * and a builder that writes messages into a caller's buffer.
 *
 * Parsing is zero-copy and allocation-free: struct ike_msg holds pointers into
 * the buffer that was parsed (and into the decrypted plaintext for payloads
 * that were inside SK), so those buffers must outlive the ike_msg. Every
 * length is checked before it is used; a parse never reads outside
 * [buf, buf + len). Sizes are bounded (IKE_MSG_MAX_SIZE, IKE_MAX_PAYLOADS,
 * IKE_MAX_* below).
 *
 * Receive path of a protected message (IKE_AUTH, CREATE_CHILD_SA,
 * INFORMATIONAL):
 *
 *	ike_msg_parse(buf, len, &msg, &err)      header + clear payloads;
 *	                                         msg.sk says where SK is
 *	ike_sk_unprotect(keys, ...)              (ike_crypto.h) ICV check and
 *	                                         decryption into plain[]
 *	ike_msg_parse_inner(&msg, plain, n, &err) the payloads inside SK
 *
 * An IKE_SA_INIT message has no SK: ike_msg_parse() alone decodes it.
 * On port 4500 the caller strips the 4-byte non-ESP marker first.
 *
 * Send path:
 *
 *	ike_build_init(&b, buf, cap, &hdr)
 *	ike_build_sk_begin(&b, iv_len)           only for protected messages
 *	ike_build_sa/ke/nonce/id/auth/notify/... payloads in order
 *	ike_build_end(&b)                        or ike_sk_protect() (ike_crypto.h)
 *	                                         which pads, encrypts, adds the ICV
 *
 * Semantics (which payloads an exchange needs, what a notify means to the
 * SA) are the daemon's business; the codec checks syntax only.
 */
#ifndef SGW_IKE_MSG_H
#define SGW_IKE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/sgw_byteorder.h"
#include "base/sgw_prefix.h"
#include "ike/ike_proposal.h"

/* --- limits ------------------------------------------------------------- */

#define IKE_HDR_LEN		28
#define IKE_GENERIC_HDR_LEN	4
#define IKE_MSG_MAX_SIZE	65535	/* larger messages are dropped */
#define IKE_MAX_PAYLOADS	64	/* clear + inner, in total */
#define IKE_MAX_NOTIFIES	32
#define IKE_MAX_DELETES		8
#define IKE_MAX_VENDOR_IDS	8
#define IKE_MAX_CERTS		4	/* CERT and CERTREQ each */
#define IKE_MAX_TS		16	/* per TSi / TSr payload */
#define IKE_ID_MAX_LEN		255	/* identification data */
#define IKE_NONCE_MIN_LEN	16	/* §2.10 */
#define IKE_NONCE_MAX_LEN	256

/* --- header ------------------------------------------------------------- */

#define IKE_VERSION		0x20	/* major 2, minor 0 */

/* Exchange types (§3.1) */
enum ike_exchange {
	IKE_SA_INIT = 34,
	IKE_AUTH = 35,
	IKE_CREATE_CHILD_SA = 36,
	IKE_INFORMATIONAL = 37,
};

/* Header flags (§3.1) */
#define IKE_FLAG_I		0x08	/* sender is the original initiator */
#define IKE_FLAG_V		0x10	/* higher version supported */
#define IKE_FLAG_R		0x20	/* this is a response */

/* Payload types (§3.2) */
enum ike_payload_type {
	IKE_PL_NONE = 0,
	IKE_PL_SA = 33,
	IKE_PL_KE = 34,
	IKE_PL_IDI = 35,
	IKE_PL_IDR = 36,
	IKE_PL_CERT = 37,
	IKE_PL_CERTREQ = 38,
	IKE_PL_AUTH = 39,
	IKE_PL_NONCE = 40,
	IKE_PL_NOTIFY = 41,
	IKE_PL_DELETE = 42,
	IKE_PL_VENDOR = 43,
	IKE_PL_TSI = 44,
	IKE_PL_TSR = 45,
	IKE_PL_SK = 46,
	IKE_PL_CP = 47,		/* recorded raw, not decoded */
	IKE_PL_EAP = 48,	/* recorded raw, not decoded */
	IKE_PL_SKF = 53,	/* RFC 7383 fragment: recorded raw */
};

#define IKE_PL_CRITICAL		0x80	/* generic header flags byte */

/* SPIs are held as the host-order value of the 8 big-endian wire bytes, so
 * that they hash and compare as integers; sgw_put_be64() writes them back. */
struct ike_hdr {
	uint64_t spi_i;
	uint64_t spi_r;
	uint8_t next_payload;
	uint8_t version;	/* major << 4 | minor */
	uint8_t exchange;	/* enum ike_exchange */
	uint8_t flags;		/* IKE_FLAG_* */
	uint32_t msg_id;
	uint32_t length;
};

/* --- notify message types (§3.10.1) ---------------------------------------- */

enum ike_notify_type {
	/* errors (< 16384) */
	IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	IKE_N_INVALID_IKE_SPI = 4,
	IKE_N_INVALID_MAJOR_VERSION = 5,
	IKE_N_INVALID_SYNTAX = 7,
	IKE_N_INVALID_MESSAGE_ID = 9,
	IKE_N_INVALID_SPI = 11,
	IKE_N_NO_PROPOSAL_CHOSEN = 14,
	IKE_N_INVALID_KE_PAYLOAD = 17,
	IKE_N_AUTHENTICATION_FAILED = 24,
	IKE_N_SINGLE_PAIR_REQUIRED = 34,
	IKE_N_NO_ADDITIONAL_SAS = 35,
	IKE_N_INTERNAL_ADDRESS_FAILURE = 36,
	IKE_N_FAILED_CP_REQUIRED = 37,
	IKE_N_TS_UNACCEPTABLE = 38,
	IKE_N_INVALID_SELECTORS = 39,
	IKE_N_TEMPORARY_FAILURE = 43,
	IKE_N_CHILD_SA_NOT_FOUND = 44,
	IKE_N_ERROR_MAX = 16383,
	/* status (>= 16384) */
	IKE_N_INITIAL_CONTACT = 16384,
	IKE_N_SET_WINDOW_SIZE = 16385,
	IKE_N_ADDITIONAL_TS_POSSIBLE = 16386,
	IKE_N_IPCOMP_SUPPORTED = 16387,
	IKE_N_NAT_DETECTION_SOURCE_IP = 16388,
	IKE_N_NAT_DETECTION_DESTINATION_IP = 16389,
	IKE_N_COOKIE = 16390,
	IKE_N_USE_TRANSPORT_MODE = 16391,
	IKE_N_HTTP_CERT_LOOKUP_SUPPORTED = 16392,
	IKE_N_REKEY_SA = 16393,
	IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
	IKE_N_NON_FIRST_FRAGMENTS_ALSO = 16395,
	IKE_N_MOBIKE_SUPPORTED = 16396,			/* RFC 4555 */
	IKE_N_IKEV2_FRAGMENTATION_SUPPORTED = 16430,	/* RFC 7383 */
	IKE_N_SIGNATURE_HASH_ALGORITHMS = 16431,	/* RFC 7427 */
};

/* Name of a notify type for logs ("NO_PROPOSAL_CHOSEN"), "UNKNOWN" else. */
const char *ike_notify_name(uint16_t type);
/* Name of a payload / exchange type for logs. */
const char *ike_payload_name(uint8_t type);
const char *ike_exchange_name(uint8_t exchange);

/* --- identification (§3.5) ------------------------------------------------ */

enum ike_id_type {
	IKE_ID_IPV4_ADDR = 1,
	IKE_ID_FQDN = 2,
	IKE_ID_RFC822_ADDR = 3,
	IKE_ID_IPV6_ADDR = 5,
	IKE_ID_DER_ASN1_DN = 9,		/* opaque until X.509 support */
	IKE_ID_DER_ASN1_GN = 10,	/* opaque */
	IKE_ID_KEY_ID = 11,
};

/* An identity by value (config, PSK lookup, logs, and parsed IDi/IDr). */
struct ike_id {
	uint8_t type;		/* enum ike_id_type */
	uint16_t len;		/* 1..IKE_ID_MAX_LEN */
	uint8_t data[IKE_ID_MAX_LEN];
};

/*
 * Parses an identity from configuration text. Explicit prefixes:
 * "ipv4:", "ipv6:", "fqdn:", "rfc822:" (or "email:"), "keyid:" (text) and
 * "keyid:#<hex>" (or "keyid:0x<hex>"). Without a prefix: an IPv4/IPv6 literal is an address,
 * "@#<hex>" is a KEY_ID, "@name" is the FQDN "name", "user@domain" is
 * RFC822, anything else is an FQDN. Returns 0, or -1 with a message in err.
 */
int ike_id_from_string(const char *s, struct ike_id *id, char *err,
		       size_t err_len);
/* Writes "fqdn:gw.example.net" / "ipv4:192.0.2.1" / "keyid:#0a1b" ...;
 * non-printable FQDN/RFC822 bytes are escaped. snprintf semantics. */
int ike_id_to_string(const struct ike_id *id, char *buf, size_t len);
/* Type and bytes equal (FQDN and RFC822 compare case-insensitively): the
 * one comparison of identities, also behind ike_conf_id_match(). */
bool ike_id_equal(const struct ike_id *a, const struct ike_id *b);
bool ike_id_data_equal(uint8_t type, const uint8_t *a, size_t alen,
		       const uint8_t *b, size_t blen);
/* A hash equal for identities that ike_id_equal() calls equal. */
uint64_t ike_id_hash(const struct ike_id *id, uint64_t seed);

/*
 * An identity as the configuration names it: one identity, a pattern of
 * one (an FQDN or RFC822 name with the wildcards '*' and '?', matched
 * with ike_id_equal()'s letter-case rule), or any identity (id.type 0:
 * "*", "any" or "%any"; also what a zeroed pattern means).
 */
struct ike_id_pattern {
	struct ike_id id;
	bool wildcard;
};

/* ike_id_from_string()'s syntax, plus "*"/"any"/"%any" and wildcards. */
int ike_id_pattern_parse(const char *s, struct ike_id_pattern *p, char *err,
			 size_t err_len);
static inline bool ike_id_pattern_is_any(const struct ike_id_pattern *p)
{
	return p->id.type == 0;
}
/* Does the identity fall under the pattern? */
bool ike_id_match(const struct ike_id_pattern *p, const struct ike_id *id);
/* The same pattern (what makes a second key for an identity). */
bool ike_id_pattern_equal(const struct ike_id_pattern *a, const struct ike_id_pattern *b);

/* --- authentication (§3.8) ------------------------------------------------- */

enum ike_auth_method {
	IKE_AUTH_RSA_SIG = 1,
	IKE_AUTH_SHARED_KEY_MIC = 2,
	IKE_AUTH_DSS_SIG = 3,
	IKE_AUTH_ECDSA_256 = 9,
	IKE_AUTH_ECDSA_384 = 10,
	IKE_AUTH_ECDSA_521 = 11,
	IKE_AUTH_DIGITAL_SIGNATURE = 14,	/* RFC 7427 */
};

/* --- traffic selectors (§3.13) ---------------------------------------------- */

enum ike_ts_type {
	IKE_TS_IPV4_ADDR_RANGE = 7,
	IKE_TS_IPV6_ADDR_RANGE = 8,
};

/* One selector; addresses in network byte order (4 or 16 bytes used).
 * ip_proto 0 means any protocol; ports 0..65535 means any port. */
struct ike_ts {
	uint8_t type;		/* enum ike_ts_type */
	uint8_t ip_proto;
	uint16_t start_port;
	uint16_t end_port;
	uint8_t start_addr[16];
	uint8_t end_addr[16];
};

struct ike_ts_list {
	bool present;
	uint8_t n;
	struct ike_ts ts[IKE_MAX_TS];
};

/* ike_ts.c: selectors and prefixes */
size_t ike_ts_addr_len(const struct ike_ts *t);		/* 4 or 16 */
int ike_ts_family(const struct ike_ts *t);			/* AF_INET, AF_INET6 */
/* The first and last address of a prefix (sgw_addr_len() bytes each). */
void ike_ts_prefix_range(const struct sgw_prefix *p, uint8_t *start, uint8_t *end);
/* The prefix as a selector of any protocol and port. */
void ike_ts_from_prefix(const struct sgw_prefix *p, struct ike_ts *t);
/* The first max prefixes as selectors; returns how many. */
size_t ike_ts_from_prefixes(const struct sgw_prefix *p, size_t n, struct ike_ts *out,
			    size_t max);
/* Does the selector's address range lie inside the prefix? */
bool ike_ts_within(const struct ike_ts *t, const struct sgw_prefix *p);
/* Do they share an address? */
bool ike_ts_overlaps(const struct ike_ts *t, const struct sgw_prefix *p);

/* --- decoded payloads ------------------------------------------------------- */

/* Every payload of the message, in order (clear ones, then inner ones). */
struct ike_payload_ref {
	uint8_t type;
	bool critical;
	bool inner;		/* was inside SK (authenticated) */
	uint16_t body_len;	/* without the 4-byte generic header */
	const uint8_t *body;
};

struct ike_sa_payload {
	bool present;
	uint8_t n;		/* proposals kept (<= IKE_MAX_PROPOSALS) */
	bool truncated;		/* more proposals were sent than kept */
	struct ike_proposal prop[IKE_MAX_PROPOSALS];
};

struct ike_ke_payload {
	bool present;
	uint16_t group;		/* enum ike_dh_group */
	uint16_t len;
	const uint8_t *data;	/* public value, length checked for known
				 * groups (ike_dh_public_len()) */
};

struct ike_id_payload {
	bool present;
	struct ike_id id;
	/* "RestOfIDPayload" (ID type, 3 reserved bytes, data) that the AUTH
	 * computation MACs (§2.15): pass body/body_len to ike_auth_*(). */
	const uint8_t *body;
	uint16_t body_len;
};

struct ike_auth_payload {
	bool present;
	uint8_t method;		/* enum ike_auth_method */
	uint16_t len;
	const uint8_t *data;
};

struct ike_nonce_payload {
	bool present;
	uint16_t len;		/* IKE_NONCE_MIN_LEN..IKE_NONCE_MAX_LEN */
	const uint8_t *data;
};

struct ike_notify {
	uint8_t proto;		/* 0, or enum ike_proto */
	uint8_t spi_size;	/* 0, 4 or 8 */
	uint16_t type;		/* enum ike_notify_type */
	bool inner;
	const uint8_t *spi;	/* wire order, spi_size bytes */
	uint16_t data_len;
	const uint8_t *data;
};

struct ike_delete {
	uint8_t proto;		/* enum ike_proto */
	uint8_t spi_size;	/* 0 for IKE, 4 for ESP/AH */
	uint16_t n_spi;
	const uint8_t *spis;	/* n_spi * spi_size bytes, wire order */
};

struct ike_blob {		/* CERT, CERTREQ (encoding + data), VENDOR */
	uint8_t encoding;	/* 0 for vendor IDs */
	uint16_t len;
	const uint8_t *data;
};

/* Where the SK payload sits in the received message (ike_msg_parse()). */
struct ike_sk_info {
	bool present;
	uint8_t first_inner;	/* next-payload field of SK: first inner type
				 * (of an SKF: in fragment 1 only) */
	uint32_t off;		/* offset of SK's generic header in the message */
	uint32_t len;		/* SK payload length (header + IV + data + ICV) */
	/* RFC 7383: an Encrypted Fragment payload (SKF) instead of SK; its
	 * header has 4 more octets, the numbers, inside the ICV (AAD) */
	bool frag;
	uint16_t frag_num, frag_total;	/* 1 <= num <= total */
};

struct ike_msg {
	struct ike_hdr hdr;
	const uint8_t *raw;	/* the parsed message (for AUTH: RealMessage) */
	uint32_t raw_len;

	uint8_t n_payloads;
	struct ike_payload_ref payloads[IKE_MAX_PAYLOADS];

	struct ike_sk_info sk;
	bool decrypted;		/* ike_msg_parse_inner() succeeded */

	struct ike_sa_payload sa;
	struct ike_ke_payload ke;
	struct ike_id_payload idi, idr;
	struct ike_auth_payload auth;
	struct ike_nonce_payload nonce;
	struct ike_ts_list tsi, tsr;

	uint8_t n_notify;
	struct ike_notify notify[IKE_MAX_NOTIFIES];
	uint8_t n_delete;
	struct ike_delete del[IKE_MAX_DELETES];
	uint8_t n_vendor;
	struct ike_blob vendor[IKE_MAX_VENDOR_IDS];
	uint8_t n_cert;
	struct ike_blob cert[IKE_MAX_CERTS];
	uint8_t n_certreq;
	struct ike_blob certreq[IKE_MAX_CERTS];
};

/* --- parse -------------------------------------------------------------- */

/*
 * Outcome of a failed parse: what the receiver should do.
 *   notify == 0: drop the message silently (too short, lengths that disagree
 *                with the datagram, oversized, not IKEv2 at all).
 *   notify != 0: the error notify to answer with if the message is a request
 *                and the exchange allows it (INVALID_SYNTAX,
 *                UNSUPPORTED_CRITICAL_PAYLOAD with data[0] = the payload type,
 *                INVALID_MAJOR_VERSION). RFC 7296 §2.21 says when to answer;
 *                e.g. never for errors found before the SK ICV was checked in
 *                a message that has an SK payload (the caller can tell from
 *                inner == false).
 * reason is a static string for logs, offset is where in the message (or the
 * plaintext when inner) it went wrong.
 */
struct ike_parse_err {
	uint16_t notify;
	uint8_t data_len;
	uint8_t data[1];
	bool inner;
	uint32_t offset;
	const char *reason;
};

/* Header only (28 bytes, no payload parsing): SPIs, exchange, flags, msg ID
 * for the SA lookup before anything else is spent on the message. Checks
 * len >= 28, length field == len, len <= IKE_MSG_MAX_SIZE, major version 2.
 * Returns 0 or -1 with err filled. */
int ike_hdr_parse(const uint8_t *buf, size_t len, struct ike_hdr *hdr,
		  struct ike_parse_err *err);

/* Header and the clear payload chain; stops at SK (which must be the last
 * clear payload and end exactly at the end of the message), recording its
 * place in msg->sk. Returns 0 or -1 with err filled. msg is fully
 * (re)initialised. */
int ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg *msg,
		  struct ike_parse_err *err);

/* The payload chain found inside SK (plain, plain_len = decrypted content
 * without IV, padding or ICV, as ike_sk_unprotect() returns it), starting
 * with msg->sk.first_inner; adds to msg. Returns 0 or -1 with err filled
 * (err->inner = true). */
int ike_msg_parse_inner(struct ike_msg *msg, const uint8_t *plain,
			size_t plain_len, struct ike_parse_err *err);

/* First notify of this type, or NULL. */
const struct ike_notify *ike_msg_find_notify(const struct ike_msg *msg,
					     uint16_t type);
/* First error notify (type < 16384), or NULL. */
const struct ike_notify *ike_msg_first_error(const struct ike_msg *msg);

/* --- build -------------------------------------------------------------- */

/*
 * Message builder over a caller's buffer. Each ike_build_*() appends one
 * payload and links it into the chain (the previous payload's next-payload
 * field, or the header's, or SK's for the first inner payload). Errors are
 * sticky: once the buffer is too small or an argument invalid, b->err is set,
 * later calls do nothing and ike_build_end()/ike_sk_protect() fail, so a
 * sequence of calls needs one check at the end.
 */
struct ike_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	size_t np_off;		/* where the next payload's type goes */
	size_t sk_off;		/* SK generic header offset, 0 if none */
	size_t sk_iv_len;
	size_t sk_hdr_len;	/* SK: 4, SKF: 8 (with the fragment numbers) */
	bool err;
};

/* Starts a message: writes hdr (length is filled at the end). */
void ike_build_init(struct ike_builder *b, uint8_t *buf, size_t cap,
		    const struct ike_hdr *hdr);
/* Opens the SK payload: the payloads built afterwards go inside it.
 * iv_len = ike_sk_iv_len() of the negotiated cipher; the IV is written by
 * ike_sk_protect(). */
void ike_build_sk_begin(struct ike_builder *b, size_t iv_len);
/* Opens an Encrypted Fragment payload (RFC 7383 §2.5), fragment num of
 * total; first is the message's first inner payload type (fragment 1; the
 * others carry 0). Its content is raw: append it with ike_build_raw(). */
void ike_build_skf_begin(struct ike_builder *b, size_t iv_len, uint16_t num, uint16_t total,
			 uint8_t first);
/* Appends bytes that are no payload of their own (a fragment's content). */
void ike_build_raw(struct ike_builder *b, const uint8_t *data, size_t len);
/* Closes a message without SK: writes the length. Returns the message
 * length, or 0 on error. (Messages with SK are closed by ike_sk_protect().) */
size_t ike_build_end(struct ike_builder *b);

/* Any payload from its body (generic header added). */
void ike_build_payload(struct ike_builder *b, uint8_t type, bool critical,
		       const uint8_t *body, size_t len);
void ike_build_sa(struct ike_builder *b, const struct ike_proposal *p,
		  size_t n);
void ike_build_ke(struct ike_builder *b, uint16_t group,
		  const uint8_t *pub, size_t len);
void ike_build_nonce(struct ike_builder *b, const uint8_t *nonce, size_t len);
/* type IKE_PL_IDI or IKE_PL_IDR */
void ike_build_id(struct ike_builder *b, uint8_t type,
		  const struct ike_id *id);
void ike_build_auth(struct ike_builder *b, uint8_t method,
		    const uint8_t *data, size_t len);
void ike_build_notify(struct ike_builder *b, uint8_t proto,
		      const uint8_t *spi, uint8_t spi_size, uint16_t type,
		      const uint8_t *data, size_t len);
void ike_build_delete(struct ike_builder *b, uint8_t proto, uint8_t spi_size,
		      const uint8_t *spis, uint16_t n_spi);
void ike_build_vendor(struct ike_builder *b, const uint8_t *data, size_t len);
/* type IKE_PL_TSI or IKE_PL_TSR */
void ike_build_ts(struct ike_builder *b, uint8_t type,
		  const struct ike_ts *ts, size_t n);
/* type IKE_PL_CERT or IKE_PL_CERTREQ */
void ike_build_cert(struct ike_builder *b, uint8_t type, uint8_t encoding,
		    const uint8_t *data, size_t len);

/* --- NAT detection (ike_natd.c) ------------------------------------------------- */

/*
 * The body of the RFC 7296 NAT_DETECTION_*_IP notify:
 * SHA-1(SPIi | SPIr | IP | port), addr 4 or 16 bytes (network order),
 * port in host order. out: 20 bytes. Returns 0 or -1.
 */
int ike_nat_detection_hash(uint64_t spi_i, uint64_t spi_r,
			   const uint8_t *addr, size_t addr_len,
			   uint16_t port, uint8_t out[20]);

struct sockaddr_storage;
/* Does a NAT_DETECTION notify of this type (SOURCE_IP or DESTINATION_IP)
 * match the address and port ss? 1 yes, 0 none of them does, -1 none was
 * sent (the peer does not do NAT traversal). In a request, spi_r is 0. */
int ike_natd_match(const struct ike_msg *m, uint16_t type, uint64_t spi_i,
		   uint64_t spi_r, const struct sockaddr_storage *ss);
/* Appends the notify of this type for ss. */
void ike_natd_build(struct ike_builder *b, uint16_t type, uint64_t spi_i,
		    uint64_t spi_r, const struct sockaddr_storage *ss);

#endif /* SGW_IKE_MSG_H */
