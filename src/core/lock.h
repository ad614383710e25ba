/* lock.h - "one certwiz changes state at a time": an exclusive flock on
 * STATE_DIR/certwiz.lock that holds the owner's PID. */
#ifndef CW_LOCK_H
#define CW_LOCK_H

#include "core/error.h"

struct cw_lock;

/* Takes the lock without waiting.  When another process holds it, fails
 * with CW_E_LOCKED and a message naming that process's PID.  The caller
 * owns *out and releases it with cw_lock_release(). */
int cw_lock_acquire(const char *state_dir, struct cw_lock **out,
    struct cw_error *err);

/* Releases and frees the lock.  NULL is a no-op. */
void cw_lock_release(struct cw_lock *lock);

#endif
