//! cprscan never writes to what it scans: after scans in every mode, `baseline write` and
//! `redact` (without `--in-place`), every file of the scanned tree has its size, contents,
//! modification time and, where the file system keeps it up to date, access time (SQLite files
//! excepted: SQLite opens them itself); every directory its modification time and entries
//! (nothing was created in it, even for a moment: no SQLite journal either).

#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs::{self, File, FileTimes};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::util::{generated_cpr, run_cmd, tree, TODAY};

/// What is recorded of each path below the root.
#[derive(Debug, PartialEq, Eq)]
struct State {
    size: u64,
    modified: SystemTime,
    /// Only for files, and only when the file system updates access times.
    accessed: Option<SystemTime>,
    /// Contents of a file, names of a directory's entries.
    contents: Vec<u8>,
}

fn snapshot(root: &Path, with_atime: bool) -> BTreeMap<PathBuf, State> {
    let mut all = BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let md = fs::symlink_metadata(&dir).unwrap();
        let mut names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        let listing = names
            .iter()
            .map(|p| p.to_string_lossy().into_owned() + "\n")
            .collect::<String>();
        for p in names {
            let md = fs::symlink_metadata(&p).unwrap();
            if md.is_dir() {
                todo.push(p);
            } else if md.is_file() {
                // Times first: reading the contents (here, without O_NOATIME) may touch them.
                let state = State {
                    size: md.len(),
                    modified: md.modified().unwrap(),
                    // SQLite opens its files itself, without O_NOATIME: their access time
                    // may change (a documented limit; everything else of them may not).
                    accessed: (with_atime && !is_sqlite(&p)).then(|| md.accessed().unwrap()),
                    contents: Vec::new(),
                };
                all.insert(p, state);
            }
        }
        all.insert(
            dir,
            State {
                size: md.len(),
                modified: md.modified().unwrap(),
                accessed: None,
                contents: listing.into_bytes(),
            },
        );
    }
    all
}

fn is_sqlite(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "sqlite")
}

/// Contents of every file, read after the times were taken.
fn contents(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot(root, false)
        .into_keys()
        .filter(|p| p.is_file())
        .map(|p| {
            let data = fs::read(&p).unwrap();
            (p, data)
        })
        .collect()
}

/// Gives every file below `root` an access time older than its modification time, which a
/// `relatime` file system (the Linux default) updates on the next read unless it is opened
/// with O_NOATIME.
fn age_access_times(root: &Path) {
    let accessed = SystemTime::UNIX_EPOCH + Duration::from_secs(978_307_200); // 2001-01-01
    let modified = SystemTime::UNIX_EPOCH + Duration::from_secs(1_577_836_800); // 2020-01-01
    for p in snapshot(root, false).into_keys().filter(|p| p.is_file()) {
        File::open(&p)
            .unwrap()
            .set_times(
                FileTimes::new()
                    .set_accessed(accessed)
                    .set_modified(modified),
            )
            .unwrap();
    }
}

/// Whether reading a file in `dir` updates its access time here (not on `noatime` mounts).
fn reads_update_atime(dir: &Path) -> bool {
    let p = dir.join("probe");
    fs::write(&p, b"probe").unwrap();
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(978_307_200);
    File::open(&p)
        .unwrap()
        .set_times(FileTimes::new().set_accessed(old))
        .unwrap();
    File::open(&p)
        .unwrap()
        .read_to_end(&mut Vec::new())
        .unwrap();
    let updated = fs::metadata(&p).unwrap().accessed().unwrap() != old;
    fs::remove_file(p).unwrap();
    updated
}

#[test]
fn scans_baselines_and_redaction_leave_every_scanned_file_and_directory_as_it_was() {
    let n = generated_cpr("150385", "123");
    let line = format!("cpr {}-{}\n", &n[..6], &n[6..]);
    // One file of 16 MiB, big enough to be read in parts by several threads.
    let block = format!("{line}{}", ("x".repeat(99) + "\n").repeat(600));
    let big = block.repeat((16 << 20) / block.len() + 1);
    let outside = tree(&[("key", b"a test key\n")]);
    let dir = tree(&[
        (
            "share/hr/list.csv",
            format!("navn;cpr\nJens;{n}\n").as_bytes(),
        ),
        ("share/.hidden/old.txt", line.as_bytes()),
        ("share/logs/app.log", line.repeat(100).as_bytes()),
        ("share/logs/big.log", big.as_bytes()),
        ("share/empty.txt", b""),
    ]);
    std::os::unix::fs::symlink("hr/list.csv", dir.path().join("share/link.csv")).unwrap();
    let db = rusqlite::Connection::open(dir.path().join("share/hr/people.sqlite")).unwrap();
    db.execute_batch("CREATE TABLE people (id INTEGER PRIMARY KEY, cpr TEXT)")
        .unwrap();
    db.execute("INSERT INTO people (cpr) VALUES (?1)", [&n])
        .unwrap();
    drop(db);
    let root = dir.path().join("share");
    let check_atime = reads_update_atime(&root);
    if !check_atime {
        eprintln!("note: this file system does not update access times; they are not checked");
    }
    // Contents first: this test reads them without O_NOATIME. Then the times.
    let data_before = contents(&root);
    age_access_times(&root);
    let before = snapshot(&root, check_atime);

    let key = outside.path().join("key");
    let key = key.to_str().unwrap();
    let out = outside.path().join("clean.csv");
    let found = outside.path().join("found.jsonl");
    let runs: Vec<Vec<&str>> = vec![
        vec!["--today", TODAY, "share"],
        vec!["--today", TODAY, "--threads", "1", "--follow", "share"],
        vec![
            "--today",
            TODAY,
            "--format",
            "sarif",
            "--key-file",
            key,
            "share",
        ],
        vec![
            "--today",
            TODAY,
            "--format",
            "summary",
            "--context",
            "40",
            "share",
        ],
        vec![
            "baseline",
            "write",
            "--today",
            TODAY,
            "--key-file",
            key,
            "share",
        ],
        vec!["redact", "--today", TODAY, "share/hr/list.csv"],
        vec!["redact", "--today", TODAY, "share/logs/big.log"],
        vec![
            "redact",
            "--today",
            TODAY,
            "--output",
            out.to_str().unwrap(),
            "--findings",
            found.to_str().unwrap(),
            "share/logs/app.log",
        ],
    ];
    for args in &runs {
        let r = run_cmd(crate::util::bin_plain(), Some(dir.path()), args, b"");
        assert!(matches!(r.status, 0 | 1), "{args:?}: {}", r.stderr);
        let after = snapshot(&root, check_atime);
        for (path, was) in &before {
            assert_eq!(
                after.get(path),
                Some(was),
                "{args:?} changed {}",
                path.display()
            );
        }
        assert_eq!(after.len(), before.len(), "{args:?} added a path");
    }
    assert_eq!(contents(&root), data_before);
    assert!(
        fs::metadata(&out).unwrap().len() > 0,
        "redact --output wrote"
    );
}
