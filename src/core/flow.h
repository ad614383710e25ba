/* flow.h - resumable multi-step jobs.  A flow is a static table of steps;
 * the engine runs them in order and records every transition in the run's
 * journal (journal.h), so that a run interrupted at any point (killed, power
 * lost, SSH dropped) resumes at the first step not recorded done.
 *
 *   cw_flow_open() ──► [step 0] ──► [step 1] ──► ... ──► finished
 *        │                 │ fail        │ fail
 *        │                 ▼             ▼
 *        │              failed (resumable: the same step runs again)
 *        └─ an unfinished run with the same inputs hash is resumed
 *
 * Invariants:
 *  1. A step is recorded "begin" before its run function is called and
 *     "done" (with the facts it set) only after it returned 0.  The begin
 *     of a step without a check is written but not fsynced (it matters
 *     on resume only where a check is asked): the step's next fsynced
 *     record (intent, done, failed) makes it durable.
 *  2. On resume, a step with a check function whose check says the work
 *     already took effect is recorded done without running again.
 *  3. Facts are plain non-secret strings.  No API here accepts a
 *     struct cw_secret: secrets reach a step through the caller's user
 *     pointer only, so they cannot be journaled.
 *  4. Only the holder of the state lock (lock.h) changes a run.
 */
#ifndef CW_FLOW_H
#define CW_FLOW_H

#include <stddef.h>

#include "core/cfg.h"
#include "core/error.h"
#include "core/log.h"

struct cw_flow;		/* one run of a flow: opaque */

/* The one run-state model: the engine (flow.c), replay and listings
 * (journal.c, whose cw_run_state_next() is the one transition function) and the screens use these values, names and transitions.
 *
 *   START/BEGIN/DONE ─► RUNNING ◄─┐        FINISHED, ABANDONED: closed,
 *                          │ FAILED │ BEGIN   no record changes them
 *                          ▼        │
 *                        FAILED ────┘
 */
enum cw_run_state {
	CW_RUN_RUNNING = 0,	/* started, or stopped without a record why */
	CW_RUN_FAILED,		/* a step failed; resumable */
	CW_RUN_FINISHED,
	CW_RUN_ABANDONED,
	CW_RUN__MAX
};

/* "running" | "failed" | "finished" | "abandoned": the names in listings
 * and JSON.  Static storage. */
const char *cw_run_state_name(enum cw_run_state s);

/* 1 for FINISHED and ABANDONED. */
int cw_run_state_closed(enum cw_run_state s);


/* A step's "already done?" check: 1 = took effect, 0 = not, -1 = error. */
typedef int cw_flow_check_fn(struct cw_flow *run, struct cw_error *err);
/* A step's work: 0 or -1 with err set. */
typedef int cw_flow_step_fn(struct cw_flow *run, struct cw_error *err);

struct cw_flow_step {
	const char *name;		/* on-disk name, [a-z0-9_-]+ */
	const char *label;		/* N_(): shown to the user */
	cw_flow_step_fn *run;
	cw_flow_check_fn *check;	/* NULL: no check, the step runs again */
};

struct cw_flow_def {
	const char *name;		/* "ntp", "enroll", "renew", "sc3-backup"... */
	const char *label;		/* N_() */
	const char *log_name;		/* LOG_DIR/<log_name>.log */
	const struct cw_flow_step *steps;
	size_t nsteps;
	/* Called when a run is abandoned, after the engine removed the run's
	 * staging dir; may be NULL. */
	void (*abandon)(struct cw_flow *run);
};

/* One non-secret input or fact. */
struct cw_fact {
	const char *key;
	const char *value;
};

/* Progress report from the engine or a step: step index, step count, the
 * fraction of the current step done (0..1) and a translated label.
 * Return nonzero to ask for cancellation (honoured between steps and by
 * steps that poll cw_flow_progress()). */
typedef int cw_flow_progress_fn(void *ctx, size_t step, size_t nsteps,
    double fraction, const char *label);

/* Opens a run of def: resumes the unfinished run with the same inputs
 * (hash of the non-secret inputs) if there is one, else starts a new one.
 * An unfinished run of the same flow with other inputs is refused with
 * CW_E_STATE and a message pointing at `certwiz journal resume|abandon RUN`.
 * The caller must hold the state lock.  user is passed through to steps
 * (cw_flow_user) and may hold secrets.  Caller frees with cw_flow_free(). */
int cw_flow_open(const struct cw_cfg *cfg, const struct cw_flow_def *def,
    const struct cw_fact *inputs, size_t ninputs, void *user,
    struct cw_flow **out, struct cw_error *err);

/* cw_flow_open that also names the conflicting run: when an unfinished
 * run of def with other inputs exists, other_id (other_len bytes)
 * receives its id, and the error is CW_E_STATE as above. */
int cw_flow_open_other(const struct cw_cfg *cfg, const struct cw_flow_def *def,
    const struct cw_fact *inputs, size_t ninputs, void *user,
    char *other_id, size_t other_len, struct cw_flow **out,
    struct cw_error *err);

/* Runs from the first step not done to the end or the first failure.
 * Returns 0 when the run finished. */
int cw_flow_run(struct cw_flow *run, cw_flow_progress_fn *progress,
    void *ctx, struct cw_error *err);

/* Records the run abandoned, removes its staging dir. */
int cw_flow_abandon(struct cw_flow *run, struct cw_error *err);

void cw_flow_free(struct cw_flow *run);

/* ---- for step functions ---- */

/* The value of an input or of a fact set by an earlier (or this) step,
 * NULL if unknown.  Valid until the run is freed. */
const char *cw_flow_fact(const struct cw_flow *run, const char *key);

/* Sets a fact; it is journaled with this step's "done" record. */
int cw_flow_set_fact(struct cw_flow *run, const char *key, const char *value,
    struct cw_error *err);

/* Journals, and fsyncs, an intent before an action that must not happen
 * twice (sending the OTP, starting an upload).  A resumed step sees it with
 * cw_flow_intent_recorded() and finds out what happened instead of
 * repeating blindly. */
int cw_flow_intent(struct cw_flow *run, const char *what, struct cw_error *err);
int cw_flow_intent_recorded(const struct cw_flow *run, const char *what);

/* Reports progress within the current step; returns -1 (CW_E_CANCELLED in
 * err) when the user asked to cancel. */
int cw_flow_progress(struct cw_flow *run, double fraction, struct cw_error *err);

const struct cw_cfg *cw_flow_cfg(const struct cw_flow *run);
void *cw_flow_user(const struct cw_flow *run);
struct cw_log *cw_flow_log(const struct cw_flow *run);
/* STATE_DIR/runs/RUN: private (0700) staging dir of this run. */
const char *cw_flow_stage_dir(const struct cw_flow *run);
/* The run id, e.g. "enroll-20261123T174000Z-1a2b". */
const char *cw_flow_id(const struct cw_flow *run);
/* 1 if this run was resumed from an earlier process. */
int cw_flow_resumed(const struct cw_flow *run);

/* ---- additions for resuming and inspecting runs by id ----
 *
 * Notes for flow authors:
 *  - A flow is registered with one line in flows.c (flows.h).
 *  - The abandon hook and, on resume, the check functions may run in a
 *    process that did not start the run (`certwiz journal abandon RUN`):
 *    there cw_flow_user() is NULL for the hook, and whatever the resume
 *    function set for the checks.  Make both idempotent: a crash while
 *    closing a run out makes the next open run them again.
 *  - Facts and intents are replayed from the journal; anything else a
 *    resumed step needs must be a fact or derivable from the disk.
 */

/* Opens the run run_id (STATE_DIR/journal/RUN.journal) to resume or
 * abandon it.  def must be the run's flow (CW_E_STATE otherwise); it may
 * be NULL when the flow is unknown to this certwiz, and then the run can
 * only be abandoned.  The caller must hold the state lock. */
int cw_flow_open_id(const struct cw_cfg *cfg, const struct cw_flow_def *def,
    const char *run_id, void *user, struct cw_flow **out,
    struct cw_error *err);

/* Abandons the run run_id in one call (the TUI's and CLI's "Abandon"):
 * opens it, records it abandoned, removes its staging dir, calls the
 * flow's abandon hook and rotates the journal.  A journal too damaged to
 * replay is moved aside as journal/done/RUN.damaged and its staging dir
 * removed.  def as for cw_flow_open_id (NULL: unknown flow, no hook).
 * The caller must hold the state lock. */
int cw_flow_abandon_id(const struct cw_cfg *cfg,
    const struct cw_flow_def *def, const char *run_id, void *user,
    struct cw_error *err);

/* Replaces the user pointer (a resume hook builds it after opening). */
void cw_flow_set_user(struct cw_flow *run, void *user);

/* The run's state (names: cw_run_state_name). */
enum cw_run_state cw_flow_state(const struct cw_flow *run);

/* Index of the first step not done (nsteps when all are). */
size_t cw_flow_next_step(const struct cw_flow *run);

/* The flow's name as recorded in the journal. */
const char *cw_flow_name(const struct cw_flow *run);


#endif
