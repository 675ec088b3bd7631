//! SQLite files (issue #12): a file starting with the SQLite header is opened read-only and
//! immutable (`file:…?mode=ro&immutable=1`: SQLite takes no lock and writes no journal, WAL or
//! shared-memory file) and scanned table by table instead of as bytes. Views are scanned too;
//! virtual tables are not (their shadow tables hold the content and are scanned). A file that
//! cannot be read as a database (corrupt, encrypted behind a valid header) is an error record.
//!
//! Immutable means SQLite does not look at a `-wal` file beside the database: rows still only in
//! the WAL are not read as rows, but the WAL file itself is scanned as bytes by the walk.

use std::borrow::Cow;
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::{quote_ident, table_place, Env, TableFilter, TableScan, Value};
use crate::place::Place;

/// The first 16 bytes of every SQLite 3 database file.
pub const HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether `head` (a file's first bytes) is a SQLite database's header.
pub fn is_sqlite(head: &[u8]) -> bool {
    head.starts_with(HEADER)
}

/// A table or view to scan.
struct Table {
    name: String,
    view: bool,
}

/// Scans the SQLite database at `path`, shown as `shown`.
pub fn scan(env: &dyn Env, path: &Path, shown: &str) {
    let filter = match TableFilter::new(env.options()) {
        Ok(f) => f,
        Err(e) => return env.error(&Place::new(shown), &e),
    };
    let conn = match open(path) {
        Ok(c) => c,
        Err(e) => return env.error(&Place::new(shown), &format!("cannot open as SQLite: {e}")),
    };
    let tables = match list_tables(&conn) {
        Ok(t) => t,
        Err(e) => {
            return env.error(
                &Place::new(shown),
                &format!("cannot read as SQLite (corrupt or encrypted?): {e}"),
            )
        }
    };
    for table in tables {
        if crate::interrupt::interrupted() || env.output().is_closed() {
            return;
        }
        if filter.admits("main", &table.name) {
            if let Err(e) = scan_table(env, &conn, shown, &table) {
                env.error(
                    &table_place(shown, &table.name),
                    &format!("read error: {e}"),
                );
            }
        }
    }
}

/// Opens `path` read-only and immutable, through a `file:` URI.
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(uri(path), flags)?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(conn)
}

/// The `file:` URI of `path`, read-only and immutable: every byte but unreserved ones and `/`
/// percent-encoded, so `?`, `#` and `%` in a name stay part of it.
fn uri(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().into_owned().into_bytes();
    let mut s = String::from("file:");
    for b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.push_str("?mode=ro&immutable=1");
    s
}

fn list_tables(conn: &Connection) -> rusqlite::Result<Vec<Table>> {
    let mut stmt = conn.prepare(
        "SELECT name, type FROM sqlite_schema \
         WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Table {
            name: r.get(0)?,
            view: r.get::<_, String>(1)? == "view",
        })
    })?;
    rows.collect()
}

/// The columns of `table` and its primary key's columns in key order.
fn columns(conn: &Connection, table: &str) -> rusqlite::Result<(Vec<String>, Vec<String>)> {
    let mut stmt = conn.prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")?;
    let mut names = Vec::new();
    let mut pk: Vec<(i64, String)> = Vec::new();
    let mut rows = stmt.query([table])?;
    while let Some(r) = rows.next()? {
        let name: String = r.get(0)?;
        let pos: i64 = r.get(1)?;
        if pos > 0 {
            pk.push((pos, name.clone()));
        }
        names.push(name);
    }
    pk.sort();
    Ok((names, pk.into_iter().map(|(_, n)| n).collect()))
}

fn scan_table(
    env: &dyn Env,
    conn: &Connection,
    shown: &str,
    table: &Table,
) -> rusqlite::Result<()> {
    let (fields, pk) = columns(conn, &table.name)?;
    // The key: the primary key; else the rowid of a table; a view has neither, so its rows
    // are numbered as read.
    let (key_sql, keys): (Vec<String>, Vec<String>) = if !pk.is_empty() {
        (pk.iter().map(|k| quote_ident(k)).collect(), pk.clone())
    } else if table.view {
        (Vec::new(), vec!["row".into()])
    } else {
        (vec!["_rowid_".into()], vec!["rowid".into()])
    };
    let select: Vec<String> = key_sql
        .iter()
        .cloned()
        .chain(fields.iter().map(|f| quote_ident(f)))
        .collect();
    let mut sql = format!(
        "SELECT {} FROM {}",
        if select.is_empty() {
            "1".to_string()
        } else {
            select.join(", ")
        },
        quote_ident(&table.name)
    );
    if let Some(n) = env.options().sample_rows {
        sql.push_str(&format!(" LIMIT {n}"));
    }
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let width = fields.len();
    let mut scan = TableScan::new(env, shown, &table.name, fields, keys);
    let mut result = Ok(());
    let mut n = 0u64;
    loop {
        let row = match rows.next() {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) => {
                result = Err(e);
                break;
            }
        };
        n += 1;
        let read = |from: usize, count: usize| -> rusqlite::Result<Vec<Value>> {
            (from..from + count)
                .map(|i| row.get_ref(i).map(value))
                .collect()
        };
        let (key, values) = match (read(0, key_sql.len()), read(key_sql.len(), width)) {
            (Ok(k), Ok(v)) => (k, v),
            (Err(e), _) | (_, Err(e)) => {
                result = Err(e);
                break;
            }
        };
        let key = if key_sql.is_empty() {
            vec![Value::Number(Cow::Owned(n.to_string()))]
        } else {
            key
        };
        if scan.row(&key, &values).is_err()
            || (n.is_multiple_of(1024) && crate::interrupt::interrupted())
        {
            break;
        }
    }
    scan.finish();
    result
}

/// A SQLite value as the scan sees it: integers (and integral reals) as numbers, text and
/// UTF-8 blobs as text, anything else skipped.
fn value(v: ValueRef<'_>) -> Value<'_> {
    match v {
        ValueRef::Integer(i) => Value::Number(Cow::Owned(i.to_string())),
        ValueRef::Real(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            Value::Number(Cow::Owned((f as i64).to_string()))
        }
        ValueRef::Text(t) => Value::Text(t),
        ValueRef::Blob(b) if std::str::from_utf8(b).is_ok() => Value::Text(b),
        _ => Value::Skip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encodes_what_sqlite_would_read_as_uri_syntax() {
        assert_eq!(
            uri(Path::new("/tmp/a b?#%.db")),
            "file:/tmp/a%20b%3F%23%25.db?mode=ro&immutable=1"
        );
    }

    #[test]
    fn the_header_is_recognised_and_nothing_else() {
        assert!(is_sqlite(b"SQLite format 3\0\x10\x00"));
        assert!(!is_sqlite(b"SQLite format 3"));
        assert!(!is_sqlite(b"id,cpr\n"));
    }
}
