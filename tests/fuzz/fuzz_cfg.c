/* fuzz_cfg - the configuration file (src/core/cfg.c over iniparser).  An
 * input is a certwiz.conf: it is written to a file because cw_cfg_load()
 * reads through iniparser_load(), the path certwiz itself takes. */
#include "config.h"

#include <stdio.h>

#include "core/cfg.h"
#include "fuzz.h"

static char path[4200];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/certwiz.conf", fuzz_tmpdir());
	return 0;
}

static void
warn(void *ctx, const char *message)
{
	(void)ctx;
	(void)message;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cw_cfg cfg = { 0 };
	struct cw_error err;

	fuzz_write_file(path, data, size);
	if (cw_cfg_load(&cfg, path, warn, NULL, &err) == 0)
		cw_cfg_release(&cfg);
	return 0;
}
