/* i18n.h - gettext macros used by every user-visible string.
 * _() translates now, N_() marks a string in a static table for later
 * translation with _(). */
#ifndef CW_I18N_H
#define CW_I18N_H

#include <libintl.h>
#include <locale.h>

#define _(s)  dgettext("certwiz", (s))
#define N_(s) (s)

/* Sets the locale from the environment and binds the catalog dir. */
void cw_i18n_init(void);

#endif
