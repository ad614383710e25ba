/* test_i18n.c - context lookups, shortcut letters, machine number formats
 * and local times (src/i18n.c). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/i18n.h"
#include "core/textwidth.h"

static void
test_ctx_untranslated_is_msgid(void **state)
{
	(void)state;
	/* No catalog for this domain in the C locale: the msgid comes back
	 * without its context. */
	assert_string_equal(C_("main menu shortcut", "c"), "c");
	assert_string_equal(cw_i18n_ctx("no separator"), "no separator");
	assert_int_equal(cw_i18n_key(NC_("main menu shortcut", "q")), 'q');
}

static void
test_shortcut_ascii_only(void **state)
{
	(void)state;
	assert_int_equal(cw_i18n_shortcut("v", 'c'), 'v');
	assert_int_equal(cw_i18n_shortcut("7", 'c'), '7');
	/* A serial console cannot type "ü" or "は": the English letter stays. */
	assert_int_equal(cw_i18n_shortcut("\xc3\xbc", 'c'), 'c');
	assert_int_equal(cw_i18n_shortcut("\xe3\x81\xaf", 'c'), 'c');
	assert_int_equal(cw_i18n_shortcut("", 'q'), 'q');
	assert_int_equal(cw_i18n_shortcut(NULL, 'q'), 'q');
}

static void
test_snprintf_c_ignores_decimal_comma(void **state)
{
	char buf[32];

	(void)state;
	if (setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL)
		skip();
	snprintf(buf, sizeof(buf), "%.1f", 0.5);
	assert_string_equal(buf, "0,5");	/* the locale is really in force */
	cw_i18n_snprintf_c(buf, sizeof(buf), "%.3f ms", 12.25);
	assert_string_equal(buf, "12.250 ms");
	snprintf(buf, sizeof(buf), "%.1f", 0.5);
	assert_string_equal(buf, "0,5");	/* and restored afterwards */
	setlocale(LC_NUMERIC, "C");
}

static void
test_local_time_c_is_iso(void **state)
{
	char buf[96];

	(void)state;
	setenv("TZ", "UTC0", 1);
	tzset();
	setlocale(LC_TIME, "C");
	/* 2026-11-23T17:00:00Z */
	assert_string_equal(cw_i18n_local_time(1795453200, buf, sizeof(buf)),
	    "2026-11-23 17:00:00 UTC");
	assert_string_equal(cw_i18n_local_time(0, buf, 5), "?");
}

static void
test_local_time_follows_locale(void **state)
{
	char buf[96];

	(void)state;
	setenv("TZ", "UTC0", 1);
	tzset();
	if (setlocale(LC_TIME, "de_DE.UTF-8") == NULL)
		skip();
	assert_string_equal(cw_i18n_local_time(1795453200, buf, sizeof(buf)),
	    "Mo 23 Nov 2026 17:00:00 UTC");
	if (setlocale(LC_TIME, "ja_JP.UTF-8") != NULL)
		/* ja_JP's format has no zone: certwiz adds it. */
		assert_string_equal(cw_i18n_local_time(1795453200, buf, sizeof(buf)),
		    "2026\xe5\xb9\xb4" "11\xe6\x9c\x88" "23\xe6\x97\xa5 "
		    "17\xe6\x99\x82" "00\xe5\x88\x86" "00\xe7\xa7\x92 UTC");
	setlocale(LC_TIME, "C");
}

/* What cw_textwidth_pad printed for s padded to width. */
static char *
padded(const char *s, int width)
{
	static char out[128];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	cw_textwidth_pad(f, s, width);
	fclose(f);
	return out;
}

static void
test_pad_by_display_width(void **state)
{
	(void)state;
	if (setlocale(LC_CTYPE, "ja_JP.UTF-8") == NULL)
		skip();
	/* "primär": 6 columns, 7 bytes; "プライマリ": 10 columns, 15 bytes. */
	assert_int_equal(cw_textwidth("prim\xc3\xa4r"), 6);
	assert_int_equal(cw_textwidth("\xe3\x83\x97\xe3\x83\xa9\xe3\x82\xa4"
	    "\xe3\x83\x9e\xe3\x83\xaa"), 10);
	assert_string_equal(padded("prim\xc3\xa4r", 10), "prim\xc3\xa4r    ");
	assert_string_equal(padded("\xe3\x83\x97\xe3\x83\xa9\xe3\x82\xa4"
	    "\xe3\x83\x9e\xe3\x83\xaa", 12),
	    "\xe3\x83\x97\xe3\x83\xa9\xe3\x82\xa4\xe3\x83\x9e\xe3\x83\xaa  ");
	/* As wide or wider: one blank still separates the columns. */
	assert_string_equal(padded("secondary", 9), "secondary ");
	setlocale(LC_CTYPE, "C");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctx_untranslated_is_msgid),
		cmocka_unit_test(test_shortcut_ascii_only),
		cmocka_unit_test(test_snprintf_c_ignores_decimal_comma),
		cmocka_unit_test(test_local_time_c_is_iso),
		cmocka_unit_test(test_local_time_follows_locale),
		cmocka_unit_test(test_pad_by_display_width),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
