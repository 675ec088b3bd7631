//! Turns findings, errors and the summary into bytes: JSON lines (schema v1, `docs/output.md`)
//! or human text. Printers write into a caller's buffer and never do I/O, so workers format in
//! parallel and one writer only copies finished lines.

use std::io::Write;

use serde::Serialize;

use crate::cli::Format;
use crate::finding::{Confidence, Finding, Kind, Reason};
use crate::fingerprint::Fingerprinter;
use crate::place::Place;

/// What a summary reports, once per run.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub files: u64,
    pub bytes: u64,
    /// Findings reported, per kind name: the built-in kinds looked for in [`Kind::ALL`] order,
    /// then the kinds of the user's rules.
    pub findings: Vec<(String, u64)>,
    pub errors: u64,
    pub skipped: u64,
    pub elapsed_ms: u64,
    /// Stopped early by Ctrl-C or SIGTERM: the counts cover only what was scanned.
    pub interrupted: bool,
    /// Findings accepted by an inline marker or the baseline (not in `findings`).
    pub suppressed: u64,
    /// Findings reported per kind name and confidence (`[low, medium, high]`), for the text
    /// table; kinds with none are left out.
    pub by_confidence: Vec<(String, [u64; 3])>,
    /// Inputs read only in part (a limit hit, a corrupt member); each has an error record.
    pub partial: u64,
    /// Texts scanned inside containers (archive members, document parts, attachments).
    pub members: u64,
    /// Skip records per reason, sorted by reason.
    pub skipped_by: Vec<(&'static str, u64)>,
    /// Binary files (or members) met, and what was done with them (`--binary`).
    pub binary_files: u64,
    pub binary_mode: &'static str,
    /// Database tables read, and their rows.
    pub tables: u64,
    pub rows: u64,
    /// `--sample-rows`, when tables were read with it: the counts cover a sample.
    pub sample_rows: Option<u64>,
    /// `--shard K/N` and the split size, when the run was one shard of a sweep.
    pub shard: Option<(crate::shard::Shard, u64)>,
    /// With `--state`: the scan's number, files taken from the state, changes.
    pub state: Option<crate::state::StateSummary>,
}

/// Formats records in one output format.
#[derive(Clone, Debug)]
pub struct Printer {
    format: Format,
    show_values: bool,
    color: bool,
    fingerprinter: Option<Fingerprinter>,
}

#[derive(Serialize)]
struct ErrorRecord<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    member: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    table: Option<&'a str>,
    message: &'a str,
    skipped: bool,
}

#[derive(Serialize)]
struct SummaryRecord<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    files: u64,
    bytes: u64,
    findings: serde_json::Map<String, serde_json::Value>,
    errors: u64,
    skipped: u64,
    elapsed_ms: u64,
    #[serde(skip_serializing_if = "is_zero")]
    tables: u64,
    #[serde(skip_serializing_if = "is_zero")]
    rows: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    sample_rows: Option<u64>,
    #[serde(skip_serializing_if = "is_zero")]
    suppressed: u64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    interrupted: bool,
    #[serde(skip_serializing_if = "is_zero")]
    partial: u64,
    #[serde(skip_serializing_if = "is_zero")]
    members: u64,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    skipped_by: serde_json::Map<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    binary: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shard: Option<ShardRecord>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    state: Option<&'a crate::state::StateSummary>,
}

#[derive(Serialize)]
struct ShardRecord {
    index: u64,
    count: u64,
    split_size: u64,
}

/// Whether binary files were met (scanned as text runs, or skipped).
fn binary_met(s: &Summary) -> bool {
    s.binary_files > 0 || s.skipped_by.iter().any(|(k, _)| *k == "binary")
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

const RESET: &str = "\x1b[0m";

impl Printer {
    pub fn new(format: Format, show_values: bool, color: bool) -> Printer {
        Printer {
            format,
            show_values,
            color,
            fingerprinter: None,
        }
    }

    /// Adds a keyed fingerprint to every finding.
    pub fn with_fingerprints(mut self, fingerprinter: Fingerprinter) -> Printer {
        self.fingerprinter = Some(fingerprinter);
        self
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// The value as shown: masked, unless raw values were asked for.
    fn shown_value(&self, f: &Finding) -> String {
        if self.show_values {
            String::from_utf8_lossy(f.raw_value()).into_owned()
        } else {
            f.masked()
        }
    }

    /// Writes a finding record by hand: on PII-dense input the records are most of the work,
    /// and a generic serializer costs several times this. Field order and escaping are those
    /// of `serde_json` (schema v1, `docs/output.md`); a test compares the two.
    ///
    /// One reservation up front covers a usual record, so the appends below rarely grow the
    /// buffer; fixed pieces are constant-length copies the compiler inlines, and the pieces
    /// of varying length from tables (kind and confidence, reasons, numbers) are written as a
    /// whole padded block and the buffer cut back to their length.
    fn json_finding(&self, out: &mut Vec<u8>, place: &Place, f: &Finding) {
        CACHE.with_borrow_mut(|cache| self.json_finding_cached(out, place, f, cache));
    }

    /// [`Printer::json_finding`], with this thread's [`Cache`] in hand.
    fn json_finding_cached(
        &self,
        out: &mut Vec<u8>,
        place: &Place,
        f: &Finding,
        cache: &mut Cache,
    ) {
        out.reserve(RECORD_RESERVE);
        json_head(out, place, cache);
        out.extend_from_slice(b",\"line\":");
        json_u64(out, f.line);
        out.extend_from_slice(b",\"column\":");
        json_u64(out, f.column);
        out.extend_from_slice(b",\"offset\":");
        json_u64(out, f.offset);
        out.extend_from_slice(b",\"length\":");
        json_u64(out, u64::from(f.len));
        match &f.rule {
            // A built-in kind's name and the confidence are lower-case ASCII: no escapes.
            None => put_padded(
                out,
                &KIND_CONFIDENCE[f.kind as usize][f.confidence as usize],
            ),
            Some(tag) => {
                out.extend_from_slice(b",\"kind\":");
                json_str(out, &tag.kind);
                out.extend_from_slice(b",\"rule\":");
                json_str(out, &tag.id);
                put_padded(out, &CONFIDENCE_MATCH[f.confidence as usize]);
            }
        }
        self.json_value(out, f);
        out.extend_from_slice(b",\"reasons\":[");
        for r in f.reasons.iter() {
            json_reason(out, r, cache);
        }
        // The comma after the last reason closes the list; none was written without reasons.
        match out.last_mut() {
            Some(last @ b',') => *last = b']',
            _ => out.push(b']'),
        }
        if let Some(fp) = &self.fingerprinter {
            out.extend_from_slice(b",\"fingerprint\":");
            json_str(out, &fp.fingerprint_of(f));
        }
        if let Some(snippet) = &f.context {
            out.extend_from_slice(b",\"context\":");
            json_str(out, snippet);
        }
        out.extend_from_slice(b"}\n");
    }

    /// Appends the value as shown and its closing quote (the opening one is written with the
    /// field's name): the mask is written straight into `out` and escaped only if it holds a
    /// byte that needs it.
    fn json_value(&self, out: &mut Vec<u8>, f: &Finding) {
        let start = out.len();
        if self.show_values {
            out.extend_from_slice(String::from_utf8_lossy(f.raw_value()).as_bytes());
        } else {
            crate::mask::mask_into(f.kind, f.raw_value(), out);
        }
        if !is_clean(&out[start..]) {
            let shown = out.split_off(start);
            json_str_body(out, &shown);
        }
        out.push(b'"');
    }

    /// Appends one finding of the input at `place`.
    pub fn finding(&self, out: &mut Vec<u8>, place: &Place, f: &Finding) {
        match self.format {
            // SARIF and per-file summaries collect findings instead; JSON is the safe default.
            Format::Jsonl | Format::Sarif | Format::Summary => self.json_finding(out, place, f),
            Format::Text => {
                let value = self.shown_value(f);
                let reasons: Vec<String> = f.reasons.iter().map(|r| r.to_string()).collect();
                let (p, c, r) = if self.color {
                    ("\x1b[35m", confidence_color(f.confidence.as_str()), RESET)
                } else {
                    ("", "", "")
                };
                let _ = write!(
                    out,
                    "{p}{}{r}:{}:{} {} {c}{}{r} {} {}",
                    sanitize(&text_place(place)),
                    f.line,
                    f.column,
                    f.kind_name(),
                    f.confidence,
                    sanitize(&value),
                    reasons.join(",")
                );
                if let Some(snippet) = &f.context {
                    let _ = write!(out, " | {}", sanitize(snippet));
                }
                out.push(b'\n');
            }
        }
    }

    /// Appends a finding replayed from the scan state (`--state`): the record a fresh scan
    /// prints, from the masked value the state keeps (never raw, even with `--show-values`,
    /// which makes the scan read such files again), marked `"cached":true`, with its `status`
    /// (and `moved_from`, the old path of a renamed file).
    pub fn cached_finding(
        &self,
        out: &mut Vec<u8>,
        path: &str,
        f: &crate::state::StoredFinding,
        status: crate::state::Status,
        moved_from: Option<&str>,
    ) {
        let json = !matches!(self.format, Format::Text);
        let marks = crate::state::record::Marks {
            ty: "finding",
            change: None,
            cached: true,
            status: json.then_some(status.as_str()),
            moved_from,
        };
        if json {
            crate::state::record::json(out, path, f, &marks);
        } else {
            crate::state::record::text(out, path, f, &marks);
        }
    }

    /// Appends an error record (or, in text format, a message line meant for stderr).
    pub fn error(&self, out: &mut Vec<u8>, place: &Place, message: &str, skipped: bool) {
        match self.format {
            Format::Jsonl | Format::Summary => {
                let rec = ErrorRecord {
                    ty: "error",
                    path: &place.path,
                    member: place.member.as_deref(),
                    table: place.cell.as_ref().map(|c| c.table.as_str()),
                    message,
                    skipped,
                };
                serde_json::to_writer(&mut *out, &rec).expect("writing to a Vec cannot fail");
                out.push(b'\n');
            }
            Format::Text | Format::Sarif => {
                let what = if skipped { "skipped" } else { "error" };
                let _ = writeln!(
                    out,
                    "cprscan: {what}: {}: {}",
                    sanitize(&place.joined()),
                    message
                );
            }
        }
    }

    /// Appends the `--format summary` line of one file: its findings per kind and confidence.
    /// Files without findings get no line.
    pub fn file_counts(
        &self,
        out: &mut Vec<u8>,
        place: &Place,
        counts: &[[u64; 3]; Kind::ALL.len()],
        custom: &[(String, [u64; 3])],
    ) {
        let named = Kind::ALL
            .iter()
            .filter(|k| **k != Kind::Custom)
            .map(|k| (k.as_str(), &counts[*k as usize]))
            .chain(custom.iter().map(|(n, c)| (n.as_str(), c)));
        let mut findings = serde_json::Map::new();
        for (name, [low, medium, high]) in named {
            if low + medium + high > 0 {
                findings.insert(
                    name.to_string(),
                    serde_json::json!({ "high": high, "medium": medium, "low": low }),
                );
            }
        }
        if findings.is_empty() {
            return;
        }
        out.extend_from_slice(b"{\"type\":\"file\",\"path\":");
        json_str(out, &place.path);
        json_place_rest(out, place);
        out.extend_from_slice(b",\"findings\":");
        serde_json::to_writer(&mut *out, &findings).expect("writing to a Vec cannot fail");
        out.push(b'}');
        out.push(b'\n');
    }

    /// Appends the summary (in text format, a line meant for stderr).
    pub fn summary(&self, out: &mut Vec<u8>, s: &Summary) {
        match self.format {
            Format::Jsonl | Format::Summary => {
                let findings = s
                    .findings
                    .iter()
                    .map(|(k, n)| (k.clone(), (*n).into()))
                    .collect();
                let rec = SummaryRecord {
                    ty: "summary",
                    files: s.files,
                    bytes: s.bytes,
                    findings,
                    errors: s.errors,
                    skipped: s.skipped,
                    elapsed_ms: s.elapsed_ms,
                    tables: s.tables,
                    rows: s.rows,
                    sample_rows: s.sample_rows.filter(|_| s.tables > 0),
                    suppressed: s.suppressed,
                    interrupted: s.interrupted,
                    partial: s.partial,
                    members: s.members,
                    skipped_by: s
                        .skipped_by
                        .iter()
                        .map(|(k, n)| (k.to_string(), (*n).into()))
                        .collect(),
                    binary: binary_met(s).then(
                        || serde_json::json!({ "mode": s.binary_mode, "files": s.binary_files }),
                    ),
                    shard: s.shard.map(|(sh, split_size)| ShardRecord {
                        index: sh.index,
                        count: sh.count,
                        split_size,
                    }),
                    state: s.state.as_ref(),
                };
                serde_json::to_writer(&mut *out, &rec).expect("writing to a Vec cannot fail");
                out.push(b'\n');
            }
            Format::Text | Format::Sarif => {
                let counts: Vec<String> =
                    s.findings.iter().map(|(k, n)| format!("{k} {n}")).collect();
                let tables = match (s.tables, s.sample_rows) {
                    (0, _) => String::new(),
                    (t, None) => format!(", {t} tables ({} rows)", s.rows),
                    (t, Some(n)) => {
                        format!(", {t} tables ({} rows, a sample of {n} per table)", s.rows)
                    }
                };
                let _ = writeln!(
                    out,
                    "cprscan: {} files{tables}, {} bytes, findings: {}; {} errors, {} skipped, {} ms{}{}",
                    s.files,
                    s.bytes,
                    counts.join(", "),
                    s.errors,
                    s.skipped,
                    s.elapsed_ms,
                    if s.suppressed > 0 {
                        format!(", {} suppressed", s.suppressed)
                    } else {
                        String::new()
                    },
                    if s.interrupted { " (interrupted)" } else { "" }
                );
                if s.partial > 0 || s.members > 0 || !s.skipped_by.is_empty() || binary_met(s) {
                    let by: Vec<String> = s
                        .skipped_by
                        .iter()
                        .map(|(k, n)| format!("{k} {n}"))
                        .collect();
                    let _ = writeln!(
                        out,
                        "  {} read in part, {} members; skipped by reason: {}; binary files: {} ({})",
                        s.partial,
                        s.members,
                        if by.is_empty() { "none".to_string() } else { by.join(", ") },
                        s.binary_files,
                        s.binary_mode,
                    );
                }
                if let Some(st) = &s.state {
                    let c = &st.changes;
                    let resolved = c.resolved.map_or("-".to_string(), |n| n.to_string());
                    let _ = writeln!(
                        out,
                        "  state: scan {}{}, {} files from the state; new {}, unchanged {}, moved {}, resolved {resolved}",
                        st.scan,
                        if st.resumed { " (resumed)" } else { "" },
                        st.cached,
                        c.new,
                        c.unchanged,
                        c.moved,
                    );
                }
                if !s.by_confidence.is_empty() {
                    let _ = writeln!(
                        out,
                        "  {:<16} {:>7} {:>7} {:>7}",
                        "kind", "high", "medium", "low"
                    );
                    for (kind, [low, medium, high]) in &s.by_confidence {
                        let _ = writeln!(out, "  {kind:<16} {high:>7} {medium:>7} {low:>7}");
                    }
                }
            }
        }
    }
}

thread_local! {
    /// What the finding records written on this thread can reuse.
    static CACHE: std::cell::RefCell<Cache> = const { std::cell::RefCell::new(Cache::new()) };
}

/// Pieces of finding records kept for the next records of a thread: the head up to the last
/// path, and the JSON of the reasons with a word met lately.
struct Cache {
    path: String,
    head: Vec<u8>,
    reasons: [ReasonSlot; REASON_SLOTS],
    /// How many slots of `reasons` are taken.
    filled: usize,
    /// How many reasons were not found (tests read it).
    #[cfg(test)]
    misses: usize,
}

/// Reasons with a word whose JSON is kept: an open-addressing table on the word's address.
const REASON_SLOTS: usize = 64;

/// The JSON (and the comma after it) of a reason with a word, by the reason's variant (`tag`,
/// never 0 once filled) and its word. A word is a `&'static str`, so its address and length
/// name its text for good: a slot is found by comparing those, not the text.
#[derive(Clone, Copy)]
struct ReasonSlot {
    tag: u8,
    word: &'static str,
    json: Padded<48>,
}

impl Cache {
    const fn new() -> Cache {
        Cache {
            path: String::new(),
            head: Vec::new(),
            reasons: [ReasonSlot {
                tag: 0,
                word: "",
                json: Padded::new(&[]),
            }; REASON_SLOTS],
            filled: 0,
            #[cfg(test)]
            misses: 0,
        }
    }
}

/// The start of a finding record, up to the path: `{"type":"finding","path":`.
const FINDING_HEAD: &[u8] = b"{\"type\":\"finding\",\"path\":";

/// Appends a finding record's head: [`FINDING_HEAD`], the path as a JSON string, and the other
/// fields of `place` ([`json_place_rest`]). A file's findings come one after another on one
/// worker, so the head up to the path is built once and copied whole for the next finding of
/// the same path (compared by content).
fn json_head(out: &mut Vec<u8>, place: &Place, cache: &mut Cache) {
    let path = place.path.as_str();
    if cache.path != path || cache.head.is_empty() {
        cache.path.clear();
        cache.path.push_str(path);
        cache.head.clear();
        cache.head.extend_from_slice(FINDING_HEAD);
        json_str(&mut cache.head, path);
    }
    out.extend_from_slice(&cache.head);
    if place.member.is_some() || place.cell.is_some() {
        json_place_rest(out, place);
    }
}

/// [`json_str`] of a path, by way of the cached head of [`json_head`].
#[cfg(test)]
fn json_path(out: &mut Vec<u8>, path: &str) {
    let mut head = Vec::new();
    CACHE.with_borrow_mut(|cache| json_head(&mut head, &Place::new(path), cache));
    out.extend_from_slice(&head[FINDING_HEAD.len()..]);
}

/// Bytes reserved before a finding record is written: more than a usual record takes.
const RECORD_RESERVE: usize = 512;

/// A short string of varying length kept in a block of fixed size, so that it is appended
/// with one constant-length copy ([`put_padded`]).
#[derive(Clone, Copy)]
struct Padded<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Padded<N> {
    /// `parts` joined, padded to `N` bytes (a compile error if they do not fit).
    const fn new(parts: &[&[u8]]) -> Padded<N> {
        let mut bytes = [0u8; N];
        let mut len = 0;
        let mut p = 0;
        while p < parts.len() {
            let part = parts[p];
            let mut i = 0;
            while i < part.len() {
                bytes[len] = part[i];
                len += 1;
                i += 1;
            }
            p += 1;
        }
        Padded { bytes, len }
    }

    /// `bytes` padded, if they fit.
    fn from_slice(bytes: &[u8]) -> Option<Padded<N>> {
        let mut p = Padded {
            bytes: [0; N],
            len: bytes.len(),
        };
        p.bytes.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(p)
    }

    #[cfg(test)]
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Appends `p`'s string: the whole block, then the buffer is cut back to the string's end.
#[inline(always)]
fn put_padded<const N: usize>(out: &mut Vec<u8>, p: &Padded<N>) {
    let end = out.len() + p.len;
    out.extend_from_slice(&p.bytes);
    out.truncate(end);
}

/// The confidences in order (`Confidence as usize`).
const CONFIDENCES: [Confidence; 3] = [Confidence::Low, Confidence::Medium, Confidence::High];

/// `,"kind":"K","confidence":"C","match":"` for each built-in kind and confidence.
static KIND_CONFIDENCE: [[Padded<64>; 3]; Kind::ALL.len()] = {
    let mut t = [const { [const { Padded::new(&[]) }; 3] }; Kind::ALL.len()];
    let mut k = 0;
    while k < Kind::ALL.len() {
        let mut c = 0;
        while c < 3 {
            t[Kind::ALL[k] as usize][c] = Padded::new(&[
                b",\"kind\":\"",
                Kind::ALL[k].as_str().as_bytes(),
                b"\",\"confidence\":\"",
                CONFIDENCES[c].as_str().as_bytes(),
                b"\",\"match\":\"",
            ]);
            c += 1;
        }
        k += 1;
    }
    t
};

/// `,"confidence":"C","match":"` for each confidence (after a user rule's kind and id).
static CONFIDENCE_MATCH: [Padded<32>; 3] = {
    let mut t = [const { Padded::new(&[]) }; 3];
    let mut c = 0;
    while c < 3 {
        t[c] = Padded::new(&[
            b",\"confidence\":\"",
            CONFIDENCES[c].as_str().as_bytes(),
            b"\",\"match\":\"",
        ]);
        c += 1;
    }
    t
};

/// Writes the fields of `place` after `path`: `member`, then `table`, `field` and `key` of a
/// cell (schema v1, `docs/output.md`). Nothing for a plain input.
fn json_place_rest(out: &mut Vec<u8>, place: &Place) {
    if let Some(m) = &place.member {
        out.extend_from_slice(b",\"member\":");
        json_str(out, m);
    }
    if let Some(c) = &place.cell {
        out.extend_from_slice(b",\"table\":");
        json_str(out, &c.table);
        out.extend_from_slice(b",\"field\":");
        json_str(out, &c.field);
        if !c.key.is_empty() {
            out.extend_from_slice(b",\"key\":{");
            for (i, (k, v)) in c.key.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json_str(out, k);
                out.push(b':');
                json_str(out, v);
            }
            out.push(b'}');
        }
    }
}

/// A place in text output: `path!member`, and a cell's row key in brackets.
fn text_place(place: &Place) -> std::borrow::Cow<'_, str> {
    match &place.cell {
        Some(c) if c.key.is_empty() => place.joined(),
        None => place.joined(),
        Some(c) => {
            let key: Vec<String> = c.key.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{}[{}]", place.joined(), key.join(",")).into()
        }
    }
}

/// Appends `s` as a JSON string, escaped as `serde_json` does: `"`, `\\` and control
/// characters below 0x20 (short forms where JSON has them, else `\u00xx`); all else as is.
fn json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    json_str_body(out, s.as_bytes());
    out.push(b'"');
}

/// The inside of [`json_str`]: `bytes` escaped, without the quotes.
#[inline]
fn json_str_body(out: &mut Vec<u8>, bytes: &[u8]) {
    if is_clean(bytes) {
        out.extend_from_slice(bytes);
    } else {
        json_str_escaped(out, bytes);
    }
}

/// Whether `bytes` need no escape in a JSON string: eight bytes at a time, the last eight
/// (overlapping) for a tail, and a byte at a time below eight.
#[inline]
fn is_clean(bytes: &[u8]) -> bool {
    let word = |c: &[u8]| crate::kinds::word_at(c, 0);
    if bytes.len() < 8 {
        return !bytes.iter().any(|&b| ESCAPE[usize::from(b)]);
    }
    let mut chunks = bytes.chunks_exact(8);
    if chunks.by_ref().any(|c| needs_escape8(word(c))) {
        return false;
    }
    chunks.remainder().is_empty() || !needs_escape8(word(&bytes[bytes.len() - 8..]))
}

/// [`json_str_body`] of bytes that need an escape somewhere.
#[cold]
fn json_str_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    // Most strings need no escape: find that out eight bytes at a time and copy them whole.
    let clean_prefix = bytes
        .chunks_exact(8)
        .take_while(|c| !needs_escape8(crate::kinds::word_at(c, 0)))
        .count()
        * 8;
    let mut done = 0;
    let mut from = clean_prefix;
    while let Some(i) = bytes[from..].iter().position(|&b| ESCAPE[usize::from(b)]) {
        let at = from + i;
        let b = bytes[at];
        out.extend_from_slice(&bytes[done..at]);
        done = at + 1;
        from = done;
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x08 => b'b',
            0x0C => b'f',
            _ => 0,
        };
        if short != 0 {
            out.extend_from_slice(&[b'\\', short]);
        } else {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
    }
    out.extend_from_slice(&bytes[done..]);
}

/// Whether any of the eight bytes of `x` is below 0x20, `"` or `\\` (the classic "has a zero
/// byte" bit trick, applied to `x` and to `x` xor each quote byte).
#[inline(always)]
fn needs_escape8(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |v: u64, n: u8| v.wrapping_sub(ONES * u64::from(n)) & !v & HIGH;
    let zero = |v: u64| below(v, 1);
    (below(x, 0x20) | zero(x ^ (ONES * u64::from(b'"'))) | zero(x ^ (ONES * u64::from(b'\\')))) != 0
}

/// Appends a reason as a JSON string, spelled as its `Display` form (the schema's names), and
/// a comma; without the formatting machinery, which cost more than the rest of the record. A
/// reason without a word is one padded copy, and so is one with a word found in `cache`.
fn json_reason(out: &mut Vec<u8>, r: &Reason, cache: &mut Cache) {
    type P = Padded<32>;
    static DATE: P = P::new(&[b"\"date\","]);
    static MOD11: P = P::new(&[b"\"mod11\","]);
    static EXCEPTION_DATE: P = P::new(&[b"\"exception-date\","]);
    static JAN1: P = P::new(&[b"\"jan1-possibly-exempt\","]);
    static NO_MOD11: P = P::new(&[b"\"no-mod11\","]);
    static SEPARATOR: P = P::new(&[b"\"separator\","]);
    static INT_LEADING_ZERO: P = P::new(&[b"\"int-leading-zero\","]);
    let (tag, head, word): (u8, &[u8], &'static str) = match *r {
        Reason::Date => return put_padded(out, &DATE),
        Reason::Mod11 => return put_padded(out, &MOD11),
        Reason::ExceptionDate => return put_padded(out, &EXCEPTION_DATE),
        Reason::Jan1PossiblyExempt => return put_padded(out, &JAN1),
        Reason::NoMod11 => return put_padded(out, &NO_MOD11),
        Reason::Separator => return put_padded(out, &SEPARATOR),
        Reason::IntLeadingZero => return put_padded(out, &INT_LEADING_ZERO),
        Reason::Context(w) => (1, b"\"context:", w),
        Reason::ContextNeg(w) => (2, b"\"context-neg:", w),
        Reason::Rule(rule) => (3, b"\"", rule),
        Reason::Column(w) => (4, b"\"column:", w),
        Reason::ColumnNeg(w) => (5, b"\"column-neg:", w),
    };
    // Open addressing: the word's slot, else the next ones up to an empty one. Words whose
    // slots meet (the reasons of one CSV row did: each evicted the other, row after row) are
    // all kept; a table three quarters full is emptied, so a free slot is always near.
    let mut at = reason_slot(tag, word);
    loop {
        let slot = &cache.reasons[at];
        if slot.tag == 0 {
            break;
        }
        if slot.tag == tag && std::ptr::eq(slot.word, word) {
            return put_padded(out, &slot.json);
        }
        at = (at + 1) % REASON_SLOTS;
    }
    let mut json = head.to_vec();
    json_str_body(&mut json, word.as_bytes());
    json.extend_from_slice(b"\",");
    let Some(padded) = Padded::from_slice(&json) else {
        out.extend_from_slice(&json);
        return;
    };
    if cache.filled >= REASON_SLOTS * 3 / 4 {
        cache.reasons.iter_mut().for_each(|s| s.tag = 0);
        cache.filled = 0;
        at = reason_slot(tag, word);
    }
    #[cfg(test)]
    {
        cache.misses += 1;
    }
    cache.filled += 1;
    cache.reasons[at] = ReasonSlot {
        tag,
        word,
        json: padded,
    };
    put_padded(out, &cache.reasons[at].json);
}

/// The [`Cache`] slot where the search for a reason with a word starts: by the word's address
/// and length and the reason's variant, each in bits of its own (user-space addresses fit in
/// 48 bits), spread by a multiplication.
fn reason_slot(tag: u8, word: &'static str) -> usize {
    let key = word.as_ptr() as u64 ^ (word.len() as u64 & 0xFF) << 48 ^ u64::from(tag) << 56;
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize % REASON_SLOTS
}

/// The bytes [`json_str`] escapes: a table, so the common clean string costs one lookup per byte.
static ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Appends `n` in decimal. Below 10^8 (lines, columns, lengths, offsets into files up to
/// 100 MB) the digits are worked out all at once in a word and written with one 8-byte copy.
#[inline(always)]
fn json_u64(out: &mut Vec<u8>, n: u64) {
    if n < 100_000_000 {
        put_digits(out, n as u32);
    } else {
        json_u64_big(out, n);
    }
}

/// [`json_u64`] of 10^8 and more.
#[cold]
#[inline(never)]
fn json_u64_big(out: &mut Vec<u8>, n: u64) {
    if n < 10_000_000_000_000_000 {
        put_digits(out, (n / 100_000_000) as u32);
        out.extend_from_slice(&(digits8(n % 100_000_000) + ASCII_ZEROS).to_le_bytes());
    } else {
        json_u64_long(out, n);
    }
}

const ASCII_ZEROS: u64 = 0x3030_3030_3030_3030;

/// The eight decimal digits of `n` (< 10^8, zero-padded) as the byte values 0-9 of a word,
/// the most significant in its lowest byte (the first in memory). Splits the number in halves,
/// quarters and digits with multiplications that divide each lane at once (exact for these
/// ranges: `x * 10486 >> 20` is `x / 100` for x < 10^4, `x * 103 >> 10` is `x / 10` for x < 100).
#[inline(always)]
fn digits8(n: u64) -> u64 {
    debug_assert!(n < 100_000_000);
    let halves = (n / 10_000) | ((n % 10_000) << 32);
    let hundreds = ((halves * 10486) >> 20) & 0x0000_007F_0000_007F;
    let quarters = hundreds | ((halves - 100 * hundreds) << 16);
    let tens = ((quarters * 103) >> 10) & 0x000F_000F_000F_000F;
    tens | ((quarters - 10 * tens) << 8)
}

/// Appends `n` (< 10^8) without leading zeros: all eight digits, shifted past the leading
/// zeros, in one copy; the buffer is then cut back to the digits.
#[inline(always)]
fn put_digits(out: &mut Vec<u8>, n: u32) {
    let d = digits8(u64::from(n));
    // Leading zero digits: zero bytes at the low end; the last digit always counts.
    let lead = (d | 1 << 56).trailing_zeros() / 8;
    let end = out.len() + 8 - lead as usize;
    out.extend_from_slice(&((d + ASCII_ZEROS) >> (8 * lead)).to_le_bytes());
    out.truncate(end);
}

/// [`json_u64`] of numbers of 17 digits and more, two digits per division.
#[cold]
fn json_u64_long(out: &mut Vec<u8>, mut n: u64) {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
                                2021222324252627282930313233343536373839\
                                4041424344454647484950515253545556575859\
                                6061626364656667686970717273747576777879\
                                8081828384858687888990919293949596979899";
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    while n >= 100 {
        let pair = usize::from((n % 100) as u8) * 2;
        n /= 100;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = usize::from(n as u8) * 2;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        digits[at] = b'0' + n as u8;
    }
    out.extend_from_slice(&digits[at..]);
}

fn confidence_color(c: &str) -> &'static str {
    match c {
        "high" => "\x1b[1;31m",
        "medium" => "\x1b[33m",
        _ => "\x1b[2m",
    }
}

/// Escapes control characters so an untrusted name cannot drive the terminal.
pub fn sanitize(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Confidence, Kind};
    use crate::testgen::Rng;

    #[test]
    fn reasons_whose_slots_meet_are_all_cached_and_written_right() {
        // Words of this list that share a first slot, three at a time, each used in turn many
        // times: after the first use of each, every use is a hit, and each is written as
        // itself.
        // Short words at 200 different addresses: eight-byte windows of one string.
        const TEXT: &str = "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789";
        let words: Vec<&'static str> = (0..200).map(|i| &TEXT[i..i + 8]).collect();
        let slot = |w: &&'static str| reason_slot(3, w);
        let mut triples = Vec::new();
        for (i, a) in words.iter().enumerate() {
            let same: Vec<&'static str> = words[i + 1..]
                .iter()
                .filter(|w| slot(w) == slot(a))
                .copied()
                .collect();
            if same.len() >= 2 && triples.len() < 5 {
                triples.push([*a, same[0], same[1]]);
            }
        }
        assert!(!triples.is_empty(), "no three words of 200 share a slot");
        for triple in triples {
            let mut cache = Cache::new();
            for round in 0..10 {
                let mut out = Vec::new();
                for w in triple {
                    json_reason(&mut out, &Reason::Rule(w), &mut cache);
                }
                let expected: String = triple.iter().map(|w| format!("\"{w}\",")).collect();
                assert_eq!(String::from_utf8(out).unwrap(), expected, "round {round}");
            }
            assert_eq!(cache.misses, 3, "{triple:?}");
        }
        // More words than the table holds: it is emptied when three quarters full, and every
        // reason is still written as itself.
        let mut cache = Cache::new();
        for round in 0..3 {
            for &w in &words {
                let mut out = Vec::new();
                json_reason(&mut out, &Reason::Context(w), &mut cache);
                assert_eq!(
                    out,
                    format!("\"context:{w}\",").into_bytes(),
                    "round {round}"
                );
            }
        }
        assert!(cache.filled <= REASON_SLOTS * 3 / 4);
    }

    fn finding() -> Finding {
        let mut f = Finding::new(
            734,
            Kind::Cpr,
            Confidence::High,
            vec![
                Reason::Date,
                Reason::Mod11,
                Reason::Separator,
                Reason::Context("cpr-nr"),
            ],
            b"010190-1238",
        );
        f.line = 12;
        f.column = 5;
        f
    }

    #[test]
    fn jsonl_finding_matches_schema_v1() {
        let mut out = Vec::new();
        Printer::new(Format::Jsonl, false, false).finding(
            &mut out,
            &Place::new("share/hr/list.csv"),
            &finding(),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"type\":\"finding\",\"path\":\"share/hr/list.csv\",\"line\":12,\"column\":5,\
             \"offset\":734,\"length\":11,\"kind\":\"cpr\",\"confidence\":\"high\",\
             \"match\":\"010190-****\",\"reasons\":[\"date\",\"mod11\",\"separator\",\
             \"context:cpr-nr\"]}\n"
        );
    }

    #[derive(serde::Serialize)]
    struct FindingRecord<'a> {
        #[serde(rename = "type")]
        ty: &'static str,
        path: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        member: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        table: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        field: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        key: Option<KeyMap<'a>>,
        line: u64,
        column: u64,
        offset: u64,
        length: u32,
        kind: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        rule: Option<&'a str>,
        confidence: &'static str,
        #[serde(rename = "match")]
        matched: &'a str,
        reasons: &'a [crate::finding::Reason],
        #[serde(skip_serializing_if = "Option::is_none")]
        fingerprint: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        context: Option<&'a str>,
    }

    /// A row key as a JSON object in column order (a `serde_json::Map` would sort it).
    struct KeyMap<'a>(&'a [(String, String)]);

    impl serde::Serialize for KeyMap<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
        }
    }

    /// The record as the generic serializer writes it: the reference for the hand-written one.
    fn by_serde(printer: &Printer, place: &Place, f: &Finding) -> String {
        let value = printer.shown_value(f);
        let cell = place.cell.as_ref();
        let rec = FindingRecord {
            ty: "finding",
            path: &place.path,
            member: place.member.as_deref(),
            table: cell.map(|c| c.table.as_str()),
            field: cell.map(|c| c.field.as_str()),
            key: cell.filter(|c| !c.key.is_empty()).map(|c| KeyMap(&c.key)),
            line: f.line,
            column: f.column,
            offset: f.offset,
            length: f.len,
            kind: f.kind_name(),
            rule: f.rule.as_deref().map(|t| t.id.as_str()),
            confidence: f.confidence.as_str(),
            matched: &value,
            reasons: &f.reasons,
            fingerprint: printer
                .fingerprinter
                .as_ref()
                .map(|fp| fp.fingerprint_of(f)),
            context: f.context.as_deref(),
        };
        serde_json::to_string(&rec).unwrap() + "\n"
    }

    #[test]
    fn hand_written_record_is_byte_for_byte_the_serde_record() {
        let every_ascii: String = (0u8..0x80).map(char::from).collect();
        let names = [
            "share/hr/list.csv".to_string(),
            "a \"quoted\" \\ name\u{7f}\u{1b}[2J".to_string(),
            "æøå/Ærø/ü\u{2028}\u{feff}.txt".to_string(),
            every_ascii.clone(),
            String::new(),
        ];
        let mut places: Vec<Place> = names.iter().map(Place::new).collect();
        places.extend(names.iter().map(|n| Place::member("x.zip", n.clone())));
        places.extend(names.iter().map(|n| Place {
            cell: Some(crate::place::Cell {
                table: n.clone(),
                field: "notes\u{1}".into(),
                key: vec![(n.clone(), "42".into()), ("b".into(), n.clone())],
            }),
            ..Place::member("db.sqlite", n.clone())
        }));
        places.push(Place {
            cell: Some(crate::place::Cell {
                table: "public.borgere".into(),
                field: "cpr".into(),
                key: vec![],
            }),
            ..Place::new("postgres://scan@db/kommune")
        });
        let mut with_all = finding();
        with_all.offset = u64::MAX;
        with_all.line = 0;
        with_all.column = 1_000_000_007;
        with_all.context = Some(format!("før\t{every_ascii} 010190-****"));
        with_all.reasons.extend([
            Reason::ContextNeg("fødselsdato"),
            Reason::ExceptionDate,
            Reason::Jan1PossiblyExempt,
            Reason::NoMod11,
            Reason::Rule("issuer:visa \"x\"\u{1}"),
            Reason::Context(""),
            Reason::Column("cpr"),
            Reason::ColumnNeg("ordre"),
            Reason::IntLeadingZero,
        ]);
        with_all.rule = Some(std::sync::Arc::new(crate::finding::RuleTag {
            id: "my \"rule\"\n".into(),
            kind: "medarbejder-nr\\x".into(),
        }));
        let mut no_reasons = finding();
        no_reasons.reasons.clear();
        let printers = [
            Printer::new(Format::Jsonl, false, false),
            Printer::new(Format::Jsonl, true, false),
            Printer::new(Format::Jsonl, false, false)
                .with_fingerprints(Fingerprinter::new(b"key").unwrap()),
        ];
        // Values whose shown form needs escaping or replacement: quotes, backslashes and
        // control bytes in a user rule's match, invalid UTF-8 in an e-mail's domain.
        let odd_values = [
            (Kind::Custom, &b"a\"b\\c\x01d\nEMP-123456"[..]),
            (Kind::Email, &b"x@d\xff\xfe\"m.dk"[..]),
            (Kind::Cpr, "010190\u{2011}1238".as_bytes()),
            (Kind::Phone, &b"+45 12\"34 5678"[..]),
        ];
        let odd = odd_values.map(|(kind, value)| {
            let mut f = Finding::new(3, kind, Confidence::Low, vec![Reason::Date], value);
            if kind == Kind::Custom {
                f.rule = with_all.rule.clone();
            }
            f
        });
        for printer in &printers {
            let all = [finding(), with_all.clone(), no_reasons.clone()];
            for f in all.iter().chain(&odd) {
                let f = f.clone();
                for place in &places {
                    let mut out = Vec::new();
                    printer.finding(&mut out, place, &f);
                    assert_eq!(
                        String::from_utf8(out).unwrap(),
                        by_serde(printer, place, &f)
                    );
                }
            }
        }
    }

    #[test]
    fn cached_path_string_is_the_escaped_path_whatever_came_before() {
        let paths = [
            "a/b.csv",
            "a/b.csv",
            "q\"x\\\u{1}",
            "a/b.csv",
            "",
            "",
            "a/b.csvx",
            "a/b.cs",
        ];
        for path in paths.iter().chain(paths.iter().rev()) {
            let (mut cached, mut plain) = (Vec::new(), Vec::new());
            json_path(&mut cached, path);
            json_str(&mut plain, path);
            assert_eq!(cached, plain, "{path:?}");
        }
    }

    #[test]
    fn numbers_and_escapes_agree_with_std_and_serde() {
        let mut ten = 1u64;
        for _ in 0..20 {
            for v in [ten - 1, ten, ten + 1] {
                let mut out = Vec::new();
                json_u64(&mut out, v);
                assert_eq!(String::from_utf8(out).unwrap(), v.to_string());
            }
            ten = ten.saturating_mul(10);
        }
        let mut n = 1u64;
        for k in 0..2000u64 {
            for v in [k, n, n - 1, u64::MAX - k] {
                let mut out = Vec::new();
                json_u64(&mut out, v);
                assert_eq!(String::from_utf8(out).unwrap(), v.to_string());
            }
            n = n.wrapping_mul(3).wrapping_add(k);
            n = n.max(1);
        }
        // Every byte value at every position of an 8-byte block, and around it.
        for b in 0..=0x7Fu8 {
            for at in 0..20 {
                let mut text = vec![b'a'; 20];
                text[at] = b;
                let text = String::from_utf8(text).unwrap();
                let mut out = Vec::new();
                json_str(&mut out, &text);
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    serde_json::to_string(&text).unwrap()
                );
            }
        }
    }

    #[test]
    fn word_at_a_time_numbers_agree_with_std() {
        let check = |v: u64| {
            let mut out = b"x".to_vec();
            json_u64(&mut out, v);
            assert_eq!(&out[1..], v.to_string().as_bytes(), "{v}");
        };
        for v in 0..200_000 {
            check(v);
        }
        let mut ten = 1u64;
        for _ in 0..20 {
            for d in 0..1000 {
                check(ten.saturating_add(d));
                check(ten.saturating_sub(d));
            }
            ten = ten.saturating_mul(10);
        }
        let mut rng = Rng(0x853c_49e6_748f_ea9b);
        for _ in 0..200_000 {
            let x = rng.next();
            for shift in [0, 20, 30, 37, 44, 57] {
                check(x >> shift);
            }
        }
    }

    #[test]
    fn tables_spell_kinds_confidences_and_reasons_as_their_names() {
        for &kind in Kind::ALL {
            for conf in [Confidence::Low, Confidence::Medium, Confidence::High] {
                let want = format!(
                    ",\"kind\":\"{}\",\"confidence\":\"{}\",\"match\":\"",
                    kind.as_str(),
                    conf.as_str()
                );
                let got = KIND_CONFIDENCE[kind as usize][conf as usize].as_bytes();
                assert_eq!(got, want.as_bytes());
                let want = format!(",\"confidence\":\"{}\",\"match\":\"", conf.as_str());
                assert_eq!(CONFIDENCE_MATCH[conf as usize].as_bytes(), want.as_bytes());
            }
        }
        let reasons = [
            Reason::Date,
            Reason::Mod11,
            Reason::ExceptionDate,
            Reason::Jan1PossiblyExempt,
            Reason::NoMod11,
            Reason::Separator,
            Reason::IntLeadingZero,
            Reason::Context("cpr-nr"),
            Reason::ContextNeg("kunde\"nr\\"),
            Reason::Rule("issuer:visa"),
            Reason::Column("fødselsdato\u{1}"),
            Reason::ColumnNeg(""),
        ];
        let long: &'static str = "a-word-too-long-to-keep-in-a-slot-of-the-cache-\"x\"";
        let mut cache = Cache::new();
        for r in reasons
            .iter()
            .chain(&[Reason::Rule(long)])
            .cycle()
            .take(100)
        {
            let mut out = b"x".to_vec();
            json_reason(&mut out, r, &mut cache);
            let want = serde_json::to_string(r).unwrap() + ",";
            assert_eq!(out[1..], *want.as_bytes());
        }
    }

    #[test]
    fn clean_check_agrees_with_the_escape_table() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..100_000 {
            let x = rng.next();
            let len = (x % 40) as usize;
            let mut bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            if len > 0 && x & 1 == 0 {
                let at = (x >> 8) as usize % len;
                bytes[at] = (x >> 16) as u8;
            }
            let want = !bytes.iter().any(|&b| ESCAPE[usize::from(b)]);
            assert_eq!(is_clean(&bytes), want, "{bytes:?}");
        }
    }

    #[test]
    fn fingerprint_field_appears_only_with_a_key() {
        let mut plain = Vec::new();
        Printer::new(Format::Jsonl, false, false).finding(&mut plain, &Place::new("p"), &finding());
        assert!(!String::from_utf8(plain).unwrap().contains("fingerprint"));
        let mut keyed = Vec::new();
        Printer::new(Format::Jsonl, false, false)
            .with_fingerprints(Fingerprinter::new(b"key").unwrap())
            .finding(&mut keyed, &Place::new("p"), &finding());
        assert!(String::from_utf8(keyed)
            .unwrap()
            .contains("\"fingerprint\":\"fc7f86d5d07a892c\""));
    }

    #[test]
    fn show_values_prints_the_raw_value() {
        let mut out = Vec::new();
        Printer::new(Format::Jsonl, true, false).finding(&mut out, &Place::new("p"), &finding());
        assert!(String::from_utf8(out)
            .unwrap()
            .contains("\"match\":\"010190-1238\""));
    }

    #[test]
    fn text_finding_is_one_human_line() {
        let mut out = Vec::new();
        Printer::new(Format::Text, false, false).finding(
            &mut out,
            &Place::new("a.txt"),
            &finding(),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a.txt:12:5 cpr high 010190-**** date,mod11,separator,context:cpr-nr\n"
        );
    }

    #[test]
    fn text_finding_names_the_member_and_the_row_of_a_cell() {
        let mut out = Vec::new();
        let printer = Printer::new(Format::Text, false, false);
        printer.finding(&mut out, &Place::member("a.zip", "b/c.txt"), &finding());
        let cell = Place {
            cell: Some(crate::place::Cell {
                table: "public.borgere".into(),
                field: "notes".into(),
                key: vec![("id".into(), "42".into())],
            }),
            ..Place::new("postgres://scan@db/kommune")
        };
        printer.finding(&mut out, &cell, &finding());
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("a.zip!b/c.txt:12:5 cpr"), "{text}");
        assert!(
            lines[1].starts_with("postgres://scan@db/kommune!public.borgere.notes[id=42]:12:5 "),
            "{text}"
        );
    }

    #[test]
    fn control_characters_in_paths_are_escaped_for_terminals() {
        assert_eq!(sanitize("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(sanitize("plain"), "plain");
    }

    #[test]
    fn summary_lists_findings_per_kind() {
        let mut out = Vec::new();
        let s = Summary {
            files: 2,
            bytes: 10,
            findings: vec![("cpr".to_string(), 3)],
            errors: 1,
            skipped: 0,
            elapsed_ms: 5,
            interrupted: false,
            suppressed: 0,
            by_confidence: vec![],
            ..Summary::default()
        };
        Printer::new(Format::Jsonl, false, false).summary(&mut out, &s);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"type\":\"summary\",\"files\":2,\"bytes\":10,\"findings\":{\"cpr\":3},\
             \"errors\":1,\"skipped\":0,\"elapsed_ms\":5}\n"
        );
    }
}
