//! The configuration file, `cprscan.toml`: kinds and thresholds, extra context words, user
//! rules and allowlists (see `cprscan.example.toml` for every key, commented). Read once at
//! start; any mistake is an error naming the file, the line and the key, and nothing is scanned.
//!
//! The file is found by `--config FILE`, or by walking up from the current directory to the
//! first `cprscan.toml`. Command-line flags win over the file: `--kinds` replaces the file's
//! kind selection, `--min-confidence` its overall minimum; per-kind minimums still apply.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::context::{neg, pos};
use crate::finding::{Confidence, Kind};
use crate::rules::{self, CustomRules, RuleSpec, Validate};
use crate::scanner::{KindSet, ScannerBuilder};

/// The file name looked for when walking up from the current directory.
pub const FILE_NAME: &str = "cprscan.toml";

/// The longest context or allow word: it must fit the margin the scanner keeps around a span.
const MAX_WORD: usize = 64;

/// A configuration error: where, which key, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    kinds: Option<Spanned<Vec<String>>>,
    min_confidence: Option<Spanned<String>>,
    #[serde(default)]
    kind: std::collections::BTreeMap<String, Spanned<RawKind>>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
    #[serde(default)]
    allow: RawAllow,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    enabled: Option<bool>,
    min_confidence: Option<Spanned<String>>,
    #[serde(default)]
    context_words: Vec<Spanned<String>>,
    #[serde(default)]
    negative_words: Vec<Spanned<String>>,
    #[serde(default)]
    allow_words: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    kind: Option<Spanned<String>>,
    #[serde(default)]
    description: String,
    regex: Spanned<String>,
    #[serde(default)]
    keywords: Vec<Spanned<String>>,
    confidence: Option<Spanned<String>>,
    validate: Option<Spanned<String>>,
    #[serde(default)]
    examples: Vec<Spanned<String>>,
    #[serde(default)]
    counter_examples: Vec<Spanned<String>>,
    #[serde(default)]
    allow_words: Vec<Spanned<String>>,
    #[serde(default = "yes")]
    enabled: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    values: Vec<Spanned<String>>,
    #[serde(default)]
    fingerprints: Vec<Spanned<String>>,
}

/// One example or counter-example, with the line it was written on (for `rules check`).
#[derive(Clone, Debug)]
pub struct Example {
    pub text: String,
    pub line: Option<usize>,
}

/// A user rule with its examples.
#[derive(Clone, Debug)]
pub struct UserRule {
    pub spec: RuleSpec,
    pub description: String,
    pub line: Option<usize>,
    pub examples: Vec<Example>,
    pub counter_examples: Vec<Example>,
}

/// Settings of one built-in kind.
#[derive(Clone, Debug, Default)]
pub struct KindSettings {
    pub enabled: Option<bool>,
    pub min_confidence: Option<Confidence>,
    pub context_words: Vec<String>,
    pub negative_words: Vec<String>,
    pub allow_words: Vec<String>,
}

/// A configuration file, checked and resolved. `Settings::default()` is "no file".
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The file read, if any.
    pub path: Option<PathBuf>,
    pub kinds: Option<KindSet>,
    pub min_confidence: Option<Confidence>,
    pub kind_settings: Vec<(Kind, KindSettings)>,
    /// Enabled user rules, in file order.
    pub rules: Vec<UserRule>,
    pub allow_paths: Vec<String>,
    pub allow_values: Vec<String>,
    pub allow_fingerprints: Vec<String>,
}

/// Finds the configuration file: `explicit` if given, else the first `cprscan.toml` in the
/// current directory or one of its ancestors.
pub fn locate(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|p| p.is_file())
}

impl Settings {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: None,
            key: String::new(),
            message: format!("cannot read: {e}"),
        })?;
        Settings::parse(path, &text)
    }

    /// Checks `text`, the contents of the file at `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Settings, ConfigError> {
        let ctx = Ctx { path, text };
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: e.span().map(|s| ctx.line(s.start)),
            key: String::new(),
            message: e.message().trim().to_string(),
        })?;
        let mut settings = Settings {
            path: Some(path.to_path_buf()),
            ..Settings::default()
        };
        if let Some(kinds) = &raw.kinds {
            let set = KindSet::parse(&kinds.get_ref().join(","))
                .map_err(|m| ctx.err(kinds.span(), "kinds", m))?;
            settings.kinds = Some(set);
        }
        if let Some(c) = &raw.min_confidence {
            settings.min_confidence = Some(ctx.confidence(c, "min_confidence")?);
        }
        for (name, table) in &raw.kind {
            settings.kind_settings.push(ctx.kind_settings(name, table)?);
        }
        let mut ids = HashSet::new();
        for (i, rule) in raw.rule.iter().enumerate() {
            let user = ctx.rule(i, rule)?;
            if !ids.insert(user.spec.id.clone()) {
                return Err(ctx.err(
                    rule.get_ref().id.span(),
                    &format!("rule[{i}].id"),
                    format!("duplicate rule id {:?}", user.spec.id),
                ));
            }
            if rule.get_ref().enabled {
                settings.rules.push(user);
            }
        }
        let specs: Vec<RuleSpec> = settings.rules.iter().map(|r| r.spec.clone()).collect();
        if let Err((i, message)) = CustomRules::compile(&specs) {
            let r = &settings.rules[i];
            return Err(ConfigError {
                path: path.to_path_buf(),
                line: r.line,
                key: format!("rule {:?}", r.spec.id),
                message,
            });
        }
        for g in &raw.allow.paths {
            globset::Glob::new(g.get_ref().trim_end_matches('/'))
                .map_err(|e| ctx.err(g.span(), "allow.paths", e.to_string()))?;
            settings.allow_paths.push(g.get_ref().clone());
        }
        for v in &raw.allow.values {
            let t = v.get_ref().trim();
            if t.is_empty() {
                return Err(ctx.err(v.span(), "allow.values", "empty value".into()));
            }
            settings.allow_values.push(t.to_string());
        }
        for f in &raw.allow.fingerprints {
            let t = f.get_ref().trim();
            if t.len() != crate::fingerprint::HEX_LEN || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(ctx.err(
                    f.span(),
                    "allow.fingerprints",
                    format!(
                        "{t:?} is not a fingerprint ({} hex digits, as printed in findings)",
                        crate::fingerprint::HEX_LEN
                    ),
                ));
            }
            settings.allow_fingerprints.push(t.to_string());
        }
        Ok(settings)
    }

    /// The user rules compiled for the scanner.
    pub fn compiled_rules(&self) -> CustomRules {
        let specs: Vec<RuleSpec> = self.rules.iter().map(|r| r.spec.clone()).collect();
        CustomRules::compile(&specs).expect("rules were compiled when the file was read")
    }

    /// The kinds to look for: `cli` if given, else the file's selection with its per-kind
    /// `enabled` switches, else the defaults.
    pub fn kinds(&self, cli: Option<KindSet>) -> KindSet {
        if let Some(set) = cli {
            return set;
        }
        let mut set = self.kinds.unwrap_or_default();
        for (kind, s) in &self.kind_settings {
            match s.enabled {
                Some(true) => set = set.with(*kind),
                Some(false) => set = set.without(*kind),
                None => {}
            }
        }
        set
    }

    /// The kind names of the user rules, in file order, each once.
    pub fn custom_kinds(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for r in &self.rules {
            if !names.contains(&r.spec.kind) {
                names.push(r.spec.kind.clone());
            }
        }
        names
    }

    /// Applies the per-kind settings and user rules to `builder` (kinds, the overall minimum
    /// and allowlisted values are the caller's, who knows the command line and the key).
    pub fn apply(&self, builder: &mut ScannerBuilder) {
        for (kind, s) in &self.kind_settings {
            if let Some(min) = s.min_confidence {
                builder.min_confidence_for(*kind, min);
            }
            for w in &s.context_words {
                builder.context_word(*kind, pos(rules::intern(w), true));
            }
            for w in &s.negative_words {
                builder.context_word(*kind, neg(rules::intern(w), true));
            }
            for w in &s.allow_words {
                builder.allow_word(*kind, rules::intern(w));
            }
        }
        if !self.rules.is_empty() {
            builder.rules(self.compiled_rules());
        }
    }
}

/// The file being checked, for error positions.
struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Ctx<'_> {
    fn line(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.text.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn err(&self, span: Range<usize>, key: &str, message: String) -> ConfigError {
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(self.line(span.start)),
            key: key.to_string(),
            message,
        }
    }

    fn confidence(&self, s: &Spanned<String>, key: &str) -> Result<Confidence, ConfigError> {
        Confidence::parse(s.get_ref()).ok_or_else(|| {
            self.err(
                s.span(),
                key,
                format!("{:?} is not low, medium or high", s.get_ref()),
            )
        })
    }

    fn words(&self, words: &[Spanned<String>], key: &str) -> Result<Vec<String>, ConfigError> {
        words
            .iter()
            .map(|w| {
                let t = w.get_ref().trim();
                if t.is_empty() || t.len() > MAX_WORD {
                    Err(self.err(
                        w.span(),
                        key,
                        format!("a word must have 1 to {MAX_WORD} bytes, not {:?}", t),
                    ))
                } else {
                    Ok(t.to_string())
                }
            })
            .collect()
    }

    fn kind_settings(
        &self,
        name: &str,
        table: &Spanned<RawKind>,
    ) -> Result<(Kind, KindSettings), ConfigError> {
        let key = format!("kind.{name}");
        let kind = Kind::from_name(name)
            .filter(|k| *k != Kind::Custom)
            .ok_or_else(|| {
                self.err(
                    table.span(),
                    &key,
                    format!(
                        "unknown kind {name:?} (see `cprscan kinds`; user rules go in [[rule]])"
                    ),
                )
            })?;
        let raw = table.get_ref();
        let sub = |k: &str| format!("{key}.{k}");
        Ok((
            kind,
            KindSettings {
                enabled: raw.enabled,
                min_confidence: match &raw.min_confidence {
                    Some(c) => Some(self.confidence(c, &sub("min_confidence"))?),
                    None => None,
                },
                context_words: self.words(&raw.context_words, &sub("context_words"))?,
                negative_words: self.words(&raw.negative_words, &sub("negative_words"))?,
                allow_words: self.words(&raw.allow_words, &sub("allow_words"))?,
            },
        ))
    }

    fn rule(&self, i: usize, rule: &Spanned<RawRule>) -> Result<UserRule, ConfigError> {
        let r = rule.get_ref();
        let key = |k: &str| format!("rule[{i}].{k}");
        let id = r.id.get_ref().trim().to_string();
        let name_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        };
        if !name_ok(&id) {
            return Err(self.err(
                r.id.span(),
                &key("id"),
                format!("{id:?}: use 1 to 64 letters, digits, '-', '_' or '.'"),
            ));
        }
        let kind = match &r.kind {
            Some(k) => {
                let name = k.get_ref().trim().to_string();
                if !name_ok(&name) {
                    return Err(self.err(
                        k.span(),
                        &key("kind"),
                        format!("{name:?}: use 1 to 64 letters, digits, '-', '_' or '.'"),
                    ));
                }
                if Kind::from_name(&name).is_some() {
                    return Err(self.err(
                        k.span(),
                        &key("kind"),
                        format!(
                            "{name:?} is a built-in kind; a user rule reports under a kind of its own"
                        ),
                    ));
                }
                name
            }
            None => id.clone(),
        };
        rules::check_regex(r.regex.get_ref())
            .map_err(|m| self.err(r.regex.span(), &key("regex"), m))?;
        let confidence = match &r.confidence {
            Some(c) => self.confidence(c, &key("confidence"))?,
            None => Confidence::Medium,
        };
        let validate = match &r.validate {
            Some(v) => Some(Validate::parse(v.get_ref()).ok_or_else(|| {
                self.err(
                    v.span(),
                    &key("validate"),
                    format!("{:?} is not luhn, mod11 or mod97", v.get_ref()),
                )
            })?),
            None => None,
        };
        let examples = |v: &[Spanned<String>]| -> Vec<Example> {
            v.iter()
                .map(|e| Example {
                    text: e.get_ref().clone(),
                    line: Some(self.line(e.span().start)),
                })
                .collect()
        };
        Ok(UserRule {
            spec: RuleSpec {
                id,
                kind,
                regex: r.regex.get_ref().clone(),
                keywords: self.words(&r.keywords, &key("keywords"))?,
                confidence,
                validate,
                allow_words: self.words(&r.allow_words, &key("allow_words"))?,
            },
            description: r.description.clone(),
            line: Some(self.line(rule.span().start)),
            examples: examples(&r.examples),
            counter_examples: examples(&r.counter_examples),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, ConfigError> {
        Settings::parse(Path::new("cprscan.toml"), text)
    }

    fn error(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    const FULL: &str = r#"
kinds = ["default", "cvr"]
min_confidence = "medium"

[kind.cpr]
min_confidence = "high"
context_words = ["medlemsnr"]
negative_words = ["sagsnr"]
allow_words = ["testperson"]

[kind.ip]
enabled = true

[kind.phone]
enabled = false

[[rule]]
id = "employee-id"
regex = '\bEMP-\d{6}\b'
keywords = ["emp-"]
confidence = "high"
validate = "luhn"
examples = ["owner EMP-123455"]
counter_examples = ["EMP-123456"]

[[rule]]
id = "case"
kind = "case-number"
regex = 'SAG-\d{4}'
enabled = false

[allow]
paths = ["tests/fixtures/**", "*.sample.csv"]
values = ["010190-1238"]
fingerprints = ["fc7f86d5d07a892c"]
"#;

    #[test]
    fn full_example_is_read_and_resolved() {
        let s = parse(FULL).unwrap();
        let kinds = s.kinds(None);
        assert!(kinds.contains(Kind::Cvr) && kinds.contains(Kind::Ip));
        assert!(!kinds.contains(Kind::Phone));
        assert!(kinds.contains(Kind::Cpr));
        assert_eq!(s.min_confidence, Some(Confidence::Medium));
        let (kind, cpr) = &s.kind_settings[0];
        assert_eq!(*kind, Kind::Cpr);
        assert_eq!(cpr.min_confidence, Some(Confidence::High));
        assert_eq!(cpr.context_words, ["medlemsnr"]);
        assert_eq!(s.rules.len(), 1, "a disabled rule is dropped");
        assert_eq!(
            s.rules[0].spec.kind, "employee-id",
            "kind defaults to the id"
        );
        assert_eq!(s.rules[0].spec.validate, Some(Validate::Luhn));
        assert_eq!(s.rules[0].examples[0].line, Some(23));
        assert_eq!(s.allow_paths.len(), 2);
        assert_eq!(s.custom_kinds(), ["employee-id"]);
    }

    #[test]
    fn command_line_kinds_replace_the_file_selection() {
        let s = parse(FULL).unwrap();
        let cli = KindSet::EMPTY.with(Kind::Phone);
        assert_eq!(s.kinds(Some(cli)), cli);
    }

    #[test]
    fn empty_file_means_defaults() {
        let s = parse("").unwrap();
        assert_eq!(s.kinds(None), KindSet::defaults());
        assert!(s.rules.is_empty());
    }

    #[test]
    fn toml_syntax_error_names_file_and_line() {
        let e = error("kinds = [\"cpr\"]\n\n[allow\n");
        assert!(e.starts_with("cprscan.toml:3:"), "{e}");
    }

    #[test]
    fn misspelt_key_is_an_error_with_its_line() {
        let e = error("[[rule]]\nid = \"x\"\nregx = 'a'\n");
        assert!(e.starts_with("cprscan.toml:3:"), "{e}");
        assert!(e.contains("regx"), "{e}");
    }

    #[test]
    fn invalid_regex_names_rule_line_and_key() {
        let e = error("\n[[rule]]\nid = \"emp\"\nregex = 'EMP-(\\d+'\n");
        assert!(e.starts_with("cprscan.toml:4: rule[0].regex:"), "{e}");
    }

    #[test]
    fn regex_matching_empty_text_is_an_error() {
        let e = error("[[rule]]\nid = \"emp\"\nregex = '\\d*'\n");
        assert!(e.contains("rule[0].regex") && e.contains("empty"), "{e}");
    }

    #[test]
    fn unknown_kind_table_is_an_error_with_its_line() {
        let e = error("kinds = [\"cpr\"]\n[kind.cpf]\nenabled = true\n");
        assert!(e.starts_with("cprscan.toml:"), "{e}");
        assert!(e.contains("kind.cpf") && e.contains("unknown kind"), "{e}");
        let line: usize = e.split(':').nth(1).unwrap().parse().unwrap();
        assert!((2..=3).contains(&line), "{e}");
    }

    #[test]
    fn unknown_kind_in_selection_is_an_error() {
        let e = error("kinds = [\"cpr\", \"pasport\"]\n");
        assert!(e.starts_with("cprscan.toml:1: kinds:"), "{e}");
    }

    #[test]
    fn bad_confidence_and_validate_values_are_errors() {
        let e = error("[kind.cpr]\nmin_confidence = \"sure\"\n");
        assert!(
            e.starts_with("cprscan.toml:2: kind.cpr.min_confidence"),
            "{e}"
        );
        let e = error("[[rule]]\nid = \"a\"\nregex = 'a'\nvalidate = \"crc\"\n");
        assert!(e.starts_with("cprscan.toml:4: rule[0].validate"), "{e}");
    }

    #[test]
    fn duplicate_rule_id_is_an_error() {
        let e = error("[[rule]]\nid = \"a\"\nregex = 'a'\n[[rule]]\nid = \"a\"\nregex = 'b'\n");
        assert!(
            e.starts_with("cprscan.toml:5: rule[1].id") && e.contains("duplicate"),
            "{e}"
        );
    }

    #[test]
    fn user_rule_cannot_report_as_a_built_in_kind() {
        let e = error("[[rule]]\nid = \"a\"\nkind = \"cpr\"\nregex = 'a'\n");
        assert!(e.contains("rule[0].kind") && e.contains("built-in"), "{e}");
    }

    #[test]
    fn malformed_fingerprint_is_an_error() {
        let e = error("[allow]\nfingerprints = [\"0101901238\"]\n");
        assert!(e.starts_with("cprscan.toml:2: allow.fingerprints"), "{e}");
    }

    #[test]
    fn missing_file_is_an_error_naming_it() {
        let e = Settings::load(Path::new("/nonexistent/cprscan.toml")).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("/nonexistent/cprscan.toml: cannot read"));
    }

    #[test]
    fn applied_settings_reach_the_scanner() {
        let s = parse(FULL).unwrap();
        let mut b = ScannerBuilder::new();
        b.today(crate::date::Date::new(2026, 11, 23).unwrap())
            .kinds(s.kinds(None));
        s.apply(&mut b);
        let found = b
            .build()
            .scan_all(b"owner EMP-123455 and medlemsnr 010190-1238\n");
        let names: Vec<&str> = found.iter().map(|f| f.kind_name()).collect();
        assert_eq!(names, ["employee-id", "cpr"]);
        assert_eq!(found[1].confidence, Confidence::High);
    }
}
