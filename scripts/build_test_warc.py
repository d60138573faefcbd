#!/usr/bin/env python3
"""Build a CC-NEWS-style WARC (one gzip member per record) from the WHO DON HTML pages.

Used by the throughput and memory measurements (see README "Measuring"). The pages come from
../shared/data/who-don-html/DONs_full_pages.tar.xz (© WHO; used here only as local test input,
never committed). Each page becomes one `response` record; the corpus is repeated, with distinct
target URIs, until the output reaches --size megabytes of uncompressed WARC.

    python3 scripts/build_test_warc.py --size 1024 -o /tmp/who-1g.warc.gz
    python3 scripts/build_test_warc.py --size 100 --plain -o /tmp/who-100m.warc
"""
import argparse
import csv
import gzip
import io
import os
import tarfile
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "shared", "data", "who-don-html")


def pages():
    index = {}
    with open(os.path.join(DATA, "index_save.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            index[row[""]] = row
    with tarfile.open(os.path.join(DATA, "DONs_full_pages.tar.xz")) as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".html"):
                continue
            key = os.path.basename(member.name)[:-5]
            data = tar.extractfile(member).read()
            row = index.get(key, {})
            yield row.get("href") or f"https://www.who.int/csr/don/{key}/", data


def record(uri, html, n):
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            + f"Content-Length: {len(html)}\r\n\r\n".encode() + html)
    rid = uuid.uuid5(uuid.NAMESPACE_URL, f"{uri}#{n}")
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
            f"WARC-Date: 2022-05-18T00:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n")
    return head.encode() + http + b"\r\n\r\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=float, default=100, help="target uncompressed size in MB")
    ap.add_argument("--plain", action="store_true", help="write an uncompressed .warc")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    corpus = list(pages())
    target = int(args.size * 1024 * 1024)
    written, n = 0, 0
    with open(args.output, "wb") as out:
        while written < target:
            for uri, html in corpus:
                rec = record(f"{uri}?copy={n // len(corpus)}" if n >= len(corpus) else uri, html, n)
                out.write(rec if args.plain else gzip.compress(rec, compresslevel=1))
                written += len(rec)
                n += 1
                if written >= target:
                    break
    print(f"{args.output}: {n} records, {written / 1e6:.1f} MB uncompressed, {os.path.getsize(args.output) / 1e6:.1f} MB on disk")


if __name__ == "__main__":
    main()
