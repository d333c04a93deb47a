// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl ike: talk to ikud's control socket.
 *
 *   sgwctl [-j] ike [socket PATH] sa show
 *   sgwctl ike [socket PATH] sa terminate { all | id N | peer ADDR |
 *                                           gateway NAME | remote-id ID | spi HEX }
 *   sgwctl ike [socket PATH] sa rekey { ike ID | child SPI_IN }
 *   sgwctl [-j] ike [socket PATH] stats
 *   sgwctl ike [socket PATH] reload
 *
 * The socket is /run/ikud.sock unless given (or $IKUD_SOCKET). ikud renders
 * both forms: JSON with -j, text otherwise (protocol: Documentation/ikud.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "args.h"
#include "sgwctl.h"

#define IKUD_DEFAULT_SOCKET "/run/ikud.sock"

static void ike_usage(FILE *f)
{
	fprintf(f,
		"Usage: sgwctl [-j] ike [socket PATH] sa show\n"
		"       sgwctl ike [socket PATH] sa terminate { all | id N | peer ADDR |\n"
		"                  gateway NAME | remote-id ID | spi HEX }\n"
		"       sgwctl ike [socket PATH] sa rekey { ike ID | child SPI_IN }\n"
		"       sgwctl [-j] ike [socket PATH] stats\n"
		"       sgwctl ike [socket PATH] reload\n");
}

/* Send one request line, copy the answer to stdout. */
static int ike_request(const struct sgwctl *ctl, const char *path, const char *line)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n;
	size_t len = strlen(line);
	bool error = false, first = true;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		sgwctl_error(ctl, "socket path too long: %s", path);
		return SGWCTL_EXIT_USAGE;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		sgwctl_error(ctl, "cannot reach ikud at %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return SGWCTL_EXIT_FAIL;
	}
	if (write(fd, line, len) != (ssize_t)len || write(fd, "\n", 1) != 1) {
		sgwctl_error(ctl, "cannot talk to ikud: %s", strerror(errno));
		close(fd);
		return SGWCTL_EXIT_FAIL;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (first && !strncmp(buf, "{\"error\":", 9))
			error = true;
		first = false;
		fwrite(buf, 1, (size_t)n, error ? stderr : stdout);
	}
	close(fd);
	return error ? SGWCTL_EXIT_FAIL : SGWCTL_EXIT_OK;
}

/* True if W is all digits of BASE (10 or 16), 1 to MAX of them. */
static bool all_digits(const char *w, int base, size_t max)
{
	size_t n = strspn(w, base == 16 ? "0123456789abcdefABCDEF" : "0123456789");

	return n && n <= max && !w[n];
}

/* sa rekey ike ID | child SPI_IN: checked here, so that ikud only ever
 * sees a well-formed request. */
static int ike_rekey(struct sgwctl *ctl, const char *path, struct args *a)
{
	const char *kind = args_next(a), *value = args_next(a);
	char line[64];

	if (!kind || !value || args_more(a) ||
	    (!arg_is(kind, "ike") && !arg_is(kind, "child")))
		return sgwctl_usage_error(ctl, "ike sa rekey: expected 'ike ID' or 'child SPI_IN'");
	if (arg_is(kind, "ike") ? !all_digits(value, 10, 20) :
	    !all_digits(value + (strncmp(value, "0x", 2) ? 0 : 2), 16, 8))
		return sgwctl_usage_error(ctl, "ike sa rekey %s: bad %s '%s'", kind,
					  arg_is(kind, "ike") ? "id (a number from 'sa show')" :
					  "inbound SPI (hex)", value);
	snprintf(line, sizeof(line), "sa rekey %s %s", arg_is(kind, "ike") ? "ike" : "child",
		 value);
	return ike_request(ctl, path, line);
}

static int ike_run(struct sgwctl *ctl, int argc, char **argv)
{
	struct args a = { .argc = argc, .argv = argv };
	const char *path = getenv("IKUD_SOCKET");
	const char *w;
	char line[512];
	size_t o = 0;

	if (!path || !*path)
		path = IKUD_DEFAULT_SOCKET;
	if (args_more(&a) && arg_is(args_peek(&a), "socket")) {
		args_next(&a);
		path = args_value(ctl, &a, "socket");
		if (!path)
			return SGWCTL_EXIT_USAGE;
	}
	w = args_next(&a);
	if (!w)
		return sgwctl_usage_error(ctl, "ike: missing command (try 'sgwctl ike help')");
	if (arg_is(w, "stats") || arg_is(w, "reload")) {
		if (args_more(&a))
			return sgwctl_usage_error(ctl, "ike %s takes no argument", w);
		snprintf(line, sizeof(line), "%s%s", arg_is(w, "stats") ? "stats" : "reload",
			 ctl->json || arg_is(w, "reload") ? "" : " text");
		return ike_request(ctl, path, line);
	}
	if (!arg_is(w, "sa"))
		return sgwctl_usage_error(ctl, "ike: unknown command '%s'", w);
	w = args_next(&a);
	if (w && arg_is(w, "show")) {
		if (args_more(&a))
			return sgwctl_usage_error(ctl, "ike sa show takes no argument");
		return ike_request(ctl, path, ctl->json ? "sa show" : "sa show text");
	}
	if (w && arg_is(w, "rekey"))
		return ike_rekey(ctl, path, &a);
	if (!w || !arg_is(w, "terminate"))
		return sgwctl_usage_error(ctl, "ike sa: expected 'show', 'terminate' or 'rekey'");
	o = (size_t)snprintf(line, sizeof(line), "sa terminate");
	if (!args_more(&a))
		return sgwctl_usage_error(ctl, "ike sa terminate: what? (all, id N, peer ADDR, ...)");
	while (args_more(&a)) {
		w = args_next(&a);
		if (strpbrk(w, " \t\r\n") || o + strlen(w) + 2 > sizeof(line))
			return sgwctl_usage_error(ctl, "ike sa terminate: bad argument '%s'", w);
		o += (size_t)snprintf(line + o, sizeof(line) - o, " %s", w);
	}
	return ike_request(ctl, path, line);
}

const struct sgwctl_object sgwctl_ike = {
	.name = "ike",
	.summary = "IKE SAs of ikud: show, terminate, rekey, stats",
	.run = ike_run,
	.usage = ike_usage,
};
