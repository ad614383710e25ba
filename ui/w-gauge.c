/* w-gauge.c - the progress box a backend flow drives through its progress
 * callback (cw_flow_progress_fn).  Between two reports it reads the keys
 * already typed, without waiting: Cancel (its letter, Esc or Enter) and
 * Ctrl-C ask first, then make the callback return nonzero, which the flow
 * engine honours between steps. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow.h"
#include "core/i18n.h"
#include "uw-int.h"

/* The compiler checks that a flow can report to the gauge directly. */
static cw_flow_progress_fn *const fits_flow __attribute__((unused)) =
    uw_gauge_update;

struct uw_gauge {
	struct uw_frame f;
	char title[256];
	char label[512];
	size_t step, nsteps;
	double fraction;
	int cancelled;
	char question[512];	/* uw_gauge_question(); "" = the flow's */
};

static void
draw(struct uw_gauge *g)
{
	const char *labels[1] = { _("Cancel") };
	int bw, fill, pct, cx, w = 60;
	double done;
	char buf[64];

	/* Wider for a long title or step label (German), up to the screen;
	 * beyond that the label ends in an ellipsis. */
	if ((int)uw_text_width(g->title) + 8 > w ||
	    (int)uw_text_width(g->label) + 4 > w)
		w = COLS - 4;
	if (uw__frame(&g->f, 8, w, g->title) == -1)
		return;
	uw__put_cut(g->f.win, 1, 2, g->label, g->f.w - 4);
	done = g->nsteps > 0 ?
	    ((double)g->step + g->fraction) / (double)g->nsteps : g->fraction;
	if (done < 0)
		done = 0;
	if (done > 1)
		done = 1;
	pct = (int)(done * 100.0 + 0.5);
	bw = g->f.w - 4 - 7;
	fill = (int)(done * bw + 0.5);
	mvwaddch(g->f.win, 3, 2, '[');
	for (int i = 0; i < bw; i++)
		waddch(g->f.win, i < fill ? '#' : ' ');
	wprintw(g->f.win, "] %3d%%", pct);
	if (g->nsteps > 0) {
		/* TRANSLATORS: progress of a job, e.g. "Step 2 of 5". */
		snprintf(buf, sizeof(buf), _("Step %zu of %zu"),
		    g->step + 1 > g->nsteps ? g->nsteps : g->step + 1, g->nsteps);
		uw__put_cut(g->f.win, 4, 2, buf, g->f.w - 4);
	}
	cx = uw__buttons(&g->f, g->f.h - 2, labels, 1, 0);
	wmove(g->f.win, g->f.h - 2, cx);
	uw__flush();
}

struct uw_gauge *
uw_gauge_open(const char *title)
{
	struct uw_gauge *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	snprintf(g->title, sizeof(g->title), "%s", title != NULL ? title : "");
	uw_busy(1);
	if (uw_plain())
		printf("%s\n", g->title);
	else
		draw(g);
	return g;
}

static int
ask_cancel(struct uw_gauge *g)
{
	int r;

	uw_busy(0);
	r = uw_yesno(_("Cancel?"), g->question[0] ? g->question :
	    _("Stop after the current step? The journal keeps the run: you can resume it later."),
	    1);
	uw_busy(1);
	if (r == UW_OK || r == UW_QUIT)
		g->cancelled = 1;
	return g->cancelled;
}

int
uw_gauge_update(void *ctx, size_t step, size_t nsteps, double fraction,
    const char *label)
{
	struct uw_gauge *g = ctx;
	const char *cancel = _("Cancel");

	if (label != NULL && strcmp(label, g->label) != 0) {
		snprintf(g->label, sizeof(g->label), "%s", label);
		if (uw_plain())
			printf("[%zu/%zu] %s\n",
			    step + 1 > nsteps ? nsteps : step + 1, nsteps, label);
	}
	g->step = step;
	g->nsteps = nsteps;
	g->fraction = fraction;
	if (uw_quit_signal())
		g->cancelled = 1;
	if (uw_plain() || g->cancelled)
		return g->cancelled;
	draw(g);
	for (;;) {
		struct uw_key k = uw__key(0);

		if (k.kind == UWK_TIMEOUT)
			break;
		if (k.kind == UWK_QUIT) {
			g->cancelled = 1;
			break;
		}
		if (k.kind == UWK_INTR ||
		    (k.kind == 0 && !k.is_key && (k.ch == 27 || k.ch == L'\r' ||
		    k.ch == L'\n' || uw__lower(k.ch) == uw__hotkey(cancel)))) {
			if (ask_cancel(g))
				break;
		} else if (k.kind == UWK_HELP)
			uw__show_help();
		draw(g);
	}
	return g->cancelled;
}

int
uw_gauge_cancelled(const struct uw_gauge *g)
{
	return g->cancelled;
}

void
uw_gauge_close(struct uw_gauge *g)
{
	if (g == NULL)
		return;
	uw_busy(0);
	uw__frame_free(&g->f);
	free(g);
}

void
uw_gauge_question(struct uw_gauge *g, const char *text)
{
	if (g != NULL)
		snprintf(g->question, sizeof(g->question), "%s", text != NULL ? text : "");
}
