//! The report as one self-contained HTML page: inline CSS, a few lines of inline JS that only
//! expand, collapse and filter (every number is rendered here, so the page reads the same with
//! scripts off), no fonts, images or requests from elsewhere. It works opened from `file://`.
//!
//! Every text from the input (paths, members, messages, reasons) is escaped. Key numbers carry
//! stable `id`s and `data-` attributes (`id="total-findings"`, `data-kind-total="cpr"`), so a
//! test or a script can find them in the page.

use std::fmt::Write;

use super::model::{FindingRow, ReportInput, ScanPoint};
use super::tally::{Counts, Folder, Tally, CONFIDENCES};

/// How much the page holds.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Files in the "top files" table.
    pub top_files: usize,
    /// Finding rows shown in the per-file detail in all; the files after it keep their counts
    /// but not their rows (a page of a million rows does not open). Counts are never cut.
    pub detail_limit: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            top_files: 20,
            detail_limit: 20_000,
        }
    }
}

/// `text` safe in HTML text and in quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `n` with its thousands grouped by a narrow no-break space (`12 345`): readable in Danish and
/// English alike, where `.` and `,` mean opposite things.
pub fn num(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// Bytes in binary units with one decimal (`3.2 GiB`).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// The whole page.
/// Beside the files read: how many unchanged files a `--state` scan took from the state.
fn cached_note(cached: u64) -> String {
    if cached == 0 {
        return String::new();
    }
    format!(
        "<span class=\"hint\"> + <span id=\"files-cached\">{}</span> unchanged, \
         from the state</span>",
        num(cached)
    )
}

pub fn render(input: &ReportInput, options: Options) -> String {
    let tally = Tally::of(&input.findings);
    let mut page = String::with_capacity(64 * 1024 + input.findings.len() * 400);
    let title = format!("cprscan report: {}", input.header.roots.join(", "));
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"cprscan {}\">\n<title>{}</title>\n<style>{CSS}</style>\n\
         </head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&title)
    );
    header(&mut page, input, &tally);
    totals(&mut page, &tally);
    trend(&mut page, &input.scans);
    top_files(&mut page, &tally, options.top_files);
    tree(&mut page, &tally);
    details(&mut page, input, &tally, options.detail_limit);
    problems(&mut page, input);
    let _ = write!(
        page,
        "<footer>Written by cprscan {} from JSON-lines output. Every value is masked; paths \
         and messages are as the scan recorded them.</footer>\n<script>{JS}</script>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    page
}

fn header(page: &mut String, input: &ReportInput, tally: &Tally) {
    let h = &input.header;
    let total = tally.total.total();
    let _ = write!(
        page,
        "<header>\n<h1>Personal data found: <span id=\"total-findings\">{}</span> finding{}</h1>\n",
        num(total),
        if total == 1 { "" } else { "s" }
    );
    let roots = if h.roots.is_empty() {
        "<i>unknown</i>".to_string()
    } else {
        h.roots
            .iter()
            .map(|r| format!("<code>{}</code>", esc(r)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let derived = if h.roots_derived {
        " <small>(the folder common to all records)</small>"
    } else {
        ""
    };
    let _ = write!(
        page,
        "<dl class=\"facts\">\n<div><dt>Scanned</dt><dd id=\"roots\">{roots}{derived}</dd></div>\n\
         <div><dt>When</dt><dd id=\"when\">{}</dd></div>\n\
         <div><dt>Files read</dt><dd><span id=\"files-scanned\">{}</span>{}</dd></div>\n\
         <div><dt>Bytes read</dt><dd id=\"bytes-scanned\" title=\"{} bytes\">{}</dd></div>\n\
         <div><dt>Errors</dt><dd id=\"errors\" class=\"{}\">{}</dd></div>\n\
         <div><dt>Skipped</dt><dd id=\"skipped\">{}</dd></div>\n\
         <div><dt>Files with findings</dt><dd id=\"files-with-findings\">{}</dd></div>\n\
         <div><dt>Scan time</dt><dd>{:.1} s</dd></div>\n\
         <div><dt>Source</dt><dd><code>{}</code></dd></div>\n</dl>\n",
        esc(h.when.as_deref().unwrap_or("unknown")),
        num(h.files),
        cached_note(h.cached),
        h.bytes,
        bytes(h.bytes),
        if h.errors > 0 { "bad" } else { "" },
        num(h.errors),
        num(h.skipped),
        num(tally.files.len() as u64),
        h.elapsed_ms as f64 / 1000.0,
        esc(&h.source),
    );
    let mut warnings = Vec::new();
    if !h.complete {
        warnings.push(
            "This output has no summary line: the scan did not finish (it was killed, or is \
             still running). The counts cover what it wrote."
                .to_string(),
        );
    }
    if h.interrupted {
        warnings.push(
            "The scan was stopped (Ctrl-C or SIGTERM): it covers part of what was asked.".into(),
        );
    }
    let summary_total: u64 = h.summary_findings.values().sum();
    if h.complete && summary_total != tally.total.total() {
        warnings.push(format!(
            "The summary counts {} findings but the output holds {} finding records (was it \
             filtered or cut?). This report counts the records.",
            num(summary_total),
            num(tally.total.total())
        ));
    }
    if h.errors > 0 {
        warnings.push(format!(
            "{} path{} could not be read: see <a href=\"#problems\">Errors and skips</a>.",
            num(h.errors),
            if h.errors == 1 { "" } else { "s" }
        ));
    }
    for w in warnings {
        let _ = writeln!(page, "<p class=\"warning\">{w}</p>");
    }
    page.push_str(
        "<nav><a href=\"#totals\">Totals</a> <a href=\"#trend\">Trend</a> \
         <a href=\"#top-files\">Top files</a> <a href=\"#tree\">Folders</a> \
         <a href=\"#files\">Findings per file</a> <a href=\"#problems\">Errors and skips</a></nav>\n\
         </header>\n<main>\n",
    );
}

/// The high, medium and low cells of a row; each has `data-count="ROW/CONFIDENCE"` (e.g.
/// `kind:cpr/high`, `all/low`, `file:PATH/medium`, `ROW` already escaped).
fn counts_cells(page: &mut String, counts: &Counts, row: &str) {
    for (i, c) in CONFIDENCES.iter().enumerate() {
        let n = counts.0[i];
        let _ = write!(
            page,
            "<td class=\"n {c}{}\" data-confidence=\"{c}\" data-count=\"{row}/{c}\">{}</td>",
            if n == 0 { " zero" } else { "" },
            num(n)
        );
    }
}

fn totals(page: &mut String, tally: &Tally) {
    page.push_str(
        "<section id=\"totals\">\n<h2>Findings by kind and confidence</h2>\n\
         <table class=\"counts\">\n<thead><tr><th>Kind</th><th class=\"n\">High</th>\
         <th class=\"n\">Medium</th><th class=\"n\">Low</th><th class=\"n\">Total</th></tr></thead>\n<tbody>\n",
    );
    for (kind, counts) in &tally.by_kind {
        let k = esc(kind);
        let _ = write!(page, "<tr data-kind=\"{k}\"><th>{k}</th>");
        counts_cells(page, counts, &format!("kind:{k}"));
        let _ = writeln!(
            page,
            "<td class=\"n total\" data-kind-total=\"{k}\">{}</td></tr>",
            num(counts.total())
        );
    }
    if tally.by_kind.is_empty() {
        page.push_str("<tr><td colspan=\"5\">No findings.</td></tr>\n");
    }
    page.push_str("</tbody>\n<tfoot><tr><th>All kinds</th>");
    counts_cells(page, &tally.total, "all");
    let _ = write!(
        page,
        "<td class=\"n total\" id=\"total-findings-table\">{}</td></tr></tfoot>\n</table>\n\
         <p class=\"hint\">High: a valid number written as one (separator or a context word such \
         as <i>cpr-nr</i>). Medium: valid, but bare digits with no context. Low: a doubtful \
         match (a failed check, or a word such as <i>faktura</i> nearby); shown only when the \
         scan asked for it.</p>\n</section>\n",
        num(tally.total.total())
    );
}

/// The trend: an SVG line of findings per scan, and the same numbers as a table.
fn trend(page: &mut String, scans: &[ScanPoint]) {
    let _ = write!(
        page,
        "<section id=\"trend\">\n<h2>Trend over <span id=\"scan-count\">{}</span> scan{}</h2>\n",
        scans.len(),
        if scans.len() == 1 { "" } else { "s" }
    );
    if scans.len() < 2 {
        page.push_str(
            "<p class=\"hint\">One scan. Give the outputs of earlier scans first, oldest first, \
             to see a trend: <code>cprscan report jan.jsonl feb.jsonl mar.jsonl -o report.html</code>.</p>\n",
        );
    }
    chart(page, scans);
    let changes = scans
        .iter()
        .any(|s| s.new.is_some() || s.resolved.is_some());
    page.push_str(
        "<table class=\"counts\" id=\"trend-table\">\n<thead><tr><th>#</th><th>Scan</th><th>When</th>\
         <th class=\"n\">Findings</th><th>By kind</th>",
    );
    if changes {
        page.push_str("<th class=\"n\">New</th><th class=\"n\">Resolved</th>");
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for (i, s) in scans.iter().enumerate() {
        let kinds: Vec<String> = s
            .by_kind
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{} {}", esc(k), num(*n)))
            .collect();
        let _ = write!(
            page,
            "<tr data-scan=\"{i}\"><td>{}</td><td><code>{}</code></td><td>{}</td>\
             <td class=\"n\" data-scan-findings=\"{i}\">{}</td><td>{}</td>",
            i + 1,
            esc(&s.label),
            esc(s.when.as_deref().unwrap_or("")),
            num(s.findings),
            kinds.join(", ")
        );
        if changes {
            let opt = |n: Option<u64>| n.map_or("–".to_string(), num);
            let _ = write!(
                page,
                "<td class=\"n\" data-scan-new=\"{i}\">{}</td><td class=\"n\" data-scan-resolved=\"{i}\">{}</td>",
                opt(s.new),
                opt(s.resolved)
            );
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody></table>\n</section>\n");
}

/// An inline SVG line chart of the findings per scan (and the new ones, when known).
fn chart(page: &mut String, scans: &[ScanPoint]) {
    const W: f64 = 720.0;
    const H: f64 = 200.0;
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 16.0;
    const TOP: f64 = 22.0;
    const BOTTOM: f64 = 30.0;
    let max = scans.iter().map(|s| s.findings).max().unwrap_or(0).max(1);
    let x = |i: usize| {
        if scans.len() < 2 {
            LEFT + (W - LEFT - RIGHT) / 2.0
        } else {
            LEFT + (W - LEFT - RIGHT) * i as f64 / (scans.len() - 1) as f64
        }
    };
    let y = |n: u64| TOP + (H - TOP - BOTTOM) * (1.0 - n as f64 / max as f64);
    let _ = writeln!(
        page,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"Findings per scan\">"
    );
    for n in [0, max / 2, max] {
        let _ = writeln!(
            page,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"axis\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y(n) + 4.0,
            num(n),
            y = y(n)
        );
    }
    let line = |values: &dyn Fn(&ScanPoint) -> Option<u64>| -> String {
        scans
            .iter()
            .enumerate()
            .filter_map(|(i, s)| values(s).map(|n| format!("{:.1},{:.1}", x(i), y(n))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let kinds = chart_kinds(scans);
    for (k, kind) in kinds.iter().enumerate() {
        let _ = writeln!(
            page,
            "<polyline class=\"line kind k{k}\" points=\"{}\"/>",
            line(&|s| Some(s.by_kind.get(kind).copied().unwrap_or(0)))
        );
    }
    if scans.iter().any(|s| s.new.is_some()) {
        let _ = writeln!(
            page,
            "<polyline class=\"line new\" points=\"{}\"/>",
            line(&|s| s.new)
        );
    }
    let _ = writeln!(
        page,
        "<polyline class=\"line total\" points=\"{}\"/>",
        line(&|s| Some(s.findings))
    );
    for (i, s) in scans.iter().enumerate() {
        // The first and last labels grow inwards, so none is cut at the edge.
        let anchor = match i {
            0 if scans.len() > 1 => "start",
            i if i + 1 == scans.len() && i > 0 => "end",
            _ => "middle",
        };
        let _ = writeln!(
            page,
            "<circle class=\"point\" data-point=\"{i}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\">\
             <title>{}: {} findings</title></circle>\
             <text class=\"value\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>\
             <text class=\"axis\" x=\"{:.1}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            x(i),
            y(s.findings),
            esc(&s.label),
            num(s.findings),
            x(i),
            y(s.findings) - 9.0,
            num(s.findings),
            x(i),
            H - 10.0,
            esc(&short_label(i, s))
        );
    }
    page.push_str("</svg>\n<p class=\"legend\"><span class=\"key total\"></span> all findings");
    for (k, kind) in kinds.iter().enumerate() {
        let _ = write!(page, " <span class=\"key k{k}\"></span> {}", esc(kind));
    }
    if scans.iter().any(|s| s.new.is_some()) {
        page.push_str(" <span class=\"key new\"></span> new since the scan before");
    }
    page.push_str("</p>\n");
}

/// The kinds drawn as lines of their own: up to four with the most findings over all scans,
/// when more than one kind was found (one kind's line would be the total's).
fn chart_kinds(scans: &[ScanPoint]) -> Vec<String> {
    let mut sums: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for s in scans {
        for (k, n) in &s.by_kind {
            *sums.entry(k).or_default() += n;
        }
    }
    let mut kinds: Vec<(&str, u64)> = sums.into_iter().filter(|(_, n)| *n > 0).collect();
    if kinds.len() < 2 {
        return Vec::new();
    }
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    kinds
        .into_iter()
        .take(4)
        .map(|(k, _)| k.to_string())
        .collect()
}

/// A scan's name under its point: `#2 feb` (the file's name without folder and `.jsonl`).
fn short_label(i: usize, s: &ScanPoint) -> String {
    let name = s.label.rsplit('/').next().unwrap_or(&s.label);
    let name = name.strip_suffix(".jsonl").unwrap_or(name);
    let name: String = name.chars().take(18).collect();
    format!("#{} {name}", i + 1)
}

fn top_files(page: &mut String, tally: &Tally, n: usize) {
    let top = tally.top_files(n);
    let _ = write!(
        page,
        "<section id=\"top-files\">\n<h2>Top {} files by findings</h2>\n\
         <table class=\"counts\">\n<thead><tr><th>File</th><th class=\"n\">High</th>\
         <th class=\"n\">Medium</th><th class=\"n\">Low</th><th class=\"n\">Total</th></tr></thead>\n<tbody>\n",
        top.len()
    );
    for i in top {
        let f = &tally.files[i];
        let p = esc(&f.path);
        let _ = write!(
            page,
            "<tr data-top-file=\"{p}\"><td class=\"path\"><a href=\"#f-{i}\">{p}</a></td>"
        );
        counts_cells(page, &f.counts, &format!("file:{p}"));
        let _ = writeln!(
            page,
            "<td class=\"n total\" data-file-total=\"{p}\">{}</td></tr>",
            num(f.counts.total())
        );
    }
    page.push_str("</tbody></table>\n</section>\n");
}

fn tree(page: &mut String, tally: &Tally) {
    page.push_str(
        "<section id=\"tree\">\n<h2>Folders</h2>\n<p class=\"controls\">\
         <button type=\"button\" data-toggle=\"#tree\" data-open=\"1\">Expand all</button> \
         <button type=\"button\" data-toggle=\"#tree\" data-open=\"0\">Collapse all</button></p>\n\
         <div class=\"tree\">\n",
    );
    if tally.files.is_empty() {
        page.push_str("<p>No findings.</p>\n");
    }
    folder_items(page, &tally.tree, tally, 0);
    page.push_str("</div>\n</section>\n");
}

fn folder_items(page: &mut String, folder: &Folder, tally: &Tally, depth: usize) {
    page.push_str("<ul>\n");
    for sub in &folder.folders {
        let _ = writeln!(
            page,
            "<li><details{}><summary><span class=\"folder\">{}/</span> \
             <span class=\"count\" data-folder-total=\"{}\">{}</span></summary>",
            if depth < 2 { " open" } else { "" },
            esc(sub.name.trim_end_matches('/')),
            esc(&sub.name),
            num(sub.total)
        );
        folder_items(page, sub, tally, depth + 1);
        page.push_str("</details></li>\n");
    }
    for (name, i, n) in &folder.files {
        let c = &tally.files[*i].counts;
        let _ = writeln!(
            page,
            "<li class=\"file\"><a href=\"#f-{i}\">{}</a> <span class=\"count\">{}</span>\
             <span class=\"split\">{}</span></li>",
            esc(name),
            num(*n),
            confidence_split(c)
        );
    }
    page.push_str("</ul>\n");
}

/// `3 high · 1 medium`: the non-zero confidences of a count.
fn confidence_split(c: &Counts) -> String {
    CONFIDENCES
        .iter()
        .zip(c.0)
        .filter(|(_, n)| *n > 0)
        .map(|(name, n)| format!("<span class=\"{name}\">{} {name}</span>", num(n)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn details(page: &mut String, input: &ReportInput, tally: &Tally, limit: usize) {
    page.push_str(
        "<section id=\"files\">\n<h2>Findings per file</h2>\n<p class=\"controls\">\
         <input type=\"search\" id=\"filter\" placeholder=\"Filter by path…\" aria-label=\"Filter files by path\"> \
         <button type=\"button\" data-toggle=\"#files\" data-open=\"1\">Expand all</button> \
         <button type=\"button\" data-toggle=\"#files\" data-open=\"0\">Collapse all</button></p>\n",
    );
    let mut shown = 0;
    let mut cut = 0;
    for (i, f) in tally.files.iter().enumerate() {
        let p = esc(&f.path);
        let _ = writeln!(
            page,
            "<details class=\"file\" id=\"f-{i}\" data-path=\"{p}\"><summary><code>{p}</code> \
             <span class=\"count\" data-file-findings=\"{p}\">{}</span> {}</summary>",
            num(f.counts.total()),
            confidence_split(&f.counts)
        );
        if shown + f.rows.len() > limit {
            cut += 1;
            page.push_str(
                "<p class=\"hint\">Rows left out: the page holds at most the --detail-limit \
                 rows. Counts are complete; the JSON lines hold every finding.</p></details>\n",
            );
            continue;
        }
        shown += f.rows.len();
        rows(page, f.rows.iter().map(|&r| &input.findings[r]));
        page.push_str("</details>\n");
    }
    if cut > 0 {
        let _ = writeln!(
            page,
            "<p class=\"warning\">{} file{} shown without rows (over {} rows in all).</p>",
            num(cut),
            if cut == 1 { "" } else { "s" },
            num(limit as u64)
        );
    }
    page.push_str("</section>\n");
}

fn rows<'a>(page: &mut String, findings: impl Iterator<Item = &'a FindingRow>) {
    page.push_str(
        "<table class=\"rows\"><thead><tr><th class=\"n\">Line</th><th class=\"n\">Col</th>\
         <th>Where</th><th>Kind</th><th>Confidence</th><th>Match (masked)</th><th>Reasons</th>\
         </tr></thead><tbody>\n",
    );
    for f in findings {
        let mut place = Vec::new();
        if let Some(m) = &f.member {
            place.push(format!("<span class=\"tag\">member</span> {}", esc(m)));
        }
        if let Some(t) = &f.table {
            place.push(format!("<span class=\"tag\">table</span> {}", esc(t)));
        }
        if let Some(c) = &f.field {
            place.push(format!("<span class=\"tag\">field</span> {}", esc(c)));
        }
        if let Some(k) = &f.key {
            place.push(format!("<span class=\"tag\">row</span> {}", esc(k)));
        }
        let status = match f.status.as_deref() {
            Some("new") => " <span class=\"tag new\">new</span>",
            _ => "",
        };
        let _ = writeln!(
            page,
            "<tr class=\"finding\"><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td>\
             <td>{}</td><td><span class=\"badge {c}\">{c}</span>{status}</td><td><code>{}</code></td><td class=\"reasons\">{}</td></tr>",
            f.line,
            f.column,
            place.join("<br>"),
            esc(&f.kind),
            esc(&f.masked),
            esc(&f.reasons.join(", ")),
            c = esc(&f.confidence),
        );
    }
    page.push_str("</tbody></table>\n");
}

fn problems(page: &mut String, input: &ReportInput) {
    let errors = input.problems.iter().filter(|p| !p.skipped).count();
    let _ =
        write!(
        page,
        "<section id=\"problems\">\n<h2>Errors and skips</h2>\n<p>{} error record{} (not read), \
         {} skip record{} (left out on purpose).</p>\n",
        num(errors as u64),
        if errors == 1 { "" } else { "s" },
        num((input.problems.len() - errors) as u64),
        if input.problems.len() - errors == 1 { "" } else { "s" },
    );
    if !input.problems.is_empty() {
        page.push_str(
            "<details><summary>Show them</summary><table class=\"rows\"><thead><tr><th>Path</th>\
             <th>What</th><th>Message</th></tr></thead><tbody>\n",
        );
        for p in &input.problems {
            let mut path = esc(&p.path);
            for (tag, v) in [("member", &p.member), ("table", &p.table)] {
                if let Some(v) = v {
                    let _ = write!(path, "<br><span class=\"tag\">{tag}</span> {}", esc(v));
                }
            }
            let _ = writeln!(
                page,
                "<tr class=\"{}\"><td class=\"path\">{path}</td><td>{}</td><td>{}</td></tr>",
                if p.skipped { "skip" } else { "error" },
                if p.skipped { "skipped" } else { "error" },
                esc(&p.message)
            );
        }
        page.push_str("</tbody></table></details>\n");
    }
    page.push_str("</section>\n</main>\n");
}

const CSS: &str = r#"
:root{--fg:#1d2330;--muted:#5b6475;--line:#dde1e8;--bg:#fff;--soft:#f5f7fa;--high:#b42318;--medium:#b54708;--low:#667085;--accent:#1f5fa8}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1120px;margin:0 auto;padding:0 24px}
header{padding-top:20px;border-bottom:1px solid var(--line)}
h1{font-size:26px;margin:8px 0 14px}
h2{font-size:19px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--soft)}
code{font:13px/1.3 ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;word-break:break-all}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:8px;margin:0 0 12px}
.facts div{background:var(--soft);border-radius:6px;padding:8px 12px}
.facts dt{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.facts dd{margin:2px 0 0;font-size:17px;font-weight:600}
.facts dd code{font-size:14px}
.facts dd small{display:block;font-weight:400;font-size:12px;color:var(--muted)}
.facts .bad{color:var(--high)}
.warning{background:#fff4e5;border-left:4px solid var(--medium);padding:8px 12px;margin:8px 0}
nav{padding:10px 0 12px}
nav a{margin-right:16px;color:var(--accent);text-decoration:none}
table{border-collapse:collapse;width:100%;margin:6px 0 10px}
th,td{text-align:left;padding:5px 10px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;background:var(--soft)}
tfoot th,tfoot td{font-weight:700;border-top:2px solid var(--fg)}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.high{color:var(--high);font-weight:600}
td.medium{color:var(--medium);font-weight:600}
td.zero{color:#b8bec9;font-weight:400}
td.total{font-weight:700}
table.counts{max-width:760px}
td.path{word-break:break-all}
a{color:var(--accent)}
.hint{color:var(--muted);font-size:13px}
.chart{width:100%;max-width:760px;height:auto;display:block}
.chart .grid{stroke:var(--line)}
.chart .axis{font-size:11px;fill:var(--muted)}
.chart .value{font-size:11px;font-weight:600;fill:var(--fg)}
.chart .line{fill:none;stroke-width:2.5}
.chart .total{stroke:var(--accent)}
.chart .new{stroke:var(--high);stroke-dasharray:5 4}
.chart .point{fill:var(--accent)}
.legend .key{display:inline-block;width:18px;height:3px;vertical-align:middle;margin:0 4px 0 12px}
.legend .key.total{background:var(--accent)}
.legend .key.new{background:var(--high)}
.chart .kind{stroke-width:1.5;opacity:.9}
.chart .k0,.legend .k0{stroke:#2e9e6b;background:#2e9e6b}
.chart .k1,.legend .k1{stroke:#8a56c2;background:#8a56c2}
.chart .k2,.legend .k2{stroke:#d0892b;background:#d0892b}
.chart .k3,.legend .k3{stroke:#6b7a8f;background:#6b7a8f}
.legend{font-size:13px;color:var(--muted)}
.tree ul{list-style:none;margin:0;padding-left:20px}
.tree>ul{padding-left:0}
.tree li{margin:2px 0}
.tree summary{cursor:pointer}
.folder{font-weight:600}
.count{display:inline-block;min-width:28px;padding:0 7px;border-radius:10px;background:var(--soft);font-size:13px;font-weight:600;text-align:center;font-variant-numeric:tabular-nums}
.split{margin-left:8px;font-size:12px;color:var(--muted)}
span.high{color:var(--high)}
span.medium{color:var(--medium)}
details.file{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:6px 10px}
details.file>summary{cursor:pointer}
details.file[open]>summary{margin-bottom:6px}
table.rows{font-size:13px}
.reasons{color:var(--muted)}
.badge{display:inline-block;padding:0 6px;border-radius:4px;font-size:12px;font-weight:600;color:#fff;background:var(--low)}
.badge.high{background:var(--high);color:#fff}
.badge.medium{background:var(--medium);color:#fff}
.tag{display:inline-block;padding:0 5px;border-radius:4px;font-size:11px;background:var(--soft);color:var(--muted)}
.tag.new{background:#fde7e6;color:var(--high)}
.controls input{padding:4px 8px;min-width:260px;font:inherit}
.controls button{font:inherit;padding:3px 10px}
tr.error td:nth-child(2){color:var(--high);font-weight:600}
footer{color:var(--muted);font-size:12px;padding:24px;border-top:1px solid var(--line);margin-top:30px}
@media print{nav,.controls{display:none}}
"#;

/// Expand/collapse all and the path filter. Nothing else: numbers are in the HTML already.
const JS: &str = r#"
document.querySelectorAll('button[data-toggle]').forEach(function(b){
  b.addEventListener('click',function(){
    var open=b.getAttribute('data-open')==='1';
    document.querySelectorAll(b.getAttribute('data-toggle')+' details').forEach(function(d){d.open=open;});
  });
});
var filter=document.getElementById('filter');
if(filter){filter.addEventListener('input',function(){
  var q=filter.value.toLowerCase();
  document.querySelectorAll('#files details.file').forEach(function(d){
    d.style.display=(d.getAttribute('data-path')||'').toLowerCase().indexOf(q)>=0?'':'none';
  });
});}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::{FindingRow, ScanHeader};

    #[test]
    fn markup_in_a_path_is_escaped_everywhere() {
        let path = "s/<b>\"x'&ø.txt";
        let input = ReportInput {
            scans: vec![ScanPoint::default()],
            header: ScanHeader {
                roots: vec![path.into()],
                ..ScanHeader::default()
            },
            findings: vec![FindingRow {
                path: path.into(),
                kind: "cpr".into(),
                confidence: "high".into(),
                masked: "010190-****".into(),
                member: Some("<script>".into()),
                ..FindingRow::default()
            }],
            problems: Vec::new(),
        };
        let page = render(&input, Options::default());
        assert!(!page.contains("<b>"), "raw markup from a path");
        assert!(!page.contains("<script>\"") && page.matches("<script>").count() == 1);
        assert!(page.contains("s/&lt;b&gt;&quot;x&#39;&amp;ø.txt"));
    }

    #[test]
    fn new_and_resolved_columns_appear_only_when_a_scan_records_them() {
        let plain = ScanPoint {
            findings: 3,
            ..ScanPoint::default()
        };
        let with_changes = ScanPoint {
            new: Some(2),
            resolved: Some(1),
            ..plain.clone()
        };
        let page = |scans: Vec<ScanPoint>| {
            render(
                &ReportInput {
                    scans,
                    ..ReportInput::default()
                },
                Options::default(),
            )
        };
        let without = page(vec![plain.clone(), plain.clone()]);
        assert!(!without.contains("data-scan-new"));
        let with = page(vec![plain, with_changes]);
        assert!(with.contains("data-scan-new=\"1\">2<"), "{with}");
        assert!(with.contains("data-scan-resolved=\"1\">1<"));
        assert!(
            with.contains("data-scan-new=\"0\">–<"),
            "unknown is a dash, not 0"
        );
    }

    #[test]
    fn numbers_group_thousands_with_a_narrow_space() {
        assert_eq!(num(0), "0");
        assert_eq!(num(999), "999");
        assert_eq!(num(1000), "1\u{202f}000");
        assert_eq!(num(1234567), "1\u{202f}234\u{202f}567");
    }

    #[test]
    fn bytes_use_binary_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(3 << 30), "3.0 GiB");
    }

    #[test]
    fn rows_beyond_the_detail_limit_are_left_out_but_counted() {
        let findings: Vec<FindingRow> = ["a", "b", "b"]
            .iter()
            .map(|p| FindingRow {
                path: p.to_string(),
                kind: "cpr".into(),
                confidence: "high".into(),
                ..FindingRow::default()
            })
            .collect();
        let input = ReportInput {
            scans: vec![ScanPoint::default()],
            findings,
            ..ReportInput::default()
        };
        let page = render(
            &input,
            Options {
                top_files: 20,
                detail_limit: 1,
            },
        );
        assert_eq!(page.matches("<tr class=\"finding\">").count(), 1);
        assert!(page.contains("data-file-findings=\"b\">2<"));
    }
}
