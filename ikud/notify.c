// SPDX-License-Identifier: GPL-2.0
/*
 * Readiness, reload and stop for systemd through libsystemd's sd_notify()
 * (notify.h). sd_notify() returns 0 without NOTIFY_SOCKET; a failure to
 * reach the manager is logged and changes nothing else.
 */
#include "notify.h"
#include "log.h"

#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>

static void notify_result(int r)
{
	if (r < 0)
		log_warn("cannot notify the service manager: %s", strerror(-r));
}

void notify_ready(size_t gateways, unsigned int workers)
{
	notify_result(sd_notifyf(0, "READY=1\nSTATUS=%zu gateways, %u workers",
				 gateways, workers));
}

void notify_reloading(void)
{
	struct timespec now;

	/* systemd 253 and later want the time of the request with it. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	notify_result(sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
				 (unsigned long long)now.tv_sec * 1000000ULL +
				 (unsigned long long)now.tv_nsec / 1000));
}

void notify_stopping(void)
{
	notify_result(sd_notify(0, "STOPPING=1\nSTATUS=deleting every SA"));
}
