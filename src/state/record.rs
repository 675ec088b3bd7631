//! Records of stored findings: a cached finding in a scan's output, a `change` of `cprscan
//! diff`. Same fields, names and order as a fresh finding record (schema v1), from the masked
//! value the state keeps; there is no `context` (the state keeps no snippets).

use std::io::Write;

use serde::Serialize;

use super::StoredFinding;
use crate::printer::sanitize;

#[derive(Serialize)]
struct Record<'a> {
    #[serde(rename = "type")]
    ty: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<&'a str>,
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
    confidence: &'a str,
    #[serde(rename = "match")]
    matched: &'a str,
    reasons: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cached: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    moved_from: Option<&'a str>,
}

/// A row key as a JSON object in key order.
struct KeyMap<'a>(&'a [(String, String)]);

impl Serialize for KeyMap<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// What kind of record, and what it adds to the finding's fields.
pub struct Marks<'a> {
    /// `finding` (a scan's output) or `change` (`cprscan diff`).
    pub ty: &'a str,
    /// For `change` records: `new` or `resolved`.
    pub change: Option<&'a str>,
    pub cached: bool,
    pub status: Option<&'a str>,
    /// For a finding of a renamed or moved file: its path in the previous scan.
    pub moved_from: Option<&'a str>,
}

/// Appends `f`, a finding of the input at `path`, as one JSON line.
pub fn json(out: &mut Vec<u8>, path: &str, f: &StoredFinding, marks: &Marks<'_>) {
    let rec = Record {
        ty: marks.ty,
        change: marks.change,
        path,
        member: f.member.as_deref(),
        table: f.table.as_deref(),
        field: f.table.as_ref().and(f.field.as_deref()),
        key: (f.table.is_some() && !f.row_key.is_empty()).then_some(KeyMap(&f.row_key)),
        line: f.line,
        column: f.column,
        offset: f.offset,
        length: f.length,
        kind: &f.kind_name,
        rule: f.rule.as_deref(),
        confidence: f.confidence.as_str(),
        matched: &f.masked,
        reasons: &f.reasons,
        fingerprint: f.fingerprint.as_deref(),
        cached: marks.cached,
        status: marks.status,
        moved_from: marks.moved_from,
    };
    serde_json::to_writer(&mut *out, &rec).expect("writing to a Vec cannot fail");
    out.push(b'\n');
}

/// Appends `f` as one human line, `path:line:column kind confidence match reasons`, with what
/// `marks` adds in brackets (`[cached]`, `[new]`).
pub fn text(out: &mut Vec<u8>, path: &str, f: &StoredFinding, marks: &Marks<'_>) {
    let mut place = path.to_string();
    if let Some(m) = &f.member {
        place.push('!');
        place.push_str(m);
    }
    if let Some(t) = &f.table {
        place.push('!');
        place.push_str(t);
        if let Some(field) = f.field.as_deref().filter(|s| !s.is_empty()) {
            place.push('.');
            place.push_str(field);
        }
        if !f.row_key.is_empty() {
            let key: Vec<String> = f.row_key.iter().map(|(k, v)| format!("{k}={v}")).collect();
            place.push_str(&format!("[{}]", key.join(",")));
        }
    }
    let mut tags: Vec<&str> = Vec::new();
    tags.extend(marks.change);
    if marks.cached {
        tags.push("cached");
    }
    tags.extend(marks.status);
    let _ = write!(
        out,
        "{}:{}:{} {} {} {} {}",
        sanitize(&place),
        f.line,
        f.column,
        f.kind_name,
        f.confidence,
        sanitize(&f.masked),
        f.reasons.join(",")
    );
    let from = marks
        .moved_from
        .map(|p| format!("moved from {}", sanitize(p)));
    tags.extend(from.as_deref());
    if !tags.is_empty() {
        let _ = write!(out, " [{}]", tags.join(" "));
    }
    out.push(b'\n');
}
