/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ike_conf: the ikud.conf parser (syntax in Documentation/man/ikud.conf.5).
 *
 * Pure parsing and validation, no side effects: the daemon turns a parsed
 * struct ike_conf into sockets and SAs, and `ikud -t` only parses.
 */
#ifndef SGW_IKE_CONF_H
#define SGW_IKE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <net/if.h>

#define IKE_CONF_NAME_MAX	32
#define IKE_CONF_ID_MAX		256
#define IKE_CONF_PSK_MAX	256
#define IKE_CONF_PROPOSAL_MAX	512

/* RFC 7296 §3.5 identification types used by ikud. */
enum ike_conf_id_type {
	IKE_CONF_ID_ANY = 0,		/* wildcard: any identity */
	IKE_CONF_ID_IPV4 = 1,
	IKE_CONF_ID_FQDN = 2,
	IKE_CONF_ID_RFC822 = 3,
	IKE_CONF_ID_IPV6 = 5,
	IKE_CONF_ID_KEY_ID = 11,
};

/* An identity or identity pattern ('*' and '?' wildcards for FQDN/RFC822). */
struct ike_conf_id {
	enum ike_conf_id_type type;
	uint16_t len;			/* bytes of value (binary for IP/KEY_ID) */
	uint8_t value[IKE_CONF_ID_MAX];
	bool pattern;			/* value contains wildcards */
};

struct ike_conf_psk {
	struct ike_conf_id id;		/* whose key it is (IKE_CONF_ID_ANY: anyone) */
	uint16_t len;
	uint8_t secret[IKE_CONF_PSK_MAX];
};

struct ike_conf_prefix {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint8_t plen;
};

struct ike_conf_addr {
	int family;			/* 0: unset */
	uint8_t addr[16];
};

struct ike_conf_gateway {
	char name[IKE_CONF_NAME_MAX];
	int line;			/* where it was declared */
	struct ike_conf_addr local;
	uint16_t port;			/* IKE port (500); NAT-T uses 4500 */
	char vrf[IF_NAMESIZE];		/* empty: default VRF */
	char xfrm_if[IF_NAMESIZE];	/* empty: no xfrm interface */
	uint32_t if_id;			/* 0: none */
	char ike_proposals[IKE_CONF_PROPOSAL_MAX];
	char esp_proposals[IKE_CONF_PROPOSAL_MAX];
	int ike_proposals_line, esp_proposals_line;	/* 0: the defaults */
	bool legacy_groups;		/* allow MODP-1024 (group 2) */
	struct ike_conf_id local_id;	/* IKE_CONF_ID_ANY: the local address */
	struct ike_conf_psk *psks;
	size_t n_psks;
	struct ike_conf_prefix *remote_ts;	/* what peers may claim */
	size_t n_remote_ts;
	struct ike_conf_prefix *local_ts;	/* what we offer */
	size_t n_local_ts;
	uint32_t dpd_interval;		/* seconds, 0: never probe */
	uint32_t dpd_threshold;		/* unanswered probes before dead */
	uint32_t ike_lifetime;		/* seconds, rekey at lifetime - margin */
	uint32_t child_lifetime;
	uint32_t rekey_margin;
	uint64_t child_bytes;		/* hard byte limit, 0: none */
	uint32_t route_metric;		/* RRI route metric (issue 5) */
	struct ike_conf_addr *initiate;	/* peers ikud connects to itself */
	size_t n_initiate;
	struct ike_conf_id initiate_remote_id;	/* identity expected from them */
};

struct ike_conf {
	int log_level;			/* syslog priority: LOG_ERR..LOG_DEBUG */
	bool log_syslog;		/* false: stderr */
	char control[108];		/* Unix socket path */
	uint32_t workers;		/* 0: one per online CPU */
	uint32_t half_open_max;		/* half-open IKE SAs before refusing */
	uint32_t cookie_threshold;	/* half-open SAs before demanding cookies */
	struct ike_conf_gateway *gateways;
	size_t n_gateways;
};

/* Parse FILE. On error returns -1 and writes "file:line: message" to err. */
int ike_conf_load(const char *path, struct ike_conf *conf, char *err,
		  size_t errlen);
/* Parse an in-memory text; name is used in messages. */
int ike_conf_parse(const char *name, const char *text, struct ike_conf *conf,
		   char *err, size_t errlen);
void ike_conf_free(struct ike_conf *conf);

/* Identity helpers, shared with the daemon's authentication step. */
int ike_conf_id_parse(const char *text, struct ike_conf_id *id);
/* Does the identity (type, data) match the configured id/pattern? */
bool ike_conf_id_match(const struct ike_conf_id *pattern, int type,
		       const uint8_t *data, size_t len);
/* Human-readable form of an identity, for logs (never holds secrets). */
void ike_conf_id_format(int type, const uint8_t *data, size_t len, char *buf,
			size_t buflen);
/* The best PSK of a gateway for a peer identity: exact ids first, then
 * patterns, then the wildcard; NULL if none. */
const struct ike_conf_psk *ike_conf_find_psk(const struct ike_conf_gateway *gw,
					     int type, const uint8_t *data,
					     size_t len);
const struct ike_conf_gateway *ike_conf_gateway_by_name(const struct ike_conf *c,
							const char *name);
/* Is prefix p inside q? */
bool ike_conf_prefix_within(const struct ike_conf_prefix *p,
			    const struct ike_conf_prefix *q);

#endif
