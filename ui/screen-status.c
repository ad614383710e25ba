/* screen-status.c - Certificate status. */
#include "config.h"

#include "../src/i18n.h"
#include "screens.h"

int
ui_status_run(const struct cw_cfg *cfg)
{
	(void)cfg;
	return ui_not_available(_("Certificate status"), "status");
}
