#!/usr/bin/env python3
"""Writes normalization.txt, the Unicode normalization data HfTokenizer's NFC/NFD/NFKC/NFKD steps read.

The tool runs with InvariantGlobalization (no ICU), where string.Normalize leaves non-ASCII text as is, so
the tables ship with it. Source: Python's unicodedata (the Unicode version it prints on the first line).
Lines: "d XXXX YYYY ZZZZ" canonical full decomposition, "k XXXX ..." compatibility full decomposition (only
where it differs from the canonical one), "c XXXX N" canonical combining class N, "p XXXX A B" a primary
composite and its two-character canonical decomposition, which NFC recomposes. Hangul syllables are algorithmic.
Run: python3 make_normalization_data.py > normalization.txt
"""
import sys
import unicodedata

def full(cp, form):
    return [ord(c) for c in unicodedata.normalize(form, chr(cp))]

print(f"# Unicode {unicodedata.unidata_version} normalization data, from Python's unicodedata; see make_normalization_data.py")
for cp in range(0x110000):
    if 0xD800 <= cp <= 0xDFFF or 0xAC00 <= cp <= 0xD7A3:
        continue
    ch = chr(cp)
    ccc = unicodedata.combining(ch)
    if ccc:
        print(f"c {cp:X} {ccc}")
    raw = unicodedata.decomposition(ch)
    if not raw:
        continue
    nfd = full(cp, "NFD")
    nfkd = full(cp, "NFKD")
    if nfd != [cp]:
        print("d " + " ".join(f"{x:X}" for x in [cp] + nfd))
    if nfkd != nfd:
        print("k " + " ".join(f"{x:X}" for x in [cp] + nfkd))
    if not raw.startswith("<"):
        parts = raw.split()
        if len(parts) == 2 and unicodedata.normalize("NFC", "".join(chr(int(p, 16)) for p in parts)) == ch:
            print(f"p {cp:X} {parts[0]} {parts[1]}")
