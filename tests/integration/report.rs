//! `cprscan report`: the HTML page from real scans, read back from a real browser's DOM
//! (headless Chromium), shows the very numbers of the JSON lines, and never a raw value.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{bin_plain, generated_cpr, run_cmd, run_in, tree, written_forms};

/// The values a test tree holds, raw.
struct Share {
    dir: tempfile::TempDir,
    raw: Vec<String>,
}

/// A tree of generated CPR numbers (written with a separator: high; bare: medium) and e-mail
/// addresses in nested folders; one file name holds markup, quotes and non-ASCII letters.
fn share() -> Share {
    let a = generated_cpr("010190", "123");
    let b = generated_cpr("150275", "432");
    let c = generated_cpr("311299", "210");
    let [_, a_sep, _] = written_forms(&a);
    let [_, b_sep, _] = written_forms(&b);
    let hr = format!("cpr-nr: {a_sep}\nnavn: x\npersonnummer {b_sep}\n{c}\n");
    let it = format!("login jens.hansen@example.dk\nbruger {c}\n");
    let odd = format!("cpr {a_sep}\n");
    let files: Vec<(String, Vec<u8>)> = vec![
        ("root/hr/2024/løn.txt".into(), hr.into_bytes()),
        ("root/hr/notes.txt".into(), odd.clone().into_bytes()),
        ("root/it/logs/app.log".into(), it.into_bytes()),
        ("root/weird <b>\"&'ø.txt".into(), odd.into_bytes()),
        ("root/clean.txt".into(), b"nothing here\n".to_vec()),
    ];
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, d)| (p.as_str(), d.as_slice()))
        .collect();
    let mut raw: Vec<String> = [&a, &b, &c].iter().flat_map(|n| written_forms(n)).collect();
    raw.push("jens.hansen@example.dk".into());
    Share {
        dir: tree(&borrowed),
        raw,
    }
}

/// Scans `what` (relative to the share) into `out` as JSON lines.
fn scan(share: &Share, what: &str, out: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["--no-config", "--output", out];
    args.extend_from_slice(extra);
    args.push(what);
    let run = run_in(Some(share.dir.path()), &args, b"");
    assert!(run.status <= 1, "scan failed: {}", run.stderr);
    std::fs::read_to_string(share.dir.path().join(out))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn report(share: &Share, inputs: &[&str], out: &str) -> String {
    let mut args = vec!["report"];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&["-o", out]);
    let run = run_cmd(bin_plain(), Some(share.dir.path()), &args, b"");
    assert_eq!(run.status, 0, "report failed: {}", run.stderr);
    std::fs::read_to_string(share.dir.path().join(out)).unwrap()
}

fn findings(records: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    records.iter().filter(|r| r["type"] == "finding").collect()
}

/// Chromium's binary, if installed (`CPRSCAN_CHROMIUM` names another one).
fn chromium() -> Option<PathBuf> {
    let candidates = std::env::var_os("CPRSCAN_CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(["chromium", "chromium-browser", "google-chrome"].map(PathBuf::from));
    candidates.into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The DOM of `page` after its scripts ran, as headless Chromium serialises it.
fn dom_of(browser: &Path, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium starts");
    let dom = String::from_utf8(out.stdout).expect("the DOM is UTF-8");
    assert!(
        dom.contains("</html>"),
        "chromium gave no DOM (status {:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    dom
}

/// HTML's escapes of text and attribute values undone (those the page and Chromium use).
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The number an element shows: the digits of its text, up to the first tag inside it
/// (`rest` starts inside the element's start tag).
fn number_in(rest: &str, what: &str) -> u64 {
    let text = &rest[rest.find('>').expect("tag ends") + 1..];
    let text = &text[..text.find('<').expect("text ends")];
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("{what} shows no number: {text:?}"))
}

/// Every `attr="VALUE"` in `html`, with the number its element shows.
fn shown(html: &str, attr: &str) -> Vec<(String, u64)> {
    let start = format!(" {attr}=\"");
    html.match_indices(&start)
        .map(|(at, _)| {
            let rest = &html[at + start.len()..];
            let value = &rest[..rest.find('"').expect("closing quote")];
            (
                unescape(value),
                number_in(rest, &format!("{attr}={value:?}")),
            )
        })
        .collect()
}

/// The number the element with `id` shows.
fn shown_id(html: &str, id: &str) -> u64 {
    let start = format!(" id=\"{id}\"");
    let at = html
        .find(&start)
        .unwrap_or_else(|| panic!("no element #{id}"));
    number_in(&html[at + start.len()..], id)
}

/// The numbers a page shows, checked against counts made here from the scans' JSON lines.
fn check_numbers(html: &str, scans: &[Vec<serde_json::Value>]) {
    let current = findings(scans.last().unwrap());
    assert_eq!(shown_id(html, "total-findings"), current.len() as u64);
    assert_eq!(shown_id(html, "total-findings-table"), current.len() as u64);
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_file: BTreeMap<String, u64> = BTreeMap::new();
    for f in &current {
        *by_kind
            .entry(f["kind"].as_str().unwrap().into())
            .or_default() += 1;
        *by_file
            .entry(f["path"].as_str().unwrap().into())
            .or_default() += 1;
    }
    let kinds: BTreeMap<String, u64> = shown(html, "data-kind-total").into_iter().collect();
    assert_eq!(kinds, by_kind);
    // Per kind and confidence, and per confidence in all (cells of zero included).
    let mut cells: BTreeMap<String, u64> = BTreeMap::new();
    for f in &current {
        let conf = f["confidence"].as_str().unwrap();
        *cells
            .entry(format!("kind:{}/{conf}", f["kind"].as_str().unwrap()))
            .or_default() += 1;
        *cells.entry(format!("all/{conf}")).or_default() += 1;
    }
    let shown_cells: BTreeMap<String, u64> = shown(html, "data-count")
        .into_iter()
        .filter(|(k, n)| !k.starts_with("file:") && *n > 0)
        .collect();
    assert_eq!(shown_cells, cells);
    // The tree's top folder holds every finding.
    assert_eq!(shown(html, "data-folder-total")[0].1, current.len() as u64);
    let files: BTreeMap<String, u64> = shown(html, "data-file-findings").into_iter().collect();
    assert_eq!(files, by_file);
    assert_eq!(shown_id(html, "files-with-findings"), by_file.len() as u64);
    let summary = scans.last().unwrap().last().unwrap();
    assert_eq!(
        shown_id(html, "files-scanned"),
        summary["files"].as_u64().unwrap()
    );
    let trend: Vec<u64> = shown(html, "data-scan-findings")
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    let want: Vec<u64> = scans.iter().map(|s| findings(s).len() as u64).collect();
    assert_eq!(trend, want, "one point per scan, in the order given");
    assert_eq!(shown_id(html, "scan-count"), scans.len() as u64);
    assert_eq!(html.matches("class=\"point\"").count(), scans.len());
}

fn assert_no_raw_value(html: &str, share: &Share) {
    for raw in &share.raw {
        assert!(
            !html.contains(raw.as_str()),
            "a raw value is in the report: {}",
            crate::util::mask_numbers(raw)
        );
    }
}

/// Three scans of a growing tree, oldest first: the browser's DOM shows each scan's total, and
/// the last scan's totals per kind and per file, exactly as the JSON lines count them.
#[test]
fn report_in_a_browser_shows_the_numbers_of_the_json_lines() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("CPRSCAN_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "CPRSCAN_REQUIRE_CHROMIUM=1 but chromium is missing: .ci/run installs it \
             (apt-get install chromium)"
        );
        eprintln!(
            "\n!!! SKIPPED report_in_a_browser_shows_the_numbers_of_the_json_lines: chromium is \
             not installed (apt-get install chromium, or run .ci/run) !!!\n"
        );
        return;
    };
    let share = share();
    let scans = vec![
        scan(&share, "root/hr/2024", "jan.jsonl", &[]),
        scan(&share, "root/hr", "feb.jsonl", &[]),
        scan(&share, "root", "mar.jsonl", &["--min-confidence", "low"]),
    ];
    assert!(findings(&scans[2]).len() > findings(&scans[1]).len());
    let html = report(&share, &["jan.jsonl", "feb.jsonl", "mar.jsonl"], "r.html");
    check_numbers(&html, &scans);
    let dom = dom_of(&browser, &share.dir.path().join("r.html"));
    check_numbers(&dom, &scans);
    assert!(
        dom.contains("weird &lt;b&gt;\"&amp;'ø.txt")
            || dom.contains("weird &lt;b&gt;&quot;&amp;'ø.txt"),
        "the odd file name is shown as text"
    );
    assert_no_raw_value(&html, &share);
    assert_no_raw_value(&dom, &share);
}

/// A JSON-lines file written with `--show-values` holds raw values; the report masks them again.
#[test]
fn report_of_a_show_values_scan_masks_every_match_again() {
    let share = share();
    let records = scan(&share, "root", "raw.jsonl", &["--show-values"]);
    let raw = std::fs::read_to_string(share.dir.path().join("raw.jsonl")).unwrap();
    assert!(
        share.raw.iter().any(|v| raw.contains(v.as_str())),
        "the scan printed raw values, as asked"
    );
    let html = report(&share, &["raw.jsonl"], "r.html");
    assert_no_raw_value(&html, &share);
    check_numbers(&html, &[records]);
    assert!(html.contains("-****"), "masked CPR numbers are shown");
}

/// An input that is not JSON lines is refused with its name and line, and no page is written.
#[test]
fn report_refuses_an_input_that_is_not_json_lines() {
    let dir = tree(&[("notes.txt", b"hello\n")]);
    let run = run_cmd(
        bin_plain(),
        Some(dir.path()),
        &["report", "notes.txt", "-o", "r.html"],
        b"",
    );
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("notes.txt: line 1"), "{}", run.stderr);
    assert!(!dir.path().join("r.html").exists());
}

/// The same three scans recorded with `--state`: the page made from the state file shows the
/// numbers of the scans' own JSON lines (the trend from the state's complete scans, the detail
/// of the latest), so a review reads the same from either source.
#[test]
fn report_from_a_state_file_shows_the_numbers_of_the_scans_json_lines() {
    let share = share();
    // Old files: the later scans take them from the state (cached) instead of reading them.
    crate::util::backdate_all(share.dir.path());
    let added = share.dir.path().join("root/it/new.txt");
    let mut scans = vec![
        scan(&share, "root", "jan.jsonl", &["--state", "review.db"]),
        scan(&share, "root", "feb.jsonl", &["--state", "review.db"]),
    ];
    std::fs::write(&added, format!("cpr {}\n", generated_cpr("240587", "111"))).unwrap();
    std::fs::remove_file(share.dir.path().join("root/hr/notes.txt")).unwrap();
    scans.push(scan(&share, "root", "mar.jsonl", &["--state", "review.db"]));
    let last = scans.last().unwrap().last().unwrap();
    assert_eq!(last["changes"]["new"], 1, "{last}");
    assert_eq!(last["changes"]["resolved"], 1, "{last}");
    let html = report(&share, &["--state", "review.db"], "r.html");
    check_numbers(&html, &scans);
    // Files the last scan took from the state are shown beside the files it read.
    let cached = last["cached"].as_u64().unwrap();
    assert!(cached > 0, "{last}");
    assert_eq!(shown_id(&html, "files-cached"), cached);
    assert_no_raw_value(&html, &share);
    if let Some(browser) = chromium() {
        check_numbers(&dom_of(&browser, &share.dir.path().join("r.html")), &scans);
    }
}
