// SPDX-License-Identifier: GPL-2.0
/*
 * A gateway's credentials for `auth cert`: our certificate and the chain we
 * send with it, our private key (a file no one else may read), the trust
 * anchors (`ca FILE|DIR [for id PATTERN]`) in one X509_STORE, the CRL
 * files, and the CERTREQ naming the anchors. Loaded with the configuration
 * (start-up, reload), read-only afterwards, so every worker uses them
 * without a lock. pki_verify_peer() is the path and identity check of a
 * peer's certificate; revocation is revocation.c's.
 */
#include "ikud.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "ike/ike_cert.h"

/* The certificates (into certs) or CRLs (into crls) of a file: any number
 * in PEM, or one in DER. 0 if it had at least one. */
static int read_file(const char *file, STACK_OF(X509) *certs, STACK_OF(X509_CRL) *crls)
{
	STACK_OF(X509_INFO) *info;
	BIO *b = BIO_new_file(file, "rb");
	int n = 0;

	if (!b)
		return -1;
	info = PEM_X509_INFO_read_bio(b, NULL, NULL, NULL);
	for (int i = 0; info && i < sk_X509_INFO_num(info); i++) {
		X509_INFO *xi = sk_X509_INFO_value(info, i);

		if (certs && xi->x509 && sk_X509_push(certs, xi->x509)) {
			xi->x509 = NULL;
			n++;
		}
		if (crls && xi->crl && sk_X509_CRL_push(crls, xi->crl)) {
			xi->crl = NULL;
			n++;
		}
	}
	sk_X509_INFO_pop_free(info, X509_INFO_free);
	ERR_clear_error();
	if (!n && BIO_reset(b) == 0) {
		X509 *x = certs ? d2i_X509_bio(b, NULL) : NULL;
		X509_CRL *c = crls ? d2i_X509_CRL_bio(b, NULL) : NULL;

		n = (x && sk_X509_push(certs, x)) + (c && sk_X509_CRL_push(crls, c));
	}
	BIO_free(b);
	return n ? 0 : -1;
}

/* Calls fn for the file, or for every regular file of the directory. */
static int each_file(const char *path, int (*fn)(const char *file, void *arg), void *arg,
		     char *bad, size_t bad_len)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int ret = 0;

	snprintf(bad, bad_len, "%s", path);
	if (stat(path, &st))
		return -1;
	if (!S_ISDIR(st.st_mode))
		return fn(path, arg);
	d = opendir(path);
	if (!d)
		return -1;
	while (!ret && (e = readdir(d))) {
		char file[IKE_CONF_PATH_MAX * 2];

		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
		if (stat(file, &st) || !S_ISREG(st.st_mode))
			continue;
		snprintf(bad, bad_len, "%s", file);
		ret = fn(file, arg);
	}
	closedir(d);
	return ret;
}

static int add_certs(const char *file, void *arg)
{
	return read_file(file, arg, NULL);
}

static int add_crls(const char *file, void *arg)
{
	return read_file(file, NULL, arg);
}

static int pki_err(char *err, size_t len, const char *path, const struct ike_conf_gateway *c,
		   const struct ike_conf_path *p, const char *what, const char *file)
{
	snprintf(err, len, "%s:%d: gateway %s: %s%s%s", path, p->line, c->name, what,
		 file ? " " : "", file ? file : "");
	return -1;
}

/* The private key: ours alone to read (no group or other bits), PEM. */
static EVP_PKEY *read_key(const char *file, char *why, size_t len)
{
	struct stat st;
	EVP_PKEY *k;
	BIO *b;

	if (stat(file, &st)) {
		snprintf(why, len, "key %s: %s", file, strerror(errno));
		return NULL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(why, len, "key %s is accessible by group or others (mode %03o): "
			 "chmod 600 it", file, (unsigned int)(st.st_mode & 0777));
		return NULL;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		snprintf(why, len, "key %s belongs to uid %u, neither root nor ikud's", file,
			 (unsigned int)st.st_uid);
		return NULL;
	}
	b = BIO_new_file(file, "rb");
	k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	ERR_clear_error();
	if (!k)
		snprintf(why, len, "key %s: not a PEM private key (encrypted keys are not "
			 "supported)", file);
	return k;
}

/* Our certificate (the file's first) and the intermediates after it. */
static int load_own(const struct ike_conf_gateway *c, struct pki_gw *p, const char *path,
		    char *err, size_t errlen)
{
	char why[1024];

	p->chain = sk_X509_new_null();
	if (!p->chain || read_file(c->cert.path, p->chain, NULL))
		return pki_err(err, errlen, path, c, &c->cert, "cannot read the certificate",
			       c->cert.path);
	p->cert = sk_X509_shift(p->chain);
	if (ike_cert_check_key(p->cert, why, sizeof(why)))
		return pki_err(err, errlen, path, c, &c->cert, why, c->cert.path);
	p->key = read_key(c->key.path, why, sizeof(why));
	if (!p->key)
		return pki_err(err, errlen, path, c, &c->key, why, NULL);
	if (X509_check_private_key(p->cert, p->key) != 1) {
		ERR_clear_error();
		return pki_err(err, errlen, path, c, &c->key, "key does not match the certificate",
			       c->cert.path);
	}
	if (!ike_id_pattern_is_any(&c->local_id) && !ike_cert_proves_id(p->cert, &c->local_id.id)) {
		char id[300];

		ike_id_to_string(&c->local_id.id, id, sizeof(id));
		snprintf(why, sizeof(why), "local-id %s is not in the certificate", id);
		return pki_err(err, errlen, path, c, &c->cert, why, c->cert.path);
	}
	return 0;
}

/* Every `ca` into the store, remembered with the identities it may prove. */
static int load_anchors(const struct ike_conf_gateway *c, struct pki_gw *p, const char *path,
			char *err, size_t errlen)
{
	char bad[IKE_CONF_PATH_MAX * 2];
	size_t i;
	int k;

	p->store = X509_STORE_new();
	if (!p->store)
		return pki_err(err, errlen, path, c, &c->cas[0].file, "out of memory", NULL);
	for (i = 0; i < c->n_cas; i++) {
		STACK_OF(X509) *certs = sk_X509_new_null();
		struct pki_anchor *na;

		if (!certs || each_file(c->cas[i].file.path, add_certs, certs, bad, sizeof(bad))) {
			sk_X509_pop_free(certs, X509_free);
			return pki_err(err, errlen, path, c, &c->cas[i].file,
				       "cannot read CA certificates from", bad);
		}
		na = realloc(p->anchors, (p->n_anchors + (size_t)sk_X509_num(certs)) * sizeof(*na));
		if (!na) {
			sk_X509_pop_free(certs, X509_free);
			return pki_err(err, errlen, path, c, &c->cas[i].file, "out of memory", NULL);
		}
		p->anchors = na;
		for (k = 0; k < sk_X509_num(certs); k++) {
			X509 *x = sk_X509_value(certs, k);

			X509_STORE_add_cert(p->store, x);	/* takes a reference */
			p->anchors[p->n_anchors].cert = x;
			p->anchors[p->n_anchors++].id = &c->cas[i].id;
		}
		sk_X509_free(certs);	/* the anchors own the certificates now */
	}
	ERR_clear_error();
	return 0;
}

/* CERTREQ data: the SHA-1 key ids of the anchors. */
static int build_certreq(struct pki_gw *p)
{
	size_t i;

	p->certreq = malloc(p->n_anchors * IKE_CERTREQ_HASH_LEN);
	if (!p->certreq)
		return -1;
	for (i = 0; i < p->n_anchors; i++)
		if (ike_cert_keyid(p->anchors[i].cert, p->certreq + i * IKE_CERTREQ_HASH_LEN))
			return -1;
	p->certreq_len = p->n_anchors * IKE_CERTREQ_HASH_LEN;
	return 0;
}

int pki_gw_load(const struct ike_conf_gateway *c, const char *path, struct pki_gw **out,
		char *err, size_t errlen)
{
	struct pki_gw *p = calloc(1, sizeof(*p));
	char bad[IKE_CONF_PATH_MAX * 2];
	size_t i;

	*out = NULL;
	if (!p)
		return pki_err(err, errlen, path, c, &c->cert, "out of memory", NULL);
	if (load_own(c, p, path, err, errlen) || load_anchors(c, p, path, err, errlen))
		goto fail;
	p->crls = sk_X509_CRL_new_null();
	for (i = 0; p->crls && i < c->n_crls; i++)
		if (each_file(c->crls[i].path, add_crls, p->crls, bad, sizeof(bad))) {
			pki_err(err, errlen, path, c, &c->crls[i], "cannot read CRLs from", bad);
			goto fail;
		}
	if (!p->crls || build_certreq(p)) {
		pki_err(err, errlen, path, c, &c->cert, "out of memory", NULL);
		goto fail;
	}
	*out = p;
	return 0;
fail:
	pki_gw_free(p);
	return -1;
}

void pki_gw_free(struct pki_gw *p)
{
	size_t i;

	if (!p)
		return;
	X509_free(p->cert);
	sk_X509_pop_free(p->chain, X509_free);
	EVP_PKEY_free(p->key);
	X509_STORE_free(p->store);
	for (i = 0; i < p->n_anchors; i++)
		X509_free(p->anchors[i].cert);
	free(p->anchors);
	sk_X509_CRL_pop_free(p->crls, X509_CRL_free);
	free(p->certreq);
	free(p);
}

/* The anchor a verified chain ends at. */
static const struct pki_anchor *anchor_of(const struct pki_gw *p, STACK_OF(X509) *chain)
{
	X509 *top = sk_X509_value(chain, sk_X509_num(chain) - 1);
	size_t i;

	for (i = 0; top && i < p->n_anchors; i++)
		if (!X509_cmp(top, p->anchors[i].cert))
			return &p->anchors[i];
	return NULL;
}

int pki_verify_peer(const struct pki_gw *p, X509 *leaf, STACK_OF(X509) *untrusted,
		    const struct ike_id *id, STACK_OF(X509) **chain, char *why, size_t len)
{
	struct ike_cert_result r;
	const struct pki_anchor *a;
	char idtext[300];

	*chain = NULL;
	if (ike_cert_check_key(leaf, why, len))
		return -1;
	if (!ike_cert_proves_id(leaf, id)) {
		ike_id_to_string(id, idtext, sizeof(idtext));
		snprintf(why, len, "identity %s is not in the certificate", idtext);
		return -1;
	}
	if (ike_cert_verify(p->store, leaf, untrusted, 0, &r)) {
		snprintf(why, len, "certificate not accepted: %s", r.why);
		return -1;
	}
	a = anchor_of(p, r.chain);
	if (!a || !ike_id_match(a->id, id)) {
		ike_id_to_string(id, idtext, sizeof(idtext));
		snprintf(why, len, "the CA of the certificate may not vouch for %s", idtext);
		sk_X509_pop_free(r.chain, X509_free);
		return -1;
	}
	*chain = r.chain;
	return 0;
}
