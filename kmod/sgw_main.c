// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: mobile security gateway for LTE/5G backhaul.
 *
 * Module entry points. Each feature lives in its own file and registers
 * from here, in dependency order.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/crypto.h>
#include <linux/init.h>

#include "sgw.h"
#include "sgw_anycast.h"
#include "sgw_engine.h"

static int __init sgw_init(void)
{
	int err;

	/* Namespaces (state, hooks, VRF tracking) before the netlink family,
	 * so that no request finds a namespace without its state.
	 */
	err = sgw_netns_init();
	if (err)
		return err;
	err = sgw_anycast_init();
	if (err)
		goto netns;
	err = sgw_engine_init();
	if (err)
		goto anycast;
	err = sgw_genl_init();
	if (err)
		goto engine;
	pr_info("version " SGW_VERSION " loaded\n");
	return 0;
engine:
	sgw_engine_exit();
anycast:
	sgw_anycast_exit();
netns:
	sgw_netns_exit();
	return err;
}

static void __exit sgw_exit(void)
{
	sgw_genl_exit();
	sgw_engine_exit();
	sgw_anycast_exit();
	sgw_netns_exit();
	pr_info("unloaded\n");
}

module_init(sgw_init);
module_exit(sgw_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(SGW_VERSION);
MODULE_AUTHOR("The sgw developers");
MODULE_ALIAS_GENL_FAMILY(SGW_GENL_NAME);
MODULE_ALIAS_CRYPTO("sgw_engine");
MODULE_DESCRIPTION("Mobile security gateway: SCTP policing, anycast tracking, crypto engines");
