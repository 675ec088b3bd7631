//! Validator for the `email` kind: e-mail addresses, anchored on their `@`.
//!
//! A practical grammar, not RFC 5322: what people's addresses look like in documents and logs.
//!
//! - Local part, scanned left from the `@`: ASCII letters, digits and `. _ - + '` (the
//!   apostrophe for names like `o'brien`), 1 to 64 bytes, no `..`, not ending with `.`.
//!   Leading `. ' - +` are taken as punctuation before the address and left out
//!   (`'jens@example.dk'`, `...jens@example.dk`). The other RFC 5322 `atext` symbols
//!   (`! # $ % & * / = ? ^ ` { | } ~`) end the local part instead of belonging to it: in logs,
//!   URLs, CSV and code they are delimiters (`user=jens@…`, `?to=jens@…`, `a|jens@…`,
//!   `/jens@…`), and addresses using them are machine-made (SRS and BATV bounce addresses).
//!   A local part run longer than 64 bytes is rejected, not cut.
//! - Left neighbour: any byte outside the local part set, except `@` (`a@b@c.dk` is no address)
//!   and `%`, `$` (format strings and shell variables: `%s@example.dk`, `$USER@example.dk`);
//!   templates such as `{user}@example.dk` have an empty local part and are rejected anyway.
//!   A non-ASCII byte is a boundary: no IDN local parts, so `søren@example.dk` yields
//!   `ren@example.dk` (the domain is right and a person's address is there: better reported
//!   with a short span than missed).
//! - Domain: labels of ASCII letters, digits and `-` (1 to 63 bytes, no leading or trailing
//!   `-`) separated by single dots; at least two labels. A dot not followed by a label byte
//!   ends the domain (`mail jens@example.dk.` gives `jens@example.dk`).
//! - Top-level domain: 2 to 24 ASCII letters, or punycode `xn--…`; not a file extension that
//!   is no TLD ([`FILE_EXTENSIONS`], so `logo@2x.png` is no address); digits never (so
//!   `pkg@1.2.3` is no address).
//! - Right neighbour: not `@`, not `_` (a host name that goes on, `host.my_server`), not a
//!   non-ASCII letter (`jens@firma.blåbær.dk` would otherwise report the domain `firma.bl`).
//!   Non-ASCII punctuation (`»`, no-break space, curly quotes) and CJK text are boundaries.
//! - The whole address is at most 254 bytes.
//!
//! Confidence: high with reason `email`; low, with reason `role-account` too, when the local
//! part (before any `+tag`) names a system or role mailbox rather than a person ([`ROLE_ACCOUNTS`]:
//! `git@github.com`, `noreply@…`, `postmaster@…`, `kontakt@…`, `jobcenter@…`); low with reason
//! `machine-id` when it is a UUID or hash (`<b464…-9e61a5b72ab7@mail.kommune.dk>`, a
//! `Message-ID`). No context words are used: the shape is
//! evidence enough, so the context lookup is never called.
//!
//! Cost: a look at the bytes on each side of the `@` rejects most `@`s (`@media`, `@param`,
//! `x @ y`); nothing allocates before a match is certain.

use crate::context::Word;
use crate::finding::{Confidence, Reason, Reasons};

use super::{Context, Match};

/// Context words of this kind: none (see the module documentation).
pub const WORDS: &[Word] = &[];

/// The most bytes of a local part (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL: usize = 64;
/// The most bytes of a domain label.
const MAX_LABEL: usize = 63;
/// The most bytes of a whole address (RFC 5321 path limit minus the angle brackets).
const MAX_TOTAL: usize = 254;
/// The longest all-letter top-level domain accepted.
const MAX_TLD: usize = 24;

/// File extensions that are not top-level domains: a name ending in one of these is a file
/// (`icon@2x.png`, `chunk@3.min.js`). Real TLDs that are also extensions (`zip`, `py`, `sh`,
/// `md`, `rs`, `pl`, `mov`) are deliberately absent.
pub const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "tif", "tiff", "avif", "heic", "ico", "js",
    "mjs", "cjs", "jsx", "ts", "tsx", "css", "scss", "sass", "map", "json", "yaml", "yml", "xml",
    "html", "htm", "txt", "csv", "pdf", "log", "woff", "woff2", "ttf", "otf", "eot", "wav", "ogg",
    "bak", "tmp", "exe", "dll", "docx", "xlsx", "pptx",
];

/// Local parts (compared case-insensitively, before any `+tag`) of system and role mailboxes:
/// machine senders, protocol roles, and the shared mailboxes of an organisation or one of its
/// units (`info@`, `kontakt@`, `jobcenter@kommune.dk`), not people. A role word inside a
/// personal address (`info.jensen@`) does not count.
pub const ROLE_ACCOUNTS: &[&str] = &[
    // Shared mailboxes, Danish and English.
    "info",
    "kontakt",
    "contact",
    "post",
    "mail",
    "support",
    "helpdesk",
    "servicedesk",
    "service",
    "kundeservice",
    "customerservice",
    "salg",
    "sales",
    "bogholderi",
    "regnskab",
    "accounting",
    "sekretariat",
    "reception",
    "presse",
    "press",
    "hr",
    "it",
    // The units of a Danish municipality, as their mailboxes are named (æ ø å written ae oe aa).
    "borgerservice",
    "jobcenter",
    "socialforvaltning",
    "socialforvaltningen",
    "skole",
    "byraad",
    "oekonomi",
    "boernogunge",
    "teknikogmiljoe",
    "sundhedogomsorg",
    "aeldreomraadet",
    // Machine senders and protocol roles.
    "git",
    "noreply",
    "no-reply",
    "no_reply",
    "donotreply",
    "do-not-reply",
    "do_not_reply",
    "postmaster",
    "hostmaster",
    "webmaster",
    "abuse",
    "root",
    "daemon",
    "mailer-daemon",
    "nobody",
    "www-data",
    "bounce",
    "bounces",
];

/// [`CLASS`] bit of a local part byte: ASCII letters, digits and `. _ - + '`.
const LOCAL: u8 = 1;
/// [`CLASS`] bit of a domain label byte: ASCII letters, digits and `-`.
const LABEL: u8 = 2;

/// The grammar's byte classes by byte, so the scans over an address test each byte with one
/// lookup instead of a chain of comparisons.
static CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+' | b'\'') {
            class[i] |= LOCAL;
        }
        if b.is_ascii_alphanumeric() || b == b'-' {
            class[i] |= LABEL;
        }
        i += 1;
    }
    class
};

#[inline]
fn is_local_byte(b: u8) -> bool {
    CLASS[usize::from(b)] & LOCAL != 0
}

#[inline]
fn is_label_byte(b: u8) -> bool {
    CLASS[usize::from(b)] & LABEL != 0
}

/// Whether the non-ASCII byte at `hay[at]` starts a letter that would continue a host name:
/// a UTF-8 two-byte sequence led by `C3`..`DF` (Latin-1 letters, Latin Extended, Greek,
/// Cyrillic, …), or in Latin-1 text a byte `C0`..`FF` that is not followed by a UTF-8
/// continuation byte. `C2` (no-break space, `«`, `»`), the three- and four-byte sequences
/// (punctuation, CJK, emoji) and Latin-1 symbols `80`..`BF` are not.
fn starts_non_ascii_letter(hay: &[u8], at: usize) -> bool {
    let b = hay[at];
    let next_is_continuation = hay.get(at + 1).is_some_and(|&n| (0x80..0xC0).contains(&n));
    match b {
        0xC3..=0xDF => true,
        0xC0..=0xFF => !next_is_continuation && b != 0xD7 && b != 0xF7,
        _ => false,
    }
}

/// Whether the last label is shaped like a top-level domain and is not a file extension.
fn tld_ok(tld: &[u8]) -> bool {
    if tld.len() > 4 && tld[..4].eq_ignore_ascii_case(b"xn--") {
        return true;
    }
    if !(2..=MAX_TLD).contains(&tld.len()) || !tld.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    // Every extension is at most eight bytes: compare the TLD, lowercased and packed into one
    // number, with each extension packed the same way.
    if tld.len() > 8 {
        return true;
    }
    let packed = tld
        .iter()
        .enumerate()
        .fold(0u64, |key, (i, &b)| key | u64::from(b) << (8 * i));
    let key = crate::context::lower8(packed);
    !EXTENSION_KEYS.contains(&key)
}

/// [`FILE_EXTENSIONS`], each lowercase and packed little-endian into a `u64` (zero-padded).
static EXTENSION_KEYS: [u64; FILE_EXTENSIONS.len()] = {
    let mut keys = [0u64; FILE_EXTENSIONS.len()];
    let mut i = 0;
    while i < FILE_EXTENSIONS.len() {
        let ext = FILE_EXTENSIONS[i].as_bytes();
        assert!(ext.len() <= 8, "file extensions fit eight bytes");
        let mut j = 0;
        while j < ext.len() {
            keys[i] |= (ext[j].to_ascii_lowercase() as u64) << (8 * j);
            j += 1;
        }
        i += 1;
    }
    keys
};

/// Whether a local part is a machine's identifier, not a mailbox: 16 or more hex digits, alone
/// or in dash-separated groups (the UUID of a `Message-ID: <…@mail.example.dk>`, a hash), with
/// at least one digit and one letter so a word or a number is not taken for one.
fn is_machine_id(local: &[u8]) -> bool {
    // A person's local part is usually shorter than 16 bytes or holds a letter past `f`: the
    // cheap tests go first.
    local.len() >= 16
        && local.iter().all(|&b| b.is_ascii_hexdigit() || b == b'-')
        && local.iter().filter(|b| b.is_ascii_hexdigit()).count() >= 16
        && local.iter().any(u8::is_ascii_digit)
        && local.iter().any(u8::is_ascii_alphabetic)
}

/// For each first letter `a`..`z` of a role account, bit `n` set when one of `n` bytes starts
/// with it: one lookup rules out nearly every person's local part before the list is compared.
static ROLE_SHAPES: [u32; 26] = {
    let mut shapes = [0u32; 26];
    let mut i = 0;
    while i < ROLE_ACCOUNTS.len() {
        let role = ROLE_ACCOUNTS[i].as_bytes();
        assert!(role[0].is_ascii_lowercase() && role.len() < 32);
        shapes[(role[0] - b'a') as usize] |= 1 << role.len();
        i += 1;
    }
    shapes
};

/// Whether a local part names a system or role mailbox.
fn is_role_account(local: &[u8]) -> bool {
    // Local parts are short: a plain loop beats `memchr`'s set-up.
    let base = local
        .iter()
        .position(|&b| b == b'+')
        .map_or(local, |plus| &local[..plus]);
    let Some(first) = base.first().map(u8::to_ascii_lowercase) else {
        return false;
    };
    if !first.is_ascii_lowercase()
        || base.len() >= 32
        || ROLE_SHAPES[usize::from(first - b'a')] >> base.len() & 1 == 0
    {
        return false;
    }
    ROLE_ACCOUNTS
        .iter()
        .any(|role| role.as_bytes().eq_ignore_ascii_case(base))
}

/// Recognises the address around the `@` at `hay[at]`.
pub fn at_at_sign(hay: &[u8], at: usize, _ctx: Context) -> Option<Match> {
    debug_assert_eq!(hay.get(at), Some(&b'@'));
    // Cheap rejections first: a local part must end right before the `@` (not with a dot) and a
    // label must start right after it.
    let before = *hay.get(at.checked_sub(1)?)?;
    if before == b'.' || !is_local_byte(before) || !hay.get(at + 1)?.is_ascii_alphanumeric() {
        return None;
    }

    // Local part: the run of local part bytes before the `@`, looked at up to one byte past
    // the longest allowed.
    let floor = at.saturating_sub(MAX_LOCAL + 1);
    let mut run = at - 1;
    while run > floor && is_local_byte(hay[run - 1]) {
        run -= 1;
    }
    if at - run > MAX_LOCAL {
        return None;
    }
    if run > 0 && matches!(hay[run - 1], b'@' | b'%' | b'$') {
        return None;
    }
    let mut start = run;
    while start < at && matches!(hay[start], b'.' | b'\'' | b'-' | b'+') {
        start += 1;
    }
    let local = &hay[start..at];
    if local.is_empty() || local.windows(2).any(|w| w == b"..") {
        return None;
    }

    // Domain.
    let limit = start + MAX_TOTAL;
    let mut p = at + 1;
    let mut labels = 0usize;
    let mut last = p..p;
    loop {
        // A label byte at `cap` makes the label or the address too long.
        let label_start = p;
        let cap = (label_start + MAX_LABEL).min(limit);
        let bound = hay.len().min(cap + 1);
        while p < bound && is_label_byte(hay[p]) {
            p += 1;
        }
        if p > cap {
            return None;
        }
        if p == label_start || hay[label_start] == b'-' || hay[p - 1] == b'-' {
            return None;
        }
        labels += 1;
        last = label_start..p;
        if hay.get(p) == Some(&b'.') && hay.get(p + 1).is_some_and(|&b| is_label_byte(b)) {
            p += 1;
        } else {
            break;
        }
    }
    let end = p;
    if labels < 2 || !tld_ok(&hay[last]) {
        return None;
    }
    if let Some(&after) = hay.get(end) {
        if after == b'@' || after == b'_' || (after >= 0x80 && starts_non_ascii_letter(hay, end)) {
            return None;
        }
    }

    let mut reasons = Reasons::new();
    reasons.push(Reason::Rule("email"));
    let confidence = if is_machine_id(local) {
        reasons.push(Reason::Rule("machine-id"));
        Confidence::Low
    } else if is_role_account(local) {
        reasons.push(Reason::Rule("role-account"));
        Confidence::Low
    } else {
        Confidence::High
    };
    Some(Match {
        start,
        end,
        confidence,
        reasons,
    })
}

/// Masks an address: the first character of the local part, then always three `*` (so the
/// local part's length does not show), then the whole domain: `j***@example.dk`.
pub fn mask(value: &[u8]) -> String {
    crate::mask::to_string(|out| mask_into(value, out))
}

/// [`mask`], appended to `out` as bytes.
pub fn mask_into(value: &[u8], out: &mut Vec<u8>) {
    match memchr::memrchr(b'@', value) {
        Some(at) if at > 0 && value[0].is_ascii() => {
            out.push(value[0]);
            out.extend_from_slice(b"***@");
            // Digits in a domain are rare and may be the very number the scan looks for
            // (`a@0101901238.dk`), so they are masked too; letters are kept.
            let domain = out.len();
            out.extend_from_slice(&value[at + 1..]);
            for b in &mut out[domain..] {
                if b.is_ascii_digit() {
                    *b = b'*';
                }
            }
        }
        _ => super::mask_alnum_into(value, 0, 0, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testgen::Rng;

    #[test]
    fn packed_extension_check_agrees_with_comparing_each_extension() {
        let reference = |tld: &[u8]| {
            !FILE_EXTENSIONS
                .iter()
                .any(|ext| ext.as_bytes().eq_ignore_ascii_case(tld))
        };
        let mut tlds: Vec<Vec<u8>> = Vec::new();
        for ext in FILE_EXTENSIONS {
            let e = ext.as_bytes();
            tlds.push(e.to_vec());
            tlds.push(e.to_ascii_uppercase());
            tlds.push([e, b"x"].concat());
            tlds.push(e[..e.len() - 1].to_vec());
            tlds.push([b"x", e].concat());
        }
        tlds.extend([
            b"dk".to_vec(),
            b"Com".to_vec(),
            b"abcdefghi".to_vec(),
            b"museum".to_vec(),
        ]);
        for tld in tlds
            .iter()
            .filter(|t| t.iter().all(u8::is_ascii_alphabetic))
        {
            let plain = (2..=MAX_TLD).contains(&tld.len()) && reference(tld);
            assert_eq!(tld_ok(tld), plain, "{:?}", String::from_utf8_lossy(tld));
        }
    }
    use crate::context::{ContextMatcher, Nearby};

    /// Runs the validator at every `@` of `text`, as the scanner does; returns each matched
    /// text with its confidence.
    fn scan(text: &str) -> Vec<(String, Confidence)> {
        let hay = text.as_bytes();
        let matcher = ContextMatcher::new(WORDS);
        let ctx = |s, e| matcher.nearby(hay, s, e);
        memchr::memchr_iter(b'@', hay)
            .filter_map(|at| at_at_sign(hay, at, &ctx))
            .map(|m| (text[m.start..m.end].to_string(), m.confidence))
            .collect()
    }

    /// The single address found in `text`, if exactly one.
    fn one(text: &str) -> Option<String> {
        let found = scan(text);
        assert!(found.len() <= 1, "{text}: {found:?}");
        found.into_iter().next().map(|(s, _)| s)
    }

    fn confidence(text: &str) -> Option<Confidence> {
        scan(text).into_iter().next().map(|(_, c)| c)
    }

    fn reasons(text: &str) -> Vec<Reason> {
        let hay = text.as_bytes();
        let at = memchr::memchr(b'@', hay).unwrap();
        at_at_sign(hay, at, &|_, _| Nearby::default())
            .unwrap()
            .reasons
            .to_vec()
    }

    // True positives.

    #[test]
    fn plain_address_is_high_with_email_reason() {
        assert_eq!(
            scan("mail jens@example.dk"),
            vec![("jens@example.dk".to_string(), Confidence::High)]
        );
        assert_eq!(reasons("jens@example.dk"), vec![Reason::Rule("email")]);
    }

    #[test]
    fn dots_plus_tags_hyphens_underscores_and_apostrophes_are_in_the_local_part() {
        for addr in [
            "jens.hansen@example.dk",
            "jens+nyhedsbrev@example.dk",
            "anne-marie_k@example.dk",
            "o'brien@example.ie",
            "a@b.co",
            "J.Hansen@Example.DK",
        ] {
            assert_eq!(one(&format!("<{addr}>")).as_deref(), Some(addr));
        }
    }

    #[test]
    fn subdomains_and_hyphenated_labels_are_in_the_domain() {
        assert_eq!(
            one("jens@mail.post-kontor.example.dk").as_deref(),
            Some("jens@mail.post-kontor.example.dk")
        );
        assert_eq!(
            one("jens@123.example.dk").as_deref(),
            Some("jens@123.example.dk")
        );
    }

    #[test]
    fn punycode_tld_is_accepted() {
        assert_eq!(
            one("jens@example.xn--p1ai").as_deref(),
            Some("jens@example.xn--p1ai")
        );
    }

    #[test]
    fn long_letter_tld_is_accepted_up_to_24() {
        let tld = "a".repeat(24);
        let addr = format!("jens@example.{tld}");
        assert_eq!(one(&addr), Some(addr.clone()));
        assert_eq!(one(&format!("jens@example.{tld}a")), None);
    }

    #[test]
    fn sentence_final_dot_is_not_part_of_the_domain() {
        assert_eq!(
            one("mail jens@example.dk.").as_deref(),
            Some("jens@example.dk")
        );
        assert_eq!(
            one("skriv til jens@example.dk... tak").as_deref(),
            Some("jens@example.dk")
        );
    }

    #[test]
    fn punctuation_around_the_address_is_a_boundary() {
        for text in [
            "(jens@example.dk)",
            "\"jens@example.dk\"",
            "'jens@example.dk'",
            "mailto:jens@example.dk",
            "jens@example.dk, anne@example.dk",
            "<a href=\"mailto:jens@example.dk\">",
            "*jens@example.dk*",
            "jens@example.dk;",
            "[jens@example.dk]",
        ] {
            assert_eq!(scan(text)[0].0, "jens@example.dk", "{text}");
        }
    }

    #[test]
    fn delimiter_symbols_end_the_local_part() {
        for text in [
            "user=jens@example.dk",
            "/signup?to=jens@example.dk&x=1",
            "2024|jens@example.dk|ok",
            "https://example.dk/jens@example.dk",
            "#jens@example.dk",
            "~jens@example.dk",
        ] {
            assert_eq!(one(text).as_deref(), Some("jens@example.dk"), "{text}");
        }
    }

    #[test]
    fn leading_dots_quotes_hyphens_and_plus_are_punctuation() {
        assert_eq!(
            one("...jens@example.dk").as_deref(),
            Some("jens@example.dk")
        );
        assert_eq!(one("-jens@example.dk").as_deref(), Some("jens@example.dk"));
        assert_eq!(one("+jens@example.dk").as_deref(), Some("jens@example.dk"));
    }

    #[test]
    fn non_ascii_punctuation_is_a_boundary_on_both_sides() {
        assert_eq!(one("»jens@example.dk«").as_deref(), Some("jens@example.dk"));
        assert_eq!(one("“jens@example.dk”").as_deref(), Some("jens@example.dk"));
        assert_eq!(
            one("mail\u{a0}jens@example.dk\u{a0}nu").as_deref(),
            Some("jens@example.dk")
        );
        assert_eq!(
            one("邮箱jens@example.com。").as_deref(),
            Some("jens@example.com")
        );
        let mut latin1 = b"\xabjens@example.dk\xbb".to_vec();
        latin1.push(b' ');
        let hay = &latin1[..];
        let m = at_at_sign(hay, 5, &|_, _| Nearby::default()).unwrap();
        assert_eq!(&hay[m.start..m.end], b"jens@example.dk");
    }

    #[test]
    fn non_ascii_letter_before_is_a_boundary_the_ascii_tail_is_reported() {
        assert_eq!(one("søren@example.dk").as_deref(), Some("ren@example.dk"));
    }

    #[test]
    fn local_part_of_exactly_64_bytes_is_accepted() {
        let local = "a".repeat(64);
        let addr = format!("{local}@example.dk");
        assert_eq!(one(&format!(" {addr} ")), Some(addr.clone()));
    }

    /// The bounded scans must stop exactly where the limits are: every local part length up
    /// to past 64, labels around 63 and whole addresses around 254 bytes.
    #[test]
    fn bounded_scans_accept_exactly_the_lengths_within_every_limit() {
        for local in 1..=70 {
            for (a, b, c) in [
                (10, 10, 10),
                (62, 63, 64),
                (63, 63, 50),
                (63, 63, 58),
                (63, 63, 59),
            ] {
                for sep in [" ", "\n", ""] {
                    let labels = ["b".repeat(a), "c".repeat(b), "d".repeat(c)].join(".");
                    let addr = format!("{}@{labels}.dk", "a".repeat(local));
                    let ok = local <= MAX_LOCAL
                        && [a, b, c].iter().all(|&n| n <= MAX_LABEL)
                        && addr.len() <= MAX_TOTAL;
                    assert_eq!(
                        one(&format!("{sep}{addr}{sep}")),
                        ok.then(|| addr.clone()),
                        "local {local}, labels {a} {b} {c}"
                    );
                }
            }
        }
    }

    #[test]
    fn class_table_agrees_with_the_grammar_for_every_byte() {
        for b in 0..=255u8 {
            let alnum = b.is_ascii_alphanumeric();
            assert_eq!(is_local_byte(b), alnum || b".-_+'".contains(&b), "{b:#x}");
            assert_eq!(is_label_byte(b), alnum || b == b'-', "{b:#x}");
        }
    }

    /// The shape table may only rule out local parts the list does not hold.
    #[test]
    fn role_shapes_rule_out_only_local_parts_the_list_does_not_hold() {
        let reference = |local: &[u8]| {
            let base = local.split(|&b| b == b'+').next().unwrap_or(local);
            ROLE_ACCOUNTS
                .iter()
                .any(|role| role.as_bytes().eq_ignore_ascii_case(base))
        };
        let mut locals: Vec<Vec<u8>> = Vec::new();
        for role in ROLE_ACCOUNTS {
            let r = role.as_bytes();
            locals.push(r.to_vec());
            locals.push(r.to_ascii_uppercase());
            locals.push([r, b"+tag"].concat());
            locals.push([r, b"s"].concat());
            locals.push(r[1..].to_vec());
            locals.push([b"x", r].concat());
        }
        let alphabet = b"aeinopst+-._0Z";
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let seed = rng.next();
            let len = (seed % 40) as usize;
            locals.push(
                (0..len)
                    .map(|i| alphabet[(seed >> (i % 60)) as usize % alphabet.len()])
                    .collect(),
            );
        }
        for local in &locals {
            assert_eq!(is_role_account(local), reference(local), "{local:?}");
        }
    }

    #[test]
    fn machine_id_tests_in_cheap_order_agree_with_the_definition() {
        let reference = |local: &[u8]| {
            let hex = local.iter().filter(|b| b.is_ascii_hexdigit()).count();
            hex >= 16
                && local.iter().all(|&b| b.is_ascii_hexdigit() || b == b'-')
                && local.iter().any(u8::is_ascii_digit)
                && local.iter().any(u8::is_ascii_alphabetic)
        };
        let alphabet = b"0123456789abcdefABCDEF-g.";
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let seed = rng.next();
            let len = (seed % 48) as usize;
            let mut s2 = seed;
            let local: Vec<u8> = (0..len)
                .map(|_| {
                    s2 = s2
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    // Mostly hex, now and then a dash or a letter past `f`.
                    let k = (s2 >> 33) as usize % 64;
                    alphabet[if k < 60 { k % 22 } else { 22 + k % 3 }]
                })
                .collect();
            assert_eq!(is_machine_id(&local), reference(&local), "{local:?}");
        }
    }

    #[test]
    fn address_of_254_bytes_is_accepted() {
        let local = "a".repeat(64);
        let labels = ["b".repeat(63), "c".repeat(63), "d".repeat(58)].join(".");
        let addr = format!("{local}@{labels}.dk");
        assert_eq!(addr.len(), 254);
        assert_eq!(one(&addr), Some(addr.clone()));
    }

    #[test]
    fn scanner_cadence_finds_every_address_of_a_list() {
        let found = scan("to: jens@example.dk; cc: anne.k@example.dk, bo@firma.example.com");
        let texts: Vec<_> = found.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            texts,
            [
                "jens@example.dk",
                "anne.k@example.dk",
                "bo@firma.example.com"
            ]
        );
    }

    // Role accounts.

    #[test]
    fn git_remote_is_an_address_shape_but_a_role_account_low() {
        let text = "git@github.com:example/repo.git";
        assert_eq!(
            scan(text),
            vec![("git@github.com".to_string(), Confidence::Low)]
        );
        assert_eq!(
            reasons(text),
            vec![Reason::Rule("email"), Reason::Rule("role-account")]
        );
    }

    #[test]
    fn system_mailboxes_are_low_case_insensitive_and_with_tags() {
        for text in [
            "noreply@example.dk",
            "No-Reply@example.dk",
            "postmaster@example.dk",
            "MAILER-DAEMON@example.dk",
            "root@server.example.dk",
            "noreply+bounce@example.dk",
        ] {
            assert_eq!(confidence(text), Some(Confidence::Low), "{text}");
        }
    }

    #[test]
    fn shared_mailboxes_of_an_organisation_or_a_unit_are_role_accounts() {
        for address in [
            "kontakt@firma.dk",
            "Info@example.dk",
            "jobcenter@kommune.dk",
            "boernogunge@kommune.dk",
            "post+sag123@kommune.dk",
        ] {
            assert_eq!(confidence(address), Some(Confidence::Low), "{address}");
        }
        assert_eq!(confidence("info.jensen@firma.dk"), Some(Confidence::High));
        assert_eq!(confidence("kontakt.ole@firma.dk"), Some(Confidence::High));
    }

    #[test]
    fn a_message_id_or_hash_before_the_at_sign_is_a_machine_id_low() {
        let text = "Message-ID: <b4642364-e3ac-4fb2-2fd9-9e61a5b72ab7@mail.kommune.dk>";
        assert_eq!(
            reasons(text),
            vec![Reason::Rule("email"), Reason::Rule("machine-id")]
        );
        assert_eq!(
            confidence("5d41402abc4b2a76b9719d911017c592@example.dk"),
            Some(Confidence::Low)
        );
        // Short hex, all letters or all digits: a person's address.
        assert_eq!(confidence("bead@example.dk"), Some(Confidence::High));
        assert_eq!(
            confidence("deadbeefcafebabedeadbeef@example.dk"),
            Some(Confidence::High)
        );
        assert_eq!(
            confidence("12345678901234567@example.dk"),
            Some(Confidence::High)
        );
    }

    #[test]
    fn role_word_inside_a_personal_local_part_is_high() {
        assert_eq!(confidence("gitte@example.dk"), Some(Confidence::High));
        assert_eq!(confidence("roothansen@example.dk"), Some(Confidence::High));
        assert_eq!(
            confidence("12345+jens@users.noreply.github.com"),
            Some(Confidence::High)
        );
    }

    // False positives.

    #[test]
    fn image_at_2x_file_names_are_not_addresses() {
        for text in [
            "logo@2x.png",
            "icon@3x.PNG",
            "hero@2x.webp",
            "sprite@2x.svg",
            "bundle@1x.min.js",
            "app@2x.css",
            "font@v2.woff",
            "data@v1.json",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn real_tld_that_is_also_an_extension_is_kept() {
        assert_eq!(one("jens@example.zip").as_deref(), Some("jens@example.zip"));
    }

    #[test]
    fn versions_are_not_addresses() {
        for text in [
            "pkg@1.2.3",
            "lodash@4.17.21",
            "react@18.2.0-rc.1",
            "@types/node@20.1.0",
            "npm i left-pad@^1.3.0",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn tld_must_be_letters_of_two_or_more() {
        assert_eq!(one("jens@example.d"), None);
        assert_eq!(one("jens@example.d2"), None);
        assert_eq!(one("jens@example.123"), None);
        assert_eq!(one("x@W.T"), None);
    }

    #[test]
    fn single_label_domain_is_not_an_address() {
        assert_eq!(one("jens@localhost"), None);
        assert_eq!(one("image@sha256:abcdef"), None);
        assert_eq!(one("user@host."), None);
    }

    #[test]
    fn no_local_part_is_not_an_address() {
        for text in [
            "@media screen",
            "@example.dk",
            " @example.dk",
            "(@example.dk)",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn no_domain_is_not_an_address() {
        for text in [
            "jens@",
            "jens@ example.dk",
            "jens@.example.dk",
            "jens@-x.dk",
            "jens@[192.0.2.1]",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn templates_and_format_strings_are_not_addresses() {
        for text in [
            "{user}@example.dk",
            "${USER}@example.dk",
            "{{ user }}@example.dk",
            "%s@example.dk",
            "$USER@example.dk",
            "<%= user %>@example.dk",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn double_or_trailing_dot_in_local_part_is_rejected() {
        assert_eq!(one("jens..hansen@example.dk"), None);
        assert_eq!(one("jens.@example.dk"), None);
    }

    #[test]
    fn double_dot_in_domain_ends_it_before_a_second_label() {
        assert_eq!(one("jens@example..dk"), None);
    }

    #[test]
    fn label_with_leading_or_trailing_hyphen_is_rejected() {
        assert_eq!(one("jens@example-.dk"), None);
        assert_eq!(one("jens@example.-dk"), None);
        assert_eq!(one("jens@example.dk-"), None);
    }

    #[test]
    fn label_longer_than_63_is_rejected() {
        assert_eq!(one(&format!("jens@{}.dk", "a".repeat(64))), None);
        let ok = format!("jens@{}.dk", "a".repeat(63));
        assert_eq!(one(&ok), Some(ok.clone()));
    }

    #[test]
    fn local_part_longer_than_64_is_rejected_not_cut() {
        assert_eq!(one(&format!("{}@example.dk", "a".repeat(65))), None);
    }

    #[test]
    fn address_longer_than_254_is_rejected_not_cut() {
        let local = "a".repeat(64);
        let labels = ["b".repeat(63), "c".repeat(63), "d".repeat(59)].join(".");
        assert_eq!(one(&format!("{local}@{labels}.dk")), None);
    }

    #[test]
    fn at_sign_inside_an_address_shape_rejects_both_halves() {
        assert_eq!(scan("a@b@example.dk"), vec![]);
        assert_eq!(scan("jens@example.dk@realm"), vec![]);
    }

    #[test]
    fn underscore_after_the_domain_continues_a_host_name() {
        assert_eq!(one("jens@mail.my_server.dk"), None);
    }

    #[test]
    fn non_ascii_letter_after_the_domain_rejects_it() {
        assert_eq!(one("jens@firma.blåbær.dk"), None);
        assert_eq!(one("jens@example.dkø"), None);
        let latin1 = b"jens@firma.bl\xe5b\xe6r.dk";
        assert_eq!(at_at_sign(latin1, 4, &|_, _| Nearby::default()), None);
    }

    #[test]
    fn context_is_never_looked_up() {
        let panicking = |_: usize, _: usize| -> Nearby { panic!("context looked up") };
        let hay = b"tlf jens@example.dk";
        assert!(at_at_sign(hay, 8, &panicking).is_some());
    }

    #[test]
    fn at_sign_at_either_end_of_the_input_is_safe() {
        assert_eq!(scan("@"), vec![]);
        assert_eq!(scan("jens@"), vec![]);
        assert_eq!(scan("@dk"), vec![]);
    }

    // Masking.

    #[test]
    fn mask_keeps_first_character_and_domain_with_three_stars() {
        assert_eq!(mask(b"jens@example.dk"), "j***@example.dk");
        assert_eq!(
            mask(b"jens.hansen+x@mail.example.dk"),
            "j***@mail.example.dk"
        );
    }

    #[test]
    fn mask_hides_the_local_part_length() {
        assert_eq!(mask(b"a@example.dk"), "a***@example.dk");
        assert_eq!(
            mask(format!("{}@example.dk", "b".repeat(40)).as_bytes()),
            "b***@example.dk"
        );
    }

    /// Random inputs over the bytes that matter here never panic, and every match holds its
    /// `@`, is ASCII, at most 254 bytes and inside the input.
    #[test]
    fn random_inputs_keep_the_invariants() {
        const TOKENS: &[&str] = &[
            "jens",
            "a",
            ".",
            ".",
            "@",
            "@",
            "example",
            "dk",
            "-",
            "_",
            "+",
            "'",
            "%",
            "=",
            " ",
            "ø",
            "1",
            "png",
            "xn--p1ai",
            "\u{a0}",
            "git",
            "jens@example.dk",
            "a.b@c.example.dk",
        ];
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut next = || rng.next();
        let mut found = 0;
        for _ in 0..20_000 {
            let len = (next() % 12) as usize;
            let hay: Vec<u8> = (0..len)
                .flat_map(|_| TOKENS[(next() % TOKENS.len() as u64) as usize].bytes())
                .collect();
            for at in memchr::memchr_iter(b'@', &hay) {
                if let Some(m) = at_at_sign(&hay, at, &|_, _| Nearby::default()) {
                    found += 1;
                    assert!(m.start < at && at < m.end && m.end <= hay.len());
                    assert!(m.end - m.start <= MAX_TOTAL);
                    let value = &hay[m.start..m.end];
                    assert!(value.is_ascii(), "{hay:?}");
                    assert_eq!(value.iter().filter(|&&b| b == b'@').count(), 1);
                    // The mask keeps the domain's layout and letters, never its digits.
                    let domain: String = hay[at..m.end]
                        .iter()
                        .map(|&b| {
                            if b.is_ascii_digit() {
                                '*'
                            } else {
                                char::from(b)
                            }
                        })
                        .collect();
                    assert!(mask(value).ends_with(&domain));
                }
            }
        }
        assert!(found > 200, "{found}");
    }

    #[test]
    fn regression_mask_hides_digits_in_the_domain() {
        assert_eq!(mask(b"a@0101901238.dk"), "a***@**********.dk");
        assert_eq!(mask(b"jens@example.dk"), "j***@example.dk");
    }
}
