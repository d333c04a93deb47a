// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink client: interface addresses (see rtnl_addr.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "netlink/rtnl_addr.h"

static int addr_request(struct nlconn *c, uint16_t type, uint16_t flags,
			int ifindex, const struct sgw_prefix *addr)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlconn_msgbuf(c));
	size_t alen = sgw_addr_len(addr->family);
	struct ifaddrmsg *ifa;

	if (!alen || ifindex <= 0)
		return nlconn_set_error(c, EINVAL, "not an address or a device");
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = addr->family;
	ifa->ifa_prefixlen = addr->len;
	ifa->ifa_index = (unsigned int)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, alen, addr->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, addr->addr);
	if (addr->family == AF_INET6 && type == RTM_NEWADDR)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return nlconn_request(c, nlh, NULL, NULL);
}

int rtnl_addr_add(struct nlconn *c, int ifindex, const struct sgw_prefix *addr)
{
	return addr_request(c, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, addr);
}

int rtnl_addr_del(struct nlconn *c, int ifindex, const struct sgw_prefix *addr)
{
	return addr_request(c, RTM_DELADDR, 0, ifindex, addr);
}
