/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rates and sizes as operators write them, in the units of tc(8):
 * rates in bits per second ("64kbit", "10mbit", "1gbit", "1.5mbit",
 * "100kbps" = 100 kilobytes/s), sizes in bytes ("1500", "15k", "1m",
 * "2kb", "4G", "1t"; k = 1024, letters in either case), times in
 * milliseconds with a unit that is required ("300ms", "30s", "1.5s"). sgwctl and
 * ikud.conf share these parsers. Parsing is strict: no sign, no trailing garbage, no
 * overflow, no zero unless allowed by the caller.
 */
#ifndef SGW_UNITS_H
#define SGW_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Parse a rate; on success store bits/s in *bps and return 0, else -EINVAL
 * (malformed or unknown unit) or -ERANGE (does not fit in 64 bits). */
int sgw_parse_rate(const char *s, uint64_t *bps);

/* Parse a size; on success store bytes in *bytes and return 0, else -EINVAL
 * or -ERANGE. */
int sgw_parse_size(const char *s, uint64_t *bytes);

/* Parse a time with its unit (ms or s) into milliseconds; -EINVAL (no
 * unit, unknown unit, fraction of a millisecond) or -ERANGE. */
int sgw_parse_time_ms(const char *s, uint64_t *ms);

/* Format bits/s as the shortest exact form ("10mbit", "64kbit", "1500bit");
 * falls back to decimals ("1.5mbit") when no unit divides evenly. */
void sgw_format_rate(uint64_t bps, char *buf, size_t len);

/* Format bytes as the shortest exact form ("15k", "1m", "1500"). */
void sgw_format_size(uint64_t bytes, char *buf, size_t len);

/* Format milliseconds: "30s" when whole seconds, else "300ms". */
void sgw_format_time_ms(uint64_t ms, char *buf, size_t len);

#endif /* SGW_UNITS_H */
