//! The command line as a user meets it: trees, pipes, exit codes, error records, formats.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::Duration;

use crate::util::{self, run, run_in, tree};

/// Raw values planted in testdata/share (generated numbers). None may appear in output unless
/// --show-values is given.
const PLANTED_RAW: &[&str] = &["010190-1238", "2412874563", "311299-9875", "070707 0706"];

fn findings_by_path(r: &util::Run) -> BTreeSet<(String, u64, u64, String)> {
    r.of_type("finding")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["confidence"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn directory_tree_reports_every_file_including_hidden_ones() {
    let r = run(&["--kinds", "cpr", "testdata/share"]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    let got = findings_by_path(&r);
    let want: BTreeSet<_> = [
        ("testdata/share/.backup/old.txt", 1, 27, "high"),
        ("testdata/share/hr/medarbejdere.csv", 2, 13, "high"),
        // Plain digits, raised by the file's `cpr` header (column-aware CSV).
        ("testdata/share/hr/medarbejdere.csv", 3, 11, "high"),
        ("testdata/share/logs/app.log", 2, 38, "high"),
    ]
    .iter()
    .map(|(p, l, c, conf)| (p.to_string(), *l, *c, conf.to_string()))
    .collect();
    assert_eq!(got, want);
    let s = r.summary();
    assert_eq!(s["files"], 4);
    assert_eq!(s["findings"]["cpr"], 4);
    assert_eq!(s["errors"], 0);
}

#[test]
fn findings_of_one_file_come_together_in_offset_order() {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..40 {
        let body = "cpr 010190-1238\n".repeat(50);
        files.push((format!("d{}/f{i}.txt", i % 4), body.into_bytes()));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let dir = tree(&refs);
    let r = run_in(Some(dir.path()), &["--threads", "4", "."], b"");
    let mut seen_done = BTreeSet::new();
    let mut current: Option<String> = None;
    let mut last_offset = 0;
    for f in r.of_type("finding") {
        let p = f["path"].as_str().unwrap().to_string();
        let off = f["offset"].as_u64().unwrap();
        if current.as_ref() != Some(&p) {
            assert!(!seen_done.contains(&p), "{p} interleaved with another file");
            if let Some(prev) = current.replace(p.clone()) {
                seen_done.insert(prev);
            }
        } else {
            assert!(off > last_offset, "offset order in {p}");
        }
        last_offset = off;
    }
    assert_eq!(r.summary()["findings"]["cpr"], 2000);
}

#[test]
fn version_control_internals_are_skipped_but_hidden_dirs_are_not() {
    let dir = tree(&[
        (".git/config", b"cpr 010190-1238\n"),
        (".svn/x", b"cpr 010190-1238\n"),
        (".cache/y", b"cpr 010190-1238\n"),
    ]);
    let r = run_in(Some(dir.path()), &["."], b"");
    let paths: Vec<String> = r
        .of_type("finding")
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, ["./.cache/y"]);
}

#[test]
fn stdin_number_split_across_two_writes_is_found_once() {
    let mut child = util::bin()
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(b"log line cpr 010190-12").unwrap();
    input.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    input.write_all(b"38 end\n").unwrap();
    drop(input);
    let r = util::Run::from_output(child.wait_with_output().unwrap());
    let f = r.of_type("finding");
    assert_eq!(f.len(), 1, "{}", r.stdout);
    assert_eq!(f[0]["offset"], 13);
    assert_eq!(f[0]["path"], "-");
    assert_eq!(r.status, 1);
}

#[test]
fn stdin_line_is_reported_while_the_stream_is_still_open() {
    let (mut child, mut input, stdout) = util::spawn_on_open_stdin();
    input.write_all(b"cpr 010190-1238\n").unwrap();
    input.flush().unwrap();
    let line = util::first_line_before_eof(stdout);
    assert!(line.contains("\"type\":\"finding\""), "{line}");
    drop(input);
    child.wait().unwrap();
}

#[test]
fn exit_status_is_0_clean_1_findings_2_errors_and_2_wins() {
    assert_eq!(run(&["testdata/clean.txt"]).status, 0);
    assert_eq!(run(&["testdata/share/hr"]).status, 1);
    assert_eq!(run(&["testdata/no-such-file"]).status, 2);
    assert_eq!(
        run(&["testdata/share/hr", "testdata/no-such-file"]).status,
        2
    );
    assert_eq!(run(&["--no-such-flag"]).status, 2);
    assert_eq!(run(&["--min-confidence", "sure", "."]).status, 2);
}

#[test]
fn missing_path_gives_an_error_record_and_the_scan_goes_on() {
    let r = run(&["testdata/no-such-file", "testdata/share/hr"]);
    let errors = r.of_type("error");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["path"], "testdata/no-such-file");
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("No such file"));
    assert_eq!(r.of_type("finding").len(), 2);
    assert_eq!(r.summary()["errors"], 1);
}

#[cfg(unix)]
#[test]
fn fifo_met_during_a_walk_is_skipped_with_a_record_never_opened() {
    let dir = tree(&[("a.txt", b"cpr 010190-1238\n")]);
    let fifo = dir.path().join("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    // If cprscan opened the FIFO it would block forever (no writer): the test would hang.
    let r = run_in(Some(dir.path()), &["."], b"");
    let errors = r.of_type("error");
    assert_eq!(errors.len(), 1, "{}", r.stdout);
    assert_eq!(errors[0]["path"], "./pipe");
    assert_eq!(errors[0]["skipped"], true);
    assert!(errors[0]["message"].as_str().unwrap().contains("FIFO"));
    assert_eq!(r.summary()["skipped"], 1);
    assert_eq!(r.status, 1, "a skip is not an error; the finding sets 1");
}

#[cfg(unix)]
#[test]
fn symlink_loop_with_follow_is_reported_and_the_scan_completes() {
    let dir = tree(&[("sub/f.txt", b"cpr 010190-1238\n")]);
    std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
    let r = run_in(Some(dir.path()), &["--follow", "."], b"");
    let errors = r.of_type("error");
    assert!(
        errors
            .iter()
            .any(|e| e["message"].as_str().unwrap().contains("loop")),
        "{}",
        r.stdout
    );
    assert_eq!(r.of_type("finding").len(), 1);
    assert_eq!(r.status, 2);
}

#[test]
fn no_raw_value_appears_without_show_values() {
    for format in ["jsonl", "text"] {
        let r = run(&["--min-confidence", "low", "--format", format, "testdata"]);
        for raw in PLANTED_RAW {
            assert!(!r.stdout.contains(raw), "{format}: {raw} leaked");
            assert!(!r.stderr.contains(raw), "{format}: {raw} leaked on stderr");
        }
        assert!(
            r.stdout.contains("010190-****"),
            "{format}: masked value shown"
        );
    }
}

#[test]
fn show_values_prints_raw_values() {
    let r = run(&["--show-values", "testdata/share/hr"]);
    assert!(
        r.stdout.contains("\"match\":\"010190-1238\""),
        "{}",
        r.stdout
    );
}

#[test]
fn text_format_is_one_line_per_finding_and_messages_go_to_stderr() {
    let r = run(&["--format", "text", "testdata/share/hr", "testdata/missing"]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines.contains(
        &"testdata/share/hr/medarbejdere.csv:2:13 cpr high 010190-**** \
          date,mod11,separator,column:cpr"
    ));
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(r.stderr.contains("testdata/missing"), "{}", r.stderr);
    assert!(!r.stdout.contains('\x1b'), "no colour when not a terminal");
}

#[test]
fn min_confidence_low_adds_low_findings() {
    let medium = run(&["testdata/share/logs"]).of_type("finding").len();
    let low = run(&["--min-confidence", "low", "testdata/share/logs"])
        .of_type("finding")
        .len();
    assert_eq!((medium, low), (1, 2));
    // The `cpr` column makes both valid numbers of the CSV file high; the third fails mod 11.
    let high = run(&["--min-confidence", "high", "testdata/share/hr"]);
    assert_eq!(high.of_type("finding").len(), 2);
    // Read as a stream it has no header to go by: only the dashed number is high.
    let csv = std::fs::read(util::testdata("share/hr/medarbejdere.csv")).unwrap();
    let stream = run_in(None, &["--min-confidence", "high", "-"], &csv);
    assert_eq!(stream.of_type("finding").len(), 1);
}

#[test]
fn exclude_globs_match_names_and_relative_paths() {
    let r = run(&[
        "--kinds",
        "cpr",
        "--exclude",
        "*.csv",
        "--exclude",
        "logs/",
        "testdata/share",
    ]);
    let paths: BTreeSet<String> = r
        .of_type("finding")
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        paths,
        BTreeSet::from(["testdata/share/.backup/old.txt".to_string()])
    );
}

#[test]
fn max_filesize_skips_larger_files_with_a_record() {
    let dir = tree(&[
        ("big.txt", &[b'x'; 2048]),
        ("small.txt", b"cpr 010190-1238\n"),
    ]);
    let r = run_in(Some(dir.path()), &["--max-filesize", "1K", "."], b"");
    let errors = r.of_type("error");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["path"], "./big.txt");
    assert_eq!(errors[0]["skipped"], true);
    assert_eq!(r.of_type("finding").len(), 1);
    assert_eq!(r.status, 1);
}

#[test]
fn gitignore_is_honoured_only_on_request() {
    let dir = tree(&[
        (".gitignore", b"ignored/\n"),
        ("ignored/x.txt", b"cpr 010190-1238\n"),
        ("kept.txt", b"cpr 010190-1238\n"),
    ]);
    let all = run_in(Some(dir.path()), &["."], b"");
    assert_eq!(all.of_type("finding").len(), 2);
    let honoured = run_in(Some(dir.path()), &["--gitignore", "."], b"");
    assert_eq!(honoured.of_type("finding").len(), 1);
}

#[test]
fn crlf_lines_count_lines_and_byte_columns() {
    let r = run_in(None, &["-"], b"a\r\nb\r\ncpr: 010190-1238\r\n");
    let f = &r.of_type("finding")[0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(6))
    );
    assert_eq!(f["offset"], 11);
}

#[test]
fn no_path_reads_stdin_when_it_is_not_a_terminal() {
    let r = run_in(None, &[], b"cpr 010190-1238\n");
    assert_eq!(r.of_type("finding").len(), 1);
    assert_eq!(r.of_type("finding")[0]["path"], "-");
}

#[test]
fn summary_is_the_last_line_with_counts() {
    let r = run(&["testdata/share/hr", "testdata/clean.txt"]);
    let s = r.summary();
    assert_eq!(s["files"], 2);
    assert_eq!(s["findings"]["cpr"], 2);
    assert!(s["bytes"].as_u64().unwrap() > 0);
    assert!(s["elapsed_ms"].is_u64());
}

#[test]
fn help_shows_examples_for_share_pipe_and_ci() {
    let r = run(&["--help"]);
    assert_eq!(r.status, 0);
    for needle in ["/mnt/share", "tail -f", "CI", "--show-values"] {
        assert!(r.stdout.contains(needle), "help mentions {needle}");
    }
}

#[test]
fn fingerprints_are_stable_across_files_and_runs_and_need_a_key() {
    let dir = tree(&[
        ("a.txt", b"cpr 010190-1238\n"),
        ("b.csv", b"navn;0101901238;x\n"),
        ("key", b"team secret\n"),
    ]);
    let fps = |r: &util::Run| -> Vec<String> {
        r.of_type("finding")
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    let args = ["--key-file", "key", "a.txt", "b.csv"];
    let first = fps(&run_in(Some(dir.path()), &args, b""));
    let second = fps(&run_in(Some(dir.path()), &args, b""));
    assert_eq!(first.len(), 2);
    assert_eq!(first[0], first[1], "same value in two files");
    assert_eq!(first, second, "same across runs");
    assert!(!first[0].contains("1238"));
    let unkeyed = run_in(Some(dir.path()), &["a.txt"], b"");
    assert!(unkeyed.of_type("finding")[0].get("fingerprint").is_none());
}

#[test]
fn context_snippets_mask_every_span_on_the_line() {
    let input = b"navn Jens, cpr 010190-1238; mail jens@example.dk; 2412874563\nnext 311299-9875\n";
    let r = run_in(None, &["--context", "60", "-"], input);
    let findings = r.of_type("finding");
    assert!(findings.len() >= 3, "{}", r.stdout);
    for f in &findings {
        let ctx = f["context"].as_str().expect("context field");
        for raw in ["010190-1238", "1238;", "jens@", "2412874563", "9875"] {
            assert!(!ctx.contains(raw), "{raw} leaked in {ctx}");
        }
    }
    assert!(findings[0]["context"]
        .as_str()
        .unwrap()
        .contains("cpr 010190-****"));
    let plain = run_in(None, &["-"], input);
    assert!(plain.of_type("finding")[0].get("context").is_none());
}

#[cfg(unix)]
#[test]
fn sigterm_on_an_open_stream_flushes_whole_lines_and_a_summary_marked_interrupted() {
    let (mut child, mut input, stdout) = util::spawn_on_open_stdin();
    input.write_all(b"cpr 010190-1238\n").unwrap();
    input.flush().unwrap();
    let mut stdout = BufReader::new(stdout);
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("\"type\":\"finding\""), "{first}");
    // The stream is still open: cprscan is blocked reading it when the signal comes.
    let pid = child.id() as i32;
    // SAFETY: sends a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let status = child.wait().unwrap();
    drop(input);
    assert_eq!(status.code(), Some(130));
    let lines: Vec<&str> = rest.lines().collect();
    assert_eq!(lines.len(), 1, "{rest}");
    let summary: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["interrupted"], true);
    assert_eq!(summary["findings"]["cpr"], 1);
}

#[test]
fn summary_has_no_interrupted_field_when_the_scan_completes() {
    let r = run(&["testdata/clean.txt"]);
    assert!(r.summary().get("interrupted").is_none(), "{}", r.stdout);
}
