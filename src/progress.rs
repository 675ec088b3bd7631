//! The progress line: while a scan runs, one line on stderr, redrawn about four times a second
//! with `\r`, of files, bytes and findings so far, the rate, and an ETA when the size of the
//! whole is known (a previous scan's totals). It is drawn only for a person watching: when
//! stderr is a terminal, the records do not go to that same terminal, and `--quiet` is off.
//!
//! A thread of its own reads counters the workers already keep (atomics, through a closure), so
//! it takes no lock a worker needs. Messages the run writes to stderr meanwhile (errors in text
//! format) go through [`Messages`], which wipes the line first and lets it be drawn again only
//! after a whole message: the two never mix on one line.

use std::io::{self, IsTerminal, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(250);

/// Counters at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub files: u64,
    pub bytes: u64,
    pub findings: u64,
}

/// Whether to draw the line: not `quiet`, stderr a terminal, and the records not written to
/// the same terminal (`to_stdout` and stdout a terminal), where the line would split them.
pub fn wanted(quiet: bool, to_stdout: bool) -> bool {
    !quiet && io::stderr().is_terminal() && !(to_stdout && io::stdout().is_terminal())
}

/// The line for `now` after `elapsed`; `expected` is (files, bytes) of the whole, if known.
pub fn line(now: Snapshot, elapsed: Duration, expected: Option<(u64, u64)>) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        now.bytes as f64 / secs
    } else {
        0.0
    };
    let mut text = format!(
        "{} file{} · {} · {} finding{} · {}/s",
        now.files,
        if now.files == 1 { "" } else { "s" },
        human_bytes(now.bytes),
        now.findings,
        if now.findings == 1 { "" } else { "s" },
        human_bytes(rate as u64)
    );
    if let Some(eta) = expected.and_then(|e| eta(now, secs, e)) {
        text.push_str(&eta);
    }
    text
}

/// ` · 42% · ETA 2m 05s` from the share done so far of the expected bytes (of the files when
/// no bytes are expected); nothing once the whole is passed (it grew) or before any progress.
fn eta(now: Snapshot, secs: f64, (files, bytes): (u64, u64)) -> Option<String> {
    let (done, whole) = if bytes > 0 {
        (now.bytes, bytes)
    } else {
        (now.files, files)
    };
    if done == 0 || whole == 0 || done >= whole {
        return None;
    }
    let fraction = done as f64 / whole as f64;
    let left = secs * (1.0 - fraction) / fraction;
    Some(format!(
        " · {}% · ETA {}",
        (fraction * 100.0) as u64,
        human_duration(Duration::from_secs_f64(left))
    ))
}

/// Bytes in decimal units, as rates are usually given: `850 B`, `12.3 MB`, `1.2 GB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1000.0;
    let mut unit = 0;
    while v >= 999.95 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// `45s`, `2m 05s`, `1h 02m`.
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
    }
}

/// stderr as shared by the progress line and the run's messages.
pub struct Terminal {
    state: Mutex<State>,
}

struct State {
    /// stderr (a buffer in tests).
    out: Box<dyn Write + Send>,
    /// The progress line is on the screen.
    drawn: bool,
    /// A message was written in part (no newline yet): the line must wait.
    mid_message: bool,
}

impl Terminal {
    /// The terminal on stderr.
    pub fn stderr() -> Terminal {
        Terminal::new(Box::new(io::stderr()))
    }

    fn new(out: Box<dyn Write + Send>) -> Terminal {
        Terminal {
            state: Mutex::new(State {
                out,
                drawn: false,
                mid_message: false,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn draw(&self, text: &str) {
        let mut state = self.lock();
        if !state.mid_message {
            let _ = state.out.write_all(format!("\r{text}\x1b[K").as_bytes());
            state.drawn = true;
        }
    }

    fn clear(&self) {
        let mut state = self.lock();
        if state.drawn {
            let _ = state.out.write_all(b"\r\x1b[K");
            state.drawn = false;
        }
    }
}

/// The run's stderr while the line may be drawn: wipes it before a message.
pub struct Messages(pub Arc<Terminal>);

impl Write for Messages {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut state = self.0.lock();
        if state.drawn {
            state.out.write_all(b"\r\x1b[K")?;
            state.drawn = false;
        }
        let n = state.out.write(buf)?;
        if n > 0 {
            state.mid_message = buf[n - 1] != b'\n';
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.lock().out.flush()
    }
}

/// The drawing thread; dropping this stops it and wipes the line (at once, not at the next
/// tick).
pub struct Progress {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// No line.
    pub fn off() -> Progress {
        Progress {
            stop: None,
            thread: None,
        }
    }

    /// Starts drawing on `terminal` what `read` returns, until dropped or interrupted.
    pub fn start(
        terminal: Arc<Terminal>,
        expected: Option<(u64, u64)>,
        read: impl Fn() -> Snapshot + Send + 'static,
    ) -> Progress {
        let (stop, stopped) = mpsc::channel::<()>();
        let started = Instant::now();
        let thread = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(TICK) {
                    if crate::interrupt::interrupted() {
                        break;
                    }
                    terminal.draw(&line(read(), started.elapsed(), expected));
                }
                terminal.clear();
            })
            .ok();
        Progress {
            stop: Some(stop),
            thread,
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(files: u64, bytes: u64, findings: u64) -> Snapshot {
        Snapshot {
            files,
            bytes,
            findings,
        }
    }

    #[test]
    fn the_rate_is_bytes_over_elapsed_time_in_decimal_units() {
        let l = line(at(3, 50_000_000, 1), Duration::from_secs(2), None);
        assert_eq!(l, "3 files · 50.0 MB · 1 finding · 25.0 MB/s");
    }

    #[test]
    fn no_eta_without_an_expected_total() {
        assert!(!line(at(1, 10, 0), Duration::from_secs(1), None).contains("ETA"));
    }

    #[test]
    fn eta_is_the_time_left_at_the_rate_so_far() {
        // A quarter of the bytes in 30 s: three quarters left take 90 s.
        let l = line(at(10, 250, 0), Duration::from_secs(30), Some((40, 1000)));
        assert!(l.ends_with(" · 25% · ETA 1m 30s"), "{l}");
    }

    #[test]
    fn eta_counts_files_when_no_bytes_are_expected() {
        let l = line(at(1, 0, 0), Duration::from_secs(10), Some((2, 0)));
        assert!(l.ends_with(" · 50% · ETA 10s"), "{l}");
    }

    #[test]
    fn eta_disappears_once_the_expected_total_is_passed() {
        let l = line(at(5, 2000, 0), Duration::from_secs(10), Some((4, 1000)));
        assert!(!l.contains("ETA"), "{l}");
    }

    #[test]
    fn human_units_round_to_one_decimal_and_carry_over() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1000), "1.0 kB");
        assert_eq!(human_bytes(999_960), "1.0 MB");
        assert_eq!(human_bytes(1_234_567_890), "1.2 GB");
        assert_eq!(human_duration(Duration::from_secs(59)), "59s");
        assert_eq!(human_duration(Duration::from_secs(125)), "2m 05s");
        assert_eq!(human_duration(Duration::from_secs(3720)), "1h 02m");
    }

    /// A writer whose bytes the test can read.
    #[derive(Clone, Default)]
    struct Screen(Arc<Mutex<Vec<u8>>>);

    impl Write for Screen {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_message_wipes_the_line_and_holds_it_back_until_its_newline() {
        let screen = Screen::default();
        let t = Arc::new(Terminal::new(Box::new(screen.clone())));
        t.draw("1 file");
        let mut m = Messages(t.clone());
        m.write_all(b"cprscan: part").unwrap();
        t.draw("2 files");
        m.write_all(b" two\n").unwrap();
        t.draw("3 files");
        t.clear();
        let shown = String::from_utf8(screen.0.lock().unwrap().clone()).unwrap();
        assert_eq!(
            shown,
            "\r1 file\x1b[K\r\x1b[Kcprscan: part two\n\r3 files\x1b[K\r\x1b[K"
        );
    }
}
