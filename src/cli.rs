//! The command line: clap's derive types, converted once into a plain [`Config`] that the rest
//! of the program reads (so nothing else depends on clap).

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::date::Date;
use crate::db::DbOptions;
use crate::extract::{BinaryMode, Limits};
use crate::finding::Confidence;
use crate::scanner::KindSet;

const EXAMPLES: &str = "\
Examples:
  Sweep a file share for a minimisation review (JSON lines, values masked):
    cprscan /mnt/share > findings.jsonl

  Watch a log stream; each line is reported as it arrives:
    tail -f /var/log/app.log | cprscan -

  Gate CI on test fixtures (exit 1 on a finding, 2 on an unreadable path):
    cprscan --format text tests/fixtures

Exit status: 0 no finding at or above --min-confidence, 1 findings, 2 an error (2 wins).";

/// Find Danish CPR numbers in files, directory trees and streams; report them masked as JSON
/// lines.
#[derive(Debug, Parser)]
#[command(name = "cprscan", version, about, after_help = EXAMPLES, args_override_self = true)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub scan: ScanArgs,
}

/// The options of a scan (also taken by `cprscan baseline write`).
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files or directories to scan (directories recursively); `-` is stdin. Without a path:
    /// stdin when it is not a terminal, else the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Skip files and directories matching GLOB: against the name when GLOB has no `/`,
    /// against the path relative to the scanned root otherwise. Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Honour .gitignore, .ignore and git exclude files (off by default: a file share's data
    /// is often exactly what a repository ignores).
    #[arg(long)]
    pub gitignore: bool,

    /// Skip files larger than SIZE (bytes, or with a K, M, G suffix, powers of 1024); each skip
    /// is reported.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_filesize: Option<u64>,

    /// Open containers (archives, compressed files, documents, e-mails) nested up to N deep:
    /// `a.zip!b.tar.gz!c.docx` is 3 deep. Archive nesting, not directory depth.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub max_depth: u32,

    /// Stop reading a file once SIZE bytes were decompressed from it, every level counted
    /// (archive bombs); the rest is reported as not scanned. K, M, G suffixes.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1G")]
    pub max_decompressed: u64,

    /// Binary files (NUL bytes, no known format): scan their printable text runs, or skip
    /// them (each reported). The choice is shown in the summary.
    #[arg(long, value_enum, value_name = "WHAT", default_value_t = BinaryArg::Text)]
    pub binary: BinaryArg,

    /// Follow symbolic links; loops are detected and reported.
    #[arg(short = 'L', long)]
    pub follow: bool,

    /// Worker threads (default: the number of cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Output format: JSON lines (schema v1, see docs/output.md), one human line per finding,
    /// a SARIF 2.1.0 log (for code-review UIs), or one JSON line of counts per file.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,

    /// Exit with status 1 only for findings at or above this confidence; lower ones are still
    /// reported.
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = ConfidenceArg::Medium)]
    pub fail_on: ConfidenceArg,

    /// Report only findings not in this baseline (written by `cprscan baseline write`); needs
    /// the key the baseline was written with.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// What to do about baseline entries no longer found in the files scanned: say nothing,
    /// list them on stderr, or list them and exit 1.
    #[arg(long, value_enum, value_name = "WHAT", default_value_t = Stale::Warn)]
    pub baseline_stale: Stale,

    /// Ignore `cprscan:ignore` and `cprscan:ignore-next-line` markers (for audits).
    #[arg(long)]
    pub no_inline_ignore: bool,

    /// Add a `context` field: up to N bytes each side of the finding (at most 200), on its
    /// line, with every detected span of any kind masked and control characters escaped.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=200))]
    pub context: Option<u16>,

    /// DANGEROUS: print raw values instead of masked ones. The output then holds the very
    /// personal data the scan found; keep it out of logs, tickets and CI artefacts.
    #[arg(long)]
    pub show_values: bool,

    /// Database tables to scan (PostgreSQL URLs, SQLite files): GLOB against `schema.table`
    /// when it has a `.`, against the table's name otherwise. Repeatable; default: every table
    /// and view.
    #[arg(long, value_name = "GLOB", help_heading = "Databases")]
    pub tables: Vec<String>,

    /// Database tables not to scan (GLOB as for --tables). Repeatable.
    #[arg(long, value_name = "GLOB", help_heading = "Databases")]
    pub exclude_tables: Vec<String>,

    /// Scan at most N rows per database table: a sample for a first look, marked in the
    /// summary.
    #[arg(long, value_name = "N", help_heading = "Databases")]
    pub sample_rows: Option<u64>,

    /// The longest one statement may run on a PostgreSQL server (`30s`, `5min`, `500ms`; `0`
    /// for the server's setting).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration,
          help_heading = "Databases")]
    pub statement_timeout: std::time::Duration,

    /// Scan only shard K of N (K from 0): the files whose path below the scan root hashes
    /// (FNV-1a 64, see docs/sharding.md) to K mod N, and the byte ranges of bigger files that
    /// fall to K. The N shards are disjoint and together cover the whole walk.
    #[arg(long, value_name = "K/N", value_parser = crate::shard::Shard::parse,
          help_heading = "Sweeps over several machines")]
    pub shard: Option<crate::shard::Shard>,

    /// With --shard: cut files bigger than SIZE into byte ranges of SIZE that go to shards on
    /// their own (findings and line numbers stay exactly those of an unsplit scan).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1G",
          help_heading = "Sweeps over several machines")]
    pub split_size: u64,

    /// Scan the paths listed in FILE (`-` for stdin), one per line, in addition to any PATH.
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Sweeps over several machines"
    )]
    pub files_from: Option<PathBuf>,

    /// With --files-from: the list is NUL-separated (as `find -print0` writes it).
    #[arg(
        short = '0',
        long = "null",
        requires = "files_from",
        help_heading = "Sweeps over several machines"
    )]
    pub null: bool,

    /// Write the records to FILE instead of stdout, whole lines at a time (a killed run leaves
    /// only complete lines); the file is replaced.
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Sweeps over several machines"
    )]
    pub output: Option<PathBuf>,

    /// No progress line on stderr (it is shown only when stderr is a terminal and the records
    /// go elsewhere).
    #[arg(short, long)]
    pub quiet: bool,

    #[command(flatten)]
    pub detect: DetectArgs,

    #[command(flatten)]
    pub state: crate::state::StateArgs,
}

/// What to look for and with which settings: shared by a scan, `baseline write` and `redact`.
#[derive(Debug, clap::Args)]
pub struct DetectArgs {
    /// Kinds to look for, comma-separated (`all` for every kind, `default` for the defaults);
    /// `cprscan kinds` lists them. Default: cpr, cpr-substitute, email, phone, iban, card, and
    /// `custom` (the user rules of the configuration file, if any).
    #[arg(long, value_name = "LIST", value_parser = KindSet::parse)]
    pub kinds: Option<KindSet>,

    /// Report findings at or above this confidence (default: the configuration file's
    /// `min_confidence`, else medium). Per-kind minimums of the file still apply.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<ConfidenceArg>,

    /// Read settings, user rules and allowlists from FILE (default: the first cprscan.toml in
    /// the current directory or above it).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any cprscan.toml.
    #[arg(long)]
    pub no_config: bool,

    /// Add a keyed `fingerprint` (HMAC-SHA256 of kind + normalised value) to each finding,
    /// with the key read from FILE. Without this option the key comes from the CPRSCAN_KEY
    /// environment variable; with neither there is no fingerprint field.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,

    /// Treat this date (YYYY-MM-DD) as today when rejecting future birth dates (for tests).
    #[arg(long, hide = true, value_parser = parse_date)]
    pub today: Option<Date>,
}

/// Commands other than a scan. A directory named like a command is scanned as `./kinds`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every kind cprscan can look for, and whether it is on by default.
    Kinds,
    /// Accept the current findings: `cprscan baseline write PATH... > .cprscan-baseline.json`.
    Baseline {
        #[command(subcommand)]
        action: BaselineAction,
    },
    /// Copy a file or stdin to stdout with every finding replaced (masked by default) and every
    /// other byte unchanged: `tail -f app.log | cprscan redact | shipper`.
    Redact(RedactArgs),
    /// Combine the JSON-lines outputs of shards (or of separate runs) into one: findings
    /// ordered by path and offset, summaries added up, errors kept. Refuses missing or
    /// duplicated shards and shards of different counts.
    Merge(crate::merge::MergeArgs),
    /// Write one self-contained HTML page for people from JSON-lines outputs (oldest first;
    /// the last is shown in detail): totals, folders, top files, trend, every finding masked.
    Report(crate::report::ReportArgs),
    /// List the findings that appeared and disappeared between the last two complete scans
    /// recorded in a state file (`cprscan --state FILE`), as JSON lines or text.
    Diff(crate::state::diff::DiffArgs),
    /// Work with the detection rules.
    Rules {
        #[command(subcommand)]
        action: RulesAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum BaselineAction {
    /// Scan as usual and print a baseline of the findings (path, kind and keyed fingerprint;
    /// no values, no line numbers) instead of reporting them. Needs a key (--key-file or
    /// CPRSCAN_KEY).
    Write {
        /// Boxed: the scan's options are many, and the command enum stays small.
        #[command(flatten)]
        scan: Box<ScanArgs>,
    },
}

/// `cprscan redact`.
#[derive(Debug, clap::Args)]
pub struct RedactArgs {
    /// The input: a file, or `-` (the default) for stdin.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE", conflicts_with = "in_place")]
    pub output: Option<PathBuf>,

    /// Rewrite the file itself, atomically (a temporary file renamed over it); refuses
    /// symbolic links and read-only files.
    #[arg(long)]
    pub in_place: bool,

    /// How findings are replaced.
    #[arg(long, value_enum, default_value_t = crate::redact::Style::Mask)]
    pub style: crate::redact::Style,

    /// Also write the findings of the same pass to FILE as JSON lines (offsets refer to the
    /// input).
    #[arg(long, value_name = "FILE")]
    pub findings: Option<PathBuf>,

    #[command(flatten)]
    pub detect: DetectArgs,
}

impl RedactArgs {
    /// The scan settings a redaction uses.
    pub fn config(&self) -> Config {
        let input = match &self.path {
            Some(p) if p.as_os_str() != "-" => Input::Path(p.clone()),
            _ => Input::Stdin,
        };
        Config {
            inputs: vec![input],
            excludes: Vec::new(),
            gitignore: false,
            max_filesize: None,
            follow: false,
            threads: 1,
            kinds: self.detect.kinds,
            min_confidence: self.detect.min_confidence.map(Confidence::from),
            config_file: self.detect.config.clone(),
            no_config: self.detect.no_config,
            fail_on: Confidence::Medium,
            baseline: None,
            baseline_stale: Stale::Off,
            inline_ignore: false,
            write_baseline: false,
            format: Format::Jsonl,
            show_values: false,
            key_file: self.detect.key_file.clone(),
            context: 0,
            color: false,
            today: self.detect.today,
            limits: Limits::default(),
            db: DbOptions::default(),
            scale: Scale::default(),
            quiet: true,
            state: crate::state::StateArgs::default(),
        }
    }
}

/// `--binary`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BinaryArg {
    Text,
    Skip,
}

/// `--baseline-stale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Stale {
    Off,
    Warn,
    Fail,
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Run every rule's examples and counter-examples (built-in kinds and the configuration's
    /// [[rule]]s); exit 1 listing each failure, 0 when all pass, 2 on a configuration error.
    Check {
        /// The configuration file (default: the first cprscan.toml here or above).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConfidenceArg {
    Low,
    Medium,
    High,
}

impl From<ConfidenceArg> for Confidence {
    fn from(c: ConfidenceArg) -> Confidence {
        match c {
            ConfidenceArg::Low => Confidence::Low,
            ConfidenceArg::Medium => Confidence::Medium,
            ConfidenceArg::High => Confidence::High,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Jsonl,
    Text,
    Sarif,
    Summary,
}

impl Format {
    /// Whether stdout holds JSON lines, so error and summary records go there too; otherwise
    /// they are messages for a person, on stderr.
    pub fn json_lines(self) -> bool {
        matches!(self, Format::Jsonl | Format::Summary)
    }
}

/// One thing to scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Stdin,
    Path(PathBuf),
}

/// Everything a run needs, decided once from the command line.
#[derive(Clone, Debug)]
pub struct Config {
    pub inputs: Vec<Input>,
    pub excludes: Vec<String>,
    pub gitignore: bool,
    pub max_filesize: Option<u64>,
    pub follow: bool,
    pub threads: usize,
    /// `--kinds`, if given (the configuration file decides otherwise).
    pub kinds: Option<KindSet>,
    /// `--min-confidence`, if given.
    pub min_confidence: Option<Confidence>,
    pub config_file: Option<PathBuf>,
    pub no_config: bool,
    pub fail_on: Confidence,
    pub baseline: Option<PathBuf>,
    pub baseline_stale: Stale,
    pub inline_ignore: bool,
    /// `cprscan baseline write`: print a baseline instead of the findings.
    pub write_baseline: bool,
    pub format: Format,
    pub show_values: bool,
    pub key_file: Option<PathBuf>,
    pub context: usize,
    pub color: bool,
    pub today: Option<Date>,
    /// Limits of the source layer (archives, documents, binary files).
    pub limits: Limits,
    /// What to read of databases.
    pub db: DbOptions,
    /// Shards, work lists and the output file of a sweep over several machines.
    pub scale: Scale,
    /// `--quiet`: no progress line.
    pub quiet: bool,
    /// `--state FILE` and its options.
    pub state: crate::state::StateArgs,
}

/// How a run fits into a sweep over several machines.
#[derive(Clone, Debug, Default)]
pub struct Scale {
    pub plan: crate::shard::Plan,
    /// `--files-from`, and whether the list is NUL-separated.
    pub files_from: Option<(PathBuf, bool)>,
    /// `--output`.
    pub output: Option<PathBuf>,
}

impl Config {
    pub fn from_args(args: ScanArgs) -> Config {
        let inputs = if args.paths.is_empty() && args.files_from.is_some() {
            Vec::new()
        } else if args.paths.is_empty() {
            if std::io::stdin().is_terminal() {
                vec![Input::Path(PathBuf::from("."))]
            } else {
                vec![Input::Stdin]
            }
        } else {
            args.paths
                .into_iter()
                .map(|p| {
                    if p.as_os_str() == "-" {
                        Input::Stdin
                    } else {
                        Input::Path(p)
                    }
                })
                .collect()
        };
        let threads = args
            .threads
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let color = args.format == Format::Text
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none();
        Config {
            inputs,
            excludes: args.exclude,
            gitignore: args.gitignore,
            max_filesize: args.max_filesize,
            follow: args.follow,
            threads,
            kinds: args.detect.kinds,
            min_confidence: args.detect.min_confidence.map(Confidence::from),
            config_file: args.detect.config,
            no_config: args.detect.no_config,
            fail_on: args.fail_on.into(),
            baseline: args.baseline,
            baseline_stale: args.baseline_stale,
            inline_ignore: !args.no_inline_ignore,
            write_baseline: false,
            format: args.format,
            show_values: args.show_values,
            key_file: args.detect.key_file,
            context: args.context.map_or(0, usize::from),
            color,
            today: args.detect.today,
            limits: Limits {
                max_depth: args.max_depth,
                max_decompressed: args.max_decompressed,
                binary: match args.binary {
                    BinaryArg::Text => BinaryMode::Text,
                    BinaryArg::Skip => BinaryMode::Skip,
                },
                pdf_child: true,
                ..Limits::default()
            },
            db: DbOptions {
                tables: args.tables,
                exclude_tables: args.exclude_tables,
                sample_rows: args.sample_rows,
                statement_timeout: Some(args.statement_timeout).filter(|t| !t.is_zero()),
            },
            scale: Scale {
                plan: crate::shard::Plan {
                    shard: args.shard,
                    split_size: args.split_size.max(1),
                },
                files_from: args.files_from.map(|f| (f, args.null)),
                output: args.output,
            },
            quiet: args.quiet,
            state: args.state,
        }
    }
}

/// Parses a size: bytes, or a number with a K, M, G or T suffix (powers of 1024; `KiB`, `kb`
/// and the like are accepted too).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let num: u64 = num
        .parse()
        .map_err(|_| format!("not a size: {s:?} (try 10M)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("unknown size unit in {s:?} (use K, M, G or T)")),
    };
    num.checked_mul(1 << shift)
        .ok_or_else(|| format!("size too large: {s:?}"))
}

/// Parses a duration: a number with `ms`, `s`, `min` or `h` (seconds without a unit).
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let num: u64 = num
        .parse()
        .map_err(|_| format!("not a duration: {s:?} (try 30s)"))?;
    let ms = match unit.trim() {
        "ms" => 1,
        "" | "s" => 1000,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        _ => {
            return Err(format!(
                "unknown duration unit in {s:?} (use ms, s, min or h)"
            ))
        }
    };
    num.checked_mul(ms)
        .map(std::time::Duration::from_millis)
        .ok_or_else(|| format!("duration too long: {s:?}"))
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("not a date (YYYY-MM-DD): {s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_use_binary_suffixes() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("10K"), Ok(10 * 1024));
        assert_eq!(parse_size("3M"), Ok(3 << 20));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5X").is_err());
    }

    #[test]
    fn durations_take_a_unit() {
        use std::time::Duration;
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("5min"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3d").is_err());
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }
}
