//! The per-kind tables `testdata/kinds/<kind>.toml` and the cross-kind table
//! `testdata/kinds/overlaps.toml` (format in `testdata/README.md`): every case through the
//! library (whole, and read one byte at a time) and through the binary on a temporary file.
//!
//! A table's cases are all run before its test fails, and the failure lists every failing case
//! by name, with its haystack masked (`util::mask_numbers`) and the findings as spans, kinds and
//! confidences: a failure message never holds a raw CPR number from the table.

use cprscan::scanner::KindSet;
use cprscan::{Confidence, Date, Finding, Kind, ScannerBuilder};
use serde::Deserialize;

use crate::util;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    /// The kinds every case of the file scans for, unless the case names its own; all if absent.
    kinds: Option<Vec<String>>,
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    text: String,
    kinds: Option<Vec<String>>,
    min_confidence: Option<String>,
    today: Option<String>,
    expect: Vec<Expect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    kind: String,
    /// The matched text; it is looked for from the end of the previous expected finding on.
    #[serde(rename = "match")]
    matched: Option<String>,
    /// `[offset, length]` in bytes, instead of `match`.
    span: Option<(u64, u32)>,
    confidence: String,
    /// Checked only when given.
    reasons: Option<Vec<String>>,
}

/// One finding as compared: offset, length, kind, confidence, reasons.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Row {
    offset: u64,
    len: u32,
    kind: String,
    confidence: String,
    reasons: Vec<String>,
}

/// An expected finding resolved to a span; `reasons` is `None` when the table leaves them out.
#[derive(Debug)]
struct Want {
    offset: u64,
    len: u32,
    kind: String,
    confidence: String,
    reasons: Option<Vec<String>>,
}

impl Want {
    fn accepts(&self, got: &Row) -> bool {
        self.offset == got.offset
            && self.len == got.len
            && self.kind == got.kind
            && self.confidence == got.confidence
            && self.reasons.as_ref().is_none_or(|r| *r == got.reasons)
    }
}

fn row(f: &Finding) -> Row {
    Row {
        offset: f.offset,
        len: f.len,
        kind: f.kind.to_string(),
        confidence: f.confidence.to_string(),
        reasons: f.reasons.iter().map(|r| r.to_string()).collect(),
    }
}

fn load(file: &str) -> Table {
    let path = util::testdata(&format!("kinds/{file}"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn kind_set(names: &[String]) -> KindSet {
    names.iter().fold(KindSet::EMPTY, |set, name| {
        set.with(Kind::from_name(name).unwrap_or_else(|| panic!("unknown kind {name:?}")))
    })
}

/// The expected findings of `case` as spans. A bad table (a `match` not in the text, neither
/// or both of `match` and `span`, an unknown kind) panics at once: it is the table's fault.
fn wanted(case: &Case) -> Vec<Want> {
    let mut from = 0usize;
    case.expect
        .iter()
        .map(|e| {
            assert!(
                Kind::from_name(&e.kind).is_some(),
                "case {:?}: unknown kind {:?}",
                case.name,
                e.kind
            );
            assert!(
                Confidence::parse(&e.confidence).is_some(),
                "case {:?}: bad confidence {:?}",
                case.name,
                e.confidence
            );
            let (offset, len) = match (&e.matched, e.span) {
                (Some(m), None) => {
                    let at = case.text[from..].find(m.as_str()).unwrap_or_else(|| {
                        panic!("case {:?}: an expected match is not in the text", case.name)
                    }) + from;
                    (at as u64, m.len() as u32)
                }
                (None, Some(span)) => span,
                _ => panic!("case {:?}: give exactly one of match and span", case.name),
            };
            from = (offset + u64::from(len)) as usize;
            Want {
                offset,
                len,
                kind: e.kind.clone(),
                confidence: e.confidence.clone(),
                reasons: e.reasons.clone(),
            }
        })
        .collect()
}

fn matches(want: &[Want], got: &[Row]) -> bool {
    want.len() == got.len() && want.iter().zip(got).all(|(w, g)| w.accepts(g))
}

/// A failure report for one path of one case, without raw values.
fn failure(case: &Case, path: &str, want: &[Want], got: &[Row]) -> String {
    let show_want: Vec<String> = want
        .iter()
        .map(|w| {
            let reasons = w
                .reasons
                .as_ref()
                .map_or("(any)".to_string(), |r| r.join(","));
            format!(
                "{}+{} {} {} {}",
                w.offset, w.len, w.kind, w.confidence, reasons
            )
        })
        .collect();
    let show_got: Vec<String> = got
        .iter()
        .map(|g| {
            format!(
                "{}+{} {} {} {}",
                g.offset,
                g.len,
                g.kind,
                g.confidence,
                g.reasons.join(",")
            )
        })
        .collect();
    format!(
        "case {:?} ({path})\n  text (masked): {:?}\n  want: {show_want:?}\n  got:  {show_got:?}",
        case.name,
        util::mask_numbers(&case.text)
    )
}

/// Runs every case of `file` along every path; panics with every failure at the end.
fn run_table(file: &str) {
    let table = load(file);
    let mut failures = Vec::new();
    let mut names = std::collections::HashSet::new();
    for case in &table.case {
        assert!(
            names.insert(case.name.as_str()),
            "duplicate case {:?}",
            case.name
        );
        let kinds = case.kinds.as_ref().or(table.kinds.as_ref());
        let set = kinds.map_or(KindSet::all(), |k| kind_set(k));
        let min = case.min_confidence.as_deref().unwrap_or("low");
        let today = case.today.as_deref().unwrap_or(util::TODAY);
        let want = wanted(case);

        let scanner = ScannerBuilder::new()
            .kinds(set)
            .min_confidence(Confidence::parse(min).expect("min_confidence is low|medium|high"))
            .today(Date::parse(today).expect("today is YYYY-MM-DD"))
            .build();
        let whole: Vec<Row> = scanner
            .scan_all(case.text.as_bytes())
            .iter()
            .map(row)
            .collect();
        if !matches(&want, &whole) {
            failures.push(failure(case, "library", &want, &whole));
            // The other paths would repeat the same failure.
            continue;
        }

        let streamed: Vec<Row> = util::scan_byte_by_byte(&scanner, &case.text)
            .iter()
            .map(row)
            .collect();
        if !matches(&want, &streamed) {
            failures.push(failure(
                case,
                "library, one byte at a time",
                &want,
                &streamed,
            ));
        }

        let kinds_arg = kinds.map_or("all".to_string(), |k| k.join(","));
        let out = util::run_on_file(
            &[
                "--no-config",
                "--kinds",
                &kinds_arg,
                "--min-confidence",
                min,
                // Every reported finding fails the run, so the exit status says "found".
                "--fail-on",
                min,
                "--today",
                today,
            ],
            case.text.as_bytes(),
        );
        let records = out.of_type("finding");
        let got: Vec<Row> = records
            .iter()
            .map(|r| Row {
                offset: r["offset"].as_u64().unwrap(),
                len: r["length"].as_u64().unwrap() as u32,
                kind: r["kind"].as_str().unwrap().to_string(),
                confidence: r["confidence"].as_str().unwrap().to_string(),
                reasons: r["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect(),
            })
            .collect();
        if !matches(&want, &got) {
            failures.push(failure(case, "binary", &want, &got));
        }
        let want_status = if want.is_empty() { 0 } else { 1 };
        if out.status != want_status {
            failures.push(format!(
                "case {:?} (binary): exit status {}, want {want_status}",
                case.name, out.status
            ));
        }
        // The binary masks what it prints: no finding's `match` is the raw span.
        for (r, g) in records.iter().zip(&got) {
            let raw = &case.text.as_bytes()[g.offset as usize..][..g.len as usize];
            if r["match"].as_str().map(str::as_bytes) == Some(raw) {
                failures.push(format!(
                    "case {:?} (binary): a {} finding at {} is printed unmasked",
                    case.name, g.kind, g.offset
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases of {file} failed:\n{}",
        failures.len(),
        table.case.len(),
        failures.join("\n")
    );
}

#[test]
fn every_kind_has_a_table_of_true_and_false_positives() {
    // User rules (`custom`) have their own tests with the configuration file.
    for kind in Kind::ALL.iter().filter(|&&k| k != Kind::Custom) {
        let table = load(&format!("{kind}.toml"));
        let (positive, negative): (Vec<&Case>, Vec<&Case>) = table
            .case
            .iter()
            .partition(|c| c.expect.iter().any(|e| e.kind == kind.as_str()));
        assert!(positive.len() >= 5, "{kind}: few true positives");
        assert!(negative.len() >= 5, "{kind}: few false positives");
    }
    assert!(util::testdata("kinds/overlaps.toml").exists());
}

#[test]
fn failure_messages_mask_the_numbers_in_the_haystack() {
    let masked = util::mask_numbers("cpr 010190-1238, tlf +45 12 34 56 78");
    assert_eq!(masked, "cpr 010190-****, tlf +45 12 34 ** **");
}

macro_rules! table_tests {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run_table($file);
            }
        )*
    };
}

table_tests! {
    cpr_table_finds_real_cpr_numbers_and_rejects_look_alikes => "cpr.toml",
    iban_table_checks_registry_length_and_mod97 => "iban.toml",
    card_table_checks_luhn_issuer_and_layout => "card.toml",
    cpr_substitute_table_finds_day_plus_60_and_ecpr_numbers => "cpr-substitute.toml",
    email_table_finds_addresses_and_rejects_file_names_and_local_hosts => "email.toml",
    phone_table_finds_danish_and_international_numbers_and_needs_context_for_bare_ones => "phone.toml",
    cvr_table_needs_vat_form_or_context_and_mod11 => "cvr.toml",
    bank_account_table_needs_context => "bank-account.toml",
    passport_table_needs_context => "passport.toml",
    driving_licence_table_needs_context => "driving-licence.toml",
    ip_table_finds_addresses_in_logs_and_lowers_special_ranges_and_versions => "ip.toml",
    overlaps_table_reports_one_finding_per_span_and_the_stronger_validation_wins => "overlaps.toml",
}
