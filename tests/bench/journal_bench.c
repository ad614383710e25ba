/* journal_bench.c - times the replay of a long journal: the file is read,
 * every line's CRC32C checked, parsed and handed to the flow engine's kind
 * of callback.
 *
 *   journal_bench            a 1,000-record self-check (make check)
 *   journal_bench N          writes N records, prints the best of 5
 *                            replays in ms, wall clock and CPU (make bench)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/journal.h"

static int
count_rec(void *ctx, const struct cw_journal_rec *rec, struct cw_error *err)
{
	size_t *n = ctx;

	(void)err;
	/* Touch what a replay uses: the step and the facts. */
	if (cw_journal_rec_get(rec, "step") != NULL || rec->type == CW_JREC_START)
		(*n)++;
	return 0;
}

/* Writes n records: start, then begin/done pairs with facts, as flows do.
 * Formatted into one buffer and written once: the bench times replay, not
 * n fsyncs. */
static int
make_journal(const char *path, long n)
{
	char line[CW_JOURNAL_LINE_MAX], step[32], val[96];
	const struct cw_fact start[] = { { "flow", "bench" },
	    { "id", "bench-20261123T174000Z-0000" },
	    { "inputs", "6dffdb4775342c5d353216c982b3bdbadb3ced3980dcd9b66d6f08dfad6f0857" } };
	struct cw_error err;
	FILE *f = fopen(path, "w");
	long len;

	if (f == NULL)
		return -1;
	for (long i = 1; i <= n; i++) {
		snprintf(step, sizeof(step), "step-%ld", (i / 2) % 50);
		snprintf(val, sizeof(val), "/var/lib/certwiz/runs/file %ld.pem", i);
		struct cw_fact rec[] = { { "step", step }, { "how", "run" }, { "f.path", val } };
		if (i == 1)
			len = cw_journal_format(line, sizeof(line), 1, 1795455600, CW_JREC_START, start, 3, &err);
		else
			len = cw_journal_format(line, sizeof(line), (unsigned long)i, 1795455600 + i,
			    i % 2 ? CW_JREC_DONE : CW_JREC_BEGIN, rec, i % 2 ? 3 : 1, &err);
		if (len < 0 || fwrite(line, 1, (size_t)len, f) != (size_t)len) {
			fclose(f);
			return -1;
		}
	}
	return fclose(f);
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	char path[] = "/tmp/journal_bench.XXXXXX";
	struct cw_journal_tail tail;
	struct cw_error err;
	double best = 1e9, best_cpu = 1e9;
	int fd, rc = 1;

	if (n < 1 || (fd = mkstemp(path)) == -1)
		return 2;
	close(fd);
	if (make_journal(path, n) == -1)
		goto out;
	for (int round = 0; round < 5; round++) {
		struct timespec a, b, ca, cb;
		size_t seen = 0;

		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (cw_journal_replay(path, count_rec, &seen, &tail, &err) == -1) {
			fprintf(stderr, "journal_bench: %s: %s\n", err.msg, err.detail);
			goto out;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
		if (seen != (size_t)n || tail.nrecords != (size_t)n || tail.torn) {
			fprintf(stderr, "journal_bench: replayed %zu of %ld records\n", seen, n);
			goto out;
		}
		double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		double cpu = (double)(cb.tv_sec - ca.tv_sec) * 1e3 + (double)(cb.tv_nsec - ca.tv_nsec) / 1e6;
		if (ms < best)
			best = ms;
		if (cpu < best_cpu)
			best_cpu = cpu;
	}
	if (argc > 1)
		printf("records=%ld bytes=%zu replay_ms=%.2f cpu_ms=%.2f\n", n, tail.good_len, best, best_cpu);
	rc = 0;
out:
	unlink(path);
	return rc;
}
