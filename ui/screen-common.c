/* screen-common.c - what several screens show the same way. */
#include "config.h"

#include <stdio.h>

#include "core/error.h"
#include "core/i18n.h"
#include "screens.h"
#include "widgets.h"

int
ui_not_available(const char *title, const char *subcommand)
{
	char text[768];

	if (subcommand != NULL)
		snprintf(text, sizeof(text),
		    _("This screen is not available in this version of certwiz yet. Nothing was changed.\n\nThe command 'certwiz %s' does this job; see 'certwiz --help'."),
		    subcommand);
	else
		snprintf(text, sizeof(text), "%s",
		    _("This job is not available in this version of certwiz yet, neither here nor on the command line. Nothing was changed."));
	return uw_msgbox(title, text) == UW_QUIT ? UW_QUIT : 0;
}

int
ui_recorded(const char *title, int rc, const struct cw_error *err)
{
	return rc == -1 ? ui_error(title, err) : 0;
}

int
ui_error(const char *title, const struct cw_error *err)
{
	char text[CW_ERR_MSG_MAX + CW_ERR_DETAIL_MAX + CW_ERR_HINT_MAX + 8];

	cw_error_format(err, text, sizeof(text));
	return uw_msgbox(title, text) == UW_QUIT ? UW_QUIT : 0;
}
