//! `cprscan merge FILE…`: one stream from the JSON-lines outputs of shards (or of separate
//! runs). Records are ordered by path, then place inside it (member, table, field, row key),
//! then findings by offset before errors, ties broken by the line's bytes, so the same inputs
//! in any order give the same bytes. The summaries are added up into one.
//!
//! Memory stays bounded whatever the inputs' size: the inputs need not be sorted (a shard writes
//! files in the order its parallel walk finishes them); records are sorted in memory up to
//! `--buffer-size` bytes, each full buffer is written to a temporary file as a sorted run, and
//! the runs are merged k-way at the end (an external merge sort).
//!
//! Before anything is written, the inputs are checked: each must end with its summary (a run
//! that was killed has none: scan that shard again), shards must all come from one sweep (same
//! N, same split size), none may be given twice and none may be missing.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::run::{EXIT_CLEAN, EXIT_ERROR};

/// `cprscan merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// JSON-lines outputs of cprscan runs: every shard's `--output` file of one sweep, or the
    /// outputs of separate runs.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// Write the merged records to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Bytes of records sorted in memory before a sorted run is spilled to a temporary file.
    #[arg(long, value_name = "SIZE", default_value = "256M", value_parser = crate::cli::parse_size)]
    pub buffer_size: u64,

    /// Where sorted runs are spilled (default: the system's temporary directory).
    #[arg(long, value_name = "DIR")]
    pub temp_dir: Option<PathBuf>,
}

/// Runs `cprscan merge`; returns the exit status (0 merged, 2 refused or unreadable).
pub fn main(args: &MergeArgs) -> i32 {
    match merge(args) {
        Ok(()) => EXIT_CLEAN,
        Err(msg) => {
            eprintln!("cprscan merge: {msg}");
            EXIT_ERROR
        }
    }
}

/// Where a record sorts: path, place inside it, findings (by offset) before other records,
/// then the line itself.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    path: String,
    member: String,
    table: String,
    field: String,
    row: String,
    rank: u8,
    offset: u64,
}

fn text(v: &Value, name: &str) -> String {
    match &v[name] {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn key_of(v: &Value) -> Key {
    Key {
        path: text(v, "path"),
        member: text(v, "member"),
        table: text(v, "table"),
        field: text(v, "field"),
        row: text(v, "key"),
        rank: match v["type"].as_str() {
            Some("finding") => 0,
            Some("error") => 1,
            _ => 2,
        },
        offset: v["offset"].as_u64().unwrap_or(0),
    }
}

/// A record on its way through the sort.
type Record = (Key, Vec<u8>);

/// What one input's summary says about the sweep it belongs to.
struct Input {
    file: PathBuf,
    summary: Map<String, Value>,
}

fn merge(args: &MergeArgs) -> Result<(), String> {
    let mut runs = Runs::new(args.temp_dir.clone(), args.buffer_size)?;
    let mut inputs = Vec::new();
    for file in &args.files {
        let summary = read_input(file, &mut runs)?;
        inputs.push(Input {
            file: file.clone(),
            summary,
        });
    }
    check_shards(&inputs)?;
    let summary = add_up(&inputs);
    let out: Box<dyn Write> = match &args.output {
        None => Box::new(io::stdout().lock()),
        Some(p) => Box::new(File::create(p).map_err(|e| format!("{}: {e}", p.display()))?),
    };
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    let written = runs.drain(&mut out).and_then(|()| {
        write_summary(&mut out, &summary)?;
        out.flush()
    });
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("writing the merged output: {e}")),
    }
}

/// Reads one input's records into the sort; returns its summary.
fn read_input(file: &Path, runs: &mut Runs) -> Result<Map<String, Value>, String> {
    let shown = file.display();
    let f = File::open(file).map_err(|e| format!("{shown}: {e}"))?;
    let mut reader = BufReader::with_capacity(256 * 1024, f);
    let mut summary = None;
    let mut line = Vec::new();
    for n in 1.. {
        line.clear();
        let got = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("{shown}: {e}"))?;
        if got == 0 {
            break;
        }
        if line.last() != Some(&b'\n') {
            return Err(format!(
                "{shown}: line {n} is unfinished (the run was killed while writing): scan \
                 that shard again"
            ));
        }
        let v: Value = serde_json::from_slice(&line).map_err(|e| {
            format!("{shown}: line {n} is not a cprscan JSON record ({e}); merge reads --format jsonl output")
        })?;
        if summary.is_some() {
            return Err(format!(
                "{shown}: line {n} comes after the summary: one run per file, please"
            ));
        }
        match v {
            Value::Object(map) if map.get("type") == Some(&Value::from("summary")) => {
                summary = Some(map)
            }
            v => runs.push((key_of(&v), line.clone()))?,
        }
    }
    summary.ok_or_else(|| {
        format!(
            "{shown}: no summary line: the run did not finish (killed, or still running); scan \
             that shard again"
        )
    })
}

/// The `shard` object of a summary: (index, count, split size).
type ShardId = (u64, u64, u64);

/// The `shard` object of a summary.
fn shard_of(summary: &Map<String, Value>) -> Option<ShardId> {
    let s = summary.get("shard")?;
    Some((
        s["index"].as_u64()?,
        s["count"].as_u64()?,
        s["split_size"].as_u64().unwrap_or(0),
    ))
}

/// Refuses a mix of shards and plain runs, shards of different sweeps, and a set of shards
/// with one missing or given twice.
fn check_shards(inputs: &[Input]) -> Result<(), String> {
    let shards: Vec<(&Input, Option<ShardId>)> =
        inputs.iter().map(|i| (i, shard_of(&i.summary))).collect();
    let Some(&(first, Some((_, n, split)))) = shards.iter().find(|(_, s)| s.is_some()) else {
        return Ok(());
    };
    let mut seen: Vec<Option<&Path>> = vec![None; n as usize];
    for (input, shard) in &shards {
        let file = input.file.display();
        let Some((k, count, size)) = *shard else {
            return Err(format!(
                "{file} is not a shard (its summary has no \"shard\") but {} is: merge the \
                 shards of one sweep, or separate runs, not both",
                first.file.display()
            ));
        };
        if count != n {
            return Err(format!(
                "{file} is shard {k}/{count} but {} is of {n} shards: these are different sweeps",
                first.file.display()
            ));
        }
        if size != split {
            return Err(format!(
                "{file} was cut with --split-size {size}, {} with {split}: the shards of one \
                 sweep must use the same split size",
                first.file.display()
            ));
        }
        if let Some(other) = seen[k as usize] {
            return Err(format!(
                "shard {k}/{n} given twice: {} and {file}",
                other.display()
            ));
        }
        seen[k as usize] = Some(&input.file);
    }
    let missing: Vec<String> = (0..n)
        .filter(|&k| seen[k as usize].is_none())
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing shards: {} (got {} of {n}); give every shard's output",
            missing.join(", "),
            n as usize - missing.len()
        ));
    }
    Ok(())
}

/// The inputs' summaries added up: counts summed (per kind for `findings`), `elapsed_ms` the
/// longest run's (shards run side by side), flags set if any input had them; `shard` becomes
/// `merged`, the number of inputs.
fn add_up(inputs: &[Input]) -> Map<String, Value> {
    let mut total = Map::new();
    for input in inputs {
        for (name, value) in &input.summary {
            if name == "shard" {
                continue;
            }
            let slot = total.entry(name.clone()).or_insert(Value::Null);
            combine(name, slot, value);
        }
    }
    total.insert("merged".into(), Value::from(inputs.len()));
    total
}

/// Writes the summary with its fields in the order a scan writes them (`type` first), then
/// any others, then `merged`.
fn write_summary(out: &mut dyn Write, summary: &Map<String, Value>) -> io::Result<()> {
    const ORDER: [&str; 12] = [
        "type",
        "files",
        "bytes",
        "findings",
        "errors",
        "skipped",
        "elapsed_ms",
        "tables",
        "rows",
        "sample_rows",
        "suppressed",
        "interrupted",
    ];
    let rest = summary
        .keys()
        .filter(|k| !ORDER.contains(&k.as_str()) && *k != "merged");
    let mut sep = "{";
    for name in ORDER
        .iter()
        .copied()
        .chain(rest.map(String::as_str))
        .chain(["merged"])
    {
        if let Some(v) = summary.get(name) {
            write!(out, "{sep}{}:{v}", Value::from(name))?;
            sep = ",";
        }
    }
    out.write_all(b"}\n")
}

fn combine(name: &str, slot: &mut Value, value: &Value) {
    if slot.is_null() {
        *slot = value.clone();
        return;
    }
    match (slot, value) {
        (Value::Number(a), Value::Number(b)) => {
            let (x, y) = (a.as_u64().unwrap_or(0), b.as_u64().unwrap_or(0));
            let n = match name {
                "elapsed_ms" | "sample_rows" => x.max(y),
                _ => x + y,
            };
            *a = n.into();
        }
        (Value::Bool(a), Value::Bool(b)) => *a |= *b,
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                combine(k, a.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        _ => {}
    }
}

/// The external sort: a buffer of records, and the sorted runs spilled so far.
struct Runs {
    dir: Option<TempDir>,
    temp_root: PathBuf,
    budget: u64,
    held: u64,
    buffer: Vec<Record>,
    spilled: Vec<PathBuf>,
}

impl Runs {
    fn new(temp_dir: Option<PathBuf>, budget: u64) -> Result<Runs, String> {
        Ok(Runs {
            dir: None,
            temp_root: temp_dir.unwrap_or_else(std::env::temp_dir),
            budget: budget.max(1),
            held: 0,
            buffer: Vec::new(),
            spilled: Vec::new(),
        })
    }

    fn push(&mut self, record: Record) -> Result<(), String> {
        self.held += (record.1.len() + record.0.path.len() + 64) as u64;
        self.buffer.push(record);
        if self.held >= self.budget {
            self.spill()
                .map_err(|e| format!("spilling a sorted run to a temporary file: {e}"))?;
        }
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        if self.dir.is_none() {
            self.dir = Some(TempDir::new(&self.temp_root)?);
        }
        let dir = self.dir.as_ref().expect("just made").0.clone();
        let path = dir.join(format!("run-{}.jsonl", self.spilled.len()));
        let mut w = BufWriter::new(File::create(&path)?);
        self.buffer.sort_unstable();
        for (_, line) in self.buffer.drain(..) {
            w.write_all(&line)?;
        }
        w.flush()?;
        self.spilled.push(path);
        self.held = 0;
        Ok(())
    }

    /// Writes every record in order.
    fn drain(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.spilled.is_empty() {
            self.buffer.sort_unstable();
            for (_, line) in &self.buffer {
                out.write_all(line)?;
            }
            return Ok(());
        }
        if !self.buffer.is_empty() {
            self.spill()?;
        }
        let mut readers = Vec::new();
        let mut heap = BinaryHeap::new();
        for (i, path) in self.spilled.iter().enumerate() {
            let mut r = BufReader::with_capacity(64 * 1024, File::open(path)?);
            if let Some(rec) = next_record(&mut r)? {
                heap.push(Reverse((rec, i)));
            }
            readers.push(r);
        }
        while let Some(Reverse(((_, line), i))) = heap.pop() {
            out.write_all(&line)?;
            if let Some(rec) = next_record(&mut readers[i])? {
                heap.push(Reverse((rec, i)));
            }
        }
        Ok(())
    }
}

/// The next record of a sorted run.
fn next_record(r: &mut impl BufRead) -> io::Result<Option<Record>> {
    let mut line = Vec::new();
    if r.read_until(b'\n', &mut line)? == 0 {
        return Ok(None);
    }
    let v: Value = serde_json::from_slice(&line).map_err(io::Error::other)?;
    Ok(Some((key_of(&v), line)))
}

/// A temporary directory of sorted runs, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(root: &Path) -> io::Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = root.join(format!("cprscan-merge-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).unwrap()
    }

    fn input(name: &str, json: &str) -> Input {
        Input {
            file: PathBuf::from(name),
            summary: summary(json),
        }
    }

    fn shard(k: u64, n: u64) -> Input {
        input(
            &format!("s{k}"),
            &format!(r#"{{"type":"summary","shard":{{"index":{k},"count":{n},"split_size":9}}}}"#),
        )
    }

    #[test]
    fn summaries_add_up_per_kind_and_keep_the_longest_time() {
        let a = input(
            "a",
            r#"{"type":"summary","files":2,"findings":{"cpr":1,"email":0},"errors":1,"elapsed_ms":30}"#,
        );
        let b = input(
            "b",
            r#"{"type":"summary","files":3,"findings":{"cpr":2,"email":5},"errors":0,"elapsed_ms":10,"interrupted":true}"#,
        );
        let total = Value::Object(add_up(&[a, b]));
        assert_eq!(total["files"], 5);
        assert_eq!(total["findings"]["cpr"], 3);
        assert_eq!(total["findings"]["email"], 5);
        assert_eq!(total["errors"], 1);
        assert_eq!(total["elapsed_ms"], 30);
        assert_eq!(total["interrupted"], true);
        assert_eq!(total["merged"], 2);
    }

    #[test]
    fn a_complete_set_of_shards_in_any_order_is_accepted() {
        assert!(check_shards(&[shard(2, 3), shard(0, 3), shard(1, 3)]).is_ok());
    }

    #[test]
    fn a_missing_shard_is_named() {
        let err = check_shards(&[shard(0, 4), shard(2, 4)]).unwrap_err();
        assert!(err.contains("missing shards: 1/4, 3/4"), "{err}");
    }

    #[test]
    fn a_shard_given_twice_is_refused() {
        let err = check_shards(&[shard(0, 2), shard(1, 2), shard(1, 2)]).unwrap_err();
        assert!(err.contains("shard 1/2 given twice"), "{err}");
    }

    #[test]
    fn shards_of_different_counts_are_refused() {
        let err = check_shards(&[shard(0, 2), shard(1, 3)]).unwrap_err();
        assert!(err.contains("different sweeps"), "{err}");
    }

    #[test]
    fn findings_sort_by_path_then_offset_before_errors() {
        let recs = [
            r#"{"type":"error","path":"a","message":"x","skipped":false}"#,
            r#"{"type":"finding","path":"b","offset":1}"#,
            r#"{"type":"finding","path":"a","offset":20}"#,
            r#"{"type":"finding","path":"a","offset":3}"#,
        ];
        let mut keys: Vec<Key> = recs
            .iter()
            .map(|r| key_of(&serde_json::from_str(r).unwrap()))
            .collect();
        keys.sort();
        let order: Vec<(String, u8, u64)> = keys
            .into_iter()
            .map(|k| (k.path, k.rank, k.offset))
            .collect();
        assert_eq!(
            order,
            [
                ("a".into(), 0, 3),
                ("a".into(), 0, 20),
                ("a".into(), 1, 0),
                ("b".into(), 0, 1)
            ]
        );
    }
}
