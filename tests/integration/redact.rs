//! `cprscan redact` as an SRE meets it: a filter in a log pipe that changes only what it finds.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use crate::util::{bin_plain, run_cmd, testdata, tree, TODAY};

fn redact(args: &[&str], stdin: &[u8]) -> crate::util::Run {
    let mut cmd = bin_plain();
    cmd.args(["redact", "--today", TODAY, "--no-config"]);
    run_cmd(cmd, None, args, stdin)
}

/// Runs `cprscan redact` on `stdin`: exit status, raw stdout (not always UTF-8), stderr.
fn redact_bytes(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let mut child = bin_plain()
        .args(["redact", "--today", TODAY, "--no-config"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || input.write_all(&data));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Log lines with every default kind, CRLF and a byte that is not UTF-8.
fn logs() -> Vec<u8> {
    let mut text = Vec::new();
    for f in [
        "share/logs/app.log",
        "share/hr/medarbejdere.csv",
        "mixed/crm/kunder.csv",
    ] {
        text.extend(std::fs::read(testdata(f)).unwrap());
    }
    text.extend_from_slice(b"crlf cpr 241287-4563\r\nlatin1 \xf8 cpr 311299-9875\n");
    text
}

#[test]
fn output_differs_from_input_only_inside_the_reported_spans() {
    let dir = tree(&[]);
    let findings = dir.path().join("findings.jsonl");
    let input = logs();
    let (status, stdout, stderr) =
        redact_bytes(&["--findings", findings.to_str().unwrap(), "-"], &input);
    assert_eq!(status, 0, "{stderr}");
    // Rebuild the output from the input and the findings: each span becomes its mask.
    let mut expect = Vec::new();
    let mut pos = 0;
    let text = std::fs::read_to_string(&findings).unwrap();
    assert!(text.lines().count() >= 5, "{text}");
    for line in text.lines() {
        let f: serde_json::Value = serde_json::from_str(line).unwrap();
        let start = f["offset"].as_u64().unwrap() as usize;
        let len = f["length"].as_u64().unwrap() as usize;
        expect.extend_from_slice(&input[pos..start]);
        expect.extend_from_slice(f["match"].as_str().unwrap().as_bytes());
        pos = start + len;
    }
    expect.extend_from_slice(&input[pos..]);
    assert!(stdout == expect, "output is not input with masks");
}

#[test]
fn scanning_the_redacted_stream_finds_nothing() {
    for style in ["mask", "token", "remove"] {
        let dir = tree(&[("key", b"k\n")]);
        let key = dir.path().join("key");
        let (status, stdout, stderr) = redact_bytes(
            &["--style", style, "--key-file", key.to_str().unwrap(), "-"],
            &logs(),
        );
        assert_eq!(status, 0, "{style}: {stderr}");
        let rescan = crate::util::run_in(None, &["--no-config", "-"], &stdout);
        assert_eq!(rescan.status, 0, "{style}: {}", rescan.stdout);
    }
}

#[test]
fn token_style_needs_a_key() {
    let r = redact(&["--style", "token", "-"], b"cpr 241287-4563\n");
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("--key-file"), "{}", r.stderr);
}

#[test]
fn a_line_is_redacted_while_the_stream_is_still_open() {
    let mut child = bin_plain()
        .args(["redact", "--today", TODAY, "--no-config"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(b"login cpr 2412").unwrap();
    input.flush().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    input.write_all(b"87-4563 ok\n").unwrap();
    input.flush().unwrap();
    let line = crate::util::first_line_before_eof(child.stdout.take().unwrap());
    assert_eq!(line, "login cpr 241287-**** ok\n");
    drop(input);
    child.wait().unwrap();
}

#[test]
fn in_place_rewrites_the_file_and_refuses_links_and_read_only_files() {
    let dir = tree(&[("app.log", b"cpr 241287-4563\nplain\n")]);
    let log = dir.path().join("app.log");
    let r = redact(&["--in-place", log.to_str().unwrap()], b"");
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(&log).unwrap(), b"cpr 241287-****\nplain\n");

    let original = b"cpr 311299-9875\n";
    let target = dir.path().join("target.log");
    std::fs::write(&target, original).unwrap();
    #[cfg(unix)]
    {
        let link = dir.path().join("link.log");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let r = redact(&["--in-place", link.to_str().unwrap()], b"");
        assert_eq!(r.status, 2);
        assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
        assert_eq!(std::fs::read(&target).unwrap(), original);
    }
    let mut perms = std::fs::metadata(&target).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&target, perms).unwrap();
    let r = redact(&["--in-place", target.to_str().unwrap()], b"");
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("read-only"), "{}", r.stderr);
    assert_eq!(std::fs::read(&target).unwrap(), original);
    let leftovers = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("redact")
        })
        .count();
    assert_eq!(leftovers, 0, "no temporary file is left behind");
}

#[test]
fn output_option_writes_the_redacted_copy_to_a_file_and_leaves_the_input() {
    let dir = tree(&[("in.log", b"id 7 cpr 241287-4563\n")]);
    let input = dir.path().join("in.log");
    let output = dir.path().join("out.log");
    let r = redact(
        &[
            "--output",
            output.to_str().unwrap(),
            input.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert_eq!(std::fs::read(&output).unwrap(), b"id 7 cpr 241287-****\n");
    assert_eq!(std::fs::read(&input).unwrap(), b"id 7 cpr 241287-4563\n");
}
