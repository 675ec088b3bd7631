//! No raw value anywhere: every output of every mode (records in each format, database row
//! keys, messages, the summary, baselines, redacted copies, findings files, error records, a
//! panic, with logging asked for through `RUST_LOG`) holds none of the planted numbers in any
//! written form, unless `--show-values` asks for them.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use crate::util::{self, bin_plain, generated_cpr, run_cmd, tree, written_forms, Run};

/// The generated numbers planted in the inputs below.
fn planted() -> Vec<String> {
    vec![
        generated_cpr("150385", "123"),
        generated_cpr("020467", "245"),
        generated_cpr("301172", "318"),
        generated_cpr("090993", "207"),
        generated_cpr("240858", "131"),
        generated_cpr("120101", "100"),
    ]
}

/// A tree holding every planted number, in every written form, in files a share might hold;
/// `key` (a fingerprint key) sits beside `data/`, the scanned part.
fn planted_tree() -> tempfile::TempDir {
    let [a, b, c, d, e, _]: [String; 6] = planted().try_into().unwrap();
    let [a_compact, a_dash, a_space] = written_forms(&a);
    let [b_compact, _, _] = written_forms(&b);
    let [_, c_dash, c_space] = written_forms(&c);
    let [d_compact, _, _] = written_forms(&d);
    let [_, _, e_space] = written_forms(&e);
    let log = format!(
        "2026-11-23 INFO login cpr {a_dash} ok\n\
         2026-11-23 WARN retry personnummer {c_space}\n\
         cpr {a_dash} blev registreret i systemet af sagsbehandleren i dag kl. 10.00 ordre \
         {d_compact}\n"
    );
    // On that last line the first number is high and the second low (an order word next to
    // it, none near the first): with --context the high one's snippet reaches the low one,
    // which is masked there even when it is not reported itself.
    let csv = format!("navn;cpr\nJens;{b_compact}\nAnna;{c_dash}\n");
    let json = format!("{{\"cpr\":\"{a_space}\",\"note\":\"CPR-nr. {e_space}\"}}\n");
    let latin1: Vec<u8> = [&b"f\xf8dselsdato og cpr: "[..], a_compact.as_bytes(), b"\n"].concat();
    let dir = tree(&[
        ("data/app.log", log.as_bytes()),
        ("data/hr/list.csv", csv.as_bytes()),
        ("data/api/record.json", json.as_bytes()),
        ("data/old/latin1.txt", &latin1),
        ("key", b"a test key, not a secret\n"),
    ]);
    // A database table whose row key is a number itself: records name the row by its key.
    let db = rusqlite::Connection::open(dir.path().join("data/hr/people.sqlite")).unwrap();
    db.execute_batch("CREATE TABLE people (cpr TEXT PRIMARY KEY, notes TEXT)")
        .unwrap();
    db.execute(
        "INSERT INTO people VALUES (?1, 'personnummer ' || ?2)",
        [&b_compact, &e_space],
    )
    .unwrap();
    drop(db);
    dir
}

/// Runs the binary in `dir` with logging turned all the way up, should a log ever be added.
/// Outputs are read as lossy UTF-8: a redacted Latin-1 file stays Latin-1.
fn run_logged(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut cmd = bin_plain();
    cmd.args(args)
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "1")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The raw forms of the planted numbers that `text` holds.
fn leaked(text: &str) -> Vec<String> {
    planted()
        .iter()
        .flat_map(|n| written_forms(n))
        .filter(|form| text.contains(form.as_str()))
        .map(|form| util::mask_numbers(&form))
        .collect()
}

fn assert_no_leak(what: &str, text: &str) {
    let found = leaked(text);
    assert!(found.is_empty(), "{what}: raw values {found:?} in {text}");
}

const T: &str = util::TODAY;

#[test]
fn no_output_of_any_mode_holds_a_raw_planted_number() {
    let dir = planted_tree();
    let d = dir.path();
    let stdin = std::fs::read(d.join("data/app.log")).unwrap();
    let scans: &[&[&str]] = &[
        &["data"],
        &["--min-confidence", "low", "data"],
        &["--format", "text", "--min-confidence", "low", "data"],
        &["--format", "sarif", "--key-file", "key", "data"],
        &["--format", "summary", "data"],
        &["--context", "80", "data"],
        &["--context", "80", "--min-confidence", "low", "data"],
        &["--key-file", "key", "--min-confidence", "low", "data"],
        &["--format", "text", "--context", "80", "-"],
        &["-"],
        // Error and skip records, and a message on stderr in text format.
        &["data", "missing-path"],
        &["--format", "text", "data", "missing-path"],
    ];
    for args in scans {
        let all: Vec<&str> = ["--today", T].iter().chain(args.iter()).copied().collect();
        let r = run_logged(d, &all, &stdin);
        assert!(matches!(r.status, 1 | 2), "{args:?}: {}", r.stderr);
        assert_no_leak(&format!("{args:?} stdout"), &r.stdout);
        assert_no_leak(&format!("{args:?} stderr"), &r.stderr);
        if args == &["data"] {
            // The inputs do reach the output: every file, the database's row key too.
            for path in [
                "app.log",
                "list.csv",
                "record.json",
                "latin1.txt",
                "people.sqlite",
            ] {
                assert!(r.stdout.contains(path), "{path}: {}", r.stdout);
            }
            assert!(r.stdout.contains("\"key\":{\"cpr\":"), "{}", r.stdout);
        }
    }

    // A baseline, and a check against it after one more number turned up: stale entries and
    // new findings alike.
    let write = [
        "baseline",
        "write",
        "--today",
        T,
        "--key-file",
        "key",
        "data",
    ];
    let r = run_logged(d, &write, b"");
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_no_leak("baseline write stdout", &r.stdout);
    assert_no_leak("baseline write stderr", &r.stderr);
    std::fs::write(d.join("baseline.json"), &r.stdout).unwrap();
    let f = written_forms(&planted()[5]);
    std::fs::write(d.join("data/app.log"), format!("cpr {}\n", f[1])).unwrap();
    let check = [
        "--today",
        T,
        "--key-file",
        "key",
        "--baseline",
        "baseline.json",
        "--baseline-stale",
        "warn",
        "data",
    ];
    let r = run_logged(d, &check, b"");
    assert!(r.stderr.contains("stale baseline entry"), "{}", r.stderr);
    assert_no_leak("baseline check stdout", &r.stdout);
    assert_no_leak("baseline check stderr", &r.stderr);

    // Redaction in every style, to stdout and to files.
    let redactions: &[&[&str]] = &[
        &["data/hr/list.csv"],
        &["--style", "remove", "data/api/record.json"],
        &[
            "--style",
            "token",
            "--key-file",
            "key",
            "data/old/latin1.txt",
        ],
        &["--min-confidence", "low", "-"],
        &[
            "--output",
            "clean.csv",
            "--findings",
            "found.jsonl",
            "data/hr/list.csv",
        ],
    ];
    for args in redactions {
        let all: Vec<&str> = ["redact", "--today", T, "--min-confidence", "low"]
            .iter()
            .chain(args.iter())
            .copied()
            .collect();
        let r = run_logged(d, &all, &stdin);
        assert_eq!(r.status, 0, "{args:?}: {}", r.stderr);
        assert_no_leak(&format!("redact {args:?} stdout"), &r.stdout);
        assert_no_leak(&format!("redact {args:?} stderr"), &r.stderr);
    }
    for file in ["clean.csv", "found.jsonl"] {
        let text = std::fs::read_to_string(d.join(file)).unwrap();
        assert!(!text.is_empty(), "{file}");
        assert_no_leak(file, &text);
    }
}

#[test]
fn show_values_prints_every_planted_number_so_the_leak_check_can_see_them() {
    // The check above is only worth something if it would see a raw number: here it must.
    let dir = planted_tree();
    let args = [
        "--today",
        T,
        "--show-values",
        "--min-confidence",
        "low",
        "data",
    ];
    let r = run_logged(dir.path(), &args, b"");
    let seen = leaked(&r.stdout);
    for n in &planted()[..5] {
        assert!(
            seen.iter().any(|s| s.starts_with(&n[..6])),
            "{} not shown: {seen:?}",
            util::mask_numbers(n)
        );
    }
}

#[test]
fn a_panic_reports_its_location_but_never_its_message() {
    // Debug builds (the tests' build) panic on demand with CPRSCAN_DEBUG_PANIC's value as the
    // message; release builds have no such switch.
    if !cfg!(debug_assertions) {
        return;
    }
    let [_, dash, space] = written_forms(&planted()[0]);
    for backtrace in ["0", "1"] {
        let mut cmd = bin_plain();
        cmd.env(
            "CPRSCAN_DEBUG_PANIC",
            format!("input was: cpr {dash}; {space}"),
        )
        .env("RUST_BACKTRACE", backtrace);
        let r = run_cmd(cmd, None, &["-"], b"");
        assert_eq!(r.status, 101, "Rust's panic status");
        assert!(
            r.stderr
                .starts_with("cprscan: internal error at src/run.rs:"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("withheld"), "{}", r.stderr);
        assert!(!r.stderr.contains("input was"), "{}", r.stderr);
        assert_no_leak("panic report", &r.stderr);
        assert_eq!(r.stdout, "");
    }
}

/// A file or folder named after a person's number: the path in every record (a finding, an
/// error, the text format) shows the number masked like a `match`, so the report does not leak
/// through the names it lists; `--show-values` shows the names as they are.
#[test]
fn paths_named_after_a_number_show_it_masked_unless_show_values() {
    let [a, b, c, ..]: [String; 6] = planted().try_into().unwrap();
    let [a_compact, _, _] = written_forms(&a);
    let [_, b_dash, _] = written_forms(&b);
    let [_, c_dash, _] = written_forms(&c);
    let notes = format!("cpr-nr {c_dash}\n");
    let folder = format!("hr/{a_compact}");
    let file = format!("hr/{b_dash} kontrakt.txt");
    let dir = tree(&[
        (format!("{folder}/notes.txt").as_str(), notes.as_bytes()),
        (file.as_str(), b"kunde ok\nemail jens@example.dk\n"),
    ]);
    // A broken symbolic link under the numbered folder gives a skip record naming it.
    #[cfg(unix)]
    std::os::unix::fs::symlink("missing", dir.path().join(&folder).join("gone")).unwrap();
    for format in ["jsonl", "text"] {
        let r = run_logged(dir.path(), &["--today", T, "--format", format, "hr"], b"");
        assert_eq!(r.status, 1, "{}", r.stderr);
        assert_no_leak(format, &format!("{}{}", r.stdout, r.stderr));
        assert!(
            r.stdout.contains(&format!("hr/{}****/notes.txt", &a[..6])),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout
                .contains(&format!("hr/{}-**** kontrakt.txt", &b[..6])),
            "{}",
            r.stdout
        );
    }
    let r = run_logged(dir.path(), &["--today", T, "--show-values", "hr"], b"");
    assert!(
        r.stdout.contains(&format!("{folder}/notes.txt")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(&file), "{}", r.stdout);
}

/// An archive member named after a number (`scans/0101901238.txt` in a zip) is named masked in
/// the `member` field, as a walked path is.
#[test]
fn archive_members_named_after_a_number_show_it_masked() {
    use std::io::Write as _;
    let [_, _, _, d, ..]: [String; 6] = planted().try_into().unwrap();
    let [_, d_dash, _] = written_forms(&d);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        format!("scans/{d}.txt"),
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(format!("cpr-nr {d_dash}\n").as_bytes())
        .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let dir = tree(&[("box/arkiv.zip", bytes.as_slice())]);
    let r = run_logged(dir.path(), &["--today", T, "box"], b"");
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert_no_leak("member", &r.stdout);
    let want = format!("\"member\":\"scans/{}****.txt\"", &d[..6]);
    assert!(r.stdout.contains(&want), "{}", r.stdout);
}
