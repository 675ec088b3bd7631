//! Archives: tar (read as it streams) and zip (through its directory). Each regular member is
//! read as a stream of its own, named `outer!member`, and may itself be anything: text, a
//! compressed file, another archive (up to the depth limit), an Office document. An Office or
//! OpenDocument file is a zip: it is told by its parts and read as a document instead.

use std::io::{self, Read, Seek};

use super::{join, office, Ctx, Metered, NESTED_ZIP_MAX};

/// Reads a tar archive's members in order; a truncated or corrupt archive is reported after
/// the members read before the damage.
pub fn tar(ctx: &mut Ctx, member: Option<&str>, depth: u32, reader: &mut dyn Read) {
    let mut archive = tar::Archive::new(reader);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => return ctx.error(member, format!("not a readable tar archive: {e}")),
    };
    let mut last = String::new();
    for entry in entries {
        if ctx.stopped {
            return;
        }
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                if let Some(what) = ctx.budget.hit() {
                    return ctx.limit_hit(member, what);
                }
                let after = if last.is_empty() {
                    "at its start".to_string()
                } else {
                    format!("after member {last:?}")
                };
                return ctx.error(
                    member,
                    format!(
                        "truncated or corrupt tar archive {after}: {e}; the rest was not scanned"
                    ),
                );
            }
        };
        let kind = entry.header().entry_type();
        if !(kind.is_file() || kind == tar::EntryType::Continuous || kind.is_gnu_sparse()) {
            continue; // directories, links, devices: nothing to read
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = join(member, &name);
        if !ctx.count_member(Some(&path)) {
            return;
        }
        ctx.stream(Some(&path), &name, depth, &mut entry);
        last = name;
    }
}

/// A zip found inside another container: read into memory (its directory is at its end), up
/// to [`NESTED_ZIP_MAX`] and the budget.
pub fn nested_zip(ctx: &mut Ctx, member: Option<&str>, depth: u32, reader: &mut dyn Read) {
    let mut data = Vec::new();
    let mut limited = Metered {
        inner: reader.take(NESTED_ZIP_MAX + 1),
        budget: ctx.budget.clone(),
        input: false,
    };
    if let Err(e) = limited.read_to_end(&mut data) {
        return ctx.read_failed(member, &e);
    }
    if data.len() as u64 > NESTED_ZIP_MAX {
        return ctx.error(
            member,
            format!("zip inside a container larger than {NESTED_ZIP_MAX} bytes: not opened"),
        );
    }
    zip(ctx, member, depth, io::Cursor::new(data));
}

/// Reads a zip archive (or the Office document it is) through its directory.
pub fn zip<R: Read + Seek>(ctx: &mut Ctx, member: Option<&str>, depth: u32, reader: R) {
    let mut reader = reader;
    let mut archive = match zip::ZipArchive::new(&mut reader) {
        Ok(a) => a,
        Err(e) => {
            if let Some(what) = ctx.budget.hit() {
                return ctx.limit_hit(member, what);
            }
            // A zip cut short (an interrupted copy) has no directory, but its members up to
            // the cut can still be read in file order.
            ctx.error(
                member,
                format!("zip directory unreadable ({e}): members read in file order instead"),
            );
            if reader.seek(io::SeekFrom::Start(0)).is_ok() {
                zip_stream(ctx, member, depth, &mut reader);
            }
            return;
        }
    };
    if let Some(doc) = office::kind_of(&mut archive) {
        return office::read(ctx, member, depth, doc, &mut archive);
    }
    for i in 0..archive.len() {
        if ctx.stopped {
            return;
        }
        let (name, encrypted, dir) = match archive.by_index_raw(i) {
            Ok(f) => (
                member_name(f.name_raw(), f.name()),
                f.encrypted(),
                f.is_dir(),
            ),
            Err(e) => {
                ctx.error(member, format!("zip member {i} unreadable: {e}"));
                continue;
            }
        };
        if dir {
            continue;
        }
        let path = join(member, &name);
        if !ctx.count_member(Some(&path)) {
            return;
        }
        if encrypted {
            ctx.skip(
                Some(&path),
                "encrypted",
                "encrypted zip member: not scanned",
            );
            continue;
        }
        match archive.by_index(i) {
            Ok(mut file) => {
                let mut metered = Metered {
                    inner: &mut file,
                    budget: ctx.budget.clone(),
                    input: false,
                };
                ctx.stream(Some(&path), &name, depth, &mut metered);
            }
            Err(e) => {
                if let Some(what) = ctx.budget.hit() {
                    return ctx.limit_hit(Some(&path), what);
                }
                ctx.error(Some(&path), format!("cannot read zip member: {e}"));
            }
        }
    }
}

/// A zip member's name as text: decoded as its header declares (UTF-8 or CP437), or, when that
/// fails (a name flagged UTF-8 that is not), its raw bytes read leniently: a damaged name is
/// still a member worth scanning.
fn member_name(raw: &[u8], decoded: zip::result::ZipResult<std::borrow::Cow<'_, str>>) -> String {
    decoded.map_or_else(
        |_| String::from_utf8_lossy(raw).into_owned(),
        std::borrow::Cow::into_owned,
    )
}

/// Reads a zip's members from their local headers, in file order, without its directory;
/// stops quietly at the first damage (already reported by the caller). XML parts are read as
/// document text, as they would be in an intact Office file.
fn zip_stream(ctx: &mut Ctx, member: Option<&str>, depth: u32, reader: &mut dyn Read) {
    let mut reader = reader;
    while !ctx.stopped {
        let mut file = match zip::read::read_zipfile_from_stream(&mut reader) {
            Ok(Some(f)) => f,
            Ok(None) | Err(_) => return,
        };
        let name = member_name(file.name_raw(), file.name());
        if file.is_dir() {
            continue;
        }
        let path = join(member, &name);
        if !ctx.count_member(Some(&path)) {
            return;
        }
        if file.encrypted() {
            ctx.skip(
                Some(&path),
                "encrypted",
                "encrypted zip member: not scanned",
            );
            continue;
        }
        let metered = Metered {
            inner: &mut file,
            budget: ctx.budget.clone(),
            input: false,
        };
        match office::xml_style_for(&name) {
            Some(style) => office::xml_text(ctx, &path, metered, style),
            None => {
                let mut metered = metered;
                ctx.stream(Some(&path), &name, depth, &mut metered)
            }
        }
    }
}
