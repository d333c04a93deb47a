// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: the "sgw_engine" AEAD template, the data path of crypto engines.
 *
 * An instance wraps the transform ESP allocates for an SA (for instance
 * "seqiv(rfc4106(gcm(aes)))" or "echainiv(authenc(hmac(sha256),cbc(aes)))")
 * and registers under the same algorithm name with a higher priority, so
 * that every SA created afterwards gets a wrapper (as pcrypt does). A
 * wrapper's requests go through its slot:
 *
 * - a slot not placed on an engine (cpu -1) with nothing queued runs the
 *   request inline in the inner transform, as without the module;
 * - otherwise the request joins the slot's queue and the slot's work,
 *   queued on the CPU of the engine the slot is placed on, runs the
 *   queue in order, one request at a time, and completes each request
 *   with BHs disabled (ESP resumes its output or input from there).
 *
 * One work item per slot, never running twice at once, and one request
 * of a slot in the inner transform at a time keep an SA's packets in
 * order, also while the slot moves: the work notices a new CPU between
 * two requests and requeues itself there, the queue untouched.
 *
 * Only encryption is made asynchronous. Decryption always runs inline:
 * inbound SAs get to their engine one step earlier, as packets
 * (sgw_engine_rx.c), which the slot's work hands back to XFRM on the
 * engine's CPU, where the decryption is then synchronous. An asynchronous
 * decryption would go through xfrm_input()'s resumption, whose device
 * reference is released on the xfrm interface rather than on the device
 * the packet came in on in the 6.1 stable kernels we run on (one
 * reference leaked per packet, and the device can never be unregistered).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/internal/aead.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "sgw_engine.h"

/* The transforms ESP asks for that engines wrap (Documentation/engines.md). */
static const char *const sgw_engine_wrapped[] = {
	"seqiv(rfc4106(gcm(aes)))",
	"echainiv(authenc(hmac(sha1),cbc(aes)))",
	"echainiv(authenc(hmac(sha256),cbc(aes)))",
	"echainiv(authenc(hmac(sha384),cbc(aes)))",
	"echainiv(authenc(hmac(sha512),cbc(aes)))",
	"echainiv(authencesn(hmac(sha1),cbc(aes)))",
	"echainiv(authencesn(hmac(sha256),cbc(aes)))",
	"echainiv(authencesn(hmac(sha384),cbc(aes)))",
	"echainiv(authencesn(hmac(sha512),cbc(aes)))",
};

#define SGW_ENGINE_TMPL		"sgw_engine"
#define SGW_ENGINE_PRIORITY	200	/* above the inner transform (and
					 * pcrypt's +100) */
#define SGW_ENGINE_BUDGET	64	/* requests per run of a slot's work */

struct sgw_engine_ictx {
	struct crypto_aead_spawn spawn;
};

struct sgw_engine_tctx {
	struct sgw_slot *slot;
};

/* The context of a request to the wrapper: the inner request follows. */
struct sgw_engine_req {
	struct list_head node;		/* sgw_slot.queue */
	struct aead_request *req;	/* the wrapper's request */
	struct sgw_slot *slot;
	bool encrypt;
	void *__ctx[] CRYPTO_MINALIGN_ATTR; /* struct aead_request, inner */
};

static struct workqueue_struct *sgw_engine_wq;

static struct aead_request *sgw_engine_creq(struct sgw_engine_req *r)
{
	return (struct aead_request *)r->__ctx;
}

void sgw_slot_get(struct sgw_slot *s)
{
	refcount_inc(&s->ref);
}

/* Any context: the last reference goes after the transform is freed. */
void sgw_slot_put(struct sgw_slot *s)
{
	if (refcount_dec_and_test(&s->ref))
		kfree(s);
}

/* Queue the slot's work (under s->lock): it holds a reference. */
static void sgw_slot_kick(struct sgw_slot *s)
{
	bool queued;

	sgw_slot_get(s);
	if (s->cpu >= 0)
		queued = queue_work_on(s->cpu, sgw_engine_wq, &s->work);
	else
		queued = queue_work(sgw_engine_wq, &s->work);
	if (!queued)
		refcount_dec(&s->ref);	/* already queued: it has one */
}

/* Where the slot's work runs from its next item on (takes s->lock). */
void sgw_slot_set_cpu(struct sgw_slot *s, struct sgw_engine *eng, int cpu)
{
	spin_lock_bh(&s->lock);
	s->cpu = cpu;
	rcu_assign_pointer(s->eng, eng);
	spin_unlock_bh(&s->lock);
}

/* With preemption off (BHs disabled or in the inner completion). */
static void sgw_engine_account(struct sgw_slot *s, unsigned int len, int err)
{
	struct sgw_engine_stats *st;
	struct sgw_engine *eng;

	s->packets++;
	s->bytes += len;
	if (err)
		s->errors++;
	rcu_read_lock();
	eng = rcu_dereference(s->eng);
	if (eng) {
		st = this_cpu_ptr(eng->stats);
		u64_stats_update_begin(&st->syncp);
		st->packets++;
		st->bytes += len;
		if (err)
			st->errors++;
		u64_stats_update_end(&st->syncp);
	}
	rcu_read_unlock();
}

static void sgw_engine_count_drop(struct sgw_slot *s)
{
	struct sgw_engine_stats *st;
	struct sgw_engine *eng;

	rcu_read_lock();
	eng = rcu_dereference(s->eng);
	if (eng) {
		st = get_cpu_ptr(eng->stats);
		u64_stats_update_begin(&st->syncp);
		st->drops++;
		u64_stats_update_end(&st->syncp);
		put_cpu_ptr(eng->stats);
	}
	rcu_read_unlock();
}

/* Queue an inbound packet of the slot's SA, if the slot is on an engine
 * (or still has work queued): true when it took the packet. Softirq. */
bool sgw_slot_rx_steal(struct sgw_slot *s, struct sk_buff *skb, u8 family,
		       int encap)
{
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	if (s->cpu < 0 && !s->scheduled) {
		spin_unlock_irqrestore(&s->lock, flags);
		return false;
	}
	if (skb_queue_len(&s->rxq) >= SGW_ENGINE_QLEN) {
		spin_unlock_irqrestore(&s->lock, flags);
		sgw_engine_count_drop(s);
		kfree_skb(skb);
		return true;
	}
	/* It waits outside the receive path: its route and device must
	 * stay valid (the device cannot go before the queue is done). */
	skb_dst_force(skb);
	dev_hold(skb->dev);
	s->rx_family = family;
	s->rx_encap = encap;
	__skb_queue_tail(&s->rxq, skb);
	if (!s->scheduled) {
		s->scheduled = true;
		sgw_slot_kick(s);
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return true;
}

/* Hand an inbound packet back to XFRM, here, on the engine's CPU. */
static void sgw_engine_rx_run(struct sgw_slot *s, struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	unsigned int len = skb->len;

	local_bh_disable();
	sgw_engine_rx_reinject(skb, s->rx_family, s->rx_encap);
	sgw_engine_account(s, len, 0);
	local_bh_enable();
	dev_put(dev);
}

/* A request of the queue is done: account for it and complete it. */
static void sgw_engine_finish(struct sgw_slot *s, struct sgw_engine_req *r,
			      int err)
{
	struct aead_request *req = r->req;

	sgw_engine_account(s, req->cryptlen, err);
	aead_request_complete(req, err);
}

/* The inner transform completed a request asynchronously. */
static void sgw_engine_child_done(struct crypto_async_request *base, int err)
{
	struct sgw_engine_req *r = base->data;
	struct sgw_slot *s = r->slot;
	unsigned long flags;

	if (err == -EINPROGRESS)
		return;		/* left the backlog: the result comes later */
	sgw_engine_finish(s, r, err);
	spin_lock_irqsave(&s->lock, flags);
	s->busy = false;
	sgw_slot_kick(s);	/* the next request */
	spin_unlock_irqrestore(&s->lock, flags);
	sgw_slot_put(s);	/* taken for the request in flight */
}

/* Run one request; true when the inner transform completes it later. */
static bool sgw_engine_run(struct sgw_slot *s, struct sgw_engine_req *r)
{
	struct aead_request *creq = sgw_engine_creq(r);
	int err;

	sgw_slot_get(s);
	aead_request_set_callback(creq, CRYPTO_TFM_REQ_MAY_BACKLOG,
				  sgw_engine_child_done, r);
	err = r->encrypt ? crypto_aead_encrypt(creq) : crypto_aead_decrypt(creq);
	if (err == -EINPROGRESS || err == -EBUSY)
		return true;
	local_bh_disable();
	sgw_engine_finish(s, r, err);
	local_bh_enable();
	sgw_slot_put(s);
	return false;
}

/*
 * The next inbound packet (*skb) or request of the queue, or false when
 * the work should stop: the queues are empty (the slot is idle again),
 * or the work requeued itself (on the slot's new CPU, or to let others
 * run). A slot carries one SA: packets (inbound) or requests (outbound).
 */
static bool sgw_engine_next(struct sgw_slot *s, unsigned int *budget,
			    struct sgw_engine_req **r, struct sk_buff **skb)
{
	bool more = false;
	int cpu;

	spin_lock_bh(&s->lock);
	s->busy = false;
	*skb = skb_peek(&s->rxq);
	*r = list_first_entry_or_null(&s->queue, struct sgw_engine_req, node);
	if (!*skb && !*r) {
		s->scheduled = false;
		goto unlock;
	}
	cpu = s->cpu;
	if (!(*budget)-- || (cpu >= 0 && cpu != raw_smp_processor_id() &&
			     cpu_online(cpu))) {
		sgw_slot_kick(s);
		goto unlock;
	}
	more = true;
	if (*skb) {
		__skb_unlink(*skb, &s->rxq);
		*r = NULL;
		goto unlock;
	}
	list_del(&(*r)->node);
	s->qlen--;
	s->busy = true;
unlock:
	spin_unlock_bh(&s->lock);
	return more;
}

static void sgw_slot_work(struct work_struct *work)
{
	struct sgw_slot *s = container_of(work, struct sgw_slot, work);
	unsigned int budget = SGW_ENGINE_BUDGET;
	struct sgw_engine_req *r;
	struct sk_buff *skb;

	while (sgw_engine_next(s, &budget, &r, &skb)) {
		if (skb)
			sgw_engine_rx_run(s, skb);
		else if (sgw_engine_run(s, r))
			break;		/* sgw_engine_child_done goes on */
	}
	sgw_slot_put(s);
}

static int sgw_engine_submit(struct aead_request *req, bool encrypt)
{
	struct crypto_aead *tfm = crypto_aead_reqtfm(req);
	struct sgw_engine_tctx *ctx = crypto_aead_ctx(tfm);
	struct sgw_engine_req *r = aead_request_ctx(req);
	struct aead_request *creq = sgw_engine_creq(r);
	struct sgw_slot *s = ctx->slot;
	unsigned long flags;

	aead_request_set_tfm(creq, s->child);
	aead_request_set_crypt(creq, req->src, req->dst, req->cryptlen, req->iv);
	aead_request_set_ad(creq, req->assoclen);

	spin_lock_irqsave(&s->lock, flags);
	if (!encrypt || (s->cpu < 0 && !s->scheduled)) {
		/* Decryption (see the top of the file), or not on an
		 * engine with nothing before it: as without us. */
		spin_unlock_irqrestore(&s->lock, flags);
		aead_request_set_callback(creq, req->base.flags,
					  req->base.complete, req->base.data);
		return encrypt ? crypto_aead_encrypt(creq) :
				 crypto_aead_decrypt(creq);
	}
	if (s->qlen >= SGW_ENGINE_QLEN) {
		spin_unlock_irqrestore(&s->lock, flags);
		sgw_engine_count_drop(s);
		return -ENOSPC;		/* ESP drops the packet */
	}
	r->req = req;
	r->slot = s;
	r->encrypt = encrypt;
	list_add_tail(&r->node, &s->queue);
	s->qlen++;
	if (!s->scheduled) {
		s->scheduled = true;
		sgw_slot_kick(s);
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return -EINPROGRESS;
}

static int sgw_engine_encrypt(struct aead_request *req)
{
	return sgw_engine_submit(req, true);
}

static int sgw_engine_decrypt(struct aead_request *req)
{
	return sgw_engine_submit(req, false);
}

static int sgw_engine_setkey(struct crypto_aead *tfm, const u8 *key,
			     unsigned int keylen)
{
	struct sgw_engine_tctx *ctx = crypto_aead_ctx(tfm);
	struct crypto_aead *child = ctx->slot->child;

	crypto_aead_clear_flags(child, CRYPTO_TFM_REQ_MASK);
	crypto_aead_set_flags(child, crypto_aead_get_flags(tfm) &
				     CRYPTO_TFM_REQ_MASK);
	return crypto_aead_setkey(child, key, keylen);
}

static int sgw_engine_setauthsize(struct crypto_aead *tfm,
				  unsigned int authsize)
{
	struct sgw_engine_tctx *ctx = crypto_aead_ctx(tfm);

	return crypto_aead_setauthsize(ctx->slot->child, authsize);
}

static int sgw_engine_init_tfm(struct crypto_aead *tfm)
{
	struct aead_instance *inst = aead_alg_instance(tfm);
	struct sgw_engine_ictx *ictx = aead_instance_ctx(inst);
	struct sgw_engine_tctx *ctx = crypto_aead_ctx(tfm);
	struct crypto_aead *child;
	struct sgw_slot *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	child = crypto_spawn_aead(&ictx->spawn);
	if (IS_ERR(child)) {
		kfree(s);
		return PTR_ERR(child);
	}
	refcount_set(&s->ref, 1);
	spin_lock_init(&s->lock);
	INIT_LIST_HEAD(&s->queue);
	__skb_queue_head_init(&s->rxq);
	INIT_LIST_HEAD(&s->node);
	INIT_LIST_HEAD(&s->ev_node);
	INIT_WORK(&s->work, sgw_slot_work);
	s->cpu = -1;
	s->child = child;
	ctx->slot = s;
	crypto_aead_set_reqsize(tfm, sizeof(struct sgw_engine_req) +
				     sizeof(struct aead_request) +
				     crypto_aead_reqsize(child));
	return 0;
}

/*
 * The SA is gone (its state holds the transform until every packet that
 * used it is done): no request is left. The work may still be queued or
 * finishing; wait for it, so that no code of the module runs for this
 * slot once the transform (which holds the module) is freed. The engine
 * bookkeeping lets go of the slot in process context (an event).
 */
static void sgw_engine_exit_tfm(struct crypto_aead *tfm)
{
	struct sgw_engine_tctx *ctx = crypto_aead_ctx(tfm);
	struct sgw_slot *s = ctx->slot;

	/* Inbound packets still queued hold no SA: they may outlive it,
	 * and go back to XFRM, which drops them. */
	do {
		flush_work(&s->work);
	} while (READ_ONCE(s->scheduled));
	crypto_free_aead(s->child);
	s->child = NULL;
	sgw_engine_event_slot(s);	/* gone: unlisted by the events work */
	sgw_slot_put(s);
}

static void sgw_engine_free(struct aead_instance *inst)
{
	struct sgw_engine_ictx *ictx = aead_instance_ctx(inst);

	crypto_drop_aead(&ictx->spawn);
	kfree(inst);
}

static int sgw_engine_set_names(struct crypto_alg *base,
				const struct crypto_alg *inner)
{
	/* The driver name is the one requested, sgw_engine(NAME): the
	 * request that made the instance finds it. */
	if (snprintf(base->cra_driver_name, CRYPTO_MAX_ALG_NAME,
		     SGW_ENGINE_TMPL "(%s)", inner->cra_name) >=
	    CRYPTO_MAX_ALG_NAME)
		return -ENAMETOOLONG;
	memcpy(base->cra_name, inner->cra_name, CRYPTO_MAX_ALG_NAME);
	base->cra_priority = inner->cra_priority + SGW_ENGINE_PRIORITY;
	base->cra_blocksize = inner->cra_blocksize;
	base->cra_alignmask = inner->cra_alignmask;
	base->cra_flags = CRYPTO_ALG_ASYNC |
			  (inner->cra_flags & CRYPTO_ALG_ALLOCATES_MEMORY);
	base->cra_ctxsize = sizeof(struct sgw_engine_tctx);
	return 0;
}

static int sgw_engine_tmpl_create(struct crypto_template *tmpl, struct rtattr **tb)
{
	struct sgw_engine_ictx *ictx;
	struct aead_instance *inst;
	struct aead_alg *alg;
	u32 mask;
	int err;

	err = crypto_check_attr_type(tb, CRYPTO_ALG_TYPE_AEAD, &mask);
	if (err)
		return err;
	inst = kzalloc(sizeof(*inst) + sizeof(*ictx), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	ictx = aead_instance_ctx(inst);
	err = crypto_grab_aead(&ictx->spawn, aead_crypto_instance(inst),
			       crypto_attr_alg_name(tb[1]), 0, mask);
	if (err)
		goto err_free;
	alg = crypto_spawn_aead_alg(&ictx->spawn);
	err = -EINVAL;
	if (alg->base.cra_module == THIS_MODULE)
		goto err_free;		/* never a wrapper of a wrapper */
	err = sgw_engine_set_names(&inst->alg.base, &alg->base);
	if (err)
		goto err_free;
	inst->alg.ivsize = crypto_aead_alg_ivsize(alg);
	inst->alg.maxauthsize = crypto_aead_alg_maxauthsize(alg);
	inst->alg.init = sgw_engine_init_tfm;
	inst->alg.exit = sgw_engine_exit_tfm;
	inst->alg.setkey = sgw_engine_setkey;
	inst->alg.setauthsize = sgw_engine_setauthsize;
	inst->alg.encrypt = sgw_engine_encrypt;
	inst->alg.decrypt = sgw_engine_decrypt;
	inst->free = sgw_engine_free;
	err = aead_register_instance(tmpl, inst);
	if (err)
		goto err_free;
	return 0;
err_free:
	sgw_engine_free(inst);
	return err;
}

static struct crypto_template sgw_engine_tmpl = {
	.name	= SGW_ENGINE_TMPL,
	.create	= sgw_engine_tmpl_create,
	.module	= THIS_MODULE,
};

/* The slot of an SA's transform, if it is one of our wrappers. */
struct sgw_slot *sgw_engine_aead_slot(struct crypto_aead *tfm)
{
	struct aead_alg *alg = crypto_aead_alg(tfm);
	struct sgw_engine_tctx *ctx;

	if (alg->base.cra_module != THIS_MODULE ||
	    alg->encrypt != sgw_engine_encrypt)
		return NULL;
	ctx = crypto_aead_ctx(tfm);
	return ctx->slot;
}

/* Is the transform ESP gets for this name one of ours? */
static bool sgw_engine_wraps(const char *name)
{
	struct crypto_aead *tfm;
	bool ours;

	tfm = crypto_alloc_aead(name, 0, 0);
	if (IS_ERR(tfm))
		return false;
	ours = sgw_engine_aead_slot(tfm);
	crypto_free_aead(tfm);
	return ours;
}

/*
 * Make the instances exist (a template's instances are made on request
 * only): from now on, ESP's new SAs get wrappers. Process context, no
 * lock held (it may load modules). Returns how many names are wrapped.
 */
int sgw_engine_aead_instantiate(void)
{
	char name[CRYPTO_MAX_ALG_NAME];
	struct crypto_aead *tfm;
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(sgw_engine_wrapped); i++) {
		if (sgw_engine_wraps(sgw_engine_wrapped[i])) {
			n++;
			continue;
		}
		snprintf(name, sizeof(name), SGW_ENGINE_TMPL "(%s)",
			 sgw_engine_wrapped[i]);
		tfm = crypto_alloc_aead(name, 0, 0);
		if (IS_ERR(tfm)) {
			pr_info("engines cannot wrap %s (%ld)\n",
				sgw_engine_wrapped[i], PTR_ERR(tfm));
			continue;
		}
		crypto_free_aead(tfm);
		if (sgw_engine_wraps(sgw_engine_wrapped[i]))
			n++;
	}
	return n;
}

int __init sgw_engine_aead_init(void)
{
	int err;

	sgw_engine_wq = alloc_workqueue("sgw_engine",
					WQ_HIGHPRI | WQ_CPU_INTENSIVE |
					WQ_MEM_RECLAIM, 0);
	if (!sgw_engine_wq)
		return -ENOMEM;
	err = crypto_register_template(&sgw_engine_tmpl);
	if (err)
		destroy_workqueue(sgw_engine_wq);
	return err;
}

/*
 * Module unload: no wrapper is in use (each holds the module), so no
 * slot is left; the instances go with the template.
 */
void sgw_engine_aead_exit(void)
{
	crypto_unregister_template(&sgw_engine_tmpl);
	destroy_workqueue(sgw_engine_wq);
}
