/* test_ntp.c - NTP settings validation, the chrony files (golden), the
 * SNTP packet and MAC with fixed vectors, reply checks. */
#include "config.h"

#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ntp/ntp.h"
#include "testutil.h"

/* ---- helpers */

static struct cw_secret *
secret_of(const char *text)
{
	struct cw_secret *s = NULL;
	struct cw_error err;

	assert_int_equal(cw_ntp_key_parse(text, strlen(text), &s, &err), 0);
	return s;
}

static void
set_server(struct cw_ntp_config *c, int role, const char *host, unsigned id,
    enum cw_ntp_alg alg, const char *key)
{
	struct cw_ntp_server *s = &c->server[role];

	snprintf(s->host, sizeof(s->host), "%s", host);
	if (key != NULL) {
		s->auth = CW_NTP_AUTH_SYMKEY;
		s->key_id = id;
		s->alg = alg;
		s->key = secret_of(key);
	}
}

static char *
golden(const char *name)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	char *text;

	snprintf(path, sizeof(path), "%s/tests/unit/golden/%s", top ? top : ".", name);
	text = tu_read(path);
	assert_non_null(text);
	return text;
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* ---- validation tables: the code is asserted, never the text */

static void
test_ntp_host_check(void **state)
{
	static const char *const good[] = {
		"ntp1.example.com", "localhost", "a-b.c", "192.0.2.1", "::1",
		"2001:db8::123", "NTP.Example.COM", "0.debian.pool.ntp.org",
	};
	static const char *const bad[] = {
		"", "ntp..example.com", "-ntp.example.com", "ntp-.example.com",
		".example.com", "300.1.2.3", "1.2.3", "2001:db8::zz", "a_b.com",
		"ntp example.com", "[::1]", "host:123", "ntp.example.com-",
	};
	struct cw_error err;
	char longname[300], label[70];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(cw_ntp_host_check(good[i], &err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cw_error_clear(&err);
		assert_int_equal(cw_ntp_host_check(bad[i], &err), -1);
		assert_int_equal(err.code, CW_E_USAGE);
	}
	memset(label, 'a', 64);
	label[64] = '\0';
	assert_int_equal(cw_ntp_host_check(label, &err), -1);	/* label > 63 */
	label[63] = '\0';
	assert_int_equal(cw_ntp_host_check(label, &err), 0);
	memset(longname, 'a', sizeof(longname));
	for (size_t i = 50; i < sizeof(longname); i += 50)
		longname[i] = '.';
	longname[254] = '\0';
	assert_int_equal(cw_ntp_host_check(longname, &err), -1);	/* > 253 */
	longname[253] = '\0';
	assert_int_equal(cw_ntp_host_check(longname, &err), 0);
}

static void
test_ntp_key_id_parse(void **state)
{
	static const char *const bad[] = {
		"0", "65535", "abc", "", "-1", "+1", "1.5", " 1", "1x",
		"99999999999999999999999",
	};
	struct cw_error err;
	unsigned id = 0;

	(void)state;
	assert_int_equal(cw_ntp_key_id_parse("1", &id, &err), 0);
	assert_int_equal(id, 1);
	assert_int_equal(cw_ntp_key_id_parse("65534", &id, &err), 0);
	assert_int_equal(id, 65534);
	assert_int_equal(cw_ntp_key_id_parse("007", &id, &err), 0);
	assert_int_equal(id, 7);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cw_error_clear(&err);
		assert_int_equal(cw_ntp_key_id_parse(bad[i], &id, &err), -1);
		assert_int_equal(err.code, CW_E_USAGE);
	}
}

static void
test_ntp_alg_parse(void **state)
{
	struct cw_error err;
	enum cw_ntp_alg alg;

	(void)state;
	assert_int_equal(cw_ntp_alg_parse("md5", &alg, &err), 0);
	assert_int_equal(alg, CW_NTP_ALG_MD5);
	assert_int_equal(cw_ntp_alg_parse("SHA1", &alg, &err), 0);
	assert_int_equal(alg, CW_NTP_ALG_SHA1);
	assert_int_equal(cw_ntp_alg_parse("Sha1", &alg, &err), 0);
	assert_int_equal(cw_ntp_alg_parse("sha256", &alg, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	assert_int_equal(cw_ntp_alg_parse("", &alg, &err), -1);
	assert_int_equal(cw_ntp_alg_parse("md4", &alg, &err), -1);
	assert_int_equal(cw_ntp_alg_parse(NULL, &alg, &err), -1);
	assert_int_equal(cw_ntp_alg_mac_len(CW_NTP_ALG_MD5), 16);
	assert_int_equal(cw_ntp_alg_mac_len(CW_NTP_ALG_SHA1), 20);
}

static void
test_ntp_key_parse(void **state)
{
	static const char *const bad[] = {
		"", "ASCII:", "HEX:", "HEX:abc", "HEX:zz",
		"HEX:0102030405060708090a0b0c0d0e0f101112131415",	/* 42 digits */
		"ABCDEFGHIJKLMNOPQRSTU",				/* 21 chars */
		"ASCII:ABCDEFGHIJKLMNOPQRSTU", "two words", "tab\there",
		"caf\xc3\xa9",
		"0102030405060708090a0b0c0d0e0f101112131",		/* bare, 39 */
		"0102030405060708090a0b0c0d0e0f101112131415",		/* bare, 42 */
	};
	struct cw_secret *s = NULL;
	struct cw_error err;

	(void)state;
	s = secret_of("ASCII:abc");
	assert_int_equal(cw_secret_len(s), 3);
	assert_memory_equal(cw_secret_data(s), "abc", 3);
	cw_secret_free(s);
	s = secret_of("bare");
	assert_memory_equal(cw_secret_data(s), "bare", 4);
	cw_secret_free(s);
	s = secret_of("HEX:00fF");
	assert_int_equal(cw_secret_len(s), 2);
	assert_memory_equal(cw_secret_data(s), "\x00\xff", 2);
	cw_secret_free(s);
	s = secret_of("ABCDEFGHIJKLMNOPQRST");			/* 20: the limit */
	cw_secret_free(s);
	s = secret_of("HEX:0102030405060708090a0b0c0d0e0f1011121314");	/* 40 */
	assert_int_equal(cw_secret_len(s), 20);
	cw_secret_free(s);
	/* 40 bare hex digits: a SHA1 key as the vendor's UI asks for it. */
	s = secret_of("0102030405060708090a0b0c0d0e0f1011121314");
	assert_int_equal(cw_secret_len(s), 20);
	assert_memory_equal(cw_secret_data(s), "\x01\x02\x03", 3);
	cw_secret_free(s);
	/* Up to 20 characters, hex digits or not, are text. */
	s = secret_of("0102030405060708090a");
	assert_int_equal(cw_secret_len(s), 20);
	cw_secret_free(s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = NULL;
		cw_error_clear(&err);
		assert_int_equal(cw_ntp_key_parse(bad[i], strlen(bad[i]), &s, &err), -1);
		assert_int_equal(err.code, CW_E_USAGE);
		assert_null(s);
		/* No key byte in the message, whatever the failure. */
		if (strlen(bad[i]) > 12)
			assert_null(strstr(err.msg, bad[i] + 6));
	}
}

static void
test_ntp_config_validate(void **state)
{
	struct cw_ntp_config c;
	struct cw_error err;

	(void)state;
	cw_ntp_config_init(&c);
	assert_int_equal(cw_ntp_config_validate(&c, &err), -1);	/* no primary */
	assert_int_equal(err.code, CW_E_USAGE);
	set_server(&c, CW_NTP_PRIMARY, "192.0.2.1", 1, CW_NTP_ALG_MD5, "k1");
	assert_int_equal(cw_ntp_config_validate(&c, &err), 0);
	set_server(&c, CW_NTP_SECONDARY, "192.0.2.1", 0, 0, NULL);
	assert_int_equal(cw_ntp_config_validate(&c, &err), -1);	/* same host */
	snprintf(c.server[1].host, sizeof(c.server[1].host), "ntp..x");
	assert_int_equal(cw_ntp_config_validate(&c, &err), -1);	/* bad name */
	cw_ntp_config_release(&c);

	/* One key ID, two different keys: the keys file cannot say both. */
	set_server(&c, CW_NTP_PRIMARY, "192.0.2.1", 1, CW_NTP_ALG_MD5, "k1");
	set_server(&c, CW_NTP_SECONDARY, "192.0.2.2", 1, CW_NTP_ALG_MD5, "k2");
	assert_int_equal(cw_ntp_config_validate(&c, &err), -1);
	cw_secret_free(c.server[1].key);
	c.server[1].key = secret_of("k1");
	assert_int_equal(cw_ntp_config_validate(&c, &err), 0);	/* same key */
	c.server[1].alg = CW_NTP_ALG_SHA1;
	assert_int_equal(cw_ntp_config_validate(&c, &err), -1);	/* same ID, other alg */
	c.server[1].alg = CW_NTP_ALG_MD5;
	c.server[1].key_id = 0;
	assert_int_equal(cw_ntp_config_validate(&c, &err), -1);
	c.server[1].key_id = 65535;
	assert_int_equal(cw_ntp_config_validate(&c, &err), -1);
	c.server[1].key_id = 2;
	cw_secret_free(c.server[1].key);
	c.server[1].key = NULL;
	assert_int_equal(cw_ntp_config_validate(&c, &err), -1);	/* no key */
	assert_int_equal(err.code, CW_E_USAGE);
	cw_ntp_config_release(&c);
}

/* ---- the chrony files */

static void
test_ntp_conf_render_golden(void **state)
{
	struct cw_ntp_config c;
	struct cw_secret *keys = NULL, *old = NULL;
	struct cw_error err;
	char *text = NULL, *want;
	struct cw_ntp_files none = { .daemon = CW_NTP_DAEMON_NONE,
	    .conf_file = "/etc/chrony/conf.d/certwiz.conf",
	    .keys_file = "/etc/chrony/certwiz.keys", .have_keyfile = 1 };
	struct cw_ntp_files chrony = { .daemon = CW_NTP_DAEMON_CHRONY,
	    .main_conf = "/etc/chrony/chrony.conf",
	    .conf_file = "/etc/chrony/sources.d/certwiz.sources",
	    .keys_file = "/etc/chrony/chrony.keys", .have_keyfile = 1 };
	struct cw_ntp_files ntpsec = { .daemon = CW_NTP_DAEMON_NTPSEC,
	    .main_conf = "/etc/ntpsec/ntp.conf",
	    .conf_file = "/etc/ntpsec/certwiz.conf",
	    .keys_file = "/etc/ntpsec/ntp.keys", .keys_in_snippet = 1 };

	(void)state;
	cw_ntp_config_init(&c);
	set_server(&c, CW_NTP_PRIMARY, "ntp1.example.com", 1, CW_NTP_ALG_MD5,
	    "ASCII:LabMD5Key-0001");
	assert_int_equal(cw_ntp_conf_render(&c, 10123, &none, &text, &err), 0);
	want = golden("ntp-snippet-md5.conf");
	assert_string_equal(text, want);
	free(want);
	free(text);
	/* A .sources file holds source lines only: no keyfile line. */
	snprintf(none.conf_file, sizeof(none.conf_file), "/etc/chrony/sources.d/certwiz.sources");
	assert_int_equal(cw_ntp_conf_render(&c, 123, &none, &text, &err), 0);
	assert_null(strstr(text, "keyfile"));
	assert_non_null(strstr(text, "server ntp1.example.com key 1 iburst\n"));
	free(text);
	snprintf(none.conf_file, sizeof(none.conf_file), "/etc/chrony/conf.d/certwiz.conf");
	/* chrony: a sourcedir file, its keyfile is chrony's own. */
	assert_int_equal(cw_ntp_conf_render(&c, 123, &chrony, &text, &err), 0);
	assert_null(strstr(text, "keyfile"));
	assert_non_null(strstr(text, "\nserver ntp1.example.com key 1 iburst\n"));
	free(text);
	chrony.have_keyfile = 0;
	assert_int_equal(cw_ntp_conf_render(&c, 123, &chrony, &text, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
	/* ntpsec: keys and trustedkey; port 123 only. */
	assert_int_equal(cw_ntp_conf_render(&c, 123, &ntpsec, &text, &err), 0);
	assert_non_null(strstr(text, "\nkeys /etc/ntpsec/ntp.keys\ntrustedkey 1\nserver ntp1.example.com key 1 iburst\n"));
	free(text);
	assert_int_equal(cw_ntp_conf_render(&c, 10123, &ntpsec, &text, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
	cw_ntp_config_release(&c);

	set_server(&c, CW_NTP_PRIMARY, "192.0.2.1", 7, CW_NTP_ALG_SHA1, "HEX:0102");
	set_server(&c, CW_NTP_SECONDARY, "2001:db8::123", 0, 0, NULL);
	assert_int_equal(cw_ntp_conf_render(&c, 123, &none, &text, &err), 0);
	want = golden("ntp-snippet-two.conf");
	assert_string_equal(text, want);
	free(want);
	free(text);
	cw_ntp_config_release(&c);

	set_server(&c, CW_NTP_PRIMARY, "192.0.2.1", 1, CW_NTP_ALG_MD5, "LabMD5Key-0001");
	set_server(&c, CW_NTP_SECONDARY, "192.0.2.2", 2, CW_NTP_ALG_SHA1,
	    "HEX:4c61622053484131206b65792030303032212121");
	assert_int_equal(cw_ntp_keys_render(&c, CW_NTP_DAEMON_NONE, NULL, "k", &keys, &err), 0);
	want = golden("ntp-keys-two.keys");
	assert_string_equal(cw_secret_data(keys), want);
	free(want);
	cw_secret_free(keys);
	/* The daemon's own keys file: every other line kept, certwiz's
	 * block replaced, wherever it stood. */
	old = secret_of("ASCII:x");
	cw_secret_free(old);
	old = cw_secret_new(4096);
	assert_non_null(old);
	{
		static const char text_old[] =
		    "# admin's comment\n"
		    "5 SHA256 HEX:00112233\n"
		    "# certwiz: managed keys ('certwiz ntp set'); edits here are overwritten.\n"
		    "9 MD5 HEX:0102\n"
		    "# certwiz: end\n"
		    "6 AES128 HEX:00112233445566778899aabbccddeeff";

		assert_int_equal(cw_secret_append(old, text_old, strlen(text_old), &err), 0);
	}
	assert_int_equal(cw_ntp_keys_render(&c, CW_NTP_DAEMON_CHRONY, old, "k", &keys, &err), 0);
	assert_string_equal(cw_secret_data(keys),
	    "# admin's comment\n"
	    "5 SHA256 HEX:00112233\n"
	    "6 AES128 HEX:00112233445566778899aabbccddeeff\n"
	    "# certwiz: managed keys ('certwiz ntp set'); edits here are overwritten.\n"
	    "1 MD5 HEX:4c61624d44354b65792d30303031\n"
	    "2 SHA1 HEX:4c61622053484131206b65792030303032212121\n"
	    "# certwiz: end\n");
	cw_secret_free(keys);
	/* ntpsec's keys file: more than 20 characters are hex, so hex
	 * where the key has more than 10 bytes, else the text itself. */
	assert_int_equal(cw_ntp_keys_render(&c, CW_NTP_DAEMON_NTPSEC, NULL, "k", &keys, &err), 0);
	assert_non_null(strstr(cw_secret_data(keys),
	    "\n1 MD5 4c61624d44354b65792d30303031\n2 SHA1 4c61622053484131206b65792030303032212121\n"));
	cw_secret_free(keys);
	cw_secret_free(c.server[0].key);
	c.server[0].key = secret_of("abc");
	assert_int_equal(cw_ntp_keys_render(&c, CW_NTP_DAEMON_NTPSEC, NULL, "k", &keys, &err), 0);
	assert_non_null(strstr(cw_secret_data(keys), "\n1 MD5 abc\n"));
	cw_secret_free(keys);
	cw_secret_free(c.server[0].key);
	c.server[0].key = secret_of("HEX:0001");	/* 2 bytes, not text */
	assert_int_equal(cw_ntp_keys_render(&c, CW_NTP_DAEMON_NTPSEC, NULL, "k", &keys, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	cw_secret_free(c.server[0].key);
	c.server[0].key = secret_of("LabMD5Key-0001");
	/* A key ID the admin has outside certwiz's block: refused. */
	c.server[1].key_id = 5;
	keys = NULL;
	assert_int_equal(cw_ntp_keys_render(&c, CW_NTP_DAEMON_CHRONY, old, "k", &keys, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
	assert_null(keys);
	cw_secret_free(old);
	/* A key shared by both servers is written once. */
	c.server[1].key_id = 1;
	c.server[1].alg = CW_NTP_ALG_MD5;
	assert_int_equal(cw_ntp_keys_render(&c, CW_NTP_DAEMON_NONE, NULL, "k", &keys, &err), 0);
	assert_non_null(strstr(cw_secret_data(keys), "\n1 MD5 HEX:"));
	assert_null(strstr(cw_secret_data(keys), "\n2 "));
	assert_null(strstr(strstr(cw_secret_data(keys), "\n1 MD5") + 1, "\n1 "));
	cw_secret_free(keys);
	cw_ntp_config_release(&c);
}

struct conf_fixture {
	char *dir;
	struct cw_cfg cfg;
};

static int
conf_setup(void **state)
{
	struct conf_fixture *f = calloc(1, sizeof(*f));
	struct cw_error err;

	assert_non_null(f);
	f->dir = tu_mkdtemp();
	assert_int_equal(cw_cfg_defaults(&f->cfg, &err), 0);
	free(f->cfg.ntp_conf_file);
	free(f->cfg.ntp_keys_file);
	free(f->cfg.ntp_reload_command);
	free(f->cfg.ntp_daemon);
	f->cfg.ntp_daemon = strdup("none");
	f->cfg.ntp_conf_file = strdup(tu_path(f->dir, "conf.d/certwiz.conf"));
	f->cfg.ntp_keys_file = strdup(tu_path(f->dir, "certwiz.keys"));
	f->cfg.ntp_reload_command = strdup("true");
	*state = f;
	return 0;
}

static int
conf_teardown(void **state)
{
	struct conf_fixture *f = *state;

	cw_cfg_release(&f->cfg);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void
test_ntp_conf_write_read_restore(void **state)
{
	struct conf_fixture *f = *state;
	struct cw_ntp_config c, back;
	struct cw_error err;
	struct stat st;
	char *first;
	int configured = -1;

	cw_ntp_config_init(&c);
	assert_int_equal(cw_ntp_conf_read(&f->cfg, 1, &back, &configured, &err), 0);
	assert_int_equal(configured, 0);
	{
		struct cw_ntp_result res[CW_NTP_ROLE__MAX];

		/* Nothing configured: the time is unproven, not "fine". */
		assert_int_equal(cw_ntp_check_time(&f->cfg, res, &err), -1);
		assert_int_equal(err.code, CW_E_TIME);
	}

	set_server(&c, CW_NTP_PRIMARY, "192.0.2.1", 1, CW_NTP_ALG_MD5, "LabMD5Key-0001");
	set_server(&c, CW_NTP_SECONDARY, "ntp2.example.com", 2, CW_NTP_ALG_SHA1,
	    "HEX:4c61622053484131206b65792030303032212121");
	assert_int_equal(cw_ntp_conf_write(&f->cfg, &c, &err), 0);
	assert_int_equal(stat(f->cfg.ntp_keys_file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(f->cfg.ntp_conf_file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	assert_int_equal(cw_ntp_conf_read(&f->cfg, 1, &back, &configured, &err), 0);
	assert_int_equal(configured, 1);
	for (int i = 0; i < CW_NTP_ROLE__MAX; i++) {
		assert_string_equal(back.server[i].host, c.server[i].host);
		assert_int_equal(back.server[i].auth, CW_NTP_AUTH_SYMKEY);
		assert_int_equal(back.server[i].key_id, c.server[i].key_id);
		assert_int_equal(back.server[i].alg, c.server[i].alg);
		assert_non_null(back.server[i].key);
		assert_true(cw_secret_equal(back.server[i].key, c.server[i].key));
	}
	cw_ntp_config_release(&back);
	/* Without keys: algorithms only, no key material in memory. */
	assert_int_equal(cw_ntp_conf_read(&f->cfg, 0, &back, &configured, &err), 0);
	assert_int_equal(back.server[1].alg, CW_NTP_ALG_SHA1);
	assert_null(back.server[0].key);
	cw_ntp_config_release(&back);

	/* Second write, then a failing reload puts the first back. */
	first = tu_read(f->cfg.ntp_conf_file);
	cw_ntp_config_release(&c);
	set_server(&c, CW_NTP_PRIMARY, "192.0.2.9", 0, 0, NULL);
	assert_int_equal(cw_ntp_conf_write(&f->cfg, &c, &err), 0);
	free(f->cfg.ntp_reload_command);
	f->cfg.ntp_reload_command = strdup("echo refused >&2; exit 3");
	cw_error_clear(&err);
	assert_int_equal(cw_ntp_reload(&f->cfg, NULL, NULL, &err), -1);
	assert_int_equal(err.code, CW_E_STATE);
	assert_string_equal(err.detail, "refused");
	{
		char *now = tu_read(f->cfg.ntp_conf_file);

		assert_string_equal(now, first);
		free(now);
	}
	assert_int_equal(cw_ntp_conf_read(&f->cfg, 1, &back, &configured, &err), 0);
	assert_string_equal(back.server[0].host, "192.0.2.1");
	assert_non_null(back.server[0].key);
	cw_ntp_config_release(&back);
	free(first);

	/* A snippet edited by hand is reported, not guessed at. */
	tu_write(f->cfg.ntp_conf_file, "server 192.0.2.1 minpoll 4\n", 0644);
	assert_int_equal(cw_ntp_conf_read(&f->cfg, 0, &back, &configured, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
	/* A keys file that lacks the key a server names. */
	tu_write(f->cfg.ntp_conf_file, "server 192.0.2.1 key 9 iburst\n", 0644);
	assert_int_equal(cw_ntp_conf_read(&f->cfg, 1, &back, &configured, &err), -1);
	assert_int_equal(err.code, CW_E_CONFIG);
	cw_ntp_config_release(&c);
}

/* ---- packet and MAC, fixed vectors */

static const uint64_t vec_xmt = 0xe7a1b2c3d4e5f607ULL;

/* The digests were computed once, independently of this code, over the
 * key followed by the 48-byte request built from vec_xmt:
 *   { printf 'LabMD5Key-0001'; cat pkt; } | openssl dgst -md5
 *   { printf 'Lab SHA1 key 0002!!!'; cat pkt; } | openssl dgst -sha1
 * where pkt = 0x23, 39 zero bytes, e7 a1 b2 c3 d4 e5 f6 07. */
static const uint8_t vec_md5[16] = {
	0xf1, 0xb2, 0xfe, 0x55, 0x65, 0x17, 0xb3, 0x3b,
	0x30, 0x1e, 0x71, 0xbc, 0xac, 0x78, 0xe4, 0x48,
};
static const uint8_t vec_sha1[20] = {
	0xed, 0xd1, 0xc2, 0x3f, 0xaf, 0xb2, 0xca, 0xf9, 0x03, 0x9c,
	0x13, 0xa5, 0xd9, 0x53, 0x6c, 0xca, 0xc4, 0xcc, 0xf6, 0x4b,
};

static void
test_ntp_request_build(void **state)
{
	uint8_t pkt[CW_NTP_PACKET_LEN], want[CW_NTP_PACKET_LEN] = { 0x23 };

	(void)state;
	memset(pkt, 0xaa, sizeof(pkt));
	cw_ntp_request_build(pkt, vec_xmt);
	put64(want + 40, vec_xmt);
	assert_memory_equal(pkt, want, sizeof(want));
	assert_int_equal(pkt[0] >> 6, 0);	/* LI */
	assert_int_equal(pkt[0] >> 3 & 7, 4);	/* version */
	assert_int_equal(pkt[0] & 7, 3);	/* client */
}

static void
test_ntp_mac_vectors(void **state)
{
	uint8_t pkt[CW_NTP_PACKET_LEN], mac[20];
	size_t len = 0;
	struct cw_error err;

	(void)state;
	cw_ntp_request_build(pkt, vec_xmt);
	assert_int_equal(cw_ntp_mac(CW_NTP_ALG_MD5, (const uint8_t *)"LabMD5Key-0001", 14,
	    pkt, sizeof(pkt), mac, &len, &err), 0);
	assert_int_equal(len, 16);
	assert_memory_equal(mac, vec_md5, 16);
	assert_int_equal(cw_ntp_mac(CW_NTP_ALG_SHA1, (const uint8_t *)"Lab SHA1 key 0002!!!", 20,
	    pkt, sizeof(pkt), mac, &len, &err), 0);
	assert_int_equal(len, 20);
	assert_memory_equal(mac, vec_sha1, 20);
}

/* A server reply to vec_xmt: T1 = 3900000000 s, the server 1 s ahead, 10 ms
 * each way, 5 ms inside the server: offset 1000 ms, delay 20 ms. */
#define T1	((uint64_t)3900000000ULL << 32)
#define MS(x)	((uint64_t)((x) * 4294967.296))

static size_t
make_reply(uint8_t *buf, int stratum, int leap, const char *refid)
{
	memset(buf, 0, CW_NTP_MAX_AUTH_LEN);
	buf[0] = (uint8_t)(leap << 6 | 4 << 3 | 4);
	buf[1] = (uint8_t)stratum;
	memcpy(buf + 12, refid, 4);
	put64(buf + 16, T1 - MS(60000));
	put64(buf + 24, vec_xmt);
	put64(buf + 32, T1 + MS(1010));
	put64(buf + 40, T1 + MS(1015));
	return CW_NTP_PACKET_LEN;
}

static size_t
add_mac(uint8_t *buf, unsigned id, enum cw_ntp_alg alg, const char *key)
{
	size_t len = 0;
	struct cw_error err;

	buf[48] = (uint8_t)(id >> 24);
	buf[49] = (uint8_t)(id >> 16);
	buf[50] = (uint8_t)(id >> 8);
	buf[51] = (uint8_t)id;
	assert_int_equal(cw_ntp_mac(alg, (const uint8_t *)key, strlen(key), buf,
	    CW_NTP_PACKET_LEN, buf + 52, &len, &err), 0);
	return CW_NTP_PACKET_LEN + 4 + len;
}

static void
test_ntp_reply_check(void **state)
{
	struct cw_secret *md5key = secret_of("LabMD5Key-0001");
	struct cw_ntp_query plain = { .host = "h", .port = 123, .timeout_ms = 100 };
	struct cw_ntp_query keyed = plain;
	struct cw_ntp_sample s;
	uint8_t buf[CW_NTP_MAX_AUTH_LEN];
	uint64_t t4 = T1 + MS(25);
	size_t len;
	int foreign;

	(void)state;
	keyed.key_id = 1;
	keyed.alg = CW_NTP_ALG_MD5;
	keyed.key = md5key;

	len = make_reply(buf, 2, 0, "\xc0\x00\x02\x01");
	assert_int_equal(cw_ntp_reply_check(buf, len, vec_xmt, T1, t4, &plain, &s, &foreign), CW_NTP_OK);
	assert_int_equal(foreign, 0);
	assert_true(s.offset_ms > 999.99 && s.offset_ms < 1000.01);
	assert_true(s.delay_ms > 19.99 && s.delay_ms < 20.01);
	assert_int_equal(s.stratum, 2);
	assert_string_equal(s.refid, "192.0.2.1");
	assert_int_equal(s.authenticated, 0);

	/* With the key: good MAC, then every way it can be wrong. */
	len = add_mac(buf, 1, CW_NTP_ALG_MD5, "LabMD5Key-0001");
	assert_int_equal(cw_ntp_reply_check(buf, len, vec_xmt, T1, t4, &keyed, &s, &foreign), CW_NTP_OK);
	assert_int_equal(s.authenticated, 1);
	buf[len - 1] ^= 1;
	assert_int_equal(cw_ntp_reply_check(buf, len, vec_xmt, T1, t4, &keyed, &s, &foreign), CW_NTP_BAD_MAC);
	buf[len - 1] ^= 1;
	buf[40] ^= 1;	/* a forged transmit time under an old MAC */
	assert_int_equal(cw_ntp_reply_check(buf, len, vec_xmt, T1, t4, &keyed, &s, &foreign), CW_NTP_BAD_MAC);
	buf[40] ^= 1;
	len = add_mac(buf, 2, CW_NTP_ALG_MD5, "LabMD5Key-0001");	/* other key ID */
	assert_int_equal(cw_ntp_reply_check(buf, len, vec_xmt, T1, t4, &keyed, &s, &foreign), CW_NTP_BAD_MAC);
	len = add_mac(buf, 1, CW_NTP_ALG_SHA1, "LabMD5Key-0001");	/* other length */
	assert_int_equal(cw_ntp_reply_check(buf, len, vec_xmt, T1, t4, &keyed, &s, &foreign), CW_NTP_BAD_MAC);
	assert_int_equal(cw_ntp_reply_check(buf, CW_NTP_PACKET_LEN, vec_xmt, T1, t4, &keyed, &s, &foreign), CW_NTP_NO_MAC);
	memset(buf + 48, 0, 4);
	assert_int_equal(cw_ntp_reply_check(buf, 52, vec_xmt, T1, t4, &keyed, &s, &foreign), CW_NTP_CRYPTO_NAK);
	/* Without a key, a MAC in the reply is ignored. */
	len = add_mac(buf, 1, CW_NTP_ALG_MD5, "whatever");
	assert_int_equal(cw_ntp_reply_check(buf, len, vec_xmt, T1, t4, &plain, &s, &foreign), CW_NTP_OK);

	/* Not an answer to us: other origin, or not server mode. */
	assert_int_equal(cw_ntp_reply_check(buf, 48, vec_xmt + 1, T1, t4, &plain, &s, &foreign), CW_NTP_BAD_REPLY);
	assert_int_equal(foreign, 1);
	buf[0] = (uint8_t)(4 << 3 | 3);
	assert_int_equal(cw_ntp_reply_check(buf, 48, vec_xmt, T1, t4, &plain, &s, &foreign), CW_NTP_BAD_REPLY);
	assert_int_equal(foreign, 1);
	assert_int_equal(cw_ntp_reply_check(buf, 47, vec_xmt, T1, t4, &plain, &s, &foreign), CW_NTP_BAD_REPLY);

	/* Kiss-o'-death, unsynchronised, no transmit time. */
	make_reply(buf, 0, 3, "RATE");
	assert_int_equal(cw_ntp_reply_check(buf, 48, vec_xmt, T1, t4, &keyed, &s, &foreign), CW_NTP_KOD);
	assert_string_equal(s.refid, "RATE");
	make_reply(buf, 16, 0, "\0\0\0\0");
	assert_int_equal(cw_ntp_reply_check(buf, 48, vec_xmt, T1, t4, &plain, &s, &foreign), CW_NTP_UNSYNC);
	make_reply(buf, 3, 3, "\x7f\0\0\1");
	assert_int_equal(cw_ntp_reply_check(buf, 48, vec_xmt, T1, t4, &plain, &s, &foreign), CW_NTP_UNSYNC);
	make_reply(buf, 1, 0, "GPS\0");
	assert_int_equal(cw_ntp_reply_check(buf, 48, vec_xmt, T1, t4, &plain, &s, &foreign), CW_NTP_OK);
	assert_string_equal(s.refid, "GPS");
	memset(buf + 40, 0, 8);
	assert_int_equal(cw_ntp_reply_check(buf, 48, vec_xmt, T1, t4, &plain, &s, &foreign), CW_NTP_BAD_REPLY);

	cw_secret_free(md5key);
}

/* Random datagrams (a fixed seed: reproducible) of every length up to the
 * cap, half of them carrying our origin so the deeper checks run: no
 * crash, no read past len (ASan and valgrind watch), never "OK" with a key
 * and a random MAC. */
static void
test_ntp_reply_random(void **state)
{
	struct cw_secret *key = secret_of("LabMD5Key-0001");
	struct cw_ntp_query keyed = { .host = "h", .port = 123, .timeout_ms = 100,
		.key_id = 1, .alg = CW_NTP_ALG_MD5, .key = key };
	struct cw_ntp_sample s;
	unsigned seed = 12345;
	int foreign;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)rand_r(&seed) % (CW_NTP_RECV_CAP + 1);
		uint8_t *buf = malloc(len ? len : 1);

		assert_non_null(buf);
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)rand_r(&seed);
		if (len >= CW_NTP_PACKET_LEN && (round & 1)) {
			buf[0] = (uint8_t)((buf[0] & 0xf8) | 4);
			put64(buf + 24, vec_xmt);
		}
		enum cw_ntp_status st = cw_ntp_reply_check(buf, len, vec_xmt, T1,
		    T1 + MS(1), &keyed, &s, &foreign);
		assert_true(st < CW_NTP_STATUS__MAX);
		assert_int_not_equal(st, CW_NTP_OK);
		free(buf);
	}
	cw_secret_free(key);
}

static void
test_ntp_status_names(void **state)
{
	(void)state;
	for (int i = 0; i < CW_NTP_STATUS__MAX; i++) {
		const char *n = cw_ntp_status_name(i);

		assert_non_null(n);
		assert_int_equal(strspn(n, "abcdefghijklmnopqrstuvwxyz_"), strlen(n));
	}
	assert_string_equal(cw_ntp_status_name(CW_NTP_BAD_MAC), "bad_mac");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ntp_host_check),
		cmocka_unit_test(test_ntp_key_id_parse),
		cmocka_unit_test(test_ntp_alg_parse),
		cmocka_unit_test(test_ntp_key_parse),
		cmocka_unit_test(test_ntp_config_validate),
		cmocka_unit_test(test_ntp_conf_render_golden),
		cmocka_unit_test_setup_teardown(test_ntp_conf_write_read_restore,
		    conf_setup, conf_teardown),
		cmocka_unit_test(test_ntp_request_build),
		cmocka_unit_test(test_ntp_mac_vectors),
		cmocka_unit_test(test_ntp_reply_check),
		cmocka_unit_test(test_ntp_reply_random),
		cmocka_unit_test(test_ntp_status_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
