//! PostgreSQL (issue #12): a `postgres://` or `postgresql://` URL on the command line scans every
//! table, view and materialised view the URL's database holds (less `--tables` /
//! `--exclude-tables`), outside the system schemas.
//!
//! Each table is read in its own `READ ONLY` transaction with `statement_timeout` set from
//! `--statement-timeout`, through a portal (a server-side cursor) fetched in batches whose size
//! adapts to the rows' width, so memory stays bounded whatever the table's size. Tables are read
//! in parallel, one connection per thread, up to `--threads` connections. A table that cannot
//! be read (no privilege, a timeout) is an error record and the others are still read.
//!
//! The password comes from the URL, else `PGPASSWORD`, else the password file (`PGPASSFILE` or
//! `~/.pgpass`, in libpq's format, ignored when others may read it). It is never printed: a
//! record's `path` is the URL without it.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use postgres::config::Host;
use postgres::{Client, Config, NoTls};

use super::{quote_ident, table_place, Env, TableFilter, TableScan, Value};
use crate::place::Place;

/// Rows fetched per round trip at most.
const MAX_BATCH: usize = 1000;
/// Bytes of cell data aimed at per fetched batch: wide rows get smaller batches.
const BATCH_BYTES: usize = 4 << 20;

/// Whether a command-line argument is a PostgreSQL URL.
pub fn is_url(arg: &std::ffi::OsStr) -> bool {
    arg.to_str()
        .is_some_and(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// The URL as records show it: without a password, in the user part or as a parameter.
pub fn shown_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority_end, _) = rest
        .char_indices()
        .find(|(_, c)| *c == '/' || *c == '?')
        .unwrap_or((rest.len(), ' '));
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split_once(':').map_or(user, |(u, _)| u);
            format!("{user}@{host}")
        }
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|p| !p.starts_with("password="))
                .collect();
            if kept.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// How a column is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Read {
    /// Cast to text and scanned as text: strings, JSON, XML, arrays.
    Text,
    /// Cast to text and checked as a number.
    Number,
    /// Read as bytes, scanned when valid UTF-8.
    Bytes,
}

/// A table or view to scan.
#[derive(Clone, Debug)]
struct Table {
    schema: String,
    name: String,
    /// `r` table, `p` partitioned table, `v` view, `m` materialised view.
    kind: char,
    /// The columns scanned, with how each is read.
    fields: Vec<(String, Read)>,
    /// The primary key's columns, in key order.
    pk: Vec<String>,
}

impl Table {
    fn shown(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }
}

/// Scans the database at `url`.
pub fn scan(env: &dyn Env, url: &str) {
    let shown = shown_url(url);
    let place = Place::new(shown.clone());
    env.input();
    let filter = match TableFilter::new(env.options()) {
        Ok(f) => f,
        Err(e) => return env.error(&place, &e),
    };
    let config = match config(url) {
        Ok(c) => c,
        Err(e) => return env.error(&place, &e),
    };
    let mut client = match config.connect(NoTls) {
        Ok(c) => c,
        Err(e) => return env.error(&place, &format!("cannot connect: {}", describe(&e))),
    };
    let tables = match list_tables(&mut client) {
        Ok(t) => t,
        Err(e) => return env.error(&place, &format!("cannot list tables: {}", describe(&e))),
    };
    let queue: Mutex<Vec<Table>> = Mutex::new(
        tables
            .into_iter()
            .filter(|t| filter.admits(&t.schema, &t.name))
            .rev()
            .collect(),
    );
    let workers = env
        .threads()
        .max(1)
        .min(queue.lock().map_or(1, |q| q.len()).max(1));
    let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).pop();
    std::thread::scope(|s| {
        for _ in 1..workers {
            s.spawn(|| match config.connect(NoTls) {
                Ok(mut c) => drain(env, &mut c, &shown, &next),
                Err(e) => env.error(
                    &place,
                    &format!("cannot open another connection: {}", describe(&e)),
                ),
            });
        }
        drain(env, &mut client, &shown, &next);
    });
}

/// Scans tables from the queue until it is empty or the scan is stopped.
fn drain(env: &dyn Env, client: &mut Client, shown: &str, next: &dyn Fn() -> Option<Table>) {
    while let Some(table) = next() {
        if crate::interrupt::interrupted() || env.output().is_closed() {
            return;
        }
        if let Err(e) = scan_table(env, client, shown, &table) {
            env.error(
                &table_place(shown, &table.shown()),
                &format!("cannot read: {}", describe(&e)),
            );
        }
    }
}

/// The connection settings of `url`, completed as libpq would: user, host and database from
/// `PGUSER`, `PGHOST`, `PGPORT` and `PGDATABASE` when the URL has none, the password from
/// `PGPASSWORD` or the password file.
fn config(url: &str) -> Result<Config, String> {
    let mut config: Config = url
        .parse()
        .map_err(|e| format!("not a PostgreSQL URL: {}", describe(&e)))?;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if config.get_user().is_none() {
        let user = env("PGUSER")
            .or_else(|| env("USER"))
            .ok_or("no user in the URL, PGUSER or USER")?;
        config.user(&user);
    }
    if config.get_hosts().is_empty() {
        let host = env("PGHOST").unwrap_or_else(|| "/var/run/postgresql".into());
        config.host(&host);
    }
    if config.get_ports().is_empty() {
        if let Some(port) = env("PGPORT").and_then(|p| p.parse().ok()) {
            config.port(port);
        }
    }
    if config.get_dbname().is_none() {
        if let Some(db) = env("PGDATABASE") {
            config.dbname(&db);
        }
    }
    if config.get_password().is_none() {
        if let Some(pw) = env("PGPASSWORD").or_else(|| password_from_file(&config)) {
            config.password(pw);
        }
    }
    config
        .application_name("cprscan")
        .connect_timeout(Duration::from_secs(30));
    Ok(config)
}

/// The password for `config` from the password file, if there is one others cannot read.
fn password_from_file(config: &Config) -> Option<String> {
    let path = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            eprintln!(
                "cprscan: warning: password file {} has group or world access; not used \
                 (chmod 0600 it)",
                path.display()
            );
            return None;
        }
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.to_string_lossy().into_owned(),
        None => "localhost".into(),
    };
    let unix = !host.is_empty() && host.starts_with('/');
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or(user);
    pgpass_lookup(
        &text,
        &[&host, if unix { "localhost" } else { "" }],
        &port,
        db,
        user,
    )
}

/// The password of the first line of a password file (`host:port:database:user:password`,
/// `*` matching anything, `\` escaping `:` and `\`) that matches one of `hosts` and the rest.
fn pgpass_lookup(text: &str, hosts: &[&str], port: &str, db: &str, user: &str) -> Option<String> {
    for line in text.lines() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let fields = pgpass_fields(line);
        if fields.len() != 5 {
            continue;
        }
        let is = |f: &str, v: &str| f == "*" || f == v;
        let host_ok = fields[0] == "*" || hosts.iter().any(|h| !h.is_empty() && fields[0] == *h);
        if host_ok && is(&fields[1], port) && is(&fields[2], db) && is(&fields[3], user) {
            return Some(fields[4].clone());
        }
    }
    None
}

fn pgpass_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    fields.last_mut().expect("one field").push(n);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            _ => fields.last_mut().expect("one field").push(c),
        }
    }
    fields
}

/// A server error's message (`ERROR: permission denied for table x`), or the client's.
fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Every table, partitioned table, view and materialised view outside the system schemas,
/// with the columns worth scanning and the primary key.
fn list_tables(client: &mut Client) -> Result<Vec<Table>, postgres::Error> {
    let mut tx = client.build_transaction().read_only(true).start()?;
    let rows = tx.query(
        "SELECT n.nspname::text, c.relname::text, c.relkind::text, a.attname::text, \
                coalesce(bt.typname, t.typname)::text, \
                coalesce(bt.typcategory, t.typcategory)::text, \
                coalesce(array_position(i.indkey::int2[], a.attnum) \
                         - array_lower(i.indkey::int2[], 1) + 1, 0)::int4 \
         FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
         JOIN pg_type t ON t.oid = a.atttypid \
         LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype \
         LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary \
         WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition \
           AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
           AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' \
         ORDER BY n.nspname, c.relname, a.attnum",
        &[],
    )?;
    tx.commit()?;
    let mut tables: Vec<Table> = Vec::new();
    let mut pk_positions: Vec<Vec<(i32, String)>> = Vec::new();
    for r in rows {
        let (schema, name): (String, String) = (r.get(0), r.get(1));
        if tables
            .last()
            .is_none_or(|t| t.schema != schema || t.name != name)
        {
            let kind: String = r.get(2);
            tables.push(Table {
                schema,
                name,
                kind: kind.chars().next().unwrap_or('r'),
                fields: Vec::new(),
                pk: Vec::new(),
            });
            pk_positions.push(Vec::new());
        }
        let (column, typname, category, pk): (String, String, String, i32) =
            (r.get(3), r.get(4), r.get(5), r.get(6));
        let table = tables.last_mut().expect("pushed above");
        if pk > 0 {
            pk_positions
                .last_mut()
                .expect("pushed above")
                .push((pk, column.clone()));
        }
        if let Some(read) = read_of(&typname, &category) {
            table.fields.push((column, read));
        }
    }
    for (t, mut pk) in tables.iter_mut().zip(pk_positions) {
        pk.sort();
        t.pk = pk.into_iter().map(|(_, c)| c).collect();
    }
    Ok(tables)
}

/// How a column of this type is read, if at all.
fn read_of(typname: &str, category: &str) -> Option<Read> {
    match (typname, category) {
        ("int2" | "int4" | "int8" | "numeric", _) => Some(Read::Number),
        ("bytea", _) => Some(Read::Bytes),
        ("json" | "jsonb" | "xml", _) | (_, "S" | "A") => Some(Read::Text),
        _ => None,
    }
}

/// The query reading `table`: the key's columns as text, then the scanned columns.
fn select(table: &Table, sample: Option<u64>) -> (String, Vec<String>) {
    let (key_sql, keys): (Vec<String>, Vec<String>) = if !table.pk.is_empty() {
        let sql = table
            .pk
            .iter()
            .map(|k| format!("{}::text", quote_ident(k)))
            .collect();
        (sql, table.pk.clone())
    } else {
        match table.kind {
            'r' | 'm' => (vec!["ctid::text".into()], vec!["ctid".into()]),
            'p' => (
                vec!["tableoid::regclass::text".into(), "ctid::text".into()],
                vec!["partition".into(), "ctid".into()],
            ),
            _ => (Vec::new(), vec!["row".into()]),
        }
    };
    let fields = table.fields.iter().map(|(name, read)| match read {
        Read::Bytes => quote_ident(name),
        Read::Text | Read::Number => format!("{}::text", quote_ident(name)),
    });
    let list: Vec<String> = key_sql.into_iter().chain(fields).collect();
    let from = format!(
        "{}{}.{}",
        if table.kind == 'r' { "ONLY " } else { "" },
        quote_ident(&table.schema),
        quote_ident(&table.name)
    );
    let mut sql = format!(
        "SELECT {} FROM {from}",
        if list.is_empty() {
            "1".into()
        } else {
            list.join(", ")
        }
    );
    if let Some(n) = sample {
        sql.push_str(&format!(" LIMIT {n}"));
    }
    (sql, keys)
}

fn scan_table(
    env: &dyn Env,
    client: &mut Client,
    shown: &str,
    table: &Table,
) -> Result<(), postgres::Error> {
    let options = env.options();
    let (sql, keys) = select(table, options.sample_rows);
    let numbered = table.pk.is_empty() && !matches!(table.kind, 'r' | 'm' | 'p');
    let key_width = if numbered { 0 } else { keys.len() };
    let mut tx = client.build_transaction().read_only(true).start()?;
    if let Some(t) = options.statement_timeout {
        tx.batch_execute(&format!("SET LOCAL statement_timeout = {}", t.as_millis()))?;
    }
    let portal = tx.bind(sql.as_str(), &[])?;
    let fields: Vec<String> = table.fields.iter().map(|(n, _)| n.clone()).collect();
    let mut scan = TableScan::new(env, shown, &table.shown(), fields, keys);
    let mut batch = 100usize;
    let result = loop {
        let rows = match tx.query_portal(&portal, batch as i32) {
            Ok(r) => r,
            Err(e) => break Err(e),
        };
        if rows.is_empty() {
            break Ok(());
        }
        let mut bytes = 0usize;
        let mut stop = false;
        for row in &rows {
            let mut key: Vec<Value> = Vec::with_capacity(key_width.max(1));
            if numbered {
                key.push(Value::Number((scan.rows() + 1).to_string().into()));
            }
            for i in 0..key_width {
                let k: Option<&str> = row.get(i);
                key.push(k.map_or(Value::Skip, |k| Value::Text(k.as_bytes())));
            }
            let mut values: Vec<Value> = Vec::with_capacity(table.fields.len());
            for (j, (_, read)) in table.fields.iter().enumerate() {
                let i = key_width + j;
                let v = match read {
                    Read::Text => row
                        .get::<_, Option<&str>>(i)
                        .map_or(Value::Skip, |s| Value::Text(s.as_bytes())),
                    Read::Number => row
                        .get::<_, Option<&str>>(i)
                        .map_or(Value::Skip, |s| Value::Number(s.into())),
                    Read::Bytes => row
                        .get::<_, Option<&[u8]>>(i)
                        .filter(|b| std::str::from_utf8(b).is_ok())
                        .map_or(Value::Skip, Value::Text),
                };
                bytes += match &v {
                    Value::Text(t) => t.len(),
                    Value::Number(n) => n.len(),
                    Value::Skip => 0,
                };
                values.push(v);
            }
            if scan.row(&key, &values).is_err() {
                stop = true;
                break;
            }
        }
        if stop || crate::interrupt::interrupted() {
            break Ok(());
        }
        // Aim the next batch at BATCH_BYTES of cell data.
        let per_row = (bytes / rows.len()).max(1);
        batch = (BATCH_BYTES / per_row).clamp(1, MAX_BATCH);
    };
    scan.finish();
    result?;
    tx.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_url_never_holds_the_password() {
        assert_eq!(
            shown_url("postgres://scan:s3cr%40t@db.example:5433/kommune?sslmode=disable"),
            "postgres://scan@db.example:5433/kommune?sslmode=disable"
        );
        assert_eq!(
            shown_url("postgresql://db/k?password=s3cret&application_name=x"),
            "postgresql://db/k?application_name=x"
        );
        assert_eq!(shown_url("postgres://db/k?password=x"), "postgres://db/k");
        assert_eq!(shown_url("postgres://u@h"), "postgres://u@h");
    }

    #[test]
    fn urls_are_told_from_paths_by_their_scheme() {
        assert!(is_url("postgres://h/db".as_ref()));
        assert!(is_url("postgresql:///db".as_ref()));
        assert!(!is_url("./postgres".as_ref()));
    }

    #[test]
    fn password_file_lines_match_with_wildcards_and_escapes() {
        let text = "# comment\n\
                    other:5432:*:scan:nope\n\
                    localhost:5432:kommune:scan:p\\:w\\\\1\n\
                    *:*:*:*:fallback\n";
        assert_eq!(
            pgpass_lookup(text, &["/run/pg", "localhost"], "5432", "kommune", "scan").as_deref(),
            Some("p:w\\1")
        );
        assert_eq!(
            pgpass_lookup(text, &["db"], "5433", "x", "y").as_deref(),
            Some("fallback")
        );
        assert_eq!(pgpass_lookup("h:1:d:u:pw\n", &["h"], "2", "d", "u"), None);
    }

    #[test]
    fn columns_are_read_by_type() {
        assert_eq!(read_of("int8", "N"), Some(Read::Number));
        assert_eq!(read_of("numeric", "N"), Some(Read::Number));
        assert_eq!(read_of("float8", "N"), None);
        assert_eq!(read_of("varchar", "S"), Some(Read::Text));
        assert_eq!(read_of("jsonb", "U"), Some(Read::Text));
        assert_eq!(read_of("_text", "A"), Some(Read::Text));
        assert_eq!(read_of("bytea", "U"), Some(Read::Bytes));
        assert_eq!(read_of("timestamptz", "D"), None);
    }

    #[test]
    fn tables_without_a_primary_key_are_keyed_by_ctid() {
        let t = Table {
            schema: "public".into(),
            name: "log".into(),
            kind: 'r',
            fields: vec![("msg".into(), Read::Text), ("n".into(), Read::Number)],
            pk: vec![],
        };
        let (sql, keys) = select(&t, Some(10));
        assert_eq!(
            sql,
            "SELECT ctid::text, \"msg\"::text, \"n\"::text FROM ONLY \"public\".\"log\" LIMIT 10"
        );
        assert_eq!(keys, ["ctid"]);
    }
}
