"""Makes NianbaoLastResort-Regular.ttf: one glyph, a full-width box, mapped from every
code point through a single cmap format 13 ("many-to-one range mappings", the table
made for last-resort fonts). nianbao uses it as the very last fallback, for
characters that no other font has (emoji, other scripts): the PDF shows a box where
the character would be, and its text layer keeps the character itself (the glyph's
ToUnicode entry is the character). nianbao still warns about each such character.

Run with fontTools (pip install fonttools): python3 fonts/make-last-resort.py
The output is deterministic (no timestamps).
"""

import sys

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

UPM = 1000


def frame():
    pen = TTGlyphPen(None)
    outer = [(100, -80), (100, 800), (900, 800), (900, -80)]
    inner = [(160, -20), (840, -20), (840, 740), (160, 740)]
    for contour in (outer, inner):
        pen.moveTo(contour[0])
        for p in contour[1:]:
            pen.lineTo(p)
        pen.closePath()
    return pen.glyph()


def main(path):
    fb = FontBuilder(UPM, isTTF=True)
    fb.setupGlyphOrder([".notdef", "box"])
    # A placeholder cmap; replaced below by the format 13 subtable.
    fb.setupCharacterMap({0x25A1: "box"})
    empty = TTGlyphPen(None).glyph()
    fb.setupGlyf({".notdef": empty, "box": frame()})
    fb.setupHorizontalMetrics({".notdef": (UPM, 0), "box": (UPM, 100)})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable(
        {
            "familyName": "Nianbao Last Resort",
            "styleName": "Regular",
            "psName": "NianbaoLastResort-Regular",
            "version": "Version 1.0",
            "licenseDescription": "CC0 1.0: no rights reserved.",
        }
    )
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    fb.setupHead(unitsPerEm=UPM, created=0, modified=0)
    # Every code point but the surrogates, to the box.
    sub = CmapSubtable.newSubtable(13)
    sub.platformID, sub.platEncID, sub.language = 3, 10, 0
    sub.cmap = {}
    for start, end in ((0x20, 0xD7FF), (0xE000, 0x10FFFF)):
        for cp in range(start, end + 1):
            sub.cmap[cp] = "box"
    fb.font["cmap"].tables = [sub]
    fb.font.save(path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fonts/NianbaoLastResort-Regular.ttf")
