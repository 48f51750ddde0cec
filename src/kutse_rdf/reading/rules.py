"""Line-level rules of the kutsestandard text format: cleaning, the skip list, headings,
e-CF citations and B.1 competence references. `reading/parser.py` drives them over the document.

The skip list (extraction debris that is left out of the model on purpose, but recorded in
`Standard.skipped`) is documented in docs/parsing.md; keep the two in step.
"""
from __future__ import annotations

import re

# --- cleaning -------------------------------------------------------------------------------

BOOKMARK = re.compile(r"\[bookmark:[^\]]{0,200}\]")
_INVISIBLE = ("\u200b", "\u00ad", "\ufeff")  # zero-width space, soft hyphen, stray BOM


def clean(raw: str) -> tuple[str, list[str]]:
    """The line's text with whitespace runs collapsed, and the bookmark tags taken out of it."""
    tags: list[str] = []
    if "[bookmark" in raw:
        tags = BOOKMARK.findall(raw)
        raw = BOOKMARK.sub(" ", raw)
    if not raw.isascii():
        for char in _INVISIBLE:
            if char in raw:
                raw = raw.replace(char, "")
    return " ".join(raw.split()), tags


def key(text: str) -> str:
    """Comparison key for titles: case, spacing and punctuation ignored."""
    return re.sub(r"\W+", "", text.casefold())


# --- the skip list --------------------------------------------------------------------------

_IMAGE = re.compile(r"^[\w. -]{1,80}\.(?:png|jpe?g|gif|bmp|emf|wmf|tiff?|svg)$", re.I)
# Logo texts of the template's title and last page: Kutsekoda's logo (its "SIHTASUTUS" line comes
# out mangled, e.g. "- sTAsuTUS.") and the European Social Fund's logo.
_LOGO = re.compile(
    r"^(?:\d+\s+)?(?:SA\s+)?Kutsekoda$"
    r"|^-?\s*\w{0,6}asutus\.?$"
    r"|^(?:(?:Euroopa Liit|Euroopa Sotsiaalfond|Euroopa Regionaalarengu Fond"
    r"|Eesti tuleviku heaks)[\s,.]*)+$", re.I)
_PAGE_NUMBER = re.compile(r"^(?:lk\.?\s*|lehekülg\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?$", re.I)


def skip_reason(text: str, page_numbers: bool) -> str | None:
    """Why a (cleaned, non-blank) line is debris, or None. Page numbers only count where a
    lone number cannot be data (not in the front tables or C.1 fields)."""
    if len(text) > 100:
        return None
    if _IMAGE.match(text):
        return "image name"
    if _LOGO.match(text):
        return "logo text"
    if page_numbers and _PAGE_NUMBER.match(text):
        return "page number"
    return None


# --- boilerplate and headings ----------------------------------------------------------------

PART_A = frozenset({"a-osa", "töö kirjeldus", "kutse kirjeldus"})
PART_B = frozenset({"b-osa", "kompetentsusnõuded"})
PART_C = frozenset({"c-osa", "üldteave ja lisad"})
DOCUMENT_HEADING = "kutsestandard"

A_START = re.compile(r"^A\.1\.?\s")
B_START = re.compile(r"^B\.1\.?\s")
C_START = re.compile(r"^C\.1\.?\s")
A_SECTION = re.compile(r"^A\.(\d{1,2})\.?\s+(\S.*)$")
B_SECTION = re.compile(r"^B\.(\d{1,2})\.?\s+(\S.*)$")
C_SECTION = re.compile(r"^C\.(\d{1,2})\.?\s+(\S.*)$")
WORK_PART = re.compile(r"^(A\.\d{1,2}\.\d{1,3})\.?\s+(\S.*)$")
COMPETENCE = re.compile(r"^(B\.\d{1,2}\.\d{1,4})(?!\d)\.?\s*(\S.*)$")

# Front-page tables: the first cell of a header row names the table.
TABLE_HEADERS = {
    "kutsenimetus": "qualification", "kutse nimetus": "qualification",
    "osakutse nimetus": "partial", "osakutse": "partial", "osakutsed": "partial",
    "spetsialiseerumine": "specialisation", "spetsialiseerumised": "specialisation",
    "spetsialiseerumise nimetus": "specialisation",
}

GROUP_HEADINGS = (
    (re.compile(r"^kohustuslikud\s+kompetentsid$"), "mandatory"),
    (re.compile(r"^valitavad\s+kompetentsid$"), "optional"),
    (re.compile(r"^spetsialiseerumisega\s+seotud\s+kompetentsid$"), "specialisation"),
    (re.compile(r"^kutset\s+läbiv(?:ad)?\s+kompetents(?:id)?$"), "transversal"),
)


_GROUP_WORDS = ("kohustuslikud", "valitavad", "spetsialiseerumisega", "kutset")


def group_of(low: str) -> str | None:
    """The group named by a (casefolded) group heading line, or None."""
    if not low.startswith(_GROUP_WORDS):
        return None
    low = low.rstrip(" :")
    for pattern, group in GROUP_HEADINGS:
        if pattern.match(low):
            return group
    return None


# Headings inside a competence; text after a colon is the first item ("Teadmised: ...").
INDICATORS_HEADING = re.compile(r"^tegevusnäitajad(?:\s*:\s*(.*)|\s*)$", re.I)
KNOWLEDGE_HEADING = re.compile(r"^teadmised(?:\s*:\s*(.*)|\s*)$", re.I)
ASSESSMENT_HEADING = re.compile(r"^(?:hindamismeetod\(id\)|hindamismeetodid|hindamismeetod"
                                r"|hindamisviisid|hindamisviis|hindamine)(?:\s*:\s*(.*)|\s*)$",
                                re.I)
EKR_LINE = re.compile(r"^(?:EKR\s+)?tase\s*:?\s*(\d)\.?$|^EKR\s+(\d)\.?\s*tase$", re.I)
EKR_TAIL = re.compile(r"[,;]?\s*\(?\bEKR\s+tase\s*:?\s*(\d)\)?\s*$", re.I)
LEVEL_IN_TITLE = re.compile(r"\btase\s+(\d)\b", re.I)
# A list item: "1." / "1)" numbering or a bullet.
ITEM = re.compile(r"^(?:(?P<n>\d{1,2})[.)](?!\d)\s*|[-•–—·*▪●○◦]\s+)(?P<text>\S.*)$")
SPECIALISATION_WORK_PARTS = "spetsialiseerumisega seotud tööosad"

# --- e-CF citations ---------------------------------------------------------------------------

_ECF_PAREN = re.compile(r"\s*\(\s*e-?CF\b([^()]{0,200})\)", re.I)
_ECF_TAIL = re.compile(r"\s*[,;:–-]?\s*\be-?CF\b(.{0,200})$", re.I)
# Any letter: a code outside the e-CF areas A-E ("F.4") is kept as written and reported, never
# dropped (the parser warns, SHACL's kshape:EcfCitation-exists finds it in the graph).
_ECF_CODE = re.compile(r"\b([A-Z])\s?\.\s?(\d{1,2})(?!\d)")
# What else an e-CF citation may say: anything beyond these words is reported.
_ECF_WORDS = re.compile(r"\b(?:e-?CF|kompetents\w*|ja|ning|versioon|v|[34]\.0|tase\w*|e-?[1-5])\b"
                        r"|[\s,;:.&/()–-]+", re.I)
ECF_VERSION = re.compile(r"\be-?CF\s*(?:versioon\s*|v\.?\s*)?([34]\.0)\b", re.I)
# The competences of each e-CF version, by area: (area letter, highest number). Kept here because
# reading cannot import the graph stage; tests/graph/test_choices.py checks it against ontology/ecf-*.ttl.
ECF_AREAS = {"4.0": {"A": 10, "B": 6, "C": 5, "D": 11, "E": 9},
             "3.0": {"A": 9, "B": 6, "C": 4, "D": 12, "E": 9}}


def ecf_known(code: str, version: str | None) -> bool:
    """Is `code` ("A.7") a competence of e-CF `version` (of either version when not stated)?"""
    letter, _, number = code.partition(".")
    versions = [version] if version in ECF_AREAS else list(ECF_AREAS)
    return any(1 <= int(number) <= ECF_AREAS[v].get(letter, 0) for v in versions)


def split_ecf(text: str) -> tuple[str, list[str]]:
    """("Title (e-CF kompetentsid A.7 ja A.9)") -> ("Title", ["A.7", "A.9"]).

    Codes are normalised: "A.4." -> "A.4"; joined by "ja", ",", "&" or anything else."""
    title, codes, _ = read_ecf(text)
    return title, codes


def read_ecf(text: str) -> tuple[str, list[str], str]:
    """split_ecf, and the words of the citation that are neither codes nor its usual words
    ("A7", "X.Y"): the caller reports them."""
    match = _ECF_PAREN.search(text) or _ECF_TAIL.search(text)
    if not match:
        return text.strip(), [], ""
    codes: list[str] = []
    for letter, number in _ECF_CODE.findall(match.group(1)):
        code = f"{letter}.{int(number)}"
        if code not in codes:
            codes.append(code)
    rest = _ECF_WORDS.sub(" ", _ECF_CODE.sub(" ", match.group(1))).strip()
    title = (text[:match.start()] + text[match.end():]).strip()
    return title, codes, rest


# --- B.1 competence references ---------------------------------------------------------------

# "B.3.1", "B.3.1.", ranges "B.3.1–B.3.6" and "B.3.1.- B.3.4."
REF = re.compile(r"\bB\.(\d{1,2})\.(\d{1,3})\b\.?(?:\s*[-–—]\s*B\.(\d{1,2})\.(\d{1,3})\b\.?)?")
# What ends a referenced title: "... ja üldoskused B.2", "... ning kutset läbiv kompetents".
_TITLE_TAIL = re.compile(r"\s+(?:ja|ning|and)\s+(?:üldoskus|kutset\s+läbiv|valitav|kohustuslik"
                         r"|spetsialiseerumis)\w*.*$", re.I | re.S)
# Words in B.1 that say which kind of competence the following codes are.
REF_CONTEXT = re.compile(r"kohustuslik|valitav|läbiv|spetsialiseerumis|\bvastav(?:a|ad)?\b", re.I)
# How the codes after a context word are required (README, "parse": B.1 requirement groups).
_CONTEXT_KIND = {"valitav": "choice", "spetsialiseerumis": "specialisation",
                 "vastav": "specialisation"}


def requirement_kind(context: str) -> str:
    """"required", "choice" or "specialisation" for a (casefolded) REF_CONTEXT word."""
    return _CONTEXT_KIND.get(context.rstrip("ad") if context.startswith("vastav") else context,
                             "required")


# The word joining a code (and its title) to the next code: "B.3.4 ... või B.3.5".
_CONNECTOR = re.compile(r"(?:^|[\s,;])(või|ja|ning|and|or)\s*$", re.I)


def connector(segment: str) -> str | None:
    """The connector at the end of the text between two codes, casefolded, or None."""
    match = _CONNECTOR.search(segment)
    return match.group(1).casefold() if match else None


# "vähemalt kaks", "vähemalt 2": how many of the optional competences to prove.
AT_LEAST = re.compile(r"\bvähemalt\s+(\w+)", re.I)
NUMBER_WORDS = {w: n for n, words in enumerate((
    (), ("üks", "ühe", "ühte"), ("kaks", "kahe", "kahte"), ("kolm", "kolme"), ("neli", "nelja"),
    ("viis", "viie", "viit"), ("kuus", "kuue", "kuut"), ("seitse", "seitsme", "seitset"),
    ("kaheksa", "kaheksat"), ("üheksa", "üheksat"), ("kümme", "kümne", "kümmet")))
    for w in words}


def number(word: str) -> int | None:
    """A count written as a digit or an Estonian word ("kaks" -> 2)."""
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word.casefold())
MAX_RANGE = 99
# The start of the next sentence of B.1, not a title: "B.2.7. Valitavatest kompetentsidest ..."
_NOT_TITLE = re.compile(r"^(?:valitav|kohustuslik|lisaks|samuti)|\b(?:tuleb|tõendada)\b", re.I)


def ref_title(segment: str) -> str | None:
    """The title written after a referenced code, up to the next `;` or code."""
    title = segment.split(";", 1)[0]
    title = _TITLE_TAIL.sub("", title).strip(" \t.,:;–-")
    # "B.3.3 Toiduohutuse tagamine ning B.3.4": the word before the next code joins, it is
    # not part of the title
    title = _CONNECTOR.sub("", title).strip(" \t.,:;–-")
    if not title or not title[0].isupper() or _NOT_TITLE.search(title):
        return None  # "ja", ", " or "ning ..." between codes, or the next sentence: no title
    return title


# --- C.1 fields -------------------------------------------------------------------------------

C1_FIELD = re.compile(r"^(\d{1,2})\.\s*(?![\d.])(\S.*)$")  # "5. Label"; not a date "06.01.2016"
C1_FIELDS = (  # (model field, words of the label); first match wins
    ("register_code", ("tähis",)),
    ("authors", ("koostaja",)),
    ("approved_by", ("kinnitaja",)),
    ("decision_date", ("otsuse kuupäev",)),
    ("decision_number", ("otsuse n",)),
    ("valid_until", ("kehtib",)),
    ("version", ("versioon",)),
    ("isco", ("ametite klassifikaator", "isco")),
    ("eqf", ("euroopa kvalifikatsiooniraamistik", "eqf")),
)


def c1_field(label: str) -> str | None:
    low = label.casefold()
    for name, words in C1_FIELDS:
        if any(w in low for w in words):
            return name
    return None


# The EQF field's value: a level and nothing else ("7", "7. tase", "EQF 7", "tase 7").
EQF_LEVEL = re.compile(r"^(?:(?:EQF|EKR)\s*)?(?:tase\s*:?\s*)?([1-8])\.?(?:\s*tase)?$", re.I)
PLACEHOLDER = re.compile(r"^(?:täidab\b.*|[-–—.]+|puudub|määramata)$", re.I)
ISCO_LINE = re.compile(r"^(?:ISCO[\s-]*(?:08)?\s*:?\s*)?(\d{1,4})\b\s*[-–:]?\s*(.*)$", re.I)
DATE = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\b")
_AUTHOR_DASH = re.compile(r"\s+[-–—]\s*|\s*[–—]\s+")
FOREIGN_NAME = re.compile(r"^(\w+)\s+keeles\s*:?\s*(\S.*)$", re.I)


def split_author(text: str) -> tuple[str, str | None]:
    """"Name - Organisation", "Name – Org", "Name (Org)" or "Name, Org"."""
    parts = _AUTHOR_DASH.split(text, maxsplit=1)
    if len(parts) == 2:
        return parts[0].strip(), parts[1].strip() or None
    # "Name (Org)": the first "(" after the name to the ")" that ends the line. Found with
    # str.find, not a regex: a lazy name and a greedy organisation backtrack over every "(" of
    # a long line.
    if text.endswith(")"):
        start = text.find("(", 1)
        if 0 < start < len(text) - 2:
            return text[:start].rstrip() or text[0], text[start + 1:-1]
    name, _, org = text.partition(",")
    return name.strip(), org.strip() or None


def iso_date(text: str) -> str | None:
    match = DATE.match(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
