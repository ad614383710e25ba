/* fuzz.h - what the libFuzzer harnesses share (tests/fuzz/README.md).
 * Each harness is one fuzz_NAME.c defining LLVMFuzzerTestOneInput for one
 * parser of outside bytes; they are built by clang apart from the main
 * build (tests/fuzz/fuzz.mk) and never installed. */
#ifndef CW_FUZZ_H
#define CW_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A private directory for this process (made on first use, removed with
 * its content at exit): harnesses whose parser reads a file write the
 * input there.  Aborts when it cannot be made: no harness runs without. */
const char *fuzz_tmpdir(void);

/* Writes len bytes to path (0600, replaced).  Aborts on failure: a full
 * disk is no finding. */
void fuzz_write_file(const char *path, const void *data, size_t len);

/* data as a NUL-terminated copy (caller frees). */
char *fuzz_strndup(const uint8_t *data, size_t len);

#endif
