//! The configuration reader on arbitrary text: it either returns settings or an error naming a
//! line inside the text, never panics; settings it accepts compile and scan without panic.
#![no_main]

use std::path::Path;

use cprscan::config::Settings;
use cprscan::{Confidence, Date, ScannerBuilder};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Settings::parse(Path::new("cprscan.toml"), text) {
        Err(e) => {
            if let Some(line) = e.line {
                assert!(line >= 1 && line <= text.lines().count().max(1) + 1, "{e}");
            }
        }
        Ok(settings) => {
            let mut b = ScannerBuilder::new();
            b.kinds(settings.kinds(None))
                .min_confidence(Confidence::Low)
                .today(Date::new(2026, 11, 23).expect("a real date"));
            settings.apply(&mut b);
            let scanner = b.build();
            let _ = scanner.scan_all(text.as_bytes());
            let _ = scanner.scan_all(b"EMP-123455 cpr 010190-1238 DK50 0040 0440 1162 43\n");
        }
    }
});
