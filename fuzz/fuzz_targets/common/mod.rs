//! What both fuzz targets share: the scanners under test.

use std::sync::OnceLock;

use cprscan::rules::{CustomRules, RuleSpec, Validate};
use cprscan::scanner::KindSet;
use cprscan::{Confidence, Date, Kind, Scanner, ScannerBuilder};

/// Scanners at the lowest minimum confidence and a fixed "today", for three kind sets: CPR
/// alone, the default kinds (what users run) and every kind (every validator, and the overlap
/// resolution between all of them).
pub struct Scanners {
    pub cpr: Scanner,
    pub defaults: Scanner,
    pub all: Scanner,
    /// Every kind plus user rules (free and keyword-gated, with each check); used by the
    /// `scan` target only.
    #[allow(dead_code)]
    pub rules: Scanner,
}

pub fn scanners() -> &'static Scanners {
    static SCANNERS: OnceLock<Scanners> = OnceLock::new();
    SCANNERS.get_or_init(|| {
        // Inline markers are honoured, so their look-around is split-checked too.
        let build = |kinds: KindSet| {
            ScannerBuilder::new()
                .min_confidence(Confidence::Low)
                .today(Date::new(2026, 11, 23).expect("a real date"))
                .kinds(kinds)
                .inline_ignore(true)
                .build()
        };
        Scanners {
            cpr: build(KindSet::EMPTY.with(Kind::Cpr)),
            defaults: build(KindSet::defaults()),
            all: build(KindSet::all()),
            rules: {
                let spec = |id: &str, regex: &str, keywords: &[&str], validate| RuleSpec {
                    id: id.into(),
                    kind: id.into(),
                    regex: regex.into(),
                    keywords: keywords.iter().map(|k| k.to_string()).collect(),
                    confidence: Confidence::Medium,
                    validate,
                    allow_words: vec!["test".into()],
                };
                let rules = CustomRules::compile(&[
                    spec("emp", r"\bEMP-\d{6}\b", &["emp"], Some(Validate::Luhn)),
                    spec("ten", r"\b\d{10}\b", &[], Some(Validate::Mod11)),
                    spec("acct", r"[A-Z]{2}\d{2}[A-Z0-9 ]{4,30}", &[], Some(Validate::Mod97)),
                    spec("loose", r"x[^\n]*y", &["xy"], None),
                ])
                .expect("fuzz rules compile");
                ScannerBuilder::new()
                    .min_confidence(Confidence::Low)
                    .today(Date::new(2026, 11, 23).expect("a real date"))
                    .kinds(KindSet::all())
                    .rules(rules)
                    .build()
            },
        }
    })
}
