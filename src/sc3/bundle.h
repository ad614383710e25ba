/* bundle.h - the SC3 bundle: the SC3 directory as a pax tar whose first
 * member is a MANIFEST (path, mode, size, SHA-256 of every entry), the whole
 * encrypted in the age v1 format with the scrypt recipient and the device
 * master key as passphrase (age.h).
 *
 * Tar layout: "MANIFEST", then "sc3/<path>" for every directory and regular
 * file below the SC3 directory, sorted by path.  Manifest text (version 2;
 * version 1, from certwiz before the origin lines, has no "o" lines):
 *
 *   certwiz-sc3-bundle 2
 *   o serial 007951000123456     the unit that sealed it: [device] serial,
 *   o hostname pano-a            host name, each management address
 *   o address 192.0.2.10         (cw_sc3_origin_self) and certwiz version;
 *   o version 0.1                inside the encryption, so authenticated
 *   d 0700 0 - .                 the SC3 directory itself
 *   f 0600 1234 <sha256 hex> ca/ca.pem
 *   d 0755 0 - ca
 *
 * Everything inside is input even after it decrypts: only regular files and
 * directories, no sparse member, each member's size as the manifest says
 * (checked against the tar header before a byte is written, and the bytes
 * written are counted), each file and the whole restore at most max_bytes
 * ([sc3] max_restore_bytes), and the file system's free space checked
 * (statvfs) before the staging directory is made.
 *
 * Opening never touches the SC3 directory: it extracts into a staging
 * directory beside it, checks every file against the manifest and syncs it
 * (one syncfs);
 * cw_bundle_swap() then puts it in place atomically, keeping the previous
 * directory as SC3_DIR.prev.
 *
 * Crash window of the swap: renameat2(RENAME_EXCHANGE) swaps the staging
 * and SC3 directories in one step, so SC3_DIR always names a complete
 * directory, old or new.  A crash after the exchange leaves the old one
 * under the staging name; calling cw_bundle_swap() again with the same
 * arguments finishes (it recognises the new directory by its manifest
 * digest), so a resumed restore records the staging path and the manifest
 * digest before it swaps.  Where the file system cannot exchange, two
 * renames are used and the window in which SC3_DIR is missing is closed the
 * same way (the staging directory is complete before the first rename). */
#ifndef CW_BUNDLE_H
#define CW_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/secret.h"
#include "sc3/age.h"

#define CW_BUNDLE_NAME "sc3migration"
#define CW_BUNDLE_MANIFEST "MANIFEST"
/* Default cap on each file and on the whole restore ([sc3] max_restore_bytes). */
#define CW_BUNDLE_MAX_RESTORE_DEFAULT (UINT64_C(1) << 30)
#define CW_BUNDLE_ORIGIN_ADDRS 16
#define CW_BUNDLE_ADDR_MAX 48		/* an IPv6 address as text, NUL */

/* The unit a bundle comes from (manifest "o" lines): a plain value. */
struct cw_bundle_origin {
	int present;			/* 0: an old bundle without origin */
	char serial[65];
	char hostname[256];
	char version[64];
	size_t naddrs;
	char addrs[CW_BUNDLE_ORIGIN_ADDRS][CW_BUNDLE_ADDR_MAX];	/* canonical */
};

/* Why opening a bundle failed, finer than the error code. */
enum cw_bundle_fail {
	CW_BUNDLE_OK = 0,
	CW_BUNDLE_IO,		/* local file system */
	CW_BUNDLE_WRONG_KEY,	/* the master key does not open it */
	CW_BUNDLE_TRUNCATED,	/* the file ends early */
	CW_BUNDLE_ALTERED,	/* some bytes were changed */
	CW_BUNDLE_NOT_AGE,	/* not an age encrypted file at all */
	CW_BUNDLE_NOT_BUNDLE,	/* opens, but is not a certwiz SC3 bundle */
	CW_BUNDLE_WORK_FACTOR,	/* its scrypt work factor is too high */
	CW_BUNDLE_TOO_BIG,	/* over max_bytes, or more than the free space */
	CW_BUNDLE__MAX
};

struct cw_bundle_info {
	size_t files;			/* regular files */
	size_t dirs;			/* directories below the root */
	uint64_t bytes;			/* their content */
	char manifest_sha256[65];	/* hex: equal manifests, equal trees */
	char bundle_sha256[65];		/* hex, of the bundle file: filled by
					 * open (the proof reads it in order);
					 * empty after seal */
	struct cw_bundle_origin origin;	/* open: where it comes from */
};

/* Seals sc3_dir into bundle (written atomically, mode 0600) with scrypt
 * work factor log2n (CW_AGE_LOG2N_DEFAULT in production; below 18 only in a
 * CW_TEST_HOOKS build, see cw_age_log2n_min()).  origin goes into the
 * manifest (NULL: a version 1 manifest without it, as old certwiz wrote).
 * Refuses an empty or unreadable directory, symlinks, devices and other
 * special files (CW_E_USAGE / CW_E_IO, nothing written).  info may be NULL. */
int cw_bundle_seal(const char *sc3_dir, const char *bundle,
    const struct cw_secret *key, int log2n, const struct cw_bundle_origin *origin,
    struct cw_bundle_info *info, struct cw_error *err);

/* Opens bundle with key and checks it against its manifest.  With
 * staging != NULL the files are extracted into a new directory beside
 * sc3_dir (mode 0700 while filled, then the manifest's modes), fsynced, and
 * its path returned in *staging (caller frees; cw_bundle_discard() or
 * cw_bundle_swap() it).  With staging == NULL nothing is written (sc3_dir
 * may be NULL): a proof that the bundle opens.  max_bytes caps each file
 * and the total (0 = CW_BUNDLE_MAX_RESTORE_DEFAULT).  On failure nothing is
 * left on disk and *fail (may be NULL) says why. */
int cw_bundle_open(const char *bundle, const char *sc3_dir,
    const struct cw_secret *key, uint64_t max_bytes, char **staging,
    struct cw_bundle_info *info, enum cw_bundle_fail *fail, struct cw_error *err);

/* cw_bundle_open() on a stream: in reads the bundle's bytes (a download
 * as it arrives), bundle names it in messages.  Reads in to its end. */
int cw_bundle_open_stream(cw_age_read_fn in, void *in_ctx, const char *bundle,
    const char *sc3_dir, const struct cw_secret *key, uint64_t max_bytes,
    char **staging, struct cw_bundle_info *info, enum cw_bundle_fail *fail,
    struct cw_error *err);

/* A cw_age_read_fn reading the descriptor *(int *)ctx (EINTR retried). */
ssize_t cw_bundle_fd_read(void *ctx, void *buf, size_t len, struct cw_error *err);

/* SHA-256 (hex) and size of the regular file path, read once; nofollow:
 * refuse a symbolic link (O_NOFOLLOW).  Returns 0 or -1. */
int cw_bundle_hash_file(const char *path, int nofollow, uint64_t *size,
    char sha[65], struct cw_error *err);

/* Parses a decrypted manifest (text, len: any bytes) as cw_bundle_open()
 * does, filling *origin (may be NULL).  Returns 0 when it is well formed,
 * -1 otherwise.  A plain-buffer entry point (the fuzz harness calls it). */
int cw_bundle_manifest_check(const char *text, size_t len,
    struct cw_bundle_origin *origin);

/* Checks a decrypted bundle (the tar, len bytes) against its manifest as
 * cw_bundle_open() does, writing nothing: the same walk without the age
 * layer (member types, sparse, sizes against the header and the manifest,
 * bytes counted, SHA-256, the default cap), the fuzz harness's entry.
 * Returns 0 or -1 (*fail may be NULL). */
int cw_bundle_check_tar(const void *tar, size_t len, struct cw_bundle_info *info,
    enum cw_bundle_fail *fail, struct cw_error *err);

/* Puts staging in place of sc3_dir, keeping the old directory as
 * sc3_dir.prev (an older .prev is removed).  manifest_sha256 is the opened
 * bundle's digest: it lets a repeated call after a crash tell which
 * directory is which.  Returns 0 or -1. */
int cw_bundle_swap(const char *staging, const char *sc3_dir,
    const char *manifest_sha256, struct cw_error *err);

/* Removes a staging directory (rm -rf).  Returns 0 or -1. */
int cw_bundle_discard(const char *staging, struct cw_error *err);

/* What the seal refuses, checked without reading a file: the directory
 * exists, holds files, no link or special file, no bad name, each file
 * opens for reading.  Returns 0 or -1 (the seal's errors). */
int cw_bundle_dir_check(const char *dir, struct cw_error *err);

/* The manifest digest of a directory as it is now (hex, 65 bytes). */
int cw_bundle_dir_digest(const char *dir, char digest[65], struct cw_error *err);

/* A stable name for a failure kind ("wrong-key", "truncated"...). */
const char *cw_bundle_fail_name(enum cw_bundle_fail fail);

#endif
