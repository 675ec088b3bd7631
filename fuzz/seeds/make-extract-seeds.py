#!/usr/bin/env python3
"""Writes the seed inputs of the `extract` fuzz target into fuzz/seeds/extract/.

Standard library only. The first byte of each seed picks how the target presents the rest
(see fuzz/fuzz_targets/extract.rs): 0 as is, 1 docx XML, 2 xlsx sheet XML, 3 OpenDocument
content, 4 PDF body, 5 e-mail, 6 UTF-16LE, 7 tar. The number is the README's synthetic
example (a computed check digit, not a person's).
"""
import bz2, gzip, io, lzma, os, tarfile, zipfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "extract")
TEXT = "cpr: 010190-1238 fødselsdato\n".encode()


def tar_of(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def zip_of(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            z.writestr(name, data)
    return buf.getvalue()


seeds = {
    "gzip": b"\x00" + gzip.compress(TEXT, mtime=0) + gzip.compress(TEXT, mtime=0),
    "bzip2": b"\x00" + bz2.compress(TEXT),
    "xz": b"\x00" + lzma.compress(TEXT),
    "tar-gz": b"\x00" + gzip.compress(tar_of([("a/b.txt", TEXT)]), mtime=0),
    "zip-nested": b"\x00" + zip_of([("x.txt", TEXT), ("in.zip", zip_of([("y.csv", TEXT)]))]),
    "latin1": b"\x00" + "fødselsdato 010190-1238\n".encode("cp1252"),
    "binary": b"\x00" + b"SQLite format 3\x00\x00\x01" + TEXT + b"\x00\x00",
    "docx-xml": b"\x01" + b'<w:document><w:body><w:p><w:r><w:t>cpr 0101</w:t></w:r><w:r><w:t>90-1238</w:t></w:r></w:p></w:body></w:document>',
    "xlsx-xml": b"\x02" + b'<worksheet><sheetData><row><c t="s"><v>0</v></c><c><v>42</v></c></row></sheetData></worksheet><sst><si><t>x</t></si></sst>',
    "odf-xml": b"\x03" + b'<office:document-content><text:p>cpr<text:s text:c="2"/>0101901238</text:p></office:document-content>',
    "pdf": b"\x04" + b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n4 0 obj << /Length 35 >> stream\nBT /F1 12 Tf (cpr 010190-1238) Tj ET\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    "mail": b"\x05" + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nY3ByOiAwMTAxOTAtMTIzOA==\r\n--b--\r\n',
    "utf16": b"\x06" + "fødselsdato 010190-1238\n".encode("utf-16-le"),
    "tar": b"\x07" + tar_of([("x.txt", TEXT)]),
}

os.makedirs(OUT, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
