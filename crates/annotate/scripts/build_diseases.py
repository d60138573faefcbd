#!/usr/bin/env python3
"""Build crates/annotate/data/diseases.tsv, the disease lexicon the crate embeds.

Inputs:
  * the Disease Ontology infectious-disease slim (OWL/RDF-XML, CC0), default
    /work/shared/data/disease-ontology/DO_infectious_disease_slim.owl;
  * the curated table crates/annotate/data/diseases_curated.tsv (what news actually writes).

Output (tab-separated, one entry a line, "#" lines are comments):
    id  name  icd10  icd11  parent  terms
where terms are "|"-separated and a term prefixed with "=" is matched case-sensitively
(abbreviations such as TB, AFP, HUS); every other term is matched case-insensitively. A term
"unknown{ disease}" matches "unknown disease" and marks "unknown" as the mention (BAND's span).

Standard library only. Usage:
    python3 crates/annotate/scripts/build_diseases.py [--owl PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
DEFAULT_OWL = Path("/work/shared/data/disease-ontology/DO_infectious_disease_slim.owl")

NS = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "oio": "http://www.geneontology.org/formats/oboInOwl#",
}
RDF_RESOURCE = "{%s}resource" % NS["rdf"]

# Avian influenza A subtypes that news and ProMED name ({FLU_A} in the curated table).
FLU_A = ["H5N1", "H5N2", "H5N5", "H5N6", "H5N8", "H5Nx", "H7N2", "H7N3", "H7N7", "H7N9",
         "H9N2", "H10N3", "H10N5", "H10N8", "H3N8"]

# Grouping classes whose names and synonyms ("infectious disease", "virus infection") say
# nothing about which disease a text reports.
DROP_CLASSES = {
    "DOID:0050117",  # disease by infectious agent
    "DOID:104",      # bacterial infectious disease
    "DOID:934",      # viral infectious disease
    "DOID:0050338", "DOID:0050339", "DOID:0050340",  # primary/commensal/opportunistic bacterial
    "DOID:1564",     # fungal infectious disease
    "DOID:1398",     # parasitic infectious disease
    "DOID:883",      # helminthiasis ("worm infection")
    "DOID:2789",     # parasitic protozoa infectious disease
    "DOID:0050687",  # cell type cancer (never an infection)
}

# Ontology synonyms that are common English words or ambiguous short tokens in news text.
STOP_SYNONYMS = {
    "orf", "yaba", "leeches", "piedra", "bouba", "lyssa", "favus", "thymosis", "stye",
    "choix", "cs", "pid", "bmd", "lcm", "dss", "wee", "eee", "hps", "uti", "sbe", "atll",
    "legionella", "tick typhus", "mediterranean fever", "sheep pox", "scabby mouth",
    "thistle disease", "frambosie", "ringworm", "crypto", "lepto", "mac disease",
    "infectious disease", "virus infection", "viral infection", "viral disease",
    "pearly disease", "king's evil", "black death", "glandular fever", "fifth disease",
    "sixth disease", "liver flukes", "fish tapeworm", "ectoparasitism", "hdl1", "hln1",
    "prion disease pathway", "psittacosis", "crabs", "thrush",
}

STOPWORDS = {
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of",
    "on", "or", "the", "to", "was", "with", "not", "no", "all", "can", "will", "may",
}


def die(msg: str) -> None:
    print(f"build_diseases: {msg}", file=sys.stderr)
    sys.exit(1)


def norm_key(term: str) -> str:
    """The key used to deduplicate terms: case-folded, runs of separators as one space."""
    t = term.casefold()
    t = re.sub(r"[\s\-\u2010-\u2015'\u2018\u2019]+", " ", t)
    return t.strip()


def is_abbreviation(term: str) -> bool:
    """Short all-capital tokens (TB, AFP, HUS, MERS) are matched case-sensitively."""
    letters = [c for c in term if c.isalpha()]
    return (
        " " not in term
        and len(term) <= 6
        and len(letters) >= 2
        and not any(c.islower() for c in letters)
        and not re.fullmatch(r"H\d+N\d+", term)
    )


def keep_ontology_synonym(syn: str) -> bool:
    s = syn.strip()
    k = norm_key(s)
    if not s or k in STOP_SYNONYMS or k in STOPWORDS:
        return False
    if "," in s or ";" in s or " - " in s or "(" in s or "+" in s:
        return False  # inverted index forms ("Yellow fever, sylvan"), notes
    if len(s.split()) > 6:
        return False
    if re.match(r"(?i)^(infection|intoxication|infestation) (by|due to|with)\b", s):
        return False  # index phrasings nobody writes in news
    if re.search(r"(?i)\b(with|due to|type [12]|type I+)\b", s) and len(s.split()) > 3:
        return False
    if len(k) <= 3:
        return False  # short single tokens are ambiguous
    if is_abbreviation(s) and len(s) <= 3:
        return False
    return True


def parse_owl(path: Path) -> dict[str, dict]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        die(f"cannot read {path}: {e}")
    out: dict[str, dict] = {}
    for cls in root.findall("owl:Class", NS):
        ident = cls.find("oio:id", NS)
        label = cls.find("rdfs:label", NS)
        if ident is None or label is None or not ident.text or not label.text:
            continue
        dep = cls.find("owl:deprecated", NS)
        if dep is not None and (dep.text or "").strip().lower() == "true":
            continue
        doid = ident.text.strip()
        icd10 = [x.text.split(":", 1)[1] for x in cls.findall("oio:hasDbXref", NS)
                 if x.text and x.text.startswith("ICD10CM:")]
        icd11 = [x.text.split(":", 1)[1] for x in cls.findall("oio:hasDbXref", NS)
                 if x.text and x.text.startswith("ICD11:")]
        parents = []
        for p in cls.findall("rdfs:subClassOf", NS):
            res = p.get(RDF_RESOURCE) or ""
            m = re.search(r"DOID_(\d+)$", res)
            if m:
                parents.append("DOID:" + m.group(1))
        syns = [s.text for tag in ("oio:hasExactSynonym", "oio:hasRelatedSynonym")
                for s in cls.findall(tag, NS) if s.text]
        out[doid] = {
            "name": label.text.strip(),
            "icd10": icd10[0] if icd10 else "",
            "icd11": icd11[0] if icd11 else "",
            "parent": parents[0] if parents else "",
            "syns": syns,
        }
    return out


def read_curated(path: Path) -> list[tuple[str, str, str, str, str, list[str]]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 6:
            die(f"{path}:{n}: expected 6 tab-separated columns, found {len(cols)}")
        ident, name, icd10, icd11, parent, terms = (c.strip() for c in cols)
        expanded = []
        for t in terms.split("|"):
            t = t.strip()
            if not t:
                continue
            if "{FLU_A}" in t:
                expanded.extend(t.replace("{FLU_A}", s) for s in FLU_A)
            else:
                expanded.append(t)
        rows.append((ident, name, icd10, icd11, parent, expanded))
    return rows


def build(owl: Path, curated: Path) -> list[dict]:
    onto = parse_owl(owl)
    entries: dict[str, dict] = {}
    order: list[str] = []

    def entry(ident: str) -> dict:
        if ident not in entries:
            entries[ident] = {"id": ident, "name": "", "icd10": "", "icd11": "", "parent": "",
                              "terms": {}, "removed": set()}
            order.append(ident)
        return entries[ident]

    def add_term(e: dict, term: str, force: str | None) -> None:
        term = re.sub(r"\s+", " ", term.strip())
        if not term:
            return
        sensitive = force == "=" or (force is None and is_abbreviation(term))
        key = ("=" if sensitive else "") + (term if sensitive else norm_key(term))
        if key not in e["terms"]:
            e["terms"][key] = ("=" + term) if sensitive else term

    for ident, info in onto.items():
        if ident in DROP_CLASSES:
            continue
        e = entry(ident)
        e.update(name=info["name"], icd10=info["icd10"], icd11=info["icd11"],
                 parent=info["parent"])
        e["onto_syns"] = [info["name"]] + [s for s in info["syns"] if keep_ontology_synonym(s)]

    for ident, name, icd10, icd11, parent, terms in read_curated(curated):
        if ident.startswith("DOID:"):
            if ident not in onto:
                die(f"curated id {ident} ({name}) is not in the ontology file")
        elif not ident.startswith("epiwire:"):
            die(f"curated id {ident}: expected DOID:… or epiwire:…")
        e = entry(ident)
        for field, val in (("name", name), ("icd10", icd10), ("icd11", icd11),
                           ("parent", parent)):
            if val:
                e[field] = val
        for t in terms:
            if t.startswith("!"):
                e["removed"].add(norm_key(t[1:]))
            elif t.startswith("="):
                add_term(e, t[1:], "=")
            elif t.startswith("~"):
                add_term(e, t[1:], "~")
            else:
                add_term(e, t, None)

    for e in entries.values():
        for s in e.pop("onto_syns", []):
            if norm_key(s) not in e["removed"]:
                add_term(e, s, None)
        if not e["name"]:
            die(f"{e['id']}: no name")

    # A term owned by two entries is ambiguous: the curated (first-seen for news) owner keeps it;
    # ontology copies elsewhere are dropped. Curated rows are processed after the ontology, so
    # resolve by preferring the entry that lists the term in the curated table.
    curated_terms: dict[str, str] = {}
    for ident, _n, _a, _b, _p, terms in read_curated(curated):
        for t in terms:
            if t[:1] in "!":
                continue
            raw = t[1:] if t[:1] in "=~" else t
            curated_terms.setdefault(norm_key(raw), ident)
    owner: dict[str, str] = {}
    for ident in order:
        e = entries[ident]
        for key in list(e["terms"]):
            k = norm_key(key.lstrip("="))
            want = curated_terms.get(k)
            if want is not None and want != ident:
                del e["terms"][key]
                continue
            if k in owner and owner[k] != ident:
                del e["terms"][key]
                continue
            owner[k] = ident
    # BAND and news convention: in "West Nile virus" the name is "West Nile"; "<term> virus" is
    # dropped where "<term>" is itself a term of the entry, so the span stops before "virus".
    for e in entries.values():
        keys = {norm_key(k.lstrip("=")) for k in e["terms"]}
        for key in list(e["terms"]):
            k = norm_key(key.lstrip("="))
            if k.endswith(" virus") and k[: -len(" virus")] in keys:
                del e["terms"][key]
    kept = {i for i in order if entries[i]["terms"]}
    for i in kept:
        if entries[i]["parent"] and entries[i]["parent"] not in kept:
            entries[i]["parent"] = ""
    return [entries[i] for i in order if i in kept]


def write(rows: list[dict], out: Path, owl: Path) -> None:
    lines = [
        "# epiwire disease lexicon, generated by crates/annotate/scripts/build_diseases.py",
        f"# from {owl.name} (Disease Ontology, CC0) and diseases_curated.tsv. Do not edit by hand.",
        "# id\tname\ticd10\ticd11\tparent\tterms ('|'-separated; '=' prefix: case-sensitive)",
    ]
    for e in sorted(rows, key=lambda e: e["id"]):
        terms = sorted(e["terms"].values(), key=lambda t: (t.lstrip("=").casefold(), t))
        for t in terms:
            if "|" in t or "\t" in t:
                die(f"{e['id']}: term {t!r} contains a separator")
        lines.append("\t".join([e["id"], e["name"], e["icd10"], e["icd11"], e["parent"],
                                "|".join(terms)]))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--owl", type=Path, default=DEFAULT_OWL)
    ap.add_argument("--curated", type=Path, default=DATA / "diseases_curated.tsv")
    ap.add_argument("--out", type=Path, default=DATA / "diseases.tsv")
    args = ap.parse_args()
    rows = build(args.owl, args.curated)
    write(rows, args.out, args.owl)
    n_terms = sum(len(e["terms"]) for e in rows)
    print(f"wrote {args.out}: {len(rows)} entries, {n_terms} terms", file=sys.stderr)


if __name__ == "__main__":
    main()
