"""An Atom 1.0 feed checked two ways: feedparser (a widely used feed reader) must read it as
Atom 1.0 without complaint, and the rules of RFC 4287 that a reader relies on are checked on
the XML itself (feedparser is lenient: it reads feeds that break them)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
# RFC 4287 3.3: an RFC 3339 date-time with an upper-case "T" and "Z" or an offset
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")  # RFC 3987: absolute, a scheme first


def _one(parent: ET.Element, name: str, where: str) -> ET.Element:
    found = parent.findall(ATOM + name)
    assert len(found) == 1, f"{where}: {len(found)} atom:{name}, must be exactly one"
    return found[0]


def _links(parent: ET.Element, where: str) -> None:
    alternates = [(link.get("type"), link.get("hreflang")) for link in parent.findall(ATOM + "link")
                  if link.get("rel", "alternate") == "alternate"]
    # 4.1.1 / 4.1.2: no two alternate links with the same type and hreflang
    assert len(alternates) == len(set(alternates)), f"{where}: repeated alternate links {alternates}"
    for link in parent.findall(ATOM + "link"):
        assert link.get("href"), f"{where}: atom:link without href"


def check_atom(data: bytes) -> ET.Element:
    """The feed's root element, after checking it: a reader's view and RFC 4287's rules."""
    import feedparser

    parsed = feedparser.parse(data)
    assert not parsed.bozo, f"feedparser: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10", parsed.version

    feed = ET.fromstring(data)
    assert feed.tag == ATOM + "feed"
    for name in ("id", "title", "updated"):  # 4.1.1
        _one(feed, name, "feed")
    assert IRI.match(_one(feed, "id", "feed").text or "")
    assert DATE_TIME.match(_one(feed, "updated", "feed").text or "")
    _links(feed, "feed")
    feed_has_author = feed.find(ATOM + "author") is not None
    ids = []
    for n, entry in enumerate(feed.findall(ATOM + "entry")):
        where = f"entry {n + 1}"
        for name in ("id", "title", "updated"):  # 4.1.2
            _one(entry, name, where)
        ids.append(_one(entry, "id", where).text or "")
        assert IRI.match(ids[-1]), f"{where}: id {ids[-1]!r} is not an absolute IRI"
        assert DATE_TIME.match(_one(entry, "updated", where).text or ""), where
        # an entry without atom:content has an alternate link (4.1.2); an author, here or on the feed
        assert entry.find(ATOM + "content") is not None or any(
            link.get("rel", "alternate") == "alternate" for link in entry.findall(ATOM + "link")), where
        assert feed_has_author or entry.find(ATOM + "author") is not None, where
        _links(entry, where)
        for author in entry.findall(ATOM + "author") + feed.findall(ATOM + "author"):
            _one(author, "name", where + " author")
    # 4.1.1: entries with the same id are revisions of one entry; each version is its own entry
    assert len(ids) == len(set(ids)), f"repeated entry ids: {ids}"
    return feed
