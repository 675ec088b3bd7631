//! Where a finding is, beyond its offset: the input's path, and inside it a container member
//! (`outer.zip!inner.tar!file.txt`) or a database cell (table, column, row key).
//!
//! The scanner knows none of this: it reports offsets in the text it was given. A source that
//! opens containers or reads tables says where that text came from, and the output prints it
//! beside each finding.

use std::borrow::Cow;

/// The input a record is about, and where inside it.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    /// The input as shown: a path as given or walked, `-` for stdin, a database URL without
    /// its password.
    pub path: String,
    /// The path inside a container, outermost first, joined with `!`: an archive member, a
    /// document part, a sheet.
    pub member: Option<String>,
    /// A database cell (or a row of a column-aware CSV file).
    pub cell: Option<Cell>,
}

/// A cell of a table: offsets of findings refer to the cell's text.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cell {
    /// `schema.table`, or the table's name where there are no schemas (SQLite).
    pub table: String,
    /// The column.
    pub field: String,
    /// The row's key: primary key columns and their values, or `rowid` / `ctid`.
    pub key: Vec<(String, String)>,
}

impl Place {
    /// A plain input: a file, a stream.
    pub fn new(path: impl Into<String>) -> Place {
        Place {
            path: path.into(),
            member: None,
            cell: None,
        }
    }

    /// A member inside the container at `path`.
    pub fn member(path: impl Into<String>, member: impl Into<String>) -> Place {
        Place {
            path: path.into(),
            member: Some(member.into()),
            cell: None,
        }
    }

    /// The input and the container member as one string, `path!member`: how the baseline
    /// names where a finding is, and how text output shows it. A cell adds `!table.field`
    /// (not the row: rows move, and a fingerprint already tells values apart).
    pub fn joined(&self) -> Cow<'_, str> {
        if self.member.is_none() && self.cell.is_none() {
            return Cow::Borrowed(&self.path);
        }
        let mut s = self.path.clone();
        if let Some(m) = &self.member {
            s.push('!');
            s.push_str(m);
        }
        if let Some(c) = &self.cell {
            s.push('!');
            s.push_str(&c.table);
            if !c.field.is_empty() {
                s.push('.');
                s.push_str(&c.field);
            }
        }
        Cow::Owned(s)
    }
}

/// `text` (a path, as records show it) with every finding of `scanner` in it replaced by its
/// mask: a file named after a person's CPR number must not put the number into a report that
/// masks the very same number inside the file. Masks keep a CPR number's birth date and layout,
/// so the file can still be told apart from its neighbours.
pub fn mask_names<'a>(text: &'a str, scanner: &crate::scanner::Scanner) -> Cow<'a, str> {
    // Every kind's match holds a digit or an `@`; most names hold neither.
    if !text.bytes().any(|b| b.is_ascii_digit() || b == b'@') {
        return Cow::Borrowed(text);
    }
    let found = scanner.scan_all(text.as_bytes());
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in &found {
        let start = f.offset as usize;
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&f.masked());
        at = f.end() as usize;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_path_joins_to_itself_without_allocating() {
        assert!(matches!(
            Place::new("a/b.txt").joined(),
            Cow::Borrowed("a/b.txt")
        ));
    }

    #[test]
    fn member_and_cell_join_with_bangs_outermost_first() {
        assert_eq!(
            Place::member("x.zip", "y.tar!z.csv").joined(),
            "x.zip!y.tar!z.csv"
        );
        let mut p = Place::new("db.sqlite");
        p.cell = Some(Cell {
            table: "main.people".into(),
            field: "notes".into(),
            key: vec![("id".into(), "42".into())],
        });
        assert_eq!(p.joined(), "db.sqlite!main.people.notes");
    }

    #[test]
    fn mask_names_masks_a_number_in_a_folder_name_and_leaves_dates_and_plain_names() {
        let scanner = crate::scanner::ScannerBuilder::new().build();
        // A computed number: 010190 and serial 123, check digit for weights 4,3,2,7,6,5,4,3,2,1.
        let w = [4, 3, 2, 7, 6, 5, 4, 3, 2];
        let head = "010190123";
        let sum: u32 = head
            .bytes()
            .zip(w)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        let check = (11 - sum % 11) % 11;
        assert!(check < 10, "this serial has a check digit");
        let path = format!("share/hr/{head}{check}/notes.txt");
        assert_eq!(mask_names(&path, &scanner), "share/hr/010190****/notes.txt");
        let plain = "share/logs/2024-01-01/app-20240101.log";
        assert!(matches!(mask_names(plain, &scanner), Cow::Borrowed(_)));
    }
}
