#!/usr/bin/env bash
# Produces MovieLens "latest-small" (2016 release: 100,004 ratings, 671 users, 9,066 rated movies) in
# GroupLens' own CSV format (movies.csv, ratings.csv) without internet access to grouplens.org.
# The data comes from Debian's r-cran-dslabs, which ships it as the R data set dslabs::movielens;
# scripts/movielens_from_dslabs.py reads it with Debian's python3-rdata (system /usr/bin/python3).
# Idempotent: does nothing when the files are there and their counts check out.
#
# Usage: scripts/get-movielens.sh [--out DIR]
#   DIR defaults to $STREAMREC_DATA_DIR, else <repo>/data/ml-latest-small (git-ignored): the same
#   place StreamRec.Datasets.MovieLensDirectory looks.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="${STREAMREC_DATA_DIR:-$root/data/ml-latest-small}"
readonly expected_ratings=100004 expected_users=671 expected_movies=9066

usage() {
  echo "usage: scripts/get-movielens.sh [--out DIR]   (default: ${STREAMREC_DATA_DIR:-<repo>/data/ml-latest-small})"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --out)
      [ $# -ge 2 ] || { usage >&2; exit 2; }
      out=$2
      shift 2
      ;;
    --out=*) out=${1#--out=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "movielens: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

# True when DIR holds both files with GroupLens' headers and the published counts. Titles never
# contain line breaks, so lines - 1 = records.
counts_ok() {
  local dir=$1 movies ratings users
  [ -f "$dir/movies.csv" ] && [ -f "$dir/ratings.csv" ] || return 1
  [ "$(head -n 1 "$dir/movies.csv")" = "movieId,title,genres" ] || return 1
  [ "$(head -n 1 "$dir/ratings.csv")" = "userId,movieId,rating,timestamp" ] || return 1
  movies=$(($(wc -l <"$dir/movies.csv") - 1))
  ratings=$(($(wc -l <"$dir/ratings.csv") - 1))
  users=$(tail -n +2 "$dir/ratings.csv" | cut -d, -f1 | sort -u | wc -l)
  [ "$movies" -eq "$expected_movies" ] && [ "$ratings" -eq "$expected_ratings" ] &&
    [ "$users" -eq "$expected_users" ]
}

if counts_ok "$out"; then
  echo "movielens: $out already holds ml-latest-small ($expected_ratings ratings, $expected_users users, $expected_movies movies); nothing to do"
  exit 0
fi

if ! /usr/bin/python3 -c 'import rdata' 2>/dev/null; then
  echo "movielens: /usr/bin/python3 cannot import rdata; install it with: apt-get install -y python3-rdata" >&2
  exit 1
fi

start=$SECONDS
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "movielens: downloading Debian package r-cran-dslabs and extracting dslabs::movielens into $out"
# apt-get prints a harmless warning when its _apt user cannot write to a private temp dir: the log is
# shown only when the download fails.
if ! (cd "$work" && apt-get download r-cran-dslabs) >"$work/apt.log" 2>&1; then
  cat "$work/apt.log" >&2
  echo "movielens: 'apt-get download r-cran-dslabs' failed; run 'apt-get update' first (the package lists may be missing or stale)" >&2
  exit 1
fi
debs=("$work"/r-cran-dslabs_*.deb)
dpkg-deb -x "${debs[0]}" "$work/package"
/usr/bin/python3 "$root/scripts/movielens_from_dslabs.py" "$work/package" "$out"

if ! counts_ok "$out"; then
  echo "movielens: the files written to $out do not have the expected counts" >&2
  exit 1
fi
echo "movielens: done in $((SECONDS - start)) s ($(basename "${debs[0]}"))"
