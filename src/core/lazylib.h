/* lazylib.h - libraries the first screen does not need, loaded on the
 * first call into them (src/core/lazylibs.c, generated). */
#ifndef CW_LAZYLIB_H
#define CW_LAZYLIB_H

struct cw_lazylib {
	const char *soname;
	void *handle;
};

/* What the front end does when a library cannot be loaded: say so (the
 * installation is broken); the process ends with exit 70 after it. */
typedef void cw_lazy_fatal_fn(const char *what, const char *detail);
void cw_lazy_on_fatal(cw_lazy_fatal_fn *fn);

/* The address of sym in lib, loading lib first.  A library or symbol
 * that cannot be loaded ends the process (exit 70) through the fatal hook
 * above: the installation is broken and no job can go on. */
void *cw_lazy_sym(struct cw_lazylib *lib, const char *sym);

#define CW_LAZY(lib, sym) do { \
	if (p_##sym == NULL) \
		p_##sym = (__typeof__(p_##sym))cw_lazy_sym(&(lib), #sym); \
} while (0)

#endif
