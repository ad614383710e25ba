/* screen-resume.c - at start, the unfinished journaled runs are offered
 * first: Resume, Abandon, Show journal. */
#include "config.h"

#include "screens.h"

int
ui_resume_offer(const struct cw_cfg *cfg)
{
	/* The journal listing (journal.h) has not landed on this branch yet:
	 * there is nothing to offer. */
	(void)cfg;
	return 0;
}
