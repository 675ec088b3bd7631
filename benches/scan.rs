//! Throughput of the scan core ([`Scanner::scan_all`]) and of the search driver
//! ([`Searcher::search_slice`], [`Searcher::search_reader`]) on three inputs generated in
//! process: application logs with few CPR numbers among many CPR-shaped decoys, a PII-dense
//! customer CSV, and Danish prose.
//!
//! Run with `cargo bench --bench scan`; `cargo test --bench scan` runs each benchmark once,
//! which checks the finding counts without timing anything.
//!
//! The inputs are a pure function of a seed (a xorshift generator, no files, no `rand`). Every
//! CPR number in them is computed (date, then serial, then the modulus 11 check digit), none is
//! taken from anywhere. Each benchmark first checks that it produces exactly the number of CPR
//! findings declared in [`Input::expected`], so a fast wrong answer fails instead of looking
//! good. The declared numbers are those the generator planted, and the generator checks them too.
//!
//! The top-level benchmarks scan for CPR numbers only (`--kinds cpr`), where every finding is
//! planted and the total is exact. Those under `default_kinds` use the kinds the command line
//! looks for by default, which is what a user pays for; there the CPR findings must still be
//! exactly the planted ones, and the other kinds' counts (e-mails, phones, ... in the CSV) are
//! not pinned, since their rules are not this benchmark's to fix.

use std::io::Write;
use std::sync::OnceLock;

use cprscan::scanner::KindSet;
use cprscan::search::Searcher;
use cprscan::{Date, Finding, Kind, Scanner, ScannerBuilder};
use divan::counter::BytesCount;
use divan::{black_box, Bencher};

fn main() {
    divan::main();
}

/// Size of each input. Large enough that caches and per-call costs do not flatter the figures.
const SIZE: usize = 4 << 20;

#[derive(Clone, Copy, Debug)]
enum Input {
    /// Log lines: timestamps, ids, IPs, epoch seconds and 10-digit references that fail the CPR
    /// rules, Danish messages; one line in ~250 carries a CPR number, with or without context.
    Logs,
    /// `;`-separated customer export: nearly every row has a CPR number, an e-mail, a phone.
    Csv,
    /// Danish prose with dates, amounts and, rarely, a CPR number.
    Prose,
}

const INPUTS: [Input; 3] = [Input::Logs, Input::Csv, Input::Prose];

impl Input {
    /// CPR findings at the default minimum confidence (medium) each input must give. These are
    /// the counts the generator plants; `data` asserts that it planted exactly this many, and
    /// every benchmark asserts that the code under test finds exactly this many.
    fn expected(self) -> usize {
        match self {
            Input::Logs => 120,
            Input::Csv => 29_313,
            Input::Prose => 337,
        }
    }

    fn data(self) -> &'static [u8] {
        static LOGS: OnceLock<Vec<u8>> = OnceLock::new();
        static CSV: OnceLock<Vec<u8>> = OnceLock::new();
        static PROSE: OnceLock<Vec<u8>> = OnceLock::new();
        let (cell, make): (_, fn(&mut Gen)) = match self {
            Input::Logs => (&LOGS, Gen::log_line),
            Input::Csv => (&CSV, Gen::csv_row),
            Input::Prose => (&PROSE, Gen::paragraph),
        };
        cell.get_or_init(|| {
            let mut g = Gen::new(self);
            while g.out.len() < SIZE {
                make(&mut g);
            }
            assert_eq!(
                g.planted,
                self.expected(),
                "{self:?}: the generator planted a different number of CPR numbers than declared"
            );
            g.out
        })
    }
}

/// The scanners the benchmarks use: default settings but for the kinds, and a fixed "today"
/// so the counts do not depend on the clock.
fn scanner(kinds: Kinds) -> &'static Scanner {
    static CPR: OnceLock<Scanner> = OnceLock::new();
    static DEFAULT: OnceLock<Scanner> = OnceLock::new();
    let (cell, set) = match kinds {
        Kinds::Cpr => (&CPR, KindSet::EMPTY.with(Kind::Cpr)),
        Kinds::Default => (&DEFAULT, KindSet::defaults()),
    };
    cell.get_or_init(|| {
        ScannerBuilder::new()
            .kinds(set)
            .today(Date::new(2025, 6, 1).expect("a real date"))
            .build()
    })
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kinds {
    Cpr,
    Default,
}

/// Findings of the kind that is checked exactly: all of them when scanning for CPR numbers
/// only, the CPR ones otherwise.
#[derive(Default)]
struct Tally {
    all: usize,
    cpr: usize,
}

impl Tally {
    fn add(&mut self, batch: &[Finding]) {
        self.all += batch.len();
        self.cpr += batch.iter().filter(|f| f.kind == Kind::Cpr).count();
    }

    /// Panics unless the findings are exactly the planted CPR numbers (plus, with the default
    /// kinds, whatever the other kinds find).
    fn check(&self, kinds: Kinds, input: Input, what: &str) {
        assert_eq!(
            self.cpr,
            input.expected(),
            "{what} {input:?} {kinds:?}: CPR findings"
        );
        if kinds == Kinds::Cpr {
            assert_eq!(
                self.all, self.cpr,
                "{what} {input:?}: findings of other kinds"
            );
        }
    }
}

fn scan_all_tally(kinds: Kinds, hay: &[u8]) -> Tally {
    let mut t = Tally::default();
    t.add(&scanner(kinds).scan_all(hay));
    t
}

fn reader_tally(kinds: Kinds, searcher: &mut Searcher, hay: &[u8]) -> Tally {
    let mut t = Tally::default();
    let mut sink = |batch: &[Finding]| {
        t.add(batch);
        Ok(())
    };
    searcher
        .search_reader(scanner(kinds), hay, &mut sink)
        .expect("reading a slice cannot fail");
    t
}

fn slice_tally(kinds: Kinds, searcher: &mut Searcher, hay: &[u8]) -> Tally {
    let mut t = Tally::default();
    let mut sink = |batch: &[Finding]| {
        t.add(batch);
        Ok(())
    };
    searcher
        .search_slice(scanner(kinds), hay, &mut sink)
        .expect("a counting sink cannot fail");
    t
}

/// The scan core alone: one call over the whole input, findings collected in a `Vec`.
fn bench_scan_all(bencher: Bencher, input: Input, kinds: Kinds) {
    let hay = input.data();
    scan_all_tally(kinds, hay).check(kinds, input, "scan_all");
    bencher
        .counter(BytesCount::of_slice(hay))
        .bench(|| scanner(kinds).scan_all(black_box(hay)).len());
}

/// The driver on bytes in memory (what a mapped or decoded input goes through): chunked scan
/// plus line and column bookkeeping.
fn bench_search_slice(bencher: Bencher, input: Input, kinds: Kinds) {
    let hay = input.data();
    let mut searcher = Searcher::default();
    slice_tally(kinds, &mut searcher, hay).check(kinds, input, "search_slice");
    bencher
        .counter(BytesCount::of_slice(hay))
        .bench_local(|| slice_tally(kinds, &mut searcher, black_box(hay)).all);
}

/// The driver reading a stream (what stdin and read files go through), here a `&[u8]` reader:
/// buffer copies, newline settling and line counting on top of the scan.
fn bench_search_reader(bencher: Bencher, input: Input, kinds: Kinds) {
    let hay = input.data();
    let mut searcher = Searcher::default();
    reader_tally(kinds, &mut searcher, hay).check(kinds, input, "search_reader");
    bencher
        .counter(BytesCount::of_slice(hay))
        .bench_local(|| reader_tally(kinds, &mut searcher, black_box(hay)).all);
}

#[divan::bench(args = INPUTS)]
fn scan_all(bencher: Bencher, input: Input) {
    bench_scan_all(bencher, input, Kinds::Cpr);
}

#[divan::bench(args = INPUTS)]
fn search_slice(bencher: Bencher, input: Input) {
    bench_search_slice(bencher, input, Kinds::Cpr);
}

#[divan::bench(args = INPUTS)]
fn search_reader(bencher: Bencher, input: Input) {
    bench_search_reader(bencher, input, Kinds::Cpr);
}

/// The same with the kinds the command line looks for by default.
mod default_kinds {
    use super::*;

    #[divan::bench(args = INPUTS)]
    fn scan_all(bencher: Bencher, input: Input) {
        bench_scan_all(bencher, input, Kinds::Default);
    }

    #[divan::bench(args = INPUTS)]
    fn search_reader(bencher: Bencher, input: Input) {
        bench_search_reader(bencher, input, Kinds::Default);
    }
}

/// The JSON records of the dense CSV's findings (default kinds; ~20 a KiB, ~3.9 bytes of
/// records per byte of input), timed against the input's bytes: what writing the output costs
/// beside what scanning costs (`default_kinds::search_reader`). BENCHMARKS.md works out the
/// dense-input target's budget from these.
mod records {
    use super::*;
    use cprscan::cli::Format;
    use cprscan::place::Place;
    use cprscan::printer::Printer;

    /// The CSV's findings, located (line, column) as the search driver locates them.
    fn findings() -> &'static [Finding] {
        static FINDINGS: OnceLock<Vec<Finding>> = OnceLock::new();
        FINDINGS.get_or_init(|| {
            let mut all = Vec::new();
            let mut sink = |batch: &[Finding]| {
                all.extend_from_slice(batch);
                Ok(())
            };
            Searcher::default()
                .search_reader(scanner(Kinds::Default), Input::Csv.data(), &mut sink)
                .expect("reading a slice cannot fail");
            let cpr = all.iter().filter(|f| f.kind == Kind::Cpr).count();
            assert_eq!(cpr, Input::Csv.expected(), "records: CPR findings");
            all
        })
    }

    /// The printer and place `cprscan` would use for the CSV's records.
    fn jsonl() -> (Printer, Place) {
        (Printer::new(Format::Jsonl, false, false), Place::new(PATH))
    }

    fn printed(printer: &Printer, place: &Place, out: &mut Vec<u8>) {
        out.clear();
        for f in findings() {
            printer.finding(out, place, f);
        }
    }

    /// The records as the printer writes them: what the other writers must write too.
    fn expected() -> &'static [u8] {
        static RECORDS: OnceLock<Vec<u8>> = OnceLock::new();
        RECORDS.get_or_init(|| {
            let (printer, place) = jsonl();
            let mut out = Vec::new();
            printed(&printer, &place, &mut out);
            out
        })
    }

    /// The printer as `cprscan` runs it: path head, numbers, kind, mask and reasons per record.
    #[divan::bench]
    fn printer(bencher: Bencher) {
        let (printer, place) = jsonl();
        let mut out = Vec::new();
        bencher
            .counter(BytesCount::of_slice(Input::Csv.data()))
            .bench_local(|| {
                printed(&printer, &place, &mut out);
                black_box(out.len())
            });
        assert!(out == expected(), "the printer wrote other bytes");
    }

    /// A plain template writer: each record's head is one copy, its four numbers are formatted,
    /// and everything after `"length":N` (kind, confidence, mask, reasons) is copied whole
    /// from text made in advance, so no mask or reason is worked out while timed. Checked to
    /// write exactly the printer's bytes.
    #[divan::bench]
    fn template(bencher: Bencher) {
        let expected = expected();
        let tails: Vec<Vec<u8>> = expected
            .split_inclusive(|&b| b == b'\n')
            .map(|record| {
                let at = find(record, b",\"kind\":").expect("every record has a kind");
                record[at..].to_vec()
            })
            .collect();
        let head = format!("{{\"type\":\"finding\",\"path\":\"{PATH}\",\"line\":");
        let write = |out: &mut Vec<u8>| {
            out.clear();
            for (f, tail) in findings().iter().zip(&tails) {
                out.extend_from_slice(head.as_bytes());
                decimal(out, f.line);
                out.extend_from_slice(b",\"column\":");
                decimal(out, f.column);
                out.extend_from_slice(b",\"offset\":");
                decimal(out, f.offset);
                out.extend_from_slice(b",\"length\":");
                decimal(out, u64::from(f.len));
                out.extend_from_slice(tail);
            }
        };
        let mut out = Vec::with_capacity(expected.len());
        write(&mut out);
        assert!(
            out == expected,
            "the template writes other bytes than the printer"
        );
        bencher
            .counter(BytesCount::of_slice(Input::Csv.data()))
            .bench_local(|| {
                write(&mut out);
                black_box(out.len())
            });
    }

    /// The finished records copied in one piece: what the bytes alone cost (~3.9 bytes of
    /// records per byte of input).
    #[divan::bench]
    fn copy(bencher: Bencher) {
        let expected = expected();
        let mut out = Vec::with_capacity(expected.len());
        bencher
            .counter(BytesCount::of_slice(Input::Csv.data()))
            .bench_local(|| {
                out.clear();
                out.extend_from_slice(black_box(expected));
                black_box(out.len())
            });
    }

    const PATH: &str = "share/export/customers.csv";

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    /// `n` in decimal, a digit at a time from the end.
    fn decimal(out: &mut Vec<u8>, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        out.extend_from_slice(&digits[at..]);
    }
}

// ---------------------------------------------------------------------------------------------
// Input generation
// ---------------------------------------------------------------------------------------------

/// xorshift64*: small, fast, good enough to make text look varied.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `lo..=hi` (modulo bias is irrelevant here).
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// True with probability `n` in 1000.
    fn per_mille(&mut self, n: u64) -> bool {
        self.next() % 1000 < n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const CPR_WEIGHTS: [u32; 10] = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

fn weighted_sum(digits: &[u8]) -> u32 {
    digits
        .iter()
        .zip(CPR_WEIGHTS)
        .map(|(&d, w)| u32::from(d) * w)
        .sum()
}

/// A made-up CPR number that passes the date rules and modulus 11: a birth date between 1930 and
/// 2019, a 7th digit that gives that century, two random serial digits, then the check digit.
fn valid_cpr(rng: &mut Rng) -> [u8; 10] {
    loop {
        let year = rng.range(1930, 2019);
        let month = rng.range(1, 12);
        let day = rng.range(1, 28);
        let yy = year % 100;
        // The century table: 0-3 mean 19xx; 4 and 9 mean 20xx up to yy 36, else 19xx;
        // 5-8 mean 20xx up to yy 57, else 18xx.
        let digit7 = if year < 2000 {
            if year >= 1937 && rng.per_mille(300) {
                [4, 9][rng.range(0, 1) as usize]
            } else {
                rng.range(0, 3)
            }
        } else if rng.per_mille(500) {
            [4, 9][rng.range(0, 1) as usize]
        } else {
            rng.range(5, 8)
        };
        let serial = rng.range(0, 99);
        let mut d = [
            (day / 10) as u8,
            (day % 10) as u8,
            (month / 10) as u8,
            (month % 10) as u8,
            (yy / 10) as u8,
            (yy % 10) as u8,
            digit7 as u8,
            (serial / 10) as u8,
            (serial % 10) as u8,
            0,
        ];
        let check = (11 - weighted_sum(&d[..9]) % 11) % 11;
        if check == 10 {
            continue; // no check digit makes this serial valid: the CPR office skips it
        }
        d[9] = check as u8;
        debug_assert_eq!(weighted_sum(&d) % 11, 0);
        return d;
    }
}

/// A CPR number with a real birth date that fails modulus 11, is not 1 January (so it is
/// neither exempt nor "possibly exempt") and is born before 1 October 2007 (numbers born since
/// then are issued without the check, and are medium when written with a separator or named):
/// the scanner reports it at low confidence only.
fn failing_cpr(rng: &mut Rng) -> [u8; 10] {
    loop {
        let mut d = valid_cpr(rng);
        if d[..4] == [0, 1, 0, 1] || born_since_october_2007(&d) {
            continue;
        }
        d[9] = (d[9] + rng.range(1, 9) as u8) % 10;
        return d;
    }
}

/// Whether the birth date of a CPR number is 1 October 2007 or later, by the century table.
fn born_since_october_2007(d: &[u8; 10]) -> bool {
    let yy = u64::from(d[4] * 10 + d[5]);
    let year = match d[6] {
        0..=3 => 1900 + yy,
        4 | 9 if yy <= 36 => 2000 + yy,
        4 | 9 => 1900 + yy,
        _ if yy <= 57 => 2000 + yy,
        _ => 1800 + yy,
    };
    let month = d[2] * 10 + d[3];
    year > 2007 || (year == 2007 && month >= 10)
}

/// Whether ten digits could be a CPR number of medium confidence or more in any context: a
/// possible day and month and either modulus 11 or a 1 January date. Decoys are drawn until this
/// is false, so that only planted numbers are findings.
fn could_be_reported(d: &[u8; 10]) -> bool {
    let day = d[0] * 10 + d[1];
    let month = d[2] * 10 + d[3];
    (1..=31).contains(&day)
        && (1..=12).contains(&month)
        && (weighted_sum(d).is_multiple_of(11) || (day == 1 && month == 1))
}

fn ascii(d: &[u8; 10]) -> [u8; 10] {
    d.map(|x| b'0' + x)
}

const LEVELS: &[&str] = &[
    "INFO ", "INFO ", "INFO ", "INFO ", "DEBUG", "DEBUG", "WARN ", "ERROR",
];
const LOGGERS: &[&str] = &[
    "dk.kommune.sag.SagService",
    "dk.kommune.sag.SagController",
    "dk.borger.api.BorgerResource",
    "dk.ydelse.beregning.BeregningMotor",
    "dk.eboks.integration.EboksKlient",
    "dk.betaling.nets.NetsGateway",
    "dk.dokument.JournalService",
    "dk.sikkerhed.AuditLog",
    "c.z.hikari.pool.HikariPool",
];
const MESSAGES: &[&str] = &[
    "Ansøgning modtaget",
    "Sag oprettet",
    "Sag opdateret",
    "Afgørelse sendt til e-Boks",
    "Dokument journaliseret",
    "Betaling gennemført",
    "Udbetaling planlagt",
    "Adresseændring registreret",
    "Partshøring afsluttet",
    "Klage modtaget",
    "Bevilling forlænget",
    "Aktindsigt behandlet",
    "Login via MitID gennemført",
    "Session udløbet",
    "Genforsøg planlagt",
    "Validering fejlede: ugyldig værdi i felt",
    "Timeout mod ekstern tjeneste",
];
/// Danish words free of every CPR context word (positive or negative, whole or as a stem).
const WORDS: &[&str] = &[
    "borger",
    "sagsbehandler",
    "ansøgning",
    "afgørelse",
    "bevilling",
    "ydelse",
    "kommune",
    "journalnotat",
    "fejl",
    "advarsel",
    "kvittering",
    "modtaget",
    "afsendt",
    "udbetaling",
    "tilskud",
    "hjemmehjælp",
    "børnepasning",
    "førtidspension",
    "sygedagpenge",
    "boligstøtte",
    "aktindsigt",
    "klage",
    "partshøring",
    "samtykke",
    "genoptræning",
    "jobcenter",
    "dagpenge",
    "flyttemeddelelse",
    "årsopgørelse",
    "ejendomsvurdering",
    "byggetilladelse",
    "vuggestue",
    "børnehave",
    "plejehjem",
    "visitation",
    "hjælpemiddel",
    "og",
    "i",
    "på",
    "til",
    "med",
    "for",
    "af",
    "er",
    "det",
    "som",
    "den",
    "at",
    "ikke",
    "der",
    "har",
    "en",
    "et",
    "vi",
    "kan",
    "skal",
    "vil",
    "blev",
    "efter",
    "over",
    "under",
    "mellem",
    "hos",
    "uden",
    "også",
    "nu",
    "her",
    "hvor",
    "venligst",
    "hilsen",
    "kære",
    "tak",
    "vedrørende",
    "bemærk",
    "frist",
    "senest",
    "inden",
    "måned",
    "år",
    "uge",
    "tirsdag",
    "fredag",
    "søndag",
];
const FIRST: &[&str] = &[
    "Anne",
    "Mette",
    "Kirsten",
    "Hanne",
    "Søren",
    "Jørgen",
    "Åge",
    "Bjørn",
    "Ærenlund",
    "Peter",
    "Jens",
    "Lars",
    "Sofie",
    "Ida",
    "Freja",
    "Mads",
    "Niels",
    "Emil",
];
const LAST: &[&str] = &[
    "Jensen",
    "Nielsen",
    "Hansen",
    "Sørensen",
    "Jørgensen",
    "Møller",
    "Østergaard",
    "Bøgh",
    "Kjær",
    "Nørgaard",
    "Friis",
    "Lund",
];
const STREETS: &[&str] = &[
    "Vestergade",
    "Nørregade",
    "Østergade",
    "Søndergade",
    "Åboulevarden",
    "Møllevej",
    "Ærøgade",
    "Fælledvej",
    "Strandvejen",
];
const CITIES: &[&str] = &[
    "1050;København K",
    "2200;København N",
    "8000;Aarhus C",
    "5000;Odense C",
    "9000;Aalborg",
    "6700;Esbjerg",
    "3400;Hillerød",
    "5970;Ærøskøbing",
];
const DOMAINS: &[&str] = &[
    "mail.dk",
    "outlook.dk",
    "example.org",
    "jubii.dk",
    "firma.dk",
];
const METHODS: &[&str] = &["GET", "GET", "GET", "POST", "PUT", "DELETE"];
const MONTHS: &[&str] = &["januar", "februar", "marts", "april", "maj", "juni"];

/// Writes one of the input kinds into `out`, counting the findings it plants.
struct Gen {
    rng: Rng,
    out: Vec<u8>,
    planted: usize,
    /// Milliseconds since the start of the log.
    clock: u64,
}

impl Gen {
    fn new(input: Input) -> Gen {
        Gen {
            rng: Rng(0x9E37_79B9_7F4A_7C15 ^ (input as u64 + 1)),
            out: Vec::with_capacity(SIZE + 4096),
            planted: 0,
            clock: 0,
        }
    }

    fn s(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    fn num(&mut self, n: u64) {
        write!(self.out, "{n}").expect("writing to a Vec");
    }

    fn words(&mut self, n: u64) {
        for i in 0..n {
            if i > 0 {
                self.s(" ");
            }
            let w = self.rng.pick(WORDS);
            self.s(w);
        }
    }

    fn hex(&mut self, digits: usize) {
        let v = self.rng.next();
        write!(
            self.out,
            "{:0width$x}",
            v >> (64 - 4 * digits),
            width = digits
        )
        .expect("writing to a Vec");
    }

    fn ip(&mut self) {
        let (a, b, c) = (
            self.rng.range(0, 255),
            self.rng.range(0, 255),
            self.rng.range(1, 254),
        );
        write!(self.out, "10.{a}.{b}.{c}").expect("writing to a Vec");
    }

    /// Ten digits that are never a reportable CPR number: epoch seconds or a reference number.
    fn decoy10(&mut self) {
        loop {
            let n = if self.rng.per_mille(500) {
                self.rng.range(1_600_000_000, 1_750_000_000)
            } else {
                self.rng.range(0, 9_999_999_999)
            };
            let mut d = [0u8; 10];
            let mut v = n;
            for x in d.iter_mut().rev() {
                *x = (v % 10) as u8;
                v /= 10;
            }
            if !could_be_reported(&d) {
                self.out.extend_from_slice(&ascii(&d));
                return;
            }
        }
    }

    /// A planted number: written plain (`0101901238`) or with a separator (`010190-1238`).
    fn cpr(&mut self, d: &[u8; 10], sep: &str) {
        let a = ascii(d);
        self.out.extend_from_slice(&a[..6]);
        self.s(sep);
        self.out.extend_from_slice(&a[6..]);
    }

    fn timestamp(&mut self) {
        self.clock += self.rng.range(0, 40);
        let ms = self.clock % 1000;
        let secs = self.clock / 1000;
        let (day, h, m, s) = (
            1 + secs / 86_400 % 28,
            secs / 3600 % 24,
            secs / 60 % 60,
            secs % 60,
        );
        write!(self.out, "2024-03-{day:02} {h:02}:{m:02}:{s:02},{ms:03}")
            .expect("writing to a Vec");
    }

    fn log_line(&mut self) {
        match self.rng.range(0, 9) {
            0..=3 => {
                self.timestamp();
                let level = self.rng.pick(LEVELS);
                self.s(" ");
                self.s(level);
                self.s(" [http-nio-8080-exec-");
                let t = self.rng.range(1, 64);
                self.num(t);
                self.s("] ");
                let logger = self.rng.pick(LOGGERS);
                self.s(logger);
                self.s(" - ");
                let msg = self.rng.pick(MESSAGES);
                self.s(msg);
                self.s(" sag=");
                let (y, n) = (self.rng.range(2018, 2024), self.rng.range(1, 99_999));
                write!(self.out, "{y}-{n:05}").expect("writing to a Vec");
                self.s(" bruger=u");
                let u = self.rng.range(100_000, 999_999);
                self.num(u);
                self.s(" ip=");
                self.ip();
                self.s(" tid=");
                let ms = self.rng.range(1, 2500);
                self.num(ms);
                self.s("ms");
            }
            4 | 5 => {
                self.ip();
                let (h, m, s) = (
                    self.rng.range(0, 23),
                    self.rng.range(0, 59),
                    self.rng.range(0, 59),
                );
                write!(self.out, " - - [01/Mar/2024:{h:02}:{m:02}:{s:02} +0100] \"")
                    .expect("writing to a Vec");
                let method = self.rng.pick(METHODS);
                self.s(method);
                self.s(" /api/v2/sager/");
                let n = self.rng.range(1, 9_999_999);
                self.num(n);
                self.s("/dokumenter?side=");
                let p = self.rng.range(1, 40);
                self.num(p);
                self.s(" HTTP/1.1\" ");
                let status =
                    [200, 200, 200, 201, 204, 304, 404, 500][self.rng.range(0, 7) as usize];
                self.num(status);
                self.s(" ");
                let bytes = self.rng.range(0, 250_000);
                self.num(bytes);
                self.s(" \"-\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/122.0.0.0\" rt=0.");
                let rt = self.rng.range(0, 999);
                write!(self.out, "{rt:03}").expect("writing to a Vec");
            }
            6 | 7 => {
                self.s("{\"ts\":\"");
                self.timestamp();
                self.s("\",\"level\":\"INFO\",\"logger\":\"");
                let logger = self.rng.pick(LOGGERS);
                self.s(logger);
                self.s("\",\"msg\":\"");
                let msg = self.rng.pick(MESSAGES);
                self.s(msg);
                self.s("\",\"traceId\":\"");
                self.hex(16);
                self.s("\",\"epoch\":");
                self.decoy10();
                self.s(",\"beloeb\":");
                let (kr, ore) = (self.rng.range(0, 99_999), self.rng.range(0, 99));
                write!(self.out, "{kr}.{ore:02}").expect("writing to a Vec");
                self.s("}");
            }
            8 => {
                self.timestamp();
                self.s(" DEBUG [pool-1-thread-");
                let t = self.rng.range(1, 16);
                self.num(t);
                self.s("] org.hibernate.SQL - select s.id, s.journalnr from sag s where s.id=? -- binding [1]=");
                let id = self.rng.range(1, 99_999_999);
                self.num(id);
                self.s(" [2]=");
                self.decoy10();
            }
            _ => {
                self.s("Mar  1 ");
                let (h, m, s) = (
                    self.rng.range(0, 23),
                    self.rng.range(0, 59),
                    self.rng.range(0, 59),
                );
                write!(self.out, "{h:02}:{m:02}:{s:02} web-0").expect("writing to a Vec");
                let host = self.rng.range(1, 9);
                self.num(host);
                self.s(" app[");
                let pid = self.rng.range(100, 65_000);
                self.num(pid);
                self.s("]: ");
                let n = self.rng.range(2, 9);
                self.words(n);
            }
        }
        // One line in ~250 carries a CPR number, one in ~500 a look-alike that must stay low.
        if self.rng.per_mille(4) {
            let d = valid_cpr(&mut self.rng);
            match self.rng.range(0, 4) {
                0 => {
                    self.s(" cpr=");
                    self.cpr(&d, "-");
                }
                1 => {
                    self.s(" CPR-nr.: ");
                    self.cpr(&d, "");
                }
                2 => {
                    self.s(" borger ");
                    self.cpr(&d, "-");
                }
                3 => {
                    self.s(" id ");
                    self.cpr(&d, ""); // no context, no separator: medium
                }
                _ => {
                    self.s(" personnr ");
                    self.cpr(&d, " ");
                }
            }
            self.planted += 1;
        } else if self.rng.per_mille(2) {
            if self.rng.per_mille(500) {
                let d = valid_cpr(&mut self.rng);
                self.s(" fakturanr ");
                self.cpr(&d, ""); // negative context: low
            } else {
                let d = failing_cpr(&mut self.rng);
                self.s(" cpr ");
                self.cpr(&d, "-"); // fails modulus 11: low
            }
        }
        self.s("\n");
    }

    fn csv_row(&mut self) {
        if self.out.is_empty() {
            self.s("kunde_id;fornavn;efternavn;cpr;email;telefon;adresse;postnr;by;oprettet;saldo;note\n");
        }
        let id = self.rng.range(100_000, 999_999);
        self.num(id);
        let (first, last) = (self.rng.pick(FIRST), self.rng.pick(LAST));
        self.s(";");
        self.s(first);
        self.s(";");
        self.s(last);
        self.s(";");
        let r = self.rng.range(0, 999);
        if r < 20 {
            // no number
        } else if r < 40 {
            let d = failing_cpr(&mut self.rng);
            self.cpr(&d, "-");
        } else {
            let d = valid_cpr(&mut self.rng);
            let sep = match self.rng.range(0, 19) {
                0..=14 => "-",
                15..=18 => "",
                _ => " ",
            };
            self.cpr(&d, sep);
            self.planted += 1;
        }
        self.s(";");
        let user = first.to_lowercase();
        self.s(&user);
        self.s(".");
        let user = last.to_lowercase();
        self.s(&user);
        let n = self.rng.range(1, 99);
        self.num(n);
        self.s("@");
        let domain = self.rng.pick(DOMAINS);
        self.s(domain);
        self.s(";");
        let phone = self.rng.range(20_000_000, 99_999_999);
        if self.rng.per_mille(500) {
            // +45 and eight digits in one run: a ten-digit run whose "day" is 45
            self.s("+45");
            self.num(phone);
        } else {
            let p = phone.to_string();
            write!(
                self.out,
                "+45 {} {} {} {}",
                &p[..2],
                &p[2..4],
                &p[4..6],
                &p[6..]
            )
            .expect("writing to a Vec");
        }
        self.s(";");
        let street = self.rng.pick(STREETS);
        self.s(street);
        self.s(" ");
        let no = self.rng.range(1, 250);
        self.num(no);
        self.s(";");
        let city = self.rng.pick(CITIES);
        self.s(city);
        let (y, mo, da, h, mi) = (
            self.rng.range(2010, 2024),
            self.rng.range(1, 12),
            self.rng.range(1, 28),
            self.rng.range(0, 23),
            self.rng.range(0, 59),
        );
        write!(self.out, ";{y}-{mo:02}-{da:02} {h:02}:{mi:02}:00;").expect("writing to a Vec");
        let (kr, ore) = (self.rng.range(0, 250_000), self.rng.range(0, 99));
        write!(self.out, "{kr},{ore:02};").expect("writing to a Vec");
        let r = self.rng.range(0, 9);
        if r == 0 {
            // A second person in the note: another finding (separator, no context word).
            let (f, l) = (self.rng.pick(FIRST), self.rng.pick(LAST));
            write!(self.out, "\"Ægtefælle: {f} {l} (").expect("writing to a Vec");
            let d = valid_cpr(&mut self.rng);
            self.cpr(&d, "-");
            self.s(")\"");
            self.planted += 1;
        } else if r < 4 {
            self.s("\"");
            let n = self.rng.range(3, 9);
            self.words(n);
            self.s("\"");
        }
        self.s("\n");
    }

    fn sentence(&mut self) {
        let n = self.rng.range(6, 18);
        let start = self.out.len();
        self.words(n);
        // Capitalise an ASCII first letter.
        self.out[start] = self.out[start].to_ascii_uppercase();
        match self.rng.range(0, 11) {
            0 => {
                let (d, m, y) = (
                    self.rng.range(1, 28),
                    self.rng.pick(MONTHS),
                    self.rng.range(2015, 2025),
                );
                write!(self.out, " den {d}. {m} {y}").expect("writing to a Vec");
            }
            1 => {
                let (t, h) = (self.rng.range(1, 99), self.rng.range(0, 999));
                write!(self.out, " med {t}.{h:03},50 kr.").expect("writing to a Vec");
            }
            2 => {
                let (h, m) = (self.rng.range(8, 16), self.rng.range(0, 59));
                write!(self.out, " kl. {h}.{m:02}").expect("writing to a Vec");
            }
            3 => {
                let p = self.rng.range(20_000_000, 99_999_999).to_string();
                write!(
                    self.out,
                    " på telefon {} {} {} {}",
                    &p[..2],
                    &p[2..4],
                    &p[4..6],
                    &p[6..]
                )
                .expect("writing to a Vec");
            }
            4 => {
                let (y, n) = (self.rng.range(2018, 2024), self.rng.range(1, 99_999));
                write!(self.out, " (journalnummer {y}-{n:05})").expect("writing to a Vec");
            }
            _ => {}
        }
        let end = self.rng.pick(&[".", ".", ".", "?", "!"]);
        self.s(end);
    }

    fn paragraph(&mut self) {
        let n = self.rng.range(3, 9);
        for i in 0..n {
            if i > 0 {
                self.s(" ");
            }
            self.sentence();
        }
        match self.rng.range(0, 59) {
            0 => {
                self.s(" Borgerens CPR-nummer er ");
                let d = valid_cpr(&mut self.rng);
                self.cpr(&d, "-");
                self.s(".");
                self.planted += 1;
            }
            1 => {
                self.s(" Ægtefællens personnummer: ");
                let d = valid_cpr(&mut self.rng);
                self.cpr(&d, "\u{2013}"); // en dash
                self.s(".");
                self.planted += 1;
            }
            2 => {
                self.s(" Fødselsdato og løbenummer ");
                let d = valid_cpr(&mut self.rng);
                self.cpr(&d, "");
                self.s(" er oplyst.");
                self.planted += 1;
            }
            3 => {
                // A CPR-shaped invoice number: negative context keeps it low.
                self.s(" Faktura ");
                let d = valid_cpr(&mut self.rng);
                self.cpr(&d, "");
                self.s(" er betalt.");
            }
            _ => {}
        }
        self.s("\n\n");
    }
}
