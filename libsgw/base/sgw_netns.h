/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network namespaces by name, as ip-netns(8) creates them: a bind mount
 * of the namespace file at /run/netns/NAME.
 */
#ifndef SGW_NETNS_H
#define SGW_NETNS_H

/* Move the calling thread into the named netns. 0 or a negative errno
 * (-EINVAL: the name is not a plain file name). */
int sgw_netns_enter(const char *name);

#endif
