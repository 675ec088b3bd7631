//! The scan core: bytes in, findings out. No I/O, no output format: sources (files, stdin,
//! decoded archive members) feed it slices, sinks receive its findings.
//!
//! One pass jumps from digit run to digit run ([`crate::digits`]) and offers each run to the
//! enabled digit-anchored kinds; `@` (e-mail) and `:` (IPv6) are found with memchr. Validators
//! reject cheaply first, look up context only for candidates that passed their checks, and
//! allocate only for matches. Overlapping matches of different kinds are then resolved: the
//! higher confidence wins, then the stronger kind ([`Kind`] order), then the longer span, so
//! a span is reported once.

use std::ops::Range;
use std::sync::Arc;

use crate::allow::AllowValues;
use crate::context::{pos, ContextMatcher, Nearby, Word, CPR_WORDS};
use crate::cpr::{self, Evidence, ExceptionDates};
use crate::date::Date;
use crate::digits::{find_class, is_digit};
use crate::finding::{Confidence, Finding, Kind, Suppression};
use crate::kinds::{self, contextual, substitute, Match};
use crate::prefilter::{for_each_offered_run, Prefilter, SHORT_LENS};
use crate::rules::{CustomRules, RuleMatch};

/// How many bytes of input a finding may depend on before its start and after its end: the
/// [`REACH`] over which overlaps are resolved, plus the longest span, a boundary byte, the
/// context window and the longest context word, rounded up. A caller scanning part of a larger input must provide
/// this many bytes around the part it asks to be reported (where the input has them), and must
/// not report a finding twice.
pub const MARGIN: usize = 1024;

/// How far around a reported range candidates are gathered before overlaps are resolved: the
/// longest span (an e-mail address, 254 bytes) plus the farthest a match starts before its
/// anchor (an e-mail's local part before `@`), rounded up. Both neighbouring ranges then see
/// the same overlapping candidates at their shared edge and keep the same winner. No span crosses
/// a line end, so the reach stops at one: ranges that end at newlines pay nothing for it.
pub const REACH: usize = 320;

/// The longest range [`Scanner::scan`] gathers candidates for at once.
const SCAN_PIECE: usize = 1 << 18;

/// A set of kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindSet(u32);

impl KindSet {
    pub const EMPTY: KindSet = KindSet(0);

    /// The kinds a scan looks for when none are chosen.
    pub fn defaults() -> KindSet {
        Kind::ALL
            .iter()
            .filter(|k| k.on_by_default())
            .fold(KindSet::EMPTY, |s, &k| s.with(k))
    }

    pub fn all() -> KindSet {
        Kind::ALL.iter().fold(KindSet::EMPTY, |s, &k| s.with(k))
    }

    pub fn with(self, kind: Kind) -> KindSet {
        KindSet(self.0 | 1 << kind as u32)
    }

    pub fn without(self, kind: Kind) -> KindSet {
        KindSet(self.0 & !(1 << kind as u32))
    }

    pub fn contains(self, kind: Kind) -> bool {
        self.0 & (1 << kind as u32) != 0
    }

    /// Parses a comma-separated list of kind names; `all` means every kind, `default` the
    /// defaults.
    pub fn parse(list: &str) -> Result<KindSet, String> {
        let mut set = KindSet::EMPTY;
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            set = match name {
                "all" => KindSet::all(),
                "default" => KindSet(set.0 | KindSet::defaults().0),
                _ => set.with(
                    Kind::from_name(name)
                        .ok_or_else(|| format!("unknown kind {name:?} (see `cprscan kinds`)"))?,
                ),
            };
        }
        Ok(set)
    }
}

impl Default for KindSet {
    fn default() -> Self {
        KindSet::defaults()
    }
}

/// Builds a [`Scanner`]. Defaults: the default kinds, minimum confidence medium, today's date
/// from the system clock, the exception dates shipped with the crate.
#[derive(Clone, Debug)]
pub struct ScannerBuilder {
    min_confidence: Confidence,
    today: Option<Date>,
    exceptions: Option<ExceptionDates>,
    kinds: KindSet,
    context: usize,
    kind_min: [Option<Confidence>; Kind::ALL.len()],
    extra_words: Vec<(Kind, Word)>,
    allow_words: Vec<(Kind, Word)>,
    rules: Option<Arc<CustomRules>>,
    allow_values: Option<Arc<AllowValues>>,
    inline_ignore: bool,
}

/// The most bytes a context snippet may show on each side of a finding: well inside
/// [`MARGIN`], so a snippet never depends on how the input was split into reads.
pub const MAX_CONTEXT: usize = 200;

impl Default for ScannerBuilder {
    fn default() -> Self {
        ScannerBuilder {
            min_confidence: Confidence::Medium,
            today: None,
            exceptions: None,
            kinds: KindSet::defaults(),
            context: 0,
            kind_min: [None; Kind::ALL.len()],
            extra_words: Vec::new(),
            allow_words: Vec::new(),
            rules: None,
            allow_values: None,
            inline_ignore: false,
        }
    }
}

impl ScannerBuilder {
    pub fn new() -> ScannerBuilder {
        ScannerBuilder::default()
    }

    /// Findings below this confidence are not reported. Default: medium.
    pub fn min_confidence(&mut self, min: Confidence) -> &mut Self {
        self.min_confidence = min;
        self
    }

    /// The date birth dates must not be after. Default: today (Danish time, see [`Date::today`]).
    pub fn today(&mut self, today: Date) -> &mut Self {
        self.today = Some(today);
        self
    }

    /// The birth dates exempt from modulus 11. Default: [`ExceptionDates::shipped`].
    pub fn exceptions(&mut self, list: ExceptionDates) -> &mut Self {
        self.exceptions = Some(list);
        self
    }

    /// The kinds to look for. Default: [`KindSet::defaults`].
    pub fn kinds(&mut self, kinds: KindSet) -> &mut Self {
        self.kinds = kinds;
        self
    }

    /// Adds to each finding a snippet of up to `bytes` bytes each side (at most
    /// [`MAX_CONTEXT`]), on the finding's line, with every detected span of any kind masked.
    /// Default: 0, no snippet.
    pub fn context(&mut self, bytes: usize) -> &mut Self {
        self.context = bytes.min(MAX_CONTEXT);
        self
    }

    /// Findings of `kind` below `min` are not reported, whatever the overall minimum.
    pub fn min_confidence_for(&mut self, kind: Kind, min: Confidence) -> &mut Self {
        self.kind_min[kind as usize] = Some(min);
        self
    }

    /// Adds a context word to `kind`'s own (a positive word raises confidence, a negative one
    /// lowers it, as the kind's rules say).
    pub fn context_word(&mut self, kind: Kind, word: Word) -> &mut Self {
        self.extra_words.push((kind, word));
        self
    }

    /// A finding of `kind` with `word` near it (same line, within the context window) is a
    /// known non-finding and is not reported. For user rules see [`crate::rules::RuleSpec`].
    pub fn allow_word(&mut self, kind: Kind, word: &'static str) -> &mut Self {
        self.allow_words.push((kind, pos(word, true)));
        self
    }

    /// The user rules to run as [`Kind::Custom`] (when that kind is enabled).
    pub fn rules(&mut self, rules: CustomRules) -> &mut Self {
        self.rules = (!rules.is_empty()).then(|| Arc::new(rules));
        self
    }

    /// Values (and fingerprints) that are never reported.
    pub fn allow_values(&mut self, allow: AllowValues) -> &mut Self {
        self.allow_values = (!allow.is_empty()).then(|| Arc::new(allow));
        self
    }

    /// Marks findings on a line holding `cprscan:ignore`, or after a line holding
    /// `cprscan:ignore-next-line`, as [`Suppression::Inline`] (in any comment syntax: the
    /// marker is looked for as text). The previous line is seen when it starts within
    /// [`MARGIN`] bytes of the finding. Default: off.
    pub fn inline_ignore(&mut self, on: bool) -> &mut Self {
        self.inline_ignore = on;
        self
    }

    pub fn build(&self) -> Scanner {
        // Snippets mask what any kind detects at any confidence, allowlisted or not, so they
        // get a scanner of their own that looks for everything.
        let snippets = (self.context > 0).then(|| {
            let mut all = self.clone();
            all.kinds(KindSet::all())
                .min_confidence(Confidence::Low)
                .context(0);
            all.kind_min = [None; Kind::ALL.len()];
            all.allow_words.clear();
            all.allow_values = None;
            Box::new(all.build())
        });
        let with_extra = |kind: Kind, words: &[Word]| -> Vec<Word> {
            let extra = self.extra_words.iter().filter(|(k, _)| *k == kind);
            words
                .iter()
                .copied()
                .chain(extra.map(|(_, w)| *w))
                .collect()
        };
        let matcher = |kind: Kind, words: &[Word]| {
            self.kinds
                .contains(kind)
                .then(|| ContextMatcher::new(&with_extra(kind, words)))
        };
        let substitute_words = [CPR_WORDS, substitute::EXTRA_WORDS].concat();
        let allow_words = Kind::ALL
            .iter()
            .map(|&kind| {
                let words: Vec<Word> = self
                    .allow_words
                    .iter()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, w)| *w)
                    .collect();
                (!words.is_empty()).then(|| ContextMatcher::new(&words))
            })
            .collect();
        let min = std::array::from_fn(|i| self.kind_min[i].unwrap_or(self.min_confidence));
        Scanner {
            min_confidence: self.min_confidence,
            min,
            allow_words,
            rules: self.rules.clone(),
            allow_values: self.allow_values.clone(),
            inline_ignore: self.inline_ignore,
            today: self.today.unwrap_or_else(Date::today),
            exceptions: self
                .exceptions
                .clone()
                .unwrap_or_else(ExceptionDates::shipped),
            kinds: self.kinds,
            gate: Gate::new(self.kinds),
            cover_overlaps: false,
            context: self.context,
            snippets,
            cpr_context: ContextMatcher::new(&with_extra(Kind::Cpr, CPR_WORDS)),
            contexts: Contexts {
                substitute: matcher(Kind::CprSubstitute, &substitute_words),
                iban: matcher(Kind::Iban, kinds::iban::WORDS),
                card: matcher(Kind::Card, kinds::card::WORDS),
                email: matcher(Kind::Email, kinds::email::WORDS),
                cvr: matcher(Kind::Cvr, kinds::cvr::WORDS),
                phone: matcher(Kind::Phone, kinds::phone::WORDS),
                bank: matcher(Kind::BankAccount, contextual::BANK_WORDS),
                passport: matcher(Kind::Passport, contextual::PASSPORT_WORDS),
                licence: matcher(Kind::DrivingLicence, contextual::LICENCE_WORDS),
                ip: matcher(Kind::Ip, kinds::ip::WORDS),
            },
        }
    }
}

/// The context matchers of the enabled kinds other than CPR.
#[derive(Clone, Debug)]
struct Contexts {
    substitute: Option<ContextMatcher>,
    iban: Option<ContextMatcher>,
    card: Option<ContextMatcher>,
    email: Option<ContextMatcher>,
    cvr: Option<ContextMatcher>,
    phone: Option<ContextMatcher>,
    bank: Option<ContextMatcher>,
    passport: Option<ContextMatcher>,
    licence: Option<ContextMatcher>,
    ip: Option<ContextMatcher>,
}

/// Finds personal data in byte slices. Cheap to share between threads (`&Scanner` is all a
/// worker needs); build it once per run.
#[derive(Clone, Debug)]
pub struct Scanner {
    min_confidence: Confidence,
    /// The minimum confidence of each kind (indexed by `Kind as usize`).
    min: [Confidence; Kind::ALL.len()],
    /// Each kind's allow words, if it has any.
    allow_words: Vec<Option<ContextMatcher>>,
    rules: Option<Arc<CustomRules>>,
    allow_values: Option<Arc<AllowValues>>,
    inline_ignore: bool,
    today: Date,
    exceptions: ExceptionDates,
    kinds: KindSet,
    context: usize,
    snippets: Option<Box<Scanner>>,
    cpr_context: ContextMatcher,
    contexts: Contexts,
    gate: Gate,
    /// Whether overlap losers at or above the threshold are yielded too, marked
    /// [`Finding::overlap_loser`] (see [`Scanner::covering_overlaps`]).
    cover_overlaps: bool,
}

impl Default for Scanner {
    fn default() -> Self {
        ScannerBuilder::new().build()
    }
}

/// A match of some kind, before overlap resolution.
/// One thread's vectors for [`Scanner::scan_piece`], kept between pieces so that dense input
/// does not grow them again for every piece.
#[derive(Default)]
struct Scratch {
    cands: Vec<Candidate>,
    /// Sort keys (start and kind) of `cands`, with their indices.
    order: Vec<(u64, u32)>,
    /// Indices of the winners, in order of start.
    kept: Vec<u32>,
    /// Indices of the losers, when covering overlaps.
    lost: Vec<u32>,
    /// The overlapping cluster in hand.
    cluster: Vec<u32>,
}

impl Scratch {
    /// The most candidates whose vector a thread keeps between pieces: a dense CSV export's
    /// piece gathers about 6,000.
    const KEEP: usize = 1 << 13;
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

struct Candidate {
    kind: Kind,
    m: Match,
    /// The user rule of a [`Kind::Custom`] candidate.
    rule: Option<usize>,
}

impl Candidate {
    /// A candidate of a built-in kind.
    fn builtin(kind: Kind, m: Match) -> Candidate {
        Candidate {
            kind,
            m,
            rule: None,
        }
    }

    /// Whether `self` should be reported instead of the overlapping `other`.
    /// What decides between overlapping candidates: confidence, then the kind listed first,
    /// then the longer span.
    fn rank(&self) -> (Confidence, std::cmp::Reverse<Kind>, usize) {
        (
            self.m.confidence,
            std::cmp::Reverse(self.kind),
            self.m.end - self.m.start,
        )
    }
}

impl Scanner {
    /// The minimum confidence this scanner reports.
    pub fn min_confidence(&self) -> Confidence {
        self.min_confidence
    }

    /// The kinds this scanner looks for.
    pub fn kinds(&self) -> KindSet {
        self.kinds
    }

    /// A copy of this scanner that reports candidates at every confidence, for sources that
    /// judge findings again with what they know beyond the bytes (a cell's column name, see
    /// [`crate::column`]) and then keep those this scanner [`reports`](Scanner::reports).
    pub fn reporting_every_confidence(&self) -> Scanner {
        let mut all = self.clone();
        all.min_confidence = Confidence::Low;
        all.min = [Confidence::Low; Kind::ALL.len()];
        all
    }

    /// This scanner, yielding besides its findings the candidates that lost to an overlapping
    /// one and are at or above the threshold (and not allowlisted), marked
    /// [`Finding::overlap_loser`], in offset order with the findings. For `cprscan redact`: a
    /// loser may reach beyond the winner, and the bytes it has there, left as they were, can be
    /// found again in the redacted text. The findings themselves are the same as without.
    pub fn covering_overlaps(mut self) -> Scanner {
        self.cover_overlaps = true;
        self
    }

    /// Whether `f` is at or above this scanner's minimum confidence for its kind.
    pub fn reports(&self, f: &Finding) -> bool {
        f.confidence >= self.min[f.kind as usize]
    }

    /// Scans all of `hay`, returning its findings in offset order.
    pub fn scan_all(&self, hay: &[u8]) -> Vec<Finding> {
        let mut out = Vec::new();
        self.scan(hay, 0..hay.len(), &mut out);
        out
    }

    /// Appends to `out`, in offset order, the findings of `hay` that start inside `report`.
    /// Bytes of `hay` outside `report` are context only. Offsets are relative to `hay`; line and
    /// column are left at 0 for the driver to fill in.
    ///
    /// A match may start before its anchor (the digit run, `@` or `:` it is found from): `DK` or
    /// `+45` before digits, an e-mail's local part before `@`; and matches of two kinds may
    /// overlap across the edge of `report`. So candidates are gathered from [`REACH`] bytes around
    /// `report` (within the line), overlaps resolved among all of them, and the winners kept by
    /// where they start: consecutive ranges report each match exactly once.
    pub fn scan(&self, hay: &[u8], report: Range<usize>, out: &mut Vec<Finding>) {
        // A long range is scanned in pieces, so the candidates of one piece stay in cache;
        // consecutive ranges report what one range does (see above).
        let until = report.end.min(hay.len());
        let mut from = report.start.min(until);
        while until - from > SCAN_PIECE {
            self.scan_piece(hay, from..from + SCAN_PIECE, out);
            from += SCAN_PIECE;
        }
        self.scan_piece(hay, from..until, out);
    }

    /// [`Scanner::scan`] of one range, its candidates gathered at once.
    fn scan_piece(&self, hay: &[u8], report: Range<usize>, out: &mut Vec<Finding>) {
        let until = report.end.min(hay.len());
        let from = report.start.min(until);
        let lo = from.saturating_sub(REACH);
        let lo = memchr::memrchr(b'\n', &hay[lo..from]).map_or(lo, |i| lo + i + 1);
        let hi = (until + REACH).min(hay.len());
        let hi = memchr::memchr(b'\n', &hay[until..hi]).map_or(hi, |i| until + i);
        // The candidates' vectors are this thread's, reused from piece to piece: on dense input
        // a piece gathers thousands, and growing fresh vectors to that size each time cost more
        // reallocation and copying than any candidate's check.
        let mut scratch = SCRATCH.take();
        scratch.cands.clear();
        let cands = &mut scratch.cands;
        self.digit_pass(hay, lo, hi, cands);
        // Kinds anchored on one byte, found with memchr: e-mail at `@`, IPv6 at `:`.
        type ByteFn = fn(&[u8], usize, kinds::Context) -> Option<Match>;
        let byte_kinds: [(Kind, u8, &Option<ContextMatcher>, ByteFn); 2] = [
            (
                Kind::Email,
                b'@',
                &self.contexts.email,
                kinds::email::at_at_sign,
            ),
            (Kind::Ip, b':', &self.contexts.ip, kinds::ip::ipv6_at),
        ];
        for (kind, byte, ctx, find) in byte_kinds {
            let Some(ctx) = ctx else { continue };
            let lookup = |s: usize, e: usize| ctx.nearby(hay, s, e);
            for at in memchr::memchr_iter(byte, &hay[lo..hi]) {
                if let Some(m) = find(hay, lo + at, &lookup) {
                    cands.push(Candidate::builtin(kind, m));
                }
            }
        }
        if let Some(rules) = self
            .rules
            .as_ref()
            .filter(|_| self.kinds.contains(Kind::Custom))
        {
            let mut found = Vec::new();
            rules.find(hay, lo, hi, &mut found);
            cands.extend(found.into_iter().map(|RuleMatch { rule, m }| Candidate {
                kind: Kind::Custom,
                m,
                rule: Some(rule),
            }));
        }
        self.resolve(hay, &mut scratch, from..until, out);
        // A piece of pathological input (nothing but CPR-shaped numbers) may gather tens of
        // thousands: such vectors are not kept, so what a thread holds stays bounded.
        if scratch.cands.capacity() <= Scratch::KEEP {
            SCRATCH.set(scratch);
        }
    }

    /// Keeps one candidate per overlapping cluster and emits those that start in `report` and
    /// are at or above the threshold.
    fn resolve(
        &self,
        hay: &[u8],
        scratch: &mut Scratch,
        report: Range<usize>,
        out: &mut Vec<Finding>,
    ) {
        let Scratch {
            cands,
            order,
            kept,
            lost,
            cluster,
        } = scratch;
        // In order of start, then kind, then as found: a stable sort of small keys (start and
        // kind in one number) instead of the candidates themselves. Candidates come nearly in
        // order, which the stable sort finds in runs.
        order.clear();
        order.extend(
            cands
                .iter()
                .enumerate()
                .map(|(i, c)| ((c.m.start as u64) << 8 | c.kind as u64, i as u32)),
        );
        order.sort_by_key(|&(key, _)| key);
        kept.clear();
        // The losers, kept only when covering overlaps.
        lost.clear();
        // Candidates that overlap one another, directly or through others, form a cluster.
        // Nearly every cluster is one candidate; in a bigger one the best-ranked candidates are
        // taken first and each other one only if it overlaps none taken, so a candidate is
        // never lost to one that lost itself (in `290260-5006 0101585018` a bank account
        // overlaps both CPR numbers and loses to the second: the first stays).
        cluster.clear();
        // Where the cluster in hand ends: the farthest end of its candidates.
        let mut reach = 0;
        for &(_, i) in order.iter() {
            let c = &cands[i as usize];
            if !cluster.is_empty() && c.m.start >= reach {
                self.settle(cands, cluster, kept, lost);
            }
            reach = if cluster.is_empty() {
                c.m.end
            } else {
                reach.max(c.m.end)
            };
            cluster.push(i);
        }
        if !cluster.is_empty() {
            self.settle(cands, cluster, kept, lost);
        }
        let first = out.len();
        // Whether a marker occurs anywhere `ignored_inline` could see from a reported start:
        // most inputs hold none, and then no finding needs the per-finding search. Where the
        // candidates are sparse (logs), searching around each finding reads less than the range
        // does, so the range is not searched first.
        let sparse = kept.len().saturating_mul(4 * IGNORE_REACH) < report.len();
        let mut markers: Option<bool> = sparse.then_some(true);
        for &i in kept.iter() {
            if let Some(f) = self.push_reportable(hay, &report, &mut cands[i as usize], out) {
                let start = f.offset as usize;
                if let (Some(rule), Some(rules)) = (cands[i as usize].rule, &self.rules) {
                    f.rule = Some(rules.tag(rule).clone());
                }
                if self.inline_ignore
                    && *markers.get_or_insert_with(|| markers_near(hay, &report))
                    && ignored_inline(hay, start)
                {
                    f.suppressed = Some(Suppression::Inline);
                }
                if let Some(snippets) = &self.snippets {
                    f.context = Some(snippets.snippet(hay, f, self.context));
                }
            }
        }
        let mut covered = false;
        for &i in lost.iter() {
            if let Some(f) = self.push_reportable(hay, &report, &mut cands[i as usize], out) {
                f.overlap_loser = true;
                covered = true;
            }
        }
        if covered {
            out[first..].sort_by_key(|f| f.offset);
        }
    }

    /// Moves the winners of a cluster of overlapping candidates (indices into `cands`, in
    /// order of start) to `kept`, in order of start, and its losers to `lost` when covering
    /// overlaps.
    fn settle(
        &self,
        cands: &[Candidate],
        cluster: &mut Vec<u32>,
        kept: &mut Vec<u32>,
        lost: &mut Vec<u32>,
    ) {
        if let [one] = cluster[..] {
            kept.push(one);
            cluster.clear();
            return;
        }
        let from = kept.len();
        // Best first; a stable sort keeps the earlier of equals first.
        cluster.sort_by(|&a, &b| cands[b as usize].rank().cmp(&cands[a as usize].rank()));
        for &i in cluster.iter() {
            let m = &cands[i as usize].m;
            let free = kept[from..].iter().all(|&k| {
                let other = &cands[k as usize].m;
                m.end <= other.start || other.end <= m.start
            });
            if free {
                kept.push(i);
            } else if self.cover_overlaps {
                lost.push(i);
            }
        }
        kept[from..].sort_by_key(|&k| cands[k as usize].m.start);
        cluster.clear();
    }

    /// Appends the finding of candidate `c` to `out` when it is reported: at or above its
    /// kind's threshold, starting inside `report`, and not allowlisted; returns it for the
    /// caller to complete. Takes the candidate's reasons. Built in its place in `out`, not
    /// returned and moved there: a finding is a few hundred bytes.
    #[inline]
    fn push_reportable<'o>(
        &self,
        hay: &[u8],
        report: &Range<usize>,
        c: &mut Candidate,
        out: &'o mut Vec<Finding>,
    ) -> Option<&'o mut Finding> {
        if c.m.confidence < self.min[c.kind as usize]
            || !report.contains(&c.m.start)
            || self.allowlisted(hay, c)
        {
            return None;
        }
        let (start, end) = (c.m.start, c.m.end);
        out.push(Finding::new(
            start as u64,
            c.kind,
            c.m.confidence,
            std::mem::take(&mut c.m.reasons),
            &hay[start..end],
        ));
        out.last_mut()
    }

    /// Whether the user marked this candidate as a known non-finding: an allow word near it,
    /// or an allowlisted value.
    fn allowlisted(&self, hay: &[u8], c: &Candidate) -> bool {
        let (start, end) = (c.m.start, c.m.end);
        let by_word = match (c.rule, &self.rules) {
            (Some(rule), Some(rules)) => rules.allowed(rule, hay, start, end),
            _ => self.allow_words[c.kind as usize]
                .as_ref()
                .is_some_and(|m| m.nearby(hay, start, end).positive.is_some()),
        };
        by_word
            || self.allow_values.as_ref().is_some_and(|allow| {
                let name = match (c.rule, &self.rules) {
                    (Some(rule), Some(rules)) => rules.tag(rule).kind.as_str(),
                    _ => c.kind.as_str(),
                };
                allow.allows(c.kind, name, &hay[start..end])
            })
    }

    /// The line around `finding` (offset relative to `hay`), `bytes` each side, with every span
    /// this scanner detects masked and control characters escaped.
    fn snippet(&self, hay: &[u8], finding: &Finding, bytes: usize) -> String {
        let (start, end) = (finding.offset as usize, finding.end() as usize);
        let line_start = memchr::memrchr(b'\n', &hay[..start]).map_or(0, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &hay[end..]).map_or(hay.len(), |i| end + i);
        let lo = line_start.max(start.saturating_sub(bytes));
        let hi = line_end.min(end + bytes);
        // Start detecting early enough to see spans that begin before the snippet.
        let mut spans = Vec::new();
        self.scan(
            hay,
            line_start.max(lo.saturating_sub(MARGIN / 2))..hi,
            &mut spans,
        );
        let mut out = String::new();
        let mut pos = lo;
        let own = std::iter::once(finding);
        let mut all: Vec<&Finding> = spans.iter().chain(own).collect();
        all.sort_by_key(|f| f.offset);
        for f in all {
            let (s, e) = (f.offset as usize, f.end() as usize);
            if e <= pos || s >= hi {
                continue;
            }
            push_escaped(&mut out, &hay[pos..s.max(pos)]);
            out.push_str(&f.masked());
            pos = e;
        }
        if pos < hi {
            push_escaped(&mut out, &hay[pos..hi]);
        }
        out
    }

    /// Offers every digit run starting in `from..until` to the enabled digit-anchored kinds.
    fn digit_pass(&self, hay: &[u8], from: usize, until: usize, cands: &mut Vec<Candidate>) {
        let prefilter = &self.gate.prefilter;
        for_each_offered_run(hay, from, until, prefilter, |start, end| {
            self.digit_run(hay, start, end, cands)
        });
    }

    /// Offers one run to the kinds that can start there. Logs hold a digit run every ~9 bytes,
    /// nearly all of them short parts of timestamps, ids and IPs, so [`Gate`] first tests the
    /// run's length and neighbouring bytes against what any enabled kind could accept.
    #[inline(always)]
    fn digit_run(&self, hay: &[u8], start: usize, end: usize, cands: &mut Vec<Candidate>) {
        // Both calls are the last thing done, so the hot path saves no registers.
        match self.gate.admits_inside(hay, start, end) {
            Some(true) => self.digit_run_slow(hay, start, end, cands),
            Some(false) => {}
            None => self.digit_run_at_edge(hay, start, end, cands),
        }
    }

    /// [`Scanner::digit_run`] for a run near an end of `hay`.
    #[cold]
    #[inline(never)]
    fn digit_run_at_edge(&self, hay: &[u8], start: usize, end: usize, cands: &mut Vec<Candidate>) {
        if self.gate.admits_at_edge(hay, start, end) {
            self.digit_run_slow(hay, start, end, cands);
        }
    }

    #[inline(never)]
    fn digit_run_slow(&self, hay: &[u8], start: usize, end: usize, cands: &mut Vec<Candidate>) {
        let len = end - start;
        let prev = start.checked_sub(1).map(|i| hay[i]);
        let next = hay.get(end).copied();
        if self.kinds.contains(Kind::Cpr) {
            match len {
                10 => self.cpr_candidate(hay, start, end, None, cands),
                6 => {
                    if let Some(serial) = serial_after_separator(hay, end) {
                        self.cpr_candidate(hay, start, end, Some(serial), cands);
                    }
                }
                _ => {}
            }
        }
        let c = &self.contexts;
        if let Some(ctx) = &c.substitute {
            if matches!(len, 6 | 7 | 10) {
                let lookup = |s: usize, e: usize| ctx.nearby(hay, s, e);
                if let Some(m) = substitute::at_digit_run(hay, start, end, self.today, &lookup) {
                    cands.push(Candidate::builtin(Kind::CprSubstitute, m));
                }
            }
        }
        let mut offer = |kind: Kind, ctx: &ContextMatcher, find: kinds::DigitFn, ask: Ask| {
            let lookup = |s: usize, e: usize| -> Nearby {
                match ask {
                    Ask::Nearby => ctx.nearby(hay, s, e),
                    Ask::IfPositive => ctx.nearby_if_positive(hay, s, e),
                    Ask::Label => ctx.label(hay, s, e),
                }
            };
            if let Some(m) = find(hay, start, end, &lookup) {
                // What is left visible of a masked value (`+7-010158****`) is no new number.
                if !kinds::is_mask_fragment(hay, m.start, m.end) {
                    cands.push(Candidate::builtin(kind, m));
                }
            }
        };
        // Each gate repeats the first rejection of the validator it guards (see its source).
        if let Some(ctx) = &c.iban {
            if len >= 2 && prev.is_some_and(|b| b.is_ascii_uppercase()) {
                offer(Kind::Iban, ctx, kinds::iban::at_digit_run, Ask::Nearby);
            }
        }
        if let Some(ctx) = &c.card {
            if (len == 4 && matches!(next, Some(b' ' | b'-'))) || (13..=19).contains(&len) {
                offer(Kind::Card, ctx, kinds::card::at_digit_run, Ask::Label);
            }
        }
        if let Some(ctx) = &c.cvr {
            if len == 8 {
                offer(Kind::Cvr, ctx, kinds::cvr::at_digit_run, Ask::Nearby);
            }
        }
        if let Some(ctx) = &c.phone {
            let plus = prev == Some(b'+');
            let bare = hay[start] >= b'2'
                && (len == 8 || (matches!(len, 2 | 4) && matches!(next, Some(b' ' | 0xC2))));
            if len <= 15 && (plus || bare || (len >= 4 && hay[start..start + 4] == *b"0045")) {
                // Only a bare number asks for context, and it needs a positive word.
                offer(
                    Kind::Phone,
                    ctx,
                    kinds::phone::at_digit_run,
                    Ask::IfPositive,
                );
            }
        }
        if let Some(ctx) = &c.bank {
            // A reg.nr before its account, or an account after its label and reg.nr.
            if len == 4 || (6..=10).contains(&len) {
                offer(
                    Kind::BankAccount,
                    ctx,
                    contextual::bank_account_at,
                    Ask::Nearby,
                );
            }
        }
        if let Some(ctx) = &c.passport {
            if len == 9 {
                offer(Kind::Passport, ctx, contextual::passport_at, Ask::Nearby);
            }
        }
        if let Some(ctx) = &c.licence {
            if len == 8 {
                offer(
                    Kind::DrivingLicence,
                    ctx,
                    contextual::licence_at,
                    Ask::Nearby,
                );
            }
        }
        if let Some(ctx) = &c.ip {
            if len <= 3 && next == Some(b'.') {
                offer(Kind::Ip, ctx, kinds::ip::ipv4_at, Ask::Nearby);
            }
        }
    }

    /// Validates a CPR candidate: `hay[start..date_end]` holds six or ten digits; `serial` is
    /// where the four serial digits start when a separator follows the six.
    fn cpr_candidate(
        &self,
        hay: &[u8],
        start: usize,
        date_end: usize,
        serial: Option<usize>,
        cands: &mut Vec<Candidate>,
    ) {
        let end = serial.map_or(date_end, |s| s + 4);
        if !kinds::is_boundary(hay, start.wrapping_sub(1)) || !kinds::is_boundary(hay, end) {
            return;
        }
        let mut digits = [0u8; 10];
        let tail = serial.unwrap_or(start + 6);
        for (i, d) in digits.iter_mut().enumerate() {
            let at = if i < 6 { start + i } else { tail + i - 6 };
            *d = hay[at] - b'0';
        }
        if cpr::birth_date(&digits, self.today).is_none() {
            return;
        }
        let nearby = self.cpr_context.label(hay, start, end);
        let evidence = Evidence {
            separator: serial.is_some(),
            positive: nearby.positive,
            negative: nearby.negative,
        };
        if let Some((confidence, reasons)) =
            cpr::classify(&digits, evidence, &self.exceptions, self.today)
        {
            cands.push(Candidate::builtin(
                Kind::Cpr,
                Match {
                    start,
                    end,
                    confidence,
                    reasons,
                },
            ));
        }
    }
}

/// How a digit-anchored kind's validator asks for context words.
#[derive(Clone, Copy)]
enum Ask {
    /// The nearest word of each polarity ([`ContextMatcher::nearby`]).
    Nearby,
    /// The kind reports nothing without a positive word
    /// ([`ContextMatcher::nearby_if_positive`]: bare phone numbers).
    IfPositive,
    /// The nearer word labels the number ([`ContextMatcher::label`]: a card number after
    /// `kort` is a card even with an `id=` before it).
    Label,
}

/// The inline marker; `cprscan:ignore-next-line` starts with it.
const IGNORE: &[u8] = b"cprscan:ignore";
const NEXT_LINE: &[u8] = b"-next-line";

/// How far from a finding an inline marker is looked for: on its line, this many bytes either
/// side; on the line before, its last this many bytes. Bounded so the answer never depends on
/// how the input was split into reads (it is well inside [`MARGIN`]).
const IGNORE_REACH: usize = 480;

/// Whether the line around `at` holds `cprscan:ignore` (not followed by `-next-line`), or the
/// line before it `cprscan:ignore-next-line`, within [`IGNORE_REACH`].
fn ignored_inline(hay: &[u8], at: usize) -> bool {
    let lo = at.saturating_sub(IGNORE_REACH);
    let start = memchr::memrchr(b'\n', &hay[lo..at]).map_or(lo, |i| lo + i + 1);
    let hi = (at + IGNORE_REACH).min(hay.len());
    let end = memchr::memchr(b'\n', &hay[at..hi]).map_or(hi, |i| at + i);
    let marks = |text: &[u8], next_line: bool| {
        memchr::memmem::find_iter(text, IGNORE)
            .any(|i| text[i + IGNORE.len()..].starts_with(NEXT_LINE) == next_line)
    };
    if marks(&hay[start..end], false) {
        return true;
    }
    // The line before exists only if this one starts after a newline that is in `hay`.
    if start == 0 || hay[start - 1] != b'\n' {
        return false;
    }
    let prev_end = start - 1;
    let lo = prev_end.saturating_sub(IGNORE_REACH);
    let prev_start = memchr::memrchr(b'\n', &hay[lo..prev_end]).map_or(lo, |i| lo + i + 1);
    marks(&hay[prev_start..prev_end], true)
}

/// Whether `cprscan:ignore` occurs in the part of `hay` that [`ignored_inline`] reads for any
/// start in `report`: from two reaches (the line before) ahead of it to one reach after it.
fn markers_near(hay: &[u8], report: &Range<usize>) -> bool {
    let lo = report.start.saturating_sub(2 * IGNORE_REACH + 1);
    let hi = report.end.saturating_add(IGNORE_REACH).min(hay.len());
    lo < hi && memchr::memmem::find(&hay[lo..hi], IGNORE).is_some()
}

/// Appends `bytes` as text with control characters escaped (`\t`, `\u{1b}`) and invalid UTF-8
/// replaced, so a snippet cannot drive a terminal or break a JSON consumer.
fn push_escaped(out: &mut String, bytes: &[u8]) {
    for c in String::from_utf8_lossy(bytes).chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
}

/// A conservative first test of a digit run, built from the enabled kinds: it admits every run
/// some enabled validator could accept, judging only by the run's length, its first digit and
/// a few bytes around it. Each rule copies the first rejections of the validator it stands for;
/// [`Scanner::digit_run_slow`] then applies them per kind. Every entry is a set of run lengths
/// (bit `n`, bit 31 for 31 or more), and the rules are folded into two tables indexed by the
/// bytes around the run, so the test is three lookups and one branch: most runs fail it, and a
/// branch per rule would be mispredicted on every other run.
#[derive(Clone, Debug)]
struct Gate {
    /// Lengths admitted whatever surrounds them.
    any: u32,
    /// Indexed by [`Gate::after`]: what the byte after the run, the class of its first digits
    /// and how many digits follow the next byte admit.
    after: Box<[u32; 4096]>,
    /// Indexed by [`Gate::before`]: what the byte before the run admits, whether the two bytes
    /// before it are capital letters and whether the run starts with `0`.
    before: Box<[u32; 1024]>,
    /// Which runs of a block reach the tables at all, derived from them.
    prefilter: Prefilter,
}

/// The set of the run lengths `lens`.
fn lengths(lens: &[usize]) -> u32 {
    lens.iter().fold(0, |m, &l| m | 1 << l)
}

impl Gate {
    /// The run starts with `00` (as `0045` does).
    const ZERO: usize = 0;
    /// The first digit is `1`, or `0` and the second is not.
    const ONE: usize = 1;
    /// The first digit is `2`..`9`.
    const HIGH: usize = 2;

    /// Fewer than two digits follow the byte after the run.
    const NO_GROUP: usize = 0;
    /// Two or three digits follow it (`12 34`, the pairs of a phone number).
    const PAIR: usize = 1;
    /// Four digits or more follow it (a card's or bank account's second group; a date's
    /// `2024-03-01` has none).
    const GROUP: usize = 2;

    /// The index into `after`: `next` is the byte after the run, `class` the class of its
    /// first digits, `level` how many digits follow `next` ([`Gate::NO_GROUP`],
    /// [`Gate::PAIR`] or [`Gate::GROUP`]).
    #[inline(always)]
    fn after(next: u8, class: usize, level: usize) -> usize {
        // Masked to the table's size, so indexing needs no bounds check.
        ((class << 10) | (level << 8) | usize::from(next)) & 4095
    }

    /// The index into `before`: `prev` is the byte before the run, `letters` whether it and the
    /// byte before it are capital letters, `zero` whether the run starts with `0`.
    #[inline(always)]
    fn before(prev: u8, letters: bool, zero: bool) -> usize {
        ((usize::from(zero) << 9) | (usize::from(letters) << 8) | usize::from(prev)) & 1023
    }

    /// The class of a run whose first two bytes are `first` and `second` (a digit or the byte
    /// after a one-digit run).
    #[inline(always)]
    fn class(first: u8, second: u8) -> usize {
        usize::from(first >= b'1' || second != b'0') + usize::from(first >= b'2')
    }

    /// The level of `four`, the four bytes after the byte after a run: tested as one number,
    /// a byte at a time without a branch. Bit 7 of a byte of `high` is set when the byte is no
    /// digit: its xor with `0` is 10 or more (the sum with 0x76 reaches bit 7; the bytes are
    /// masked to seven bits first, so no sum carries into the next byte) or has bit 7 set.
    #[inline(always)]
    fn level(four: [u8; 4]) -> usize {
        let t = u32::from_le_bytes(four) ^ 0x3030_3030;
        let high = (((t & 0x7F7F_7F7F) + 0x7676_7676) | t) & 0x8080_8080;
        usize::from(high & 0x8080 == 0) + usize::from(high == 0)
    }

    fn new(kinds: KindSet) -> Gate {
        let mut g = Gate {
            any: 0,
            after: Box::new([0; 4096]),
            before: Box::new([0; 1024]),
            prefilter: Prefilter::off(),
        };
        let on = |kind: Kind, lens: &[usize]| {
            if kinds.contains(kind) {
                lengths(lens)
            } else {
                0
            }
        };
        let classes = [Gate::ZERO, Gate::ONE, Gate::HIGH];
        // Admits `lens` after each byte of `next` (every byte if `None`), for the first-digit
        // classes `class`, when at least `level` digits follow that byte.
        let mut add_after = |next: Option<&[u8]>, class: &[usize], level: usize, lens: u32| {
            let all: Vec<u8> = (0..=255).collect();
            for &b in next.unwrap_or(&all) {
                for &c in class {
                    for lv in level..=Gate::GROUP {
                        g.after[Gate::after(b, c, lv)] |= lens;
                    }
                }
            }
        };
        let any = Gate::NO_GROUP;
        // What `cpr::separator_len` accepts first.
        let separators: &[u8] = b"- \t/.\xC2\xE2";
        let upper: Vec<u8> = (b'A'..=b'Z').collect();

        let mut lens_any = on(Kind::Cpr, &[10]);
        add_after(Some(separators), &classes, any, on(Kind::Cpr, &[6]));

        lens_any |= on(Kind::CprSubstitute, &[10]);
        add_after(
            Some(separators),
            &classes,
            any,
            on(Kind::CprSubstitute, &[6]),
        );
        // An eCPR's seventh digit is followed by two capital letters.
        add_after(Some(&upper), &classes, any, on(Kind::CprSubstitute, &[7]));

        lens_any |= on(Kind::Card, &[13, 14, 15, 16, 17, 18, 19]);
        // Grouped: every layout's second group has 4 or 6 digits.
        add_after(Some(b" -"), &classes, Gate::GROUP, on(Kind::Card, &[4]));

        lens_any |= on(Kind::Cvr, &[8]);

        // `0045…` up to 15 digits.
        let zero_lens: Vec<usize> = (4..=15).collect();
        add_after(None, &[Gate::ZERO], any, on(Kind::Phone, &zero_lens));
        // A bare number starts with 2-9: `12345678`, `1234 5678`, `12 34 56 78` (groups after
        // one space: a pair then pairs, four then four; after a no-break space, whose second
        // byte hides the digits from the level, any).
        add_after(None, &[Gate::HIGH], any, on(Kind::Phone, &[8]));
        add_after(Some(b" "), &[Gate::HIGH], Gate::PAIR, on(Kind::Phone, &[2]));
        add_after(
            Some(b" "),
            &[Gate::HIGH],
            Gate::GROUP,
            on(Kind::Phone, &[4]),
        );
        add_after(Some(b"\xC2"), &[Gate::HIGH], any, on(Kind::Phone, &[2, 4]));

        // Reg.nr, separator, then an account of 6 to 10 digits.
        add_after(
            Some(b"- /"),
            &classes,
            Gate::GROUP,
            on(Kind::BankAccount, &[4]),
        );
        // An account after its label (`Reg.nr. 1234 Kontonr. 0012345678`).
        lens_any |= on(Kind::BankAccount, &[6, 7, 8, 9, 10]);
        lens_any |= on(Kind::Passport, &[9]);
        lens_any |= on(Kind::DrivingLicence, &[8]);
        add_after(Some(b"."), &classes, any, on(Kind::Ip, &[1, 2, 3]));

        // `+CC…`: a run of up to 15 digits after a `+`; no country code starts with 0 (a time
        // zone's `+0100` is none).
        let plus_lens: Vec<usize> = (1..=15).collect();
        let plus = on(Kind::Phone, &plus_lens);
        g.before[Gate::before(b'+', false, false)] |= plus;
        g.before[Gate::before(b'+', true, false)] |= plus;
        if kinds.contains(Kind::Iban) {
            for b in b'A'..=b'Z' {
                for zero in [false, true] {
                    g.before[Gate::before(b, true, zero)] |= !0 << 2;
                }
            }
        }
        g.any = lens_any;
        g.prefilter = g.derive_prefilter();
        g
    }

    /// The [`Prefilter`] that offers every run these tables could admit: runs of
    /// [`crate::prefilter::LONG`] digits or more; shorter ones only after the bytes the tables name
    /// for short lengths, before the bytes they name, or starting with a `0` when the tables
    /// admit such runs after any byte. Off when a short length is admitted in a way those sets
    /// cannot say (whatever the bytes around, or after any byte for a first digit other than 0).
    fn derive_prefilter(&self) -> Prefilter {
        if self.any & SHORT_LENS != 0 {
            return Prefilter::off();
        }
        let non_digits = || (0..=255u8).filter(|&b| !is_digit(b));
        // What a byte after a run admits for a first-digit class, whatever the level.
        let after = |b: u8, class: usize| {
            (Gate::NO_GROUP..=Gate::GROUP)
                .fold(0, |m, lv| m | self.after[Gate::after(b, class, lv)])
                & SHORT_LENS
        };
        let classes = [Gate::ZERO, Gate::ONE, Gate::HIGH];
        // Short lengths admitted after every byte, per class.
        let everywhere = classes.map(|c| non_digits().fold(SHORT_LENS, |m, b| m & after(b, c)));
        if everywhere[Gate::ONE] != 0 || everywhere[Gate::HIGH] != 0 {
            return Prefilter::off();
        }
        let zero_min = match everywhere[Gate::ZERO] {
            0 => 0,
            lens => lens.trailing_zeros() as usize,
        };
        // What the rule for a leading `00` already offers: every length from `zero_min` on.
        let by_zero = if zero_min == 0 { 0 } else { !0u32 << zero_min };
        let mut next = Vec::new();
        let mut next_lens = 0;
        for b in non_digits() {
            let lens = classes
                .iter()
                .map(|&c| after(b, c) & if c == Gate::ZERO { !by_zero } else { !0 })
                .fold(0, |m, l| m | l);
            if lens != 0 {
                next.push(b);
                next_lens |= lens;
            }
        }
        let before = |b: u8, letters: bool, zero: bool| {
            self.before[Gate::before(b, letters, zero)] & SHORT_LENS
        };
        let either = |b: u8, letters: bool| before(b, letters, false) | before(b, letters, true);
        let prev: Vec<u8> = non_digits().filter(|&b| either(b, false) != 0).collect();
        let prev_nonzero = prev.iter().all(|&b| before(b, false, true) == 0);
        // The table is read with `letters` set only when the byte before is a capital.
        let letters = (b'A'..=b'Z').any(|b| either(b, true) & !either(b, false) != 0);
        Prefilter::new(next, next_lens, prev, prev_nonzero, letters, zero_min)
    }

    /// Whether the run `hay[start..end]` may be a candidate of some enabled kind.
    #[cfg(test)]
    fn admits(&self, hay: &[u8], start: usize, end: usize) -> bool {
        self.admits_inside(hay, start, end)
            .unwrap_or_else(|| self.admits_at_edge(hay, start, end))
    }

    /// [`Gate::admits`] for a run with two bytes before it and five after it in `hay`, as
    /// nearly every run has; `None` for the others. Reads them as two short slices, one bounds
    /// check each.
    #[inline(always)]
    fn admits_inside(&self, hay: &[u8], start: usize, end: usize) -> Option<bool> {
        let around = hay.get(start.checked_sub(2)?..start + 2)?;
        let after = hay.get(end..end + 5)?;
        let [prev2, prev, first, second] = [around[0], around[1], around[2], around[3]];
        let class = Gate::class(first, second);
        let letters = prev.is_ascii_uppercase() & prev2.is_ascii_uppercase();
        let level = Gate::level([after[1], after[2], after[3], after[4]]);
        let lens = self.any
            | self.after[Gate::after(after[0], class, level)]
            | self.before[Gate::before(prev, letters, first == b'0')];
        Some(lens & 1 << (end - start).min(31) != 0)
    }

    /// [`Gate::admits`] for a run within two bytes of the start of `hay` or five of its end.
    #[cold]
    fn admits_at_edge(&self, hay: &[u8], start: usize, end: usize) -> bool {
        let at = |i: usize| hay.get(i).copied().unwrap_or(0);
        let first = hay[start];
        let class = Gate::class(first, at(start + 1));
        let (prev, prev2) = match start {
            0 => (0, 0),
            1 => (hay[0], 0),
            _ => (hay[start - 1], hay[start - 2]),
        };
        let letters = prev.is_ascii_uppercase() & prev2.is_ascii_uppercase();
        let lens = self.any
            | self.after[Gate::after(
                at(end),
                class,
                Gate::level(std::array::from_fn(|k| at(end + 1 + k))),
            )]
            | self.before[Gate::before(prev, letters, first == b'0')];
        lens & 1 << (end - start).min(31) != 0
    }
}

/// If a separator follows at `at` and then exactly four digits, the position of those digits.
#[inline]
fn serial_after_separator(hay: &[u8], at: usize) -> Option<usize> {
    let serial = at + cpr::separator_len(hay, at)?;
    let run_end = find_class(hay, serial, false);
    (run_end - serial == 4).then_some(serial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digits::for_each_run;
    use crate::finding::Reason;

    fn scanner() -> Scanner {
        ScannerBuilder::new()
            .min_confidence(Confidence::Low)
            .today(Date::new(2026, 11, 23).unwrap())
            .build()
    }

    /// A CPR number for `ddmmyy` + `serial3` that passes modulus 11.
    fn valid(ddmmyy: &str, serial3: &str) -> String {
        (0..10)
            .map(|c| format!("{ddmmyy}{serial3}{c}"))
            .find(|s| cpr::mod11_ok(&cpr::digit_values(s.as_bytes()).unwrap()))
            .unwrap()
    }

    fn spans(text: &str) -> Vec<(usize, usize, Confidence)> {
        scanner()
            .scan_all(text.as_bytes())
            .iter()
            .map(|f| (f.offset as usize, f.len as usize, f.confidence))
            .collect()
    }

    fn dashed(n: &str) -> String {
        format!("{}-{}", &n[..6], &n[6..])
    }

    #[test]
    fn plain_ten_digits_are_found() {
        let n = valid("010190", "123");
        assert_eq!(spans(&format!("x {n} y")), [(2, 10, Confidence::Medium)]);
    }

    #[test]
    fn every_separator_is_accepted_and_kept_in_span() {
        let n = valid("010190", "123");
        let seps = [
            "-", " ", "\t", "/", ".", " - ", "\u{2010}", "\u{2011}", "\u{2013}", "\u{2212}",
            "\u{a0}",
        ];
        for sep in seps {
            let text = format!("{}{sep}{}", &n[..6], &n[6..]);
            let found = scanner().scan_all(text.as_bytes());
            assert_eq!(found.len(), 1, "separator {sep:?}");
            assert_eq!(found[0].len as usize, text.len(), "separator {sep:?}");
            assert!(found[0].reasons.contains(&Reason::Separator));
            assert_eq!(found[0].confidence, Confidence::High, "separator {sep:?}");
        }
    }

    #[test]
    fn unlisted_separators_are_not_accepted() {
        let n = valid("010190", "123");
        for sep in ["_", ":", "--", "  ", "\u{2014}"] {
            let text = format!("{}{sep}{}", &n[..6], &n[6..]);
            assert!(spans(&text).is_empty(), "separator {sep:?}");
        }
    }

    #[test]
    fn touching_letters_or_digits_reject_the_candidate() {
        let n = valid("010190", "123");
        let d = dashed(&n);
        for text in [
            format!("A{n}"),
            format!("{n}b"),
            format!("12{n}34"),
            format!("1{n}"),
            format!("{n}9"),
            format!("x{d}"),
            format!("{d}z"),
            format!("{d}5"),
            format!("7{d}"),
        ] {
            assert!(spans(&text).is_empty(), "{text:?} must not match");
        }
    }

    #[test]
    fn punctuation_around_the_candidate_is_normal() {
        let n = valid("010190", "123");
        let d = dashed(&n);
        for text in [
            format!("({n})"),
            format!("cpr:{n}"),
            format!("\"cpr\":\"{d}\""),
            format!("a;{n};b"),
            format!("<td>{d}</td>"),
        ] {
            assert_eq!(spans(&text).len(), 1, "{text:?} must match");
        }
    }

    #[test]
    fn regression_separated_number_after_parenthesis_or_colon_is_found() {
        let d = dashed(&valid("241287", "456"));
        assert_eq!(spans(&format!("({d})")).len(), 1);
        assert_eq!(spans(&format!("cpr:{d}")).len(), 1);
    }

    #[test]
    fn invalid_dates_are_not_findings() {
        assert!(spans("3213901234").is_empty());
        assert!(spans("290200-0000").is_empty());
    }

    #[test]
    fn future_date_is_not_a_finding() {
        let n = valid("241126", "400"); // 24 Nov 2026, the day after the injected today
        assert!(spans(&n).is_empty());
        let later = ScannerBuilder::new()
            .today(Date::new(2027, 1, 1).unwrap())
            .build();
        assert_eq!(later.scan_all(n.as_bytes()).len(), 1);
    }

    #[test]
    fn other_run_lengths_are_not_candidates() {
        assert!(spans("010190123").is_empty());
        assert!(spans("01019012345").is_empty());
        assert!(spans("010190-12345").is_empty());
        assert!(spans("010190-123").is_empty());
        assert!(spans("0101901-1234").is_empty());
    }

    #[test]
    fn min_confidence_filters_low_findings() {
        let n = valid("010190", "123");
        let text = format!("faktura {n}");
        assert_eq!(spans(&text), [(8, 10, Confidence::Low)]);
        assert!(Scanner::default().scan_all(text.as_bytes()).is_empty());
    }

    #[test]
    fn reported_range_limits_starts_but_context_reaches_outside() {
        let n = valid("010190", "123");
        let text = format!("cpr {n} and {n}");
        let mut out = Vec::new();
        scanner().scan(text.as_bytes(), 4..5, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].offset, 4);
        assert_eq!(
            out[0].confidence,
            Confidence::High,
            "context before range counts"
        );
    }

    #[test]
    fn run_started_before_range_is_not_reported_from_its_middle() {
        let text = format!("12345{}", valid("010190", "123"));
        let mut out = Vec::new();
        scanner().scan(text.as_bytes(), 5..text.len(), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn context_snippet_masks_every_detected_span_and_stays_on_the_line() {
        let n = valid("010190", "123");
        let other = dashed(&valid("241287", "456"));
        let text = format!("prev line {n}\ncpr {n};\tnavn;{other}\nnext {n}");
        let scanner = ScannerBuilder::new()
            .today(Date::new(2026, 11, 23).unwrap())
            .context(40)
            .build();
        let found = scanner.scan_all(text.as_bytes());
        let snippet = found[1].context.as_deref().unwrap();
        assert_eq!(snippet, "cpr 010190****;\\tnavn;241287-****");
        assert!(!snippet.contains(&n[6..]), "{snippet}");
        assert!(!snippet.contains("prev") && !snippet.contains("next"));
    }

    #[test]
    fn context_snippet_masks_spans_cut_by_its_edge() {
        let n = valid("010190", "123");
        let text = format!("{n} xx cpr {n}");
        let scanner = ScannerBuilder::new()
            .today(Date::new(2026, 11, 23).unwrap())
            .context(9)
            .build();
        let found = scanner.scan_all(text.as_bytes());
        let snippet = found[1].context.as_deref().unwrap();
        assert!(!snippet.contains(&n[6..]), "{snippet}");
        assert!(snippet.ends_with("cpr 010190****"), "{snippet}");
    }

    /// Scanning in two ranges, split anywhere, reports exactly what one scan reports.
    fn assert_split_invariant(hay: &[u8], scanner: &Scanner) {
        let whole = scanner.scan_all(hay);
        for split in 0..=hay.len() {
            let mut parts = Vec::new();
            scanner.scan(hay, 0..split, &mut parts);
            scanner.scan(hay, split..hay.len(), &mut parts);
            assert_eq!(parts, whole, "split at {split}");
        }
    }

    #[test]
    fn regression_fuzz_overlapping_kinds_at_a_split_are_reported_once() {
        // Found by the `scan` fuzz target in CI: a phone (+298 ...) and CPR candidates overlap
        // around byte 70, and each side of the split resolved them differently.
        let hay = include_bytes!("../testdata/regressions/fuzz-scan-split-overlap.bin");
        for kinds in [
            KindSet::EMPTY.with(Kind::Cpr),
            KindSet::defaults(),
            KindSet::all(),
        ] {
            let scanner = ScannerBuilder::new()
                .min_confidence(Confidence::Low)
                .today(Date::new(2026, 11, 23).unwrap())
                .kinds(kinds)
                .build();
            assert_split_invariant(hay, &scanner);
        }
    }

    /// Every digit-anchored candidate, found by offering every run to every enabled validator
    /// with no gate, as the scanner did before [`Gate`].
    fn ungated(scanner: &Scanner, hay: &[u8]) -> Vec<(Kind, usize, usize, Confidence)> {
        let mut cands = Vec::new();
        for_each_run(hay, 0, hay.len(), |start, end| {
            let c = &scanner.contexts;
            if scanner.kinds.contains(Kind::Cpr) {
                match end - start {
                    10 => scanner.cpr_candidate(hay, start, end, None, &mut cands),
                    6 => {
                        if let Some(serial) = serial_after_separator(hay, end) {
                            scanner.cpr_candidate(hay, start, end, Some(serial), &mut cands);
                        }
                    }
                    _ => {}
                }
            }
            if let Some(ctx) = &c.substitute {
                let lookup = |s: usize, e: usize| ctx.nearby(hay, s, e);
                if let Some(m) = substitute::at_digit_run(hay, start, end, scanner.today, &lookup) {
                    cands.push(Candidate {
                        kind: Kind::CprSubstitute,
                        m,
                        rule: None,
                    });
                }
            }
            let all: [(Kind, &Option<ContextMatcher>, kinds::DigitFn); 8] = [
                (Kind::Iban, &c.iban, kinds::iban::at_digit_run),
                (Kind::Card, &c.card, kinds::card::at_digit_run),
                (Kind::Cvr, &c.cvr, kinds::cvr::at_digit_run),
                (Kind::Phone, &c.phone, kinds::phone::at_digit_run),
                (Kind::BankAccount, &c.bank, contextual::bank_account_at),
                (Kind::Passport, &c.passport, contextual::passport_at),
                (Kind::DrivingLicence, &c.licence, contextual::licence_at),
                (Kind::Ip, &c.ip, kinds::ip::ipv4_at),
            ];
            for (kind, ctx, find) in all {
                if let Some(ctx) = ctx {
                    let lookup = |s: usize, e: usize| ctx.nearby(hay, s, e);
                    if let Some(m) = find(hay, start, end, &lookup) {
                        cands.push(Candidate {
                            kind,
                            m,
                            rule: None,
                        });
                    }
                }
            }
        });
        cands
            .iter()
            .map(|c| (c.kind, c.m.start, c.m.end, c.m.confidence))
            .collect()
    }

    #[test]
    fn a_long_range_scanned_in_pieces_reports_what_one_piece_does() {
        // Lines with numbers of several kinds, some of them across the piece boundaries.
        let n = dashed(&valid("010190", "123"));
        let line = format!("cpr {n}; tlf +45 12 34 56 78; kunde@firma.dk; DK5000400440116243\n");
        let mut hay = Vec::new();
        let mut pad = 0;
        while hay.len() < 3 * SCAN_PIECE + 1000 {
            hay.extend_from_slice(line.as_bytes());
            hay.extend(std::iter::repeat_n(b'x', pad % 7));
            pad += 1;
        }
        let s = scanner();
        for range in [
            0..hay.len(),
            5..hay.len() - 3,
            SCAN_PIECE - 17..2 * SCAN_PIECE + 9,
        ] {
            let (mut pieces, mut whole) = (Vec::new(), Vec::new());
            s.scan(&hay, range.clone(), &mut pieces);
            s.scan_piece(&hay, range, &mut whole);
            assert!(!whole.is_empty());
            assert_eq!(pieces, whole);
        }
    }

    #[test]
    fn gate_level_counts_the_digits_after_the_separator_for_every_byte() {
        // Every byte at every one of the four places, the others digits or not.
        for b in 0..=255u8 {
            for place in 0..4 {
                for fill in [b'7', b'x'] {
                    let mut four = [fill; 4];
                    four[place] = b;
                    let d: Vec<bool> = four.iter().map(|&c| c.is_ascii_digit()).collect();
                    let expected = usize::from(d[0] && d[1]) + usize::from(d.iter().all(|&x| x));
                    assert_eq!(Gate::level(four), expected, "{four:?}");
                }
            }
        }
    }

    #[test]
    fn gate_with_one_bounds_check_agrees_with_the_checked_gate() {
        // Digits, separators, capitals and the bytes the gate's rules name, at random.
        let pool = b"0123456789012345 -./+DKXab\xc2\xe2\n";
        let mut rng = crate::testgen::Rng(0xdead_beef_cafe_f00d);
        for kinds in [KindSet::defaults(), KindSet::all()] {
            let gate = Gate::new(kinds);
            for _ in 0..300 {
                let hay = rng.bytes(pool, 200);
                for_each_run(&hay, 0, hay.len(), |start, end| {
                    assert_eq!(
                        gate.admits(&hay, start, end),
                        gate.admits_at_edge(&hay, start, end),
                        "{start}..{end} in {hay:?}"
                    );
                });
            }
        }
    }

    #[test]
    fn the_block_prefilter_offers_every_run_the_gate_admits_for_every_kind_set() {
        // Digits, separators, capitals and the bytes the gate's rules name, at random.
        let pool = b"00123456789 -./+DKXab\xc2\xe2\n\t(";
        let mut rng = crate::testgen::Rng(0x0123_4567_89ab_cdef);
        let mut sets = vec![KindSet::defaults(), KindSet::all()];
        sets.extend(Kind::ALL.iter().map(|&k| KindSet::EMPTY.with(k)));
        for kinds in sets {
            let gate = Gate::new(kinds);
            for _ in 0..100 {
                let hay = rng.bytes(pool, 300);
                let mut offered = Vec::new();
                for_each_offered_run(&hay, 0, hay.len(), &gate.prefilter, |s, e| {
                    offered.push((s, e))
                });
                for_each_run(&hay, 0, hay.len(), |start, end| {
                    if gate.admits(&hay, start, end) {
                        assert!(
                            offered.contains(&(start, end)),
                            "{kinds:?}: {start}..{end} in {:?}",
                            String::from_utf8_lossy(&hay)
                        );
                    }
                });
            }
        }
        // The defaults' filter is on: it is what makes logs fast.
        assert!(Gate::new(KindSet::defaults()).prefilter.on);
    }

    #[test]
    fn the_run_gate_admits_every_run_a_validator_accepts() {
        // Pieces every kind accepts in some layout, and near misses, glued by separators that
        // make some runs touch: the gate must not lose one candidate.
        let pieces = [
            dashed(&valid("010190", "123")),
            valid("241287", "456"),
            format!("{} - {}", "311299", "9873"),
            "010190\u{2011}1238".to_string(),
            "010190\u{a0}1238".to_string(),
            "0203291WQ3".into(),
            "020329-1WQ3".into(),
            "610190-1234".into(),
            "DK5000400440116243".into(),
            "DK50 0040 0440 1162 43".into(),
            "GB82WEST12345698765432".into(),
            "4571 0101 9012 3455".into(),
            "4571-0101-9012-3455".into(),
            "5200 0000 0000 0007".into(),
            "4571010190123455".into(),
            "+45 12 34 56 78".into(),
            "+4512345678".into(),
            "(+45) 1234 5678".into(),
            "0045 12345678".into(),
            "004512345678".into(),
            "+1 212 555 0100".into(),
            "+298 123456".into(),
            "tlf 12 34 56 78".into(),
            "telefon 1234 5678".into(),
            "mobil 22\u{a0}33 44 55".into(),
            "tlf. 23456789".into(),
            "tlf 23 45 67 89".into(),
            "telefon 2345 6789".into(),
            "ring 23\u{a0}45\u{a0}67\u{a0}89".into(),
            "[01/Mar/2024:00:00:00 +0100]".into(),
            "+0045 12345678".into(),
            "CVR 12345674".into(),
            "DK12345674".into(),
            "reg.nr 1234-1234567890".into(),
            "konto 1234 123456".into(),
            "pas 123456789".into(),
            "kørekort 12345678".into(),
            "10.217.122.138".into(),
            "2024-03-01 00:00:00.013".into(),
            "cpr".into(),
            "x".into(),
        ];
        let glue = [
            " ", "-", "", ".", "/", ";", "\n", "+", "(", ")", "\t", ":", "DK", "\u{a0}",
        ];
        let mut rng = crate::testgen::Rng(0x9E37_79B9_7F4A_7C15);
        let mut next = |n: usize| (rng.next() % n as u64) as usize;
        let mut text = String::new();
        for _ in 0..3000 {
            text.push_str(&pieces[next(pieces.len())]);
            text.push_str(glue[next(glue.len())]);
        }
        let hay = text.as_bytes();
        for kinds in [KindSet::defaults(), KindSet::all()] {
            let scanner = ScannerBuilder::new()
                .min_confidence(Confidence::Low)
                .today(Date::new(2026, 11, 23).unwrap())
                .kinds(kinds)
                .build();
            let mut gated = Vec::new();
            scanner.digit_pass(hay, 0, hay.len(), &mut gated);
            let gated: Vec<_> = gated
                .iter()
                .map(|c| (c.kind, c.m.start, c.m.end, c.m.confidence))
                .collect();
            let mut expected = ungated(&scanner, hay);
            let mut got = gated;
            expected.sort();
            got.sort();
            assert!(
                expected.len() > 500,
                "the text has candidates: {}",
                expected.len()
            );
            assert_eq!(got, expected, "kinds {kinds:?}");
        }
    }

    #[test]
    fn a_positive_word_nearer_than_a_negative_one_labels_the_number() {
        // A customer's personnummer is a personnummer: `kunde` is farther than the label.
        let n = dashed(&valid("150385", "123"));
        assert_eq!(
            spans(&format!("Kunde personnummer: {n}")),
            vec![(20, 11, Confidence::High)]
        );
        // A customer number stays low when `kunde` is the nearer word.
        let n = valid("150385", "123");
        assert_eq!(
            spans(&format!("cpr-opslag, kundenr {n}")),
            vec![(20, 10, Confidence::Low)]
        );
    }

    #[test]
    fn a_candidate_is_not_lost_to_one_that_lost_itself() {
        // The bank account `5018 0101585018` overlaps both CPR numbers and loses to the second
        // (higher confidence); the first overlaps only the loser and is reported.
        let scanner = ScannerBuilder::new()
            .min_confidence(Confidence::Low)
            .today(today())
            .kinds(KindSet::all())
            .build();
        let text = format!("konto {} 010158-5018 0101585018 ", "x".repeat(48));
        let found: Vec<_> = scanner
            .scan_all(text.as_bytes())
            .iter()
            .map(|f| (f.kind, f.offset))
            .collect();
        assert_eq!(found, [(Kind::Cpr, 55), (Kind::Cpr, 67)]);
    }

    #[test]
    fn many_numbers_in_a_csv_row_are_each_found() {
        let a = valid("010190", "123");
        let b = dashed(&valid("311299", "987"));
        let text = format!("id;{a};2100;12345678;{b}\n");
        assert_eq!(spans(&text).len(), 2);
    }

    fn custom(id: &str, regex: &str, confidence: Confidence) -> crate::rules::RuleSpec {
        crate::rules::RuleSpec {
            id: id.into(),
            kind: id.into(),
            regex: regex.into(),
            keywords: vec![],
            confidence,
            validate: None,
            allow_words: vec![],
        }
    }

    fn today() -> Date {
        Date::new(2026, 11, 23).unwrap()
    }

    #[test]
    fn per_kind_minimum_overrides_the_overall_one() {
        let n = valid("010190", "123");
        let text = format!("{n} +45 20 30 40 50");
        let scanner = ScannerBuilder::new()
            .today(today())
            .min_confidence_for(Kind::Cpr, Confidence::High)
            .build();
        let kinds: Vec<Kind> = scanner
            .scan_all(text.as_bytes())
            .iter()
            .map(|f| f.kind)
            .collect();
        assert_eq!(
            kinds,
            [Kind::Phone],
            "a medium CPR number is below cpr's high"
        );
    }

    #[test]
    fn extra_context_word_raises_a_kind_like_its_own_words() {
        let n = valid("010190", "123");
        let text = format!("medlemsnr {n}");
        let plain = ScannerBuilder::new().today(today()).build();
        assert_eq!(
            plain.scan_all(text.as_bytes())[0].confidence,
            Confidence::Medium
        );
        let with_word = ScannerBuilder::new()
            .today(today())
            .context_word(Kind::Cpr, pos("medlemsnr", true))
            .build();
        let found = with_word.scan_all(text.as_bytes());
        assert_eq!(found[0].confidence, Confidence::High);
        assert!(found[0].reasons.contains(&Reason::Context("medlemsnr")));
    }

    #[test]
    fn allow_word_near_a_finding_suppresses_only_that_kind() {
        let n = dashed(&valid("010190", "123"));
        let text = format!("testperson {n} +45 20 30 40 50");
        let scanner = ScannerBuilder::new()
            .today(today())
            .allow_word(Kind::Cpr, "testperson")
            .build();
        let kinds: Vec<Kind> = scanner
            .scan_all(text.as_bytes())
            .iter()
            .map(|f| f.kind)
            .collect();
        assert_eq!(kinds, [Kind::Phone]);
    }

    #[test]
    fn allowlisted_value_is_not_reported_nor_re_reported_as_another_kind() {
        let n = valid("010190", "123");
        let text = format!("cpr {n}, cpr {}", valid("241287", "456"));
        let allow = AllowValues::new(&[dashed(&n)], &[], None).unwrap();
        let scanner = ScannerBuilder::new()
            .today(today())
            .kinds(KindSet::all())
            .min_confidence(Confidence::Low)
            .allow_values(allow)
            .build();
        let found = scanner.scan_all(text.as_bytes());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, Kind::Cpr);
        assert_eq!(found[0].offset as usize, text.rfind("2412").unwrap());
    }

    #[test]
    fn custom_rule_finds_an_in_house_identifier_and_names_its_rule() {
        let rules =
            CustomRules::compile(&[custom("employee-id", r"\bEMP-\d{6}\b", Confidence::High)])
                .unwrap();
        let scanner = ScannerBuilder::new().today(today()).rules(rules).build();
        let found = scanner.scan_all(b"owner: EMP-123456\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, Kind::Custom);
        assert_eq!(found[0].kind_name(), "employee-id");
        assert_eq!(found[0].rule.as_ref().unwrap().id, "employee-id");
        assert!(found[0].reasons.contains(&Reason::Rule("rule:employee-id")));
        assert_eq!(found[0].masked(), "***-******");
    }

    #[test]
    fn custom_rules_are_off_when_the_custom_kind_is_not_chosen() {
        let rules = CustomRules::compile(&[custom("e", r"EMP-\d{6}", Confidence::High)]).unwrap();
        let scanner = ScannerBuilder::new()
            .today(today())
            .kinds(KindSet::defaults().without(Kind::Custom))
            .rules(rules)
            .build();
        assert!(scanner.scan_all(b"EMP-123456").is_empty());
    }

    #[test]
    fn built_in_kind_beats_a_custom_rule_of_equal_confidence_on_the_same_span() {
        let n = valid("010190", "123");
        let rules =
            CustomRules::compile(&[custom("ten", r"\b\d{10}\b", Confidence::Medium)]).unwrap();
        let scanner = ScannerBuilder::new().today(today()).rules(rules).build();
        let found = scanner.scan_all(n.as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, Kind::Cpr);
        let other = scanner.scan_all(b"9999999999");
        assert_eq!(other[0].kind_name(), "ten");
    }

    #[test]
    fn custom_rules_keep_the_split_invariant() {
        let rules = CustomRules::compile(&[
            custom("emp", r"\bEMP-\d{6}\b", Confidence::Medium),
            custom("ten", r"\d{10}", Confidence::Low),
        ])
        .unwrap();
        let scanner = ScannerBuilder::new()
            .today(today())
            .min_confidence(Confidence::Low)
            .rules(rules)
            .build();
        let hay = format!(
            "a EMP-123456 b {}\nEMP-654321 {} 12345678901\n",
            valid("010190", "123"),
            dashed(&valid("241287", "456"))
        );
        assert_split_invariant(hay.as_bytes(), &scanner);
    }

    fn inline(text: &str) -> Vec<(usize, Option<Suppression>)> {
        ScannerBuilder::new()
            .today(today())
            .inline_ignore(true)
            .build()
            .scan_all(text.as_bytes())
            .iter()
            .map(|f| (f.line_of(text), f.suppressed))
            .collect()
    }

    trait LineOf {
        fn line_of(&self, text: &str) -> usize;
    }

    impl LineOf for Finding {
        fn line_of(&self, text: &str) -> usize {
            text[..self.offset as usize].matches('\n').count() + 1
        }
    }

    #[test]
    fn inline_marker_in_any_comment_syntax_suppresses_its_line_only() {
        let n = dashed(&valid("010190", "123"));
        for marker in [
            "# cprscan:ignore",
            "// cprscan:ignore",
            "/* cprscan:ignore */",
            "<!-- cprscan:ignore -->",
            "-- cprscan:ignore",
        ] {
            let text = format!("cpr {n} {marker}\ncpr {n}\n");
            assert_eq!(
                inline(&text),
                [(1, Some(Suppression::Inline)), (2, None)],
                "{marker}"
            );
        }
    }

    #[test]
    fn ignore_next_line_suppresses_the_following_line_not_its_own() {
        let n = dashed(&valid("010190", "123"));
        let text = format!("cpr {n} # cprscan:ignore-next-line\ncpr {n}\ncpr {n}\n");
        assert_eq!(
            inline(&text),
            [(1, None), (2, Some(Suppression::Inline)), (3, None)]
        );
    }

    #[test]
    fn markers_are_honoured_where_findings_are_sparse_and_where_they_are_dense() {
        let n = dashed(&valid("010190", "123"));
        let filler = "2024-03-01 00:00:00 INFO nothing to see here\n".repeat(400);
        // Sparse: two findings in ~18 KB, searched around each finding.
        let sparse = format!("{filler}cpr {n} # cprscan:ignore\n{filler}cpr {n}\n");
        let lines: Vec<_> = inline(&sparse).into_iter().map(|(_, s)| s).collect();
        assert_eq!(lines, [Some(Suppression::Inline), None]);
        // Dense: a finding on every line, the range searched first.
        let dense = format!("cpr {n}\n").repeat(50) + &format!("cpr {n} # cprscan:ignore\n");
        let found = inline(&dense);
        assert_eq!(found.len(), 51);
        assert!(found[..50].iter().all(|(_, s)| s.is_none()));
        assert_eq!(found[50], (51, Some(Suppression::Inline)));
    }

    #[test]
    fn markers_are_ignored_when_inline_ignore_is_off() {
        let n = dashed(&valid("010190", "123"));
        let text = format!("cpr {n} # cprscan:ignore\n");
        let found = ScannerBuilder::new()
            .today(today())
            .build()
            .scan_all(text.as_bytes());
        assert_eq!(found[0].suppressed, None);
    }
    #[test]
    fn marker_prefilter_never_hides_a_marker_the_exact_search_sees() {
        // Lines of filler with markers at random places; for every report range, a start the
        // exact search marks as ignored must have a marker in the prefilter's region.
        let mut rng = crate::testgen::Rng(0x9e37_79b9);
        let mut next = move || rng.next();
        for _ in 0..40 {
            let mut hay = Vec::new();
            while hay.len() < 3000 {
                match next() % 40 {
                    0 => hay.extend_from_slice(IGNORE),
                    1 => hay.extend_from_slice(b"cprscan:ignore-next-line"),
                    2..=12 => hay.push(b'\n'),
                    _ => hay.extend(std::iter::repeat_n(b'x', (next() % 120) as usize)),
                }
            }
            for _ in 0..60 {
                let a = (next() as usize) % hay.len();
                let b = (a + (next() as usize) % 700).min(hay.len());
                let near = markers_near(&hay, &(a..b));
                for at in a..b {
                    assert!(near || !ignored_inline(&hay, at), "{a}..{b} at {at}");
                }
            }
        }
    }

    /// A thread's reused candidate vectors ([`Scratch`]) carry nothing from one piece to the
    /// next: a small input scanned after a dense one, after a pathological one whose vectors are
    /// not kept, and inside a scan (a snippet's masking scans again) reports what it reports on a
    /// fresh thread.
    #[test]
    fn reused_scratch_carries_nothing_between_pieces() {
        let a = valid("010190", "123");
        let b = valid("311299", "456");
        let small = format!("cpr-nr {}, tlf. +45 20 30 40 50, a@b.dk\n", dashed(&a));
        let fresh = std::thread::scope(|s| s.spawn(|| spans(&small)).join().unwrap());
        let dense: String = (0..2000)
            .map(|_| format!("{} {};\n", dashed(&a), b))
            .collect();
        let pathological: String = (0..12000).map(|_| format!("{} ", dashed(&b))).collect();
        for before in [dense, pathological] {
            assert!(scanner().scan_all(before.as_bytes()).len() >= 2000);
            assert_eq!(spans(&small), fresh);
        }
        let with_snippets = ScannerBuilder::new()
            .min_confidence(Confidence::Low)
            .today(Date::new(2026, 11, 23).unwrap())
            .context(20)
            .build();
        let found = with_snippets.scan_all(small.as_bytes());
        let got: Vec<_> = found
            .iter()
            .map(|f| (f.offset as usize, f.len as usize, f.confidence))
            .collect();
        assert_eq!(got, fresh);
        assert!(found.iter().all(|f| f.context.is_some()));
    }
}
