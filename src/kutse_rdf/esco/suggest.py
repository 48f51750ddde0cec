"""Suggested competence -> ESCO skill mappings, for a curator to accept or reject.

The method is lexical and deterministic (same release, standards and mappings: same bytes):

1. Words. A competence's Estonian title, indicators and knowledge items and each skill's
   Estonian preferred, alternative and hidden labels are cut into words (letters only, three
   or more, a short stop list left out) and stemmed with the Snowball Estonian stemmer
   (PyStemmer); "IT" is read as "IKT". A compound word also counts as its parts: the longest
   tail that is a stem of the release's labels, then the same for the head
   ("infoturbestrateegia" = info + turbe + strateegia), since Estonian writes as one word
   what a label may write as two; a label word whose parts are only partly found counts for
   the share found.
2. Lexical score of a skill: the best of its labels, each scored by the share of the label's
   words the competence has, words weighted by rarity among the release's skills (idf), a
   word found in the title counting fully and one found only in indicators or knowledge items
   at TITLE_SHARE.
3. Prior: a skill the candidate occupations (ESCO occupations of the standard's ISCO group)
   need, essential (1) or optional (0.5).
4. e-CF: the idf-weighted share of the words of the cited e-CF competences' English titles
   that the skill's English labels have (English Snowball stemmer).

confidence = 0.8 lexical + 0.1 prior + 0.1 e-CF, rounded to 3 places; skills without a
lexical match are not offered. Pairs a mapping file already decides (accepted, or rejected
with predicate_modifier Not) are never offered again.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kutse_rdf import __version__
from kutse_rdf.config import Config
from kutse_rdf.model import Standard
from kutse_rdf.graph.namespaces import SKOS as SKOS_TERMS

TOP = 5
WEIGHTS = (0.8, 0.1, 0.1)  # lexical, occupation prior, e-CF
TITLE_SHARE = 0.6  # a label word found only in indicators or knowledge items
MIN_PART = 4  # shortest part of a compound word
_WORD = re.compile(r"[^\W\d_]+")
# Function words and the verbs of every indicator: no evidence of a topic.
STOP_ET = frozenset("""ja ning või ega ka ei on ole oma see selle need nende mis mida kes kui
nii kas et sh jne ehk nt vastavalt sealhulgas kõik kogu muu muud teised teiste üle läbi
alusel abil kaudu poolt jaoks osas osa""".split())
STOP_EN = frozenset("and or of the to in for on with a an by from".split())

SSSOM_PREFIXES = {
    "kutseid": "https://w3id.org/kutse-rdf/id/",
    "kutserdf": "https://w3id.org/kutse-rdf/",
    "skos": str(SKOS_TERMS),
    "semapv": "https://w3id.org/semapv/vocab/",
    "ESCO.SKILL": "http://data.europa.eu/esco/skill/",
    "ESCO.OCC": "http://data.europa.eu/esco/occupation/",
}
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
           "mapping_justification", "confidence", "mapping_tool", "comment")


@lru_cache(maxsize=None)
def _stemmer(language: str):
    import Stemmer  # PyStemmer: the Snowball stemmers in C

    return Stemmer.Stemmer(language)


# Spellings of one word: the standards write "IT", ESCO's Estonian labels "IKT".
SAME_ET = {"it": "ikt"}


def words(text: str, stop: frozenset = STOP_ET, same: dict = SAME_ET) -> list[str]:
    found = (same.get(w, w) for w in _WORD.findall(text.lower()))
    return [w for w in found if len(w) >= 3 and w not in stop]


class Vocabulary:
    """Stems of words, and compound parts, for one language and one set of known stems."""

    def __init__(self, language: str = "estonian"):
        self.stemmer = _stemmer(language)
        self.stems: dict[str, str] = {}
        self.known: set[str] = set()

    def stem(self, word: str) -> str:
        stem = self.stems.get(word)
        if stem is None:
            stem = self.stems[word] = self.stemmer.stemWord(word)
        return stem

    def parts(self, word: str, depth: int = 3) -> tuple[str, ...]:
        """The parts of a compound word, as stems: the longest tail whose stem is a known
        stem, then the same for the head ("infoturbestrateegia" -> info, turbe, strateegia);
        () when the word is no compound of known stems."""
        for cut in range(3, len(word) - MIN_PART + 1):
            tail = self.stem(word[cut:])
            if tail in self.known:
                head = word[:cut]
                more = self.parts(head, depth - 1) if depth > 1 else ()
                return (*(more or (self.stem(head),)), tail)
        return ()


@dataclass
class Label:
    text: str
    kind: str  # "preferred", "alternative", "hidden"
    units: list[tuple[str, tuple[str, ...]]]  # per word: its stem, and its compound parts


@dataclass
class Skill:
    uri: str
    label_et: str
    labels: list[Label]
    english: frozenset[str]  # stems of the English labels (preferred and alternative)
    label_en: str = ""


@dataclass
class Index:
    """The release's skills prepared for matching (made once per release and process)."""
    skills: list[Skill]
    idf: dict[str, float]
    idf_en: dict[str, float]
    vocabulary: Vocabulary
    english: Vocabulary
    occupations: dict[str, dict]  # uri -> {"isco", "code"}
    relations: dict[str, list]  # occupation -> [[skill, essential]]
    occupation_labels: dict[str, str]  # English, else any
    occupation_et: dict[str, str] = field(default_factory=dict)
    version: str = ""
    _doc_cache: dict = field(default_factory=dict)
    # the same, as arrays (numpy): label words ("units") of every label, one row each
    unit_label: object = None  # unit -> label
    unit_weight: object = None  # unit -> its idf / the idf sum of its label
    label_skill: object = None  # label -> skill
    # stem -> (units that are this stem or have it as a compound part, share of the unit)
    postings_of: dict = field(default_factory=dict)
    english_postings: dict = field(default_factory=dict)  # English stem -> skills
    skill_ids: dict = field(default_factory=dict)  # uri -> position in skills
    skill_first_label: object = None


def _arrays(index: "Index") -> None:
    import numpy as np

    unit_label, unit_weight, label_skill = [], [], []
    full: dict[str, list[int]] = {}
    part: dict[str, tuple[list[int], list[float]]] = {}
    for s, skill in enumerate(index.skills):
        for label in skill.labels:
            lid = len(label_skill)
            label_skill.append(s)
            weights = [index.idf.get(stem, 1.0) for stem, _ in label.units]
            total = sum(weights)
            for (stem, parts), weight in zip(label.units, weights):
                uid = len(unit_label)
                unit_label.append(lid)
                unit_weight.append(weight / total)
                full.setdefault(stem, []).append(uid)
                for p in parts:
                    ids, shares = part.setdefault(p, ([], []))
                    ids.append(uid)
                    shares.append(1 / len(parts))
        for stem in skill.english:
            index.english_postings.setdefault(stem, []).append(s)
    index.unit_label = np.array(unit_label, dtype=np.int64)
    index.unit_weight = np.array(unit_weight, dtype=np.float64)
    index.label_skill = np.array(label_skill, dtype=np.int64)
    for stem in sorted(set(full) | set(part)):
        ids, shares = part.get(stem, ([], []))
        whole = full.get(stem, [])
        index.postings_of[stem] = (np.array(whole + ids, dtype=np.int64),
                                   np.array([1.0] * len(whole) + shares))
    index.english_postings = {k: np.array(v, dtype=np.int64)
                              for k, v in index.english_postings.items()}
    index.skill_ids = {skill.uri: s for s, skill in enumerate(index.skills)}
    # labels are listed skill by skill, each skill has one or more: where each skill's start
    index.skill_first_label = np.searchsorted(index.label_skill, np.arange(len(index.skills)))


def build_index(store) -> Index:
    concepts = store.concepts
    vocab, english = Vocabulary("estonian"), Vocabulary("english")
    raw = []
    for uri in sorted(concepts["skills"]):
        labels = concepts["labels"].get(uri, {})
        et = labels.get("et")
        if not et:
            continue
        texts = [(et[0], "preferred")] + [(t, "alternative") for t in et[1]] + \
                [(t, "hidden") for t in et[2]]
        raw.append((uri, et[0], texts, labels.get("en")))
        for text, _ in texts:
            vocab.known.update(vocab.stem(w) for w in words(text))
    skills: list[Skill] = []
    df: dict[str, int] = {}
    for uri, label_et, texts, en in raw:
        labels = []
        seen: set[str] = set()
        for text, kind in texts:
            units = []
            for w in words(text):
                stem = vocab.stem(w)
                units.append((stem, vocab.parts(w)))
            if units:
                labels.append(Label(text, kind, units))
                for stem, parts in units:
                    seen.add(stem)
                    seen.update(parts)
        if not labels:  # no word to match (e.g. only "C#")
            continue
        en_stems = frozenset(english.stem(w) for text in ([en[0], *en[1]] if en else [])
                             for w in words(text, STOP_EN, {}))
        skills.append(Skill(uri, label_et, labels, en_stems, en[0] if en else ""))
        for stem in seen:
            df[stem] = df.get(stem, 0) + 1
    total = max(len(skills), 1)
    idf = {stem: math.log(1 + total / n) for stem, n in df.items()}
    df_en: dict[str, int] = {}
    for skill in skills:
        for stem in skill.english:
            df_en[stem] = df_en.get(stem, 0) + 1
    idf_en = {stem: math.log(1 + total / n) for stem, n in df_en.items()}
    occupation_labels, occupation_et = {}, {}
    for uri in concepts["occupations"]:
        if "et" in concepts["labels"].get(uri, {}):
            occupation_et[uri] = concepts["labels"][uri]["et"][0]
        labels = concepts["labels"].get(uri, {})
        chosen = labels.get("en") or labels.get("et") or next(iter(labels.values()), None)
        occupation_labels[uri] = chosen[0] if chosen else uri
    index = Index(skills, idf, idf_en, vocab, english, concepts["occupations"],
                  concepts["relations"], occupation_labels, occupation_et, store.version)
    _arrays(index)
    return index


@dataclass
class Suggestion:
    subject: str
    subject_label: str
    skill: Skill | None  # None for an occupation candidate
    confidence: float
    comment: str
    object: str = ""  # the ESCO concept (the skill's URI when empty)
    object_label: str = ""
    justification: str = "semapv:LexicalMatching"

    def __post_init__(self):
        if self.skill is not None and not self.object:
            self.object, self.object_label = self.skill.uri, self.skill.label_et


def _doc(index: Index, text: str) -> set[str]:
    """The stems of a text, with the parts of its compound words."""
    found: set[str] = set()
    for w in words(text):
        stem = index.vocabulary.stem(w)
        found.add(stem)
        parts = index._doc_cache.get(w)
        if parts is None:
            parts = index._doc_cache[w] = index.vocabulary.parts(w)
        found.update(parts)
    return found


def _share(stem: str, parts: tuple, stems: set[str]) -> tuple[float, list[str]]:
    """How much of a label word a text has: all of it (its stem), else the share of its
    compound parts it has."""
    if stem in stems:
        return 1.0, [stem]
    found = [p for p in parts if p in stems]
    return (len(found) / len(parts), found) if found else (0.0, [])


def score_label(index: Index, label: Label, title: set[str], body: set[str]) -> tuple[float, list[str]]:
    """The idf-weighted share of the label's words the competence has (title words fully,
    indicator and knowledge words at TITLE_SHARE), and the words matched."""
    total = got = 0.0
    matched = []
    for stem, parts in label.units:
        weight = index.idf.get(stem, 1.0)
        total += weight
        share, found = _share(stem, parts, title)
        body_share, body_found = _share(stem, parts, body)
        if body_share * TITLE_SHARE > share:
            share, found = body_share * TITLE_SHARE, body_found
        got += weight * share
        matched += found
    return (got / total if total else 0.0), matched


def prior_of(index: Index, std: Standard) -> tuple[dict[str, tuple[float, str]], list[str]]:
    """skill -> (prior, the occupation that gives it); and the candidate occupations."""
    code = std.isco[-1] if std.isco else None
    if not code:
        return {}, []
    occupations = sorted(uri for uri, o in index.occupations.items()
                         if o["isco"] and o["isco"].startswith(code))
    prior: dict[str, tuple[float, str]] = {}
    for occupation in occupations:
        for skill, essential in index.relations.get(occupation, []):
            value = 1.0 if essential else 0.5
            if value > prior.get(skill, (0.0, ""))[0]:
                prior[skill] = (value, occupation)
    return prior, occupations


def _unit_shares(index: Index, stems: set[str]):
    """Per label word ("unit") of the release, the share of it a text has: 1 for the word's
    stem, else the share of its compound parts (as score_label)."""
    import numpy as np

    found = [index.postings_of[s] for s in stems if s in index.postings_of]
    ids = [f[0] for f in found]
    shares = [f[1] for f in found]
    if not ids:
        return np.zeros(len(index.unit_label))
    found = np.bincount(np.concatenate(ids), weights=np.concatenate(shares),
                        minlength=len(index.unit_label))
    return np.minimum(found, 1.0)


def lexical_scores(index: Index, title: set[str], body: set[str]):
    """(skills, score) of the skills with a lexical match: each skill's best label score
    (score_label, for every label at once)."""
    import numpy as np

    share = np.maximum(_unit_shares(index, title), _unit_shares(index, body) * TITLE_SHARE)
    label_score = np.bincount(index.unit_label, weights=index.unit_weight * share,
                              minlength=len(index.label_skill))
    best = np.maximum.reduceat(label_score, index.skill_first_label)
    skills = np.nonzero(best > 0)[0]
    return skills, best[skills]


def _english_share(index: Index, stems: list[str]):
    """Per skill, the idf-weighted share of `stems` its English labels have."""
    import numpy as np

    share = np.zeros(len(index.skills))
    default = math.log(1 + len(index.skills))
    total = sum(index.idf_en.get(w, default) for w in stems)
    for w in stems:
        if w in index.english_postings:
            share[index.english_postings[w]] += index.idf_en.get(w, default) / total
    return share


def suggest_standard(index: Index, std: Standard, config: Config, decided: set[tuple[str, str]],
                     top: int = TOP) -> list[Suggestion]:
    import numpy as np

    from kutse_rdf.graph.uris import Uris
    from kutse_rdf.graph.vocab import ecf_competences

    uris = Uris(config.base_uri)
    version = config.ecf_version_for(std.source_file, std.ecf_version)
    ecf_titles = {c.code: c.title for c in ecf_competences(version)}
    prior, _ = prior_of(index, std)
    # suggestions and curated mappings name version-independent resources (graph/uris.py)
    decided = {pair for pair in decided if pair[0].startswith(str(uris.work(std)) + "/")}
    prior_array = np.zeros(len(index.skills))
    for uri, (value, _) in prior.items():
        if uri in index.skill_ids:
            prior_array[index.skill_ids[uri]] = value
    ecf_arrays: dict[str, object] = {}
    result: list[Suggestion] = []
    for comp in std.competences:
        subject = str(uris.unversioned(uris.competence(std, comp.code)))
        title = _doc(index, comp.title)
        body = _doc(index, " ".join(i.text for i in [*comp.indicators, *comp.knowledge]))
        skills, lexical = lexical_scores(index, title, body)
        if not len(skills):
            continue
        cited = [code for code in comp.ecf if code in ecf_titles]
        for code in cited:
            if code not in ecf_arrays:
                stems = sorted({index.english.stem(w) for w in words(ecf_titles[code], STOP_EN, {})})
                ecf_arrays[code] = _english_share(index, stems) if stems else np.zeros(len(index.skills))
        ecf = (np.max([ecf_arrays[c][skills] for c in cited], axis=0) if cited
               else np.zeros(len(skills)))
        confidence = np.round(WEIGHTS[0] * lexical + WEIGHTS[1] * prior_array[skills]
                              + WEIGHTS[2] * ecf, 3)
        done = [index.skill_ids[o] for d, o in decided if d == subject and o in index.skill_ids]
        if done:
            confidence[np.isin(skills, done)] = -1.0
        order = np.lexsort((skills, -confidence))  # best first, then by URI (skills are sorted)
        for position in order[:top]:
            if confidence[position] <= 0:
                break
            skill = index.skills[skills[position]]
            result.append(Suggestion(subject, comp.title, skill, float(confidence[position]),
                                     _comment(index, skill, title, body, prior,
                                              [(c, ecf_titles[c], ecf_arrays[c][skills[position]])
                                               for c in cited])))
    return result


def _comment(index: Index, skill: Skill, title: set[str], body: set[str], prior: dict,
             cited: list) -> str:
    """Why a skill is suggested: the label and words matched, the occupation, the e-CF."""
    best, matched, kind = 0.0, [], ""
    for label in skill.labels:
        value, found = score_label(index, label, title, body)
        if value > best:
            best, matched, kind = value, found, label.kind
    notes = [f"matched ({kind} label): {', '.join(matched)}"]
    value, occupation = prior.get(skill.uri, (0.0, ""))
    if value:
        notes.append(f"{'essential' if value == 1.0 else 'optional'} for "
                     f"{index.occupation_labels.get(occupation, occupation)}")
    share, code, text = max(((float(v), c, t) for c, t, v in cited), default=(0.0, "", ""),
                            key=lambda item: item[0])
    if share > 0:
        notes.append(f"has {share:.0%} (idf-weighted) of the words of e-CF {code} {text}")
    return "; ".join(notes)


def decided_pairs(config: Config) -> set[tuple[str, str]]:
    """(subject, object) of every row of the mapping files, accepted or rejected."""
    from kutse_rdf.graph.vocab import load_decisions

    return {(m.subject, m.object) for m in load_decisions(config)}


OCCUPATION_CONFIDENCE = 0.5  # every occupation of the group alike: the code says no more


def occupation_candidates(index: Index, std: Standard, config: Config,
                          decided: set[tuple[str, str]]) -> list[Suggestion]:
    """The ESCO occupations of the standard's ISCO group, as candidates for its qualification
    (a chain: the standard names the group, ESCO files the occupation in it)."""
    from kutse_rdf.graph.uris import Uris

    uris = Uris(config.base_uri)
    subject = str(uris.unversioned(uris.qualification(std)))  # as curated mappings name it
    _, occupations = prior_of(index, std)
    result = []
    for uri in occupations:
        if (subject, uri) in decided:
            continue
        labels = index.occupation_et.get(uri) or index.occupation_labels.get(uri, uri)
        group = index.occupations[uri]["isco"]
        result.append(Suggestion(
            subject, std.title, None, OCCUPATION_CONFIDENCE,
            f"ESCO files this occupation in ISCO group {group}; the standard names ISCO "
            f"{std.isco[-1]}" + (f" ({std.isco_label})" if std.isco_label else ""),
            object=uri, object_label=labels, justification="semapv:MappingChaining"))
    return result


def suggest(store, standards: list[Standard], config: Config, top: int = TOP) -> list[Suggestion]:
    """Per standard: its qualification's occupation candidates, then its competences' skills."""
    index = index_of(store)
    decided = decided_pairs(config)
    return [s for std in standards
            for s in [*occupation_candidates(index, std, config, decided),
                      *suggest_standard(index, std, config, decided, top)]]


_INDEXES: dict[str, Index] = {}


def index_of(store) -> Index:
    key = f"{store.folder}\0{store.index['digest']}"
    if key not in _INDEXES:
        _INDEXES.clear()
        _INDEXES[key] = build_index(store)
    return _INDEXES[key]


def _curie(uri: str, base_uri: str) -> str:
    for prefix, ns in (("kutseid", base_uri), *SSSOM_PREFIXES.items()):
        if uri.startswith(ns):
            return f"{prefix}:{uri[len(ns):]}"
    return uri


def _cell(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def sssom(suggestions: list[Suggestion], config: Config, version: str) -> str:
    """The suggestions as an SSSOM TSV (a metadata block, a header row, one row each)."""
    prefixes = dict(SSSOM_PREFIXES, kutseid=config.base_uri)
    head = ["# curie_map:"] + [f"#   {k}: {v}" for k, v in prefixes.items()] + [
        "# mapping_set_id: https://w3id.org/kutse-rdf/mappings/esco-suggestions",
        '# mapping_set_title: "Suggested ESCO mappings (not curated): qualification to '
        'occupation by ISCO code, competence to skill by lexical matching"',
        '# mapping_set_description: "Candidates for a curator: accept a row by copying it to a '
        'mappings/*.sssom.tsv file with semapv:ManualMappingCuration and the right predicate, '
        'reject it by copying it there with predicate_modifier Not. Never read by the build."',
        "# license: https://spdx.org/licenses/EUPL-1.2.html",
        "# object_source: http://data.europa.eu/esco/",
        f"# object_source_version: ESCO {version}",
        f"# mapping_tool: kutse-rdf {__version__}",
        "\t".join(COLUMNS),
    ]
    rows = [
        "\t".join([_curie(s.subject, config.base_uri), _cell(s.subject_label), "skos:relatedMatch",
                   _curie(s.object, config.base_uri), _cell(s.object_label),
                   s.justification, f"{s.confidence:.3f}", f"kutse-rdf {__version__}",
                   _cell(s.comment)])
        for s in suggestions
    ]
    return "\n".join(head + rows) + "\n"


def write_suggestions(path: Path, store, standards: list[Standard], config: Config,
                      top: int = TOP) -> int:
    """Write the SSSOM file; returns the number of suggestions."""
    found = suggest(store, standards, config, top)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sssom(found, config, store.version), encoding="utf-8")
    return len(found)
