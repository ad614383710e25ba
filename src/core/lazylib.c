/* lazylib.c - see lazylib.h. */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <syslog.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/lazylib.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static cw_lazy_fatal_fn *fatal;

void
cw_lazy_on_fatal(cw_lazy_fatal_fn *fn)
{
	fatal = fn;
}

static void
die(const char *what, const char *detail)
{
	/* A broken installation: the front end says so (main() restores
	 * the terminal first) and the process ends at once.  The backend
	 * itself never writes to the terminal: syslog without a hook. */
	if (detail == NULL)
		detail = "?";
	if (fatal != NULL)
		fatal(what, detail);
	syslog(LOG_ERR, "cannot load %s: %s (reinstall certwiz and its dependencies)",
	    what, detail);
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
