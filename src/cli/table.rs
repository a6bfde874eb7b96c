//! A table that fits the terminal: columns aligned by display width, the long ones
//! shortened with an ellipsis, never wrapped.
//!
//! Cells arrive escaped (what is measured is what the terminal shows). When the table is
//! wider than the terminal, the columns that may shrink give up width first, each down to
//! its minimum, in the order they were given; then the columns that may go are left out,
//! in their order; a line still too wide is cut at the edge.

use crate::ops::sanitize::display_width;

/// What a table may do with a column to make it fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    /// Always shown at its full width.
    Keep,
    /// Shortened with an ellipsis down to `min` columns: at its end (`astro-bot-pa…`), or at
    /// its start (`…nginx:1.25`) where the end says more (images, socket paths).
    Shrink {
        /// The narrowest it gets.
        min: usize,
        /// Cut at the start rather than at the end.
        from_start: bool,
        /// Shrinks before the columns of a higher rank.
        rank: u8,
    },
    /// Left out, in order of rank, when shrinking was not enough.
    Drop {
        /// Goes before the columns of a higher rank.
        rank: u8,
    },
}

/// One column: its header, its cells (escaped), and what it may give up.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub(crate) header: &'static str,
    pub(crate) cells: Vec<String>,
    pub(crate) fit: Fit,
}

/// The columns as they will be shown: each with its width.
#[derive(Debug)]
pub(crate) struct Layout {
    pub(crate) columns: Vec<(Column, usize)>,
    /// The terminal's width, when known.
    pub(crate) limit: Option<usize>,
}

/// The gap between two columns.
pub(crate) const GAP: &str = "  ";

fn total(widths: &[usize]) -> usize {
    widths.iter().sum::<usize>() + GAP.len() * widths.len().saturating_sub(1)
}

/// The widths of `columns` (at full width) once the shrinkable ones have given up what
/// they may, in rank order, to fit in `limit`.
fn shrunk(columns: &[(Column, usize)], limit: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = columns.iter().map(|(_, width)| *width).collect();
    let mut order: Vec<(u8, usize)> = columns
        .iter()
        .enumerate()
        .filter_map(|(i, (column, _))| match column.fit {
            Fit::Shrink { rank, .. } => Some((rank, i)),
            _ => None,
        })
        .collect();
    order.sort_unstable();
    for (_, i) in order {
        let excess = total(&widths).saturating_sub(limit);
        if let Fit::Shrink { min, .. } = columns[i].0.fit {
            let floor = min.max(display_width(columns[i].0.header));
            widths[i] -= excess.min(widths[i].saturating_sub(floor));
        }
    }
    widths
}

/// Lays `columns` out in `limit` terminal columns (no limit: every column at full width).
pub(crate) fn layout(columns: Vec<Column>, limit: Option<usize>) -> Layout {
    let mut columns: Vec<(Column, usize)> = columns
        .into_iter()
        .map(|column| {
            let width = column
                .cells
                .iter()
                .map(|cell| display_width(cell))
                .chain([display_width(column.header)])
                .max()
                .unwrap_or(0);
            (column, width)
        })
        .collect();
    let Some(limit) = limit else {
        return Layout {
            columns,
            limit: None,
        };
    };
    loop {
        let widths = shrunk(&columns, limit);
        let droppable = columns
            .iter()
            .enumerate()
            .filter_map(|(i, (column, _))| match column.fit {
                Fit::Drop { rank } => Some((rank, i)),
                _ => None,
            })
            .min();
        match droppable {
            // Too wide even shrunk: one column goes, and the others shrink again from
            // their full width, so that what it leaves goes back to them.
            Some((_, i)) if total(&widths) > limit => {
                columns.remove(i);
            }
            _ => {
                for ((_, width), shrunk) in columns.iter_mut().zip(widths) {
                    *width = shrunk;
                }
                break;
            }
        }
    }
    Layout {
        columns,
        limit: Some(limit),
    }
}

impl Layout {
    /// Row `row` (`None`: the header), each cell fitted to its column; `paint` styles a
    /// cell (already padded) by its column header.
    pub(crate) fn line(
        &self,
        row: Option<usize>,
        paint: impl Fn(&str, String) -> String,
    ) -> String {
        let cells: Vec<String> = self
            .columns
            .iter()
            .map(|(column, width)| {
                let text = row.map_or(column.header, |row| column.cells[row].as_str());
                let from_start = matches!(
                    column.fit,
                    Fit::Shrink {
                        from_start: true,
                        ..
                    }
                );
                let fitted = fit(text, *width, from_start);
                paint(column.header, pad(&fitted, *width))
            })
            .collect();
        let line = cells.join(GAP);
        let line = line.trim_end();
        match self.limit {
            // A line wider than the terminal is cut, not wrapped.
            Some(limit) if plain_width(line) > limit => cut_painted(line, limit),
            _ => line.to_owned(),
        }
    }
}

/// `text` in `width` columns: as it is when it fits, else shortened with `…` at its end
/// (or its start).
pub(crate) fn fit(text: &str, width: usize, from_start: bool) -> String {
    if display_width(text) <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut kept = Vec::new();
    let mut used = 1;
    let chars: Box<dyn Iterator<Item = char>> = if from_start {
        Box::new(text.chars().rev())
    } else {
        Box::new(text.chars())
    };
    for c in chars {
        let w = display_width(c.encode_utf8(&mut [0; 4]));
        if used + w > width {
            break;
        }
        used += w;
        kept.push(c);
    }
    if from_start {
        kept.reverse();
        format!("…{}", kept.into_iter().collect::<String>())
    } else {
        format!("{}…", kept.into_iter().collect::<String>())
    }
}

/// `text` followed by spaces up to `width` terminal columns. `format!("{:<w$}")` counts
/// characters, which misaligns a column as soon as a cell holds a wide (CJK) character.
pub(crate) fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(display_width(text));
    format!("{text}{:fill$}", "")
}

/// The display width of a line without its colour codes.
fn plain_width(line: &str) -> usize {
    display_width(&anstream::adapter::strip_str(line).to_string())
}

/// A painted line cut at `limit` columns with `…`, its styles reset at the end.
fn cut_painted(line: &str, limit: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            out.push(c);
            for c in chars.by_ref() {
                out.push(c);
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        let w = display_width(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > limit {
            out.push('…');
            out.push_str("\u{1b}[0m");
            return out;
        }
        used += w;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(header: &'static str, cells: &[&str], fit: Fit) -> Column {
        Column {
            header,
            cells: cells.iter().map(|c| (*c).to_owned()).collect(),
            fit,
        }
    }

    fn lines(layout: &Layout, rows: usize) -> Vec<String> {
        std::iter::once(None)
            .chain((0..rows).map(Some))
            .map(|row| layout.line(row, |_, cell| cell))
            .collect()
    }

    #[test]
    fn long_cells_shorten_with_an_ellipsis_at_the_chosen_end() {
        assert_eq!(fit("astro-bot-paper", 8, false), "astro-b…");
        assert_eq!(
            fit("docker.io/library/nginx:1.25", 12, true),
            "…/nginx:1.25"
        );
        assert_eq!(fit("漢字漢字", 5, false), "漢字…");
        assert_eq!(fit("short", 8, false), "short");
    }

    #[test]
    fn shrinking_goes_in_rank_order_then_columns_drop() {
        let columns = vec![
            column(
                "NAME",
                &["a-very-long-session-name"],
                Fit::Shrink {
                    min: 6,
                    from_start: false,
                    rank: 1,
                },
            ),
            column("STATE", &["running"], Fit::Keep),
            column(
                "IMAGE",
                &["registry.example:5000/team/app:1.2.3"],
                Fit::Shrink {
                    min: 8,
                    from_start: true,
                    rank: 0,
                },
            ),
            column("CREATED", &["3 min ago"], Fit::Drop { rank: 0 }),
        ];
        let wide = layout(columns.clone(), Some(200));
        assert_eq!(
            lines(&wide, 1),
            [
                "NAME                      STATE    IMAGE                                 CREATED",
                "a-very-long-session-name  running  registry.example:5000/team/app:1.2.3  3 min ago"
            ]
        );
        let narrow = layout(columns.clone(), Some(50));
        assert_eq!(
            lines(&narrow, 1),
            [
                "NAME                  STATE    IMAGE     CREATED",
                "a-very-long-session…  running  …p:1.2.3  3 min ago"
            ]
        );
        let tiny = layout(columns, Some(30));
        assert_eq!(
            lines(&tiny, 1),
            [
                "NAME         STATE    IMAGE",
                "a-very-lon…  running  …p:1.2.3"
            ]
        );
        for line in lines(&tiny, 1) {
            assert!(display_width(&line) <= 30, "{line}");
        }
    }

    #[test]
    fn a_line_that_cannot_fit_is_cut_not_wrapped() {
        let columns = vec![column("NAME", &["abcdefghij"], Fit::Keep)];
        let layout = layout(columns, Some(6));
        assert_eq!(lines(&layout, 1), ["NAME", "abcde…\u{1b}[0m"]);
    }
}
