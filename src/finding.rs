//! What a scan reports: a [`Finding`] is a span of the input with a kind, a confidence and the
//! reasons behind that confidence. Findings carry the raw matched bytes because sinks need them
//! (masking, fingerprints, `--show-values`), but no formatting impl ever prints them: `Debug`
//! shows the masked form only, so a finding in a panic message or a log line cannot leak.

use std::fmt;
use std::sync::Arc;

use crate::mask;

/// The kind of personal data a finding is. The declaration order is the strength order used
/// when two kinds claim overlapping spans: the earlier kind (the stronger validation) wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An IBAN: registry length and ISO 7064 mod 97.
    Iban,
    /// A payment card number: Luhn and a known issuer prefix.
    Card,
    /// A Danish CPR number (personnummer).
    Cpr,
    /// A substitute CPR number (day + 60) or a health-sector eCPR (letters in the serial).
    CprSubstitute,
    /// An e-mail address.
    Email,
    /// A Danish company number (CVR): modulus 11, with context or in `DK12345678` VAT form.
    Cvr,
    /// A phone number: Danish (`+45`, or 8 digits with context) or international `+CC`.
    Phone,
    /// A Danish bank account (reg.nr + account), with context only.
    BankAccount,
    /// A passport number (9 digits), with context only.
    Passport,
    /// A driving licence number (8 digits), with context only.
    DrivingLicence,
    /// An IPv4 or IPv6 address.
    Ip,
    /// A match of a user rule from the configuration file (`[[rule]]`); the weakest kind, so a
    /// loose user pattern never hides a validated built-in finding. [`Finding::rule`] names it.
    Custom,
}

impl Kind {
    /// Every kind, strongest first.
    pub const ALL: &'static [Kind] = &[
        Kind::Iban,
        Kind::Card,
        Kind::Cpr,
        Kind::CprSubstitute,
        Kind::Email,
        Kind::Cvr,
        Kind::Phone,
        Kind::BankAccount,
        Kind::Passport,
        Kind::DrivingLicence,
        Kind::Ip,
        Kind::Custom,
    ];

    /// The stable name used in output and on the command line.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Iban => "iban",
            Kind::Card => "card",
            Kind::Cpr => "cpr",
            Kind::CprSubstitute => "cpr-substitute",
            Kind::Email => "email",
            Kind::Cvr => "cvr",
            Kind::Phone => "phone",
            Kind::BankAccount => "bank-account",
            Kind::Passport => "passport",
            Kind::DrivingLicence => "driving-licence",
            Kind::Ip => "ip",
            Kind::Custom => "custom",
        }
    }

    /// The kind named `name` (as in output), if any.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == name)
    }

    /// Whether a scan looks for this kind when `--kinds` is not given.
    pub fn on_by_default(self) -> bool {
        matches!(
            self,
            Kind::Cpr
                | Kind::CprSubstitute
                | Kind::Email
                | Kind::Phone
                | Kind::Iban
                | Kind::Card
                | Kind::Custom
        )
    }

    /// One line for `cprscan kinds`.
    pub fn description(self) -> &'static str {
        match self {
            Kind::Iban => "IBAN of any SWIFT-registry country: fixed length per country, mod 97",
            Kind::Card => {
                "payment card number: 13-19 digits, Luhn, known issuer prefix (Dankort too)"
            }
            Kind::Cpr => {
                "Danish CPR number: century table, real date, mod 11 with exception dates, context"
            }
            Kind::CprSubstitute => "substitute CPR (day + 60) and health-sector eCPR with letters",
            Kind::Email => "e-mail address with a real top-level domain shape",
            Kind::Cvr => "Danish CVR company number: mod 11, with context or as DK12345678",
            Kind::Phone => "phone number: +45/0045/(+45) Danish, 8 digits with context, or +CC",
            Kind::BankAccount => "Danish bank account: reg.nr + account number, with context only",
            Kind::Passport => "passport number: 9 digits, with context only",
            Kind::DrivingLicence => "driving licence number: 8 digits, with context only",
            Kind::Ip => {
                "IPv4 or IPv6 address (personal data under EU case law; noisy outside logs)"
            }
            Kind::Custom => "your own rules ([[rule]] in cprscan.toml), reported by their kind",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure the scanner is that a span is personal data. Ordered: `Low < Medium < High`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub const fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// Parses `low`, `medium` or `high` (case-insensitive).
    pub fn parse(s: &str) -> Option<Confidence> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason behind a finding's confidence. Its string form is part of the output schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The digits form a real, past calendar date under the century rules.
    Date,
    /// The modulus 11 check passes.
    Mod11,
    /// The check fails, but the birth date is on the CPR Office's list of dates for which
    /// numbers without the check are issued.
    ExceptionDate,
    /// The check fails on a 1 January that is not (yet) on the list: possibly exempt.
    Jan1PossiblyExempt,
    /// The check fails and the date is not exempt.
    NoMod11,
    /// Written with a separator between date and serial (`DDMMYY-SSSS`).
    Separator,
    /// A positive context word nearby; holds the word's canonical form.
    Context(&'static str),
    /// A negative context word nearby (another identifier's name); holds the canonical form.
    ContextNeg(&'static str),
    /// A kind-specific check or shape that held, e.g. `luhn`, `mod97`, `issuer:dankort`.
    Rule(&'static str),
    /// The name of the cell's column (a database column, a CSV header) holds a positive
    /// context word; holds the word's canonical form.
    Column(&'static str),
    /// The column's name holds a negative context word (another identifier's name).
    ColumnNeg(&'static str),
    /// A 9-digit number stored as a number: checked with its leading zero restored.
    IntLeadingZero,
}

impl serde::Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Date => f.write_str("date"),
            Reason::Mod11 => f.write_str("mod11"),
            Reason::ExceptionDate => f.write_str("exception-date"),
            Reason::Jan1PossiblyExempt => f.write_str("jan1-possibly-exempt"),
            Reason::NoMod11 => f.write_str("no-mod11"),
            Reason::Separator => f.write_str("separator"),
            Reason::Context(w) => write!(f, "context:{w}"),
            Reason::ContextNeg(w) => write!(f, "context-neg:{w}"),
            Reason::Rule(r) => f.write_str(r),
            Reason::Column(w) => write!(f, "column:{w}"),
            Reason::ColumnNeg(w) => write!(f, "column-neg:{w}"),
            Reason::IntLeadingZero => f.write_str("int-leading-zero"),
        }
    }
}

/// The reasons behind a finding's confidence, in order. Up to [`Reasons::INLINE`] are held
/// inline (every built-in kind gives at most six), so a candidate or a finding allocates none;
/// more spill to the heap. Reads as a slice of [`Reason`].
#[derive(Clone)]
pub struct Reasons(Store);

#[derive(Clone)]
enum Store {
    Inline(u8, [Reason; Reasons::INLINE]),
    Heap(Vec<Reason>),
}

impl Reasons {
    pub const INLINE: usize = 6;

    pub const fn new() -> Reasons {
        Reasons(Store::Inline(0, [Reason::Date; Reasons::INLINE]))
    }

    pub fn push(&mut self, reason: Reason) {
        match &mut self.0 {
            Store::Inline(len, items) if usize::from(*len) < Reasons::INLINE => {
                items[usize::from(*len)] = reason;
                *len += 1;
            }
            Store::Inline(len, items) => {
                let mut heap = items[..usize::from(*len)].to_vec();
                heap.push(reason);
                self.0 = Store::Heap(heap);
            }
            Store::Heap(heap) => heap.push(reason),
        }
    }

    pub fn clear(&mut self) {
        *self = Reasons::new();
    }
}

impl Default for Reasons {
    fn default() -> Self {
        Reasons::new()
    }
}

impl std::ops::Deref for Reasons {
    type Target = [Reason];

    fn deref(&self) -> &[Reason] {
        match &self.0 {
            Store::Inline(len, items) => &items[..usize::from(*len)],
            Store::Heap(heap) => heap,
        }
    }
}

impl Extend<Reason> for Reasons {
    fn extend<I: IntoIterator<Item = Reason>>(&mut self, iter: I) {
        for r in iter {
            self.push(r);
        }
    }
}

impl FromIterator<Reason> for Reasons {
    fn from_iter<I: IntoIterator<Item = Reason>>(iter: I) -> Self {
        let mut out = Reasons::new();
        out.extend(iter);
        out
    }
}

impl<const N: usize> From<[Reason; N]> for Reasons {
    fn from(items: [Reason; N]) -> Self {
        items.into_iter().collect()
    }
}

impl From<Vec<Reason>> for Reasons {
    fn from(items: Vec<Reason>) -> Self {
        items.into_iter().collect()
    }
}

impl PartialEq for Reasons {
    fn eq(&self, other: &Reasons) -> bool {
        **self == **other
    }
}

impl Eq for Reasons {}

impl PartialEq<Vec<Reason>> for Reasons {
    fn eq(&self, other: &Vec<Reason>) -> bool {
        **self == **other
    }
}

impl<const N: usize> PartialEq<[Reason; N]> for Reasons {
    fn eq(&self, other: &[Reason; N]) -> bool {
        **self == other[..]
    }
}

impl fmt::Debug for Reasons {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Reasons {
    type Item = &'a Reason;
    type IntoIter = std::slice::Iter<'a, Reason>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Why a finding is accepted rather than a problem: it is still counted (and listed in SARIF
/// as suppressed) but does not fail a gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Suppression {
    /// A `cprscan:ignore` marker on its line or `cprscan:ignore-next-line` on the line before.
    Inline,
    /// In the baseline given with `--baseline`.
    Baseline,
}

/// The user rule behind a [`Kind::Custom`] finding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleTag {
    /// The rule's `id`, unique in its configuration.
    pub id: String,
    /// The kind name its findings are reported under (the rule's `kind`, or its id).
    pub kind: String,
}

/// A detected span. `offset` is the 0-based byte offset of the span in the whole file or
/// stream, `line` and `column` are 1-based (column counts bytes); both are filled in by the
/// search driver, which alone knows where the scanned slice sits in its input.
#[derive(Clone, PartialEq, Eq)]
pub struct Finding {
    pub offset: u64,
    pub len: u32,
    pub line: u64,
    pub column: u64,
    pub kind: Kind,
    pub confidence: Confidence,
    pub reasons: Reasons,
    /// A snippet of the line around the finding with every detected span masked
    /// (`--context N`); `None` unless asked for.
    pub context: Option<String>,
    /// The user rule that found a [`Kind::Custom`] finding; `None` for built-in kinds.
    pub rule: Option<Arc<RuleTag>>,
    /// Set when the finding is accepted (inline marker, baseline).
    pub suppressed: Option<Suppression>,
    /// Not a finding but a candidate that lost to an overlapping one, at or above the threshold:
    /// only a scanner [covering overlaps](crate::Scanner::covering_overlaps) yields these, for
    /// `cprscan redact` to hide its bytes too. Never reported.
    pub overlap_loser: bool,
    value: Value,
}

/// A finding's matched bytes: held inline up to [`Value::INLINE`] bytes (every CPR number, phone,
/// card and IBAN, most e-mail addresses), so a finding costs no allocation for them.
#[derive(Clone)]
enum Value {
    Inline { len: u8, bytes: [u8; Value::INLINE] },
    Heap(Box<[u8]>),
}

impl Value {
    const INLINE: usize = 46;

    fn new(value: &[u8]) -> Value {
        if value.len() <= Value::INLINE {
            let mut bytes = [0; Value::INLINE];
            bytes[..value.len()].copy_from_slice(value);
            Value::Inline {
                len: value.len() as u8,
                bytes,
            }
        } else {
            Value::Heap(value.into())
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Value::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Value::Heap(b) => b,
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Value {}

impl Finding {
    /// A finding over `value`, the exact bytes of the span, at `offset`.
    pub fn new(
        offset: u64,
        kind: Kind,
        confidence: Confidence,
        reasons: impl Into<Reasons>,
        value: &[u8],
    ) -> Finding {
        Finding {
            offset,
            len: value.len() as u32,
            line: 0,
            column: 0,
            kind,
            confidence,
            reasons: reasons.into(),
            context: None,
            rule: None,
            suppressed: None,
            overlap_loser: false,
            value: Value::new(value),
        }
    }

    /// The raw matched bytes. Callers must not print them unless the user asked for raw
    /// values (`--show-values`).
    pub fn raw_value(&self) -> &[u8] {
        self.value.as_bytes()
    }

    /// The kind name reported in output: the built-in kind's name, or a user rule's kind.
    pub fn kind_name(&self) -> &str {
        match &self.rule {
            Some(tag) => &tag.kind,
            None => self.kind.as_str(),
        }
    }

    /// The value with its identifying part masked, layout kept (`010190-****`).
    pub fn masked(&self) -> String {
        mask::mask(self.kind, self.value.as_bytes())
    }

    /// The end offset (exclusive) of the span.
    pub fn end(&self) -> u64 {
        self.offset + u64::from(self.len)
    }
}

impl fmt::Debug for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Finding")
            .field("offset", &self.offset)
            .field("len", &self.len)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("kind", &self.kind_name())
            .field("confidence", &self.confidence)
            .field("reasons", &self.reasons)
            .field("masked", &self.masked())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_orders_low_below_high() {
        assert!(Confidence::Low < Confidence::Medium);
        assert!(Confidence::Medium < Confidence::High);
    }

    #[test]
    fn debug_output_never_shows_the_raw_value() {
        let f = Finding::new(0, Kind::Cpr, Confidence::High, vec![], b"010190-1236");
        let dbg = format!("{f:?}");
        assert!(!dbg.contains("1236"), "{dbg}");
        assert!(dbg.contains("010190-****"), "{dbg}");
    }

    #[test]
    fn reasons_keep_order_inline_and_past_the_inline_count() {
        let all = [
            Reason::Date,
            Reason::Mod11,
            Reason::Separator,
            Reason::Context("cpr"),
            Reason::ContextNeg("ordre"),
            Reason::Rule("a"),
            Reason::Rule("b"),
            Reason::NoMod11,
            Reason::ExceptionDate,
        ];
        for n in 0..=all.len() {
            let mut r = Reasons::new();
            for &x in &all[..n] {
                r.push(x);
            }
            assert_eq!(&*r, &all[..n]);
            assert_eq!(r, all[..n].to_vec());
            assert_eq!(r.clone(), Reasons::from(all[..n].to_vec()));
            r.clear();
            assert!(r.is_empty());
        }
    }

    #[test]
    fn values_of_every_length_read_back_whole() {
        for len in 0..=Value::INLINE + 3 {
            let value: Vec<u8> = (0..len).map(|i| b'0' + (i % 10) as u8).collect();
            let f = Finding::new(0, Kind::Custom, Confidence::Low, vec![], &value);
            assert_eq!(f.raw_value(), value.as_slice());
            assert_eq!(f.clone(), f);
        }
        let a = Finding::new(0, Kind::Custom, Confidence::Low, vec![], b"12");
        let b = Finding::new(0, Kind::Custom, Confidence::Low, vec![], b"13");
        assert_ne!(a, b);
    }

    #[test]
    fn reasons_render_with_schema_names() {
        assert_eq!(Reason::Context("cpr-nr").to_string(), "context:cpr-nr");
        assert_eq!(
            Reason::ContextNeg("faktura").to_string(),
            "context-neg:faktura"
        );
        assert_eq!(
            Reason::Jan1PossiblyExempt.to_string(),
            "jan1-possibly-exempt"
        );
    }
}
