/* prompt.h - line prompts for the CLI on the controlling terminal
 * (/dev/tty), with echo off for secrets.  The TUI has its own masked input
 * widget; this is for `certwiz SUBCOMMAND` run by a person. */
#ifndef CW_PROMPT_H
#define CW_PROMPT_H

#include <stddef.h>

#include "core/error.h"
#include "core/secret.h"
#include "sc3/scp.h"

/* Prints prompt on /dev/tty and reads a secret with echo off (at most cap
 * bytes, trimmed).  With confirm set, asks twice and requires the same
 * answer.  Fails with CW_E_USAGE when there is no terminal, naming the
 * --*-file option the caller gives in no_tty_hint. */
int cw_prompt_secret(const char *prompt, const char *confirm_prompt,
    size_t cap, const char *no_tty_hint, struct cw_secret **out,
    struct cw_error *err);

/* Asks a yes/no question on /dev/tty; *yes is set to 1 for an answer that
 * starts with the translated "y" (or 'y').  No terminal: CW_E_USAGE. */
int cw_prompt_yesno(const char *question, int *yes, struct cw_error *err);

/* A cw_scp_ask_fn on the terminal with echo off (scptool). */
int cw_scp_ask_tty(void *ctx, enum cw_scp_ask what, const char *prompt,
    struct cw_secret **out, struct cw_error *err);

/* Reads a line from the terminal after prompt (at most len-1 bytes).
 * No terminal: CW_E_USAGE. */
int cw_prompt_line(const char *prompt, char *buf, size_t len, struct cw_error *err);

#endif
