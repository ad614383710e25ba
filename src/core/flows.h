/* flows.h - the registry of the flows this certwiz knows, so that a run
 * found in the journal (`certwiz journal resume RUN`, the wizard's resume
 * prompt) can be matched with its step table.  The table lives in
 * flows.c; a module adds its flow there with one line. */
#ifndef CW_FLOWS_H
#define CW_FLOWS_H

#include <stddef.h>

#include "core/flow.h"

struct cw_flows_entry {
	const struct cw_flow_def *def;
	cw_flow_resume_fn *resume;	/* for the CLI; see flow.h */
};

/* The entry for the flow named name, NULL if unknown.  Static storage. */
const struct cw_flows_entry *cw_flows_find(const char *name);

/* Every entry; *n receives the count.  Static storage. */
const struct cw_flows_entry *cw_flows_all(size_t *n);

#endif
