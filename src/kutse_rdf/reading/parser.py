"""parse: the text of an occupational standard -> the typed model (model.py), losing nothing.

The input is a plain-text extraction of a Kutsekoda DOCX (tabs are table cells), or the DOCX
itself, which `reading/docx.py` reads into the same lines; a DOCX's positions are paragraph
numbers (`FILE.docx:¶N`), mapped from the lines at the end. The document is
split into its parts at the part markers (front page, A-osa, B-osa, C-osa); each part is read
line by line by a small state machine. Every non-blank line ends up in exactly one of three
places: the model (its line number is recorded with the role it played), `Standard.skipped`
(debris from the documented skip list) or `Standard.unaccounted` (not understood: reported,
never dropped). One pass, constant work per line: parsing is linear in the input.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from kutse_rdf.reading import rules as R
from kutse_rdf.errors import DataError
from kutse_rdf.model import (
                             Author, Competence, CompetenceRef, GeneralSkill, Line, PartialQualification, Section,
                             Specialisation, Standard, WorkPart,
                             )
from kutse_rdf.reading.source import read_source

__all__ = ["parse_file", "parse_text", "trace"]

# Roles whose line says nothing beyond the structure it marks (used by the round-trip test).
STRUCTURE_ROLES = frozenset({"heading", "placeholder"})
# A competence heading broken over lines: at most this many lines; the lines after them are
# read as the competence's items (and a warning says so), so a title cannot swallow a document.
MAX_HEADING_LINES = 3
# Longest specialisation name (in words) found inside a longer B.1 statement head.
MAX_NAME_WORDS = 12


def parse_file(path: Path | str) -> Standard:
    """Read and parse one standard. InputError (exit 2) when the file cannot be read as text,
    DataError (exit 1) when its structure cannot be read."""
    text, paragraphs = read_source(path)
    return _Parser(text, Path(path).name, str(path), paragraphs).run()


def parse_text(text: str, source_file: str) -> Standard:
    return _Parser(text, source_file, source_file).run()


def trace(text: str, source_file: str) -> tuple[Standard, dict[int, str]]:
    """The model and, for every line the model took, the role it played ("heading", "title",
    "item", "text", ...). For auditing and the round-trip test."""
    parser = _Parser(text, source_file, source_file)
    return parser.run(), parser.roles


@dataclass(slots=True)
class _Ln:
    no: int  # 1-based line number
    text: str  # cleaned: bookmark tags out, whitespace collapsed
    low: str  # text.casefold()


class _List:
    """An item list being filled (indicators, knowledge, general skills)."""

    def __init__(self, items: list) -> None:
        self.items = items
        self.style: str | None = None  # "marked" (numbered/bulleted) or "plain"
        self.last = 0  # line of the last item line


class _Parser:
    def __init__(self, text: str, source_file: str, where: str,
                 paragraphs: list[int] | None = None) -> None:
        self.where = where
        self.paragraphs = paragraphs  # a DOCX: the paragraph number of each line
        self.std = Standard(source_file=source_file, title="", level=None)
        self.roles: dict[int, str] = {}
        self.skipped_lines: set[int] = set()
        self.lines: list[_Ln] = []
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        for no, raw in enumerate(text.split("\n"), 1):
            cleaned, tags = R.clean(raw)
            for tag in tags:
                self.std.skipped.append(Line(tag, no))
            if tags and not cleaned:
                self.skipped_lines.add(no)
            self.lines.append(_Ln(no, cleaned, cleaned.casefold()))
        # filled while reading, resolved at the end
        self.pq_rows: list[tuple[str, int | None, int]] = []
        self.b1_paragraphs: list[list[_Ln]] = []
        self.b1_section: Section | None = None
        self.b1_statement = False  # the last B.1 paragraph holds a "... taotlemisel" statement
        self.c1_fields: list[tuple[str | None, _Ln, list[_Ln]]] = []
        self.c1_title: tuple[str, int] | None = None
        # state of part B
        self.group = "mandatory"  # until a group heading says otherwise
        self.comp: Competence | None = None  # the competence being read
        self.sub = "head"  # inside a competence: head, indicators, knowledge, assessment
        self.list: _List | None = None
        self.heading_lines = 0  # lines of the current competence's heading
        self.skill_group = ""
        self.skill_group_line: _Ln | None = None  # taken by the group's first skill
        # text continued over lines, joined once at the end: (id, attr) -> (object, attr, parts,
        # separator); `+=` on a growing string would copy it for every line
        self.joins: dict[tuple[int, str], tuple[object, str, list[str], str]] = {}
        self.c1_other: Section | None = None  # C.1 text the model has no field for
        self.spec_names: dict[str, Specialisation] = {}  # R.key(name) -> specialisation
        self.data_numbers: set[int] = set()  # lines where a lone number is data, not a page's

    # --- bookkeeping ----------------------------------------------------------------------

    def take(self, ln: _Ln, role: str) -> None:
        self.roles[ln.no] = role

    def warn(self, line: int, message: str) -> None:
        self.std.warnings.append(Line(message, line))

    def error(self, message: str, line: int | None) -> DataError:
        return DataError(message, file=self.where, line=self.position(line) if line else line)

    def position(self, line: int) -> int:
        """Where a line is in the source: itself in a text, its paragraph in a DOCX."""
        return self.paragraphs[line - 1] if self.paragraphs else line

    def place(self, line: int) -> str:
        return f"¶{self.position(line)}" if self.paragraphs else f"line {line}"

    def extend(self, obj: object, attr: str, text: str, separator: str) -> None:
        """Append `text` to the string attribute `attr` of `obj` (joined in `join_all`)."""
        key = (id(obj), attr)
        if key in self.joins:
            self.joins[key][2].append(text)
        else:
            self.joins[key] = (obj, attr, [getattr(obj, attr), text], separator)

    def join_all(self) -> None:
        for obj, attr, parts, separator in self.joins.values():
            setattr(obj, attr, separator.join(parts))
        self.joins.clear()

    def debris(self, ln: _Ln, page_numbers: bool) -> bool:
        """Blank, or a line of the skip list (recorded in Standard.skipped)."""
        if not ln.text:
            return True
        if R.skip_reason(ln.text, page_numbers):
            self.std.skipped.append(Line(ln.text, ln.no))
            self.skipped_lines.add(ln.no)
            return True
        return False

    # --- the whole document ---------------------------------------------------------------

    def run(self) -> Standard:
        lines = self.lines
        a, b, c = self.part_starts()
        if b is None:
            last = max((ln.no for ln in lines if ln.text), default=1)
            raise self.error("part B (B-osa, KOMPETENTSUSNÕUDED) not found: the document ends "
                             "before its competences; is it truncated?", last)
        self.front(lines[:a if a is not None else b])
        if a is not None:
            self.part_a(lines[a:b])
        self.part_b(lines[b:c])
        if c is not None:
            self.part_c(lines[c:])
        else:
            self.warn(lines[-1].no, "part C (C-osa, ÜLDTEAVE JA LISAD) not found: no register "
                                    "data, authors, ISCO or EQF reference")
        self.join_all()
        if not self.std.title:
            raise self.error("no title: expected 'KUTSESTANDARD' followed by the standard's "
                             "name, or a 'Kutsenimetus' table", 1)
        if not self.std.competences:
            raise self.error("part B has no competences (no 'B.3.1 …' or 'B.2.1 …' heading); "
                             "is the document truncated?", lines[b].no)
        if self.std.level is None:
            match = R.LEVEL_IN_TITLE.search(self.std.title)
            self.std.level = int(match.group(1)) if match else None
        self.resolve_b1()
        self.check_competences()
        match = R.ECF_VERSION.search("\n".join(ln.text for ln in lines if "CF" in ln.text))
        self.std.ecf_version = match.group(1) if match else None
        self.sweep()
        if self.paragraphs:
            _renumber(self.std, self.paragraphs)
        return self.std

    def part_starts(self) -> tuple[int | None, int | None, int | None]:
        """Indexes of the first line of parts A, B and C (None where missing)."""
        a = b = None
        for i, ln in enumerate(self.lines):
            if b is None:
                if a is None and (ln.low in R.PART_A or R.A_START.match(ln.text)):
                    a = i
                elif ln.low in R.PART_B or R.B_START.match(ln.text):
                    b = i
            elif ln.low in R.PART_C or R.C_START.match(ln.text):
                return a, b, i
        return a, b, None

    def sweep(self) -> None:
        """Every non-blank line not taken and not skipped is unaccounted (or a stray page
        number, the last entry of the skip list)."""
        for ln in self.lines:
            if not ln.text or ln.no in self.roles or ln.no in self.skipped_lines:
                continue
            if not self.debris(ln, page_numbers=ln.no not in self.data_numbers):
                self.std.unaccounted.append(Line(ln.text, ln.no))

    # --- front page: title, tables, introduction ------------------------------------------

    def front(self, lines: list[_Ln]) -> None:
        self.data_numbers.update(ln.no for ln in lines)
        text_lines = [ln for ln in lines if not self.debris(ln, page_numbers=False)]
        rest = text_lines
        if text_lines and text_lines[0].low == R.DOCUMENT_HEADING:
            self.take(text_lines[0], "heading")
            rest = text_lines[1:]
            if rest and rest[0].low not in R.TABLE_HEADERS:
                self.std.title, self.std.line = rest[0].text, rest[0].no
                self.take(rest[0], "title")
                rest = rest[1:]
        intro: Section | None = None
        table: str | None = None
        header: list[str] = []
        for run in _runs(rest):
            if run[0].low in R.TABLE_HEADERS:
                table, header = R.TABLE_HEADERS[run[0].low], [ln.low for ln in run]
                # a column the model has no place for stays untaken, header and cells alike:
                # the sweep reports it as unaccounted
                used = _table_columns(table, header)
                for i, ln in enumerate(run):
                    if i in used:
                        self.take(ln, "heading")
            elif table and len(run) == len(header) and self.table_row(table, header, run):
                pass
            else:  # free text of the front page: the introduction
                if intro is None:
                    intro = Section(None, "", [], run[0].no)
                    self.std.sections.append(intro)
                for ln in run:
                    intro.paragraphs.append(Line(ln.text, ln.no))
                    self.take(ln, "text")

    def table_row(self, table: str, header: list[str], run: list[_Ln]) -> bool:
        cells = [ln.text for ln in run]
        level_col, cert_col = _level_column(header), _certificate_column(table, header)
        level: int | None = None
        if level_col is not None:
            if not cells[level_col].isdigit():
                return False
            level = int(cells[level_col])
        title, line = cells[0], run[0].no
        if table == "qualification":
            if not self.std.title:
                self.std.title, self.std.line = title, line
            elif R.key(title) != R.key(self.std.title):
                self.warn(line, f"the qualification table names '{title}' but the title is "
                                f"'{self.std.title}'")
            if level is not None:
                self.std.level = level
        elif table == "partial":
            self.pq_rows.append((title, level, line))
        else:
            self.std.specialisations.append(Specialisation(
                title, [], line, name_on_certificate=cells[cert_col] if cert_col else None,
                level=level))
        used = _table_columns(table, header)
        for i, ln in enumerate(run):
            if i in used:
                self.take(ln, "item")
        return True

    # --- part A: sections and work parts --------------------------------------------------

    def part_a(self, lines: list[_Ln]) -> None:
        section: Section | None = None
        work_parts = False  # inside A.2 Tööosad
        a2: tuple[str, str] = ("A.2", "Tööosad")
        a2_text: Section | None = None
        specialisation = coded = False
        part: WorkPart | None = None
        for ln in lines:
            if self.debris(ln, page_numbers=True):
                continue
            if ln.low in R.PART_A:
                self.take(ln, "heading")
                continue
            match = R.A_SECTION.match(ln.text)
            if match:
                code, title = f"A.{match.group(1)}", match.group(2)
                self.take(ln, "heading")
                work_parts = title.casefold().startswith("tööosad")
                if work_parts:
                    a2, section = (code, title), None
                else:
                    section = Section(code, title, [], ln.no)
                    self.std.sections.append(section)
                continue
            if not work_parts:
                if section is not None:
                    section.paragraphs.append(Line(ln.text, ln.no))
                    self.take(ln, "text")
                continue
            # A.2: work parts "A.2.1 Title (e-CF ...)" or "1. Title", their tasks, intro text
            match = R.WORK_PART.match(ln.text)
            item = R.ITEM.match(ln.text)
            if match or (item and item.group("n") and not coded):
                code, rest = (match.group(1), match.group(2)) if match else (
                    item.group("n"), item.group("text"))
                coded = coded or bool(match)
                title, ecf = R.split_ecf(rest)
                part = WorkPart(code, title, ecf, ln.no, specialisation=specialisation)
                self.std.work_parts.append(part)
                self.take(ln, "item")
            elif ln.low.rstrip(" :") == R.SPECIALISATION_WORK_PARTS:
                specialisation = True
                self.take(ln, "heading")
            elif part is not None:
                part.description.append(Line(item.group("text") if item else ln.text, ln.no))
                self.take(ln, "item")
            else:
                if a2_text is None:
                    a2_text = Section(a2[0], a2[1], [], ln.no)
                    self.std.sections.append(a2_text)
                a2_text.paragraphs.append(Line(ln.text, ln.no))
                self.take(ln, "text")

    # --- part B: structure, general skills, competences -----------------------------------

    def part_b(self, lines: list[_Ln]) -> None:
        state = "start"
        section: Section | None = None
        skills = _List(self.std.general_skills)
        for ln in lines:
            if self.debris(ln, page_numbers=True):
                continue
            if ln.low in R.PART_B:
                self.take(ln, "heading")
                continue
            match = R.B_SECTION.match(ln.text)
            if match:
                number, title = match.group(1), match.group(2)
                self.take(ln, "heading")
                if number == "1":
                    state = "b1"
                    self.b1_section = Section("B.1", title, [], ln.no)
                    self.std.sections.append(self.b1_section)
                elif "üldoskus" in title.casefold():
                    state = "skills"
                elif title.casefold().startswith("kompetents"):
                    state, self.comp = "competences", None
                else:
                    state = "section"
                    section = Section(f"B.{number}", title, [], ln.no)
                    self.std.sections.append(section)
                continue
            if ln.low.startswith("kvalifikatsiooninõuded"):
                state = "section"
                section = Section(None, ln.text, [], ln.no)
                self.std.sections.append(section)
                self.take(ln, "heading")
                continue
            group = R.group_of(ln.low)
            if group:
                state, self.group, self.comp = "competences", group, None
                self.take(ln, "heading")
                continue
            if state != "b1":
                match = R.COMPETENCE.match(ln.text)
                if match:
                    state = "competences"
                    self.start_competence(ln, match.group(1), match.group(2))
                    continue
            if state == "b1":
                self.b1_line(ln)
            elif state == "section" and section is not None:
                section.paragraphs.append(Line(ln.text, ln.no))
                self.take(ln, "text")
            elif state == "skills":
                self.skill_line(ln, skills)
            elif state == "competences" and self.comp is not None:
                self.competence_line(ln)

    def b1_line(self, ln: _Ln) -> None:
        """B.1 statements: a paragraph per statement, joined over broken lines."""
        paragraphs = self.b1_paragraphs
        statement = "taotlemisel" in ln.low
        previous = paragraphs[-1][-1] if paragraphs else None
        if (previous and previous.no == ln.no - 1
                and not (statement and self.b1_statement)
                and not (_SENTENCE_END.search(previous.text) and ln.text[0].isupper())):
            paragraphs[-1].append(ln)
            self.b1_statement |= statement
        else:
            paragraphs.append([ln])
            self.b1_statement = statement
        self.take(ln, "text")

    def skill_line(self, ln: _Ln, skills: _List) -> None:
        item = R.ITEM.match(ln.text)
        if item:
            number = item.group("n")
            skills.items.append(GeneralSkill(self.skill_group, item.group("text"), ln.no,
                                             int(number) if number else None))
            skills.last = ln.no
            self.take(ln, "item")
            if self.skill_group_line is not None:
                # the group name is kept in each skill's `group`; a group without skills is
                # left untaken (unaccounted)
                self.take(self.skill_group_line, "text")
                self.skill_group_line = None
        elif _heading_like(ln.text):
            self.skill_group = ln.text.rstrip(" :")
            self.skill_group_line = ln
        elif skills.items and skills.last == ln.no - 1:
            self.extend(skills.items[-1], "text", ln.text, " ")
            skills.last = ln.no
            self.take(ln, "item")

    def start_competence(self, ln: _Ln, code: str, rest: str) -> None:
        level = None
        tail = R.EKR_TAIL.search(rest)
        if tail:
            level, rest = int(tail.group(1)), rest[:tail.start()]
        title, ecf = R.split_ecf(rest)
        self.comp = Competence(code, title, self.group, level, ecf, [], [], None, ln.no)
        self.std.competences.append(self.comp)
        self.sub, self.list = "head", None
        self.heading_lines = 1
        self.take(ln, "competence")

    def competence_line(self, ln: _Ln) -> None:
        comp = self.comp
        assert comp is not None
        level = R.EKR_LINE.match(ln.text)
        if level:
            comp.level = int(level.group(1) or level.group(2))
            self.take(ln, "heading")
            return
        for pattern, sub in ((R.INDICATORS_HEADING, "indicators"),
                             (R.KNOWLEDGE_HEADING, "knowledge"),
                             (R.ASSESSMENT_HEADING, "assessment")):
            match = pattern.match(ln.text)
            if match:
                self.sub = sub
                self.take(ln, "heading")
                inline = match.group(1)
                if sub == "assessment":
                    # a second assessment block adds to the first, never replaces it
                    if comp.assessment_line is None:
                        comp.assessment_line = ln.no
                    if inline and comp.assessment is None:
                        comp.assessment = inline
                    elif inline:
                        self.extend(comp, "assessment", inline, "\n")
                else:
                    self.list = _List(comp.indicators if sub == "indicators" else comp.knowledge)
                    if inline:
                        self.list_item(_Ln(ln.no, inline, inline.casefold()), self.list)
                        self.roles[ln.no] = "item"
                return
        if self.sub == "assessment":
            if comp.assessment is None:
                comp.assessment = ln.text
            else:
                self.extend(comp, "assessment", ln.text, "\n")
            self.take(ln, "text")
            return
        if self.sub == "head" and self.roles.get(ln.no - 1) == "competence" \
                and not R.ITEM.match(ln.text):
            if self.heading_lines < MAX_HEADING_LINES:  # a heading broken over lines
                title, ecf = R.split_ecf(f"{comp.title} {ln.text}")
                comp.title, comp.ecf = title, comp.ecf + [e for e in ecf if e not in comp.ecf]
                self.roles[ln.no] = "competence"
                self.heading_lines += 1
                return
            self.warn(ln.no, f"competence {comp.code}: the heading would run over more than "
                             f"{MAX_HEADING_LINES} lines; this line and those after it are read "
                             "as its indicators")
        if self.list is None:  # items without a "Tegevusnäitajad" heading
            self.sub, self.list = "indicators", _List(comp.indicators)
        self.list_item(ln, self.list)

    def list_item(self, ln: _Ln, lst: _List) -> None:
        item = R.ITEM.match(ln.text)
        if item:
            lst.items.append(Line(item.group("text"), ln.no))
            lst.style = lst.style or "marked"
        elif lst.style == "marked" and lst.items and lst.last == ln.no - 1:
            self.extend(lst.items[-1], "text", ln.text, " ")  # an item broken over lines
        elif lst.style in (None, "plain"):
            lst.items.append(Line(ln.text, ln.no))
            lst.style = "plain"
        else:
            return  # stray text after a numbered list: left unaccounted
        lst.last = ln.no
        self.take(ln, "item")

    # --- B.1 references, resolved once all competences are known --------------------------

    def resolve_b1(self) -> None:
        std = self.std
        titles = {c.code: c.title for c in std.competences}
        table = {R.key(title): (title, level, line) for title, level, line in self.pq_rows}
        stated: set[str] = set()
        for paragraph in self.b1_paragraphs:
            text, starts = _join(paragraph)
            assert self.b1_section is not None
            self.b1_section.paragraphs.append(Line(text, paragraph[0].no))
            pos = text.casefold().find("taotlemisel")
            if pos < 0:
                continue  # other B.1 text: kept in the B.1 section
            head = text[:pos].strip().strip("„“\"”")
            # the codes follow the statement's head ("X osakutse taotlemisel ...")
            starts = [(offset - pos, no) for offset, no in starts]
            text = text[pos:]
            low = head.casefold()
            line = paragraph[0].no
            general = "üldoskus" in text.casefold()
            if "spetsialiseeru" in low:
                spec = self.specialisation_for(head, line)
                spec.competences = self.refs(text, starts, titles, f"specialisation '{spec.title}'")
            elif re.search(r"\bosakutse", low):
                title = re.sub(r"(?i)^osakutse\s+|\s*\bosakutse$", "", head).strip(" „“\"”")
                found = table.get(R.key(title))
                if found:
                    title, level = found[0], found[1]
                    stated.add(R.key(title))
                else:
                    match = R.LEVEL_IN_TITLE.search(title)
                    level = int(match.group(1)) if match else None
                    if table:
                        self.warn(line, f"B.1 names partial qualification '{title}', which the "
                                        "table of partial qualifications does not list")
                refs = self.refs(text, starts, titles, f"partial qualification '{title}'")
                std.partial_qualifications.append(PartialQualification(
                    title, level, refs, line, requires_general_skills=general))
            elif re.search(r"\bkutse\b", low) or not low:
                refs = self.refs(text, starts, titles, "the qualification", skip_optional=True)
                std.qualification_competences.extend(refs)
                std.qualification_requires_general_skills |= general
        for title, level, line in self.pq_rows:
            if R.key(title) not in stated:
                self.warn(line, f"partial qualification '{title}' has no requirements in B.1")
                std.partial_qualifications.append(PartialQualification(title, level, [], line))

    def specialisation_for(self, head: str, line: int) -> Specialisation:
        """The specialisation a B.1 statement's head names: by its title or its name on the
        certificate, found among the head's runs of up to MAX_NAME_WORDS words (dictionary
        look-ups, not a scan of every specialisation per statement)."""
        names = self.spec_names
        if not names and self.std.specialisations:
            for spec in self.std.specialisations:
                for name in (spec.title, spec.name_on_certificate):
                    if name:
                        names.setdefault(R.key(name), spec)
        title = re.sub(r"(?i)\bspetsialiseeru\w*\s*", "", head).strip(" „“\"”")
        found = names.get(R.key(title))
        words = re.findall(r"\w+", head.casefold())
        for i in range(len(words)):
            run = ""
            for word in words[i:i + MAX_NAME_WORDS]:
                if found:
                    return found
                run += word
                found = names.get(run)
        if found:
            return found
        if self.std.specialisations:
            self.warn(line, f"B.1 names specialisation '{title}', which the specialisations "
                            "table does not list")
        spec = Specialisation(title, [], line)
        self.std.specialisations.append(spec)
        names.setdefault(R.key(title), spec)
        return spec

    def refs(self, text: str, starts: list[tuple[int, int]], titles: dict[str, str],
             owner: str, skip_optional: bool = False) -> list[CompetenceRef]:
        """The competence codes of a B.1 statement, ranges expanded, each with its line and
        the title written beside it; undefined codes and differing titles are warned about."""
        found: list[CompetenceRef] = []
        matches = list(R.REF.finditer(text))
        contexts = [(m.start(), m.group(0).casefold()) for m in R.REF_CONTEXT.finditer(text)]
        context, next_context = "", 0
        for i, match in enumerate(matches):
            line = _line_at(starts, match.start())
            while next_context < len(contexts) and contexts[next_context][0] < match.start():
                context = contexts[next_context][1]
                next_context += 1
            if skip_optional and context == "valitav":
                continue  # "valitavatest ... B.2.7-B.2.9": a choice, not a requirement
            section, first, end_section, last = match.groups()
            if end_section is None:
                end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
                title = R.ref_title(text[match.end():end])
                found.append(CompetenceRef(f"B.{section}.{int(first)}", title, line))
            elif section == end_section and 0 <= int(last) - int(first) <= R.MAX_RANGE:
                found.extend(CompetenceRef(f"B.{section}.{n}", None, line)
                             for n in range(int(first), int(last) + 1))
            else:
                self.warn(line, f"B.1: cannot expand the range '{match.group(0).strip()}' for "
                                f"{owner}; kept its two ends")
                found.append(CompetenceRef(f"B.{section}.{int(first)}", None, line))
                found.append(CompetenceRef(f"B.{end_section}.{int(last)}", None, line))
        for ref in found:
            own = titles.get(ref.code)
            if own is None:
                self.warn(ref.line, f"B.1: {owner} names {ref.code}, which the document does "
                                    "not define")
            elif ref.title and R.key(ref.title) != R.key(own):
                self.warn(ref.line, f"B.1: {owner} names {ref.code} as '{ref.title}', but the "
                                    f"competence is titled '{own}'")
        return found

    def check_competences(self) -> None:
        seen: set[str] = set()
        for comp in self.std.competences:
            if comp.code in seen:
                self.warn(comp.line, f"competence {comp.code} is defined twice")
            seen.add(comp.code)
            if not comp.indicators:
                self.warn(comp.line, f"competence {comp.code} has no performance indicators")

    # --- part C: register data, names, appendices -----------------------------------------

    def part_c(self, lines: list[_Ln]) -> None:
        state = "start"
        section: Section | None = None
        field: list[_Ln] | None = None
        field_number = 0
        for ln in lines:
            if state in ("start", "c1"):
                self.data_numbers.add(ln.no)
            if self.debris(ln, page_numbers=state not in ("start", "c1")):
                continue
            if ln.low in R.PART_C:
                self.take(ln, "heading")
                continue
            match = R.C_SECTION.match(ln.text)
            if match:
                number, title = match.group(1), match.group(2)
                self.take(ln, "heading")
                state, section = {"1": "c1", "2": "c2"}.get(number, "section"), None
                if number == "1":
                    self.c1_title = (title, ln.no)
                elif number != "2":
                    section = Section(f"C.{number}", title, [], ln.no)
                    self.std.sections.append(section)
                continue
            if state == "c1":
                # "N. Label" starts a field when the label is known or N follows the last
                # field's number; other lines are the current field's value
                label = R.C1_FIELD.match(ln.text)
                name = R.c1_field(label.group(2)) if label else None
                if label and (name or int(label.group(1)) == field_number + 1):
                    field, field_number = [], int(label.group(1))
                    self.c1_fields.append((name, ln, field))
                elif field is not None:
                    field.append(ln)
                continue
            if state == "c2":
                foreign = R.FOREIGN_NAME.match(ln.text)
                if foreign and foreign.group(1).casefold() == "inglise":
                    self.std.name_en = foreign.group(2)
                    self.take(ln, "text")
                    continue
                if section is None:
                    section = Section("C.2", "Kutse nimetus võõrkeeles", [], ln.no)
                    self.std.sections.append(section)
            if section is not None:
                section.paragraphs.append(Line(ln.text, ln.no))
                self.take(ln, "text")
        self.c1_values()

    def c1_text(self, lines: list[_Ln]) -> None:
        """Lines of C.1 the model has no field for: kept as the text of section C.1."""
        if self.c1_other is None:
            title, line = self.c1_title or ("", lines[0].no)
            self.c1_other = Section("C.1", title, [], line)
            self.std.sections.append(self.c1_other)
        for ln in lines:
            self.c1_other.paragraphs.append(Line(ln.text, ln.no))
            self.take(ln, "text")

    def c1_values(self) -> None:
        std = self.std
        given: dict[str, int] = {}  # field -> line of the label whose value the model holds
        for name, label, values in self.c1_fields:
            if name is None:  # a field this parser does not know: kept as text of C.1
                self.warn(label.no, f"C.1 field '{label.text}' is not recognised; kept as text "
                                    "in section C.1")
                self.c1_text([label, *values])
                continue
            placeholders = [ln for ln in values if R.PLACEHOLDER.match(ln.text)]
            filled = [ln for ln in values if not R.PLACEHOLDER.match(ln.text)]
            if filled and name in given and name != "authors":  # authors add up
                self.warn(label.no, f"C.1 field '{_short(label.text)}' is given again (first "
                                    f"on {self.place(given[name])}); the first is kept, this one "
                                    "is kept as text in section C.1")
                self.c1_text([label, *values])
                continue
            self.take(label, "heading")
            for ln in placeholders:
                self.take(ln, "placeholder")  # "Täidab kutseregistri töötaja": null
            if not filled:
                continue
            given[name] = label.no
            if name == "authors":
                for ln in filled:
                    for entry in filter(None, (e.strip() for e in ln.text.split(";"))):
                        person, organisation = R.split_author(entry)
                        std.authors.append(Author(person, organisation, ln.no))
                    self.take(ln, "item")
            elif name == "isco":
                codes = []
                for ln in filled:
                    match = R.ISCO_LINE.match(ln.text)
                    if match:
                        codes.append((match.group(1), match.group(2).strip()))
                        self.take(ln, "item")
                codes.sort(key=lambda c: len(c[0]))  # most specific last
                std.isco = [c for c, _ in codes]
                std.isco_labels = [label_ for _, label_ in codes]
                std.isco_label = (codes[-1][1] or None) if codes else None
            elif name == "eqf":
                level = R.EQF_LEVEL.match(filled[0].text)
                if level:
                    std.eqf = int(level.group(1))
                    self.take(filled[0], "text")
                else:  # more than a level: its first digit is the level, the line kept as text
                    digit = re.search(r"[1-8]", filled[0].text)
                    std.eqf = int(digit.group(0)) if digit else None
                    self.warn(filled[0].no, f"C.1: the EQF field '{_short(filled[0].text)}' is "
                                            "more than a level (1-8); kept as text in section C.1")
                    self.c1_text(filled[:1])
            else:
                value = " ".join(ln.text for ln in filled)
                if name in ("decision_date", "valid_until"):
                    iso = R.iso_date(value)
                    if iso is None:
                        self.warn(filled[0].no, f"C.1: '{value}' is not a date (dd.mm.yyyy); "
                                                "kept as written")
                    value = iso or value
                setattr(std, name, value)
                for ln in filled:
                    self.take(ln, "text")


def _renumber(std: Standard, paragraphs: list[int]) -> None:
    """Every line number in the model replaced by its paragraph number (a DOCX)."""
    seen: set[int] = set()
    for item in _positioned(std):
        if id(item) in seen:  # an element listed in two places is renumbered once
            continue
        seen.add(id(item))
        item.line = paragraphs[item.line - 1]
        if getattr(item, "assessment_line", None):
            item.assessment_line = paragraphs[item.assessment_line - 1]


def _positioned(std: Standard):
    yield std
    yield from std.authors
    for section in std.sections:
        yield section
        yield from section.paragraphs
    for part in std.work_parts:
        yield part
        yield from part.description
    yield from std.general_skills
    for comp in std.competences:
        yield comp
        yield from comp.indicators
        yield from comp.knowledge
    yield from std.qualification_competences
    for owner in (*std.partial_qualifications, *std.specialisations):
        yield owner
        yield from owner.competences
    yield from std.unaccounted
    yield from std.warnings
    yield from std.skipped


# A line that ends a sentence (but not one ending in a code such as "B.3.5.", whose title may
# follow on the next line).
_SENTENCE_END = re.compile(r"(?<!B\.\d\.\d)(?<!B\.\d\.\d\d)[.!?]$")


def _runs(lines: list[_Ln]) -> list[list[_Ln]]:
    """Groups of consecutive lines (table rows of the front page are separated by blanks)."""
    runs: list[list[_Ln]] = []
    for ln in lines:
        if runs and runs[-1][-1].no == ln.no - 1:
            runs[-1].append(ln)
        else:
            runs.append([ln])
    return runs


def _join(paragraph: list[_Ln]) -> tuple[str, list[tuple[int, int]]]:
    """One text from lines broken mid-sentence, and where each line starts in it. A line
    ending in '/' continues without a space ("IT valitsemine/" + "juhtimine")."""
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    length = 0
    for ln in paragraph:
        if parts and not parts[-1].endswith("/"):
            parts.append(" ")
            length += 1
        starts.append((length, ln.no))
        parts.append(ln.text)
        length += len(ln.text)
    return "".join(parts), starts


def _short(text: str, width: int = 80) -> str:
    """A line quoted in a warning: long lines cut (the model keeps them whole)."""
    return text if len(text) <= width else text[:width - 1] + "…"


def _level_column(header: list[str]) -> int | None:
    return next((i for i, h in enumerate(header) if "tase" in h), None)


def _certificate_column(table: str, header: list[str]) -> int | None:
    if table != "specialisation":
        return None
    return next((i for i, h in enumerate(header) if "kutsetunnistus" in h), None)


def _table_columns(table: str, header: list[str]) -> set[int]:
    """The columns of a front-page table the model reads: the name, the level, and for
    specialisations the name on the certificate."""
    return {0, _level_column(header), _certificate_column(table, header)} - {None}


def _line_at(starts: list[tuple[int, int]], pos: int) -> int:
    return starts[bisect_right(starts, (pos, float("inf"))) - 1][1]


def _heading_like(text: str) -> bool:
    """A short, unpunctuated line starting with a capital: a group heading such as
    'Mõtlemisoskused'."""
    return (text[0].isupper() and len(text.split()) <= 6
            and not text.rstrip(" :").endswith((".", "!", "?", ";", ",")))
