/* fuzz_sntp - the SNTP reply (cw_ntp_reply_check in src/ntp/ntp-sntp.c).
 * An input is one UDP datagram as the server sent it (at most
 * CW_NTP_RECV_CAP bytes reach the parser; query_addr drops longer ones).
 *
 * The origin timestamp of a genuine reply echoes our nonce, which random
 * bytes never guess: the harness takes the nonce from the reply itself, so
 * every reply is "ours", and checks it as an answer to an unkeyed query
 * and to a query with one of the test lab chronyd's keys (SHA1 key 2 when
 * the MAC is 20 bytes long, else MD5 key 1; tests/lab/chronyd.sh), whose
 * replies are the seeds (tests/fuzz/mkcorpus.sh). */
#include "config.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "fuzz.h"
#include "ntp/ntp.h"

static struct cw_secret *md5_key, *sha1_key;

static struct cw_secret *
secret(const char *bytes, size_t len)
{
	struct cw_secret *s = cw_secret_new(64);

	if (s == NULL || cw_secret_append(s, bytes, len, NULL) == -1)
		abort();
	return s;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	md5_key = secret("LabMD5Key-0001", 14);
	sha1_key = secret("Lab SHA1 key 0002!!!", 20);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cw_ntp_query q = { .host = "fuzz", .port = 123, .timeout_ms = 1 };
	struct cw_ntp_sample s;
	uint64_t xmt, t1, t4;
	int foreign;

	if (size > CW_NTP_RECV_CAP)
		return 0;
	xmt = 0x1234;
	if (size >= 32) {
		memcpy(&xmt, data + 24, 8);
		xmt = be64toh(xmt);
	}
	/* Request sent at our nonce's time, answer 20 ms later. */
	t1 = xmt;
	t4 = xmt + (uint64_t)(0.020 * 4294967296.0);
	memset(&s, 0, sizeof(s));
	(void)cw_ntp_reply_check(data, size, xmt, t1, t4, &q, &s, &foreign);

	if (size == CW_NTP_PACKET_LEN + 4 + 20) {
		q.key = sha1_key;
		q.key_id = 2;
		q.alg = CW_NTP_ALG_SHA1;
	} else {
		q.key = md5_key;
		q.key_id = 1;
		q.alg = CW_NTP_ALG_MD5;
	}
	memset(&s, 0, sizeof(s));
	(void)cw_ntp_reply_check(data, size, xmt, t1, t4, &q, &s, &foreign);
	/* Not an answer to this request: must be told apart, never parsed. */
	memset(&s, 0, sizeof(s));
	if (cw_ntp_reply_check(data, size, ~xmt, t1, t4, &q, &s, &foreign) == CW_NTP_OK)
		abort();
	return 0;
}
