//! Compressed files, decompressed as they stream: gzip (every member of a multi-member file,
//! as `cat a.gz b.gz` makes and log rotators append), zstd, bzip2 (multi-stream too) and xz.
//!
//! The decompressed text is named after the file without its suffix (`app.log.1.gz` holds
//! `app.log.1`); a tar inside (`.tar.gz`, `.tgz`) names its members directly.

use std::io::Read;

use super::{base_name, join, peek, Ctx, Format, Metered};

/// The name of what `name` holds once decompressed.
fn inner_name(name: &str, format: Format) -> String {
    let base = base_name(name);
    let lower = base.to_ascii_lowercase();
    for (suffix, becomes) in [
        (".tgz", ".tar"),
        (".tbz2", ".tar"),
        (".tbz", ".tar"),
        (".txz", ".tar"),
        (".tzst", ".tar"),
    ] {
        if lower.ends_with(suffix) {
            return format!("{}{becomes}", &base[..base.len() - suffix.len()]);
        }
    }
    let suffixes: &[&str] = match format {
        Format::Gzip => &[".gz", ".gzip", ".z"],
        Format::Zstd => &[".zst", ".zstd"],
        Format::Bzip2 => &[".bz2", ".bzip2"],
        _ => &[".xz"],
    };
    for s in suffixes {
        if lower.ends_with(s) && base.len() > s.len() {
            return base[..base.len() - s.len()].to_string();
        }
    }
    // No suffix to drop: say what it was.
    let what = match format {
        Format::Gzip => "gunzipped",
        Format::Zstd => "unzstd",
        Format::Bzip2 => "bunzipped",
        _ => "unxz",
    };
    format!("{base}:{what}")
}

/// Decompresses `reader` (of `format`) and reads what it holds, `depth` levels deep.
pub fn read(
    ctx: &mut Ctx,
    member: Option<&str>,
    name: &str,
    depth: u32,
    format: Format,
    reader: &mut dyn Read,
) {
    if !ctx.depth_ok(member, depth) {
        return;
    }
    let decoder: Box<dyn Read + '_> = match format {
        Format::Gzip => Box::new(flate2::read::MultiGzDecoder::new(reader)),
        Format::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(reader)),
        Format::Xz => Box::new(lzma_rust2::XzReader::new(reader, true)),
        _ => match zstd::stream::read::Decoder::new(reader) {
            Ok(mut d) => {
                // The library's default window limit (128 MiB), stated: a frame asking for
                // more is an error, not an allocation.
                let _ = d.window_log_max(27);
                Box::new(d)
            }
            Err(e) => return ctx.error(member, format!("cannot start zstd: {e}")),
        },
    };
    let mut metered = Metered {
        inner: decoder,
        budget: ctx.budget.clone(),
        input: false,
    };
    let head = match peek(&mut metered) {
        Ok(h) => h,
        Err(e) => return ctx.read_failed(member, &e),
    };
    let inner = inner_name(name, format);
    let inner_format = super::sniff(&head);
    let mut whole = std::io::Cursor::new(&head[..]).chain(metered);
    if inner_format == Format::Tar {
        // `x.tar.gz` is one container: its members are named directly.
        return super::archive::tar(ctx, member, depth, &mut whole);
    }
    let path = join(member, &inner);
    ctx.format(Some(&path), &inner, depth, inner_format, &mut whole);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decompressed_names_drop_the_suffix() {
        assert_eq!(inner_name("logs/app.log.1.gz", Format::Gzip), "app.log.1");
        assert_eq!(inner_name("backup.tgz", Format::Gzip), "backup.tar");
        assert_eq!(inner_name("x.ZST", Format::Zstd), "x");
        assert_eq!(inner_name("rotated.1", Format::Xz), "rotated.1:unxz");
    }
}
