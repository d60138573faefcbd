#!/usr/bin/env python3
"""Builds the seed corpora of the html, warc, jsonl and feed fuzz targets from real files.

Run from anywhere: `python3 fuzz/scripts/seed_corpus.py`. Writes fuzz/corpus/<target>/ (git-ignored;
the sources are the shared data set, not ours to commit):

  html   the first 120 trafilatura-eval pages (Apache-2.0, /work/shared/data/trafilatura-eval,
         cut to 64 KiB), 60 WHO DON pages (text (c) WHO, /work/shared/data/who-don-html) and the
         two seed articles wrapped in <p>;
  warc   WARC files of 1-3 response/resource records built from those pages: plain, one gzip
         member per record (CC-NEWS style), chunked and gzip content coding, a cut file;
  jsonl  slices of the WHO DON JSON Lines (dons-1996-2012.jsonl), html records, odd ids;
  feed   small RSS 2.0, Atom, JSON Feed and OPML documents written here.
"""

import gzip
import io
import json
import os
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("EPIWIRE_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
OUT = os.path.join(ROOT, "fuzz", "corpus")
CAP = 64 * 1024


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def pages():
    out = []
    tdir = os.path.join(SHARED, "trafilatura-eval", "html")
    for name in sorted(os.listdir(tdir))[:120]:
        with gzip.open(os.path.join(tdir, name)) as f:
            out.append(("tr-" + name.removesuffix(".html.gz")[:80], f.read()[:CAP]))
    tar = os.path.join(SHARED, "who-don-html", "DONs_full_pages.tar.xz")
    with tarfile.open(tar) as t:
        n = 0
        for m in t:
            if m.isfile() and m.name.endswith(".html") and n < 60:
                f = t.extractfile(m)
                if f is not None:
                    out.append(("don-" + os.path.basename(m.name), f.read()[:CAP]))
                    n += 1
    sdir = os.path.join(ROOT, "tests", "fixtures", "seeds")
    for name in sorted(os.listdir(sdir)):
        with open(os.path.join(sdir, name), "rb") as f:
            body = b"<html><body><p>" + f.read().replace(b"\n\n", b"</p><p>") + b"</p></body></html>"
            out.append(("seed-" + name, body))
    return out


def record(fields, block):
    head = b"WARC/1.0\r\n" + b"".join(k.encode() + b": " + v.encode() + b"\r\n" for k, v in fields)
    return head + b"Content-Length: %d\r\n\r\n" % len(block) + block + b"\r\n\r\n"


def response(i, body, extra=b""):
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n" + extra + b"\r\n"
    return record(
        [
            ("WARC-Type", "response"),
            ("WARC-Record-ID", "<urn:uuid:%08d-0000-0000-0000-000000000000>" % i),
            ("WARC-Target-URI", "https://news.example/2022/05/17/a%d.html" % i),
            ("WARC-Date", "2022-05-17T08:36:00Z"),
            ("Content-Type", "application/http; msgtype=response"),
        ],
        http + body,
    )


def gz(b):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
        f.write(b)
    return buf.getvalue()


def chunked(body, size=700):
    out = b""
    for i in range(0, len(body), size):
        c = body[i : i + size]
        out += b"%x\r\n" % len(c) + c + b"\r\n"
    return out + b"0\r\n\r\n"


def main():
    ps = pages()
    for name, body in ps:
        put("html", name, body)
    small = [b[:4096] for _, b in ps[::9]]
    info = record([("WARC-Type", "warcinfo"), ("Content-Type", "application/warc-fields")], b"software: seed\r\n")
    for i, body in enumerate(small):
        recs = [info, response(i, body), response(i + 100, small[(i + 1) % len(small)])]
        put("warc", "plain-%02d.warc" % i, b"".join(recs))
        put("warc", "members-%02d.warc.gz" % i, b"".join(gz(r) for r in recs))
    put("warc", "chunked.warc", response(1, chunked(small[0]), b"Transfer-Encoding: chunked\r\n"))
    put("warc", "gzipped.warc", response(2, gz(small[1]), b"Content-Encoding: gzip\r\n"))
    put("warc", "resource.warc", record([("WARC-Type", "resource"), ("Content-Type", "text/html")], small[2]))
    put("warc", "cut.warc.gz", b"".join(gz(response(i, b)) for i, b in enumerate(small[:3]))[:-50])
    with open(os.path.join(SHARED, "who-don", "dons-1996-2012.jsonl"), "rb") as f:
        lines = f.read().split(b"\n")
    for i in range(0, 60, 3):
        put("jsonl", "don-%02d.jsonl" % i, b"\n".join(lines[i : i + 3])[:CAP])
    for i, body in enumerate(small[:6]):
        rec = {"id": i, "url": "https://news.example/%d" % i, "title": "T\u00e9st %d" % i,
               "published": "2022-05-17", "html": body.decode("utf-8", "replace")}
        put("jsonl", "html-%d.jsonl" % i, json.dumps(rec, ensure_ascii=i % 2 == 0).encode() + b"\n{\"text\": \"x\"}\n")
    put("jsonl", "array.json", b'[{"id": "a", "text": "one"}, {"id": 2.5, "html": "<p>two</p>"}]')
    feeds = {
        "rss.xml": b"""<?xml version="1.0"?><rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>News</title><link>https://news.example/</link><ttl>30</ttl><sy:updatePeriod>hourly</sy:updatePeriod><item><title>Cholera in Yemen</title><link>/2022/05/17/cholera</link><guid>c1</guid><pubDate>Tue, 17 May 2022 08:36:00 GMT</pubDate><description>&lt;p&gt;300 cases&lt;/p&gt;</description></item></channel></rss>""",
        "atom.xml": b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://who.example/"><title>DON</title><id>urn:x</id><updated>2022-05-17T00:00:00Z</updated><entry><title>Ebola</title><id>urn:e1</id><link href="don/1"/><updated>2022-05-17T00:00:00Z</updated><summary>12 deaths</summary></entry></feed>""",
        "feed.json": b"""{"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://j.example/", "items": [{"id": "1", "url": "https://j.example/1", "title": "Measles", "date_published": "2022-05-17T00:00:00Z", "content_text": "40 cases"}]}""",
        "list.opml": b"""<?xml version="1.0"?><opml version="2.0"><body><outline text="x"><outline type="rss" xmlUrl="https://a.example/rss"/><outline xmlUrl=" https://b.example/atom "/></outline></body></opml>""",
        "list.txt": b"# feeds\nhttps://a.example/rss\n\n  https://b.example/feed  \n",
    }
    for name, data in feeds.items():
        put("feed", name, data)


if __name__ == "__main__":
    main()
