/* test_error.c - the error value. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/err.h>

#include "core/error.h"

static void
test_error_set_returns_minus_one(void **state)
{
	struct cw_error err;

	(void)state;
	assert_int_equal(cw_error_set(&err, CW_E_IO, "cannot write '%s'", "/x"), -1);
	assert_int_equal(err.code, CW_E_IO);
	assert_string_equal(err.msg, "cannot write '/x'");
	assert_string_equal(err.detail, "");
	assert_string_equal(err.hint, "");
	assert_int_equal(cw_error_set(NULL, CW_E_IO, "x"), -1);
}

static void
test_error_format_joins_parts(void **state)
{
	struct cw_error err;
	char buf[256];

	(void)state;
	cw_error_set(&err, CW_E_NET, "cannot reach '%s'", "est.example");
	cw_error_detail(&err, "Connection refused");
	cw_error_hint(&err, "Check the firewall.");
	assert_string_equal(cw_error_format(&err, buf, sizeof(buf)),
	    "cannot reach 'est.example': Connection refused\nCheck the firewall.");
	cw_error_set(&err, CW_E_NET, "plain");
	assert_string_equal(cw_error_format(&err, buf, sizeof(buf)), "plain");
	/* Truncation stays NUL-terminated. */
	cw_error_set(&err, CW_E_NET, "0123456789");
	assert_string_equal(cw_error_format(&err, buf, 5), "0123");
}

static void
test_error_long_message_truncated(void **state)
{
	struct cw_error err;
	char big[2000];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cw_error_set(&err, CW_E_IO, "%s", big);
	assert_int_equal(strlen(err.msg), CW_ERR_MSG_MAX - 1);
}

static void
test_error_codes_have_names_and_exit_codes(void **state)
{
	(void)state;
	for (int c = 0; c < CW_E__MAX; c++) {
		assert_string_not_equal(cw_error_code_name(c), "unknown");
		if (c != CW_E_OK)
			assert_true(cw_error_exit_code(c) > 0);
	}
	assert_int_equal(cw_error_exit_code(CW_E_OK), 0);
	assert_string_equal(cw_error_code_name(CW_E__MAX), "unknown");
	assert_int_equal(cw_error_exit_code(CW_E_LOCKED), 5);
}

static void
test_error_openssl_queue_in_detail(void **state)
{
	struct cw_error err;

	(void)state;
	/* Provoke a real OpenSSL error. */
	assert_null(EVP_get_cipherbyname("no-such-cipher"));
	ERR_raise(ERR_LIB_EVP, EVP_R_UNSUPPORTED_CIPHER);
	cw_error_set(&err, CW_E_CRYPTO, "cannot encrypt");
	assert_int_equal(cw_error_openssl(&err), -1);
	assert_non_null(strstr(err.detail, "unsupported cipher"));
	assert_int_equal(ERR_peek_error(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_set_returns_minus_one),
		cmocka_unit_test(test_error_format_joins_parts),
		cmocka_unit_test(test_error_long_message_truncated),
		cmocka_unit_test(test_error_codes_have_names_and_exit_codes),
		cmocka_unit_test(test_error_openssl_queue_in_detail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
