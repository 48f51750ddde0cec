"""Competence lineage across two versions of a standard: which old competence is which new one.

Rules, in order (docs/graph-model.md, "History"):
1. the same code and the same title (folded: case, spaces and punctuation ignored): the same
   competence ("same");
2. the same title under another code, when that title is unique among the unmatched on both
   sides: renumbered ("renumbered");
3. a changed title, with or without a changed code: matched by title similarity (below), at
   least SAME_CODE_THRESHOLD when the code is kept ("renamed") and at least THRESHOLD when it
   is not ("renamed-renumbered"); a kept code whose title was lengthened or shortened (every
   word of the shorter title is in the longer: "Hankimine" / "Hankimine ja hangete
   korraldamine") is renamed whatever the similarity (the whole titles' ratio is recorded).
   The best
   scoring pair is matched first; when another candidate of either side scores within MARGIN
   of it the match is ambiguous: reported with its candidates, never guessed, unless exactly
   one of the close candidates keeps the code (the code is evidence, not a guess);
4. whatever is left is removed (old) or added (new).

Title similarity: the smallest of three difflib.SequenceMatcher ratios on the folded titles:
the whole titles, their first words and their last words. Letters, not word overlap, because
Estonian compounds and case endings change words without changing meaning ("Külmade roogade
valmistamine" / "Külmroogade valmistamine" share one word of three, but 92 % of their letters:
0.78 with the first words' 0.78). The first and last words too, because a title names an object
and an activity, and a long shared rest hides a changed one: "Soojade roogade valmistamine" /
"Külmade roogade valmistamine" agree in 86 % of their letters but are two competences (first
words 0.43), as are "Tarkvara testimine" / "Tarkvara arendamine" (last words 0.53). A missed
lineage shows as removed + added, visible to a reader; a wrong one would silently claim identity,
so the measure errs on the strict side. Titles are short, so the ratios are cheap; the pairs
are those of one standard's competences (tens), and SequenceMatcher's upper bounds
(real_quick_ratio, quick_ratio) skip most pairs before the ratio.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from kutse_rdf.model import Competence, Standard

THRESHOLD = 0.7  # title similarity for a competence matched under another code
SAME_CODE_THRESHOLD = 0.5  # for a competence that keeps its code (the code is evidence too)
MARGIN = 0.05  # two candidates closer than this are ambiguous

REASONS = ("same", "renumbered", "renamed", "renamed-renumbered")

_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case, punctuation and runs of spaces as one space: what a title comparison sees."""
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def _ratio(old: str, new: str) -> float:
    return difflib.SequenceMatcher(None, new, old, autojunk=False).ratio()


def similarity(old: str, new: str) -> float:
    """The title similarity of two folded titles (0..1, 3 decimals): module docstring."""
    if old == new:
        return 1.0
    if not old or not new:
        return 0.0
    a, b = old.split(), new.split()
    return round(min(_ratio(old, new), _ratio(a[0], b[0]), _ratio(a[-1], b[-1])), 3)


@dataclass
class Match:
    old: Competence
    new: Competence
    reason: str  # one of REASONS
    similarity: float  # title similarity (1.0 for the same title)


@dataclass
class Ambiguous:
    """A competence with several candidates within MARGIN of each other: not matched."""

    side: str  # "old" or "new": which version the competence is from
    competence: Competence
    candidates: list[tuple[Competence, float]]  # from the other version, with similarity


@dataclass
class Lineage:
    matches: list[Match] = field(default_factory=list)  # in the new version's order
    added: list[Competence] = field(default_factory=list)  # new, matched to nothing
    removed: list[Competence] = field(default_factory=list)  # old, matched to nothing
    ambiguous: list[Ambiguous] = field(default_factory=list)

    def new_code(self, old_code: str) -> str | None:
        """The code an old competence has in the new version (None: removed or ambiguous)."""
        return next((m.new.code for m in self.matches if m.old.code == old_code), None)

    def old_code(self, new_code: str) -> str | None:
        return next((m.old.code for m in self.matches if m.new.code == new_code), None)


def lineage(old: Standard, new: Standard) -> Lineage:
    """Match the competences of `old` to those of `new` (module docstring)."""
    return match(old.competences, new.competences)


def match(olds: list[Competence], news: list[Competence]) -> Lineage:
    folded = {id(c): fold(c.title) for c in olds + news}
    pairs: dict[int, tuple[Competence, str, float]] = {}  # id(new) -> (old, reason, similarity)
    taken: set[int] = set()  # ids of the competences matched (by identity: two may be equal)

    def take(o: Competence, n: Competence, reason: str, score: float) -> None:
        pairs[id(n)] = (o, reason, score)
        taken.update((id(o), id(n)))

    def left(comps: list[Competence]) -> list[Competence]:
        return [c for c in comps if id(c) not in taken]

    # 1. same code and title
    by_code: dict[str, Competence] = {}
    for c in news:
        by_code.setdefault(c.code, c)
    for o in olds:
        n = by_code.get(o.code)
        if n is not None and id(n) not in taken and folded[id(n)] == folded[id(o)]:
            take(o, n, "same", 1.0)
    # 2. same title, another code, the title unique on both sides
    new_titles = _unique(left(news), folded)
    for title, o in _unique(left(olds), folded).items():
        n = new_titles.get(title)
        if n is not None:
            take(o, n, "renumbered", 1.0)
    # 3. similar titles, best first (a kept code first among equals); close rivals of a pair
    # still open make it ambiguous
    ambiguous: list[Ambiguous] = []
    scores = _candidates(left(olds), left(news), folded)
    scores.sort(key=lambda p: (-p[2], p[0].code != p[1].code))
    by_old: dict[int, list] = {}
    by_new: dict[int, list] = {}
    for pair in scores:
        by_old.setdefault(id(pair[0]), []).append(pair)
        by_new.setdefault(id(pair[1]), []).append(pair)
    closed = set(taken)  # ids of competences matched or reported

    def rivals(pairs: list, score: float, other: int) -> list[tuple[Competence, float]]:
        return [(p[other], p[2]) for p in pairs
                if id(p[0]) not in closed and id(p[1]) not in closed and score - p[2] <= MARGIN]

    for o, n, score in scores:
        if id(o) in closed or id(n) in closed:
            continue
        rivals_of_o = rivals(by_old[id(o)], score, 1)
        rivals_of_n = rivals(by_new[id(n)], score, 0)
        chosen = (o, n, score) if len(rivals_of_o) == len(rivals_of_n) == 1 else \
            _keeping_code(o, n, rivals_of_o, rivals_of_n)
        if chosen is not None:
            o, n, score = chosen
            take(o, n, "renamed" if o.code == n.code else "renamed-renumbered", score)
            closed.update((id(o), id(n)))
            continue
        # ambiguous: report the competence whose candidates are close, never guess
        if len(rivals_of_o) > 1:
            ambiguous.append(Ambiguous("old", o, rivals_of_o))
            closed.add(id(o))
        if len(rivals_of_n) > 1:
            ambiguous.append(Ambiguous("new", n, rivals_of_n))
            closed.add(id(n))
    result = Lineage(ambiguous=ambiguous)
    # neither added nor removed: a competence that is ambiguous or one of the candidates
    unsure = {id(a.competence) for a in ambiguous}
    unsure |= {id(c) for a in ambiguous for c, _ in a.candidates}
    for n in news:
        if id(n) in pairs:
            o, reason, score = pairs[id(n)]
            result.matches.append(Match(o, n, reason, score))
    result.added = [n for n in left(news) if id(n) not in unsure]
    result.removed = [o for o in left(olds) if id(o) not in unsure]
    return result


def _unique(comps: list[Competence], folded: dict[int, str]) -> dict[str, Competence]:
    seen: dict[str, list[Competence]] = {}
    for c in comps:
        seen.setdefault(folded[id(c)], []).append(c)
    return {title: cs[0] for title, cs in seen.items() if len(cs) == 1}


def _candidates(olds: list[Competence], news: list[Competence], folded: dict[int, str],
                ) -> list[tuple[Competence, Competence, float]]:
    """Every (old, new, similarity) pair at or above its threshold."""
    found = []
    for o in olds:
        a = folded[id(o)]
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(a)  # SequenceMatcher caches what it knows of seq2
        for n in news:
            need = SAME_CODE_THRESHOLD if o.code == n.code else THRESHOLD
            matcher.set_seq1(folded[id(n)])
            b = folded[id(n)]
            if o.code == n.code and _contained(a, b):
                # its similarity: the whole titles' (the first or last word is new by design)
                found.append((o, n, round(_ratio(a, b), 3)))
                continue
            # upper bounds of the whole titles' ratio first: most pairs stop here
            if not a or matcher.real_quick_ratio() < need or matcher.quick_ratio() < need:
                continue
            score = similarity(a, b)
            if score >= need:
                found.append((o, n, score))
    return found


def _contained(a: str, b: str) -> bool:
    """Every word of the shorter folded title is a word of the longer."""
    short, long = sorted((a.split(), b.split()), key=len)
    return bool(short) and set(short) <= set(long)


def _keeping_code(o, n, rivals_of_o, rivals_of_n):
    """Among close candidates, the one pair that keeps its code, if exactly one does."""
    keeping = {(id(o), id(c)): (o, c, s) for c, s in rivals_of_o if c.code == o.code}
    keeping.update({(id(c), id(n)): (c, n, s) for c, s in rivals_of_n if c.code == n.code})
    return next(iter(keeping.values())) if len(keeping) == 1 else None
