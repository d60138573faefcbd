#!/usr/bin/env python3
"""Build a CC-NEWS-style WARC (one gzip member per record) from real, distinct news pages.

Used by the throughput, memory and checkpoint measurements (scripts/bench_backfill.sh, README
"Measuring"). The pages are read from ../shared/data (never committed):

- the 2,868 WHO Disease Outbreak News pages, who-don-html/DONs_full_pages.tar.xz (~236 MB, © WHO);
- the 1,029 pages of trafilatura's evaluation set, trafilatura-eval/html/*.html.gz (~149 MB,
  Apache-2.0, many sites and languages, some in legacy charsets).

The two corpora are interleaved in a fixed pseudo-random order (seed 7), so any prefix of the
output mixes both. Each page becomes one `response` record (HTTP 200, `Content-Type: text/html`,
plus `charset=utf-8` for the WHO pages, which are UTF-8; the others are left to their
`<meta charset>` as on the web).

Honest repeats. epiwire keys documents by a hash of their content and skips a stored one before
extraction, so a WARC that repeats pages byte for byte would measure nothing but hashing. The
first pass over the corpus holds every page once, unchanged. Later passes (needed beyond ~385 MB
of uncompressed WARC) change every copy inside its article body: a paragraph naming the copy
number is inserted before the body's last `</p>` (before `</body>` when there is no `</p>`), and
the record gets a distinct URI (`?copy=N`) and record id. Every record of the file therefore has
content never seen before and goes through extraction, annotation, store write and
consolidation (where repeats are real near-duplicates, as syndicated news is). The summary line
says how many records are first-pass originals and how many are varied copies.

    python3 scripts/build_test_warc.py --size 1024 -o /tmp/bf-1g.warc.gz
    python3 scripts/build_test_warc.py --size 200 -o /tmp/bf-200m.warc.gz
    python3 scripts/build_test_warc.py --size 100 --plain -o /tmp/bf-100m.warc
"""
import argparse
import csv
import glob
import gzip
import os
import random
import tarfile
import uuid
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared", "data")
DON = os.path.join(SHARED, "who-don-html")
TRAF = os.path.join(SHARED, "trafilatura-eval", "html")


def who_pages():
    index = {}
    with open(os.path.join(DON, "index_save.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            index[row[""]] = row
    with tarfile.open(os.path.join(DON, "DONs_full_pages.tar.xz")) as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".html"):
                continue
            key = os.path.basename(member.name)[:-5]
            data = tar.extractfile(member).read()
            row = index.get(key, {})
            uri = row.get("href") or f"https://www.who.int/csr/don/{key}/"
            yield uri, "text/html; charset=utf-8", data


def trafilatura_pages():
    for path in sorted(glob.glob(os.path.join(TRAF, "*"))):
        with open(path, "rb") as f:
            data = f.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        name = os.path.basename(path).split(".")[0]
        yield f"https://trafilatura-eval.example/{name}", "text/html", data


def vary(html, copy):
    """The page with one paragraph naming `copy` inserted inside its article body."""
    note = (f"<p>Archive copy {copy}: this report was republished on day {copy} of the "
            f"syndication run, edition {copy * 7919 % 100003}.</p>").encode()
    low = html.lower()
    at = low.rfind(b"</p>")
    if at < 0:
        at = low.rfind(b"</body>")
    if at < 0:
        at = len(html)
    return html[:at] + note + html[at:]


def record(uri, content_type, html, n):
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n".encode()
            + f"Content-Length: {len(html)}\r\n\r\n".encode() + html)
    rid = uuid.uuid5(uuid.NAMESPACE_URL, f"{uri}#{n}")
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
            f"WARC-Date: 2022-05-18T00:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n")
    return head.encode() + http + b"\r\n\r\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=float, default=100, help="target uncompressed size in MB (2^20 bytes)")
    ap.add_argument("--plain", action="store_true", help="write an uncompressed .warc")
    ap.add_argument("--level", type=int, default=6, help="gzip level of each member (default 6, as gzip)")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    corpus = list(who_pages()) + list(trafilatura_pages())
    random.Random(7).shuffle(corpus)
    target = int(args.size * 1024 * 1024)
    written, n, originals, copies = 0, 0, 0, 0
    with open(args.output, "wb") as out:
        while written < target:
            for uri, content_type, html in corpus:
                copy = n // len(corpus)
                if copy > 0:
                    html = vary(html, copy)
                    uri = f"{uri}{'&' if '?' in uri else '?'}copy={copy}"
                    copies += 1
                else:
                    originals += 1
                rec = record(uri, content_type, html, n)
                if args.plain:
                    out.write(rec)
                else:
                    # One gzip member per record, as CC-NEWS (zlib.compressobj: gzip.compress
                    # is much slower for the same level).
                    z = zlib.compressobj(args.level, zlib.DEFLATED, 31)
                    out.write(z.compress(rec) + z.flush())
                written += len(rec)
                n += 1
                if written >= target:
                    break
    print(f"{args.output}: {n} records ({originals} distinct pages, {copies} varied copies), "
          f"{written / 1e6:.1f} MB uncompressed, {os.path.getsize(args.output) / 1e6:.1f} MB on disk")


if __name__ == "__main__":
    main()
