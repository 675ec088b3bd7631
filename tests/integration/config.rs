//! The configuration file as a user meets it: found by walking up, user rules, allowlists,
//! `rules check`, and clear errors. The tree is testdata/mixed (synthetic numbers only).

use std::collections::BTreeSet;

use crate::util::{bin_plain, run_cmd, run_in, testdata, tree};

fn rules_check(dir: &std::path::Path, args: &[&str]) -> crate::util::Run {
    let mut all = vec!["rules", "check"];
    all.extend_from_slice(args);
    run_cmd(bin_plain(), Some(dir), &all, b"")
}

/// Raw values in testdata/mixed that must never be printed without --show-values.
const RAW: &[&str] = &["241287-4563", "311299-9875", "EMP-123455", "0012345678"];

fn mixed() -> std::path::PathBuf {
    testdata("mixed")
}

#[test]
fn mixed_tree_reports_every_kind_masked_and_explained() {
    let r = run_in(Some(&mixed()), &["."], b"");
    assert_eq!(r.status, 1, "{}", r.stderr);
    let findings = r.of_type("finding");
    let kinds: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<&str> = [
        "cpr",
        "cpr-substitute",
        "email",
        "phone",
        "iban",
        "card",
        "cvr",
        "bank-account",
        "passport",
        "driving-licence",
        "ip",
        "employee-id",
    ]
    .into();
    assert_eq!(kinds, expected);
    for f in &findings {
        assert!(!f["reasons"].as_array().unwrap().is_empty(), "{f}");
    }
    for raw in RAW {
        assert!(!r.stdout.contains(raw), "raw value {raw} leaked");
    }
    let emp = findings
        .iter()
        .find(|f| f["kind"] == "employee-id")
        .unwrap();
    assert_eq!(emp["rule"], "employee-id");
    assert_eq!(emp["path"], "./hr/ansatte.txt");
    assert_eq!(r.summary()["findings"]["employee-id"], 1);
}

#[test]
fn no_span_is_reported_twice_by_two_kinds() {
    let r = run_in(Some(&mixed()), &["."], b"");
    let mut spans: Vec<(String, u64, u64)> = r
        .of_type("finding")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["offset"].as_u64().unwrap(),
                f["length"].as_u64().unwrap(),
            )
        })
        .collect();
    spans.sort();
    for w in spans.windows(2) {
        let overlap = w[0].0 == w[1].0 && w[1].1 < w[0].1 + w[0].2;
        assert!(!overlap, "{:?} and {:?} overlap", w[0], w[1]);
    }
}

#[test]
fn configuration_is_found_by_walking_up_from_a_subdirectory() {
    let r = run_in(Some(&mixed().join("hr")), &["ansatte.txt"], b"");
    let kinds: Vec<String> = r
        .of_type("finding")
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(kinds.contains(&"employee-id".to_string()), "{kinds:?}");
}

#[test]
fn no_config_ignores_the_file() {
    let r = run_in(Some(&mixed()), &["--no-config", "hr/ansatte.txt"], b"");
    assert!(r
        .of_type("finding")
        .iter()
        .all(|f| f["kind"] != "employee-id"));
    // The allowlisted value and the allow word no longer apply either.
    assert_eq!(r.of_type("finding").len(), 3, "{}", r.stdout);
}

#[test]
fn explicit_config_works_from_anywhere() {
    let cfg = mixed().join("cprscan.toml");
    let dir = tree(&[("x.txt", b"EMP-123455\n")]);
    let r = run_in(
        Some(dir.path()),
        &["--config", cfg.to_str().unwrap(), "x.txt"],
        b"",
    );
    assert_eq!(r.of_type("finding")[0]["kind"], "employee-id");
}

#[test]
fn allowlisted_paths_values_and_words_are_not_reported_but_the_rest_is() {
    let r = run_in(Some(&mixed()), &["."], b"");
    let findings = r.of_type("finding");
    assert!(
        findings.iter().all(|f| f["path"] != "./fixtures/seed.sql"),
        "allow.paths"
    );
    let hr: Vec<u64> = findings
        .iter()
        .filter(|f| f["path"] == "./hr/ansatte.txt")
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    // Line 1: employee id + CPR; line 2: Luhn fails; line 3: allow word; line 4: allowed value.
    assert_eq!(hr, [1, 1]);
}

#[test]
fn the_configuration_file_itself_is_skipped_with_a_record() {
    let r = run_in(Some(&mixed()), &["."], b"");
    let skipped: Vec<String> = r
        .of_type("error")
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(skipped, ["./cprscan.toml"]);
}

#[test]
fn allowlisted_fingerprint_needs_and_uses_the_key() {
    // fc7f86d5d07a892c is the fingerprint of cpr 010190-1238 under the key "key"
    // (pinned in src/fingerprint.rs).
    let dir = tree(&[
        (
            "cprscan.toml",
            b"[allow]\nfingerprints = [\"fc7f86d5d07a892c\"]\n",
        ),
        ("a.txt", b"cpr 010190-1238\ncpr 241287-4563\n"),
        ("key", b"key\n"),
    ]);
    let r = run_in(Some(dir.path()), &["--key-file", "key", "a.txt"], b"");
    let lines: Vec<u64> = r
        .of_type("finding")
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2]);
    let r = run_in(Some(dir.path()), &["a.txt"], b"");
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("allow.fingerprints"), "{}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "nothing is scanned on a configuration error"
    );
}

#[test]
fn invalid_configuration_names_file_line_and_key_and_scans_nothing() {
    let dir = tree(&[
        (
            "cprscan.toml",
            b"[[rule]]\nid = \"emp\"\nregex = 'EMP-(\\d+'\n",
        ),
        ("a.txt", b"cpr 241287-4563\n"),
    ]);
    let r = run_in(Some(dir.path()), &["a.txt"], b"");
    assert_eq!(r.status, 2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("cprscan.toml:3: rule[0].regex:"),
        "{}",
        r.stderr
    );
}

#[test]
fn rules_check_passes_on_the_shipped_and_tested_rules() {
    let r = rules_check(&mixed(), &[]);
    assert_eq!(r.status, 0, "{}", r.stdout);
    assert!(r.stdout.contains("ok    employee-id"), "{}", r.stdout);
    assert!(r.stdout.contains("ok    cpr "), "{}", r.stdout);
    let empty = tree(&[]);
    let r = rules_check(empty.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stdout);
}

#[test]
fn rules_check_fails_on_a_broken_example_with_a_readable_list() {
    let dir = tree(&[(
        "team.toml",
        b"[[rule]]\nid = \"emp\"\nregex = '\\bEMP-\\d{6}\\b'\n\
          examples = [\"EMP-12345\"]\ncounter_examples = [\"x EMP-999999 y\"]\n",
    )]);
    let r = rules_check(dir.path(), &["--config", "team.toml"]);
    assert_eq!(r.status, 1, "{}", r.stdout);
    assert!(r.stdout.contains("FAIL  emp"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("team.toml:4: example \"EMP-12345\" is not found"),
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("counter-example \"x EMP-999999 y\" is found"));
    assert!(r.stdout.contains("1 failed"));
}

#[test]
fn rules_check_reports_a_configuration_error_with_exit_2() {
    let dir = tree(&[("cprscan.toml", b"[kind.cpf]\nenabled = true\n")]);
    let r = rules_check(dir.path(), &[]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("kind.cpf"), "{}", r.stderr);
}

#[test]
fn documented_example_configuration_passes_its_own_check() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = rules_check(root, &["--config", "cprscan.example.toml"]);
    assert_eq!(r.status, 0, "{}", r.stdout);
    assert!(r.stdout.contains("ok    employee-id"), "{}", r.stdout);
}

#[test]
fn kinds_lists_the_user_rules_of_the_configuration_in_effect() {
    let r = run_cmd(bin_plain(), Some(&mixed()), &["kinds"], b"");
    assert_eq!(r.status, 0, "{}", r.stderr);
    let last = r.stdout.lines().last().unwrap();
    assert!(
        last.starts_with("employee-id") && last.contains("custom"),
        "{last}"
    );
}
