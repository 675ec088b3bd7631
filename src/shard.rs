//! Deterministic shards: which part of a walk one of N cooperating runs scans (`--shard K/N`),
//! and how files larger than `--split-size` are cut into byte ranges that go to shards on
//! their own.
//!
//! The split is a pure function of the path relative to the scan root, so every machine that
//! sees the same tree computes the same split, and other tools can compute it too
//! (`docs/sharding.md`):
//!
//! - the key of a walked file is its path relative to the root named on the command line (or
//!   in `--files-from`), its components joined with `/`, as raw bytes (no `./`, no trailing
//!   `/`); a root that is itself a file has the path as given as its key, with `.` components
//!   dropped and `//` collapsed;
//! - `h = FNV-1a 64(key)` (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`);
//! - a file of `len` bytes has `ranges = max(1, ceil(len / split_size))` byte ranges
//!   `[i * split_size, min((i + 1) * split_size, len))`; range `i` belongs to shard
//!   `(h mod N + i) mod N`. A file not bigger than the split size is range 0 alone, so it goes
//!   to shard `h mod N`; the ranges of a big file go round the shards, one after the other.
//!
//! Every range has exactly one owner, so the N shards are disjoint and together cover the walk.

use std::ops::Range;
use std::path::{Component, Path};

/// `--split-size` when not given: 1 GiB.
pub const DEFAULT_SPLIT_SIZE: u64 = 1 << 30;

/// One of N shards: `--shard K/N`, K 0-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` with `0 <= K < N`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("not a shard: {s:?} (write K/N, e.g. 0/4)"))?;
        let index: u64 = k
            .trim()
            .parse()
            .map_err(|_| format!("not a shard index: {k:?} in {s:?}"))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("not a shard count: {n:?} in {s:?}"))?;
        if count == 0 {
            return Err(format!("shard count must be at least 1: {s:?}"));
        }
        if index >= count {
            return Err(format!(
                "shard index must be below the count (0-based: 0/{count} .. {}/{count}): {s:?}",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }
}

/// How a run splits its work with other runs: everything (the default), or one shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub shard: Option<Shard>,
    /// Files bigger than this are cut into ranges of this size (only when sharded).
    pub split_size: u64,
}

impl Default for Plan {
    fn default() -> Plan {
        Plan {
            shard: None,
            split_size: DEFAULT_SPLIT_SIZE,
        }
    }
}

/// What part of one file a shard scans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Share {
    /// None of it.
    Nothing,
    /// All of it, as an unsharded run would.
    Whole,
    /// These byte ranges (in order); `first` says whether range 0 is among them (its owner
    /// counts the file in the summary, and scans it whole when it cannot be split).
    Ranges {
        ranges: Vec<Range<u64>>,
        first: bool,
    },
}

impl Plan {
    /// Whether this run owns a record keyed `key` that is not about a file's bytes (a skip,
    /// a walk error, a stream, a database).
    pub fn owns(&self, key: &[u8]) -> bool {
        self.shard.is_none_or(|s| owner(key, 0, s.count) == s.index)
    }

    /// What this run scans of a file keyed `key` that is `len` bytes long.
    pub fn share(&self, key: &[u8], len: u64) -> Share {
        let Some(shard) = self.shard else {
            return Share::Whole;
        };
        let split = self.split_size.max(1);
        if len <= split {
            return if owner(key, 0, shard.count) == shard.index {
                Share::Whole
            } else {
                Share::Nothing
            };
        }
        let h = fnv1a64(key) % shard.count;
        let ranges: Vec<Range<u64>> = (0..len.div_ceil(split))
            .filter(|i| (h + i % shard.count) % shard.count == shard.index)
            .map(|i| i * split..((i + 1) * split).min(len))
            .collect();
        if ranges.is_empty() {
            return Share::Nothing;
        }
        let first = ranges[0].start == 0;
        Share::Ranges { ranges, first }
    }
}

/// The shard that owns range `i` of the file keyed `key`: `(fnv1a64(key) mod n + i) mod n`.
pub fn owner(key: &[u8], i: u64, n: u64) -> u64 {
    (fnv1a64(key) % n + i % n) % n
}

/// FNV-1a, 64 bits: simple enough to compute in any language, and stable by definition.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The shard key of the walked entry at `path`, `depth` levels below its root (see the module
/// docs): the last `depth` components joined with `/`, or for a root the path as given,
/// normalised.
pub fn key(path: &Path, depth: usize) -> Vec<u8> {
    let comps: Vec<Component> = path.components().collect();
    let rel = if depth == 0 {
        &comps[..]
    } else {
        &comps[comps.len().saturating_sub(depth)..]
    };
    let mut out = Vec::with_capacity(path.as_os_str().len());
    for c in rel {
        match c {
            Component::CurDir => continue,
            Component::RootDir => {
                out.push(b'/');
                continue;
            }
            _ => {}
        }
        if !out.is_empty() && out.last() != Some(&b'/') {
            out.push(b'/');
        }
        out.extend_from_slice(&os_bytes(c.as_os_str()));
    }
    out
}

#[cfg(unix)]
fn os_bytes(s: &std::ffi::OsStr) -> std::borrow::Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    std::borrow::Cow::Borrowed(s.as_bytes())
}

#[cfg(not(unix))]
fn os_bytes(s: &std::ffi::OsStr) -> std::borrow::Cow<'_, [u8]> {
    std::borrow::Cow::Owned(s.to_string_lossy().into_owned().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_published_test_vectors() {
        // From the FNV reference test suite (Fowler, Noll, Vo).
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn shard_parse_rejects_out_of_range_and_zero_counts() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert!(Shard::parse("4/4").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("1").is_err());
        assert!(Shard::parse("a/2").is_err());
    }

    #[test]
    fn key_is_the_path_below_the_root_whatever_the_root_is_called() {
        assert_eq!(key(Path::new("/mnt/share/hr/a.txt"), 2), b"hr/a.txt");
        assert_eq!(key(Path::new("./share/hr/a.txt"), 2), b"hr/a.txt");
        assert_eq!(key(Path::new("other/hr/a.txt"), 2), b"hr/a.txt");
    }

    #[test]
    fn key_of_a_root_file_is_its_path_as_given_normalised() {
        assert_eq!(key(Path::new("./hr//a.txt"), 0), b"hr/a.txt");
        assert_eq!(key(Path::new("/data/x.log"), 0), b"/data/x.log");
    }

    fn plan(index: u64, count: u64, split_size: u64) -> Plan {
        Plan {
            shard: Some(Shard { index, count }),
            split_size,
        }
    }

    #[test]
    fn every_small_file_has_exactly_one_shard() {
        for n in 1..6 {
            for name in ["a", "b/c", "æøå/ü.txt", "with space", "x\ny"] {
                let owners: Vec<u64> = (0..n)
                    .filter(|&k| plan(k, n, 100).share(name.as_bytes(), 10) == Share::Whole)
                    .collect();
                assert_eq!(owners.len(), 1, "{name} with {n} shards: {owners:?}");
                assert_eq!(owners[0], fnv1a64(name.as_bytes()) % n);
            }
        }
    }

    #[test]
    fn ranges_of_a_big_file_are_disjoint_and_cover_it() {
        for n in 1..6 {
            for len in [101, 250, 1000, 1001] {
                let mut all: Vec<Range<u64>> = Vec::new();
                let mut firsts = 0;
                for k in 0..n {
                    if let Share::Ranges { ranges, first } = plan(k, n, 100).share(b"big.log", len)
                    {
                        firsts += usize::from(first);
                        all.extend(ranges);
                    }
                }
                all.sort_by_key(|r| r.start);
                assert_eq!(firsts, 1, "range 0 has one owner");
                let mut at = 0;
                for r in &all {
                    assert_eq!(r.start, at, "n={n} len={len}: {all:?}");
                    at = r.end;
                }
                assert_eq!(at, len);
            }
        }
    }

    #[test]
    fn consecutive_ranges_go_to_consecutive_shards() {
        let h = fnv1a64(b"big.log") % 4;
        for i in 0..8u64 {
            let k = (h + i) % 4;
            match plan(k, 4, 10).share(b"big.log", 80) {
                Share::Ranges { ranges, .. } => assert!(ranges.contains(&(i * 10..i * 10 + 10))),
                other => panic!("shard {k}: {other:?}"),
            }
        }
    }
}
