/* testutil.h - helpers shared by the cmocka drivers. */
#ifndef CW_TESTUTIL_H
#define CW_TESTUTIL_H

#include <stddef.h>

/* Creates a fresh temporary directory (caller frees the string and removes
 * the tree with tu_rmtree). */
char *tu_mkdtemp(void);

/* rm -rf path. */
void tu_rmtree(const char *path);

/* Writes a file with the given mode; aborts the test on failure. */
void tu_write(const char *path, const char *content, unsigned mode);

/* Reads a whole file into a new string (NULL if it does not exist). */
char *tu_read(const char *path);

/* path = dir + "/" + name, in a static ring of buffers. */
const char *tu_path(const char *dir, const char *name);

#endif
