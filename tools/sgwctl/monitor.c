// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl monitor: print the module's events as they come.
 */
#include <errno.h>
#include <string.h>

#include "args.h"
#include "output.h"
#include "netlink/sgwc.h"
#include "netlink/sgwc_anycast.h"
#include "netlink/sgwc_engine.h"
#include "sgwctl.h"

static void monitor_usage(FILE *f)
{
	fprintf(f,
		"Usage: sgwctl monitor\n"
		"Prints one line (with -j: one JSON object) per object created,\n"
		"changed or deleted in the network namespace, and per state\n"
		"transition of an anycast group or an engine, and per SA moved\n"
		"between engines, until interrupted.\n");
}

static int print_event(const struct nlmsghdr *nlh, void *data)
{
	struct sgwc_engine_sa sa;
	struct sgwc_anycast group;
	struct sgwc_engine engine;
	bool has_group, has_engine, has_sa;
	struct sgwc_event ev;

	(void)data;
	if (sgwc_event_parse(nlh, &ev) < 0)
		return MNL_CB_OK;	/* not an event, or one from a newer module */
	has_group = sgwc_anycast_event_parse(nlh, &group) == 0;
	has_engine = sgwc_engine_event_parse(nlh, &engine) == 0;
	has_sa = sgwc_engine_event_sa_parse(nlh, &sa) == 0;
	output_begin_object();
	/* text: "created policer NAME vrf ...", as 'show' prints it */
	print_string(PRINT_JSON, "object", NULL, sgwc_obj_type_name(ev.type));
	print_string(PRINT_ANY, "action", NULL, sgwc_event_action_name(ev.action));
	if (ev.has_policer)
		print_policer_config(&ev.policer);
	else if (has_group)
		print_anycast_event(&group);
	else if (has_engine)
		print_engine_event(&engine);
	else if (has_sa)
		print_engine_sa(&sa);
	else if (ev.has_plist)
		print_plist_summary(&ev.plist);
	else
		print_string(PRINT_ANY, "name", sgwc_obj_type_name(ev.type), ev.name);
	output_end();
	return MNL_CB_OK;
}

static int monitor_run(struct sgwctl *ctl, int argc, char **argv)
{
	struct nlconn_err err;
	struct genl *h;
	int ret;

	if (argc > 0)
		return sgwctl_usage_error(ctl, "monitor: unexpected '%s'", argv[0]);
	h = sgwctl_genl(ctl);
	if (!h)
		return SGWCTL_EXIT_FAIL;
	if (sgwc_events_subscribe(h, &err) < 0)
		return sgwctl_request_error(ctl, "monitor", &err, NULL);
	for (;;) {
		ret = genl_recv_events(h, print_event, NULL, &err);
		if (ret == -ENOBUFS || ret == -EINTR) {
			if (ret == -ENOBUFS)
				sgwctl_error(ctl, "monitor: %s", err.msg);
			continue;
		}
		if (ret < 0)
			return sgwctl_request_error(ctl, "monitor", &err, NULL);
	}
}

const struct sgwctl_object sgwctl_monitor = {
	.name = "monitor",
	.summary = "print events (objects created, changed, deleted) as they come",
	.run = monitor_run,
	.usage = monitor_usage,
};
