/* flows.c - the registry of known flows (flows.h). */
#include "config.h"

#include <string.h>

#include "job/flows.h"

/* One line per flow: FLOW(definition, resume function), where definition
 * is the module's exported `const struct cw_flow_def` and resume the
 * job's cw_job_resume_fn (flows.h). */
#define CW_FLOWS(FLOW) \
	FLOW(cw_ntp_set_flow, cw_job_ntp_resume) \
	FLOW(cw_enroll_flow, cw_job_enroll_resume) \
	FLOW(cw_renew_flow, cw_job_renew_resume) \
	FLOW(cw_sc3_backup_flow, cw_job_sc3_resume) \
	FLOW(cw_sc3_restore_flow, cw_job_sc3_resume) \
	/* end of the list */

#define DECLARE(def, resume) \
	extern const struct cw_flow_def def;
CW_FLOWS(DECLARE)
#undef DECLARE

#define ENTRY(def, resume) { &def, resume },
static const struct cw_flows_entry registry[] = {
	CW_FLOWS(ENTRY)
	{ NULL, NULL }		/* sentinel: the list may be empty */
};
#undef ENTRY

#define NFLOWS (sizeof(registry) / sizeof(registry[0]) - 1)

const struct cw_flows_entry *
cw_flows_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (const struct cw_flows_entry *e = registry; e->def != NULL; e++)
		if (strcmp(e->def->name, name) == 0)
			return e;
	return NULL;
}

const struct cw_flows_entry *
cw_flows_all(size_t *n)
{
	*n = NFLOWS;
	return registry;
}
