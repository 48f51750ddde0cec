"""The typed model of one occupational standard (kutsestandard).

This is the boundary between `parse` (which knows nothing of RDF) and every later stage.
Every element keeps the 1-based source line it came from, so that reports, SHACL results and
the graph's provenance can point back into the document.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

# Competence groups, as named by the group headings of part B.
GROUPS = ("mandatory", "optional", "specialisation", "transversal")


@dataclass
class Line:
    """A piece of text and the line it starts on."""

    text: str
    line: int


@dataclass
class Section:
    """A free-text section of the document (A.1 Töö kirjeldus, A.3, A.4, ..., C.3 Lisad)."""

    code: str | None  # "A.1", or None for untitled text such as the introduction
    title: str
    paragraphs: list[Line]
    line: int


@dataclass
class Author:
    name: str
    organisation: str | None
    line: int


@dataclass
class WorkPart:
    code: str  # "A.2.1", or "1" in templates that number work parts plainly
    title: str
    ecf: list[str]  # normalised e-CF codes, e.g. ["A.7", "A.9"]
    line: int
    specialisation: bool = False  # from a "Spetsialiseerumisega seotud tööosad" block
    description: list[Line] = field(default_factory=list)  # tasks listed under the work part


@dataclass
class GeneralSkill:
    group: str  # the group heading as written, e.g. "Mõtlemisoskused"
    text: str
    line: int
    number: int | None = None


@dataclass
class Competence:
    code: str  # "B.3.5" or "B.2.5"
    title: str
    group: str  # one of GROUPS
    level: int | None  # the competence's own "EKR tase N"
    ecf: list[str]
    indicators: list[Line]
    knowledge: list[Line]
    assessment: str | None
    line: int
    assessment_line: int | None = None


@dataclass
class CompetenceRef:
    """A competence named in B.1 (or a specialisation table), kept exactly as written."""

    code: str  # normalised code, "B.3.9"
    title: str | None  # the title written beside it, if any
    line: int


# Kinds of a choice group: "choice" (valitavad kompetentsid, "X või Y") or "specialisation"
# (a competence that depends on the chosen specialisation and is not paired with one of them).
CHOICE_KINDS = ("choice", "specialisation")


@dataclass
class CompetenceChoice:
    """A requirement group of B.1: at least `minimum` of `options` ("Valitavatest kompetentsidest
    B.3.4-B.3.7 tuleb tõendada vähemalt kaks" -> 2 of 4; "B.3.4 või B.3.5" -> 1 of 2)."""

    minimum: int
    options: list[CompetenceRef]
    line: int
    kind: str = "choice"  # one of CHOICE_KINDS


@dataclass
class PartialQualification:
    title: str
    level: int | None
    competences: list[CompetenceRef]  # the required ones
    line: int
    requires_general_skills: bool = False
    choices: list[CompetenceChoice] = field(default_factory=list)


@dataclass
class Specialisation:
    title: str
    competences: list[CompetenceRef]  # the required ones
    line: int
    name_on_certificate: str | None = None
    level: int | None = None  # the EKR level column of the specialisations table, if any
    choices: list[CompetenceChoice] = field(default_factory=list)


@dataclass
class Standard:
    source_file: str
    title: str
    level: int | None
    line: int = 1
    name_en: str | None = None
    eqf: int | None = None
    isco: list[str] = field(default_factory=list)  # most specific last, e.g. ["1", "13", "133", "1330"]
    isco_label: str | None = None  # as written, e.g. "IKT-juhid"
    isco_labels: list[str] = field(default_factory=list)  # label of each isco code, same order
    register_code: str | None = None
    decision_number: str | None = None
    decision_date: str | None = None  # ISO yyyy-mm-dd where the document gives a date
    valid_until: str | None = None
    version: str | None = None
    approved_by: str | None = None
    ecf_version: str | None = None  # "4.0" / "3.0" when the document says; None = not stated
    authors: list[Author] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    work_parts: list[WorkPart] = field(default_factory=list)
    general_skills: list[GeneralSkill] = field(default_factory=list)
    competences: list[Competence] = field(default_factory=list)
    # competences the full qualification requires, from B.1 ("kohustuslikud kompetentsid B.3.1-B.3.19")
    qualification_competences: list[CompetenceRef] = field(default_factory=list)
    qualification_requires_general_skills: bool = False
    # its choice groups: "valitavatest ... vähemalt kaks", "X või Y", specialisation-dependent
    qualification_choices: list[CompetenceChoice] = field(default_factory=list)
    partial_qualifications: list[PartialQualification] = field(default_factory=list)
    specialisations: list[Specialisation] = field(default_factory=list)
    unaccounted: list[Line] = field(default_factory=list)
    warnings: list[Line] = field(default_factory=list)  # non-fatal findings, each with its line
    # extraction debris left out on purpose (bookmark tags, image names, page numbers, logo
    # texts: the skip list documented in docs/parsing.md), kept for auditing
    skipped: list[Line] = field(default_factory=list)

    # Pickled with its details (DETAILS) as one byte string, unpickled when one is first read: a
    # rebuild reads every standard's cache header (~1,200 on a register) but the details of the
    # changed ones only, and unpickling them all took ~0.35 s on its longest path.
    def __getstate__(self) -> dict[str, Any]:
        state = {name: value for name, value in self.__dict__.items() if name not in DETAILS}
        if "_details" not in state:  # read or made here: they may have changed
            state["_details"] = pickle.dumps(tuple(getattr(self, name) for name in DETAILS),
                                             protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __getattr__(self, name: str) -> Any:  # only for an attribute not in __dict__
        packed = self.__dict__.get("_details")
        if name in DETAILS and packed is not None:
            self.__dict__.update(zip(DETAILS, pickle.loads(packed)))
            self.__dict__.pop("_details", None)  # after the update: another thread sees either
        if name in DETAILS and name in self.__dict__:
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def competence(self, code: str) -> Competence | None:
        return next((c for c in self.competences if c.code == code), None)

    def to_json(self) -> dict[str, Any]:
        """The JSON form of `kutse-rdf parse --format json`.

        Indicator and knowledge lists are plain texts (as the CLI contract says); their source
        lines are kept beside them in `indicator_lines` / `knowledge_lines`.
        """
        data = _plain(self)
        for comp, out in zip(self.competences, data["competences"]):
            out["indicators"] = [i.text for i in comp.indicators]
            out["indicator_lines"] = [i.line for i in comp.indicators]
            out["knowledge"] = [k.text for k in comp.knowledge]
            out["knowledge_lines"] = [k.line for k in comp.knowledge]
        for refs_owner in data["partial_qualifications"] + data["specialisations"]:
            refs_owner["competence_refs"] = refs_owner["competences"]
            refs_owner["competences"] = [r["code"] for r in refs_owner["competences"]]
        data["qualification_competences"] = [r.code for r in self.qualification_competences]
        for refs_owner in [data] + data["partial_qualifications"] + data["specialisations"]:
            for choice in refs_owner.get("qualification_choices", refs_owner.get("choices", [])):
                choice["option_refs"] = choice["options"]
                choice["options"] = [r["code"] for r in choice["options"]]
        return data


# Standard's fields that a rebuild reads of the changed standards only (Standard.__getstate__)
DETAILS = ("authors", "sections", "work_parts", "general_skills", "competences",
           "qualification_competences", "qualification_choices", "partial_qualifications",
           "specialisations", "unaccounted", "warnings", "skipped")


_FIELDS: dict[type, tuple[str, ...]] = {}
_LEAVES = frozenset({str, int, bool, float, type(None)})


def _plain(value: Any) -> Any:
    """dataclasses.asdict for the model's values without asdict's deep copy of every leaf:
    the leaves are immutable (str, int, bool, None), and a standard has thousands of them."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    names = _FIELDS.get(kind)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if kind is list or kind is tuple:
        return kind(_plain(item) for item in value)
    if kind is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    if is_dataclass(value):
        _FIELDS[kind] = tuple(f.name for f in fields(value))
        return _plain(value)
    return value
