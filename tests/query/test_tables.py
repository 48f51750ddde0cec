"""Writing a report's table: the same bytes as Python's csv module writes, whatever the cells."""
from __future__ import annotations

import csv
import io
import random

from kutse_rdf.query.tables import plain_lines, write_table


def csv_module(columns: list[str], rows: list[list], dialect: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if dialect == "excel-csv" else ",",
                        lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig" if dialect == "excel-csv" else "utf-8")


def test_tables_of_any_cells_are_written_as_the_csv_module_writes_them():
    pieces = ["a", "Õun", " ", ",", ";", '"', "\r", "\n", "\r\n", "", "B.3.1", "\t", "x, y"]
    rng = random.Random(15)
    made_by_columns = 0
    for _ in range(5000):
        width = rng.randint(1, 4)
        rows = [["".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))
                 for _ in range(width)] for _ in range(rng.randint(0, 5))]
        made_by_columns += plain_lines(rows, ",") is not None
        for dialect in ("csv", "excel-csv"):
            assert write_table(["a", "b"], rows, dialect) == csv_module(["a", "b"], rows, dialect)
    assert made_by_columns > 4000  # the module itself only for what the columns cannot do


def test_a_row_of_one_empty_cell_and_cells_not_text_are_left_to_the_csv_module():
    assert plain_lines([["a"], [""]], ",") is None  # csv writes `""` for it
    assert plain_lines([["a", 1]], ",") is None
    assert plain_lines([["a", "b"], ["c"]], ",") is None
    assert write_table(["n"], [["a"], [""]]) == b'n\r\na\r\n""\r\n'
    assert write_table(["t", "n"], [["x, y", 'sa "b"']]) == b't,n\r\n"x, y","sa ""b"""\r\n'
