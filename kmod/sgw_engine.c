// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: crypto engines: the objects, where each SA goes, failover when an
 * engine fails (set down, deleted, its CPUs offline), the periodic
 * rebalance, and the per-netns state.
 *
 * Placement of an SA (sgw_engine_place), applied whenever something it
 * depends on changes:
 * 1. its if_id is bound to a healthy engine: that engine (pinned);
 * 2. it is on a healthy active engine: it stays;
 * 3. it is on a healthy standby engine: it goes back to its home (the
 *    active engine it failed over from) once that is healthy, or to the
 *    least loaded healthy active engine if it has no home; else it stays;
 * 4. its engine failed (or it has none): a failed active engine's SAs
 *    go to the least loaded healthy standby engine, N:1, remembering
 *    their home; a new SA, or one whose standby failed, goes to the
 *    healthy active engine with the fewest SAs (then the fewest bytes in
 *    the last rebalance period), else to a standby; if no engine is
 *    healthy, to none (inline crypto).
 * Within its engine an SA runs on one CPU, chosen round robin among the
 * engine's usable CPUs; a CPU going offline moves its SAs to the others.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/inetdevice.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <net/addrconf.h>

#include "sgw_engine.h"

DEFINE_MUTEX(sgw_engine_mutex);
unsigned int sgw_engine_net_id __read_mostly;

/* Namespaces' engine state (under sgw_engine_mutex), for CPU hotplug. */
struct sgw_engine_netref {
	struct list_head node;
	struct sgw_engine_net *en;
};
static LIST_HEAD(sgw_engine_nets);

/* CPUs going or gone offline (under sgw_engine_mutex): set from the
 * start of their teardown, while cpu_online() still says yes. */
static struct cpumask sgw_engine_cpus_down;
static enum cpuhp_state sgw_engine_hp_state;

static bool sgw_engine_cpu_usable(int cpu)
{
	return cpu_online(cpu) && !cpumask_test_cpu(cpu, &sgw_engine_cpus_down);
}

static bool sgw_engine_has_usable_cpu(const struct sgw_engine *eng)
{
	int cpu;

	for_each_cpu(cpu, &eng->cpus)
		if (sgw_engine_cpu_usable(cpu))
			return true;
	return false;
}

static enum sgw_engine_state sgw_engine_state_of(const struct sgw_engine *eng)
{
	if (!eng->admin_up)
		return SGW_ENGINE_DOWN;
	if (!sgw_engine_has_usable_cpu(eng))
		return SGW_ENGINE_FAILED;
	return eng->standby ? SGW_ENGINE_STANDBY : SGW_ENGINE_UP;
}

static bool sgw_engine_healthy(const struct sgw_engine *eng)
{
	return eng->state == SGW_ENGINE_UP || eng->state == SGW_ENGINE_STANDBY;
}

struct sgw_engine *sgw_engine_find(struct sgw_engine_net *en,
				   const char *name)
{
	struct sgw_engine *eng;

	list_for_each_entry(eng, &en->engines, node)
		if (!strcmp(eng->name, name))
			return eng;
	return NULL;
}

struct sgw_engine *sgw_engine_cpu_owner(struct sgw_engine_net *en, int cpu,
					const struct sgw_engine *except)
{
	struct sgw_engine *eng;

	list_for_each_entry(eng, &en->engines, node)
		if (eng != except && cpumask_test_cpu(cpu, &eng->cpus))
			return eng;
	return NULL;
}

static struct sgw_engine_bind *sgw_engine_bind_find(struct sgw_engine_net *en,
						    u32 if_id)
{
	struct sgw_engine_bind *b;

	if (!if_id)
		return NULL;
	list_for_each_entry(b, &en->binds, node)
		if (b->if_id == if_id)
			return b;
	return NULL;
}

void sgw_engine_stats_read(struct sgw_engine *eng, struct sgw_engine_stats *sum)
{
	const struct sgw_engine_stats *st;
	u64 packets, bytes, errors, drops;
	unsigned int start;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		st = per_cpu_ptr(eng->stats, cpu);
		do {
			start = u64_stats_fetch_begin(&st->syncp);
			packets = st->packets;
			bytes = st->bytes;
			errors = st->errors;
			drops = st->drops;
		} while (u64_stats_fetch_retry(&st->syncp, start));
		sum->packets += packets;
		sum->bytes += bytes;
		sum->errors += errors;
		sum->drops += drops;
	}
}

/* ---- placement --------------------------------------------------------- */

/* A usable CPU of the engine, round robin; -1 if none. */
static int sgw_engine_pick_cpu(struct sgw_engine *eng)
{
	unsigned int n = 0, k;
	int cpu;

	for_each_cpu(cpu, &eng->cpus)
		if (sgw_engine_cpu_usable(cpu))
			n++;
	if (!n)
		return -1;
	k = eng->rr++ % n;
	for_each_cpu(cpu, &eng->cpus)
		if (sgw_engine_cpu_usable(cpu) && !k--)
			return cpu;
	return -1;
}

static bool sgw_engine_lighter(const struct sgw_engine *a,
			       const struct sgw_engine *b)
{
	if (!b)
		return true;
	if (a->n_sas != b->n_sas)
		return a->n_sas < b->n_sas;
	return a->recent_bytes < b->recent_bytes;
}

/* The least loaded healthy engine of a kind (active or standby). */
static struct sgw_engine *sgw_engine_least(struct sgw_engine_net *en,
					   enum sgw_engine_state state)
{
	struct sgw_engine *eng, *best = NULL;

	list_for_each_entry(eng, &en->engines, node)
		if (eng->state == state && sgw_engine_lighter(eng, best))
			best = eng;
	return best;
}

/* Put s on eng (NULL: none), on a usable CPU of it; count and announce. */
static void sgw_engine_move(struct sgw_engine_net *en, struct sgw_slot *s,
			    struct sgw_engine *eng, bool pinned)
{
	struct sgw_engine *from = s->placed;
	int cpu = eng ? sgw_engine_pick_cpu(eng) : -1;

	s->pinned = pinned;
	if (from == eng) {
		sgw_slot_set_cpu(s, eng, cpu);
		return;
	}
	if (from) {
		from->n_sas--;
		from->moved_out++;
	}
	if (eng) {
		eng->n_sas++;
		if (from)
			eng->moved_in++;
	}
	s->placed = eng;
	sgw_slot_set_cpu(s, eng, cpu);
	sgw_engine_gen_bump(en);
	if (from)
		sgw_engine_event_moved(en, s, from);
}

static bool sgw_engine_cpu_ok(const struct sgw_slot *s)
{
	return s->placed && s->cpu >= 0 &&
	       cpumask_test_cpu(s->cpu, &s->placed->cpus) &&
	       sgw_engine_cpu_usable(s->cpu);
}

/* Where an SA that must leave its engine (or has none) goes. */
static struct sgw_engine *sgw_engine_target(struct sgw_engine_net *en,
					    struct sgw_slot *s)
{
	struct sgw_engine *cur = s->placed, *to;

	if (cur && !cur->standby) {
		to = sgw_engine_least(en, SGW_ENGINE_STANDBY);
		if (to) {
			s->home = cur;
			return to;
		}
	}
	s->home = NULL;
	return sgw_engine_least(en, SGW_ENGINE_UP) ?:
	       sgw_engine_least(en, SGW_ENGINE_STANDBY);
}

static void sgw_engine_place(struct sgw_engine_net *en, struct sgw_slot *s)
{
	struct sgw_engine_bind *b = sgw_engine_bind_find(en, s->if_id);
	struct sgw_engine *cur = s->placed, *to = NULL;

	if (b && sgw_engine_healthy(b->eng)) {
		s->home = NULL;
		if (cur != b->eng || !sgw_engine_cpu_ok(s))
			sgw_engine_move(en, s, b->eng, true);
		s->pinned = true;
		return;
	}
	s->pinned = false;
	if (cur && cur->state == SGW_ENGINE_STANDBY) {
		if (s->home && s->home->state == SGW_ENGINE_UP)
			to = s->home;
		else if (!s->home)
			to = sgw_engine_least(en, SGW_ENGINE_UP);
		if (to) {
			s->home = NULL;
			sgw_engine_move(en, s, to, false);
			return;
		}
	}
	if (cur && sgw_engine_healthy(cur)) {
		if (!sgw_engine_cpu_ok(s))
			sgw_engine_move(en, s, cur, false);
		return;
	}
	sgw_engine_move(en, s, sgw_engine_target(en, s), false);
}

/* States from the CPUs and the configuration; then every SA's place. */
static void sgw_engine_refresh(struct sgw_engine_net *en)
{
	enum sgw_engine_state state;
	struct sgw_engine *eng;
	struct sgw_slot *s;

	list_for_each_entry(eng, &en->engines, node) {
		state = sgw_engine_state_of(eng);
		if (state == eng->state)
			continue;
		pr_info("engine %s: %s -> %s\n", eng->name,
			sgw_engine_state_name(eng->state),
			sgw_engine_state_name(state));
		eng->state = state;
		sgw_engine_gen_bump(en);
		sgw_engine_event(eng, SGW_EVENT_TRANSITION);
	}
	list_for_each_entry(s, &en->sas, node)
		sgw_engine_place(en, s);
}

/* Move SAs from the most to the least loaded active engine. */
static void sgw_engine_rebalance_once(struct sgw_engine_net *en)
{
	struct sgw_engine *eng, *max, *min;
	struct sgw_slot *s;

	for (;;) {
		max = NULL;
		min = NULL;
		list_for_each_entry(eng, &en->engines, node) {
			if (eng->state != SGW_ENGINE_UP)
				continue;
			if (!max || eng->n_sas > max->n_sas)
				max = eng;
			if (!min || eng->n_sas < min->n_sas)
				min = eng;
		}
		if (!max || max->n_sas - min->n_sas <= SGW_ENGINE_REBALANCE_DIFF)
			return;
		list_for_each_entry(s, &en->sas, node)
			if (s->placed == max && !s->pinned)
				break;
		if (list_entry_is_head(s, &en->sas, node))
			return;		/* only pinned SAs there */
		sgw_engine_move(en, s, min, false);
	}
}

static void sgw_engine_rebalance_work(struct work_struct *work)
{
	struct sgw_engine_net *en = container_of(to_delayed_work(work),
						 struct sgw_engine_net,
						 rebalance);
	struct sgw_engine_stats sum;
	struct sgw_engine *eng;

	cpus_read_lock();
	mutex_lock(&sgw_engine_mutex);
	if (en->dying)
		goto unlock;
	list_for_each_entry(eng, &en->engines, node) {
		sgw_engine_stats_read(eng, &sum);
		eng->recent_bytes = sum.bytes - eng->bytes_seen;
		eng->bytes_seen = sum.bytes;
	}
	sgw_engine_refresh(en);
	sgw_engine_rebalance_once(en);
	if (en->n_engines)
		schedule_delayed_work(&en->rebalance,
				      msecs_to_jiffies(SGW_ENGINE_REBALANCE_MS));
unlock:
	mutex_unlock(&sgw_engine_mutex);
	cpus_read_unlock();
}

/* ---- SAs coming and going (sgw_engine_km.c's events) -------------------- */

static u8 sgw_engine_sa_dir(struct net *net, u8 family,
			    const xfrm_address_t *daddr)
{
	bool local = false;

	rcu_read_lock();
	if (family == AF_INET)
		local = __ip_dev_find(net, daddr->a4, false);
	else if (family == AF_INET6)
		local = ipv6_chk_addr(net, (const struct in6_addr *)daddr->a6,
				      NULL, 0);
	rcu_read_unlock();
	return local ? SGW_ENGINE_SA_IN : SGW_ENGINE_SA_OUT;
}

static void sgw_engine_unlist(struct sgw_slot *s)
{
	struct sgw_engine_net *en = s->en;

	if (!en)
		return;
	if (s->placed) {
		s->placed->n_sas--;
		s->placed = NULL;
	}
	s->home = NULL;
	sgw_slot_set_cpu(s, NULL, -1);
	list_del_init(&s->node);
	en->n_sas--;
	s->en = NULL;
	sgw_engine_gen_bump(en);
	sgw_slot_put(s);
}

static void sgw_engine_learn(struct sgw_slot *s, struct net *net)
{
	struct sgw_engine_net *en = sgw_engine_pernet(net);
	xfrm_address_t daddr;

	if (en->dying)
		return;
	if (s->en && s->en != en)
		sgw_engine_unlist(s);
	sgw_engine_event_daddr(s, &daddr);
	s->dir = sgw_engine_sa_dir(net, s->family, &daddr);
	if (!s->en) {
		sgw_slot_get(s);
		s->en = en;
		list_add_tail(&s->node, &en->sas);
		en->n_sas++;
		sgw_engine_gen_bump(en);
	}
	sgw_engine_place(en, s);
}

void sgw_engine_events_run(void)
{
	struct sgw_slot *s;
	struct net *net;
	bool gone;

	cpus_read_lock();
	mutex_lock(&sgw_engine_mutex);
	while ((s = sgw_engine_event_next(&net, &gone))) {
		if (gone)
			sgw_engine_unlist(s);
		else if (net)
			sgw_engine_learn(s, net);
		if (net)
			put_net(net);
		sgw_slot_put(s);
	}
	mutex_unlock(&sgw_engine_mutex);
	cpus_read_unlock();
}

/* ---- engines ------------------------------------------------------------ */

static void sgw_engine_free_rcu(struct rcu_head *head)
{
	struct sgw_engine *eng = container_of(head, struct sgw_engine, rcu);

	free_percpu(eng->stats);
	kfree(eng);
}

int sgw_engine_create(struct sgw_engine_net *en, const char *name,
		      const struct cpumask *cpus, bool standby, bool up,
		      struct netlink_ext_ack *extack)
{
	struct sgw_engine *eng, *pos;
	int cpu;

	eng = kzalloc(sizeof(*eng), GFP_KERNEL);
	if (!eng)
		return -ENOMEM;
	eng->stats = alloc_percpu(struct sgw_engine_stats);
	if (!eng->stats) {
		kfree(eng);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(eng->stats, cpu)->syncp);
	eng->en = en;
	strscpy(eng->name, name, sizeof(eng->name));
	cpumask_copy(&eng->cpus, cpus);
	eng->standby = standby;
	eng->admin_up = up;
	eng->state = sgw_engine_state_of(eng);
	list_for_each_entry(pos, &en->engines, node)
		if (strcmp(pos->name, name) > 0)
			break;
	list_add_tail(&eng->node, &pos->node);
	en->n_engines++;
	sgw_engine_gen_bump(en);
	sgw_engine_event(eng, SGW_EVENT_CREATED);
	sgw_engine_refresh(en);
	if (en->n_engines == 1)
		schedule_delayed_work(&en->rebalance,
				      msecs_to_jiffies(SGW_ENGINE_REBALANCE_MS));
	return 0;
}

/* standby, up: -1 unchanged. */
int sgw_engine_change(struct sgw_engine *eng, const struct cpumask *cpus,
		      int standby, int up)
{
	if (cpus)
		cpumask_copy(&eng->cpus, cpus);
	if (standby >= 0)
		eng->standby = standby;
	if (up >= 0)
		eng->admin_up = up;
	sgw_engine_gen_bump(eng->en);
	sgw_engine_event(eng, SGW_EVENT_CHANGED);
	sgw_engine_refresh(eng->en);
	return 0;
}

/* Its SAs move first, its bindings go; then the engine. */
void sgw_engine_destroy(struct sgw_engine *eng)
{
	struct sgw_engine_net *en = eng->en;
	struct sgw_engine_bind *b, *tmp;
	struct sgw_slot *s;

	list_for_each_entry_safe(b, tmp, &en->binds, node) {
		if (b->eng != eng)
			continue;
		list_del(&b->node);
		en->n_binds--;
		kfree(b);
	}
	list_for_each_entry(s, &en->sas, node)
		if (s->home == eng)
			s->home = NULL;
	eng->admin_up = false;
	eng->state = SGW_ENGINE_DOWN;
	sgw_engine_refresh(en);
	list_del(&eng->node);
	en->n_engines--;
	sgw_engine_gen_bump(en);
	sgw_engine_event(eng, SGW_EVENT_DELETED);
	call_rcu(&eng->rcu, sgw_engine_free_rcu);
}

int sgw_engine_bind(struct sgw_engine_net *en, u32 if_id,
		    struct sgw_engine *eng, struct netlink_ext_ack *extack)
{
	struct sgw_engine_bind *b = sgw_engine_bind_find(en, if_id);
	struct sgw_engine *old = b ? b->eng : NULL;
	struct sgw_slot *s;

	if (!eng && b) {
		list_del(&b->node);
		en->n_binds--;
		kfree(b);
	} else if (eng && !b) {
		if (en->n_binds >= SGW_MAX_BINDINGS) {
			NL_SET_ERR_MSG(extack, "too many bound if_ids");
			return -ENOSPC;
		}
		b = kzalloc(sizeof(*b), GFP_KERNEL);
		if (!b)
			return -ENOMEM;
		b->if_id = if_id;
		list_add_tail(&b->node, &en->binds);
		en->n_binds++;
	}
	if (b && eng)
		b->eng = eng;
	sgw_engine_gen_bump(en);
	list_for_each_entry(s, &en->sas, node)
		if (s->if_id == if_id)
			sgw_engine_place(en, s);
	if (old && old != eng)
		sgw_engine_event(old, SGW_EVENT_CHANGED);
	if (eng && old != eng)
		sgw_engine_event(eng, SGW_EVENT_CHANGED);
	return 0;
}

/* ---- CPU hotplug --------------------------------------------------------- */

static void sgw_engine_refresh_all(void)
{
	struct sgw_engine_netref *ref;

	list_for_each_entry(ref, &sgw_engine_nets, node)
		if (!ref->en->dying)
			sgw_engine_refresh(ref->en);
}

/* Runs on the CPU going away, before its workers are unbound. */
static int sgw_engine_cpu_offline(unsigned int cpu)
{
	mutex_lock(&sgw_engine_mutex);
	cpumask_set_cpu(cpu, &sgw_engine_cpus_down);
	sgw_engine_refresh_all();
	mutex_unlock(&sgw_engine_mutex);
	return 0;
}

static int sgw_engine_cpu_online(unsigned int cpu)
{
	mutex_lock(&sgw_engine_mutex);
	cpumask_clear_cpu(cpu, &sgw_engine_cpus_down);
	sgw_engine_refresh_all();
	mutex_unlock(&sgw_engine_mutex);
	return 0;
}

/* ---- namespaces ------------------------------------------------------------ */

static int __net_init sgw_engine_net_init(struct net *net)
{
	struct sgw_engine_net *en = sgw_engine_pernet(net);
	struct sgw_engine_netref *ref;

	ref = kzalloc(sizeof(*ref), GFP_KERNEL);
	if (!ref)
		return -ENOMEM;
	en->net = net;
	INIT_LIST_HEAD(&en->engines);
	INIT_LIST_HEAD(&en->binds);
	INIT_LIST_HEAD(&en->sas);
	INIT_DELAYED_WORK(&en->rebalance, sgw_engine_rebalance_work);
	en->gen = 1;
	ref->en = en;
	mutex_lock(&sgw_engine_mutex);
	list_add_tail(&ref->node, &sgw_engine_nets);
	mutex_unlock(&sgw_engine_mutex);
	return 0;
}

/*
 * The namespace goes: its SAs fall back to inline crypto (their states
 * go later, in XFRM's own exit), its engines and bindings go.
 */
static void __net_exit sgw_engine_net_exit(struct net *net)
{
	struct sgw_engine_net *en = sgw_engine_pernet(net);
	struct sgw_engine_netref *ref;
	struct sgw_engine_bind *b, *tb;
	struct sgw_engine *eng, *te;
	struct sgw_slot *s, *ts;

	cpus_read_lock();
	mutex_lock(&sgw_engine_mutex);
	en->dying = true;
	list_for_each_entry_safe(s, ts, &en->sas, node)
		sgw_engine_unlist(s);
	list_for_each_entry_safe(b, tb, &en->binds, node) {
		list_del(&b->node);
		kfree(b);
	}
	list_for_each_entry_safe(eng, te, &en->engines, node) {
		list_del(&eng->node);
		call_rcu(&eng->rcu, sgw_engine_free_rcu);
	}
	en->n_engines = 0;
	list_for_each_entry(ref, &sgw_engine_nets, node)
		if (ref->en == en)
			break;
	list_del(&ref->node);
	kfree(ref);
	mutex_unlock(&sgw_engine_mutex);
	cpus_read_unlock();
	cancel_delayed_work_sync(&en->rebalance);
}

static struct pernet_operations sgw_engine_net_ops = {
	.init	= sgw_engine_net_init,
	.exit	= sgw_engine_net_exit,
	.id	= &sgw_engine_net_id,
	.size	= sizeof(struct sgw_engine_net),
};

int __init sgw_engine_init(void)
{
	int err;

	err = sgw_engine_aead_init();
	if (err)
		return err;
	err = register_pernet_subsys(&sgw_engine_net_ops);
	if (err)
		goto aead;
	err = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "net/sgw_engine:online",
					sgw_engine_cpu_online,
					sgw_engine_cpu_offline);
	if (err < 0)
		goto pernet;
	sgw_engine_hp_state = err;
	err = sgw_engine_km_init();
	if (err)
		goto hp;
	return 0;
hp:
	cpuhp_remove_state_nocalls(sgw_engine_hp_state);
pernet:
	unregister_pernet_subsys(&sgw_engine_net_ops);
aead:
	sgw_engine_aead_exit();
	return err;
}

/*
 * Module unload: every wrapper held the module, so none is left; their
 * last events are flushed by sgw_engine_km_exit.
 */
void sgw_engine_exit(void)
{
	sgw_engine_km_exit();
	sgw_engine_rx_unregister();
	cpuhp_remove_state_nocalls(sgw_engine_hp_state);
	unregister_pernet_subsys(&sgw_engine_net_ops);
	rcu_barrier();
	sgw_engine_aead_exit();
}
