/* fuzz_journal - journal replay (src/core/journal.c, the replay in
 * src/core/flow.c).  An input is a journal file as found on disk after a
 * crash, a bad disk or a hand edit.
 *
 * Every record ends in a CRC32C that random bytes almost never match, so
 * the input is replayed twice: as it is (line framing, torn tail, the
 * checksum check) and with each line's crc= rewritten to match (the record
 * grammar, percent-decoding, and what the flow engine, the run summary and
 * `certwiz journal show` make of well-formed but hostile records). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cfg.h"
#include "core/flow.h"
#include "core/journal.h"
#include "fuzz.h"

/* The steps of tests/integration/flowtest, whose journals are seeds. */
#define RUN_ID "flowtest-20261123T174000Z-1a2b"

static const struct cw_flow_step steps[] = {
	{ "prepare", "prepare", NULL, NULL },
	{ "use-secret", "use-secret", NULL, NULL },
	{ "send", "send", NULL, NULL },
	{ "plain", "plain", NULL, NULL },
	{ "summary", "summary", NULL, NULL },
};
static const struct cw_flow_def def = {
	.name = "flowtest", .label = "flowtest", .log_name = NULL,
	.steps = steps, .nsteps = sizeof(steps) / sizeof(steps[0]),
};

static struct cw_cfg cfg;
static char path[4200];
static uint32_t crc_table[256];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[4200];

	(void)argc;
	(void)argv;
	/* CRC-32C (Castagnoli), reflected, as journal.c computes it. */
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0x82f63b78u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
	if (cw_cfg_defaults(&cfg, NULL) == -1)
		abort();
	free(cfg.state_dir);
	cfg.state_dir = strdup(fuzz_tmpdir());
	snprintf(dir, sizeof(dir), "%s/journal", cfg.state_dir);
	if (cw_journal_mkdir(dir, NULL) == -1)
		abort();
	snprintf(path, sizeof(path), "%s/" RUN_ID ".journal", dir);
	return 0;
}

static uint32_t
crc32c(const char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n-- > 0)
		c = crc_table[(c ^ (uint8_t)*p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* Each line with its " crc=XXXXXXXX" (if any) replaced by the right one;
 * a last line without newline stays without (a torn tail). */
static char *
reseal(const uint8_t *data, size_t size, size_t *outlen)
{
	/* At worst every byte is a line that gains " crc=XXXXXXXX". */
	char *out = malloc((size + 1) * 14), *w = out;
	const char *p = (const char *)data, *end = p + size;

	if (out == NULL)
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n >= 13 && memcmp(p + n - 13, " crc=", 5) == 0)
			n -= 13;
		memcpy(w, p, n);
		w += sprintf(w + n, " crc=%08x", crc32c(p, n)) + n;
		if (nl != NULL)
			*w++ = '\n';
		p = nl ? nl + 1 : end;
	}
	*outlen = (size_t)(w - out);
	return out;
}

static int
count_rec(void *ctx, const struct cw_journal_rec *rec, struct cw_error *err)
{
	(void)err;
	/* What every consumer asks of a record. */
	(void)cw_journal_rec_get(rec, "step");
	(void)cw_journal_type_name(rec->type);
	++*(size_t *)ctx;
	return 0;
}

static void
replay(char *buf, size_t len)
{
	struct cw_journal_tail tail;
	struct cw_error err;
	size_t n = 0;

	(void)cw_journal_replay_buf(buf, len, "fuzz", count_rec, &n, &tail, &err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cw_error err;
	struct cw_flow *run = NULL;
	char *copy, *sealed, *text = NULL;
	size_t len;

	copy = fuzz_strndup(data, size);
	replay(copy, size);
	free(copy);

	sealed = reseal(data, size, &len);
	fuzz_write_file(path, sealed, len);
	replay(sealed, len);
	free(sealed);
	/* The file through the summary, `journal show` and a resume. */
	if (cw_journal_show(&cfg, RUN_ID, &text, &err) == 0)
		free(text);
	if (cw_flow_open_id(&cfg, &def, RUN_ID, NULL, &run, &err) == 0) {
		(void)cw_flow_state(run);
		(void)cw_flow_next_step(run);
		(void)cw_flow_fact(run, "key");
	}
	cw_flow_free(run);
	return 0;
}
