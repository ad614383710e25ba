/* textwidth.h - display width of translated text, for CLI tables that
 * stay aligned in German and Japanese (wcswidth, not strlen). */
#ifndef CW_TEXTWIDTH_H
#define CW_TEXTWIDTH_H

#include <stdio.h>

/* Columns s takes on the terminal in the current locale; invalid
 * multibyte text counts one column per byte. */
int cw_textwidth(const char *s);

/* Prints s followed by blanks up to width columns (at least one blank when
 * s is as wide or wider). */
void cw_textwidth_pad(FILE *out, const char *s, int width);

#endif
