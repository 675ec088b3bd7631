//! IP addresses: personal data under EU case law (Breyer, C-582/14), useful in log reviews and
//! noisy elsewhere, so the kind is off by default. IPv4 is anchored on digit runs, IPv6 on `:`;
//! both are parsed by the standard library once the token's shape allows.
//!
//! Confidence: a public address is medium; private, loopback, link-local, documentation and
//! other special addresses are low (they rarely identify a person). A version word nearby
//! (`version 1.2.3.4`) makes it low.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::context::{neg, Word};
use crate::finding::{Confidence, Reason, Reasons};

use super::{Context, Match};

pub const WORDS: &[Word] = &[
    neg("version", true),
    neg("ver", false),
    neg("build", true),
    neg("oid", false),
    neg("snmp", true),
];

fn is_ipv4_byte(b: u8) -> bool {
    b.is_ascii_digit() || b == b'.'
}

/// An IPv4 address in dotted decimal starting at the digit run `hay[start..end]`.
pub fn ipv4_at(hay: &[u8], start: usize, end: usize, ctx: Context) -> Option<Match> {
    if end - start > 3 || hay.get(end) != Some(&b'.') {
        return None;
    }
    if start > 0 && (hay[start - 1].is_ascii_alphanumeric() || hay[start - 1] == b'.') {
        return None;
    }
    let token_end = start
        + hay[start..]
            .iter()
            .take(16)
            .position(|&b| !is_ipv4_byte(b))
            .unwrap_or(hay.len().min(start + 16) - start);
    let mut token_end = token_end;
    // A sentence-ending dot is not part of the address.
    while token_end > start && hay[token_end - 1] == b'.' {
        token_end -= 1;
    }
    if hay
        .get(token_end)
        .is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    let text = std::str::from_utf8(&hay[start..token_end]).ok()?;
    let addr: Ipv4Addr = text.parse().ok()?;
    let special = addr.is_private()
        || addr.is_loopback()
        || addr.is_link_local()
        || addr.is_unspecified()
        || addr.is_broadcast()
        || addr.is_documentation()
        || addr.octets()[0] >= 224;
    Some(finish(start, token_end, "ipv4", special, ctx))
}

fn is_ipv6_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b':' || b == b'.'
}

/// An IPv6 address containing the `:` at `colon`. Only the first `:` of a token produces a
/// match, so a token is parsed once.
pub fn ipv6_at(hay: &[u8], colon: usize, ctx: Context) -> Option<Match> {
    let mut start = colon;
    while start > 0 && is_ipv6_byte(hay[start - 1]) && colon - start < 45 {
        start -= 1;
    }
    if hay[start..colon].contains(&b':') {
        return None;
    }
    if start > 0 && (hay[start - 1].is_ascii_alphanumeric() || hay[start - 1] == b'.') {
        return None;
    }
    let mut end = colon;
    while end < hay.len() && is_ipv6_byte(hay[end]) && end - start < 45 {
        end += 1;
    }
    while end > colon + 1 && hay[end - 1] == b'.' {
        end -= 1;
    }
    if hay.get(end).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let text = std::str::from_utf8(&hay[start..end]).ok()?;
    if text.bytes().filter(|&b| b == b':').count() < 2 {
        return None;
    }
    let addr: Ipv6Addr = text.parse().ok()?;
    if addr.is_unspecified() {
        // `::` is "no address": nothing to protect, and nothing a mask could hide.
        return None;
    }
    let seg0 = addr.segments()[0];
    let special = addr.is_loopback()
        || addr.is_unspecified()
        || (seg0 & 0xffc0) == 0xfe80
        || (seg0 & 0xfe00) == 0xfc00
        || seg0 == 0x2001 && addr.segments()[1] == 0x0db8
        || addr.segments()[..6] == [0; 6];
    Some(finish(start, end, "ipv6", special, ctx))
}

fn finish(start: usize, end: usize, rule: &'static str, special: bool, ctx: Context) -> Match {
    let mut reasons = Reasons::from([Reason::Rule(rule)]);
    let mut confidence = if special {
        reasons.push(Reason::Rule("special-range"));
        Confidence::Low
    } else {
        reasons.push(Reason::Rule("public"));
        Confidence::Medium
    };
    if let Some(w) = ctx(start, end).negative {
        reasons.push(Reason::ContextNeg(w));
        confidence = Confidence::Low;
    }
    Match {
        start,
        end,
        confidence,
        reasons,
    }
}

/// Masks an address, keeping the network part: the first two IPv4 octets, at most the first two
/// IPv6 groups. The last group is always masked, so a short address (`2a00::1`) never shows
/// whole.
pub fn mask(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    let sep = if text.contains(':') { ':' } else { '.' };
    let groups = text.split(sep).filter(|g| !g.is_empty()).count();
    let keep = groups.saturating_sub(1).min(2);
    let mut kept = 0;
    text.split(sep)
        .map(|part| {
            if part.is_empty() {
                String::new()
            } else if kept < keep {
                kept += 1;
                part.to_string()
            } else {
                "*".to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(&sep.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextMatcher;

    fn v4(text: &str) -> Option<(usize, usize, Confidence)> {
        let m = ContextMatcher::new(WORDS);
        let hay = text.as_bytes();
        let ctx = |s: usize, e: usize| m.nearby(hay, s, e);
        let start = crate::digits::find_class(hay, 0, true);
        let end = crate::digits::find_class(hay, start, false);
        ipv4_at(hay, start, end, &ctx).map(|m| (m.start, m.end, m.confidence))
    }

    fn v6(text: &str) -> Option<(usize, usize, Confidence)> {
        let m = ContextMatcher::new(WORDS);
        let hay = text.as_bytes();
        let ctx = |s: usize, e: usize| m.nearby(hay, s, e);
        let colon = text.find(':')?;
        ipv6_at(hay, colon, &ctx).map(|m| (m.start, m.end, m.confidence))
    }

    #[test]
    fn public_ipv4_is_medium_private_is_low() {
        assert_eq!(
            v4("from 85.203.10.7 got"),
            Some((5, 16, Confidence::Medium))
        );
        assert_eq!(v4("from 192.168.1.20"), Some((5, 17, Confidence::Low)));
        assert_eq!(v4("127.0.0.1"), Some((0, 9, Confidence::Low)));
    }

    #[test]
    fn ipv4_rejects_out_of_range_and_wrong_shapes() {
        assert_eq!(v4("256.1.1.1"), None);
        assert_eq!(v4("1.2.3"), None);
        assert_eq!(v4("1.2.3.4.5"), None);
        assert_eq!(v4("v1.2.3.4"), None);
        assert_eq!(v4("01.2.3.4"), None, "leading zeros are ambiguous");
    }

    #[test]
    fn ipv4_sentence_dot_is_not_part_of_the_address() {
        assert_eq!(v4("ip 85.203.10.7."), Some((3, 14, Confidence::Medium)));
    }

    #[test]
    fn version_word_makes_ipv4_low() {
        assert_eq!(v4("version 85.203.10.7"), Some((8, 19, Confidence::Low)));
    }

    #[test]
    fn ipv6_full_and_compressed_forms() {
        assert_eq!(
            v6("src=2a02:ff0:1:2::7 ok"),
            Some((4, 19, Confidence::Medium))
        );
        assert_eq!(v6("fe80::1"), Some((0, 7, Confidence::Low)));
        assert_eq!(v6("::1"), Some((0, 3, Confidence::Low)));
        assert_eq!(
            v6("addr :: x"),
            None,
            "the unspecified address is no finding"
        );
    }

    #[test]
    fn timestamps_macs_and_code_are_not_ipv6() {
        assert_eq!(v6("12:34:56"), None);
        assert_eq!(v6("00:1a:2b:3c:4d:5e"), None);
        assert_eq!(v6("std::vector"), None);
        assert_eq!(v6("a:b"), None);
    }

    #[test]
    fn masks_keep_the_network_part() {
        assert_eq!(mask(b"85.203.10.7"), "85.203.*.*");
        assert_eq!(mask(b"2a02:ff0:1:2::7"), "2a02:ff0:*:*::*");
        assert_eq!(mask(b"2a00::1"), "2a00::*");
        assert_eq!(mask(b"::1"), "::*");
    }
}
