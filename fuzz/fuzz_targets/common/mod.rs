//! What both fuzz targets share: the scanners under test.

use std::sync::OnceLock;

use cprscan::scanner::KindSet;
use cprscan::{Confidence, Date, Kind, Scanner, ScannerBuilder};

/// Scanners at the lowest minimum confidence and a fixed "today", for three kind sets: CPR
/// alone, the default kinds (what users run) and every kind (every validator, and the overlap
/// resolution between all of them).
pub struct Scanners {
    pub cpr: Scanner,
    pub defaults: Scanner,
    pub all: Scanner,
}

pub fn scanners() -> &'static Scanners {
    static SCANNERS: OnceLock<Scanners> = OnceLock::new();
    SCANNERS.get_or_init(|| {
        let build = |kinds: KindSet| {
            ScannerBuilder::new()
                .min_confidence(Confidence::Low)
                .today(Date::new(2026, 11, 23).expect("a real date"))
                .kinds(kinds)
                .build()
        };
        Scanners {
            cpr: build(KindSet::EMPTY.with(Kind::Cpr)),
            defaults: build(KindSet::defaults()),
            all: build(KindSet::all()),
        }
    })
}
