/* journal.h - the on-disk record of flow runs (flow.h is its one writer).
 *
 * One file per run, STATE_DIR/journal/RUN.journal, append-only text, one
 * record per line:
 *
 *   SEQ TIME TYPE KEY=VALUE... crc=XXXXXXXX
 *   3 2026-11-23T17:40:05Z done step=make-key f.key=/var/lib/k how=run crc=1a2b3c4d
 *
 * SEQ counts from 1 without gaps; TIME is UTC; the CRC32C (hex) covers the
 * line up to the space before "crc=".  Values are percent-encoded where
 * they hold '%', bytes <= 0x20 or 0x7f, so a record is always one line.
 * Finished and abandoned runs move to STATE_DIR/journal/done/, which keeps
 * the CW_JOURNAL_DONE_KEEP most recent.
 *
 * Invariants:
 *  1. A record is appended with one write() and fsynced before the call
 *     returns (cw_journal_append_lazy: fsynced with the next record); the file is created with its first record atomically
 *     (cw_file_install) and the directory fsynced on create and rename.
 *  2. Replay accepts a bad *last* line (torn by a crash or power loss) and
 *     ignores it; the next append truncates the file to the last good
 *     record first.  A bad line anywhere else fails with CW_E_JOURNAL
 *     naming the file and line: replay never guesses.
 *  3. Fields are plain strings (struct cw_fact): there is no way to pass a
 *     struct cw_secret into a record.
 *
 * Who owns what: every pointer returned through an out-parameter belongs to
 * the caller (free() or the matching _close/_free); record pointers passed
 * to a replay callback are valid during the callback only. */
#ifndef CW_JOURNAL_H
#define CW_JOURNAL_H

#include <stddef.h>
#include <time.h>

#include "core/cfg.h"
#include "core/error.h"
#include "core/flow.h"

#define CW_JOURNAL_DONE_KEEP 20		/* finished runs kept in done/ */
#define CW_JOURNAL_LINE_MAX 16384	/* longest record written or read */
#define CW_JOURNAL_FILE_MAX (64u << 20)	/* biggest journal replayed */

enum cw_journal_type {
	CW_JREC_START = 0,	/* flow= id= inputs= in.KEY=... */
	CW_JREC_BEGIN,		/* step= */
	CW_JREC_INTENT,		/* step= what= */
	CW_JREC_DONE,		/* step= how=run|check f.KEY=... */
	CW_JREC_FAILED,		/* step= code= msg= [detail=] */
	CW_JREC_ABANDONED,
	CW_JREC_FINISHED,
	CW_JREC__MAX
};

/* The state after a record of type t in state s: the one transition
 * function of the run-state model (flow.h), used by the engine and by
 * replay and listings here. */
enum cw_run_state cw_run_state_next(enum cw_run_state s, enum cw_journal_type t);

struct cw_journal_rec {
	unsigned long seq;
	time_t time;
	enum cw_journal_type type;
	const struct cw_fact *fields;	/* decoded, in file order */
	size_t nfields;
	size_t line;			/* 1-based */
};

/* What replay found at the end of the file. */
struct cw_journal_tail {
	size_t nrecords;	/* good records */
	size_t good_len;	/* bytes up to the end of the last good record */
	unsigned long last_seq;
	int torn;		/* a bad last line was ignored */
	size_t torn_line;
};

/* Called once per good record, in order; a -1 return (err set) stops the
 * replay and is returned by it. */
typedef int cw_journal_rec_fn(void *ctx, const struct cw_journal_rec *rec,
    struct cw_error *err);

struct cw_journal;	/* a journal open for appending: opaque */

/* The name of a record type ("start", "done"...), NULL if out of range. */
const char *cw_journal_type_name(enum cw_journal_type type);

/* The value of key in rec, NULL if absent. */
const char *cw_journal_rec_get(const struct cw_journal_rec *rec,
    const char *key);

/* Formats one record line (with its newline) into buf.  Returns the line's
 * length, or -1 with CW_E_USAGE if a key is not [a-z0-9_.-]+ or "crc", or
 * the line would not fit in len or CW_JOURNAL_LINE_MAX. */
long cw_journal_format(char *buf, size_t len, unsigned long seq, time_t when,
    enum cw_journal_type type, const struct cw_fact *fields, size_t nfields,
    struct cw_error *err);

/* Replays len bytes of buf (modified in place: values are decoded there).
 * name is the file named in errors.  tail may be NULL. */
int cw_journal_replay_buf(char *buf, size_t len, const char *name,
    cw_journal_rec_fn *fn, void *ctx, struct cw_journal_tail *tail,
    struct cw_error *err);

/* Reads and replays the file at path (see replay_buf). */
int cw_journal_replay(const char *path, cw_journal_rec_fn *fn, void *ctx,
    struct cw_journal_tail *tail, struct cw_error *err);

/* Creates path (0600, must not exist) holding only the start record built
 * from fields, fsyncs it and its directory, and opens it for appending. */
int cw_journal_create(const char *path, const struct cw_fact *fields,
    size_t nfields, struct cw_journal **out, struct cw_error *err);

/* Replays path through fn and opens it for appending after the last good
 * record (a torn tail is cut off by the next append).  tail may be NULL. */
int cw_journal_open(const char *path, cw_journal_rec_fn *fn, void *ctx,
    struct cw_journal **out, struct cw_journal_tail *tail,
    struct cw_error *err);

/* Appends one record and fsyncs it. */
int cw_journal_append(struct cw_journal *j, enum cw_journal_type type,
    const struct cw_fact *fields, size_t nfields, struct cw_error *err);

/* Appends one record without fsync: it becomes durable with the next
 * fsynced record (an fsync covers the whole file).  Only for a record
 * whose loss in a power cut changes nothing on resume (flow.c: the begin
 * of a step that has no check). */
int cw_journal_append_lazy(struct cw_journal *j, enum cw_journal_type type,
    const struct cw_fact *fields, size_t nfields, struct cw_error *err);

const char *cw_journal_path(const struct cw_journal *j);

/* Closes and frees.  NULL is a no-op. */
void cw_journal_close(struct cw_journal *j);

/* STATE_DIR/journal and STATE_DIR/journal/RUN.journal into buf. */
int cw_journal_dir(const struct cw_cfg *cfg, char *buf, size_t len,
    struct cw_error *err);
int cw_journal_run_path(const struct cw_cfg *cfg, const char *run_id,
    int done, char *buf, size_t len, struct cw_error *err);

/* mkdir -p path (0700 for what it creates); when path was created, its
 * parent and grandparent directories are fsynced. */
int cw_journal_mkdir(const char *path, struct cw_error *err);

/* Moves a closed run's journal into journal/done/ (fsyncing both
 * directories) and removes the oldest beyond CW_JOURNAL_DONE_KEEP. */
int cw_journal_retire(const struct cw_cfg *cfg, const char *run_id,
    struct cw_error *err);

/* Moves a journal that cannot be replayed to journal/done/RUN.damaged,
 * where it is kept for inspection and neither listed nor rotated. */
int cw_journal_quarantine(const struct cw_cfg *cfg, const char *run_id,
    struct cw_error *err);

/* 1 if id is a plausible run id ([A-Za-z0-9_.-], no leading dot). */
int cw_journal_valid_id(const char *id);

/* The flow a run id belongs to: the id without its "-TIME-RAND" end. */
int cw_journal_flow_of_id(const char *id, char *flow, size_t len);

struct cw_journal_run_info {
	char id[96];          /* run id, e.g. "enroll-20261123T174000Z-1a2b" */
	char flow[32];        /* flow name, e.g. "enroll" */
	char last_step[64];   /* on-disk name of the last step recorded, "" if none */
	enum cw_run_state state;
	char last_error[256]; /* message of the last failure, "" if none */
	time_t started, updated;
};

/* Summarises the journal at path into info; inputs_hash (may be NULL)
 * receives the start record's inputs hash (64 hex digits + NUL).  A
 * journal that cannot be replayed fails with its error. */
int cw_journal_read_info(const char *path, struct cw_journal_run_info *info,
    char inputs_hash[65], struct cw_error *err);

/* Unfinished runs (and, with include_done, the recent finished ones). Caller frees *out with free().
 * Newest first.  A journal that cannot be replayed is listed as "failed"
 * with the replay error as last_error. */
int cw_journal_list(const struct cw_cfg *cfg, int include_done, struct cw_journal_run_info **out, size_t *n, struct cw_error *err);

/* A human-readable rendering of one run's journal (caller frees *text). */
int cw_journal_show(const struct cw_cfg *cfg, const char *run_id, char **text, struct cw_error *err);

#endif
