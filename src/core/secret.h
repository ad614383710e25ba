/* secret.h - a buffer for secrets (OTP, master key, passwords, private key
 * passphrases).  Locked in memory where possible, wiped with
 * OPENSSL_cleanse when freed.  There is deliberately no way to turn a
 * struct cw_secret into a journal record or a log line: the journal and log
 * APIs take plain strings only, and the secret's bytes are reachable only
 * through cw_secret_data(). */
#ifndef CW_SECRET_H
#define CW_SECRET_H

#include <stddef.h>

#include "core/error.h"

struct cw_secret;

/* A new, empty secret able to hold cap bytes (plus a NUL).  Caller frees
 * with cw_secret_free().  Returns NULL when out of memory. */
struct cw_secret *cw_secret_new(size_t cap);

/* Wipes and frees s.  NULL is a no-op. */
void cw_secret_free(struct cw_secret *s);

/* Appends len bytes; returns -1 (CW_E_USAGE) when it would exceed the cap. */
int cw_secret_append(struct cw_secret *s, const void *data, size_t len,
    struct cw_error *err);

/* Reads a secret from path ("-" = stdin), at most cap bytes.  Trailing
 * CR/LF and surrounding blanks are trimmed.  The file must not be readable
 * by group or others unless allow_shared is set.  Returns a new secret
 * through *out, or -1. */
int cw_secret_read_file(const char *path, size_t cap, int allow_shared,
    struct cw_secret **out, struct cw_error *err);

/* Removes leading and trailing white space in place. */
void cw_secret_trim(struct cw_secret *s);

/* Wipes the content, keeps the buffer. */
void cw_secret_clear(struct cw_secret *s);

/* The bytes (always NUL-terminated) and their count.  The pointer stays
 * valid until the next append, clear or free. */
const char *cw_secret_data(const struct cw_secret *s);
size_t cw_secret_len(const struct cw_secret *s);

/* Constant-time equality of two secrets. */
int cw_secret_equal(const struct cw_secret *a, const struct cw_secret *b);

/* Process hardening at start: no core dumps (RLIMIT_CORE 0,
 * PR_SET_DUMPABLE 0).  Never fails hard. */
void cw_secret_harden_process(void);

#endif
