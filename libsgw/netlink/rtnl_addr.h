/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnl_addr: interface addresses through rtnetlink (RTM_NEWADDR,
 * RTM_DELADDR), on a NETLINK_ROUTE connection of the caller's. sgwctl puts
 * an anycast group's addresses on the group's device with it.
 *
 * An address is a struct sgw_prefix whose host bits are the address's own
 * (192.0.2.1/24: the address 192.0.2.1 on a /24). IPv6 addresses are added
 * without duplicate address detection: the same address lives on several
 * gateways by design.
 *
 * Calls return 0 or a negative errno; nlconn_errmsg() of the connection
 * gives the kernel's extack text.
 */
#ifndef SGW_RTNL_ADDR_H
#define SGW_RTNL_ADDR_H

#include <stdbool.h>

#include "base/sgw_prefix.h"
#include "netlink/nlconn.h"

/* Add addr to the device ifindex; -EEXIST when it is there already. */
int rtnl_addr_add(struct nlconn *c, int ifindex, const struct sgw_prefix *addr);
/* Remove it; -EADDRNOTAVAIL when it is not there. */
int rtnl_addr_del(struct nlconn *c, int ifindex, const struct sgw_prefix *addr);

#endif
