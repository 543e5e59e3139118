#!/usr/bin/python3
"""Write MovieLens "latest-small" (2016) in GroupLens' own CSV format from Debian's r-cran-dslabs.

Usage: /usr/bin/python3 scripts/movielens_from_dslabs.py EXTRACTED_PACKAGE_DIR OUT_DIR

The R package dslabs ships GroupLens' ml-latest-small (the 2016 release: 100,004 ratings) as the data
frame `dslabs::movielens` (movieId, title, year, genres, userId, rating, timestamp), built by its
script/make-movielens.R: ratings.csv right-joined with movies.csv, the "(year)" suffix split off the
title. R keeps package data in a lazy-load database (data/Rdata.rdb + data/Rdata.rdx); this script
reads the `movielens` entry from it with Debian's python3-rdata (system /usr/bin/python3) and writes
movies.csv and ratings.csv exactly as GroupLens lays them out, so that code reading them works
unchanged on the official download.

Losses inherited from dslabs (documented in the README.txt written next to the data):
- only movies with at least one rating are present (dslabs right-joined movies onto ratings);
- a GroupLens title without a plain " (yyyy)" suffix (TV series with year ranges, a few recent titles)
  was turned into NA by dslabs' regex: those movies get an empty title here.
"""

import bz2
import csv
import gzip
import lzma
import os
import pathlib
import struct
import sys
import zlib
from typing import NoReturn

import rdata

EXPECTED_RATINGS = 100_004
EXPECTED_USERS = 671
EXPECTED_MOVIES = 9_066
ENTRY = "movielens"
R_NA_INTEGER = -2_147_483_648  # R's NA_integer_ (INT_MIN); rdata leaves it as a plain integer.
# 1995-01-01T00:00:00Z and 2017-01-01T00:00:00Z: the release covers ratings from 1995 to 2016.
FIRST_TIMESTAMP, END_TIMESTAMP = 788_918_400, 1_483_228_800

MOVIES_HEADER = ["movieId", "title", "genres"]
RATINGS_HEADER = ["userId", "movieId", "rating", "timestamp"]


def fail(message: str) -> NoReturn:
    print(f"movielens: {message}", file=sys.stderr)
    sys.exit(1)


def find_lazy_load_db(extracted: pathlib.Path) -> pathlib.Path:
    """Returns the base path (without .rdb/.rdx) of dslabs' data lazy-load database."""
    candidates = sorted(extracted.rglob("dslabs/data/Rdata.rdx"))
    if not candidates:
        fail(f"no dslabs/data/Rdata.rdx under {extracted} (expected usr/lib/R/site-library/dslabs/data)")
    return candidates[0].with_suffix("")


def parse_serialized(raw: bytes):
    """Parses an R serialization stream ("X\\n" + XDR) with rdata and converts it to Python.

    rdata.parser.parse_data (rdata 0.5) recognises .rda files by their "RDX2\\n"/"RDX3\\n" magic (or a
    compressed wrapper of one); a lazy-load entry is the bare stream that follows that magic, so the
    magic is put back in front. The parser takes the real format version from the stream itself.
    """
    if not raw.startswith(b"X\n"):
        fail(f"unexpected R serialization format {raw[:2]!r} (only XDR 'X\\n' is supported)")
    return rdata.conversion.convert(rdata.parser.parse_data(b"RDX3\n" + raw))


def read_index(rdx: pathlib.Path) -> dict:
    """The .rdx is a serialized R list(variables=, references=, compressed=).

    R writes it with saveRDS (gzip), older R versions as a 4-byte big-endian length + zlib stream.
    """
    data = rdx.read_bytes()
    if data.startswith(b"\x1f\x8b"):
        raw = gzip.decompress(data)
    else:
        (length,) = struct.unpack(">I", data[:4])
        raw = zlib.decompress(data[4:])
        if len(raw) != length:
            fail(f"{rdx}: index length {len(raw)} != header {length}")
    return parse_serialized(raw)


def decompress_entry(blob: bytes, compression: int) -> bytes:
    """Undoes R's R_compress1/2/3 (src/main/serialize.c) on one .rdb entry.

    Every entry starts with the uncompressed length (4 bytes, big-endian). With compression 1 (zlib,
    the default) the zlib stream follows directly; with 2 (bzip2) and 3 (xz) a type byte comes first:
    'Z' zlib, '2' bzip2, 'X' xz (raw LZMA2 stream), '0' stored uncompressed.
    """
    (length,) = struct.unpack(">I", blob[:4])
    if compression == 1:
        kind, body = b"Z", blob[4:]
    else:
        kind, body = blob[4:5], blob[5:]
    if kind == b"Z":
        raw = zlib.decompress(body)
    elif kind == b"2":
        raw = bz2.decompress(body)
    elif kind == b"X":
        # R encodes with lzma_raw_encoder (LZMA2, preset 9 extreme): no .xz container.
        filters = [{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME}]
        raw = lzma.decompress(body, format=lzma.FORMAT_RAW, filters=filters)
    elif kind == b"0":
        raw = body
    else:
        fail(f"unknown lazy-load compression type byte {kind!r}")
    if len(raw) != length:
        fail(f"entry length {len(raw)} != header {length}")
    return raw


def load_movielens(extracted: pathlib.Path):
    base = find_lazy_load_db(extracted)
    index = read_index(base.with_suffix(".rdx"))
    variables = index["variables"]
    if ENTRY not in variables:
        fail(f"{base}.rdx has no '{ENTRY}' entry (entries: {', '.join(variables)})")
    offset, length = (int(v) for v in variables[ENTRY])
    compression = int(index["compressed"][0])  # TRUE (1) = zlib, 2 = bzip2, 3 = xz
    with open(base.with_suffix(".rdb"), "rb") as rdb:
        rdb.seek(offset)
        blob = rdb.read(length)
    frame = parse_serialized(decompress_entry(blob, compression))
    expected_columns = ["movieId", "title", "year", "genres", "userId", "rating", "timestamp"]
    if list(frame.columns) != expected_columns:
        fail(f"unexpected columns {list(frame.columns)} (expected {expected_columns})")
    print(f"movielens: read dslabs::{ENTRY} from {base}.rdb ({len(frame):,} rows)")
    return frame


def grouplens_title(title, year) -> str:
    """GroupLens writes "Title (yyyy)"; dslabs split that into title and year."""
    if title is None:
        return ""
    return title if year == R_NA_INTEGER else f"{title} ({year})"


def build_movies(frame) -> list:
    movies = {}
    for movie_id, title, year, genres in zip(
        frame["movieId"], frame["title"], frame["year"], frame["genres"]
    ):
        row = (int(movie_id), grouplens_title(title, int(year)), str(genres))
        previous = movies.setdefault(row[0], row)
        if previous != row:
            fail(f"movie {row[0]} has two descriptions: {previous} and {row}")
    return [movies[movie_id] for movie_id in sorted(movies)]


def check_counts(frame, movies) -> None:
    ratings, users = len(frame), frame["userId"].nunique()
    print(f"movielens: {ratings:,} ratings, {users:,} users, {len(movies):,} movies")
    if (ratings, users, len(movies)) != (EXPECTED_RATINGS, EXPECTED_USERS, EXPECTED_MOVIES):
        fail(
            f"expected {EXPECTED_RATINGS:,} ratings, {EXPECTED_USERS:,} users, "
            f"{EXPECTED_MOVIES:,} movies: this is not the 2016 ml-latest-small release"
        )
    low, high = frame["timestamp"].min(), frame["timestamp"].max()
    if low < FIRST_TIMESTAMP or high >= END_TIMESTAMP:
        fail(f"timestamps {low}..{high} fall outside 1995..2016")


def in_grouplens_order(frame):
    """GroupLens sorts ratings.csv by userId, then movieId; dslabs kept that order (checked)."""
    keys = list(zip(frame["userId"], frame["movieId"]))
    if all(a < b for a, b in zip(keys, keys[1:])):
        return frame
    print("movielens: rows were not in (userId, movieId) order; sorting them as GroupLens does")
    return frame.sort_values(["userId", "movieId"], kind="mergesort")


def write_csv(path: pathlib.Path, header: list, rows) -> None:
    """GroupLens' CSV: "\\n" line ends, fields quoted only when they hold a comma or a quote
    (quotes doubled), which is what the csv module's QUOTE_MINIMAL does."""
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(temporary, path)  # never leave a half-written file under the final name


README = """\
MovieLens "latest-small" (ml-latest-small, 2016 release), in GroupLens' CSV format
==================================================================================

movies.csv   movieId,title,genres       {movies:,} movies (those with at least one rating)
ratings.csv  userId,movieId,rating,timestamp   {ratings:,} ratings by {users:,} users,
             sorted by userId then movieId; ratings 0.5-5.0 in half stars; Unix seconds (UTC).

Data: GroupLens Research, University of Minnesota (https://grouplens.org/datasets/movielens/).
Cite: F. Maxwell Harper and Joseph A. Konstan. 2015. The MovieLens Datasets: History and Context.
ACM Transactions on Interactive Intelligent Systems (TiiS) 5, 4, Article 19 (December 2015).
https://doi.org/10.1145/2827872
Terms: GroupLens' usage license applies, in short: no commercial or revenue-bearing use without
GroupLens' permission; acknowledge the data set in publications (cite the paper above); no
endorsement by the University of Minnesota or GroupLens may be stated or implied; redistribution,
transformations included, only under these same conditions. The README.txt of the official
download holds the full terms.

Provenance: extracted by StreamRec's scripts/get-movielens.sh from the Debian package r-cran-dslabs
(CRAN package dslabs by Rafael A. Irizarry and Amy Gill, Artistic-2.0), data set dslabs::movielens,
which its script/make-movielens.R built from
http://files.grouplens.org/datasets/movielens/ml-latest-small.zip.

Differences from the official download (inherited from dslabs):
- movies.csv lists only movies that were rated; the official file also lists unrated ones.
- titles are rebuilt as "Title (year)" from dslabs' split columns. {untitled} movie(s) whose GroupLens
  title had no plain " (yyyy)" suffix lost their title in dslabs and have an empty title here
  (movieId {untitled_ids}).
- links.csv and tags.csv are not included.
StreamRec reads the official files the same way; note that the ml-latest-small.zip GroupLens serves
today is a later release with other counts than the 2016 one checked by get-movielens.sh.
"""


def main() -> None:
    if len(sys.argv) != 3:
        fail("usage: movielens_from_dslabs.py EXTRACTED_PACKAGE_DIR OUT_DIR")
    extracted, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    frame = in_grouplens_order(load_movielens(extracted))
    movies = build_movies(frame)
    check_counts(frame, movies)
    untitled = [movie_id for movie_id, title, _ in movies if not title]
    if untitled:
        print(f"movielens: {len(untitled)} movies have no title in dslabs (movieId {untitled})")

    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "movies.csv", MOVIES_HEADER, movies)
    write_csv(
        out / "ratings.csv",
        RATINGS_HEADER,
        # repr(float) prints 3.0 and 2.5, as GroupLens does.
        ((int(u), int(m), repr(float(r)), int(t)) for u, m, r, t in zip(
            frame["userId"], frame["movieId"], frame["rating"], frame["timestamp"])),
    )
    (out / "README.txt").write_text(
        README.format(
            movies=len(movies),
            ratings=len(frame),
            users=frame["userId"].nunique(),
            untitled=len(untitled),
            untitled_ids=", ".join(map(str, untitled)) or "none",
        ),
        encoding="utf-8",
    )
    print(f"movielens: wrote movies.csv, ratings.csv, README.txt to {out}")


if __name__ == "__main__":
    main()
