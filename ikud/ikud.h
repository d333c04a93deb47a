/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ikud: the IKEv2 daemon. Shared definitions of its parts:
 *
 *   main.c      start-up, signals, reload, the control thread's loop
 *   config.c    the run-time view of ikud.conf (parsed proposals, local id)
 *   log.c       syslog / stderr logging
 *   shard.c     a worker: epoll loop, sockets, inbox, packet dispatch
 *   sa.c        IKE and CHILD SA objects, their tables, teardown
 *   exchange.c  message I/O of an SA: requests, responses, retransmits
 *   responder.c IKE_SA_INIT and IKE_AUTH as responder
 *   initiator.c IKE_SA_INIT and IKE_AUTH as initiator
 *   child.c     CHILD_SA negotiation: TS narrowing, kernel install
 *   info.c      INFORMATIONAL (DELETE, liveness), DPD
 *   rekey.c     CREATE_CHILD_SA (CHILD_SA and IKE_SA rekeying)
 *   control.c   the control socket (sgwctl ike ...)
 *   rri.c       reverse route injection (routes to the peers' prefixes)
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

#include "ike_conf.h"
#include "ike/ike_crypto.h"
#include "base/sgw_htab.h"
#include "ike/ike_msg.h"
#include "ike/ike_proposal.h"
#include "base/sgw_timer.h"
#include "base/sgw_idalloc.h"
#include "netlink/xfrm_client.h"

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

/* A gateway with what the daemon derives from its configuration once. */
struct gw_rt {
	const struct ike_conf_gateway *c;
	struct ike_proposal ike[IKE_MAX_PROPOSALS];
	size_t n_ike;
	struct ike_proposal esp[IKE_MAX_PROPOSALS];
	size_t n_esp;
	struct ike_id local_id;
	unsigned int select_flags;	/* IKE_SELECT_ALLOW_LEGACY */
};

struct ikud_conf {
	struct ike_conf c;
	struct gw_rt *gws;		/* one per c.gateways[] */
};

/* Builds the run-time view; -1 with a "file:line: message" in err. */
int ikud_conf_load(const char *path, struct ikud_conf **out, char *err,
		   size_t errlen);
void ikud_conf_free(struct ikud_conf *conf);
const struct gw_rt *ikud_conf_gw(const struct ikud_conf *conf, const char *name);

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
	uint8_t *resp_cache;		/* our last response (for retransmits) */
	uint16_t resp_cache_len;
	uint32_t resp_cache_mid;
	bool resp_cache_valid;

	enum req_kind req;
	uint8_t *req_buf;		/* our outstanding request */
	uint16_t req_len;
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

	uint8_t rx[IKUD_RX_MAX + 4];
	uint8_t plain[IKUD_RX_MAX];
	uint8_t tx[IKUD_RX_MAX];
	struct ike_msg msg;
};

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
	pthread_mutex_t reload_lock;
	pthread_cond_t reload_cond;
	unsigned int reload_pending;
	uint64_t start_ms;
	atomic_int collision_bias;	/* enum collision_bias, set by control.c */
};

/* shard.c */
struct shard *shard_new(struct daemon *d, unsigned int idx);
int shard_start(struct shard *s);
void shard_join_free(struct shard *s);
void shard_post(struct shard *s, struct inbox_msg *m);
int shard_open_sockets(struct shard *s);
int ikud_send(struct ike_sa *sa, const uint8_t *buf, size_t len);
int ikud_send_to(int fd, bool natt, const struct sockaddr_storage *peer,
		 const uint8_t *buf, size_t len);
struct gw_socks *shard_gw_socks(struct shard *s, const char *name);
void shard_setup_done(struct shard *s);

/* sa.c */
struct ike_sa *sa_new(struct shard *s, const struct gw_rt *gw, bool initiator);
void sa_set_our_spi(struct ike_sa *sa, uint64_t spi);
struct ike_sa *sa_find(struct shard *s, uint64_t our_spi);
struct ike_sa *sa_find_half_open(struct shard *s, uint64_t spi_i,
				 const struct sockaddr_storage *peer);
void sa_index_half_open(struct ike_sa *sa);
void sa_established(struct ike_sa *sa);
/* Remove the IKE SA, its CHILD_SAs and their kernel state; frees sa. */
void sa_destroy(struct ike_sa *sa, const char *why);
void sa_delete_all_children(struct ike_sa *sa);
struct child_sa *child_find(struct shard *s, uint32_t spi_in);
struct child_sa *child_find_out(struct ike_sa *sa, uint32_t spi_out);
void child_remove(struct child_sa *c, const char *why);
void child_link(struct ike_sa *sa, struct child_sa *c);
uint64_t sa_new_spi(struct shard *s);
uint32_t ikud_new_reqid(struct daemon *d);
void ikud_reqids_init(struct daemon *d);
void sa_purge_id(struct shard *s, const char *gw, const struct ike_id *id,
		 uint64_t keep_uid);
void sa_fail(struct shard *s, enum fail_reason r);
const char *sa_peer_str(const struct ike_sa *sa, char *buf, size_t len);
void sa_free_init_material(struct ike_sa *sa);
void sa_log(const struct ike_sa *sa, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void addr_to_xfrm(const struct sockaddr_storage *ss, xfrm_address_t *a, int *family);
const uint8_t *addr_bytes(const struct sockaddr_storage *ss, size_t *len);
uint16_t addr_port(const struct sockaddr_storage *ss);
void addr_set_port(struct sockaddr_storage *ss, uint16_t port);
int addr_family(const struct sockaddr_storage *ss);

/* exchange.c */
void ikud_receive(struct shard *s, struct gw_socks *gs, bool natt,
		  uint8_t *pkt, size_t len, const struct sockaddr_storage *peer,
		  const struct sockaddr_storage *local);
/* Start building a message of this SA (header filled). */
void ex_begin(struct ike_sa *sa, struct ike_builder *b, uint8_t exchange,
	      bool response, uint32_t mid);
/* Protect and send a response; it is cached for retransmits. */
int ex_send_response(struct ike_sa *sa, struct ike_builder *b);
/* Protect and send a request; retransmitted until answered. */
int ex_send_request(struct ike_sa *sa, struct ike_builder *b, enum req_kind kind,
		    uint32_t interval_ms, uint8_t tries);
/* An unprotected error notify reply to an IKE_SA_INIT request. */
void ex_reply_init_notify(struct shard *s, int fd, bool natt,
			  const struct sockaddr_storage *peer,
			  const struct ike_hdr *req, uint16_t type,
			  const uint8_t *data, size_t len);
/* A protected response with one error notify. */
void ex_respond_error(struct ike_sa *sa, uint8_t exchange, uint16_t type,
		      const uint8_t *data, size_t len);
void ex_request_done(struct ike_sa *sa);
/* Send an already built request (IKE_SA_INIT) with retransmission. */
int ex_send_raw_request(struct ike_sa *sa, const uint8_t *buf, size_t len,
			enum req_kind kind, uint32_t mid, uint32_t interval_ms,
			uint8_t tries);

/* responder.c */
void resp_sa_init(struct shard *s, struct gw_socks *gs, bool natt,
		  const uint8_t *pkt, size_t len,
		  const struct sockaddr_storage *peer,
		  const struct sockaddr_storage *local);
void resp_ike_auth(struct ike_sa *sa, struct ike_msg *m);
/* NAT_DETECTION_*_IP: 1 a notify matches addr:port, 0 none does, -1 none sent. */
int nat_d_matches(const struct ike_msg *m, uint16_t type, uint64_t spi_i,
		  uint64_t spi_r, const struct sockaddr_storage *ss);
void build_nat_d(struct ike_builder *b, uint16_t type, uint64_t spi_i,
		 uint64_t spi_r, const struct sockaddr_storage *ss);

/* initiator.c */
int init_start(struct shard *s, const struct gw_rt *gw,
	       const struct sgw_prefix *peer);
/* Start every configured `initiate` peer of the configuration (shard 0). */
void init_start_all(struct shard *s);
void init_on_sa_init_response(struct ike_sa *sa, struct ike_msg *m);
void init_on_auth_response(struct ike_sa *sa, struct ike_msg *m);

/* child.c */
/* Narrow the peer's TSi/TSr (as the exchange's initiator sent them) to the
 * gateway's; fills c->ts_*. Returns 0 or -1 (TS_UNACCEPTABLE). */
int child_narrow(const struct gw_rt *gw, const struct ike_ts_list *tsi,
		 const struct ike_ts_list *tsr, bool peer_is_initiator,
		 struct child_sa *c);
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
/* Does another peer's tunnel hold these selectors already? */
bool child_ts_taken(const struct ike_sa *sa, const struct child_sa *c);
void child_ts_str(const struct child_sa *c, char *buf, size_t len);
/* True while a policy of ours names REQID (its tunnel lives). */
bool child_reqid_in_use(uint32_t reqid, void *unused);
/* True if the inbound SA counted packets since the last call. */
bool child_received(struct child_sa *c);
void ts_range_str(const struct ike_ts *t, char *buf, size_t len);

/* info.c */
void info_on_request(struct ike_sa *sa, struct ike_msg *m);
void info_on_response(struct ike_sa *sa, struct ike_msg *m);
void info_send_delete_ike(struct ike_sa *sa);
void info_send_delete_child(struct ike_sa *sa, struct child_sa *c);
void dpd_arm(struct ike_sa *sa);
void dpd_timer(struct sgw_timer *t, void *arg);

/* rekey.c */
void rekey_on_request(struct ike_sa *sa, struct ike_msg *m);
void rekey_on_response(struct ike_sa *sa, struct ike_msg *m);
void rekey_on_peer_delete(struct ike_sa *sa);
int rekey_child_start(struct ike_sa *sa, struct child_sa *c);
/* Start a CHILD_SA rekey that had to wait; true if one was started. */
bool rekey_pending(struct ike_sa *sa);
int rekey_ike_start(struct ike_sa *sa);
void rekey_ike_timer(struct sgw_timer *t, void *arg);
void rekey_on_expire(struct shard *s, const struct xfrm_event *e);

/* control.c */
#define CONTROL_REQUEST_MAX 4096	/* bytes of one request */

enum control_command {
	CONTROL_SA_SHOW,
	CONTROL_SA_TERMINATE,
	CONTROL_SA_REKEY,
	CONTROL_STATS,
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

/* main.c */
extern struct daemon *ikud;

#endif
