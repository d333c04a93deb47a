// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: which SA holds which wrapper, from the XFRM key-manager hook.
 *
 * The module registers as a key manager that only listens: its notify
 * sees every SA added, updated, deleted or expired, in every namespace.
 * An ESP SA's x->data is the AEAD transform ESP allocated; when that is
 * one of our wrappers, the SA's identity (SPI, if_id, family, destination)
 * is recorded on the wrapper's slot and the slot is queued for the events
 * work, which places it (sgw_engine.c). The hook runs in atomic context
 * (the SA expiry timer calls it with the SA's lock held), so it records
 * and defers, nothing else. The transform's exit queues the slot too, to
 * let go of it.
 */

#include <linux/workqueue.h>
#include <net/xfrm.h>

#include "sgw_engine.h"

static DEFINE_SPINLOCK(sgw_engine_ev_lock);
static LIST_HEAD(sgw_engine_ev_list);

static void sgw_engine_ev_work_fn(struct work_struct *work)
{
	sgw_engine_events_run();
}

static DECLARE_WORK(sgw_engine_ev_work, sgw_engine_ev_work_fn);

/* Under sgw_engine_ev_lock: the slot will be looked at by the work. */
static void sgw_engine_ev_queue(struct sgw_slot *s)
{
	if (s->ev_queued)
		return;
	s->ev_queued = true;
	sgw_slot_get(s);
	list_add_tail(&s->ev_node, &sgw_engine_ev_list);
}

/* The wrapper of s is being freed. */
void sgw_engine_event_slot(struct sgw_slot *s)
{
	unsigned long flags;

	spin_lock_irqsave(&sgw_engine_ev_lock, flags);
	s->ev_gone = true;
	sgw_engine_ev_queue(s);
	spin_unlock_irqrestore(&sgw_engine_ev_lock, flags);
	schedule_work(&sgw_engine_ev_work);
}

/*
 * The next slot with news, or NULL. The caller owns the reference the
 * queue held, and, with *net set, a reference to the SA's namespace.
 */
struct sgw_slot *sgw_engine_event_next(struct net **net, bool *gone)
{
	struct sgw_slot *s;
	unsigned long flags;

	spin_lock_irqsave(&sgw_engine_ev_lock, flags);
	s = list_first_entry_or_null(&sgw_engine_ev_list, struct sgw_slot,
				     ev_node);
	if (s) {
		list_del_init(&s->ev_node);
		s->ev_queued = false;
		*gone = s->ev_gone;
		*net = s->ev_net;
		s->ev_net = NULL;
		if (s->ev_sa) {
			s->ev_sa = false;
			s->spi = ntohl((__force __be32)s->ev_spi);
			s->if_id = s->ev_if_id;
			s->family = s->ev_family;
		}
	}
	spin_unlock_irqrestore(&sgw_engine_ev_lock, flags);
	return s;
}

/* Atomic context: record what the SA is, for the work. */
static void sgw_engine_km_sa(struct xfrm_state *x, struct sgw_slot *s,
			     bool gone)
{
	struct net *old = NULL;
	unsigned long flags;

	spin_lock_irqsave(&sgw_engine_ev_lock, flags);
	if (gone) {
		s->ev_gone = true;
	} else if (!s->ev_gone) {
		old = s->ev_net;
		s->ev_net = maybe_get_net(xs_net(x));
		s->ev_sa = s->ev_net != NULL;
		s->ev_spi = (__force u32)x->id.spi;
		s->ev_if_id = x->if_id;
		s->ev_family = x->props.family;
		s->ev_daddr = x->id.daddr;
	}
	sgw_engine_ev_queue(s);
	spin_unlock_irqrestore(&sgw_engine_ev_lock, flags);
	if (old)
		put_net(old);
	schedule_work(&sgw_engine_ev_work);
}

static int sgw_engine_km_notify(struct xfrm_state *x, const struct km_event *c)
{
	struct sgw_slot *s;
	bool gone;

	switch (c->event) {
	case XFRM_MSG_NEWSA:
	case XFRM_MSG_UPDSA:
		gone = false;
		break;
	case XFRM_MSG_DELSA:
		gone = true;
		break;
	case XFRM_MSG_EXPIRE:
		if (!c->data.hard)
			return 0;
		gone = true;
		break;
	default:
		return 0;
	}
	if (!x || x->id.proto != IPPROTO_ESP || !x->type || !x->data)
		return 0;
	s = sgw_engine_aead_slot(x->data);
	if (s)
		sgw_engine_km_sa(x, s, gone);
	return 0;
}

/* km_query calls every manager's acquire: we never negotiate SAs. */
static int sgw_engine_km_acquire(struct xfrm_state *x, struct xfrm_tmpl *t,
				 struct xfrm_policy *xp)
{
	return -EINVAL;
}

/* xfrm_user_policy asks every manager: per-socket policies are not ours. */
static struct xfrm_policy *sgw_engine_km_compile(struct sock *sk, int opt,
						 u8 *data, int len, int *dir)
{
	*dir = -EINVAL;
	return NULL;
}

static struct xfrm_mgr sgw_engine_km = {
	.notify		= sgw_engine_km_notify,
	.acquire	= sgw_engine_km_acquire,
	.compile_policy	= sgw_engine_km_compile,
};

/* The SA's destination as the work needs it (under the slot's ev). */
void sgw_engine_event_daddr(struct sgw_slot *s, xfrm_address_t *daddr)
{
	unsigned long flags;

	spin_lock_irqsave(&sgw_engine_ev_lock, flags);
	*daddr = s->ev_daddr;
	spin_unlock_irqrestore(&sgw_engine_ev_lock, flags);
}

int __init sgw_engine_km_init(void)
{
	xfrm_register_km(&sgw_engine_km);
	return 0;
}

/* After it, no notification comes and every queued one has been seen. */
void sgw_engine_km_exit(void)
{
	xfrm_unregister_km(&sgw_engine_km);
	flush_work(&sgw_engine_ev_work);
}
