// SPDX-License-Identifier: GPL-2.0
/*
 * sgw_rxrate: SCTP packets received by this network namespace in a window.
 *
 *   sgw_rxrate DELAY WINDOW
 *
 * Waits DELAY seconds, then reads SctpInSCTPPacks (every SCTP packet the
 * namespace's stack received) at the start and the end of a WINDOW-second
 * window and prints "rx PACKETS SECONDS". Timing the window inside one
 * process keeps it exact where spawning commands is slow (emulated guests).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long sctp_in_packets(void)
{
	char key[64];
	long long v;
	FILE *f = fopen("/proc/net/sctp/snmp", "r");

	if (!f) {
		perror("/proc/net/sctp/snmp");
		exit(1);
	}
	while (fscanf(f, "%63s %lld", key, &v) == 2) {
		if (!strcmp(key, "SctpInSCTPPacks")) {
			fclose(f);
			return v;
		}
	}
	fclose(f);
	fprintf(stderr, "sgw_rxrate: SctpInSCTPPacks not found\n");
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts = { .tv_sec = (time_t)s };

	ts.tv_nsec = (long)((s - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	long long c1, c2;
	double t1, t2;

	if (argc != 3) {
		fprintf(stderr, "usage: sgw_rxrate DELAY WINDOW\n");
		return 2;
	}
	sleep_s(atof(argv[1]));
	c1 = sctp_in_packets();
	t1 = now_s();
	sleep_s(atof(argv[2]));
	c2 = sctp_in_packets();
	t2 = now_s();
	printf("rx %lld %.3f\n", c2 - c1, t2 - t1);
	return 0;
}
