/* flow.c - the flow engine: runs a flow's steps in order and journals every
 * transition (flow.h has the picture and the invariants, journal.h the
 * record format).
 *
 *   open ──► RUNNING ──step ok──► RUNNING ... ──last step──► FINISHED ─► done/
 *               │  ▲                                     (stage dir removed)
 *          fail │  │ run again / resume
 *               ▼  │
 *             FAILED ──abandon──► ABANDONED ─► done/ (stage dir removed)
 *
 * set_state() is the one function that changes a run's state: it appends
 * the record first and updates memory only when the record is on disk. */
#include "config.h"

#define _XOPEN_SOURCE 700
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/fileio.h"
#include "core/flow.h"
#include "core/i18n.h"
#include "core/journal.h"

struct kv {
	char *key;
	char *value;
};

struct kvs {
	struct kv *v;
	size_t n, cap;
};

struct cw_flow {
	const struct cw_cfg *cfg;
	const struct cw_flow_def *def;	/* NULL: unknown flow, abandon only */
	void *user;
	char id[96];
	char name[32];			/* flow name from the journal */
	char hash[65];			/* inputs hash */
	char path[PATH_MAX];		/* journal */
	char stage[PATH_MAX];
	struct cw_journal *j;		/* NULL once closed out */
	struct cw_log *log;
	struct kvs facts;		/* inputs and committed facts */
	struct kvs pending;		/* facts of the current step */
	struct kvs intents;		/* key = step name, value = what */
	unsigned char *done;
	unsigned char *begun;
	size_t cur;
	int resumed;
	enum cw_run_state state;
	cw_flow_progress_fn *progress;
	void *pctx;
};

/* ---- small helpers */

static void
kvs_clear(struct kvs *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].key);
		free(s->v[i].value);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static struct kv *
kvs_find(const struct kvs *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].key, key) == 0)
			return &s->v[i];
	return NULL;
}

/* Sets key (replacing its value unless multi) to value. */
static int
kvs_set(struct kvs *s, const char *key, const char *value, int multi,
    struct cw_error *err)
{
	struct kv *e = multi ? NULL : kvs_find(s, key);
	char *v = strdup(value ? value : "");

	if (v == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	if (e != NULL) {
		free(e->value);
		e->value = v;
		return 0;
	}
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 8;
		struct kv *nv = realloc(s->v, nc * sizeof(*nv));
		if (nv == NULL) {
			free(v);
			return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		}
		s->v = nv;
		s->cap = nc;
	}
	if ((s->v[s->n].key = strdup(key)) == NULL) {
		free(v);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	s->v[s->n].value = v;
	s->n++;
	return 0;
}

static int
valid_name(const char *k)
{
	if (k == NULL || *k == '\0')
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') ||
		    *k == '_' || *k == '.' || *k == '-'))
			return 0;
	return 1;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

/* rm -rf of the run's staging dir. */
static int
remove_stage(struct cw_flow *run, struct cw_error *err)
{
	struct stat st;

	if (lstat(run->stage, &st) == -1)
		return 0;
	if (nftw(run->stage, rm_one, 16, FTW_DEPTH | FTW_PHYS) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot remove the staging directory '%s'"), run->stage);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	return cw_file_sync_dir(run->stage, 0, err);
}

static long
step_index(const struct cw_flow *run, const char *name)
{
	if (run->def == NULL || name == NULL)
		return -1;
	for (size_t i = 0; i < run->def->nsteps; i++)
		if (strcmp(run->def->steps[i].name, name) == 0)
			return (long)i;
	return -1;
}

static const char *
cur_step_name(const struct cw_flow *run)
{
	return run->def && run->cur < run->def->nsteps ?
	    run->def->steps[run->cur].name : "";
}

/* ---- inputs hash: SHA-256 over the inputs sorted by key, each as
 * key NUL value NUL, so that no two input sets collide by concatenation. */

static int
fact_cmp(const void *a, const void *b)
{
	const struct cw_fact *x = a, *y = b;

	return strcmp(x->key, y->key);
}

static int
sorted_inputs(const struct cw_fact *in, size_t n, struct cw_fact **out,
    struct cw_error *err)
{
	struct cw_fact *v;

	*out = NULL;
	if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	for (size_t i = 0; i < n; i++) {
		if (!valid_name(in[i].key) || in[i].value == NULL) {
			free(v);
			return cw_error_set(err, CW_E_USAGE, _("invalid flow input '%s'"),
			    in[i].key ? in[i].key : "(null)");
		}
		v[i] = in[i];
	}
	qsort(v, n, sizeof(*v), fact_cmp);
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i - 1].key, v[i].key) == 0) {
			free(v);
			return cw_error_set(err, CW_E_USAGE, _("flow input '%s' given twice"), in[i].key);
		}
	*out = v;
	return 0;
}

static int
inputs_hash(const struct cw_fact *sorted, size_t n, char hex[65],
    struct cw_error *err)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);

	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, sorted[i].key, strlen(sorted[i].key) + 1) &&
		    EVP_DigestUpdate(ctx, sorted[i].value, strlen(sorted[i].value) + 1);
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == 32;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		cw_error_set(err, CW_E_CRYPTO, _("cannot compute the inputs hash"));
		return cw_error_openssl(err);
	}
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* ---- replay into a run */

static int
replay_rec(void *ctx, const struct cw_journal_rec *rec, struct cw_error *err)
{
	struct cw_flow *run = ctx;
	const char *step = cw_journal_rec_get(rec, "step");
	long idx = step_index(run, step);

	if (rec->type != CW_JREC_START && step != NULL && run->def != NULL && idx < 0) {
		cw_error_set(err, CW_E_JOURNAL,
		    _("the journal '%s' names a step '%s' that the flow '%s' does not have (line %zu)"),
		    run->path, step, run->def->name, rec->line);
		return cw_error_hint(err, _("It was written by another version of certwiz; 'certwiz journal abandon %s' gives the run up."), run->id);
	}
	switch (rec->type) {
	case CW_JREC_START: {
		const char *flow = cw_journal_rec_get(rec, "flow");
		const char *hash = cw_journal_rec_get(rec, "inputs");

		if (rec->seq != 1 || flow == NULL || hash == NULL)
			return cw_error_set(err, CW_E_JOURNAL,
			    _("the journal '%s' is corrupt at line %zu"), run->path, rec->line);
		if (run->def != NULL && strcmp(flow, run->def->name) != 0) {
			cw_error_set(err, CW_E_STATE, _("the run '%s' is a '%s' run, not '%s'"),
			    run->id, flow, run->def->name);
			return -1;
		}
		snprintf(run->name, sizeof(run->name), "%s", flow);
		snprintf(run->hash, sizeof(run->hash), "%s", hash);
		for (size_t i = 0; i < rec->nfields; i++)
			if (strncmp(rec->fields[i].key, "in.", 3) == 0 &&
			    kvs_set(&run->facts, rec->fields[i].key + 3,
			    rec->fields[i].value, 0, err) == -1)
				return -1;
		break;
	}
	case CW_JREC_BEGIN:
		if (idx >= 0) {
			run->begun[idx] = 1;
			run->cur = (size_t)idx;
		}
		break;
	case CW_JREC_INTENT:
		if (kvs_set(&run->intents, step ? step : "",
		    cw_journal_rec_get(rec, "what"), 1, err) == -1)
			return -1;
		break;
	case CW_JREC_DONE:
		if (idx >= 0)
			run->done[idx] = 1;
		for (size_t i = 0; i < rec->nfields; i++)
			if (strncmp(rec->fields[i].key, "f.", 2) == 0 &&
			    kvs_set(&run->facts, rec->fields[i].key + 2,
			    rec->fields[i].value, 0, err) == -1)
				return -1;
		break;
	default:
		break;
	}
	run->state = cw_run_state_next(run->state, rec->type);
	return 0;
}

/* ---- construction */

static int
run_new(const struct cw_cfg *cfg, const struct cw_flow_def *def,
    const char *id, void *user, struct cw_flow **out, struct cw_error *err)
{
	struct cw_flow *run;
	size_t n = def ? def->nsteps : 0;

	*out = NULL;
	if ((run = calloc(1, sizeof(*run))) == NULL ||
	    (run->done = calloc(n + 1, 1)) == NULL ||
	    (run->begun = calloc(n + 1, 1)) == NULL) {
		if (run)
			free(run->done);
		free(run);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	run->cfg = cfg;
	run->def = def;
	run->user = user;
	snprintf(run->id, sizeof(run->id), "%s", id);
	if (def)
		snprintf(run->name, sizeof(run->name), "%s", def->name);
	*out = run;
	if (cw_journal_run_path(cfg, id, 0, run->path, sizeof(run->path), err) == -1)
		return -1;
	if ((size_t)snprintf(run->stage, sizeof(run->stage), "%s/runs/%s",
	    cfg->state_dir, id) >= sizeof(run->stage))
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), cfg->state_dir);
	return 0;
}

static int
run_attach(struct cw_flow *run, struct cw_error *err)
{
	if (run->state == CW_RUN_RUNNING || run->state == CW_RUN_FAILED)
		if (cw_journal_mkdir(run->stage, err) == -1)
			return -1;
	if (run->def != NULL && run->def->log_name != NULL &&
	    cw_log_open(run->cfg, run->def->log_name, &run->log, err) == -1)
		return -1;
	return 0;
}

/* Opens an existing run's journal and replays it. */
static int
open_existing(const struct cw_cfg *cfg, const struct cw_flow_def *def,
    const char *id, void *user, struct cw_flow **out, struct cw_error *err)
{
	struct cw_flow *run = NULL;
	struct cw_journal_tail tail;
	struct stat st;

	*out = NULL;
	if (run_new(cfg, def, id, user, &run, err) == -1)
		goto fail;
	if (lstat(run->path, &st) == -1) {
		cw_error_set(err, CW_E_USAGE, _("there is no unfinished run '%s'"), id);
		cw_error_hint(err, _("'certwiz journal list' shows the runs."));
		goto fail;
	}
	if (cw_journal_open(run->path, replay_rec, run, &run->j, &tail, err) == -1)
		goto fail;
	run->resumed = 1;
	if (run_attach(run, err) == -1)
		goto fail;
	if (tail.torn && run->log)
		cw_log_msg(run->log, CW_LOG_WARNING,
		    _("run %s: the journal's last record (line %zu) was incomplete and is ignored"),
		    run->id, tail.torn_line);
	*out = run;
	return 0;
fail:
	cw_flow_free(run);
	return -1;
}

static int
create_run(const struct cw_cfg *cfg, const struct cw_flow_def *def,
    const struct cw_fact *sorted, size_t n, const char *hash, void *user,
    struct cw_flow **out, struct cw_error *err)
{
	struct cw_flow *run = NULL;
	struct cw_fact *fields = NULL;
	char id[96], stamp[24], *keys = NULL;
	unsigned char rnd[2];
	time_t now = time(NULL);
	struct tm tm;
	size_t nf = 0;
	int rc = -1;

	*out = NULL;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		rnd[0] = (unsigned char)getpid();
		rnd[1] = (unsigned char)(getpid() >> 8);
	}
	snprintf(id, sizeof(id), "%s-%s-%02x%02x", def->name, stamp, rnd[0], rnd[1]);
	if (run_new(cfg, def, id, user, &run, err) == -1)
		goto out;
	if ((fields = calloc(n + 3, sizeof(*fields))) == NULL ||
	    (keys = calloc(n ? n : 1, 64)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	fields[nf++] = (struct cw_fact){ "flow", def->name };
	fields[nf++] = (struct cw_fact){ "id", id };
	fields[nf++] = (struct cw_fact){ "inputs", hash };
	for (size_t i = 0; i < n; i++) {
		if (strlen(sorted[i].key) > 60) {
			cw_error_set(err, CW_E_USAGE, _("invalid flow input '%s'"), sorted[i].key);
			goto out;
		}
		snprintf(keys + 64 * i, 64, "in.%s", sorted[i].key);
		fields[nf++] = (struct cw_fact){ keys + 64 * i, sorted[i].value };
		if (kvs_set(&run->facts, sorted[i].key, sorted[i].value, 0, err) == -1)
			goto out;
	}
	snprintf(run->hash, sizeof(run->hash), "%s", hash);
	if (cw_journal_create(run->path, fields, nf, &run->j, err) == -1)
		goto out;
	if (run_attach(run, err) == -1)
		goto out;
	if (run->log)
		cw_log_msg(run->log, CW_LOG_INFO, _("run %s: started"), run->id);
	*out = run;
	run = NULL;
	rc = 0;
out:
	free(fields);
	free(keys);
	cw_flow_free(run);
	return rc;
}

/* Ends a finished or abandoned run: journal closed, staging dir removed,
 * the abandon hook called, the journal moved to done/.  Idempotent, so a
 * run interrupted in here is closed out by the next open. */
static int
close_out(struct cw_flow *run, struct cw_error *err)
{
	cw_journal_close(run->j);
	run->j = NULL;
	if (remove_stage(run, err) == -1)
		return -1;
	if (run->state == CW_RUN_ABANDONED && run->def && run->def->abandon)
		run->def->abandon(run);
	return cw_journal_retire(run->cfg, run->id, err);
}

int
cw_flow_open(const struct cw_cfg *cfg, const struct cw_flow_def *def,
    const struct cw_fact *inputs, size_t ninputs, void *user,
    struct cw_flow **out, struct cw_error *err)
{
	return cw_flow_open_other(cfg, def, inputs, ninputs, user, NULL, 0, out, err);
}

int
cw_flow_open_other(const struct cw_cfg *cfg, const struct cw_flow_def *def,
    const struct cw_fact *inputs, size_t ninputs, void *user,
    char *other_id, size_t other_len, struct cw_flow **out,
    struct cw_error *err)
{
	struct cw_fact *sorted = NULL;
	char hash[65], dir[PATH_MAX], p[PATH_MAX], other[96] = "";
	char resume[96] = "", flow[32], h[65];
	struct dirent *de;
	DIR *d = NULL;
	int rc = -1;

	*out = NULL;
	if (!valid_name(def->name) || strlen(def->name) >= sizeof(flow) || def->nsteps == 0)
		return cw_error_set(err, CW_E_USAGE, _("invalid flow definition '%s'"), def->name);
	if (sorted_inputs(inputs, ninputs, &sorted, err) == -1 ||
	    inputs_hash(sorted, ninputs, hash, err) == -1 ||
	    cw_journal_dir(cfg, dir, sizeof(dir), err) == -1 ||
	    cw_journal_mkdir(dir, err) == -1)
		goto out;

	if ((d = opendir(dir)) == NULL) {
		cw_error_set(err, CW_E_IO, _("cannot read the directory '%s'"), dir);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		struct cw_journal_run_info info;
		struct cw_error e2;
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.' || l <= 8 || strcmp(de->d_name + l - 8, ".journal") != 0)
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) >= sizeof(p))
			continue;
		if (cw_journal_read_info(p, &info, h, &e2) == -1) {
			/* Unreadable: refuse if it may be ours, never guess. */
			if (cw_journal_flow_of_id(info.id, flow, sizeof(flow)) == 0 &&
			    strcmp(flow, def->name) == 0) {
				if (err != NULL)
					*err = e2;
				cw_error_hint(err, _("Show it with 'certwiz journal show %s'; 'certwiz journal abandon %s' gives it up."),
				    info.id, info.id);
				goto out;
			}
			continue;
		}
		if (strcmp(info.flow, def->name) != 0)
			continue;
		if (info.state == CW_RUN_ABANDONED ||
		    (info.state == CW_RUN_FINISHED && strcmp(h, hash) != 0)) {
			/* Interrupted while closing out: finish that first. */
			struct cw_flow *old = NULL;
			if (open_existing(cfg, def, info.id, user, &old, err) == -1)
				goto out;
			rc = close_out(old, err);
			cw_flow_free(old);
			if (rc == -1)
				goto out;
			rc = -1;
			continue;
		}
		if (strcmp(h, hash) == 0) {
			if (resume[0] == '\0' || strcmp(info.id, resume) < 0)
				snprintf(resume, sizeof(resume), "%s", info.id);
		} else
			snprintf(other, sizeof(other), "%s", info.id);
	}
	closedir(d);
	d = NULL;

	if (resume[0] != '\0') {
		/* The same command with the same inputs: resume it (a finished
		 * run that was not moved to done/ yet is only closed out). */
		rc = open_existing(cfg, def, resume, user, out, err);
		goto out;
	}
	if (other[0] != '\0') {
		if (other_id != NULL)
			snprintf(other_id, other_len, "%s", other);
		cw_error_set(err, CW_E_STATE,
		    _("an unfinished '%s' run with other inputs exists: '%s'"), def->name, other);
		cw_error_hint(err, _("Resume it with 'certwiz journal resume %s' or give it up with 'certwiz journal abandon %s'; nothing was changed."),
		    other, other);
		goto out;
	}
	rc = create_run(cfg, def, sorted, ninputs, hash, user, out, err);
out:
	if (d)
		closedir(d);
	free(sorted);
	return rc;
}

int
cw_flow_open_id(const struct cw_cfg *cfg, const struct cw_flow_def *def,
    const char *run_id, void *user, struct cw_flow **out,
    struct cw_error *err)
{
	*out = NULL;
	if (!cw_journal_valid_id(run_id))
		return cw_error_set(err, CW_E_USAGE, _("'%s' is not a run id"), run_id);
	return open_existing(cfg, def, run_id, user, out, err);
}

/* ---- running */

/* Appends a record, then applies it to memory (invariant: memory never runs
 * ahead of the disk). */
static int
set_state(struct cw_flow *run, enum cw_journal_type type,
    const struct cw_fact *fields, size_t n, struct cw_error *err)
{
	const struct cw_flow_step *s = run->def != NULL && run->cur < run->def->nsteps ?
	    &run->def->steps[run->cur] : NULL;

	if (run->j == NULL)
		return cw_error_set(err, CW_E_STATE, _("the run '%s' is closed"), run->id);
	/* The begin of a step without a check changes nothing on resume
	 * (only a check is asked whether a begun step took effect): it need
	 * not be on disk before the step runs, and the step's done, intent
	 * or failed record (fsynced) carries it there.  Issue 17. */
	if (type == CW_JREC_BEGIN && s != NULL && s->check == NULL) {
		if (cw_journal_append_lazy(run->j, type, fields, n, err) == -1)
			return -1;
	} else if (cw_journal_append(run->j, type, fields, n, err) == -1)
		return -1;
	if (type == CW_JREC_BEGIN)
		run->begun[run->cur] = 1;
	else if (type == CW_JREC_DONE)
		run->done[run->cur] = 1;
	run->state = cw_run_state_next(run->state, type);
	return 0;
}

/* Records the current step done with its pending facts and commits them. */
static int
step_done(struct cw_flow *run, const char *how, struct cw_error *err)
{
	struct cw_fact *f = NULL;
	char *keys = NULL;
	size_t n = 0;
	int rc = -1;

	if ((f = calloc(run->pending.n + 2, sizeof(*f))) == NULL ||
	    (keys = calloc(run->pending.n + 1, 72)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	f[n++] = (struct cw_fact){ "step", cur_step_name(run) };
	f[n++] = (struct cw_fact){ "how", how };
	for (size_t i = 0; i < run->pending.n; i++) {
		snprintf(keys + 72 * i, 72, "f.%s", run->pending.v[i].key);
		f[n++] = (struct cw_fact){ keys + 72 * i, run->pending.v[i].value };
	}
	if (set_state(run, CW_JREC_DONE, f, n, err) == -1)
		goto out;
	for (size_t i = 0; i < run->pending.n; i++)
		if (kvs_set(&run->facts, run->pending.v[i].key,
		    run->pending.v[i].value, 0, err) == -1)
			goto out;
	kvs_clear(&run->pending);
	rc = 0;
out:
	free(f);
	free(keys);
	return rc;
}

static void
step_failed(struct cw_flow *run, const struct cw_error *e)
{
	struct cw_fact f[4] = {
		{ "step", cur_step_name(run) },
		{ "code", cw_error_code_name(e->code) },
		{ "msg", e->msg },
		{ "detail", e->detail },
	};
	struct cw_error e2;

	kvs_clear(&run->pending);
	if (set_state(run, CW_JREC_FAILED, f, e->detail[0] ? 4 : 3, &e2) == -1 && run->log)
		cw_log_error(run->log, &e2);
	if (run->log) {
		cw_log_msg(run->log, CW_LOG_ERROR, _("run %s: step '%s' failed"),
		    run->id, cur_step_name(run));
		cw_log_error(run->log, e);
	}
}

int
cw_flow_run(struct cw_flow *run, cw_flow_progress_fn *progress, void *ctx,
    struct cw_error *err)
{
	const struct cw_flow_def *def = run->def;
	size_t n, i;

	if (def == NULL) {
		cw_error_set(err, CW_E_STATE,
		    _("this certwiz does not know the flow '%s' of the run '%s'"), run->name, run->id);
		return cw_error_hint(err, _("It can only be abandoned: 'certwiz journal abandon %s'."), run->id);
	}
	if (run->state == CW_RUN_ABANDONED)
		return cw_error_set(err, CW_E_STATE, _("the run '%s' was abandoned"), run->id);
	n = def->nsteps;
	run->progress = progress;
	run->pctx = ctx;
	for (i = cw_flow_next_step(run); i < n && run->state != CW_RUN_FINISHED; i = cw_flow_next_step(run)) {
		const struct cw_flow_step *s = &def->steps[i];
		struct cw_fact f = { "step", s->name };
		int r;

		run->cur = i;
		kvs_clear(&run->pending);
		if (progress && progress(ctx, i, n, 0.0, _(s->label))) {
			cw_error_set(err, CW_E_CANCELLED, _("cancelled before the step '%s'"), _(s->label));
			return cw_error_hint(err, _("The run can be resumed with 'certwiz journal resume %s'."), run->id);
		}
		/* A step that began before may have taken effect: ask. */
		if (run->begun[i] && s->check != NULL) {
			if ((r = s->check(run, err)) == -1) {
				step_failed(run, err);
				return -1;
			}
			if (r == 1) {
				if (step_done(run, "check", err) == -1) {
					step_failed(run, err);
					return -1;
				}
				if (run->log)
					cw_log_msg(run->log, CW_LOG_INFO,
					    _("run %s: step '%s' had already taken effect"), run->id, s->name);
				continue;
			}
			kvs_clear(&run->pending);
		}
		if (set_state(run, CW_JREC_BEGIN, &f, 1, err) == -1)
			return -1;
		if (run->log)
			cw_log_msg(run->log, CW_LOG_INFO, _("run %s: step '%s' begins"), run->id, s->name);
		if (s->run(run, err) == -1) {
			step_failed(run, err);
			return -1;
		}
		if (step_done(run, "run", err) == -1) {
			step_failed(run, err);
			return -1;
		}
		if (run->log)
			cw_log_msg(run->log, CW_LOG_INFO, _("run %s: step '%s' done"), run->id, s->name);
	}
	if (run->state != CW_RUN_FINISHED) {
		if (set_state(run, CW_JREC_FINISHED, NULL, 0, err) == -1)
			return -1;
		if (run->log)
			cw_log_msg(run->log, CW_LOG_INFO, _("run %s: finished"), run->id);
	}
	if (progress)
		progress(ctx, n, n, 1.0, _(def->label));
	return run->j != NULL ? close_out(run, err) : 0;
}

int
cw_flow_abandon(struct cw_flow *run, struct cw_error *err)
{
	if (run->state == CW_RUN_FINISHED)
		return cw_error_set(err, CW_E_STATE, _("the run '%s' has finished; there is nothing to abandon"), run->id);
	if (run->state != CW_RUN_ABANDONED &&
	    set_state(run, CW_JREC_ABANDONED, NULL, 0, err) == -1)
		return -1;
	if (run->log)
		cw_log_msg(run->log, CW_LOG_INFO, _("run %s: abandoned"), run->id);
	return close_out(run, err);
}

int
cw_flow_abandon_id(const struct cw_cfg *cfg, const struct cw_flow_def *def,
    const char *run_id, void *user, struct cw_error *err)
{
	struct cw_flow *run = NULL;
	int rc;

	if (cw_flow_open_id(cfg, def, run_id, user, &run, err) == 0) {
		rc = cw_flow_abandon(run, err);
		cw_flow_free(run);
		return rc;
	}
	if (err == NULL || err->code != CW_E_JOURNAL)
		return -1;
	/* Too damaged to record anything in: set it aside. */
	if (run_new(cfg, def, run_id, user, &run, err) == -1 ||
	    cw_journal_quarantine(cfg, run_id, err) == -1 ||
	    remove_stage(run, err) == -1)
		rc = -1;
	else
		rc = 0;
	cw_flow_free(run);
	return rc;
}

void
cw_flow_free(struct cw_flow *run)
{
	if (run == NULL)
		return;
	cw_journal_close(run->j);
	cw_log_close(run->log);
	kvs_clear(&run->facts);
	kvs_clear(&run->pending);
	kvs_clear(&run->intents);
	free(run->done);
	free(run->begun);
	free(run);
}

/* ---- for step functions */

const char *
cw_flow_fact(const struct cw_flow *run, const char *key)
{
	const struct kv *e = kvs_find(&run->pending, key);

	if (e == NULL)
		e = kvs_find(&run->facts, key);
	return e ? e->value : NULL;
}

int
cw_flow_set_fact(struct cw_flow *run, const char *key, const char *value,
    struct cw_error *err)
{
	if (!valid_name(key) || strlen(key) > 64 || value == NULL)
		return cw_error_set(err, CW_E_USAGE, _("invalid fact name '%s'"), key ? key : "(null)");
	return kvs_set(&run->pending, key, value, 0, err);
}

int
cw_flow_intent(struct cw_flow *run, const char *what, struct cw_error *err)
{
	struct cw_fact f[2] = { { "step", cur_step_name(run) }, { "what", what } };

	if (set_state(run, CW_JREC_INTENT, f, 2, err) == -1)
		return -1;
	return kvs_set(&run->intents, cur_step_name(run), what, 1, err);
}

int
cw_flow_intent_recorded(const struct cw_flow *run, const char *what)
{
	const char *step = cur_step_name(run);

	for (size_t i = 0; i < run->intents.n; i++)
		if (strcmp(run->intents.v[i].key, step) == 0 &&
		    strcmp(run->intents.v[i].value, what) == 0)
			return 1;
	return 0;
}

int
cw_flow_progress(struct cw_flow *run, double fraction, struct cw_error *err)
{
	const char *label;

	if (run->progress == NULL || run->def == NULL)
		return 0;
	label = run->cur < run->def->nsteps ? _(run->def->steps[run->cur].label) : "";
	if (run->progress(run->pctx, run->cur, run->def->nsteps, fraction, label)) {
		cw_error_set(err, CW_E_CANCELLED, _("cancelled during the step '%s'"), label);
		return cw_error_hint(err, _("The run can be resumed with 'certwiz journal resume %s'."), run->id);
	}
	return 0;
}

const struct cw_cfg *
cw_flow_cfg(const struct cw_flow *run)
{
	return run->cfg;
}

void *
cw_flow_user(const struct cw_flow *run)
{
	return run->user;
}

void
cw_flow_set_user(struct cw_flow *run, void *user)
{
	run->user = user;
}

struct cw_log *
cw_flow_log(const struct cw_flow *run)
{
	return run->log;
}

const char *
cw_flow_stage_dir(const struct cw_flow *run)
{
	return run->stage;
}

const char *
cw_flow_id(const struct cw_flow *run)
{
	return run->id;
}

int
cw_flow_resumed(const struct cw_flow *run)
{
	return run->resumed;
}

enum cw_run_state
cw_flow_state(const struct cw_flow *run)
{
	return run->state;
}

size_t
cw_flow_next_step(const struct cw_flow *run)
{
	size_t n = run->def ? run->def->nsteps : 0, i;

	for (i = 0; i < n && run->done[i]; i++)
		;
	return i;
}

const char *
cw_flow_name(const struct cw_flow *run)
{
	return run->name;
}
