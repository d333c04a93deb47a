// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line words (see args.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

bool arg_is(const char *arg, const char *word)
{
	return arg && !strcmp(arg, word);
}

bool arg_is_help(const char *arg)
{
	return arg_is(arg, "help") || arg_is(arg, "-h") || arg_is(arg, "--help");
}

const char *args_value(const struct sgwctl *ctl, struct args *a, const char *kw)
{
	const char *v = args_next(a);

	if (!v) {
		sgwctl_error(ctl, "'%s' needs a value", kw);
		return NULL;
	}
	return v;
}

bool arg_valid_name(const char *s, size_t maxlen)
{
	size_t n = strlen(s);
	const char *c;

	if (n == 0 || n >= maxlen)
		return false;
	for (c = s; *c; c++)
		if (!isgraph((unsigned char)*c) || *c == '/')
			return false;
	return true;
}

bool arg_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v)
{
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return false;
	*v = (uint32_t)n;
	return true;
}

static int push_word(char ***argv, int *cap, int n, char *w)
{
	if (n + 1 >= *cap) {
		int ncap = *cap ? *cap * 2 : 32;
		char **v = realloc(*argv, sizeof(*v) * (size_t)ncap);

		if (!v)
			return -1;
		*argv = v;
		*cap = ncap;
	}
	(*argv)[n] = w;
	(*argv)[n + 1] = NULL;
	return 0;
}

int args_split_line(char *line, char ***argv, int *cap)
{
	char *r = line, *w;
	int n = 0;

	for (;;) {
		char *word;

		while (*r && isspace((unsigned char)*r))
			r++;
		if (!*r || *r == '#')
			return n;
		word = w = r;
		while (*r && !isspace((unsigned char)*r)) {
			if (*r == '"' || *r == '\'') {
				char q = *r++;

				while (*r && *r != q)
					*w++ = *r++;
				if (*r != q)
					return -1;
				r++;
			} else {
				*w++ = *r++;
			}
		}
		if (*r)
			r++;
		*w = '\0';
		if (push_word(argv, cap, n++, word) < 0)
			return -1;
	}
}
