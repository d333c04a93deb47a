// SPDX-License-Identifier: GPL-2.0
/*
 * ikeload's messages about single tunnels: on stderr with -v, nowhere
 * otherwise (at 100,000 tunnels a line each is the cost to avoid). The
 * process's one loader lives here, the lowest part, which every other uses.
 */
#include "ikeload.h"

#include <stdarg.h>
#include <stdio.h>

struct loader *ld;

void log_tunnel(const struct tunnel *t, const char *fmt, ...)
{
	char a[64];
	va_list ap;

	if (!ld->o.verbose)
		return;
	sgw_sockaddr_format(&t->local, a, sizeof(a));
	fprintf(stderr, "ikeload: tunnel %llu (%s): ",
		(unsigned long long)(ld->o.first + t->idx), a);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
