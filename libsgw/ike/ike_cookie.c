// SPDX-License-Identifier: GPL-2.0
/*
 * Stateless IKE_SA_INIT cookies (RFC 7296 §2.6): a versioned secret and an
 * HMAC over what identifies the initiator's first message.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "ike/ike_crypto_int.h"

#define COOKIE_MAC_LEN	(IKE_COOKIE_LEN - 1)

int ike_cookie_secret_new(struct ike_cookie_secret *s, uint8_t version)
{
	s->version = version;
	return ike_random(s->key, sizeof(s->key));
}

int ike_cookie_make(const struct ike_cookie_secret *s, const uint8_t *ni,
		    size_t ni_len, const uint8_t *ip, size_t ip_len,
		    uint64_t spi_i, uint8_t out[IKE_COOKIE_LEN])
{
	uint8_t spi[8], mac[IKE_PRF_MAX_LEN];
	struct ike_chunk in[] = {
		{ ni, ni_len }, { ip, ip_len }, { spi, sizeof(spi) },
	};
	size_t len;

	if (!ni || !ni_len || !ip || (ip_len != 4 && ip_len != 16))
		return -1;
	sgw_put_be64(spi, spi_i);
	if (ike_hmac("SHA256", s->key, sizeof(s->key), in, 3, mac, &len) ||
	    len < COOKIE_MAC_LEN)
		return -1;
	out[0] = s->version;
	memcpy(out + 1, mac, COOKIE_MAC_LEN);
	OPENSSL_cleanse(mac, sizeof(mac));
	return 0;
}

static bool cookie_from(const struct ike_cookie_secret *s, const uint8_t *ni,
			size_t ni_len, const uint8_t *ip, size_t ip_len,
			uint64_t spi_i, const uint8_t *cookie)
{
	uint8_t want[IKE_COOKIE_LEN];
	bool ok;

	if (!s || s->version != cookie[0] ||
	    ike_cookie_make(s, ni, ni_len, ip, ip_len, spi_i, want))
		return false;
	ok = CRYPTO_memcmp(want, cookie, IKE_COOKIE_LEN) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}

bool ike_cookie_check(const struct ike_cookie_secret *cur,
		      const struct ike_cookie_secret *prev,
		      const uint8_t *ni, size_t ni_len, const uint8_t *ip,
		      size_t ip_len, uint64_t spi_i, const uint8_t *cookie,
		      size_t cookie_len)
{
	if (!cookie || cookie_len != IKE_COOKIE_LEN)
		return false;
	return cookie_from(cur, ni, ni_len, ip, ip_len, spi_i, cookie) ||
	       cookie_from(prev, ni, ni_len, ip, ip_len, spi_i, cookie);
}
