/* test_flow.c - the flow engine: order, facts, failure and resume, check
 * skip, intents, other-inputs refusal, abandon, power loss, no secrets. */
#include "config.h"

#include <sys/stat.h>

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
#include "core/flow.h"
#include "job/flows.h"
#include "core/journal.h"
#include "testutil.h"

#define SECRET "s3cr3t-OTP-4242"

/* The test flow's user data: what ran, what to break. */
struct ctx {
	const char *secret;
	int runs[3];
	int checks[3];
	int fail_at;		/* step index that fails (-1: none) */
	int effect_then_fail;	/* the failing step takes effect first */
	int effect[3];		/* "the world": step i took effect */
	int saw_intent;
	int abandoned;
};

static int
step_common(struct cw_flow *run, int i, struct cw_error *err)
{
	struct ctx *c = cw_flow_user(run);
	char val[64];

	c->runs[i]++;
	if (i == 1) {
		/* Uses the secret and the previous step's fact. */
		if (strcmp(c->secret, SECRET) != 0 || cw_flow_fact(run, "s0") == NULL ||
		    strcmp(cw_flow_fact(run, "host"), "ntp.example") != 0)
			return cw_error_set(err, CW_E_STATE, "missing input");
		if (cw_flow_intent_recorded(run, "send"))
			c->saw_intent = 1;
		if (cw_flow_intent(run, "send", err) == -1)
			return -1;
	}
	if (c->fail_at == i) {
		if (c->effect_then_fail)
			c->effect[i] = 1;
		c->fail_at = -1;
		return cw_error_set(err, CW_E_NET, "cannot reach 'est.example'");
	}
	c->effect[i] = 1;
	snprintf(val, sizeof(val), "value %d", i);
	snprintf(val + 20, sizeof(val) - 20, "s%d", i);
	return cw_flow_set_fact(run, val + 20, val, err);
}

static int step0(struct cw_flow *r, struct cw_error *e) { return step_common(r, 0, e); }
static int step1(struct cw_flow *r, struct cw_error *e) { return step_common(r, 1, e); }
static int step2(struct cw_flow *r, struct cw_error *e) { return step_common(r, 2, e); }

static int
check1(struct cw_flow *run, struct cw_error *err)
{
	struct ctx *c = cw_flow_user(run);

	c->checks[1]++;
	if (c->effect[1] && cw_flow_set_fact(run, "s1", "value 1", err) == -1)
		return -1;
	return c->effect[1];
}

static void
on_abandon(struct cw_flow *run)
{
	struct ctx *c = cw_flow_user(run);

	if (c)
		c->abandoned++;
}

static const struct cw_flow_step steps[] = {
	{ "prepare", "Prepare", step0, NULL },
	{ "send", "Send", step1, check1 },
	{ "install", "Install", step2, NULL },
};

static const struct cw_flow_def def = {
	.name = "utest", .label = "Unit test flow", .log_name = "utest",
	.steps = steps, .nsteps = 3, .abandon = on_abandon,
};

static const struct cw_flow_def other_def = {
	.name = "other", .label = "Other", .log_name = "utest",
	.steps = steps, .nsteps = 3,
};

static const struct cw_fact inputs[] = { { "host", "ntp.example" }, { "mode", "none" } };
static const struct cw_fact inputs2[] = { { "host", "ntp2.example" }, { "mode", "none" } };

struct fx {
	char *dir;
	struct cw_cfg cfg;
	struct ctx c;
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
	f->cfg.log_syslog = 0;
	f->c.secret = SECRET;
	f->c.fail_at = -1;
	*state = f;
	return 0;
}

/* Fails if the secret is in any file under the test's state or log dir. */
static void
assert_no_secret(const char *dir)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "! grep -r -q -F '%s' '%s'", SECRET, dir);
	assert_int_equal(system(cmd), 0);
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	assert_no_secret(f->dir);
	cw_cfg_release(&f->cfg);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static size_t
count_runs(struct fx *f, int include_done)
{
	struct cw_journal_run_info *v = NULL;
	struct cw_error err;
	size_t n = 0;

	assert_int_equal(cw_journal_list(&f->cfg, include_done, &v, &n, &err), 0);
	free(v);
	return n;
}

static void
test_flow_runs_all_steps_in_order(void **state)
{
	struct fx *f = *state;
	struct cw_flow *run = NULL;
	struct cw_error err;
	char id[96], path[4096];

	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs, 2, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_resumed(run), 0);
	assert_int_equal(access(cw_flow_stage_dir(run), F_OK), 0);
	snprintf(id, sizeof(id), "%s", cw_flow_id(run));
	assert_int_equal(strncmp(id, "utest-", 6), 0);
	assert_int_equal(cw_flow_run(run, NULL, NULL, &err), 0);
	assert_string_equal(cw_run_state_name(cw_flow_state(run)), "finished");
	assert_int_equal(access(cw_flow_stage_dir(run), F_OK), -1);
	cw_flow_free(run);
	for (int i = 0; i < 3; i++)
		assert_int_equal(f->c.runs[i], 1);
	assert_int_equal(f->c.checks[1], 0);
	/* Rotated into done/, not listed as unfinished. */
	assert_int_equal(cw_journal_run_path(&f->cfg, id, 1, path, sizeof(path), &err), 0);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(count_runs(f, 0), 0);
	assert_int_equal(count_runs(f, 1), 1);
	/* The same command again is a new run. */
	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs, 2, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_resumed(run), 0);
	cw_flow_free(run);
}

static void
test_flow_failure_then_resume_reruns_failed_step(void **state)
{
	struct fx *f = *state;
	struct cw_journal_run_info *v = NULL;
	struct cw_flow *run = NULL;
	struct cw_error err;
	size_t n;

	f->c.fail_at = 1;
	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs, 2, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_run(run, NULL, NULL, &err), -1);
	assert_int_equal(err.code, CW_E_NET);
	assert_string_equal(cw_run_state_name(cw_flow_state(run)), "failed");
	assert_int_equal(cw_flow_next_step(run), 1);
	cw_flow_free(run);

	assert_int_equal(cw_journal_list(&f->cfg, 0, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(cw_run_state_name(v[0].state), "failed");
	assert_string_equal(v[0].last_step, "send");
	assert_string_equal(v[0].last_error, "cannot reach 'est.example'");
	free(v);

	/* Same inputs (in another order): resumed, step 0 not run again, its
	 * fact replayed from the journal. */
	const struct cw_fact swapped[] = { inputs[1], inputs[0] };
	assert_int_equal(cw_flow_open(&f->cfg, &def, swapped, 2, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_resumed(run), 1);
	assert_string_equal(cw_flow_fact(run, "s0"), "value 0");
	assert_string_equal(cw_flow_fact(run, "host"), "ntp.example");
	assert_int_equal(cw_flow_run(run, NULL, NULL, &err), 0);
	cw_flow_free(run);
	assert_int_equal(f->c.runs[0], 1);
	assert_int_equal(f->c.runs[1], 2);
	assert_int_equal(f->c.checks[1], 1);
	assert_int_equal(f->c.saw_intent, 1);
	assert_int_equal(f->c.runs[2], 1);
	assert_int_equal(count_runs(f, 0), 0);
}

static void
test_flow_check_skips_step_that_took_effect(void **state)
{
	struct fx *f = *state;
	struct cw_flow *run = NULL;
	struct cw_error err;
	char id[96], *text = NULL;

	f->c.fail_at = 1;
	f->c.effect_then_fail = 1;
	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs, 2, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_run(run, NULL, NULL, &err), -1);
	snprintf(id, sizeof(id), "%s", cw_flow_id(run));
	cw_flow_free(run);

	assert_int_equal(cw_flow_open_id(&f->cfg, &def, id, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_run(run, NULL, NULL, &err), 0);
	cw_flow_free(run);
	assert_int_equal(f->c.runs[1], 1);	/* not redone */
	assert_int_equal(f->c.checks[1], 1);
	assert_int_equal(f->c.runs[2], 1);
	assert_int_equal(cw_journal_show(&f->cfg, id, &text, &err), 0);
	assert_non_null(strstr(text, "how=check f.s1=value 1"));
	free(text);
}

static void
test_flow_other_inputs_refused(void **state)
{
	struct fx *f = *state;
	struct cw_flow *run = NULL;
	struct cw_error err;

	f->c.fail_at = 0;
	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs, 2, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_run(run, NULL, NULL, &err), -1);
	cw_flow_free(run);
	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs2, 2, &f->c, &run, &err), -1);
	assert_int_equal(err.code, CW_E_STATE);
	assert_null(run);
	assert_non_null(strstr(err.hint, "certwiz journal resume utest-"));
	/* Another flow is not blocked. */
	assert_int_equal(cw_flow_open(&f->cfg, &other_def, inputs2, 2, &f->c, &run, &err), 0);
	cw_flow_free(run);
}

static void
test_flow_abandon(void **state)
{
	struct fx *f = *state;
	struct cw_flow *run = NULL;
	struct cw_journal_run_info *v = NULL;
	struct cw_error err;
	char id[96], stage[4096];
	size_t n;

	f->c.fail_at = 2;
	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs, 2, &f->c, &run, &err), 0);
	snprintf(stage, sizeof(stage), "%s/junk", cw_flow_stage_dir(run));
	tu_write(stage, "staged", 0600);
	assert_int_equal(cw_flow_run(run, NULL, NULL, &err), -1);
	snprintf(id, sizeof(id), "%s", cw_flow_id(run));
	snprintf(stage, sizeof(stage), "%s", cw_flow_stage_dir(run));
	cw_flow_free(run);

	/* An unknown flow can still be abandoned, not run. */
	assert_int_equal(cw_flow_open_id(&f->cfg, &other_def, id, NULL, &run, &err), -1);
	assert_int_equal(err.code, CW_E_STATE);
	assert_int_equal(cw_flow_open_id(&f->cfg, NULL, id, NULL, &run, &err), 0);
	assert_int_equal(cw_flow_run(run, NULL, NULL, &err), -1);
	assert_int_equal(err.code, CW_E_STATE);
	cw_flow_free(run);

	assert_int_equal(cw_flow_open_id(&f->cfg, &def, id, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_abandon(run, &err), 0);
	assert_string_equal(cw_run_state_name(cw_flow_state(run)), "abandoned");
	cw_flow_free(run);
	assert_int_equal(f->c.abandoned, 1);
	assert_int_equal(access(stage, F_OK), -1);
	assert_int_equal(count_runs(f, 0), 0);
	assert_int_equal(cw_journal_list(&f->cfg, 1, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(cw_run_state_name(v[0].state), "abandoned");
	free(v);
	/* Gone from the unfinished ones: other inputs may start now. */
	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs2, 2, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_resumed(run), 0);
	cw_flow_free(run);
	assert_int_equal(cw_flow_open_id(&f->cfg, &def, "utest-x-y", NULL, &run, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	assert_int_equal(cw_flow_open_id(&f->cfg, &def, "../../x", NULL, &run, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
}

static void
test_flow_abandon_damaged_journal(void **state)
{
	struct fx *f = *state;
	struct cw_flow *run = NULL;
	struct cw_error err;
	char id[96], path[4096], stage[4096], *text;

	f->c.fail_at = 2;
	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs, 2, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_run(run, NULL, NULL, &err), -1);
	snprintf(id, sizeof(id), "%s", cw_flow_id(run));
	snprintf(stage, sizeof(stage), "%s", cw_flow_stage_dir(run));
	cw_flow_free(run);
	assert_int_equal(cw_journal_run_path(&f->cfg, id, 0, path, sizeof(path), &err), 0);
	text = tu_read(path);
	*strchr(text, ' ') = '#';	/* line 1 damaged */
	tu_write(path, text, 0600);
	free(text);

	/* Refused, never guessed: neither resumed nor replaced. */
	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs, 2, &f->c, &run, &err), -1);
	assert_int_equal(err.code, CW_E_JOURNAL);
	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs2, 2, &f->c, &run, &err), -1);
	assert_int_equal(err.code, CW_E_JOURNAL);
	assert_int_equal(cw_journal_show(&f->cfg, id, &text, &err), 0);
	assert_non_null(strstr(text, "line 1"));
	free(text);

	assert_int_equal(cw_flow_abandon_id(&f->cfg, &def, id, &f->c, &err), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(access(stage, F_OK), -1);
	assert_int_equal(cw_journal_run_path(&f->cfg, id, 1, path, sizeof(path), &err), 0);
	strcpy(path + strlen(path) - 8, ".damaged");
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(count_runs(f, 1), 0);
	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs, 2, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_resumed(run), 0);
	cw_flow_free(run);
}

static int
cancel_at_2(void *ctx, size_t step, size_t nsteps, double fraction, const char *label)
{
	(void)ctx;
	(void)nsteps;
	(void)fraction;
	(void)label;
	return step == 2;
}

static void
test_flow_cancel_between_steps(void **state)
{
	struct fx *f = *state;
	struct cw_flow *run = NULL;
	struct cw_error err;

	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs, 2, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_run(run, cancel_at_2, NULL, &err), -1);
	assert_int_equal(err.code, CW_E_CANCELLED);
	assert_int_equal(f->c.runs[2], 0);
	cw_flow_free(run);
	assert_int_equal(count_runs(f, 0), 1);
}

/* Power loss: the journal of a run stopped after step 1's "done" record is
 * cut at every byte of that record; replay must never count step 1 done
 * unless the whole record is there, and the resumed run must finish. */
static void
test_flow_power_loss_every_offset(void **state)
{
	struct fx *f = *state;
	struct cw_flow *run = NULL;
	struct cw_error err;
	char id[96], path[4096], *orig, *last;
	size_t len, start;

	f->c.fail_at = 2;
	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs, 2, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_run(run, NULL, NULL, &err), -1);
	snprintf(id, sizeof(id), "%s", cw_flow_id(run));
	cw_flow_free(run);
	assert_int_equal(cw_journal_run_path(&f->cfg, id, 0, path, sizeof(path), &err), 0);
	orig = tu_read(path);
	len = strlen(orig);
	/* Drop the "failed" and "begin install" records: the last is "done send". */
	for (int k = 0; k < 2; k++) {
		orig[len - 1] = '\0';
		last = strrchr(orig, '\n');
		len = (size_t)(last - orig) + 1;
		orig[len] = '\0';
	}
	orig[len - 1] = '\0';
	start = (size_t)(strrchr(orig, '\n') - orig) + 1;
	orig[len - 1] = '\n';
	assert_non_null(strstr(orig + start, " done step=send "));

	for (size_t cut = start; cut <= len; cut++) {
		struct ctx c = { .secret = SECRET, .fail_at = -1 };
		FILE *fp = fopen(path, "w");

		assert_non_null(fp);
		assert_int_equal(fwrite(orig, 1, cut, fp), cut);
		assert_int_equal(fclose(fp), 0);
		c.effect[0] = c.effect[1] = 1;
		assert_int_equal(cw_flow_open_id(&f->cfg, &def, id, &c, &run, &err), 0);
		assert_int_equal(cw_flow_next_step(run), cut == len ? 2 : 1);
		assert_int_equal(cw_flow_run(run, NULL, NULL, &err), 0);
		cw_flow_free(run);
		assert_int_equal(c.runs[0], 0);
		assert_int_equal(c.runs[1], 0);	/* its check found it done */
		assert_int_equal(c.checks[1], cut == len ? 0 : 1);
		assert_int_equal(c.runs[2], 1);
		/* Put the run back for the next offset. */
		char done[4096];
		assert_int_equal(cw_journal_run_path(&f->cfg, id, 1, done, sizeof(done), &err), 0);
		assert_int_equal(unlink(done), 0);
	}
	free(orig);
}

/* Replay of every prefix of a journal, cut at every byte: the steps it
 * reports done are exactly those whose whole "done" line (newline
 * included) is in the prefix. */
static void
test_flow_replay_every_prefix(void **state)
{
	struct fx *f = *state;
	struct cw_flow *run = NULL;
	struct cw_error err;
	char id[96], path[4096], *orig;
	size_t len, startlen;

	f->c.fail_at = 2;
	assert_int_equal(cw_flow_open(&f->cfg, &def, inputs, 2, &f->c, &run, &err), 0);
	assert_int_equal(cw_flow_run(run, NULL, NULL, &err), -1);
	snprintf(id, sizeof(id), "%s", cw_flow_id(run));
	cw_flow_free(run);
	assert_int_equal(cw_journal_run_path(&f->cfg, id, 0, path, sizeof(path), &err), 0);
	orig = tu_read(path);
	len = strlen(orig);
	startlen = (size_t)(strchr(orig, '\n') - orig) + 1;
	for (size_t cut = startlen; cut <= len; cut++) {
		size_t want = 0;
		FILE *fp;

		for (const char *p = orig; p < orig + cut; ) {
			const char *nl = memchr(p, '\n', (size_t)(orig + cut - p));
			if (nl == NULL)
				break;
			if (strstr(p, " done step=") != NULL && strstr(p, " done step=") < nl)
				want++;
			p = nl + 1;
		}
		assert_non_null(fp = fopen(path, "w"));
		assert_int_equal(fwrite(orig, 1, cut, fp), cut);
		assert_int_equal(fclose(fp), 0);
		assert_int_equal(cw_flow_open_id(&f->cfg, &def, id, &f->c, &run, &err), 0);
		assert_int_equal(cw_flow_next_step(run), want);
		cw_flow_free(run);
	}
	assert_int_equal(len > startlen + 300, 1);	/* the loop saw records */
	free(orig);
}

static void
test_flow_registry_lookup(void **state)
{
	size_t n = 99;
	const struct cw_flows_entry *all = cw_flows_all(&n);

	(void)state;
	assert_non_null(all);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(all[i].def);
		assert_non_null(all[i].resume);
		assert_ptr_equal(cw_flows_find(all[i].def->name), &all[i]);
	}
	assert_null(all[n].def);
	assert_null(cw_flows_find("no-such-flow"));
	assert_null(cw_flows_find(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flow_runs_all_steps_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_failure_then_resume_reruns_failed_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_check_skips_step_that_took_effect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_other_inputs_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_abandon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_abandon_damaged_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_cancel_between_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_power_loss_every_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_replay_every_prefix, setup, teardown),
		cmocka_unit_test(test_flow_registry_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
