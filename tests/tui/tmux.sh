# tmux.sh - drive a program in a real terminal: tmux on its own socket,
# one detached 80x24 session, keys with send-keys, the screen with
# capture-pane.  Sourced after tests/lib.sh; the server is stopped by PID.
TMUX_BIN=${TMUX_BIN:-$(command -v tmux || true)}
[ -n "$TMUX_BIN" ] && [ -x "$TMUX_BIN" ] || skip "tmux not installed"
unset TMUX
TUI_N=0
DEMO="$top_builddir/tests/tui/uidemo"

tmx() { "$TMUX_BIN" -u -L "cwtui-$$-$TUI_N" -f /dev/null "$@"; }

# tui_start CMD: runs CMD (a shell command line) in an 80x24 pane; when it
# ends the pane shows "EXIT=<code>".  Every byte the program writes is
# also appended to $T/pane.raw.
tui_start() {
	TUI_N=$((TUI_N + 1))	# a fresh server (socket) per program
	: > "$T/pane.raw"
	rm -f "$T/go"
	# The program waits until pipe-pane records, so no byte is missed.
	tmx new-session -d -x 80 -y 24 -s t \
	    "while [ ! -e '$T/go' ]; do sleep 0.05; done; $1; echo EXIT=\$?; sleep 600"
	tmx set-option -g status off
	tmx set-option -g history-limit 5000
	TUI_PID=$(tmx display-message -p '#{pid}')
	CW_PIDS="$CW_PIDS $TUI_PID"
	tmx pipe-pane -t t "cat >> '$T/pane.raw'"
	: > "$T/go"
}

tui_screen() { tmx capture-pane -p -t t; }
tui_history() { tmx capture-pane -p -t t -S - -E -; }
tui_keys() { tmx send-keys -t t "$@"; }
tui_text() { tmx send-keys -t t -l "$1"; }
tui_resize() { tmx resize-window -t t -x "$1" -y "$2"; }

# tui_wait PATTERN [SECONDS]: until the screen matches (grep -E).
tui_wait() {
	n=$(( ${2:-15} * 10 ))
	while [ $n -gt 0 ]; do
		if tui_screen | grep -Eq -- "$1"; then
			return 0
		fi
		sleep 0.1
		n=$((n - 1))
	done
	tui_screen >&2
	fail "screen never showed /$1/"
}

# tui_gone PATTERN: the screen does not match now.
tui_gone() {
	if tui_screen | grep -Eq -- "$1"; then
		tui_screen >&2
		fail "screen still shows /$1/"
	fi
}

# tui_wait_gone PATTERN [SECONDS]: until the screen no longer matches
# (a redraw after a key takes its time on a busy machine).
tui_wait_gone() {
	n=$(( ${2:-15} * 10 ))
	while [ $n -gt 0 ]; do
		if ! tui_screen | grep -Eq -- "$1"; then
			return 0
		fi
		sleep 0.1
		n=$((n - 1))
	done
	tui_screen >&2
	fail "screen still shows /$1/"
}

# tui_col PATTERN: the column where PATTERN starts on the screen (0: absent).
tui_col() { tui_screen | awk -v p="$1" 'index($0, p) { print index($0, p); exit } END { }'; }

# tui_wait_col PATTERN COL: until PATTERN is at another column than COL;
# prints the new one.
tui_wait_col() {
	n=150
	while [ $n -gt 0 ]; do
		c=$(tui_col "$1")
		if [ -n "$c" ] && [ "$c" != "$2" ]; then
			echo "$c"
			return 0
		fi
		sleep 0.1
		n=$((n - 1))
	done
	tui_screen >&2
	fail "'$1' never moved from column $2"
}

# tui_otp_send OTP: at the enrollment's OTP question, OTP typed and the
# request confirmed, until the certificate is installed.
tui_otp_send() {
	tui_wait 'Paste the OTP'
	tui_text "$1"
	tui_keys Enter
	tui_wait 'Send the request'
	tui_keys y
	tui_wait 'certificate is installed' 30
}

tui_stop() {
	kill "$TUI_PID" 2>/dev/null || true
}

# tui_sc3_backup_form DEST KEY [PORT [USER]]: from the main menu, the
# wizard's Back up SC3 form filled (the master key twice) and sent; for an
# SCP destination the login question follows.
tui_sc3_backup_form() {
	tui_keys b
	tui_wait "Destination"
	tui_text "$1"
	tui_keys Tab
	tui_text "$2"
	tui_keys Tab
	tui_text "$2"
	tui_keys Tab
	[ -z "${3:-}" ] || tui_text "$3"
	tui_keys Tab
	[ -z "${4:-}" ] || tui_text "$4"
	tui_keys Enter
}
