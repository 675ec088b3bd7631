//! Databases as sources (issue #12): PostgreSQL tables read over the network and SQLite files
//! read in place are scanned cell by cell, not as bytes, so every finding names its table,
//! column and row key ([`crate::place::Cell`]).
//!
//! A source lists the tables, reads each one row by row in bounded memory, and hands each row's
//! values to a [`TableScan`]: text cells are scanned with their column's name as context,
//! number cells as numbers ([`crate::column`]), and the findings go to the run's output like a
//! file's. The scan core is the same as for files; only where the bytes come from differs.

pub mod postgres;
pub mod sqlite;

use std::borrow::Cow;
use std::io;
use std::time::Duration;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::column::{CellScanner, Column};
use crate::finding::Finding;
use crate::output::{InputOutput, Output};
use crate::place::{Cell, Place};

/// The database options of a run (`--tables`, `--exclude-tables`, `--sample-rows`,
/// `--statement-timeout`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DbOptions {
    /// Only tables matching one of these globs (all when empty).
    pub tables: Vec<String>,
    /// Never tables matching one of these globs.
    pub exclude_tables: Vec<String>,
    /// At most this many rows per table: a sample, marked as such in the summary.
    pub sample_rows: Option<u64>,
    /// The longest one statement may run on a server (`None`: the server's setting).
    pub statement_timeout: Option<Duration>,
}

/// What a database source needs from the run: the scanner, the output, the counters.
pub trait Env: Sync {
    fn cells(&self) -> &CellScanner;
    fn output(&self) -> &Output;
    fn options(&self) -> &DbOptions;
    /// Connections (PostgreSQL) to read tables with at once.
    fn threads(&self) -> usize;
    /// Counts an input's findings and writes what is left of its output.
    fn finish(&self, output: InputOutput<'_>);
    /// An error record (exit status 2); the scan goes on.
    fn error(&self, place: &Place, message: &str);
    /// Counts one database input (a file or a server).
    fn input(&self);
    /// Counts a table read: its rows and the bytes of the cells scanned.
    fn table(&self, rows: u64, bytes: u64);
}

/// Which tables to scan: `--tables` and `--exclude-tables` globs. A glob with a `.` is matched
/// against `schema.table`, one without against the table's name alone.
#[derive(Clone, Debug)]
pub struct TableFilter {
    include: Option<(GlobSet, GlobSet)>,
    exclude: (GlobSet, GlobSet),
}

impl TableFilter {
    pub fn new(options: &DbOptions) -> Result<TableFilter, String> {
        let sets = |globs: &[String]| -> Result<(GlobSet, GlobSet), String> {
            let (mut qualified, mut bare) = (GlobSetBuilder::new(), GlobSetBuilder::new());
            for g in globs {
                let glob = Glob::new(g).map_err(|e| format!("bad table glob {g:?}: {e}"))?;
                if g.contains('.') {
                    qualified.add(glob);
                } else {
                    bare.add(glob);
                }
            }
            let build = |b: GlobSetBuilder| b.build().map_err(|e| e.to_string());
            Ok((build(qualified)?, build(bare)?))
        };
        Ok(TableFilter {
            include: if options.tables.is_empty() {
                None
            } else {
                Some(sets(&options.tables)?)
            },
            exclude: sets(&options.exclude_tables)?,
        })
    }

    /// Whether the table `name` in `schema` is scanned.
    pub fn admits(&self, schema: &str, name: &str) -> bool {
        let qualified = format!("{schema}.{name}");
        let hit = |(q, b): &(GlobSet, GlobSet)| q.is_match(&qualified) || b.is_match(name);
        self.include.as_ref().is_none_or(hit) && !hit(&self.exclude)
    }
}

/// One value of a row, as a source read it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// NULL, or a value of a type that is not scanned.
    Skip,
    /// Text (or bytes that are valid UTF-8).
    Text(&'a [u8]),
    /// An integer or numeric value, as decimal text.
    Number(Cow<'a, str>),
}

impl Value<'_> {
    /// The value as a key shows it, before masking.
    fn key_text(&self) -> Cow<'_, str> {
        match self {
            Value::Skip => Cow::Borrowed(""),
            Value::Text(t) => String::from_utf8_lossy(t),
            Value::Number(n) => Cow::Borrowed(n),
        }
    }
}

/// The scan of one table: its rows go in, findings go to the output located by
/// [`Cell`]. With `--format summary` every column gets an output of its own, so the counts
/// come per table and column.
pub struct TableScan<'e> {
    env: &'e dyn Env,
    path: String,
    table: String,
    fields: Vec<(String, Column)>,
    keys: Vec<String>,
    per_column: bool,
    outputs: Vec<Option<InputOutput<'e>>>,
    found: Vec<Finding>,
    rows: u64,
    bytes: u64,
}

impl<'e> TableScan<'e> {
    /// A scan of `table` of the input shown as `path`, whose rows hold the values of `fields`
    /// (scanned) and of `keys` (the row key's columns, shown with each finding).
    pub fn new(
        env: &'e dyn Env,
        path: &str,
        table: &str,
        fields: Vec<String>,
        keys: Vec<String>,
    ) -> TableScan<'e> {
        let per_column = env.output().gate().file_lines;
        let fields: Vec<(String, Column)> = fields
            .into_iter()
            .map(|f| {
                let c = env.cells().column(&f);
                (f, c)
            })
            .collect();
        let outputs = (0..if per_column { fields.len() } else { 1 })
            .map(|_| None)
            .collect();
        TableScan {
            env,
            path: path.to_string(),
            table: table.to_string(),
            fields,
            keys,
            per_column,
            outputs,
            found: Vec::new(),
            rows: 0,
            bytes: 0,
        }
    }

    fn place(&self, field: usize, key: Vec<(String, String)>) -> Place {
        Place {
            path: self.path.clone(),
            member: None,
            cell: Some(Cell {
                table: self.table.clone(),
                field: self.fields[field].0.clone(),
                key,
            }),
        }
    }

    /// Scans one row: `key` holds the values of the key columns, `values` those of the
    /// fields, in the orders given to [`TableScan::new`]. An error means the output is closed.
    pub fn row(&mut self, key: &[Value], values: &[Value]) -> io::Result<()> {
        self.rows += 1;
        let mut shown_key: Option<Vec<(String, String)>> = None;
        for (i, value) in values.iter().enumerate() {
            self.found.clear();
            let column = self.fields[i].1;
            let cells = self.env.cells();
            match value {
                Value::Skip => continue,
                Value::Text(t) => {
                    self.bytes += t.len() as u64;
                    cells.scan_text(t, column, &mut self.found);
                }
                Value::Number(n) => {
                    self.bytes += n.len() as u64;
                    cells.scan_number(n, column, &mut self.found);
                }
            }
            if self.found.is_empty() {
                continue;
            }
            let key = shown_key.get_or_insert_with(|| self.show_key(key)).clone();
            self.write(i, key)?;
        }
        Ok(())
    }

    /// The row key as findings show it: a key value that is itself a finding masked.
    fn show_key(&self, key: &[Value]) -> Vec<(String, String)> {
        self.keys
            .iter()
            .zip(key)
            .map(|(name, v)| {
                let number = matches!(v, Value::Number(_));
                let text = self.env.cells().mask_key(&v.key_text(), number);
                (name.clone(), text)
            })
            .collect()
    }

    /// Hands the findings of field `i` to its output.
    fn write(&mut self, i: usize, key: Vec<(String, String)>) -> io::Result<()> {
        let slot = if self.per_column { i } else { 0 };
        let place = self.place(i, key);
        match &mut self.outputs[slot] {
            Some(out) if !self.per_column => out.set_place(place),
            Some(_) => {}
            empty => {
                // A per-column output keeps a key-less place: its summary line names the
                // column, not a row.
                let mut place = place;
                if self.per_column {
                    place.cell.as_mut().expect("a cell").key.clear();
                }
                *empty = Some(InputOutput::new(
                    self.env.output(),
                    place,
                    false,
                    Vec::new(),
                ));
            }
        }
        let out = self.outputs[slot].as_mut().expect("set above");
        out.findings(&self.found)
    }

    /// Rows scanned so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Writes what is left and counts the table.
    pub fn finish(self) {
        for out in self.outputs.into_iter().flatten() {
            self.env.finish(out);
        }
        self.env.table(self.rows, self.bytes);
    }
}

/// The place of an error about a whole table.
pub fn table_place(path: &str, table: &str) -> Place {
    Place {
        path: path.to_string(),
        member: None,
        cell: Some(Cell {
            table: table.to_string(),
            field: String::new(),
            key: Vec::new(),
        }),
    }
}

/// Quotes an SQL identifier (`"a""b"`), for PostgreSQL and SQLite alike.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(tables: &[&str], exclude: &[&str]) -> TableFilter {
        TableFilter::new(&DbOptions {
            tables: tables.iter().map(|s| s.to_string()).collect(),
            exclude_tables: exclude.iter().map(|s| s.to_string()).collect(),
            ..DbOptions::default()
        })
        .unwrap()
    }

    #[test]
    fn table_globs_match_schema_dot_table_or_the_bare_name() {
        let all = filter(&[], &[]);
        assert!(all.admits("public", "borgere"));
        let public = filter(&["public.*"], &["*_log"]);
        assert!(public.admits("public", "borgere"));
        assert!(!public.admits("hr", "borgere"));
        assert!(!public.admits("public", "audit_log"));
        let bare = filter(&["borg*"], &["hr.*"]);
        assert!(bare.admits("public", "borgere"));
        assert!(!bare.admits("hr", "borgere"));
    }

    #[test]
    fn a_bad_glob_is_an_error_naming_it() {
        let err = TableFilter::new(&DbOptions {
            tables: vec!["a[".into()],
            ..DbOptions::default()
        })
        .unwrap_err();
        assert!(err.contains("a["), "{err}");
    }

    #[test]
    fn identifiers_are_quoted_with_doubled_quotes() {
        assert_eq!(quote_ident("my \"t\""), "\"my \"\"t\"\"\"");
    }
}
