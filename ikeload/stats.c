// SPDX-License-Identifier: GPL-2.0
/*
 * What ikeload counts: per phase (the first setup, each storm, the churn)
 * setups started, established and failed by reason, setups per second,
 * setup latency, CPU time; over the run, what the responder asked of us
 * (liveness checks, DELETEs) and what we asked of it (DPD, rekeys).
 */
#include "ikeload.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

const char *const fail_names[FAIL_MAX] = {
	[FAIL_TIMEOUT] = "timeout",
	[FAIL_NO_PROPOSAL] = "no_proposal_chosen",
	[FAIL_INVALID_KE] = "invalid_ke_payload",
	[FAIL_COOKIE] = "cookie",
	[FAIL_AUTH] = "authentication_failed",
	[FAIL_TS] = "ts_unacceptable",
	[FAIL_NO_CHILD] = "no_child_sa",
	[FAIL_PEER_ERROR] = "peer_error",
	[FAIL_SYNTAX] = "invalid_response",
	[FAIL_KERNEL] = "kernel",
	[FAIL_DELETED] = "deleted_by_peer",
	[FAIL_INTERNAL] = "internal",
};

struct counters cnt;
struct phase phases[LOAD_MAX_PHASES];
unsigned int n_phases;

void samples_add(struct samples *s, uint32_t v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		uint32_t *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return;		/* a sample lost, not the run */
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t samples_percentile(struct samples *s, double p)
{
	size_t rank;

	if (!s->n)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u32);
	if (p <= 0)
		return s->v[0];
	/* nearest rank: the smallest value with p% of the values at or below it */
	rank = (size_t)((p / 100.0) * (double)s->n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > s->n)
		rank = s->n;
	return s->v[rank - 1];
}

void samples_free(struct samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

uint64_t stats_cpu_us(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (uint64_t)ru.ru_utime.tv_sec * 1000000 + (uint64_t)ru.ru_utime.tv_usec +
	       (uint64_t)ru.ru_stime.tv_sec * 1000000 + (uint64_t)ru.ru_stime.tv_usec;
}

struct phase *phase_cur(void)
{
	return n_phases ? &phases[n_phases - 1] : NULL;
}

struct phase *phase_begin(const char *name)
{
	struct phase *p;

	if (n_phases == LOAD_MAX_PHASES)
		return phase_cur();
	p = &phases[n_phases++];
	memset(p, 0, sizeof(*p));
	strncpy(p->name, name, sizeof(p->name) - 1);
	p->t0_ms = sgw_now_ms();
	p->cpu0_us = stats_cpu_us();
	return p;
}

void phase_end(struct phase *p)
{
	if (!p || p->t_end_ms)
		return;
	p->t_end_ms = sgw_now_ms();
	p->cpu_us = stats_cpu_us() - p->cpu0_us;
}

void phase_up(struct phase *p, uint64_t now, uint32_t latency_ms)
{
	size_t sec;

	if (!p)
		return;
	p->established++;
	p->t_last_up_ms = now;
	samples_add(&p->latency, latency_ms);
	sec = (size_t)((now - p->t0_ms) / 1000);
	if (sec >= p->n_sec) {
		size_t n = sec + 16;
		uint32_t *v = realloc(p->per_sec, n * sizeof(*v));

		if (!v)
			return;
		memset(v + p->n_sec, 0, (n - p->n_sec) * sizeof(*v));
		p->per_sec = v;
		p->n_sec = n;
	}
	p->per_sec[sec]++;
}
