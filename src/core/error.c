/* error.c - the error value. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <openssl/err.h>

#include "core/error.h"
#include "core/i18n.h"

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
	[CW_E_POP] = "pop",
	[CW_E_CSRATTRS] = "csrattrs",
	[CW_E_POLICY] = "policy",
	[CW_E_PENDING] = "pending",
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
	[CW_E_POP] = 15,
	[CW_E_CSRATTRS] = 16,
	[CW_E_POLICY] = 17,
	[CW_E_PENDING] = 18,
};

void
cw_error_clear(struct cw_error *err)
{
	if (err == NULL)
		return;
	err->code = CW_E_OK;
	err->msg[0] = err->detail[0] = err->hint[0] = err->fix[0] = '\0';
}

/* A message cut to its buffer (n: the length it wanted) ends on a whole
 * character: half a UTF-8 sequence would show as mojibake. */
static void
whole_chars(char *buf, int n, size_t size)
{
	mbstate_t st;
	size_t off = 0, len;

	if (n < 0 || (size_t)n < size)
		return;
	len = strlen(buf);
	memset(&st, 0, sizeof(st));
	while (off < len) {
		size_t k = mbrlen(buf + off, len - off, &st);

		if (k == (size_t)-2) {		/* cut inside this one */
			buf[off] = '\0';
			return;
		}
		if (k == (size_t)-1) {		/* not ours to mend */
			memset(&st, 0, sizeof(st));
			k = 1;
		}
		off += k == 0 ? 1 : k;
	}
}

int
cw_error_set(struct cw_error *err, enum cw_errcode code, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL)
		return -1;
	cw_error_clear(err);
	err->code = code;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	whole_chars(err->msg, n, sizeof(err->msg));
	return -1;
}

int
cw_error_fix(struct cw_error *err, const char *key)
{
	if (err != NULL)
		snprintf(err->fix, sizeof(err->fix), "%s", key);
	return -1;
}

int
cw_error_detail(struct cw_error *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	whole_chars(err->detail, n, sizeof(err->detail));
	return -1;
}

int
cw_error_hint(struct cw_error *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
	whole_chars(err->hint, n, sizeof(err->hint));
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
