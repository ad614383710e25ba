/* textwidth.c - display width of translated text. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/textwidth.h"

int
cw_textwidth(const char *s)
{
	mbstate_t st;
	const char *p = s;
	size_t n = strlen(s);
	int width = 0;

	memset(&st, 0, sizeof(st));
	while (n > 0) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, p, n, &st);
		int w;

		if (k == (size_t)-1 || k == (size_t)-2) {
			/* Not valid in this locale: one column per byte. */
			memset(&st, 0, sizeof(st));
			width++;
			p++;
			n--;
			continue;
		}
		if (k == 0)
			break;
		w = wcwidth(wc);
		width += w > 0 ? w : 0;
		p += k;
		n -= k;
	}
	return width;
}

void
cw_textwidth_pad(FILE *out, const char *s, int width)
{
	int w = cw_textwidth(s);

	fputs(s, out);
	do
		fputc(' ', out);
	while (++w < width);
}
