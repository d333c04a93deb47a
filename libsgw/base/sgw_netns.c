// SPDX-License-Identifier: GPL-2.0
/*
 * Enter a named network namespace (see sgw_netns.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/sgw_netns.h"

#define SGW_NETNS_RUN_DIR "/run/netns"

int sgw_netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd, ret = 0;

	/* A name, not a path: "-n ../../proc/1/ns/net" must not work. */
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	if (snprintf(path, sizeof(path), "%s/%s", SGW_NETNS_RUN_DIR, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET) < 0)
		ret = -errno;
	close(fd);
	return ret;
}
