/* bundle.c - seal the SC3 directory into an age-encrypted pax tar with a
 * manifest, open it into a staging directory, swap it into place.
 * The format and the crash window are described in bundle.h.
 *
 * Seal:  walk (lstat, refuse specials) -> placeholder manifest -> tar
 *        (MANIFEST first, each file read once and hashed while written)
 *        -> age, holding the manifest's chunks -> real manifest over the
 *        placeholder, held chunks sealed in place -> commit.
 * Open:  age -> tar -> MANIFEST (first, capped, strictly parsed) -> every
 *        entry checked against it (path, type, size, SHA-256) -> staging
 *        -> the age stream read to its authenticated end (the bundle's
 *        bytes hashed on the way) -> syncfs.  Any failure removes the
 *        staging directory. */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "sc3/age.h"
#include "sc3/bundle.h"
#include "core/fileio.h"
#include "core/i18n.h"

#define MANIFEST_MAGIC "certwiz-sc3-bundle 1\n"	/* the tree digest's, v1 */
#define MANIFEST_MAGIC2 "certwiz-sc3-bundle 2\n"	/* with origin lines */
#define MANIFEST_MAX (1024 * 1024)
#define ENTRIES_MAX 10000
#define TAR_PREFIX "sc3/"
#define IO_BUF 65536
#define SEAL_BUF (256 * 1024)	/* the seal's reads of the SC3 files */
#define BG_MIN 32768		/* shorter updates are hashed in line */
#define STAGE_KICK (8u << 20)	/* writeback kick, as fileio.c's stage */

struct entry {
	char *path;		/* relative, "." for the root */
	char type;		/* 'd' or 'f' */
	unsigned mode;		/* permission bits */
	uint64_t size;
	char sha[65];		/* files */
	int seen;		/* open: met in the tar */
};

struct manifest {
	struct entry *e;
	size_t n;
};

/* SHA-256 on the second core (issue 17): the seal hashes each file while
 * it encrypts it, the proof hashes the bundle while it decrypts and checks
 * it, each pass on its own thread instead of one after the other on the
 * same.  bg_sha_update() waits for the previous block, hands this one to
 * the hashing thread and returns: buf must stay as it is until the next
 * bg_sha_*() call (each waits first).  Without a thread (pthread_create
 * failed) or for a short block, the caller hashes in line: same digest. */
struct bg_sha {
	EVP_MD_CTX *md;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const void *job;
	size_t len;
	int busy, quit, running;
};

static void *
bg_sha_main(void *arg)
{
	struct bg_sha *b = arg;
	const void *p;
	size_t n;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (!b->busy && !b->quit)
			pthread_cond_wait(&b->cv, &b->mu);
		if (!b->busy)
			break;
		p = b->job;
		n = b->len;
		pthread_mutex_unlock(&b->mu);
		EVP_DigestUpdate(b->md, p, n);
		pthread_mutex_lock(&b->mu);
		b->busy = 0;
		pthread_cond_broadcast(&b->cv);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

/* Returns 0, or -1 when out of memory (b is then stopped: bg_sha_stop()). */
static int
bg_sha_start(struct bg_sha *b)
{
	sigset_t all, old;
	int rc;

	memset(b, 0, sizeof(*b));
	if ((b->md = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(b->md, EVP_sha256(), NULL) != 1)
		return -1;
	if (pthread_mutex_init(&b->mu, NULL) != 0)
		return 0;
	if (pthread_cond_init(&b->cv, NULL) != 0) {
		pthread_mutex_destroy(&b->mu);
		return 0;
	}
	/* Signals stay with the thread that handles them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&b->th, NULL, bg_sha_main, b);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&b->cv);
		pthread_mutex_destroy(&b->mu);
		return 0;
	}
	b->running = 1;
	return 0;
}

/* Waits until the last block is hashed: its buffer is free again. */
static void
bg_sha_wait(struct bg_sha *b)
{
	if (!b->running)
		return;
	pthread_mutex_lock(&b->mu);
	while (b->busy)
		pthread_cond_wait(&b->cv, &b->mu);
	pthread_mutex_unlock(&b->mu);
}

static void
bg_sha_update(struct bg_sha *b, const void *buf, size_t len)
{
	bg_sha_wait(b);
	if (!b->running || len < BG_MIN) {
		EVP_DigestUpdate(b->md, buf, len);
		return;
	}
	pthread_mutex_lock(&b->mu);
	b->job = buf;
	b->len = len;
	b->busy = 1;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
}

/* The digest of everything since the start or the last bg_sha_final();
 * the context starts over. */
static void
bg_sha_final(struct bg_sha *b, uint8_t dig[32])
{
	bg_sha_wait(b);
	EVP_DigestFinal_ex(b->md, dig, NULL);
	EVP_DigestInit_ex(b->md, EVP_sha256(), NULL);
}

static void
bg_sha_stop(struct bg_sha *b)
{
	if (b->running) {
		pthread_mutex_lock(&b->mu);
		b->quit = 1;
		pthread_cond_broadcast(&b->cv);
		pthread_mutex_unlock(&b->mu);
		pthread_join(b->th, NULL);	/* after the last block */
		pthread_cond_destroy(&b->cv);
		pthread_mutex_destroy(&b->mu);
		b->running = 0;
	}
	EVP_MD_CTX_free(b->md);
	b->md = NULL;
}

static const char *const fail_names[CW_BUNDLE__MAX] = {
	[CW_BUNDLE_OK] = "ok",
	[CW_BUNDLE_IO] = "io",
	[CW_BUNDLE_WRONG_KEY] = "wrong-key",
	[CW_BUNDLE_TRUNCATED] = "truncated",
	[CW_BUNDLE_ALTERED] = "altered",
	[CW_BUNDLE_NOT_AGE] = "not-age",
	[CW_BUNDLE_NOT_BUNDLE] = "not-bundle",
	[CW_BUNDLE_WORK_FACTOR] = "work-factor",
	[CW_BUNDLE_TOO_BIG] = "too-big",
};

const char *
cw_bundle_fail_name(enum cw_bundle_fail fail)
{
	return (unsigned)fail < CW_BUNDLE__MAX ? fail_names[fail] : "?";
}

static void
manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->e[i].path);
	free(m->e);
	m->e = NULL;
	m->n = 0;
}

static int
manifest_add(struct manifest *m, const char *path, char type, unsigned mode,
    uint64_t size, struct cw_error *err)
{
	struct entry *ne;

	if (m->n == ENTRIES_MAX)
		return cw_error_set(err, CW_E_USAGE,
		    _("too many entries (more than %d)"), ENTRIES_MAX);
	if ((ne = realloc(m->e, (m->n + 1) * sizeof(*ne))) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	m->e = ne;
	memset(&m->e[m->n], 0, sizeof(m->e[m->n]));
	if ((m->e[m->n].path = strdup(path)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	m->e[m->n].type = type;
	m->e[m->n].mode = mode & 0777;
	m->e[m->n].size = size;
	m->n++;
	return 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	/* "." sorts first: it is the root. */
	if (strcmp(x->path, ".") == 0)
		return -1;
	if (strcmp(y->path, ".") == 0)
		return 1;
	return strcmp(x->path, y->path);
}

static void
hex(const uint8_t *md, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* A name we can put on a manifest line and extract safely. */
static int
name_ok(const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* ---- walking and hashing the SC3 directory */

static int
walk(const char *root, const char *rel, struct manifest *m, int depth,
    struct cw_error *err)
{
	char path[PATH_MAX], child[PATH_MAX];
	DIR *d = NULL;
	struct dirent *de;
	struct stat st;
	int rc = -1;

	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	if (depth > 32)
		return cw_error_set(err, CW_E_USAGE, _("'%s' is nested too deep"), path);
	if ((d = opendir(path)) == NULL) {
		cw_error_set(err, CW_E_IO, _("cannot read the SC3 directory '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		return cw_error_hint(err, _("Check the path ([paths] sc3_dir) and its permissions; nothing was written."));
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				cw_error_set(err, CW_E_IO, _("cannot read the SC3 directory '%s'"), path);
				cw_error_detail(err, "%s", strerror(errno));
				goto out;
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s%s%s", rel, *rel ? "/" : "",
		    de->d_name) >= sizeof(child) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", root, child) >= sizeof(path)) {
			cw_error_set(err, CW_E_USAGE, _("path too long in '%s'"), root);
			goto out;
		}
		if (!name_ok(de->d_name)) {
			cw_error_set(err, CW_E_USAGE,
			    _("the SC3 directory holds a file name with control characters: '%s'"), child);
			cw_error_hint(err, _("Rename it; nothing was written."));
			goto out;
		}
		if (lstat(path, &st) == -1) {
			cw_error_set(err, CW_E_IO, _("cannot read '%s'"), path);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			if (manifest_add(m, child, 'd', st.st_mode, 0, err) == -1 ||
			    walk(root, child, m, depth + 1, err) == -1)
				goto out;
		} else if (S_ISREG(st.st_mode)) {
			if (manifest_add(m, child, 'f', st.st_mode, (uint64_t)st.st_size, err) == -1)
				goto out;
		} else {
			cw_error_set(err, CW_E_USAGE,
			    S_ISLNK(st.st_mode) ?
			    _("the SC3 directory holds a symbolic link: '%s'") :
			    _("the SC3 directory holds a device, socket or FIFO: '%s'"), path);
			cw_error_hint(err, _("Only regular files and directories can be backed up: "
			    "replace it with the file it stands for, or remove it. Nothing was written."));
			goto out;
		}
		snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	}
	rc = 0;
out:
	closedir(d);
	return rc;
}

int
cw_bundle_hash_file(const char *path, int nofollow, uint64_t *size, char sha[65],
    struct cw_error *err)
{
	EVP_MD_CTX *md = NULL;
	uint8_t *buf = NULL, dig[32];
	struct stat st;
	ssize_t n;
	int fd = -1, rc = -1;

	*size = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0))) == -1 ||
	    fstat(fd, &st) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot read '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		cw_error_set(err, CW_E_USAGE, _("'%s' is not a regular file"), path);
		goto out;
	}
	if ((buf = malloc(IO_BUF)) == NULL || (md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	while ((n = read(fd, buf, IO_BUF)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cw_error_set(err, CW_E_IO, _("cannot read '%s'"), path);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
		EVP_DigestUpdate(md, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	EVP_DigestFinal_ex(md, dig, NULL);
	hex(dig, sizeof(dig), sha);
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	free(buf);
	if (fd != -1)
		close(fd);
	return rc;
}

/* The entries of dir, sorted, "." first; files with their lstat size and
 * no hash yet.  Refuses a directory without files. */
static int
manifest_walk(const char *dir, struct manifest *m, struct cw_error *err)
{
	struct stat st;
	size_t nfiles = 0;

	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		cw_error_set(err, CW_E_IO, _("cannot read the SC3 directory '%s'"), dir);
		cw_error_detail(err, "%s", errno ? strerror(errno) : "");
		return cw_error_hint(err, _("Check the path ([paths] sc3_dir) and its permissions; nothing was written."));
	}
	if (manifest_add(m, ".", 'd', st.st_mode, 0, err) == -1 ||
	    walk(dir, "", m, 0, err) == -1)
		return -1;
	qsort(m->e, m->n, sizeof(*m->e), entry_cmp);
	for (size_t i = 0; i < m->n; i++)
		nfiles += m->e[i].type == 'f';
	if (nfiles == 0) {
		cw_error_set(err, CW_E_USAGE, _("the SC3 directory '%s' holds no files"), dir);
		return cw_error_hint(err, _("Check [paths] sc3_dir: there is nothing to back up. Nothing was written."));
	}
	return 0;
}

/* The manifest text: head (the magic, and origin lines), then one line an
 * entry with the hashes m holds.  Caller frees *text. */
static int
manifest_text(const struct manifest *m, const char *head, size_t hlen, char **text,
    size_t *len, struct cw_error *err)
{
	char line[PATH_MAX + 128];
	size_t cap = hlen + 1 + m->n * 96, nl;
	char *t, *nt;
	int n;

	if ((t = malloc(cap)) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	memcpy(t, head, hlen);
	*len = hlen;
	for (size_t i = 0; i < m->n; i++) {
		const struct entry *e = &m->e[i];

		if (e->type == 'd')
			n = snprintf(line, sizeof(line), "d %04o 0 - %s\n", e->mode, e->path);
		else
			n = snprintf(line, sizeof(line), "f %04o %llu %s %s\n", e->mode,
			    (unsigned long long)e->size, e->sha, e->path);
		nl = *len + (size_t)n + 1;
		if (nl > cap) {
			cap = nl * 2;
			if ((nt = realloc(t, cap)) == NULL) {
				free(t);
				return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
			}
			t = nt;
		}
		memcpy(t + *len, line, (size_t)n + 1);
		*len += (size_t)n;
	}
	t[*len] = '\0';
	*text = t;
	return 0;
}

/* Builds the manifest of dir: entries sorted, files hashed, text made
 * (version 1: the tree's part). */
static int
build_manifest(const char *dir, struct manifest *m, char **text, size_t *len,
    struct cw_error *err)
{
	char path[PATH_MAX];

	*text = NULL;
	if (manifest_walk(dir, m, err) == -1)
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		struct entry *e = &m->e[i];

		if (e->type != 'f')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->path);
		if (cw_bundle_hash_file(path, 1, &e->size, e->sha, err) == -1)
			return -1;
	}
	return manifest_text(m, MANIFEST_MAGIC, strlen(MANIFEST_MAGIC), text, len, err);
}

static void
sha256_hex(const void *data, size_t len, char out[65])
{
	uint8_t dig[32];

	EVP_Digest(data, len, dig, NULL, EVP_sha256(), NULL);
	hex(dig, sizeof(dig), out);
}

int
cw_bundle_dir_check(const char *dir, struct cw_error *err)
{
	struct manifest m = { 0 };
	char path[PATH_MAX];
	int fd, rc = -1;

	if (manifest_walk(dir, &m, err) == -1)
		goto out;
	for (size_t i = 0; i < m.n; i++) {
		if (m.e[i].type != 'f')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, m.e[i].path);
		if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
			cw_error_set(err, CW_E_IO, _("cannot read '%s'"), path);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
		close(fd);
	}
	rc = 0;
out:
	manifest_release(&m);
	return rc;
}

int
cw_bundle_dir_digest(const char *dir, char digest[65], struct cw_error *err)
{
	struct manifest m = { 0 };
	char *text = NULL;
	size_t len;
	int rc;

	rc = build_manifest(dir, &m, &text, &len, err);
	if (rc == 0)
		sha256_hex(text, len, digest);
	free(text);
	manifest_release(&m);
	return rc;
}

/* ---- seal */

struct seal_ctx {
	struct cw_age_enc *enc;
	struct bg_sha sha;		/* the files' hashes, on the second core */
	struct cw_file_stage *stage;
	struct cw_error *err;
	int failed;
};

static int
bundle_out(void *ctx, const void *buf, size_t len, struct cw_error *err)
{
	struct seal_ctx *sc = ctx;

	return cw_file_stage_write(sc->stage, buf, len, err);
}

static int
bundle_pwrite(void *ctx, uint64_t off, const void *buf, size_t len, struct cw_error *err)
{
	struct seal_ctx *sc = ctx;

	return cw_file_stage_pwrite(sc->stage, off, buf, len, err);
}

static la_ssize_t
tar_out(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct seal_ctx *sc = ctx;

	(void)a;
	if (cw_age_enc_write(sc->enc, buf, len, sc->err) == -1) {
		sc->failed = 1;
		return -1;
	}
	return (la_ssize_t)len;
}

static int
tar_fail(struct archive *a, struct seal_ctx *sc, struct cw_error *err)
{
	if (sc->failed)
		return -1;	/* err holds the age/I/O error */
	cw_error_set(err, CW_E_IO, _("cannot write the bundle's archive"));
	return cw_error_detail(err, "%s", archive_error_string(a) ? archive_error_string(a) : "");
}

static int
same_stat(const struct stat *x, const struct stat *y)
{
	return x->st_ino == y->st_ino && x->st_dev == y->st_dev && x->st_size == y->st_size &&
	    x->st_mtim.tv_sec == y->st_mtim.tv_sec && x->st_mtim.tv_nsec == y->st_mtim.tv_nsec &&
	    x->st_ctim.tv_sec == y->st_ctim.tv_sec && x->st_ctim.tv_nsec == y->st_ctim.tv_nsec;
}

/* Adds the file e to the tar: one read, hashed (on the second core) as it
 * is encrypted and written (e->sha gets the hash for the manifest).  A file
 * whose size or times change while it is read is refused. */
static int
tar_add_file(struct archive *a, struct seal_ctx *sc, const char *dir,
    struct entry *e, uint8_t *buf, struct cw_error *err)
{
	struct archive_entry *ae = NULL;
	char path[PATH_MAX], name[PATH_MAX + 8];
	struct stat before, after;
	uint8_t dig[32];
	uint64_t total = 0;
	ssize_t n;
	int fd = -1, rc = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, e->path);
	snprintf(name, sizeof(name), TAR_PREFIX "%s", e->path);
	if ((ae = archive_entry_new()) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	archive_entry_set_pathname(ae, name);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, e->mode);
	archive_entry_set_size(ae, (la_int64_t)e->size);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    fstat(fd, &before) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot read '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(before.st_mode) || (uint64_t)before.st_size != e->size)
		goto changed;
	if (archive_write_header(a, ae) != ARCHIVE_OK) {
		tar_fail(a, sc, err);
		goto out;
	}
	/* buf is hashed while libarchive and the age encoder read it: it is
	 * refilled only once that hash is done. */
	for (;;) {
		bg_sha_wait(&sc->sha);
		if ((n = read(fd, buf, SEAL_BUF)) == 0)
			break;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cw_error_set(err, CW_E_IO, _("cannot read '%s'"), path);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
		if (total + (uint64_t)n > e->size)
			goto changed;
		bg_sha_update(&sc->sha, buf, (size_t)n);
		total += (uint64_t)n;
		if (archive_write_data(a, buf, (size_t)n) != n) {
			tar_fail(a, sc, err);
			goto out;
		}
	}
	if (total != e->size || fstat(fd, &after) == -1 || !same_stat(&before, &after))
		goto changed;
	bg_sha_final(&sc->sha, dig);
	hex(dig, sizeof(dig), e->sha);
	rc = 0;
	goto out;
changed:
	cw_error_set(err, CW_E_IO, _("'%s' changed while it was being backed up"), path);
	cw_error_hint(err, _("Try again when nothing writes to the SC3 directory."));
out:
	bg_sha_wait(&sc->sha);	/* buf is free again */
	if (fd != -1)
		close(fd);
	archive_entry_free(ae);
	return rc;
}

/* The manifest's header: version 2 with the origin lines, or version 1
 * (origin NULL).  Values that could break a line are left out. */
static char *
manifest_head(const struct cw_bundle_origin *o, size_t *len)
{
	const char *fields[][2] = {
		{ "serial", o ? o->serial : "" },
		{ "hostname", o ? o->hostname : "" },
		{ "version", o ? o->version : "" },
	};
	size_t cap = 1024 + CW_BUNDLE_ORIGIN_ADDRS * (CW_BUNDLE_ADDR_MAX + 16);
	char *h;
	int n;

	if ((h = malloc(cap)) == NULL)
		return NULL;
	if (o == NULL) {
		*len = (size_t)snprintf(h, cap, "%s", MANIFEST_MAGIC);
		return h;
	}
	n = snprintf(h, cap, "%s", MANIFEST_MAGIC2);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i][1][0] != '\0' && name_ok(fields[i][1]) && strlen(fields[i][1]) < 256)
			n += snprintf(h + n, cap - (size_t)n, "o %s %s\n", fields[i][0], fields[i][1]);
	for (size_t i = 0; i < o->naddrs && i < CW_BUNDLE_ORIGIN_ADDRS; i++)
		if (o->addrs[i][0] != '\0' && name_ok(o->addrs[i]) && strchr(o->addrs[i], ' ') == NULL)
			n += snprintf(h + n, cap - (size_t)n, "o address %.*s\n",
			    CW_BUNDLE_ADDR_MAX - 1, o->addrs[i]);
	*len = (size_t)n;
	return h;
}

/* Seal, one read of each file (issue 17): the manifest is the tar's
 * first member but its hashes are known only once the files were read.
 * Its length is known before (sizes from lstat, a hash is always 64 hex
 * digits), so a placeholder of that length goes into the tar, the age
 * encoder holds the plaintext chunks up to its end (cw_age_enc_hold), and
 * the real manifest replaces the placeholder before those chunks are
 * sealed and written in place.  The bundle is byte for byte the format of
 * before; its SHA-256 is computed by the open that proves it
 * (cw_bundle_open), which reads it in order anyway. */
int
cw_bundle_seal(const char *sc3_dir, const char *bundle, const struct cw_secret *key,
    int log2n, const struct cw_bundle_origin *origin, struct cw_bundle_info *info,
    struct cw_error *err)
{
	struct manifest m = { 0 };
	struct archive *a = NULL;
	struct archive_entry *ae = NULL;
	struct seal_ctx sc = { .err = err };
	struct cw_bundle_info inf;
	uint8_t *buf = NULL;
	char *head = NULL, *text = NULL, *final = NULL, *tree = NULL, name[PATH_MAX + 8];
	size_t hlen, len, flen, tlen;
	la_int64_t off;
	int rc = -1;

	memset(&inf, 0, sizeof(inf));
	if (manifest_walk(sc3_dir, &m, err) == -1)
		goto out;
	for (size_t i = 0; i < m.n; i++)
		if (m.e[i].type == 'f') {
			memset(m.e[i].sha, '0', 64);
			m.e[i].sha[64] = '\0';
		}
	if ((head = manifest_head(origin, &hlen)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	if (manifest_text(&m, head, hlen, &text, &len, err) == -1)
		goto out;
	if (len > MANIFEST_MAX) {
		cw_error_set(err, CW_E_USAGE, _("the SC3 directory '%s' has too many entries for one bundle"),
		    sc3_dir);
		cw_error_detail(err, "%zu > %d", len, MANIFEST_MAX);
		goto out;
	}
	if ((buf = malloc(SEAL_BUF)) == NULL || bg_sha_start(&sc.sha) == -1 ||
	    (a = archive_write_new()) == NULL || (ae = archive_entry_new()) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	if (cw_file_stage_open(bundle, 0600, &sc.stage, err) == -1)
		goto out;
	if (cw_age_enc_new(key, log2n, bundle_out, &sc, &sc.enc, err) == -1)
		goto out;
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open(a, &sc, NULL, tar_out, NULL) != ARCHIVE_OK) {
		tar_fail(a, &sc, err);
		goto out;
	}
	archive_entry_set_pathname(ae, CW_BUNDLE_MANIFEST);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0600);
	archive_entry_set_size(ae, (la_int64_t)len);
	if (archive_write_header(a, ae) != ARCHIVE_OK) {
		tar_fail(a, &sc, err);
		goto out;
	}
	/* The manifest's data starts here in the tar stream. */
	off = archive_filter_bytes(a, 0);
	if (off < 0 || cw_age_enc_hold(sc.enc, (uint64_t)off + len, bundle_pwrite, err) == -1)
		goto out;
	if (archive_write_data(a, text, len) != (la_ssize_t)len) {
		tar_fail(a, &sc, err);
		goto out;
	}
	for (size_t i = 0; i < m.n; i++) {
		struct entry *e = &m.e[i];

		if (strcmp(e->path, ".") == 0)
			continue;
		if (e->type == 'f') {
			if (tar_add_file(a, &sc, sc3_dir, e, buf, err) == -1)
				goto out;
			inf.files++;
			inf.bytes += e->size;
			continue;
		}
		archive_entry_clear(ae);
		snprintf(name, sizeof(name), TAR_PREFIX "%s/", e->path);
		archive_entry_set_pathname(ae, name);
		archive_entry_set_filetype(ae, AE_IFDIR);
		archive_entry_set_perm(ae, e->mode);
		if (archive_write_header(a, ae) != ARCHIVE_OK) {
			tar_fail(a, &sc, err);
			goto out;
		}
		inf.dirs++;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		tar_fail(a, &sc, err);
		goto out;
	}
	/* The hashes are known: the real manifest over the placeholder. */
	if (manifest_text(&m, head, hlen, &final, &flen, err) == -1 ||
	    manifest_text(&m, MANIFEST_MAGIC, strlen(MANIFEST_MAGIC), &tree, &tlen, err) == -1)
		goto out;
	if (flen != len) {
		cw_error_set(err, CW_E_IO, _("the SC3 directory '%s' changed while it was being backed up"), sc3_dir);
		goto out;
	}
	if (cw_age_enc_patch(sc.enc, (uint64_t)off, text, final, len, err) == -1)
		goto out;
	/* The digest is the tree's (cw_bundle_dir_digest), without origin. */
	sha256_hex(tree, tlen, inf.manifest_sha256);
	if (cw_age_enc_finish(sc.enc, err) == -1)
		goto out;
	rc = cw_file_stage_commit(sc.stage, 0, err);
	sc.stage = NULL;	/* freed by the commit, whatever its outcome */
	if (rc == -1)
		goto out;
	if (info != NULL)
		*info = inf;
out:
	if (rc == -1 && err != NULL && err->hint[0] == '\0')
		cw_error_hint(err, _("The bundle '%s' was not written."), bundle);
	if (a != NULL)
		archive_write_free(a);
	archive_entry_free(ae);
	cw_age_enc_free(sc.enc);
	cw_file_stage_abort(sc.stage);
	bg_sha_stop(&sc.sha);
	free(buf);
	free(head);
	free(tree);
	free(final);
	free(text);
	manifest_release(&m);
	return rc;
}

/* ---- open */

struct open_ctx {
	struct cw_age_dec *dec;	/* NULL: the tar is plain[0..plain_len) */
	const uint8_t *plain;
	size_t plain_len;
	struct cw_error aerr;	/* the age layer's error, if it failed */
	int age_failed;
	uint8_t buf[IO_BUF];	/* libarchive reads from here: never reuse */
};

static la_ssize_t
tar_in(struct archive *a, void *ctx, const void **out)
{
	struct open_ctx *oc = ctx;
	size_t got;

	if (oc->dec == NULL) {	/* cw_bundle_check_tar(): all of it at once */
		*out = oc->plain;
		got = oc->plain_len;
		oc->plain_len = 0;
		return (la_ssize_t)got;
	}
	if (cw_age_dec_read(oc->dec, oc->buf, sizeof(oc->buf), &got, &oc->aerr) == -1) {
		oc->age_failed = 1;
		archive_set_error(a, EIO, "age");
		return -1;
	}
	*out = oc->buf;
	return (la_ssize_t)got;
}

ssize_t
cw_bundle_fd_read(void *ctx, void *buf, size_t len, struct cw_error *err)
{
	ssize_t n;

	do
		n = read(*(int *)ctx, buf, len);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		cw_error_set(err, CW_E_IO, _("cannot read the bundle"));
		cw_error_detail(err, "%s", strerror(errno));
	}
	return n;
}

static enum cw_bundle_fail
classify(enum cw_age_fail f)
{
	switch (f) {
	case CW_AGE_NO_MATCH:
		return CW_BUNDLE_WRONG_KEY;
	case CW_AGE_TRUNCATED:
		return CW_BUNDLE_TRUNCATED;
	case CW_AGE_HEADER:
	case CW_AGE_HMAC:
	case CW_AGE_PAYLOAD:
		return CW_BUNDLE_ALTERED;
	case CW_AGE_NOT_AGE:
	case CW_AGE_ARMOR:
		return CW_BUNDLE_NOT_AGE;
	case CW_AGE_WORK_FACTOR:
		return CW_BUNDLE_WORK_FACTOR;
	default:
		return CW_BUNDLE_IO;
	}
}

/* Reports a failure of the age layer with a message for the admin. */
static int
age_failure(const char *bundle, enum cw_bundle_fail *bf, enum cw_age_fail af,
    const struct cw_error *aerr, struct cw_error *err)
{
	*bf = classify(af);
	switch (*bf) {
	case CW_BUNDLE_WRONG_KEY:
		cw_error_set(err, CW_E_AUTH, _("the master key does not open the bundle '%s'"), bundle);
		cw_error_hint(err, _("Use the master key of the appliance that made the bundle. Nothing was changed."));
		return -1;
	case CW_BUNDLE_TRUNCATED:
		cw_error_set(err, CW_E_CRYPTO, _("the bundle '%s' is truncated"), bundle);
		break;
	case CW_BUNDLE_ALTERED:
		cw_error_set(err, CW_E_CRYPTO, _("the bundle '%s' was altered or damaged"), bundle);
		break;
	case CW_BUNDLE_WORK_FACTOR:
		/* TRANSLATORS: %s is the file, the second %s says which work
		 * factor it asks for and the limit. */
		cw_error_set(err, CW_E_CRYPTO, _("the bundle '%s' is refused: %s"), bundle, aerr->msg);
		cw_error_hint(err, _("certwiz and age seal with work factor 18. Make the bundle again with certwiz on the old appliance. Nothing was changed."));
		return -1;
	case CW_BUNDLE_NOT_AGE:
		cw_error_set(err, CW_E_CRYPTO, _("'%s' is not an SC3 bundle (not an age encrypted file)"), bundle);
		cw_error_hint(err, _("Check the file name; nothing was changed."));
		return -1;
	default:
		if (err != NULL)
			*err = *aerr;
		return -1;
	}
	cw_error_detail(err, "%s", aerr->msg);
	cw_error_hint(err, _("Copy the bundle again from the appliance that made it. Nothing was changed."));
	return -1;
}

static int
not_bundle(const char *bundle, enum cw_bundle_fail *bf, struct cw_error *err,
    const char *why)
{
	*bf = CW_BUNDLE_NOT_BUNDLE;
	cw_error_set(err, CW_E_CRYPTO, _("'%s' opens but is not a valid SC3 bundle"), bundle);
	cw_error_detail(err, "%s", why);
	return cw_error_hint(err, _("Make the bundle again with certwiz on the old appliance. Nothing was changed."));
}

/* One "o KEY VALUE" line (NUL-terminated, without its LF) into *o. */
static int
parse_origin(const char *line, struct cw_bundle_origin *o)
{
	const char *key = line + 2, *val = strchr(key, ' ');
	unsigned char bin[16];
	char a[CW_BUNDLE_ADDR_MAX];
	size_t klen;

	if (val == NULL || val == key || val[1] == '\0' || !name_ok(val + 1))
		return -1;
	klen = (size_t)(val - key);
	val++;
	if (klen == 6 && strncmp(key, "serial", 6) == 0) {
		if (strlen(val) >= sizeof(o->serial))
			return -1;
		snprintf(o->serial, sizeof(o->serial), "%s", val);
	} else if (klen == 8 && strncmp(key, "hostname", 8) == 0) {
		if (strlen(val) >= sizeof(o->hostname))
			return -1;
		snprintf(o->hostname, sizeof(o->hostname), "%s", val);
	} else if (klen == 7 && strncmp(key, "version", 7) == 0) {
		if (strlen(val) >= sizeof(o->version))
			return -1;
		snprintf(o->version, sizeof(o->version), "%s", val);
	} else if (klen == 7 && strncmp(key, "address", 7) == 0) {
		if (o->naddrs == CW_BUNDLE_ORIGIN_ADDRS)
			return -1;
		/* Canonical text, so that equal addresses compare equal. */
		if (inet_pton(AF_INET, val, bin) == 1)
			inet_ntop(AF_INET, bin, a, sizeof(a));
		else if (inet_pton(AF_INET6, val, bin) == 1)
			inet_ntop(AF_INET6, bin, a, sizeof(a));
		else
			return -1;
		snprintf(o->addrs[o->naddrs++], CW_BUNDLE_ADDR_MAX, "%s", a);
	}
	/* Other keys: from a newer certwiz, ignored. */
	return 0;
}

/* Parses text (NUL-terminated, changed in place) into m and *o; *tree is
 * set to the offset of the first entry line (the tree's part). */
static int
parse_manifest(char *text, struct manifest *m, struct cw_bundle_origin *o,
    size_t *tree)
{
	char *line, *next, *p, *end;
	unsigned long mode;
	unsigned long long size;
	int v2;

	memset(o, 0, sizeof(*o));
	if (strncmp(text, MANIFEST_MAGIC, strlen(MANIFEST_MAGIC)) != 0 &&
	    strncmp(text, MANIFEST_MAGIC2, strlen(MANIFEST_MAGIC2)) != 0)
		return -1;
	v2 = text[strlen(MANIFEST_MAGIC) - 2] == '2';
	o->present = v2;
	*tree = strlen(MANIFEST_MAGIC);
	for (line = text + strlen(MANIFEST_MAGIC); *line; line = next) {
		struct entry e;

		memset(&e, 0, sizeof(e));
		if ((next = strchr(line, '\n')) == NULL)
			return -1;
		*next++ = '\0';
		if (line[0] == 'o' && line[1] == ' ') {
			/* Origin lines: version 2 only, before the entries. */
			if (!v2 || m->n > 0 || parse_origin(line, o) == -1)
				return -1;
			*tree = (size_t)(next - text);
			continue;
		}
		if ((line[0] != 'd' && line[0] != 'f') || line[1] != ' ')
			return -1;
		e.type = line[0];
		p = line + 2;
		if (strlen(p) < 5 || p[4] != ' ')
			return -1;
		mode = strtoul(p, &end, 8);
		if (end != p + 4 || mode > 0777)
			return -1;
		p += 5;
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		size = strtoull(p, &end, 10);
		if (errno != 0 || *end != ' ' || (e.type == 'd' && size != 0))
			return -1;
		p = end + 1;
		if (e.type == 'd') {
			if (strncmp(p, "- ", 2) != 0)
				return -1;
			p += 2;
		} else {
			if (strlen(p) < 66 || p[64] != ' ' || strspn(p, "0123456789abcdef") != 64)
				return -1;
			memcpy(e.sha, p, 64);
			p += 65;
		}
		/* The path: relative, no empty, "." or ".." component except
		 * the root line ".", no control characters. */
		if (!name_ok(p) || *p == '\0' || *p == '/' ||
		    (m->n == 0) != (strcmp(p, ".") == 0))
			return -1;
		if (m->n > 0) {
			for (char *c = p; c != NULL; c = strchr(c, '/')) {
				if (*c == '/')
					c++;
				if (*c == '/' || *c == '\0' ||
				    (c[0] == '.' && (c[1] == '/' || c[1] == '\0')) ||
				    (c[0] == '.' && c[1] == '.' && (c[2] == '/' || c[2] == '\0')))
					return -1;
			}
			if (m->n > 1 && strcmp(m->e[m->n - 1].path, p) >= 0)
				return -1;	/* sorted, no duplicates */
		}
		if (manifest_add(m, p, e.type, (unsigned)mode, size, NULL) == -1)
			return -1;
		memcpy(m->e[m->n - 1].sha, e.sha, sizeof(e.sha));
	}
	return m->n > 0 && m->e[0].type == 'd' ? 0 : -1;
}

/* Parses a copy of text[0..len) into m and *o; digest (may be NULL) gets
 * the tree digest: SHA-256 of the version 1 magic and the entry lines, as
 * cw_bundle_dir_digest() computes it for a directory. */
static int
manifest_load(const char *text, size_t len, struct manifest *m,
    struct cw_bundle_origin *o, char digest[65])
{
	EVP_MD_CTX *md;
	uint8_t dig[32];
	size_t tree = 0;
	char *copy;
	int rc = -1;

	if (len == 0 || len > MANIFEST_MAX || memchr(text, '\0', len) != NULL ||
	    (copy = malloc(len + 1)) == NULL)
		return -1;
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (parse_manifest(copy, m, o, &tree) == 0) {
		rc = 0;
		if (digest != NULL) {
			if ((md = EVP_MD_CTX_new()) == NULL ||
			    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
			    EVP_DigestUpdate(md, MANIFEST_MAGIC, strlen(MANIFEST_MAGIC)) != 1 ||
			    EVP_DigestUpdate(md, text + tree, len - tree) != 1 ||
			    EVP_DigestFinal_ex(md, dig, NULL) != 1)
				rc = -1;
			else
				hex(dig, sizeof(dig), digest);
			EVP_MD_CTX_free(md);
		}
	}
	free(copy);
	return rc;
}

int
cw_bundle_manifest_check(const char *text, size_t len, struct cw_bundle_origin *origin)
{
	struct manifest m = { 0 };
	struct cw_bundle_origin o;
	int rc;

	rc = manifest_load(text, len, &m, origin != NULL ? origin : &o, NULL);
	manifest_release(&m);
	return rc;
}

static struct entry *
manifest_find(struct manifest *m, const char *path)
{
	struct entry key = { .path = (char *)path };

	if (m->n < 2)
		return NULL;
	return bsearch(&key, m->e + 1, m->n - 1, sizeof(*m->e), entry_cmp);
}

static int
rm_chmod(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_D)
		chmod(path, 0700);
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == -1 && errno != ENOENT ? -1 : 0;
}

int
cw_bundle_discard(const char *staging, struct cw_error *err)
{
	struct stat st;

	if (lstat(staging, &st) == -1 && errno == ENOENT)
		return 0;
	/* Directories may have lost their write bit to the manifest. */
	nftw(staging, rm_chmod, 16, FTW_PHYS);
	if (nftw(staging, rm_one, 16, FTW_DEPTH | FTW_PHYS) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot remove '%s'"), staging);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	return 0;
}

/* Writes the current tar entry's data to path (or only hashes it when path
 * is NULL) and checks it against e. */
static int
extract_file(struct archive *a, struct open_ctx *oc, const char *path,
    const struct entry *e, const char *bundle, enum cw_bundle_fail *bf,
    struct cw_error *err)
{
	EVP_MD_CTX *md = NULL;
	uint8_t dig[32];
	char sha[65];
	uint64_t total = 0, kicked = 0;
	const void *blk;
	size_t bn;
	la_int64_t off;
	la_ssize_t n;
	int fd = -1, rc = -1, r;

	if ((md = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	if (path != NULL &&
	    (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) == -1) {
		*bf = CW_BUNDLE_IO;
		cw_error_set(err, CW_E_IO, _("cannot create '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	/* Blocks as stored, never libarchive's zero-filled holes: a block
	 * that does not start where the last ended is a sparse member, and
	 * no byte beyond the manifest's size is ever written. */
	while ((r = archive_read_data_block(a, &blk, &bn, &off)) != ARCHIVE_EOF) {
		if (r != ARCHIVE_OK) {
			if (oc->age_failed)
				age_failure(bundle, bf, cw_age_dec_fail(oc->dec), &oc->aerr, err);
			else
				not_bundle(bundle, bf, err, archive_error_string(a) ?
				    archive_error_string(a) : "tar");
			goto out;
		}
		if (off < 0 || (uint64_t)off != total) {
			not_bundle(bundle, bf, err, _("a member is sparse"));
			goto out;
		}
		if (bn > e->size - total) {
			not_bundle(bundle, bf, err, _("a file is larger than the manifest says"));
			goto out;
		}
		n = (la_ssize_t)bn;
		total += (uint64_t)n;
		EVP_DigestUpdate(md, blk, (size_t)n);
		if (fd != -1 && cw_file_write_all(fd, blk, (size_t)n) == -1) {
			*bf = CW_BUNDLE_IO;
			cw_error_set(err, CW_E_IO, _("cannot write '%s'"), path);
			cw_error_detail(err, "%s", strerror(errno));
			goto out;
		}
#ifdef SYNC_FILE_RANGE_WRITE
		/* Start writeback as the file grows, so that the one syncfs
		 * at the end finds little left to write. */
		if (fd != -1 && total - kicked >= STAGE_KICK) {
			(void)sync_file_range(fd, (off_t)kicked, (off_t)(total - kicked),
			    SYNC_FILE_RANGE_WRITE);
			kicked = total;
		}
#endif
	}
	EVP_DigestFinal_ex(md, dig, NULL);
	hex(dig, sizeof(dig), sha);
	if (total != e->size || strcmp(sha, e->sha) != 0) {
		not_bundle(bundle, bf, err, _("a file does not match the manifest"));
		goto out;
	}
	/* Not fsynced here: finish_staging() syncs the whole tree at once. */
	if (fd != -1 && fchmod(fd, e->mode) == -1) {
		*bf = CW_BUNDLE_IO;
		cw_error_set(err, CW_E_IO, _("cannot write '%s'"), path);
		cw_error_detail(err, "%s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1 && close(fd) == -1 && rc == 0) {
		*bf = CW_BUNDLE_IO;
		rc = cw_error_set(err, CW_E_IO, _("cannot write '%s'"), path);
	}
	EVP_MD_CTX_free(md);
	return rc;
}

static int
read_manifest(struct archive *a, struct open_ctx *oc, struct manifest *m,
    char digest[65], struct cw_bundle_origin *origin, const char *bundle,
    enum cw_bundle_fail *bf, struct cw_error *err)
{
	struct archive_entry *ae;
	char *text = NULL;
	la_int64_t size;
	la_ssize_t n;
	size_t len = 0;
	int r, rc = -1;

	r = archive_read_next_header(a, &ae);
	if (r != ARCHIVE_OK) {
		if (oc->age_failed)
			return age_failure(bundle, bf, cw_age_dec_fail(oc->dec), &oc->aerr, err);
		return not_bundle(bundle, bf, err, _("no tar archive inside"));
	}
	size = archive_entry_size(ae);
	if (strcmp(archive_entry_pathname(ae), CW_BUNDLE_MANIFEST) != 0 ||
	    archive_entry_filetype(ae) != AE_IFREG || size <= 0 || size > MANIFEST_MAX)
		return not_bundle(bundle, bf, err, _("the first member is not the manifest"));
	if ((text = malloc((size_t)size + 1)) == NULL) {
		*bf = CW_BUNDLE_IO;
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	}
	while (len < (size_t)size && (n = archive_read_data(a, text + len, (size_t)size - len)) > 0)
		len += (size_t)n;
	if (len != (size_t)size) {
		if (oc->age_failed)
			age_failure(bundle, bf, cw_age_dec_fail(oc->dec), &oc->aerr, err);
		else
			not_bundle(bundle, bf, err, _("the manifest is cut short"));
		goto out;
	}
	text[len] = '\0';
	if (manifest_load(text, len, m, origin, digest) == -1) {
		not_bundle(bundle, bf, err, _("the manifest is malformed"));
		goto out;
	}
	rc = 0;
out:
	free(text);
	return rc;
}

/* Creates the staging directory beside sc3_dir: "DIR/.NAME.stage.XXXXXX". */
static int
make_staging(const char *sc3_dir, char **stagep, struct cw_error *err)
{
	const char *slash;
	size_t n = strlen(sc3_dir);
	char *stage = NULL;

	while (n > 1 && sc3_dir[n - 1] == '/')
		n--;
	slash = memrchr(sc3_dir, '/', n);
	if (asprintf(&stage, "%.*s.%.*s.stage.XXXXXX",
	    slash ? (int)(slash - sc3_dir + 1) : 0, sc3_dir,
	    slash ? (int)(n - (size_t)(slash - sc3_dir) - 1) : (int)n,
	    slash ? slash + 1 : sc3_dir) == -1)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	if (mkdtemp(stage) == NULL) {
		cw_error_set(err, CW_E_IO, _("cannot create a staging directory beside '%s'"), sc3_dir);
		cw_error_detail(err, "%s", strerror(errno));
		cw_error_hint(err, _("Check that the parent directory exists and is writable. Nothing was changed."));
		free(stage);
		return -1;
	}
	*stagep = stage;
	return 0;
}

/* The manifest's claims against the caps and, when extracting, against
 * the free space of the file system the staging directory goes on. */
static int
check_sizes(const struct manifest *m, const char *bundle, const char *sc3_dir,
    int extract, uint64_t max_bytes, enum cw_bundle_fail *bf, struct cw_error *err)
{
	char parent[PATH_MAX];
	struct statvfs vfs;
	uint64_t total = 0, need, avail;
	const char *slash;

	for (size_t i = 0; i < m->n; i++) {
		if (m->e[i].size > max_bytes) {
			*bf = CW_BUNDLE_TOO_BIG;
			cw_error_set(err, CW_E_CRYPTO,
			    _("'%s' in the bundle '%s' has %llu bytes, more than the %llu allowed ([sc3] max_restore_bytes)"),
			    m->e[i].path, bundle, (unsigned long long)m->e[i].size,
			    (unsigned long long)max_bytes);
			return cw_error_hint(err, _("Raise [sc3] max_restore_bytes only if the bundle is genuine. Nothing was changed."));
		}
		if (m->e[i].size > max_bytes - total) {
			*bf = CW_BUNDLE_TOO_BIG;
			cw_error_set(err, CW_E_CRYPTO,
			    _("the bundle '%s' holds more than the %llu bytes allowed ([sc3] max_restore_bytes)"),
			    bundle, (unsigned long long)max_bytes);
			return cw_error_hint(err, _("Raise [sc3] max_restore_bytes only if the bundle is genuine. Nothing was changed."));
		}
		total += m->e[i].size;
	}
	if (!extract || sc3_dir == NULL)
		return 0;
	/* The staging directory is made beside sc3_dir: its parent's file
	 * system.  A block per entry on top of the content. */
	slash = strrchr(sc3_dir, '/');
	if (slash == NULL)
		snprintf(parent, sizeof(parent), ".");
	else
		snprintf(parent, sizeof(parent), "%.*s", slash == sc3_dir ? 1 : (int)(slash - sc3_dir), sc3_dir);
	if (statvfs(parent, &vfs) == -1) {
		*bf = CW_BUNDLE_IO;
		cw_error_set(err, CW_E_IO, _("cannot read the free space of '%s'"), parent);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	need = total + (uint64_t)m->n * 4096;
	if (need < total)
		need = UINT64_MAX;
	avail = (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize;
	if (need > avail) {
		*bf = CW_BUNDLE_TOO_BIG;
		cw_error_set(err, CW_E_IO,
		    _("the bundle '%s' needs %llu bytes, the file system of '%s' has %llu free"),
		    bundle, (unsigned long long)need, parent, (unsigned long long)avail);
		return cw_error_hint(err, _("Free space there and restore again. Nothing was changed."));
	}
	return 0;
}

static int
open_tar(struct archive *a, struct open_ctx *oc, const char *bundle,
    const char *sc3_dir, uint64_t max_bytes, char **stagep, struct manifest *m,
    struct cw_bundle_info *inf, enum cw_bundle_fail *bf, struct cw_error *err)
{
	const char *staging;
	struct archive_entry *ae;
	struct entry *e;
	char path[PATH_MAX], rel[PATH_MAX];
	const char *name;
	size_t got, len;
	int r;

	if (read_manifest(a, oc, m, inf->manifest_sha256, &inf->origin, bundle, bf, err) == -1 ||
	    check_sizes(m, bundle, sc3_dir, stagep != NULL || sc3_dir != NULL, max_bytes, bf, err) == -1)
		return -1;
	/* Only now, with the first chunk authentic, is anything written. */
	if (stagep != NULL && make_staging(sc3_dir, stagep, err) == -1)
		return -1;
	staging = stagep != NULL ? *stagep : NULL;
	while ((r = archive_read_next_header(a, &ae)) != ARCHIVE_EOF) {
		if (r != ARCHIVE_OK) {
			if (oc->age_failed)
				return age_failure(bundle, bf, cw_age_dec_fail(oc->dec), &oc->aerr, err);
			return not_bundle(bundle, bf, err, archive_error_string(a) ?
			    archive_error_string(a) : "tar");
		}
		name = archive_entry_pathname(ae);
		if (name == NULL || strncmp(name, TAR_PREFIX, strlen(TAR_PREFIX)) != 0)
			return not_bundle(bundle, bf, err, _("an unexpected member"));
		/* Regular files and directories only, nothing sparse: checked
		 * on the header, before a byte is written. */
		if (archive_entry_hardlink(ae) != NULL || archive_entry_symlink(ae) != NULL ||
		    (archive_entry_filetype(ae) != AE_IFREG && archive_entry_filetype(ae) != AE_IFDIR))
			return not_bundle(bundle, bf, err,
			    _("a member is a link, device or FIFO: only regular files and directories are restored"));
		if (archive_entry_sparse_count(ae) > 0)
			return not_bundle(bundle, bf, err, _("a member is sparse"));
		snprintf(rel, sizeof(rel), "%s", name + strlen(TAR_PREFIX));
		len = strlen(rel);
		if (len > 0 && rel[len - 1] == '/')
			rel[len - 1] = '\0';
		/* Only names the manifest lists, and it admits no "..". */
		if ((e = manifest_find(m, rel)) == NULL || e->seen ||
		    (e->type == 'd') != (archive_entry_filetype(ae) == AE_IFDIR) ||
		    (e->type == 'f') != (archive_entry_filetype(ae) == AE_IFREG))
			return not_bundle(bundle, bf, err, _("a member the manifest does not list"));
		if (e->type == 'f' && (!archive_entry_size_is_set(ae) ||
		    archive_entry_size(ae) < 0 || (uint64_t)archive_entry_size(ae) != e->size))
			return not_bundle(bundle, bf, err, _("a member's size differs from the manifest"));
		e->seen = 1;
		if (staging != NULL)
			snprintf(path, sizeof(path), "%s/%s", staging, rel);
		if (e->type == 'd') {
			inf->dirs++;
			if (staging != NULL && mkdir(path, 0700) == -1) {
				*bf = errno == ENOENT ? CW_BUNDLE_NOT_BUNDLE : CW_BUNDLE_IO;
				cw_error_set(err, CW_E_IO, _("cannot create '%s'"), path);
				return cw_error_detail(err, "%s", strerror(errno));
			}
			continue;
		}
		if (extract_file(a, oc, staging ? path : NULL, e, bundle, bf, err) == -1)
			return -1;
		inf->files++;
		inf->bytes += e->size;
	}
	for (size_t i = 1; i < m->n; i++)
		if (!m->e[i].seen)
			return not_bundle(bundle, bf, err, _("a file of the manifest is missing"));
	/* The tar ended: read the age stream to its authenticated end. */
	if (oc->dec != NULL) {
		do {
			if (cw_age_dec_read(oc->dec, oc->buf, sizeof(oc->buf), &got, &oc->aerr) == -1)
				return age_failure(bundle, bf, cw_age_dec_fail(oc->dec), &oc->aerr, err);
		} while (got > 0);
	}
	return 0;
}

/* The tar read through oc (decrypted, or plain) and walked by open_tar(). */
static int
read_tar(struct open_ctx *oc, const char *bundle, const char *sc3_dir,
    uint64_t max_bytes, char **stagep, struct manifest *m, struct cw_bundle_info *inf,
    enum cw_bundle_fail *bf, struct cw_error *err)
{
	struct archive *a;
	int rc = -1;

	if ((a = archive_read_new()) == NULL)
		return cw_error_set(err, CW_E_NOMEM, _("out of memory"));
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_open(a, oc, NULL, tar_in, NULL) != ARCHIVE_OK) {
		if (oc->age_failed)
			age_failure(bundle, bf, cw_age_dec_fail(oc->dec), &oc->aerr, err);
		else
			not_bundle(bundle, bf, err, _("no tar archive inside"));
	} else
		rc = open_tar(a, oc, bundle, sc3_dir,
		    max_bytes > 0 ? max_bytes : CW_BUNDLE_MAX_RESTORE_DEFAULT, stagep, m, inf, bf, err);
	archive_read_free(a);
	return rc;
}

/* Applies the manifest's directory modes (deepest first), then makes the
 * staging tree durable with one syncfs() of its file system instead of an
 * fsync per file and directory (issue 17: a 3-file bundle took 7): the
 * files' data, the directories and the staging directory's own entry in
 * its parent must all be on disk before the swap, and syncfs() covers
 * them all (errors included, Linux >= 5.8). */
static int
finish_staging(const char *staging, const struct manifest *m, enum cw_bundle_fail *bf,
    struct cw_error *err)
{
	char path[PATH_MAX];
	int fd, rc;

	for (size_t i = m->n; i-- > 0;) {
		if (m->e[i].type != 'd')
			continue;
		snprintf(path, sizeof(path), "%s/%s", staging, m->e[i].path);
		if (chmod(path, m->e[i].mode) == -1) {
			*bf = CW_BUNDLE_IO;
			cw_error_set(err, CW_E_IO, _("cannot set the mode of '%s'"), path);
			return cw_error_detail(err, "%s", strerror(errno));
		}
	}
	if ((fd = open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		*bf = CW_BUNDLE_IO;
		cw_error_set(err, CW_E_IO, _("cannot open directory '%s'"), staging);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	rc = syncfs(fd);
	if (rc == -1) {
		*bf = CW_BUNDLE_IO;
		cw_error_set(err, CW_E_IO, _("cannot flush directory '%s' to disk"), staging);
		cw_error_detail(err, "%s", strerror(errno));
	}
	close(fd);
	cw_fault_point("fsync");
	return rc;
}

/* The bundle's bytes as the decryptor reads them, hashed on the way: the
 * bundle's SHA-256 costs no pass of its own, and runs on the second core
 * while this one decrypts and checks.  Two buffers in turn: one is hashed
 * while the decryptor is served from the other. */
#define HASHED_BUF (256 * 1024)
struct hashed_in {
	cw_age_read_fn in;
	void *ctx;
	struct bg_sha sha;
	uint8_t *b[2];
	size_t pos, len;
	int cur, eof;
};

static ssize_t
hashed_read(void *ctx, void *buf, size_t len, struct cw_error *err)
{
	struct hashed_in *h = ctx;
	ssize_t n;

	if (h->pos == h->len) {
		if (h->eof)
			return 0;
		/* The other buffer's hash was done before this one's began. */
		h->cur ^= 1;
		if ((n = h->in(h->ctx, h->b[h->cur], HASHED_BUF, err)) <= 0) {
			h->eof = n == 0;
			return n;
		}
		bg_sha_update(&h->sha, h->b[h->cur], (size_t)n);
		h->pos = 0;
		h->len = (size_t)n;
	}
	if (len > h->len - h->pos)
		len = h->len - h->pos;
	memcpy(buf, h->b[h->cur] + h->pos, len);
	h->pos += len;
	return (ssize_t)len;
}

int
cw_bundle_open_stream(cw_age_read_fn in, void *in_ctx, const char *bundle,
    const char *sc3_dir, const struct cw_secret *key, uint64_t max_bytes,
    char **staging, struct cw_bundle_info *info, enum cw_bundle_fail *fail,
    struct cw_error *err)
{
	struct open_ctx *oc = NULL;
	struct manifest m = { 0 };
	struct cw_bundle_info inf;
	struct hashed_in h = { .in = in, .ctx = in_ctx };
	enum cw_bundle_fail bf = CW_BUNDLE_IO;
	uint8_t dig[32];
	char *stage = NULL;
	int rc = -1;

	memset(&inf, 0, sizeof(inf));
	if (staging != NULL)
		*staging = NULL;
	if ((oc = calloc(1, sizeof(*oc))) == NULL || bg_sha_start(&h.sha) == -1 ||
	    (h.b[0] = malloc(HASHED_BUF)) == NULL || (h.b[1] = malloc(HASHED_BUF)) == NULL ||
	    (oc->dec = cw_age_dec_new(hashed_read, &h, CW_AGE_ARMOR_AUTO)) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	if (cw_age_dec_open_passphrase(oc->dec, key, CW_AGE_LOG2N_MAX, &oc->aerr) == -1) {
		age_failure(bundle, &bf, cw_age_dec_fail(oc->dec), &oc->aerr, err);
		goto out;
	}
	if (read_tar(oc, bundle, sc3_dir, max_bytes, staging ? &stage : NULL, &m, &inf,
	    &bf, err) == -1)
		goto out;
	/* Read to the end: every byte is in the hash (the decryptor has
	 * already refused anything after the last chunk). */
	{
		uint8_t rest[512];
		ssize_t n;

		while ((n = hashed_read(&h, rest, sizeof(rest), err)) > 0)
			;
		if (n == -1)
			goto out;
	}
	if (stage != NULL && finish_staging(stage, &m, &bf, err) == -1)
		goto out;
	bg_sha_final(&h.sha, dig);
	hex(dig, sizeof(dig), inf.bundle_sha256);
	bf = CW_BUNDLE_OK;
	if (info != NULL)
		*info = inf;
	if (staging != NULL) {
		*staging = stage;
		stage = NULL;
	}
	rc = 0;
out:
	if (stage != NULL) {
		cw_bundle_discard(stage, NULL);
		free(stage);
	}
	if (fail != NULL)
		*fail = bf;
	bg_sha_stop(&h.sha);	/* before the buffer it may hash is freed */
	free(h.b[0]);
	free(h.b[1]);
	if (oc != NULL)
		cw_age_dec_free(oc->dec);
	free(oc);
	manifest_release(&m);
	return rc;
}

int
cw_bundle_open(const char *bundle, const char *sc3_dir, const struct cw_secret *key,
    uint64_t max_bytes, char **staging, struct cw_bundle_info *info,
    enum cw_bundle_fail *fail, struct cw_error *err)
{
	int fd, rc;

	if (staging != NULL)
		*staging = NULL;
	if ((fd = open(bundle, O_RDONLY | O_CLOEXEC)) == -1) {
		if (fail != NULL)
			*fail = CW_BUNDLE_IO;
		cw_error_set(err, CW_E_IO, _("cannot open the bundle '%s'"), bundle);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	rc = cw_bundle_open_stream(cw_bundle_fd_read, &fd, bundle, sc3_dir, key, max_bytes, staging,
	    info, fail, err);
	close(fd);
	return rc;
}

int
cw_bundle_check_tar(const void *tar, size_t len, struct cw_bundle_info *info,
    enum cw_bundle_fail *fail, struct cw_error *err)
{
	struct open_ctx *oc;
	struct manifest m = { 0 };
	struct cw_bundle_info inf;
	enum cw_bundle_fail bf = CW_BUNDLE_IO;
	int rc = -1;

	memset(&inf, 0, sizeof(inf));
	if ((oc = calloc(1, sizeof(*oc))) == NULL) {
		cw_error_set(err, CW_E_NOMEM, _("out of memory"));
		goto out;
	}
	oc->plain = tar;
	oc->plain_len = len;
	if (read_tar(oc, "tar", NULL, 0, NULL, &m, &inf, &bf, err) == -1)
		goto out;
	bf = CW_BUNDLE_OK;
	if (info != NULL)
		*info = inf;
	rc = 0;
out:
	if (fail != NULL)
		*fail = bf;
	free(oc);
	manifest_release(&m);
	return rc;
}

/* ---- swap */

static int
parent_sync(const char *path, struct cw_error *err)
{
	return cw_file_sync_dir(path, 0, err);
}

int
cw_bundle_swap(const char *staging, const char *sc3_dir, const char *manifest_sha256,
    struct cw_error *err)
{
	char prev[PATH_MAX], digest[65];
	struct stat st;
	int have_stage, have_sc3, swapped = 0;

	if ((size_t)snprintf(prev, sizeof(prev), "%s.prev", sc3_dir) >= sizeof(prev))
		return cw_error_set(err, CW_E_USAGE, _("path too long: '%s'"), sc3_dir);
	have_stage = lstat(staging, &st) == 0;
	have_sc3 = lstat(sc3_dir, &st) == 0;
	if (have_sc3 && cw_bundle_dir_digest(sc3_dir, digest, NULL) == 0 &&
	    strcmp(digest, manifest_sha256) == 0)
		swapped = 1;	/* a previous call got as far as the exchange */
	if (!have_stage) {
		if (swapped)
			return 0;
		cw_error_set(err, CW_E_STATE, _("the staging directory '%s' is gone"), staging);
		return cw_error_hint(err, _("Open the bundle again. '%s' was not changed."), sc3_dir);
	}
	if (!have_sc3) {
		if (rename(staging, sc3_dir) == -1) {
			cw_error_set(err, CW_E_IO, _("cannot move '%s' into place"), staging);
			return cw_error_detail(err, "%s", strerror(errno));
		}
		cw_fault_point("rename");
		return parent_sync(sc3_dir, err);
	}
	if (!swapped) {
		/* Not synced until the rename to .prev below: one fsync of
		 * the parent makes both durable (a crash in between is
		 * recognised by the digest above). */
		if (renameat2(AT_FDCWD, staging, AT_FDCWD, sc3_dir, RENAME_EXCHANGE) == 0)
			cw_fault_point("rename");
		else if (errno == EINVAL || errno == ENOSYS) {
			/* No exchange here: SC3_DIR is missing between the two
			 * renames; a repeated call completes it (!have_sc3). */
			if (cw_bundle_discard(prev, err) == -1)
				return -1;
			if (rename(sc3_dir, prev) == -1) {
				cw_error_set(err, CW_E_IO, _("cannot move '%s' aside"), sc3_dir);
				return cw_error_detail(err, "%s", strerror(errno));
			}
			cw_fault_point("rename");
			if (rename(staging, sc3_dir) == -1) {
				cw_error_set(err, CW_E_IO, _("cannot move '%s' into place"), staging);
				return cw_error_detail(err, "%s", strerror(errno));
			}
			cw_fault_point("rename");
			return parent_sync(sc3_dir, err);
		} else {
			cw_error_set(err, CW_E_IO, _("cannot swap '%s' into place"), staging);
			return cw_error_detail(err, "%s", strerror(errno));
		}
	}
	/* staging now holds the old directory: keep it as .prev. */
	if (cw_bundle_discard(prev, err) == -1)
		return -1;
	if (rename(staging, prev) == -1) {
		cw_error_set(err, CW_E_IO, _("cannot keep the previous SC3 directory as '%s'"), prev);
		return cw_error_detail(err, "%s", strerror(errno));
	}
	cw_fault_point("rename");
	return parent_sync(sc3_dir, err);
}
