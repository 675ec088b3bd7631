//! Sweeps over several machines, through the binary: `--shard` runs together equal one
//! unsharded run (a split file included, numbers across every range boundary), `merge` orders
//! and checks shard outputs, `--files-from` lists, and `--output` under SIGKILL. Every number
//! is generated (a date, a serial and a computed check digit); failures show them masked.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{bin, mask_numbers, run_cmd, run_in, tree, Run};

/// A generated CPR number: `date` (DDMMYY) and a 3-digit serial completed with the check digit
/// that passes modulus 11 (serials without one are moved on).
pub fn cpr(date: &str, serial: u32) -> String {
    const W: [u32; 10] = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
    (serial..)
        .flat_map(|s| (0..10).map(move |c| format!("{date}{:03}{c}", s % 1000)))
        .find(|s| {
            let sum: u32 = s.bytes().zip(W).map(|(b, w)| u32::from(b - b'0') * w).sum();
            sum.is_multiple_of(11)
        })
        .expect("a check digit exists for some serial")
}

/// The `i`-th generated number, written `DDMMYY-SSSS` (11 bytes): born 1950..1989 (a 7th
/// digit of 1 to 3 puts every one in the 1900s).
pub fn nth_cpr(i: u32) -> String {
    let n = cpr(
        &format!("{:02}{:02}{:02}", 1 + i % 28, 1 + i % 12, 50 + i % 40),
        100 + i % 300,
    );
    format!("{}-{}", &n[..6], &n[6..])
}

/// Split size the tests use: small, so a file of a few hundred KiB has many ranges.
const SPLIT: u64 = 16 * 1024;

/// A log of `len` bytes or a little more with a number straddling every multiple of
/// [`SPLIT`] (and more numbers between), lines of mixed length: some ranges meet inside a line
/// longer than the 4 KiB a range boundary may move to find a line start.
fn big_log(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 64);
    let mut i = 0;
    while out.len() < len {
        let boundary = (out.len() as u64 / SPLIT + 1) * SPLIT;
        let before = (boundary - out.len() as u64) as usize;
        if before < 40 {
            // Put a number across the boundary: after " cpr ", it starts 1..=10 bytes before.
            let pad = before.saturating_sub(6 + (i as usize % 10));
            out.extend(std::iter::repeat_n(b'.', pad));
            out.extend_from_slice(format!(" cpr {} x\n", nth_cpr(i)).as_bytes());
        } else if i % 37 == 0 {
            // A line longer than 4 KiB with numbers inside.
            for j in 0..250 {
                out.extend_from_slice(format!("cpr-nr {} ; ", nth_cpr(i + j)).as_bytes());
            }
            out.push(b'\n');
        } else {
            out.extend_from_slice(format!("{i} personnummer {} seen\n", nth_cpr(i)).as_bytes());
        }
        i += 1;
    }
    out
}

/// A tree with unicode, spaces, odd punctuation and (on Unix) a name that is not UTF-8, every
/// file holding generated numbers, and a big log.
fn odd_tree() -> tempfile::TempDir {
    let names = [
        "a.txt",
        "hr/løn 2024.txt",
        "hr/ünïcødé/名前.txt",
        "it/with space/and,comma.csv.txt",
        "it/#hash&amp;.log",
        ".hidden/notes.md",
        "deep/a/b/c/d/e.txt",
        "tab\there.txt",
    ];
    let mut files: Vec<(String, Vec<u8>)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let text = format!(
                "file {n}\ncpr: {}\nnothing\nfødt {} ok\n",
                nth_cpr(i as u32 * 3),
                nth_cpr(i as u32 * 3 + 1)
            );
            (n.to_string(), text.into_bytes())
        })
        .collect();
    for i in 0..40u32 {
        files.push((
            format!("many/f{i:02}.txt"),
            format!("x\npersonnummer {}\n", nth_cpr(500 + i)).into_bytes(),
        ));
    }
    files.push(("logs/big.log".to_string(), big_log(300 * 1024)));
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let dir = tree(&refs);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"latin1-\xe6\xf8\xe5.txt");
        std::fs::write(
            dir.path().join("hr").join(name),
            format!("cpr {}\n", nth_cpr(900)),
        )
        .unwrap();
    }
    dir
}

/// The records of a run other than the summary, as a set of lines: what must be equal.
fn records(run: &Run) -> BTreeSet<String> {
    run.stdout
        .lines()
        .filter(|l| !l.contains(r#""type":"summary""#))
        .map(str::to_string)
        .collect()
}

fn records_of_file(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.contains(r#""type":"summary""#))
        .map(str::to_string)
        .collect()
}

fn show(set: &BTreeSet<String>) -> String {
    mask_numbers(&format!("{set:#?}"))
}

/// Runs shard `k` of `n` of `root` into `out`.
fn shard_run(dir: &Path, k: u64, n: u64, out: &Path, extra: &[&str]) -> Run {
    let shard = format!("{k}/{n}");
    let split = SPLIT.to_string();
    let mut args = vec![
        "--no-config",
        "--shard",
        &shard,
        "--split-size",
        &split,
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args.push("root");
    run_in(Some(dir), &args, b"")
}

/// Runs every shard of `n` and merges them; returns the merge.
fn sharded_and_merged(dir: &Path, n: u64, extra: &[&str]) -> Run {
    let outs: Vec<PathBuf> = (0..n)
        .map(|k| dir.join(format!("out/shard-{k}.jsonl")))
        .collect();
    std::fs::create_dir_all(dir.join("out")).unwrap();
    for (k, out) in outs.iter().enumerate() {
        let run = shard_run(dir, k as u64, n, out, extra);
        assert!(run.stdout.is_empty(), "--output leaves stdout empty");
        assert!(run.status <= 1, "shard {k}/{n}: {}", run.stderr);
    }
    let mut args = vec!["merge"];
    args.extend(outs.iter().rev().map(|p| p.to_str().unwrap()));
    run_cmd(crate::util::bin_plain(), Some(dir), &args, b"")
}

/// The odd tree under `<tmp>/root`, so shard outputs can sit beside it.
fn sweep_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let t = odd_tree();
    std::fs::rename(t.path(), dir.path().join("root"))
        .or_else(|_| copy_dir(t.path(), &dir.path().join("root")))
        .unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()))?;
        } else {
            std::fs::copy(e.path(), to.join(e.file_name()))?;
        }
    }
    Ok(())
}

#[test]
fn shards_merged_equal_one_unsharded_run_for_several_counts() {
    let dir = sweep_dir();
    let whole = run_in(Some(dir.path()), &["--no-config", "root"], b"");
    assert_eq!(whole.status, 1, "{}", whole.stderr);
    let expected = records(&whole);
    assert!(expected.len() > 300, "the tree has many findings");
    for n in [1, 2, 3, 4, 7] {
        let merged = sharded_and_merged(dir.path(), n, &[]);
        assert_eq!(merged.status, 0, "merge of {n}: {}", merged.stderr);
        let got = records(&merged);
        assert!(
            got == expected,
            "{n} shards differ from one run.\nmissing: {}\nextra: {}",
            show(&expected.difference(&got).cloned().collect()),
            show(&got.difference(&expected).cloned().collect())
        );
        let (s, w) = (merged.summary(), whole.summary());
        for field in ["files", "bytes", "findings", "errors", "skipped"] {
            assert_eq!(s[field], w[field], "{field} with {n} shards");
        }
        assert_eq!(s["merged"], n);
    }
}

#[test]
fn split_file_loses_and_duplicates_nothing_at_range_boundaries() {
    // One big file alone, split into ~19 ranges over 4 shards: every range boundary has a
    // number across it, so a loss or a duplicate there shows as a difference.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("root")).unwrap();
    std::fs::write(dir.path().join("root/big.log"), big_log(300 * 1024)).unwrap();
    let whole = run_in(Some(dir.path()), &["--no-config", "root"], b"");
    let merged = sharded_and_merged(dir.path(), 4, &[]);
    let (want, got) = (records(&whole), records(&merged));
    assert_eq!(want.len(), got.len(), "as many findings");
    assert!(
        want == got,
        "{}",
        show(&want.symmetric_difference(&got).cloned().collect())
    );
    // The single-threaded path of a range gives the same as the parallel one.
    let merged_1 = sharded_and_merged(dir.path(), 4, &["-j", "1"]);
    assert!(records(&merged_1) == want);
}

#[test]
fn each_shard_scans_a_disjoint_part_and_says_which_shard_it_is() {
    let dir = sweep_dir();
    let mut seen = BTreeSet::new();
    for k in 0..3 {
        let out = dir.path().join(format!("s{k}.jsonl"));
        shard_run(dir.path(), k, 3, &out, &[]);
        let text = std::fs::read_to_string(&out).unwrap();
        let summary: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        assert_eq!(summary["shard"]["index"], k);
        assert_eq!(summary["shard"]["count"], 3);
        assert_eq!(summary["shard"]["split_size"], SPLIT);
        for line in records_of_file(&out) {
            assert!(seen.insert(line), "a record appears in two shards");
        }
    }
}

#[test]
fn merge_of_shuffled_shard_files_gives_the_same_sorted_bytes() {
    let dir = sweep_dir();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let outs: Vec<String> = (0..4)
        .map(|k| {
            let p = dir.path().join(format!("out/{k}.jsonl"));
            shard_run(dir.path(), k, 4, &p, &[]);
            p.to_str().unwrap().to_string()
        })
        .collect();
    let merge = |order: &[usize], extra: &[&str]| {
        let mut args = vec!["merge"];
        args.extend_from_slice(extra);
        args.extend(order.iter().map(|&i| outs[i].as_str()));
        run_cmd(crate::util::bin_plain(), Some(dir.path()), &args, b"")
    };
    let a = merge(&[0, 1, 2, 3], &[]);
    let b = merge(&[3, 1, 0, 2], &[]);
    // A tiny sort buffer spills many sorted runs to disk and merges them k-way.
    let c = merge(&[2, 0, 3, 1], &["--buffer-size", "2K"]);
    let strip = |r: &Run| records(r).into_iter().collect::<Vec<_>>();
    assert_eq!(a.status, 0, "{}", a.stderr);
    let lines = |r: &Run| -> Vec<String> {
        r.stdout
            .lines()
            .filter(|l| !l.contains("summary"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(lines(&a), lines(&b), "input order does not matter");
    assert_eq!(lines(&a), lines(&c), "spilled runs merge to the same order");
    assert_eq!(strip(&a).len(), lines(&a).len());
    // Ordered by path, then offset.
    let keys: Vec<(String, u64)> = a
        .of_type("finding")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn merge_refuses_missing_duplicated_and_mixed_shards_with_a_clear_message() {
    let dir = tree(&[("root/a.txt", format!("cpr {}\n", nth_cpr(1)).as_bytes())]);
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    for (k, n) in [(0, 3), (1, 3), (2, 3), (0, 2)] {
        shard_run(dir.path(), k, n, Path::new(&p(&format!("{k}of{n}"))), &[]);
    }
    let plain = run_in(
        Some(dir.path()),
        &["--no-config", "--output", "plain", "root"],
        b"",
    );
    assert!(plain.status <= 1);
    let merge = |files: &[&str]| {
        let mut args = vec!["merge".to_string()];
        args.extend(files.iter().map(|f| p(f)));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_cmd(crate::util::bin_plain(), Some(dir.path()), &args, b"")
    };
    let cases: [(&[&str], &str); 4] = [
        (&["0of3", "2of3"], "missing shards: 1/3"),
        (&["0of3", "1of3", "1of3", "2of3"], "shard 1/3 given twice"),
        (&["0of3", "1of3", "2of3", "0of2"], "different sweeps"),
        (&["0of3", "1of3", "2of3", "plain"], "not a shard"),
    ];
    for (files, why) in cases {
        let run = merge(files);
        assert_eq!(run.status, 2, "{files:?}");
        assert!(run.stderr.contains(why), "{files:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "nothing is written when refused");
    }
    assert_eq!(merge(&["0of3", "1of3", "2of3"]).status, 0);
}

#[test]
fn merge_refuses_the_output_of_a_run_that_did_not_finish() {
    let dir = tree(&[
        (
            "killed.jsonl",
            b"{\"type\":\"finding\",\"path\":\"a\",\"offset\":1}\n".as_slice(),
        ),
        (
            "cut.jsonl",
            b"{\"type\":\"finding\",\"path\":\"a\",\"off".as_slice(),
        ),
    ]);
    for (file, why) in [("killed.jsonl", "no summary"), ("cut.jsonl", "unfinished")] {
        let p = dir.path().join(file);
        let run = run_cmd(
            crate::util::bin_plain(),
            Some(dir.path()),
            &["merge", p.to_str().unwrap()],
            b"",
        );
        assert_eq!(run.status, 2);
        assert!(run.stderr.contains(why), "{file}: {}", run.stderr);
    }
}

#[test]
fn files_from_scans_exactly_the_listed_paths_newline_or_nul_separated() {
    let dir = sweep_dir();
    let listed = [
        "root/a.txt",
        "root/hr/løn 2024.txt",
        "root/many",
        "root/logs/big.log",
    ];
    let direct = {
        let mut args = vec!["--no-config"];
        args.extend(listed);
        run_in(Some(dir.path()), &args, b"")
    };
    let want = records(&direct);
    assert!(
        !want.iter().any(|l| l.contains("hidden")),
        "only the listed paths"
    );
    std::fs::write(dir.path().join("list"), listed.join("\n") + "\n").unwrap();
    let from_file = run_in(
        Some(dir.path()),
        &["--no-config", "--files-from", "list"],
        b"",
    );
    assert!(records(&from_file) == want);
    let nul = listed.join("\0");
    let from_stdin = run_in(
        Some(dir.path()),
        &["--no-config", "--files-from", "-", "-0"],
        nul.as_bytes(),
    );
    assert!(records(&from_stdin) == want, "{}", from_stdin.stderr);
    assert_eq!(from_stdin.summary()["files"], direct.summary()["files"]);
}

#[test]
fn files_from_splits_into_shards_like_a_walk() {
    let dir = sweep_dir();
    let list = "root/a.txt\nroot/many\nroot/logs/big.log\nroot/deep\n";
    let whole = run_in(
        Some(dir.path()),
        &["--no-config", "--files-from", "-"],
        list.as_bytes(),
    );
    let mut union = BTreeSet::new();
    for k in 0..3 {
        let shard = format!("{k}/3");
        let run = run_in(
            Some(dir.path()),
            &[
                "--no-config",
                "--files-from",
                "-",
                "--shard",
                &shard,
                "--split-size",
                "16K",
            ],
            list.as_bytes(),
        );
        for line in records(&run) {
            assert!(union.insert(line), "disjoint");
        }
    }
    assert!(union == records(&whole));
}

#[cfg(unix)]
#[test]
fn output_file_of_a_killed_run_holds_only_complete_lines() {
    use std::io::Write;
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("found.jsonl");
    let mut child = bin()
        .args(["--no-config", "--output", out.to_str().unwrap(), "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Lines of a stream are written as they are scanned; wait until some have reached the
    // file, with more on their way, then kill the process hard.
    let mut sent = 0u32;
    let mut lines_in_file = 0;
    while lines_in_file < 50 {
        let mut batch = String::new();
        for _ in 0..200 {
            batch.push_str(&format!(
                "cpr {} and cpr {}\n",
                nth_cpr(sent),
                nth_cpr(sent + 1)
            ));
            sent += 2;
        }
        stdin.write_all(batch.as_bytes()).unwrap();
        stdin.flush().unwrap();
        lines_in_file =
            std::fs::read(&out).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        assert!(sent < 2_000_000, "findings never reached the output file");
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(
        bytes.last(),
        Some(&b'\n'),
        "the file ends with a whole line"
    );
    for line in String::from_utf8(bytes).unwrap().lines() {
        let v: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("line {:?} is not whole: {e}", mask_numbers(line)));
        assert_eq!(v["type"], "finding", "no summary: the run was killed");
    }
    drop(stdin);
}

/// The Kubernetes Indexed Job of `integrations/kubernetes/`, run as local processes: its exact
/// command line for every index, with `JOB_COMPLETION_INDEX` set as Kubernetes sets it and the
/// mount paths pointed at a local tree, then merged: equal to one unsharded run.
#[cfg(unix)]
#[test]
fn kubernetes_indexed_job_command_lines_merged_equal_one_run() {
    let manifest =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("integrations/kubernetes/cprscan-sweep.yaml");
    let job: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(manifest).unwrap()).unwrap();
    assert_eq!(job["kind"].as_str(), Some("Job"));
    let spec = &job["spec"];
    assert_eq!(spec["completionMode"].as_str(), Some("Indexed"));
    let n = spec["completions"].as_u64().expect("completions");
    assert_eq!(
        spec["parallelism"].as_u64(),
        Some(n),
        "parallelism = completions"
    );
    let pod = &spec["template"]["spec"];
    let container = &pod["containers"][0];
    let env: Vec<(String, String)> = container["env"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_string();
            (s("name"), s("value"))
        })
        .collect();
    let var = |name: &str| env.iter().find(|(k, _)| k == name).unwrap().1.clone();
    assert_eq!(var("SHARDS"), n.to_string(), "SHARDS = completions");
    let share_mount = container["volumeMounts"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|m| m["name"].as_str() == Some("share"))
        .unwrap();
    assert_eq!(
        share_mount["mountPath"].as_str(),
        Some(var("SHARE").as_str())
    );
    assert_eq!(
        share_mount["readOnly"].as_bool(),
        Some(true),
        "the share is read-only"
    );
    let command: Vec<&str> = container["command"]
        .as_sequence()
        .unwrap()
        .iter()
        .chain(container["args"].as_sequence().unwrap())
        .map(|v| v.as_str().unwrap())
        .collect();

    let dir = sweep_dir();
    let share = dir.path().join("root");
    let results = dir.path().join("results");
    std::fs::create_dir(&results).unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_cprscan")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for k in 0..n {
        let mut pod = std::process::Command::new(command[0]);
        pod.args(&command[1..])
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("SHARE", &share)
            .env("RESULTS", &results)
            .env("JOB_COMPLETION_INDEX", k.to_string())
            .env("PATH", &path);
        let run = run_cmd(pod, Some(dir.path()), &[], b"");
        assert_eq!(
            run.status, 0,
            "pod {k} succeeds when it finds something: {}",
            run.stderr
        );
    }
    let outputs: Vec<String> = (0..n)
        .map(|k| {
            results
                .join(format!("shard-{k}.jsonl"))
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut args = vec!["merge"];
    args.extend(outputs.iter().map(String::as_str));
    let merged = run_cmd(crate::util::bin_plain(), Some(dir.path()), &args, b"");
    assert_eq!(merged.status, 0, "{}", merged.stderr);
    let whole = run_cmd(
        crate::util::bin_plain(),
        Some(dir.path()),
        &["--no-config", share.to_str().unwrap()],
        b"",
    );
    assert!(!records(&whole).is_empty());
    assert!(
        records(&merged) == records(&whole),
        "the Job's shards equal one run"
    );
}

/// The PySpark job of `integrations/spark/` for real, in Spark local mode (`local[2]`, pyspark
/// from PyPI, the machine's Java): its Parquet findings, read back, equal a plain run's.
/// Without pyspark the test says so loudly and passes, except where `CPRSCAN_REQUIRE_SPARK=1`
/// (set by `.ci/run`, which installs pyspark): there a missing pyspark fails it.
#[test]
fn spark_job_findings_equal_a_plain_run() {
    let has_pyspark = std::process::Command::new("python3")
        .args(["-c", "import pyspark"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_pyspark {
        assert!(
            std::env::var("CPRSCAN_REQUIRE_SPARK").as_deref() != Ok("1"),
            "CPRSCAN_REQUIRE_SPARK=1 but pyspark is missing: .ci/run installs it"
        );
        eprintln!(
            "\n!!! SKIPPED spark_job_findings_equal_a_plain_run: pyspark is not installed \
             (pip install pyspark==3.5.3, or run .ci/run) !!!\n"
        );
        return;
    }
    let dir = sweep_dir();
    // A name that is not UTF-8 cannot travel through RDD.pipe (the job counts it as
    // `unlisted`); leave it out of both runs.
    for e in std::fs::read_dir(dir.path().join("root/hr")).unwrap() {
        let e = e.unwrap();
        if e.file_name().to_str().is_none() {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let plain = run_in(Some(dir.path()), &["--no-config", "root"], b"");
    let want: BTreeSet<String> = plain
        .of_type("finding")
        .iter()
        .map(|f| f.to_string())
        .collect();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spark/run_and_dump.py");
    let mut python = std::process::Command::new("python3");
    python.arg(script);
    let spark = run_cmd(
        python,
        Some(dir.path()),
        &[
            "--root",
            "root",
            "--out",
            "spark-out",
            "--cprscan",
            env!("CARGO_BIN_EXE_cprscan"),
            "--master",
            "local[2]",
            "--",
            "--today",
            crate::util::TODAY,
        ],
        b"",
    );
    assert_eq!(spark.status, 0, "the Spark job ran: {}", spark.stderr);
    let got: BTreeSet<String> = spark
        .stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str::<Value>(l).unwrap().to_string())
        .collect();
    assert!(!want.is_empty());
    assert!(
        got == want,
        "Spark's findings differ: {}",
        show(&want.symmetric_difference(&got).cloned().collect())
    );
    let summary_line = spark
        .stdout
        .lines()
        .find(|l| l.starts_with("SUMMARY "))
        .unwrap();
    let summary: Value = serde_json::from_str(&summary_line["SUMMARY ".len()..]).unwrap();
    assert_eq!(summary["files"], plain.summary()["files"]);
    assert_eq!(summary["findings"], plain.summary()["findings"]);
    assert_eq!(summary["unlisted"], 0);
    let counts_line = spark
        .stdout
        .lines()
        .find(|l| l.starts_with("COUNTS "))
        .unwrap();
    let counts: Value = serde_json::from_str(&counts_line["COUNTS ".len()..]).unwrap();
    let total: u64 = counts
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(
        total as usize,
        want.len(),
        "per-kind counts add up to the findings"
    );
}
