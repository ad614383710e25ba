/* journal.c - record format, CRC32C, replay, append, rotation, listing.
 * The format and its invariants are described in journal.h. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/i18n.h"
#include "core/journal.h"

struct cw_journal {
	char *path;
	int fd;
	unsigned long next_seq;
	off_t good_len;		/* end of the last good record */
	int repair;		/* truncate to good_len before appending */
};

static const char *const type_names[CW_JREC__MAX] = {
	[CW_JREC_START] = "start",
	[CW_JREC_BEGIN] = "begin",
	[CW_JREC_INTENT] = "intent",
	[CW_JREC_DONE] = "done",
	[CW_JREC_FAILED] = "failed",
	[CW_JREC_ABANDONED] = "abandoned",
	[CW_JREC_FINISHED] = "finished",
};

const char *
cw_journal_type_name(enum cw_journal_type type)
{
	if ((unsigned)type >= CW_JREC__MAX)
		return NULL;
	return type_names[type];
}

static const char *const run_state_names[CW_RUN__MAX] = {
	[CW_RUN_RUNNING] = "running",
	[CW_RUN_FAILED] = "failed",
	[CW_RUN_FINISHED] = "finished",
	[CW_RUN_ABANDONED] = "abandoned",
};

const char *
cw_run_state_name(enum cw_run_state s)
{
	return (unsigned)s < CW_RUN__MAX ? run_state_names[s] : "?";
}

int
cw_run_state_closed(enum cw_run_state s)
{
	return s == CW_RUN_FINISHED || s == CW_RUN_ABANDONED;
}

enum cw_run_state
cw_run_state_next(enum cw_run_state s, enum cw_journal_type t)
{
	if (cw_run_state_closed(s))
		return s;
	switch (t) {
	case CW_JREC_START:
	case CW_JREC_BEGIN:
	case CW_JREC_DONE:
		return CW_RUN_RUNNING;
	case CW_JREC_FAILED:
		return CW_RUN_FAILED;
	case CW_JREC_ABANDONED:
		return CW_RUN_ABANDONED;
	case CW_JREC_FINISHED:
		return CW_RUN_FINISHED;
	default:
		return s;
	}
}

/* Truncating string copy. */
static void
copy(char *dst, size_t len, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= len)
		n = len - 1;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* ---- CRC32C (Castagnoli), slicing-by-8: replay checks every line, and a
 * byte-at-a-time loop would be most of the replay time. */

static uint32_t crc_table[8][256];
static int crc_ready;

static void
crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
			    crc_table[0][crc_table[t - 1][i] & 0xff];
	crc_ready = 1;
}

static uint32_t
crc32c(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t c = 0xffffffffu;

	if (!crc_ready)
		crc_init();
	while (len >= 8) {
		uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
		c = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		    crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		    crc_table[3][p[4]] ^ crc_table[2][p[5]] ^
		    crc_table[1][p[6]] ^ crc_table[0][p[7]];
		p += 8;
		len -= 8;
	}
	while (len-- > 0)
		c = crc_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* ---- time: fixed "YYYY-MM-DDTHH:MM:SSZ", parsed by hand because timegm
 * per record would dominate a long replay. */

static void
format_time(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		memcpy(out, "0000-00-00T00:00:00Z", 21);
}

static int
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
parse_time(const char *s, size_t len, time_t *out)
{
	int y, mo, d, h, mi, sec;
	long days;

	if (len != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
	    digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
	    digits(s + 17, 2, &sec) || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	/* days from civil (Howard Hinnant) */
	y -= mo <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * 146097 + doe - 719468;
	*out = (time_t)days * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

/* ---- format */

static int
valid_key(const char *k)
{
	if (k == NULL || *k == '\0' || strcmp(k, "crc") == 0)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') ||
		    *k == '_' || *k == '.' || *k == '-'))
			return 0;
	return 1;
}

static int
needs_escape(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == '%';
}

long
cw_journal_format(char *buf, size_t len, unsigned long seq, time_t when,
    enum cw_journal_type type, const struct cw_fact *fields, size_t nfields,
    struct cw_error *err)
{
	static const char hex[] = "0123456789ABCDEF";
	char stamp[21];
	size_t o, cap = len < CW_JOURNAL_LINE_MAX ? len : CW_JOURNAL_LINE_MAX;
	int n;

	if ((unsigned)type >= CW_JREC__MAX)
		return cw_error_set(err, CW_E_USAGE, _("invalid journal record type %d"), (int)type);
	format_time(when, stamp);
	n = snprintf(buf, cap, "%lu %s %s", seq, stamp, type_names[type]);
	if (n < 0 || (size_t)n >= cap)
		goto toolong;
	o = (size_t)n;
	for (size_t i = 0; i < nfields; i++) {
		const unsigned char *v = (const unsigned char *)
		    (fields[i].value ? fields[i].value : "");
		size_t kl;

		if (!valid_key(fields[i].key))
			return cw_error_set(err, CW_E_USAGE,
			    _("invalid journal field name '%s'"),
			    fields[i].key ? fields[i].key : "(null)");
		kl = strlen(fields[i].key);
		if (o + kl + 2 >= cap)
			goto toolong;
		buf[o++] = ' ';
		memcpy(buf + o, fields[i].key, kl);
		o += kl;
		buf[o++] = '=';
		for (; *v; v++) {
			if (o + 3 >= cap)
				goto toolong;
			if (needs_escape(*v)) {
				buf[o++] = '%';
				buf[o++] = hex[*v >> 4];
				buf[o++] = hex[*v & 15];
			} else
				buf[o++] = (char)*v;
		}
	}
	if (o + 14 >= cap)
		goto toolong;
	n = snprintf(buf + o, cap - o, " crc=%08x\n", crc32c(buf, o));
	return (long)(o + (size_t)n);
toolong:
	return cw_error_set(err, CW_E_USAGE,
	    _("a journal record is longer than %d bytes"), CW_JOURNAL_LINE_MAX);
}

/* ---- replay */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes %XX in place; -1 on a bad escape. */
static int
decode(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s != '%') {
			*w++ = *s;
			continue;
		}
		int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
		if (lo < 0)
			return -1;
		*w++ = (char)(hi << 4 | lo);
		s += 2;
	}
	*w = '\0';
	return 0;
}

struct fieldvec {
	struct cw_fact *v;
	size_t n, cap;
};

/* Parses one line (without its newline) in place.  Returns 0, -1 for a bad
 * line, -2 when out of memory. */
static int
parse_line(char *line, size_t len, unsigned long want_seq,
    struct cw_journal_rec *rec, struct fieldvec *fv)
{
	char *p, *end, *sp;
	uint32_t crc = 0;
	unsigned long seq = 0;
	size_t body;
	int t;

	if (len < 13 || line[len - 13] != ' ' || memcmp(line + len - 12, "crc=", 4) != 0)
		return -1;
	for (size_t i = len - 8; i < len; i++) {
		int h = hexval(line[i]);
		if (h < 0 || (line[i] >= 'A' && line[i] <= 'F'))
			return -1;
		crc = crc << 4 | (uint32_t)h;
	}
	body = len - 13;
	if (crc32c(line, body) != crc)
		return -1;
	line[body] = '\0';
	end = line + body;

	p = line;
	if (*p < '1' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (seq > (ULONG_MAX - 9) / 10)
			return -1;
		seq = seq * 10 + (unsigned long)(*p - '0');
	}
	if (*p != ' ' || seq != want_seq)
		return -1;
	p++;
	if (end - p < 21 || p[20] != ' ' || parse_time(p, 20, &rec->time) == -1)
		return -1;
	p += 21;
	sp = memchr(p, ' ', (size_t)(end - p));
	if (sp == NULL)
		sp = end;
	*sp = '\0';
	for (t = 0; t < CW_JREC__MAX; t++)
		if (type_names[t][0] == p[0] && strcmp(p, type_names[t]) == 0)
			break;
	if (t == CW_JREC__MAX)
		return -1;
	rec->type = (enum cw_journal_type)t;
	rec->seq = seq;
	fv->n = 0;
	p = sp < end ? sp + 1 : end;
	while (p < end) {
		char *eq, *next;

		sp = memchr(p, ' ', (size_t)(end - p));
		next = sp ? sp + 1 : end;
		if (sp)
			*sp = '\0';
		if ((eq = memchr(p, '=', (size_t)(next - p))) == NULL)
			return -1;
		*eq = '\0';
		if (!valid_key(p) ||
		    (memchr(eq + 1, '%', (size_t)(next - eq - 1)) && decode(eq + 1) == -1))
			return -1;
		if (fv->n == fv->cap) {
			size_t nc = fv->cap ? fv->cap * 2 : 16;
			struct cw_fact *nv = realloc(fv->v, nc * sizeof(*nv));
			if (nv == NULL)
				return -2;
			fv->v = nv;
			fv->cap = nc;
		}
		fv->v[fv->n].key = p;
		fv->v[fv->n].value = eq + 1;
		fv->n++;
		p = next;
	}
	rec->fields = fv->v;
	rec->nfields = fv->n;
	return 0;
}

int
cw_journal_replay_buf(char *buf, size_t len, const char *name,
    cw_journal_rec_fn *fn, void *ctx, struct cw_journal_tail *tail,
    struct cw_error *err)
{
	struct cw_journal_tail t = { 0 };
	struct fieldvec fv = { 0 };
	struct cw_journal_rec rec;
	size_t off = 0, lineno = 0;
	int rc = -1, r;

	while (off < len) {
		char *line = buf + off, *nl = memchr(line, '\n', len - off);
		size_t ll = nl ? (size_t)(nl - line) : len - off;
		int last = nl == NULL || (size_t)(nl - buf) + 1 == len;

		lineno++;
		memset(&rec, 0, sizeof(rec));
		rec.line = lineno;
		r = nl ? parse_line(line, ll, t.last_seq + 1, &rec, &fv) : -1;
		if (r == -2) {
			cw_error_set(err, CW_E_NOMEM, _("out of memory"));
			goto out;
		}
		if (r == -1) {
			if (last) {
				/* A crash or power loss tore the last write. */
				t.torn = 1;
				t.torn_line = lineno;
				break;
			}
			cw_error_set(err, CW_E_JOURNAL,
			    _("the journal '%s' is corrupt at line %zu"), name, lineno);
			cw_error_hint(err, _("certwiz does not guess what happened after a damaged record. Inspect the file; 'certwiz journal abandon RUN' gives the run up, nothing else was changed."));
			goto out;
		}
		if (fn != NULL && fn(ctx, &rec, err) == -1)
			goto out;
		t.nrecords++;
		t.last_seq = rec.seq;
		off += ll + 1;
		t.good_len = off;
	}
	rc = 0;
out:
	free(fv.v);
	if (tail != NULL)
		*tail = t;
	return rc;
}

int
cw_journal_replay(const char *path, cw_journal_rec_fn *fn, void *ctx,
    struct cw_journal_tail *tail, struct cw_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (cw_file_read(path, CW_JOURNAL_FILE_MAX, &buf, &len, err) == -1)
		return -1;
	rc = cw_journal_replay_buf(buf, len, path, fn, ctx, tail, err);
	free(buf);
	return rc;
}

const char *
cw_journal_rec_get(const struct cw_journal_rec *rec, const char *key)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (strcmp(rec->fields[i].key, key) == 0)
			return rec->fields[i].value;
	return NULL;
}

/* ---- append */

static int
open_append(const char *path, struct cw_journal **out, struct cw_error *err)
{
	struct cw_journal *j;

	if ((j = calloc(1, sizeof(*j))) == NULL || (j->path = strdup(path)) == NULL) {
		free(j);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	j->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (j->fd == -1) {
		cw_error_set(err, CW_E_JOURNAL, _("cannot open the journal '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		free(j->path);
		free(j);
		return -1;
	}
	*out = j;
	return 0;
}

int
cw_journal_create(const char *path, const struct cw_fact *fields,
    size_t nfields, struct cw_journal **out, struct cw_error *err)
{
	char line[CW_JOURNAL_LINE_MAX];
	struct stat st;
	long n;

	*out = NULL;
	if (lstat(path, &st) == 0)
		return cw_error_set(err, CW_E_JOURNAL, _("the journal '%s' already exists"), path);
	if ((n = cw_journal_format(line, sizeof(line), 1, time(NULL),
	    CW_JREC_START, fields, nfields, err)) == -1)
		return -1;
	/* Created whole by an atomic install: the file never exists without
	 * its start record. */
	if (cw_file_install(path, line, (size_t)n, 0600, 0, err) == -1)
		return -1;
	if (open_append(path, out, err) == -1)
		return -1;
	(*out)->next_seq = 2;
	(*out)->good_len = n;
	return 0;
}

int
cw_journal_open(const char *path, cw_journal_rec_fn *fn, void *ctx,
    struct cw_journal **out, struct cw_journal_tail *tail,
    struct cw_error *err)
{
	struct cw_journal_tail t;

	*out = NULL;
	if (cw_journal_replay(path, fn, ctx, &t, err) == -1)
		return -1;
	if (t.nrecords == 0)
		return cw_error_set(err, CW_E_JOURNAL,
		    _("the journal '%s' has no valid start record"), path);
	if (open_append(path, out, err) == -1)
		return -1;
	(*out)->next_seq = t.last_seq + 1;
	(*out)->good_len = (off_t)t.good_len;
	(*out)->repair = t.torn;
	if (tail != NULL)
		*tail = t;
	return 0;
}

enum io_what { IO_REPAIR, IO_WRITE, IO_FLUSH };

static int
io_error(struct cw_journal *j, enum io_what what, struct cw_error *err)
{
	int e = errno;

	if (what == IO_REPAIR)
		cw_error_set(err, CW_E_JOURNAL, _("cannot repair the journal '%s'"), j->path);
	else if (what == IO_WRITE)
		cw_error_set(err, CW_E_JOURNAL, _("cannot write the journal '%s'"), j->path);
	else
		cw_error_set(err, CW_E_JOURNAL, _("cannot flush the journal '%s' to disk"), j->path);
	cw_error_detail(err, "%s", strerror(e));
	cw_error_hint(err, _("The step was not recorded; free disk space or fix the file system, then resume the run."));
	return -1;
}

static int
append(struct cw_journal *j, enum cw_journal_type type, const struct cw_fact *fields,
    size_t nfields, int sync, struct cw_error *err)
{
	char line[CW_JOURNAL_LINE_MAX];
	long n;

	if ((n = cw_journal_format(line, sizeof(line), j->next_seq, time(NULL),
	    type, fields, nfields, err)) == -1)
		return -1;
	if (j->repair) {
		/* Cut the torn tail so the new record follows a good one. */
		if (ftruncate(j->fd, j->good_len) == -1)
			return io_error(j, IO_REPAIR, err);
		if (fsync(j->fd) == -1)
			return io_error(j, IO_FLUSH, err);
		cw_fault_point("journal-truncate");
		j->repair = 0;
	}
	if (cw_file_write_all(j->fd, line, (size_t)n) == -1) {
		/* Do not leave a half record for the next append to follow. */
		io_error(j, IO_WRITE, err);
		j->repair = 1;
		return -1;
	}
	cw_fault_point("journal-write");
	if (sync) {
		if (fsync(j->fd) == -1) {
			j->repair = 1;
			return io_error(j, IO_FLUSH, err);
		}
		cw_fault_point("journal-fsync");
	}
	j->good_len += n;
	j->next_seq++;
	return 0;
}

int
cw_journal_append(struct cw_journal *j, enum cw_journal_type type,
    const struct cw_fact *fields, size_t nfields, struct cw_error *err)
{
	return append(j, type, fields, nfields, 1, err);
}

int
cw_journal_append_lazy(struct cw_journal *j, enum cw_journal_type type,
    const struct cw_fact *fields, size_t nfields, struct cw_error *err)
{
	return append(j, type, fields, nfields, 0, err);
}

const char *
cw_journal_path(const struct cw_journal *j)
{
	return j->path;
}

void
cw_journal_close(struct cw_journal *j)
{
	if (j == NULL)
		return;
	if (j->fd != -1)
		close(j->fd);
	free(j->path);
	free(j);
}

/* ---- paths, rotation */

int
cw_journal_valid_id(const char *id)
{
	size_t n = 0;

	if (id == NULL || *id == '.' || *id == '\0')
		return 0;
	for (; *id; id++, n++)
		if (!((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') ||
		    (*id >= '0' && *id <= '9') || *id == '_' || *id == '.' || *id == '-'))
			return 0;
	return n < sizeof(((struct cw_journal_run_info *)0)->id);
}

int
cw_journal_dir(const struct cw_cfg *cfg, char *buf, size_t len,
    struct cw_error *err)
{
	if ((size_t)snprintf(buf, len, "%s/journal", cfg->state_dir) >= len)
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), cfg->state_dir);
	return 0;
}

int
cw_journal_run_path(const struct cw_cfg *cfg, const char *run_id, int done,
    char *buf, size_t len, struct cw_error *err)
{
	if (!cw_journal_valid_id(run_id))
		return cw_error_set(err, CW_E_USAGE, _("'%s' is not a run id"), run_id);
	if ((size_t)snprintf(buf, len, "%s/journal/%s%s.journal", cfg->state_dir,
	    done ? "done/" : "", run_id) >= len)
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), cfg->state_dir);
	return 0;
}

int
cw_journal_mkdir(const char *path, struct cw_error *err)
{
	char parent[PATH_MAX], *slash;
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	if (cw_file_mkdirs(path, 0700, err) == -1)
		return -1;
	/* The new entry, and its parent's if that was new too, must survive
	 * a power loss: records in the directory depend on them. */
	if ((size_t)snprintf(parent, sizeof(parent), "%s", path) >= sizeof(parent))
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), path);
	if (cw_file_sync_dir(parent, 0, err) == -1)
		return -1;
	if ((slash = strrchr(parent, '/')) != NULL && slash != parent) {
		*slash = '\0';
		if (cw_file_sync_dir(parent, 0, err) == -1)
			return -1;
	}
	return 0;
}

struct doneent {
	char name[NAME_MAX + 1];
	time_t mtime;
};

static int
doneent_cmp(const void *a, const void *b)
{
	const struct doneent *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime > y->mtime ? -1 : 1;
	return -strcmp(x->name, y->name);
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a > b && strcmp(s + a - b, suf) == 0;
}

/* Keeps the CW_JOURNAL_DONE_KEEP newest journals in done/. */
static int
prune_done(const char *donedir, struct cw_error *err)
{
	struct doneent *v = NULL, *nv;
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	char p[PATH_MAX];
	DIR *d;
	int rc = -1, removed = 0;

	if ((d = opendir(donedir)) == NULL) {
		cw_error_set(err, CW_E_IO, _("cannot read the directory '%s'"), donedir);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !has_suffix(de->d_name, ".journal"))
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", donedir, de->d_name) >= sizeof(p) ||
		    lstat(p, &st) == -1)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				cw_error_set(err, CW_E_NOMEM, _("out of memory"));
				goto out;
			}
			v = nv;
		}
		copy(v[n].name, sizeof(v[n].name), de->d_name);
		v[n].mtime = st.st_mtime;
		n++;
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), doneent_cmp);
	for (size_t i = CW_JOURNAL_DONE_KEEP; i < n; i++) {
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", donedir, v[i].name) < sizeof(p) &&
		    unlink(p) == 0)
			removed = 1;
	}
	rc = removed ? cw_file_sync_dir(donedir, 1, err) : 0;
out:
	closedir(d);
	free(v);
	return rc;
}

int
cw_journal_retire(const struct cw_cfg *cfg, const char *run_id,
    struct cw_error *err)
{
	char from[PATH_MAX], to[PATH_MAX], donedir[PATH_MAX];

	if (cw_journal_run_path(cfg, run_id, 0, from, sizeof(from), err) == -1 ||
	    cw_journal_run_path(cfg, run_id, 1, to, sizeof(to), err) == -1)
		return -1;
	if ((size_t)snprintf(donedir, sizeof(donedir), "%s/journal/done", cfg->state_dir) >= sizeof(donedir))
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), cfg->state_dir);
	if (cw_journal_mkdir(donedir, err) == -1)
		return -1;
	if (rename(from, to) == -1) {
		cw_error_set(err, CW_E_JOURNAL, _("cannot move the journal '%s' to '%s'"), from, donedir);
		cw_error_detail(err, "%s", strerror(errno));
		return -1;
	}
	cw_fault_point("journal-rename");
	/* The new name first: a crash in between leaves the run findable in
	 * done/ rather than in neither place. */
	if (cw_file_sync_dir(to, 0, err) == -1 || cw_file_sync_dir(from, 0, err) == -1)
		return -1;
	return prune_done(donedir, err);
}

int
cw_journal_quarantine(const struct cw_cfg *cfg, const char *run_id,
    struct cw_error *err)
{
	char from[PATH_MAX], to[PATH_MAX + 16], donedir[PATH_MAX];

	if (cw_journal_run_path(cfg, run_id, 0, from, sizeof(from), err) == -1 ||
	    cw_journal_run_path(cfg, run_id, 1, donedir, sizeof(donedir), err) == -1)
		return -1;
	snprintf(to, sizeof(to), "%s", donedir);
	/* .damaged, not .journal: kept for inspection, never listed. */
	memcpy(to + strlen(to) - 8, ".damaged", 9);
	*strrchr(donedir, '/') = '\0';
	if (cw_journal_mkdir(donedir, err) == -1)
		return -1;
	if (rename(from, to) == -1) {
		cw_error_set(err, CW_E_JOURNAL, _("cannot move the journal '%s' to '%s'"), from, donedir);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	cw_fault_point("journal-rename");
	if (cw_file_sync_dir(to, 0, err) == -1 || cw_file_sync_dir(from, 0, err) == -1)
		return -1;
	return 0;
}

/* ---- summaries, listing, rendering */

struct info_ctx {
	struct cw_journal_run_info *info;
	char *hash;
};


static int
info_rec(void *vctx, const struct cw_journal_rec *rec, struct cw_error *err)
{
	struct info_ctx *c = vctx;
	struct cw_journal_run_info *i = c->info;
	const char *step = cw_journal_rec_get(rec, "step");

	(void)err;
	if (rec->seq == 1) {
		copy(i->flow, sizeof(i->flow), cw_journal_rec_get(rec, "flow"));
		i->state = CW_RUN_RUNNING;
		i->started = rec->time;
		if (c->hash)
			copy(c->hash, 65, cw_journal_rec_get(rec, "inputs"));
	}
	i->updated = rec->time;
	if (step != NULL)
		copy(i->last_step, sizeof(i->last_step), step);
	i->state = cw_run_state_next(i->state, rec->type);
	switch (rec->type) {
	case CW_JREC_FAILED: {
		const char *msg = cw_journal_rec_get(rec, "msg");
		const char *det = cw_journal_rec_get(rec, "detail");
		copy(i->last_error, sizeof(i->last_error), msg);
		if (det && *det && strlen(i->last_error) + 2 < sizeof(i->last_error)) {
			strcat(i->last_error, ": ");
			copy(i->last_error + strlen(i->last_error),
			    sizeof(i->last_error) - strlen(i->last_error), det);
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

static void
id_from_path(const char *path, char *id, size_t len)
{
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	copy(id, len, b);
	if (has_suffix(id, ".journal"))
		id[strlen(id) - 8] = '\0';
}

int
cw_journal_flow_of_id(const char *id, char *flow, size_t len)
{
	const char *a = strrchr(id, '-'), *b;

	if (a == NULL)
		return -1;
	for (b = a - 1; b > id && *b != '-'; b--)
		;
	if (b <= id || (size_t)(b - id) >= len)
		return -1;
	memcpy(flow, id, (size_t)(b - id));
	flow[b - id] = '\0';
	return 0;
}

int
cw_journal_read_info(const char *path, struct cw_journal_run_info *info,
    char inputs_hash[65], struct cw_error *err)
{
	struct info_ctx c = { info, inputs_hash };
	struct cw_journal_tail t;

	memset(info, 0, sizeof(*info));
	if (inputs_hash)
		inputs_hash[0] = '\0';
	id_from_path(path, info->id, sizeof(info->id));
	if (cw_journal_replay(path, info_rec, &c, &t, err) == -1)
		return -1;
	if (t.nrecords == 0)
		return cw_error_set(err, CW_E_JOURNAL,
		    _("the journal '%s' has no valid start record"), path);
	return 0;
}

static int
info_cmp(const void *a, const void *b)
{
	const struct cw_journal_run_info *x = a, *y = b;

	if (x->updated != y->updated)
		return x->updated > y->updated ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
list_dir(const char *dir, struct cw_journal_run_info **v, size_t *n,
    size_t *cap, struct cw_error *err)
{
	struct dirent *de;
	char p[PATH_MAX];
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		cw_error_set(err, CW_E_IO, _("cannot read the directory '%s'"), dir);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		struct cw_journal_run_info *i;
		struct cw_error e2;

		if (de->d_name[0] == '.' || !has_suffix(de->d_name, ".journal"))
			continue;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			struct cw_journal_run_info *nv = realloc(*v, nc * sizeof(*nv));
			if (nv == NULL) {
				closedir(d);
				return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
			}
			*v = nv;
			*cap = nc;
		}
		i = &(*v)[*n];
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) >= sizeof(p))
			continue;
		if (cw_journal_read_info(p, i, NULL, &e2) == -1) {
			/* Still list it, so that it can be shown and abandoned. */
			if (cw_journal_flow_of_id(i->id, i->flow, sizeof(i->flow)) == -1)
				copy(i->flow, sizeof(i->flow), "?");
			i->state = CW_RUN_FAILED;
			copy(i->last_error, sizeof(i->last_error), e2.msg);
		}
		(*n)++;
	}
	closedir(d);
	return 0;
}

int
cw_journal_list(const struct cw_cfg *cfg, int include_done,
    struct cw_journal_run_info **out, size_t *n, struct cw_error *err)
{
	struct cw_journal_run_info *v = NULL;
	size_t cnt = 0, cap = 0;
	char dir[PATH_MAX], done[PATH_MAX + 8];

	*out = NULL;
	*n = 0;
	if (cw_journal_dir(cfg, dir, sizeof(dir), err) == -1)
		return -1;
	if ((size_t)snprintf(done, sizeof(done), "%s/done", dir) >= sizeof(done))
		return cw_error_set(err, CW_E_IO, _("path too long: '%s'"), dir);
	if (list_dir(dir, &v, &cnt, &cap, err) == -1 ||
	    (include_done && list_dir(done, &v, &cnt, &cap, err) == -1)) {
		free(v);
		return -1;
	}
	if (cnt > 0)
		qsort(v, cnt, sizeof(*v), info_cmp);
	*out = v;
	*n = cnt;
	return 0;
}

struct strbuf {
	char *s;
	size_t len, cap;
	int oom;
};

static void
sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = 1;
			return;
		}
		if (b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t nc = (b->cap ? b->cap : 256) * 2 + (size_t)n;
		char *ns = realloc(b->s, nc);
		if (ns == NULL) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = nc;
	}
}

static int
show_rec(void *ctx, const struct cw_journal_rec *rec, struct cw_error *err)
{
	struct strbuf *b = ctx;
	char stamp[21];

	(void)err;
	format_time(rec->time, stamp);
	sb_printf(b, "%4lu  %s  %-9s", rec->seq, stamp, type_names[rec->type]);
	for (size_t i = 0; i < rec->nfields; i++) {
		sb_printf(b, " %s=", rec->fields[i].key);
		/* Decoded text goes to a terminal: no control characters. */
		for (const unsigned char *v = (const unsigned char *)rec->fields[i].value; *v; v++)
			sb_printf(b, "%c", (*v < 0x20 || *v == 0x7f) ? '?' : *v);
	}
	sb_printf(b, "\n");
	return 0;
}

int
cw_journal_show(const struct cw_cfg *cfg, const char *run_id, char **text,
    struct cw_error *err)
{
	struct cw_journal_run_info info;
	struct cw_journal_tail t;
	struct strbuf b = { 0 };
	char path[PATH_MAX];
	struct stat st;

	*text = NULL;
	if (cw_journal_run_path(cfg, run_id, 0, path, sizeof(path), err) == -1)
		return -1;
	if (lstat(path, &st) == -1 &&
	    cw_journal_run_path(cfg, run_id, 1, path, sizeof(path), err) == -1)
		return -1;
	if (lstat(path, &st) == -1) {
		cw_error_set(err, CW_E_USAGE, _("there is no run '%s'"), run_id);
		return cw_error_hint(err, _("'certwiz journal list' shows the runs."));
	}
	if (cw_journal_read_info(path, &info, NULL, err) == -1) {
		/* Damaged: show what can be read, then what is wrong. */
		struct cw_error e2;
		sb_printf(&b, _("Run %s: the journal is damaged\n"), run_id);
		sb_printf(&b, _("Journal: %s\n"), path);
		cw_journal_replay(path, show_rec, &b, NULL, &e2);
		sb_printf(&b, "%s%s%s\n", err->msg, err->detail[0] ? ": " : "", err->detail);
		sb_printf(&b, "%s\n", _("'certwiz journal abandon RUN' gives the run up and keeps the damaged file in journal/done/."));
		goto done;
	}
	/* TRANSLATORS: run id, flow name, state (running/failed/...). */
	sb_printf(&b, _("Run %s (flow %s): %s\n"), info.id, info.flow,
	    cw_run_state_name(info.state));
	if (info.last_error[0])
		sb_printf(&b, _("Last error: %s\n"), info.last_error);
	sb_printf(&b, _("Journal: %s\n"), path);
	if (cw_journal_replay(path, show_rec, &b, &t, err) == -1) {
		free(b.s);
		return -1;
	}
	if (t.torn)
		sb_printf(&b, _("(line %zu is an incomplete record, ignored: the run was interrupted while writing it)\n"),
		    t.torn_line);
done:
	if (b.oom) {
		free(b.s);
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	*text = b.s;
	return 0;
}
