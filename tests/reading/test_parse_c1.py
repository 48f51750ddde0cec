"""C.1's fields filled in, as the register's approved standards have them (the shipped draft
leaves them empty)."""
from pathlib import Path

import pytest

from kutse_rdf.reading.parser import parse_text

SEED = Path(__file__).resolve().parents[2] / "standards" / "it-juht-tase-7.txt"


def filled(number: str, date: str, until: str, version: str) -> str:
    text = SEED.read_text(encoding="utf-8")
    for label, value in (("4. Kutsenõukogu otsuse number", number),
                         ("5. Kutsenõukogu otsuse kuupäev", date),
                         ("6. Kutsestandard kehtib kuni", until)):
        text = text.replace(f"\t{label}\n\t\n", f"\t{label}\n\t{value}\n", 1)
    return text.replace("\t6. Kutsestandard kehtib kuni\n",
                        f"\t7. Kutsestandardi versiooni number\n\t{version}\n\n\t6. Kutsestandard kehtib kuni\n", 1)


# a day that is also the next field's number ("06." after field 5) is a date, not field 6
@pytest.mark.parametrize("date, iso", [("06.01.2016", "2016-01-06"), ("21.03.2019", "2019-03-21")])
def test_decision_date_is_read_whatever_its_day(date, iso):
    std = parse_text(filled("12", date, "20.03.2024", "8"), "v8.txt")
    assert std.decision_number == "12"
    assert std.decision_date == iso
    assert std.valid_until == "2024-03-20"
    assert std.version == "8"
    assert not [w for w in std.warnings if "C.1" in w.text]
