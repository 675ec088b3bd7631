//! Turns findings, errors and the summary into bytes: JSON lines (schema v1, `docs/output.md`)
//! or human text. Printers write into a caller's buffer and never do I/O, so workers format in
//! parallel and one writer only copies finished lines.

use std::io::Write;

use serde::Serialize;

use crate::cli::Format;
use crate::finding::Finding;
use crate::fingerprint::Fingerprinter;

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
struct FindingRecord<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    path: &'a str,
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

#[derive(Serialize)]
struct ErrorRecord<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    path: &'a str,
    message: &'a str,
    skipped: bool,
}

#[derive(Serialize)]
struct SummaryRecord {
    #[serde(rename = "type")]
    ty: &'static str,
    files: u64,
    bytes: u64,
    findings: serde_json::Map<String, serde_json::Value>,
    errors: u64,
    skipped: u64,
    elapsed_ms: u64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    interrupted: bool,
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

    /// Appends one finding of the input named `path`.
    pub fn finding(&self, out: &mut Vec<u8>, path: &str, f: &Finding) {
        let value = self.shown_value(f);
        match self.format {
            Format::Jsonl => {
                let rec = FindingRecord {
                    ty: "finding",
                    path,
                    line: f.line,
                    column: f.column,
                    offset: f.offset,
                    length: f.len,
                    kind: f.kind_name(),
                    rule: f.rule.as_deref().map(|t| t.id.as_str()),
                    confidence: f.confidence.as_str(),
                    matched: &value,
                    reasons: &f.reasons,
                    fingerprint: self.fingerprinter.as_ref().map(|fp| fp.fingerprint_of(f)),
                    context: f.context.as_deref(),
                };
                serde_json::to_writer(&mut *out, &rec).expect("writing to a Vec cannot fail");
                out.push(b'\n');
            }
            Format::Text => {
                let reasons: Vec<String> = f.reasons.iter().map(|r| r.to_string()).collect();
                let (p, c, r) = if self.color {
                    ("\x1b[35m", confidence_color(f.confidence.as_str()), RESET)
                } else {
                    ("", "", "")
                };
                let _ = write!(
                    out,
                    "{p}{}{r}:{}:{} {} {c}{}{r} {} {}",
                    sanitize(path),
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

    /// Appends an error record (or, in text format, a message line meant for stderr).
    pub fn error(&self, out: &mut Vec<u8>, path: &str, message: &str, skipped: bool) {
        match self.format {
            Format::Jsonl => {
                let rec = ErrorRecord {
                    ty: "error",
                    path,
                    message,
                    skipped,
                };
                serde_json::to_writer(&mut *out, &rec).expect("writing to a Vec cannot fail");
                out.push(b'\n');
            }
            Format::Text => {
                let what = if skipped { "skipped" } else { "error" };
                let _ = writeln!(out, "cprscan: {what}: {}: {}", sanitize(path), message);
            }
        }
    }

    /// Appends the summary (in text format, a line meant for stderr).
    pub fn summary(&self, out: &mut Vec<u8>, s: &Summary) {
        match self.format {
            Format::Jsonl => {
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
                    interrupted: s.interrupted,
                };
                serde_json::to_writer(&mut *out, &rec).expect("writing to a Vec cannot fail");
                out.push(b'\n');
            }
            Format::Text => {
                let counts: Vec<String> =
                    s.findings.iter().map(|(k, n)| format!("{k} {n}")).collect();
                let _ = writeln!(
                    out,
                    "cprscan: {} files, {} bytes, findings: {}; {} errors, {} skipped, {} ms{}",
                    s.files,
                    s.bytes,
                    counts.join(", "),
                    s.errors,
                    s.skipped,
                    s.elapsed_ms,
                    if s.interrupted { " (interrupted)" } else { "" }
                );
            }
        }
    }
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
    use crate::finding::{Confidence, Kind, Reason};

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
            "share/hr/list.csv",
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

    #[test]
    fn fingerprint_field_appears_only_with_a_key() {
        let mut plain = Vec::new();
        Printer::new(Format::Jsonl, false, false).finding(&mut plain, "p", &finding());
        assert!(!String::from_utf8(plain).unwrap().contains("fingerprint"));
        let mut keyed = Vec::new();
        Printer::new(Format::Jsonl, false, false)
            .with_fingerprints(Fingerprinter::new(b"key").unwrap())
            .finding(&mut keyed, "p", &finding());
        assert!(String::from_utf8(keyed)
            .unwrap()
            .contains("\"fingerprint\":\"fc7f86d5d07a892c\""));
    }

    #[test]
    fn show_values_prints_the_raw_value() {
        let mut out = Vec::new();
        Printer::new(Format::Jsonl, true, false).finding(&mut out, "p", &finding());
        assert!(String::from_utf8(out)
            .unwrap()
            .contains("\"match\":\"010190-1238\""));
    }

    #[test]
    fn text_finding_is_one_human_line() {
        let mut out = Vec::new();
        Printer::new(Format::Text, false, false).finding(&mut out, "a.txt", &finding());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a.txt:12:5 cpr high 010190-**** date,mod11,separator,context:cpr-nr\n"
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
        };
        Printer::new(Format::Jsonl, false, false).summary(&mut out, &s);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"type\":\"summary\",\"files\":2,\"bytes\":10,\"findings\":{\"cpr\":3},\
             \"errors\":1,\"skipped\":0,\"elapsed_ms\":5}\n"
        );
    }
}
