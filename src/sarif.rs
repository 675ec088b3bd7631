//! SARIF 2.1.0 output (`--format sarif`), for code-review UIs such as GitHub code scanning:
//! one run, one rule per kind, one result per finding with its location (line, column and
//! byte offsets), a masked message, the keyed fingerprint as a partial fingerprint, and a
//! suppression for findings accepted by an inline marker or the baseline.
//!
//! Columns: SARIF has no byte column kind, so the run declares `unicodeCodePoints` and each
//! region also carries `byteOffset` and `byteLength`, which are exact; `startColumn` counts
//! bytes, the same as code points on ASCII lines.

use serde_json::{json, Value};

use crate::finding::{Confidence, Finding, Kind, Suppression};
use crate::fingerprint::Fingerprinter;
use crate::place::Place;

/// The schema URI SARIF consumers expect in `$schema`.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The key under which fingerprints go into `partialFingerprints`.
const FINGERPRINT_KEY: &str = "cprscan/v1";

/// Percent-encodes a path into a relative URI reference: unreserved bytes and `/` stay.
pub fn path_uri(path: &str) -> String {
    let path = crate::baseline::normalise_path(path);
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn level(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "error",
        Confidence::Medium => "warning",
        Confidence::Low => "note",
    }
}

/// The rule of a kind name: a built-in kind's description, or a user rule's.
fn rule(name: &str, description: &str) -> Value {
    json!({
        "id": name,
        "name": name,
        "shortDescription": { "text": format!("Personal data: {name}") },
        "fullDescription": { "text": description },
        "help": {
            "text": format!(
                "cprscan found what looks like personal data of kind {name}: {description}. \
                 Remove it, replace it with a synthetic value, or accept it with a \
                 `cprscan:ignore` comment or in the baseline (`cprscan baseline write`)."
            )
        },
        "defaultConfiguration": { "level": "warning" }
    })
}

/// A SARIF log of `findings` (where, finding), in the order given. `custom` lists the
/// user rule kinds with their descriptions, so their rules are declared too.
pub fn log(
    findings: &[(Place, Finding)],
    fingerprinter: Option<&Fingerprinter>,
    custom: &[(String, String)],
) -> Value {
    let mut rules: Vec<(String, String)> = Kind::ALL
        .iter()
        .filter(|k| **k != Kind::Custom)
        .map(|k| (k.as_str().to_string(), k.description().to_string()))
        .collect();
    rules.extend(custom.iter().cloned());
    let index_of = |name: &str| rules.iter().position(|(n, _)| n == name);
    let results: Vec<Value> = findings
        .iter()
        .map(|(place, f)| {
            let name = f.kind_name();
            let reasons: Vec<String> = f.reasons.iter().map(|r| r.to_string()).collect();
            let mut result = json!({
                "ruleId": name,
                "level": level(f.confidence),
                "message": {
                    "text": format!(
                        "{name} {} ({} confidence: {})",
                        f.masked(),
                        f.confidence,
                        reasons.join(", ")
                    )
                },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": path_uri(&place.path) },
                        "region": {
                            "startLine": f.line.max(1),
                            "startColumn": f.column.max(1),
                            "byteOffset": f.offset,
                            "byteLength": f.len
                        }
                    }
                }],
                "properties": { "confidence": f.confidence.as_str(), "reasons": reasons }
            });
            if let Some(i) = index_of(name) {
                result["ruleIndex"] = json!(i);
            }
            // Inside a container or a table the region refers to the member's or the cell's
            // text; the properties say which.
            if let Some(m) = &place.member {
                result["properties"]["member"] = json!(m);
            }
            if let Some(c) = &place.cell {
                let key: serde_json::Map<String, Value> =
                    c.key.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
                result["properties"]["table"] = json!(c.table);
                result["properties"]["field"] = json!(c.field);
                result["properties"]["key"] = Value::Object(key);
            }
            if let Some(fp) = fingerprinter {
                result["partialFingerprints"] = json!({ FINGERPRINT_KEY: fp.fingerprint_of(f) });
            }
            match f.suppressed {
                Some(Suppression::Inline) => {
                    result["suppressions"] = json!([{
                        "kind": "inSource",
                        "justification": "cprscan:ignore marker"
                    }]);
                }
                Some(Suppression::Baseline) => {
                    result["suppressions"] = json!([{
                        "kind": "external",
                        "justification": "accepted in the cprscan baseline"
                    }]);
                }
                None => {}
            }
            result
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cprscan",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules.iter().map(|(n, d)| rule(n, d)).collect::<Vec<_>>()
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Reason;

    fn finding() -> Finding {
        let mut f = Finding::new(
            4,
            Kind::Cpr,
            Confidence::High,
            vec![Reason::Date, Reason::Mod11],
            b"010190-1238",
        );
        f.line = 1;
        f.column = 5;
        f
    }

    #[test]
    fn result_has_location_masked_message_and_fingerprint() {
        let key = Fingerprinter::new(b"key").unwrap();
        let log = log(&[(Place::new("./a dir/x.csv"), finding())], Some(&key), &[]);
        let r = &log["runs"][0]["results"][0];
        assert_eq!(r["ruleId"], "cpr");
        assert_eq!(r["level"], "error");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "a%20dir/x.csv");
        assert_eq!(loc["region"]["startLine"], 1);
        assert_eq!(loc["region"]["byteOffset"], 4);
        assert_eq!(r["partialFingerprints"]["cprscan/v1"], "fc7f86d5d07a892c");
        let text = log.to_string();
        assert!(!text.contains("1238"), "{text}");
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(log["runs"][0]["tool"]["driver"]["rules"][idx]["id"], "cpr");
    }

    #[test]
    fn suppressed_findings_carry_a_suppression() {
        let mut f = finding();
        f.suppressed = Some(Suppression::Baseline);
        let log = log(&[(Place::new("a"), f)], None, &[]);
        let r = &log["runs"][0]["results"][0];
        assert_eq!(r["suppressions"][0]["kind"], "external");
        assert!(r.get("partialFingerprints").is_none());
    }
}
