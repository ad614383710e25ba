/* logfiles.h - read access to the flow logs under log_dir (log.h writes
 * them), for the wizard's "View logs" screen: the UI does no file I/O. */
#ifndef CW_LOGFILES_H
#define CW_LOGFILES_H

#include <stddef.h>

#include "core/cfg.h"
#include "core/error.h"

/* The most a view shows: the tail of a longer log. */
#define CW_LOGFILES_TAIL (256 * 1024)

/* The names (no directory) of the regular files in log_dir, sorted.  A
 * missing log_dir is an empty list.  The caller frees with
 * cw_logfiles_free(). */
int cw_logfiles_list(const struct cw_cfg *cfg, char ***names, size_t *n,
    struct cw_error *err);

void cw_logfiles_free(char **names, size_t n);

/* The text of log_dir/name (name without '/'), or its last
 * CW_LOGFILES_TAIL bytes starting at a line.  Caller frees *text. */
int cw_logfiles_read(const struct cw_cfg *cfg, const char *name, char **text,
    struct cw_error *err);

#endif
