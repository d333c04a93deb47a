/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgw_hash: a keyed 64-bit hash of byte strings, for hash-table keys built
 * from what peers send (SPIs, addresses, identities). SipHash-2-4 (through
 * OpenSSL) under a random key chosen when the process starts: a peer cannot
 * compute which keys share a bucket, so it cannot fill one bucket to slow
 * every lookup down (hash flooding). Thread-safe.
 */
#ifndef SGW_HASH_H
#define SGW_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Draw the key and check that SipHash is available: 0, or -1 (the first
 * sgw_hash_bytes() would then abort). Optional: done on first use. */
int sgw_hash_init(void);

/* The hash of seed and data; equal inputs give equal hashes in one process. */
uint64_t sgw_hash_bytes(const void *data, size_t len, uint64_t seed);

#endif
