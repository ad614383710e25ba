/* test_record.c - the --record writer (job/record.h): what it writes
 * reads back through iniparser key by key as written, placeholders stand
 * where secrets were given, no secret byte reaches the file, the file is
 * 0600 and rewritten whole (a later answer replaces an earlier one), and
 * a value no INI line can carry is refused with the file unchanged. */
#include "config.h"

#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <iniparser.h>

#include "core/secret.h"
#include "job/record.h"
#include "testutil.h"

#define NTP_KEY1 "NtpKeyMaterial1"
#define NTP_KEY2 "4c61622053484131206b65792030303032212121"
#define MASTER "Master-Key-Secret-99"
#define CA_FP "3f2a6b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"
#define HOSTKEY "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"

struct fx {
	char *dir;
	const char *path;
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	fx->dir = tu_mkdtemp();
	fx->path = strdup(tu_path(fx->dir, "answers.ini"));
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	tu_rmtree(fx->dir);
	free(fx->dir);
	free((char *)fx->path);
	free(fx);
	return 0;
}

static struct cw_secret *
secret(const char *s)
{
	struct cw_secret *k = cw_secret_new(64);

	assert_non_null(k);
	assert_int_equal(cw_secret_append(k, s, strlen(s), NULL), 0);
	return k;
}

static void
ntp_config(struct cw_ntp_config *c, const char *primary)
{
	cw_ntp_config_init(c);
	snprintf(c->server[CW_NTP_PRIMARY].host, sizeof(c->server[0].host), "%s", primary);
	c->server[CW_NTP_PRIMARY].auth = CW_NTP_AUTH_SYMKEY;
	c->server[CW_NTP_PRIMARY].key_id = 7;
	c->server[CW_NTP_PRIMARY].alg = CW_NTP_ALG_SHA1;
	c->server[CW_NTP_PRIMARY].key = secret(NTP_KEY1);
	snprintf(c->server[CW_NTP_SECONDARY].host, sizeof(c->server[0].host), "ntp2.example.net");
	c->server[CW_NTP_SECONDARY].auth = CW_NTP_AUTH_SYMKEY;
	c->server[CW_NTP_SECONDARY].key_id = 65534;
	c->server[CW_NTP_SECONDARY].alg = CW_NTP_ALG_MD5;
	c->server[CW_NTP_SECONDARY].key = secret(NTP_KEY2);
}

/* key ("section:key") reads back as want through iniparser. */
static void
expect_key(dictionary *d, const char *key, const char *want)
{
	const char *got = iniparser_getstring(d, key, NULL);

	if (want == NULL) {
		if (got != NULL)
			fail_msg("%s = '%s', want none", key, got);
		return;
	}
	if (got == NULL)
		fail_msg("%s missing, want '%s'", key, want);
	if (strcmp(got, want) != 0)
		fail_msg("%s = '%s', want '%s'", key, got, want);
}

static int
nkeys(dictionary *d)
{
	int n = 0;

	for (int s = 0; s < iniparser_getnsec(d); s++)
		n += iniparser_getsecnkeys(d, iniparser_getsecname(d, s));
	return n;
}

static void
test_record_round_trip_no_secret(void **state)
{
	struct fx *fx = *state;
	struct cw_record *r = NULL;
	struct cw_ntp_config c;
	struct cw_secret *mk = secret(MASTER);
	struct cw_job_enroll_in ein = { .accept_ca = CA_FP };
	struct cw_job_sc3_in sin = {
		.target = "backup.example.net:/srv/sc3/unit1.age", .user = "admin",
		.port = 2222, .auth = CW_JOB_AUTH_PASSWORD, .accept_host_key = HOSTKEY,
		.master_key = mk,
	};
	struct cw_error err;
	struct stat st;
	dictionary *d;
	char *text;

	ntp_config(&c, "ntp1.example.net");
	assert_int_equal(cw_record_new(fx->path, &r, &err), 0);
	/* Nothing is written before a job is recorded. */
	assert_int_equal(access(fx->path, F_OK), -1);
	/* Recorded out of order: the file has apply's order. */
	assert_int_equal(cw_record_sc3_restore(r, &sin, &err), 0);
	assert_int_equal(cw_record_enroll(r, &ein, &err), 0);
	assert_int_equal(cw_record_check(r, &err), 0);
	assert_int_equal(cw_record_ntp(r, &c, 1, &err), 0);
	cw_record_free(r);

	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	text = tu_read(fx->path);
	assert_non_null(text);
	/* The secrets given are nowhere in the file. */
	assert_null(strstr(text, NTP_KEY1));
	assert_null(strstr(text, NTP_KEY2));
	assert_null(strstr(text, MASTER));
	assert_non_null(strstr(text, "certwiz-answers(5)"));
	assert_true(text[0] == '#');
	assert_true(strstr(text, "[ntp]") < strstr(text, "[check]"));
	assert_true(strstr(text, "[check]") < strstr(text, "[enroll]"));
	assert_true(strstr(text, "[enroll]") < strstr(text, "[sc3]"));
	free(text);

	d = iniparser_load(fx->path);
	assert_non_null(d);
	expect_key(d, "ntp:primary", "ntp1.example.net");
	expect_key(d, "ntp:primary_key", "7:sha1:<FILL IN: file holding key ID 7>");
	expect_key(d, "ntp:secondary", "ntp2.example.net");
	expect_key(d, "ntp:secondary_key", "65534:md5:<FILL IN: file holding key ID 65534>");
	expect_key(d, "ntp:require_proven", "yes");
	expect_key(d, "check:run", "yes");
	expect_key(d, "enroll:otp_file", "<FILL IN: file holding the one-time password>");
	expect_key(d, "enroll:accept_ca", CA_FP);
	expect_key(d, "enroll:allow_unproven_time", NULL);
	expect_key(d, "sc3:restore_from", "backup.example.net:/srv/sc3/unit1.age");
	expect_key(d, "sc3:user", "admin");
	expect_key(d, "sc3:port", "2222");
	expect_key(d, "sc3:auth", "password");
	expect_key(d, "sc3:password_file", "<FILL IN: file holding the SSH password>");
	expect_key(d, "sc3:accept_host_key", HOSTKEY);
	expect_key(d, "sc3:master_key_file", "<FILL IN: file holding the SC3 master key>");
	/* Nothing else. */
	assert_int_equal(nkeys(d), 15);
	iniparser_freedict(d);
	cw_ntp_config_release(&c);
	cw_secret_free(mk);
}

/* Values iniparser would cut (; #), trim (blanks), join (a trailing
 * backslash) or unquote: quoted so that each reads back as given. */
static void
test_record_quoting(void **state)
{
	struct fx *fx = *state;
	static const char *const values[] = {
		"/srv/keys;old/id_ed25519", "/srv/#1/id_ed25519", "/srv/it's/key",
		"/srv/\"q\"/key", "/srv/x\\", "/srv/a = b/key", "/srv/ lead and trail /k ",
	};
	struct cw_record *r = NULL;
	struct cw_error err;

	assert_int_equal(cw_record_new(fx->path, &r, &err), 0);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct cw_job_sc3_in in = {
			.target = "admin@host.example:/b.age", .auth = CW_JOB_AUTH_IDENTITY,
			.identity = values[i], .master_key_file = values[i],
		};
		dictionary *d;

		assert_int_equal(cw_record_sc3_restore(r, &in, &err), 0);
		d = iniparser_load(fx->path);
		assert_non_null(d);
		expect_key(d, "sc3:identity", values[i]);
		expect_key(d, "sc3:master_key_file", values[i]);
		expect_key(d, "sc3:restore_from", "admin@host.example:/b.age");
		expect_key(d, "sc3:auth", "identity");
		expect_key(d, "sc3:password_file", NULL);
		iniparser_freedict(d);
	}
	cw_record_free(r);
}

/* A value with both kinds of quote or a control character: CW_E_USAGE,
 * the file as it was. */
static void
test_record_refuses_unwritable(void **state)
{
	struct fx *fx = *state;
	static const char *const bad[] = { "/srv/it's \"x\"", "/srv/a\nb", "/srv/a\tb" };
	struct cw_job_enroll_in ein = { .accept_ca = CA_FP };
	struct cw_record *r = NULL;
	struct cw_error err;
	char *before, *after;

	assert_int_equal(cw_record_new(fx->path, &r, &err), 0);
	assert_int_equal(cw_record_enroll(r, &ein, &err), 0);
	before = tu_read(fx->path);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cw_job_sc3_in in = { .target = "/srv/bundle.age", .master_key_file = bad[i] };

		assert_int_equal(cw_record_sc3_restore(r, &in, &err), -1);
		assert_int_equal(err.code, CW_E_USAGE);
		after = tu_read(fx->path);
		assert_string_equal(before, after);
		free(after);
	}
	free(before);
	cw_record_free(r);
}

/* A later answer of the same section replaces the earlier one; the
 * other sections stay. */
static void
test_record_replaces_section(void **state)
{
	struct fx *fx = *state;
	struct cw_record *r = NULL;
	struct cw_ntp_config c;
	struct cw_job_enroll_in ein = { .accept_ca = CA_FP };
	struct cw_error err;
	dictionary *d;

	assert_int_equal(cw_record_new(fx->path, &r, &err), 0);
	ntp_config(&c, "ntp1.example.net");
	assert_int_equal(cw_record_ntp(r, &c, 1, &err), 0);
	assert_int_equal(cw_record_enroll(r, &ein, &err), 0);
	cw_ntp_config_release(&c);
	cw_ntp_config_init(&c);
	snprintf(c.server[CW_NTP_PRIMARY].host, sizeof(c.server[0].host), "192.0.2.10");
	assert_int_equal(cw_record_ntp(r, &c, 0, &err), 0);
	cw_record_free(r);
	d = iniparser_load(fx->path);
	assert_non_null(d);
	expect_key(d, "ntp:primary", "192.0.2.10");
	expect_key(d, "ntp:primary_key", NULL);
	expect_key(d, "ntp:secondary", NULL);
	expect_key(d, "ntp:require_proven", "no");
	expect_key(d, "enroll:accept_ca", CA_FP);
	assert_int_equal(nkeys(d), 4);
	iniparser_freedict(d);
}

/* Paths the person gave are written as given, a relative one made
 * absolute (apply reads it from the answer file's directory). */
static void
test_record_paths(void **state)
{
	struct fx *fx = *state;
	struct cw_record *r = NULL;
	struct cw_job_enroll_in ein = { .otp_file = "/run/certwiz/otp" };
	struct cw_job_sc3_in in = {
		.target = "admin@host.example:/b.age", .auth = CW_JOB_AUTH_IDENTITY,
		.identity = "keys/id_ed25519", .known_hosts = "/var/lib/certwiz/known_hosts",
		.password_file = "/etc/certwiz/ssh-password",
	};
	char cwd[4096], want[4200];
	struct cw_error err;
	dictionary *d;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "%s/keys/id_ed25519", cwd);
	assert_int_equal(cw_record_new(fx->path, &r, &err), 0);
	assert_int_equal(cw_record_enroll(r, &ein, &err), 0);
	assert_int_equal(cw_record_sc3_restore(r, &in, &err), 0);
	cw_record_free(r);
	d = iniparser_load(fx->path);
	assert_non_null(d);
	expect_key(d, "enroll:otp_file", "/run/certwiz/otp");
	expect_key(d, "enroll:accept_ca", NULL);
	expect_key(d, "sc3:identity", want);
	expect_key(d, "sc3:known_hosts", "/var/lib/certwiz/known_hosts");
	expect_key(d, "sc3:password_file", "/etc/certwiz/ssh-password");
	expect_key(d, "sc3:master_key_file", NULL);
	iniparser_freedict(d);
}

static void
test_record_new_checks_path(void **state)
{
	struct fx *fx = *state;
	struct cw_record *r = NULL;
	struct cw_error err;

	assert_int_equal(cw_record_new(tu_path(fx->dir, "no/such/dir/a.ini"), &r, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	assert_null(r);
	assert_int_equal(cw_record_new(fx->dir, &r, &err), -1);	/* a directory */
	assert_int_equal(err.code, CW_E_USAGE);
	/* No recorder: every job is a no-op. */
	assert_int_equal(cw_record_check(NULL, &err), 0);
	cw_record_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_record_round_trip_no_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_quoting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_refuses_unwritable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_replaces_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_new_checks_path, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
