/* screen-sc3.c - Back up SC3 and Restore SC3. */
#include "config.h"

#include "../src/i18n.h"
#include "screens.h"

int
ui_sc3_backup_run(const struct cw_cfg *cfg)
{
	(void)cfg;
	return ui_not_available(_("Back up SC3"), NULL);
}

int
ui_sc3_restore_run(const struct cw_cfg *cfg)
{
	(void)cfg;
	return ui_not_available(_("Restore SC3"), NULL);
}
