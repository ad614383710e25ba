#!/bin/sh
# po.sh - the message catalog is complete and the committed translations
# are in step with the sources:
#  (a) every src/ or ui/ file with marked strings is in po/POTFILES.in;
#  (b) no bare string literal reaches the user through printf/fprintf/puts,
#      cw_error_set/hint or a uw_* widget call (format-only strings are
#      allowed, see ALLOW below);
#  (c) msgfmt -c --check-format accepts every committed .po;
#  (d) msgmerge against the current sources would not change the msgid
#      set of any committed .po (i.e. `make update-po` is a no-op there);
#  (e) every language in LINGUAS is complete (nothing untranslated or
#      fuzzy), its shortcut letters ("... shortcut" contexts) are single
#      ASCII letters or digits, different within their menu, and the
#      buttons shown together (Yes/No, OK/Cancel, OK/Back) have different
#      shortcut keys (the letter in a trailing "(X)", else the first).
# Works on a read-only source tree: everything is written to a temp dir.
set -u
: "${top_srcdir:?}"
for t in xgettext msgfmt msgmerge msgcat; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t missing"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cw-po.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$top_srcdir" || exit 99
fail=0

# The keyword options from po/Makevars, so the test and the build agree.
opts=$(sed -n 's/^XGETTEXT_OPTIONS *= *//p' po/Makevars)
[ -n "$opts" ] || { echo "FAIL: no XGETTEXT_OPTIONS in po/Makevars"; exit 1; }
find src ui -name "*.c" | LC_ALL=C sort > "$tmp/all"

# (a) files with marked strings vs POTFILES.in
# shellcheck disable=SC2086
xgettext $opts -D . -f "$tmp/all" -o "$tmp/all.pot" || exit 99
sed -n 's/^#: //p' "$tmp/all.pot" | tr ' ' '\n' | sed 's/:[0-9]*$//' |
	grep . | sort -u > "$tmp/marked"
grep -v '^#' po/POTFILES.in | grep . | sort -u > "$tmp/listed"
missing=$(comm -23 "$tmp/marked" "$tmp/listed")
if [ -n "$missing" ]; then
	echo "FAIL: files with marked strings missing from po/POTFILES.in:"
	echo "$missing" | sed 's/^/  /'
	fail=1
fi
stale=$(comm -13 "$tmp/marked" "$tmp/listed" | while read -r f; do
	[ -f "$f" ] || echo "$f"; done)
if [ -n "$stale" ]; then
	echo "FAIL: po/POTFILES.in lists files that do not exist:"
	echo "$stale" | sed 's/^/  /'
	fail=1
fi

# (b) bare literals in user-visible calls.  xgettext extracts an argument
# only when it is itself a literal, so _("...") arguments are not listed:
# what remains is unmarked.  Argument positions follow the prototypes in
# src/error.h and ui/widgets.h (title and text of every widget).
xgettext -k --from-code=UTF-8 --no-location --add-location=file \
	-kprintf:1 -kfprintf:2 -kputs:1 -kfputs:1 \
	-kcw_error_set:3 -kcw_error_hint:2 \
	-kuw_backtitle:1 -kuw_status:1 -kuw_help:1 \
	-kuw_msgbox:1 -kuw_msgbox:2 -kuw_yesno:1 -kuw_yesno:2 \
	-kuw_form:1 -kuw_form:2 -kuw_input:1 -kuw_input:2 \
	-kuw_password:1 -kuw_password:2 -kuw_menu:1 -kuw_menu:2 \
	-kuw_checklist:1 -kuw_checklist:2 -kuw_textview:1 -kuw_textview:2 \
	-kuw_gauge_open:1 -kuw_gauge_question:2 \
	-D . -f "$tmp/all" -o "$tmp/bare.pot" 2>"$tmp/bare.err" || {
	cat "$tmp/bare.err"; exit 99; }
# Allowed bare literals: no words, only formatting of already translated
# or non-linguistic text.  One msgid a line, exactly as in the .pot.
cat > "$tmp/allow.in" <<'ALLOW'
# layout only: the %s arguments are translated where they are built
  %-40s %-10s %-10s %s  %s\n
  %zu) %s %s\n
  %zu) %s\n
  - %s\n
%s: 
[%s] 
[%zu/%zu] %s\n
certwiz: %s%s%s\n
# option names are not translated; their descriptions are (the %s)
  -V, --version      %s\n
  -c, --config FILE  %s\n
      --record FILE  %s\n
  -h, --help         %s\n
# `certwiz --version`: program name and version
certwiz %s\n
# chrony.conf directives written by src/ntp/ntp-conf.c (a file, not the user)
keyfile %s\n
server %s
 port %d
 key %u
 iburst\n
# ntpsec ntp.conf directives (the same module)
keys %s\n
trustedkey %u\n
# machine-readable lines of `certwiz sc3 export/verify` that scripts parse
SHA-256 %s\n
manifest SHA-256 %s\n
ALLOW
grep -v '^#' "$tmp/allow.in" > "$tmp/allow"
[ -s "$tmp/bare.pot" ] && msgcat --no-wrap --no-location "$tmp/bare.pot" |
	sed -n 's/^msgid "\(.*\)"$/\1/p' | grep -v '^$' | sort -u > "$tmp/bare" ||
	: > "$tmp/bare"
# Strings without a letter outside conversions are format-only.
bad=$(grep -vxF -f "$tmp/allow" "$tmp/bare" |
	grep -v '^\([^A-Za-z%]*\(%[-+ #0-9.*]*[hlzjt]*[a-zA-Z]\)*\)*\(\\n\)*$')
if [ -n "$bad" ]; then
	echo "FAIL: unmarked user-visible strings (wrap them in _()):"
	printf '%s\n' "$bad" | sed 's/^/  "/; s/$/"/'
	fail=1
fi

# (c) and (d) for every committed translation
# shellcheck disable=SC2086
xgettext $opts -D . -f po/POTFILES.in -o "$tmp/cur.pot" || exit 99
ids() {	# the msgid set of a catalog, one a line (no header, no obsolete)
	msgcat --no-wrap --no-location --sort-output "$1" |
		awk '/^msgctxt |^msgid /{p=1} /^msgstr/{p=0} p' | grep -v '^msgid ""$' |
		sort
}
nlang=0
for po in po/*.po; do
	[ -f "$po" ] || continue
	nlang=$((nlang + 1))
	if ! msgfmt -c --check-format -o "$tmp/x.gmo" "$po" 2>"$tmp/fmt.err"; then
		echo "FAIL: msgfmt -c --check-format $po:"; cat "$tmp/fmt.err"
		fail=1
	fi
	msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" "$po" \
		"$tmp/cur.pot" || { fail=1; continue; }
	msgattrib --no-obsolete -o "$tmp/live.po" "$po"
	msgattrib --no-obsolete -o "$tmp/mlive.po" "$tmp/merged.po"
	ids "$tmp/live.po" > "$tmp/a"; ids "$tmp/mlive.po" > "$tmp/b"
	if ! cmp -s "$tmp/a" "$tmp/b"; then
		echo "FAIL: $po is out of date with the sources (run make -C po update-po):"
		diff "$tmp/a" "$tmp/b" | grep '^[<>]' | head -20
		fail=1
	fi
done
# Every language in LINGUAS has its catalog.
for l in $(grep -v '^#' po/LINGUAS); do
	[ -f "po/$l.po" ] || { echo "FAIL: po/LINGUAS lists $l without po/$l.po"; fail=1; }
done
# (e) complete catalogs with usable shortcuts
PYTHON3=${PYTHON3:-python3}
for l in $(grep -v '^#' po/LINGUAS); do
	po=po/$l.po
	[ -f "$po" ] || continue
	st=$(LC_ALL=C msgfmt --statistics -o /dev/null "$po" 2>&1)
	case $st in
	*untranslated*|*fuzzy*)
		echo "FAIL: $po is listed in LINGUAS but incomplete: $st"; fail=1 ;;
	esac
	msgcat --no-wrap --no-location "$po" > "$tmp/flat.po"
	"$PYTHON3" - "$po" "$tmp/flat.po" <<'PY' || fail=1
import re, sys
name, path = sys.argv[1], sys.argv[2]
esc = {'n': '\n', 't': '\t', '"': '"', '\\': '\\'}
unq = lambda s: re.sub(r'\\(.)', lambda m: esc.get(m.group(1), m.group(1)), s)
ents, cur = [], {}
for line in open(path, encoding='utf-8'):
    m = re.match(r'^(msgctxt|msgid|msgstr) "(.*)"$', line.rstrip('\n'))
    if m:
        if m.group(1) in ('msgctxt', 'msgid') and 'msgstr' in cur:
            ents.append(cur); cur = {}
        cur[m.group(1)] = unq(m.group(2))
if cur:
    ents.append(cur)
bad = 0
groups = {}
for e in ents:
    ctx = e.get('msgctxt', '')
    if ctx.endswith('shortcut'):
        k = e.get('msgstr', '')
        if not re.fullmatch(r'[A-Za-z0-9]', k):
            print(f'FAIL: {name}: shortcut [{ctx}] "{e["msgid"]}" -> "{k}" is not one ASCII letter or digit')
            bad = 1
        groups.setdefault(ctx, []).append((e['msgid'], k.lower()))
for ctx, ks in groups.items():
    seen = {}
    for mid, k in ks:
        if k in seen:
            print(f'FAIL: {name}: [{ctx}] "{seen[k]}" and "{mid}" both translate to "{k}"')
            bad = 1
        seen[k] = mid
tr = {e['msgid']: e.get('msgstr', '') for e in ents if 'msgctxt' not in e}
def hot(label):
    m = re.search(r'\(([A-Za-z0-9])\)$', label)
    return (m.group(1) if m else label[:1]).lower()
for pair in (('Yes', 'No'), ('OK', 'Cancel'), ('OK', 'Back')):
    a, b = (tr.get(p) or p for p in pair)
    if hot(a) == hot(b):
        print(f'FAIL: {name}: buttons "{a}" and "{b}" share the shortcut "{hot(a)}"')
        bad = 1
y = tr.get('y') or 'y'
if hot(tr.get('Yes') or 'Yes') != y[:1].lower():
    print(f'FAIL: {name}: the typed answer "y" -> "{y}" is not the shortcut of "Yes" -> "{tr.get("Yes")}"')
    bad = 1
sys.exit(bad)
PY
done
echo "checked $(wc -l < "$tmp/marked") files, $nlang catalogs"
exit $fail
