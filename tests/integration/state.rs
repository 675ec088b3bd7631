//! `--state FILE`: incremental rescans, resume, statuses and changes, `cprscan diff`, and a
//! state file that holds no raw value. Files are backdated an hour after they are written:
//! the state never trusts the metadata of a file modified within the last seconds.

use std::path::Path;
use std::process::Stdio;

use crate::util::{
    backdate, backdate_all, bin, bin_plain, generated_cpr, run_cmd, run_in, tree, Run,
};

/// Replaces `file`'s content and puts its modification time back: only a re-read can see the
/// new content.
fn rewrite_keeping_mtime(file: &Path, content: impl AsRef<[u8]>) {
    let mtime = std::fs::metadata(file).unwrap().modified().unwrap();
    std::fs::write(file, content).unwrap();
    std::fs::File::options()
        .write(true)
        .open(file)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
}

/// Two generated numbers of the same length whose masks differ (different birth dates).
fn numbers() -> (String, String) {
    (
        generated_cpr("010190", "123"),
        generated_cpr("020385", "456"),
    )
}

fn dashed(cpr: &str) -> String {
    format!("{}-{}", &cpr[..6], &cpr[6..])
}

/// A tree `t/` with `a.txt` holding `cpr` and `b.txt` without findings, backdated, in a
/// temporary directory that also holds the state file.
fn share(cpr: &str) -> tempfile::TempDir {
    let a = format!("cpr: {}\n", dashed(cpr));
    let dir = tree(&[("t/a.txt", a.as_bytes()), ("t/b.txt", b"nothing here\n")]);
    backdate_all(&dir.path().join("t"));
    dir
}

fn scan(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["--state", "state.db"];
    args.extend_from_slice(extra);
    args.push("t");
    run_in(Some(dir), &args, b"")
}

fn findings(run: &Run) -> Vec<serde_json::Value> {
    run.of_type("finding")
}

/// `(files read, files from the state)` of a run's summary.
fn read_and_cached(run: &Run) -> (u64, u64) {
    let s = run.summary();
    (s["files"].as_u64().unwrap(), s["cached"].as_u64().unwrap())
}

#[test]
fn state_first_scan_marks_every_finding_new_and_counts_changes() {
    let (a, _) = numbers();
    let dir = share(&a);
    let run = scan(dir.path(), &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let f = findings(&run);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["status"], "new");
    assert!(f[0].get("cached").is_none());
    let s = run.summary();
    assert_eq!(s["scan"], 1);
    assert_eq!(s["changes"]["new"], 1);
    assert_eq!(s["changes"]["resolved"], 0);
    assert_eq!(read_and_cached(&run), (2, 0));
}

#[test]
fn state_unchanged_files_are_not_read_so_new_bytes_behind_the_same_size_and_mtime_stay_unseen() {
    let (a, b) = numbers();
    let dir = share(&a);
    let first = scan(dir.path(), &[]);
    let fresh = findings(&first)[0].clone();
    // Same size, same inode, same modification time, another number: only reading the file
    // would show it.
    let file = dir.path().join("t/a.txt");
    rewrite_keeping_mtime(&file, format!("cpr: {}\n", dashed(&b)));
    let second = scan(dir.path(), &[]);
    assert_eq!(second.status, 1, "the cached finding still fails the run");
    assert_eq!(read_and_cached(&second), (0, 2));
    let f = findings(&second);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["cached"], true);
    assert_eq!(f[0]["status"], "unchanged");
    // Otherwise the very record a fresh scan printed.
    let mut replayed = f[0].clone();
    let obj = replayed.as_object_mut().unwrap();
    obj.remove("cached");
    obj.remove("status");
    let mut expected = fresh.clone();
    expected.as_object_mut().unwrap().remove("status");
    assert_eq!(replayed, expected);
    assert_eq!(second.summary()["findings"]["cpr"], 1);
    assert_eq!(second.summary()["changes"]["unchanged"], 1);
}

#[test]
fn state_modified_file_is_read_again_and_its_findings_are_new_and_resolved() {
    let (a, b) = numbers();
    let dir = share(&a);
    scan(dir.path(), &[]);
    let file = dir.path().join("t/a.txt");
    std::fs::write(&file, format!("cpr: {}\n", dashed(&b))).unwrap();
    backdate(&file, 1800);
    let run = scan(dir.path(), &[]);
    assert_eq!(read_and_cached(&run), (1, 1));
    let f = findings(&run);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["match"], format!("{}-****", &b[..6]));
    assert_eq!(f[0]["status"], "new");
    let changes = &run.summary()["changes"];
    assert_eq!(
        (changes["new"].as_u64(), changes["resolved"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn state_added_and_deleted_files_give_new_and_resolved_findings() {
    let (a, b) = numbers();
    let dir = share(&a);
    scan(dir.path(), &[]);
    std::fs::remove_file(dir.path().join("t/a.txt")).unwrap();
    let added = dir.path().join("t/c.txt");
    std::fs::write(&added, format!("cpr {}\n", dashed(&b))).unwrap();
    backdate(&added, 3600);
    let run = scan(dir.path(), &[]);
    assert_eq!(read_and_cached(&run), (1, 1));
    let f = findings(&run);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["path"], "t/c.txt");
    assert_eq!(f[0]["status"], "new");
    assert_eq!(run.summary()["changes"]["resolved"], 1);
}

#[test]
fn state_renamed_file_is_moved_not_resolved_and_new_and_is_not_read_again() {
    let (a, _) = numbers();
    let dir = share(&a);
    scan(dir.path(), &[]);
    std::fs::rename(dir.path().join("t/a.txt"), dir.path().join("t/moved.txt")).unwrap();
    let run = scan(dir.path(), &[]);
    assert_eq!(
        read_and_cached(&run),
        (0, 2),
        "same inode, size and mtime: not read"
    );
    let f = findings(&run);
    assert_eq!(f[0]["path"], "t/moved.txt");
    assert_eq!(f[0]["status"], "moved");
    assert_eq!(f[0]["moved_from"], "t/a.txt");
    let changes = &run.summary()["changes"];
    assert_eq!(
        (
            changes["new"].as_u64(),
            changes["moved"].as_u64(),
            changes["resolved"].as_u64()
        ),
        (Some(0), Some(1), Some(0))
    );
    // The new path is recorded: next time the finding is simply unchanged there.
    let next = scan(dir.path(), &[]);
    assert_eq!(findings(&next)[0]["status"], "unchanged");
    assert_eq!(next.summary()["changes"]["resolved"], 0);
}

#[test]
fn state_copied_file_is_read_and_its_findings_are_new_while_the_original_stays_unchanged() {
    let (a, _) = numbers();
    let dir = share(&a);
    scan(dir.path(), &[]);
    let copy = dir.path().join("t/copy.txt");
    std::fs::copy(dir.path().join("t/a.txt"), &copy).unwrap();
    backdate(&copy, 600);
    let run = scan(dir.path(), &[]);
    assert_eq!(read_and_cached(&run), (1, 2));
    let mut statuses: Vec<_> = findings(&run)
        .iter()
        .map(|f| (f["path"].as_str().unwrap().to_string(), f["status"].clone()))
        .collect();
    statuses.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(
        statuses,
        vec![
            ("t/a.txt".to_string(), serde_json::json!("unchanged")),
            ("t/copy.txt".to_string(), serde_json::json!("new")),
        ]
    );
}

#[test]
fn state_recheck_findings_reads_files_with_findings_again_to_confirm_a_cleanup() {
    let (a, _) = numbers();
    let dir = share(&a);
    scan(dir.path(), &[]);
    // Cleaned up behind the same size and mtime: only a re-read can tell.
    let file = dir.path().join("t/a.txt");
    let len = std::fs::metadata(&file).unwrap().len() as usize;
    rewrite_keeping_mtime(&file, "x".repeat(len - 1) + "\n");
    let run = scan(dir.path(), &["--recheck-findings"]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(
        read_and_cached(&run),
        (1, 1),
        "only the file with findings is read"
    );
    assert!(findings(&run).is_empty());
    assert_eq!(run.summary()["changes"]["resolved"], 1);
}

#[test]
fn state_full_reads_every_file_and_still_updates_the_state() {
    let (a, _) = numbers();
    let dir = share(&a);
    scan(dir.path(), &[]);
    let full = scan(dir.path(), &["--full"]);
    assert_eq!(read_and_cached(&full), (2, 0));
    assert_eq!(findings(&full)[0]["status"], "unchanged");
    let after = scan(dir.path(), &[]);
    assert_eq!(read_and_cached(&after), (0, 2));
    assert_eq!(after.summary()["scan"], 3);
}

#[test]
fn state_other_settings_read_every_file_again_because_findings_depend_on_them() {
    let (a, _) = numbers();
    let dir = share(&a);
    scan(dir.path(), &[]);
    let run = scan(dir.path(), &["--min-confidence", "low"]);
    assert_eq!(read_and_cached(&run), (2, 0));
}

#[test]
fn state_show_values_reads_files_with_findings_again_because_the_state_has_no_raw_value() {
    let (a, _) = numbers();
    let dir = share(&a);
    scan(dir.path(), &[]);
    let run = scan(dir.path(), &["--show-values"]);
    assert_eq!(read_and_cached(&run), (1, 1));
    assert_eq!(findings(&run)[0]["match"], dashed(&a));
}

#[test]
fn state_file_holds_no_raw_value_with_or_without_a_key() {
    let (a, b) = numbers();
    let text = format!("cpr {}\nkunde {a}\ncpr {}\n", dashed(&a), dashed(&b));
    let dir = tree(&[("t/x.txt", text.as_bytes())]);
    backdate_all(&dir.path().join("t"));
    scan(dir.path(), &["--min-confidence", "low"]);
    let keyed = run_cmd(
        {
            let mut c = bin();
            c.env("CPRSCAN_KEY", "test-key");
            c
        },
        Some(dir.path()),
        &["--state", "state.db", "--full", "t"],
        b"",
    );
    assert_eq!(findings(&keyed).len(), 2);
    assert!(findings(&keyed)[0]["fingerprint"].is_string());
    let mut masked_seen = false;
    for name in ["state.db", "state.db-wal"] {
        let Ok(bytes) = std::fs::read(dir.path().join(name)) else {
            continue;
        };
        let bytes = String::from_utf8_lossy(&bytes);
        masked_seen |= bytes.contains(&format!("{}-****", &a[..6]));
        for raw in [&a, &b] {
            assert!(!bytes.contains(raw.as_str()), "{name} holds a raw number");
            assert!(!bytes.contains(&dashed(raw)), "{name} holds a raw number");
            assert!(!bytes.contains(&raw[6..]), "{name} holds a serial");
        }
    }
    assert!(
        masked_seen,
        "the findings were written (masked) where this test looked"
    );
}

#[test]
fn state_file_inside_the_scanned_tree_is_skipped_not_scanned() {
    let (a, _) = numbers();
    let dir = share(&a);
    let run = run_in(Some(dir.path()), &["--state", "t/state.db", "t"], b"");
    assert_eq!(run.status, 1, "{}", run.stderr);
    let again = run_in(Some(dir.path()), &["--state", "t/state.db", "t"], b"");
    let skips = again.of_type("error");
    assert!(
        skips
            .iter()
            .all(|e| e["skipped"] == true && e["message"].as_str().unwrap().contains("state file")),
        "{skips:?}"
    );
    assert!(
        again.summary()["skipped_by"]["state-file"]
            .as_u64()
            .unwrap()
            >= 1
    );
}

#[test]
fn state_corrupt_file_is_an_error_naming_it_and_full_moves_it_aside() {
    let (a, _) = numbers();
    let dir = share(&a);
    std::fs::write(dir.path().join("state.db"), b"not a database, not at all").unwrap();
    let run = scan(dir.path(), &[]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("state.db"), "{}", run.stderr);
    assert!(run.stderr.contains("--full"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "nothing is scanned");
    let full = scan(dir.path(), &["--full"]);
    assert_eq!(full.status, 1, "{}", full.stderr);
    assert_eq!(full.summary()["scan"], 1);
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("state.db.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "moved aside, never deleted");
    let kept = std::fs::read(dir.path().join(&aside[0])).unwrap();
    assert_eq!(kept, b"not a database, not at all");
}

#[test]
fn state_of_a_newer_schema_is_refused() {
    let (a, _) = numbers();
    let dir = share(&a);
    scan(dir.path(), &[]);
    // A later cprscan's file: same tables, a higher schema version.
    let status = std::process::Command::new("sqlite3")
        .arg(dir.path().join("state.db"))
        .arg("PRAGMA user_version = 99;")
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("no sqlite3 tool: skipping the newer-schema check");
        return;
    }
    let run = scan(dir.path(), &[]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("newer"), "{}", run.stderr);
}

#[test]
fn state_diff_lists_what_appeared_and_disappeared_between_the_last_two_complete_scans() {
    let (a, b) = numbers();
    let dir = share(&a);
    scan(dir.path(), &[]);
    std::fs::remove_file(dir.path().join("t/a.txt")).unwrap();
    let added = dir.path().join("t/c.txt");
    std::fs::write(&added, format!("cpr {}\n", dashed(&b))).unwrap();
    backdate(&added, 3600);
    scan(dir.path(), &[]);
    let diff = run_cmd(
        bin_plain(),
        Some(dir.path()),
        &["diff", "--state", "state.db"],
        b"",
    );
    assert_eq!(diff.status, 0, "{}", diff.stderr);
    let changes = diff.of_type("change");
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["change"], "new");
    assert_eq!(changes[0]["path"], "t/c.txt");
    assert_eq!(changes[0]["match"], format!("{}-****", &b[..6]));
    assert_eq!(changes[1]["change"], "resolved");
    assert_eq!(changes[1]["path"], "t/a.txt");
    let s = diff.summary();
    assert_eq!(
        (s["new"].as_u64(), s["resolved"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (s["from_scan"].as_u64(), s["to_scan"].as_u64()),
        (Some(1), Some(2))
    );
    let text = run_cmd(
        bin_plain(),
        Some(dir.path()),
        &["diff", "--state", "state.db", "--format", "text"],
        b"",
    );
    assert!(
        text.stdout.contains("t/c.txt:1:5 cpr high"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("[resolved]"), "{}", text.stdout);
    assert!(!text.stdout.contains(&a[6..]) && !text.stdout.contains(&b[6..]));
}

/// Runs `cprscan --state state.db --today … t1 - t2` with stdin kept open, waits (without a
/// clock) until the stream's finding is printed, which proves `t1` was walked before it, then
/// stops it with `signal`: `t2` is never walked.
/// Returns the exit status (-1 for a kill) and the last line printed.
fn interrupted(dir: &Path, signal: &str, cpr: &str) -> (i32, String) {
    use std::io::{BufRead, Write};
    let mut child = bin()
        .args(["--state", "state.db", "t1", "-", "t2"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "cpr {}", dashed(cpr)).unwrap();
    stdin.flush().unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    // Records of t1 may come first (flushed with the stream's); the stream's finding is the
    // sign that t1's walk has ended.
    let stream = lines
        .by_ref()
        .map(Result::unwrap)
        .find(|l| l.contains("\"path\":\"-\""));
    assert!(stream.is_some(), "the stream's finding is printed");
    let killed = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let last = lines.map(Result::unwrap).last().unwrap_or_default();
    drop(stdin);
    (child.wait().unwrap().code().unwrap_or(-1), last)
}

fn two_roots(a: &str, b: &str) -> tempfile::TempDir {
    let (x, y) = (
        format!("cpr {}\n", dashed(a)),
        format!("cpr {}\n", dashed(b)),
    );
    let dir = tree(&[
        ("t1/a.txt", x.as_bytes()),
        ("t1/b.txt", b"nothing\n"),
        ("t2/c.txt", y.as_bytes()),
    ]);
    backdate_all(dir.path());
    dir
}

#[test]
fn state_resume_after_ctrl_c_keeps_what_was_recorded_even_with_full_and_completes_the_scan() {
    let (a, b) = numbers();
    let dir = two_roots(&a, &b);
    let (status, summary) = interrupted(dir.path(), "-INT", &a);
    assert_eq!(status, 130);
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["interrupted"], true);
    assert!(
        summary["changes"].get("resolved").is_none(),
        "what a stopped scan did not visit is not resolved: {summary}"
    );
    let run = run_in(
        Some(dir.path()),
        &["--state", "state.db", "--full", "t1", "t2"],
        b"",
    );
    assert_eq!(run.status, 1, "{}", run.stderr);
    let s = run.summary();
    assert_eq!(s["resumed"], true);
    assert_eq!(
        s["scan"], 1,
        "the interrupted scan goes on under its number"
    );
    // t1 was recorded before the stop: not read again, even with --full; t2 is read.
    assert_eq!(read_and_cached(&run), (1, 2));
    let paths: Vec<_> = findings(&run)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths.len(), 2);
    assert!(paths.contains(&"t1/a.txt".to_string()) && paths.contains(&"t2/c.txt".to_string()));
    // Complete now: the next run is a new scan, with every file unchanged.
    let next = run_in(Some(dir.path()), &["--state", "state.db", "t1", "t2"], b"");
    assert_eq!(next.summary()["scan"], 2);
    assert!(next.summary().get("resumed").is_none());
    assert_eq!(read_and_cached(&next), (0, 3));
}

#[test]
fn state_resume_after_kill_9_finishes_the_scan_with_every_file() {
    let (a, b) = numbers();
    let dir = two_roots(&a, &b);
    assert_eq!(interrupted(dir.path(), "-KILL", &a).0, -1);
    let run = run_in(Some(dir.path()), &["--state", "state.db", "t1", "t2"], b"");
    assert_eq!(run.status, 1, "{}", run.stderr);
    let s = run.summary();
    assert_eq!(s["resumed"], true);
    let (read, cached) = read_and_cached(&run);
    assert_eq!(
        read + cached,
        3,
        "every file, read or recorded before the kill"
    );
    assert_eq!(findings(&run).len(), 2);
}

#[test]
fn state_options_the_state_cannot_serve_are_refused() {
    let (a, _) = numbers();
    let dir = share(&a);
    let run = scan(dir.path(), &["--format", "sarif"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("sarif"), "{}", run.stderr);
    let run = run_in(Some(dir.path()), &["--full", "t"], b"");
    assert_eq!(run.status, 2, "--full needs --state");
}

#[test]
fn state_text_format_marks_cached_findings_and_summarises_changes() {
    let (a, _) = numbers();
    let dir = share(&a);
    scan(dir.path(), &[]);
    let run = scan(dir.path(), &["--format", "text"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stdout.contains("t/a.txt:1:6 cpr high"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("[cached]"), "{}", run.stdout);
    assert!(run.stderr.contains("state: scan 2"), "{}", run.stderr);
}

#[test]
fn state_store_gives_reports_the_scans_the_last_findings_and_the_expected_totals() {
    let (a, b) = numbers();
    let dir = share(&a);
    scan(dir.path(), &[]);
    let added = dir.path().join("t/c.txt");
    std::fs::write(&added, format!("cpr {}\n", dashed(&b))).unwrap();
    backdate(&added, 3600);
    scan(dir.path(), &[]);
    let store = cprscan::state::Store::open_read_only(&dir.path().join("state.db")).unwrap();
    let scans = store.scans().unwrap();
    assert_eq!(scans.len(), 2);
    assert!(scans.iter().all(|s| s.complete));
    assert_eq!((scans[1].files, scans[1].cached), (1, 2));
    assert_eq!(scans[1].new, 1);
    assert_eq!(scans[1].findings, vec![("cpr".to_string(), [0, 0, 2])]);
    let last = store.last_scan_findings().unwrap();
    let by_path: Vec<_> = last
        .iter()
        .map(|r| (r.path.as_str(), r.status, r.finding.masked.clone()))
        .collect();
    use cprscan::state::Status;
    assert_eq!(
        by_path,
        vec![
            ("t/a.txt", Status::Unchanged, format!("{}-****", &a[..6])),
            ("t/c.txt", Status::New, format!("{}-****", &b[..6])),
        ]
    );
    let size = |n: &str| {
        std::fs::metadata(dir.path().join("t").join(n))
            .unwrap()
            .len()
    };
    assert_eq!(
        store.expected_totals().unwrap(),
        Some((3, size("a.txt") + size("b.txt") + size("c.txt")))
    );
}

#[test]
fn state_hash_reads_a_file_whose_content_changed_behind_the_same_size_and_mtime() {
    let (a, b) = numbers();
    let dir = share(&a);
    scan(dir.path(), &["--state-hash"]);
    let file = dir.path().join("t/a.txt");
    rewrite_keeping_mtime(&file, format!("cpr: {}\n", dashed(&b)));
    let run = scan(dir.path(), &["--state-hash"]);
    assert_eq!(read_and_cached(&run), (1, 1));
    assert_eq!(findings(&run)[0]["match"], format!("{}-****", &b[..6]));
}

#[test]
fn state_a_file_skipped_this_time_is_not_called_resolved_because_it_was_not_looked_at() {
    let (a, _) = numbers();
    let dir = share(&a);
    scan(dir.path(), &[]);
    let run = scan(dir.path(), &["--max-filesize", "5"]);
    assert!(findings(&run).is_empty());
    assert_eq!(run.summary()["changes"]["resolved"], 0);
}

#[test]
fn state_baseline_still_accepts_cached_findings_by_their_kept_fingerprint() {
    let (a, _) = numbers();
    let dir = share(&a);
    let keyed = |args: &[&str]| {
        let mut c = bin();
        c.env("CPRSCAN_KEY", "test-key");
        run_cmd(c, Some(dir.path()), args, b"")
    };
    let mut write = bin_plain();
    write.env("CPRSCAN_KEY", "test-key");
    let baseline = run_cmd(
        write,
        Some(dir.path()),
        &["baseline", "write", "--today", crate::util::TODAY, "t"],
        b"",
    );
    assert_eq!(baseline.status, 0, "{}", baseline.stderr);
    std::fs::write(dir.path().join("baseline.json"), &baseline.stdout).unwrap();
    let args = ["--state", "state.db", "--baseline", "baseline.json", "t"];
    let first = keyed(&args);
    assert_eq!(first.status, 0, "{}", first.stdout);
    let again = keyed(&args);
    assert_eq!(again.status, 0, "{}", again.stdout);
    assert_eq!(read_and_cached(&again), (0, 2));
    assert_eq!(again.summary()["suppressed"], 1);
    assert!(findings(&again).is_empty());
    assert!(!again.stderr.contains("stale"), "{}", again.stderr);
    // Without the baseline the cached finding is reported again.
    let plain = keyed(&["--state", "state.db", "t"]);
    assert_eq!(plain.status, 1);
    assert_eq!(findings(&plain)[0]["cached"], true);
}
