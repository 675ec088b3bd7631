//! What file shares really hold, through the binary: compressed logs, archives (nested),
//! Office documents, e-mails, legacy encodings and binary files; and the damaged ones (a zip
//! bomb, a truncated archive, a corrupt document), which must become error records while the
//! rest is scanned. Fixtures are built here with the same crates cprscan reads them with; every
//! number is computed (a date, a serial, the modulus 11 check digit).

use std::io::{Cursor, Write};

use serde_json::Value;

use crate::util::{checked_cpr, mask_numbers, run_in, tree, Run};

/// A computed CPR number `DDMMYY-SSSS` (7th digit 0-3: the 1900s) with a valid modulus 11
/// check digit: the serial is moved on until one exists.
fn cpr(day: u8, month: u8, yy: u8, serial: u16) -> String {
    let date = format!("{day:02}{month:02}{yy:02}");
    let mut s = serial % 400;
    loop {
        if let Some(n) = checked_cpr(&date, &format!("{s:03}")) {
            return format!("{}-{}", &n[..6], &n[6..]);
        }
        s = (s + 1) % 400;
    }
}

/// The first six digits and separator of a number: what the masked `match` shows.
fn masked(number: &str) -> String {
    format!("{}****", &number[..7])
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A zip of (name, bytes), deflated.
fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A tar of (name, bytes).
fn tar(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

/// A minimal Word document: `body` paragraphs (each a list of runs) and a header paragraph.
fn docx(body: &[&[&str]], header: &str) -> Vec<u8> {
    let runs = |p: &[&str]| -> String {
        let rs: String = p
            .iter()
            .map(|t| {
                format!(r#"<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{t}</w:t></w:r>"#)
            })
            .collect();
        format!("<w:p>{rs}</w:p>")
    };
    let paras: String = body.iter().map(|p| runs(p)).collect();
    let ns = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>{paras}</w:body></w:document>"#
    );
    let header = format!(
        r#"<?xml version="1.0"?><w:hdr {ns}>{}</w:hdr>"#,
        runs(&[header])
    );
    zip(&[
        ("[Content_Types].xml", br#"<?xml version="1.0"?><Types/>"#),
        ("word/document.xml", document.as_bytes()),
        ("word/header1.xml", header.as_bytes()),
        ("word/styles.xml", b"<w:styles/>"),
    ])
}

/// A minimal workbook: one sheet named `sheet`, whose cells are `rows` (each cell a shared
/// string).
fn xlsx(sheet: &str, rows: &[&[&str]]) -> Vec<u8> {
    let mut strings = Vec::new();
    let mut sheet_rows = String::new();
    for row in rows {
        sheet_rows.push_str("<row>");
        for cell in *row {
            sheet_rows.push_str(&format!(r#"<c t="s"><v>{}</v></c>"#, strings.len()));
            strings.push(format!("<si><t>{cell}</t></si>"));
        }
        sheet_rows.push_str("</row>");
    }
    let sst = format!("<sst>{}</sst>", strings.concat());
    let ws = format!("<worksheet><sheetData>{sheet_rows}</sheetData></worksheet>");
    let wb = format!(
        r#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let rels = r#"<Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", wb.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", ws.as_bytes()),
        ("xl/sharedStrings.xml", sst.as_bytes()),
    ])
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xff, 0xfe];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

/// Windows-1252 for text whose characters are all Latin-1.
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect()
}

/// A zip whose one member is `mib` MiB of zeros: it deflates about a thousandfold.
fn zip_bomb(mib: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(mib >= 4096);
    w.start_file("zeros.txt", opts).unwrap();
    let block = vec![0u8; 1 << 20];
    for _ in 0..mib {
        w.write_all(&block).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A minimal PDF with one page per entry of `pages`, each page's text shown in Helvetica (an
/// empty string makes a page without text, as a scanned image is); offsets in the xref table
/// are computed.
fn pdf(pages: &[&str]) -> Vec<u8> {
    let n = pages.len();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {n} >>",
            (0..n)
                .map(|i| format!("{} 0 R", 4 + 2 * i))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
    ];
    for (i, text) in pages.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        let content = if text.is_empty() {
            "q Q".to_string()
        } else {
            format!("BT /F1 12 Tf 72 712 Td ({text}) Tj ET")
        };
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ));
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn scan(dir: &std::path::Path, extra: &[&str]) -> Run {
    let mut args = vec!["--no-config"];
    args.extend_from_slice(extra);
    args.push(".");
    run_in(Some(dir), &args, b"")
}

/// (path, member, match) of every CPR finding.
fn cpr_places(run: &Run) -> Vec<(String, Option<String>, String)> {
    let mut v: Vec<_> = run
        .of_type("finding")
        .iter()
        .filter(|f| f["kind"] == "cpr")
        .map(|f| {
            (
                f["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    .to_string(),
                f["member"].as_str().map(str::to_string),
                f["match"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn errors(run: &Run) -> Vec<Value> {
    run.of_type("error")
}

fn place(path: &str, member: Option<&str>, number: &str) -> (String, Option<String>, String) {
    (path.into(), member.map(str::to_string), masked(number))
}

#[test]
fn gzip_log_with_two_members_is_read_to_the_end_by_content_not_name() {
    let (a, b) = (cpr(1, 2, 93, 101), cpr(3, 4, 94, 202));
    let mut data = gzip(format!("cpr {a}\n").as_bytes());
    data.extend(gzip(format!("cpr {b}\n").as_bytes()));
    let dir = tree(&[("logs/app.log.1", &data)]);
    let run = scan(dir.path(), &[]);
    assert_eq!(
        cpr_places(&run),
        [
            place("logs/app.log.1", Some("app.log.1:gunzipped"), &a),
            place("logs/app.log.1", Some("app.log.1:gunzipped"), &b),
        ]
    );
    assert_eq!(run.summary()["members"], 1);
}

#[test]
fn zip_of_csvs_and_a_nested_tar_gz_name_each_member_path() {
    let (a, b) = (cpr(5, 6, 95, 303), cpr(7, 8, 96, 404));
    let inner = gzip(&tar(&[(
        "var/hr.csv",
        format!("navn;cpr\nx;{b}\n").as_bytes(),
    )]));
    let data = zip(&[
        ("hr/list.csv", format!("navn;cpr\nA;{a}\n").as_bytes()),
        ("old/logs.tar.gz", &inner),
    ]);
    let dir = tree(&[("share.zip", &data)]);
    let run = scan(dir.path(), &[]);
    assert_eq!(
        cpr_places(&run),
        [
            place("share.zip", Some("hr/list.csv"), &a),
            place("share.zip", Some("old/logs.tar.gz!var/hr.csv"), &b),
        ]
    );
    let f = &run.of_type("finding")[0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(2), Some(3))
    );
}

#[test]
fn word_document_finds_a_number_split_across_runs_and_one_in_the_header() {
    let (a, b) = (cpr(9, 10, 97, 505), cpr(11, 12, 98, 606));
    let (p1, p2, p3) = (&a[..3], &a[3..8], &a[8..]);
    let doc = docx(
        &[&["Medarbejder, cpr: ", p1, p2, p3], &["intet her"]],
        &format!("cpr {b}"),
    );
    let dir = tree(&[("notat.docx", &doc)]);
    let run = scan(dir.path(), &[]);
    assert_eq!(
        cpr_places(&run),
        [
            place("notat.docx", Some("word/document.xml"), &a),
            place("notat.docx", Some("word/header1.xml"), &b),
        ]
    );
    let f = &run.of_type("finding")[0];
    assert_eq!(
        f["confidence"], "high",
        "the context word on the same line counts"
    );
}

#[test]
fn spreadsheet_cells_are_found_under_their_sheet_name() {
    let a = cpr(13, 1, 99, 707);
    let book = xlsx("Løn 2024", &[&["navn", "cpr"], &["Anna", &a]]);
    let dir = tree(&[("løn.xlsx", &book)]);
    let run = scan(dir.path(), &[]);
    assert_eq!(cpr_places(&run), [place("løn.xlsx", Some("Løn 2024"), &a)]);
    assert_eq!(run.of_type("finding")[0]["line"], 2, "one line per row");
}

#[test]
fn spreadsheet_number_below_a_cpr_header_is_found_with_its_leading_zero_restored() {
    // Typed into Excel, 0503871234 is stored as the number 503871234.
    let a = cpr(5, 3, 87, 123).replace('-', "");
    let nine = &a[1..];
    let ws = format!(
        r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>{nine}</v></c></row></sheetData></worksheet>"#
    );
    let sst = "<sst><si><t>navn</t></si><si><t>CPR-nummer</t></si><si><t>Anna</t></si></sst>";
    let wb = r#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let rels = r#"<Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let book = zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", wb.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", ws.as_bytes()),
        ("xl/sharedStrings.xml", sst.as_bytes()),
    ]);
    let dir = tree(&[("borgere.xlsx", &book)]);
    let run = scan(dir.path(), &[]);
    let found = run.of_type("finding");
    assert_eq!(found.len(), 1, "{}", mask_numbers(&run.stdout));
    assert_eq!(found[0]["member"], "Ark1");
    assert_eq!(found[0]["kind"], "cpr");
    assert_eq!(found[0]["match"], format!("{}****", &a[..6]));
}

#[test]
fn utf16_and_windows_1252_letters_match_fødselsdato_and_offsets_are_in_utf8() {
    let (a, b) = (cpr(14, 2, 90, 808), cpr(15, 3, 91, 909));
    let (a_plain, b_plain) = (a.replace('-', ""), b.replace('-', ""));
    let text_a = format!("Navn: Søren Ærø\nfødselsdato {a_plain}\n");
    let text_b = format!("Navn: Åse\nfødselsdato {b_plain}\n");
    let dir = tree(&[
        ("export16.txt", &utf16le(&text_a)),
        ("export1252.txt", &latin1(&text_b)),
    ]);
    let run = scan(dir.path(), &[]);
    let findings = run.of_type("finding");
    assert_eq!(findings.len(), 2, "{}", run.stdout);
    for f in &findings {
        assert_eq!(
            f["confidence"], "high",
            "fødselsdato is a context word: {f}"
        );
        assert!(f["reasons"]
            .as_array()
            .unwrap()
            .contains(&"context:fødselsdato".into()));
        assert!(f.get("member").is_none());
    }
    let utf16 = findings
        .iter()
        .find(|f| f["path"] == "./export16.txt")
        .unwrap();
    let offset = text_a.find(&a_plain).unwrap();
    assert_eq!(
        utf16["offset"], offset,
        "a byte offset in the decoded UTF-8 text"
    );
    assert_eq!(
        (utf16["line"].as_u64(), utf16["column"].as_u64()),
        (Some(2), Some(14))
    );
}

#[test]
fn zip_bomb_is_an_error_record_and_the_rest_of_the_tree_is_scanned() {
    let a = cpr(16, 4, 92, 111);
    let dir = tree(&[
        ("bomb.zip", &zip_bomb(40)),
        ("ok.txt", format!("cpr {a}\n").as_bytes()),
    ]);
    let run = scan(dir.path(), &[]);
    assert_eq!(cpr_places(&run), [place("ok.txt", None, &a)]);
    let errs = errors(&run);
    assert_eq!(errs.len(), 1, "{}", run.stdout);
    assert_eq!(errs[0]["path"], "./bomb.zip");
    assert_eq!(errs[0]["member"], "zeros.txt");
    assert_eq!(errs[0]["skipped"], false);
    let msg = errs[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("archive bomb") && msg.contains("ratio"),
        "{msg}"
    );
    assert_eq!(run.summary()["partial"], 1);
    assert_eq!(run.status, 2, "a file not read whole is an error");
}

#[test]
fn max_decompressed_stops_a_file_and_says_so() {
    let data = gzip(&vec![b'a'; 3 << 20]);
    let dir = tree(&[("big.log.gz", &data)]);
    let run = scan(dir.path(), &["--max-decompressed", "1M"]);
    let errs = errors(&run);
    assert_eq!(errs.len(), 1, "{}", run.stdout);
    assert!(errs[0]["message"]
        .as_str()
        .unwrap()
        .contains("--max-decompressed"));
}

#[test]
fn truncated_tar_gz_reports_the_members_before_the_cut_and_an_error() {
    let a = cpr(17, 5, 93, 222);
    let filler: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let mut data = gzip(&tar(&[
        ("first.txt", format!("cpr {a}\n").as_bytes()),
        ("second.bin", &filler),
    ]));
    data.truncate(data.len() / 2);
    let dir = tree(&[("backup.tar.gz", &data)]);
    let run = scan(dir.path(), &[]);
    assert_eq!(
        cpr_places(&run),
        [place("backup.tar.gz", Some("first.txt"), &a)]
    );
    let errs = errors(&run);
    assert!(!errs.is_empty(), "{}", run.stdout);
    assert!(errs.iter().all(|e| e["skipped"] == false));
}

#[test]
fn corrupt_docx_is_an_error_record_and_does_not_stop_the_scan() {
    let a = cpr(18, 6, 94, 333);
    let mut doc = docx(&[&["cpr ", &a]], "x");
    let mid = doc.len() / 2;
    for b in &mut doc[mid..] {
        *b = 0x55;
    }
    let dir = tree(&[
        ("broken.docx", &doc),
        ("ok.txt", format!("cpr {a}\n").as_bytes()),
    ]);
    let run = scan(dir.path(), &[]);
    // The document's text before the damage is still read (as the parts of a zip without its
    // directory); the damage is an error, and the next file is scanned.
    assert_eq!(
        cpr_places(&run),
        [
            place("broken.docx", Some("word/document.xml"), &a),
            place("ok.txt", None, &a)
        ]
    );
    let errs = errors(&run);
    assert!(!errs.is_empty(), "{}", run.stdout);
    assert!(errs
        .iter()
        .all(|e| e["path"] == "./broken.docx" && e["skipped"] == false));
    assert_eq!(run.summary()["partial"], 1);
}

#[test]
fn truncated_zip_still_yields_the_members_before_the_cut() {
    let (a, b) = (cpr(25, 1, 91, 121), cpr(26, 2, 92, 232));
    let noise: Vec<u8> = (0..100_000u32)
        .flat_map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes())
        .collect();
    let mut data = zip(&[
        ("first.csv", format!("cpr;{a}\n").as_bytes()),
        ("noise.bin", &noise),
        ("last.csv", format!("cpr;{b}\n").as_bytes()),
    ]);
    data.truncate(data.len() / 2);
    let dir = tree(&[("copy.zip", &data)]);
    let run = scan(dir.path(), &[]);
    assert_eq!(cpr_places(&run), [place("copy.zip", Some("first.csv"), &a)]);
    let errs = errors(&run);
    assert!(
        !errs.is_empty() && errs.iter().all(|e| e["skipped"] == false),
        "{}",
        run.stdout
    );
    assert!(errs[0]["message"]
        .as_str()
        .unwrap()
        .contains("directory unreadable"));
}

#[test]
fn encrypted_zip_member_is_skipped_with_its_reason_counted() {
    let mut data = zip(&[("secret.txt", b"hemmeligt"), ("open.txt", b"intet")]);
    // Set the "encrypted" flag of the first member in its local and central headers.
    data[6] |= 1;
    let central = data.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    data[central + 8] |= 1;
    let dir = tree(&[("x.zip", &data)]);
    let run = scan(dir.path(), &[]);
    let errs = errors(&run);
    assert_eq!(errs.len(), 1, "{}", run.stdout);
    assert_eq!(errs[0]["member"], "secret.txt");
    assert_eq!(errs[0]["skipped"], true);
    assert_eq!(run.summary()["skipped_by"]["encrypted"], 1);
}

#[test]
fn binary_file_text_runs_are_scanned_or_skipped_as_asked_and_the_summary_says_which() {
    let a = cpr(19, 7, 95, 444);
    // A core dump: ELF, NUL bytes, text here and there. (SQLite files are read as tables.)
    let mut data = b"\x7fELF\x02\x01\x01\x00\x00\x00\x04\x00".to_vec();
    data.extend(format!("\x00\x00\x07cpr {a}\x00\x00").as_bytes());
    let dir = tree(&[("core.1234", &data)]);
    let run = scan(dir.path(), &[]);
    assert_eq!(cpr_places(&run), [place("core.1234", None, &a)]);
    assert_eq!(
        run.summary()["binary"],
        serde_json::json!({"mode": "text", "files": 1})
    );
    let skipped = scan(dir.path(), &["--binary", "skip"]);
    assert!(cpr_places(&skipped).is_empty());
    assert_eq!(skipped.summary()["binary"]["mode"], "skip");
    assert_eq!(skipped.summary()["skipped_by"]["binary"], 1);
}

#[test]
fn email_with_base64_body_and_attachment_finds_both_as_members() {
    use base64_encode as b64;
    let (a, b) = (cpr(20, 8, 96, 555), cpr(21, 9, 97, 666));
    let eml = format!(
        "From: hr@example.dk\r\nTo: x@example.dk\r\nSubject: liste\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --b1\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"liste.csv\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b1--\r\n",
        b64(format!("Hej, fødselsdato {a}\n").as_bytes()),
        b64(format!("navn;cpr\nB;{b}\n").as_bytes()),
    );
    let dir = tree(&[("mail.eml", eml.as_bytes())]);
    let run = scan(dir.path(), &[]);
    assert_eq!(
        cpr_places(&run),
        [
            place("mail.eml", Some("body"), &a),
            place("mail.eml", Some("liste.csv"), &b)
        ]
    );
}

/// Base64 (standard alphabet, padded) for the e-mail fixture.
fn base64_encode(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(char::from(A[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn pdf_text_is_found_per_page_and_an_image_only_pdf_has_no_text_layer() {
    let a = cpr(24, 12, 90, 999);
    let dir = tree(&[
        ("brev.pdf", &pdf(&["Til HR", &format!("cpr: {a}")])),
        ("scan.pdf", &pdf(&[""])),
    ]);
    let run = scan(dir.path(), &[]);
    assert_eq!(cpr_places(&run), [place("brev.pdf", Some("page 2"), &a)]);
    let errs = errors(&run);
    assert_eq!(errs.len(), 1, "{}", run.stdout);
    assert_eq!(errs[0]["path"], "./scan.pdf");
    assert_eq!(errs[0]["skipped"], true);
    assert!(errs[0]["message"]
        .as_str()
        .unwrap()
        .contains("no text layer"));
    assert_eq!(run.summary()["skipped_by"]["no-text-layer"], 1);
}

#[test]
fn legacy_word_file_is_skipped_with_a_clear_reason() {
    let mut data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
    data.extend(vec![0u8; 600]);
    let dir = tree(&[("old.doc", &data)]);
    let run = scan(dir.path(), &[]);
    let errs = errors(&run);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0]["skipped"], true);
    assert!(errs[0]["message"]
        .as_str()
        .unwrap()
        .contains("legacy Office"));
    assert_eq!(run.summary()["skipped_by"]["legacy-office"], 1);
}

#[test]
fn archives_nested_deeper_than_max_depth_are_reported_not_opened() {
    let a = cpr(22, 10, 98, 777);
    let text = format!("cpr {a}\n");
    let level3 = zip(&[("c.txt", text.as_bytes())]);
    let level2 = zip(&[("c.zip", &level3)]);
    let level1 = zip(&[("b.zip", &level2)]);
    let dir = tree(&[("a.zip", &level1)]);
    let deep = scan(dir.path(), &[]);
    assert_eq!(
        cpr_places(&deep),
        [place("a.zip", Some("b.zip!c.zip!c.txt"), &a)]
    );
    let shallow = scan(dir.path(), &["--max-depth", "2"]);
    assert!(cpr_places(&shallow).is_empty());
    let errs = errors(&shallow);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0]["member"], "b.zip!c.zip");
    assert_eq!(shallow.summary()["skipped_by"]["max-depth"], 1);
}

#[test]
fn compressed_stdin_is_read_like_a_file() {
    let a = cpr(23, 11, 99, 888);
    let data = gzip(format!("cpr {a}\n").as_bytes());
    let run = run_in(None, &["--no-config", "-"], &data);
    let f = run.of_type("finding");
    assert_eq!(f.len(), 1, "{}", run.stdout);
    assert_eq!(f[0]["path"], "-");
    assert_eq!(f[0]["match"], masked(&a));
}

/// The issue's "done when": a share-like tree of mixed formats in one command; every planted
/// number is found with its member path, and the bomb and the broken files are error records
/// while the rest is scanned.
#[test]
fn share_like_tree_of_mixed_formats_finds_every_planted_number() {
    let n: Vec<String> = (0..8)
        .map(|i| cpr(1 + i as u8, 1 + i as u8, 80 + i as u8, 100 + 37 * i))
        .collect();
    let mut gz_log = gzip(format!("2024-01-01 INFO cpr={}\n", n[0]).as_bytes());
    gz_log.extend(gzip(b"2024-01-02 INFO nothing\n"));
    let csv_zip = zip(&[
        ("2023/a.csv", format!("navn;cpr\nA;{}\n", n[1]).as_bytes()),
        ("2024/b.csv", format!("navn;cpr\nB;{}\n", n[2]).as_bytes()),
    ]);
    let doc = docx(&[&["cpr: ", &n[3][..4], &n[3][4..]]], "ingen");
    let book = xlsx("Ark1", &[&["cpr"], &[&n[4]]]);
    let export = utf16le(&format!("fødselsdato;navn\r\n{};Ærø\r\n", n[5]));
    let plain = format!("cpr {}\n", n[6]);
    let letter = pdf(&[&format!("CPR-nr. {}", n[7])]);
    let dir = tree(&[
        ("logs/app.log.1.gz", &gz_log),
        ("hr/csv.zip", &csv_zip),
        ("hr/notat.docx", &doc),
        ("hr/løn.xlsx", &book),
        ("export/people.txt", &export),
        ("notes.txt", plain.as_bytes()),
        ("docs/brev.pdf", &letter),
        ("junk/bomb.zip", &zip_bomb(40)),
        (
            "junk/broken.pdf",
            b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage",
        ),
    ]);
    let run = scan(dir.path(), &[]);
    assert_eq!(
        cpr_places(&run),
        [
            place("docs/brev.pdf", Some("page 1"), &n[7]),
            place("export/people.txt", None, &n[5]),
            place("hr/csv.zip", Some("2023/a.csv"), &n[1]),
            place("hr/csv.zip", Some("2024/b.csv"), &n[2]),
            place("hr/løn.xlsx", Some("Ark1"), &n[4]),
            place("hr/notat.docx", Some("word/document.xml"), &n[3]),
            place("logs/app.log.1.gz", Some("app.log.1"), &n[0]),
            place("notes.txt", None, &n[6]),
        ]
    );
    let errs = errors(&run);
    let mut err_paths: Vec<&str> = errs.iter().map(|e| e["path"].as_str().unwrap()).collect();
    err_paths.sort();
    assert_eq!(
        err_paths,
        ["./junk/bomb.zip", "./junk/broken.pdf"],
        "{}",
        run.stdout
    );
    assert!(errs.iter().all(|e| e["skipped"] == false));
    let s = run.summary();
    assert_eq!(s["files"], 9);
    assert_eq!(s["partial"], 2);
}

#[test]
fn sqlite_file_on_disk_is_read_as_tables_not_as_binary_text_runs() {
    let a = cpr(27, 3, 93, 343);
    let dir = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("app.db")).unwrap();
    conn.execute_batch("CREATE TABLE p (id INTEGER PRIMARY KEY, note TEXT)")
        .unwrap();
    conn.execute("INSERT INTO p (note) VALUES (?1)", [format!("cpr {a}")])
        .unwrap();
    drop(conn);
    let run = scan(dir.path(), &[]);
    let f = run.of_type("finding");
    assert_eq!(f.len(), 1, "{}", run.stdout);
    assert_eq!(f[0]["table"], "p");
    assert!(run.summary().get("binary").is_none());
}

#[test]
fn zstd_bzip2_and_xz_files_are_decompressed_by_content() {
    let n: Vec<String> = (0..3)
        .map(|i| cpr(2 + i, 3 + i, 85 + i, 150 + u16::from(i)))
        .collect();
    let zst = zstd::encode_all(format!("cpr {}\n", n[0]).as_bytes(), 3).unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    bz.write_all(format!("cpr {}\n", n[1]).as_bytes()).unwrap();
    let bz = bz.finish().unwrap();
    let mut xz =
        lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(1)).unwrap();
    xz.write_all(format!("cpr {}\n", n[2]).as_bytes()).unwrap();
    let xz = xz.finish().unwrap();
    let dir = tree(&[("a.log.zst", &zst), ("b.log.bz2", &bz), ("c.log.xz", &xz)]);
    let run = scan(dir.path(), &[]);
    assert_eq!(
        cpr_places(&run),
        [
            place("a.log.zst", Some("a.log"), &n[0]),
            place("b.log.bz2", Some("b.log"), &n[1]),
            place("c.log.xz", Some("c.log"), &n[2]),
        ]
    );
}

#[test]
fn opendocument_text_and_powerpoint_slides_are_read_as_text() {
    let (a, b) = (cpr(3, 5, 87, 161), cpr(4, 6, 88, 272));
    let content = format!(
        r#"<office:document-content><office:body><office:text><text:p>cpr <text:span>{}</text:span>{}</text:p></office:text></office:body></office:document-content>"#,
        &a[..5],
        &a[5..]
    );
    let odt = zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
    ]);
    let slide = format!(
        r#"<p:sld><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>cpr-nr. </a:t></a:r><a:r><a:t>{b}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"#
    );
    let pptx = zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("ppt/presentation.xml", b"<p:presentation/>"),
        ("ppt/slides/slide1.xml", slide.as_bytes()),
    ]);
    let dir = tree(&[("brev.odt", &odt), ("møde.pptx", &pptx)]);
    let run = scan(dir.path(), &[]);
    assert_eq!(
        cpr_places(&run),
        [
            place("brev.odt", Some("content.xml"), &a),
            place("møde.pptx", Some("ppt/slides/slide1.xml"), &b),
        ]
    );
}
