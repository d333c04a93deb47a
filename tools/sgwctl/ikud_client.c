// SPDX-License-Identifier: GPL-2.0
/*
 * The client side of ikud's control socket (protocol in
 * Documentation/ikud.md): one JSON request out, one JSON answer in, both
 * through json-c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/sgw_ctlsock.h"
#include "ikud_client.h"

#define IKUD_ANSWER_TIMEOUT_S 30	/* of silence from ikud */

static int ikud_connect(const struct sgwctl *ctl, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = IKUD_ANSWER_TIMEOUT_S };
	int fd;

	/* ike.c refuses a path too long for sun_path */
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		sgwctl_error(ctl, "cannot reach ikud at %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

static int ikud_send(int fd, struct json_object *req)
{
	const char *text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	size_t len = text ? strlen(text) : 0, off = 0;

	if (!text)
		return -ENOMEM;
	while (off < len) {
		ssize_t n = send(fd, text + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		off += (size_t)n;
	}
	shutdown(fd, SHUT_WR);	/* the whole request is there */
	return 0;
}

/* Read and parse the answer as it arrives; NULL with the reason in err. */
static struct json_object *ikud_receive(int fd, char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *answer = NULL;
	enum json_tokener_error jerr = json_tokener_continue;
	char buf[65536];
	size_t got = 0;

	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	while (jerr == json_tokener_continue) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			snprintf(err, errlen, "%s", got ? "ikud's answer ends early" :
				 "ikud closed the connection without answering");
			break;
		}
		if (n < 0) {
			snprintf(err, errlen, "%s", errno == EAGAIN ?
				 "ikud did not answer in time" : strerror(errno));
			break;
		}
		got += (size_t)n;
		answer = json_tokener_parse_ex(tok, buf, (int)n);
		jerr = json_tokener_get_error(tok);
		if (jerr != json_tokener_continue && jerr != json_tokener_success)
			snprintf(err, errlen, "malformed answer from ikud: %s",
				 json_tokener_error_desc(jerr));
	}
	json_tokener_free(tok);
	if (answer && !json_object_is_type(answer, json_type_object)) {
		snprintf(err, errlen, "malformed answer from ikud: not an object");
		json_object_put(answer);
		answer = NULL;
	}
	return answer;
}

int ikud_call(const struct sgwctl *ctl, const char *path, const char *what,
	      struct json_object *req, struct json_object **answer)
{
	struct json_object *e;
	char err[256];
	int fd = ikud_connect(ctl, path), ret;

	*answer = NULL;
	if (fd < 0) {
		json_object_put(req);
		return SGWCTL_EXIT_FAIL;
	}
	ret = ikud_send(fd, req);
	json_object_put(req);
	if (ret) {
		sgwctl_error(ctl, "cannot talk to ikud: %s", strerror(-ret));
		close(fd);
		return SGWCTL_EXIT_FAIL;
	}
	*answer = ikud_receive(fd, err, sizeof(err));
	close(fd);
	if (!*answer) {
		sgwctl_error(ctl, "%s: %s", what, err);
		return SGWCTL_EXIT_FAIL;
	}
	if (json_object_object_get_ex(*answer, "error", &e)) {
		sgwctl_error(ctl, "%s: %s", what, json_object_get_string(e));
		json_object_put(*answer);
		*answer = NULL;
		return SGWCTL_EXIT_FAIL;
	}
	return SGWCTL_EXIT_OK;
}

const char *ikud_default_socket(void)
{
	const char *path = getenv("IKUD_SOCKET");

	return path && *path ? path : SGW_CTLSOCK_DEFAULT;
}

struct json_object *ikud_request(const char *command)
{
	struct json_object *req = json_object_new_object();

	if (!req) {
		fprintf(stderr, "sgwctl: out of memory\n");
		exit(SGWCTL_EXIT_FAIL);
	}
	json_object_object_add(req, "command", json_object_new_string(command));
	return req;
}

void ikud_request_add(struct json_object *req, const char *key, const char *value)
{
	json_object_object_add(req, key, json_object_new_string(value));
}
