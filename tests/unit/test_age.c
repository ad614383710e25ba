/* test_age.c - the age v1 module: the C2SP CCTV test vectors, round trips
 * across chunk boundaries, and refusals of damaged files. */
#include "config.h"

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <zlib.h>

#include "sc3/age.h"
#include "core/secret.h"

/* ---- in-memory I/O */

struct mem {
	uint8_t *p;
	size_t len, cap, pos;
	size_t max_read;	/* 0 = any: small values exercise buffering */
};

static ssize_t
mem_read(void *ctx, void *buf, size_t len, struct cw_error *err)
{
	struct mem *m = ctx;
	size_t k = m->len - m->pos;

	(void)err;
	if (k > len)
		k = len;
	if (m->max_read && k > m->max_read)
		k = m->max_read;
	if (k > 0)
		memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	return (ssize_t)k;
}

static int
mem_write(void *ctx, const void *buf, size_t len, struct cw_error *err)
{
	struct mem *m = ctx;

	(void)err;
	if (m->len + len > m->cap) {
		m->cap = (m->len + len) * 2;
		m->p = realloc(m->p, m->cap);
		assert_non_null(m->p);
	}
	memcpy(m->p + m->len, buf, len);
	m->len += len;
	return 0;
}

static struct cw_secret *
secret(const char *s)
{
	struct cw_secret *sec = cw_secret_new(strlen(s) + 1);
	struct cw_error err;

	assert_non_null(sec);
	assert_int_equal(cw_secret_append(sec, s, strlen(s), &err), 0);
	return sec;
}

/* Decrypts m with pass (or file key when key != NULL) into out; returns the
 * failure kind. */
static enum cw_age_fail
decrypt(struct mem *m, const struct cw_secret *pass, const uint8_t *key,
    unsigned flags, struct mem *out)
{
	struct cw_age_dec *dec;
	struct cw_error err;
	uint8_t buf[7000];
	enum cw_age_fail fail = CW_AGE_OK;
	size_t got;
	int rc;

	m->pos = 0;
	dec = cw_age_dec_new(mem_read, m, flags);
	assert_non_null(dec);
	rc = key ? cw_age_dec_open_file_key(dec, key, CW_AGE_FILE_KEY_LEN, &err)
		 : cw_age_dec_open_passphrase(dec, pass, CW_AGE_LOG2N_MAX, &err);
	while (rc == 0) {
		if ((rc = cw_age_dec_read(dec, buf, sizeof(buf), &got, &err)) == 0 && got == 0)
			break;
		if (rc == 0 && out != NULL)
			mem_write(out, buf, got, &err);
	}
	if (rc == -1) {
		fail = cw_age_dec_fail(dec);
		assert_int_not_equal(fail, CW_AGE_OK);
		assert_int_not_equal(err.code, CW_E_OK);
	}
	cw_age_dec_free(dec);
	return fail;
}

/* ---- the CCTV vectors */

struct vector {
	char expect[32];
	char payload[65];
	char passphrase[128];
	uint8_t file_key[16];
	int has_file_key, has_pass, armored, compressed;
	struct mem body;
};

static int
hexbytes(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (sscanf(hex + 2 * i, "%2hhx", &out[i]) != 1)
			return -1;
	return 0;
}

static void
load_vector(const char *path, struct vector *v)
{
	FILE *f = fopen(path, "rb");
	char line[512];
	uint8_t buf[65536];
	size_t n;
	struct mem raw = { 0 };
	struct cw_error err;

	memset(v, 0, sizeof(*v));
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL && strcmp(line, "\n") != 0) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "expect: ", 8) == 0)
			snprintf(v->expect, sizeof(v->expect), "%.31s", line + 8);
		else if (strncmp(line, "payload: ", 9) == 0)
			snprintf(v->payload, sizeof(v->payload), "%.64s", line + 9);
		else if (strncmp(line, "passphrase: ", 12) == 0) {
			snprintf(v->passphrase, sizeof(v->passphrase), "%.127s", line + 12);
			v->has_pass = 1;
		} else if (strncmp(line, "file key: ", 10) == 0)
			v->has_file_key = hexbytes(line + 10, v->file_key, 16) == 0;
		else if (strcmp(line, "armored: yes") == 0)
			v->armored = 1;
		else if (strcmp(line, "compressed: zlib") == 0)
			v->compressed = 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		mem_write(&raw, buf, n, &err);
	fclose(f);
	if (!v->compressed) {
		v->body = raw;
		return;
	}
	/* zlib-compressed body (the large STREAM vectors). */
	{
		z_stream z;
		int zr;

		memset(&z, 0, sizeof(z));
		assert_int_equal(inflateInit(&z), Z_OK);
		z.next_in = raw.p;
		z.avail_in = (uInt)raw.len;
		do {
			z.next_out = buf;
			z.avail_out = sizeof(buf);
			zr = inflate(&z, Z_NO_FLUSH);
			assert_true(zr == Z_OK || zr == Z_STREAM_END);
			mem_write(&v->body, buf, sizeof(buf) - z.avail_out, &err);
		} while (zr != Z_STREAM_END);
		inflateEnd(&z);
		free(raw.p);
	}
}

static int
class_ok(const char *expect, enum cw_age_fail got)
{
	if (strcmp(expect, "success") == 0)
		return got == CW_AGE_OK;
	if (strcmp(expect, "no match") == 0)
		return got == CW_AGE_NO_MATCH;
	if (strcmp(expect, "HMAC failure") == 0)
		return got == CW_AGE_HMAC;
	if (strcmp(expect, "armor failure") == 0)
		return got == CW_AGE_ARMOR;
	/* A file that ends early fails in the header or in the payload,
	 * whichever it was cut in. */
	if (strcmp(expect, "header failure") == 0)
		return got == CW_AGE_HEADER || got == CW_AGE_WORK_FACTOR || got == CW_AGE_TRUNCATED ||
		    got == CW_AGE_NOT_AGE;
	if (strcmp(expect, "payload failure") == 0)
		return got == CW_AGE_PAYLOAD || got == CW_AGE_TRUNCATED;
	return 0;
}

/* Identity vectors whose outcome rests on X25519 or ML-KEM arithmetic
 * (certwiz has only the scrypt recipient): with the file key alone they
 * would parse fine. */
static const char *const needs_identity[] = {
	"x25519_identity", "x25519_low_order", "hybrid_identity",
	"hybrid_low_order",
};

static void
test_age_cctv_vectors(void **state)
{
	const char *shared = getenv("CW_SHARED_DIR");
	char dir[4096], path[8192], hex[65];
	struct dirent **names = NULL;
	int n, run_pass = 0, run_key = 0, skipped = 0, failed = 0;

	(void)state;
	if (shared == NULL || *shared == '\0')
		shared = "../shared";
	snprintf(dir, sizeof(dir), "%s/testvectors/age", shared);
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		print_message("cannot read %s\n", dir);
		fail();
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct vector v;
		struct mem out = { 0 };
		struct cw_secret *pass = NULL;
		enum cw_age_fail got;
		int skip = 0;

		if (name[0] == '.' || strcmp(name, "LICENSE") == 0 ||
		    strcmp(name, "ORIGIN.txt") == 0) {
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		load_vector(path, &v);
		if (!v.has_pass) {
			if (strcmp(v.expect, "no match") == 0 || !v.has_file_key)
				skip = 1;
			for (size_t k = 0; k < sizeof(needs_identity) / sizeof(needs_identity[0]); k++)
				if (strcmp(name, needs_identity[k]) == 0)
					skip = 1;
		}
		if (skip) {
			skipped++;
			goto next;
		}
		if (v.has_pass) {
			pass = secret(v.passphrase);
			run_pass++;
		} else
			run_key++;
		got = decrypt(&v.body, pass, v.has_pass ? NULL : v.file_key,
		    v.armored ? CW_AGE_ARMOR_REQUIRE : CW_AGE_ARMOR_AUTO, &out);
		if (!class_ok(v.expect, got)) {
			print_message("vector %s: expected %s, got %s\n", name,
			    v.expect, cw_age_fail_name(got));
			failed++;
		} else if (got == CW_AGE_OK) {
			uint8_t md[32];
			unsigned int mdlen;

			EVP_Digest(out.p ? out.p : (uint8_t *)"", out.len, md, &mdlen,
			    EVP_sha256(), NULL);
			for (int k = 0; k < 32; k++)
				snprintf(hex + 2 * k, 3, "%02x", md[k]);
			if (strcmp(hex, v.payload) != 0) {
				print_message("vector %s: payload SHA-256 %s, want %s\n",
				    name, hex, v.payload);
				failed++;
			}
		}
next:
		cw_secret_free(pass);
		free(out.p);
		free(v.body.p);
		free(names[i]);
	}
	free(names);
	print_message("age vectors: %d with passphrase, %d with file key, %d skipped "
	    "(need an X25519/ML-KEM identity), %d failed\n",
	    run_pass, run_key, skipped, failed);
	assert_int_equal(failed, 0);
	assert_true(run_pass >= 26 && run_key >= 100);
}

/* ---- round trips */

static void
seal(struct mem *out, const struct cw_secret *pass, const uint8_t *pt,
    size_t len, size_t step)
{
	struct cw_age_enc *enc = NULL;
	struct cw_error err;

	/* 4 where the build allows it (--enable-test-hooks), else 18. */
	assert_int_equal(cw_age_enc_new(pass, cw_age_log2n_min() > 4 ? cw_age_log2n_min() : 4,
	    mem_write, out, &enc, &err), 0);
	for (size_t off = 0; off < len; off += step)
		assert_int_equal(cw_age_enc_write(enc, pt + off,
		    len - off < step ? len - off : step, &err), 0);
	assert_int_equal(cw_age_enc_finish(enc, &err), 0);
	assert_int_equal(cw_age_enc_finish(enc, &err), -1);
	cw_age_enc_free(enc);
}

static void
test_age_roundtrip_sizes(void **state)
{
	static const size_t sizes[] = { 0, 1, 100, CW_AGE_CHUNK - 1, CW_AGE_CHUNK,
		CW_AGE_CHUNK + 1, 2 * CW_AGE_CHUNK, 3 * CW_AGE_CHUNK + 17 };
	struct cw_secret *pass = secret("correct horse");
	uint8_t *pt = malloc(3 * CW_AGE_CHUNK + 17);

	(void)state;
	assert_non_null(pt);
	RAND_bytes(pt, 3 * CW_AGE_CHUNK + 17);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct mem ct = { 0 }, out = { 0 };
		size_t nchunks = sizes[i] ? (sizes[i] + CW_AGE_CHUNK - 1) / CW_AGE_CHUNK : 1;

		seal(&ct, pass, pt, sizes[i], i % 2 ? 4093 : CW_AGE_CHUNK);
		/* Chunk layout: no empty trailing chunk. */
		ct.max_read = i % 3 == 0 ? 0 : 777;
		assert_int_equal(decrypt(&ct, pass, NULL, CW_AGE_ARMOR_AUTO, &out), CW_AGE_OK);
		assert_int_equal(out.len, sizes[i]);
		assert_true(sizes[i] == 0 || memcmp(out.p, pt, sizes[i]) == 0);
		assert_true(ct.len > nchunks * 16 + 16);
		free(ct.p);
		free(out.p);
	}
	free(pt);
	cw_secret_free(pass);
}

static int
mem_pwrite(void *ctx, uint64_t off, const void *buf, size_t len, struct cw_error *err)
{
	struct mem *m = ctx;

	(void)err;
	assert_true(off + len <= m->len);
	memcpy(m->p + off, buf, len);
	return 0;
}

/* cw_age_enc_hold/patch (the bundle's manifest, issue 17): a placeholder
 * written first and replaced at the end gives the file that the real bytes
 * give, wherever it lies (first chunk, across chunks, in the last one still
 * buffered, the whole file); a wrong "old" or bytes already sealed refuse. */
static void
test_age_hold_and_patch(void **state)
{
	static const struct { size_t len, off, plen; } cases[] = {
		{ 100, 10, 20 }, { 5000, 512, 3000 }, { CW_AGE_CHUNK, 512, CW_AGE_CHUNK - 512 },
		{ 3 * CW_AGE_CHUNK + 17, 512, CW_AGE_CHUNK + 700 },
		{ 3 * CW_AGE_CHUNK + 17, CW_AGE_CHUNK - 5, 10 },
		{ 2 * CW_AGE_CHUNK, 512, 2 * CW_AGE_CHUNK - 512 },
	};
	struct cw_secret *pass = secret("correct horse");
	uint8_t *pt = malloc(3 * CW_AGE_CHUNK + 17), *ph = malloc(3 * CW_AGE_CHUNK + 17);
	struct cw_error err;

	(void)state;
	RAND_bytes(pt, 3 * CW_AGE_CHUNK + 17);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mem ct = { 0 }, out = { 0 };
		struct cw_age_enc *enc = NULL;
		size_t len = cases[i].len, off = cases[i].off, plen = cases[i].plen;

		memcpy(ph, pt, len);
		memset(ph + off, '0', plen);	/* the placeholder */
		assert_int_equal(cw_age_enc_new(pass, cw_age_log2n_min() > 4 ? cw_age_log2n_min() : 4,
		    mem_write, &ct, &enc, &err), 0);
		assert_int_equal(cw_age_enc_write(enc, ph, off, &err), 0);
		assert_int_equal(cw_age_enc_hold(enc, off + plen, mem_pwrite, &err), 0);
		for (size_t o = off; o < len; o += 4093)
			assert_int_equal(cw_age_enc_write(enc, ph + o, len - o < 4093 ? len - o : 4093, &err), 0);
		/* Not the bytes there: refused, nothing changed. */
		assert_int_equal(cw_age_enc_patch(enc, off, pt + off, pt + off, plen, &err), -1);
		assert_int_equal(cw_age_enc_patch(enc, off, ph + off, pt + off, plen, &err), 0);
		{	/* the first chunk beyond the hold, if sealed already */
			size_t c0 = (off + plen + CW_AGE_CHUNK - 1) / CW_AGE_CHUNK * CW_AGE_CHUNK;

			if (c0 + CW_AGE_CHUNK < len)
				assert_int_equal(cw_age_enc_patch(enc, c0, pt + c0, pt, 1, &err), -1);
		}
		assert_int_equal(cw_age_enc_finish(enc, &err), 0);
		cw_age_enc_free(enc);
		assert_int_equal(decrypt(&ct, pass, NULL, CW_AGE_ARMOR_AUTO, &out), CW_AGE_OK);
		assert_int_equal(out.len, len);
		assert_memory_equal(out.p, pt, len);
		free(ct.p);
		free(out.p);
	}
	free(pt);
	free(ph);
	cw_secret_free(pass);
}

/* Opening the file just sealed with the same passphrase reuses the seal's
 * scrypt derivation; another passphrase or another file derives anew, and
 * a wrong passphrase still fails. */
static void
test_age_one_scrypt_for_seal_and_open(void **state)
{
	struct cw_secret *pass = secret("correct horse"), *same = secret("correct horse");
	struct cw_secret *wrong = secret("correct hors");
	struct mem ct = { 0 }, ct2 = { 0 }, out = { 0 };
	unsigned long runs = cw_age_scrypt_runs;

	(void)state;
	seal(&ct, pass, (const uint8_t *)"abc", 3, 3);
	assert_int_equal(cw_age_scrypt_runs, runs + 1);
	assert_int_equal(decrypt(&ct, same, NULL, CW_AGE_ARMOR_AUTO, &out), CW_AGE_OK);
	assert_int_equal(cw_age_scrypt_runs, runs + 1);
	assert_true(out.len == 3 && memcmp(out.p, "abc", 3) == 0);
	free(out.p);
	memset(&out, 0, sizeof(out));
	assert_int_equal(decrypt(&ct, wrong, NULL, CW_AGE_ARMOR_AUTO, NULL), CW_AGE_NO_MATCH);
	assert_int_equal(cw_age_scrypt_runs, runs + 2);
	seal(&ct2, pass, (const uint8_t *)"abc", 3, 3);	/* a new salt */
	assert_int_equal(cw_age_scrypt_runs, runs + 3);
	cw_age_forget();
	assert_int_equal(decrypt(&ct2, pass, NULL, CW_AGE_ARMOR_AUTO, &out), CW_AGE_OK);
	assert_int_equal(cw_age_scrypt_runs, runs + 4);
	free(ct.p);
	free(ct2.p);
	free(out.p);
	cw_secret_free(pass);
	cw_secret_free(same);
	cw_secret_free(wrong);
}

static void
test_age_wrong_passphrase_is_no_match(void **state)
{
	struct cw_secret *pass = secret("right"), *wrong = secret("wrong");
	struct mem ct = { 0 };

	(void)state;
	seal(&ct, pass, (const uint8_t *)"hello", 5, 5);
	assert_int_equal(decrypt(&ct, wrong, NULL, CW_AGE_ARMOR_AUTO, NULL), CW_AGE_NO_MATCH);
	assert_int_equal(decrypt(&ct, pass, NULL, CW_AGE_ARMOR_AUTO, NULL), CW_AGE_OK);
	free(ct.p);
	cw_secret_free(pass);
	cw_secret_free(wrong);
}

static void
test_age_truncations_and_flips_refused(void **state)
{
	struct cw_secret *pass = secret("k");
	uint8_t pt[CW_AGE_CHUNK + 50];
	struct mem ct = { 0 };
	size_t full;

	(void)state;
#ifndef CW_TEST_HOOKS
	skip();		/* about 1500 opens at scrypt 2^18 */
#endif
	memset(pt, 'x', sizeof(pt));
	seal(&ct, pass, pt, sizeof(pt), sizeof(pt));
	full = ct.len;
	/* Every cut: refused (sampled inside the big chunk). */
	for (size_t cut = 0; cut < full; cut += cut < 300 || cut > full - 300 ? 1 : 997) {
		enum cw_age_fail f;

		ct.len = cut;
		f = decrypt(&ct, pass, NULL, CW_AGE_ARMOR_AUTO, NULL);
		assert_int_not_equal(f, CW_AGE_OK);
		if (cut == full - (50 + 16))	/* at the chunk boundary */
			assert_int_equal(f, CW_AGE_TRUNCATED);
	}
	ct.len = full;
	/* A flip anywhere in the header or the nonce or the first chunk's
	 * start and tag: refused. */
	for (size_t off = 0; off < full; off += off < 400 || off > full - 100 ? 1 : 1499) {
		ct.p[off] ^= 0x01;
		assert_int_not_equal(decrypt(&ct, pass, NULL, CW_AGE_ARMOR_AUTO, NULL), CW_AGE_OK);
		ct.p[off] ^= 0x01;
	}
	assert_int_equal(decrypt(&ct, pass, NULL, CW_AGE_ARMOR_AUTO, NULL), CW_AGE_OK);
	/* Trailing data after the final chunk. */
	mem_write(&ct, "z", 1, NULL);
	assert_int_equal(decrypt(&ct, pass, NULL, CW_AGE_ARMOR_AUTO, NULL), CW_AGE_PAYLOAD);
	free(ct.p);
	cw_secret_free(pass);
}

static void
test_age_not_age_and_work_factor_cap(void **state)
{
	struct cw_secret *pass = secret("k");
	struct mem m = { 0 };
	struct cw_age_enc *enc = NULL;
	struct cw_error err;

	(void)state;
	mem_write(&m, "PK\003\004 this is a zip", sizeof("PK\003\004 this is a zip") - 1, NULL);
	assert_int_equal(decrypt(&m, pass, NULL, CW_AGE_ARMOR_AUTO, NULL), CW_AGE_NOT_AGE);
	m.len = 0;
	mem_write(&m, "hello\n", 6, NULL);
	assert_int_equal(decrypt(&m, pass, NULL, CW_AGE_ARMOR_AUTO, NULL), CW_AGE_NOT_AGE);
	m.len = 0;
	mem_write(&m, "\n\n   not armor\n", 15, NULL);
	assert_int_equal(decrypt(&m, pass, NULL, CW_AGE_ARMOR_AUTO, NULL), CW_AGE_NOT_AGE);
	free(m.p);
	assert_int_equal(cw_age_enc_new(pass, CW_AGE_LOG2N_MAX + 1, mem_write, &m, &enc, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	assert_int_equal(cw_age_enc_new(pass, 0, mem_write, &m, &enc, &err), -1);
	assert_int_equal(cw_age_enc_new(pass, cw_age_log2n_min() - 1, mem_write, &m, &enc, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
#ifndef CW_TEST_HOOKS
	/* A release build never seals below 18 (age -p's factor). */
	assert_int_equal(cw_age_log2n_min(), 18);
	assert_int_equal(cw_age_enc_new(pass, 17, mem_write, &m, &enc, &err), -1);
#endif
	cw_secret_free(pass);
}

/* The header's work factor is not authenticated: 21 and 22 are refused
 * before scrypt runs (at 2^22 it would take 4 GiB), the kind says why and
 * the message names the factor; 20 is accepted as far as the key. */
static void
test_age_work_factor_refused_before_deriving(void **state)
{
	static const char *const wf[] = { "21", "22", "31", "99" };
	struct cw_secret *pass = secret("k");
	struct mem m = { 0 };
	struct cw_age_dec *dec;
	struct cw_error err;
	char hdr[512];
	int n;

	(void)state;
	for (size_t i = 0; i < sizeof(wf) / sizeof(wf[0]); i++) {
		n = snprintf(hdr, sizeof(hdr), "age-encryption.org/v1\n"
		    "-> scrypt rF0/NwblUHHTpgQgRpe5CQ %s\n"
		    "gUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY\n"
		    "--- 2Fs+jLtUUQ5ZAKLVlr1hhtnc5zSF7R1e7x1KA1nSJOw\n", wf[i]);
		m.len = 0;
		mem_write(&m, hdr, (size_t)n, NULL);
		m.pos = 0;
		assert_non_null(dec = cw_age_dec_new(mem_read, &m, CW_AGE_ARMOR_AUTO));
		assert_int_equal(cw_age_dec_open_passphrase(dec, pass, CW_AGE_LOG2N_MAX, &err), -1);
		assert_int_equal(cw_age_dec_fail(dec), CW_AGE_WORK_FACTOR);
		assert_non_null(strstr(err.msg, wf[i]));
		cw_age_dec_free(dec);
	}
	/* A caller's lower cap is honoured the same way. */
	m.len = 0;
	n = snprintf(hdr, sizeof(hdr), "age-encryption.org/v1\n"
	    "-> scrypt rF0/NwblUHHTpgQgRpe5CQ 12\n"
	    "gUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY\n"
	    "--- 2Fs+jLtUUQ5ZAKLVlr1hhtnc5zSF7R1e7x1KA1nSJOw\n");
	mem_write(&m, hdr, (size_t)n, NULL);
	m.pos = 0;
	assert_non_null(dec = cw_age_dec_new(mem_read, &m, CW_AGE_ARMOR_AUTO));
	assert_int_equal(cw_age_dec_open_passphrase(dec, pass, 11, &err), -1);
	assert_int_equal(cw_age_dec_fail(dec), CW_AGE_WORK_FACTOR);
	cw_age_dec_free(dec);
	free(m.p);
	cw_secret_free(pass);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_age_cctv_vectors),
		cmocka_unit_test(test_age_roundtrip_sizes),
		cmocka_unit_test(test_age_hold_and_patch),
		cmocka_unit_test(test_age_wrong_passphrase_is_no_match),
		cmocka_unit_test(test_age_one_scrypt_for_seal_and_open),
		cmocka_unit_test(test_age_truncations_and_flips_refused),
		cmocka_unit_test(test_age_not_age_and_work_factor_cap),
		cmocka_unit_test(test_age_work_factor_refused_before_deriving),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
