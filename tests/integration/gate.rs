//! The CI gate as a team meets it: baselines that survive edits, inline ignores, --fail-on,
//! SARIF that validates against the official schema, and per-file summaries.

use std::path::Path;

use crate::util::{bin_plain, run_cmd, run_in, tree};

/// A synthetic CPR number with its check digit (01-01-1990 is also an exception date).
const A: &str = "010190-1238";
/// Another: 24-12-1987, mod 11 passes.
const B: &str = "241287-4563";
/// A third, for "a new value": 31-12-1999, mod 11 passes.
const C: &str = "311299-9875";

fn key_env(dir: &Path) {
    std::fs::write(dir.join("key"), b"test key\n").unwrap();
}

fn scan(dir: &Path, args: &[&str]) -> crate::util::Run {
    let mut all = vec!["--key-file", "key"];
    all.extend_from_slice(args);
    run_in(Some(dir), &all, b"")
}

fn write_baseline(dir: &Path) -> String {
    let mut cmd = bin_plain();
    cmd.args(["baseline", "write", "--today", crate::util::TODAY]);
    let r = run_cmd(cmd, Some(dir), &["--key-file", "key", "fixtures"], b"");
    assert_eq!(r.status, 0, "{}", r.stderr);
    std::fs::write(dir.join(".cprscan-baseline.json"), &r.stdout).unwrap();
    r.stdout
}

fn fixtures() -> tempfile::TempDir {
    let dir = tree(&[
        (
            "fixtures/people.csv",
            format!("navn;cpr\nAnna;{A}\nBo;{B}\n").as_bytes(),
        ),
        ("fixtures/notes.txt", format!("cpr {A}\n").as_bytes()),
    ]);
    key_env(dir.path());
    dir
}

#[test]
fn baseline_round_trip_accepts_every_current_finding() {
    let dir = fixtures();
    let before = scan(dir.path(), &["fixtures"]);
    assert_eq!(before.status, 1);
    assert_eq!(before.of_type("finding").len(), 3);
    write_baseline(dir.path());
    let after = scan(
        dir.path(),
        &["--baseline", ".cprscan-baseline.json", "fixtures"],
    );
    assert_eq!(after.status, 0, "{}", after.stdout);
    assert!(after.of_type("finding").is_empty());
    assert_eq!(after.summary()["suppressed"], 3);
}

#[test]
fn baseline_file_is_stable_sorted_and_holds_no_values() {
    let dir = fixtures();
    let first = write_baseline(dir.path());
    let second = write_baseline(dir.path());
    assert_eq!(first, second, "same tree, same bytes");
    for raw in [A, B, &A.replace('-', ""), "1238", "4563"] {
        assert!(!first.contains(raw), "raw value {raw} in the baseline");
    }
    let entries = first.lines().filter(|l| l.contains("\"path\"")).count();
    assert_eq!(entries, 3, "{first}");
    assert!(!first.contains("\"line\""), "no line numbers: {first}");
}

#[test]
fn moving_and_reindenting_lines_keeps_the_baseline_clean() {
    let dir = fixtures();
    write_baseline(dir.path());
    std::fs::write(
        dir.path().join("fixtures/people.csv"),
        format!("# header comment\n\nnavn;cpr\n    Bo;{B}\n\n\n  Anna;{A}\n").as_bytes(),
    )
    .unwrap();
    let r = scan(
        dir.path(),
        &["--baseline", ".cprscan-baseline.json", "fixtures"],
    );
    assert_eq!(r.status, 0, "{}", r.stdout);
}

#[test]
fn a_new_value_or_a_known_value_in_a_new_file_fails() {
    let dir = fixtures();
    write_baseline(dir.path());
    std::fs::write(
        dir.path().join("fixtures/notes.txt"),
        format!("cpr {A}\ncpr {C}\n").as_bytes(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("fixtures/new.txt"),
        format!("cpr {A}\n").as_bytes(),
    )
    .unwrap();
    let r = scan(
        dir.path(),
        &["--baseline", ".cprscan-baseline.json", "fixtures"],
    );
    assert_eq!(r.status, 1);
    let mut new: Vec<(String, u64)> = r
        .of_type("finding")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    new.sort();
    assert_eq!(
        new,
        [
            ("fixtures/new.txt".to_string(), 1),
            ("fixtures/notes.txt".to_string(), 2)
        ]
    );
}

#[test]
fn stale_entries_are_listed_and_can_fail_the_run() {
    let dir = fixtures();
    write_baseline(dir.path());
    std::fs::write(dir.path().join("fixtures/notes.txt"), b"no numbers here\n").unwrap();
    let warn = scan(
        dir.path(),
        &["--baseline", ".cprscan-baseline.json", "fixtures"],
    );
    assert_eq!(warn.status, 0);
    assert!(
        warn.stderr.contains("stale baseline entry") && warn.stderr.contains("fixtures/notes.txt"),
        "{}",
        warn.stderr
    );
    let fail = scan(
        dir.path(),
        &[
            "--baseline",
            ".cprscan-baseline.json",
            "--baseline-stale",
            "fail",
            "fixtures",
        ],
    );
    assert_eq!(fail.status, 1);
}

#[test]
fn baseline_without_a_key_is_a_clear_error() {
    let dir = fixtures();
    let r = run_in(
        Some(dir.path()),
        &["--baseline", "missing.json", "fixtures"],
        b"",
    );
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("--key-file"), "{}", r.stderr);
    let mut cmd = bin_plain();
    cmd.args(["baseline", "write"]);
    let r = run_cmd(cmd, Some(dir.path()), &["fixtures"], b"");
    assert_eq!(r.status, 2);
    assert!(r.stdout.is_empty());
}

#[test]
fn inline_markers_in_several_comment_syntaxes_suppress_their_line() {
    let text = format!(
        "a = \"{A}\"  # cprscan:ignore\n\
         b = \"{B}\"; // cprscan:ignore\n\
         <td>{A}</td> <!-- cprscan:ignore -->\n\
         -- cprscan:ignore-next-line\n\
         INSERT INTO t VALUES ('{B}');\n\
         cpr {C}\n"
    );
    let dir = tree(&[("f.txt", text.as_bytes())]);
    let r = run_in(Some(dir.path()), &["f.txt"], b"");
    let lines: Vec<u64> = r
        .of_type("finding")
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [6]);
    assert_eq!(r.summary()["suppressed"], 4);
    let audit = run_in(Some(dir.path()), &["--no-inline-ignore", "f.txt"], b"");
    assert_eq!(audit.of_type("finding").len(), 5);
}

#[test]
fn fail_on_decides_the_exit_status_while_everything_is_still_reported() {
    // A mod-11 failure without context: a low finding. 24-12-1987 with serial 4561.
    let dir = tree(&[("f.txt", b"ref 241287-4561\n")]);
    let low = run_in(Some(dir.path()), &["--min-confidence", "low", "f.txt"], b"");
    assert_eq!(low.of_type("finding").len(), 1);
    assert_eq!(low.status, 0, "low is below the default --fail-on medium");
    let fail_low = run_in(
        Some(dir.path()),
        &["--min-confidence", "low", "--fail-on", "low", "f.txt"],
        b"",
    );
    assert_eq!(fail_low.status, 1);
    let high = tree(&[("f.txt", format!("cpr {B}\n").as_bytes())]);
    assert_eq!(
        run_in(Some(high.path()), &["--fail-on", "high", "f.txt"], b"").status,
        1
    );
}

fn sarif_schema() -> jsonschema::Validator {
    let path = crate::util::testdata("sarif/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .offline()
        .build(&schema)
        .expect("the SARIF schema compiles")
}

#[test]
fn sarif_output_validates_against_the_official_schema_and_points_at_the_line() {
    let dir = fixtures();
    std::fs::write(
        dir.path().join("fixtures/more.txt"),
        format!("x\ncpr {C} # cprscan:ignore\nmail jens.hansen@example.dk\n").as_bytes(),
    )
    .unwrap();
    write_baseline(dir.path());
    std::fs::write(
        dir.path().join("fixtures/new.txt"),
        format!("line one\ncpr {C}\n").as_bytes(),
    )
    .unwrap();
    let r = scan(
        dir.path(),
        &[
            "--format",
            "sarif",
            "--baseline",
            ".cprscan-baseline.json",
            "fixtures",
        ],
    );
    assert_eq!(r.status, 1, "{}", r.stderr);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let errors: Vec<String> = sarif_schema()
        .iter_errors(&log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let open: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_none())
        .collect();
    assert_eq!(open.len(), 1, "{results:#?}");
    let loc = &open[0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "fixtures/new.txt");
    assert_eq!(loc["region"]["startLine"], 2);
    assert!(open[0]["partialFingerprints"]["cprscan/v1"].is_string());
    let kinds: Vec<&str> = results
        .iter()
        .filter_map(|r| r["suppressions"][0]["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"inSource") && kinds.contains(&"external"),
        "{kinds:?}"
    );
    for raw in [A, B, C] {
        assert!(!r.stdout.contains(raw), "raw value in SARIF");
    }
    assert!(
        r.stderr.contains("cprscan:"),
        "summary goes to stderr: {}",
        r.stderr
    );
}

#[test]
fn sarif_of_a_clean_tree_is_valid_too() {
    let dir = tree(&[("clean.txt", b"nothing to see\n")]);
    let r = run_in(Some(dir.path()), &["--format", "sarif", "clean.txt"], b"");
    assert_eq!(r.status, 0);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(sarif_schema().is_valid(&log));
}

#[test]
fn summary_format_prints_counts_per_file_and_a_total() {
    let dir = fixtures();
    let r = run_in(Some(dir.path()), &["--format", "summary", "fixtures"], b"");
    assert_eq!(r.status, 1);
    assert!(r.of_type("finding").is_empty());
    let mut files = r.of_type("file");
    files.sort_by_key(|f| f["path"].as_str().unwrap().to_string());
    assert_eq!(files.len(), 2);
    assert_eq!(files[1]["path"], "fixtures/people.csv");
    assert_eq!(files[1]["findings"]["cpr"]["high"], 2);
    assert_eq!(r.summary()["findings"]["cpr"], 3);
}

#[test]
fn text_format_ends_with_a_table_per_kind_and_confidence() {
    let dir = fixtures();
    let r = run_in(Some(dir.path()), &["--format", "text", "fixtures"], b"");
    let table: Vec<&str> = r
        .stderr
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("kind"))
        .collect();
    assert_eq!(table.len(), 2, "{}", r.stderr);
    let cpr: Vec<&str> = table[1].split_whitespace().collect();
    assert_eq!(cpr, ["cpr", "3", "0", "0"]);
}
