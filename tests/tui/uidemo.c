/* uidemo.c - shows each widget on its own, for the tmux tests and the
 * byte bench: `uidemo WIDGET`.  Results go to the file named by $UIDEMO_OUT
 * (this is a test program, not part of ui/).  Never installed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/cfg.h"
#include "core/error.h"
#include "core/flow.h"
#include "core/i18n.h"
#include "core/lock.h"
#include "core/secret.h"
#include "ui/widgets.h"

static FILE *out;

static void
result(const char *what, int rc)
{
	if (out != NULL)
		fprintf(out, "%s rc=%d\n", what, rc);
}

static int
v_host(const char *value, char *msg, size_t len, void *ctx)
{
	(void)ctx;
	if (strchr(value, ' ') != NULL || strlen(value) > 253) {
		snprintf(msg, len, "'%s' is not a host name: no spaces allowed", value);
		return -1;
	}
	return 0;
}

static int
v_keyid(const char *value, char *msg, size_t len, void *ctx)
{
	char *end;
	long v = strtol(value, &end, 10);

	(void)ctx;
	if (*end != '\0' || v < 1 || v > 65534) {
		snprintf(msg, len, "Key ID must be a number from 1 to 65534");
		return -1;
	}
	return 0;
}

static int
demo_form(void)
{
	char host[256] = "", keyid[16] = "", note[128] = "";
	struct cw_secret *key = cw_secret_new(256);
	struct uw_field f[] = {
		{ "Server", host, sizeof(host), NULL, 0, v_host, NULL },
		{ "Key ID", keyid, sizeof(keyid), NULL, 0, v_keyid, NULL },
		{ "Key", NULL, 0, key, UW_FIELD_MASKED, NULL, NULL },
		{ "Note", note, sizeof(note), NULL, UW_FIELD_OPTIONAL, NULL, NULL },
	};
	int rc = uw_form("NTP server", "Enter the server and its symmetric key.", f, 4);

	result("form", rc);
	if (out != NULL && rc == UW_OK) {
		const char *want = getenv("UIDEMO_EXPECT");

		fprintf(out, "host=%s\nkeyid=%s\nnote=%s\nkeylen=%zu\nkeymatch=%d\n",
		    host, keyid, note, cw_secret_len(key),
		    want != NULL && strcmp(want, cw_secret_data(key)) == 0);
	}
	cw_secret_free(key);
	return rc;
}

static int
demo_password(void)
{
	struct cw_secret *s = cw_secret_new(256);
	int rc = uw_password("One-time password", "Paste the one-time password from the support portal.", s);

	result("password", rc);
	if (out != NULL && rc == UW_OK) {
		const char *want = getenv("UIDEMO_EXPECT");

		fprintf(out, "len=%zu\nmatch=%d\n", cw_secret_len(s),
		    want != NULL && strcmp(want, cw_secret_data(s)) == 0);
	}
	cw_secret_free(s);
	return rc;
}

static int
demo_input(const char *title, const char *prompt)
{
	char buf[256] = "";
	int rc = uw_input(title, prompt, buf, sizeof(buf), UW_FIELD_OPTIONAL, NULL, NULL);

	result("input", rc);
	if (out != NULL)
		fprintf(out, "value=%s\n", buf);
	return rc;
}

static const struct uw_item items[] = {
	{ 'a', "Alpha", NULL }, { 'b', "Bravo", NULL }, { 'c', "Charlie", NULL },
	{ 'd', "Delta", NULL },
	{ 'e', "時刻サーバーの設定", "日本語の説明" },
};

static int
demo_menu(void)
{
	size_t sel = 0;
	int rc = uw_menu("Menu", "Pick one.", items, 5, &sel);

	result("menu", rc);
	if (out != NULL)
		fprintf(out, "sel=%zu\n", sel);
	return rc;
}

static int
demo_check(int radio)
{
	int on[4] = { 0, 1, 0, 0 };
	int rc = uw_checklist(radio ? "Radio" : "Checks", "Choose.", items, 4, on, radio);

	result(radio ? "radio" : "check", rc);
	if (out != NULL)
		fprintf(out, "on=%d%d%d%d\n", on[0], on[1], on[2], on[3]);
	return rc;
}

static int
demo_gauge(void)
{
	static const char *const labels[] = { "Checking", "Generating key", "Enrolling", "Installing" };
	struct uw_gauge *g = uw_gauge_open("Working");
	size_t step;
	int stop = 0;

	for (step = 0; step < 4 && !stop; step++)
		for (int t = 0; t <= 10 && !stop; t++) {
			struct timespec ts = { 0, 60 * 1000000L };

			stop = uw_gauge_update(g, step, 4, t / 10.0, labels[step]);
			nanosleep(&ts, NULL);
		}
	if (out != NULL)
		fprintf(out, "gauge cancelled=%d step=%zu\n", uw_gauge_cancelled(g), step);
	uw_gauge_close(g);
	return 0;
}

/* A real four-step flow (journaled under the config's state_dir) whose
 * steps report progress: the gauge's Cancel must reach it, and a cancelled
 * run must resume where it stopped. */
static int
step_work(struct cw_flow *run, struct cw_error *err)
{
	size_t i = cw_flow_next_step(run);

	if (out != NULL)
		fprintf(out, "ran step %zu\n", i);
	for (int t = 1; t <= 5; t++) {
		struct timespec ts = { 0, 80 * 1000000L };

		nanosleep(&ts, NULL);
		if (cw_flow_progress(run, t / 5.0, err) == -1)
			return -1;
	}
	return 0;
}

static const struct cw_flow_step demo_steps[] = {
	{ "one", "First step", step_work, NULL },
	{ "two", "Second step", step_work, NULL },
	{ "three", "Third step", step_work, NULL },
	{ "four", "Fourth step", step_work, NULL },
};

static const struct cw_flow_def demo_flow = {
	"uidemo", "Demo job", "uidemo", demo_steps, 4, NULL, 0,
};

static int
demo_flowrun(void)
{
	static const struct cw_fact inputs[] = { { "demo", "1" } };
	struct cw_cfg cfg;
	struct cw_error err;
	struct cw_lock *lock = NULL;
	struct cw_flow *run = NULL;
	struct uw_gauge *g = NULL;
	int rc = -1;

	cw_error_clear(&err);
	if (cw_cfg_load(&cfg, getenv("UIDEMO_CONF"), NULL, NULL, &err) == -1)
		goto report;
	if (cw_lock_acquire(cfg.state_dir, &lock, &err) == 0 &&
	    cw_flow_open(&cfg, &demo_flow, inputs, 1, NULL, &run, &err) == 0) {
		if (out != NULL)
			fprintf(out, "resumed=%d\n", cw_flow_resumed(run));
		g = uw_gauge_open("Demo job");
		rc = cw_flow_run(run, uw_gauge_update, g, &err);
		uw_gauge_close(g);
	}
	cw_flow_free(run);
	cw_lock_release(lock);
	cw_cfg_release(&cfg);
report:
	if (out != NULL)
		fprintf(out, "flow rc=%d code=%s\n", rc, cw_error_code_name(err.code));
	return 0;
}

int
main(int argc, char **argv)
{
	const char *w = argc > 1 ? argv[1] : "";
	const char *path = getenv("UIDEMO_OUT");
	int rc = 0;

	cw_i18n_init();
	if (path != NULL)
		out = fopen(path, "w");
	if (out != NULL)
		setvbuf(out, NULL, _IOLBF, 0);
	if (uw_begin() == -1)
		return 1;
	if (strcmp(w, "bench") != 0) {
		uw_backtitle("certwiz widget demo");
		uw_status("Tab: move  Enter: OK  Esc: back  F1: help");
	}
	if (strcmp(w, "bench") == 0) {
		rc = demo_input(NULL, "NTP server");
		if (rc == UW_OK)
			rc = demo_input(NULL, "NTP key ID");
	} else if (strcmp(w, "input") == 0)
		rc = demo_input("NTP", "NTP server");
	else if (strcmp(w, "form") == 0)
		rc = demo_form();
	else if (strcmp(w, "password") == 0)
		rc = demo_password();
	else if (strcmp(w, "menu") == 0)
		rc = demo_menu();
	else if (strcmp(w, "check") == 0)
		rc = demo_check(0);
	else if (strcmp(w, "radio") == 0)
		rc = demo_check(1);
	else if (strcmp(w, "gauge") == 0)
		rc = demo_gauge();
	else if (strcmp(w, "flow") == 0)
		rc = demo_flowrun();
	else if (strcmp(w, "msg") == 0)
		result("msg", rc = uw_msgbox("Message", "The quick brown fox jumps over the lazy dog. 日本語の文章も表示幅で折り返されます。"));
	else if (strcmp(w, "long") == 0) {
		/* Taller than the screen, a title wider than the box. */
		char text[4096] = "";
		for (int i = 1; i <= 40; i++) {
			char line[64];
			snprintf(line, sizeof(line), "- item %d of the list\n", i);
			strncat(text, line, sizeof(text) - strlen(text) - 1);
		}
		strncat(text, "Go on?", sizeof(text) - strlen(text) - 1);
		result("long", rc = uw_yesno("A title far wider than any box on an eighty column screen could ever show in full", text, 0));
	} else if (strcmp(w, "longform") == 0) {
		/* A form whose text cannot fit: the fields come first. */
		char text[4096] = "", host[64] = "ntp.example.com";
		struct uw_field f[] = {
			{ "Server", host, sizeof(host), NULL, 0, NULL, NULL },
		};
		for (int i = 1; i <= 40; i++) {
			char line[64];
			snprintf(line, sizeof(line), "- note %d about the server\n", i);
			strncat(text, line, sizeof(text) - strlen(text) - 1);
		}
		result("longform", rc = uw_form("Form", text, f, 1));
	} else if (strcmp(w, "yesno") == 0)
		result("yesno", rc = uw_yesno("Question", "Restart the management service now?", 0));
	else if (strcmp(w, "view") == 0) {
		char text[8192] = "";
		for (int i = 1; i <= 60; i++) {
			char line[128];
			snprintf(line, sizeof(line), "line %d: 日本語 log text that is long enough to need wrapping at eighty columns on this screen\n", i);
			strncat(text, line, sizeof(text) - strlen(text) - 1);
		}
		result("view", rc = uw_textview("Log", text));
	} else {
		uw_end();
		fprintf(stderr, "usage: uidemo bench|input|form|password|menu|check|radio|gauge|flow|msg|yesno|long|longform|view\n");
		return 2;
	}
	int sig = uw_quit_signal();

	if (out != NULL)
		fprintf(out, "quit=%d\n", sig);
	uw_end();
	if (out != NULL)
		fclose(out);
	return rc == UW_QUIT || sig ? 130 : 0;
}
