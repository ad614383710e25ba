/* screen-cert.c - Install device certificate (OTP). */
#include "config.h"

#include "../src/i18n.h"
#include "screens.h"

int
ui_cert_run(const struct cw_cfg *cfg)
{
	(void)cfg;
	return ui_not_available(_("Install device certificate (OTP)"), "cert fetch");
}
