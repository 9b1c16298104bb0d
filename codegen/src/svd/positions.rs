//! Byte offset -> line and column, for diagnostics.
//!
//! `roxmltree` can compute a position itself, but by scanning from the start
//! of the text each time; a line index makes every lookup a binary search, so
//! locating every element of a 10 MB file stays cheap.

use std::sync::Arc;

use crate::ir::Location;

/// The start of every line of one input text.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    file: Arc<str>,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`; `file` names it in locations.
    pub(crate) fn new(text: &'a str, file: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, byte)| byte == b'\n')
                .map(|(index, _)| index + 1),
        );
        LineIndex {
            text,
            file: Arc::from(file),
            line_starts,
        }
    }

    /// The location of byte `offset` (clamped to the text).
    pub(crate) fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line_index = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        // Columns count characters, as editors do; `get` guards against an
        // offset inside a multi-byte character.
        let column = self
            .text
            .get(line_start..offset)
            .map_or(1, |prefix| prefix.chars().count() + 1);
        Location {
            file: self.file.clone(),
            line: saturate(line_index + 1),
            column: saturate(column),
        }
    }

    /// A location from a 1-based row and column reported by the XML parser.
    pub(crate) fn at_row_column(&self, row: u32, column: u32) -> Location {
        Location {
            file: self.file.clone(),
            line: row,
            column,
        }
    }
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based() {
        let index = LineIndex::new("ab\ncdé\nf", "x.svd");
        assert_eq!((index.location(0).line, index.location(0).column), (1, 1));
        assert_eq!((index.location(4).line, index.location(4).column), (2, 2));
        // `f` follows a two-byte character: column counts characters.
        assert_eq!((index.location(8).line, index.location(8).column), (3, 1));
        assert_eq!(index.location(7).column, 4);
        assert_eq!(index.location(1000).line, 3);
    }
}
