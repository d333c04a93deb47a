// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2 message parser (RFC 7296 §3). Zero-copy, allocation-free, bounded:
 * every read is preceded by a length check against the enclosing structure.
 */
#include <string.h>

#include "base/sgw_byteorder.h"
#include "ike/ike_crypto.h"
#include "ike/ike_msg.h"

static int fail(struct ike_parse_err *err, uint16_t notify, size_t off,
		const char *reason)
{
	if (err) {
		err->notify = notify;
		err->offset = (uint32_t)off;
		err->reason = reason;
	}
	return -1;
}

/* Decoders return 0 or fill err through fail(); off is the body offset in
 * the buffer being walked, for error reports. */
struct walk {
	struct ike_msg *msg;
	struct ike_parse_err *err;
	bool inner;
	size_t off;
};

static int syntax(struct walk *w, const char *reason)
{
	return fail(w->err, IKE_N_INVALID_SYNTAX, w->off, reason);
}

/* --- SA ----------------------------------------------------------------- */

static int parse_attrs(struct walk *w, const uint8_t *a, size_t len,
		       struct ike_transform *t, bool *unusable)
{
	bool have_key_len = false;
	size_t off = 0;

	while (off < len) {
		uint16_t type, val;

		if (len - off < 4)
			return syntax(w, "truncated transform attribute");
		type = sgw_get_be16(a + off);
		val = sgw_get_be16(a + off + 2);
		if (type & IKE_ATTR_FORMAT_TV) {
			off += 4;
			if ((type & ~IKE_ATTR_FORMAT_TV) == IKE_ATTR_KEY_LENGTH &&
			    !have_key_len) {
				t->key_len = val;
				have_key_len = true;
			} else {
				*unusable = true;
			}
		} else {
			if (len - off - 4 < val)
				return syntax(w, "transform attribute overruns");
			off += 4 + (size_t)val;
			*unusable = true; /* TLV: none we understand */
		}
	}
	return 0;
}

static int parse_transforms(struct walk *w, const uint8_t *b, size_t len,
			    unsigned int count, struct ike_proposal *p)
{
	size_t off = 0;

	for (unsigned int i = 0; i < count; i++) {
		bool last = i + 1 == count;
		struct ike_transform t = { 0 };
		bool unusable = false;
		uint16_t tlen;

		if (len - off < 8)
			return syntax(w, "truncated transform");
		if (b[off] != (last ? 0 : 3))
			return syntax(w, "transform last-substructure mismatch");
		tlen = sgw_get_be16(b + off + 2);
		if (tlen < 8 || tlen > len - off)
			return syntax(w, "bad transform length");
		t.type = b[off + 4];
		t.id = sgw_get_be16(b + off + 6);
		if (parse_attrs(w, b + off + 8, tlen - 8u, &t, &unusable))
			return -1;
		if (t.type == 0 || t.type > IKE_TRANS_TYPE_MAX)
			unusable = true;
		if (unusable || p->n_transforms >= IKE_MAX_TRANSFORMS)
			p->unusable = true;
		else
			p->t[p->n_transforms++] = t;
		off += tlen;
	}
	if (off != len)
		return syntax(w, "proposal length disagrees with transforms");
	return 0;
}

static int parse_sa(struct walk *w, const uint8_t *b, size_t len)
{
	struct ike_sa_payload *sa = &w->msg->sa;
	size_t off = 0;

	if (sa->present)
		return syntax(w, "duplicate SA payload");
	sa->present = true;
	for (;;) {
		struct ike_proposal scratch, *p;
		uint8_t last_sub, spi_size;
		uint16_t plen;

		if (len - off < 8)
			return syntax(w, "truncated proposal");
		last_sub = b[off];
		plen = sgw_get_be16(b + off + 2);
		if (last_sub != 0 && last_sub != 2)
			return syntax(w, "bad proposal last-substructure");
		if (plen < 8 || plen > len - off)
			return syntax(w, "bad proposal length");
		spi_size = b[off + 6];
		if (spi_size != 0 && spi_size != 4 && spi_size != 8)
			return syntax(w, "bad proposal SPI size");
		if (8u + spi_size > plen)
			return syntax(w, "proposal SPI overruns");

		if (sa->n < IKE_MAX_PROPOSALS) {
			p = &sa->prop[sa->n++];
		} else {
			p = &scratch;
			sa->truncated = true;
		}
		memset(p, 0, sizeof(*p));
		p->num = b[off + 4];
		p->proto = b[off + 5];
		p->spi_size = spi_size;
		memcpy(p->spi, b + off + 8, spi_size);
		if (p->proto < IKE_PROTO_IKE || p->proto > IKE_PROTO_ESP)
			p->unusable = true;
		if (parse_transforms(w, b + off + 8 + spi_size,
				     plen - 8u - spi_size, b[off + 7], p))
			return -1;
		off += plen;
		if (last_sub == 0)
			break;
	}
	if (off != len)
		return syntax(w, "bytes after the last proposal");
	return 0;
}

/* --- KE, ID, AUTH, Nonce ------------------------------------------------- */

static int parse_ke(struct walk *w, const uint8_t *b, size_t len)
{
	struct ike_ke_payload *ke = &w->msg->ke;
	size_t want;

	if (ke->present)
		return syntax(w, "duplicate KE payload");
	if (len < 5)
		return syntax(w, "KE payload too short");
	ke->present = true;
	ke->group = sgw_get_be16(b);
	ke->data = b + 4;
	ke->len = (uint16_t)(len - 4);
	want = ike_dh_public_len(ke->group);
	if (want && want != ke->len)
		return syntax(w, "KE data length wrong for its group");
	return 0;
}

static int parse_id(struct walk *w, const uint8_t *b, size_t len,
		    struct ike_id_payload *id)
{
	if (id->present)
		return syntax(w, "duplicate ID payload");
	if (len < 5)
		return syntax(w, "ID payload too short");
	if (len - 4 > IKE_ID_MAX_LEN)
		return syntax(w, "ID data too long");
	id->present = true;
	id->body = b;
	id->body_len = (uint16_t)len;
	id->id.type = b[0];
	id->id.len = (uint16_t)(len - 4);
	memcpy(id->id.data, b + 4, id->id.len);
	if (id->id.type == IKE_ID_IPV4_ADDR && id->id.len != 4)
		return syntax(w, "IPv4 ID not 4 bytes");
	if (id->id.type == IKE_ID_IPV6_ADDR && id->id.len != 16)
		return syntax(w, "IPv6 ID not 16 bytes");
	return 0;
}

static int parse_auth(struct walk *w, const uint8_t *b, size_t len)
{
	struct ike_auth_payload *auth = &w->msg->auth;

	if (auth->present)
		return syntax(w, "duplicate AUTH payload");
	if (len < 5)
		return syntax(w, "AUTH payload too short");
	auth->present = true;
	auth->method = b[0];
	auth->data = b + 4;
	auth->len = (uint16_t)(len - 4);
	return 0;
}

static int parse_nonce(struct walk *w, const uint8_t *b, size_t len)
{
	struct ike_nonce_payload *n = &w->msg->nonce;

	if (n->present)
		return syntax(w, "duplicate Nonce payload");
	if (len < IKE_NONCE_MIN_LEN || len > IKE_NONCE_MAX_LEN)
		return syntax(w, "nonce length out of 16..256");
	n->present = true;
	n->data = b;
	n->len = (uint16_t)len;
	return 0;
}

/* --- Notify, Delete ------------------------------------------------------ */

/* Data lengths fixed by the RFCs for the notify types we act on; -1: any. */
static int notify_data_check(const struct ike_notify *n)
{
	switch (n->type) {
	case IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD:
		return n->data_len == 1;
	case IKE_N_INVALID_KE_PAYLOAD:
		return n->data_len == 2;
	case IKE_N_COOKIE:
		return n->data_len >= 1 && n->data_len <= 64;
	case IKE_N_NAT_DETECTION_SOURCE_IP:
	case IKE_N_NAT_DETECTION_DESTINATION_IP:
		return n->data_len == 20;
	case IKE_N_SET_WINDOW_SIZE:
		return n->data_len == 4;
	case IKE_N_REKEY_SA:
		return n->spi_size == 4 &&
		       (n->proto == IKE_PROTO_ESP || n->proto == IKE_PROTO_AH);
	case IKE_N_INITIAL_CONTACT:
	case IKE_N_USE_TRANSPORT_MODE:
	case IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED:
	case IKE_N_NON_FIRST_FRAGMENTS_ALSO:
	case IKE_N_MOBIKE_SUPPORTED:
	case IKE_N_IKEV2_FRAGMENTATION_SUPPORTED:
		return n->data_len == 0;
	case IKE_N_SIGNATURE_HASH_ALGORITHMS:
		return n->data_len >= 2 && n->data_len % 2 == 0;
	default:
		return 1;
	}
}

static int parse_notify(struct walk *w, const uint8_t *b, size_t len)
{
	struct ike_msg *msg = w->msg;
	struct ike_notify *n;

	if (len < 4)
		return syntax(w, "Notify payload too short");
	if (b[1] != 0 && b[1] != 4 && b[1] != 8)
		return syntax(w, "bad Notify SPI size");
	if (4u + b[1] > len)
		return syntax(w, "Notify SPI overruns");
	if (b[0] > IKE_PROTO_ESP)
		return syntax(w, "bad Notify protocol");
	if (msg->n_notify >= IKE_MAX_NOTIFIES)
		return syntax(w, "too many Notify payloads");
	n = &msg->notify[msg->n_notify];
	n->proto = b[0];
	n->spi_size = b[1];
	n->type = sgw_get_be16(b + 2);
	n->inner = w->inner;
	n->spi = b + 4;
	n->data = b + 4 + n->spi_size;
	n->data_len = (uint16_t)(len - 4 - n->spi_size);
	if (!notify_data_check(n))
		return syntax(w, "Notify data malformed for its type");
	msg->n_notify++;
	return 0;
}

static int parse_delete(struct walk *w, const uint8_t *b, size_t len)
{
	struct ike_msg *msg = w->msg;
	struct ike_delete *d;

	if (len < 4)
		return syntax(w, "Delete payload too short");
	if (msg->n_delete >= IKE_MAX_DELETES)
		return syntax(w, "too many Delete payloads");
	d = &msg->del[msg->n_delete];
	d->proto = b[0];
	d->spi_size = b[1];
	d->n_spi = sgw_get_be16(b + 2);
	d->spis = b + 4;
	switch (d->proto) {
	case IKE_PROTO_IKE:
		if (d->spi_size != 0 || d->n_spi != 0 || len != 4)
			return syntax(w, "IKE Delete must carry no SPI");
		break;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		if (d->spi_size != 4 || d->n_spi == 0)
			return syntax(w, "CHILD Delete needs 4-byte SPIs");
		if (len - 4 != (size_t)d->n_spi * 4)
			return syntax(w, "Delete SPI count disagrees with length");
		break;
	default:
		return syntax(w, "bad Delete protocol");
	}
	msg->n_delete++;
	return 0;
}

/* --- TS, CERT, Vendor ---------------------------------------------------- */

static int parse_one_ts(struct walk *w, const uint8_t *b, size_t len,
			struct ike_ts *ts)
{
	size_t alen;

	memset(ts, 0, sizeof(*ts));
	ts->type = b[0];
	ts->ip_proto = b[1];
	ts->start_port = sgw_get_be16(b + 4);
	ts->end_port = sgw_get_be16(b + 6);
	alen = ts->type == IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;
	if (len != 8 + 2 * alen)
		return syntax(w, "traffic selector length wrong for its type");
	memcpy(ts->start_addr, b + 8, alen);
	memcpy(ts->end_addr, b + 8 + alen, alen);
	return 0;
}

static int parse_ts(struct walk *w, const uint8_t *b, size_t len,
		    struct ike_ts_list *list)
{
	size_t off = 4;
	unsigned int count;

	if (list->present)
		return syntax(w, "duplicate TS payload");
	if (len < 4)
		return syntax(w, "TS payload too short");
	count = b[0];
	if (count == 0)
		return syntax(w, "TS payload without selectors");
	list->present = true;
	for (unsigned int i = 0; i < count; i++) {
		uint16_t slen;

		if (len - off < 8)
			return syntax(w, "truncated traffic selector");
		slen = sgw_get_be16(b + off + 2);
		if (slen < 8 || slen > len - off)
			return syntax(w, "bad traffic selector length");
		if (b[off] == IKE_TS_IPV4_ADDR_RANGE ||
		    b[off] == IKE_TS_IPV6_ADDR_RANGE) {
			if (list->n >= IKE_MAX_TS)
				return syntax(w, "too many traffic selectors");
			if (parse_one_ts(w, b + off, slen, &list->ts[list->n]))
				return -1;
			list->n++;
		}
		/* other selector types (RFC 4595 FC, ...) are skipped */
		off += slen;
	}
	if (off != len)
		return syntax(w, "bytes after the last traffic selector");
	return 0;
}

static int parse_blob(struct walk *w, const uint8_t *b, size_t len,
		      bool encoded, struct ike_blob *arr, uint8_t *n)
{
	size_t skip = encoded ? 1 : 0;

	if (len < skip)
		return syntax(w, "CERT/CERTREQ payload too short");
	if (*n >= (encoded ? IKE_MAX_CERTS : IKE_MAX_VENDOR_IDS))
		return 0; /* further ones are ignored */
	arr[*n].encoding = encoded ? b[0] : 0;
	arr[*n].data = b + skip;
	arr[*n].len = (uint16_t)(len - skip);
	(*n)++;
	return 0;
}

/* --- the payload chain --------------------------------------------------- */

static int known_payload(uint8_t type)
{
	return (type >= IKE_PL_SA && type <= IKE_PL_EAP) || type == IKE_PL_SKF;
}

static int decode_payload(struct walk *w, uint8_t type, const uint8_t *b,
			  size_t len)
{
	struct ike_msg *m = w->msg;

	switch (type) {
	case IKE_PL_SA:
		return parse_sa(w, b, len);
	case IKE_PL_KE:
		return parse_ke(w, b, len);
	case IKE_PL_IDI:
		return parse_id(w, b, len, &m->idi);
	case IKE_PL_IDR:
		return parse_id(w, b, len, &m->idr);
	case IKE_PL_AUTH:
		return parse_auth(w, b, len);
	case IKE_PL_NONCE:
		return parse_nonce(w, b, len);
	case IKE_PL_NOTIFY:
		return parse_notify(w, b, len);
	case IKE_PL_DELETE:
		return parse_delete(w, b, len);
	case IKE_PL_VENDOR:
		return parse_blob(w, b, len, false, m->vendor, &m->n_vendor);
	case IKE_PL_TSI:
		return parse_ts(w, b, len, &m->tsi);
	case IKE_PL_TSR:
		return parse_ts(w, b, len, &m->tsr);
	case IKE_PL_CERT:
		return parse_blob(w, b, len, true, m->cert, &m->n_cert);
	case IKE_PL_CERTREQ:
		return parse_blob(w, b, len, true, m->certreq, &m->n_certreq);
	default:		/* CP, EAP, SKF: kept raw */
		return 0;
	}
}

/* RFC 7383 §2.5: Fragment Number and Total Fragments, 1 <= number <= total. */
static int skf_numbers(struct walk *w, struct ike_msg *msg, const struct ike_payload_ref *ref)
{
	if (ref->body_len < 4)
		return syntax(w, "SKF payload too short");
	msg->sk.frag = true;
	msg->sk.frag_num = sgw_get_be16(ref->body);
	msg->sk.frag_total = sgw_get_be16(ref->body + 2);
	if (!msg->sk.frag_num || msg->sk.frag_num > msg->sk.frag_total)
		return syntax(w, "SKF fragment number out of 1..total");
	return 0;
}

/*
 * Walks the chain in buf[start..end) beginning with type np. Outer walks
 * stop at SK (recorded in msg->sk); inner walks reject SK.
 */
static int walk_chain(struct ike_msg *msg, const uint8_t *buf, size_t start,
		      size_t end, uint8_t np, bool inner,
		      struct ike_parse_err *err)
{
	struct walk w = { .msg = msg, .err = err, .inner = inner };
	size_t off = start;

	while (np != IKE_PL_NONE) {
		struct ike_payload_ref *ref;
		uint8_t next, flags;
		uint16_t plen;

		w.off = off;
		if (end - off < IKE_GENERIC_HDR_LEN)
			return syntax(&w, "truncated payload header");
		next = buf[off];
		flags = buf[off + 1];
		plen = sgw_get_be16(buf + off + 2);
		if (plen < IKE_GENERIC_HDR_LEN || plen > end - off)
			return syntax(&w, "bad payload length");
		if (msg->n_payloads >= IKE_MAX_PAYLOADS)
			return syntax(&w, "too many payloads");
		ref = &msg->payloads[msg->n_payloads++];
		ref->type = np;
		ref->critical = flags & IKE_PL_CRITICAL;
		ref->inner = inner;
		ref->body = buf + off + IKE_GENERIC_HDR_LEN;
		ref->body_len = (uint16_t)(plen - IKE_GENERIC_HDR_LEN);

		if (np == IKE_PL_SK || np == IKE_PL_SKF) {
			if (inner)
				return syntax(&w, "SK payload inside SK");
			if (off + plen != end)
				return syntax(&w, "SK payload is not last");
			if (np == IKE_PL_SKF && skf_numbers(&w, msg, ref))
				return -1;
			msg->sk.present = true;
			msg->sk.first_inner = next;
			msg->sk.off = (uint32_t)off;
			msg->sk.len = plen;
			return 0;
		}
		if (!known_payload(np)) {
			if (ref->critical) {
				fail(err, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD,
				     off, "unsupported critical payload");
				if (err) {
					err->data[0] = np;
					err->data_len = 1;
				}
				return -1;
			}
		} else {
			w.off = off + IKE_GENERIC_HDR_LEN;
			if (decode_payload(&w, np, ref->body, ref->body_len))
				return -1;
		}
		off += plen;
		np = next;
	}
	w.off = off;
	if (off != end)
		return syntax(&w, "bytes after the last payload");
	return 0;
}

static void err_init(struct ike_parse_err *err, bool inner)
{
	if (err) {
		memset(err, 0, sizeof(*err));
		err->inner = inner;
		err->reason = "ok";
	}
}

int ike_hdr_parse(const uint8_t *buf, size_t len, struct ike_hdr *hdr,
		  struct ike_parse_err *err)
{
	err_init(err, false);
	if (!buf || len < IKE_HDR_LEN)
		return fail(err, 0, 0, "shorter than an IKE header");
	if (len > IKE_MSG_MAX_SIZE)
		return fail(err, 0, 0, "message too large");
	hdr->spi_i = sgw_get_be64(buf);
	hdr->spi_r = sgw_get_be64(buf + 8);
	hdr->next_payload = buf[16];
	hdr->version = buf[17];
	hdr->exchange = buf[18];
	hdr->flags = buf[19];
	hdr->msg_id = sgw_get_be32(buf + 20);
	hdr->length = sgw_get_be32(buf + 24);
	if (hdr->length != len)
		return fail(err, 0, 24, "length field disagrees with datagram");
	if ((hdr->version >> 4) < 2)
		return fail(err, 0, 17, "not IKEv2");
	if ((hdr->version >> 4) > 2)
		return fail(err, IKE_N_INVALID_MAJOR_VERSION, 17,
			    "unsupported major version");
	return 0;
}

int ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg *msg,
		  struct ike_parse_err *err)
{
	memset(msg, 0, sizeof(*msg));
	if (ike_hdr_parse(buf, len, &msg->hdr, err))
		return -1;
	msg->raw = buf;
	msg->raw_len = (uint32_t)len;
	return walk_chain(msg, buf, IKE_HDR_LEN, len, msg->hdr.next_payload,
			  false, err);
}

int ike_msg_parse_inner(struct ike_msg *msg, const uint8_t *plain,
			size_t plain_len, struct ike_parse_err *err)
{
	err_init(err, true);
	if (!msg->sk.present || msg->decrypted)
		return fail(err, 0, 0, "no SK payload to parse");
	if (plain_len > IKE_MSG_MAX_SIZE)
		return fail(err, 0, 0, "plaintext too large");
	if (walk_chain(msg, plain, 0, plain_len, msg->sk.first_inner, true,
		       err))
		return -1;
	msg->decrypted = true;
	return 0;
}

const struct ike_notify *ike_msg_find_notify(const struct ike_msg *msg,
					     uint16_t type)
{
	for (unsigned int i = 0; i < msg->n_notify; i++)
		if (msg->notify[i].type == type)
			return &msg->notify[i];
	return NULL;
}

const struct ike_notify *ike_msg_first_error(const struct ike_msg *msg)
{
	for (unsigned int i = 0; i < msg->n_notify; i++)
		if (msg->notify[i].type <= IKE_N_ERROR_MAX)
			return &msg->notify[i];
	return NULL;
}
