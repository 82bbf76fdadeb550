"""The project's own generic dbt tests (dbt_project/macros/tests.sql) return the rows they should fail on."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import jinja2

MACROS = Path(__file__).resolve().parents[2] / "dbt_project" / "macros" / "tests.sql"


def generic_test_sql(name: str, **arguments) -> str:
    """The body of ``{% test name(...) %}``, rendered as dbt renders it (plain Jinja: these tests call no dbt
    macro)."""
    match = re.search(r"{%\s*test\s+" + name + r"\(.*?\)\s*%}(.*?){%\s*endtest\s*%}", MACROS.read_text(), re.S)
    assert match, f"no generic test {name} in {MACROS}"
    return jinja2.Template(match.group(1)).render(**arguments)


def test_not_null_columns_fails_on_every_row_with_a_null_and_names_its_columns():
    con = duckdb.connect()
    con.execute("""create table t as select * from (values
                   (1, 'a', 10), (2, null, 20), (3, 'c', null), (4, null, null)) v(id, name, score)""")
    sql = generic_test_sql("not_null_columns", model="t", columns=["id", "name", "score"])
    rows = con.execute(f"select id, null_columns from ({sql}) order by id").fetchall()
    assert rows == [(2, ["name"]), (3, ["score"]), (4, ["name", "score"])]
    complete = generic_test_sql("not_null_columns", model="t", columns=["id"])
    assert con.execute(f"select count(*) from ({complete})").fetchone() == (0,), "no null, no failing row"
