// SPDX-License-Identifier: GPL-2.0
/*
 * A worker's inbox: what other threads hand it (a datagram for an SA it
 * owns, the operator's requests, a new configuration, INITIAL_CONTACT
 * purges, stop), queued under a lock and signalled through an eventfd.
 */
#include "ikud.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Queue m for s, which frees it. Datagrams handed over by other workers
 * are bounded (INBOX_MAX_PACKETS): past it they are dropped and counted,
 * so a flood aimed at one worker's SAs cannot grow memory without limit;
 * the operator's and the daemon's own requests always go in.
 */
void inbox_post(struct shard *s, struct inbox_msg *m)
{
	uint64_t one = 1;
	bool packet = m->kind == INBOX_PACKET;

	m->next = NULL;
	pthread_mutex_lock(&s->inbox_lock);
	if (packet && s->inbox_packets >= INBOX_MAX_PACKETS) {
		pthread_mutex_unlock(&s->inbox_lock);
		atomic_fetch_add(&s->inbox_dropped, 1);
		free(m);
		return;
	}
	s->inbox_packets += packet;
	*s->inbox_tail = m;
	s->inbox_tail = &m->next;
	pthread_mutex_unlock(&s->inbox_lock);
	if (write(s->evfd, &one, sizeof(one)) < 0)
		return;
}

/* Everything queued so far, oldest first; the caller frees each message. */
struct inbox_msg *inbox_take(struct shard *s)
{
	struct inbox_msg *m;
	uint64_t v;

	if (read(s->evfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_debug("worker %u: eventfd: %s", s->idx, strerror(errno));
	pthread_mutex_lock(&s->inbox_lock);
	m = s->inbox;
	s->inbox = NULL;
	s->inbox_tail = &s->inbox;
	s->inbox_packets = 0;
	pthread_mutex_unlock(&s->inbox_lock);
	return m;
}

void inbox_free_all(struct shard *s)
{
	while (s->inbox) {
		struct inbox_msg *m = s->inbox;

		s->inbox = m->next;
		free(m);
	}
}
