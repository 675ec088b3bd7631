//! `testdata/cpr-cases.toml` through the library and through the binary: one expected result,
//! checked along every path (ripgrep's testutil idea).

use cprscan::{Confidence, Date, Finding, ScannerBuilder};
use serde::Deserialize;

use crate::util;

#[derive(Deserialize)]
struct Table {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    text: String,
    today: Option<String>,
    expect: Vec<(u64, u32, String, String)>,
}

fn table() -> Vec<Case> {
    let text = std::fs::read_to_string(util::testdata("cpr-cases.toml")).unwrap();
    let table: Table = toml::from_str(&text).unwrap();
    assert!(table.case.len() >= 20, "the table holds the cases");
    table.case
}

type Row = (u64, u32, String, String);

fn row(f: &Finding) -> Row {
    let reasons: Vec<String> = f.reasons.iter().map(|r| r.to_string()).collect();
    (f.offset, f.len, f.confidence.to_string(), reasons.join(","))
}

#[test]
fn case_table_through_the_library_whole_and_byte_by_byte() {
    for case in table() {
        let today = Date::parse(case.today.as_deref().unwrap_or(util::TODAY)).unwrap();
        let scanner = ScannerBuilder::new()
            .min_confidence(Confidence::Low)
            .today(today)
            .build();
        let whole: Vec<Row> = scanner
            .scan_all(case.text.as_bytes())
            .iter()
            .map(row)
            .collect();
        assert_eq!(whole, case.expect, "case {:?}", case.name);

        // The same text read one byte at a time, as a pipe might deliver it.
        let streamed: Vec<Row> = util::scan_byte_by_byte(&scanner, &case.text)
            .iter()
            .map(row)
            .collect();
        assert_eq!(streamed, case.expect, "case {:?} streamed", case.name);
    }
}

#[test]
fn case_table_through_the_binary_on_stdin() {
    for case in table() {
        let today = case.today.as_deref().unwrap_or(util::TODAY);
        let mut cmd = util::bin();
        // A later --today overrides the default one util::bin() sets.
        cmd.args([
            "--min-confidence",
            "low",
            "--fail-on",
            "low",
            "--today",
            today,
            "-",
        ]);
        let out = {
            use std::io::Write;
            use std::process::Stdio;
            let mut child = cmd
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(case.text.as_bytes())
                .unwrap();
            util::Run::from_output(child.wait_with_output().unwrap())
        };
        let got: Vec<Row> = out
            .of_type("finding")
            .iter()
            .map(|r| {
                let reasons: Vec<&str> = r["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                (
                    r["offset"].as_u64().unwrap(),
                    r["length"].as_u64().unwrap() as u32,
                    r["confidence"].as_str().unwrap().to_string(),
                    reasons.join(","),
                )
            })
            .collect();
        assert_eq!(got, case.expect, "case {:?}", case.name);
        let want_status = if case.expect.is_empty() { 0 } else { 1 };
        assert_eq!(out.status, want_status, "case {:?}", case.name);
    }
}
