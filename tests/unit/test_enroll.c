/* test_enroll.c - the enrollment's input checks and the renewal backoff:
 * OTP trimming and format, the admin's CA fingerprint comparison, the next
 * attempt after a failed renewal. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pki/enroll.h"
#include "pki/renew.h"
#include "core/secret.h"

static struct cw_secret *
secret_of(const char *s)
{
	struct cw_secret *x = cw_secret_new(CW_ENROLL_OTP_CAP);

	assert_non_null(x);
	assert_int_equal(cw_secret_append(x, s, strlen(s), NULL), 0);
	return x;
}

/* 0 and the clean OTP, or -1 and the error code. */
static int
clean(const char *in, char *out, size_t len, enum cw_errcode *code)
{
	struct cw_secret *raw = secret_of(in), *c = NULL;
	struct cw_error err;
	int rc;

	cw_error_clear(&err);
	rc = cw_enroll_otp_clean(raw, &c, &err);
	*code = err.code;
	if (rc == 0) {
		snprintf(out, len, "%s", cw_secret_data(c));
		assert_true(err.code == CW_E_OK);
	} else {
		assert_null(c);
		/* The error text never carries the OTP. */
		if (strlen(in) >= 4)
			assert_null(strstr(err.msg, in));
		assert_non_null(err.hint[0] ? err.hint : NULL);
	}
	cw_secret_free(c);
	cw_secret_free(raw);
	return rc;
}

static void
test_otp_trim(void **state)
{
	char out[128];
	enum cw_errcode code;

	(void)state;
	assert_int_equal(clean("  ABCD2345EFGH6789  \r\n", out, sizeof(out), &code), 0);
	assert_string_equal(out, "ABCD2345EFGH6789");
	/* Wrapped or spaced when pasted. */
	assert_int_equal(clean("ABCD 2345\nEFGH\t6789", out, sizeof(out), &code), 0);
	assert_string_equal(out, "ABCD2345EFGH6789");
	assert_int_equal(clean("abcdefgh", out, sizeof(out), &code), 0);
}

static void
test_otp_format(void **state)
{
	char out[128], big[200];
	enum cw_errcode code;

	(void)state;
	assert_int_equal(clean("", out, sizeof(out), &code), -1);
	assert_int_equal(code, CW_E_USAGE);
	assert_int_equal(clean("   \n", out, sizeof(out), &code), -1);
	assert_int_equal(clean("ABC1234", out, sizeof(out), &code), -1);	/* 7 */
	assert_int_equal(clean("ABCD-2345-EFGH", out, sizeof(out), &code), -1);
	assert_int_equal(clean("ABCD2345" "\xc3\xa9" "FGH", out, sizeof(out), &code), -1);
	memset(big, 'A', 64);
	big[64] = '\0';
	assert_int_equal(clean(big, out, sizeof(out), &code), 0);
	big[64] = 'B';
	big[65] = '\0';
	assert_int_equal(clean(big, out, sizeof(out), &code), -1);
	assert_int_equal(code, CW_E_USAGE);
}

static void
test_fingerprint(void **state)
{
	const char *hex = "7d037f9eaafe4a1b0401fd413136eb9e74cb31372d5f635cfa5bcaff6b38e43f";

	(void)state;
	assert_true(cw_enroll_fingerprint_equal(hex, hex));
	assert_true(cw_enroll_fingerprint_equal(
	    "7D:03:7F:9E:AA:FE:4A:1B:04:01:FD:41:31:36:EB:9E:74:CB:31:37:2D:5F:63:5C:FA:5B:CA:FF:6B:38:E4:3F", hex));
	assert_true(cw_enroll_fingerprint_equal(" 7d037f9eaafe4a1b0401fd413136eb9e 74cb31372d5f635cfa5bcaff6b38e43f ", hex));
	assert_false(cw_enroll_fingerprint_equal("7d037f9e", hex));
	assert_false(cw_enroll_fingerprint_equal("", hex));
	assert_false(cw_enroll_fingerprint_equal(NULL, hex));
	assert_false(cw_enroll_fingerprint_equal(
	    "7d037f9eaafe4a1b0401fd413136eb9e74cb31372d5f635cfa5bcaff6b38e43e", hex));
	assert_false(cw_enroll_fingerprint_equal(
	    "7d037f9eaafe4a1b0401fd413136eb9e74cb31372d5f635cfa5bcaff6b38e43f00", hex));
}

static void
test_backoff(void **state)
{
	time_t now = 1800000000, next, prev_last, prev_next;

	(void)state;
	/* First failure: one hour, jitter below a quarter of it. */
	assert_int_equal(cw_renew_next_attempt(now, 0, 0, 0), now + CW_RENEW_BACKOFF_MIN);
	next = cw_renew_next_attempt(now, 0, 0, 0xffffffffu);
	assert_true(next >= now + CW_RENEW_BACKOFF_MIN &&
	    next <= now + CW_RENEW_BACKOFF_MIN + CW_RENEW_BACKOFF_MIN / 4);
	/* Doubling up to the cap, whatever the jitter. */
	prev_last = now;
	prev_next = now + CW_RENEW_BACKOFF_MIN;
	for (int i = 0; i < 10; i++) {
		time_t t = prev_next;
		next = cw_renew_next_attempt(t, prev_last, prev_next, (unsigned)rand());
		assert_true(next - t >= 2 * (prev_next - prev_last) ||
		    next - t >= CW_RENEW_BACKOFF_MAX);
		assert_true(next - t <= CW_RENEW_BACKOFF_MAX + CW_RENEW_BACKOFF_MAX / 4);
		prev_last = t;
		prev_next = next;
	}
	assert_true(prev_next - prev_last >= CW_RENEW_BACKOFF_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_otp_trim),
		cmocka_unit_test(test_otp_format),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
