// SPDX-License-Identifier: GPL-2.0
/*
 * Revocation data for every gateway: CRLs (the gateway's `crl` files and
 * the certificates' distribution points over HTTP) and OCSP answers (RFC
 * 6960, to the gateway's `ocsp` URL or the certificate's AIA responder,
 * with a nonce), in one cache shared by all gateways and workers, fetched
 * by one thread with OpenSSL's HTTP client.
 *
 * A worker never waits for the network: revocation_check() answers from
 * the cache under a short lock; what is missing it queues for the thread
 * and reports REV_PENDING, and the thread posts INBOX_REVOCATION to the
 * waiting SA's worker once the fetch is done (or failed). One fetch serves
 * every SA and gateway that waits for the same URL or certificate, so a
 * region of eNodeBs coming up costs the CA one CRL download per
 * distribution point, not one per tunnel.
 *
 * CRLs are believed only once verified against the issuer of the chain
 * that led to them, and are fetched again before their nextUpdate. OCSP
 * answers are kept until their nextUpdate (OCSP_DEFAULT_TTL without one)
 * and asked again then while a tunnel still uses them. A new CRL or a
 * changed OCSP answer, and every OCSP_DEFAULT_TTL while OCSP is in use,
 * make the workers check their tunnels' certificates again
 * (INBOX_RECHECK): a revoked peer loses its tunnel.
 */
#include "ikud.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "ike/ike_cert.h"

#define FETCH_TIMEOUT_S		5	/* one HTTP request */
#define FETCH_MAX_BYTES		(4u << 20)	/* a CRL or OCSP answer */
#define RETRY_S			30	/* after a failed fetch */
#define CRL_DEFAULT_REFRESH_S	3600	/* a CRL without nextUpdate */
#define OCSP_DEFAULT_TTL	300	/* an OCSP answer without nextUpdate */
#define OCSP_MAX_ENTRIES	65536
#define OCSP_UNUSED_S		(2 * OCSP_DEFAULT_TTL)	/* not asked for: forgotten */
#define OCSP_BUCKETS		4096

struct rev_waiter {
	struct rev_waiter *next;
	unsigned int shard;
	uint64_t spi;
};

/* What every cache entry has: what to fetch, when, and who waits. */
struct rev_fetch {
	char url[IKE_CONF_PATH_MAX];
	X509 *issuer;			/* the CRL's or the certificate's issuer */
	STACK_OF(X509) *chain;		/* OCSP: the leaf's chain, to check the answer */
	time_t refresh_at;		/* fetch (again) then; 0: now */
	time_t retry_at;		/* after a failure: not before */
	bool queued, busy;
	struct rev_waiter *waiters;
};

struct crl_entry {
	struct crl_entry *next;
	struct rev_fetch f;
	X509_CRL *crl;			/* verified against f.issuer; NULL: none yet */
};

struct ocsp_entry {
	struct ocsp_entry *next;	/* in its bucket */
	struct rev_fetch f;
	OCSP_CERTID *id;
	int status;			/* V_OCSP_CERTSTATUS_*, -1: none yet */
	time_t valid_until;
	time_t used;			/* last asked for */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool running, stop;
	struct daemon *d;
	struct crl_entry *crls;
	struct ocsp_entry *ocsp[OCSP_BUCKETS];
	unsigned int n_ocsp;
	time_t next_recheck;		/* while OCSP answers are in use */
} rv = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

const char *rev_status_name(enum rev_status st)
{
	switch (st) {
	case REV_GOOD: return "good";
	case REV_REVOKED: return "revoked";
	case REV_UNKNOWN: return "unknown";
	case REV_PENDING: return "pending";
	}
	return "?";
}

/* --- URLs in certificates ------------------------------------------------------------ */

/* The first http:// distribution point of the certificate's CRL. */
static bool cdp_url(X509 *x, char *url, size_t len)
{
	STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
	bool found = false;

	for (int i = 0; dps && i < sk_DIST_POINT_num(dps) && !found; i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
		GENERAL_NAMES *names = dp->distpoint && dp->distpoint->type == 0 ?
				       dp->distpoint->name.fullname : NULL;

		for (int k = 0; names && k < sk_GENERAL_NAME_num(names) && !found; k++) {
			GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, k);
			const char *u;
			int n;

			if (gn->type != GEN_URI)
				continue;
			u = (const char *)ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier);
			n = ASN1_STRING_length(gn->d.uniformResourceIdentifier);
			if (n > 7 && (size_t)n < len && !strncmp(u, "http://", 7) &&
			    !memchr(u, 0, (size_t)n)) {
				memcpy(url, u, (size_t)n);
				url[n] = 0;
				found = true;
			}
		}
	}
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	return found;
}

/* The gateway's responder, or the first http:// one of the certificate's AIA. */
static bool ocsp_url(const struct gw_rt *gw, X509 *x, char *url, size_t len)
{
	STACK_OF(OPENSSL_STRING) *aia;
	bool found = false;

	if (gw->c->ocsp[0]) {
		snprintf(url, len, "%s", gw->c->ocsp);
		return true;
	}
	aia = X509_get1_ocsp(x);
	for (int i = 0; aia && i < sk_OPENSSL_STRING_num(aia) && !found; i++) {
		const char *u = sk_OPENSSL_STRING_value(aia, i);

		if (!strncmp(u, "http://", 7) && strlen(u) < len) {
			snprintf(url, len, "%s", u);
			found = true;
		}
	}
	X509_email_free(aia);
	return found;
}

/* --- the cache (under rv.lock) --------------------------------------------------------- */

static void fetch_init(struct rev_fetch *f, const char *url, X509 *issuer, STACK_OF(X509) *chain)
{
	snprintf(f->url, sizeof(f->url), "%s", url);
	X509_up_ref(issuer);
	f->issuer = issuer;
	if (chain) {
		f->chain = sk_X509_new_null();
		for (int i = 0; f->chain && i < sk_X509_num(chain); i++) {
			X509_up_ref(sk_X509_value(chain, i));
			sk_X509_push(f->chain, sk_X509_value(chain, i));
		}
	}
}

static void fetch_clear(struct rev_fetch *f)
{
	struct rev_waiter *w;

	X509_free(f->issuer);
	sk_X509_pop_free(f->chain, X509_free);
	while ((w = f->waiters)) {
		f->waiters = w->next;
		free(w);
	}
}

/* Queue a fetch unless one is under way or failed a moment ago; add the SA
 * to its waiters. true if the SA will be told. */
static bool fetch_want(struct rev_fetch *f, struct ike_sa *sa, time_t now)
{
	struct rev_waiter *w;

	if (!f->busy && !f->queued && now < f->retry_at)
		return false;
	f->queued = f->queued || !f->busy;
	if (sa) {
		w = calloc(1, sizeof(*w));
		if (!w)
			return false;
		w->shard = sa->shard->idx;
		w->spi = sa->initiator ? sa->spi_i : sa->spi_r;
		w->next = f->waiters;
		f->waiters = w;
	}
	pthread_cond_signal(&rv.wake);
	return sa != NULL;
}

static struct crl_entry *crl_find(const char *url)
{
	struct crl_entry *e;

	for (e = rv.crls; e; e = e->next)
		if (!strcmp(e->f.url, url))
			return e;
	return NULL;
}

static unsigned int ocsp_bucket(X509 *leaf)
{
	const ASN1_INTEGER *serial = X509_get0_serialNumber(leaf);
	const unsigned char *p = ASN1_STRING_get0_data(serial);
	unsigned int h = 2166136261u;

	for (int i = 0; i < ASN1_STRING_length(serial); i++)
		h = (h ^ p[i]) * 16777619u;
	return h % OCSP_BUCKETS;
}

static struct ocsp_entry *ocsp_find(unsigned int b, const OCSP_CERTID *id, const char *url)
{
	struct ocsp_entry *e;

	for (e = rv.ocsp[b]; e; e = e->next)
		if (!OCSP_id_cmp(e->id, id) && !strcmp(e->f.url, url))
			return e;
	return NULL;
}

/* --- checks ----------------------------------------------------------------------------- */

/* CRLs: the gateway's files and the distribution point's, each believed
 * only if its issuer signed it. */
static enum rev_status crl_status(const struct gw_rt *gw, X509 *leaf, X509 *issuer,
				  struct crl_entry *e, char *why, size_t len)
{
	enum rev_status st = REV_UNKNOWN;
	STACK_OF(X509_CRL) *files = gw->pki->crls;

	for (int i = 0; i < sk_X509_CRL_num(files) && st != REV_REVOKED; i++) {
		X509_CRL *c = sk_X509_CRL_value(files, i);

		if (ike_cert_crl_check(c, issuer))
			continue;
		switch (ike_cert_crl_status(c, leaf, 0)) {
		case IKE_CRL_REVOKED: st = REV_REVOKED; snprintf(why, len, "CRL file"); break;
		case IKE_CRL_GOOD: st = REV_GOOD; snprintf(why, len, "CRL file"); break;
		case IKE_CRL_STALE: break;
		}
	}
	if (st == REV_REVOKED || !e || !e->crl || X509_cmp(e->f.issuer, issuer))
		return st;
	switch (ike_cert_crl_status(e->crl, leaf, 0)) {
	case IKE_CRL_REVOKED:
		snprintf(why, len, "CRL of %s", e->f.url);
		return REV_REVOKED;
	case IKE_CRL_GOOD:
		snprintf(why, len, "CRL of %s", e->f.url);
		return REV_GOOD;
	case IKE_CRL_STALE:
		break;
	}
	return st;
}

static enum rev_status ocsp_status(struct ocsp_entry *e, time_t now, char *why, size_t len)
{
	if (e->status < 0 || now >= e->valid_until)
		return REV_UNKNOWN;
	snprintf(why, len, "OCSP %s", e->f.url);
	if (e->status == V_OCSP_CERTSTATUS_GOOD)
		return REV_GOOD;
	if (e->status == V_OCSP_CERTSTATUS_REVOKED)
		return REV_REVOKED;
	return REV_UNKNOWN;
}

static struct ocsp_entry *ocsp_entry(const char *url, X509 *leaf, X509 *issuer,
				     STACK_OF(X509) *chain)
{
	OCSP_CERTID *id = OCSP_cert_to_id(NULL, leaf, issuer);
	unsigned int b = ocsp_bucket(leaf);
	struct ocsp_entry *e;

	if (!id)
		return NULL;
	e = ocsp_find(b, id, url);
	if (e || rv.n_ocsp >= OCSP_MAX_ENTRIES || !(e = calloc(1, sizeof(*e)))) {
		OCSP_CERTID_free(id);
		return e;
	}
	e->id = id;
	e->status = -1;
	fetch_init(&e->f, url, issuer, chain);
	e->next = rv.ocsp[b];
	rv.ocsp[b] = e;
	rv.n_ocsp++;
	return e;
}

static struct crl_entry *crl_entry(const char *url, X509 *issuer)
{
	struct crl_entry *e = crl_find(url);

	if (e || !(e = calloc(1, sizeof(*e))))
		return e;
	fetch_init(&e->f, url, issuer, NULL);
	e->next = rv.crls;
	rv.crls = e;
	return e;
}

enum rev_status revocation_check(const struct gw_rt *gw, X509 *leaf, STACK_OF(X509) *chain,
				 struct ike_sa *sa, char *why, size_t len)
{
	X509 *issuer = sk_X509_num(chain) > 1 ? sk_X509_value(chain, 1) : NULL;
	char curl[IKE_CONF_PATH_MAX], ourl[IKE_CONF_PATH_MAX];
	bool has_cdp = cdp_url(leaf, curl, sizeof(curl));
	bool has_ocsp = ocsp_url(gw, leaf, ourl, sizeof(ourl));
	struct crl_entry *ce = NULL;
	struct ocsp_entry *oe = NULL;
	time_t now = time(NULL);
	enum rev_status st;
	bool waiting = false;

	snprintf(why, len, "no CRL or OCSP answer");
	if (!issuer)
		return REV_UNKNOWN;
	pthread_mutex_lock(&rv.lock);
	if (has_cdp)
		ce = crl_entry(curl, issuer);
	st = crl_status(gw, leaf, issuer, ce, why, len);
	if (st == REV_REVOKED || st == REV_GOOD)
		goto out;
	if (has_ocsp && rv.running)
		oe = ocsp_entry(ourl, leaf, issuer, chain);
	if (oe) {
		oe->used = now;
		st = ocsp_status(oe, now, why, len);
		if (st != REV_UNKNOWN)
			goto out;
		waiting = fetch_want(&oe->f, sa, now);
	}
	if (ce && rv.running && !waiting)
		waiting = fetch_want(&ce->f, sa, now);
	if (waiting)
		st = REV_PENDING;
	else if (oe || ce)
		snprintf(why, len, "%s%s%s unreachable or without an answer", oe ? oe->f.url : "",
			 oe && ce ? " and " : "", ce ? ce->f.url : "");
out:
	pthread_mutex_unlock(&rv.lock);
	return st;
}

/* --- the fetching thread --------------------------------------------------------------- */

static BIO *http_get(const char *url)
{
	return OSSL_HTTP_get(url, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, 1,
			     FETCH_MAX_BYTES, FETCH_TIMEOUT_S);
}

static time_t asn1_time(const ASN1_TIME *t, time_t dflt)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return dflt;
	return timegm(&tm);
}

/* A CRL from its distribution point, kept only if its issuer signed it. */
static X509_CRL *fetch_crl(const struct rev_fetch *f, char *why, size_t len)
{
	BIO *b = http_get(f->url);
	X509_CRL *c = b ? d2i_X509_CRL_bio(b, NULL) : NULL;

	BIO_free_all(b);
	if (!c)
		snprintf(why, len, "no CRL from %s", f->url);
	else if (ike_cert_crl_check(c, f->issuer)) {
		snprintf(why, len, "CRL from %s not signed by the certificate's issuer", f->url);
		X509_CRL_free(c);
		c = NULL;
	}
	return c;
}

static BIO *ocsp_post(const char *url, OCSP_REQUEST *req)
{
	char *host = NULL, *port = NULL, *path = NULL;
	BIO *body = BIO_new(BIO_s_mem()), *resp = NULL;
	int ssl = 0;

	if (body && i2d_OCSP_REQUEST_bio(body, req) > 0 &&
	    OSSL_HTTP_parse_url(url, &ssl, NULL, &host, &port, NULL, &path, NULL, NULL) && !ssl)
		resp = OSSL_HTTP_transfer(NULL, host, port, path, 0, NULL, NULL, NULL, NULL, NULL,
					  NULL, 0, NULL, "application/ocsp-request", body,
					  "application/ocsp-response", 1, FETCH_MAX_BYTES,
					  FETCH_TIMEOUT_S, 0);
	BIO_free(body);
	OPENSSL_free(host);
	OPENSSL_free(port);
	OPENSSL_free(path);
	return resp;
}

/* The answer must carry our nonce and be signed by the issuer or a
 * responder it delegated to (OCSP_basic_verify with the chain's anchor as
 * the only trusted certificate). */
static int ocsp_verify(OCSP_REQUEST *req, OCSP_BASICRESP *bs, const struct rev_fetch *f,
		       char *why, size_t len)
{
	X509_STORE *store = X509_STORE_new();
	X509 *anchor = sk_X509_value(f->chain, sk_X509_num(f->chain) - 1);
	int ok;

	if (OCSP_check_nonce(req, bs) != 1) {
		snprintf(why, len, "OCSP answer of %s without our nonce", f->url);
		X509_STORE_free(store);
		return -1;
	}
	ok = store && X509_STORE_add_cert(store, anchor) &&
	     OCSP_basic_verify(bs, f->chain, store, 0) == 1;
	X509_STORE_free(store);
	if (!ok)
		snprintf(why, len, "OCSP answer of %s not signed by the issuer or its responder",
			 f->url);
	return ok ? 0 : -1;
}

/* Ask the responder; *status and *until on success. */
static int fetch_ocsp(const struct rev_fetch *f, OCSP_CERTID *id, int *status, time_t *until,
		      char *why, size_t len)
{
	OCSP_REQUEST *req = OCSP_REQUEST_new();
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	ASN1_GENERALIZEDTIME *thisupd, *nextupd;
	int reason, ret = -1;
	BIO *b = NULL;

	snprintf(why, len, "no answer from OCSP responder %s", f->url);
	if (!req || !OCSP_request_add0_id(req, OCSP_CERTID_dup(id)) ||
	    !OCSP_request_add1_nonce(req, NULL, -1))
		goto out;
	b = ocsp_post(f->url, req);
	resp = b ? d2i_OCSP_RESPONSE_bio(b, NULL) : NULL;
	if (!resp)
		goto out;
	if (OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL ||
	    !(bs = OCSP_response_get1_basic(resp))) {
		snprintf(why, len, "OCSP responder %s answered %s", f->url,
			 OCSP_response_status_str(OCSP_response_status(resp)));
		goto out;
	}
	if (ocsp_verify(req, bs, f, why, len))
		goto out;
	if (!OCSP_resp_find_status(bs, id, status, &reason, NULL, &thisupd, &nextupd) ||
	    !OCSP_check_validity(thisupd, nextupd, 300, -1)) {
		snprintf(why, len, "OCSP answer of %s without a current status", f->url);
		goto out;
	}
	*until = asn1_time(nextupd, time(NULL) + OCSP_DEFAULT_TTL);
	ret = 0;
out:
	ERR_clear_error();
	BIO_free_all(b);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	OCSP_REQUEST_free(req);
	return ret;
}

/* Tell the waiting SAs' workers; the list is the caller's now. */
static void notify_waiters(struct rev_waiter *w)
{
	while (w) {
		struct rev_waiter *next = w->next;
		struct inbox_msg *m;

		if (w->shard < rv.d->n_shards && (m = calloc(1, sizeof(*m)))) {
			m->kind = INBOX_REVOCATION;
			m->spi = w->spi;
			inbox_post(rv.d->shards[w->shard], m);
		}
		free(w);
		w = next;
	}
}

void revocation_recheck_all(struct daemon *d)
{
	for (unsigned int i = 0; i < d->n_shards; i++) {
		struct inbox_msg *m = calloc(1, sizeof(*m));

		if (m) {
			m->kind = INBOX_RECHECK;
			inbox_post(d->shards[i], m);
		}
	}
}

/* When a CRL is fetched again: before its nextUpdate, by a tenth of its
 * validity (at most an hour, at least a second). */
static time_t crl_refresh_at(X509_CRL *c, time_t now)
{
	time_t last = asn1_time(X509_CRL_get0_lastUpdate(c), now);
	time_t next = asn1_time(X509_CRL_get0_nextUpdate(c), 0), margin;

	if (!next)
		return now + CRL_DEFAULT_REFRESH_S;
	if (next <= now)	/* the CA has not published a newer one: not hammered */
		return now + RETRY_S;
	margin = (next - last) / 10;
	margin = margin > 3600 ? 3600 : margin < 1 ? 1 : margin;
	return next - margin > now ? next - margin : now + 1;
}

/* Fetch one entry someone waits for (queued), or else, unless queued_only,
 * one due for a refresh; true if there was one. */
static bool run_crl(time_t now, bool queued_only)
{
	struct crl_entry *e;
	struct rev_fetch f = { 0 };
	struct rev_waiter *w;
	X509_CRL *c;
	char why[512];
	bool changed = false;

	for (e = rv.crls; e; e = e->next)
		if (!e->f.busy && (e->f.queued || (!queued_only && e->f.refresh_at &&
						   now >= e->f.refresh_at && now >= e->f.retry_at)))
			break;
	if (!e)
		return false;
	e->f.busy = true;
	e->f.queued = false;
	fetch_init(&f, e->f.url, e->f.issuer, NULL);
	pthread_mutex_unlock(&rv.lock);
	c = fetch_crl(&f, why, sizeof(why));
	pthread_mutex_lock(&rv.lock);
	e->f.busy = false;
	if (c) {
		changed = !e->crl || X509_CRL_match(e->crl, c);
		X509_CRL_free(e->crl);
		e->crl = c;
		e->f.refresh_at = crl_refresh_at(c, time(NULL));
		/* an outdated CRL is not asked for again at once by waiting SAs */
		e->f.retry_at = e->f.refresh_at - time(NULL) >= RETRY_S ? 0 : e->f.refresh_at;
		log_info("revocation: CRL of %s fetched (%d revoked), next fetch in %ld s", f.url,
			 sk_X509_REVOKED_num(X509_CRL_get_REVOKED(c)),
			 (long)(e->f.refresh_at - time(NULL)));
	} else {
		e->f.retry_at = time(NULL) + RETRY_S;
		e->f.refresh_at = e->crl ? e->f.retry_at : 0;
		log_notice("revocation: %s", why);
	}
	w = e->f.waiters;
	e->f.waiters = NULL;
	fetch_clear(&f);
	pthread_mutex_unlock(&rv.lock);
	notify_waiters(w);
	if (changed && e->crl && rv.d)
		revocation_recheck_all(rv.d);
	pthread_mutex_lock(&rv.lock);
	return true;
}

static struct ocsp_entry *ocsp_due(time_t now, bool queued_only)
{
	for (unsigned int b = 0; b < OCSP_BUCKETS; b++) {
		struct ocsp_entry **pp = &rv.ocsp[b], *e;

		while ((e = *pp)) {
			if (!e->f.busy && !e->f.queued && !e->f.waiters &&
			    now - e->used > OCSP_UNUSED_S) {	/* nobody asks any more */
				*pp = e->next;
				fetch_clear(&e->f);
				OCSP_CERTID_free(e->id);
				free(e);
				rv.n_ocsp--;
				continue;
			}
			if (!e->f.busy && (e->f.queued || (!queued_only && e->status >= 0 &&
							   now >= e->valid_until &&
							   now >= e->f.retry_at)))
				return e;
			pp = &e->next;
		}
	}
	return NULL;
}

static bool run_ocsp(time_t now, bool queued_only)
{
	struct ocsp_entry *e = ocsp_due(now, queued_only);
	struct rev_fetch f = { 0 };
	struct rev_waiter *w;
	OCSP_CERTID *id;
	time_t until = 0;
	int status = -1, r;
	char why[512];
	bool changed;

	if (!e)
		return false;
	e->f.busy = true;
	e->f.queued = false;
	fetch_init(&f, e->f.url, e->f.issuer, e->f.chain);
	id = OCSP_CERTID_dup(e->id);
	pthread_mutex_unlock(&rv.lock);
	r = id ? fetch_ocsp(&f, id, &status, &until, why, sizeof(why)) : -1;
	pthread_mutex_lock(&rv.lock);
	e->f.busy = false;
	changed = !r && e->status != status && e->status >= 0;
	if (!r) {
		e->status = status;
		e->valid_until = until;
		e->f.retry_at = 0;
		log_info("revocation: OCSP %s: %s, valid %ld s", f.url, OCSP_cert_status_str(status),
			 (long)(until - time(NULL)));
	} else {
		e->f.retry_at = time(NULL) + RETRY_S;
		e->valid_until = e->status >= 0 ? e->valid_until : 0;
		log_notice("revocation: %s", why);
	}
	w = e->f.waiters;
	e->f.waiters = NULL;
	fetch_clear(&f);
	OCSP_CERTID_free(id);
	pthread_mutex_unlock(&rv.lock);
	notify_waiters(w);
	if (changed && rv.d)
		revocation_recheck_all(rv.d);
	pthread_mutex_lock(&rv.lock);
	return true;
}

/* The earliest time something is due (now + 60 s at the latest). */
static time_t next_due(time_t now)
{
	time_t t = now + 60;
	struct crl_entry *c;

	for (c = rv.crls; c; c = c->next)
		if (c->f.refresh_at && c->f.refresh_at < t)
			t = c->f.refresh_at;
	if (rv.n_ocsp && rv.next_recheck < t)
		t = rv.next_recheck;
	return t;
}

static void *revocation_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&rv.lock);
	while (!rv.stop) {
		time_t now = time(NULL);
		struct timespec until = { 0 };

		/* what an IKE_AUTH waits for goes before refreshes */
		if (run_crl(now, true) || run_ocsp(now, true) || run_crl(now, false) ||
		    run_ocsp(now, false))
			continue;
		if (rv.n_ocsp && now >= rv.next_recheck) {
			/* OCSP answers age: the workers ask again for theirs */
			rv.next_recheck = now + OCSP_DEFAULT_TTL;
			pthread_mutex_unlock(&rv.lock);
			revocation_recheck_all(rv.d);
			pthread_mutex_lock(&rv.lock);
			continue;
		}
		until.tv_sec = next_due(now);
		pthread_cond_timedwait(&rv.wake, &rv.lock, &until);
	}
	pthread_mutex_unlock(&rv.lock);
	return NULL;
}

int revocation_start(struct daemon *d)
{
	pthread_condattr_t a;

	rv.d = d;
	rv.next_recheck = time(NULL) + OCSP_DEFAULT_TTL;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_REALTIME);
	pthread_cond_init(&rv.wake, &a);
	pthread_condattr_destroy(&a);
	if (pthread_create(&rv.thread, NULL, revocation_main, NULL))
		return -1;
	rv.running = true;
	return 0;
}

void revocation_stop(void)
{
	struct crl_entry *c;

	if (!rv.running)
		return;
	pthread_mutex_lock(&rv.lock);
	rv.stop = true;
	pthread_cond_signal(&rv.wake);
	pthread_mutex_unlock(&rv.lock);
	pthread_join(rv.thread, NULL);
	rv.running = false;
	while ((c = rv.crls)) {
		rv.crls = c->next;
		fetch_clear(&c->f);
		X509_CRL_free(c->crl);
		free(c);
	}
	for (unsigned int b = 0; b < OCSP_BUCKETS; b++) {
		struct ocsp_entry *e;

		while ((e = rv.ocsp[b])) {
			rv.ocsp[b] = e->next;
			fetch_clear(&e->f);
			OCSP_CERTID_free(e->id);
			free(e);
		}
	}
	rv.n_ocsp = 0;
}
