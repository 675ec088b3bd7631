//! Hostile trees: whatever a share holds (sockets, dangling links, locked directories, files
//! that vanish or shrink under the scan, empty files, one enormous line, a hundred thousand
//! files), the scan completes, each oddity gets the record docs/output.md documents, and the
//! exit status is 2 only when something could not be read.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::Stdio;

use crate::util::{self, generated_cpr, run_in, tree, Run};

/// Generated numbers (a date, a serial, the computed check digit).
fn number_a() -> String {
    generated_cpr("150385", "123")
}

fn number_b() -> String {
    generated_cpr("020467", "245")
}

fn number_c() -> String {
    generated_cpr("301172", "318")
}

/// `cpr DDMMYY-SSSS` and a newline: a line reported with high confidence.
fn cpr_line(cpr: &str) -> Vec<u8> {
    format!("cpr {}-{}\n", &cpr[..6], &cpr[6..]).into_bytes()
}

fn paths_of(records: &[serde_json::Value]) -> Vec<&str> {
    records
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect()
}

/// The one error or skip record about `path`.
fn record_about<'a>(errors: &'a [serde_json::Value], path: &str) -> &'a serde_json::Value {
    let about: Vec<_> = errors.iter().filter(|e| e["path"] == path).collect();
    assert_eq!(about.len(), 1, "one record about {path}: {errors:?}");
    about[0]
}

#[test]
fn socket_in_a_tree_is_skipped_with_a_record_and_the_scan_completes() {
    let dir = tree(&[("a.txt", &cpr_line(&number_a()))]);
    let _listener = std::os::unix::net::UnixListener::bind(dir.path().join("sock")).unwrap();
    let r = run_in(Some(dir.path()), &["."], b"");
    let errors = r.of_type("error");
    let sock = record_about(&errors, "./sock");
    assert_eq!(sock["skipped"], true);
    assert_eq!(sock["message"], "socket met during the walk: not opened");
    assert_eq!(paths_of(&r.of_type("finding")), ["./a.txt"]);
    let s = r.summary();
    assert_eq!(
        (s["files"].as_u64(), s["skipped"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(s["errors"], 0);
    assert_eq!(r.status, 1, "a skip is not an error; the finding sets 1");
}

#[test]
fn dangling_symlink_is_a_skip_record_with_and_without_follow_and_the_scan_completes() {
    let dir = tree(&[("a.txt", &cpr_line(&number_a()))]);
    std::os::unix::fs::symlink("gone.txt", dir.path().join("link")).unwrap();
    for (args, message) in [
        (&["."][..], "symbolic link not followed (use --follow)"),
        (
            &["--follow", "."][..],
            "symbolic link to a missing target: nothing to read",
        ),
    ] {
        let r = run_in(Some(dir.path()), args, b"");
        let errors = r.of_type("error");
        let link = record_about(&errors, "./link");
        assert_eq!(link["skipped"], true, "{args:?}");
        assert_eq!(link["message"], message, "{args:?}");
        assert_eq!(paths_of(&r.of_type("finding")), ["./a.txt"], "{args:?}");
        assert_eq!(r.summary()["errors"], 0, "{args:?}");
        assert_eq!(r.status, 1, "{args:?}: nothing unreadable, so not 2");
    }
}

#[test]
fn dangling_symlink_named_on_the_command_line_is_an_error_like_a_missing_path() {
    let dir = tree(&[("a.txt", &cpr_line(&number_a()))]);
    std::os::unix::fs::symlink("gone.txt", dir.path().join("link")).unwrap();
    let r = run_in(Some(dir.path()), &["link", "a.txt"], b"");
    let errors = r.of_type("error");
    let link = record_about(&errors, "link");
    assert_eq!(link["skipped"], false);
    assert_eq!(
        link["message"],
        "symbolic link to a missing target: nothing to read"
    );
    assert_eq!(paths_of(&r.of_type("finding")), ["a.txt"]);
    assert_eq!(r.status, 2);
}

/// Linux capabilities that let root read what its permission bits forbid.
const CAP_DAC_OVERRIDE: libc::c_ulong = 1;
const CAP_DAC_READ_SEARCH: libc::c_ulong = 2;

/// Runs the binary in `dir` as a reader that permission bits apply to. A non-root user already
/// is one. Root reads everything through two capabilities, so the child drops them from its
/// bounding set before exec (it stays uid 0 and can still reach the binary and the temporary
/// directory, whatever their modes). `None` when that is not permitted here (no CAP_SETPCAP).
fn run_as_a_permission_bound_reader(dir: &Path, args: &[&str]) -> Option<Run> {
    use std::os::unix::process::CommandExt;
    let mut cmd = util::bin();
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // SAFETY: the closure only calls prctl (a system call, async-signal-safe) and reads
        // errno; it allocates nothing and takes no lock, as code between fork and exec must.
        unsafe {
            cmd.pre_exec(|| {
                for cap in [CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH] {
                    if libc::prctl(libc::PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
    }
    match cmd.output() {
        Ok(out) => Some(Run::from_output(out)),
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => None,
        Err(e) => panic!("cannot start the binary: {e}"),
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn unreadable_directory_and_file_are_error_records_and_the_rest_is_scanned() {
    let (a, b, c) = (number_a(), number_b(), number_c());
    let dir = tree(&[
        ("open.txt", &cpr_line(&a)),
        ("locked/inside.txt", &cpr_line(&b)),
        ("closed.txt", &cpr_line(&c)),
    ]);
    set_mode(&dir.path().join("locked"), 0o000);
    set_mode(&dir.path().join("closed.txt"), 0o000);
    let bound = run_as_a_permission_bound_reader(dir.path(), &["."]);
    // Root that cannot shed its override reads everything: then check exactly that.
    let as_root = bound
        .is_none()
        .then(|| run_in(Some(dir.path()), &["."], b""));
    set_mode(&dir.path().join("locked"), 0o755);
    set_mode(&dir.path().join("closed.txt"), 0o644);
    let Some(r) = bound else {
        let r = as_root.unwrap();
        eprintln!("note: root without CAP_SETPCAP here: permission bits cannot be enforced");
        let findings = r.of_type("finding");
        let mut found = paths_of(&findings);
        found.sort();
        assert_eq!(found, ["./closed.txt", "./locked/inside.txt", "./open.txt"]);
        assert_eq!(r.status, 1);
        return;
    };
    let errors = r.of_type("error");
    let locked = record_about(&errors, "./locked");
    assert_eq!(locked["skipped"], false);
    assert!(
        locked["message"]
            .as_str()
            .unwrap()
            .contains("Permission denied"),
        "{locked}"
    );
    let closed = record_about(&errors, "./closed.txt");
    assert_eq!(closed["skipped"], false);
    assert!(
        closed["message"]
            .as_str()
            .unwrap()
            .starts_with("cannot open: Permission denied"),
        "{closed}"
    );
    assert_eq!(paths_of(&r.of_type("finding")), ["./open.txt"]);
    assert_eq!(r.summary()["errors"], 2);
    assert_eq!(r.status, 2, "something could not be read");
}

/// Creates a FIFO at `path`.
fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// Opens the FIFO at `path` for writing once a reader has it open, waiting at most 60 s (a
/// reader that never comes fails the test instead of hanging it).
fn open_fifo_writer(path: &Path) -> std::fs::File {
    use std::os::unix::fs::OpenOptionsExt;
    for _ in 0..60_000 {
        match std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
        {
            Ok(f) => return f,
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
                std::thread::sleep(std::time::Duration::from_millis(1))
            }
            Err(e) => panic!("open FIFO: {e}"),
        }
    }
    panic!("cprscan never opened the FIFO")
}

#[test]
fn file_that_vanishes_between_walk_and_open_is_an_error_record_and_the_scan_completes() {
    // The walk takes the paths named on the command line first (it looks at each one), then
    // reads them in order with one thread. The FIFO in the middle holds the scan until this
    // test has deleted the files; the one after it is then opened after it is gone.
    let (a, b, c) = (number_a(), number_b(), number_c());
    let dir = tree(&[("before.txt", &cpr_line(&a)), ("after.txt", &cpr_line(&c))]);
    mkfifo(&dir.path().join("pipe"));
    let mut child = util::bin()
        .args(["--threads", "1", "before.txt", "pipe", "after.txt"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = open_fifo_writer(&dir.path().join("pipe"));
    pipe.write_all(&cpr_line(&b)).unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("\"path\":\"pipe\"") {
        assert!(stdout.read_line(&mut seen).unwrap() > 0, "{seen}");
    }
    std::fs::remove_file(dir.path().join("before.txt")).unwrap();
    std::fs::remove_file(dir.path().join("after.txt")).unwrap();
    drop(pipe);
    std::io::Read::read_to_string(&mut stdout, &mut seen).unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let status = child.wait().unwrap();
    let r = Run {
        status: status.code().unwrap_or(-1),
        stdout: seen,
        stderr,
    };
    assert_eq!(r.stderr, "");
    let errors = r.of_type("error");
    let after = record_about(&errors, "after.txt");
    assert_eq!(after["skipped"], false);
    assert!(
        after["message"]
            .as_str()
            .unwrap()
            .starts_with("cannot open: No such file"),
        "{after}"
    );
    assert_eq!(paths_of(&r.of_type("finding")), ["before.txt", "pipe"]);
    assert_eq!(r.summary()["errors"], 1);
    assert_eq!(r.status, 2, "a file could not be read");
}

#[test]
fn files_deleted_while_a_tree_is_scanned_give_error_records_naming_them_or_nothing() {
    let body = cpr_line(&number_a()).repeat(20);
    let names: Vec<String> = (0..1500).map(|i| format!("d{}/f{i}.txt", i % 15)).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &body[..])).collect();
    let dir = tree(&files);
    let mut child = util::bin()
        .args(["--threads", "2", "."])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Output comes in 64 KiB blocks: once the first arrives the scan is under way, with most
    // of the tree still ahead of it. Delete everything, while it goes on.
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut head).unwrap();
    for n in names.iter().rev() {
        std::fs::remove_file(dir.path().join(n)).unwrap();
    }
    let mut rest = Vec::new();
    std::io::Read::read_to_end(&mut stdout, &mut rest).unwrap();
    let mut out = child.wait_with_output().unwrap();
    out.stdout = [&head[..], &rest].concat();
    let r = Run::from_output(out);
    assert!(matches!(r.status, 1 | 2), "{}: {}", r.status, r.stderr);
    assert_eq!(r.stderr, "", "no panic, no message");
    let s = r.summary();
    let errors = r.of_type("error");
    assert_eq!(s["errors"].as_u64(), Some(errors.len() as u64));
    assert_eq!(
        r.status == 2,
        !errors.is_empty(),
        "2 exactly when a file was lost"
    );
    for e in &errors {
        let path = e["path"].as_str().unwrap();
        assert!(names.iter().any(|n| path == format!("./{n}")), "{e}");
        assert_eq!(e["skipped"], false);
        assert!(
            e["message"].as_str().unwrap().contains("No such file"),
            "{e}"
        );
    }
    // Every file read was read whole: an unlinked file stays readable once open.
    assert_eq!(s["findings"]["cpr"], s["files"].as_u64().unwrap() * 20);
}

/// The paths a process has open, read from /proc.
#[cfg(target_os = "linux")]
fn has_open(pid: u32, path: &Path) -> bool {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|fds| {
            fds.flatten()
                .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|p| p == path))
        })
        .unwrap_or(false)
}

#[cfg(target_os = "linux")]
#[test]
fn file_truncated_while_it_is_scanned_ends_early_without_a_crash() {
    const LEN: usize = 48 << 20;
    const CUT: u64 = (8 << 20) + 12_345;
    let first = cpr_line(&number_a());
    let mut data = first.clone();
    let filler = b"an ordinary log line without any number in it at all, just text\n";
    while data.len() < LEN {
        data.extend_from_slice(filler);
    }
    data.truncate(LEN - 20);
    data.extend_from_slice(&cpr_line(&number_b()));
    // Sequential reads (one thread) and positional reads of parts (big files, two threads).
    for threads in ["1", "2"] {
        let dir = tree(&[("big.log", &data)]);
        let path = dir.path().join("big.log").canonicalize().unwrap();
        let mut child = util::bin()
            .args(["--threads", threads, "big.log"])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Cut the file as soon as cprscan has it open (or has finished, on a very fast
        // machine: the assertions below hold either way).
        while !has_open(child.id(), &path) && child.try_wait().unwrap().is_none() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(CUT)
            .unwrap();
        let out = child.wait_with_output().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), None, "threads {threads}: killed");
        let r = Run::from_output(out);
        assert_eq!(r.stderr, "", "threads {threads}");
        assert_eq!(r.status, 1, "threads {threads}: {}", r.stdout);
        assert!(r.of_type("error").is_empty(), "threads {threads}");
        let findings = r.of_type("finding");
        assert_eq!(findings[0]["offset"], 4, "threads {threads}");
        for f in &findings {
            assert!(f["offset"].as_u64().unwrap() < LEN as u64, "{f}");
        }
        assert_eq!(r.summary()["files"], 1);
    }
}

#[test]
fn empty_file_and_empty_stdin_are_counted_and_clean() {
    let dir = tree(&[("empty.txt", b"")]);
    for (args, path) in [(&["empty.txt"][..], "empty.txt"), (&["-"][..], "-")] {
        let r = run_in(Some(dir.path()), args, b"");
        assert_eq!(r.status, 0, "{path}: {}", r.stdout);
        assert_eq!(r.records().len(), 1, "{path}: the summary only");
        let s = r.summary();
        assert_eq!(
            (s["files"].as_u64(), s["bytes"].as_u64()),
            (Some(1), Some(0))
        );
        assert_eq!(s["errors"], 0);
    }
}

#[test]
fn numbers_at_the_start_middle_and_end_of_a_100_mb_single_line_are_found_where_they_are() {
    const LEN: usize = 100_000_000;
    let numbers = [number_a(), number_b(), number_c()];
    let piece = |n: &str| format!("cpr {}-{}", &n[..6], &n[6..]).into_bytes();
    let mut line = Vec::with_capacity(LEN + 1);
    let mut want = Vec::new();
    line.extend_from_slice(&piece(&numbers[0]));
    line.push(b' ');
    want.push(4);
    line.resize(LEN / 2, b'a');
    line.extend_from_slice(b" ");
    want.push(line.len() as u64 + 4);
    line.extend_from_slice(&piece(&numbers[1]));
    line.extend_from_slice(b" ");
    let last = piece(&numbers[2]);
    line.resize(LEN - last.len() - 1, b'a');
    line.extend_from_slice(b" ");
    want.push(line.len() as u64 + 4);
    line.extend_from_slice(&last);
    line.push(b'\n');
    assert_eq!(line.len(), LEN + 1);
    let dir = tree(&[("one-line.txt", &line)]);
    drop(line);
    // One thread reads it in sequence; two split it into parts read side by side.
    for threads in ["1", "2"] {
        let r = run_in(
            Some(dir.path()),
            &["--threads", threads, "one-line.txt"],
            b"",
        );
        assert_eq!(r.status, 1, "threads {threads}: {}", r.stderr);
        let got: Vec<(u64, u64, u64)> = r
            .of_type("finding")
            .iter()
            .map(|f| {
                let n = |k: &str| f[k].as_u64().unwrap();
                (n("offset"), n("line"), n("column"))
            })
            .collect();
        let expected: Vec<(u64, u64, u64)> = want.iter().map(|&o| (o, 1, o + 1)).collect();
        assert_eq!(got, expected, "threads {threads}");
        assert_eq!(r.summary()["bytes"], LEN as u64 + 1);
    }
}

/// A temporary directory in memory (/dev/shm) where there is one: creating a hundred thousand
/// files there takes seconds, where a journalled disk busy with builds can take minutes.
fn in_memory_tempdir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

#[test]
fn a_hundred_thousand_empty_files_are_all_counted() {
    let dir = in_memory_tempdir();
    for d in 0..100 {
        let sub = dir.path().join(format!("d{d:02}"));
        std::fs::create_dir(&sub).unwrap();
        for i in 0..1000 {
            std::fs::File::create(sub.join(format!("f{i:03}"))).unwrap();
        }
    }
    std::fs::write(dir.path().join("d42/nonempty.txt"), cpr_line(&number_a())).unwrap();
    let r = run_in(Some(dir.path()), &["."], b"");
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert_eq!(paths_of(&r.of_type("finding")), ["./d42/nonempty.txt"]);
    let s = r.summary();
    assert_eq!(s["files"], 100_001);
    assert_eq!(s["errors"], 0);
    assert_eq!(s["skipped"], 0);
}

#[test]
fn hostile_tree_helpers_generate_valid_distinct_numbers() {
    let all = [number_a(), number_b(), number_c()];
    for n in &all {
        let r = run_in(None, &["-"], &cpr_line(n));
        assert_eq!(r.of_type("finding").len(), 1, "{}", util::mask_numbers(n));
        assert_eq!(r.of_type("finding")[0]["confidence"], "high");
    }
    assert!(all[0] != all[1] && all[1] != all[2]);
}
