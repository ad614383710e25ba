/* flowtest.c - a 5-step flow whose steps each install a file, driven by the
 * crash-matrix and journal CLI tests.  It carries a secret through its user
 * pointer, as the real flows do, so that the tests can grep every journal
 * and log for it.
 *
 *   flowtest                               self-test in a temp dir (make check)
 *   flowtest CONF run OUT SECRETFILE NAME [FAILSTEP]
 *                                          open (resume or start) and run
 *   flowtest CONF dump                     the final state of the finished runs
 *   flowtest CONF hold-lock                takes the state lock, prints "locked",
 *                                          sleeps until killed
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/cfg.h"
#include "core/fileio.h"
#include "core/flow.h"
#include "core/journal.h"
#include "core/lock.h"
#include "core/secret.h"

struct user {
	struct cw_secret *secret;
	const char *out;
	int fail_step;		/* 1-based step that fails once, 0 none */
};

static void
sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[32];
	unsigned int n = 0;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* The content step i must install, given what is known so far. */
static int
content(struct cw_flow *run, int i, char *buf, size_t len, struct cw_error *err)
{
	struct user *u = cw_flow_user(run);
	char h[65];
	const char *d[5];

	for (int k = 1; k < i; k++) {
		char key[8];
		snprintf(key, sizeof(key), "d%d", k);
		if ((d[k] = cw_flow_fact(run, key)) == NULL)
			return cw_error_set(err, CW_E_STATE, "fact %s missing before step %d", key, i);
	}
	switch (i) {
	case 1:
		snprintf(buf, len, "1 name=%s\n", cw_flow_fact(run, "name"));
		break;
	case 2:
		/* Proves the secret reached the step, without writing it. */
		sha256_hex(cw_secret_data(u->secret), cw_secret_len(u->secret), h);
		snprintf(buf, len, "2 key=%s after=%s\n", h, d[1]);
		break;
	case 3:
	case 4:
		snprintf(buf, len, "%d after=%s\n", i, d[i - 1]);
		break;
	default:
		snprintf(buf, len, "5 %s %s %s %s name=%s\n", d[1], d[2], d[3], d[4],
		    cw_flow_fact(run, "name"));
		break;
	}
	return 0;
}

static int
file_path(struct cw_flow *run, int i, char *buf, size_t len)
{
	struct user *u = cw_flow_user(run);

	return snprintf(buf, len, "%s/%d.txt", u->out, i) >= (int)len ? -1 : 0;
}

static int
set_digest(struct cw_flow *run, int i, const char *data, struct cw_error *err)
{
	char key[8], h[65];

	snprintf(key, sizeof(key), "d%d", i);
	sha256_hex(data, strlen(data), h);
	h[16] = '\0';
	return cw_flow_set_fact(run, key, h, err);
}

/* 1 if step i's file is there with the right content. */
static int
installed(struct cw_flow *run, int i, struct cw_error *err)
{
	char want[512], path[4096], *got = NULL;
	size_t n;
	int r;

	if (content(run, i, want, sizeof(want), err) == -1 ||
	    file_path(run, i, path, sizeof(path)) == -1)
		return -1;
	if (access(path, F_OK) != 0)
		return 0;
	if (cw_file_read(path, 4096, &got, &n, err) == -1)
		return -1;
	r = strcmp(got, want) == 0;
	free(got);
	if (r && set_digest(run, i, want, err) == -1)
		return -1;
	return r;
}

/* The action of step 3 that must happen once: a line appended to
 * OUT/sent.log.  With do_send 0, says whether it happened (1) or not (0). */
static int
sent(struct user *u, const char *name, int do_send, struct cw_error *err)
{
	char path[4096], line[256], *got = NULL;
	size_t n;
	int fd, r;

	snprintf(path, sizeof(path), "%s/sent.log", u->out);
	snprintf(line, sizeof(line), "sent %s\n", name);
	if (!do_send) {
		if (access(path, F_OK) != 0)
			return 0;
		if (cw_file_read(path, 65536, &got, &n, err) == -1)
			return -1;
		r = strstr(got, line) != NULL;
		free(got);
		return r;
	}
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) == -1)
		return cw_error_set(err, CW_E_IO, "cannot open '%s'", path);
	r = cw_file_write_all(fd, line, strlen(line)) == -1 || fsync(fd) == -1;
	close(fd);
	if (r)
		return cw_error_set(err, CW_E_IO, "cannot write '%s'", path);
	cw_fault_point("send");
	return 0;
}

static int
step(struct cw_flow *run, int i, struct cw_error *err)
{
	struct user *u = cw_flow_user(run);
	char data[512], path[4096];

	if (u->fail_step == i) {
		u->fail_step = 0;
		return cw_error_set(err, CW_E_NET, "step %d failed as asked", i);
	}
	if (content(run, i, data, sizeof(data), err) == -1 ||
	    file_path(run, i, path, sizeof(path)) == -1)
		return -1;
	if (i == 3) {
		/* "Must not happen twice": persist the intent, and after a
		 * crash find out what happened instead of repeating. */
		int r = cw_flow_intent_recorded(run, "send") ? sent(u, cw_flow_fact(run, "name"), 0, err) : 0;
		if (r == -1 || (r == 0 && (cw_flow_intent(run, "send", err) == -1 ||
		    sent(u, cw_flow_fact(run, "name"), 1, err) == -1)))
			return -1;
	}
	if (cw_file_install(path, data, strlen(data), 0644, 0, err) == -1)
		return -1;
	return set_digest(run, i, data, err);
}

static int s1(struct cw_flow *r, struct cw_error *e) { return step(r, 1, e); }
static int s2(struct cw_flow *r, struct cw_error *e) { return step(r, 2, e); }
static int s3(struct cw_flow *r, struct cw_error *e) { return step(r, 3, e); }
static int s4(struct cw_flow *r, struct cw_error *e) { return step(r, 4, e); }
static int s5(struct cw_flow *r, struct cw_error *e) { return step(r, 5, e); }
static int c1(struct cw_flow *r, struct cw_error *e) { return installed(r, 1, e); }
static int c2(struct cw_flow *r, struct cw_error *e) { return installed(r, 2, e); }
static int c5(struct cw_flow *r, struct cw_error *e) { return installed(r, 5, e); }

static const struct cw_flow_step steps[] = {
	{ "prepare", "Prepare", s1, c1 },
	{ "use-secret", "Use the secret", s2, c2 },
	{ "send", "Send once", s3, NULL },
	{ "plain", "Rewrite", s4, NULL },
	{ "summary", "Summarise", s5, c5 },
};

static const struct cw_flow_def flowtest_def = {
	.name = "flowtest", .label = "Flow test", .log_name = "flowtest",
	.steps = steps, .nsteps = 5, .abandon = NULL,
};

static int
report(const struct cw_error *err)
{
	fprintf(stderr, "flowtest: %s%s%s\n", err->msg, err->detail[0] ? ": " : "", err->detail);
	if (err->hint[0])
		fprintf(stderr, "%s\n", err->hint);
	return cw_error_exit_code(err->code);
}

static int
do_run(const struct cw_cfg *cfg, const char *out, const char *secretfile,
    const char *name, int fail_step)
{
	struct user u = { NULL, out, fail_step };
	const struct cw_fact inputs[] = { { "name", name }, { "out", out } };
	struct cw_lock *lock = NULL;
	struct cw_flow *run = NULL;
	struct cw_error err;
	int rc = 0;

	cw_error_clear(&err);
	if (cw_secret_read_file(secretfile, 256, 0, &u.secret, &err) == -1 ||
	    cw_file_mkdirs(out, 0755, &err) == -1 ||
	    cw_lock_acquire(cfg->state_dir, &lock, &err) == -1 ||
	    cw_flow_open(cfg, &flowtest_def, inputs, 2, &u, &run, &err) == -1 ||
	    cw_flow_run(run, NULL, NULL, &err) == -1)
		rc = report(&err);
	else
		printf("%s %s\n", cw_flow_id(run), cw_flow_resumed(run) ? "resumed" : "new");
	cw_flow_free(run);
	cw_lock_release(lock);
	cw_secret_free(u.secret);
	return rc;
}

/* Prints, for every finished run in done/ (sorted), the facts that define
 * its end state: state, the steps done in order, the facts. */
struct dump {
	char steps[512];
	char facts[2048];
	char state[16];
};

static int
dump_rec(void *ctx, const struct cw_journal_rec *rec, struct cw_error *err)
{
	struct dump *d = ctx;

	(void)err;
	if (rec->type == CW_JREC_DONE) {
		strncat(d->steps, cw_journal_rec_get(rec, "step"), sizeof(d->steps) - strlen(d->steps) - 2);
		strcat(d->steps, " ");
		for (size_t i = 0; i < rec->nfields; i++)
			if (strncmp(rec->fields[i].key, "f.", 2) == 0)
				snprintf(d->facts + strlen(d->facts), sizeof(d->facts) - strlen(d->facts),
				    "%s=%s ", rec->fields[i].key + 2, rec->fields[i].value);
	} else if (rec->type == CW_JREC_FINISHED)
		snprintf(d->state, sizeof(d->state), "finished");
	else if (rec->type == CW_JREC_ABANDONED)
		snprintf(d->state, sizeof(d->state), "abandoned");
	else
		snprintf(d->state, sizeof(d->state), "running");
	return 0;
}

static int
do_dump(const struct cw_cfg *cfg)
{
	struct cw_journal_run_info *v = NULL;
	struct cw_error err;
	size_t n = 0, unfinished = 0, done = 0;
	char path[4096];

	if (cw_journal_list(cfg, 1, &v, &n, &err) == -1)
		return report(&err);
	for (size_t i = 0; i < n; i++) {
		struct dump d = { "", "", "" };

		/* Still in journal/ (whatever its last record says): not
		 * closed out. */
		if (cw_journal_run_path(cfg, v[i].id, 0, path, sizeof(path), &err) == -1) {
			free(v);
			return report(&err);
		}
		if (access(path, F_OK) == 0) {
			unfinished++;
			continue;
		}
		done++;
		if (cw_journal_run_path(cfg, v[i].id, 1, path, sizeof(path), &err) == -1 ||
		    cw_journal_replay(path, dump_rec, &d, NULL, &err) == -1) {
			free(v);
			return report(&err);
		}
		printf("run flow=%s state=%s steps=[%s] facts=[%s]\n", v[i].flow, d.state, d.steps, d.facts);
	}
	printf("unfinished=%zu done=%zu\n", unfinished, done);
	free(v);
	return 0;
}

/* No arguments (make check, check-valgrind): one run in a temp dir. */
static int
self_test(void)
{
	char tmpl[] = "/tmp/flowtest.XXXXXX", path[4096], secret[4200];
	struct cw_cfg cfg;
	struct cw_error err;
	const char *dir;
	int rc;

	if ((dir = mkdtemp(tmpl)) == NULL || cw_cfg_defaults(&cfg, &err) == -1)
		return 99;
	free(cfg.state_dir);
	free(cfg.log_dir);
	snprintf(path, sizeof(path), "%s/state", dir);
	cfg.state_dir = strdup(path);
	snprintf(path, sizeof(path), "%s/log", dir);
	cfg.log_dir = strdup(path);
	cfg.log_syslog = 0;
	snprintf(secret, sizeof(secret), "%s/secret", dir);
	rc = cw_file_install(secret, "flowtest-secret\n", 16, 0600, 0, &err) == -1 ? report(&err) : 0;
	snprintf(path, sizeof(path), "%s/out", dir);
	if (rc == 0)
		rc = do_run(&cfg, path, secret, "self", 3);	/* fails at step 3 */
	if (rc == cw_error_exit_code(CW_E_NET))
		rc = do_run(&cfg, path, secret, "self", 0);	/* resumes */
	else
		rc = 98;
	if (rc == 0)
		rc = do_dump(&cfg);
	cw_cfg_release(&cfg);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		rc = 97;
	return rc;
}

int
main(int argc, char **argv)
{
	struct cw_cfg cfg;
	struct cw_error err;
	int rc = 2;

	if (argc == 1)
		return self_test();
	if (argc < 3) {
		fprintf(stderr, "usage: flowtest [CONF run OUT SECRETFILE NAME [FAILSTEP] | CONF dump | CONF hold-lock]\n");
		return 2;
	}
	if (cw_cfg_load(&cfg, argv[1], NULL, NULL, &err) == -1)
		return report(&err);
	if (strcmp(argv[2], "run") == 0 && (argc == 6 || argc == 7))
		rc = do_run(&cfg, argv[3], argv[4], argv[5], argc == 7 ? atoi(argv[6]) : 0);
	else if (strcmp(argv[2], "dump") == 0)
		rc = do_dump(&cfg);
	else if (strcmp(argv[2], "hold-lock") == 0) {
		struct cw_lock *lock = NULL;
		if (cw_lock_acquire(cfg.state_dir, &lock, &err) == -1)
			rc = report(&err);
		else {
			printf("locked\n");
			fflush(stdout);
			for (;;)
				pause();
		}
	} else
		fprintf(stderr, "flowtest: bad arguments\n");
	cw_cfg_release(&cfg);
	return rc;
}
