/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line words: keyword matching, values, names.
 */
#ifndef SGWCTL_ARGS_H
#define SGWCTL_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sgwctl.h"

/* A walk over the words of a command. */
struct args {
	int argc;
	char **argv;
	int pos;
};

static inline bool args_more(const struct args *a)
{
	return a->pos < a->argc;
}

static inline const char *args_peek(const struct args *a)
{
	return a->pos < a->argc ? a->argv[a->pos] : NULL;
}

static inline const char *args_next(struct args *a)
{
	return a->pos < a->argc ? a->argv[a->pos++] : NULL;
}

bool arg_is(const char *arg, const char *word);
bool arg_is_help(const char *arg);

/* The value after keyword kw; reports "kw needs a value" and returns NULL
 * when there is none. */
const char *args_value(const struct sgwctl *ctl, struct args *a, const char *kw);

/* An object name: 1..len-1 printable characters, no spaces or slashes. */
bool arg_valid_name(const char *s, size_t maxlen);

/* Unsigned decimal within [min, max]. */
bool arg_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v);

/* Split one batch line into words: blanks separate, "..." and '...'
 * quote, # starts a comment. Returns the word count (0: empty line) or
 * -1 with an unterminated quote. *argv is reallocated as needed. */
int args_split_line(char *line, char ***argv, int *cap);

#endif
