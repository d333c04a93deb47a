// SPDX-License-Identifier: GPL-2.0
/*
 * ike_conf: parser of ikud.conf.
 *
 * The syntax is a list of statements, each a line of words ended by ';' or
 * followed by a '{ ... }' block; '#' starts a comment; strings may be
 * quoted with '"'. The top level holds global settings and 'gateway NAME {
 * ... }' blocks. Every error names the file and line.
 */
#include "ike_conf.h"
#include "base/sgw_units.h"
#include "ike/ike_msg.h"
#include "base/sgw_ctlsock.h"
#include "base/sgw_rtproto.h"
#include <linux/sgw.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <syslog.h>

#include <openssl/crypto.h>

#define MAX_WORDS 32
#define MAX_WORD 512

struct parser {
	const char *name;
	const char *p;
	int line;
	char *err;
	size_t errlen;
	bool failed;
};

/* One statement: words, the line it started on, and whether a block follows. */
struct stmt {
	int line;
	int n;
	char w[MAX_WORDS][MAX_WORD];
	bool quoted[MAX_WORDS];
	bool block;
};

static int perr(struct parser *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->failed)
		return -1;
	ps->failed = true;
	n = snprintf(ps->err, ps->errlen, "%s:%d: ", ps->name, line);
	if (n < 0 || (size_t)n >= ps->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static void skip_blank(struct parser *ps)
{
	for (;;) {
		if (*ps->p == '\n') {
			ps->line++;
			ps->p++;
		} else if (isspace((unsigned char)*ps->p)) {
			ps->p++;
		} else if (*ps->p == '#') {
			while (*ps->p && *ps->p != '\n')
				ps->p++;
		} else {
			return;
		}
	}
}

/*
 * Read the next statement. Returns 1 with a statement, 0 at end of input
 * or at a closing '}' (consumed, *closed set), -1 on error.
 */
static int next_stmt(struct parser *ps, struct stmt *st, bool *closed)
{
	*closed = false;
	st->n = 0;
	st->block = false;
	skip_blank(ps);
	st->line = ps->line;
	if (!*ps->p)
		return 0;
	if (*ps->p == '}') {
		ps->p++;
		*closed = true;
		return 0;
	}
	for (;;) {
		char *out;
		size_t len = 0;

		skip_blank(ps);
		if (!*ps->p)
			return perr(ps, ps->line, "missing ';' at end of file");
		if (*ps->p == ';') {
			ps->p++;
			break;
		}
		if (*ps->p == '{') {
			ps->p++;
			st->block = true;
			break;
		}
		if (*ps->p == '}')
			return perr(ps, ps->line, "missing ';' before '}'");
		if (st->n == MAX_WORDS)
			return perr(ps, ps->line, "statement too long");
		out = st->w[st->n];
		st->quoted[st->n] = *ps->p == '"';
		if (*ps->p == '"') {
			ps->p++;
			while (*ps->p && *ps->p != '"' && *ps->p != '\n') {
				if (*ps->p == '\\' && (ps->p[1] == '"' || ps->p[1] == '\\'))
					ps->p++;
				if (len + 1 >= MAX_WORD)
					return perr(ps, ps->line, "string too long");
				out[len++] = *ps->p++;
			}
			if (*ps->p != '"')
				return perr(ps, ps->line, "unterminated string");
			ps->p++;
		} else {
			while (*ps->p && !isspace((unsigned char)*ps->p) &&
			       !strchr(";{}#\"", *ps->p)) {
				if (len + 1 >= MAX_WORD)
					return perr(ps, ps->line, "word too long");
				out[len++] = *ps->p++;
			}
		}
		out[len] = 0;
		st->n++;
	}
	if (st->n == 0)
		return perr(ps, st->line, "empty statement");
	return 1;
}

/* --- values ------------------------------------------------------------- */

static int parse_u32(struct parser *ps, int line, const char *s, uint32_t lo,
		     uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!isdigit((unsigned char)*s))
		return perr(ps, line, "'%s' is not a number", s);
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return perr(ps, line, "'%s' is not a number in [%u, %u]", s, lo, hi);
	*out = (uint32_t)v;
	return 0;
}

/* Durations: plain seconds or with a unit s, m, h, d. */
static int parse_duration(struct parser *ps, int line, const char *s,
			  uint32_t *out)
{
	char *end;
	unsigned long long v, mul = 1;

	errno = 0;
	if (!isdigit((unsigned char)*s))
		return perr(ps, line, "'%s' is not a duration", s);
	v = strtoull(s, &end, 10);
	if (errno)
		return perr(ps, line, "'%s' is not a duration", s);
	if (*end && end[1])
		return perr(ps, line, "'%s' is not a duration (use s, m, h or d)", s);
	switch (*end) {
	case 0: case 's': mul = 1; break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	default:
		return perr(ps, line, "'%s' is not a duration (use s, m, h or d)", s);
	}
	if (v * mul > 365ULL * 86400)
		return perr(ps, line, "duration '%s' is longer than a year", s);
	*out = (uint32_t)(v * mul);
	return 0;
}

static int parse_bytes(struct parser *ps, int line, const char *s,
		       uint64_t *out)
{
	int r = sgw_parse_size(s, out);

	if (r == -ERANGE)
		return perr(ps, line, "byte count '%s' is too large", s);
	if (r)
		return perr(ps, line, "'%s' is not a byte count (use k, M, G or T)", s);
	return 0;
}

static int parse_bool(struct parser *ps, int line, const char *s, bool *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "true"))
		*out = true;
	else if (!strcmp(s, "no") || !strcmp(s, "off") || !strcmp(s, "false"))
		*out = false;
	else
		return perr(ps, line, "'%s' is not yes or no", s);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

const struct ike_conf_psk *ike_conf_find_psk(const struct ike_conf_gateway *gw,
					     const struct ike_id *id)
{
	const struct ike_conf_psk *pattern = NULL, *any = NULL;
	size_t i;

	for (i = 0; i < gw->n_psks; i++) {
		const struct ike_conf_psk *k = &gw->psks[i];

		if (ike_id_pattern_is_any(&k->id)) {
			if (!any)
				any = k;
		} else if (id && ike_id_match(&k->id, id)) {
			if (!k->id.wildcard)
				return k;
			if (!pattern)
				pattern = k;
		}
	}
	return pattern ? pattern : any;
}

const struct ike_conf_peer *ike_conf_find_peer(const struct ike_conf_gateway *gw,
					       const struct ike_id *id)
{
	const struct ike_conf_peer *pattern = NULL;
	size_t i;

	for (i = 0; i < gw->n_peers; i++) {
		const struct ike_conf_peer *r = &gw->peers[i];

		if (!ike_id_match(&r->id, id))
			continue;
		if (!r->id.wildcard && !ike_id_pattern_is_any(&r->id))
			return r;
		if (!pattern)
			pattern = r;
	}
	return pattern;
}

const struct sgw_prefix *ike_conf_claimable(const struct ike_conf_gateway *gw,
					    const struct ike_id *id, size_t *n)
{
	const struct ike_conf_peer *r = id ? ike_conf_find_peer(gw, id) : NULL;

	if (r) {
		*n = r->n_ts;
		return r->ts;
	}
	if (gw->unbound_refuse) {
		*n = 0;
		return NULL;
	}
	*n = gw->n_remote_ts;
	return gw->remote_ts;
}

const struct ike_conf_gateway *ike_conf_gateway_by_name(const struct ike_conf *c,
							const char *name)
{
	size_t i;

	for (i = 0; i < c->n_gateways; i++)
		if (!strcmp(c->gateways[i].name, name))
			return &c->gateways[i];
	return NULL;
}

/* --- proposals ------------------------------------------------------------ */

/*
 * Syntax check of proposal strings "alg-alg-...[,proposal...]" in the
 * strongSwan notation; the crypto suite resolves them. Returns 0, or -1
 * with a message for an unknown token; *legacy set when modp1024 appears.
 */
static const char *const encr_tokens[] = {
	"aes128", "aes192", "aes256", "aes128gcm16", "aes192gcm16",
	"aes256gcm16", "aes128gcm", "aes256gcm", NULL
};
static const char *const other_tokens[] = {
	"sha1", "sha256", "sha384", "sha512", "sha2_256", "sha2_384",
	"sha2_512", "prfsha1", "prfsha256", "prfsha384", "prfsha512",
	"modp2048", "ecp256", "ecp384", "curve25519", "x25519",
	"esn", "noesn", NULL
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

static int check_proposals(struct parser *ps, int line, const char *text,
			   bool *legacy)
{
	char buf[IKE_CONF_PROPOSAL_MAX], *prop, *save1;

	*legacy = false;
	snprintf(buf, sizeof(buf), "%s", text);
	for (prop = strtok_r(buf, ",", &save1); prop;
	     prop = strtok_r(NULL, ",", &save1)) {
		char *tok, *save2;
		bool encr = false;

		for (tok = strtok_r(prop, "-", &save2); tok;
		     tok = strtok_r(NULL, "-", &save2)) {
			if (in_list(encr_tokens, tok))
				encr = true;
			else if (!strcmp(tok, "modp1024"))
				*legacy = true;
			else if (!in_list(other_tokens, tok))
				return perr(ps, line, "unknown algorithm '%s' in proposal", tok);
		}
		if (!encr)
			return perr(ps, line, "proposal without an encryption algorithm");
	}
	return 0;
}

/* --- statements ------------------------------------------------------------ */

static int want_args(struct parser *ps, const struct stmt *st, int min, int max)
{
	if (st->n - 1 < min)
		return perr(ps, st->line, "'%s' needs %s", st->w[0],
			    min == 1 ? "a value" : "more values");
	if (max >= 0 && st->n - 1 > max)
		return perr(ps, st->line, "too many values for '%s'", st->w[0]);
	if (st->block)
		return perr(ps, st->line, "'%s' takes no block", st->w[0]);
	return 0;
}

static void *grow(void *arr, size_t n, size_t size)
{
	return realloc(arr, (n + 1) * size);
}

static int add_prefixes_from(struct parser *ps, const struct stmt *st, int first,
			     struct sgw_prefix **arr, size_t *n)
{
	int i;

	for (i = first; i < st->n; i++) {
		struct sgw_prefix pfx, *na;
		const char *why;

		if (sgw_prefix_parse(st->w[i], SGW_PREFIX_EXACT, &pfx, &why))
			return perr(ps, st->line, "'%s': %s", st->w[i], why);
		na = grow(*arr, *n, sizeof(**arr));
		if (!na)
			return perr(ps, st->line, "out of memory");
		*arr = na;
		(*arr)[(*n)++] = pfx;
	}
	return 0;
}

static int add_prefixes(struct parser *ps, const struct stmt *st,
			struct sgw_prefix **arr, size_t *n)
{
	return add_prefixes_from(ps, st, 1, arr, n);
}

/*
 * The key table one entry longer. It lives in OpenSSL's secure heap when the
 * program set one up (locked, never swapped, ikud does), else in the normal
 * heap; the old copy is wiped, not left behind by realloc.
 */
static struct ike_conf_psk *grow_psks(struct ike_conf_gateway *gw)
{
	size_t cap = gw->psks_cap ? gw->psks_cap * 2 : 4;
	struct ike_conf_psk *na;

	if (gw->n_psks < gw->psks_cap)
		return &gw->psks[gw->n_psks++];
	na = OPENSSL_secure_zalloc(cap * sizeof(*na));
	if (!na)
		na = OPENSSL_zalloc(cap * sizeof(*na));	/* secure heap full */
	if (!na)
		return NULL;
	if (gw->psks) {
		memcpy(na, gw->psks, gw->n_psks * sizeof(*na));
		OPENSSL_secure_clear_free(gw->psks, gw->psks_cap * sizeof(*na));
	}
	gw->psks = na;
	gw->psks_cap = cap;
	return &na[gw->n_psks++];
}

/* psk "secret" [for id ID]; psk 0xHEX [for id ID]; */
static int psk_parse(struct parser *ps, const struct stmt *st,
		     const struct ike_conf_gateway *gw, struct ike_conf_psk *k)
{
	const char *s = st->w[1];
	size_t len = strlen(s), i;

	if (st->n != 2 && !(st->n == 5 && !strcmp(st->w[2], "for") &&
			    !strcmp(st->w[3], "id")))
		return perr(ps, st->line, "usage: psk \"SECRET\" [for id IDENTITY];");
	if (st->block)
		return perr(ps, st->line, "'psk' takes no block");
	if (!st->quoted[1] && !strncmp(s, "0x", 2)) {
		if (len % 2 || len == 2 || (len - 2) / 2 > IKE_CONF_PSK_MAX)
			return perr(ps, st->line, "bad hexadecimal key");
		for (i = 2; i < len; i += 2) {
			int hi = hexval(s[i]), lo = hexval(s[i + 1]);

			if (hi < 0 || lo < 0)
				return perr(ps, st->line, "bad hexadecimal key");
			k->secret[k->len++] = (uint8_t)(hi << 4 | lo);
		}
	} else {
		if (!st->quoted[1])
			return perr(ps, st->line, "quote the key: psk \"...\" (or 0xHEX)");
		if (len > IKE_CONF_PSK_MAX)
			return perr(ps, st->line, "key longer than %d bytes", IKE_CONF_PSK_MAX);
		memcpy(k->secret, s, len);
		k->len = (uint16_t)len;
	}
	/* RFC 7296 §2.15: short keys are brute-forceable from one exchange. */
	if (k->len < 8)
		return perr(ps, st->line, "key shorter than 8 bytes");
	if (st->n == 5 && ike_id_pattern_parse(st->w[4], &k->id, NULL, 0))
		return perr(ps, st->line, "'%s' is not an identity", st->w[4]);
	for (i = 0; i < gw->n_psks; i++)
		if (ike_id_pattern_equal(&gw->psks[i].id, &k->id))
			return perr(ps, st->line, "second key for the same identity");
	return 0;
}

static int gw_psk(struct parser *ps, const struct stmt *st, struct ike_conf_gateway *gw)
{
	struct ike_conf_psk k, *slot;
	int r;

	memset(&k, 0, sizeof(k));
	r = psk_parse(ps, st, gw, &k);
	if (!r) {
		slot = grow_psks(gw);
		if (slot)
			*slot = k;
		else
			r = perr(ps, st->line, "out of memory");
	}
	explicit_bzero(&k, sizeof(k));
	return r;
}

static int gw_dpd(struct parser *ps, const struct stmt *st,
		  struct ike_conf_gateway *gw)
{
	int i;

	if (st->n == 2 && !strcmp(st->w[1], "off")) {
		gw->dpd_interval = 0;
		return 0;
	}
	if (st->n < 3 || st->n % 2 == 0 || st->block)
		return perr(ps, st->line, "usage: dpd interval SECONDS [threshold N]; or dpd off;");
	for (i = 1; i < st->n; i += 2) {
		if (!strcmp(st->w[i], "interval")) {
			if (parse_duration(ps, st->line, st->w[i + 1], &gw->dpd_interval))
				return -1;
			if (!gw->dpd_interval)
				return perr(ps, st->line, "dpd interval must be positive (or 'dpd off')");
		} else if (!strcmp(st->w[i], "threshold")) {
			if (parse_u32(ps, st->line, st->w[i + 1], 1, 100, &gw->dpd_threshold))
				return -1;
		} else {
			return perr(ps, st->line, "unknown dpd option '%s'", st->w[i]);
		}
	}
	return 0;
}

static int gw_lifetime(struct parser *ps, const struct stmt *st,
		       struct ike_conf_gateway *gw)
{
	int i;

	if (st->n < 3 || st->n % 2 == 0 || st->block)
		return perr(ps, st->line, "usage: lifetime [ike T] [child T] [margin T] [child-bytes N];");
	for (i = 1; i < st->n; i += 2) {
		const char *k = st->w[i], *v = st->w[i + 1];
		int r;

		if (!strcmp(k, "ike"))
			r = parse_duration(ps, st->line, v, &gw->ike_lifetime);
		else if (!strcmp(k, "child"))
			r = parse_duration(ps, st->line, v, &gw->child_lifetime);
		else if (!strcmp(k, "margin"))
			r = parse_duration(ps, st->line, v, &gw->rekey_margin);
		else if (!strcmp(k, "child-bytes"))
			r = parse_bytes(ps, st->line, v, &gw->child_bytes);
		else
			r = perr(ps, st->line, "unknown lifetime '%s'", k);
		if (r)
			return -1;
	}
	return 0;
}

/* peer ID remote-ts PREFIX...; */
static int gw_peer(struct parser *ps, const struct stmt *st, struct ike_conf_gateway *gw)
{
	struct ike_conf_peer r = { .line = st->line }, *na;
	size_t i;

	if (st->n < 4 || strcmp(st->w[2], "remote-ts"))
		return perr(ps, st->line, "usage: peer IDENTITY remote-ts PREFIX...;");
	if (ike_id_pattern_parse(st->w[1], &r.id, NULL, 0))
		return perr(ps, st->line, "'%s' is not an identity", st->w[1]);
	for (i = 0; i < gw->n_peers; i++)
		if (ike_id_pattern_equal(&gw->peers[i].id, &r.id))
			return perr(ps, st->line, "second peer line for '%s' (line %d)", st->w[1],
				    gw->peers[i].line);
	na = grow(gw->peers, gw->n_peers, sizeof(*na));
	if (!na)
		return perr(ps, st->line, "out of memory");
	gw->peers = na;
	gw->peers[gw->n_peers++] = r;
	return add_prefixes_from(ps, st, 3, &gw->peers[gw->n_peers - 1].ts,
				 &gw->peers[gw->n_peers - 1].n_ts);
}

/* max-claim /N [/M]; the widest prefix an unbound peer may claim */
static int gw_max_claim(struct parser *ps, const struct stmt *st, struct ike_conf_gateway *gw)
{
	static const uint32_t bits[2] = { 32, 128 };
	int i;

	if (st->n < 2 || st->n > 3)
		return perr(ps, st->line, "usage: max-claim /IPV4LEN [/IPV6LEN];");
	for (i = 1; i < st->n; i++) {
		const char *w = st->w[i];
		unsigned long len;
		char *end;

		len = w[0] == '/' && isdigit((unsigned char)w[1]) ? strtoul(w + 1, &end, 10) : 0;
		if (!len || *end || len > bits[i - 1])
			return perr(ps, st->line, "max-claim: '%s' is not /1../%u", w, bits[i - 1]);
		gw->max_claim[i - 1] = (uint8_t)len;
	}
	return 0;
}

/* peer-limit [tunnels N] [prefixes N]; */
static int gw_peer_limit(struct parser *ps, const struct stmt *st, struct ike_conf_gateway *gw)
{
	int i;

	if (st->n < 3 || st->n % 2 == 0)
		return perr(ps, st->line, "usage: peer-limit [tunnels N] [prefixes N];");
	for (i = 1; i < st->n; i += 2) {
		uint32_t *v = !strcmp(st->w[i], "tunnels") ? &gw->peer_tunnels_max :
			      !strcmp(st->w[i], "prefixes") ? &gw->peer_prefixes_max : NULL;

		if (!v)
			return perr(ps, st->line, "peer-limit: unknown limit '%s'", st->w[i]);
		if (parse_u32(ps, st->line, st->w[i + 1], 1, 65536, v))
			return -1;
	}
	return 0;
}

/* A DSCP by its name (RFC 2474, 2597, 3246) or number; -1 if neither. */
static int parse_dscp(const char *s)
{
	char *end;
	unsigned long v;

	if (!strcasecmp(s, "EF"))
		return 46;
	if ((s[0] == 'C' || s[0] == 'c') && (s[1] == 'S' || s[1] == 's') &&
	    s[2] >= '0' && s[2] <= '7' && !s[3])
		return (s[2] - '0') * 8;
	if ((s[0] == 'A' || s[0] == 'a') && (s[1] == 'F' || s[1] == 'f') &&
	    s[2] >= '1' && s[2] <= '4' && s[3] >= '1' && s[3] <= '3' && !s[4])
		return (s[2] - '0') * 8 + (s[3] - '0') * 2;
	if (!isdigit((unsigned char)s[0]))
		return -1;
	v = strtoul(s, &end, 10);
	return *end || v > 63 ? -1 : (int)v;
}

/* An absolute path of a file or directory (checked when it is loaded). */
static int set_path(struct parser *ps, const struct stmt *st, const char *v,
		    struct ike_conf_path *p)
{
	if (v[0] != '/' || strlen(v) >= sizeof(p->path))
		return perr(ps, st->line, "'%s' is not an absolute path (< %zu bytes)", v,
			    sizeof(p->path));
	strcpy(p->path, v);
	p->line = st->line;
	return 0;
}

/* ca FILE|DIR [for id PATTERN]; as psk's "for id" */
static int gw_ca(struct parser *ps, const struct stmt *st, struct ike_conf_gateway *gw)
{
	struct ike_conf_ca ca, *na;

	memset(&ca, 0, sizeof(ca));
	if ((st->n != 2 && !(st->n == 5 && !strcmp(st->w[2], "for") && !strcmp(st->w[3], "id"))) ||
	    st->block)
		return perr(ps, st->line, "usage: ca FILE|DIR [for id IDENTITY];");
	if (set_path(ps, st, st->w[1], &ca.file))
		return -1;
	if (st->n == 5 && ike_id_pattern_parse(st->w[4], &ca.id, NULL, 0))
		return perr(ps, st->line, "'%s' is not an identity", st->w[4]);
	na = grow(gw->cas, gw->n_cas, sizeof(*na));
	if (!na)
		return perr(ps, st->line, "out of memory");
	gw->cas = na;
	gw->cas[gw->n_cas++] = ca;
	return 0;
}

/* fragmentation yes|no [size N]; */
static int gw_fragmentation(struct parser *ps, const struct stmt *st, struct ike_conf_gateway *gw)
{
	if ((st->n != 2 && !(st->n == 4 && !strcmp(st->w[2], "size"))) || st->block)
		return perr(ps, st->line, "usage: fragmentation yes|no [size BYTES];");
	if (parse_bool(ps, st->line, st->w[1], &gw->fragmentation))
		return -1;
	return st->n == 4 ? parse_u32(ps, st->line, st->w[3], 576, 65535, &gw->fragment_size) : 0;
}

/* anycast NAME; the name of a group of sgw.ko (sgwctl anycast add NAME) */
static int gw_anycast(struct parser *ps, const struct stmt *st,
		      struct ike_conf_gateway *gw)
{
	const char *name = st->w[1];
	size_t len, i;

	if (want_args(ps, st, 1, 1))
		return -1;
	len = strlen(name);
	if (!len || len >= SGW_ANYCAST_NAME_MAX)
		return perr(ps, st->line, "anycast group name '%s': 1 to %d characters",
			    name, SGW_ANYCAST_NAME_MAX - 1);
	for (i = 0; i < len; i++)
		if (!isgraph((unsigned char)name[i]) || strchr("/:%", name[i]))
			return perr(ps, st->line,
				    "anycast group name '%s': no blanks, '/', ':' or '%%'", name);
	memcpy(gw->anycast, name, len + 1);
	return 0;
}

static int gw_stmt(struct parser *ps, const struct stmt *st,
		   struct ike_conf_gateway *gw)
{
	const char *k = st->w[0];

	if (!strcmp(k, "local")) {
		if (st->n != 2 && !(st->n == 4 && !strcmp(st->w[2], "port")))
			return perr(ps, st->line, "usage: local ADDRESS [port N];");
		if (sgw_addr_parse(st->w[1], &gw->local))
			return perr(ps, st->line, "'%s' is not an IP address", st->w[1]);
		if (st->n == 4) {
			uint32_t port;

			if (parse_u32(ps, st->line, st->w[3], 1, 65535, &port))
				return -1;
			gw->port = (uint16_t)port;
		}
		return 0;
	}
	if (!strcmp(k, "vrf")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		if (strlen(st->w[1]) >= IF_NAMESIZE)
			return perr(ps, st->line, "interface name '%s' too long", st->w[1]);
		strcpy(gw->vrf, st->w[1]);
		return 0;
	}
	if (!strcmp(k, "xfrm-interface")) {
		if (st->n != 4 || strcmp(st->w[2], "if_id") || st->block)
			return perr(ps, st->line, "usage: xfrm-interface NAME if_id N;");
		if (strlen(st->w[1]) >= IF_NAMESIZE)
			return perr(ps, st->line, "interface name '%s' too long", st->w[1]);
		strcpy(gw->xfrm_if, st->w[1]);
		return parse_u32(ps, st->line, st->w[3], 1, UINT32_MAX, &gw->if_id);
	}
	if (!strcmp(k, "ike-proposals") || !strcmp(k, "esp-proposals")) {
		char *dst = k[0] == 'i' ? gw->ike_proposals : gw->esp_proposals;
		size_t o = 0;
		int i;

		if (want_args(ps, st, 1, -1))
			return -1;
		*(k[0] == 'i' ? &gw->ike_proposals_line : &gw->esp_proposals_line) = st->line;
		for (i = 1; i < st->n; i++) {
			int n = snprintf(dst + o, IKE_CONF_PROPOSAL_MAX - o, "%s%s",
					 i > 1 ? "," : "", st->w[i]);

			if (n < 0 || (size_t)n >= IKE_CONF_PROPOSAL_MAX - o)
				return perr(ps, st->line, "proposal list too long");
			o += n;
		}
		return 0;
	}
	if (!strcmp(k, "legacy-groups")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		return parse_bool(ps, st->line, st->w[1], &gw->legacy_groups);
	}
	if (!strcmp(k, "auth")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		if (!strcmp(st->w[1], "psk"))
			gw->auth = IKE_CONF_AUTH_PSK;
		else if (!strcmp(st->w[1], "cert"))
			gw->auth = IKE_CONF_AUTH_CERT;
		else
			return perr(ps, st->line, "usage: auth psk|cert;");
		gw->auth_line = st->line;
		return 0;
	}
	if (!strcmp(k, "cert") || !strcmp(k, "key")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		return set_path(ps, st, st->w[1], k[0] == 'c' ? &gw->cert : &gw->key);
	}
	if (!strcmp(k, "ca"))
		return gw_ca(ps, st, gw);
	if (!strcmp(k, "crl")) {
		struct ike_conf_path *na;

		if (want_args(ps, st, 1, 1))
			return -1;
		na = grow(gw->crls, gw->n_crls, sizeof(*na));
		if (!na)
			return perr(ps, st->line, "out of memory");
		gw->crls = na;
		return set_path(ps, st, st->w[1], &gw->crls[gw->n_crls++]);
	}
	if (!strcmp(k, "revocation")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		if (!strcmp(st->w[1], "require"))
			gw->revocation = IKE_CONF_REV_REQUIRE;
		else if (!strcmp(st->w[1], "if-available"))
			gw->revocation = IKE_CONF_REV_IF_AVAILABLE;
		else if (!strcmp(st->w[1], "none"))
			gw->revocation = IKE_CONF_REV_NONE;
		else
			return perr(ps, st->line, "usage: revocation require|if-available|none;");
		return 0;
	}
	if (!strcmp(k, "ocsp")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		if (strncmp(st->w[1], "http://", 7) || strlen(st->w[1]) >= sizeof(gw->ocsp))
			return perr(ps, st->line, "ocsp: '%s' is not an http:// URL", st->w[1]);
		strcpy(gw->ocsp, st->w[1]);
		return 0;
	}
	if (!strcmp(k, "fragmentation"))
		return gw_fragmentation(ps, st, gw);
	if (!strcmp(k, "psk"))
		return gw_psk(ps, st, gw);
	if (!strcmp(k, "peer"))
		return gw_peer(ps, st, gw);
	if (!strcmp(k, "unbound-peers")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		if (strcmp(st->w[1], "allow") && strcmp(st->w[1], "refuse"))
			return perr(ps, st->line, "usage: unbound-peers allow|refuse;");
		gw->unbound_refuse = !strcmp(st->w[1], "refuse");
		return 0;
	}
	if (!strcmp(k, "max-claim"))
		return gw_max_claim(ps, st, gw);
	if (!strcmp(k, "peer-limit"))
		return gw_peer_limit(ps, st, gw);
	if (!strcmp(k, "local-id") || !strcmp(k, "remote-id")) {
		struct ike_id_pattern *id = k[0] == 'l' ? &gw->local_id : &gw->initiate_remote_id;

		if (want_args(ps, st, 1, 1))
			return -1;
		if (ike_id_pattern_parse(st->w[1], id, NULL, 0))
			return perr(ps, st->line, "'%s' is not an identity", st->w[1]);
		if (k[0] == 'l' && (id->wildcard || ike_id_pattern_is_any(id)))
			return perr(ps, st->line, "local-id cannot be a pattern");
		return 0;
	}
	if (!strcmp(k, "dpd"))
		return gw_dpd(ps, st, gw);
	if (!strcmp(k, "remote-ts") || !strcmp(k, "local-ts")) {
		if (want_args(ps, st, 1, -1))
			return -1;
		if (k[0] == 'r')
			return add_prefixes(ps, st, &gw->remote_ts, &gw->n_remote_ts);
		return add_prefixes(ps, st, &gw->local_ts, &gw->n_local_ts);
	}
	if (!strcmp(k, "lifetime"))
		return gw_lifetime(ps, st, gw);
	if (!strcmp(k, "replay-window")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		return parse_u32(ps, st->line, st->w[1], 0, 4096, &gw->replay_window);
	}
	if (!strcmp(k, "tunnel-mtu")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		return parse_u32(ps, st->line, st->w[1], 1280, 65535, &gw->tunnel_mtu);
	}
	if (!strcmp(k, "ike-dscp")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		gw->ike_dscp = parse_dscp(st->w[1]);
		if (gw->ike_dscp < 0)
			return perr(ps, st->line, "'%s' is not a DSCP (CS0..CS7, AF11..AF43, EF, 0..63)",
				    st->w[1]);
		return 0;
	}
	if (!strcmp(k, "route-metric")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		return parse_u32(ps, st->line, st->w[1], 0, UINT32_MAX, &gw->route_metric);
	}
	if (!strcmp(k, "start")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		if (strcmp(st->w[1], "now") && strcmp(st->w[1], "on-traffic"))
			return perr(ps, st->line, "usage: start now|on-traffic;");
		gw->start_on_traffic = !strcmp(st->w[1], "on-traffic");
		return 0;
	}
	if (!strcmp(k, "anycast"))
		return gw_anycast(ps, st, gw);
	if (!strcmp(k, "unknown-spi")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		if (strcmp(st->w[1], "notify") && strcmp(st->w[1], "drop"))
			return perr(ps, st->line, "usage: unknown-spi notify|drop;");
		gw->unknown_spi_notify = !strcmp(st->w[1], "notify");
		return 0;
	}
	if (!strcmp(k, "initiate")) {
		int i;

		if (want_args(ps, st, 1, -1))
			return -1;
		for (i = 1; i < st->n; i++) {
			struct sgw_prefix a, *na;

			if (sgw_addr_parse(st->w[i], &a))
				return perr(ps, st->line, "'%s' is not an IP address", st->w[i]);
			na = grow(gw->initiate, gw->n_initiate, sizeof(*na));
			if (!na)
				return perr(ps, st->line, "out of memory");
			gw->initiate = na;
			gw->initiate[gw->n_initiate++] = a;
		}
		return 0;
	}
	return perr(ps, st->line, "unknown gateway option '%s'", k);
}

static void gw_defaults(struct ike_conf_gateway *gw)
{
	gw->port = 500;
	snprintf(gw->ike_proposals, sizeof(gw->ike_proposals),
		 "aes128gcm16-prfsha256-ecp256,aes256gcm16-prfsha384-ecp384,aes128-sha256-modp2048");
	snprintf(gw->esp_proposals, sizeof(gw->esp_proposals),
		 "aes128gcm16-ecp256,aes256gcm16-ecp384,aes128-sha256-modp2048");
	gw->dpd_interval = 0;
	gw->dpd_threshold = 5;
	gw->ike_lifetime = 86400;
	gw->child_lifetime = 3600;
	gw->rekey_margin = 0;		/* 0: 10% of the lifetime */
	gw->route_metric = SGW_RRI_METRIC_DEFAULT;
	gw->replay_window = 64;
	gw->ike_dscp = -1;
	gw->max_claim[0] = 32;		/* an eNodeB claims its own addresses */
	gw->max_claim[1] = 128;
	gw->peer_tunnels_max = 8;
	gw->peer_prefixes_max = 32;
	gw->fragmentation = true;
	gw->fragment_size = 1280;	/* the IPv6 minimum MTU, for either family */
	gw->unknown_spi_notify = true;
}

static bool prefix_inside(const struct sgw_prefix *p, const struct sgw_prefix *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (sgw_prefix_within(p, &set[i]))
			return true;
	return false;
}

static int auth_validate(struct parser *ps, const struct ike_conf_gateway *gw)
{
	if (gw->auth == IKE_CONF_AUTH_PSK) {
		if (!gw->n_psks)
			return perr(ps, gw->line, "gateway %s: no 'psk' for authentication", gw->name);
		if (gw->cert.line || gw->key.line || gw->n_cas)
			return perr(ps, gw->cert.line ? gw->cert.line : gw->key.line ? gw->key.line :
				    gw->cas[0].file.line,
				    "gateway %s: cert, key and ca need 'auth cert;'", gw->name);
		return 0;
	}
	if (gw->n_psks)
		return perr(ps, gw->auth_line, "gateway %s: 'auth cert;' with a 'psk'", gw->name);
	if (!gw->cert.line || !gw->key.line || !gw->n_cas)
		return perr(ps, gw->auth_line, "gateway %s: 'auth cert;' needs 'cert FILE;', "
			    "'key FILE;' and at least one 'ca FILE|DIR;'", gw->name);
	return 0;
}

static int gw_validate(struct parser *ps, struct ike_conf *conf,
		       struct ike_conf_gateway *gw)
{
	bool legacy_ike, legacy_esp;
	size_t i, j;

	if (!gw->local.family)
		return perr(ps, gw->line, "gateway %s: 'local ADDRESS;' missing", gw->name);
	if (auth_validate(ps, gw))
		return -1;
	if (check_proposals(ps, gw->ike_proposals_line ? gw->ike_proposals_line : gw->line,
			    gw->ike_proposals, &legacy_ike) ||
	    check_proposals(ps, gw->esp_proposals_line ? gw->esp_proposals_line : gw->line,
			    gw->esp_proposals, &legacy_esp))
		return -1;
	if ((legacy_ike || legacy_esp) && !gw->legacy_groups)
		return perr(ps, legacy_ike && gw->ike_proposals_line ? gw->ike_proposals_line :
			    legacy_esp && gw->esp_proposals_line ? gw->esp_proposals_line : gw->line,
			    "gateway %s: modp1024 (group 2) is weak; allow it with 'legacy-groups yes;'",
			    gw->name);
	if (!gw->n_remote_ts)
		return perr(ps, gw->line, "gateway %s: 'remote-ts PREFIX...;' missing", gw->name);
	for (i = 0; i < gw->n_remote_ts; i++)
		if (gw->remote_ts[i].len == 0)
			return perr(ps, gw->line,
				    "gateway %s: remote-ts %s/0 would let a peer claim everything",
				    gw->name, gw->remote_ts[i].family == AF_INET ? "0.0.0.0" : "::");
	for (i = 0; i < gw->n_peers; i++)
		for (j = 0; j < gw->peers[i].n_ts; j++)
			if (!prefix_inside(&gw->peers[i].ts[j], gw->remote_ts, gw->n_remote_ts)) {
				char a[SGW_PREFIX_STRLEN];

				sgw_prefix_format(&gw->peers[i].ts[j], a, sizeof(a));
				return perr(ps, gw->peers[i].line,
					    "gateway %s: peer prefix %s is outside remote-ts",
					    gw->name, a);
			}
	if (!gw->n_local_ts) {
		struct sgw_prefix *any = calloc(2, sizeof(*any));

		if (!any)
			return perr(ps, gw->line, "out of memory");
		any[0].family = AF_INET;
		any[1].family = AF_INET6;
		gw->local_ts = any;
		gw->n_local_ts = 2;
	}
	if (gw->tunnel_mtu && !gw->xfrm_if[0])
		return perr(ps, gw->line, "gateway %s: tunnel-mtu needs an xfrm-interface "
			    "(it is the MTU of the routes to the peers)", gw->name);
	if (!gw->rekey_margin)
		gw->rekey_margin = gw->child_lifetime / 10;
	if (gw->rekey_margin >= gw->child_lifetime || gw->rekey_margin >= gw->ike_lifetime)
		return perr(ps, gw->line, "gateway %s: rekey margin not shorter than the lifetimes",
			    gw->name);
	if (gw->child_lifetime < 10 || gw->ike_lifetime < 10)
		return perr(ps, gw->line, "gateway %s: lifetimes shorter than 10 s", gw->name);
	for (i = 0; i + 1 < conf->n_gateways; i++) {
		const struct ike_conf_gateway *o = &conf->gateways[i];

		if (!strcmp(o->name, gw->name))
			return perr(ps, gw->line, "gateway %s declared twice (line %d)",
				    gw->name, o->line);
		if (o->local.family == gw->local.family && o->port == gw->port &&
		    !memcmp(o->local.addr, gw->local.addr, 16) && !strcmp(o->vrf, gw->vrf))
			return perr(ps, gw->line, "gateway %s: same local address as gateway %s",
				    gw->name, o->name);
		if (gw->if_id && o->if_id == gw->if_id && strcmp(o->xfrm_if, gw->xfrm_if))
			return perr(ps, gw->line, "gateway %s: if_id %u already used by %s",
				    gw->name, gw->if_id, o->name);
	}
	for (i = 0; i < gw->n_initiate; i++)
		for (j = 0; j < gw->n_initiate; j++)
			if (i != j && !memcmp(&gw->initiate[i], &gw->initiate[j],
					       sizeof(gw->initiate[i])))
				return perr(ps, gw->line, "gateway %s: initiate lists a peer twice",
					    gw->name);
	/* the traps cover local-ts x remote-ts: they can lead to one peer only */
	if (gw->start_on_traffic && gw->n_initiate != 1)
		return perr(ps, gw->line, "gateway %s: start on-traffic needs exactly one "
			    "'initiate' peer", gw->name);
	return 0;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= IKE_CONF_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

static int parse_gateway(struct parser *ps, const struct stmt *head,
			 struct ike_conf *conf)
{
	struct ike_conf_gateway *gw, *na;
	struct stmt *st;
	bool closed;
	int r;

	if (head->n != 2 || !head->block)
		return perr(ps, head->line, "usage: gateway NAME { ... }");
	if (!valid_name(head->w[1]))
		return perr(ps, head->line, "bad gateway name '%s' (letters, digits, -_.)",
			    head->w[1]);
	na = grow(conf->gateways, conf->n_gateways, sizeof(*na));
	if (!na)
		return perr(ps, head->line, "out of memory");
	conf->gateways = na;
	gw = &conf->gateways[conf->n_gateways++];
	memset(gw, 0, sizeof(*gw));
	gw_defaults(gw);
	snprintf(gw->name, sizeof(gw->name), "%s", head->w[1]);
	gw->line = head->line;

	st = malloc(sizeof(*st));
	if (!st)
		return perr(ps, head->line, "out of memory");
	while ((r = next_stmt(ps, st, &closed)) == 1) {
		if (st->block) {
			r = perr(ps, st->line, "unexpected block after '%s'", st->w[0]);
			break;
		}
		if (gw_stmt(ps, st, gw)) {
			r = -1;
			break;
		}
	}
	explicit_bzero(st, sizeof(*st));	/* its words may have been a key */
	free(st);
	if (r < 0)
		return -1;
	if (!closed)
		return perr(ps, ps->line, "gateway %s: missing '}'", gw->name);
	return gw_validate(ps, conf, gw);
}

static int global_stmt(struct parser *ps, const struct stmt *st,
		       struct ike_conf *conf)
{
	const char *k = st->w[0];

	if (!strcmp(k, "gateway"))
		return parse_gateway(ps, st, conf);
	if (st->block)
		return perr(ps, st->line, "unexpected block after '%s'", k);
	if (!strcmp(k, "log-level")) {
		static const struct { const char *n; int v; } lv[] = {
			{ "err", LOG_ERR }, { "error", LOG_ERR },
			{ "warning", LOG_WARNING }, { "notice", LOG_NOTICE },
			{ "info", LOG_INFO }, { "debug", LOG_DEBUG },
		};
		size_t i;

		if (want_args(ps, st, 1, 1))
			return -1;
		for (i = 0; i < sizeof(lv) / sizeof(lv[0]); i++)
			if (!strcmp(lv[i].n, st->w[1])) {
				conf->log_level = lv[i].v;
				return 0;
			}
		return perr(ps, st->line, "unknown log level '%s'", st->w[1]);
	}
	if (!strcmp(k, "log-target")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		if (strcmp(st->w[1], "syslog") && strcmp(st->w[1], "stderr"))
			return perr(ps, st->line, "log-target is syslog or stderr");
		conf->log_syslog = st->w[1][0] == 's' && st->w[1][1] == 'y';
		return 0;
	}
	if (!strcmp(k, "control")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		if (st->w[1][0] != '/' || strlen(st->w[1]) >= sizeof(conf->control))
			return perr(ps, st->line, "control needs an absolute path (< %zu bytes)",
				    sizeof(conf->control));
		strcpy(conf->control, st->w[1]);
		return 0;
	}
	if (!strcmp(k, "workers")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		return parse_u32(ps, st->line, st->w[1], 0, 256, &conf->workers);
	}
	if (!strcmp(k, "half-open-limit")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		return parse_u32(ps, st->line, st->w[1], 1, 10000000, &conf->half_open_max);
	}
	if (!strcmp(k, "half-open-per-source")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		return parse_u32(ps, st->line, st->w[1], 0, 10000000, &conf->half_open_per_source);
	}
	if (!strcmp(k, "cookie-threshold")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		return parse_u32(ps, st->line, st->w[1], 0, 10000000, &conf->cookie_threshold);
	}
	if (!strcmp(k, "peer-history")) {
		if (want_args(ps, st, 1, 1))
			return -1;
		return parse_u32(ps, st->line, st->w[1], 0, IKE_CONF_PEER_HISTORY_MAX,
				 &conf->peer_history);
	}
	return perr(ps, st->line, "unknown statement '%s'", k);
}

int ike_conf_parse(const char *name, const char *text, struct ike_conf *conf,
		   char *err, size_t errlen)
{
	struct parser ps = { .name = name, .p = text, .line = 1, .err = err,
			     .errlen = errlen };
	struct stmt *st;
	bool closed;
	int r;

	memset(conf, 0, sizeof(*conf));
	conf->log_level = LOG_INFO;
	conf->log_syslog = false;
	snprintf(conf->control, sizeof(conf->control), "%s", SGW_CTLSOCK_DEFAULT);
	conf->half_open_max = 200000;
	conf->half_open_per_source = 16;
	conf->cookie_threshold = 10000;
	conf->peer_history = IKE_CONF_PEER_HISTORY_DEFAULT;
	if (errlen)
		err[0] = 0;

	st = malloc(sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	while ((r = next_stmt(&ps, st, &closed)) == 1)
		if (global_stmt(&ps, st, conf)) {
			r = -1;
			break;
		}
	if (r == 0 && closed)
		r = perr(&ps, st->line, "'}' without a block");
	explicit_bzero(st, sizeof(*st));
	free(st);
	if (r < 0) {
		ike_conf_free(conf);
		return -1;
	}
	return 0;
}

int ike_conf_load(const char *path, struct ike_conf *conf, char *err,
		  size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	int r;

	memset(conf, 0, sizeof(*conf));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *nt;

			if (cap > (1u << 24)) {
				snprintf(err, errlen, "%s: file too large", path);
				goto fail;
			}
			cap = cap ? cap * 2 : 8192;
			nt = realloc(text, cap);
			if (!nt) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			text = nt;
		}
		n = fread(text + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	fclose(f);
	text[len] = 0;
	if (strlen(text) != len) {
		snprintf(err, errlen, "%s: NUL byte in file", path);
		free(text);
		return -1;
	}
	r = ike_conf_parse(path, text, conf, err, errlen);
	/* The text holds PSKs: wipe it before freeing. */
	explicit_bzero(text, len);
	free(text);
	return r;
fail:
	fclose(f);
	if (text)
		explicit_bzero(text, len);
	free(text);
	return -1;
}

void ike_conf_free(struct ike_conf *conf)
{
	size_t i;

	for (i = 0; i < conf->n_gateways; i++) {
		struct ike_conf_gateway *gw = &conf->gateways[i];

		/* wipes and frees normal and secure heap alike */
		OPENSSL_secure_clear_free(gw->psks, gw->psks_cap * sizeof(*gw->psks));
		for (size_t k = 0; k < gw->n_peers; k++)
			free(gw->peers[k].ts);
		free(gw->peers);
		free(gw->remote_ts);
		free(gw->local_ts);
		free(gw->initiate);
		free(gw->cas);
		free(gw->crls);
	}
	free(conf->gateways);
	memset(conf, 0, sizeof(*conf));
}
