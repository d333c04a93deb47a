// SPDX-License-Identifier: GPL-2.0
/*
 * Stateless cookies (RFC 7296 §2.6): above the cookie threshold an
 * IKE_SA_INIT without a valid COOKIE gets one and nothing else is kept.
 * The secret is versioned and replaced every COOKIE_ROTATE_MS; cookies of
 * the previous version stay valid, so a retry in flight is not refused.
 * Compared in constant time (libsgw's ike_cookie_check()).
 */
#include "ikud.h"
#include "log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#define COOKIE_ROTATE_MS	(5 * 60 * 1000)

static pthread_rwlock_t cookie_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct ike_cookie_secret cookie_cur, cookie_prev;
static bool cookie_have_prev;
static _Atomic uint64_t cookie_rotated_ms;

int cookie_init(void)
{
	cookie_rotated_ms = sgw_now_ms();
	return ike_cookie_secret_new(&cookie_cur, 1);
}

/* A new secret once the current one is old; the previous one stays valid. */
static void rotate_if_due(uint64_t now)
{
	struct ike_cookie_secret next;

	if (now - atomic_load(&cookie_rotated_ms) < COOKIE_ROTATE_MS)
		return;
	if (ike_cookie_secret_new(&next, 0)) {
		log_warn("cookie secret not rotated: no random bytes");
		return;
	}
	pthread_rwlock_wrlock(&cookie_lock);
	if (now - atomic_load(&cookie_rotated_ms) >= COOKIE_ROTATE_MS) {
		next.version = (uint8_t)(cookie_cur.version + 1);
		cookie_prev = cookie_cur;
		cookie_have_prev = true;
		cookie_cur = next;
		atomic_store(&cookie_rotated_ms, now);
	}
	pthread_rwlock_unlock(&cookie_lock);
	explicit_bzero(&next, sizeof(next));
}

int cookie_make(const struct ike_msg *m, const struct sockaddr_storage *peer,
		uint8_t out[IKE_COOKIE_LEN])
{
	size_t alen;
	const uint8_t *a = sgw_sockaddr_bytes(peer, &alen);
	int ret;

	rotate_if_due(sgw_now_ms());
	pthread_rwlock_rdlock(&cookie_lock);
	ret = ike_cookie_make(&cookie_cur, m->nonce.data, m->nonce.len, a, alen,
			      m->hdr.spi_i, out);
	pthread_rwlock_unlock(&cookie_lock);
	return ret;
}

bool cookie_valid(const struct ike_msg *m, const struct sockaddr_storage *peer)
{
	const struct ike_notify *n = ike_msg_find_notify(m, IKE_N_COOKIE);
	size_t alen;
	const uint8_t *a = sgw_sockaddr_bytes(peer, &alen);
	bool ok;

	if (!n)
		return false;
	pthread_rwlock_rdlock(&cookie_lock);
	ok = ike_cookie_check(&cookie_cur, cookie_have_prev ? &cookie_prev : NULL,
			      m->nonce.data, m->nonce.len, a, alen, m->hdr.spi_i,
			      n->data, n->data_len);
	pthread_rwlock_unlock(&cookie_lock);
	return ok;
}
