//! One run of the `cprscan` command: inputs in, records out, an exit status back.
//!
//! Inputs are handled in command-line order: stdin and named pipes as streams (findings
//! flushed as their lines are scanned), directories and files through one parallel walk per
//! stretch of consecutive paths. Every worker owns its [`Searcher`] and output buffer for the
//! whole run; the [`Scanner`] is shared.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use clap::Parser;
use ignore::WalkState;

use crate::allow::AllowValues;
use crate::baseline::Baseline;
use crate::cli::{Args, BaselineAction, Command, Config, Format, Input, RulesAction, Stale};
use crate::column::CellScanner;
use crate::config::Settings;
use crate::csv_columns;
use crate::db;
use crate::finding::Confidence;
use crate::finding::Kind;
use crate::fingerprint::Fingerprinter;
use crate::interrupt;
use crate::output::{Gate, InputOutput, Output};
use crate::place::Place;
use crate::printer::{Printer, Summary};
use crate::progress::{self, Progress};
use crate::sarif;
use crate::scanner::{KindSet, Scanner, ScannerBuilder};
use crate::search::{search_parallel, search_range, SearchError, Searcher, PART};
use crate::shard::{self, Share};
use crate::walk::{self, Action, Excludes};

mod formats;

/// Exit status: no finding at or above the threshold.
pub const EXIT_CLEAN: i32 = 0;
/// Exit status: findings.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit status: an error (unreadable path, bad usage); wins over findings.
pub const EXIT_ERROR: i32 = 2;
/// Exit status: stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

/// Buffer size for streams. A read returns what the pipe holds, so a larger buffer adds no
/// delay: a line from `tail -f` is still scanned as it arrives.
const STREAM_CHUNK: usize = 256 * 1024;

/// Asks for a 1 MiB pipe buffer when `input` is a pipe (Linux; silently nothing otherwise, or
/// when the system's limit is lower). With the default 64 KiB the writer and cprscan wake each
/// other for every 64 KiB, and those wake-ups cost more than scanning: measured on 111 MB of
/// logs, a 1 MiB pipe halved the time of `cprscan -`.
#[cfg(target_os = "linux")]
fn enlarge_pipe<F: std::os::fd::AsFd>(input: &F) {
    let _ = rustix::pipe::fcntl_setpipe_size(input, 1 << 20);
}

#[cfg(not(target_os = "linux"))]
fn enlarge_pipe<F>(_input: &F) {}

/// Counters shared by the workers.
#[derive(Debug, Default)]
struct Stats {
    files: AtomicU64,
    bytes: AtomicU64,
    /// Findings reported per kind and confidence (`Confidence as usize`).
    findings: [[AtomicU64; 3]; Kind::ALL.len()],
    /// Findings of user rules per reported kind name and confidence.
    custom: Mutex<Vec<(String, [u64; 3])>>,
    errors: AtomicU64,
    skipped: AtomicU64,
    /// Skip records per reason (few reasons: a short list).
    skipped_by: Mutex<Vec<(&'static str, u64)>>,
    /// Inputs read only in part (a limit hit, a corrupt member): each has an error record.
    partial: AtomicU64,
    /// Texts scanned inside containers.
    members: AtomicU64,
    /// Binary files (or members) whose printable runs were scanned.
    binary_files: AtomicU64,
    suppressed: AtomicU64,
    /// Database tables read, and their rows.
    tables: AtomicU64,
    rows: AtomicU64,
    /// A reported finding is at or above `--fail-on`.
    failing: AtomicBool,
    /// Files (and their bytes) whose findings `--state` replayed without reading them: only
    /// the progress line counts them, so its ETA matches a rescan's pace.
    cached_files: AtomicU64,
    cached_bytes: AtomicU64,
}

impl Stats {
    fn count_skip(&self, reason: &'static str) {
        let mut by = self.skipped_by.lock().unwrap_or_else(|e| e.into_inner());
        match by.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => by.push((reason, 1)),
        }
    }

    /// The summary, with a count for each kind that was looked for: the built-in kinds, then
    /// the kinds of the user's rules (`custom_kinds`).
    fn summary(&self, elapsed_ms: u64, kinds: KindSet, custom_kinds: &[String]) -> Summary {
        let load = |c: &[AtomicU64; 3]| c.each_ref().map(|n| n.load(Ordering::Relaxed));
        let mut by_confidence: Vec<(String, [u64; 3])> = Kind::ALL
            .iter()
            .zip(&self.findings)
            .filter(|(k, _)| kinds.contains(**k) && **k != Kind::Custom)
            .map(|(k, c)| (k.as_str().to_string(), load(c)))
            .collect();
        let custom = self.custom.lock().unwrap_or_else(|e| e.into_inner());
        for name in custom_kinds {
            let c = custom
                .iter()
                .find(|(k, _)| k == name)
                .map_or([0; 3], |(_, c)| *c);
            by_confidence.push((name.clone(), c));
        }
        let findings = by_confidence
            .iter()
            .map(|(k, c)| (k.clone(), c.iter().sum()))
            .collect();
        by_confidence.retain(|(_, c)| c.iter().sum::<u64>() > 0);
        Summary {
            suppressed: self.suppressed.load(Ordering::Relaxed),
            by_confidence,
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            findings,
            errors: self.errors.load(Ordering::Relaxed),
            skipped: self.skipped.load(Ordering::Relaxed),
            elapsed_ms,
            interrupted: false,
            partial: self.partial.load(Ordering::Relaxed),
            members: self.members.load(Ordering::Relaxed),
            skipped_by: {
                let mut by = self
                    .skipped_by
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone();
                by.sort();
                by
            },
            binary_files: self.binary_files.load(Ordering::Relaxed),
            binary_mode: "text",
            tables: self.tables.load(Ordering::Relaxed),
            rows: self.rows.load(Ordering::Relaxed),
            sample_rows: None,
            shard: None,
            state: None,
        }
    }
}

/// What every worker shares.
struct Shared<'a> {
    config: &'a Config,
    scanner: Scanner,
    out: Output,
    /// Shared with the progress line's thread, which only reads it.
    stats: Arc<Stats>,
    /// The configuration file in use, canonical: it holds examples and allowlisted values by
    /// design, so a walk that meets it skips it.
    config_file: Option<PathBuf>,
    /// Scans database cells and column-aware CSV files.
    cells: CellScanner,
    /// `--state FILE`: what earlier scans found.
    state: Option<crate::state::Session>,
}

impl Shared<'_> {
    fn error(&self, path: &str, message: &str) {
        self.error_at(&Place::new(path), message);
    }

    fn skip(&self, path: &str, reason: &'static str, message: &str) {
        self.skip_at(&Place::new(path), reason, message);
    }

    /// An error record: something could not be read (exit status 2).
    fn error_at(&self, place: &Place, message: &str) {
        self.stats.errors.fetch_add(1, Ordering::Relaxed);
        self.out.error(place, message, false);
    }

    /// A skip record: something was left out on purpose (a FIFO, a size limit); `reason` is
    /// its key in the summary's `skipped_by`.
    fn skip_at(&self, place: &Place, reason: &'static str, message: &str) {
        self.stats.skipped.fetch_add(1, Ordering::Relaxed);
        self.stats.count_skip(reason);
        self.out.error(place, message, true);
    }
}

/// What a database source needs from the run.
impl db::Env for Shared<'_> {
    fn cells(&self) -> &CellScanner {
        &self.cells
    }

    fn output(&self) -> &Output {
        &self.out
    }

    fn options(&self) -> &db::DbOptions {
        &self.config.db
    }

    fn threads(&self) -> usize {
        self.config.threads
    }

    fn finish(&self, output: InputOutput<'_>) {
        let shown = output.place().path.clone();
        finish_output(self, &shown, output, Ok(0));
    }

    fn error(&self, place: &Place, message: &str) {
        self.error_at(place, message);
    }

    fn input(&self) {
        self.stats.files.fetch_add(1, Ordering::Relaxed);
    }

    fn table(&self, rows: u64, bytes: u64) {
        self.stats.tables.fetch_add(1, Ordering::Relaxed);
        self.stats.rows.fetch_add(rows, Ordering::Relaxed);
        self.stats.bytes.fetch_add(bytes, Ordering::Relaxed);
    }
}

/// Parses the command line, runs, and returns the exit status.
pub fn main() -> i32 {
    install_panic_hook();
    // Debug builds only: lets the tests check, through the real binary, that a panic's message
    // (here the variable's value) never reaches the terminal.
    #[cfg(debug_assertions)]
    if let Some(payload) = std::env::var_os("CPRSCAN_DEBUG_PANIC") {
        panic!("{}", payload.to_string_lossy());
    }
    let mut args = Args::parse();
    match args.command.take() {
        Some(Command::Kinds) => list_kinds(),
        Some(Command::Rules {
            action: RulesAction::Check { config },
        }) => crate::check::main(config.as_deref()),
        Some(Command::Baseline {
            action: BaselineAction::Write { scan },
        }) => {
            let mut config = Config::from_args(*scan);
            config.write_baseline = true;
            run(&config)
        }
        Some(Command::Redact(args)) => crate::redact::main(crate::redact::Job {
            config: args.config(),
            style: args.style,
            output: args.output,
            in_place: args.in_place,
            findings: args.findings,
        }),
        Some(Command::Merge(args)) => crate::merge::main(&args),
        Some(Command::Report(args)) => crate::report::main(&args),
        Some(Command::Diff(args)) => crate::state::diff::main(&args),
        None => run(&Config::from_args(args.scan)),
    }
}

/// Replaces Rust's default panic report, which prints the panic's message: a message could hold
/// bytes of the input (a value formatted into an `expect`, a slice in an index error), and a
/// report on a terminal or in a CI log must never show scanned data. The report keeps the
/// source location, and a backtrace when `RUST_BACKTRACE` asks for one (function names only).
/// The process still exits with Rust's panic status, 101.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let backtrace = std::backtrace::Backtrace::capture();
        let mut text = panic_report(info.location());
        if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
            text.push_str(&format!("\n{backtrace}"));
        }
        // One write, so reports of panicking threads do not interleave.
        let _ = io::Write::write_all(&mut io::stderr(), format!("{text}\n").as_bytes());
    }));
}

/// The panic report: a fixed text and the location in cprscan's source, never the message.
pub fn panic_report(location: Option<&std::panic::Location<'_>>) -> String {
    let at = location.map_or_else(
        || "an unknown location".to_string(),
        |l| format!("{}:{}:{}", l.file(), l.line(), l.column()),
    );
    format!(
        "cprscan: internal error at {at} (a bug: please report it with this line). \
         The panic message is withheld because it could contain scanned data."
    )
}

/// `cprscan kinds`: one line per kind.
fn list_kinds() -> i32 {
    let mut text = String::new();
    for kind in Kind::ALL {
        let on = if kind.on_by_default() {
            "default"
        } else {
            "opt-in"
        };
        text.push_str(&format!(
            "{:<16} {:<8} {}\n",
            kind.as_str(),
            on,
            kind.description()
        ));
    }
    // The user rules of the configuration in effect here, if any.
    match crate::config::locate(None).map(|p| Settings::load(&p)) {
        Some(Ok(settings)) => {
            for rule in &settings.rules {
                let what = if rule.description.is_empty() {
                    format!("user rule {:?}", rule.spec.id)
                } else {
                    format!("user rule {:?}: {}", rule.spec.id, rule.description)
                };
                text.push_str(&format!("{:<16} {:<8} {what}\n", rule.spec.kind, "custom"));
            }
        }
        Some(Err(e)) => {
            print!("{text}");
            eprintln!("cprscan: {e}");
            return EXIT_ERROR;
        }
        None => {}
    }
    print!("{text}");
    EXIT_CLEAN
}

/// What a scan and `redact` both build from the command line and the configuration file.
pub(crate) struct Prepared {
    pub builder: ScannerBuilder,
    pub settings: Settings,
    pub kinds: KindSet,
    pub fingerprinter: Option<Fingerprinter>,
}

/// Reads the configuration file and the key, and sets up a scanner builder with them; an error
/// is a message for stderr.
pub(crate) fn prepare(config: &Config) -> Result<Prepared, String> {
    let settings = if config.no_config {
        Settings::default()
    } else {
        match crate::config::locate(config.config_file.as_deref()).map(|p| Settings::load(&p)) {
            None => Settings::default(),
            Some(Ok(s)) => s,
            Some(Err(e)) => return Err(e.to_string()),
        }
    };
    let kinds = settings.kinds(config.kinds);
    let mut builder = ScannerBuilder::new();
    builder
        .min_confidence(
            config
                .min_confidence
                .or(settings.min_confidence)
                .unwrap_or(Confidence::Medium),
        )
        .kinds(kinds)
        .context(config.context);
    if let Some(today) = config.today {
        builder.today(today);
    }
    settings.apply(&mut builder);
    let fingerprinter = Fingerprinter::from_file_or_env(config.key_file.as_deref())?;
    let allow = AllowValues::new(
        &settings.allow_values,
        &settings.allow_fingerprints,
        fingerprinter.clone(),
    )
    .map_err(|msg| {
        let file = settings
            .path
            .as_deref()
            .unwrap_or(Path::new("cprscan.toml"));
        format!("{}: allow.fingerprints: {msg}", file.display())
    })?;
    builder.allow_values(allow);
    Ok(Prepared {
        builder,
        settings,
        kinds,
        fingerprinter,
    })
}

/// Runs a scan with `config`, writing to stdout and stderr.
pub fn run(config: &Config) -> i32 {
    let started = Instant::now();
    interrupt::install();
    let listed;
    let config = match &config.scale.files_from {
        None => config,
        Some((list, nul)) => match crate::files_from::read(list, *nul) {
            Ok(paths) => {
                let mut c = config.clone();
                c.inputs.extend(paths.into_iter().map(Input::Path));
                listed = c;
                &listed
            }
            Err(e) => {
                eprintln!("cprscan: --files-from {}: {e}", list.display());
                return EXIT_ERROR;
            }
        },
    };
    let data: Box<dyn io::Write + Send> = match &config.scale.output {
        None => Box::new(io::BufWriter::with_capacity(64 * 1024, io::stdout())),
        // Records reach the writer as whole lines, so each write(2) the buffer makes carries
        // whole lines.
        Some(path) => match File::create(path) {
            Ok(f) => Box::new(io::BufWriter::with_capacity(64 * 1024, f)),
            Err(e) => {
                eprintln!("cprscan: --output {}: {e}", path.display());
                return EXIT_ERROR;
            }
        },
    };
    let Prepared {
        mut builder,
        settings,
        kinds,
        fingerprinter,
    } = match prepare(config) {
        Ok(p) => p,
        Err(msg) => {
            eprintln!("cprscan: {msg}");
            return EXIT_ERROR;
        }
    };
    let excluded: Vec<String> = config
        .excludes
        .iter()
        .chain(&settings.allow_paths)
        .cloned()
        .collect();
    let excludes = match Excludes::new(&excluded) {
        Ok(ex) => ex,
        Err(msg) => {
            eprintln!("cprscan: {msg}");
            return EXIT_ERROR;
        }
    };
    // `baseline write` prints the baseline on stdout: its messages and summary are text, on
    // stderr.
    let format = if config.write_baseline {
        Format::Text
    } else {
        config.format
    };
    let mut printer = Printer::new(format, config.show_values, config.color);
    if let Some(fp) = &fingerprinter {
        printer = printer.with_fingerprints(fp.clone());
    }
    let mut gate = Gate {
        fail_on: config.fail_on,
        baseline: None,
        collect: config.write_baseline || format == Format::Sarif,
        file_lines: config.format == Format::Summary,
    };
    let needs_key = |what: &str| {
        eprintln!(
            "cprscan: {what} needs a fingerprint key: --key-file FILE or CPRSCAN_KEY (keep it \
             secret; the same key must be used to write and to check the baseline)"
        );
        EXIT_ERROR
    };
    if config.write_baseline && fingerprinter.is_none() {
        return needs_key("baseline write");
    }
    if let Some(path) = &config.baseline {
        let Some(key) = fingerprinter.clone() else {
            return needs_key("--baseline");
        };
        match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| Baseline::parse(&text))
        {
            Ok(b) => gate.baseline = Some((b, key)),
            Err(e) => {
                eprintln!("cprscan: {}: {e}", path.display());
                return EXIT_ERROR;
            }
        }
    }
    builder.inline_ignore(config.inline_ignore);
    let state = match crate::state::session::open_for(config, kinds, &settings, &fingerprinter) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("cprscan: {msg}");
            return EXIT_ERROR;
        }
    };
    let show_progress = progress::wanted(config.quiet, config.scale.output.is_none());
    let terminal = Arc::new(progress::Terminal::stderr());
    let messages: Box<dyn io::Write + Send> = if show_progress {
        Box::new(progress::Messages(terminal.clone()))
    } else {
        Box::new(io::stderr())
    };
    let mut out = Output::new(data, messages, printer).with_gate(gate);
    if let Some(s) = &state {
        out = out.with_state(s.recorder());
    }
    let scanner = builder.build();
    let shared = Shared {
        config,
        cells: CellScanner::new(&scanner),
        scanner,
        out,
        stats: Arc::default(),
        config_file: settings.path.as_deref().and_then(|p| p.canonicalize().ok()),
        state,
    };

    let progress = if show_progress {
        // A rescan's ETA: what the last complete scan of the state covered.
        let expected = config
            .state
            .state
            .as_deref()
            .and_then(|p| crate::state::Store::open_read_only(p).ok())
            .and_then(|store| store.expected_totals().ok().flatten());
        Progress::start(terminal, expected, progress_reader(&shared.stats))
    } else {
        Progress::off()
    };
    let mut pending: Vec<PathBuf> = Vec::new();
    for input in &config.inputs {
        match input {
            Input::Path(p) if db::postgres::is_url(p.as_os_str()) => {
                walk_paths(&shared, &mut pending, &excludes);
                if interrupt::interrupted() {
                    break;
                }
                if !config.scale.plan.owns(p.to_string_lossy().as_bytes()) {
                    continue;
                }
                db::postgres::scan(&shared, &p.to_string_lossy());
            }
            Input::Path(p) => pending.push(p.clone()),
            Input::Stdin => {
                walk_paths(&shared, &mut pending, &excludes);
                if interrupt::interrupted() {
                    break;
                }
                if !config.scale.plan.owns(b"-") {
                    continue;
                }
                enlarge_pipe(&io::stdin());
                scan_stream(&shared, "-", io::stdin().lock());
            }
        }
    }
    walk_paths(&shared, &mut pending, &excludes);
    drop(progress);

    let summary = shared.stats.summary(
        started.elapsed().as_millis().min(u64::MAX as u128) as u64,
        kinds,
        &if kinds.contains(Kind::Custom) {
            settings.custom_kinds()
        } else {
            Vec::new()
        },
    );
    let summary = Summary {
        interrupted: interrupt::interrupted(),
        binary_mode: config.limits.binary.as_str(),
        sample_rows: config.db.sample_rows,
        shard: config
            .scale
            .plan
            .shard
            .map(|s| (s, config.scale.plan.split_size)),
        ..summary
    };
    let complete = !summary.interrupted && !shared.out.is_closed();
    let summary = match shared.state.as_ref().map(|s| s.finish(&summary, complete)) {
        None => summary,
        Some(Ok(state)) => Summary {
            state: Some(state),
            ..summary
        },
        Some(Err(msg)) => {
            eprintln!("cprscan: {msg}");
            Summary {
                errors: summary.errors + 1,
                ..summary
            }
        }
    };
    let out = &shared.out;
    if config.write_baseline {
        let mut baseline = Baseline::default();
        let key = fingerprinter.as_ref().expect("checked above");
        for (place, f) in out.take_collected() {
            if f.suppressed.is_none() {
                baseline.insert(&place.joined(), f.kind_name(), &key.fingerprint_of(&f));
            }
        }
        let _ = out.document(&baseline.to_json());
    } else if config.format == Format::Sarif {
        let custom: Vec<(String, String)> = settings
            .rules
            .iter()
            .map(|r| (r.spec.kind.clone(), r.description.clone()))
            .collect();
        let log = sarif::log(&out.take_collected(), fingerprinter.as_ref(), &custom);
        let _ = out.document(&format!("{log}\n"));
    }
    let stale = out.stale_baseline_entries();
    if config.baseline_stale != Stale::Off {
        for e in &stale {
            out.message(&format!(
                "cprscan: stale baseline entry (no longer found): {} {} {}",
                e.path, e.kind, e.fingerprint
            ));
        }
    }
    if !out.is_closed() {
        out.summary(&summary);
    }
    let _ = out.flush();
    let failing = shared.stats.failing.load(Ordering::Relaxed)
        || (config.baseline_stale == Stale::Fail && !stale.is_empty());
    if config.write_baseline && !summary.interrupted && summary.errors == 0 {
        return EXIT_CLEAN;
    }
    exit_status(&summary, failing)
}

/// What the progress line shows, read from the workers' counters (atomics only: no lock).
fn progress_reader(stats: &Arc<Stats>) -> impl Fn() -> progress::Snapshot + Send + 'static {
    let stats = Arc::clone(stats);
    move || progress::Snapshot {
        files: stats.files.load(Ordering::Relaxed) + stats.cached_files.load(Ordering::Relaxed),
        bytes: stats.bytes.load(Ordering::Relaxed) + stats.cached_bytes.load(Ordering::Relaxed),
        findings: stats
            .findings
            .iter()
            .flatten()
            .map(|n| n.load(Ordering::Relaxed))
            .sum(),
    }
}

fn exit_status(s: &Summary, failing: bool) -> i32 {
    if s.interrupted {
        EXIT_INTERRUPTED
    } else if s.errors > 0 {
        EXIT_ERROR
    } else if failing {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Walks and scans the pending paths in parallel, then clears them.
fn walk_paths(shared: &Shared, pending: &mut Vec<PathBuf>, excludes: &Excludes) {
    if pending.is_empty() {
        return;
    }
    let builder = walk::builder(pending, shared.config, excludes.clone());
    // One file named (a big log, say), or files on one thread: nothing to walk in parallel.
    // A parallel walker would start a thread per core to find that out, and its idle ones wait
    // for the busy one in naps of a millisecond; a big file is split across threads by
    // `scan_file` anyway. Many files named on several threads (a shell glob) keep the parallel
    // walker, which reads them side by side.
    let one_at_a_time = pending.len() == 1 || shared.config.threads <= 1;
    if one_at_a_time
        && pending
            .iter()
            .all(|p| p.metadata().is_ok_and(|m| m.is_file()))
    {
        let mut searcher = Searcher::default();
        let mut buf = Vec::with_capacity(64 * 1024);
        for entry in builder.build() {
            if interrupt::interrupted() {
                break;
            }
            visit(shared, entry, &mut searcher, &mut buf);
            if shared.out.is_closed() || interrupt::interrupted() {
                break;
            }
        }
        pending.clear();
        return;
    }
    let walker = builder.build_parallel();
    walker.run(|| {
        let mut searcher = Searcher::default();
        let mut buf = Vec::with_capacity(64 * 1024);
        Box::new(move |entry| {
            if interrupt::interrupted() {
                return WalkState::Quit;
            }
            visit(shared, entry, &mut searcher, &mut buf);
            if shared.out.is_closed() || interrupt::interrupted() {
                WalkState::Quit
            } else {
                WalkState::Continue
            }
        })
    });
    pending.clear();
}

fn visit(
    shared: &Shared,
    entry: Result<ignore::DirEntry, ignore::Error>,
    searcher: &mut Searcher,
    buf: &mut Vec<u8>,
) {
    let entry = match entry {
        Ok(e) => e,
        Err(err) => {
            // A dangling link holds nothing to read: met during a walk it is a skip, not an
            // error; named on the command line it is an error, like a missing path.
            if let Some((path, depth)) = walk::dangling_link(&err) {
                let why = "symbolic link to a missing target: nothing to read";
                return if depth == 0 {
                    shared.error(&display(shared, &path), why)
                } else {
                    shared.skip(&display(shared, &path), "symlink", why)
                };
            }
            let path = walk::error_path(&err).unwrap_or_default();
            if shared.config.scale.plan.owns(&shard::key(&path, 0)) {
                shared.error(&display(shared, &path), &walk::error_message(&err));
            }
            return;
        }
    };
    let path = display(shared, entry.path());
    let plan = &shared.config.scale.plan;
    let action = walk::classify(&entry);
    if !matches!(action, Action::Descend | Action::File)
        && !plan.owns(&shard::key(entry.path(), entry.depth()))
    {
        return;
    }
    match action {
        Action::Descend => {}
        Action::Skip(why) => {
            let reason = if why.starts_with("symbolic link") {
                "symlink"
            } else {
                "special-file"
            };
            shared.skip(&path, reason, why)
        }
        Action::Stream => match File::open(entry.path()) {
            Ok(f) => {
                enlarge_pipe(&f);
                scan_stream(shared, &path, f)
            }
            Err(e) => shared.error(&path, &format!("cannot open: {e}")),
        },
        Action::File => {
            if is_config_file(shared, entry.path()) {
                return shared.skip(
                    &path,
                    "config-file",
                    "the configuration file in use: not scanned",
                );
            }
            // Only a sharded run needs the length here; a walked entry's metadata is a system
            // call (statx), so an unsharded run does not ask for it.
            let share = match plan.shard.is_some().then(|| entry.metadata()) {
                Some(Ok(md)) => plan.share(&shard::key(entry.path(), entry.depth()), md.len()),
                _ => Share::Whole,
            };
            if share == Share::Nothing {
                return;
            }
            if let Some(max) = shared.config.max_filesize {
                if let Ok(md) = entry.metadata() {
                    if md.len() > max {
                        if matches!(share, Share::Ranges { first: false, .. }) {
                            return;
                        }
                        let why = format!(
                            "larger than --max-filesize ({} > {max} bytes): not scanned",
                            md.len()
                        );
                        shared.skip(&path, "max-filesize", &why);
                        return;
                    }
                }
            }
            match share {
                Share::Ranges { ranges, first } => {
                    scan_ranges(shared, entry.path(), &path, &ranges, first, searcher, buf)
                }
                _ => match &shared.state {
                    Some(state) => {
                        scan_file_with_state(shared, state, &entry, &path, searcher, buf)
                    }
                    None => scan_file(shared, entry.path(), &path, searcher, buf),
                },
            }
        }
    }
}

/// With `--state`: replays the findings of a file unchanged since the state recorded it
/// (without opening it), or reads it and records it.
fn scan_file_with_state(
    shared: &Shared,
    state: &crate::state::Session,
    entry: &ignore::DirEntry,
    shown: &str,
    searcher: &mut Searcher,
    buf: &mut Vec<u8>,
) {
    let Ok(md) = entry.metadata() else {
        return scan_file(shared, entry.path(), shown, searcher, buf);
    };
    if state.is_state_file(entry.path()) {
        return shared.skip(shown, "state-file", "the state file in use: not scanned");
    }
    if let Some((found, moved_from)) = state.unchanged(shown, entry.path(), &md) {
        let mut output =
            InputOutput::new(&shared.out, Place::new(shown), false, std::mem::take(buf));
        output.cached(found, &state.recorder(), moved_from);
        shared.stats.cached_files.fetch_add(1, Ordering::Relaxed);
        shared
            .stats
            .cached_bytes
            .fetch_add(md.len(), Ordering::Relaxed);
        *buf = finish_output(shared, shown, output, Ok(0));
        return;
    }
    state.begin(shown);
    scan_file(shared, entry.path(), shown, searcher, buf);
    state.scanned(shown, entry.path(), &md);
}

/// Scans this shard's byte ranges of a file cut by `--split-size` (see [`crate::shard`]), each
/// range's records together. A file that cannot be scanned in pieces (a SQLite database, a
/// CSV file read by its columns) is scanned whole by the owner of its first range.
fn scan_ranges(
    shared: &Shared,
    path: &Path,
    shown: &str,
    ranges: &[std::ops::Range<u64>],
    first: bool,
    searcher: &mut Searcher,
    buf: &mut Vec<u8>,
) {
    let file = match open_read_only(path) {
        Ok(f) => f,
        Err(e) if first => return shared.error(shown, &format!("cannot open: {e}")),
        Err(_) => return,
    };
    if !matches!(sniff(shared, &file, path), Sniffed::Plain { .. }) {
        if first {
            scan_file(shared, path, shown, searcher, buf);
        }
        return;
    }
    let len = match file.metadata() {
        Ok(md) => md.len(),
        Err(e) => return shared.error(shown, &format!("cannot read metadata: {e}")),
    };
    if first {
        shared.stats.files.fetch_add(1, Ordering::Relaxed);
    }
    let at = |offset: u64, b: &mut [u8]| {
        if interrupt::interrupted() {
            return Ok(0);
        }
        read_at(&file, b, offset)
    };
    for range in ranges {
        if interrupt::interrupted() || shared.out.is_closed() {
            return;
        }
        let mut output =
            InputOutput::new(&shared.out, Place::new(shown), false, std::mem::take(buf));
        let mut sink = |batch: &[crate::finding::Finding]| output.findings(batch);
        let res = search_range(
            &shared.scanner,
            &at,
            len,
            range.clone(),
            shared.config.threads,
            PART,
            &mut sink,
        );
        if let Ok(n) = &res {
            shared.stats.bytes.fetch_add(*n, Ordering::Relaxed);
        }
        *buf = finish_output(shared, shown, output, res);
    }
}

/// Whether `path` is the configuration file in use (compared by name first: cheap).
fn is_config_file(shared: &Shared, path: &Path) -> bool {
    shared.config_file.as_deref().is_some_and(|config| {
        config.file_name() == path.file_name() && path.canonicalize().is_ok_and(|p| p == config)
    })
}

/// A path as shown in records: lossy UTF-8 of the path as given joined with the walked part,
/// with the personal data its names hold masked unless `--show-values` (see
/// [`crate::place::mask_names`]).
fn display(shared: &Shared, path: &Path) -> String {
    let text = path.to_string_lossy();
    if shared.config.show_values {
        return text.into_owned();
    }
    crate::place::mask_names(&text, &shared.scanner).into_owned()
}

fn scan_file(
    shared: &Shared,
    path: &Path,
    shown: &str,
    searcher: &mut Searcher,
    buf: &mut Vec<u8>,
) {
    let file = match open_read_only(path) {
        Ok(f) => f,
        Err(e) => return shared.error(shown, &format!("cannot open: {e}")),
    };
    shared.stats.files.fetch_add(1, Ordering::Relaxed);
    let (output, short) = match sniff(shared, &file, path) {
        Sniffed::Sqlite => return db::sqlite::scan(shared, path, shown),
        Sniffed::Columns(header) => {
            let output =
                InputOutput::new(&shared.out, Place::new(shown), false, std::mem::take(buf));
            *buf = search_columns(shared, searcher, file, shown, output, header);
            return;
        }
        Sniffed::Format(format) => {
            let out = std::mem::take(buf);
            *buf = formats::scan_file(shared, searcher, file, shown, format, out);
            return;
        }
        Sniffed::Plain { short } => (
            InputOutput::new(&shared.out, Place::new(shown), false, std::mem::take(buf)),
            short,
        ),
    };
    #[cfg(not(unix))]
    let _ = short;
    // A file the sniff read whole is far below the split size: no need to ask its length.
    #[cfg(unix)]
    if shared.config.threads > 1 && !short {
        if let Some(len) = file.metadata().ok().map(|m| m.len()) {
            if len >= PARALLEL_MIN {
                *buf = search_split(shared, &file, len, shown, output);
                return;
            }
        }
    }
    *buf = search(shared, searcher, file, shown, output);
}

/// What a file's first bytes (and, for delimited files, its name) say it is.
enum Sniffed {
    /// A SQLite database: scanned table by table.
    Sqlite,
    /// A delimited file whose first row is a header: scanned with its columns as context.
    Columns(csv_columns::Header),
    /// Not plain text: compressed, an archive, a document, another encoding, binary
    /// ([`crate::extract`]).
    Format(crate::extract::Format),
    /// Plain text; `short` when the sniff's one read held all of it (under
    /// [`crate::extract::HEAD`] bytes, far below [`PARALLEL_MIN`]).
    Plain { short: bool },
}

/// Reads the start of `file` (with `pread`, leaving its position alone) to tell a SQLite
/// database, a delimited file with a header, or another format ([`crate::extract::sniff`])
/// from plain text. A file not named like a delimited file costs one read of 8 KiB.
fn sniff(shared: &Shared, file: &File, path: &Path) -> Sniffed {
    // One read of the first 8 KiB tells every format but a delimited file's columns.
    let by_content = || match formats::sniff_file(file) {
        (crate::extract::Format::Plain, short) => Sniffed::Plain { short },
        (crate::extract::Format::Sqlite, _) => Sniffed::Sqlite,
        (other, _) => Sniffed::Format(other),
    };
    if !csv_columns::is_delimited_name(path) {
        return by_content();
    }
    // The 64 KiB head is a per-thread buffer: a fresh zeroed one per delimited file cost more
    // (allocation and zeroing) than sniffing it.
    let sniffed = CSV_HEAD.with_borrow_mut(|head| {
        head.resize(csv_columns::HEAD, 0);
        let n = read_head(file, head);
        if db::sqlite::is_sqlite(&head[..n]) {
            return Some(Sniffed::Sqlite);
        }
        csv_columns::sniff(&head[..n], n < head.len(), &shared.cells).map(Sniffed::Columns)
    });
    sniffed.unwrap_or_else(by_content)
}

thread_local! {
    /// The buffer [`sniff`] reads a delimited file's head into; only `..n` of a read is looked at.
    static CSV_HEAD: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Fills `head` from the start of `file` as far as it goes; returns how far.
fn read_head(file: &File, head: &mut [u8]) -> usize {
    let mut filled = 0;
    while filled < head.len() {
        match read_at(file, &mut head[filled..], filled as u64) {
            Ok(0) | Err(_) => break,
            Ok(n) => filled += n,
        }
    }
    filled
}

/// Searches a delimited file with a header: the scanner reports every confidence, and a
/// [`csv_columns::CsvSink`] lets each cell's column judge its findings before they are output.
fn search_columns(
    shared: &Shared,
    searcher: &mut Searcher,
    reader: File,
    shown: &str,
    mut output: InputOutput,
    header: csv_columns::Header,
) -> Vec<u8> {
    let mut counting = CountingReader {
        inner: reader,
        n: 0,
    };
    let sink = |batch: &[crate::finding::Finding]| output.findings(batch);
    let mut columns = csv_columns::CsvSink::new(sink, &shared.cells, header);
    let res = searcher
        .search_reader(shared.cells.scanner(), &mut counting, &mut columns)
        .and_then(|n| columns.finish().map(|()| n).map_err(SearchError::Sink));
    drop(columns);
    shared.stats.bytes.fetch_add(counting.n, Ordering::Relaxed);
    finish_output(shared, shown, output, res)
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_at(_file: &File, _buf: &mut [u8], _offset: u64) -> io::Result<usize> {
    Ok(0)
}

/// Files at least this big are split into parts scanned by all threads at once: one big file
/// would otherwise keep one core busy and the others idle.
const PARALLEL_MIN: u64 = 16 << 20;
const _: () = assert!((crate::extract::HEAD as u64) < PARALLEL_MIN);

/// Searches one big file with all threads (see [`search_parallel`]); like [`search`] otherwise.
#[cfg(unix)]
fn search_split(
    shared: &Shared,
    file: &File,
    len: u64,
    shown: &str,
    mut output: InputOutput,
) -> Vec<u8> {
    use std::os::unix::fs::FileExt;
    // After Ctrl-C a part reads as empty: the parts already read are reported, no more is read.
    let read_at = |offset: u64, buf: &mut [u8]| {
        if interrupt::interrupted() {
            return Ok(0);
        }
        file.read_at(buf, offset)
    };
    let mut sink = |batch: &[crate::finding::Finding]| output.findings(batch);
    let res = search_parallel(
        &shared.scanner,
        &read_at,
        len,
        shared.config.threads,
        PART,
        &mut sink,
    );
    shared.stats.bytes.fetch_add(len, Ordering::Relaxed);
    finish_output(shared, shown, output, res)
}

fn scan_stream<R: Read>(shared: &Shared, shown: &str, mut reader: R) {
    shared.stats.files.fetch_add(1, Ordering::Relaxed);
    let mut head = [0u8; crate::extract::HEAD];
    let (format, n) = match formats::sniff(&mut reader, &mut head) {
        Ok(sniffed) => sniffed,
        Err(e) => return shared.error(shown, &format!("read error: {e}")),
    };
    let head = &head[..n];
    if !format.is_plain() {
        return formats::scan_stream(shared, &mut reader, head, shown, format);
    }
    let mut searcher = Searcher::new(STREAM_CHUNK);
    let output = InputOutput::new(&shared.out, Place::new(shown), true, Vec::new());
    search(shared, &mut searcher, head.chain(reader), shown, output);
}

/// Searches one input into its output, counts, and reports a read error after the findings
/// that came before it. Returns the output buffer for reuse.
fn search<R: Read>(
    shared: &Shared,
    searcher: &mut Searcher,
    reader: R,
    shown: &str,
    mut output: InputOutput,
) -> Vec<u8> {
    let mut counting = CountingReader {
        inner: reader,
        n: 0,
    };
    let mut sink = |batch: &[crate::finding::Finding]| output.findings(batch);
    let res = searcher.search_reader(&shared.scanner, &mut counting, &mut sink);
    shared.stats.bytes.fetch_add(counting.n, Ordering::Relaxed);
    finish_output(shared, shown, output, res)
}

/// Counts an input's findings, writes what is left of its output, and reports a read error
/// after the findings that came before it. Returns the output buffer for reuse.
fn finish_output(
    shared: &Shared,
    shown: &str,
    output: InputOutput,
    res: Result<u64, SearchError>,
) -> Vec<u8> {
    let stats = &shared.stats;
    for (total, counts) in stats.findings.iter().zip(output.counts) {
        for (t, n) in total.iter().zip(counts) {
            t.fetch_add(n, Ordering::Relaxed);
        }
    }
    if !output.custom.is_empty() {
        let mut custom = stats.custom.lock().unwrap_or_else(|e| e.into_inner());
        for (name, counts) in &output.custom {
            for (conf, n) in counts.iter().enumerate() {
                crate::output::count_by_name(&mut custom, name, conf, *n);
            }
        }
    }
    stats
        .suppressed
        .fetch_add(output.suppressed, Ordering::Relaxed);
    if output.failing {
        stats.failing.store(true, Ordering::Relaxed);
    }
    let (flushed, buf) = output.finish();
    match res {
        Ok(_) => {}
        Err(SearchError::Read(e)) => shared.error(shown, &format!("read error: {e}")),
        Err(SearchError::Sink(_)) => {}
    }
    let _ = flushed;
    buf
}

/// Counts the bytes read, so a read error still reports how much was scanned.
struct CountingReader<R> {
    inner: R,
    n: u64,
}

impl<R: Read> Read for CountingReader<R> {
    /// Ends the input early (as if at its end) once a stop is asked for: what was read is
    /// reported, nothing more is read.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if interrupt::interrupted() {
            return Ok(0);
        }
        let n = match self.inner.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted && interrupt::interrupted() => 0,
            res => res?,
        };
        self.n += n as u64;
        Ok(n)
    }
}

/// Opens a file for reading without updating its access time where the OS allows it
/// (cprscan never changes what it scans, atime included, when it can help it).
pub(crate) fn open_read_only(path: &Path) -> io::Result<File> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        if let Ok(f) = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOATIME)
            .open(path)
        {
            return Ok(f);
        }
    }
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_report_names_the_source_location_and_says_the_message_is_withheld() {
        let here = std::panic::Location::caller();
        let report = panic_report(Some(here));
        assert!(
            report.contains(&format!("{}:{}:", here.file(), here.line())),
            "{report}"
        );
        assert!(report.contains("withheld"), "{report}");
        assert!(panic_report(None).contains("an unknown location"));
    }
}
