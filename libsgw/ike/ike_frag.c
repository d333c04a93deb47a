// SPDX-License-Identifier: GPL-2.0
/* Reassembly of IKE fragments with limits (RFC 7383 §2.6); see ike_frag.h. */
#include <stdlib.h>
#include <string.h>

#include "ike/ike_frag.h"

void ike_frag_rx_init(struct ike_frag_rx *r, unsigned int max_frags, size_t max_bytes)
{
	memset(r, 0, sizeof(*r));
	r->max_frags = max_frags && max_frags <= IKE_FRAG_MAX ? max_frags : IKE_FRAG_MAX;
	r->max_bytes = max_bytes;
}

void ike_frag_rx_reset(struct ike_frag_rx *r)
{
	for (unsigned int i = 0; i < IKE_FRAG_MAX; i++) {
		free(r->part[i]);
		r->part[i] = NULL;
		r->part_len[i] = 0;
	}
	r->total = r->have = 0;
	r->bytes = 0;
	r->first = 0;
}

enum ike_frag_result ike_frag_rx_add(struct ike_frag_rx *r, uint32_t mid, bool response,
				     uint16_t num, uint16_t total, uint8_t first,
				     const uint8_t *data, size_t len)
{
	uint8_t *copy;

	if (!num || num > total || total > r->max_frags || len > 0xffff) {
		ike_frag_rx_reset(r);
		return IKE_FRAG_REFUSED;
	}
	if (r->total && (r->mid != mid || r->response != response || total > r->total))
		ike_frag_rx_reset(r);
	if (r->total && (total < r->total || r->part[num - 1]))
		return IKE_FRAG_MORE;
	if (r->bytes + len > r->max_bytes) {
		ike_frag_rx_reset(r);
		return IKE_FRAG_REFUSED;
	}
	copy = malloc(len ? len : 1);
	if (!copy) {
		ike_frag_rx_reset(r);
		return IKE_FRAG_REFUSED;
	}
	memcpy(copy, data, len);
	r->mid = mid;
	r->response = response;
	r->total = total;
	r->part[num - 1] = copy;
	r->part_len[num - 1] = (uint16_t)len;
	r->bytes += len;
	r->have++;
	if (num == 1)
		r->first = first;
	return r->have == r->total ? IKE_FRAG_DONE : IKE_FRAG_MORE;
}

size_t ike_frag_rx_join(struct ike_frag_rx *r, uint8_t *out, size_t cap, uint8_t *first)
{
	size_t off = 0;

	if (!r->total || r->have != r->total || r->bytes > cap) {
		ike_frag_rx_reset(r);
		return 0;
	}
	for (unsigned int i = 0; i < r->total; i++) {
		memcpy(out + off, r->part[i], r->part_len[i]);
		off += r->part_len[i];
	}
	*first = r->first;
	ike_frag_rx_reset(r);
	return off;
}
