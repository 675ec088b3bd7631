//! The progress line: nothing of it when stderr is not a terminal (pipes, CI logs), and under a
//! terminal a line that is drawn while a scan runs and wiped at its end.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use crate::util::{bin, generated_cpr, run_in, tree, TODAY};

/// With stderr a pipe, as in CI, a scan writes to stderr exactly what it wrote before: nothing
/// in JSON lines, the summary table in text format; never a `\r`.
#[test]
fn progress_line_is_never_written_when_stderr_is_not_a_terminal() {
    let cpr = generated_cpr("010190", "123");
    let dir = tree(&[("a/b.txt", format!("cpr {cpr}\n").as_bytes())]);
    let plain = run_in(Some(dir.path()), &["--no-config", "a"], b"");
    assert_eq!(plain.status, 1);
    assert_eq!(plain.stderr, "");
    let text = run_in(
        Some(dir.path()),
        &["--no-config", "--format", "text", "a"],
        b"",
    );
    let quiet = run_in(
        Some(dir.path()),
        &["--no-config", "--format", "text", "--quiet", "a"],
        b"",
    );
    assert!(!text.stderr.contains('\r'), "{:?}", text.stderr);
    // The summary's elapsed time (`26 ms`) differs between runs; all else is the same.
    let untimed = |s: &str| {
        let (head, tail) = s.split_once(" ms\n")?;
        Some(format!("{}|{tail}", head.rsplit_once(", ")?.0))
    };
    assert!(untimed(&text.stderr).is_some(), "{:?}", text.stderr);
    assert_eq!(
        untimed(&text.stderr),
        untimed(&quiet.stderr),
        "--quiet changes nothing here"
    );
    assert_eq!(text.stdout, quiet.stdout);
}

/// Under a pseudo-terminal (`script` from util-linux), a scan of a FIFO this test holds open
/// draws the line; once the input ends the line is wiped and the records are whole.
#[test]
fn progress_line_is_drawn_under_a_terminal_and_wiped_at_the_end() {
    let has_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let has_mkfifo = Command::new("mkfifo")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script || !has_mkfifo {
        eprintln!(
            "\n!!! SKIPPED progress_line_is_drawn_under_a_terminal_and_wiped_at_the_end: \
             `script` (util-linux) or `mkfifo` is missing !!!\n"
        );
        return;
    }
    let dir = tree(&[]);
    let fifo = dir.path().join("stream");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let exe = bin().get_program().to_owned();
    let inner = format!(
        "'{}' --today {TODAY} --no-config --output out.jsonl stream",
        exe.to_str().unwrap()
    );
    let mut script = Command::new("script")
        .args(["-qfec", &inner, "/dev/null"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script starts");
    let mut screen = script.stdout.take().unwrap();
    // Opening a FIFO for writing waits for its reader: cprscan, started by script.
    let mut input = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    let cpr = generated_cpr("010190", "123");
    input.write_all(format!("cpr {cpr}\n").as_bytes()).unwrap();
    input.flush().unwrap();
    // Wait (at most 20 s: generous, this checks that a line comes, not how fast) for the line.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        let mut signalled = false;
        loop {
            let n = screen.read(&mut buf).unwrap_or(0);
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if !signalled && String::from_utf8_lossy(&seen).contains("/s") {
                signalled = true;
                let _ = tx.send(None);
            }
        }
        let _ = tx.send(Some(seen));
    });
    let first = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the progress line appears while the input is open");
    drop(input);
    let seen = match first {
        None => rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap()
            .unwrap(),
        Some(seen) => panic!(
            "the scan ended before the input did: {:?}",
            String::from_utf8_lossy(&seen)
        ),
    };
    let status = script.wait().unwrap();
    let screen = String::from_utf8_lossy(&seen);
    assert_eq!(status.code(), Some(1), "a finding: {screen:?}");
    assert!(
        screen.contains("\r0 files · ") || screen.contains("\r1 file · "),
        "{screen:?}"
    );
    assert!(
        screen.ends_with("\r\x1b[K"),
        "the line is wiped at the end: {screen:?}"
    );
    assert!(!screen.contains(&cpr), "the line shows no value");
    let out = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    assert!(out.ends_with("}\n") && out.contains("\"type\":\"summary\""));
}
