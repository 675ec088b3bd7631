//! `cprscan rules check`: every rule proves itself on its own examples. Each built-in kind
//! carries examples it must find and counter-examples it must not; each user rule brings its
//! own from the configuration file. A team runs this in CI to test its configuration: a
//! regex that stopped matching, or an allow word that hides too much, fails the check.
//!
//! Checks use the configured scanner (per-kind thresholds, context and allow words, user
//! rules) with every kind on and no allowlisted values: an example must be reported as its
//! rule, a counter-example must not. Built-in counter-examples are chosen to be no finding at
//! any confidence, so they hold under any threshold.

use std::path::Path;

use crate::config::{self, Example, Settings};
use crate::finding::{Confidence, Finding, Kind};
use crate::scanner::{KindSet, Scanner, ScannerBuilder};

/// The examples and counter-examples of a built-in kind. Every number is synthetic: check
/// digits computed, dates chosen, no register consulted.
pub fn builtin_examples(kind: Kind) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        Kind::Cpr => (
            &[
                "cpr: 241287-4563",
                "Personnummer 2412874563",
                "CPR-NR 010190-1238",
            ],
            &[
                "320190-1238",
                "24128745630",
                "ref x2412874563",
                "2412.87.4563",
            ],
        ),
        Kind::CprSubstitute => (
            &["erstatningsnummer 610190-1234"],
            &["erstatningsnummer 920290-1234", "erstatningsnummer 610190"],
        ),
        Kind::Email => (
            &["mail jens.hansen@example.dk", "<anna+nyhed@kommune.gov.dk>"],
            &["logo@2x.png", "user@localhost", "a@b"],
        ),
        Kind::Phone => (
            &["ring +45 20 30 40 50", "tlf. 20 30 40 50", "0045 20304050"],
            &["20304050", "order 12345678", "version 2.30.40.50"],
        ),
        Kind::Iban => (
            &["DK50 0040 0440 1162 43", "iban DK5000400440116243"],
            &["DK51 0040 0440 1162 43", "DK50 0040 0440 1162"],
        ),
        Kind::Card => (
            &["kort 4111 1111 1111 1111", "4111-1111-1111-1111"],
            &["4111 1111 1111 1112", "1111 1111 1111 1117"],
        ),
        Kind::Cvr => (
            &["DK12345674", "CVR-nr. 12345674"],
            &["CVR 12345675", "DK1234567"],
        ),
        Kind::BankAccount => (&["kontonr. 1234 0012345678"], &["1234 0012345678"]),
        Kind::Passport => (&["pasnummer 123456789"], &["123456789"]),
        Kind::DrivingLicence => (&["kørekort 12345678"], &["87654321"]),
        Kind::Ip => (
            &["login from 85.191.10.20", "client 2a00:1450:4001:81c::200e"],
            &["build 1.2.3", "999.1.1.1"],
        ),
        Kind::Custom => (&[], &[]),
    }
}

/// One rule's outcome.
#[derive(Debug)]
pub struct Outcome {
    /// The kind name (built-in) or rule id (user rule).
    pub rule: String,
    pub examples: usize,
    pub counter_examples: usize,
    /// One line per failed example.
    pub failures: Vec<String>,
}

/// Checks every built-in kind and user rule of `settings`.
pub fn check(settings: &Settings) -> Vec<Outcome> {
    let mut builder = ScannerBuilder::new();
    builder
        .kinds(KindSet::all())
        .min_confidence(settings.min_confidence.unwrap_or(Confidence::Medium));
    settings.apply(&mut builder);
    let scanner = builder.build();
    let file = settings.path.as_deref().map_or_else(
        || config::FILE_NAME.to_string(),
        |p| p.display().to_string(),
    );
    let mut outcomes = Vec::new();
    for &kind in Kind::ALL.iter().filter(|k| **k != Kind::Custom) {
        let (ex, counter) = builtin_examples(kind);
        let is_rule = |f: &Finding| f.kind == kind;
        let as_examples = |v: &[&str]| -> Vec<Example> {
            v.iter()
                .map(|t| Example {
                    text: t.to_string(),
                    line: None,
                })
                .collect()
        };
        outcomes.push(run_examples(
            &scanner,
            kind.as_str(),
            &as_examples(ex),
            &as_examples(counter),
            &is_rule,
            &file,
        ));
    }
    for rule in &settings.rules {
        let id = rule.spec.id.as_str();
        let is_rule = |f: &Finding| f.rule.as_ref().is_some_and(|t| t.id == id);
        let mut outcome = run_examples(
            &scanner,
            id,
            &rule.examples,
            &rule.counter_examples,
            &is_rule,
            &file,
        );
        if rule.examples.is_empty() {
            let at = rule.line.map_or(String::new(), |l| format!(":{l}"));
            outcome.failures.push(format!(
                "{file}{at}: no examples: add `examples` the rule must find"
            ));
        }
        outcomes.push(outcome);
    }
    outcomes
}

fn run_examples(
    scanner: &Scanner,
    name: &str,
    examples: &[Example],
    counter_examples: &[Example],
    is_rule: &dyn Fn(&Finding) -> bool,
    file: &str,
) -> Outcome {
    let mut failures = Vec::new();
    let place = |e: &Example| match e.line {
        Some(l) => format!("{file}:{l}: "),
        None => String::new(),
    };
    for e in examples {
        let found = scanner.scan_all(e.text.as_bytes());
        if !found.iter().any(is_rule) {
            let instead: Vec<String> = found
                .iter()
                .map(|f| format!("{} {}", f.kind_name(), f.confidence))
                .collect();
            let instead = if instead.is_empty() {
                "nothing".to_string()
            } else {
                instead.join(", ")
            };
            failures.push(format!(
                "{}example {:?} is not found (found: {instead})",
                place(e),
                e.text
            ));
        }
    }
    for e in counter_examples {
        let found = scanner.scan_all(e.text.as_bytes());
        if let Some(f) = found.iter().find(|f| is_rule(f)) {
            failures.push(format!(
                "{}counter-example {:?} is found ({} at {})",
                place(e),
                e.text,
                f.confidence,
                f.reasons
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ));
        }
    }
    Outcome {
        rule: name.to_string(),
        examples: examples.len(),
        counter_examples: counter_examples.len(),
        failures,
    }
}

/// `cprscan rules check [--config FILE]`.
pub fn main(config_file: Option<&Path>) -> i32 {
    let settings = match config::locate(config_file).map(|p| Settings::load(&p)) {
        None => Settings::default(),
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            eprintln!("cprscan: {e}");
            return crate::run::EXIT_ERROR;
        }
    };
    let outcomes = check(&settings);
    let mut text = String::new();
    if let Some(p) = &settings.path {
        text.push_str(&format!("configuration: {}\n", p.display()));
    }
    for o in &outcomes {
        let status = if o.failures.is_empty() {
            "ok  "
        } else {
            "FAIL"
        };
        text.push_str(&format!(
            "{status}  {:<18} {} examples, {} counter-examples\n",
            o.rule, o.examples, o.counter_examples
        ));
        for f in &o.failures {
            text.push_str(&format!("      {f}\n"));
        }
    }
    let failed = outcomes.iter().filter(|o| !o.failures.is_empty()).count();
    text.push_str(&format!(
        "{} rules checked, {failed} failed\n",
        outcomes.len()
    ));
    print!("{text}");
    if failed > 0 {
        crate::run::EXIT_FINDINGS
    } else {
        crate::run::EXIT_CLEAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_pass_their_own_examples() {
        let outcomes = check(&Settings::default());
        for o in &outcomes {
            assert!(o.failures.is_empty(), "{}: {:?}", o.rule, o.failures);
            assert!(o.examples > 0 && o.counter_examples > 0, "{}", o.rule);
        }
        assert_eq!(outcomes.len(), Kind::ALL.len() - 1);
    }

    #[test]
    fn builtin_counter_examples_are_nothing_even_at_low_confidence() {
        let scanner = ScannerBuilder::new()
            .kinds(KindSet::all())
            .min_confidence(Confidence::Low)
            .build();
        for &kind in Kind::ALL {
            for text in builtin_examples(kind).1 {
                let found = scanner.scan_all(text.as_bytes());
                assert!(
                    found.iter().all(|f| f.kind != kind),
                    "{kind}: {text:?} gives {found:?}"
                );
            }
        }
    }

    fn settings(text: &str) -> Settings {
        Settings::parse(Path::new("cprscan.toml"), text).unwrap()
    }

    #[test]
    fn broken_user_example_fails_with_its_line() {
        let s = settings(
            "[[rule]]\nid = \"emp\"\nregex = '\\bEMP-\\d{6}\\b'\nexamples = [\"EMP-12345\"]\n\
             counter_examples = [\"EMP-1234567\"]\n",
        );
        let outcomes = check(&s);
        let emp = outcomes.iter().find(|o| o.rule == "emp").unwrap();
        assert_eq!(emp.failures.len(), 1, "{:?}", emp.failures);
        assert!(emp.failures[0].starts_with("cprscan.toml:4: example \"EMP-12345\""));
    }

    #[test]
    fn counter_example_that_matches_fails() {
        let s = settings(
            "[[rule]]\nid = \"emp\"\nregex = 'EMP-\\d+'\nexamples = [\"EMP-1\"]\n\
             counter_examples = [\"EMP-1234567\"]\n",
        );
        let outcomes = check(&s);
        let emp = outcomes.iter().find(|o| o.rule == "emp").unwrap();
        assert!(emp.failures[0].contains("counter-example \"EMP-1234567\" is found"));
    }

    #[test]
    fn rule_without_examples_fails() {
        let s = settings("[[rule]]\nid = \"emp\"\nregex = 'EMP-\\d+'\n");
        let emp = check(&s).into_iter().find(|o| o.rule == "emp").unwrap();
        assert!(emp.failures[0].contains("no examples"));
    }

    #[test]
    fn allow_word_that_hides_a_built_in_example_fails_the_check() {
        let s = settings("[kind.email]\nallow_words = [\"mail\"]\n");
        let email = check(&s).into_iter().find(|o| o.rule == "email").unwrap();
        assert_eq!(email.failures.len(), 1, "{:?}", email.failures);
    }
}
