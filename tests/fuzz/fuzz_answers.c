/* fuzz_answers - the answer file of `certwiz apply` (src/job/answers.c
 * over iniparser, with the NTP key-spec, host and SC3 target validators).
 * An input is an answer file: it is written to a file because
 * cw_answers_load() reads through iniparser_load(), the path certwiz
 * itself takes.  Nothing else is read: key and OTP files are only named. */
#include "config.h"

#include <stdio.h>

#include "job/answers.h"
#include "fuzz.h"

static char path[4200];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/answers.ini", fuzz_tmpdir());
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cw_answers a;
	struct cw_error err;

	fuzz_write_file(path, data, size);
	if (cw_answers_load(path, &a, &err) == 0)
		cw_answers_release(&a);
	return 0;
}
