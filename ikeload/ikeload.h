/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ikeload: an IKEv2 load generator. One process, one event loop, N
 * tunnels initiated to one responder (ikud, strongSwan) with libsgw's
 * codec and crypto: IKE_SA_INIT (COOKIE and INVALID_KE restarts),
 * IKE_AUTH with PSK and a CHILD_SA, answers to the responder's liveness
 * checks and DELETEs, optional DPD probes and rekeys, the ESP SAs of a
 * sample of tunnels in the kernel, reconnect storms and churn.
 *
 * See Documentation/ikeload.md and ikeload(8).
 */
#ifndef IKELOAD_H
#define IKELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/sgw_prefix.h"
#include "base/sgw_sockaddr.h"
#include "base/sgw_timer.h"
#include "ike/ike_crypto.h"
#include "ike/ike_msg.h"
#include "ike/ike_proposal.h"
#include "ipsec/ipsec_child.h"
#include "netlink/xfrm_client.h"

#define LOAD_NONCE_LEN		32
#define LOAD_RX_MAX		65536
#define LOAD_TX_MAX		8192
#define LOAD_MAX_TS		8	/* remote selectors we propose */
#define LOAD_MAX_TUNNELS	(1u << 24)	/* the index lives in the SPI */
#define LOAD_MAX_PHASES		64
#define LOAD_INIT_RESTARTS	4	/* COOKIE / INVALID_KE restarts per setup */
/* Our reqid range in the kernel: apart from ikud's (0x53......), so both
 * may run in one network namespace. */
#define LOAD_REQID_MIN		0x4c000000u
#define LOAD_REQID_MAX		0x4cffffffu

/* --- log.c ----------------------------------------------------------------------- */

struct tunnel;
/* A line on stderr about tunnel t (its number and source), with -v. */
void log_tunnel(const struct tunnel *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* --- pattern.c: identities and addresses of tunnel i (pure) ------------------ */

/*
 * An identity pattern: text with conversions %d / %u (decimal), %x (hex),
 * optionally with a zero flag and width (%05d), and %% for a percent sign;
 * every conversion gets the tunnel's number. Returns 0, or -1 with a
 * message in err for any other conversion.
 */
int pattern_check(const char *pat, char *err, size_t errlen);
/* The pattern with number n; -1 if it does not fit in out. */
int pattern_format(const char *pat, uint64_t n, char *out, size_t cap);

/*
 * A run of addresses: "192.0.2.10/24" starts at 192.0.2.10 and stays
 * inside 192.0.2.0/24 (an address alone is a run of one).
 */
struct addr_run {
	struct sgw_prefix start;	/* host prefix */
	struct sgw_prefix net;
	uint64_t count;			/* addresses from start to the end of net */
};
int addr_run_parse(const char *s, struct addr_run *r, char *err, size_t errlen);
/* The i-th address of the run (a host prefix); -1 past its end. */
int addr_run_nth(const struct addr_run *r, uint64_t i, struct sgw_prefix *out);

/* --- opts.c: the command line -------------------------------------------------- */

enum load_mode {
	MODE_HOLD,		/* set up, hold, tear down */
	MODE_STORM,		/* set up, lose every SA at once, set up again */
	MODE_CHURN,		/* set up, then delete and re-make at a rate */
};

struct load_opts {
	unsigned int n;			/* tunnels */
	uint64_t first;			/* number of tunnel 0 in patterns */
	struct sgw_prefix responder;
	uint16_t port;			/* responder's IKE port */
	struct addr_run source;		/* our outer addresses */
	unsigned int ports;		/* source ports per address */
	uint16_t source_port;		/* first source port */
	char id_pattern[256];
	struct addr_run inner;		/* TSi of tunnel i: the i-th address */
	bool inner_set;
	struct sgw_prefix remote_ts[LOAD_MAX_TS];
	unsigned int n_remote_ts;
	struct ike_id_pattern remote_id;
	uint8_t psk[256];
	size_t psk_len;
	struct ike_proposal ike[IKE_MAX_PROPOSALS];
	size_t n_ike;
	struct ike_proposal esp[IKE_MAX_PROPOSALS];
	size_t n_esp;
	char ike_str[256], esp_str[256];
	bool dh_cache;			/* one key pair per group, for all tunnels */
	bool initial_contact;
	double rate;			/* setups started per second, 0: all at once */
	unsigned int window;		/* setups in progress at most, 0: no limit */
	unsigned int retrans_ms, retrans_tries;
	unsigned int dpd_secs;		/* our liveness checks */
	unsigned int rekey_secs, rekey_ike_secs;
	unsigned int install;		/* tunnels whose ESP SAs go to the kernel */
	enum load_mode mode;
	unsigned int duration;		/* hold / churn seconds */
	unsigned int outage;		/* storm: seconds between loss and return */
	unsigned int storms;
	double churn_rate;		/* tunnels re-made per second */
	unsigned int timeout;		/* seconds a setup phase may take, 0: none */
	bool no_delete;
	bool json, pretty, quiet, verbose;
};

/* Fills o from argv; prints usage or the error and returns 1 (0 for
 * --help after printing it: *done set). */
int opts_parse(int argc, char **argv, struct load_opts *o, bool *done);
const char *mode_name(enum load_mode m);

/* --- stats.c: what the report says ---------------------------------------------- */

enum fail_reason {
	FAIL_TIMEOUT,		/* the responder stayed silent */
	FAIL_NO_PROPOSAL,
	FAIL_INVALID_KE,	/* a group we do not offer, or restarts used up */
	FAIL_COOKIE,		/* COOKIE restarts used up */
	FAIL_AUTH,		/* AUTHENTICATION_FAILED, or the responder's AUTH or ID */
	FAIL_TS,		/* TS_UNACCEPTABLE, or selectors outside ours */
	FAIL_NO_CHILD,		/* IKE SA without a CHILD_SA (other notify) */
	FAIL_PEER_ERROR,	/* another error notify */
	FAIL_SYNTAX,		/* a response we cannot use */
	FAIL_KERNEL,		/* the sample's ESP SAs were refused */
	FAIL_DELETED,		/* the responder deleted it during the setup */
	FAIL_INTERNAL,
	FAIL_MAX
};
extern const char *const fail_names[FAIL_MAX];

/* Values kept for percentiles. */
struct samples {
	uint32_t *v;
	size_t n, cap;
};
void samples_add(struct samples *s, uint32_t v);
/* Nearest-rank percentile (p in 0..100) of the values; sorts them. 0 if
 * there are none. */
uint32_t samples_percentile(struct samples *s, double p);
void samples_free(struct samples *s);

/* One phase: the first setup, each storm, the churn. */
struct phase {
	char name[24];
	uint64_t t0_ms, t_end_ms, t_last_up_ms;
	uint64_t cpu0_us, cpu_us;
	uint32_t started, established, failed[FAIL_MAX];
	uint32_t cookies, invalid_ke, retransmits;
	struct samples latency;		/* ms from first IKE_SA_INIT to IKE_AUTH done */
	uint32_t *per_sec;		/* established in each second of the phase */
	size_t n_sec;
};

struct counters {
	uint64_t tx, rx, rx_invalid, rx_unknown;
	uint64_t rx_late;		/* answers to requests answered already */
	uint64_t liveness_answered;	/* the responder's empty INFORMATIONALs */
	uint64_t deletes_ike, deletes_child;	/* DELETEs from the responder */
	uint64_t dpd_sent, dpd_answered, dpd_dead;
	struct samples dpd_rtt;
	uint64_t child_rekeys, ike_rekeys, rekeys_failed, peer_rekeys_refused;
	uint64_t installed, install_failed;
	uint64_t deleted;		/* our DELETEs answered */
	uint64_t outages;		/* tunnels dropped by a storm's outage */
};

/* The phase's counters begin now. */
struct phase *phase_begin(const char *name);
struct phase *phase_cur(void);
void phase_end(struct phase *p);
void phase_up(struct phase *p, uint64_t now, uint32_t latency_ms);
/* CPU time of the process so far (user + system), microseconds. */
uint64_t stats_cpu_us(void);
extern struct counters cnt;
extern struct phase phases[LOAD_MAX_PHASES];
extern unsigned int n_phases;

/* --- tunnels ------------------------------------------------------------------- */

enum tun_state {
	T_IDLE,			/* never started, or down: may start */
	T_QUEUED,		/* waiting for its turn (pace.c) */
	T_INIT_SENT,
	T_AUTH_SENT,
	T_UP,
	T_DELETING,		/* our DELETE of the IKE SA is out */
	T_FAILED,		/* gave up; not started again in this phase */
};

/* Our request in flight (window of one). */
enum req_kind {
	REQ_NONE,
	REQ_INIT,
	REQ_AUTH,
	REQ_DPD,
	REQ_DELETE_IKE,
	REQ_DELETE_CHILD,
	REQ_REKEY_CHILD,
	REQ_REKEY_IKE,
};

struct child {
	uint32_t spi_in, spi_out;	/* host order; 0: none */
	uint32_t reqid;			/* sample tunnels: their kernel SAs' */
	struct ike_suite suite;
	struct ike_ts tsi[LOAD_MAX_TS], tsr[LOAD_MAX_TS];	/* as the responder narrowed them */
	uint8_t n_tsi, n_tsr;
	bool in_kernel, policies;
};

/* What a setup needs until IKE_AUTH is done. */
struct setup {
	uint8_t ni[LOAD_NONCE_LEN];
	uint8_t nr[IKE_NONCE_MAX_LEN];
	uint16_t nr_len;
	struct ike_dh *dh;
	bool dh_shared;			/* the cached key pair: not ours to free */
	uint16_t group;
	uint8_t *init_req, *init_resp;
	uint16_t init_req_len, init_resp_len;
	uint8_t cookie[64];
	uint8_t cookie_len;
	uint8_t restarts;
};

/* A rekey in flight. */
struct rekey {
	uint8_t ni[LOAD_NONCE_LEN];
	struct ike_dh *dh;
	uint64_t new_spi;		/* IKE: our new SPI */
	uint32_t spi_in;		/* CHILD: the new inbound SPI */
};

struct tunnel {
	uint32_t idx;
	enum tun_state state;
	bool sample;			/* its ESP SAs go to the kernel */
	bool remake;			/* churn: start again once deleted */
	uint8_t sock;			/* index of our socket */
	struct sockaddr_storage local;
	uint64_t spi_i, spi_r;		/* we are always the IKE SA's initiator */
	struct ike_suite suite;
	struct ike_sa_keys keys;
	bool keys_ready;
	uint32_t send_mid, recv_mid;

	/* our request */
	enum req_kind req;
	uint8_t *req_buf;
	uint16_t req_len;
	uint32_t req_mid;
	uint8_t req_tries;
	uint32_t req_interval_ms;
	uint64_t req_sent_ms;

	/* our last response (a retransmitted request gets it again) */
	uint8_t *resp;
	uint16_t resp_len;
	uint32_t resp_mid;

	struct setup *setup;
	struct rekey *rk;
	struct child child;
	struct child old_child;		/* CHILD rekey: until its DELETE is answered */
	uint64_t started_ms;
	struct sgw_timer t_retrans, t_dpd, t_rekey, t_rekey_ike;
};

/* --- the process: one loop ------------------------------------------------------- */

struct loader {
	struct load_opts o;
	struct tunnel *t;		/* o.n tunnels */
	struct sockaddr_storage peer;	/* the responder */
	int *fds;			/* our sockets: o.ports of them */
	unsigned int n_fds;
	int epfd;
	struct sgw_timer_heap timers;
	struct xfrm_handle *xfrm;	/* with --install */
	struct ike_dh *dh_cache[4];	/* --dh-cache: one per group used */
	uint16_t dh_cache_group[4];
	uint64_t spi_hi;		/* random upper half of our IKE SPIs */
	uint32_t next_spi;		/* ESP SPIs of tunnels out of the kernel */

	/* pace.c: tunnels waiting to start, in order */
	uint32_t *queue;
	size_t q_head, q_len;
	uint32_t n_state[T_FAILED + 1];	/* tunnels in each state */
	uint64_t pace_t0_ms;
	double pace_rate;
	unsigned int pace_window;
	uint64_t pace_started;

	volatile int stop;		/* SIGINT / SIGTERM */
	uint8_t rx[LOAD_RX_MAX];
	uint8_t plain[LOAD_RX_MAX];
	uint8_t tx[LOAD_TX_MAX];
	struct ike_msg msg;
};
extern struct loader *ld;

/*
 * The parts, each file's functions named after it, bottom-up; a file
 * calls only files above it in this list:
 *
 *   log, pattern, stats, opts     messages, pure functions, counters
 *   sock                          sockets, sending, receiving
 *   esp                           the sample's ESP SAs and policies (XFRM)
 *   tunnel                        tunnels: SPIs, states, the start queue
 *   exchange                      protected messages, retransmission
 *   info                          INFORMATIONAL both ways, DPD
 *   rekey                         CREATE_CHILD_SA both ways
 *   auth                          IKE_AUTH
 *   sa_init                       IKE_SA_INIT
 *   dispatch                      a datagram to its tunnel and exchange
 *   pace                          starting setups at the rate asked
 *   report                        progress lines, the report in text and JSON
 *   run                           the loop and the phases of a mode
 *   main                          start-up
 */

/* sock.c */
int sock_open_all(void);
void sock_close_all(void);
int sock_send(const struct tunnel *t, const uint8_t *buf, size_t len);
/* Reads what socket i holds, handing each datagram to fn; returns how
 * many (0 when nothing was pending). */
typedef void (*sock_rx_fn)(uint8_t *pkt, size_t len, const struct sockaddr_storage *from,
			   const struct sockaddr_storage *to);
int sock_receive(unsigned int i, sock_rx_fn fn);

/* esp.c */
int esp_open(void);
void esp_close(void);
/* Our inbound SPI for a new CHILD_SA: from the kernel for a sample tunnel,
 * else from a counter (unique among ours). 0 on failure. */
uint32_t esp_alloc_spi(struct tunnel *t, uint32_t reqid);
/* Both ESP SAs of c (and the policies unless they are there): keys from
 * the exchange's nonces (ours first) and gir with PFS. */
int esp_install(struct tunnel *t, struct child *c, const uint8_t *gir, size_t gir_len,
		const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len);
/* The kernel state of c; policies too unless keep_policies. */
void esp_remove(struct tunnel *t, struct child *c, bool keep_policies);
uint32_t esp_new_reqid(void);

/* tunnel.c */
int tunnel_init_all(void);
void tunnel_free_all(void);
struct tunnel *tunnel_by_spi(uint64_t our_spi);
uint64_t tunnel_new_spi(const struct tunnel *t);
/* The setup succeeded: counted (the caller arms the DPD and rekey timers). */
void tunnel_up(struct tunnel *t);
/* The setup failed for reason r: counted and forgotten (the caller tells
 * the responder first when it holds an IKE SA). */
void tunnel_fail(struct tunnel *t, enum fail_reason r, const char *why);
/* An established tunnel goes: its state is freed, the tunnel is idle
 * (queued again if it is being re-made). */
void tunnel_down(struct tunnel *t, const char *why);
/* Forget everything at once, telling no one (a storm's outage). */
void tunnel_drop(struct tunnel *t);
void tunnel_queue(struct tunnel *t);
void tunnel_set_state(struct tunnel *t, enum tun_state s);
void tunnel_setup_free(struct tunnel *t);
void tunnel_rekey_free(struct tunnel *t);

/* exchange.c */
void exchange_begin(struct tunnel *t, struct ike_builder *b, uint8_t exchange,
		    bool response, uint32_t mid);
int exchange_request(struct tunnel *t, struct ike_builder *b, enum req_kind kind);
int exchange_raw_request(struct tunnel *t, const uint8_t *buf, size_t len,
			 enum req_kind kind);
int exchange_respond(struct tunnel *t, struct ike_builder *b);
void exchange_respond_error(struct tunnel *t, uint8_t exchange, uint16_t type);
/* Our request is answered (or abandoned). */
void exchange_done(struct tunnel *t);
/* Unprotected and not retransmitted: a DELETE of an IKE SA we forget. */
void exchange_send_once(struct tunnel *t, struct ike_builder *b);

/* info.c */
void info_on_request(struct tunnel *t, struct ike_msg *m);
void info_on_response(struct tunnel *t, struct ike_msg *m);
/* Our DELETE of the IKE SA; the tunnel goes when it is answered. */
int info_delete(struct tunnel *t);
/* A DELETE of the IKE SA sent once, not waited for (a failed setup). */
void info_delete_once(struct tunnel *t);
void info_dpd_arm(struct tunnel *t);

/* rekey.c */
void rekey_arm(struct tunnel *t);
void rekey_on_request(struct tunnel *t, struct ike_msg *m);
void rekey_on_response(struct tunnel *t, struct ike_msg *m);

/* auth.c */
int auth_start(struct tunnel *t);
void auth_on_response(struct tunnel *t, struct ike_msg *m);

/* sa_init.c */
int sa_init_start(struct tunnel *t);
void sa_init_on_response(struct tunnel *t, struct ike_msg *m);
void sa_init_cache_free(void);

/* dispatch.c */
void dispatch_packet(uint8_t *pkt, size_t len, const struct sockaddr_storage *from,
		     const struct sockaddr_storage *to);

/* report.c */
void report_progress(uint64_t now);
void report_print(void);
bool report_all_ok(void);

/* pace.c */
/* Setups start at rate (0: at once) with at most window in progress (0:
 * no limit). */
void pace_begin(double rate, unsigned int window);
/* Start what the rate and window allow; returns ms until the next start
 * is due (-1: nothing queued). */
int pace_run(uint64_t now);

/* run.c */
int run(void);

#endif
