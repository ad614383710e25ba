/* error.c - the error value. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "error.h"
#include "i18n.h"

static const char *const code_names[CW_E__MAX] = {
	[CW_E_OK] = "ok",
	[CW_E_USAGE] = "usage",
	[CW_E_CONFIG] = "config",
	[CW_E_IO] = "io",
	[CW_E_LOCKED] = "locked",
	[CW_E_NOMEM] = "nomem",
	[CW_E_NET] = "network",
	[CW_E_TLS] = "tls",
	[CW_E_AUTH] = "auth",
	[CW_E_PROTO] = "protocol",
	[CW_E_CRYPTO] = "crypto",
	[CW_E_TIME] = "time",
	[CW_E_JOURNAL] = "journal",
	[CW_E_STATE] = "state",
	[CW_E_CANCELLED] = "cancelled",
	[CW_E_HOSTKEY] = "hostkey",
	[CW_E_NOTIMPL] = "notimpl",
};

/* Exit codes: see certwiz.1, EXIT STATUS. */
static const int exit_codes[CW_E__MAX] = {
	[CW_E_OK] = 0,
	[CW_E_USAGE] = 2,
	[CW_E_CONFIG] = 3,
	[CW_E_IO] = 4,
	[CW_E_LOCKED] = 5,
	[CW_E_NOMEM] = 4,
	[CW_E_NET] = 6,
	[CW_E_TLS] = 6,
	[CW_E_AUTH] = 7,
	[CW_E_PROTO] = 6,
	[CW_E_CRYPTO] = 8,
	[CW_E_TIME] = 9,
	[CW_E_JOURNAL] = 10,
	[CW_E_STATE] = 11,
	[CW_E_CANCELLED] = 12,
	[CW_E_HOSTKEY] = 13,
	[CW_E_NOTIMPL] = 14,
};

void
cw_error_clear(struct cw_error *err)
{
	if (err == NULL)
		return;
	err->code = CW_E_OK;
	err->msg[0] = err->detail[0] = err->hint[0] = '\0';
}

int
cw_error_set(struct cw_error *err, enum cw_errcode code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	cw_error_clear(err);
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
cw_error_detail(struct cw_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return -1;
}

int
cw_error_hint(struct cw_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
	return -1;
}

int
cw_error_openssl(struct cw_error *err)
{
	unsigned long e;
	char buf[256];
	size_t used;

	if (err == NULL) {
		ERR_clear_error();
		return -1;
	}
	used = strlen(err->detail);
	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		if (used + strlen(buf) + 3 < sizeof(err->detail)) {
			used += (size_t)snprintf(err->detail + used,
			    sizeof(err->detail) - used, "%s%s",
			    used ? "; " : "", buf);
		}
	}
	return -1;
}

char *
cw_error_format(const struct cw_error *err, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	if (err == NULL || err->code == CW_E_OK) {
		snprintf(buf, len, "%s", _("no error"));
		return buf;
	}
	snprintf(buf, len, "%s%s%s%s%s", err->msg,
	    err->detail[0] ? ": " : "", err->detail,
	    err->hint[0] ? "\n" : "", err->hint);
	return buf;
}

const char *
cw_error_code_name(enum cw_errcode code)
{
	if ((int)code < 0 || code >= CW_E__MAX || code_names[code] == NULL)
		return "unknown";
	return code_names[code];
}

int
cw_error_exit_code(enum cw_errcode code)
{
	if ((int)code < 0 || code >= CW_E__MAX)
		return 1;
	return exit_codes[code];
}
