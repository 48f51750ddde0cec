"""Works and versions of the register (kutse_rdf.versions): keys, order, validity, current."""
from datetime import date

import pytest

from kutse_rdf.errors import DataError
from kutse_rdf.model import Standard
from kutse_rdf.versions import DRAFT, status, version_key, works


def std(version=None, start=None, end=None, title="Arborist, tase 4", file=None):
    return Standard(source_file=file or f"{title}-{version}.txt", title=title, level=4,
                    version=version, decision_date=start, valid_until=end)


def by_title(s):
    return s.title.casefold()


@pytest.mark.parametrize("written, key", [("8", "8"), (" 08 ", "8"), ("6.1", "6-1"),
                                          (None, DRAFT), ("", DRAFT)])
def test_version_key(written, key):
    assert version_key(std(written)) == key


def test_validity_is_inclusive_at_both_ends():
    v = std("5", "2015-02-19", "2019-02-19")
    assert status(v, date(2015, 2, 19)) == "valid"
    assert status(v, date(2019, 2, 19)) == "valid"
    assert status(v, date(2019, 2, 20)) == "expired"
    assert status(v, date(2015, 2, 18)) == "future"
    assert status(std(None), date(2020, 1, 1)) == DRAFT


def test_versions_ordered_and_current_is_the_newest_valid():
    v8, v5, draft = std("8", "2019-02-20", "2023-12-05"), std("5", "2015-02-19", "2019-02-19"), std()
    (work,) = works([v8, draft, v5], by_title, date(2020, 6, 1))
    assert work.versions == [v5, v8, draft]
    assert work.current is v8
    assert work.previous(v8) is v5 and work.previous(v5) is None
    # after 05.12.2023 nothing is valid: the newest numbered version stays current (expired)
    (later,) = works([v8, draft, v5], by_title, date(2024, 1, 1))
    assert later.current is v8
    # before 2019-02-20 version 5 was the valid one
    (earlier,) = works([v8, draft, v5], by_title, date(2016, 1, 1))
    assert earlier.current is v5


def test_a_lone_draft_is_its_own_current_version():
    draft = std()
    (work,) = works([draft], by_title, date(2026, 1, 1))
    assert work.current is draft and work.versions == [draft]


def test_esmane_kutse_is_another_work():
    found = works([std("4"), std("4", title="Arborist, tase 4 esmane kutse")], by_title, date(2026, 1, 1))
    assert len(found) == 2


def test_same_work_and_version_twice_names_both_files():
    with pytest.raises(DataError) as err:
        works([std("6", file="a.txt"), std("6", file="b.txt")], by_title, date(2026, 1, 1))
    assert err.value.file == "b.txt" and "a.txt" in str(err.value)
