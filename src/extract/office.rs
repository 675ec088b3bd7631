//! Office Open XML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp) files: the text a
//! reader sees, part by part, scanned instead of the raw XML. Words split into formatting runs
//! (`<w:r>`) join again, paragraphs and rows end in a line feed, cells and tabs are TABs; so a
//! number split across runs is found, and context words stay on the number's line.
//!
//! What is read: in Word, the body, headers, footers, footnotes, endnotes and comments (every
//! XML part of `word/`, tracked deletions included: they are still in the file); in Excel,
//! every sheet (named by its sheet name) with shared strings resolved, plus comments; in
//! PowerPoint, slides, notes and comments; in OpenDocument, `content.xml` and `styles.xml`
//! (headers and footers). Embedded files (`*/embeddings/`) are read as members.
//!
//! A sheet's number cell of exactly nine digits below a cell naming a CPR number (`cpr`,
//! `personnummer`: the word lists of [`crate::context::CPR_WORDS`]) is read with a leading zero:
//! a CPR number typed into Excel is stored as a number and loses it (`0101901234` is stored as
//! `101901234`, for everyone born on the 1st to the 9th), as a CSV export's cells do
//! ([`crate::csv_columns`]).
//!
//! Legacy binary Office files (OLE compound files: `.doc`, `.xls`, `.ppt`) are reported as
//! skipped: no well-kept crate reads their text. Password-protected Office files are OLE files
//! too, and are reported as encrypted.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Seek};

use quick_xml::events::{BytesStart, Event};

use super::{join, Ctx, Metered, TextKind};

/// An Office document kind, told by its parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Doc {
    Docx,
    Xlsx,
    Pptx,
    OpenDocument,
}

/// Whether a zip archive is an Office or OpenDocument file, and which.
pub fn kind_of<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> Option<Doc> {
    if archive.index_for_name("[Content_Types].xml").is_some() {
        if archive.index_for_name("word/document.xml").is_some() {
            return Some(Doc::Docx);
        }
        if archive.index_for_name("xl/workbook.xml").is_some() {
            return Some(Doc::Xlsx);
        }
        if archive.index_for_name("ppt/presentation.xml").is_some() {
            return Some(Doc::Pptx);
        }
    }
    let mut mimetype = Vec::new();
    let odf = archive.by_name("mimetype").is_ok_and(|f| {
        f.take(100).read_to_end(&mut mimetype).is_ok()
            && mimetype.starts_with(b"application/vnd.oasis.opendocument")
    });
    (odf && archive.index_for_name("content.xml").is_some()).then_some(Doc::OpenDocument)
}

/// How the text of a part is taken from its XML.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Office Open XML: the text of `t`, `delText` and `instrText` elements.
    Ooxml,
    /// An Excel sheet: cell values (shared strings resolved), headers and footers.
    Sheet,
    /// OpenDocument: the text of `text:p` and `text:h` paragraphs.
    Odf,
}

/// Whether a part of `doc` holds text to scan, and how to read it.
fn part_style(doc: Doc, name: &str) -> Option<Style> {
    if !name.ends_with(".xml") || name.contains("/_rels/") {
        return None;
    }
    let boilerplate = [
        "styles",
        "theme",
        "settings",
        "fontTable",
        "webSettings",
        "numbering",
        "slideLayout",
        "slideMaster",
        "presProps",
        "viewProps",
        "tableStyles",
        "handoutMaster",
        "notesMaster",
        "commentAuthors",
    ];
    let base = super::base_name(name);
    match doc {
        Doc::Docx | Doc::Pptx => {
            let dir = if doc == Doc::Docx { "word/" } else { "ppt/" };
            let keep = name.starts_with(dir)
                && !name.contains("/embeddings/")
                && !boilerplate.iter().any(|b| base.starts_with(b));
            keep.then_some(Style::Ooxml)
        }
        Doc::Xlsx => (name.starts_with("xl/comments") || name.starts_with("xl/threadedComments"))
            .then_some(Style::Ooxml),
        Doc::OpenDocument => (name == "content.xml" || name == "styles.xml").then_some(Style::Odf),
    }
}

/// Reads the text of every part of an Office document.
pub fn read<R: Read + Seek>(
    ctx: &mut Ctx,
    member: Option<&str>,
    depth: u32,
    doc: Doc,
    archive: &mut zip::ZipArchive<R>,
) {
    // A name that does not decode cannot be opened by name either.
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(Cow::into_owned))
        .collect();
    if doc == Doc::Xlsx {
        sheets(ctx, member, archive);
    }
    for name in &names {
        if ctx.stopped {
            return;
        }
        if name.contains("/embeddings/") && !name.ends_with('/') {
            embedded(ctx, member, depth, archive, name);
            continue;
        }
        let Some(style) = part_style(doc, name) else {
            continue;
        };
        let path = join(member, name);
        part(ctx, &path, archive, name, style, &[]);
    }
}

/// An embedded file (a workbook in a Word document, say): read as a member of its own.
fn embedded<R: Read + Seek>(
    ctx: &mut Ctx,
    member: Option<&str>,
    depth: u32,
    archive: &mut zip::ZipArchive<R>,
    name: &str,
) {
    let path = join(member, name);
    if !ctx.count_member(Some(&path)) {
        return;
    }
    match archive.by_name(name) {
        Ok(mut f) => {
            let mut metered = Metered {
                inner: &mut f,
                budget: ctx.budget.clone(),
                input: false,
            };
            ctx.stream(Some(&path), name, depth, &mut metered);
        }
        Err(e) => ctx.error(Some(&path), format!("cannot read embedded file: {e}")),
    }
}

/// Scans the text of one XML part, named `path` in records.
fn part<R: Read + Seek>(
    ctx: &mut Ctx,
    path: &str,
    archive: &mut zip::ZipArchive<R>,
    name: &str,
    style: Style,
    shared: &[String],
) {
    if !ctx.count_member(Some(path)) {
        return;
    }
    let file = match archive.by_name(name) {
        Ok(f) => f,
        Err(e) => {
            if let Some(what) = ctx.budget.hit() {
                return ctx.limit_hit(Some(path), what);
            }
            return ctx.error(Some(path), format!("cannot read document part: {e}"));
        }
    };
    if file.encrypted() {
        return ctx.skip(
            Some(path),
            "encrypted",
            "encrypted document part: not scanned",
        );
    }
    let metered = Metered {
        inner: file,
        budget: ctx.budget.clone(),
        input: false,
    };
    let mut text = XmlText::new(BufReader::new(metered), style, shared);
    ctx.text(Some(path), TextKind::Document, &mut text);
}

/// For a zip read without its directory: how to read the text of an XML part named `name`,
/// judged by its name alone (`None`: not a document part).
pub fn xml_style_for(name: &str) -> Option<Style> {
    if name.starts_with("xl/worksheets/") {
        return Some(Style::Sheet);
    }
    if name == "content.xml" || name == "styles.xml" {
        return Some(Style::Odf);
    }
    let office = ["word/", "ppt/", "xl/"].iter().any(|d| name.starts_with(d));
    (office && name.ends_with(".xml")).then_some(Style::Ooxml)
}

/// Scans the text of one XML part from any reader (shared strings are not resolved).
pub fn xml_text<R: Read>(ctx: &mut Ctx, path: &str, reader: R, style: Style) {
    let mut text = XmlText::new(BufReader::new(reader), style, &[]);
    ctx.text(Some(path), TextKind::Document, &mut text);
}

/// Every sheet of a workbook, named by its sheet name, with shared strings resolved.
fn sheets<R: Read + Seek>(ctx: &mut Ctx, member: Option<&str>, archive: &mut zip::ZipArchive<R>) {
    let shared = match read_part(ctx, archive, "xl/sharedStrings.xml") {
        Some(Ok(bytes)) => shared_strings(&bytes),
        Some(Err(e)) => {
            let path = join(member, "xl/sharedStrings.xml");
            ctx.read_failed(Some(&path), &e);
            Vec::new()
        }
        None => Vec::new(),
    };
    for (sheet_name, part_name) in sheet_parts(ctx, archive) {
        if ctx.stopped {
            return;
        }
        let path = join(member, &sheet_name);
        part(ctx, &path, archive, &part_name, Style::Sheet, &shared);
    }
}

/// The bytes of a small part (the workbook, its relationships, shared strings), through the
/// budget; `None` when there is no such part.
fn read_part<R: Read + Seek>(
    ctx: &Ctx,
    archive: &mut zip::ZipArchive<R>,
    name: &str,
) -> Option<io::Result<Vec<u8>>> {
    let file = archive.by_name(name).ok()?;
    let mut metered = Metered {
        inner: file,
        budget: ctx.budget.clone(),
        input: false,
    };
    let mut bytes = Vec::new();
    Some(metered.read_to_end(&mut bytes).map(|_| bytes))
}

/// The attribute `key` (matched by local name) of an element.
/// The longest cell text taken for a column's name.
const NAME_MAX: usize = 64;
/// Columns beyond this (Excel has 16,384) are not tracked as CPR-named.
const COLUMNS_MAX: usize = 1 << 14;

/// The 0-based column of a cell reference (`B7` is 1, `AA1` is 26).
fn column_of(reference: &str) -> Option<usize> {
    let letters = reference.bytes().take_while(u8::is_ascii_alphabetic);
    let mut n = 0usize;
    let mut any = false;
    for b in letters {
        n = n
            .checked_mul(26)?
            .checked_add(usize::from(b.to_ascii_uppercase() - b'A') + 1)?;
        any = true;
    }
    any.then(|| n - 1)
}

/// Whether a cell's text names a CPR number, as a column's name does ([`crate::column`]).
fn names_cpr(text: &str) -> bool {
    crate::column::cpr_words_in_name(text).positive.is_some()
}

fn attr(e: &BytesStart, key: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == key).then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

/// (sheet name, part name) of every sheet, in workbook order. Sheets whose part cannot be
/// found are named by their part when the workbook cannot be read.
fn sheet_parts<R: Read + Seek>(
    ctx: &Ctx,
    archive: &mut zip::ZipArchive<R>,
) -> Vec<(String, String)> {
    let mut targets = HashMap::new();
    if let Some(Ok(rels)) = read_part(ctx, archive, "xl/_rels/workbook.xml.rels") {
        each_element(&rels, |e| {
            if e.local_name().as_ref() == b"Relationship" {
                if let (Some(id), Some(target)) = (attr(e, b"Id"), attr(e, b"Target")) {
                    let target = match target.strip_prefix('/') {
                        Some(abs) => abs.to_string(),
                        None => format!("xl/{target}"),
                    };
                    targets.insert(id, target);
                }
            }
        });
    }
    let mut sheets = Vec::new();
    if let Some(Ok(workbook)) = read_part(ctx, archive, "xl/workbook.xml") {
        each_element(&workbook, |e| {
            if e.local_name().as_ref() == b"sheet" {
                let name = attr(e, b"name").unwrap_or_default();
                if let Some(target) = attr(e, b"id").and_then(|id| targets.get(&id)) {
                    sheets.push((name, target.clone()));
                }
            }
        });
    }
    if sheets.is_empty() {
        // No usable workbook: every worksheet part, by its part name.
        let mut parts: Vec<String> = archive
            .file_names()
            .filter_map(|n| n.ok().map(Cow::into_owned))
            .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
            .collect();
        parts.sort();
        sheets = parts.into_iter().map(|p| (p.clone(), p)).collect();
    }
    sheets
}

/// Calls `f` with every start or empty element of `xml` (malformed XML ends it quietly: the
/// parts read this way only name other parts).
fn each_element(xml: &[u8], mut f: impl FnMut(&BytesStart)) {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => f(&e),
            Ok(Event::Eof) | Err(_) => return,
            Ok(_) => {}
        }
        buf.clear();
    }
}

/// The shared strings of a workbook: the text of each `si` item.
fn shared_strings(xml: &[u8]) -> Vec<String> {
    let mut text = XmlText::new(xml, Style::Ooxml, &[]);
    text.item_breaks = true;
    let mut all = Vec::new();
    let _ = text.read_to_end(&mut all);
    let all = String::from_utf8_lossy(&all);
    all.split('\u{1e}').map(str::to_string).collect()
}

/// A reader of the text of an XML part, produced as the XML is parsed.
struct XmlText<'s, R> {
    reader: quick_xml::Reader<R>,
    style: Style,
    shared: &'s [String],
    buf: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    done: bool,
    /// Depth inside text-bearing elements.
    in_text: u32,
    /// In a sheet: the current cell's type, and its `v` text.
    cell_type: Option<String>,
    value: String,
    in_value: bool,
    /// Shared strings: end each `si` item with U+001E (record separator) to split them.
    item_breaks: bool,
    /// In a sheet: the current cell's column (0-based), the column the next cell without a
    /// reference is in, the text of the current cell when it is a string, and the columns
    /// below a cell that names a CPR number.
    column: usize,
    next_column: usize,
    cell_text: String,
    cell_long: bool,
    cpr_columns: Vec<bool>,
}

impl<'s, R: BufRead> XmlText<'s, R> {
    fn new(reader: R, style: Style, shared: &'s [String]) -> XmlText<'s, R> {
        let mut reader = quick_xml::Reader::from_reader(reader);
        reader.config_mut().check_end_names = false;
        XmlText {
            reader,
            style,
            shared,
            buf: Vec::new(),
            out: Vec::new(),
            pos: 0,
            done: false,
            in_text: 0,
            cell_type: None,
            value: String::new(),
            in_value: false,
            item_breaks: false,
            column: 0,
            next_column: 0,
            cell_text: String::new(),
            cell_long: false,
            cpr_columns: Vec::new(),
        }
    }

    /// Adds to the current cell's text, kept while it is short enough to be a column's name.
    fn take_cell_text(&mut self, s: &str) {
        if self.cell_text.len() + s.len() > NAME_MAX {
            self.cell_long = true;
        } else if !self.cell_long {
            self.cell_text.push_str(s);
        }
    }

    fn is_text_element(&self, local: &[u8]) -> bool {
        match self.style {
            Style::Ooxml => matches!(local, b"t" | b"delText" | b"instrText"),
            Style::Sheet => matches!(
                local,
                b"t" | b"oddHeader"
                    | b"oddFooter"
                    | b"evenHeader"
                    | b"evenFooter"
                    | b"firstHeader"
                    | b"firstFooter"
            ),
            Style::Odf => matches!(local, b"p" | b"h"),
        }
    }

    fn push_text(&mut self, s: &str) {
        if self.in_value {
            self.value.push_str(s);
        } else if self.in_text > 0 {
            self.out.extend_from_slice(s.as_bytes());
            if self.style == Style::Sheet {
                self.take_cell_text(s);
            }
        }
    }

    fn start(&mut self, e: &BytesStart, empty: bool) {
        let name = e.local_name();
        let local = name.as_ref();
        match (self.style, local) {
            (Style::Ooxml, b"tab") if empty => self.out.push(b'\t'),
            (Style::Ooxml, b"br" | b"cr") => self.out.push(b'\n'),
            (Style::Sheet, b"row") => self.next_column = 0,
            (Style::Sheet, b"c") => {
                self.cell_type = attr(e, b"t");
                self.column = attr(e, b"r")
                    .and_then(|r| column_of(&r))
                    .unwrap_or(self.next_column);
                self.next_column = self.column + 1;
                self.cell_text.clear();
                self.cell_long = false;
            }
            (Style::Sheet, b"v") if !empty => {
                self.in_value = true;
                self.value.clear();
            }
            (Style::Odf, b"s") if self.in_text > 0 => {
                let n: usize = attr(e, b"c").and_then(|c| c.parse().ok()).unwrap_or(1);
                self.out.extend(std::iter::repeat_n(b' ', n.min(1000)));
            }
            (Style::Odf, b"tab") if self.in_text > 0 => self.out.push(b'\t'),
            (Style::Odf, b"line-break") if self.in_text > 0 => self.out.push(b'\n'),
            _ => {}
        }
        if !empty && self.is_text_element(local) {
            self.in_text += 1;
        }
    }

    fn end(&mut self, local: &[u8]) {
        if self.is_text_element(local) {
            self.in_text = self.in_text.saturating_sub(1);
        }
        match (self.style, local) {
            (Style::Ooxml, b"p") => self.out.push(b'\n'),
            (Style::Ooxml, b"si") if self.item_breaks => self.out.push(0x1e),
            (Style::Odf, b"p" | b"h") => self.out.push(b'\n'),
            (Style::Sheet, b"v") => {
                self.in_value = false;
                let value = std::mem::take(&mut self.value);
                let shared = (self.cell_type.as_deref() == Some("s"))
                    .then(|| value.trim().parse::<usize>().ok())
                    .flatten()
                    .and_then(|i| self.shared.get(i));
                match shared {
                    Some(s) => {
                        self.out.extend_from_slice(s.as_bytes());
                        self.take_cell_text(s);
                    }
                    None => {
                        let number = matches!(self.cell_type.as_deref(), None | Some("n"));
                        let nine = value.len() == 9 && value.bytes().all(|b| b.is_ascii_digit());
                        if number && nine && self.cpr_columns.get(self.column) == Some(&true) {
                            self.out.push(b'0');
                        }
                        self.out.extend_from_slice(value.as_bytes());
                        if !number {
                            self.take_cell_text(&value);
                        }
                    }
                }
            }
            (Style::Sheet, b"c") => {
                if !self.cell_text.is_empty() && !self.cell_long && names_cpr(&self.cell_text) {
                    if self.cpr_columns.len() <= self.column {
                        self.cpr_columns
                            .resize(self.column.min(COLUMNS_MAX) + 1, false);
                    }
                    if let Some(c) = self.cpr_columns.get_mut(self.column) {
                        *c = true;
                    }
                }
                self.out.push(b'\t');
            }
            (Style::Sheet, b"row") => self.out.push(b'\n'),
            (Style::Sheet, b"oddHeader" | b"oddFooter" | b"evenHeader" | b"evenFooter") => {
                self.out.push(b'\n')
            }
            _ => {}
        }
    }

    /// Parses one event, adding its text to `out`.
    fn pump(&mut self) -> io::Result<()> {
        self.buf.clear();
        let event = self
            .reader
            .read_event_into(&mut self.buf)
            .map_err(|e| io::Error::other(format!("malformed XML: {e}")))?;
        match event {
            Event::Start(e) => {
                let e = e.into_owned();
                self.start(&e, false)
            }
            Event::Empty(e) => {
                let e = e.into_owned();
                self.start(&e, true)
            }
            Event::End(e) => {
                let local = e.local_name().as_ref().to_vec();
                self.end(&local)
            }
            Event::Text(t) => {
                let s = t.decode().map(|c| c.into_owned()).unwrap_or_default();
                self.push_text(&s)
            }
            Event::CData(t) => {
                let s = String::from_utf8_lossy(&t).into_owned();
                self.push_text(&s)
            }
            Event::GeneralRef(r) => {
                let s = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match &*r as &[u8] {
                        b"amp" => "&".into(),
                        b"lt" => "<".into(),
                        b"gt" => ">".into(),
                        b"quot" => "\"".into(),
                        b"apos" => "'".into(),
                        _ => String::new(),
                    },
                };
                self.push_text(&s)
            }
            Event::Eof => self.done = true,
            _ => {}
        }
        Ok(())
    }
}

impl<R: BufRead> Read for XmlText<'_, R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() && !self.done {
            self.out.clear();
            self.pos = 0;
            self.pump()?;
        }
        let n = dst.len().min(self.out.len() - self.pos);
        dst[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// An OLE compound file: a legacy Office file, or a password-protected modern one.
pub fn ole(ctx: &mut Ctx, member: Option<&str>, reader: &mut dyn Read) {
    let mut head = Vec::new();
    let _ = reader.take(1 << 20).read_to_end(&mut head);
    let marker: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    if memchr::memmem::find(&head, &marker).is_some() {
        ctx.skip(
            member,
            "encrypted",
            "password-protected Office document: not scanned",
        );
    } else {
        ctx.skip(
            member,
            "legacy-office",
            "legacy Office file (OLE compound file: .doc, .xls, .ppt or .msg): its text is \
             not read; save it as .docx/.xlsx/.pptx to scan it",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(xml: &str, style: Style, shared: &[String]) -> String {
        let mut out = String::new();
        XmlText::new(xml.as_bytes(), style, shared)
            .read_to_string(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn word_runs_join_and_paragraphs_end_lines() {
        let xml = r#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>cpr: 0101</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>90-12</w:t></w:r><w:r><w:t>38</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">B &amp; C</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(text(xml, Style::Ooxml, &[]), "cpr: 010190-1238\nB & C\n");
    }

    #[test]
    fn nine_digit_number_below_a_cpr_header_gets_its_leading_zero_back() {
        // `cpr` (shared string) over A, `kundenr` over B, an inline `Personnummer` over D: the
        // nine-digit numbers under A and D are read with a zero, the one under B is not, nor
        // one stored as text, nor a ten-digit number, nor one in the header row itself.
        let shared = vec![
            "cpr".to_string(),
            "kundenr".to_string(),
            "101901234".to_string(),
        ];
        let xml = concat!(
            r#"<worksheet><sheetData>"#,
            r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>"#,
            r#"<c r="D1" t="inlineStr"><is><t>Personnummer</t></is></c></row>"#,
            r#"<row r="2"><c r="A2"><v>101901234</v></c><c r="B2"><v>101901234</v></c>"#,
            r#"<c r="D2" t="n"><v>101901234</v></c></row>"#,
            r#"<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3"/><c r="D3"><v>1019012345</v></c></row>"#,
            r#"</sheetData></worksheet>"#
        );
        assert_eq!(
            text(xml, Style::Sheet, &shared),
            "cpr\tkundenr\tPersonnummer\t\n\
             0101901234\t101901234\t0101901234\t\n\
             101901234\t1019012345\t\n"
        );
    }

    #[test]
    fn cells_without_references_count_their_column_by_position() {
        let shared = vec!["navn".to_string(), "CPR-nr".to_string()];
        let xml = concat!(
            r#"<worksheet><sheetData><row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>"#,
            r#"<row><c><v>101901234</v></c><c><v>101901234</v></c></row></sheetData></worksheet>"#
        );
        assert_eq!(
            text(xml, Style::Sheet, &shared),
            "navn\tCPR-nr\t\n101901234\t0101901234\t\n"
        );
    }

    #[test]
    fn column_references_read_as_numbers() {
        assert_eq!(column_of("A1"), Some(0));
        assert_eq!(column_of("b7"), Some(1));
        assert_eq!(column_of("AA10"), Some(26));
        assert_eq!(column_of("XFD1"), Some(16_383));
        assert_eq!(column_of("12"), None);
    }

    #[test]
    fn sheet_cells_resolve_shared_strings_and_keep_rows_apart() {
        let shared = vec!["navn".to_string(), "Ærø".to_string()];
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>42</v></c></row><row r="2"><c t="s"><v>1</v></c><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#;
        assert_eq!(text(xml, Style::Sheet, &shared), "navn\t42\t\nÆrø\tx\t\n");
    }

    #[test]
    fn shared_strings_split_by_item_with_rich_text_runs_joined() {
        let xml = r#"<sst><si><t>a</t></si><si><r><t>01019</t></r><r><t>0-1238</t></r></si></sst>"#;
        assert_eq!(shared_strings(xml.as_bytes())[..2], ["a", "010190-1238"]);
    }

    #[test]
    fn opendocument_paragraphs_spaces_and_spans() {
        let xml = r#"<office:document-content><office:body><text:p>cpr<text:s text:c="2"/><text:span>0101</text:span>901238</text:p><text:h>x</text:h></office:body></office:document-content>"#;
        assert_eq!(text(xml, Style::Odf, &[]), "cpr  0101901238\nx\n");
    }

    #[test]
    fn malformed_xml_is_a_read_error_not_a_panic() {
        let mut out = Vec::new();
        let err =
            XmlText::new(&b"<w:p><w:t>abc</w:t><<<"[..], Style::Ooxml, &[]).read_to_end(&mut out);
        assert!(err.is_err());
    }
}
