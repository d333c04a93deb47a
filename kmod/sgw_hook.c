// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: netfilter hooks of the policer, one set per network namespace.
 *
 * PRE_ROUTING sees traffic to be forwarded (including what an xfrm
 * interface delivers after decryption) and traffic to the gateway itself;
 * LOCAL_OUT sees what the gateway sends. A packet of a VRF passes each of
 * these hooks more than once, with the slave and with the VRF device; only
 * one pass with the VRF device counts (or, outside any VRF, the only
 * pass). Looped-back packets were counted when they left.
 *
 * Everything that is not SCTP leaves after one compare of the protocol.
 *
 * Fragments: while a namespace has policers, nf_defrag reassembles IPv4
 * and IPv6 datagrams just ahead of these hooks (priority -400 against our
 * -399), as connection tracking does, so a policer charges a datagram
 * once, whole, and forwarding sends it on cut as it came. A fragment that
 * still reaches a hook (a socket with IP_NODEFRAG sending fragments it cut
 * itself) is charged by its own bytes to the policer its addresses select,
 * in both families alike; only a first fragment can be an INIT.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/sctp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "sgw.h"

/*
 * The VRF of this pass, or -1 for a pass that does not count.
 *
 * Received: the pass with the VRF device counts, the slave's is skipped.
 * Sent: a VRF runs LOCAL_OUT with the VRF device as out (direct output,
 * or the redirect through the VRF's own dst), then again with the slave:
 * again the pass with the VRF device counts.
 */
static int sgw_hook_vrf(const struct sk_buff *skb,
			const struct nf_hook_state *state)
{
	const struct net_device *dev;

	if (state->hook == NF_INET_LOCAL_OUT) {
		dev = state->out;
	} else {
		dev = state->in;
		if (skb->pkt_type == PACKET_LOOPBACK ||
		    (dev && (dev->flags & IFF_LOOPBACK)))
			return -1;
	}
	if (!dev)
		return 0;
	if (netif_is_l3_master(dev))
		return dev->ifindex;
	if (netif_is_l3_slave(dev))
		return -1;
	return 0;
}

/* Whether the SCTP packet at thoff starts with an INIT chunk. */
static bool sgw_sctp_is_init(const struct sk_buff *skb, unsigned int thoff)
{
	struct sctp_chunkhdr _ch;
	const struct sctp_chunkhdr *ch;

	ch = skb_header_pointer(skb, thoff + sizeof(struct sctphdr),
				sizeof(_ch), &_ch);
	return ch && ch->type == SCTP_CID_INIT;
}

/*
 * The size on the wire of an SCTP packet whose SCTP header is at thoff (a
 * first fragment or a whole datagram). A GSO packet (SCTP hands a device
 * several packets at once, veth passes them on whole) is gso_segs packets,
 * each with its own copy of the IP and SCTP headers.
 */
static void sgw_pkt_size(struct sgw_pkt *pkt, const struct sk_buff *skb,
			 unsigned int thoff)
{
	unsigned int hdrs = thoff - skb_network_offset(skb) +
			    sizeof(struct sctphdr);

	pkt->len = skb->len;
	pkt->segs = 1;
	if (skb_is_gso(skb) && skb_shinfo(skb)->gso_segs > 1) {
		pkt->segs = skb_shinfo(skb)->gso_segs;
		pkt->len += (pkt->segs - 1) * hdrs;
	}
}

static noinline unsigned int sgw_hook_sctp4(struct sk_buff *skb,
					    const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int thoff = skb_network_offset(skb) + ip_hdrlen(skb);
	struct sgw_pkt pkt = { .family = AF_INET, .len = skb->len, .segs = 1 };

	pkt.vrf = sgw_hook_vrf(skb, state);
	if (pkt.vrf < 0)
		return NF_ACCEPT;
	if (!(iph->frag_off & htons(IP_OFFSET))) {
		pkt.init = sgw_sctp_is_init(skb, thoff);
		sgw_pkt_size(&pkt, skb, thoff);
	}
	sgw_key_from_v4(&pkt.dst, iph->daddr);
	sgw_key_from_v4(&pkt.src, iph->saddr);
	return sgw_policer_police(state->net, &pkt);
}

static unsigned int sgw_hook_v4(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	if (likely(ip_hdr(skb)->protocol != IPPROTO_SCTP))
		return NF_ACCEPT;
	return sgw_hook_sctp4(skb, state);
}

static noinline unsigned int sgw_hook_sctp6(struct sk_buff *skb,
					    const struct nf_hook_state *state,
					    unsigned int thoff,
					    unsigned short fragoff)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct sgw_pkt pkt = { .family = AF_INET6, .len = skb->len, .segs = 1 };

	pkt.vrf = sgw_hook_vrf(skb, state);
	if (pkt.vrf < 0)
		return NF_ACCEPT;
	if (!fragoff) {
		pkt.init = sgw_sctp_is_init(skb, thoff);
		sgw_pkt_size(&pkt, skb, thoff);
	}
	sgw_key_from_v6(&pkt.dst, &ip6h->daddr);
	sgw_key_from_v6(&pkt.src, &ip6h->saddr);
	return sgw_policer_police(state->net, &pkt);
}

static unsigned int sgw_hook_v6(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	unsigned int thoff = 0;
	unsigned short fragoff = 0;

	if (likely(nexthdr == IPPROTO_SCTP))
		return sgw_hook_sctp6(skb, state, skb_network_offset(skb) +
				      sizeof(struct ipv6hdr), 0);
	if (likely(!ipv6_ext_hdr(nexthdr) || nexthdr == NEXTHDR_NONE))
		return NF_ACCEPT;
	/* The upper-layer protocol, also of a non-first fragment, which has
	 * no transport header (thoff is then left at 0, and unused).
	 */
	if (ipv6_find_hdr(skb, &thoff, -1, &fragoff, NULL) != IPPROTO_SCTP)
		return NF_ACCEPT;
	return sgw_hook_sctp6(skb, state, thoff, fragoff);
}

static const struct nf_hook_ops sgw_hook_ops[] = {
	{
		.hook		= sgw_hook_v4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_CONNTRACK_DEFRAG + 1,
	},
	{
		.hook		= sgw_hook_v4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP_PRI_CONNTRACK_DEFRAG + 1,
	},
	{
		.hook		= sgw_hook_v6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_CONNTRACK_DEFRAG + 1,
	},
	{
		.hook		= sgw_hook_v6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP6_PRI_CONNTRACK_DEFRAG + 1,
	},
};

int sgw_hook_net_init(struct net *net)
{
	return nf_register_net_hooks(net, sgw_hook_ops,
				     ARRAY_SIZE(sgw_hook_ops));
}

void sgw_hook_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, sgw_hook_ops, ARRAY_SIZE(sgw_hook_ops));
}

/* Reassembly ahead of the hooks, for a namespace that has policers. */
int sgw_hook_defrag_enable(struct net *net)
{
	int err;

	err = nf_defrag_ipv4_enable(net);
	if (err)
		return err;
	err = nf_defrag_ipv6_enable(net);
	if (err)
		nf_defrag_ipv4_disable(net);
	return err;
}

void sgw_hook_defrag_disable(struct net *net)
{
	nf_defrag_ipv6_disable(net);
	nf_defrag_ipv4_disable(net);
}
