//! Keyed fingerprints of found values (`shared/reference/cpr.md` §7): HMAC-SHA256 over the kind
//! and the normalised value, truncated. The same value and key give the same fingerprint across
//! files, runs and machines, so findings can be deduplicated and baselined without storing the
//! value; without the key it cannot be reversed. A plain hash would not do: there are only a few
//! million valid CPR numbers a year, and a hash of each is computed in seconds.

use std::path::Path;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::finding::{Finding, Kind};

/// Hex digits kept of the MAC: 64 bits, ample to tell a review's values apart.
pub const HEX_LEN: usize = 16;

/// The environment variable holding the key when no key file is given.
pub const KEY_ENV: &str = "CPRSCAN_KEY";

/// Computes fingerprints with one secret key.
#[derive(Clone)]
pub struct Fingerprinter {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fingerprinter { key: <hidden> }")
    }
}

impl Fingerprinter {
    /// A fingerprinter with `key`, which must not be empty.
    pub fn new(key: &[u8]) -> Result<Fingerprinter, String> {
        if key.is_empty() {
            return Err("the fingerprint key is empty".into());
        }
        let mac = Hmac::<Sha256>::new_from_slice(key).map_err(|e| e.to_string())?;
        Ok(Fingerprinter { mac })
    }

    /// The key from `key_file` if given, else from `CPRSCAN_KEY`; `None` when neither is set.
    /// Surrounding whitespace (a trailing newline) is not part of the key.
    pub fn from_file_or_env(key_file: Option<&Path>) -> Result<Option<Fingerprinter>, String> {
        let key = match key_file {
            Some(path) => std::fs::read(path)
                .map_err(|e| format!("cannot read key file {}: {e}", path.display()))?,
            None => match std::env::var_os(KEY_ENV) {
                Some(v) => v.into_encoded_bytes(),
                None => return Ok(None),
            },
        };
        Fingerprinter::new(key.trim_ascii()).map(Some)
    }

    /// The fingerprint of a value of `kind` as found (`raw`), in lower-case hex.
    pub fn fingerprint(&self, kind: Kind, raw: &[u8]) -> String {
        self.keyed(kind.as_str(), &normalise(kind, raw))
    }

    /// The fingerprint of a finding, under the kind name it is reported with (a user rule's
    /// kind for custom findings).
    pub fn fingerprint_of(&self, f: &Finding) -> String {
        self.fingerprint_as(f.kind_name(), f.kind, f.raw_value())
    }

    /// The fingerprint of a value of `kind` reported under `kind_name`.
    pub fn fingerprint_as(&self, kind_name: &str, kind: Kind, raw: &[u8]) -> String {
        self.keyed(kind_name, &normalise(kind, raw))
    }

    fn keyed(&self, kind_name: &str, normalised: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(kind_name.as_bytes());
        mac.update(b":");
        mac.update(normalised);
        let digest = mac.finalize().into_bytes();
        digest[..HEX_LEN / 2]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The value without its layout, so every way of writing it fingerprints the same: digits
/// only for number kinds (a Danish phone number without its +45/0045 prefix), upper-case
/// alphanumerics for IBAN and eCPR, lower case for e-mail addresses and IPs.
pub fn normalise(kind: Kind, raw: &[u8]) -> Vec<u8> {
    match kind {
        Kind::Email | Kind::Ip => raw.to_ascii_lowercase(),
        Kind::Iban | Kind::CprSubstitute | Kind::Custom => raw
            .iter()
            .filter(|b| b.is_ascii_alphanumeric())
            .map(u8::to_ascii_uppercase)
            .collect(),
        Kind::Phone => {
            let digits: Vec<u8> = raw.iter().copied().filter(u8::is_ascii_digit).collect();
            let international = raw.contains(&b'+') || digits.starts_with(b"00");
            match digits.as_slice() {
                [b'4', b'5', rest @ ..] if rest.len() == 8 && international => rest.to_vec(),
                [b'0', b'0', b'4', b'5', rest @ ..] if rest.len() == 8 => rest.to_vec(),
                _ => digits,
            }
        }
        _ => raw.iter().copied().filter(u8::is_ascii_digit).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(key: &[u8], kind: Kind, raw: &str) -> String {
        Fingerprinter::new(key)
            .unwrap()
            .fingerprint(kind, raw.as_bytes())
    }

    #[test]
    fn same_value_written_differently_has_one_fingerprint() {
        let a = fp(b"k", Kind::Cpr, "010190-1238");
        assert_eq!(a, fp(b"k", Kind::Cpr, "0101901238"));
        assert_eq!(a, fp(b"k", Kind::Cpr, "010190\u{2011}1238"));
        assert_eq!(a.len(), HEX_LEN);
    }

    #[test]
    fn different_key_value_or_kind_changes_the_fingerprint() {
        let a = fp(b"k", Kind::Cpr, "0101901238");
        assert_ne!(a, fp(b"other", Kind::Cpr, "0101901238"));
        assert_ne!(a, fp(b"k", Kind::Cpr, "0101901239"));
        assert_ne!(a, fp(b"k", Kind::Phone, "0101901238"));
    }

    #[test]
    fn fingerprint_is_pinned_so_baselines_survive_upgrades() {
        // HMAC-SHA256(key "key", "cpr:0101901238"), first 8 bytes, computed independently
        // (Python's hmac module). A change of algorithm or normalisation would invalidate every
        // baseline; it must not pass unnoticed.
        assert_eq!(fp(b"key", Kind::Cpr, "010190-1238"), "fc7f86d5d07a892c");
    }

    #[test]
    fn danish_phone_prefixes_normalise_away() {
        assert_eq!(normalise(Kind::Phone, b"+45 12 34 56 78"), b"12345678");
        assert_eq!(normalise(Kind::Phone, b"0045 12345678"), b"12345678");
        assert_eq!(normalise(Kind::Phone, b"12 34 56 78"), b"12345678");
        assert_eq!(normalise(Kind::Phone, b"+46 8 123 456 78"), b"46812345678");
    }

    #[test]
    fn email_and_iban_normalise_case_and_spaces() {
        assert_eq!(
            normalise(Kind::Email, b"Jens@Example.DK"),
            b"jens@example.dk"
        );
        assert_eq!(
            normalise(Kind::Iban, b"dk50 0040 0440 1162 43"),
            b"DK5000400440116243"
        );
    }

    #[test]
    fn empty_key_is_rejected_and_debug_hides_the_key() {
        assert!(Fingerprinter::new(b"").is_err());
        let f = Fingerprinter::new(b"secret").unwrap();
        assert!(!format!("{f:?}").contains("secret"));
    }
}
