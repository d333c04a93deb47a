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

#include "base/sgw_prefix.h"
#include "ike/ike_msg.h"

#define IKE_CONF_NAME_MAX	32
#define IKE_CONF_PSK_MAX	256
#define IKE_CONF_PROPOSAL_MAX	512
#define IKE_CONF_PEER_HISTORY_DEFAULT 10000
#define IKE_CONF_PEER_HISTORY_MAX 1000000
#define IKE_CONF_PATH_MAX	256

enum ike_conf_auth {
	IKE_CONF_AUTH_PSK,		/* pre-shared keys (psk) */
	IKE_CONF_AUTH_CERT,		/* certificates (cert, key, ca) */
};

/* What a certificate's revocation status must be (revocation ...). */
enum ike_conf_revocation {
	IKE_CONF_REV_IF_AVAILABLE,	/* refuse what is known revoked */
	IKE_CONF_REV_REQUIRE,		/* accept only what is known good */
	IKE_CONF_REV_NONE,		/* do not check */
};

/* A file or directory of the configuration, with its line. */
struct ike_conf_path {
	char path[IKE_CONF_PATH_MAX];
	int line;
};

/* A trust anchor (file or directory of CA certificates) and the identities
 * its certificates may prove (any: every identity). */
struct ike_conf_ca {
	struct ike_conf_path file;
	struct ike_id_pattern id;
};

struct ike_conf_psk {
	struct ike_id_pattern id;	/* whose key it is (any: everyone else) */
	uint16_t len;
	uint8_t secret[IKE_CONF_PSK_MAX];
};

/* A peer identity (or pattern) bound to the prefixes it alone may claim. */
struct ike_conf_peer {
	struct ike_id_pattern id;
	struct sgw_prefix *ts;
	size_t n_ts;
	int line;
};

struct ike_conf_gateway {
	char name[IKE_CONF_NAME_MAX];
	int line;			/* where it was declared */
	struct sgw_prefix local;	/* an address (family 0: unset) */
	uint16_t port;			/* IKE port (500); NAT-T uses 4500 */
	char vrf[IF_NAMESIZE];		/* empty: default VRF */
	char xfrm_if[IF_NAMESIZE];	/* empty: no xfrm interface */
	uint32_t if_id;			/* 0: none */
	char ike_proposals[IKE_CONF_PROPOSAL_MAX];
	char esp_proposals[IKE_CONF_PROPOSAL_MAX];
	int ike_proposals_line, esp_proposals_line;	/* 0: the defaults */
	bool legacy_groups;		/* allow MODP-1024 (group 2) */
	struct ike_id_pattern local_id;	/* any: the local address (auth cert: the
					 * certificate's subject) */
	enum ike_conf_auth auth;
	int auth_line;
	struct ike_conf_path cert;	/* our certificate (and its chain), PEM */
	struct ike_conf_path key;	/* its private key, PEM, mode 0600 or stricter */
	struct ike_conf_ca *cas;	/* trust anchors */
	size_t n_cas;
	struct ike_conf_path *crls;	/* CRL files or directories */
	size_t n_crls;
	enum ike_conf_revocation revocation;
	char ocsp[IKE_CONF_PATH_MAX];	/* OCSP responder URL; empty: the certificate's */
	bool fragmentation;		/* RFC 7383 */
	uint32_t fragment_size;		/* largest IP datagram of a fragment */
	struct ike_conf_psk *psks;
	size_t n_psks, psks_cap;
	struct sgw_prefix *remote_ts;	/* what peers may claim */
	size_t n_remote_ts;
	struct sgw_prefix *local_ts;	/* what we offer */
	size_t n_local_ts;
	struct ike_conf_peer *peers;	/* identities bound to prefixes */
	size_t n_peers;
	bool unbound_refuse;		/* identities without a peer rule claim nothing */
	uint8_t max_claim[2];		/* widest claim of an unbound peer: IPv4, IPv6 length */
	uint32_t peer_tunnels_max;	/* tunnels (CHILD_SAs but rekeys) per identity */
	uint32_t peer_prefixes_max;	/* prefixes (routes) per identity */
	uint32_t dpd_interval;		/* seconds, 0: never probe */
	uint32_t dpd_threshold;		/* unanswered probes before dead */
	uint32_t ike_lifetime;		/* seconds, rekey at lifetime - margin */
	uint32_t child_lifetime;
	uint32_t rekey_margin;
	uint64_t child_bytes;		/* hard byte limit, 0: none */
	uint32_t route_metric;		/* RRI route metric */
	uint32_t replay_window;		/* inbound ESP anti-replay, packets; 0: off */
	uint32_t tunnel_mtu;		/* MTU of the routes to the peers; 0: the device's */
	int ike_dscp;			/* DSCP of our IKE packets; -1: the system's */
	struct sgw_prefix *initiate;	/* peers ikud connects to itself */
	size_t n_initiate;
	struct ike_id_pattern initiate_remote_id;	/* identity expected from them */
	bool start_on_traffic;		/* initiate when the kernel asks (trap) */
	char anycast[IKE_CONF_NAME_MAX];	/* anycast group whose IKE service
						 * ikud is; "" none */
	bool unknown_spi_notify;	/* answer requests for unknown IKE SAs
					 * with INVALID_IKE_SPI (§2.21.4) */
};

struct ike_conf {
	int log_level;			/* syslog priority: LOG_ERR..LOG_DEBUG */
	bool log_syslog;		/* false: stderr */
	char control[108];		/* Unix socket path */
	uint32_t workers;		/* 0: one per online CPU */
	uint32_t half_open_max;		/* half-open IKE SAs before refusing */
	uint32_t half_open_per_source;	/* of them from one address; 0: no limit */
	uint32_t cookie_threshold;	/* half-open SAs before demanding cookies */
	uint32_t peer_history;		/* peers seen, now down, the metrics remember */
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

/* The best PSK of a gateway for a peer identity: exact ids first, then
 * patterns, then the wildcard; NULL if none. */
const struct ike_conf_psk *ike_conf_find_psk(const struct ike_conf_gateway *gw,
					     const struct ike_id *id);
/* The peer rule of an identity: exact ids first, then patterns; NULL if none. */
const struct ike_conf_peer *ike_conf_find_peer(const struct ike_conf_gateway *gw,
					       const struct ike_id *id);
/* What the identity may claim: its rule's prefixes, or the gateway's
 * remote-ts; NULL (n 0) when it has no rule and unbound peers are refused. */
const struct sgw_prefix *ike_conf_claimable(const struct ike_conf_gateway *gw,
					    const struct ike_id *id, size_t *n);
const struct ike_conf_gateway *ike_conf_gateway_by_name(const struct ike_conf *c,
							const char *name);

#endif
