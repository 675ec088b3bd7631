//! Databases and column-aware CSV through the binary: SQLite files the tests build, and a real
//! PostgreSQL server of their own (`initdb` + `pg_ctl` into a temporary directory, on a free
//! loopback port, stopped when the test binary exits). Every number is generated (a date, a
//! serial and a computed check digit); outputs are checked masked.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::util::{bin, mask_numbers, run_in, tree, Run};

/// A generated CPR number: `date` (DDMMYY) and a 3-digit serial completed with the check digit
/// that passes modulus 11.
fn cpr(date: &str, serial: &str) -> String {
    const W: [u32; 10] = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
    (0..10)
        .map(|c| format!("{date}{serial}{c}"))
        .find(|s| {
            let sum: u32 = s.bytes().zip(W).map(|(b, w)| u32::from(b - b'0') * w).sum();
            sum.is_multiple_of(11)
        })
        .expect("a check digit exists for this serial")
}

fn findings(run: &Run) -> Vec<Value> {
    run.of_type("finding")
}

/// The finding in `field` of `table`, failing with the (masked) output if there is none.
fn in_field<'a>(found: &'a [Value], table: &str, field: &str) -> &'a Value {
    found
        .iter()
        .find(|f| f["table"] == table && f["field"] == field)
        .unwrap_or_else(|| {
            panic!(
                "no finding in {table}.{field}: {}",
                mask_numbers(&format!("{found:?}"))
            )
        })
}

fn reasons(f: &Value) -> Vec<String> {
    f["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// SQLite

/// A SQLite file in a fresh directory, built with `sql` (and its numbers bound as parameters).
fn sqlite_tree(build: impl FnOnce(&rusqlite::Connection)) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kommune.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    build(&conn);
    drop(conn);
    (dir, path)
}

#[test]
fn sqlite_findings_name_table_column_and_row_key() {
    let a = cpr("010190", "123");
    let b = cpr("241287", "456");
    let (dir, _) = sqlite_tree(|c| {
        c.execute_batch(
            "CREATE TABLE borgere (id INTEGER PRIMARY KEY, navn TEXT, cpr TEXT, notes TEXT,
                                   personnr INTEGER);
             CREATE TABLE log (besked TEXT);",
        )
        .unwrap();
        let notes = format!("ringede, oplyste {}-{}", &b[..6], &b[6..]);
        c.execute(
            "INSERT INTO borgere VALUES (42, 'A', ?1, ?2, ?3)",
            rusqlite::params![a, notes, a.parse::<i64>().unwrap()],
        )
        .unwrap();
        c.execute(
            "INSERT INTO log VALUES (?1)",
            [format!("login {}-{}", &b[..6], &b[6..])],
        )
        .unwrap();
    });
    let run = run_in(Some(dir.path()), &["--today", "2026-11-23", "."], b"");
    assert_eq!(run.status, 1, "{}", run.stderr);
    let found = findings(&run);
    assert_eq!(found.len(), 4, "{}", mask_numbers(&run.stdout));

    let col = in_field(&found, "borgere", "cpr");
    assert_eq!(col["path"], "./kommune.sqlite");
    assert_eq!(col["key"], serde_json::json!({"id": "42"}));
    assert_eq!(col["confidence"], "high", "plain digits in a `cpr` column");
    assert_eq!(reasons(col), ["date", "mod11", "column:cpr"]);
    assert_eq!(col["match"], format!("{}****", &a[..6]));
    assert_eq!(
        (col["offset"].as_u64(), col["line"].as_u64()),
        (Some(0), Some(1))
    );

    let notes = in_field(&found, "borgere", "notes");
    assert_eq!(notes["column"], 18, "columns count in the cell's text");
    assert_eq!(notes["match"], format!("{}-****", &b[..6]));

    let int = in_field(&found, "borgere", "personnr");
    assert_eq!(int["length"], 9, "the cell holds nine digits");
    assert_eq!(
        int["match"],
        format!("{}****", &a[..6]),
        "leading zero restored"
    );
    assert!(reasons(int).contains(&"int-leading-zero".to_string()));
    assert!(reasons(int).contains(&"column:personnr".to_string()));

    let log = in_field(&found, "log", "besked");
    assert_eq!(log["key"], serde_json::json!({"rowid": "1"}));
    assert!(!run.stdout.contains(&a[6..]) && !run.stdout.contains(&b[6..]));
    assert_eq!(run.summary()["tables"], 2);
    assert_eq!(run.summary()["rows"], 2);
}

#[test]
fn sqlite_key_that_is_a_cpr_number_is_masked() {
    let a = cpr("010190", "123");
    let (dir, _) = sqlite_tree(|c| {
        c.execute_batch("CREATE TABLE p (cpr TEXT PRIMARY KEY, notes TEXT)")
            .unwrap();
        c.execute("INSERT INTO p VALUES (?1, 'cpr ' || ?1)", [&a])
            .unwrap();
    });
    let run = run_in(Some(dir.path()), &["--today", "2026-11-23", "."], b"");
    let found = findings(&run);
    assert_eq!(found.len(), 2, "{}", mask_numbers(&run.stdout));
    for f in &found {
        assert_eq!(f["key"]["cpr"], format!("{}****", &a[..6]));
    }
    assert!(!run.stdout.contains(&a), "{}", mask_numbers(&run.stdout));
}

#[test]
fn sqlite_file_is_read_without_writing_a_byte_or_a_journal() {
    let a = cpr("010190", "123");
    let (dir, path) = sqlite_tree(|c| {
        c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t (cpr TEXT);")
            .unwrap();
        c.execute("INSERT INTO t VALUES (?1)", [&a]).unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    });
    let names = |d: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    // Closing the writer removed the WAL; what is left is the database alone.
    let before_names = names(dir.path());
    let before = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let run = run_in(Some(dir.path()), &["--today", "2026-11-23", "."], b"");
    assert_eq!(findings(&run).len(), 1, "{}", mask_numbers(&run.stdout));
    assert_eq!(
        names(dir.path()),
        before_names,
        "no -journal, -wal or -shm file"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
}

#[test]
fn corrupt_sqlite_file_is_an_error_record_and_the_scan_goes_on() {
    let a = cpr("010190", "123");
    let mut corrupt = b"SQLite format 3\0".to_vec();
    corrupt.extend((0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let dir = tree(&[
        ("broken.db", &corrupt),
        ("notes.txt", format!("cpr {a}\n").as_bytes()),
    ]);
    let run = run_in(Some(dir.path()), &["--today", "2026-11-23", "."], b"");
    assert_eq!(run.status, 2, "an unreadable database is an error");
    let errors = run.of_type("error");
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert_eq!(errors[0]["path"], "./broken.db");
    assert_eq!(findings(&run).len(), 1, "the other file is still scanned");
}

#[test]
fn sqlite_tables_are_chosen_with_globs_and_sampled() {
    let a = cpr("010190", "123");
    let (dir, _) = sqlite_tree(|c| {
        c.execute_batch("CREATE TABLE keep (cpr TEXT); CREATE TABLE skip_me (cpr TEXT);")
            .unwrap();
        for _ in 0..5 {
            c.execute("INSERT INTO keep VALUES (?1)", [&a]).unwrap();
            c.execute("INSERT INTO skip_me VALUES (?1)", [&a]).unwrap();
        }
    });
    let run = run_in(
        Some(dir.path()),
        &[
            "--today",
            "2026-11-23",
            "--exclude-tables",
            "skip_*",
            "--sample-rows",
            "2",
            ".",
        ],
        b"",
    );
    let found = findings(&run);
    assert_eq!(found.len(), 2, "two sampled rows of one table");
    assert!(found.iter().all(|f| f["table"] == "keep"));
    let summary = run.summary();
    assert_eq!(summary["sample_rows"], 2, "a sample is marked as one");
    assert_eq!(summary["rows"], 2);
}

#[test]
fn summary_format_counts_findings_per_table_and_column() {
    let a = cpr("010190", "123");
    let (dir, _) = sqlite_tree(|c| {
        c.execute_batch("CREATE TABLE t (cpr TEXT, notes TEXT)")
            .unwrap();
        for _ in 0..3 {
            c.execute("INSERT INTO t VALUES (?1, 'cpr ' || ?1)", [&a])
                .unwrap();
        }
    });
    let run = run_in(
        Some(dir.path()),
        &["--today", "2026-11-23", "--format", "summary", "."],
        b"",
    );
    let lines = run.of_type("file");
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    for (line, field) in lines.iter().zip(["cpr", "notes"]) {
        assert_eq!(line["table"], "t");
        assert_eq!(line["field"], field);
        assert!(line.get("key").is_none(), "a column, not a row");
        assert_eq!(line["findings"]["cpr"]["high"], 3);
    }
}

// ---------------------------------------------------------------------------------------------
// CSV

#[test]
fn csv_with_a_cpr_header_reports_plain_cells_with_column_cpr() {
    let a = cpr("010190", "123");
    let b = cpr("241287", "456");
    let csv = format!("navn;cpr;ordrenr\nA;{a};{b}\n\"B, C\";{b};1\n");
    let dir = tree(&[("borgere.csv", csv.as_bytes())]);
    let run = run_in(Some(dir.path()), &["--today", "2026-11-23", "."], b"");
    let found = findings(&run);
    assert_eq!(found.len(), 2, "{}", mask_numbers(&run.stdout));
    for f in &found {
        assert_eq!(f["confidence"], "high");
        assert_eq!(reasons(f).last().unwrap(), "column:cpr");
        assert!(f.get("table").is_none(), "a file keeps file locations");
    }
    assert_eq!(found[0]["offset"], csv.find(&a).unwrap());
    assert_eq!(
        (&found[1]["line"], &found[1]["column"]),
        (&3.into(), &8.into())
    );
    // The same number under `ordrenr` is lowered below the default minimum.
    let low = run_in(
        Some(dir.path()),
        &["--today", "2026-11-23", "--min-confidence", "low", "."],
        b"",
    );
    let order = findings(&low)
        .into_iter()
        .find(|f| f["line"] == 2 && f["confidence"] == "low")
        .expect("the order number column's cell, low");
    assert!(reasons(&order).contains(&"column-neg:ordre".to_string()));
}

#[test]
fn csv_cpr_column_cell_of_nine_digits_is_a_cpr_number_that_lost_its_leading_zero() {
    // A spreadsheet saves 0503871234 as 503871234. Restored under `cpr`; not under `kundenr`.
    let a = cpr("050387", "123");
    let nine = &a[1..];
    let csv = format!("navn;cpr;kundenr\r\nA;{nine};{nine}\r\nB;\"{nine}\";x");
    let dir = tree(&[("borgere.csv", csv.as_bytes())]);
    let args = ["--today", "2026-11-23", "--min-confidence", "low", "."];
    let run = run_in(Some(dir.path()), &args, b"");
    let found = findings(&run);
    assert_eq!(found.len(), 2, "{}", mask_numbers(&run.stdout));
    for (f, line) in found.iter().zip([2, 3]) {
        assert_eq!(f["line"], line);
        assert_eq!(f["length"], 9);
        assert_eq!(f["match"], "050387****");
        assert_eq!(f["confidence"], "high");
        assert_eq!(
            reasons(f),
            ["date", "mod11", "int-leading-zero", "column:cpr"]
        );
    }
    assert_eq!(found[0]["offset"], csv.find(nine).unwrap());
    assert_eq!(found[1]["column"], 4, "after the quote");
}

#[test]
fn a_file_not_named_like_csv_is_scanned_as_plain_text() {
    let a = cpr("010190", "123");
    let dir = tree(&[("borgere.txt", format!("navn;cpr\nA;{a}\n").as_bytes())]);
    let run = run_in(Some(dir.path()), &["--today", "2026-11-23", "."], b"");
    let found = findings(&run);
    assert_eq!(found[0]["confidence"], "medium", "no column context");
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

const SUPER_PASSWORD: &str = "super-Secret-7";
const SCAN_PASSWORD: &str = "scan-Pass-42";
const WRONG_PASSWORD: &str = "wrong-Pass-99";
const BIG_ROWS: u64 = 200_000;

/// A PostgreSQL server in a temporary directory: stopped and removed on drop.
struct Server {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// The unprivileged user the server runs as when the tests run as root.
    as_user: Option<&'static str>,
}

impl Server {
    fn cmd(&self, program: &str) -> Command {
        pg_cmd(&self.bin, program, self.as_user)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self
            .cmd("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// `program` from `bin`, run as `as_user` when given.
fn pg_cmd(bin: &Path, program: &str, as_user: Option<&str>) -> Command {
    let exe = bin.join(program);
    match as_user {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(exe);
            c
        }
        None => Command::new(exe),
    }
}

/// The directory of the PostgreSQL server binaries, if they are installed.
fn server_binaries() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file() && b.join("pg_ctl").is_file())
        .collect();
    found.sort();
    found.pop().or_else(|| {
        let out = Command::new("pg_config").arg("--bindir").output().ok()?;
        let dir = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
        dir.join("initdb").is_file().then_some(dir)
    })
}

static SERVER: Mutex<Option<Server>> = Mutex::new(None);
static STARTED: OnceLock<Option<u16>> = OnceLock::new();

extern "C" fn stop_server() {
    let server = SERVER.lock().unwrap_or_else(|e| e.into_inner()).take();
    drop(server);
}

/// The port of the shared test server, started (and its fixtures loaded) on first use, or
/// `None`, loudly, when the server binaries are not installed.
fn server() -> Option<u16> {
    *STARTED.get_or_init(|| {
        let Some(bin) = server_binaries() else {
            eprintln!(
                "\n\n*** SKIPPING the PostgreSQL tests: no initdb/pg_ctl found (install \
                 Debian's `postgresql` package; .ci/run does) ***\n"
            );
            return None;
        };
        let server = start(bin);
        load_fixtures(server.port);
        let port = server.port;
        *SERVER.lock().unwrap() = Some(server);
        // Stop the server when the test binary exits, however the tests went.
        unsafe { libc::atexit(stop_server) };
        Some(port)
    })
}

fn start(bin: PathBuf) -> Server {
    let root = unsafe { libc::geteuid() } == 0;
    // initdb refuses to run as root: the server then runs as `nobody`, in a directory it owns.
    let as_user = root.then_some("nobody");
    let dir = tempfile::Builder::new()
        .prefix("cprscan-pg-")
        .tempdir()
        .unwrap();
    let pwfile = dir.path().join("pw");
    std::fs::write(&pwfile, SUPER_PASSWORD).unwrap();
    if root {
        let id = |flag: &str| -> u32 {
            let out = Command::new("id").args([flag, "nobody"]).output().unwrap();
            String::from_utf8(out.stdout)
                .unwrap()
                .trim()
                .parse()
                .unwrap()
        };
        for p in [dir.path(), &pwfile] {
            std::os::unix::fs::chown(p, Some(id("-u")), Some(id("-g"))).unwrap();
        }
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server {
        dir,
        bin,
        port,
        as_user,
    };
    let out = server
        .cmd("initdb")
        .arg("-D")
        .arg(server.data())
        .args(["-U", "postgres", "--auth=scram-sha-256", "-E", "UTF8"])
        .args(["--locale=C", "--no-sync"])
        .arg(format!("--pwfile={}", pwfile.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB",
        server.dir.path().display()
    );
    let out = server
        .cmd("pg_ctl")
        .arg("-D")
        .arg(server.data())
        .arg("-l")
        .arg(server.dir.path().join("log"))
        .args(["-o", &options, "-w", "start"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pg_ctl start failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(server.dir.path().join("log")).unwrap_or_default()
    );
    server
}

fn load_fixtures(port: u16) {
    let connect = |db: &str| {
        postgres::Client::connect(
            &format!("postgres://postgres:{SUPER_PASSWORD}@127.0.0.1:{port}/{db}"),
            postgres::NoTls,
        )
        .unwrap()
    };
    let mut admin = connect("postgres");
    admin.batch_execute("CREATE DATABASE kommune").unwrap();
    admin
        .batch_execute(&format!(
            "CREATE ROLE scanner LOGIN PASSWORD '{SCAN_PASSWORD}'"
        ))
        .unwrap();
    let mut c = connect("kommune");
    let (a, b, d) = (
        cpr("010190", "123"),
        cpr("241287", "456"),
        cpr("050575", "234"),
    );
    let b_dashed = format!("{}-{}", &b[..6], &b[6..]);
    c.batch_execute(&format!(
        "CREATE TABLE borgere (id int PRIMARY KEY, navn text, cpr varchar(11), notes text,
                               data jsonb, ordrenr bigint);
         INSERT INTO borgere VALUES
           (1, 'A', '{a}', 'ringede {b_dashed} i dag', '{{\"person\": {{\"cpr\": \"{d}\"}}}}',
            {b});
         CREATE TABLE legacy (personnr bigint, kommentar text);
         INSERT INTO legacy VALUES ({a_int}, 'ok'), (NULL, NULL);
         CREATE TABLE big (id int PRIMARY KEY, notes text);
         INSERT INTO big SELECT i, 'row ' || i || ' ' || repeat('x', 300) ||
             CASE WHEN i % 10000 = 0 THEN ' cpr {d}' ELSE '' END
           FROM generate_series(1, {BIG_ROWS}) i;
         CREATE SCHEMA hemmelig;
         CREATE TABLE hemmelig.loen (id int PRIMARY KEY, cpr text);
         INSERT INTO hemmelig.loen VALUES (1, '{a}');
         GRANT USAGE ON SCHEMA hemmelig TO scanner;
         GRANT SELECT ON ALL TABLES IN SCHEMA public TO scanner;",
        a_int = a.parse::<i64>().unwrap(),
    ))
    .unwrap();
}

fn url(port: u16, password: &str) -> String {
    format!("postgres://scanner:{password}@127.0.0.1:{port}/kommune")
}

fn scan_pg(args: &[&str]) -> Option<Run> {
    let port = server()?;
    let u = url(port, SCAN_PASSWORD);
    let mut all = vec!["--today", "2026-11-23"];
    all.extend_from_slice(args);
    all.push(&u);
    Some(run_in(None, &all, b""))
}

#[test]
fn postgres_findings_name_table_column_and_row_key() {
    let Some(run) = scan_pg(&["--exclude-tables", "big", "--exclude-tables", "hemmelig.*"]) else {
        return;
    };
    assert_eq!(run.status, 1, "{}", run.stderr);
    let found = findings(&run);
    let (a, b, d) = (
        cpr("010190", "123"),
        cpr("241287", "456"),
        cpr("050575", "234"),
    );
    let port = server().unwrap();
    let shown = format!("postgres://scanner@127.0.0.1:{port}/kommune");

    let col = in_field(&found, "public.borgere", "cpr");
    assert_eq!(col["path"], shown.as_str(), "the URL without its password");
    assert_eq!(col["key"], serde_json::json!({"id": "1"}));
    assert_eq!(col["confidence"], "high");
    assert_eq!(reasons(col).last().unwrap(), "column:cpr");

    let notes = in_field(&found, "public.borgere", "notes");
    assert_eq!(notes["match"], format!("{}-****", &b[..6]));
    let json = in_field(&found, "public.borgere", "data");
    assert_eq!(json["match"], format!("{}****", &d[..6]));
    assert_eq!(
        json["confidence"], "high",
        "the JSON key `cpr` is local context"
    );

    let int = in_field(&found, "public.legacy", "personnr");
    assert_eq!(
        int["key"]["ctid"], "(0,1)",
        "no primary key: the row's ctid"
    );
    assert_eq!(int["match"], format!("{}****", &a[..6]));
    assert!(reasons(int).contains(&"int-leading-zero".to_string()));

    assert!(
        found.iter().all(|f| f["field"] != "ordrenr"),
        "a number under `ordrenr` is low: {}",
        mask_numbers(&run.stdout)
    );
    assert!(!run.stdout.contains(SCAN_PASSWORD) && !run.stderr.contains(SCAN_PASSWORD));
    assert!(
        !run.stdout.contains(&a[6..]),
        "{}",
        mask_numbers(&run.stdout)
    );
}

#[test]
fn postgres_table_the_role_may_not_read_is_an_error_record_and_the_scan_goes_on() {
    let Some(run) = scan_pg(&["--exclude-tables", "big"]) else {
        return;
    };
    assert_eq!(run.status, 2);
    let errors = run.of_type("error");
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert_eq!(errors[0]["table"], "hemmelig.loen");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("permission denied"),
        "{}",
        errors[0]
    );
    assert!(findings(&run).len() >= 4, "the readable tables are scanned");
}

#[test]
fn postgres_wrong_password_is_a_clear_error_exit_2_never_echoed() {
    let Some(port) = server() else { return };
    let u = url(port, WRONG_PASSWORD);
    let run = run_in(None, &["--today", "2026-11-23", &u], b"");
    assert_eq!(run.status, 2);
    let errors = run.of_type("error");
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains("password authentication failed"),
        "{message}"
    );
    for out in [&run.stdout, &run.stderr] {
        assert!(!out.contains(WRONG_PASSWORD), "{out}");
    }
}

#[test]
fn postgres_password_comes_from_the_password_file() {
    let Some(port) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let pgpass = dir.path().join("pgpass");
    std::fs::write(
        &pgpass,
        format!("127.0.0.1:{port}:kommune:scanner:{SCAN_PASSWORD}\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let u = format!("postgresql://scanner@127.0.0.1:{port}/kommune");
    let mut cmd = bin();
    cmd.env("PGPASSFILE", &pgpass).env_remove("PGPASSWORD");
    let run = crate::util::run_cmd(cmd, None, &["--tables", "public.borgere", &u], b"");
    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);
    assert!(!findings(&run).is_empty());
}

#[test]
fn postgres_big_table_is_streamed_in_bounded_memory() {
    let Some(port) = server() else { return };
    let u = url(port, SCAN_PASSWORD);
    // The findings are written when the table is done, into a pipe made too small for them:
    // once the first bytes arrive the scan is over and the child is blocked writing, alive,
    // so its peak memory (VmHWM, of this process image only) can be read.
    let mut child = bin()
        .args(["--tables", "public.big", "--context", "100", &u])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&stdout);
    assert!(unsafe { libc::fcntl(fd, libc::F_SETPIPE_SZ, 4096) } >= 4096);
    let mut ready = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    assert_eq!(unsafe { libc::poll(&mut ready, 1, -1) }, 1);
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status");
    let out = std::io::read_to_string(stdout).unwrap();
    child.wait().unwrap();
    let summary: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert!(out.len() > 4096, "the findings overflow the pipe");
    assert_eq!(summary["rows"], BIG_ROWS);
    assert_eq!(summary["findings"]["cpr"], BIG_ROWS / 10_000);
    let table_bytes = summary["bytes"].as_u64().unwrap();
    assert!(table_bytes > 50 << 20, "the table is big: {table_bytes}");
    let peak = peak_kib * 1024;
    assert!(
        peak < table_bytes / 2,
        "peak memory {peak} for a table of {table_bytes} bytes"
    );
}
