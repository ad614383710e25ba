/* lazylib.c - see lazylib.h. */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/lazylib.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void
die(const char *what, const char *detail)
{
	/* Not through the UI: this is a broken installation, reported where
	 * a package manager's user looks, and the process ends at once. */
	fprintf(stderr, _("certwiz: cannot load %s: %s (reinstall certwiz and its dependencies)\n"),
	    what, detail != NULL ? detail : "?");
	_exit(70);
}

void *
cw_lazy_sym(struct cw_lazylib *lib, const char *sym)
{
	void *p;

	pthread_mutex_lock(&mu);
	if (lib->handle == NULL &&
	    (lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL)) == NULL)
		die(lib->soname, dlerror());
	p = dlsym(lib->handle, sym);
	pthread_mutex_unlock(&mu);
	if (p == NULL)
		die(sym, dlerror());
	return p;
}
