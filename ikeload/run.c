// SPDX-License-Identifier: GPL-2.0
/*
 * The loop and the phases of a run:
 *
 *   hold   setup (every tunnel, at --rate), hold for --duration, teardown
 *   storm  setup; then --storms times: an outage (every SA forgotten at
 *          once, nothing sent, for --outage seconds) and a storm phase
 *          (every tunnel again, all at once whatever --rate and --window
 *          say, INITIAL_CONTACT); hold; teardown
 *   churn  setup; then for --duration, --churn-rate tunnels a second are
 *          deleted and set up again; teardown
 *
 * A phase ends when no setup is queued or in progress (or at --timeout).
 * The teardown deletes every tunnel (unless --no-delete) and waits for
 * the answers. SIGINT and SIGTERM end the phase at hand and go to the
 * teardown.
 */
#include "ikeload.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#define TEARDOWN_MS 15000

static void on_signal(int sig)
{
	(void)sig;
	ld->stop = 1;
}

static int min_wait(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* One turn: wait for datagrams or the next deadline, handle them, run the
 * timers, start what pace.c allows. */
static void turn(int max_ms)
{
	struct epoll_event ev[16];
	uint64_t now = sgw_now_ms();
	int wait, n, i, k;

	wait = min_wait(max_ms, sgw_timer_next(&ld->timers, now));
	wait = min_wait(wait, pace_run(now));
	n = epoll_wait(ld->epfd, ev, 16, wait);
	for (i = 0; i < n; i++)
		/* a few batches each, then the timers get their turn */
		for (k = 0; k < 8 && sock_receive(ev[i].data.u32, dispatch_packet) > 0; k++)
			;
	now = sgw_now_ms();
	sgw_timer_run(&ld->timers, now);
	report_progress(now);
}

static bool setups_pending(void)
{
	return ld->q_len || ld->n_state[T_INIT_SENT] || ld->n_state[T_AUTH_SENT];
}

/* Every idle or failed tunnel, set up at rate; until all are done. */
static void setup_phase(const char *name, double rate, unsigned int window)
{
	struct phase *p = phase_begin(name);
	uint64_t deadline = ld->o.timeout ? p->t0_ms + ld->o.timeout * 1000ULL : UINT64_MAX;
	uint32_t i;

	pace_begin(rate, window);
	for (i = 0; i < ld->o.n; i++)
		tunnel_queue(&ld->t[i]);
	while (!ld->stop && setups_pending() && sgw_now_ms() < deadline)
		turn(1000);
	phase_end(p);
}

static void hold(unsigned int secs)
{
	uint64_t end = sgw_now_ms() + secs * 1000ULL, now;

	while (!ld->stop && (now = sgw_now_ms()) < end)
		turn((int)(end - now < 1000 ? end - now : 1000));
}

/* Every SA forgotten at once, as an eNodeB that rebooted. */
static void outage(void)
{
	uint32_t i;

	for (i = 0; i < ld->o.n; i++)
		tunnel_drop(&ld->t[i]);
	ld->q_head = ld->q_len = 0;
	hold(ld->o.outage);
}

static void churn(void)
{
	const struct load_opts *o = &ld->o;
	struct phase *p = phase_begin("churn");
	uint64_t end = p->t0_ms + o->duration * 1000ULL, next = p->t0_ms, now;
	double interval = 1000.0 / o->churn_rate, owed = 0;
	uint32_t cursor = 0;

	pace_begin(0, ld->o.window);
	while (!ld->stop && (now = sgw_now_ms()) < end) {
		while (now >= next) {
			uint32_t scanned;

			for (scanned = 0; scanned < o->n; scanned++) {
				struct tunnel *t = &ld->t[cursor];

				cursor = (cursor + 1) % o->n;
				if (t->state == T_UP) {
					t->remake = true;
					if (info_delete(t))
						t->remake = false;
					break;
				}
			}
			owed += interval;
			next = p->t0_ms + (uint64_t)owed;
		}
		turn((int)(next - now < 1000 ? next - now : 1000));
	}
	/* the last ones deleted come back before the phase ends */
	end = sgw_now_ms() + TEARDOWN_MS;
	while (!ld->stop && (setups_pending() || ld->n_state[T_DELETING]) && sgw_now_ms() < end)
		turn(1000);
	phase_end(p);
}

static void teardown(void)
{
	uint64_t end = sgw_now_ms() + TEARDOWN_MS;
	uint32_t i;

	ld->q_head = ld->q_len = 0;
	if (ld->o.no_delete)
		return;
	for (i = 0; i < ld->o.n; i++) {
		ld->t[i].remake = false;
		if (ld->t[i].state == T_UP)
			info_delete(&ld->t[i]);
	}
	ld->stop = 0;
	while (!ld->stop && ld->n_state[T_DELETING] && sgw_now_ms() < end)
		turn(1000);
}

int run(void)
{
	const struct load_opts *o = &ld->o;
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	setup_phase("setup", o->rate, o->window);
	if (o->mode == MODE_STORM) {
		for (i = 1; i <= o->storms && !ld->stop; i++) {
			char name[24];

			outage();
			snprintf(name, sizeof(name), "storm%u", i);
			setup_phase(name, 0, 0);
		}
	}
	if (o->mode == MODE_CHURN)
		churn();
	else
		hold(o->duration);
	teardown();
	return report_all_ok() ? 0 : 1;
}
