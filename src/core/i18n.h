/* i18n.h - gettext macros used by every user-visible string, and the
 * locale-aware formats that go with them.
 * _() translates now, N_() marks a string in a static table for later
 * translation with _().  C_(ctx, s) translates s in a context (two
 * identical English strings that need different translations, such as
 * the shortcut letters of different menus); NC_() marks it in a table
 * for cw_i18n_ctx() later. */
#ifndef CW_I18N_H
#define CW_I18N_H

#include <libintl.h>
#include <locale.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>

#define _(s)  dgettext("certwiz", (s))
#define N_(s) (s)
/* gettext's own encoding of a context: "ctx\004msgid". */
#define NC_(ctx, s) (ctx "\004" s)
#define C_(ctx, s) cw_i18n_ctx(NC_(ctx, s))

/* Sets the locale from the environment and binds the catalog dir. */
void cw_i18n_init(void);

/* The translation of an NC_() string, or its msgid without the context. */
const char *cw_i18n_ctx(const char *ctx_msgid);

/* A keyboard shortcut from a translated one-letter string: its first byte
 * when that is an ASCII letter or digit (what a serial console can type),
 * else fallback. */
char cw_i18n_shortcut(const char *translated, char fallback);

/* The shortcut an NC_() one-letter string gives in this language; the
 * English letter when the translation is not one a console can type. */
char cw_i18n_key(const char *ctx_msgid);

/* Local time the way the locale writes date and time (nl_langinfo
 * D_T_FMT), with the zone; ISO 8601 in the C locale.  "?" when t cannot be
 * converted.  Returns buf. */
const char *cw_i18n_local_time(time_t t, char *buf, size_t len);

/* snprintf in the C locale, for machine formats (logs, journal facts):
 * "0.5", never "0,5", whatever LC_NUMERIC the user has. */
int cw_i18n_vsnprintf_c(char *buf, size_t len, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int cw_i18n_snprintf_c(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
