//! `--files-from FILE|-`: an explicit work list, so any scheduler can hand out paths. One path
//! per line (a `\r` before the newline is kept: it may be part of a name), or NUL-separated
//! with `-0`, as `find -print0` writes; empty entries are ignored. Paths are raw bytes, so
//! names that are not UTF-8 arrive intact.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Reads the list at `path` (`-`: stdin), separated by NUL when `nul`, else by newline.
pub fn read(path: &Path, nul: bool) -> io::Result<Vec<PathBuf>> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        io::stdin().lock().read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(path)?.read_to_end(&mut bytes)?;
    }
    Ok(parse(&bytes, nul))
}

/// Splits a list into paths.
pub fn parse(bytes: &[u8], nul: bool) -> Vec<PathBuf> {
    let sep = if nul { b'\0' } else { b'\n' };
    bytes
        .split(|&b| b == sep)
        .filter(|entry| !entry.is_empty())
        .map(to_path)
        .collect()
}

#[cfg(unix)]
fn to_path(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn to_path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newline_lists_skip_empty_lines_and_need_no_final_newline() {
        let got = parse(b"a.txt\n\nhr/b c.txt\nlast", false);
        let want: Vec<PathBuf> = ["a.txt", "hr/b c.txt", "last"].map(PathBuf::from).into();
        assert_eq!(got, want);
    }

    #[test]
    fn nul_lists_keep_newlines_inside_names() {
        let got = parse(b"odd\nname\0plain\0", true);
        let want: Vec<PathBuf> = ["odd\nname", "plain"].map(PathBuf::from).into();
        assert_eq!(got, want);
    }
}
