/* test_screentext.c - the result screens' text builder (ui/screen-text.c):
 * labels padded by display width (a Japanese label is two columns per
 * character), long values wrapped under themselves, growth past the first
 * allocation. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/screens.h"
#include "ui/widgets.h"

static int utf8;

static int
setup(void **state)
{
	(void)state;
	utf8 = setlocale(LC_CTYPE, "C.UTF-8") != NULL ||
	    setlocale(LC_CTYPE, "en_US.UTF-8") != NULL;
	return 0;
}

static void
test_screentext_row_pads_label(void **state)
{
	struct ui_text t = { 0 };

	(void)state;
	ui_text_row(&t, "Key:", 8, "v");
	assert_string_equal(ui_text_str(&t), "  Key:     v\n");
	ui_text_release(&t);
	assert_null(t.buf);
}

static void
test_screentext_row_pads_by_display_width(void **state)
{
	struct ui_text t = { 0 };

	(void)state;
	if (!utf8)
		skip();
	/* "鍵:" is 3 columns (2 + 1), 4 bytes + 1: padded to 6 columns. */
	ui_text_row(&t, "\xe9\x8d\xb5:", 5, "v");
	assert_string_equal(ui_text_str(&t), "  \xe9\x8d\xb5:   v\n");
	ui_text_release(&t);
}

static void
test_screentext_row_wraps_under_value(void **state)
{
	struct ui_text t = { 0 };
	char value[200];
	const char *p, *nl;
	size_t lines = 0;

	(void)state;
	memset(value, 0, sizeof(value));
	for (int i = 0; i < 30; i++)
		strcat(value, "word ");
	ui_text_row(&t, "Label:", 10, value);
	for (p = ui_text_str(&t); (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		assert_true((size_t)(nl - p) <= UI_TEXT_COLS);
		if (lines++ > 0)	/* continuation: under the value */
			assert_memory_equal(p, "             word", 17);
	}
	assert_true(lines >= 3);
	ui_text_release(&t);
}

static void
test_screentext_grows(void **state)
{
	struct ui_text t = { 0 };

	(void)state;
	for (int i = 0; i < 1000; i++)
		ui_text_add(&t, "%04d,", i);
	assert_int_equal(strlen(ui_text_str(&t)), 5000);
	assert_memory_equal(ui_text_str(&t) + 4995, "0999,", 5);
	ui_text_release(&t);
	assert_string_equal(ui_text_str(&t), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_screentext_row_pads_label),
		cmocka_unit_test(test_screentext_row_pads_by_display_width),
		cmocka_unit_test(test_screentext_row_wraps_under_value),
		cmocka_unit_test(test_screentext_grows),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
