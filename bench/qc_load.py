#!/usr/bin/env python3
"""Load coder1's coding into a qc (qualitative-coding) project, in one process.

    bench/.venv/bin/python bench/qc_load.py QC_PROJECT_DIR CODES_DIR [--coder coder1]

CODES_DIR holds one file per corpus document (written by generate.py under qc/codes/): one
line per transcript line, with the comma-separated codes of that line, which is exactly the
"codes file" that `qc code CODER` opens beside the transcript in the coder's editor and reads
back when the editor closes. For each document this does what `qc code` does after the editor
closes (QCCorpusViewer.parse_codes, then QCCorpus.update_coded_lines), without starting a
new qc process and an editor per document: the fastest way qc's own code offers to record
codings, so the comparison does not charge qc for process start-ups.

With --bulk it writes the same rows straight into qc's SQLite database instead (coder, codes,
coded_line, and the coded_line -> paragraph location link that update_coded_lines makes), in
one transaction, for an empty coding of CODER. This is not qc's own way of recording codings:
it exists because update_coded_lines slows down quadratically with the corpus (each coded line
looks up its paragraph with a full scan of the location table, which has no index on
document_index_id, and each document re-reads every coded line to update the codebook), so
at N = 3,000 qc's own load does not finish in reasonable time, and `qc codes stats` can then
only be timed on a database filled this way.
"""

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

from qualitative_coding.corpus import QCCorpus
from qualitative_coding.views.viewer import QCCorpusViewer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("project")
    ap.add_argument("codes_dir")
    ap.add_argument("--coder", default="coder1")
    ap.add_argument("--bulk", action="store_true",
                    help="insert the rows with SQL in one transaction (see above)")
    args = ap.parse_args()
    codes_dir = Path(args.codes_dir).resolve()
    os.chdir(args.project)
    corpus = QCCorpus("settings.yaml")
    viewer = QCCorpusViewer(corpus)
    with corpus.session():
        docs = sorted(d.file_path for d in corpus.get_documents())
    if args.bulk:
        return bulk(corpus, viewer, docs, codes_dir, args.coder)
    rows = 0
    t0 = time.monotonic()
    for i, doc in enumerate(docs):
        if i and i % 100 == 0:
            # progress, so that a run stopped by a time limit shows how far it got
            print(f"{i} documents, {rows} coded lines, {time.monotonic() - t0:.1f} s",
                  file=sys.stderr, flush=True)
        codes_file = codes_dir / Path(doc).name
        if not codes_file.exists():
            continue
        n_lines = len((corpus.corpus_dir / doc).read_text().splitlines())
        coded_lines = viewer.parse_codes(args.coder, codes_file.read_text(), n_lines)
        if not coded_lines:
            continue
        with corpus.session():
            corpus.update_coded_lines(doc, args.coder, coded_lines)
        rows += len(coded_lines)
    print(f"{len(docs)} documents, {rows} coded lines", file=sys.stderr)


def bulk(corpus, viewer, docs, codes_dir, coder):
    db = corpus.resolve_path(corpus.settings["database"])
    con = sqlite3.connect(db)
    cur = con.cursor()
    # paragraphs of each document: (document, [(start, end, location id)])
    paragraphs = {}
    for doc, start, end, loc in cur.execute(
            "SELECT di.document_id, l.start_line, l.end_line, l.id FROM location l "
            "JOIN document_index di ON di.id = l.document_index_id "
            "WHERE di.name = 'paragraphs'"):
        paragraphs.setdefault(doc, []).append((start, end, loc))
    (next_id,) = cur.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM coded_line").fetchone()
    cur.execute("INSERT OR IGNORE INTO coder (name) VALUES (?)", (coder,))
    lines, links, codes = [], [], {}
    for doc in docs:
        codes_file = codes_dir / Path(doc).name
        if not codes_file.exists():
            continue
        n_lines = len((corpus.corpus_dir / doc).read_text().splitlines())
        coded = viewer.parse_codes(coder, codes_file.read_text(), n_lines)
        paras = sorted(paragraphs[doc])
        seen = set()
        for c in coded:
            key = (c["line"], c["code_id"])
            if key in seen:
                continue
            seen.add(key)
            loc = next(l for s, e, l in paras if s <= c["line"] < e)
            lines.append((next_id, c["line"], coder, c["code_id"]))
            links.append((next_id, loc))
            codes[c["code_id"]] = None
            next_id += 1
    cur.executemany("INSERT OR IGNORE INTO code (name) VALUES (?)", [(c,) for c in codes])
    cur.executemany("INSERT INTO coded_line (id, line, coder_id, code_id) VALUES (?, ?, ?, ?)",
                    lines)
    cur.executemany("INSERT INTO coded_line_location_association (coded_line_id, location_id) "
                    "VALUES (?, ?)", links)
    con.commit()
    con.close()
    with corpus.session():
        corpus.update_codebook()
    print(f"{len(docs)} documents, {len(lines)} coded lines (bulk SQL)", file=sys.stderr)


if __name__ == "__main__":
    main()
