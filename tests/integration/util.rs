//! Helpers: run the built binary with arguments and stdin, in a temporary directory per test.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};

/// The injected "today" every test uses, so results never depend on the calendar.
pub const TODAY: &str = "2026-11-23";

pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cprscan"));
    cmd.arg("--today").arg(TODAY);
    cmd
}

/// The binary without the injected date, for subcommands (which take no scan options).
pub fn bin_plain() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cprscan"))
}

pub fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
}

/// The result of one run.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from_output(out: Output) -> Run {
        Run {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Every stdout line parsed as JSON.
    pub fn records(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
            .collect()
    }

    pub fn of_type(&self, ty: &str) -> Vec<serde_json::Value> {
        self.records()
            .into_iter()
            .filter(|r| r["type"] == ty)
            .collect()
    }

    pub fn summary(&self) -> serde_json::Value {
        let recs = self.records();
        let last = recs.last().expect("output has a summary line").clone();
        assert_eq!(last["type"], "summary", "summary is the last line");
        last
    }
}

/// Runs the binary with `args` in `dir` (the repository root if `None`) and `stdin` as input.
pub fn run_in(dir: Option<&Path>, args: &[&str], stdin: &[u8]) -> Run {
    run_cmd(bin(), dir, args, stdin)
}

/// Runs `cmd` with `args` in `dir` (the repository root if `None`) and `stdin` as input.
pub fn run_cmd(mut cmd: Command, dir: Option<&Path>, args: &[&str], stdin: &[u8]) -> Run {
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.current_dir(dir.unwrap_or(Path::new(env!("CARGO_MANIFEST_DIR"))));
    let mut child = cmd.spawn().expect("binary starts");
    let mut input = child.stdin.take().unwrap();
    // A run that fails before reading its input (a usage error) may close stdin first.
    if let Err(e) = input.write_all(stdin) {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "writing stdin: {e}"
        );
    }
    drop(input);
    Run::from_output(child.wait_with_output().unwrap())
}

pub fn run(args: &[&str]) -> Run {
    run_in(None, args, b"")
}

/// A temporary directory holding `files` (relative path, contents).
pub fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, data) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
    dir
}

/// Runs the binary with `args` on a temporary file holding `data` (the file's path is the last
/// argument), so the input goes through the file reader rather than stdin.
pub fn run_on_file(args: &[&str], data: &[u8]) -> Run {
    let dir = tree(&[("input.txt", data)]);
    let path = dir.path().join("input.txt");
    let mut all: Vec<&str> = args.to_vec();
    all.push(path.to_str().expect("temporary path is UTF-8"));
    run_in(Some(dir.path()), &all, b"")
}

/// `text` fit for a failure message: in every run of digits and the separators a number is
/// written with (space, `-`, `.`, `/`, `+`, `(`, `)`), every digit after the sixth becomes `*`,
/// so a CPR number (or a card, IBAN, phone number) shows its first six digits at most: its
/// layout stays visible, its serial does not.
pub fn mask_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits_in_run = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits_in_run += 1;
            out.push(if digits_in_run > 6 { '*' } else { c });
        } else {
            let separator = matches!(c, ' ' | '-' | '.' | '/' | '+' | '(' | ')' | '\t')
                || matches!(
                    c,
                    '\u{a0}' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2212}'
                );
            if !separator {
                digits_in_run = 0;
            }
            out.push(c);
        }
    }
    out
}

/// The findings of `text` read one byte at a time, as a pipe might deliver it.
pub fn scan_byte_by_byte(scanner: &cprscan::Scanner, text: &str) -> Vec<cprscan::Finding> {
    let mut found = Vec::new();
    let mut sink = |b: &[cprscan::Finding]| {
        found.extend_from_slice(b);
        Ok(())
    };
    let reader = std::io::BufReader::with_capacity(1, text.as_bytes());
    cprscan::search::Searcher::new(1)
        .search_reader(scanner, reader, &mut sink)
        .unwrap();
    found
}

/// The binary reading stdin from a pipe this test keeps open: the child, its stdin and stdout.
pub fn spawn_on_open_stdin() -> (Child, ChildStdin, ChildStdout) {
    let mut child = bin()
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    (child, stdin, stdout)
}

/// The first line `stdout` yields, waiting at most 20 s: generous, because tests use it to check
/// that output is flushed before the input ends, not how fast.
pub fn first_line_before_eof(stdout: ChildStdout) -> String {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    rx.recv_timeout(std::time::Duration::from_secs(20))
        .expect("a line arrives before the input is closed")
}

/// A generated CPR number, `DDMMYYSSSS`: the date `ddmmyy` (a past one; the caller picks a 7th
/// digit that gives it its century), the serial's first three digits `s789`, and the modulus 11
/// check digit computed here. Made up, never looked up. Panics when the prefix has no check
/// digit (it would be 10): pick another serial.
pub fn generated_cpr(ddmmyy: &str, s789: &str) -> String {
    checked_cpr(ddmmyy, s789).unwrap_or_else(|| panic!("{ddmmyy}-{s789}? has no check digit"))
}

/// [`generated_cpr`], or `None` when the prefix has no check digit.
pub fn checked_cpr(ddmmyy: &str, s789: &str) -> Option<String> {
    const WEIGHTS: [u32; 9] = [4, 3, 2, 7, 6, 5, 4, 3, 2];
    let prefix = format!("{ddmmyy}{s789}");
    assert!(prefix.len() == 9 && prefix.bytes().all(|b| b.is_ascii_digit()));
    let sum: u32 = prefix
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = (11 - sum % 11) % 11;
    (check < 10).then(|| format!("{prefix}{check}"))
}

/// The three ways a number is usually written: `DDMMYYSSSS`, `DDMMYY-SSSS`, `DDMMYY SSSS`.
pub fn written_forms(cpr: &str) -> [String; 3] {
    let (date, serial) = cpr.split_at(6);
    [
        cpr.to_string(),
        format!("{date}-{serial}"),
        format!("{date} {serial}"),
    ]
}

/// Sets `path`'s modification time `secs_ago` seconds back: a `--state` scan reads a file
/// changed within the last 2 s again, so tests of cached files backdate what they write.
pub fn backdate(path: &Path, secs_ago: u64) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(secs_ago))
        .unwrap();
}

/// Every file below `dir`, backdated an hour.
pub fn backdate_all(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            backdate_all(&p);
        } else {
            backdate(&p, 3600);
        }
    }
}
