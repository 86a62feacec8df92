#!/usr/bin/env python3
"""Lines of a PDF page by page, from `pdftotext -bbox-layout`: page, yMin, yMax, xMin, xMax, text.

Used by the layout checks in .ci/run and by hand: python3 pdf_lines.py FILE.pdf
"""
import subprocess
import sys
import xml.etree.ElementTree as ET


def lines(pdf):
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True, check=True).stdout
    root = ET.fromstring(xhtml)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    out = []
    for n, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), 1):
        for line in page.iter("{http://www.w3.org/1999/xhtml}line"):
            words = [w.text or "" for w in line.findall("x:word", ns)]
            out.append((n, float(line.get("yMin")), float(line.get("yMax")),
                        float(line.get("xMin")), float(line.get("xMax")), "".join(words)))
    return out


if __name__ == "__main__":
    for l in lines(sys.argv[1]):
        print("%d %7.2f %7.2f %7.2f %7.2f %s" % l)
