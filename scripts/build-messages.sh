#!/usr/bin/env bash
# Merge the per-area Vietnamese fragments into the catalogue Django reads, then compile it.
# A msgid in two fragments takes the first one in name order; vendor-*.po (translations of
# third-party texts) sort last, so our own wording always wins.
set -euo pipefail
cd "$(dirname "$0")/.."
out=locale/vi/LC_MESSAGES
mkdir -p "$out"
tmp=$(mktemp)
cat > "$tmp" <<'HDR'
msgid ""
msgstr ""
"Project-Id-Version: so-ren-luyen\n"
"Language: vi\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=1; plural=0;\n"

HDR
for f in locale/fragments/*.po; do [ -e "$f" ] && { cat "$f"; echo; } >> "$tmp"; done
msguniq --use-first -o "$tmp.po" "$tmp"
mv "$tmp.po" "$out/django.po"
# Written aside and moved in, so a test run reading the catalogue never sees half a file.
msgfmt --check-format -o "$tmp.mo" "$out/django.po"
mv "$tmp.mo" "$out/django.mo"
rm -f "$tmp"
