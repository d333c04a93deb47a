# SPDX-License-Identifier: GPL-2.0
# Helpers of the benchmarks; source it. Samples are lists of numbers
# separated by spaces, one sample a round.
#
#   median_of LIST        the middle sample
#   paired_ratio A B      the median over the rounds of A[i] / B[i], the two
#                         configurations measured in the same round (drift-proof)
#   cpu_ms PID            utime + stime of a process so far, in ms
#   rss_anon_kib PID      its anonymous resident memory (RssAnon), in KiB

median_of() {
	tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

paired_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		n = split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= n; i++) r[i] = x[i] / y[i]
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
		printf "%.3f", r[int((n + 1) / 2)] }'
}

cpu_ms() {
	awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat"
}

rss_anon_kib() {
	awk '$1 == "RssAnon:" { print $2 }' "/proc/$1/status"
}
