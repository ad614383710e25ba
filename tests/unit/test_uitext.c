/* test_uitext.c - measuring and wrapping text by display width (ui/text.c)
 * and listing/reading logs for the viewer (src/core/logfiles.c). */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "core/cfg.h"
#include "core/logfiles.h"
#include "tests/unit/testutil.h"
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

/* Wraps s at width and joins the lines with '|'. */
static char *
wrapped(const char *s, size_t width)
{
	size_t n = uw_text_wrap(s, width, NULL, 0), spans[64];
	static char out[512];

	assert_true(n <= 32);
	assert_int_equal(uw_text_wrap(s, width, spans, 32), n);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(out, "|");
		strncat(out, s + spans[i * 2], spans[i * 2 + 1]);
	}
	return out;
}

static void
test_uitext_wrap_breaks_at_spaces(void **state)
{
	(void)state;
	assert_string_equal(wrapped("the quick brown fox", 10), "the quick|brown fox");
	assert_string_equal(wrapped("the quick brown fox", 9), "the quick|brown fox");
	assert_string_equal(wrapped("a  b", 1), "a|b");
	assert_string_equal(wrapped("", 10), "");
	assert_int_equal(uw_text_wrap("", 10, NULL, 0), 1);
}

static void
test_uitext_wrap_honours_newlines(void **state)
{
	(void)state;
	assert_string_equal(wrapped("one\ntwo\n\nthree", 20), "one|two||three");
	assert_int_equal(uw_text_wrap("one\n", 20, NULL, 0), 1);
}

static void
test_uitext_wrap_cuts_long_words(void **state)
{
	(void)state;
	assert_string_equal(wrapped("abcdefghij", 4), "abcd|efgh|ij");
	assert_string_equal(wrapped("x abcdefghij", 4), "x|abcd|efgh|ij");
}

static void
test_uitext_width_counts_wide_characters(void **state)
{
	(void)state;
	if (!utf8)
		skip();
	assert_int_equal(uw_text_width("abc"), 3);
	assert_int_equal(uw_text_width("日本語"), 6);
	assert_int_equal(uw_text_width("Grüße"), 5);
	/* 5 wide characters in 6 columns: 3 per line, no space needed. */
	assert_string_equal(wrapped("東京の時刻", 6), "東京の|時刻");
	assert_string_equal(wrapped("東京の時刻", 5), "東京|の時|刻");
	assert_string_equal(wrapped("NTP 東京の時刻サーバー", 10), "NTP 東京の|時刻サーバ|ー");
}

static void
test_uitext_invalid_bytes_count_one(void **state)
{
	(void)state;
	assert_int_equal(uw_text_width("a\xff" "b"), 3);
	assert_int_equal(uw_text_wrap("\xff\xfe\xfd\xfc", 2, NULL, 0), 2);
}

/* Wrapped with the hanging indent, each line prefixed by its indent. */
static char *
hung(const char *s, size_t width)
{
	size_t n = uw_text_wrap_hang(s, width, NULL, 0), spans[96];
	static char out[512];

	assert_true(n <= 32);
	assert_int_equal(uw_text_wrap_hang(s, width, spans, 32), n);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(out, "|");
		for (size_t k = 0; k < spans[i * 3 + 2]; k++)
			strcat(out, " ");
		char line[128] = "";

		/* The indent and the text within the width. */
		strncat(line, s + spans[i * 3], spans[i * 3 + 1]);
		assert_true(spans[i * 3 + 2] + uw_text_width(line) <= width);
		strcat(out, line);
	}
	return out;
}

static void
test_uitext_wrap_hangs_list_items(void **state)
{
	(void)state;
	/* List items and indented lines continue under their text. */
	assert_string_equal(hung("- one two three\n- four", 9),
	    "- one two|  three|- four");
	assert_string_equal(hung("1. one two three", 9), "1. one|   two|   three");
	assert_string_equal(hung("  Time: not proven yet", 12),
	    "  Time: not|  proven yet");
	/* Plain text and too deep an indent: as uw_text_wrap. */
	assert_string_equal(hung("the quick brown fox", 10), "the quick|brown fox");
	assert_string_equal(hung("      abc def", 8), wrapped("      abc def", 8));
	assert_int_equal(uw_text_wrap_hang("- a\n\n- b", 10, NULL, 0), 3);
	if (utf8)
		assert_string_equal(hung("- 東京の時刻", 6), "- 東京|  の時|  刻");
}

static void
test_logfiles_list_and_read(void **state)
{
	struct cw_cfg cfg;
	struct cw_error err;
	char *dir = tu_mkdtemp(), **names = NULL, *text = NULL;
	size_t n = 99;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.log_dir = (char *)tu_path(dir, "log");
	assert_int_equal(cw_logfiles_list(&cfg, &names, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mkdir(cfg.log_dir, 0700), 0);
	tu_write(tu_path(cfg.log_dir, "sc3migration.log"), "SC3 Backup success\n", 0640);
	tu_write(tu_path(cfg.log_dir, "enroll.log"), "enrolled\n", 0640);
	assert_int_equal(mkdir(tu_path(cfg.log_dir, "sub"), 0700), 0);
	assert_int_equal(cw_logfiles_list(&cfg, &names, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "enroll.log");
	assert_string_equal(names[1], "sc3migration.log");
	assert_int_equal(cw_logfiles_read(&cfg, names[1], &text, &err), 0);
	assert_string_equal(text, "SC3 Backup success\n");
	free(text);
	assert_int_equal(cw_logfiles_read(&cfg, "../etc/passwd", &text, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	assert_null(text);
	assert_int_equal(cw_logfiles_read(&cfg, "missing.log", &text, &err), -1);
	assert_int_equal(err.code, CW_E_IO);
	cw_logfiles_free(names, n);
	tu_rmtree(dir);
	free(dir);
}

static void
test_logfiles_read_keeps_the_tail(void **state)
{
	struct cw_cfg cfg;
	struct cw_error err;
	char *dir = tu_mkdtemp(), *big, *text = NULL;
	size_t len = CW_LOGFILES_TAIL + 5000;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.log_dir = dir;
	big = malloc(len + 1);
	assert_non_null(big);
	for (size_t i = 0; i < len; i++)
		big[i] = i % 50 == 49 ? '\n' : 'x';
	memcpy(big + len - 5, "last\n", 5);
	big[len] = '\0';
	tu_write(tu_path(dir, "big.log"), big, 0600);
	assert_int_equal(cw_logfiles_read(&cfg, "big.log", &text, &err), 0);
	assert_true(strlen(text) <= CW_LOGFILES_TAIL);
	assert_true(text[0] == 'x');
	assert_string_equal(text + strlen(text) - 5, "last\n");
	free(text);
	free(big);
	tu_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uitext_wrap_breaks_at_spaces),
		cmocka_unit_test(test_uitext_wrap_honours_newlines),
		cmocka_unit_test(test_uitext_wrap_cuts_long_words),
		cmocka_unit_test(test_uitext_width_counts_wide_characters),
		cmocka_unit_test(test_uitext_invalid_bytes_count_one),
		cmocka_unit_test(test_uitext_wrap_hangs_list_items),
		cmocka_unit_test(test_logfiles_list_and_read),
		cmocka_unit_test(test_logfiles_read_keeps_the_tail),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
