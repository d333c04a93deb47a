// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: inbound ESP steered to the SA's engine.
 *
 * Encryption goes to the engine as an asynchronous crypto request; for
 * decryption the module moves the packet instead (sgw_engine_aead.c says
 * why): an ESP protocol handler of a higher priority than ESP's own and
 * the xfrm interfaces' looks up the SA of each arriving ESP packet (IPv4,
 * IPv6, and IPv4 in UDP behind a NAT) and, when the SA's transform is one
 * of our wrappers placed on an engine, queues the packet on the SA's slot.
 * The slot's work, on the engine's CPU, hands it back to XFRM where it
 * would have gone (xfrm4_rcv, xfrm6_rcv, xfrm4_rcv_encap) with BHs
 * disabled: replay check, decryption, decapsulation and delivery all run
 * there, in the order the packets came. Packets of other SAs, and every
 * packet while the module handles none, go on untouched.
 */

#include <linux/percpu.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/xfrm.h>

#include "sgw_engine.h"

#define SGW_ENGINE_RX_PRIORITY	50	/* before xfrm interfaces (10) and
					 * ESP (0); after vti (100) */

/* Set while the engine hands a packet back: it is not stolen again. */
static DEFINE_PER_CPU(bool, sgw_engine_reinjecting);

static bool sgw_engine_rx_steal(struct sk_buff *skb, u8 family, int encap)
{
	xfrm_address_t *daddr;
	struct xfrm_state *x;
	struct sgw_slot *s;
	__be32 spi, seq;
	bool stolen = false;

	if (__this_cpu_read(sgw_engine_reinjecting) ||
	    xfrm_parse_spi(skb, IPPROTO_ESP, &spi, &seq))
		return false;
	if (family == AF_INET)
		daddr = (xfrm_address_t *)&ip_hdr(skb)->daddr;
	else
		daddr = (xfrm_address_t *)&ipv6_hdr(skb)->daddr;
	x = xfrm_state_lookup(dev_net(skb->dev), skb->mark, daddr, spi,
			      IPPROTO_ESP, family);
	if (!x)
		return false;
	if (x->type && x->data) {
		s = sgw_engine_aead_slot(x->data);
		if (s)
			stolen = sgw_slot_rx_steal(s, skb, family, encap);
	}
	xfrm_state_put(x);
	return stolen;
}

/* On the engine's CPU, BHs disabled. */
void sgw_engine_rx_reinject(struct sk_buff *skb, u8 family, int encap)
{
	__this_cpu_write(sgw_engine_reinjecting, true);
	rcu_read_lock();
	if (family == AF_INET6)
		xfrm6_rcv(skb);
	else if (encap > 0)
		xfrm4_rcv_encap(skb, IPPROTO_ESP, 0, encap);
	else
		xfrm4_rcv(skb);
	rcu_read_unlock();
	__this_cpu_write(sgw_engine_reinjecting, false);
}

/* ESP over IPv4 (the protocol handler): -EINVAL lets the next one have it. */
static int sgw_engine_esp4_rcv(struct sk_buff *skb)
{
	return sgw_engine_rx_steal(skb, AF_INET, 0) ? 0 : -EINVAL;
}

/* ESP in UDP (IPv4, NAT-T) arrives here; plain ESP too, from the other
 * handlers, and is not ours then. */
static int sgw_engine_esp4_input(struct sk_buff *skb, int nexthdr, __be32 spi,
				 int encap_type)
{
	if (encap_type <= 0)
		return -EINVAL;
	return sgw_engine_rx_steal(skb, AF_INET, encap_type) ? 0 : -EINVAL;
}

/* The result of the input of another handler's SA: not ours to see. */
static int sgw_engine_esp_cb(struct sk_buff *skb, int err)
{
	return 1;
}

static int sgw_engine_esp4_err(struct sk_buff *skb, u32 info)
{
	return -ENOENT;
}

static struct xfrm4_protocol sgw_engine_esp4 = {
	.handler	= sgw_engine_esp4_rcv,
	.input_handler	= sgw_engine_esp4_input,
	.cb_handler	= sgw_engine_esp_cb,
	.err_handler	= sgw_engine_esp4_err,
	.priority	= SGW_ENGINE_RX_PRIORITY,
};

static int sgw_engine_esp6_rcv(struct sk_buff *skb)
{
	return sgw_engine_rx_steal(skb, AF_INET6, 0) ? 0 : -EINVAL;
}

static int sgw_engine_esp6_input(struct sk_buff *skb, int nexthdr, __be32 spi,
				 int encap_type)
{
	return -EINVAL;
}

static int sgw_engine_esp6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
			       u8 type, u8 code, int offset, __be32 info)
{
	return -ENOENT;
}

static struct xfrm6_protocol sgw_engine_esp6 = {
	.handler	= sgw_engine_esp6_rcv,
	.input_handler	= sgw_engine_esp6_input,
	.cb_handler	= sgw_engine_esp_cb,
	.err_handler	= sgw_engine_esp6_err,
	.priority	= SGW_ENGINE_RX_PRIORITY,
};

static bool sgw_engine_rx_registered;

/* With the first engine (sgw_engine_nl.c), process context, once. */
int sgw_engine_rx_register(void)
{
	int err;

	err = xfrm4_protocol_register(&sgw_engine_esp4, IPPROTO_ESP);
	if (err)
		return err;
	err = xfrm6_protocol_register(&sgw_engine_esp6, IPPROTO_ESP);
	if (err) {
		xfrm4_protocol_deregister(&sgw_engine_esp4, IPPROTO_ESP);
		return err;
	}
	sgw_engine_rx_registered = true;
	return 0;
}

/* Module unload: the deregistration waits for a grace period. */
void sgw_engine_rx_unregister(void)
{
	if (!sgw_engine_rx_registered)
		return;
	xfrm6_protocol_deregister(&sgw_engine_esp6, IPPROTO_ESP);
	xfrm4_protocol_deregister(&sgw_engine_esp4, IPPROTO_ESP);
	sgw_engine_rx_registered = false;
}
