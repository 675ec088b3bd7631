//! `cprscan report FILE.jsonl… -o report.html`: one self-contained HTML page for people (a DPO,
//! an IT admin) from JSON-lines outputs: what was scanned, totals by kind and confidence, a
//! folder tree, the top files, a trend over the scans given, and every finding, masked.
//!
//! Each input file is one scan, oldest first; the last is the current scan, shown in detail.
//! [`model`] holds what the page shows as plain data (the seam for other sources of scans),
//! [`tally`] the counts worked out from it, [`html`] the page.

pub mod from_state;
pub mod html;
pub mod model;
pub mod tally;

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};

use crate::run::{EXIT_CLEAN, EXIT_ERROR};

/// `cprscan report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// JSON-lines outputs of scans (`-` for stdin), oldest first: each is one point of the
    /// trend, and the last one is the scan shown in detail.
    #[arg(
        value_name = "FILE",
        required_unless_present = "state",
        conflicts_with = "state"
    )]
    pub files: Vec<PathBuf>,

    /// Read the scans from a state file written by `cprscan --state FILE`: its complete scans
    /// are the trend, the latest is shown in detail, with each finding's status.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Write the HTML page to FILE (replaced if it exists).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Files listed in "top files".
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,

    /// Finding rows shown in the per-file detail in all; files past it keep their counts but
    /// not their rows, so a huge scan still gives a page a browser opens. Counts are never cut.
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    pub detail_limit: usize,
}

/// Runs `cprscan report`; returns the exit status (0 written, 2 an input or the output failed).
pub fn main(args: &ReportArgs) -> i32 {
    match report(args) {
        Ok(()) => EXIT_CLEAN,
        Err(msg) => {
            eprintln!("cprscan report: {msg}");
            EXIT_ERROR
        }
    }
}

fn report(args: &ReportArgs) -> Result<(), String> {
    let input = match &args.state {
        Some(state) => from_state::read(state)?,
        None => {
            let mut sources = Vec::new();
            for file in &args.files {
                sources.push(open(file)?);
            }
            model::from_json_lines(sources)?
        }
    };
    let page = html::render(
        &input,
        html::Options {
            top_files: args.top,
            detail_limit: args.detail_limit,
        },
    );
    write_page(&args.output, &page).map_err(|e| format!("{}: {e}", args.output.display()))
}

/// A JSON-lines input, named by its file name, dated by its modification time.
fn open(file: &Path) -> Result<model::Source<'static>, String> {
    if file.as_os_str() == "-" {
        return Ok(model::Source {
            label: "stdin".into(),
            when: Some(model::utc_minutes(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs()),
            )),
            reader: Box::new(BufReader::new(io::stdin())),
        });
    }
    let f = File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(model::Source {
        label: file.to_string_lossy().into_owned(),
        when: model::modified_utc(file).ok(),
        reader: Box::new(BufReader::with_capacity(256 * 1024, f)),
    })
}

/// Writes the page to a temporary file beside `path` and renames it over `path`, so a reader
/// never sees half a page.
fn write_page(path: &Path, page: &str) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let name = path
        .file_name()
        .map_or("report".into(), |n| n.to_string_lossy());
    let tmp = dir
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.{}.tmp", std::process::id()));
    let written = File::create(&tmp).and_then(|mut f| {
        f.write_all(page.as_bytes())?;
        f.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}
