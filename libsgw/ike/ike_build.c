// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2 message builder: appends payloads to a caller's buffer and links the
 * next-payload chain. Errors are sticky (b->err), so callers check once.
 */
#include <string.h>

#include "base/sgw_byteorder.h"
#include "ike/ike_msg.h"

void ike_build_init(struct ike_builder *b, uint8_t *buf, size_t cap,
		    const struct ike_hdr *hdr)
{
	memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->cap = cap > IKE_MSG_MAX_SIZE ? IKE_MSG_MAX_SIZE : cap;
	if (!buf || b->cap < IKE_HDR_LEN) {
		b->err = true;
		return;
	}
	sgw_put_be64(buf, hdr->spi_i);
	sgw_put_be64(buf + 8, hdr->spi_r);
	buf[16] = IKE_PL_NONE;
	buf[17] = hdr->version ? hdr->version : IKE_VERSION;
	buf[18] = hdr->exchange;
	buf[19] = hdr->flags;
	sgw_put_be32(buf + 20, (uint32_t)hdr->msg_id);
	sgw_put_be32(buf + 24, (uint32_t)IKE_HDR_LEN);
	b->len = IKE_HDR_LEN;
	b->np_off = 16;
}

/* Reserves a payload of body length len, links it, and returns a pointer to
 * its body, or NULL (and sets b->err). */
static uint8_t *payload_start(struct ike_builder *b, uint8_t type,
			      bool critical, size_t len)
{
	size_t total = IKE_GENERIC_HDR_LEN + len;
	uint8_t *p;

	if (b->err || total > 0xffff || total > b->cap - b->len) {
		b->err = true;
		return NULL;
	}
	p = b->buf + b->len;
	b->buf[b->np_off] = type;
	p[0] = IKE_PL_NONE;
	p[1] = critical ? IKE_PL_CRITICAL : 0;
	sgw_put_be16(p + 2, (uint16_t)total);
	b->np_off = b->len;
	b->len += total;
	return p + IKE_GENERIC_HDR_LEN;
}

void ike_build_sk_begin(struct ike_builder *b, size_t iv_len)
{
	uint8_t *p;

	if (b->sk_off || !iv_len || iv_len > 16) {
		b->err = true;
		return;
	}
	/* the SK length is rewritten by ike_sk_protect() */
	p = payload_start(b, IKE_PL_SK, false, iv_len);
	if (!p)
		return;
	memset(p, 0, iv_len);
	b->sk_off = b->np_off;
	b->sk_iv_len = iv_len;
	b->sk_hdr_len = IKE_GENERIC_HDR_LEN;
}

void ike_build_skf_begin(struct ike_builder *b, size_t iv_len, uint16_t num, uint16_t total,
			 uint8_t first)
{
	uint8_t *p;

	if (b->sk_off || !iv_len || iv_len > 16 || !num || num > total) {
		b->err = true;
		return;
	}
	p = payload_start(b, IKE_PL_SKF, false, 4 + iv_len);
	if (!p)
		return;
	p[-IKE_GENERIC_HDR_LEN] = num == 1 ? first : IKE_PL_NONE;
	sgw_put_be16(p, num);
	sgw_put_be16(p + 2, total);
	memset(p + 4, 0, iv_len);
	b->sk_off = b->np_off;
	b->sk_iv_len = iv_len;
	b->sk_hdr_len = IKE_GENERIC_HDR_LEN + 4;
	b->np_off = b->len;	/* nothing links into the raw content */
}

void ike_build_raw(struct ike_builder *b, const uint8_t *data, size_t len)
{
	if (b->err || len > b->cap - b->len) {
		b->err = true;
		return;
	}
	memcpy(b->buf + b->len, data, len);
	b->len += len;
}

size_t ike_build_end(struct ike_builder *b)
{
	if (b->err || b->sk_off)
		return 0;
	sgw_put_be32(b->buf + 24, (uint32_t)b->len);
	return b->len;
}

void ike_build_payload(struct ike_builder *b, uint8_t type, bool critical,
		       const uint8_t *body, size_t len)
{
	uint8_t *p = payload_start(b, type, critical, len);

	if (p && len)
		memcpy(p, body, len);
}

static size_t proposal_len(const struct ike_proposal *p)
{
	size_t len = 8 + p->spi_size;

	for (unsigned int i = 0; i < p->n_transforms; i++)
		len += 8 + (p->t[i].key_len ? 4 : 0);
	return len;
}

void ike_build_sa(struct ike_builder *b, const struct ike_proposal *props,
		  size_t n)
{
	size_t total = 0, off = 0;
	uint8_t *p;

	if (!n || n > IKE_MAX_PROPOSALS) {
		b->err = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (props[i].spi_size > 8 || !props[i].n_transforms ||
		    props[i].n_transforms > IKE_MAX_TRANSFORMS) {
			b->err = true;
			return;
		}
		total += proposal_len(&props[i]);
	}
	p = payload_start(b, IKE_PL_SA, false, total);
	if (!p)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct ike_proposal *pr = &props[i];
		uint8_t *q = p + off;
		size_t toff;

		q[0] = i + 1 < n ? 2 : 0;
		q[1] = 0;
		sgw_put_be16(q + 2, (uint16_t)proposal_len(pr));
		q[4] = pr->num ? pr->num : (uint8_t)(i + 1);
		q[5] = pr->proto;
		q[6] = pr->spi_size;
		q[7] = pr->n_transforms;
		memcpy(q + 8, pr->spi, pr->spi_size);
		toff = 8 + pr->spi_size;
		for (unsigned int j = 0; j < pr->n_transforms; j++) {
			const struct ike_transform *t = &pr->t[j];
			uint8_t *r = q + toff;
			size_t tlen = 8 + (t->key_len ? 4 : 0);

			r[0] = j + 1 < pr->n_transforms ? 3 : 0;
			r[1] = 0;
			sgw_put_be16(r + 2, (uint16_t)tlen);
			r[4] = t->type;
			r[5] = 0;
			sgw_put_be16(r + 6, (uint16_t)t->id);
			if (t->key_len) {
				sgw_put_be16(r + 8, (uint16_t)IKE_ATTR_FORMAT_TV |
					     IKE_ATTR_KEY_LENGTH);
				sgw_put_be16(r + 10, (uint16_t)t->key_len);
			}
			toff += tlen;
		}
		off += toff;
	}
}

void ike_build_ke(struct ike_builder *b, uint16_t group, const uint8_t *pub,
		  size_t len)
{
	uint8_t *p = payload_start(b, IKE_PL_KE, false, 4 + len);

	if (!p)
		return;
	sgw_put_be16(p, (uint16_t)group);
	p[2] = p[3] = 0;
	if (len)
		memcpy(p + 4, pub, len);
}

void ike_build_nonce(struct ike_builder *b, const uint8_t *nonce, size_t len)
{
	if (len < IKE_NONCE_MIN_LEN || len > IKE_NONCE_MAX_LEN) {
		b->err = true;
		return;
	}
	ike_build_payload(b, IKE_PL_NONCE, false, nonce, len);
}

void ike_build_id(struct ike_builder *b, uint8_t type, const struct ike_id *id)
{
	uint8_t *p;

	if ((type != IKE_PL_IDI && type != IKE_PL_IDR) || !id->len ||
	    id->len > IKE_ID_MAX_LEN) {
		b->err = true;
		return;
	}
	p = payload_start(b, type, false, 4u + id->len);
	if (!p)
		return;
	p[0] = id->type;
	p[1] = p[2] = p[3] = 0;
	memcpy(p + 4, id->data, id->len);
}

void ike_build_auth(struct ike_builder *b, uint8_t method,
		    const uint8_t *data, size_t len)
{
	uint8_t *p = payload_start(b, IKE_PL_AUTH, false, 4 + len);

	if (!p)
		return;
	p[0] = method;
	p[1] = p[2] = p[3] = 0;
	if (len)
		memcpy(p + 4, data, len);
}

void ike_build_notify(struct ike_builder *b, uint8_t proto,
		      const uint8_t *spi, uint8_t spi_size, uint16_t type,
		      const uint8_t *data, size_t len)
{
	uint8_t *p;

	if (spi_size != 0 && spi_size != 4 && spi_size != 8) {
		b->err = true;
		return;
	}
	p = payload_start(b, IKE_PL_NOTIFY, false, 4u + spi_size + len);
	if (!p)
		return;
	p[0] = proto;
	p[1] = spi_size;
	sgw_put_be16(p + 2, (uint16_t)type);
	if (spi_size)
		memcpy(p + 4, spi, spi_size);
	if (len)
		memcpy(p + 4 + spi_size, data, len);
}

void ike_build_delete(struct ike_builder *b, uint8_t proto, uint8_t spi_size,
		      const uint8_t *spis, uint16_t n_spi)
{
	size_t len = (size_t)spi_size * n_spi;
	uint8_t *p = payload_start(b, IKE_PL_DELETE, false, 4 + len);

	if (!p)
		return;
	p[0] = proto;
	p[1] = spi_size;
	sgw_put_be16(p + 2, (uint16_t)n_spi);
	if (len)
		memcpy(p + 4, spis, len);
}

void ike_build_vendor(struct ike_builder *b, const uint8_t *data, size_t len)
{
	ike_build_payload(b, IKE_PL_VENDOR, false, data, len);
}

void ike_build_ts(struct ike_builder *b, uint8_t type,
		  const struct ike_ts *ts, size_t n)
{
	size_t len = 4, off = 4;
	uint8_t *p;

	if ((type != IKE_PL_TSI && type != IKE_PL_TSR) || !n ||
	    n > IKE_MAX_TS) {
		b->err = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (ts[i].type != IKE_TS_IPV4_ADDR_RANGE &&
		    ts[i].type != IKE_TS_IPV6_ADDR_RANGE) {
			b->err = true;
			return;
		}
		len += ts[i].type == IKE_TS_IPV4_ADDR_RANGE ? 16 : 40;
	}
	p = payload_start(b, type, false, len);
	if (!p)
		return;
	p[0] = (uint8_t)n;
	p[1] = p[2] = p[3] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t alen = ts[i].type == IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;
		uint8_t *q = p + off;

		q[0] = ts[i].type;
		q[1] = ts[i].ip_proto;
		sgw_put_be16(q + 2, (uint16_t)8 + 2 * alen);
		sgw_put_be16(q + 4, (uint16_t)ts[i].start_port);
		sgw_put_be16(q + 6, (uint16_t)ts[i].end_port);
		memcpy(q + 8, ts[i].start_addr, alen);
		memcpy(q + 8 + alen, ts[i].end_addr, alen);
		off += 8 + 2 * alen;
	}
}

void ike_build_cert(struct ike_builder *b, uint8_t type, uint8_t encoding,
		    const uint8_t *data, size_t len)
{
	uint8_t *p;

	if (type != IKE_PL_CERT && type != IKE_PL_CERTREQ) {
		b->err = true;
		return;
	}
	p = payload_start(b, type, false, 1 + len);
	if (!p)
		return;
	p[0] = encoding;
	if (len)
		memcpy(p + 1, data, len);
}
