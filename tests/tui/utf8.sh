#!/bin/sh
# A UTF-8 terminal with Japanese: a form field takes a Japanese string and
# lays it out by display width (the field's closing bracket stays in its
# column), the value arrives intact, and a message mixing English and
# Japanese is wrapped inside its box.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux.sh"

L=$(locale -a 2>/dev/null | grep -ix 'ja_JP.utf-\{0,1\}8' | head -1)
[ -n "$L" ] || skip "locale ja_JP.UTF-8 not generated (build-aux/install-deps does it)"
PY=${PYTHON3:-/usr/bin/python3}
W="$top_srcdir/tests/tui/widths.py"
JA="東京の時刻サーバー"

tui_start "LC_ALL=$L UIDEMO_OUT='$T/out' UIDEMO_EXPECT=k '$DEMO' form"
tui_wait "Server \\["
tui_text "ntp.example.jp"
tui_keys Tab
tui_text "7"
tui_keys Tab
tui_text "k"
tui_keys Tab
tui_text "$JA"
tui_wait "Note   \\[$JA"
s=$(tui_screen | LC_ALL=C.UTF-8 "$PY" "$W" "Server [")
n=$(tui_screen | LC_ALL=C.UTF-8 "$PY" "$W" "Note   [")
[ -n "$s" ] && [ "$s" = "$n" ] || { tui_screen >&2; fail "Note row is $n columns wide, Server row $s"; }
pass "Japanese in a field, laid out by display width"

# Backspace removes a whole wide character.
tui_keys BSpace
tui_wait "Note   \\[東京の時刻サーバ "
tui_text "ー"
tui_keys Enter
tui_wait "EXIT=0"
LC_ALL=C grep -qx "note=$JA" "$T/out" || { cat "$T/out" >&2; fail "Japanese value not delivered"; }
pass "Japanese value delivered intact"

tui_start "LC_ALL=$L '$DEMO' msg"
tui_wait "lazy dog"
tui_wait "< OK >"
widths=$(tui_screen | grep '│' | LC_ALL=C.UTF-8 "$PY" "$W" | sort -u)
[ "$(echo "$widths" | wc -l)" = 1 ] || { tui_screen >&2; fail "box rows of different widths: $widths"; }
tui_screen | grep -q "日本語" || fail "Japanese text missing"
pass "mixed text wrapped inside its box"

# A menu item in Japanese (the menu library lays it out): every box row
# keeps the same display width, the item's help shows, the letter picks it.
tui_start "LC_ALL=$L UIDEMO_OUT='$T/m' '$DEMO' menu"
tui_wait "e  時刻サーバーの設定"
tui_keys End
tui_wait "日本語の説明"
widths=$(tui_screen | grep '│' | LC_ALL=C.UTF-8 "$PY" "$W" | sort -u)
[ "$(echo "$widths" | wc -l)" = 1 ] || { tui_screen >&2; fail "menu rows of different widths: $widths"; }
tui_keys e
tui_wait "EXIT=0"
grep -qx "sel=4" "$T/m" || { cat "$T/m" >&2; fail "Japanese item not chosen"; }
pass "Japanese menu item laid out by display width"
