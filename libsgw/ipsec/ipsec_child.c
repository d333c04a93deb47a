// SPDX-License-Identifier: GPL-2.0
/*
 * A CHILD_SA in the kernel's terms (ipsec_child.h).
 */
#include <netinet/in.h>
#include <string.h>

#include "ipsec/ipsec_child.h"

unsigned int ipsec_sel_ranges(const struct ike_ts *t, unsigned int n,
			      struct xfrm_sel_range *out)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].family = ike_ts_family(&t[i]);
		memcpy(&out[i].start, t[i].start_addr, ike_ts_addr_len(&t[i]));
		memcpy(&out[i].end, t[i].end_addr, ike_ts_addr_len(&t[i]));
		out[i].proto = t[i].ip_proto;
		out[i].port = t[i].start_port;
	}
	return n;
}

static void esp_sa(struct xfrm_sa *x, const struct ike_esp_algs *a, uint32_t reqid,
		   const uint8_t *enc, uint8_t enc_len, const uint8_t *auth, uint8_t auth_len)
{
	memset(x, 0, sizeof(*x));
	x->proto = IPPROTO_ESP;
	x->reqid = reqid;
	x->esn = a->esn;
	x->crypto.aead = a->aead ? a->encr_name : NULL;
	x->crypto.encr = a->aead ? NULL : a->encr_name;
	x->crypto.auth = a->aead ? NULL : a->auth_name;
	x->crypto.icv_bits = a->icv_bits;
	x->crypto.trunc_bits = a->auth_trunc_bits;
	x->crypto.enc_key = enc;
	x->crypto.enc_key_len = enc_len;
	x->crypto.auth_key = auth_len ? auth : NULL;
	x->crypto.auth_key_len = auth_len;
}

void ipsec_esp_pair(const struct ike_esp_algs *a, const struct ike_child_keys *k,
		    bool we_initiated, uint32_t reqid, struct xfrm_sa *in, struct xfrm_sa *out)
{
	const uint8_t *ei = k->encr_i, *er = k->encr_r, *ai = k->integ_i, *ar = k->integ_r;

	esp_sa(in, a, reqid, we_initiated ? er : ei, k->encr_key_len,
	       we_initiated ? ar : ai, k->integ_key_len);
	esp_sa(out, a, reqid, we_initiated ? ei : er, k->encr_key_len,
	       we_initiated ? ai : ar, k->integ_key_len);
}
