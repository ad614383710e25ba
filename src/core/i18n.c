/* i18n.c - locale and catalog setup, context lookups, locale formats. */
#include "config.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"

void
cw_i18n_init(void)
{
	const char *dir = LOCALEDIR;
#ifdef CW_TEST_HOOKS
	/* The tests run the binary from the build tree (a release build
	 * reads its catalogs from LOCALEDIR only; `make demo` compiles the
	 * build tree's in as its own LOCALEDIR). */
	const char *env = getenv("CERTWIZ_LOCALEDIR");

	if (env != NULL && *env)
		dir = env;
#endif
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, dir);
	textdomain(PACKAGE);
}

const char *
cw_i18n_ctx(const char *ctx_msgid)
{
	const char *t = dgettext(PACKAGE, ctx_msgid);
	const char *eot;

	/* Untranslated: gettext hands back its argument. */
	if (t == ctx_msgid && (eot = strchr(ctx_msgid, '\004')) != NULL)
		return eot + 1;
	return t;
}

char
cw_i18n_shortcut(const char *translated, char fallback)
{
	unsigned char c = translated != NULL ? (unsigned char)translated[0] : 0;

	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return (char)c;
	return fallback;
}

char
cw_i18n_key(const char *ctx_msgid)
{
	const char *eot = strchr(ctx_msgid, '\004');

	return cw_i18n_shortcut(cw_i18n_ctx(ctx_msgid), eot != NULL ? eot[1] : 0);
}

static int
is_c_time_locale(void)
{
	const char *lt = setlocale(LC_TIME, NULL);

	return lt == NULL || strcmp(lt, "C") == 0 || strcmp(lt, "POSIX") == 0;
}

const char *
cw_i18n_local_time(time_t t, char *buf, size_t len)
{
	const char *fmt = "%Y-%m-%d %H:%M:%S %Z";
	char withzone[96];
	struct tm tm;

	if (len == 0)
		return buf;
	/* The C locale's %c ("Mon Nov 23 18:00:00 2026") has no zone and reads
	 * worse than ISO 8601 on an English serial console. */
	if (!is_c_time_locale()) {
		const char *dt = nl_langinfo(D_T_FMT);

		if (dt != NULL && *dt) {
			if (strstr(dt, "%Z") != NULL || strstr(dt, "%z") != NULL)
				fmt = dt;
			else if (snprintf(withzone, sizeof(withzone), "%s %%Z", dt) <
			    (int)sizeof(withzone))
				fmt = withzone;
		}
	}
	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, fmt, &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

int
cw_i18n_vsnprintf_c(char *buf, size_t len, const char *fmt, va_list ap)
{
	/* glibc's "C" locale object is static: newlocale allocates nothing. */
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	locale_t was = c != (locale_t)0 ? uselocale(c) : (locale_t)0;
	int n = vsnprintf(buf, len, fmt, ap);

	if (c != (locale_t)0) {
		uselocale(was);
		freelocale(c);
	}
	return n;
}

int
cw_i18n_snprintf_c(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = cw_i18n_vsnprintf_c(buf, len, fmt, ap);
	va_end(ap);
	return n;
}
