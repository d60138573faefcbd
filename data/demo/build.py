#!/usr/bin/env python3
"""Builds data/demo/who-don.jsonl.gz, the WHO Disease Outbreak News part of the demo corpus.

Reads the WHO DON page archive of /work/shared/data/who-don-html (Augustpan/WHO_disease_outbreak_news,
see its SOURCE_COMMIT.txt): DONs_full_pages.tar.xz holds DONs/<row>.html, index_save.csv maps each
row to its who.int URL, date and title. The rows below were picked by hand for variety (diseases,
countries, years), with a few outbreaks told by several updates (novel coronavirus in January 2020,
Ebola in DR Congo, MERS in Saudi Arabia, yellow fever in Nigeria, SARS in 2003, Ebola in 2014).

Each line is {"id", "url", "title", "published", "html"}: epiwire's JSON input (see `epiwire
extract --help`). It also writes data/demo/seeds.jsonl, the two seed articles of
tests/fixtures/seeds as {"id", "published", "text"} records (text unchanged; the publication
times are the ones the articles and the project brief give: Hankyoreh 17 May 2022 17:36 KST,
VOI 18 May 2022). Run: python3 data/demo/build.py [/path/to/who-don-html]
"""
import csv
import datetime
import gzip
import io
import json
import os
import sys
import tarfile

ROWS = [
    # Novel coronavirus, January 2020 (one outbreak, five notes)
    2896, 2892, 2891, 2889, 2887,
    # Ebola virus disease, DR Congo 2019-2020
    2714, 2719, 2721, 2726, 2886, 2897,
    # MERS-CoV: Saudi Arabia, Qatar, United Arab Emirates
    2715, 2720, 2741, 2877, 2712, 2884,
    # Yellow fever: Nigeria (three updates), Ethiopia, Uganda
    2716, 2745, 2747, 2863, 2879,
    # Dengue: Afghanistan, Spain, Sudan, Pakistan, Chile
    2718, 2722, 2728, 2731, 2878,
    # Lassa fever: the Netherlands (ex Sierra Leone), Nigeria
    2724, 2881,
    # Poliovirus: Pakistan, the Philippines (two)
    2725, 2739, 2750,
    # Measles: Lebanon, Tunisia, Burundi, Mexico, Central African Republic, oPt
    2740, 2788, 2857, 2860, 2875, 2893,
    # 2019: cholera and Rift Valley fever in Sudan, Zika in France, listeriosis in Spain, HIV in
    # Pakistan, Ebola in Uganda, monkeypox in Singapore, Rift Valley fever in Mayotte,
    # undiagnosed febrile illness in Tanzania
    2743, 2732, 2735, 2753, 2771, 2775, 2784, 2785, 2751,
    # 2020: H5N1 in Lao PDR, Rift Valley fever in Mauritania, mink SARS-CoV-2 in Denmark,
    # monkeypox and plague in DR Congo, chikungunya in Chad, influenza A(H1N2)v in Brazil,
    # dracunculiasis in Ethiopia
    2832, 2833, 2834, 2837, 2838, 2842, 2843, 2853,
    # Ebola in West Africa and the United States, 2014
    2059, 2061, 2054,
    # SARS multi-country outbreak, May 2003 (two updates)
    798, 799,
]

SEEDS = [
    ("000_c6c40698dd1a2ea1.txt", "2022-05-17T17:36:00+09:00"),
    ("004_600c830cdf3f4dc2.txt", "2022-05-18"),
]


def main() -> None:
    src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/who-don-html"
    index = {}
    with open(os.path.join(src, "index_save.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            index[int(row[""])] = row
    wanted = {f"DONs/{r}.html": r for r in ROWS}
    pages = {}
    with tarfile.open(os.path.join(src, "DONs_full_pages.tar.xz")) as tar:
        for member in tar:
            if member.name in wanted:
                data = tar.extractfile(member)
                if data is not None:
                    pages[wanted[member.name]] = data.read().decode("utf-8", "replace")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "who-don.jsonl.gz")
    buf = io.StringIO()
    for r in ROWS:
        meta = index[r]
        published = datetime.datetime.strptime(meta["date"].strip(), "%d %B %Y").date().isoformat()
        record = {
            "id": f"who-don-{r}",
            "url": meta["href"].strip(),
            "title": meta["info"].strip(),
            "published": published,
            "html": pages[r],
        }
        buf.write(json.dumps(record, ensure_ascii=False) + "\n")
    # mtime=0: the same input gives the same bytes.
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    print(f"{len(ROWS)} pages -> {out} ({os.path.getsize(out)} bytes)")
    here = os.path.dirname(os.path.abspath(__file__))
    seeds = os.path.join(here, "..", "..", "tests", "fixtures", "seeds")
    with open(os.path.join(here, "seeds.jsonl"), "w", encoding="utf-8") as f:
        for name, published in SEEDS:
            with open(os.path.join(seeds, name), encoding="utf-8") as seed:
                text = seed.read()
            record = {"id": f"seed-{name.removesuffix('.txt')}", "published": published, "text": text}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(SEEDS)} seeds -> seeds.jsonl")


if __name__ == "__main__":
    main()
