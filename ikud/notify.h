/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ikud's state for its service manager (systemd's Type=notify, see
 * dist/systemd/ikud.service): nothing is sent when ikud was not started
 * by one (no NOTIFY_SOCKET).
 */
#ifndef IKUD_NOTIFY_H
#define IKUD_NOTIFY_H

#include <stddef.h>

/* Sockets open and workers running: ready, with a one-line status. */
void notify_ready(size_t gateways, unsigned int workers);
/* SIGHUP: reading the configuration again; notify_ready() when done. */
void notify_reloading(void);
/* Deleting the SAs before exit. */
void notify_stopping(void);

#endif
