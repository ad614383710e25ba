/* test_scp.c - USER@HOST:PATH parsing, fingerprint formatting (values from
 * `ssh-keygen -lf`), shell quoting and remote dir names. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "sc3/scp-int.h"
#include "sc3/scp.h"

static void
parse_ok(const char *spec, const char *user, const char *host, const char *path)
{
	struct cw_scp_target t;
	struct cw_error err;

	assert_int_equal(cw_scp_target_parse(spec, &t, &err), 0);
	assert_string_equal(t.user, user);
	assert_string_equal(t.host, host);
	assert_string_equal(t.path, path);
}

static void
parse_bad(const char *spec)
{
	struct cw_scp_target t;
	struct cw_error err;

	assert_int_equal(cw_scp_target_parse(spec, &t, &err), -1);
	assert_int_equal(err.code, CW_E_USAGE);
	assert_true(err.msg[0] != '\0');
}

static void
test_scp_parse_valid(void **state)
{
	(void)state;
	parse_ok("admin@192.0.2.10:/var/backup/sc3migration", "admin", "192.0.2.10",
	    "/var/backup/sc3migration");
	parse_ok("root@host.example:sc3migration", "root", "host.example", "sc3migration");
	parse_ok("a@[::1]:/tmp/x", "a", "::1", "/tmp/x");
	parse_ok("a@[fe80::1%eth0]:/tmp/x", "a", "fe80::1%eth0", "/tmp/x");
	parse_ok("a@host:/path/with:colon@at", "a", "host", "/path/with:colon@at");
	parse_ok("a@abc:/x:y", "a", "abc", "/x:y");
	parse_ok("a.b-c_d@h:p", "a.b-c_d", "h", "p");
	parse_ok("a@h:~/backup/x", "a", "h", "backup/x");
}

static void
test_scp_parse_invalid(void **state)
{
	char longpath[CW_SCP_PATH_MAX + 16];

	(void)state;
	parse_bad("");
	parse_bad("host:/path");		/* no user */
	parse_bad("@host:/path");		/* empty user */
	parse_bad("user@host");			/* no path */
	parse_bad("user@host:");		/* empty path */
	parse_bad("user@:/path");		/* no host */
	parse_bad("user@[::1/path");		/* no ']' */
	parse_bad("user@[::1]/path");		/* no ':' after ']' */
	parse_bad("user@[]:/path");		/* empty host */
	parse_bad("user@fe80::1:/path");	/* IPv6 without brackets */
	parse_bad("user@2001:db8::1:/p");
	parse_bad("user@host:/pa\nth");		/* control character */
	parse_bad("us er@host:/p");
	parse_bad("user@host:~");		/* ~ alone */
	parse_bad("user@host:~other/x");	/* ~user */
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	memcpy(longpath, "u@h:/", 5);
	parse_bad(longpath);
	assert_int_equal(cw_scp_target_parse(NULL, &(struct cw_scp_target){ 0 }, NULL), -1);
}

static size_t
decode(const char *b64, unsigned char *out)
{
	size_t len = strlen(b64);
	int n = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)len);

	assert_true(n > 0);
	return (size_t)n - (b64[len - 1] == '=') - (b64[len - 2] == '=');
}

static void
test_scp_fingerprint_matches_ssh_keygen(void **state)
{
	/* `ssh-keygen -lf` of these public keys printed these fingerprints. */
	static const struct {
		const char *b64, *fp;
	} v[] = {
		{ "AAAAC3NzaC1lZDI1NTE5AAAAILEJsztzi7fVP655IxYLVt6O9dHOnaPNA2IkJ3emZJqu",
		  "SHA256:0qZMacAkutRHoID2PvBjFMkwHpk7rQNBJwIlv9Tjmc4" },
		{ "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDPNMSRNeHPGsQ/+Cj/2sJXzjRUbcxIFGv2l+M54hgdLFls84V0EOb18hHBixMlfF+ygCNY16i3Ybl9zu2juhXDgpx1spXIge2OUD73zbmsJu9WdUY8ro/K0B3ah3U0jH3RAiZul7sZ1MPEJZd+N7FmOdia2wKRleLU+oG8lY4f8w==",
		  "SHA256:I6zljCmM0bR51Rw+qLl10+1xXpaJE5PniCFoHxp5750" },
	};
	unsigned char blob[512];
	char fp[CW_SCP_FP_MAX];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = decode(v[i].b64, blob);
		assert_int_equal(cw_scp_fingerprint_format(blob, n, fp, sizeof(fp)), 0);
		assert_string_equal(fp, v[i].fp);
	}
	/* Too small an output buffer is refused, not truncated. */
	assert_int_equal(cw_scp_fingerprint_format(blob, n, fp, 20), -1);
}

static void
test_scp_shell_quote(void **state)
{
	char buf[64] = "mv -- ";
	char small[8] = "";

	(void)state;
	assert_int_equal(cw_scp_shell_quote("it's a $file", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "mv -- 'it'\\''s a $file'");
	assert_int_equal(cw_scp_shell_quote("toolongforthis", small, sizeof(small)), -1);
}

static void
test_scp_remote_dir(void **state)
{
	char d[64];

	(void)state;
	cw_scp_remote_dir("/var/backup/x", d, sizeof(d));
	assert_string_equal(d, "/var/backup");
	cw_scp_remote_dir("/x", d, sizeof(d));
	assert_string_equal(d, "/");
	cw_scp_remote_dir("x", d, sizeof(d));
	assert_string_equal(d, ".");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scp_parse_valid),
		cmocka_unit_test(test_scp_parse_invalid),
		cmocka_unit_test(test_scp_fingerprint_matches_ssh_keygen),
		cmocka_unit_test(test_scp_shell_quote),
		cmocka_unit_test(test_scp_remote_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
