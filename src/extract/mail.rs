//! E-mail messages (`.eml`, MIME): headers (encoded words decoded), every text part
//! (base64 and quoted-printable decoded, converted from its charset) and every attachment,
//! each as a member: `headers`, `body`, `body.html`, `liste.xlsx!Ark1`. A message is parsed in
//! memory, up to [`MAIL_MAX`].

use std::io::Read;

use mailparse::{DispositionType, ParsedMail};

use super::{join, Ctx, TextKind};

/// Messages larger than this are not parsed (reported).
pub const MAIL_MAX: u64 = 128 << 20;

/// Header names that open a message (the first line of an `.eml` file is one of them).
const FIRST_HEADERS: &[&str] = &[
    "received",
    "return-path",
    "from",
    "to",
    "date",
    "subject",
    "message-id",
    "mime-version",
    "delivered-to",
    "x-",
    "reply-to",
    "content-type",
    "dkim-signature",
    "arc-",
    "authentication-results",
];

/// Whether `head` is the start of a MIME message that needs decoding: its first line is a known
/// header and its header block declares MIME (`MIME-Version`, a multipart body, base64 or
/// quoted-printable). A message in plain text needs none, and is scanned as the text it is.
/// Judged by content only: the name is not used.
pub fn looks_like_mail(head: &[u8]) -> bool {
    let first = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let Some(colon) = memchr::memchr(b':', first) else {
        return false;
    };
    let key = String::from_utf8_lossy(&first[..colon]).to_ascii_lowercase();
    if key.is_empty() || key.contains(' ') || !FIRST_HEADERS.iter().any(|h| key.starts_with(h)) {
        return false;
    }
    let block_end = memchr::memmem::find(head, b"\n\n")
        .or_else(|| memchr::memmem::find(head, b"\r\n\r\n"))
        .unwrap_or(head.len());
    let headers = String::from_utf8_lossy(&head[..block_end]).to_ascii_lowercase();
    ["mime-version:", "multipart/", "base64", "quoted-printable"]
        .iter()
        .any(|marker| headers.contains(marker))
}

/// Reads a message and scans its headers, text parts and attachments.
pub fn read(ctx: &mut Ctx, member: Option<&str>, depth: u32, reader: &mut dyn Read) {
    let mut data = Vec::new();
    if let Err(e) = reader.take(MAIL_MAX + 1).read_to_end(&mut data) {
        return ctx.read_failed(member, &e);
    }
    if data.len() as u64 > MAIL_MAX {
        return ctx.error(
            member,
            format!("e-mail message larger than {MAIL_MAX} bytes: not parsed"),
        );
    }
    let mail = match std::panic::catch_unwind(|| mailparse::parse_mail(&data)) {
        Ok(Ok(mail)) => mail,
        Ok(Err(e)) => return ctx.error(member, format!("not a readable e-mail message: {e}")),
        Err(_) => return ctx.error(member, "the e-mail parser failed on this message"),
    };
    let mut headers = String::new();
    for h in &mail.headers {
        headers.push_str(&h.get_key());
        headers.push_str(": ");
        headers.push_str(&h.get_value());
        headers.push('\n');
    }
    let path = join(member, "headers");
    if ctx.count_member(Some(&path)) {
        ctx.text(Some(&path), TextKind::Document, &mut headers.as_bytes());
    }
    let mut n = 0;
    part(ctx, member, depth, &mail, &mut n);
}

/// Scans one MIME part and its subparts; `n` numbers the parts met so far.
fn part(ctx: &mut Ctx, member: Option<&str>, depth: u32, p: &ParsedMail, n: &mut usize) {
    if ctx.stopped {
        return;
    }
    if !p.subparts.is_empty() {
        for sub in &p.subparts {
            part(ctx, member, depth, sub, n);
        }
        return;
    }
    *n += 1;
    let disposition = p.get_content_disposition();
    let filename = disposition
        .params
        .get("filename")
        .or_else(|| p.ctype.params.get("name"))
        .cloned();
    let mime = p.ctype.mimetype.to_ascii_lowercase();
    let is_text =
        mime.starts_with("text/") && disposition.disposition != DispositionType::Attachment;
    if is_text && filename.is_none() {
        let name = match (mime.as_str(), *n) {
            ("text/html", 1) => "body.html".to_string(),
            (_, 1) => "body".to_string(),
            ("text/html", k) => format!("body-{k}.html"),
            (_, k) => format!("body-{k}"),
        };
        let path = join(member, &name);
        if !ctx.count_member(Some(&path)) {
            return;
        }
        match p.get_body() {
            Ok(text) => ctx.text(Some(&path), TextKind::Document, &mut text.as_bytes()),
            Err(e) => ctx.error(Some(&path), format!("cannot decode this part: {e}")),
        }
        return;
    }
    let name = filename.unwrap_or_else(|| format!("part-{n}"));
    let path = join(member, &name);
    if !ctx.count_member(Some(&path)) {
        return;
    }
    match p.get_body_raw() {
        Ok(bytes) => ctx.stream(Some(&path), &name, depth, &mut bytes.as_slice()),
        Err(e) => ctx.error(Some(&path), format!("cannot decode this attachment: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mime_message_is_told_by_its_headers() {
        let eml = b"From: a@example.dk\r\nMIME-Version: 1.0\r\nSubject: x\r\n\r\nbody";
        assert!(looks_like_mail(eml));
        assert!(
            !looks_like_mail(b"Subject: hi\nContent-Type: text/plain\n\nbody"),
            "plain text needs no decoding"
        );
        assert!(looks_like_mail(
            b"Subject: hi\nContent-Transfer-Encoding: base64\n\nY3By"
        ));
        assert!(!looks_like_mail(b"cpr: 010190-1238\nMIME-Version: 1.0"));
    }
}
