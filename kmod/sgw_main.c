// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: mobile security gateway for LTE/5G backhaul.
 *
 * Module entry points. Each feature lives in its own file and registers
 * from here, in dependency order.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>

#define SGW_VERSION "0.1.0"

static int __init sgw_init(void)
{
	pr_info("version " SGW_VERSION " loaded\n");
	return 0;
}

static void __exit sgw_exit(void)
{
	pr_info("unloaded\n");
}

module_init(sgw_init);
module_exit(sgw_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(SGW_VERSION);
MODULE_AUTHOR("The sgw developers");
MODULE_DESCRIPTION("Mobile security gateway: SCTP policing, anycast tracking, crypto engines");
