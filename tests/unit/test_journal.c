/* test_journal.c - record format, checksum, torn tail, mid-file corruption,
 * rotation and listing. */
#include "config.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cfg.h"
#include "core/fileio.h"
#include "core/journal.h"
#include "testutil.h"

struct fx {
	char *dir;
	struct cw_cfg cfg;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct cw_error err;

	f->dir = tu_mkdtemp();
	assert_int_equal(cw_cfg_defaults(&f->cfg, &err), 0);
	free(f->cfg.state_dir);
	f->cfg.state_dir = strdup(tu_path(f->dir, "state"));
	free(f->cfg.log_dir);
	f->cfg.log_dir = strdup(tu_path(f->dir, "log"));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	cw_cfg_release(&f->cfg);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Collects replayed records as "seq type k=v,k=v" lines. */
struct collect {
	char text[8192];
	size_t n;
};

static int
collect_rec(void *ctx, const struct cw_journal_rec *rec, struct cw_error *err)
{
	struct collect *c = ctx;
	size_t o = strlen(c->text);

	(void)err;
	o += (size_t)snprintf(c->text + o, sizeof(c->text) - o, "%lu %s",
	    rec->seq, cw_journal_type_name(rec->type));
	for (size_t i = 0; i < rec->nfields; i++)
		o += (size_t)snprintf(c->text + o, sizeof(c->text) - o, " %s=[%s]",
		    rec->fields[i].key, rec->fields[i].value);
	snprintf(c->text + o, sizeof(c->text) - o, "\n");
	c->n++;
	return 0;
}

static const struct cw_fact start_fields[] = {
	{ "flow", "test" }, { "id", "test-20261123T174000Z-0001" },
	{ "inputs", "00" }, { "in.host", "ntp 1.example" },
};

/* Writes a journal of nrec records (start + begins) at path. */
static void
make_journal(const char *path, int nrec)
{
	struct cw_journal *j = NULL;
	struct cw_error err;
	char step[32];

	assert_int_equal(cw_journal_create(path, start_fields, 4, &j, &err), 0);
	for (int i = 2; i <= nrec; i++) {
		struct cw_fact f = { "step", step };
		snprintf(step, sizeof(step), "step-%d", i);
		assert_int_equal(cw_journal_append(j, CW_JREC_BEGIN, &f, 1, &err), 0);
	}
	cw_journal_close(j);
}

static void
test_journal_format_roundtrip(void **state)
{
	const struct cw_fact f[] = {
		{ "step", "make-key" },
		{ "f.path", "/var/lib/certwiz/a b%c" },
		{ "msg", "line1\nline2\ttab \x7f end" },
		{ "f.utf8", "Gr\xc3\xbc\xc3\x9f" "e" },
		{ "f.empty", "" },
	};
	char line[1024];
	struct collect c = { 0 };
	struct cw_journal_tail t;
	struct cw_error err;
	long n;

	(void)state;
	n = cw_journal_format(line, sizeof(line), 1, 1795455600, CW_JREC_DONE, f, 5, &err);
	assert_true(n > 0);
	assert_int_equal(strlen(line), (size_t)n);
	/* One line, human-readable, checksum at the end. */
	assert_non_null(strstr(line, "1 2026-11-23T17:40:00Z done step=make-key "));
	assert_non_null(strstr(line, "f.path=/var/lib/certwiz/a%20b%25c"));
	assert_null(strchr(line, '\t'));
	assert_ptr_equal(strchr(line, '\n'), line + n - 1);
	assert_memory_equal(line + n - 14, " crc=", 5);

	assert_int_equal(cw_journal_replay_buf(line, (size_t)n, "mem", collect_rec, &c, &t, &err), 0);
	assert_int_equal(t.nrecords, 1);
	assert_int_equal(t.torn, 0);
	assert_int_equal(t.good_len, (size_t)n);
	assert_string_equal(c.text, "1 done step=[make-key] f.path=[/var/lib/certwiz/a b%c] "
	    "msg=[line1\nline2\ttab \x7f end] f.utf8=[Gr\xc3\xbc\xc3\x9f" "e] f.empty=[]\n");
}

static void
test_journal_format_rejects_bad_keys(void **state)
{
	const struct cw_fact bad[] = { { "Bad Key", "x" } };
	const struct cw_fact crc[] = { { "crc", "x" } };
	char line[256], big[CW_JOURNAL_LINE_MAX + 10];
	struct cw_fact huge = { "v", big };
	struct cw_error err;

	(void)state;
	assert_int_equal(cw_journal_format(line, sizeof(line), 1, 0, CW_JREC_BEGIN, bad, 1, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	assert_int_equal(cw_journal_format(line, sizeof(line), 1, 0, CW_JREC_BEGIN, crc, 1, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(cw_journal_format(line, sizeof(line), 1, 0, CW_JREC_BEGIN, &huge, 1, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
}

static void
test_journal_checksum_detects_every_flipped_byte(void **state)
{
	const struct cw_fact f[] = { { "step", "x" } };
	char line[256], copy[256];
	struct cw_journal_tail t;
	struct cw_error err;
	long n;

	(void)state;
	n = cw_journal_format(line, sizeof(line), 1, 0, CW_JREC_BEGIN, f, 1, &err);
	assert_true(n > 0);
	for (long i = 0; i < n - 1; i++) {
		memcpy(copy, line, (size_t)n);
		copy[i] ^= 0x01;
		/* A single bad line is the last one: ignored as torn. */
		assert_int_equal(cw_journal_replay_buf(copy, (size_t)n, "mem", NULL, NULL, &t, &err), 0);
		assert_int_equal(t.nrecords, 0);
		assert_int_equal(t.torn, 1);
	}
}

static void
test_journal_torn_tail_ignored_and_repaired(void **state)
{
	struct fx *f = *state;
	char *path = strdup(tu_path(f->dir, "t.journal"));
	struct cw_journal *j = NULL;
	struct cw_journal_tail t;
	struct cw_fact step = { "step", "again" };
	struct collect c = { 0 };
	struct cw_error err;
	struct stat st;

	make_journal(path, 3);
	assert_int_equal(stat(path, &st), 0);
	for (off_t cut = 1; cut < 20; cut++) {
		char *p = strdup(tu_path(f->dir, "cut.journal")), cmd[8192];
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", path, p);
		assert_int_equal(system(cmd), 0);
		assert_int_equal(truncate(p, st.st_size - cut), 0);
		assert_int_equal(cw_journal_replay(p, NULL, NULL, &t, &err), 0);
		assert_int_equal(t.nrecords, 2);
		assert_int_equal(t.torn, 1);
		assert_int_equal(t.torn_line, 3);
		free(p);
	}
	assert_int_equal(truncate(path, st.st_size - 5), 0);
	assert_int_equal(cw_journal_open(path, NULL, NULL, &j, &t, &err), 0);
	assert_int_equal(t.torn, 1);
	/* The next append cuts the torn record and continues the sequence. */
	assert_int_equal(cw_journal_append(j, CW_JREC_BEGIN, &step, 1, &err), 0);
	cw_journal_close(j);
	assert_int_equal(cw_journal_replay(path, collect_rec, &c, &t, &err), 0);
	assert_int_equal(t.torn, 0);
	assert_int_equal(t.nrecords, 3);
	assert_non_null(strstr(c.text, "3 begin step=[again]\n"));
	assert_null(strstr(c.text, "step-3"));
	free(path);
}

static void
test_journal_midfile_corruption_names_line(void **state)
{
	struct fx *f = *state;
	const char *path = tu_path(f->dir, "m.journal");
	struct cw_journal *j = NULL;
	struct cw_journal_tail t;
	struct cw_error err;
	char *text;
	FILE *fp;

	make_journal(path, 4);
	text = tu_read(path);
	/* Damage line 2 of 4. */
	char *l2 = strchr(text, '\n') + 1;
	l2[5] = l2[5] == 'x' ? 'y' : 'x';
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	free(text);
	assert_int_equal(cw_journal_replay(path, NULL, NULL, &t, &err), -1);
	assert_int_equal(err.code, CW_E_JOURNAL);
	assert_non_null(strstr(err.msg, "line 2"));
	assert_int_equal(cw_journal_open(path, NULL, NULL, &j, &t, &err), -1);
	assert_int_equal(err.code, CW_E_JOURNAL);
	assert_null(j);
}

static void
test_journal_sequence_gap_is_corruption(void **state)
{
	const struct cw_fact f[] = { { "step", "x" } };
	char buf[1024];
	struct cw_journal_tail t;
	struct cw_error err;
	long a, b, c;

	(void)state;
	a = cw_journal_format(buf, sizeof(buf), 1, 0, CW_JREC_BEGIN, f, 1, &err);
	b = cw_journal_format(buf + a, sizeof(buf) - (size_t)a, 3, 0, CW_JREC_BEGIN, f, 1, &err);
	c = cw_journal_format(buf + a + b, sizeof(buf) - (size_t)(a + b), 4, 0, CW_JREC_BEGIN, f, 1, &err);
	assert_int_equal(cw_journal_replay_buf(buf, (size_t)(a + b + c), "mem", NULL, NULL, &t, &err), -1);
	assert_int_equal(err.code, CW_E_JOURNAL);
}

static void
test_journal_create_refuses_existing(void **state)
{
	struct fx *f = *state;
	const char *path = tu_path(f->dir, "e.journal");
	struct cw_journal *j = NULL;
	struct cw_error err;
	struct stat st;

	make_journal(path, 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(cw_journal_create(path, start_fields, 4, &j, &err), -1);
	assert_int_equal(err.code, CW_E_JOURNAL);
	tu_write(tu_path(f->dir, "empty.journal"), "", 0600);
	assert_int_equal(cw_journal_open(tu_path(f->dir, "empty.journal"), NULL, NULL, &j, NULL, &err), -1);
	assert_int_equal(err.code, CW_E_JOURNAL);
}

static void
write_run(struct fx *f, const char *id, enum cw_journal_type last, time_t mtime)
{
	char path[4096];
	const struct cw_fact start[] = { { "flow", "demo" }, { "id", id }, { "inputs", "ab" } };
	const struct cw_fact step[] = { { "step", "fetch" } };
	const struct cw_fact fail[] = { { "step", "fetch" }, { "code", "net" },
	    { "msg", "cannot connect to 'est.example'" }, { "detail", "timeout" } };
	struct cw_journal *j = NULL;
	struct timeval tv[2] = { { mtime, 0 }, { mtime, 0 } };
	struct cw_error err;

	assert_int_equal(cw_journal_run_path(&f->cfg, id, 0, path, sizeof(path), &err), 0);
	*strrchr(path, '/') = '\0';
	assert_int_equal(cw_file_mkdirs(path, 0700, &err), 0);
	path[strlen(path)] = '/';
	assert_int_equal(cw_journal_create(path, start, 3, &j, &err), 0);
	assert_int_equal(cw_journal_append(j, CW_JREC_BEGIN, step, 1, &err), 0);
	if (last == CW_JREC_FAILED)
		assert_int_equal(cw_journal_append(j, CW_JREC_FAILED, fail, 4, &err), 0);
	else if (last != CW_JREC_BEGIN)
		assert_int_equal(cw_journal_append(j, last, NULL, 0, &err), 0);
	cw_journal_close(j);
	assert_int_equal(utimes(path, tv), 0);
}

static void
test_journal_list_and_show(void **state)
{
	struct fx *f = *state;
	struct cw_journal_run_info *v = NULL;
	struct cw_error err;
	size_t n = 0;
	char *text = NULL;

	/* No journal dir at all: an empty list. */
	assert_int_equal(cw_journal_list(&f->cfg, 1, &v, &n, &err), 0);
	assert_int_equal(n, 0);
	free(v);

	write_run(f, "demo-20261123T170000Z-0001", CW_JREC_BEGIN, 1000);
	write_run(f, "demo-20261123T170000Z-0002", CW_JREC_FAILED, 2000);
	write_run(f, "demo-20261123T170000Z-0003", CW_JREC_FINISHED, 3000);
	assert_int_equal(cw_journal_retire(&f->cfg, "demo-20261123T170000Z-0003", &err), 0);

	assert_int_equal(cw_journal_list(&f->cfg, 0, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v[i].flow, "demo");
		assert_string_equal(v[i].last_step, "fetch");
		if (strcmp(v[i].id, "demo-20261123T170000Z-0001") == 0) {
			assert_string_equal(cw_run_state_name(v[i].state), "running");
			assert_string_equal(v[i].last_error, "");
		} else {
			assert_string_equal(v[i].id, "demo-20261123T170000Z-0002");
			assert_string_equal(cw_run_state_name(v[i].state), "failed");
			assert_string_equal(v[i].last_error, "cannot connect to 'est.example': timeout");
		}
		assert_true(v[i].started > 0 && v[i].updated >= v[i].started);
	}
	free(v);
	assert_int_equal(cw_journal_list(&f->cfg, 1, &v, &n, &err), 0);
	assert_int_equal(n, 3);
	int seen = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, "demo-20261123T170000Z-0003") == 0) {
			assert_string_equal(cw_run_state_name(v[i].state), "finished");
			seen = 1;
		}
	assert_true(seen);
	free(v);

	assert_int_equal(cw_journal_show(&f->cfg, "demo-20261123T170000Z-0002", &text, &err), 0);
	assert_non_null(strstr(text, "demo-20261123T170000Z-0002"));
	assert_non_null(strstr(text, "failed"));
	assert_non_null(strstr(text, "begin"));
	free(text);
	/* finished runs are shown from done/ */
	assert_int_equal(cw_journal_show(&f->cfg, "demo-20261123T170000Z-0003", &text, &err), 0);
	free(text);
	assert_int_equal(cw_journal_show(&f->cfg, "demo-nope", &text, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	assert_int_equal(cw_journal_show(&f->cfg, "../etc/passwd", &text, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
}

static void
test_journal_rotation_keeps_newest(void **state)
{
	struct fx *f = *state;
	int total = CW_JOURNAL_DONE_KEEP + 5;
	struct cw_error err;
	char id[96], path[4096];

	for (int i = 0; i < total; i++) {
		snprintf(id, sizeof(id), "demo-20261123T170000Z-%04d", i);
		write_run(f, id, CW_JREC_FINISHED, 10000 + i);
		assert_int_equal(cw_journal_retire(&f->cfg, id, &err), 0);
		assert_int_equal(cw_journal_run_path(&f->cfg, id, 0, path, sizeof(path), &err), 0);
		assert_int_equal(access(path, F_OK), -1);
	}
	for (int i = 0; i < total; i++) {
		snprintf(id, sizeof(id), "demo-20261123T170000Z-%04d", i);
		assert_int_equal(cw_journal_run_path(&f->cfg, id, 1, path, sizeof(path), &err), 0);
		assert_int_equal(access(path, F_OK) == 0, i >= total - CW_JOURNAL_DONE_KEEP);
	}
}

static void
test_journal_corrupt_run_is_listed(void **state)
{
	struct fx *f = *state;
	struct cw_journal_run_info *v = NULL;
	struct cw_error err;
	char path[4096];
	size_t n;

	write_run(f, "demo-20261123T170000Z-0009", CW_JREC_FAILED, 1000);
	assert_int_equal(cw_journal_run_path(&f->cfg, "demo-20261123T170000Z-0009", 0, path, sizeof(path), &err), 0);
	char *text = tu_read(path);
	text[3] = '#';
	tu_write(path, text, 0600);
	free(text);
	assert_int_equal(cw_journal_list(&f->cfg, 0, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].flow, "demo");
	assert_string_equal(cw_run_state_name(v[0].state), "failed");
	assert_non_null(strstr(v[0].last_error, "line 1"));
	free(v);
}

/* The one run-state model: every record type from every state. */
static void
test_run_state_transitions(void **state)
{
	static const struct {
		enum cw_run_state from;
		enum cw_journal_type rec;
		enum cw_run_state to;
	} t[] = {
		{ CW_RUN_RUNNING, CW_JREC_START, CW_RUN_RUNNING },
		{ CW_RUN_RUNNING, CW_JREC_BEGIN, CW_RUN_RUNNING },
		{ CW_RUN_RUNNING, CW_JREC_INTENT, CW_RUN_RUNNING },
		{ CW_RUN_RUNNING, CW_JREC_DONE, CW_RUN_RUNNING },
		{ CW_RUN_RUNNING, CW_JREC_FAILED, CW_RUN_FAILED },
		{ CW_RUN_RUNNING, CW_JREC_FINISHED, CW_RUN_FINISHED },
		{ CW_RUN_RUNNING, CW_JREC_ABANDONED, CW_RUN_ABANDONED },
		{ CW_RUN_FAILED, CW_JREC_INTENT, CW_RUN_FAILED },
		{ CW_RUN_FAILED, CW_JREC_BEGIN, CW_RUN_RUNNING },
		{ CW_RUN_FAILED, CW_JREC_DONE, CW_RUN_RUNNING },
		{ CW_RUN_FAILED, CW_JREC_ABANDONED, CW_RUN_ABANDONED },
		{ CW_RUN_FINISHED, CW_JREC_BEGIN, CW_RUN_FINISHED },
		{ CW_RUN_FINISHED, CW_JREC_FAILED, CW_RUN_FINISHED },
		{ CW_RUN_ABANDONED, CW_JREC_DONE, CW_RUN_ABANDONED },
		{ CW_RUN_ABANDONED, CW_JREC_FINISHED, CW_RUN_ABANDONED },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(cw_run_state_next(t[i].from, t[i].rec), t[i].to);
	assert_string_equal(cw_run_state_name(CW_RUN_RUNNING), "running");
	assert_string_equal(cw_run_state_name(CW_RUN_FAILED), "failed");
	assert_string_equal(cw_run_state_name(CW_RUN_FINISHED), "finished");
	assert_string_equal(cw_run_state_name(CW_RUN_ABANDONED), "abandoned");
	assert_true(cw_run_state_closed(CW_RUN_FINISHED));
	assert_true(cw_run_state_closed(CW_RUN_ABANDONED));
	assert_false(cw_run_state_closed(CW_RUN_FAILED));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_state_transitions),
		cmocka_unit_test(test_journal_format_roundtrip),
		cmocka_unit_test(test_journal_format_rejects_bad_keys),
		cmocka_unit_test(test_journal_checksum_detects_every_flipped_byte),
		cmocka_unit_test(test_journal_sequence_gap_is_corruption),
		cmocka_unit_test_setup_teardown(test_journal_torn_tail_ignored_and_repaired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_midfile_corruption_names_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_create_refuses_existing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_list_and_show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_rotation_keeps_newest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_corrupt_run_is_listed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
