//! User rules (`[[rule]]` in `cprscan.toml`): an organisation's own identifiers, found by regex
//! and optionally checked by a check-digit algorithm. Pure: compiled once from [`RuleSpec`]s,
//! then asked for matches in a slice like every built-in kind.
//!
//! Cost does not grow per rule per byte: the regexes of all rules without keywords are one
//! multi-pattern regex-automata matcher run over the input; the regexes of rules with keywords
//! are a second one, run only over the lines where one Aho-Corasick automaton of all keywords
//! found a keyword of theirs.
//!
//! Regexes match bytes with ASCII classes (`\d` is `[0-9]`, `\w` `[0-9A-Za-z_]`, `\b` an ASCII
//! word boundary), like the built-in kinds; `(?u)` turns Unicode classes back on. A match must
//! stay on one line and be at most [`MAX_LEN`] bytes long, like every finding: others are
//! dropped.
//!
//! Matches are leftmost-first from the start of each line, so they are the same however the
//! input is read, as long as a line fits the search driver's buffer (lines up to 256 KiB; the
//! driver cuts only longer ones). On a longer line, a rule whose matches can chain into each
//! other (`\d{4}` on a run of digits) may pick a different phase near a cut.

use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex_automata::meta::Regex;
use regex_automata::util::syntax;
use regex_automata::Input;

use crate::context::{pos, ContextMatcher};
use crate::finding::{Confidence, Reason, Reasons, RuleTag};
use crate::kinds::Match;

/// The longest span a user rule may report: the longest built-in span, so a user rule fits
/// the overlap and split guarantees of [`crate::scanner::REACH`].
pub const MAX_LEN: usize = 256;

/// A check-digit algorithm a rule's match must pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validate {
    /// Luhn over the digits of the match (payment cards, many customer numbers).
    Luhn,
    /// Modulus 11 over the digits, weights 1, 2, ..., 7, 2, 3, ... from the right (the CPR and
    /// CVR scheme): the weighted sum is divisible by 11.
    Mod11,
    /// ISO 7064 MOD 97-10 over the letters and digits (`A` = 10 .. `Z` = 35), the first four
    /// moved to the end when they look like an IBAN's country and check digits: remainder 1.
    Mod97,
}

impl Validate {
    pub fn parse(name: &str) -> Option<Validate> {
        match name {
            "luhn" => Some(Validate::Luhn),
            "mod11" => Some(Validate::Mod11),
            "mod97" => Some(Validate::Mod97),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Validate::Luhn => "luhn",
            Validate::Mod11 => "mod11",
            Validate::Mod97 => "mod97",
        }
    }

    /// Whether `value` passes the check.
    pub fn check(self, value: &[u8]) -> bool {
        let digits: Vec<u8> = value
            .iter()
            .filter(|b| b.is_ascii_digit())
            .map(|b| b - b'0')
            .collect();
        match self {
            Validate::Luhn => digits.len() >= 2 && crate::kinds::card::luhn_ok(&digits),
            Validate::Mod11 => digits.len() >= 2 && mod11(&digits),
            Validate::Mod97 => mod97(value),
        }
    }
}

fn mod11(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| u32::from(d) * if i == 0 { 1 } else { (i as u32 - 1) % 6 + 2 })
        .sum();
    sum.is_multiple_of(11)
}

fn mod97(value: &[u8]) -> bool {
    let alnum: Vec<u8> = value
        .iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(u8::to_ascii_uppercase)
        .collect();
    if alnum.len() < 3 {
        return false;
    }
    let iban_like = alnum.len() > 4
        && alnum[..2].iter().all(u8::is_ascii_alphabetic)
        && alnum[2..4].iter().all(u8::is_ascii_digit);
    let rotate = if iban_like { 4 } else { 0 };
    let rem = alnum[rotate..]
        .iter()
        .chain(&alnum[..rotate])
        .try_fold(0, |rem, &b| crate::kinds::iban::fold(rem, b));
    rem == Some(1)
}

/// One rule as written in the configuration, already type-checked.
#[derive(Clone, Debug)]
pub struct RuleSpec {
    pub id: String,
    /// The kind name findings are reported under.
    pub kind: String,
    pub regex: String,
    /// If not empty, the rule runs only on lines holding one of these (ASCII case-insensitive).
    pub keywords: Vec<String>,
    pub confidence: Confidence,
    pub validate: Option<Validate>,
    /// Words that, near a match on its line, mark it as a known non-finding.
    pub allow_words: Vec<String>,
}

/// Checks one regex the way [`CustomRules::compile`] will use it.
pub fn check_regex(pattern: &str) -> Result<(), String> {
    let hir = syntax::parse_with(pattern, &syntax_config()).map_err(|e| one_line(&e))?;
    if hir.properties().minimum_len() == Some(0) {
        return Err("the regex can match empty text; it must match at least one byte".into());
    }
    Ok(())
}

fn syntax_config() -> syntax::Config {
    syntax::Config::new().unicode(false).utf8(false)
}

fn one_line(e: &dyn std::fmt::Display) -> String {
    e.to_string()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A set of regexes searched together; `owners[p]` is the rule of pattern `p`.
#[derive(Clone, Debug)]
struct Group {
    regex: Regex,
    owners: Vec<usize>,
}

impl Group {
    fn new(rules: &[(usize, &str)]) -> Result<Option<Group>, String> {
        if rules.is_empty() {
            return Ok(None);
        }
        let patterns: Vec<&str> = rules.iter().map(|(_, p)| *p).collect();
        let regex = Regex::builder()
            .syntax(syntax_config())
            .configure(Regex::config().utf8_empty(false))
            .build_many(&patterns)
            .map_err(|e| one_line(&e))?;
        Ok(Some(Group {
            regex,
            owners: rules.iter().map(|(i, _)| *i).collect(),
        }))
    }
}

#[derive(Clone, Debug)]
struct Rule {
    tag: Arc<RuleTag>,
    confidence: Confidence,
    validate: Option<Validate>,
    reason: &'static str,
    allow: Option<ContextMatcher>,
}

/// Every user rule, compiled for searching.
#[derive(Clone, Debug)]
pub struct CustomRules {
    rules: Vec<Rule>,
    free: Option<Group>,
    gated: Option<Group>,
    keywords: Option<AhoCorasick>,
    /// The rule of each keyword pattern.
    keyword_owner: Vec<usize>,
}

/// A match of rule `rule`.
#[derive(Debug)]
pub struct RuleMatch {
    pub rule: usize,
    pub m: Match,
}

/// Interns a string for the life of the process: rule names and user words end up in
/// reasons, which are `&'static str` like the built-in ones. A run reads its configuration
/// once, and each distinct string is kept once however often it is interned, so this is
/// bounded by the configuration's size.
pub(crate) fn intern(s: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static STRINGS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = STRINGS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(&known) = set.get(s) {
        return known;
    }
    let new: &'static str = Box::leak(s.to_string().into_boxed_str());
    set.insert(new);
    new
}

impl CustomRules {
    /// Compiles `specs`. An error names the index of the offending rule.
    pub fn compile(specs: &[RuleSpec]) -> Result<CustomRules, (usize, String)> {
        for (i, spec) in specs.iter().enumerate() {
            check_regex(&spec.regex).map_err(|e| (i, e))?;
        }
        let free: Vec<(usize, &str)> = specs
            .iter()
            .enumerate()
            .filter(|(_, s)| s.keywords.is_empty())
            .map(|(i, s)| (i, s.regex.as_str()))
            .collect();
        let gated: Vec<(usize, &str)> = specs
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.keywords.is_empty())
            .map(|(i, s)| (i, s.regex.as_str()))
            .collect();
        let first = |rules: &[(usize, &str)]| rules.first().map_or(0, |r| r.0);
        let free_group = Group::new(&free).map_err(|e| (first(&free), e))?;
        let gated_group = Group::new(&gated).map_err(|e| (first(&gated), e))?;
        let mut patterns = Vec::new();
        let mut keyword_owner = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            for kw in &spec.keywords {
                patterns.push(kw.as_bytes());
                keyword_owner.push(i);
            }
        }
        let keywords = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .map_err(|e| (keyword_owner[0], one_line(&e)))?,
            )
        };
        let rules = specs
            .iter()
            .map(|s| Rule {
                tag: Arc::new(RuleTag {
                    id: s.id.clone(),
                    kind: s.kind.clone(),
                }),
                confidence: s.confidence,
                validate: s.validate,
                reason: intern(&format!("rule:{}", s.id)),
                allow: (!s.allow_words.is_empty()).then(|| {
                    let words: Vec<_> =
                        s.allow_words.iter().map(|w| pos(intern(w), true)).collect();
                    ContextMatcher::new(&words)
                }),
            })
            .collect();
        Ok(CustomRules {
            rules,
            free: free_group,
            gated: gated_group,
            keywords,
            keyword_owner,
        })
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rule's id and kind name.
    pub fn tag(&self, rule: usize) -> &Arc<RuleTag> {
        &self.rules[rule].tag
    }

    /// Whether one of the rule's allow words is near `hay[start..end]` on its line.
    pub fn allowed(&self, rule: usize, hay: &[u8], start: usize, end: usize) -> bool {
        self.rules[rule]
            .allow
            .as_ref()
            .is_some_and(|m| m.nearby(hay, start, end).positive.is_some())
    }

    /// Appends the matches that start in `hay[from..until]` (the regex sees all of `hay` for
    /// its look-around assertions).
    pub fn find(&self, hay: &[u8], from: usize, until: usize, out: &mut Vec<RuleMatch>) {
        if let Some(group) = &self.free {
            self.search(group, hay, from, until, None, out);
        }
        let (Some(group), Some(keywords)) = (&self.gated, &self.keywords) else {
            return;
        };
        // Lines holding a keyword, each with the rules whose keywords it holds.
        let mut active = vec![false; self.rules.len()];
        let mut line: Option<(usize, usize)> = None;
        for hit in keywords.find_overlapping_iter(&hay[from..until]) {
            let at = from + hit.start();
            let in_line = line.is_some_and(|(s, e)| at >= s && at < e);
            if !in_line {
                if let Some((s, e)) = line.take() {
                    self.search(group, hay, s, e, Some(&active), out);
                    active.iter_mut().for_each(|a| *a = false);
                }
                let s = memchr::memrchr(b'\n', &hay[from..at]).map_or(from, |i| from + i + 1);
                let e = memchr::memchr(b'\n', &hay[at..until]).map_or(until, |i| at + i);
                line = Some((s, e));
            }
            active[self.keyword_owner[hit.pattern().as_usize()]] = true;
        }
        if let Some((s, e)) = line {
            self.search(group, hay, s, e, Some(&active), out);
        }
    }

    fn search(
        &self,
        group: &Group,
        hay: &[u8],
        from: usize,
        until: usize,
        active: Option<&[bool]>,
        out: &mut Vec<RuleMatch>,
    ) {
        let input = Input::new(hay).span(from..until);
        for m in group.regex.find_iter(input) {
            let rule = group.owners[m.pattern().as_usize()];
            if active.is_some_and(|a| !a[rule]) {
                continue;
            }
            let value = &hay[m.range()];
            if value.is_empty() || value.len() > MAX_LEN || value.contains(&b'\n') {
                continue;
            }
            let spec = &self.rules[rule];
            let mut reasons = Reasons::from([Reason::Rule(spec.reason)]);
            if let Some(v) = spec.validate {
                if !v.check(value) {
                    continue;
                }
                reasons.push(Reason::Rule(v.as_str()));
            }
            out.push(RuleMatch {
                rule,
                m: Match {
                    start: m.start(),
                    end: m.end(),
                    confidence: spec.confidence,
                    reasons,
                },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(id: &str, regex: &str) -> RuleSpec {
        RuleSpec {
            id: id.into(),
            kind: id.into(),
            regex: regex.into(),
            keywords: vec![],
            confidence: Confidence::Medium,
            validate: None,
            allow_words: vec![],
        }
    }

    fn found(rules: &CustomRules, text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        rules.find(text.as_bytes(), 0, text.len(), &mut out);
        out.iter()
            .map(|r| (r.rule, text[r.m.start..r.m.end].to_string()))
            .collect()
    }

    #[test]
    fn luhn_mod11_mod97_accept_their_check_digits_only() {
        assert!(Validate::Luhn.check(b"4111 1111 1111 1111"));
        assert!(!Validate::Luhn.check(b"4111 1111 1111 1112"));
        // CVR 1234567 with its mod 11 check digit, and the CPR weights (4,3,2,7,6,5,4,3,2,1).
        assert!(Validate::Mod11.check(b"DK-12345674"));
        assert!(!Validate::Mod11.check(b"12345675"));
        assert!(Validate::Mod11.check(b"0101901238"));
        assert!(Validate::Mod97.check(b"DK50 0040 0440 1162 43"));
        assert!(!Validate::Mod97.check(b"DK51 0040 0440 1162 43"));
        assert!(
            Validate::Mod97.check(b"1234567889"),
            "numeric ISO 7064: x mod 97 = 1"
        );
        assert!(!Validate::Mod97.check(b"1234567898"));
    }

    #[test]
    fn check_digit_validators_need_digits() {
        assert!(!Validate::Luhn.check(b"EMP-"));
        assert!(!Validate::Mod11.check(b"0"));
        assert!(!Validate::Mod97.check(b"ab"));
    }

    #[test]
    fn many_rules_are_searched_together_and_keep_their_ids() {
        let rules = CustomRules::compile(&[
            spec("emp", r"\bEMP-\d{6}\b"),
            spec("case", r"\bSAG-\d{4}/\d{2}\b"),
        ])
        .unwrap();
        assert_eq!(
            found(&rules, "x EMP-123456 y SAG-2024/17 EMP-1234567"),
            [(0, "EMP-123456".into()), (1, "SAG-2024/17".into())]
        );
    }

    #[test]
    fn ascii_classes_are_the_default() {
        let rules = CustomRules::compile(&[spec("d", r"\b\d{3}\b")]).unwrap();
        assert_eq!(found(&rules, "١٢٣ 123"), [(0, "123".into())]);
    }

    #[test]
    fn keyword_rules_run_only_on_lines_with_their_keyword() {
        let mut emp = spec("emp", r"\b\d{6}\b");
        emp.keywords = vec!["medarbejder".into()];
        let rules = CustomRules::compile(&[emp]).unwrap();
        let text = "ordre 123456\nMedarbejdernr 654321\n111111";
        assert_eq!(found(&rules, text), [(0, "654321".into())]);
    }

    #[test]
    fn keyword_of_one_rule_does_not_enable_another() {
        let mut a = spec("a", r"\bA\d{3}\b");
        a.keywords = vec!["alpha".into()];
        let mut b = spec("b", r"\bB\d{3}\b");
        b.keywords = vec!["beta".into()];
        let rules = CustomRules::compile(&[a, b]).unwrap();
        assert_eq!(found(&rules, "alpha A123 B456"), [(0, "A123".into())]);
    }

    #[test]
    fn failing_validation_drops_the_match() {
        let mut r = spec("card", r"\b\d{16}\b");
        r.validate = Some(Validate::Luhn);
        let rules = CustomRules::compile(&[r]).unwrap();
        assert_eq!(
            found(&rules, "4111111111111111 4111111111111112"),
            [(0, "4111111111111111".into())]
        );
    }

    #[test]
    fn matches_across_lines_or_too_long_are_dropped() {
        let rules = CustomRules::compile(&[spec("x", r"X\s+Y"), spec("long", r"L+")]).unwrap();
        let long = "L".repeat(MAX_LEN + 1);
        assert!(found(&rules, &format!("X\nY {long}")).is_empty());
        assert_eq!(found(&rules, "X  Y").len(), 1);
    }

    #[test]
    fn regex_that_can_match_nothing_is_rejected() {
        assert!(check_regex(r"\d*").is_err());
        assert!(check_regex(r"\b").is_err());
        assert!(check_regex(r"(unclosed").is_err());
        assert!(check_regex(r"ø\d+").is_ok());
    }

    #[test]
    fn compile_error_names_the_rule() {
        let err = CustomRules::compile(&[spec("ok", "a"), spec("bad", "(")]).unwrap_err();
        assert_eq!(err.0, 1);
    }

    #[test]
    fn allow_words_near_a_match_are_reported() {
        let mut r = spec("emp", r"\bEMP-\d{6}\b");
        r.allow_words = vec!["testbruger".into()];
        let rules = CustomRules::compile(&[r]).unwrap();
        let text = "testbruger EMP-123456";
        assert!(rules.allowed(0, text.as_bytes(), 11, text.len()));
        assert!(!rules.allowed(0, b"bruger EMP-123456", 7, 17));
    }
}
