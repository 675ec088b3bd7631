#!/usr/bin/env python3
"""Builds a share-like tree of mixed formats from a plain one, for the T7 benchmark.

    scripts/make-mixed-tree.py SHARE OUT

Standard library only. The files of SHARE, in sorted order, are written to OUT in turn as:
plain (as is), gzip, members of a zip (40 a zip), members of a tar.gz (40 a tarball), a Word
document (one paragraph a line), an Excel workbook (one row a line, inline strings), UTF-16LE
with a BOM, and Windows-1252. The text is the same, so the same numbers are planted.
"""
import gzip, io, os, sys, tarfile, zipfile
from xml.sax.saxutils import escape

BUNDLE = 40


def docx(text):
    paras = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(l)}</w:t></w:r></w:p>' for l in text.splitlines())
    doc = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
           f'openxmlformats.org/wordprocessingml/2006/main"><w:body>{paras}</w:body></w:document>')
    return zip_of([("[Content_Types].xml", "<Types/>"), ("word/document.xml", doc)])


def xlsx(text):
    rows = "".join(f'<row><c t="inlineStr"><is><t>{escape(l)}</t></is></c></row>' for l in text.splitlines())
    wb = ('<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
          '<sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = ('<Relationships><Relationship Id="rId1" Type="worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>')
    return zip_of([("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", wb),
                   ("xl/_rels/workbook.xml.rels", rels),
                   ("xl/worksheets/sheet1.xml", f"<worksheet><sheetData>{rows}</sheetData></worksheet>")])


def zip_of(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            z.writestr(name, data)
    return buf.getvalue()


def main():
    src, out = sys.argv[1], sys.argv[2]
    files = sorted(os.path.relpath(os.path.join(d, f), src) for d, _, fs in os.walk(src) for f in fs)
    zips, tars = [], []

    def write(rel, data):
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def flush(bucket, kind, n):
        if not bucket:
            return
        if kind == "zip":
            write(f"bundles/bundle-{n}.zip", zip_of(bucket))
        else:
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w:gz") as t:
                for name, data in bucket:
                    info = tarfile.TarInfo(name)
                    info.size = len(data)
                    t.addfile(info, io.BytesIO(data))
            write(f"bundles/bundle-{n}.tar.gz", buf.getvalue())
        bucket.clear()

    for i, rel in enumerate(files):
        with open(os.path.join(src, rel), "rb") as f:
            data = f.read()
        text = data.decode("utf-8", errors="replace")
        kind = i % 8
        if kind == 0:
            write(rel, data)
        elif kind == 1:
            write(rel + ".gz", gzip.compress(data, mtime=0))
        elif kind == 2:
            zips.append((rel, data))
            if len(zips) == BUNDLE:
                flush(zips, "zip", i)
        elif kind == 3:
            tars.append((rel, data))
            if len(tars) == BUNDLE:
                flush(tars, "tar", i)
        elif kind == 4:
            write(rel + ".docx", docx(text))
        elif kind == 5:
            write(rel + ".xlsx", xlsx(text))
        elif kind == 6:
            write(rel + ".utf16.txt", b"\xff\xfe" + text.encode("utf-16-le"))
        else:
            write(rel + ".cp1252.txt", text.encode("cp1252", errors="replace"))
    flush(zips, "zip", len(files))
    flush(tars, "tar", len(files) + 1)


if __name__ == "__main__":
    main()
