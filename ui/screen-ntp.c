/* screen-ntp.c - Configure NTP. */
#include "config.h"

#include "../src/i18n.h"
#include "screens.h"

int
ui_ntp_run(const struct cw_cfg *cfg)
{
	(void)cfg;
	return ui_not_available(_("Configure NTP"), "ntp set");
}
