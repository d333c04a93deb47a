/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reassembly of IKE fragments (RFC 7383 §2.6) with limits: a message of
 * at most max_frags fragments and max_bytes of decrypted content, so that
 * a peer cannot make the receiver hold more than that per IKE SA. The
 * fragments come in decrypted (each SKF payload has its own ICV, checked
 * before this sees it); this only orders and joins them.
 */
#ifndef SGW_IKE_FRAG_H
#define SGW_IKE_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IKE_FRAG_MAX	64	/* hard upper bound of max_frags */

struct ike_frag_rx {
	unsigned int max_frags;
	size_t max_bytes;
	uint32_t mid;			/* message ID of the message */
	bool response;
	uint16_t total, have;		/* 0: nothing held */
	uint8_t first;			/* first inner payload type (fragment 1) */
	size_t bytes;
	uint8_t *part[IKE_FRAG_MAX];	/* by fragment number - 1 */
	uint16_t part_len[IKE_FRAG_MAX];
};

enum ike_frag_result {
	IKE_FRAG_MORE,		/* kept (or a duplicate, ignored): fragments missing */
	IKE_FRAG_DONE,		/* every fragment is there: ike_frag_rx_join() */
	IKE_FRAG_REFUSED,	/* over a limit or out of memory: everything dropped */
};

void ike_frag_rx_init(struct ike_frag_rx *r, unsigned int max_frags, size_t max_bytes);
/*
 * Adds fragment num of total of the message (mid, response). A fragment of
 * another message, or with a larger total (the sender fragmented again,
 * smaller, §2.6.1), starts over; one with a smaller total than held is
 * ignored, as are duplicates.
 */
enum ike_frag_result ike_frag_rx_add(struct ike_frag_rx *r, uint32_t mid, bool response,
				     uint16_t num, uint16_t total, uint8_t first,
				     const uint8_t *data, size_t len);
/* The whole content into out (first payload type in *first); the held
 * fragments are freed. Returns its length, 0 if incomplete or too large. */
size_t ike_frag_rx_join(struct ike_frag_rx *r, uint8_t *out, size_t cap, uint8_t *first);
/* Frees what is held (the limits stay). */
void ike_frag_rx_reset(struct ike_frag_rx *r);

#endif /* SGW_IKE_FRAG_H */
