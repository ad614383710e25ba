/* i18n.c - locale and catalog setup. */
#include "config.h"

#include <stdlib.h>

#include "i18n.h"

void
cw_i18n_init(void)
{
	const char *dir = getenv("CERTWIZ_LOCALEDIR");

	setlocale(LC_ALL, "");
	/* Tests and `make demo` run from the build tree. */
	bindtextdomain(PACKAGE, dir != NULL && *dir ? dir : LOCALEDIR);
	textdomain(PACKAGE);
}
