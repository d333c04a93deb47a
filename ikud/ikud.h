/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ikud: the IKEv2 daemon. Its data structures and, at the end, each
 * part's functions (a section per file).
 *
 * See Documentation/ikud.md for the architecture.
 */
#ifndef IKUD_H
#define IKUD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <openssl/x509.h>

#include "base/sgw_htab.h"
#include "base/sgw_sockaddr.h"
#include "base/sgw_idalloc.h"
#include "base/sgw_timer.h"
#include "ike/ike_crypto.h"
#include "ike/ike_frag.h"
#include "ike/ike_msg.h"
#include "ike/ike_proposal.h"
#include "ipsec/ipsec_child.h"
#include "netlink/xfrm_client.h"

#include "ike_conf.h"

#define IKUD_MAX_SHARDS		64
#define IKUD_SHARD_SHIFT	56	/* our IKE SPIs carry the shard in their top byte */
#define IKUD_RX_MAX		65536
#define IKUD_INIT_MAX		4096	/* largest IKE_SA_INIT we keep for AUTH */
#define IKUD_HALF_OPEN_TTL_MS	30000
#define IKUD_RETRANS_BASE_MS	1000
#define IKUD_RETRANS_TRIES	6
#define IKUD_NONCE_LEN		32
#define IKUD_MAX_CHILD_TS	8	/* narrowed selectors kept per side */

/* --- configuration at run time ------------------------------------------- */

/* A trust anchor and the identities it may vouch for (`ca ... for id`). */
struct pki_anchor {
	X509 *cert;
	const struct ike_id_pattern *id;
};

/* A gateway's credentials with `auth cert` (pki.c), read-only once loaded. */
struct pki_gw {
	X509 *cert;			/* ours */
	STACK_OF(X509) *chain;		/* intermediates we send after it */
	EVP_PKEY *key;
	X509_STORE *store;		/* every anchor of the gateway */
	struct pki_anchor *anchors;
	size_t n_anchors;
	STACK_OF(X509_CRL) *crls;	/* from `crl` files */
	uint8_t *certreq;		/* the anchors' key ids, for CERTREQ */
	size_t certreq_len;
};

/* A gateway with what the daemon derives from its configuration once. */
struct gw_rt {
	const struct ike_conf_gateway *c;
	struct ike_proposal ike[IKE_MAX_PROPOSALS];
	size_t n_ike;
	struct ike_proposal esp[IKE_MAX_PROPOSALS];
	size_t n_esp;
	struct ike_id local_id;
	unsigned int select_flags;	/* IKE_SELECT_ALLOW_LEGACY */
	/* with an xfrm interface (rri.c): the routing table of the peers'
	 * routes and the interface they go through */
	uint32_t rri_table;
	int rri_oif;
	struct pki_gw *pki;		/* auth cert; NULL with psk */
};

struct ikud_conf {
	struct ike_conf c;
	struct gw_rt *gws;		/* one per c.gateways[] */
};


/* --- statistics ------------------------------------------------------------- */

enum fail_reason {
	FAIL_NO_PROPOSAL,
	FAIL_INVALID_KE,
	FAIL_AUTH,
	FAIL_TS,
	FAIL_SYNTAX,
	FAIL_TIMEOUT,
	FAIL_PEER_ERROR,
	FAIL_KERNEL,
	FAIL_LIMIT,
	FAIL_SOURCE_LIMIT,
	FAIL_PEER_LIMIT,
	FAIL_DPD,
	FAIL_MAX
};
extern const char *const fail_reason_names[FAIL_MAX];

#define SETUP_RING 64		/* seconds of per-second setup counts */

struct shard_stats {
	uint64_t rx_packets, tx_packets, rx_dropped, rx_invalid;
	uint64_t retransmits, cached_replies, forwarded;
	uint64_t ike_established, child_installed, child_deleted;
	uint64_t ike_rekeys, child_rekeys, dpd_probes;
	uint64_t cookies_sent;			/* IKE_SA_INIT answered with a COOKIE */
	uint64_t answered_ahead;		/* messages of SAs handled while INITs waited */
	uint64_t init_backlog_dropped;		/* new IKE_SA_INITs dropped: backlog full */
	uint32_t init_backlog;			/* gauge: new IKE_SA_INITs waiting */
	uint64_t failures[FAIL_MAX];
	uint32_t half_open, ike_sas, child_sas;	/* gauges */
	uint32_t setups[SETUP_RING];		/* established per second */
	uint64_t setup_sec[SETUP_RING];		/* which second a slot holds */
};

/* --- SAs ------------------------------------------------------------------ */

enum ike_sa_state {
	SA_INIT_SENT,		/* initiator: IKE_SA_INIT sent */
	SA_HALF_OPEN,		/* responder: IKE_SA_INIT answered */
	SA_AUTH_SENT,		/* initiator: IKE_AUTH sent */
	SA_ESTABLISHED,
	SA_REKEYED,		/* replaced by a new IKE SA; waiting for DELETE */
	SA_DELETING,		/* our DELETE is out */
};
const char *sa_state_name(enum ike_sa_state s);

struct child_sa {
	struct sgw_hnode by_spi;	/* our inbound SPI, in the shard */
	struct child_sa *next;		/* in the IKE SA's list */
	struct ike_sa *ike;
	uint32_t spi_in, spi_out;	/* host order */
	uint32_t reqid;
	struct ike_suite suite;
	struct ike_ts ts_local[IKUD_MAX_CHILD_TS], ts_remote[IKUD_MAX_CHILD_TS];
	uint8_t n_local, n_remote;
	bool installed_in, installed_out, policies;
	bool routed;			/* holds its tunnel's RRI routes (rri.c) */
	bool rekeyed;			/* replaced by a newer CHILD_SA */
	bool rekeying;			/* our CREATE_CHILD_SA is out */
	bool rekey_due;			/* soft expiry seen while the exchange was busy */
	/* Responder of a rekey: the new outbound SA waits until the peer has
	 * its inbound one, i.e. until the old CHILD_SA goes (§2.8). */
	bool defer_out;
	struct pending_out *pending_out;
	uint64_t created_ms;
	uint64_t in_packets;		/* inbound SA's count at the last look */
};

/* Our outstanding request (window size 1). */
enum req_kind {
	REQ_NONE,
	REQ_INIT,		/* IKE_SA_INIT */
	REQ_AUTH,		/* IKE_AUTH */
	REQ_DPD,		/* empty INFORMATIONAL */
	REQ_DELETE_IKE,
	REQ_DELETE_CHILD,
	REQ_REKEY_CHILD,
	REQ_REKEY_IKE,
};

/* A protected message as we sent it, kept for retransmissions: one
 * message, or its fragments packed as 2-byte length | message ... (frag.c). */
struct sent_msg {
	uint8_t *buf;
	uint32_t len;
	bool packed;
};

struct ike_sa {
	struct sgw_hnode by_spi;	/* our SPI */
	struct sgw_hnode by_init;	/* responder half-open: h(SPIi, peer) */
	struct sgw_hnode by_id;		/* established: h(gateway, peer id) */
	struct ike_sa *prev, *next;	/* all SAs of the shard (for show) */
	struct shard *shard;
	const struct gw_rt *gw;
	char gw_name[IKE_CONF_NAME_MAX];
	uint64_t uid;			/* unique id for sgwctl */
	enum ike_sa_state state;
	bool initiator;			/* we are the original initiator */
	uint64_t spi_i, spi_r;
	struct sockaddr_storage peer, local;
	int fd;				/* socket we answer through */
	bool natt;			/* on port 4500 with the non-ESP marker */
	bool nat_peer, nat_local;	/* NAT detected in front of the peer / us */
	struct ike_suite suite;
	struct ike_sa_keys keys;
	bool keys_ready;
	struct ike_id peer_id;
	bool peer_id_set;
	bool halfopen_counted;		/* holds a slot of halfopen_addr (halfopen.c) */
	struct sockaddr_storage halfopen_addr;	/* the source it was admitted from */

	/* IKE_SA_INIT material kept until IKE_AUTH is done */
	uint8_t *init_req, *init_resp;	/* the two IKE_SA_INIT messages */
	uint16_t init_req_len, init_resp_len;
	uint8_t ni[IKE_NONCE_MAX_LEN], nr[IKE_NONCE_MAX_LEN];
	uint16_t ni_len, nr_len;
	struct ike_dh *dh;		/* initiator: until the response */
	uint16_t dh_group;
	uint8_t *cookie;
	uint16_t cookie_len;
	uint8_t init_tries;		/* INVALID_KE / COOKIE restarts */

	/* message IDs (§2.3, window 1) */
	uint32_t recv_mid;		/* next request we expect */
	uint32_t send_mid;		/* next request we send */
	struct sent_msg resp_cache;	/* our last response (for retransmits) */
	uint32_t resp_cache_mid;
	bool resp_cache_valid;

	enum req_kind req;
	struct sent_msg req_msg;	/* our outstanding request */
	uint32_t req_mid;
	uint8_t req_tries;
	uint8_t req_max_tries;
	uint32_t req_interval_ms;
	struct child_sa *req_child;	/* REQ_REKEY_CHILD / REQ_DELETE_CHILD */
	struct ike_dh *req_dh;		/* REQ_REKEY_*: our new KE */
	uint8_t req_nonce[IKUD_NONCE_LEN];
	uint64_t req_new_spi;		/* REQ_REKEY_IKE: our new SPI */
	struct child_sa *req_new_child;	/* REQ_REKEY_CHILD: the larval successor */
	/* §2.8.1: the peer rekeyed the CHILD_SA we are rekeying too */
	struct child_sa *collide_child;	/* what the peer's exchange created */
	uint8_t collide_nonce[IKE_NONCE_MAX_LEN];	/* its lower nonce */
	uint16_t collide_nonce_len;
	uint64_t collide_ike_spi;	/* our SPI of the IKE SA the peer's
					 * colliding rekey created (§2.8.2);
					 * its nonce in collide_nonce */
	bool is_rekey;			/* created by an IKE SA rekey */
	uint32_t trap_reqid;		/* started by a trap: its first CHILD_SA's reqid */
	uint64_t rekey_of;		/* peer's rekey: our SPI of the SA replaced */
	bool tearing_down;		/* sa_destroy() is running */

	struct child_sa *children;
	struct sgw_timer t_retrans;	/* our request's retransmission */
	struct sgw_timer t_expire;	/* half-open expiry, IKE SA hard lifetime */
	struct sgw_timer t_dpd;		/* liveness probing */
	struct sgw_timer t_rekey;	/* IKE SA rekey */
	uint64_t created_ms, established_ms;
	uint64_t last_rx_ms;		/* last IKE message or ESP packet from the peer */
	uint8_t dpd_misses;
	struct ike_sa *rekeyed_to;	/* SA_REKEYED: the successor */
	struct peer_entry *peer_entry;	/* established: its peer's entry (peers.c) */

	/* certificates (certauth.c) and fragmentation (frag.c) */
	unsigned int peer_sig_hashes;	/* IKE_HASH_BIT()s of its SIGNATURE_HASH_ALGORITHMS */
	bool frag_ok;			/* both sides announced RFC 7383 */
	X509 *peer_cert;		/* established: the peer's certificate ... */
	STACK_OF(X509) *peer_chain;	/* ... and its verified chain, for rechecks */
	struct ike_frag_rx *frag_rx;	/* a message of the peer being reassembled */
	/* IKE_AUTH waiting for revocation data (revocation.c fetches it):
	 * the message's header and decrypted payloads, parsed again then */
	bool parked;
	struct ike_hdr parked_hdr;
	uint8_t parked_first;
	uint8_t *parked_plain;
	uint32_t parked_len;
};

/* --- shards ----------------------------------------------------------------- */

/* UDP port of IKE and ESP across a NAT (RFC 7296 2.23, RFC 3948). */
#define IKUD_NATT_PORT 4500

/* One gateway's sockets in a shard (port 500 and 4500, SO_REUSEPORT). */
struct gw_socks {
	const struct gw_rt *gw;
	char name[IKE_CONF_NAME_MAX];
	int fd[2];			/* [0] IKE port, [1] NAT-T port 4500 */
	bool alive;			/* still in the configuration */
};

enum inbox_kind {
	INBOX_PACKET,		/* a datagram for an SA this shard owns */
	INBOX_TERMINATE,	/* sgwctl ike sa terminate */
	INBOX_REKEY,		/* sgwctl ike sa rekey */
	INBOX_PURGE_ID,		/* INITIAL_CONTACT: drop this identity's SAs */
	INBOX_RELOAD,		/* new configuration */
	INBOX_STOP,		/* shut down */
	INBOX_REVOCATION,	/* revocation data an IKE_AUTH waits for arrived */
	INBOX_RECHECK,		/* new revocation data: check the tunnels' certificates */
	INBOX_PING,		/* anycast.c: a sign of life, answered in pong */
};

struct inbox_msg {
	struct inbox_msg *next;
	enum inbox_kind kind;
	/* PACKET */
	struct sockaddr_storage peer, local;
	char gw_name[IKE_CONF_NAME_MAX];
	bool natt;
	/* TERMINATE, REKEY */
	char sel_kind[16];
	char sel_value[128];
	/* PURGE_ID */
	struct ike_id id;
	uint64_t keep_uid;
	/* RELOAD */
	struct ikud_conf *conf;
	/* REVOCATION: our SPI of the waiting SA */
	uint64_t spi;
	/* PING */
	uint64_t seq;
	size_t len;
	uint8_t data[];		/* PACKET */
};

struct daemon;

struct shard {
	struct daemon *d;
	unsigned int idx;
	pthread_t thread;
	int epfd;
	int evfd;			/* wakes the loop for the inbox */
	pthread_mutex_t lock;		/* held while the shard works; readers take it */
	pthread_mutex_t inbox_lock;
	struct inbox_msg *inbox, **inbox_tail;
	unsigned int inbox_packets;	/* INBOX_PACKET messages queued */
	atomic_uint_fast64_t inbox_dropped;	/* packets refused: inbox full */
	atomic_uint_fast64_t pong;	/* seq of the last INBOX_PING handled */

	const struct ikud_conf *conf;
	struct gw_socks *socks;
	size_t n_socks;

	struct sgw_timer_heap timers;
	struct sgw_htab ike_by_spi, ike_by_init, ike_by_id, child_by_spi;
	struct ike_sa *sas;		/* list head */
	struct xfrm_handle *xfrm;
	struct xfrm_events *xev;
	struct shard_stats st;
	bool stopping;
	struct init_wait *backlog, **backlog_tail;	/* backlog.c */
	struct sgw_htab backlog_by_init;
	unsigned int backlog_len;

	uint8_t rx[IKUD_RX_MAX + 4];
	uint8_t plain[IKUD_RX_MAX];
	size_t plain_len;		/* of the message being handled */
	uint8_t tx[IKUD_RX_MAX];
	struct ike_msg msg;
};

/* Count a failure of the kind r (sgwctl ike stats). */
static inline void sa_fail(struct shard *s, enum fail_reason r)
{
	s->st.failures[r]++;
}

/*
 * Test aid (control "test-collision"): who wins the next simultaneous rekeys
 * (RFC 7296 §2.8.1, §2.8.2). The winner is decided by the nonces, so the
 * first four octets of our rekey nonces are forced (all 0x00 or 0xff); the
 * other 28 stay random, well above the 128 bits §2.10 asks for.
 */
enum collision_bias {
	BIAS_NONE,		/* all random: the normal case */
	BIAS_WIN,		/* our exchanges win, the peer's new SAs are redundant */
	BIAS_LOSE,		/* our new SAs are redundant */
};

struct daemon {
	const char *conf_path;
	struct ikud_conf *conf;
	unsigned int n_shards;
	struct shard *shards[IKUD_MAX_SHARDS];
	struct sgw_idalloc reqids;	/* in our xfrm_client range */
	atomic_uint_fast64_t next_uid;
	atomic_int half_open;		/* over all shards */
	atomic_int init_waiting;	/* new IKE_SA_INITs in the shards' backlogs */
	pthread_mutex_t reload_lock;
	pthread_cond_t reload_cond;
	unsigned int reload_pending;
	uint64_t start_ms;
	int64_t start_time;		/* wall clock (Unix seconds) at start */
	atomic_int collision_bias;	/* enum collision_bias, set by control.c */
};

/*
 * The parts of ikud, each file's functions named after it. Lower parts
 * never call higher ones (selftests/host/ikud_layers.sh checks it):
 *
 *   log, ike_conf, pki, config, narrow    no dependencies inside ikud
 *   halfopen, policy, rri, peers          half-open slots, kernel policies, routes,
 *                                         peers up and down (metrics)
 *   child                                 CHILD_SAs and their kernel state
 *   sa                                    IKE SAs, tables, teardown
 *   sock, inbox, frag, exchange           message I/O of an SA
 *   revocation                            CRL and OCSP fetching and caching (a thread)
 *   natd, cookie, dpd, delete, certauth   small exchanges and checks
 *   rekey, auth, sa_init                  the exchanges that make SAs
 *   trap                                  configured peers: at once or on traffic
 *   dispatch                              a datagram to its exchange
 *   shard                                 a worker's loop
 *   anycast                               IKE service of anycast groups
 *   control, main                         control socket, start-up, signals
 */

/* log.c (log.h has the rest) */
void log_sa(const struct ike_sa *sa, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* pki.c: a gateway's certificate, key, anchors, CRL files */
int pki_gw_load(const struct ike_conf_gateway *c, const char *path, struct pki_gw **out,
		char *err, size_t errlen);
void pki_gw_free(struct pki_gw *p);
/* The peer's certificate: key and key usage, identity in it, a path to an
 * anchor that may vouch for the identity. 0 with *chain (leaf first), or
 * -1 with why. */
int pki_verify_peer(const struct pki_gw *p, X509 *leaf, STACK_OF(X509) *untrusted,
		    const struct ike_id *id, STACK_OF(X509) **chain, char *why, size_t len);

/* config.c: the run-time view of ikud.conf; -1 with "file:line: message" */
int config_load(const char *path, struct ikud_conf **out, char *err, size_t errlen);
void config_free(struct ikud_conf *conf);
const struct gw_rt *config_gw(const struct ikud_conf *conf, const char *name);
uint16_t config_select_ike(const struct gw_rt *gw, const struct ike_msg *m,
			   struct ike_suite *suite, uint8_t data[2], size_t *len);

/* narrow.c */
/* Narrow the TSi/TSr of the exchange's initiator to what the gateway
 * allows peer (its identity) and us; fills c->ts_*. Returns 0 or -1
 * (TS_UNACCEPTABLE). */
int narrow_child(const struct ike_conf_gateway *gw, const struct ike_id *peer,
		 const struct ike_ts_list *tsi, const struct ike_ts_list *tsr,
		 bool peer_is_initiator, struct child_sa *c);

/* policy.c */
#define POLICY_MAX 192		/* policies of one CHILD_SA */
void policy_reqids_init(struct daemon *d);
uint32_t policy_new_reqid(struct daemon *d);
/* True while a policy of ours names REQID (its tunnel lives). */
bool policy_reqid_in_use(uint32_t reqid, void *unused);
/* The policies of c's selectors (every local x remote pair, three
 * directions); -1 when more than max. */
int policy_build(const struct ike_sa *sa, const struct child_sa *c,
		 struct xfrm_pol *out, int max);
/* The same from the tunnel's ends and selectors. */
struct policy_ends {
	const struct sockaddr_storage *local, *peer;
	uint32_t if_id;
	uint32_t reqid;
};
int policy_build_ts(const struct policy_ends *e, const struct ike_ts *tl, unsigned int nl,
		    const struct ike_ts *tr, unsigned int nr, struct xfrm_pol *out, int max);
int policy_install(const struct ike_sa *sa, const struct child_sa *c);
/* The tunnel's policies go, or fall back to the trap's (policy_trap_*). */
void policy_remove(const struct ike_sa *sa, const struct child_sa *c);
/* A trap's policies: in the kernel unless a tunnel holds the same selector;
 * removed with the trap unless a tunnel holds them then. */
int policy_trap_install(struct xfrm_handle *h, const struct xfrm_pol *pols, int n);
void policy_trap_remove(struct xfrm_handle *h, const struct xfrm_pol *pols, int n);

/* halfopen.c */
enum halfopen_verdict {
	HALFOPEN_OK,		/* counted: release it when the SA leaves half-open */
	HALFOPEN_SOURCE,	/* the address holds half-open-per-source already */
	HALFOPEN_GLOBAL,	/* the daemon holds half-open-limit */
};
enum halfopen_verdict halfopen_admit(struct daemon *d, const struct ike_conf *c,
				     const struct sockaddr_storage *peer);
void halfopen_release(const struct sockaddr_storage *peer);
unsigned int halfopen_of(const struct sockaddr_storage *peer);

/* peers.c: every peer the metrics show, up or down (see the file's head) */
struct peer_entry;
struct peers_view {
	const char *gateway;
	const struct ike_id *id;
	bool configured;		/* from a peer rule or an initiate peer */
	unsigned int ike_sas;		/* established IKE SAs: up when > 0 */
	int64_t changed;		/* wall clock (s) of the last up/down change,
					 * or of the entry's creation */
};
struct peers_stats {
	size_t entries;			/* peers in the table */
	size_t forgettable;		/* down and not configured */
	uint32_t history;		/* peer-history: how many of those are kept */
	uint64_t forgotten;		/* forgotten since start */
};
typedef void (*peers_walk_fn)(const struct peers_view *v, void *arg);
/* At start and after a reload: the configured peers; peer-history. */
void peers_configure(const struct ike_conf *c);
/* The identity an SA counts for (an initiate peer's address on a gateway
 * without one exact remote-id, else the peer's identity); false when
 * there is none yet. */
bool peers_key_of(const struct ike_sa *sa, struct ike_id *id);
/* An established IKE SA of this peer: its entry (NULL without memory). */
struct peer_entry *peers_hold(const char *gw, const struct ike_id *id);
/* The IKE SA that held e went (e may be NULL). */
void peers_release(struct peer_entry *e);
/* fn for every entry, under the table's lock. */
void peers_walk(peers_walk_fn fn, void *arg);
void peers_get_stats(struct peers_stats *st);
/* Forget everything (at stop, once no SA is left). */
void peers_clear(void);

/* child.c */
struct child_sa *child_find(struct shard *s, uint32_t spi_in);
struct child_sa *child_find_out(struct ike_sa *sa, uint32_t spi_out);
void child_link(struct ike_sa *sa, struct child_sa *c);
void child_remove(struct child_sa *c, const char *why);
void child_remove_all(struct ike_sa *sa);
void child_established(struct ike_sa *sa, struct child_sa *c, const char *how, bool rekey);
void child_ts_range_str(const struct ike_ts *t, char *buf, size_t len);
void child_ts_str(const struct child_sa *c, char *buf, size_t len);
/* The tunnel's claim on its selectors (rri_claim()); refusals counted. */
int child_claim(struct ike_sa *sa, struct child_sa *c, bool peer_chose, uint16_t *notify);
/* True if the inbound SA counted packets since the last call. */
bool child_received(struct child_sa *c);
/* Allocate our inbound SPI in the kernel. */
int child_alloc_spi(struct ike_sa *sa, struct child_sa *c);
/* Install both ESP SAs (and policies unless they exist). The exchange's
 * initiator nonces and keys as in ike_derive_child_keys(). */
int child_install(struct ike_sa *sa, struct child_sa *c, bool we_initiated,
		  const uint8_t *gir, size_t gir_len,
		  const uint8_t *ni, size_t ni_len,
		  const uint8_t *nr, size_t nr_len, bool policies);
void child_uninstall(struct child_sa *c, bool keep_policies);
/* Install an outbound SA held back by defer_out. */
void child_install_pending(struct ike_sa *sa, struct child_sa *c);
void child_drop_pending(struct child_sa *c);

/* sa.c */
struct ike_sa *sa_new(struct shard *s, const struct gw_rt *gw, bool initiator);
uint64_t sa_new_spi(struct shard *s);
void sa_set_our_spi(struct ike_sa *sa, uint64_t spi);
struct ike_sa *sa_find(struct shard *s, uint64_t our_spi);
struct ike_sa *sa_find_half_open(struct shard *s, uint64_t spi_i,
				 const struct sockaddr_storage *peer);
/* The keyed hash of a peer's IKE_SA_INIT (SPIi, address, port), for tables. */
uint64_t sa_init_key(uint64_t spi_i, const struct sockaddr_storage *peer);
void sa_index_half_open(struct ike_sa *sa);
void sa_established(struct ike_sa *sa);
void sa_expire_timer(struct sgw_timer *t, void *arg);
/* Remove the IKE SA, its CHILD_SAs and their kernel state; frees sa. */
void sa_destroy(struct ike_sa *sa, const char *why);
void sa_setup_failed(struct ike_sa *sa, enum fail_reason r, const char *why);
void sa_purge_id(struct shard *s, const char *gw, const struct ike_id *id,
		 uint64_t keep_uid);
void sa_free_init_material(struct ike_sa *sa);

/* sock.c */
void sock_gateway_addr(const struct ike_conf_gateway *c, uint16_t port,
		       struct sockaddr_storage *ss);
int sock_open(const struct ike_conf_gateway *c, uint16_t port, bool encap);
int sock_apply(int fd, const struct ike_conf_gateway *c);
struct gw_socks *sock_find(struct shard *s, const char *name);
int sock_send(struct ike_sa *sa, const uint8_t *buf, size_t len);
int sock_send_to(int fd, bool natt, const struct sockaddr_storage *peer,
		 const uint8_t *buf, size_t len);

/* inbox.c */
#define INBOX_MAX_PACKETS 4096	/* datagrams queued for one worker */

/* backlog.c: new IKE_SA_INITs wait behind the messages of existing SAs */
#define INIT_BACKLOG_MAX 4096	/* waiting per worker, then dropped */
#define INIT_BACKLOG_BUDGET 8	/* answered per turn of the worker's loop */
struct init_wait;
bool backlog_wants(const uint8_t *pkt, size_t len);
void backlog_push(struct shard *s, uint32_t sock, const uint8_t *pkt, size_t len,
		  const struct sockaddr_storage *peer, const struct sockaddr_storage *local);
void backlog_note_ahead(struct shard *s);
bool backlog_run(struct shard *s, unsigned int budget);
void backlog_free(struct shard *s);
void inbox_post(struct shard *s, struct inbox_msg *m);
struct inbox_msg *inbox_take(struct shard *s);
void inbox_free_all(struct shard *s);

/* frag.c: IKE fragmentation (RFC 7383) */
#define FRAG_MAX_FRAGMENTS	32	/* of one message of the peer */
#define FRAG_MAX_BYTES		65535	/* reassembled message of the peer */
/* Send m (a message, or its fragments) to the peer. */
int frag_send(struct ike_sa *sa, const struct sent_msg *m);
/* Protect the message in b for the peer into *out (its buf malloc'd):
 * split into SKF messages, packed, when it is larger than the gateway's
 * fragment size and both sides support fragments; else whole. */
int frag_protect(struct ike_sa *sa, struct ike_builder *b, struct sent_msg *out);
/* A fragment (m: an SKF message, its ICV checked, decrypted to plain):
 * 1 when the message is whole (its payloads in the shard's plain buffer,
 * s->plain_len, *first the first payload type), 0 while fragments are
 * missing, -1 when it breaks a limit or contradicts earlier fragments
 * (the reassembly is dropped). */
int frag_receive(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *plain,
		 size_t plain_len, uint8_t *first);

/* exchange.c */
/* Start building a message of this SA (header filled). */
void exchange_begin(struct ike_sa *sa, struct ike_builder *b, uint8_t exchange,
		    bool response, uint32_t mid);
/* Protect and send a response; it is cached for retransmits. */
int exchange_send_response(struct ike_sa *sa, struct ike_builder *b);
/* Protect and send a request; retransmitted until answered. */
int exchange_send_request(struct ike_sa *sa, struct ike_builder *b, enum req_kind kind,
			  uint32_t interval_ms, uint8_t tries);
/* Send an already built request (IKE_SA_INIT) with retransmission. */
int exchange_send_raw_request(struct ike_sa *sa, const uint8_t *buf, size_t len,
			      enum req_kind kind, uint32_t mid, uint32_t interval_ms,
			      uint8_t tries);
void exchange_done(struct ike_sa *sa);
/* An unprotected error notify reply to an IKE_SA_INIT request. */
void exchange_reply_init_notify(struct shard *s, int fd, bool natt,
				const struct sockaddr_storage *peer,
				const struct ike_hdr *req, uint16_t type,
				const uint8_t *data, size_t len);
/* An unprotected INVALID_IKE_SPI answering a request for an unknown IKE
 * SA (§2.21.4), rate limited. */
void exchange_reply_invalid_spi(struct shard *s, int fd, bool natt,
				const struct sockaddr_storage *peer,
				const struct ike_hdr *req);
/* A protected response with one error notify. */
void exchange_respond_error(struct ike_sa *sa, uint8_t exchange, uint16_t type,
			    const uint8_t *data, size_t len);

/* natd.c */
/* A peer behind a NAT may change its port (or float to 4500): follow it once
 * a message from the new address authenticated. */
void natd_follow_peer(struct ike_sa *sa, struct gw_socks *gs, bool natt,
		      const struct sockaddr_storage *peer);

/* cookie.c */
int cookie_init(void);
int cookie_make(const struct ike_msg *m, const struct sockaddr_storage *peer,
		uint8_t out[IKE_COOKIE_LEN]);
bool cookie_valid(const struct ike_msg *m, const struct sockaddr_storage *peer);

/* dpd.c */
void dpd_arm(struct ike_sa *sa);
void dpd_on_response(struct ike_sa *sa);

/* delete.c */
bool delete_on_request(struct ike_sa *sa, struct ike_msg *m);
void delete_on_response(struct ike_sa *sa);
/* Our DELETE of the whole IKE SA, sent once; the caller destroys the SA. */
void delete_send_ike(struct ike_sa *sa);
int delete_request_ike(struct ike_sa *sa);
/* Delete one CHILD_SA with the peer; it goes when the peer confirms (or,
 * if another request of ours is outstanding, at once, without telling). */
void delete_send_child(struct ike_sa *sa, struct child_sa *c);

/* rekey.c */
void rekey_on_request(struct ike_sa *sa, struct ike_msg *m);
void rekey_on_response(struct ike_sa *sa, struct ike_msg *m);
void rekey_on_peer_delete(struct ike_sa *sa);
int rekey_child_start(struct ike_sa *sa, struct child_sa *c);
int rekey_ike_start(struct ike_sa *sa);
void rekey_schedule(struct ike_sa *sa);
void rekey_retry(struct ike_sa *sa, uint32_t ms);
void rekey_kick(struct ike_sa *sa);
void rekey_on_expire(struct shard *s, const struct xfrm_event *e);

/* revocation.c: CRLs (files, distribution points over HTTP) and OCSP
 * (RFC 6960), fetched by one thread for every gateway and cached */
enum rev_status {
	REV_GOOD,		/* a current CRL or OCSP answer says not revoked */
	REV_REVOKED,
	REV_UNKNOWN,		/* nothing known, and nothing (more) to fetch */
	REV_PENDING,		/* being fetched: the SA is told (INBOX_REVOCATION) */
};
const char *rev_status_name(enum rev_status st);
/* What is known of leaf (chain: its verified chain, leaf first). Never
 * blocks: missing data is fetched by the revocation thread; with sa, that
 * SA is told when it arrives (REV_PENDING). why: for the log. */
enum rev_status revocation_check(const struct gw_rt *gw, X509 *leaf, STACK_OF(X509) *chain,
				 struct ike_sa *sa, char *why, size_t len);
int revocation_start(struct daemon *d);
void revocation_stop(void);
/* Reload: the tunnels' certificates are checked again (INBOX_RECHECK). */
void revocation_recheck_all(struct daemon *d);

/* certauth.c: certificates in IKE_AUTH, both roles */
enum certauth_verdict {
	CERTAUTH_OK,
	CERTAUTH_FAIL,		/* why says what */
	CERTAUTH_PENDING,	/* revocation data is being fetched: park the message */
};
/* SIGNATURE_HASH_ALGORITHMS (and a CERTREQ) of IKE_SA_INIT (auth cert). */
void certauth_build_init(const struct gw_rt *gw, struct ike_builder *b, bool certreq);
void certauth_build_certreq(const struct gw_rt *gw, struct ike_builder *b);
void certauth_on_init(struct ike_sa *sa, const struct ike_msg *m);
/* Our signature AUTH (idbody: our ID payload's body) and CERT payloads. */
int certauth_sign(struct ike_sa *sa, const uint8_t *idbody, size_t idlen, uint8_t *method,
		  uint8_t *sig, size_t cap, size_t *len);
void certauth_build_certs(const struct ike_sa *sa, struct ike_builder *b);
/* The peer's certificate, identity, AUTH and revocation status. */
enum certauth_verdict certauth_verify_peer(struct ike_sa *sa, const struct ike_msg *m,
					   const struct ike_id_payload *id, char *why,
					   size_t len);
/* An established SA's certificate under gw (reload, new revocation data):
 * true while it may stay. */
bool certauth_still_valid(struct ike_sa *sa, const struct gw_rt *gw, char *why, size_t len);
/* New revocation data: is the established SA's certificate revoked now? */
bool certauth_revoked(struct ike_sa *sa, char *why, size_t len);

/* auth.c */
void auth_respond(struct ike_sa *sa, struct ike_msg *m);
int auth_start(struct ike_sa *sa);
void auth_on_response(struct ike_sa *sa, struct ike_msg *m);
/* Park the IKE_AUTH message being handled until revocation data arrives. */
void auth_park(struct ike_sa *sa, const struct ike_msg *m);
/* Revocation data arrived: handle the parked IKE_AUTH message again. */
void auth_resume(struct ike_sa *sa);

/* sa_init.c */
void sa_init_respond(struct shard *s, struct gw_socks *gs, bool natt,
		     const uint8_t *pkt, size_t len,
		     const struct sockaddr_storage *peer,
		     const struct sockaddr_storage *local);
struct ike_sa *sa_init_start(struct shard *s, const struct gw_rt *gw,
			     const struct sgw_prefix *peer);
void sa_init_on_response(struct ike_sa *sa, struct ike_msg *m);

/* trap.c: the `initiate` peers, started at once or on traffic (worker 0) */
void trap_start_peers(struct shard *s);
void trap_on_acquire(struct shard *s, const struct xfrm_event *e);
void trap_reload(struct shard *s);
void trap_remove_all(struct shard *s);

/* dispatch.c */
void dispatch_packet(struct shard *s, struct gw_socks *gs, bool natt,
		     uint8_t *pkt, size_t len, const struct sockaddr_storage *peer,
		     const struct sockaddr_storage *local);

/* shard.c */
struct shard *shard_new(struct daemon *d, unsigned int idx);
int shard_start(struct shard *s);
void shard_join_free(struct shard *s);
int shard_open_sockets(struct shard *s);
void shard_setup_done(struct shard *s);

/* anycast.c: register with the anycast groups the gateways name, and
 * heartbeat (a thread) while every worker answers; -1 with a message on
 * error. */
int anycast_start(struct daemon *d, char *err, size_t errlen);
int anycast_reload(struct daemon *d, const struct ikud_conf *conf, char *err, size_t errlen);
void anycast_stop(void);

/* control.c */
#define CONTROL_REQUEST_MAX 4096	/* bytes of one request */

enum control_command {
	CONTROL_SA_SHOW,
	CONTROL_SA_TERMINATE,
	CONTROL_SA_REKEY,
	CONTROL_STATS,
	CONTROL_METRICS,
	CONTROL_RELOAD,
	CONTROL_TEST_COLLISION,
};

/* A request of the control socket, checked field by field. */
struct control_request {
	enum control_command command;
	/* SA_TERMINATE, SA_REKEY: as the shards read them (inbox_msg) */
	char selector[sizeof(((struct inbox_msg *)0)->sel_kind)];
	char value[sizeof(((struct inbox_msg *)0)->sel_value)];
	enum collision_bias bias;	/* TEST_COLLISION */
};

enum control_parse {
	CONTROL_PARSE_OK,
	CONTROL_PARSE_MORE,	/* a valid start: more bytes must come */
	CONTROL_PARSE_ERROR,	/* the reason in err */
};

/* Parse the bytes of a request received so far; pure, changes nothing. */
enum control_parse control_request_parse(const char *buf, size_t len,
					 struct control_request *req, char *err,
					 size_t errlen);
int control_open(const char *path);
/* Accept one client and serve it. */
void control_serve(struct daemon *d, int listen_fd);
/* Serve one connected, non-blocking client; the caller closes fd. */
void control_serve_client(struct daemon *d, int fd);

#endif
