#!/usr/bin/python3
"""pseudo-po.py IN.po OUT.po - a pseudo translation for layout tests: every
msgid of IN.po (any committed catalog: only its msgids are read) becomes a
msgstr of the same text in full-width letters and digits (two columns each,
as in Japanese), printf conversions and escapes kept, so msgfmt -c accepts
it.  Double width and about twice the English length: harsher than any
real catalog, which is the point."""
import re
import sys

CONV = re.compile(r"%(\d+\$)?[-+ #0']*(\*|\d+)?(\.(\*|\d+))?"
                  r"((hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcspn%]|<PRI\w+>)")


def wide(text):
    out, i = [], 0
    while i < len(text):
        m = CONV.match(text, i) if text[i] == "%" else None
        if m:
            out.append(m.group(0))
            i = m.end()
            continue
        c = text[i]
        if c == "\\" and i + 1 < len(text):	# an escape: kept as is
            out.append(text[i:i + 2])
            i += 2
            continue
        out.append(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c)
        i += 1
    return "".join(out)


def unquote(lines):
    return "".join(re.match(r'^\s*(?:\S+\s+)?"(.*)"\s*$', l).group(1) for l in lines)


def entries(path):
    """(msgctxt, msgid, msgid_plural, c_format) per live entry."""
    cur, key, flags = {}, None, ""
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines() + [""]:
            if not line.strip():
                if "msgid" in cur:
                    yield (unquote(cur.get("msgctxt", [])) if "msgctxt" in cur else None,
                           unquote(cur["msgid"]),
                           unquote(cur["msgid_plural"]) if "msgid_plural" in cur else None,
                           flags)
                cur, key, flags = {}, None, ""
                continue
            if line.startswith("#,"):
                flags = line
                continue
            if line.startswith("#"):	# comments, obsolete (#~) entries
                continue
            m = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(\[\d+\])?)\s", line)
            if m:
                key = m.group(1)
                cur.setdefault(key, []).append(line)
            elif key is not None:
                cur[key].append(line)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(dst, "w", encoding="utf-8") as o:
        o.write('msgid ""\nmsgstr ""\n'
                '"Project-Id-Version: certwiz pseudo\\n"\n'
                '"PO-Revision-Date: 2026-01-01 00:00+0000\\n"\n'
                '"Last-Translator: pseudo-po.py\\n"\n'
                '"Language-Team: none\\n"\n'
                '"Language: ja\\n"\n'
                '"MIME-Version: 1.0\\n"\n'
                '"Content-Type: text/plain; charset=UTF-8\\n"\n'
                '"Content-Transfer-Encoding: 8bit\\n"\n'
                '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')
        for ctx, mid, plural, flags in entries(src):
            if mid == "":
                continue
            if flags:
                o.write(flags + "\n")
            if ctx is not None:
                o.write('msgctxt "%s"\n' % ctx)
            o.write('msgid "%s"\n' % mid)
            if plural is None:
                o.write('msgstr "%s"\n\n' % wide(mid))
            else:
                o.write('msgid_plural "%s"\n' % plural)
                o.write('msgstr[0] "%s"\nmsgstr[1] "%s"\n\n' % (wide(mid), wide(plural)))


main()
