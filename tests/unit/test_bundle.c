/* test_bundle.c - the SC3 bundle: seal, open into staging, swap; refusals
 * of bad sources and of wrong-key, truncated, altered and foreign bundles,
 * each leaving the SC3 directory and its parent untouched. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sc3/age.h"
#include "sc3/bundle.h"
#include "core/secret.h"
#include "testutil.h"

/* Fast scrypt where the build allows it (--enable-test-hooks: the tests
 * open hundreds of bundles); a release build seals at 18 and skips the
 * loops over every byte. */
#define LOG2N (cw_age_log2n_min() > 2 ? cw_age_log2n_min() : 2)

struct fx {
	char *dir;	/* temp root */
	char sc3[4096];
	char bundle[4096];
	struct cw_secret *key;
	struct timespec sc3_ctime;
	unsigned opens;
};

static struct cw_secret *
secret(const char *s)
{
	struct cw_secret *sec = cw_secret_new(64);
	struct cw_error err;

	assert_int_equal(cw_secret_append(sec, s, strlen(s), &err), 0);
	return sec;
}

static void
fill_sc3(const char *sc3)
{
	char p[4096];

	assert_int_equal(mkdir(sc3, 0750), 0);
	snprintf(p, sizeof(p), "%s/ca", sc3);
	assert_int_equal(mkdir(p, 0700), 0);
	tu_write(tu_path(p, "ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", 0644);
	tu_write(tu_path(p, "ca.key"), "-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n", 0600);
	snprintf(p, sizeof(p), "%s/phosphorus", sc3);
	assert_int_equal(mkdir(p, 0755), 0);
	tu_write(tu_path(p, "node 1.key"), "phosphorus key one\n", 0600);
	tu_write(tu_path(p, "empty"), "", 0640);
	tu_write(tu_path(sc3, "MANIFEST"), "a file named like the manifest\n", 0644);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = tu_mkdtemp();
	snprintf(f->sc3, sizeof(f->sc3), "%s/sc3", f->dir);
	assert_int_equal(mkdir(tu_path(f->dir, "out"), 0700), 0);
	snprintf(f->bundle, sizeof(f->bundle), "%s/out/%s", f->dir, CW_BUNDLE_NAME);
	fill_sc3(f->sc3);
	f->key = secret("master key 0123456789");
	{
		struct stat st;

		assert_int_equal(stat(f->sc3, &st), 0);
		f->sc3_ctime = st.st_ctim;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	tu_rmtree(f->dir);
	free(f->dir);
	cw_secret_free(f->key);
	free(f);
	return 0;
}

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static uint64_t
st_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

static void
seal(struct fx *f)
{
	struct cw_error err;
	struct cw_bundle_info info;
	struct stat st;

	assert_int_equal(cw_bundle_seal(f->sc3, f->bundle, f->key, LOG2N, NULL, &info, &err), 0);
	assert_int_equal(stat(f->bundle, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(info.files, 5);
	assert_int_equal(info.dirs, 2);
	/* The seal does not hash its output: the proof (open) does. */
	assert_int_equal(strlen(info.bundle_sha256), 0);
}

static void
test_bundle_seal_open_swap(void **state)
{
	struct fx *f = *state;
	struct cw_error err;
	struct cw_bundle_info info, oinfo;
	enum cw_bundle_fail fail;
	char *staging = NULL, before[65], after[65], prev[4200], *got;
	struct stat st;

	assert_int_equal(cw_bundle_dir_digest(f->sc3, before, &err), 0);
	assert_int_equal(cw_bundle_seal(f->sc3, f->bundle, f->key, LOG2N, NULL, &info, &err), 0);
	assert_string_equal(info.manifest_sha256, before);
	/* Proof without writing anything. */
	assert_int_equal(cw_bundle_open(f->bundle, NULL, f->key, 0, NULL, &oinfo, &fail, &err), 0);
	assert_string_equal(oinfo.manifest_sha256, before);
	assert_int_equal(count_entries(f->dir), 2);
	/* The open hashed the bundle's bytes as it read them. */
	{
		char sha[65];
		uint64_t size;

		assert_int_equal(cw_bundle_hash_file(f->bundle, 1, &size, sha, &err), 0);
		assert_string_equal(oinfo.bundle_sha256, sha);
		assert_int_equal(size, st_size(f->bundle));
	}

	/* Change the live dir, then restore the bundle over it. */
	tu_write(tu_path(f->sc3, "new.pem"), "added after the backup\n", 0600);
	assert_int_equal(cw_bundle_open(f->bundle, f->sc3, f->key, 0, &staging, &oinfo, &fail, &err), 0);
	assert_int_equal(fail, CW_BUNDLE_OK);
	assert_non_null(staging);
	assert_int_equal(cw_bundle_dir_digest(staging, after, &err), 0);
	assert_string_equal(after, before);
	assert_int_equal(cw_bundle_swap(staging, f->sc3, oinfo.manifest_sha256, &err), 0);
	assert_int_equal(cw_bundle_dir_digest(f->sc3, after, &err), 0);
	assert_string_equal(after, before);
	assert_int_equal(stat(f->sc3, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);
	assert_int_equal(stat(tu_path(f->sc3, "ca"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	got = tu_read(tu_path(f->sc3, "phosphorus/node 1.key"));
	assert_string_equal(got, "phosphorus key one\n");
	free(got);
	snprintf(prev, sizeof(prev), "%s.prev", f->sc3);
	assert_int_equal(access(tu_path(prev, "new.pem"), F_OK), 0);
	/* Repeating the swap (a resumed restore) is harmless. */
	assert_int_equal(cw_bundle_swap(staging, f->sc3, oinfo.manifest_sha256, &err), 0);
	assert_int_equal(access(tu_path(prev, "new.pem"), F_OK), 0);
	free(staging);

	/* A second restore replaces the older .prev. */
	assert_int_equal(cw_bundle_open(f->bundle, f->sc3, f->key, 0, &staging, &oinfo, &fail, &err), 0);
	assert_int_equal(cw_bundle_swap(staging, f->sc3, oinfo.manifest_sha256, &err), 0);
	assert_int_not_equal(access(tu_path(prev, "new.pem"), F_OK), 0);
	free(staging);
}

static void
test_bundle_swap_into_missing_dir(void **state)
{
	struct fx *f = *state;
	struct cw_error err;
	struct cw_bundle_info info;
	char *staging = NULL, other[4200], d[65];

	seal(f);
	snprintf(other, sizeof(other), "%s/newunit/sc3", f->dir);
	snprintf(d, sizeof(d), "x");
	assert_int_equal(mkdir(tu_path(f->dir, "newunit"), 0700), 0);
	assert_int_equal(cw_bundle_open(f->bundle, other, f->key, 0, &staging, &info, NULL, &err), 0);
	assert_int_equal(cw_bundle_swap(staging, other, info.manifest_sha256, &err), 0);
	assert_int_equal(cw_bundle_dir_digest(other, d, &err), 0);
	assert_string_equal(d, info.manifest_sha256);
	free(staging);
}

static void
test_bundle_refuses_bad_sources(void **state)
{
	struct fx *f = *state;
	struct cw_error err;
	char p[4200];

	/* missing */
	snprintf(p, sizeof(p), "%s/nope", f->dir);
	assert_int_equal(cw_bundle_seal(p, f->bundle, f->key, LOG2N, NULL, NULL, &err), -1);
	assert_int_equal(err.code, CW_E_IO);
	/* empty (directories only) */
	snprintf(p, sizeof(p), "%s/empty", f->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(mkdir(tu_path(p, "sub"), 0700), 0);
	assert_int_equal(cw_bundle_seal(p, f->bundle, f->key, LOG2N, NULL, NULL, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	/* symlink */
	assert_int_equal(symlink("/etc/passwd", tu_path(f->sc3, "link")), 0);
	assert_int_equal(cw_bundle_seal(f->sc3, f->bundle, f->key, LOG2N, NULL, NULL, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	unlink(tu_path(f->sc3, "link"));
	/* FIFO */
	assert_int_equal(mkfifo(tu_path(f->sc3, "fifo"), 0600), 0);
	assert_int_equal(cw_bundle_seal(f->sc3, f->bundle, f->key, LOG2N, NULL, NULL, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	unlink(tu_path(f->sc3, "fifo"));
	/* unreadable file (root reads everything: only as non-root) */
	if (geteuid() != 0) {
		chmod(tu_path(f->sc3, "MANIFEST"), 0);
		assert_int_equal(cw_bundle_seal(f->sc3, f->bundle, f->key, LOG2N, NULL, NULL, &err), -1);
		assert_int_equal(err.code, CW_E_IO);
		chmod(tu_path(f->sc3, "MANIFEST"), 0644);
	}
	/* Nothing was written. */
	assert_int_equal(count_entries(tu_path(f->dir, "out")), 0);
}

/* Opens f->bundle for a restore; returns the failure kind and checks that
 * the SC3 dir and its parent did not change. */
static enum cw_bundle_fail
try_open(struct fx *f, const struct cw_secret *key, const char *digest)
{
	struct cw_error err;
	enum cw_bundle_fail fail = CW_BUNDLE_OK;
	char *staging = NULL, now[65];
	struct stat st;
	int rc;

	rc = cw_bundle_open(f->bundle, f->sc3, key, 0, &staging, NULL, &fail, &err);
	if (rc == 0) {
		cw_bundle_discard(staging, &err);
		free(staging);
		return CW_BUNDLE_OK;
	}
	assert_null(staging);
	assert_int_not_equal(fail, CW_BUNDLE_OK);
	assert_int_equal(count_entries(f->dir), 2);	/* sc3, out: no staging */
	/* The full digest is costly: the dir's own change time catches
	 * most changes, the digest every so often catches the rest. */
	assert_int_equal(stat(f->sc3, &st), 0);
	assert_true(st.st_ctim.tv_sec == f->sc3_ctime.tv_sec &&
	    st.st_ctim.tv_nsec == f->sc3_ctime.tv_nsec);
	if (++f->opens % 61 == 1) {
		assert_int_equal(cw_bundle_dir_digest(f->sc3, now, &err), 0);
		assert_string_equal(now, digest);
	}
	return fail;
}

static void
test_bundle_wrong_key_not_age_not_bundle(void **state)
{
	struct fx *f = *state;
	struct cw_secret *wrong = secret("master key 0123456788");
	struct cw_error err;
	char digest[65];
	int in, out;

	seal(f);
	assert_int_equal(cw_bundle_dir_digest(f->sc3, digest, &err), 0);
	assert_int_equal(try_open(f, wrong, digest), CW_BUNDLE_WRONG_KEY);
	assert_int_equal(try_open(f, f->key, digest), CW_BUNDLE_OK);
	/* not an age file */
	tu_write(f->bundle, "#!/bin/sh\necho not a bundle\n", 0600);
	assert_int_equal(try_open(f, f->key, digest), CW_BUNDLE_NOT_AGE);
	/* an age file with the right key but no tar inside */
	tu_write(tu_path(f->dir, "plain"), "just some text, not a tar archive\n", 0600);
	in = open(tu_path(f->dir, "plain"), O_RDONLY);
	out = open(f->bundle, O_WRONLY | O_TRUNC);
	assert_int_equal(cw_age_encrypt_fd(in, out, f->key, LOG2N, &err), 0);
	close(in);
	close(out);
	unlink(tu_path(f->dir, "plain"));
	assert_int_equal(try_open(f, f->key, digest), CW_BUNDLE_NOT_BUNDLE);
	cw_secret_free(wrong);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	char *s = NULL;
	struct stat st;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	s = malloc((size_t)st.st_size + 1);
	assert_int_equal(read(fd, s, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return (uint8_t *)s;
}

static void
put(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void
test_bundle_every_truncation_refused(void **state)
{
	struct fx *f = *state;
	struct cw_error err;
	char digest[65];
	uint8_t *orig;
	size_t len;
	int counts[CW_BUNDLE__MAX] = { 0 };


#ifndef CW_TEST_HOOKS
	skip();	/* hundreds of opens at scrypt 2^18 */
#endif
	seal(f);
	assert_int_equal(cw_bundle_dir_digest(f->sc3, digest, &err), 0);
	orig = slurp(f->bundle, &len);
	for (size_t cut = 0; cut < len; cut++) {
		enum cw_bundle_fail fl;

		put(f->bundle, orig, cut);
		fl = try_open(f, f->key, digest);
		assert_int_not_equal(fl, CW_BUNDLE_OK);
		assert_true(fl == CW_BUNDLE_TRUNCATED || fl == CW_BUNDLE_ALTERED ||
		    fl == CW_BUNDLE_NOT_AGE);
		/* A prefix of the intro line is not "not an age file". */
		if (cut < 22)
			assert_int_equal(fl, CW_BUNDLE_TRUNCATED);
		counts[fl]++;
	}
	print_message("truncations of a %zu-byte bundle: %d truncated, %d altered\n",
	    len, counts[CW_BUNDLE_TRUNCATED], counts[CW_BUNDLE_ALTERED]);
	put(f->bundle, orig, len);
	assert_int_equal(try_open(f, f->key, digest), CW_BUNDLE_OK);
	free(orig);
}

static void
test_bundle_every_flip_refused(void **state)
{
	struct fx *f = *state;
	struct cw_error err;
	char digest[65];
	uint8_t *orig;
	size_t len, end;


#ifndef CW_TEST_HOOKS
	skip();	/* hundreds of opens at scrypt 2^18 */
#endif
	seal(f);
	assert_int_equal(cw_bundle_dir_digest(f->sc3, digest, &err), 0);
	orig = slurp(f->bundle, &len);
	/* header + nonce + the first chunk (64 KiB + tag) or the file */
	end = len;
	for (size_t off = 0; off < end; off++) {
		enum cw_bundle_fail fl;

		orig[off] ^= 0x20;
		put(f->bundle, orig, len);
		fl = try_open(f, f->key, digest);
		assert_true(fl == CW_BUNDLE_ALTERED || fl == CW_BUNDLE_NOT_AGE ||
		    fl == CW_BUNDLE_WRONG_KEY || fl == CW_BUNDLE_TRUNCATED);
		orig[off] ^= 0x20;
	}
	put(f->bundle, orig, len);
	assert_int_equal(try_open(f, f->key, digest), CW_BUNDLE_OK);
	free(orig);
}

static void
test_bundle_large_files_roundtrip(void **state)
{
	struct fx *f = *state;
	struct cw_error err;
	struct cw_bundle_info info, oinfo;
	char *staging = NULL, d[65];
	FILE *fp = fopen(tu_path(f->sc3, "big.bin"), "w");

	/* Several STREAM chunks and tar blocks, so that extraction
	 * overlaps libarchive's read-ahead. */
	assert_non_null(fp);
	for (unsigned i = 0; i < 300000; i++)
		fputc((int)((i * 2654435761u) >> 24), fp);
	fclose(fp);
	assert_int_equal(cw_bundle_seal(f->sc3, f->bundle, f->key, LOG2N, NULL, &info, &err), 0);
	assert_int_equal(cw_bundle_open(f->bundle, f->sc3, f->key, 0, &staging, &oinfo, NULL, &err), 0);
	assert_int_equal(cw_bundle_dir_digest(staging, d, &err), 0);
	assert_string_equal(d, info.manifest_sha256);
	assert_int_equal(cw_bundle_discard(staging, &err), 0);
	free(staging);
}

/* A manifest longer than several age chunks (1500 entries, ~150 KiB):
 * the seal holds and patches all of its chunks (issue 17), and the
 * bundle opens to the same tree. */
static void
test_bundle_manifest_over_chunks(void **state)
{
	struct fx *f = *state;
	struct cw_error err;
	struct cw_bundle_info info, oinfo;
	char *staging = NULL, d[65], dir[4200], name[64];

	snprintf(dir, sizeof(dir), "%s/many", f->sc3);
	assert_int_equal(mkdir(dir, 0700), 0);
	for (int i = 0; i < 1500; i++) {
		snprintf(name, sizeof(name), "a-rather-long-certificate-name-%04d.pem", i);
		tu_write(tu_path(dir, name), name, 0600);
	}
	assert_int_equal(cw_bundle_seal(f->sc3, f->bundle, f->key, LOG2N, NULL, &info, &err), 0);
	assert_int_equal(info.files, 1505);
	assert_int_equal(cw_bundle_open(f->bundle, f->sc3, f->key, 0, &staging, &oinfo, NULL, &err), 0);
	assert_string_equal(oinfo.manifest_sha256, info.manifest_sha256);
	assert_int_equal(cw_bundle_dir_digest(staging, d, &err), 0);
	assert_string_equal(d, info.manifest_sha256);
	assert_int_equal(cw_bundle_dir_digest(f->sc3, d, &err), 0);
	assert_string_equal(d, info.manifest_sha256);
	assert_int_equal(cw_bundle_discard(staging, &err), 0);
	free(staging);
}

/* The origin goes into the manifest and comes back out; the manifest
 * digest stays the tree's (the swap's crash recovery compares it with
 * cw_bundle_dir_digest); a bundle sealed without origin says so. */
static void
test_bundle_origin_roundtrip(void **state)
{
	struct fx *f = *state;
	struct cw_error err;
	struct cw_bundle_info info, oinfo;
	struct cw_bundle_origin o;
	char d[65];

	memset(&o, 0, sizeof(o));
	o.present = 1;
	snprintf(o.serial, sizeof(o.serial), "007951000123456");
	snprintf(o.hostname, sizeof(o.hostname), "pano-a");
	snprintf(o.version, sizeof(o.version), "1.2");
	snprintf(o.addrs[0], CW_BUNDLE_ADDR_MAX, "192.0.2.10");
	snprintf(o.addrs[1], CW_BUNDLE_ADDR_MAX, "2001:db8::10");
	o.naddrs = 2;
	assert_int_equal(cw_bundle_seal(f->sc3, f->bundle, f->key, LOG2N, &o, &info, &err), 0);
	assert_int_equal(cw_bundle_open(f->bundle, NULL, f->key, 0, NULL, &oinfo, NULL, &err), 0);
	assert_true(oinfo.origin.present);
	assert_string_equal(oinfo.origin.serial, "007951000123456");
	assert_string_equal(oinfo.origin.hostname, "pano-a");
	assert_string_equal(oinfo.origin.version, "1.2");
	assert_int_equal(oinfo.origin.naddrs, 2);
	assert_string_equal(oinfo.origin.addrs[1], "2001:db8::10");
	assert_int_equal(cw_bundle_dir_digest(f->sc3, d, &err), 0);
	assert_string_equal(oinfo.manifest_sha256, d);
	assert_string_equal(info.manifest_sha256, d);

	assert_int_equal(cw_bundle_seal(f->sc3, f->bundle, f->key, LOG2N, NULL, &info, &err), 0);
	assert_int_equal(cw_bundle_open(f->bundle, NULL, f->key, 0, NULL, &oinfo, NULL, &err), 0);
	assert_false(oinfo.origin.present);
	assert_int_equal(oinfo.origin.naddrs, 0);
	assert_string_equal(oinfo.manifest_sha256, d);
}

/* max_bytes caps each file and the sum, before anything is written. */
static void
test_bundle_max_bytes(void **state)
{
	struct fx *f = *state;
	struct cw_error err;
	enum cw_bundle_fail fail;
	char *staging = NULL;
	int before = count_entries(f->dir);

	seal(f);
	/* The largest file (ca.key) has 61 bytes, all five 170. */
	assert_int_equal(cw_bundle_open(f->bundle, f->sc3, f->key, 56, &staging, NULL, &fail, &err), -1);
	assert_int_equal(fail, CW_BUNDLE_TOO_BIG);
	assert_null(staging);
	assert_int_equal(cw_bundle_open(f->bundle, f->sc3, f->key, 100, &staging, NULL, &fail, &err), -1);
	assert_int_equal(fail, CW_BUNDLE_TOO_BIG);
	assert_int_equal(count_entries(f->dir), before);
	assert_int_equal(cw_bundle_open(f->bundle, f->sc3, f->key, 1024, &staging, NULL, &fail, &err), 0);
	assert_int_equal(cw_bundle_discard(staging, &err), 0);
	free(staging);
}

/* The manifest parser on plain buffers (what the fuzz harness calls). */
static void
test_bundle_manifest_check(void **state)
{
	static const char tree[] = "d 0700 0 - .\n"
	    "f 0600 3 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad x\n";
	static const char *const bad[] = {
		"certwiz-sc3-bundle 1\no serial 1\n",		/* origin in v1 */
		"certwiz-sc3-bundle 2\no address 300.1.1.1\n",	/* not an address */
		"certwiz-sc3-bundle 2\no serial\n",		/* no value */
		"certwiz-sc3-bundle 2\no serial a\tb\n",	/* control character */
		"certwiz-sc3-bundle 3\n",
	};
	struct cw_bundle_origin o;
	char buf[4096];
	int n;

	(void)state;
	n = snprintf(buf, sizeof(buf), "certwiz-sc3-bundle 2\no serial S1\no future key\n"
	    "o address 2001:DB8:0::1\n%s", tree);
	assert_int_equal(cw_bundle_manifest_check(buf, (size_t)n, &o), 0);
	assert_true(o.present);
	assert_string_equal(o.serial, "S1");
	assert_string_equal(o.addrs[0], "2001:db8::1");
	n = snprintf(buf, sizeof(buf), "certwiz-sc3-bundle 1\n%s", tree);
	assert_int_equal(cw_bundle_manifest_check(buf, (size_t)n, &o), 0);
	assert_false(o.present);
	/* An origin line after the entries. */
	n = snprintf(buf, sizeof(buf), "certwiz-sc3-bundle 2\n%so serial S\n", tree);
	assert_int_equal(cw_bundle_manifest_check(buf, (size_t)n, &o), -1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = snprintf(buf, sizeof(buf), "%s%s", bad[i], tree);
		assert_int_equal(cw_bundle_manifest_check(buf, (size_t)n, &o), -1);
	}
	/* More addresses than CW_BUNDLE_ORIGIN_ADDRS. */
	n = snprintf(buf, sizeof(buf), "certwiz-sc3-bundle 2\n");
	for (int i = 0; i <= CW_BUNDLE_ORIGIN_ADDRS; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "o address 192.0.2.%d\n", i);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s", tree);
	assert_int_equal(cw_bundle_manifest_check(buf, (size_t)n, &o), -1);
	/* A NUL inside. */
	n = snprintf(buf, sizeof(buf), "certwiz-sc3-bundle 1\n%s", tree);
	buf[25] = '\0';
	assert_int_equal(cw_bundle_manifest_check(buf, (size_t)n, &o), -1);
}

/* The tar walk on a plain buffer (the fuzz harness's entry point): the
 * decrypted bundle passes, every shorter prefix and a flipped content byte
 * do not. */
static void
test_bundle_check_tar(void **state)
{
	struct fx *f = *state;
	struct cw_error err;
	struct cw_bundle_info info;
	enum cw_bundle_fail fail;
	char tarpath[4200];
	uint8_t *tar;
	size_t len, off;
	int in, out;

	seal(f);
	snprintf(tarpath, sizeof(tarpath), "%s/plain.tar", f->dir);
	assert_true((in = open(f->bundle, O_RDONLY)) != -1);
	assert_true((out = open(tarpath, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1);
	assert_int_equal(cw_age_decrypt_fd(in, out, f->key, CW_AGE_LOG2N_MAX, NULL, &err), 0);
	close(in);
	close(out);
	tar = slurp(tarpath, &len);
	assert_int_equal(cw_bundle_check_tar(tar, len, &info, &fail, &err), 0);
	assert_int_equal(info.files, 5);
	/* The last byte of the last member's content (the two zero blocks
	 * and the padding follow). */
	off = len - 1;
	while (off > 0 && tar[off] == 0)
		off--;
	/* Cut anywhere before it: a member or the end is missing.  (Cut
	 * after it, every member is whole: the tar's end is no proof, the
	 * age stream's authenticated end is, in cw_bundle_open.) */
	for (size_t cut = 0; cut <= off; cut += 97)
		assert_int_equal(cw_bundle_check_tar(tar, cut, NULL, NULL, &err), -1);
	assert_int_equal(cw_bundle_check_tar(tar, off, NULL, NULL, &err), -1);
	/* Its SHA-256 no longer matches. */
	tar[off] ^= 1;
	assert_int_equal(cw_bundle_check_tar(tar, len, NULL, &fail, &err), -1);
	assert_int_equal(fail, CW_BUNDLE_NOT_BUNDLE);
	free(tar);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bundle_seal_open_swap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_swap_into_missing_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_large_files_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_manifest_over_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_refuses_bad_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_wrong_key_not_age_not_bundle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_every_truncation_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_every_flip_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_origin_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_max_bytes, setup, teardown),
		cmocka_unit_test(test_bundle_manifest_check),
		cmocka_unit_test_setup_teardown(test_bundle_check_tar, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
