/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client side of ikud's control socket, for sgwctl ike.
 */
#ifndef SGWCTL_IKUD_CLIENT_H
#define SGWCTL_IKUD_CLIENT_H

#include <json-c/json.h>

#include "sgwctl.h"

/* $IKUD_SOCKET, or ikud's default (SGW_CTLSOCK_DEFAULT). */
const char *ikud_default_socket(void);

/* {"command": COMMAND}; fields are added with ikud_request_add(). */
struct json_object *ikud_request(const char *command);
/* A string field of the request. */
void ikud_request_add(struct json_object *req, const char *key, const char *value);

/*
 * Send REQ (released here) to the ikud listening at PATH, and parse its
 * answer into *answer (the caller releases it). A failure, or an error
 * of ikud, is reported as "WHAT: message" and *answer is NULL. Returns an
 * exit status.
 */
int ikud_call(const struct sgwctl *ctl, const char *path, const char *what,
	      struct json_object *req, struct json_object **answer);

#endif
