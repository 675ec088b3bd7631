//! Limits and failure behaviour of streams: memory stays under the bound the README states
//! whatever a stream holds (many lines, NUL bytes, one line without end), and a reader that
//! closes stdout early (`cprscan . | head -1`) ends the run quietly.

#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;

use crate::util::{self, generated_cpr, tree};

/// The peak resident memory `cprscan -` and `cprscan redact` may reach on any stream, as the
/// README states it. Measured (debug build, the build these tests run): about 10 MiB on the
/// streams with few findings, about 22 MiB when every line is one (a batch of findings per
/// chunk). Those streams are twice the bound, so holding one whole would fail; the dense one is
/// smaller only because a debug build reports findings slowly.
const BOUND_KIB: u64 = 64 * 1024;
const STREAM_BYTES: usize = 128 << 20;
const DENSE_BYTES: usize = 2 << 20;
const BLOCK: usize = 64 << 10;

fn number() -> String {
    generated_cpr("110776", "205")
}

/// How a run on a generated stream ended: its exit status, peak resident memory, the bytes it
/// wrote, the last two blocks of them, and its last output line.
struct Measured {
    status: i32,
    peak_kib: u64,
    out_bytes: u64,
    tail: String,
    last_line: String,
    stderr: String,
}

/// The high-water mark of a live process's resident memory (`VmHWM`), in KiB; `None` once it
/// has exited.
fn high_water_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Runs the binary with `args`, writing `block` to its stdin until `total` bytes are written,
/// and measures its peak resident set size: the kernel's high-water mark of the child's own
/// memory, read every few milliseconds while it runs (the mark only rises, so each reading is
/// the peak so far). `wait4`'s `ru_maxrss` would be simpler but is wrong here: the child
/// inherits its parent's peak at exec, and this test process holds the other tests' data.
fn measure(args: &[&str], block: &[u8], total: usize) -> Measured {
    assert_eq!(total % block.len(), 0);
    let mut child = util::bin_plain()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let sampler = std::thread::spawn(move || {
        let (mut peak, mut samples) = (0, 0);
        while let Some(kib) = high_water_kib(pid) {
            (peak, samples) = (peak.max(kib), samples + 1);
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        (peak, samples)
    });
    let mut stdin = child.stdin.take().unwrap();
    let block = block.to_vec();
    let writer = std::thread::spawn(move || {
        for _ in 0..total / block.len() {
            stdin.write_all(&block)?;
        }
        Ok::<(), std::io::Error>(())
    });
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let (mut total, mut tail) = (0u64, Vec::new());
        let mut buf = vec![0; 1 << 16];
        loop {
            let n = stdout.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            total += n as u64;
            tail.extend_from_slice(&buf[..n]);
            let keep = tail.len().saturating_sub(2 * BLOCK);
            tail.drain(..keep);
        }
        let text = String::from_utf8_lossy(&tail).into_owned();
        let last = text
            .trim_end()
            .rsplit('\n')
            .next()
            .unwrap_or("")
            .to_string();
        (total, text, last)
    });
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    writer.join().unwrap().expect("the whole stream was read");
    let (out_bytes, tail, last_line) = reader.join().unwrap();
    // The sampler ends when the child has exited (a zombie has no memory left to report).
    let (peak_kib, samples) = sampler.join().unwrap();
    let status = child.wait().unwrap();
    assert!(samples > 0, "the child was never seen running");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), None, "killed by a signal");
    Measured {
        status: status.code().unwrap(),
        peak_kib,
        out_bytes,
        tail,
        last_line,
        stderr,
    }
}

fn assert_bounded(what: &str, m: &Measured) {
    eprintln!("{what}: peak RSS {} KiB", m.peak_kib);
    assert!(
        m.peak_kib < BOUND_KIB,
        "{what}: peak RSS {} KiB, bound {BOUND_KIB} KiB",
        m.peak_kib
    );
}

fn summary(m: &Measured, total: usize) -> serde_json::Value {
    let s: serde_json::Value = serde_json::from_str(&m.last_line).unwrap();
    assert_eq!(s["type"], "summary", "{}", m.last_line);
    assert_eq!(s["bytes"], total as u64);
    s
}

/// A block of log lines, a numbered one first.
fn lines_block() -> Vec<u8> {
    let n = number();
    let mut block = format!("cpr {}-{}\n", &n[..6], &n[6..]).into_bytes();
    let filler = b"2026-11-23T10:00:00Z INFO GET /api/v1/items 200 12ms user=jens\n";
    while block.len() + filler.len() < BLOCK {
        block.extend_from_slice(filler);
    }
    block.resize(BLOCK - 1, b' ');
    block.push(b'\n');
    block
}

/// A block of one line that never ends: a number, then letters, no newline anywhere.
fn endless_line_block() -> Vec<u8> {
    let n = number();
    let mut block = format!(" cpr {}-{} ", &n[..6], &n[6..]).into_bytes();
    block.resize(BLOCK, b'x');
    block
}

#[test]
fn stdin_of_many_lines_stays_under_the_memory_bound() {
    let m = measure(&["--today", util::TODAY, "-"], &lines_block(), STREAM_BYTES);
    assert_bounded("lines", &m);
    assert_eq!(m.status, 1, "{}", m.stderr);
    assert_eq!(
        summary(&m, STREAM_BYTES)["findings"]["cpr"],
        (STREAM_BYTES / BLOCK) as u64
    );
}

#[test]
fn stdin_where_every_line_is_a_finding_stays_under_the_memory_bound() {
    let n = number();
    let block = format!("cpr {}-{}\n", &n[..6], &n[6..]).repeat(4096);
    let m = measure(
        &["--today", util::TODAY, "-"],
        block.as_bytes(),
        DENSE_BYTES,
    );
    assert_bounded("a finding on every line", &m);
    assert_eq!(m.status, 1, "{}", m.stderr);
    let s = summary(&m, DENSE_BYTES);
    assert_eq!(s["findings"]["cpr"], (DENSE_BYTES / 16) as u64);
}

#[test]
fn stdin_of_nul_bytes_stays_under_the_memory_bound() {
    let m = measure(
        &["--today", util::TODAY, "-"],
        &vec![0u8; BLOCK],
        STREAM_BYTES,
    );
    assert_bounded("NUL bytes", &m);
    assert_eq!(m.status, 0, "{}", m.stderr);
    summary(&m, STREAM_BYTES);
}

#[test]
fn stdin_of_one_line_without_end_stays_under_the_memory_bound() {
    let m = measure(
        &["--today", util::TODAY, "-"],
        &endless_line_block(),
        STREAM_BYTES,
    );
    assert_bounded("one endless line", &m);
    assert_eq!(m.status, 1, "{}", m.stderr);
    let s = summary(&m, STREAM_BYTES);
    assert_eq!(s["findings"]["cpr"], (STREAM_BYTES / BLOCK) as u64);
}

#[test]
fn redact_of_one_line_without_end_stays_under_the_memory_bound_and_passes_every_byte() {
    let m = measure(
        &["redact", "--today", util::TODAY, "-"],
        &endless_line_block(),
        STREAM_BYTES,
    );
    assert_bounded("redact, one endless line", &m);
    assert_eq!(m.status, 0, "{}", m.stderr);
    // The mask has the value's length: every byte comes out, none held back.
    assert_eq!(m.out_bytes, STREAM_BYTES as u64);
    let n = number();
    assert!(m.tail.contains(&format!(" cpr {}-**** x", &n[..6])));
    assert!(!m.tail.contains(&n[6..]), "the serial is masked");
}

/// Reads one line of `child`'s stdout, then closes it, as `| head -1` does.
fn read_one_line_and_close(stdout: std::process::ChildStdout) -> String {
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    line
}

#[test]
fn closed_stdout_during_a_tree_scan_ends_the_run_quietly() {
    let n = number();
    let body = format!("cpr {}-{}\n", &n[..6], &n[6..]).repeat(50);
    let names: Vec<String> = (0..400).map(|i| format!("f{i}.txt")).collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .map(|p| (p.as_str(), body.as_bytes()))
        .collect();
    let dir = tree(&files);
    for format in ["jsonl", "text", "summary"] {
        let mut child = util::bin()
            .args(["--format", format, "."])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let line = read_one_line_and_close(child.stdout.take().unwrap());
        assert!(!line.is_empty());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Text writes its summary to stderr; nothing about the closed pipe may appear.
        if format != "text" {
            assert_eq!(stderr, "", "{format}");
        }
        assert!(
            !stderr.to_lowercase().contains("pipe"),
            "{format}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: findings, not a crash"
        );
    }
}

#[test]
fn closed_stdout_stops_reading_an_endless_stream() {
    let n = number();
    let line = format!("cpr {}-{}\n", &n[..6], &n[6..]);
    let mut child = util::bin()
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let block = line.repeat(4096);
    // 64 MiB: far more than pipes and buffers hold; cprscan must hang up long before.
    let writer = std::thread::spawn(move || {
        for _ in 0..(64 << 20) / block.len() {
            stdin.write_all(block.as_bytes())?;
        }
        Ok::<(), std::io::Error>(())
    });
    let first = read_one_line_and_close(child.stdout.take().unwrap());
    assert!(first.contains("\"type\":\"finding\""), "{first}");
    let out = child.wait_with_output().unwrap();
    let written = writer.join().unwrap();
    assert_eq!(
        written.map_err(|e| e.kind()),
        Err(std::io::ErrorKind::BrokenPipe),
        "cprscan stopped reading once nobody read its output"
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(1));
}
