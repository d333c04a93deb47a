// SPDX-License-Identifier: GPL-2.0
/*
 * ikeload: start-up and exit. Exit status: 0 when every setup of every
 * phase established, 1 otherwise, 2 for a bad command line or a failed
 * start.
 */
#include "ikeload.h"

#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

static struct loader the_loader;

static void cleanup(void)
{
	tunnel_free_all();
	esp_close();
	sock_close_all();
	sa_init_cache_free();
	sgw_timer_heap_free(&ld->timers);
	if (ld->epfd >= 0)
		close(ld->epfd);
	explicit_bzero(ld->o.psk, sizeof(ld->o.psk));
}

int main(int argc, char **argv)
{
	bool done;
	int rc;

	ld = &the_loader;
	ld->epfd = -1;
	if (opts_parse(argc, argv, &ld->o, &done))
		return 2;
	if (done)
		return 0;
	if (ike_crypto_init()) {
		fprintf(stderr, "ikeload: OpenSSL lacks an algorithm we need\n");
		return 2;
	}
	sgw_sockaddr_from_prefix(&ld->o.responder, ld->o.port, &ld->peer);
	ld->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ld->epfd < 0 || tunnel_init_all() || esp_open() || sock_open_all()) {
		fprintf(stderr, "ikeload: cannot start\n");
		cleanup();
		return 2;
	}
	rc = run();
	report_print();
	cleanup();
	return rc;
}
