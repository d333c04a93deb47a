// SPDX-License-Identifier: GPL-2.0
/*
 * What ikeload prints: a progress line a second on stderr (unless -q),
 * and at the end the report, in text or (-j) JSON, one object per phase
 * (the first setup, each storm, the churn) and the run's counters.
 */
#include "ikeload.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static uint64_t last_progress_s;

void report_progress(uint64_t now)
{
	struct phase *p = phase_cur();
	uint64_t s, failed = 0;
	size_t r;

	if (ld->o.quiet || !p)
		return;
	s = (now - p->t0_ms) / 1000;
	if (s == last_progress_s || now < p->t0_ms + 1000)
		return;
	last_progress_s = s;
	for (r = 0; r < FAIL_MAX; r++)
		failed += p->failed[r];
	fprintf(stderr, "ikeload: %s %llus: %u up, %u in progress, %u queued, %llu failed, "
		"%u set up in the last second, %llu liveness checks answered\n", p->name,
		(unsigned long long)s, ld->n_state[T_UP],
		ld->n_state[T_INIT_SENT] + ld->n_state[T_AUTH_SENT], ld->n_state[T_QUEUED],
		(unsigned long long)failed, s - 1 < p->n_sec ? p->per_sec[s - 1] : 0,
		(unsigned long long)cnt.liveness_answered);
}

/* --- figures of a phase ------------------------------------------------------------ */

struct phase_fig {
	uint32_t failed;
	double wall_s;			/* start to last established (or end) */
	double rate, peak;
	uint32_t p50, p99, max;
	double cpu_ms, cpu_per_tunnel_ms;
	size_t n_sec;
};

static void figures(struct phase *p, struct phase_fig *f)
{
	uint64_t end = p->t_last_up_ms ? p->t_last_up_ms : p->t_end_ms;
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < FAIL_MAX; i++)
		f->failed += p->failed[i];
	f->wall_s = end > p->t0_ms ? (double)(end - p->t0_ms) / 1000.0 : 0;
	f->rate = f->wall_s > 0 ? p->established / f->wall_s : 0;
	f->n_sec = p->t_end_ms > p->t0_ms ? (size_t)((end - p->t0_ms) / 1000 + 1) : 0;
	if (f->n_sec > p->n_sec)
		f->n_sec = p->n_sec;
	for (i = 0; i < f->n_sec; i++)
		if (p->per_sec[i] > f->peak)
			f->peak = p->per_sec[i];
	f->p50 = samples_percentile(&p->latency, 50);
	f->p99 = samples_percentile(&p->latency, 99);
	f->max = samples_percentile(&p->latency, 100);
	f->cpu_ms = (double)p->cpu_us / 1000.0;
	f->cpu_per_tunnel_ms = p->established ? f->cpu_ms / p->established : 0;
}

bool report_all_ok(void)
{
	unsigned int i;

	for (i = 0; i < n_phases; i++) {
		struct phase_fig f;

		figures(&phases[i], &f);
		if (f.failed || phases[i].established != phases[i].started)
			return false;
	}
	return n_phases > 0;
}

/* --- text ---------------------------------------------------------------------------- */

static void text_phase(struct phase *p)
{
	struct phase_fig f;
	size_t i;

	figures(p, &f);
	printf("%s: %u of %u established, %u failed in %.2f s: %.1f setups/s (peak %.0f/s); "
	       "latency p50 %u ms, p99 %u ms, max %u ms; CPU %.0f ms, %.3f ms per tunnel\n",
	       p->name, p->established, p->started, f.failed, f.wall_s, f.rate, f.peak,
	       f.p50, f.p99, f.max, f.cpu_ms, f.cpu_per_tunnel_ms);
	if (f.n_sec) {
		printf("  setups per second:");
		for (i = 0; i < f.n_sec; i++)
			printf(" %u", p->per_sec[i]);
		printf("\n");
	}
	if (f.failed) {
		printf("  failed:");
		for (i = 0; i < FAIL_MAX; i++)
			if (p->failed[i])
				printf(" %s %u", fail_names[i], p->failed[i]);
		printf("\n");
	}
	printf("  COOKIE restarts %u, INVALID_KE restarts %u, retransmissions %u\n",
	       p->cookies, p->invalid_ke, p->retransmits);
}

static uint64_t total_established(void)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < n_phases; i++)
		n += phases[i].established;
	return n;
}

static void text_report(uint64_t cpu_us)
{
	const struct load_opts *o = &ld->o;
	char a[SGW_PREFIX_STRLEN], s[SGW_PREFIX_STRLEN];
	uint64_t est = total_established();
	unsigned int i;

	sgw_addr_format(&o->responder, a, sizeof(a));
	sgw_addr_format(&o->source.start, s, sizeof(s));
	printf("ikeload: %u tunnels to %s from %s on (%u per address), mode %s; ike %s, esp %s\n",
	       o->n, a, s, o->ports, mode_name(o->mode), o->ike_str, o->esp_str);
	if (o->dh_cache)
		printf("NOTE: DH key pair cached across tunnels (--dh-cache): a load generator's "
		       "shortcut, the responder's cost is unchanged\n");
	for (i = 0; i < n_phases; i++)
		text_phase(&phases[i]);
	printf("at exit: %u up; liveness checks answered %llu; DELETEs from the responder: "
	       "%llu IKE, %llu CHILD\n", ld->n_state[T_UP],
	       (unsigned long long)cnt.liveness_answered, (unsigned long long)cnt.deletes_ike,
	       (unsigned long long)cnt.deletes_child);
	if (o->dpd_secs)
		printf("liveness checks sent %llu, answered %llu (p50 %u ms, p99 %u ms), "
		       "responder dead %llu\n", (unsigned long long)cnt.dpd_sent,
		       (unsigned long long)cnt.dpd_answered, samples_percentile(&cnt.dpd_rtt, 50),
		       samples_percentile(&cnt.dpd_rtt, 99), (unsigned long long)cnt.dpd_dead);
	if (o->rekey_secs || o->rekey_ike_secs || cnt.peer_rekeys_refused)
		printf("rekeys: CHILD_SA %llu, IKE SA %llu, failed %llu; the responder's "
		       "refused %llu\n", (unsigned long long)cnt.child_rekeys,
		       (unsigned long long)cnt.ike_rekeys, (unsigned long long)cnt.rekeys_failed,
		       (unsigned long long)cnt.peer_rekeys_refused);
	if (o->install)
		printf("ESP SAs in the kernel: %llu installs, %llu refused (%u sample tunnels)\n",
		       (unsigned long long)cnt.installed, (unsigned long long)cnt.install_failed,
		       o->install);
	printf("CPU: %.0f ms in all, %.3f ms per tunnel set up (%llu); datagrams sent %llu, "
	       "received %llu (late %llu, invalid %llu, unknown SPI %llu)\n",
	       (double)cpu_us / 1000.0, est ? (double)cpu_us / 1000.0 / (double)est : 0.0,
	       (unsigned long long)est, (unsigned long long)cnt.tx, (unsigned long long)cnt.rx,
	       (unsigned long long)cnt.rx_late, (unsigned long long)cnt.rx_invalid,
	       (unsigned long long)cnt.rx_unknown);
}

/* --- JSON ---------------------------------------------------------------------------- */

static void jadd_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

static void jadd_dbl(struct json_object *o, const char *k, double v, int decimals)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	json_object_object_add(o, k, json_object_new_double_s(v, buf));
}

static struct json_object *json_phase(struct phase *p)
{
	struct json_object *o = json_object_new_object(), *fail, *lat, *sec;
	struct phase_fig f;
	size_t i;

	figures(p, &f);
	json_object_object_add(o, "name", json_object_new_string(p->name));
	jadd_u64(o, "started", p->started);
	jadd_u64(o, "established", p->established);
	jadd_u64(o, "failed", f.failed);
	fail = json_object_new_object();
	for (i = 0; i < FAIL_MAX; i++)
		jadd_u64(fail, fail_names[i], p->failed[i]);
	json_object_object_add(o, "failures", fail);
	jadd_dbl(o, "wall_s", f.wall_s, 3);
	jadd_dbl(o, "setups_per_second", f.rate, 1);
	jadd_dbl(o, "setups_per_second_peak", f.peak, 0);
	sec = json_object_new_array();
	for (i = 0; i < f.n_sec; i++)
		json_object_array_add(sec, json_object_new_int64(p->per_sec[i]));
	json_object_object_add(o, "per_second", sec);
	lat = json_object_new_object();
	jadd_u64(lat, "p50", f.p50);
	jadd_u64(lat, "p99", f.p99);
	jadd_u64(lat, "max", f.max);
	json_object_object_add(o, "latency_ms", lat);
	jadd_dbl(o, "cpu_ms", f.cpu_ms, 1);
	jadd_dbl(o, "cpu_per_tunnel_ms", f.cpu_per_tunnel_ms, 3);
	jadd_u64(o, "cookies", p->cookies);
	jadd_u64(o, "invalid_ke", p->invalid_ke);
	jadd_u64(o, "retransmits", p->retransmits);
	return o;
}

static void json_report(uint64_t cpu_us)
{
	const struct load_opts *o = &ld->o;
	struct json_object *j = json_object_new_object(), *arr, *x;
	char a[SGW_PREFIX_STRLEN];
	uint64_t est = total_established();
	unsigned int i;

	sgw_addr_format(&o->responder, a, sizeof(a));
	jadd_u64(j, "tunnels", o->n);
	json_object_object_add(j, "responder", json_object_new_string(a));
	json_object_object_add(j, "mode", json_object_new_string(mode_name(o->mode)));
	json_object_object_add(j, "ike", json_object_new_string(o->ike_str));
	json_object_object_add(j, "esp", json_object_new_string(o->esp_str));
	json_object_object_add(j, "dh_cache", json_object_new_boolean(o->dh_cache));
	arr = json_object_new_array();
	for (i = 0; i < n_phases; i++)
		json_object_array_add(arr, json_phase(&phases[i]));
	json_object_object_add(j, "phases", arr);
	jadd_u64(j, "up", ld->n_state[T_UP]);
	jadd_u64(j, "liveness_answered", cnt.liveness_answered);
	jadd_u64(j, "deletes_ike", cnt.deletes_ike);
	jadd_u64(j, "deletes_child", cnt.deletes_child);
	jadd_u64(j, "deleted", cnt.deleted);
	jadd_u64(j, "outages", cnt.outages);
	x = json_object_new_object();
	jadd_u64(x, "sent", cnt.dpd_sent);
	jadd_u64(x, "answered", cnt.dpd_answered);
	jadd_u64(x, "dead", cnt.dpd_dead);
	jadd_u64(x, "rtt_p50_ms", samples_percentile(&cnt.dpd_rtt, 50));
	jadd_u64(x, "rtt_p99_ms", samples_percentile(&cnt.dpd_rtt, 99));
	json_object_object_add(j, "dpd", x);
	x = json_object_new_object();
	jadd_u64(x, "child", cnt.child_rekeys);
	jadd_u64(x, "ike", cnt.ike_rekeys);
	jadd_u64(x, "failed", cnt.rekeys_failed);
	jadd_u64(x, "refused", cnt.peer_rekeys_refused);
	json_object_object_add(j, "rekeys", x);
	jadd_u64(j, "installed", cnt.installed);
	jadd_u64(j, "install_failed", cnt.install_failed);
	jadd_dbl(j, "cpu_ms", (double)cpu_us / 1000.0, 1);
	jadd_dbl(j, "cpu_per_tunnel_ms", est ? (double)cpu_us / 1000.0 / (double)est : 0, 3);
	jadd_u64(j, "tx", cnt.tx);
	jadd_u64(j, "rx", cnt.rx);
	jadd_u64(j, "rx_late", cnt.rx_late);
	jadd_u64(j, "rx_invalid", cnt.rx_invalid);
	jadd_u64(j, "rx_unknown", cnt.rx_unknown);
	printf("%s\n", json_object_to_json_string_ext(j, o->pretty ? JSON_C_TO_STRING_PRETTY
								   : JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
}

void report_print(void)
{
	uint64_t cpu = stats_cpu_us();

	if (ld->o.json)
		json_report(cpu);
	else
		text_report(cpu);
	fflush(stdout);
}
