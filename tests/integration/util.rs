//! Helpers: run the built binary with arguments and stdin, in a temporary directory per test.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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
    input.write_all(stdin).unwrap();
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
