/* screen-check.c - Check prerequisites (connectivity). */
#include "config.h"

#include "../src/i18n.h"
#include "screens.h"

int
ui_check_run(const struct cw_cfg *cfg)
{
	(void)cfg;
	return ui_not_available(_("Check prerequisites"), "check");
}
