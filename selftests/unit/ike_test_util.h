/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the test_ike_*.c unit tests (header only). */
#ifndef SGW_IKE_TEST_UTIL_H
#define SGW_IKE_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Decodes hex (spaces ignored) into out; returns the byte count. */
static inline size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v;

		if (*hex == ' ')
			continue;
		if (*hex >= '0' && *hex <= '9')
			v = *hex - '0';
		else if (*hex >= 'a' && *hex <= 'f')
			v = *hex - 'a' + 10;
		else if (*hex >= 'A' && *hex <= 'F')
			v = *hex - 'A' + 10;
		else
			return (size_t)-1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= cap)
			return (size_t)-1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? n : (size_t)-1;
}

#endif /* SGW_IKE_TEST_UTIL_H */
