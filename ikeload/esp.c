// SPDX-License-Identifier: GPL-2.0
/*
 * The ESP side of the sample tunnels (--install N): their inbound SPI from
 * the kernel, both ESP SAs and the tunnel's policies through libsgw's
 * xfrm_client, in one batch, so that traffic can cross them. The other
 * tunnels never touch the kernel: their SPIs come from a counter, and
 * their CHILD_SA keys are not even derived.
 *
 * Our SAs and policies carry reqids of our own range (LOAD_REQID_*), apart
 * from ikud's: at start and at exit ikeload removes what is in it.
 */
#include "ikeload.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SPI_KERNEL_MIN	0xc0000000u	/* sample tunnels: from the kernel */
#define SPI_COUNTER_MIN	0x00001000u	/* the others: counted, below it */

static uint32_t next_reqid = LOAD_REQID_MIN;

/*
 * Counted SPIs start at a random point: the responder keys its outbound
 * SAs by our address and SPI, so two ikeload processes sharing source
 * addresses (other ports) must not count the same SPIs.
 */
static uint32_t spi_counter_start(void)
{
	uint8_t r[4];

	if (ike_random(r, sizeof(r)))
		return SPI_COUNTER_MIN;
	return SPI_COUNTER_MIN + sgw_get_be32(r) % (SPI_KERNEL_MIN - SPI_COUNTER_MIN);
}

int esp_open(void)
{
	struct xfrm_owner own = { LOAD_REQID_MIN, LOAD_REQID_MAX };
	struct xfrm_flush_result fr;

	ld->next_spi = spi_counter_start();
	if (!ld->o.install)
		return 0;
	ld->xfrm = xfrm_open(-1, &own);
	if (!ld->xfrm) {
		fprintf(stderr, "ikeload: XFRM netlink: %s\n", strerror(errno));
		return -1;
	}
	if (xfrm_flush_ours(ld->xfrm, &fr)) {
		fprintf(stderr, "ikeload: cannot remove earlier SAs: %s\n", xfrm_errmsg(ld->xfrm));
		return -1;
	}
	return 0;
}

void esp_close(void)
{
	if (!ld->xfrm)
		return;
	xfrm_flush_ours(ld->xfrm, NULL);
	xfrm_close(ld->xfrm);
	ld->xfrm = NULL;
}

uint32_t esp_new_reqid(void)
{
	if (++next_reqid > LOAD_REQID_MAX)
		next_reqid = LOAD_REQID_MIN + 1;
	return next_reqid;
}

uint32_t esp_alloc_spi(struct tunnel *t, uint32_t reqid)
{
	xfrm_address_t src, dst;
	uint32_t spi;
	int family;

	if (!t->sample || !ld->xfrm) {
		spi = ld->next_spi++;
		if (ld->next_spi >= SPI_KERNEL_MIN)
			ld->next_spi = SPI_COUNTER_MIN;
		return spi;
	}
	xfrm_addr_from_sockaddr(&ld->peer, &src, &family);
	xfrm_addr_from_sockaddr(&t->local, &dst, &family);
	if (xfrm_spi_alloc(ld->xfrm, family, &src, &dst, reqid, 0, NULL, SPI_KERNEL_MIN,
			   0xffffffffu, &spi)) {
		log_tunnel(t, "cannot allocate an SPI: %s", xfrm_errmsg(ld->xfrm));
		return 0;
	}
	return spi;
}

int esp_install(struct tunnel *t, struct child *c, const uint8_t *gir, size_t gir_len,
		const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len)
{
	struct xfrm_pol pols[3 * 8 * 8];
	struct xfrm_sel_range l[LOAD_MAX_TS], r[LOAD_MAX_TS];
	struct xfrm_tunnel_ends ends = { .reqid = c->reqid };
	struct ike_child_keys k;
	struct ike_esp_algs algs;
	struct xfrm_sa in, out;
	int family, n = 0, i, failed;

	if (!t->sample || !ld->xfrm)
		return 0;
	if (ike_esp_algs(&c->suite, &algs) ||
	    ike_derive_child_keys(&t->keys, &c->suite, gir, gir_len, ni, ni_len, nr, nr_len, &k))
		return -1;
	/* we initiated the exchange */
	ipsec_esp_pair(&algs, &k, true, c->reqid, &in, &out);
	in.replay_window = 64;
	xfrm_addr_from_sockaddr(&ld->peer, &in.src, &family);
	xfrm_addr_from_sockaddr(&t->local, &in.dst, &family);
	in.family = out.family = family;
	in.spi = c->spi_in;
	out.src = in.dst;
	out.dst = in.src;
	out.spi = c->spi_out;
	if (!c->policies) {
		ends.family = family;
		ends.local = in.dst;
		ends.peer = in.src;
		ipsec_sel_ranges(c->tsi, c->n_tsi, l);
		ipsec_sel_ranges(c->tsr, c->n_tsr, r);
		n = xfrm_tunnel_policies(&ends, l, c->n_tsi, r, c->n_tsr, pols,
					 (int)(sizeof(pols) / sizeof(pols[0])));
		if (n < 0)
			n = 0;
	}
	xfrm_batch_begin(ld->xfrm, NULL, NULL);
	xfrm_sa_add(ld->xfrm, &in, true);
	xfrm_sa_add(ld->xfrm, &out, false);
	for (i = 0; i < n; i++)
		xfrm_policy_add(ld->xfrm, &pols[i], true);
	failed = xfrm_batch_end(ld->xfrm);
	ike_child_keys_wipe(&k);
	explicit_bzero(&in.crypto, sizeof(in.crypto));
	explicit_bzero(&out.crypto, sizeof(out.crypto));
	c->in_kernel = true;
	if (n)
		c->policies = true;
	if (failed) {
		log_tunnel(t, "the kernel refused %d of the ESP SAs and policies: %s", failed,
			   xfrm_errmsg(ld->xfrm));
		cnt.install_failed++;
		return -1;
	}
	cnt.installed++;
	return 0;
}

void esp_remove(struct tunnel *t, struct child *c, bool keep_policies)
{
	struct xfrm_pol pols[3 * 8 * 8];
	struct xfrm_sel_range l[LOAD_MAX_TS], r[LOAD_MAX_TS];
	struct xfrm_tunnel_ends ends = { .reqid = c->reqid };
	struct xfrm_sa_key key;
	int i, n = 0;

	if (!ld->xfrm || !t->sample)
		return;
	if (c->policies && !keep_policies) {
		xfrm_addr_from_sockaddr(&t->local, &ends.local, &ends.family);
		xfrm_addr_from_sockaddr(&ld->peer, &ends.peer, &ends.family);
		ipsec_sel_ranges(c->tsi, c->n_tsi, l);
		ipsec_sel_ranges(c->tsr, c->n_tsr, r);
		n = xfrm_tunnel_policies(&ends, l, c->n_tsi, r, c->n_tsr, pols,
					 (int)(sizeof(pols) / sizeof(pols[0])));
	}
	xfrm_batch_begin(ld->xfrm, NULL, NULL);
	if (c->in_kernel || c->spi_in) {
		memset(&key, 0, sizeof(key));
		key.proto = IPPROTO_ESP;
		xfrm_addr_from_sockaddr(&t->local, &key.dst, &key.family);
		key.spi = c->spi_in;
		xfrm_sa_del(ld->xfrm, &key);
		if (c->spi_out) {
			xfrm_addr_from_sockaddr(&ld->peer, &key.dst, &key.family);
			key.spi = c->spi_out;
			xfrm_sa_del(ld->xfrm, &key);
		}
	}
	for (i = 0; i < n; i++)
		xfrm_policy_del(ld->xfrm, &pols[i]);
	xfrm_batch_end(ld->xfrm);
	c->in_kernel = false;
	if (!keep_policies)
		c->policies = false;
}
