#!/bin/sh
# The certwiz that was built carries the hardening configure adds
# (issue 18 section 6), read back from the ELF file with readelf/objdump:
#   PIE          ELF type DYN with an INTERP header (FLAGS_1 PIE)
#   full RELRO   a GNU_RELRO segment and BIND_NOW (FLAGS or FLAGS_1 NOW)
#   stack guard  __stack_chk_fail imported (-fstack-protector-strong)
#   FORTIFY      fortified __*_chk imports (-D_FORTIFY_SOURCE=2); an ASan
#                build has ASan instead (__asan_init): configure leaves
#                FORTIFY out there, ASan checks those calls itself
#   CET (x86)    the IBT+SHSTK GNU property; the linker drops it when one
#                input lacks it, and Debian 12's crt1.o does: then main()
#                must start with endbr64 and the C runtime be the reason
#   per unit     with DWARF (-g), each of our compile units' DW_AT_producer names
#                -fstack-protector-strong, -fstack-clash-protection (no
#                other trace in the file) and, on x86, -fcf-protection
# Fails naming each one that is missing.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib.sh"

[ "${CW_HARDENING:-yes}" = yes ] || skip "configured with --disable-hardening"
command -v readelf >/dev/null 2>&1 || skip "readelf (binutils) is not installed"
B=$CERTWIZ
[ -f "$B" ] || fail "no binary at $B"
missing=""
miss() { missing="$missing
  - $*"; }

readelf -hW "$B" > "$T/h"
readelf -dW "$B" > "$T/d"
readelf -lW "$B" > "$T/l"
readelf --dyn-syms -W "$B" > "$T/s"
readelf -nW "$B" > "$T/n"

grep -q 'Type:[[:space:]]*DYN' "$T/h" && grep -q 'INTERP' "$T/l" ||
	miss "PIE: ELF type is not DYN with an interpreter (-fPIE -pie)"
grep -q 'GNU_RELRO' "$T/l" || miss "RELRO: no GNU_RELRO segment (-Wl,-z,relro)"
grep -Eq '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW' "$T/d" ||
	miss "BIND_NOW: no FLAGS BIND_NOW / FLAGS_1 NOW (-Wl,-z,now)"
grep -q ' __stack_chk_fail' "$T/s" ||
	miss "stack protector: __stack_chk_fail is not imported (-fstack-protector-strong)"
if grep -q ' __asan_init' "$T/s"; then
	echo "note: an ASan build: FORTIFY is left out on purpose, ASan checks those calls"
else
	chk=$(grep -Eo ' __[a-z0-9_]+_chk(@|$)' "$T/s" | grep -v __stack_chk | tr -d ' @' | sort -u | tr '\n' ' ')
	[ -n "$chk" ] || miss "FORTIFY: no __*_chk function imported (-D_FORTIFY_SOURCE=2 with -O)"
	[ -z "$chk" ] || echo "note: fortified: $chk"
fi

x86=no
case $(uname -m) in x86_64|i?86) x86=yes ;; esac
if [ $x86 = yes ]; then
	if grep -Eq 'x86 feature: .*IBT.*SHSTK|x86 feature: .*SHSTK.*IBT' "$T/n"; then
		:
	else
		crt=$(${CC:-cc} -print-file-name=Scrt1.o 2>/dev/null || true)
		if [ -f "$crt" ] && ! readelf -nW "$crt" | grep -q 'IBT'; then
			command -v objdump >/dev/null 2>&1 || skip "objdump (binutils) is not installed"
			first=$(objdump -d --no-show-raw-insn --disassemble=main "$B" |
				awk '/<main>:/ { getline; print $2; exit }')
			[ "$first" = endbr64 ] ||
				miss "CET: no IBT/SHSTK property and main() does not start with endbr64 (-fcf-protection)"
			echo "note: CET property absent because $crt has none; main() starts with endbr64"
		else
			miss "CET: no IBT+SHSTK GNU property (-fcf-protection), and the C runtime is not to blame"
		fi
	fi
fi

# Our compile units only (src/ and ui/ C files): an ASan build also links
# GCC's own asan_preinit.o, built with GCC's flags.
readelf --debug-dump=info "$B" 2>/dev/null | awk '
	/DW_TAG_compile_unit/ { p = ""; named = 0; next }
	/DW_AT_producer/ { p = $0; next }
	/DW_AT_name/ && !named { named = 1
		if (p != "" && $NF ~ /(^|\/)(src|ui)\/[^ ]*\.c$/) print p }' > "$T/p" || true
if [ -s "$T/p" ]; then
	units=$(wc -l < "$T/p")
	for f in -fstack-protector-strong -fstack-clash-protection; do
		n=$(grep -c -e "$f" "$T/p" || true)
		[ "$n" = "$units" ] || miss "$f: in $n of $units compile units"
	done
	if [ $x86 = yes ]; then
		n=$(grep -c -e '-fcf-protection' "$T/p" || true)
		[ "$n" = "$units" ] || miss "-fcf-protection: in $n of $units compile units"
	fi
else
	echo "note: no DWARF in $B (built without -g): the per-unit flags are not checked"
fi

[ -z "$missing" ] || fail "$B lacks:$missing"
pass "$B is PIE with full RELRO, stack protector, FORTIFY (or ASan), CET and stack clash protection"
