//! The codebook as Taguette imports it. Taguette (1.5) takes codebooks as CSV only: a header
//! with one of `tag`, `name` or `path` and an optional `description`, read as UTF-8 (a
//! byte-order mark would become part of the first column's name, so none is written). Its
//! tags are flat, so each code is one tag named by its id; themes and categories have no
//! place there. Taguette's own `.qdc` export is flat too, and `thematic import qdc` reads it.

use super::names::one_line;
use crate::codebook::Codebook;

/// `tag,description`: one row per code, in codebook order, the definition on one line.
pub fn codebook_csv(book: &Codebook) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(["tag", "description"]).expect("writing to memory");
    for c in &book.codes {
        w.write_record([c.id.as_str(), one_line(&c.definition).as_str()])
            .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}
