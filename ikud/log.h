/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ikud logging: syslog or stderr, syslog priorities as levels. One line per
 * event; SA events carry the gateway, the peer and the SPIs. Keys and PSKs
 * are never passed here.
 */
#ifndef IKUD_LOG_H
#define IKUD_LOG_H

#include <stdbool.h>
#include <syslog.h>

void log_setup(bool use_syslog, int level);
void log_set_level(int level);
bool log_enabled(int prio);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	do { if (log_enabled(LOG_DEBUG)) log_msg(LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
