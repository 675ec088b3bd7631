//! Allowlisted values (`[allow] values` and `fingerprints` in `cprscan.toml`): the synthetic
//! numbers a fixture suite uses on purpose, or accepted findings known only by fingerprint.
//! A value is compared after the same normalisation fingerprints use, so `010190-1238` also
//! allows `0101901238`, and a phone number with or without `+45`.

use std::collections::HashSet;

use crate::finding::Kind;
use crate::fingerprint::{normalise, Fingerprinter};

/// Values and fingerprints a scan does not report.
#[derive(Clone, Debug, Default)]
pub struct AllowValues {
    values: HashSet<(Kind, Vec<u8>)>,
    fingerprints: HashSet<String>,
    fingerprinter: Option<Fingerprinter>,
}

impl AllowValues {
    /// Fingerprints need the key they were made with.
    pub fn new(
        values: &[String],
        fingerprints: &[String],
        fingerprinter: Option<Fingerprinter>,
    ) -> Result<AllowValues, String> {
        if !fingerprints.is_empty() && fingerprinter.is_none() {
            return Err("allowlisted fingerprints need the key they were made with \
                        (--key-file or CPRSCAN_KEY)"
                .into());
        }
        let mut set = HashSet::new();
        for v in values {
            for &kind in Kind::ALL {
                let norm = normalise(kind, v.trim().as_bytes());
                if !norm.is_empty() {
                    set.insert((kind, norm));
                }
            }
        }
        Ok(AllowValues {
            values: set,
            fingerprints: fingerprints
                .iter()
                .map(|f| f.trim().to_ascii_lowercase())
                .collect(),
            fingerprinter,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.fingerprints.is_empty()
    }

    /// Whether a value of `kind`, reported as `kind_name`, is allowlisted.
    pub fn allows(&self, kind: Kind, kind_name: &str, raw: &[u8]) -> bool {
        if !self.values.is_empty() && self.values.contains(&(kind, normalise(kind, raw))) {
            return true;
        }
        match &self.fingerprinter {
            Some(fp) if !self.fingerprints.is_empty() => self
                .fingerprints
                .contains(&fp.fingerprint_as(kind_name, kind, raw)),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_allows_every_way_of_writing_it() {
        let allow = AllowValues::new(&["010190-1238".into()], &[], None).unwrap();
        assert!(allow.allows(Kind::Cpr, "cpr", b"0101901238"));
        assert!(allow.allows(Kind::Cpr, "cpr", b"010190 1238"));
        assert!(!allow.allows(Kind::Cpr, "cpr", b"0101901239"));
    }

    #[test]
    fn phone_value_allows_it_with_country_code() {
        let allow = AllowValues::new(&["12 34 56 78".into()], &[], None).unwrap();
        assert!(allow.allows(Kind::Phone, "phone", b"+45 12345678"));
    }

    #[test]
    fn fingerprint_allows_with_the_same_key_only() {
        let key = Fingerprinter::new(b"key").unwrap();
        let fp = key.fingerprint(Kind::Cpr, b"0101901238");
        let allow = AllowValues::new(&[], &[fp.to_uppercase()], Some(key)).unwrap();
        assert!(allow.allows(Kind::Cpr, "cpr", b"010190-1238"));
        assert!(!allow.allows(Kind::Phone, "phone", b"0101901238"));
        let other = Fingerprinter::new(b"other").unwrap();
        let allow = AllowValues::new(&[], &[fp], Some(other)).unwrap();
        assert!(!allow.allows(Kind::Cpr, "cpr", b"0101901238"));
    }

    #[test]
    fn fingerprints_without_a_key_are_an_error() {
        assert!(AllowValues::new(&[], &["fc7f86d5d07a892c".into()], None).is_err());
    }
}
