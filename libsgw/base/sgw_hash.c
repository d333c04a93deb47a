// SPDX-License-Identifier: GPL-2.0
/*
 * sgw_hash: SipHash-2-4 under a per-process random key (see sgw_hash.h).
 * Each thread keeps an EVP_MAC context with the key set; a hash restores
 * it (EVP_MAC_init() without a key) instead of fetching and keying anew.
 */
#include "base/sgw_hash.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#define SIPHASH_KEY_LEN 16

static pthread_once_t hash_once = PTHREAD_ONCE_INIT;
static pthread_key_t hash_ctx_key;
static EVP_MAC *siphash;
static uint8_t hash_key[SIPHASH_KEY_LEN];
static int hash_ready;		/* 1 ready, -1 failed */

static void free_ctx(void *ctx)
{
	EVP_MAC_CTX_free(ctx);
}

static int draw_key(void)
{
	if (RAND_bytes(hash_key, sizeof(hash_key)) == 1)
		return 0;
	return getrandom(hash_key, sizeof(hash_key), 0) == (ssize_t)sizeof(hash_key) ? 0 : -1;
}

static void setup(void)
{
	hash_ready = -1;
	if (draw_key() || pthread_key_create(&hash_ctx_key, free_ctx))
		return;
	siphash = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
	if (siphash)
		hash_ready = 1;
}

int sgw_hash_init(void)
{
	pthread_once(&hash_once, setup);
	return hash_ready == 1 ? 0 : -1;
}

/* This thread's keyed context, created on its first hash. */
static EVP_MAC_CTX *thread_ctx(void)
{
	EVP_MAC_CTX *ctx;
	size_t size = sizeof(uint64_t);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size),
		OSSL_PARAM_END,
	};

	if (sgw_hash_init())
		return NULL;
	ctx = pthread_getspecific(hash_ctx_key);
	if (ctx)
		return ctx;
	ctx = EVP_MAC_CTX_new(siphash);
	if (!ctx || !EVP_MAC_init(ctx, hash_key, sizeof(hash_key), params) ||
	    pthread_setspecific(hash_ctx_key, ctx)) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

uint64_t sgw_hash_bytes(const void *data, size_t len, uint64_t seed)
{
	EVP_MAC_CTX *ctx = thread_ctx();
	uint8_t out[sizeof(uint64_t)];
	uint64_t h;
	size_t n;

	/* Without a keyed hash, tables would be open to flooding: never run so. */
	if (!ctx || !EVP_MAC_init(ctx, NULL, 0, NULL) ||
	    !EVP_MAC_update(ctx, (const unsigned char *)&seed, sizeof(seed)) ||
	    !EVP_MAC_update(ctx, data, len) || !EVP_MAC_final(ctx, out, &n, sizeof(out)) ||
	    n != sizeof(out)) {
		fprintf(stderr, "sgw_hash: SipHash unavailable\n");
		abort();
	}
	memcpy(&h, out, sizeof(h));
	return h;
}
