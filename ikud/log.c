// SPDX-License-Identifier: GPL-2.0
/* ikud logging (see log.h). */
#include "ikud.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool to_syslog;
static volatile int max_level = LOG_INFO;

static const char *const level_names[] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"
};

void log_setup(bool use_syslog, int level)
{
	to_syslog = use_syslog;
	max_level = level;
	if (use_syslog)
		openlog("ikud", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(int level)
{
	max_level = level;
}

bool log_enabled(int prio)
{
	return prio <= max_level;
}

void log_msg(int prio, const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	int n;

	if (!log_enabled(prio))
		return;
	if (to_syslog) {
		va_start(ap, fmt);
		vsyslog(prio, fmt, ap);
		va_end(ap);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "%02d:%02d:%02d.%03ld ikud[%s] ",
		     tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
		     level_names[prio & 7]);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line: lines of several threads never interleave. */
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

/* "gw s1: peer 192.0.2.7:500 id fqdn:enb1 ike a1b2c3d4e5f60718_i 0102030405060708_r: MESSAGE" */
void log_sa(const struct ike_sa *sa, int prio, const char *fmt, ...)
{
	char peer[64], id[300] = "", msg[600];
	va_list ap;

	if (!log_enabled(prio))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sa->peer_id_set) {
		char tmp[290];

		ike_id_to_string(&sa->peer_id, tmp, sizeof(tmp));
		snprintf(id, sizeof(id), " id %s", tmp);
	}
	log_msg(prio, "gw %s: peer %s%s ike %016llx_i %016llx_r: %s", sa->gw_name,
		sgw_sockaddr_format(&sa->peer, peer, sizeof(peer)), id,
		(unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r, msg);
}
