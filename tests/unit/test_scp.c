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
#include <openssl/hmac.h>

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

/* cw_scp_known_hosts_scan: the known_hosts forms OpenSSH writes and
 * reads, against the key of v[0] above (Ed25519) and an RSA key. */
#define K_ED "AAAAC3NzaC1lZDI1NTE5AAAAILEJsztzi7fVP655IxYLVt6O9dHOnaPNA2IkJ3emZJqu"
#define K_RSA "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDPNMSRNeHPGsQ/+Cj/2sJXzjRUbcxIFGv2l+M54hgdLFls84V0EOb18hHBixMlfF+ygCNY16i3Ybl9zu2juhXDgpx1spXIge2OUD73zbmsJu9WdUY8ro/K0B3ah3U0jH3RAiZul7sZ1MPEJZd+N7FmOdia2wKRleLU+oG8lY4f8w=="

/* Scans text for hostport with the Ed25519 key as the server's: returns
 * the number of known types, *match and *revoked. */
static int
scan(const char *text, const char *hostport, int *match, int *revoked,
    struct cw_scp_known known[CW_SCP_KNOWN_TYPES])
{
	ssh_key key = NULL;
	int n;

	assert_int_equal(ssh_pki_import_pubkey_base64(K_ED, SSH_KEYTYPE_ED25519, &key), SSH_OK);
	n = cw_scp_known_hosts_scan(text, strlen(text), hostport, key, K_ED, known,
	    match, revoked);
	ssh_key_free(key);
	return n;
}

/* "|1|salt|hash" of host, as `ssh-keygen -H` writes it (HMAC-SHA1). */
static void
hashed(const char *host, char *out, size_t outlen)
{
	unsigned char salt[20], mac[EVP_MAX_MD_SIZE];
	unsigned char bs[64], bm[64];
	unsigned int ml = 0;

	for (size_t i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char)(i * 7 + 3);
	assert_non_null(HMAC(EVP_sha1(), salt, sizeof(salt), (const unsigned char *)host,
	    strlen(host), mac, &ml));
	EVP_EncodeBlock(bs, salt, sizeof(salt));
	EVP_EncodeBlock(bm, mac, (int)ml);
	snprintf(out, outlen, "|1|%s|%s", bs, bm);
}

static void
test_scp_known_hosts_scan(void **state)
{
	struct cw_scp_known known[CW_SCP_KNOWN_TYPES];
	char text[4096], h[160];
	int match, revoked;

	(void)state;
	/* plain name, port 22 */
	assert_int_equal(scan("127.0.0.1 ssh-ed25519 " K_ED "\n", "127.0.0.1",
	    &match, &revoked, known), 1);
	assert_true(match);
	assert_false(revoked);
	assert_true(known[0].known);
	assert_string_equal(known[0].name, "ssh-ed25519");
	assert_string_equal(known[0].fp, "SHA256:0qZMacAkutRHoID2PvBjFMkwHpk7rQNBJwIlv9Tjmc4");
	/* the same name on another port is another host */
	assert_int_equal(scan("127.0.0.1 ssh-ed25519 " K_ED "\n", "[127.0.0.1]:2222",
	    &match, &revoked, known), 0);
	assert_false(match);
	/* [host]:port, a tab, CRLF, comments, blank lines */
	assert_int_equal(scan("# admin's file\r\n\r\n[127.0.0.1]:2222\tssh-ed25519 " K_ED " c\r\n",
	    "[127.0.0.1]:2222", &match, &revoked, known), 1);
	assert_true(match);
	/* "[host]:22" also names the default port */
	assert_int_equal(scan("[127.0.0.1]:22 ssh-ed25519 " K_ED "\n", "127.0.0.1",
	    &match, &revoked, known), 1);
	assert_true(match);
	/* hashed name */
	hashed("[::1]:2222", h, sizeof(h));
	snprintf(text, sizeof(text), "%s ssh-ed25519 %s\n", h, K_ED);
	assert_int_equal(scan(text, "[::1]:2222", &match, &revoked, known), 1);
	assert_true(match);
	assert_int_equal(scan(text, "[::1]:2223", &match, &revoked, known), 0);
	/* a line libssh cannot parse hides nothing after it */
	assert_int_equal(scan("h ssh-frobnicate AAAA\nh ssh-ed25519 !!!\nh ssh-ed25519 " K_ED "\n",
	    "h", &match, &revoked, known), 1);
	assert_true(match);
	/* patterns, and a negated pattern that excludes the host (OpenSSH) */
	assert_int_equal(scan("*.example,!bad.example ssh-ed25519 " K_ED "\n",
	    "Server.example", &match, &revoked, known), 1);
	assert_true(match);
	assert_int_equal(scan("*.example,!bad.example ssh-ed25519 " K_ED "\n",
	    "bad.example", &match, &revoked, known), 0);
	assert_false(match);
	assert_int_equal(scan("!b?d.*,*.example ssh-ed25519 " K_ED "\n",
	    "bad.example", &match, &revoked, known), 0);
	/* another key type for the host: known, no match (a changed key) */
	assert_int_equal(scan("h ssh-rsa " K_RSA "\n", "h", &match, &revoked, known), 1);
	assert_false(match);
	assert_true(known[4].known);
	assert_string_equal(known[4].name, "ssh-rsa");
	assert_string_equal(known[4].fp, "SHA256:I6zljCmM0bR51Rw+qLl10+1xXpaJE5PniCFoHxp5750");
	assert_false(known[0].known);
	/* @revoked names the key; @cert-authority lines carry no host key */
	assert_int_equal(scan("@revoked * ssh-ed25519 " K_ED "\nh ssh-ed25519 " K_ED "\n",
	    "h", &match, &revoked, known), 1);
	assert_true(revoked);
	assert_int_equal(scan("@cert-authority h ssh-ed25519 " K_ED "\n", "h", &match,
	    &revoked, known), 0);
	assert_false(match);
	assert_false(revoked);
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
		cmocka_unit_test(test_scp_known_hosts_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
