// SPDX-License-Identifier: GPL-2.0
/*
 * ikeload's command line (ikeload(8)).
 */
#include "ikeload.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char usage[] =
"usage: ikeload -r RESPONDER -s SOURCES -k PSK [options]\n"
"tunnels:\n"
"  -n, --tunnels N          tunnels to set up (1)\n"
"  -r, --responder ADDR     the responder's address\n"
"      --port PORT          its IKE port (500)\n"
"  -s, --source ADDR[/LEN]  our addresses, one per tunnel (or per --ports tunnels),\n"
"                           from ADDR on inside ADDR/LEN; the caller makes them local\n"
"  -P, --ports N            tunnels per source address, each from its own port (1)\n"
"      --source-port PORT   first source port (500)\n"
"  -i, --id PATTERN         our identity, %d = tunnel number (enb%d.enb.example.net)\n"
"      --first N            number of the first tunnel (1)\n"
"  -I, --inner ADDR[/LEN]   inner address of the first tunnel (TSi), then the next ones\n"
"                           (default: the tunnel's source address)\n"
"  -t, --remote-ts PREFIX   TSr, repeatable (0.0.0.0/0 or ::/0)\n"
"      --remote-id ID       the responder's identity (pattern), checked\n"
"  -k, --psk SECRET         pre-shared key\n"
"      --psk-file FILE      pre-shared key: the file's first line\n"
"      --ike PROPOSALS      (aes128gcm16-prfsha256-ecp256)\n"
"      --esp PROPOSALS      (aes128gcm16)\n"
"      --dh-cache           one DH key pair per group for all tunnels (a load\n"
"                           generator's shortcut: the report says so)\n"
"      --no-initial-contact\n"
"pace:\n"
"  -R, --rate R             setups started per second (0: all at once)\n"
"  -w, --window N           setups in progress at most (0: no limit)\n"
"      --retransmit MS,N    first retransmission after MS, N sends in all (1000,5)\n"
"      --timeout SECS       a setup phase ends after SECS (0: when all are done)\n"
"behaviour:\n"
"  -m, --mode MODE          hold (default), storm or churn\n"
"  -d, --duration SECS      hold: time up; churn: time churning (0)\n"
"      --outage SECS        storm: time between losing the SAs and returning (2)\n"
"      --storms N           storm: how many (1)\n"
"      --churn-rate R       churn: tunnels deleted and re-made per second (1)\n"
"      --dpd SECS           send liveness checks every SECS\n"
"      --rekey SECS         rekey each CHILD_SA every SECS (jittered)\n"
"      --rekey-ike SECS     rekey each IKE SA every SECS (jittered)\n"
"      --install N          install the ESP SAs and policies of N tunnels (spread)\n"
"      --no-delete          leave the tunnels at exit (as a crash would)\n"
"output:\n"
"  -j, --json               the report in JSON\n"
"  -p, --pretty             indented JSON\n"
"  -q, --quiet              no progress lines on stderr\n"
"  -v, --verbose            each failure on stderr\n"
"  -h, --help\n";

enum {
	OPT_PORT = 256, OPT_SOURCE_PORT, OPT_FIRST, OPT_REMOTE_ID, OPT_PSK_FILE, OPT_IKE,
	OPT_ESP, OPT_DH_CACHE, OPT_NO_IC, OPT_RETRANSMIT, OPT_TIMEOUT, OPT_OUTAGE,
	OPT_STORMS, OPT_CHURN_RATE, OPT_DPD, OPT_REKEY, OPT_REKEY_IKE, OPT_INSTALL,
	OPT_NO_DELETE,
};

static const struct option longopts[] = {
	{ "tunnels", required_argument, NULL, 'n' },
	{ "responder", required_argument, NULL, 'r' },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "source", required_argument, NULL, 's' },
	{ "ports", required_argument, NULL, 'P' },
	{ "source-port", required_argument, NULL, OPT_SOURCE_PORT },
	{ "id", required_argument, NULL, 'i' },
	{ "first", required_argument, NULL, OPT_FIRST },
	{ "inner", required_argument, NULL, 'I' },
	{ "remote-ts", required_argument, NULL, 't' },
	{ "remote-id", required_argument, NULL, OPT_REMOTE_ID },
	{ "psk", required_argument, NULL, 'k' },
	{ "psk-file", required_argument, NULL, OPT_PSK_FILE },
	{ "ike", required_argument, NULL, OPT_IKE },
	{ "esp", required_argument, NULL, OPT_ESP },
	{ "dh-cache", no_argument, NULL, OPT_DH_CACHE },
	{ "no-initial-contact", no_argument, NULL, OPT_NO_IC },
	{ "rate", required_argument, NULL, 'R' },
	{ "window", required_argument, NULL, 'w' },
	{ "retransmit", required_argument, NULL, OPT_RETRANSMIT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "mode", required_argument, NULL, 'm' },
	{ "duration", required_argument, NULL, 'd' },
	{ "outage", required_argument, NULL, OPT_OUTAGE },
	{ "storms", required_argument, NULL, OPT_STORMS },
	{ "churn-rate", required_argument, NULL, OPT_CHURN_RATE },
	{ "dpd", required_argument, NULL, OPT_DPD },
	{ "rekey", required_argument, NULL, OPT_REKEY },
	{ "rekey-ike", required_argument, NULL, OPT_REKEY_IKE },
	{ "install", required_argument, NULL, OPT_INSTALL },
	{ "no-delete", no_argument, NULL, OPT_NO_DELETE },
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

const char *mode_name(enum load_mode m)
{
	return m == MODE_STORM ? "storm" : m == MODE_CHURN ? "churn" : "hold";
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ikeload: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return 1;
}

static int num(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int uint_opt(const char *name, const char *s, uint64_t max, unsigned int *out)
{
	uint64_t v;

	if (num(s, max, &v))
		return fail("bad %s", name);
	*out = (unsigned int)v;
	return 0;
}

static int rate_opt(const char *name, const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || *end || end == s || !(*out >= 0) || *out > 1e9)
		return fail("bad %s", name);
	return 0;
}

static int psk_file(struct load_opts *o, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[sizeof(o->psk) + 2];
	size_t n;

	if (!f)
		return fail("cannot read %s", path);
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return fail("%s is empty", path);
	}
	fclose(f);
	n = strcspn(line, "\r\n");
	if (!n || n > sizeof(o->psk))
		return fail("%s: the key must be 1 to 256 bytes on the first line", path);
	memcpy(o->psk, line, n);
	o->psk_len = n;
	explicit_bzero(line, sizeof(line));
	return 0;
}

static int proposals(const char *s, uint8_t proto, struct ike_proposal *p, size_t *n,
		     char *str, size_t strlen_max)
{
	char err[160];
	int r = ike_proposals_parse(s, proto, p, IKE_MAX_PROPOSALS, err, sizeof(err));

	if (r <= 0)
		return fail("%s", err);
	*n = (size_t)r;
	snprintf(str, strlen_max, "%s", s);
	return 0;
}

static void defaults(struct load_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->n = 1;
	o->first = 1;
	o->port = 500;
	o->ports = 1;
	o->source_port = 500;
	snprintf(o->id_pattern, sizeof(o->id_pattern), "enb%%d.enb.example.net");
	o->initial_contact = true;
	o->retrans_ms = 1000;
	o->retrans_tries = 5;
	o->outage = 2;
	o->storms = 1;
	o->churn_rate = 1;
}

/* After parsing: what the options say together. */
static int check(struct load_opts *o)
{
	char err[200];

	if (!o->responder.family)
		return fail("%s", "-r RESPONDER is required");
	if (!o->source.start.family)
		return fail("%s", "-s SOURCES is required");
	if (!o->psk_len)
		return fail("%s", "a pre-shared key is required (-k or --psk-file)");
	if (o->source.start.family != o->responder.family)
		return fail("%s", "the source addresses and the responder differ in family");
	if (o->inner_set && o->inner.start.family == 0)
		return fail("%s", "bad --inner");
	if (o->source.count < (o->n + o->ports - 1) / o->ports)
		return fail("%s", "not enough source addresses for that many tunnels: "
			    "a longer -s prefix or more --ports");
	if (o->inner_set && o->inner.count < o->n)
		return fail("%s", "not enough inner addresses for that many tunnels");
	if ((uint32_t)o->source_port + o->ports - 1 > 65535)
		return fail("%s", "--source-port + --ports goes past port 65535");
	if (pattern_check(o->id_pattern, err, sizeof(err)))
		return fail("%s", err);
	if (!o->n_ike && proposals("aes128gcm16-prfsha256-ecp256", IKE_PROTO_IKE, o->ike,
				   &o->n_ike, o->ike_str, sizeof(o->ike_str)))
		return 1;
	if (!o->n_esp && proposals("aes128gcm16", IKE_PROTO_ESP, o->esp, &o->n_esp, o->esp_str,
				   sizeof(o->esp_str)))
		return 1;
	if (!ike_proposals_first_dh(o->ike, o->n_ike))
		return fail("%s", "the IKE proposals need a DH group");
	if (!o->n_remote_ts) {
		o->n_remote_ts = 1;
		o->remote_ts[0].family = o->inner_set ? o->inner.start.family
						      : o->source.start.family;
	}
	if (o->install > o->n)
		o->install = o->n;
	return 0;
}

int opts_parse(int argc, char **argv, struct load_opts *o, bool *done)
{
	char err[200];
	uint64_t v;
	int c;

	defaults(o);
	*done = false;
	while ((c = getopt_long(argc, argv, "n:r:s:P:i:I:t:k:R:w:m:d:jpqvh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'n':
			if (uint_opt("--tunnels", optarg, LOAD_MAX_TUNNELS, &o->n))
				return 1;
			if (!o->n)
				return fail("%s", "--tunnels must be positive");
			break;
		case 'r':
			if (sgw_addr_parse(optarg, &o->responder))
				return fail("bad responder address '%s'", optarg);
			break;
		case OPT_PORT:
			if (num(optarg, 65535, &v) || !v)
				return fail("bad --port '%s'", optarg);
			o->port = (uint16_t)v;
			break;
		case 's':
			if (addr_run_parse(optarg, &o->source, err, sizeof(err)))
				return fail("-s %s", err);
			break;
		case 'P':
			if (uint_opt("--ports", optarg, 65535, &o->ports))
				return 1;
			if (!o->ports)
				return fail("%s", "--ports must be positive");
			break;
		case OPT_SOURCE_PORT:
			if (num(optarg, 65535, &v) || !v)
				return fail("bad --source-port '%s'", optarg);
			o->source_port = (uint16_t)v;
			break;
		case 'i':
			if (strlen(optarg) >= sizeof(o->id_pattern))
				return fail("%s", "--id too long");
			snprintf(o->id_pattern, sizeof(o->id_pattern), "%s", optarg);
			break;
		case OPT_FIRST:
			if (num(optarg, UINT32_MAX, &o->first))
				return fail("bad --first '%s'", optarg);
			break;
		case 'I':
			if (addr_run_parse(optarg, &o->inner, err, sizeof(err)))
				return fail("-I %s", err);
			o->inner_set = true;
			break;
		case 't': {
			const char *why = NULL;

			if (o->n_remote_ts == LOAD_MAX_TS)
				return fail("%s", "too many --remote-ts");
			if (sgw_prefix_parse(optarg, SGW_PREFIX_EXACT,
					     &o->remote_ts[o->n_remote_ts], &why))
				return fail("bad --remote-ts: %s", why ? why : optarg);
			o->n_remote_ts++;
			break;
		}
		case OPT_REMOTE_ID:
			if (ike_id_pattern_parse(optarg, &o->remote_id, err, sizeof(err)))
				return fail("--remote-id: %s", err);
			break;
		case 'k':
			if (!*optarg || strlen(optarg) > sizeof(o->psk))
				return fail("%s", "the key must be 1 to 256 bytes");
			o->psk_len = strlen(optarg);
			memcpy(o->psk, optarg, o->psk_len);
			break;
		case OPT_PSK_FILE:
			if (psk_file(o, optarg))
				return 1;
			break;
		case OPT_IKE:
			if (proposals(optarg, IKE_PROTO_IKE, o->ike, &o->n_ike, o->ike_str,
				      sizeof(o->ike_str)))
				return 1;
			break;
		case OPT_ESP:
			if (proposals(optarg, IKE_PROTO_ESP, o->esp, &o->n_esp, o->esp_str,
				      sizeof(o->esp_str)))
				return 1;
			break;
		case OPT_DH_CACHE:
			o->dh_cache = true;
			break;
		case OPT_NO_IC:
			o->initial_contact = false;
			break;
		case 'R':
			if (rate_opt("--rate", optarg, &o->rate))
				return 1;
			break;
		case 'w':
			if (uint_opt("--window", optarg, UINT32_MAX, &o->window))
				return 1;
			break;
		case OPT_RETRANSMIT: {
			unsigned int ms, tries;
			char extra;

			if (sscanf(optarg, "%u,%u%c", &ms, &tries, &extra) != 2 || !ms ||
			    ms > 60000 || !tries || tries > 20)
				return fail("bad --retransmit '%s' (MS,N)", optarg);
			o->retrans_ms = ms;
			o->retrans_tries = tries;
			break;
		}
		case OPT_TIMEOUT:
			if (uint_opt("--timeout", optarg, 86400 * 30, &o->timeout))
				return 1;
			break;
		case 'm':
			if (!strcmp(optarg, "hold"))
				o->mode = MODE_HOLD;
			else if (!strcmp(optarg, "storm"))
				o->mode = MODE_STORM;
			else if (!strcmp(optarg, "churn"))
				o->mode = MODE_CHURN;
			else
				return fail("unknown mode '%s' (hold, storm, churn)", optarg);
			break;
		case 'd':
			if (uint_opt("--duration", optarg, 86400 * 30, &o->duration))
				return 1;
			break;
		case OPT_OUTAGE:
			if (uint_opt("--outage", optarg, 86400, &o->outage))
				return 1;
			break;
		case OPT_STORMS:
			if (uint_opt("--storms", optarg, LOAD_MAX_PHASES - 2, &o->storms))
				return 1;
			if (!o->storms)
				return fail("%s", "--storms must be positive");
			break;
		case OPT_CHURN_RATE:
			if (rate_opt("--churn-rate", optarg, &o->churn_rate))
				return 1;
			if (!(o->churn_rate > 0))
				return fail("%s", "--churn-rate must be positive");
			break;
		case OPT_DPD:
			if (uint_opt("--dpd", optarg, 86400, &o->dpd_secs))
				return 1;
			break;
		case OPT_REKEY:
			if (uint_opt("--rekey", optarg, 86400 * 30, &o->rekey_secs))
				return 1;
			break;
		case OPT_REKEY_IKE:
			if (uint_opt("--rekey-ike", optarg, 86400 * 30, &o->rekey_ike_secs))
				return 1;
			break;
		case OPT_INSTALL:
			if (uint_opt("--install", optarg, LOAD_MAX_TUNNELS, &o->install))
				return 1;
			break;
		case OPT_NO_DELETE:
			o->no_delete = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'p':
			o->json = o->pretty = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			fputs(usage, stdout);
			*done = true;
			return 0;
		default:
			fputs(usage, stderr);
			return 1;
		}
	}
	if (optind != argc)
		return fail("unexpected argument '%s'", argv[optind]);
	return check(o);
}
