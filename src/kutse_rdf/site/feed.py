"""site/changes.atom: an Atom 1.0 feed (RFC 4287) of the register's versions, newest first.

One feed per language tree: `changes.atom` in the site's first language, `en/changes.atom` for
the English pages (each tree's pages link their own). One entry per version of a standard: its
page as the link, its validity and a summary of what changed from the version before (the count
of each kind of change, read from the changes graph, data/changes.nt), in the feed's language.
The first language's entries have the version's IRI as their id; another language's the
version's page in that tree (an absolute URL under the base URI), so that the same version in
two languages is two entries, and each keeps its id from build to build. The feed's own id and
links come from the base URI; its `updated` is the build's day (SOURCE_DATE_EPOCH for a
reproducible build).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pyoxigraph as ox

from kutse_rdf.graph.namespaces import KUTSE, PROV, RDF
from kutse_rdf.graph.ntriples import statements_with

ATOM = "http://www.w3.org/2005/Atom"
FEED_FILE = "changes.atom"
MEDIA_TYPE = "application/atom+xml"


@dataclass
class VersionChanges:
    """The changes into one version from the one before it (the changes graph's
    kutse:VersionChange)."""
    older_key: str
    kinds: Counter = field(default_factory=Counter)  # change kind -> how many
    items: list[dict] = field(default_factory=list)  # each change's fields, in order


# the statements a feed's summaries read (version_changes's `summary_only`): on a register the
# changes graph is ~30 MB, most of it lineage and the changed words, which the feed never shows
_SUMMARY_NEEDLES = [f"> <{KUTSE}{name}> ".encode()
                    for name in ("hasChange", "fromVersionKey", "toVersion", "order", "changeKind")]
_SUMMARY_NEEDLES.append(f"> <{RDF.type}> <{KUTSE}VersionChange> .".encode())


def summary_lines(changes_nt: bytes) -> bytes:
    """The lines of `changes_nt` whose predicate is one of _SUMMARY_NEEDLES's (and object, for
    rdf:type) right after an IRI subject (ntriples.statements_with: never inside a
    literal), in their order."""
    spans = sorted((start, end) for needle in _SUMMARY_NEEDLES
                   for start, _, end in statements_with(changes_nt, needle)
                   if changes_nt.startswith(b"<", start))
    return b"".join(changes_nt[start:end] + b"\n" for start, end in spans)


def version_changes(changes_nt: bytes, summary_only: bool = False) -> dict[str, VersionChanges]:
    """The changes graph's changes by the IRI of the newer version. `summary_only`: each
    change's fields are only its kind and order (what the feed's summaries count)."""
    if summary_only:
        changes_nt = summary_lines(changes_nt)
    if not changes_nt:
        return {}
    values: dict[str, dict[str, str]] = {}
    into: dict[str, tuple[str, str]] = {}  # change node -> (newer version, older key)
    members: dict[str, list[str]] = {}
    for t in ox.parse(changes_nt, format=ox.RdfFormat.N_TRIPLES):
        s, p, o = t.subject.value, t.predicate.value, t.object.value
        if p.startswith(str(KUTSE)):
            name = p[len(str(KUTSE)):]
            if name == "hasChange":
                members.setdefault(s, []).append(o)
            else:
                values.setdefault(s, {})[name] = o
        elif p == str(RDF.type) and o == str(KUTSE.VersionChange):
            into[s] = ("", "")
    result = {}
    for node in sorted(into):
        fields = values.get(node, {})
        found = VersionChanges(fields.get("fromVersionKey", ""))
        items = [values.get(item, {}) for item in members.get(node, [])]
        found.items = sorted(items, key=lambda i: int(i.get("order", 0)))
        found.kinds.update(i.get("changeKind", "") for i in found.items)
        result[fields.get("toVersion", "")] = found
    return result


def kind_label(t: dict, kind: str) -> str:
    return t.get(f"change_{kind}", kind)


def summary(t: dict, changes: VersionChanges | None) -> str:
    """"Changes from version 5: competences added: 1, competences removed: 1" (in the order the
    kinds first appear), or that this is the first version of the standard here."""
    if changes is None:
        return t["feed_first_version"]
    counts = ", ".join(f"{kind_label(t, kind)}: {n}" for kind, n in changes.kinds.items())
    return f'{t["feed_changes_from"].format(key=changes.older_key)}: {counts or t["feed_no_changes"]}'


@dataclass
class FeedEntry:
    iri: str  # the version's IRI: the entry's id
    title: str
    url: str  # its page
    key: str
    valid_from: str | None
    valid_through: str | None
    id: str | None = None  # the entry's atom:id; None: the version's IRI


def atom_feed(entries: list[FeedEntry], changes: dict[str, VersionChanges], t: dict, lang: str,
              base_url: str, built: datetime) -> bytes:
    """The feed's XML. An entry's `updated` is the day its version took effect (the build time
    for a draft), and the entries are in that order, newest first."""
    now = _stamp(built)

    def element(parent, name, text=None, **attributes):
        node = ET.SubElement(parent, name, attributes)
        if text is not None:
            node.text = text
        return node

    # unqualified names below a default namespace declared by hand: ElementTree would otherwise
    # write a prefix on every element
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": lang})
    element(feed, "id", base_url + FEED_FILE)  # base_url: the tree's (…/en/ for English)
    element(feed, "title", t["feed_title"])
    element(feed, "subtitle", t["feed_subtitle"])
    element(feed, "updated", now)
    element(element(feed, "author"), "name", t["site"])
    element(feed, "link", rel="self", type=MEDIA_TYPE, href=base_url + FEED_FILE)
    element(feed, "link", rel="alternate", type="text/html", href=base_url)

    def updated(e: FeedEntry) -> str:
        return f"{e.valid_from}T00:00:00Z" if e.valid_from else now

    for e in sorted(entries, key=lambda e: (updated(e), e.id or e.iri), reverse=True):
        entry = element(feed, "entry")
        element(entry, "id", e.id or e.iri)
        element(entry, "title", f'{e.title} · {t["version"]} {e.key}'
                if e.key != "draft" else f'{e.title} · {t["version_draft"]}')
        element(entry, "updated", updated(e))
        element(entry, "link", rel="alternate", type="text/html", href=e.url)
        validity = (t["feed_valid"].format(start=e.valid_from, end=e.valid_through)
                    if e.valid_from and e.valid_through
                    else t["feed_valid_from"].format(start=e.valid_from) if e.valid_from
                    else t["feed_not_in_force"])
        element(entry, "summary", f"{validity}. {summary(t, changes.get(e.iri))}")
    ET.indent(feed)
    text = ET.tostring(feed, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n").encode("utf-8")


def _stamp(moment: datetime) -> str:
    """The build's day, as sitemap.xml dates its pages: a rebuild the same day writes the same
    feed, so the site stage can take over unchanged output."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT00:00:00Z")


def lineage(changes_nt: bytes) -> dict[str, tuple[str, str]]:
    """The changes graph's competence lineage: each version-specific competence -> (the one it
    revises in the version before, why they are the same: kutse:lineageReason)."""
    if not changes_nt:
        return {}
    before: dict[str, str] = {}
    revision: dict[str, str] = {}
    reason: dict[str, str] = {}
    for t in ox.parse(changes_nt, format=ox.RdfFormat.N_TRIPLES):
        s, p, o = t.subject.value, t.predicate.value, t.object.value
        if p == str(PROV.wasRevisionOf):
            before[s] = o
        elif p == str(PROV.qualifiedRevision):
            revision[s] = o
        elif p == str(KUTSE.lineageReason):
            reason[s] = o
    return {new: (old, reason.get(revision.get(new, ""), "")) for new, old in before.items()}
