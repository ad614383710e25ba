/* screen-logs.c - View logs: the files in log_dir, one shown in the text
 * viewer.  The backend lists and reads them (logfiles.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/cfg.h"
#include "core/error.h"
#include "core/i18n.h"
#include "core/logfiles.h"
#include "screens.h"
#include "widgets.h"

int
ui_logs_run(const struct cw_cfg *cfg)
{
	struct cw_error err;
	struct uw_item *items = NULL;
	char **names = NULL;
	size_t n = 0, sel = 0;
	int rc = 0;

	cw_error_clear(&err);
	if (cw_logfiles_list(cfg, &names, &n, &err) == -1)
		return ui_error(_("View logs"), &err);
	if (n == 0) {
		char text[512];

		snprintf(text, sizeof(text), _("There are no logs yet in '%s'."),
		    cfg->log_dir);
		return uw_msgbox(_("View logs"), text) == UW_QUIT ? UW_QUIT : 0;
	}
	items = calloc(n, sizeof(*items));
	if (items == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		items[i].key = i < 9 ? (char)('1' + i) : 0;
		items[i].label = names[i];
	}
	for (;;) {
		char *text = NULL;
		int r = uw_menu(_("View logs"), _("Choose a log to read."), items, n, &sel);

		if (r == UW_QUIT) {
			rc = UW_QUIT;
			break;
		}
		if (r != UW_OK)
			break;
		if (cw_logfiles_read(cfg, names[sel], &text, &err) == -1)
			r = ui_error(_("View logs"), &err);
		else {
			r = uw_textview(names[sel], *text ? text : _("(This log is empty.)"));
			free(text);
		}
		if (r == UW_QUIT) {
			rc = UW_QUIT;
			break;
		}
	}
out:
	free(items);
	cw_logfiles_free(names, n);
	return rc;
}
