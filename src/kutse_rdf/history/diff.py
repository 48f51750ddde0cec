"""The changes between two versions of a standard (two Standard models).

Competences are compared through their lineage (lineage.py): a renumbered competence is one
competence under a new code, not one lost and one gained, in its own content and in what the
qualification, partial qualifications and specialisations require. Indicators and knowledge
items are compared as texts: the same text (spaces ignored) is kept wherever it moved; of the
rest, pairs of similar texts are reworded, best pair first, and the others added or removed.
Texts are compared by their words (difflib's ratio on the lists of folded words, at least
REWORDED): an indicator is a sentence, and a rewording changes words; letters would cost a
hundred times more on long texts for no better pairs. Partial qualifications and
specialisations are matched by title.

Every comparison is within one standard, and the pairwise ones within one competence's lists or
between one standard's competences, so the time is bounded by their squares (tens).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Callable

from kutse_rdf.history.lineage import Ambiguous, Lineage, fold, lineage
from kutse_rdf.model import Competence, CompetenceChoice, CompetenceRef, Line, Standard

REWORDED = 0.6  # an indicator or knowledge item at least this similar to a removed one is reworded
# More unpaired texts than this in one list, on either side, and they are not paired (all added
# and removed): a list is rewritten, and pairing would cost the square of its length.
MAX_TEXTS = 100

# The standard's own fields compared, with their names in the output.
FIELDS = ("title", "level", "eqf", "name_en", "version", "register_code", "decision_number",
          "decision_date", "valid_until", "approved_by", "ecf_version", "isco", "isco_label")


@dataclass
class Texts:
    """Changes in a list of texts (indicators, knowledge items)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reworded: list[tuple[str, str]] = field(default_factory=list)  # (old, new)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.reworded)


@dataclass
class CompetenceDiff:
    """A competence of both versions and what changed in it."""

    old_code: str
    new_code: str
    old_title: str
    new_title: str
    reason: str  # lineage.REASONS
    similarity: float
    indicators: Texts = field(default_factory=Texts)
    knowledge: Texts = field(default_factory=Texts)
    ecf_added: list[str] = field(default_factory=list)
    ecf_removed: list[str] = field(default_factory=list)
    level: tuple[int | None, int | None] | None = None  # (old, new) EKR level when changed
    group: tuple[str, str] | None = None  # (old, new) when changed
    assessment: tuple[str | None, str | None] | None = None

    @property
    def renamed(self) -> bool:
        return self.reason in ("renamed", "renamed-renumbered")

    @property
    def renumbered(self) -> bool:
        return self.reason in ("renumbered", "renamed-renumbered")

    def __bool__(self) -> bool:
        return bool(self.renamed or self.renumbered or self.indicators or self.knowledge
                    or self.ecf_added or self.ecf_removed or self.level or self.group
                    or self.assessment)


@dataclass
class Choice:
    """A choice group as compared: its kind, minimum and options (codes of its own version)."""

    kind: str
    minimum: int
    options: list[str]

    def text(self) -> str:
        return f"at least {self.minimum} of ({', '.join(self.options)})" + (
            " by specialisation" if self.kind == "specialisation" else "")


@dataclass
class ChoiceChange:
    """One choice group in both versions: its old and new form, the options it gained (new
    codes) and lost (old codes), compared through the lineage."""

    old: Choice
    new: Choice
    gained: list[str]
    lost: list[str]


@dataclass
class Requirements:
    """What one holder (the qualification, a partial qualification, a specialisation) requires,
    and how it changed. Codes: gained ones in the new version's, lost ones in the old's."""

    kind: str  # "qualification", "partial", "specialisation"
    title: str  # in the new version (the old one's when lost)
    status: str = "changed"  # "changed", "added" (new holder), "removed" (gone)
    gained: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    choices_added: list[Choice] = field(default_factory=list)
    choices_removed: list[Choice] = field(default_factory=list)
    choices_changed: list[ChoiceChange] = field(default_factory=list)
    general_skills: tuple[bool, bool] | None = None  # (old, new) when changed
    level: tuple[int | None, int | None] | None = None

    def __bool__(self) -> bool:
        return bool(self.status != "changed" or self.gained or self.lost or self.choices_added
                    or self.choices_removed or self.choices_changed or self.general_skills
                    or self.level)


@dataclass
class Diff:
    old_file: str
    new_file: str
    old_version: str | None
    new_version: str | None
    lineage: Lineage
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)  # (name, old, new)
    competences: list[CompetenceDiff] = field(default_factory=list)  # matched ones that changed
    requirements: list[Requirements] = field(default_factory=list)

    @property
    def added(self) -> list[Competence]:
        return self.lineage.added

    @property
    def removed(self) -> list[Competence]:
        return self.lineage.removed

    @property
    def ambiguous(self) -> list[Ambiguous]:
        return self.lineage.ambiguous

    @property
    def renamed(self) -> list[CompetenceDiff]:
        return [c for c in self.competences if c.renamed]

    @property
    def renumbered(self) -> list[CompetenceDiff]:
        return [c for c in self.competences if c.renumbered]

    def __bool__(self) -> bool:
        return bool(self.fields or self.competences or self.requirements or self.added
                    or self.removed or self.ambiguous)


def diff(old: Standard, new: Standard) -> Diff:
    """Everything that changed from `old` to `new` (module docstring)."""
    lin = lineage(old, new)
    result = Diff(old.source_file, new.source_file, old.version, new.version, lin)
    for name in FIELDS:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            result.fields.append((name, a, b))
    for m in lin.matches:
        change = _competence(m.old, m.new, m.reason, m.similarity)
        if change:
            result.competences.append(change)
    to_new = {m.old.code: m.new.code for m in lin.matches}
    # a code the old version requires but does not describe keeps its code
    to_new.update({code: code for code in _required(old) if old.competence(code) is None})
    result.requirements = [r for r in _requirements(old, new, to_new) if r]
    return result


def _competence(o: Competence, n: Competence, reason: str, similarity: float) -> CompetenceDiff:
    change = CompetenceDiff(o.code, n.code, o.title, n.title, reason, similarity,
                            indicators=texts(o.indicators, n.indicators),
                            knowledge=texts(o.knowledge, n.knowledge),
                            ecf_added=[e for e in n.ecf if e not in o.ecf],
                            ecf_removed=[e for e in o.ecf if e not in n.ecf])
    if o.level != n.level:
        change.level = (o.level, n.level)
    if o.group != n.group:
        change.group = (o.group, n.group)
    if _space(o.assessment) != _space(n.assessment):
        change.assessment = (o.assessment, n.assessment)
    return change


def _space(text: str | None) -> str:
    return " ".join((text or "").split())


def texts(old: list[Line], new: list[Line]) -> Texts:
    """Added, removed and reworded texts of two lists (module docstring)."""
    if len(old) == len(new) and all(a.text == b.text for a, b in zip(old, new)):
        return Texts()  # most lists do not change
    old_left = [_space(t.text) for t in old]
    new_left = [_space(t.text) for t in new]
    for text in list(old_left):  # the same text, wherever it is
        if text in new_left:
            old_left.remove(text)
            new_left.remove(text)
    pairs = []
    if len(old_left) <= MAX_TEXTS and len(new_left) <= MAX_TEXTS:
        new_words = [fold(b).split() for b in new_left]
        for a in old_left:
            matcher = difflib.SequenceMatcher(None, autojunk=False)
            matcher.set_seq2(fold(a).split())  # SequenceMatcher caches what it knows of seq2
            for b, words in zip(new_left, new_words):
                matcher.set_seq1(words)
                if matcher.real_quick_ratio() < REWORDED or matcher.quick_ratio() < REWORDED:
                    continue
                score = matcher.ratio()
                if score >= REWORDED:
                    pairs.append((score, a, b))
    result = Texts()
    # best pair first; ties in the documents' order (sort is stable)
    for score, a, b in sorted(pairs, key=lambda p: -p[0]):
        if a in old_left and b in new_left:
            old_left.remove(a)
            new_left.remove(b)
            result.reworded.append((a, b))
    order = {text: i for i, text in enumerate(_space(t.text) for t in old)}
    result.reworded.sort(key=lambda pair: order.get(pair[0], 0))
    result.added, result.removed = new_left, old_left
    return result


def _holders(std: Standard) -> list[tuple[str, str, Any]]:
    """(kind, folded title, holder) for the qualification, partials, specialisations."""
    found: list[tuple[str, str, Any]] = [("qualification", "", std)]
    found += [("partial", fold(p.title), p) for p in std.partial_qualifications]
    found += [("specialisation", fold(s.title), s) for s in std.specialisations]
    return found


def _refs(kind: str, holder: Any) -> tuple[list[CompetenceRef], list[CompetenceChoice], bool]:
    if kind == "qualification":
        return (holder.qualification_competences, holder.qualification_choices,
                holder.qualification_requires_general_skills)
    return holder.competences, holder.choices, getattr(holder, "requires_general_skills", False)


def _requirements(old: Standard, new: Standard, to_new: dict[str, str]) -> list[Requirements]:
    """Per holder, matched by kind and title: competences gained and lost (through the lineage),
    choice groups added, removed or changed."""
    def mapped(code: str) -> str:  # an old code as the new version's (removed: never equal)
        return to_new.get(code, f"old {code}")

    olds = {(kind, title): holder for kind, title, holder in _holders(old)}
    result = []
    for kind, title, holder in _holders(new):
        before = olds.pop((kind, title), None)
        name = _title(kind, holder)
        refs, choices, general = _refs(kind, holder)
        if before is None:
            req = Requirements(kind, name, "added", gained=[r.code for r in refs],
                               choices_added=[_choice(c) for c in choices])
            result.append(req)
            continue
        old_refs, old_choices, old_general = _refs(kind, before)
        req = Requirements(kind, name)
        have = {mapped(r.code) for r in old_refs}
        now = {r.code for r in refs}
        req.gained = [r.code for r in refs if r.code not in have]
        req.lost = [r.code for r in old_refs if mapped(r.code) not in now]
        _compare_choices(req, old_choices, choices, mapped)
        if old_general != general:
            req.general_skills = (old_general, general)
        if kind != "qualification" and before.level != holder.level:
            req.level = (before.level, holder.level)
        result.append(req)
    for (kind, _), holder in olds.items():
        refs, choices, _general = _refs(kind, holder)
        result.append(Requirements(kind, _title(kind, holder), "removed",
                                   lost=[r.code for r in refs],
                                   choices_removed=[_choice(c) for c in choices]))
    return result


def _title(kind: str, holder: Any) -> str:
    return holder.title


def _required(std: Standard) -> set[str]:
    codes = set()
    for kind, _, holder in _holders(std):
        refs, choices, _general = _refs(kind, holder)
        codes.update(r.code for r in refs)
        codes.update(r.code for c in choices for r in c.options)
    return codes


def _choice(choice: CompetenceChoice) -> Choice:
    return Choice(choice.kind, choice.minimum, [r.code for r in choice.options])


def _compare_choices(req: Requirements, old: list[CompetenceChoice], new: list[CompetenceChoice],
                     mapped: Callable[[str], str]) -> None:
    """The same rule (kind, minimum, options through the lineage) is unchanged; of the rest, an
    old and a new rule sharing options are one rule changed (most shared first); the others
    were added or removed."""
    def key(c: Choice, through: Callable[[str], str]) -> tuple:
        return (c.kind, c.minimum, frozenset(map(through, c.options)))

    olds = [_choice(c) for c in old]
    news = [_choice(c) for c in new]
    def same(code: str) -> str:  # new codes are already the new version's
        return code

    for o in list(olds):
        twin = next((n for n in news if key(n, same) == key(o, mapped)), None)
        if twin is not None:
            olds.remove(o)
            news.remove(twin)
    pairs = sorted(((len(set(map(mapped, o.options)) & set(n.options)), i, j)
                    for i, o in enumerate(olds) for j, n in enumerate(news)),
                   key=lambda p: (-p[0], p[1], p[2]))
    used_old, used_new = set(), set()
    for shared, i, j in pairs:
        if shared and i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            o, n = olds[i], news[j]
            had = set(map(mapped, o.options))
            req.choices_changed.append(ChoiceChange(
                o, n, gained=[c for c in n.options if c not in had],
                lost=[c for c in o.options if mapped(c) not in n.options]))
    req.choices_removed = [o for i, o in enumerate(olds) if i not in used_old]
    req.choices_added = [n for j, n in enumerate(news) if j not in used_new]
