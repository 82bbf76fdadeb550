"""The project's own generic dbt tests (dbt_project/macros/tests.sql) return the rows they should fail on."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import jinja2

MACROS = Path(__file__).resolve().parents[2] / "dbt_project" / "macros" / "tests.sql"


def generic_test_sql(name: str, **arguments) -> str:
    """The body of ``{% test name(...) %}``, rendered as dbt renders it (plain Jinja; a project macro the test
    calls, such as model_key, is passed in among the arguments)."""
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


KEYS = MACROS.with_name("keys.sql")


def model_key_macro():
    """dbt_project/macros/keys.sql's model_key, as a Jinja callable."""
    match = re.search(r"{%\s*macro\s+model_key\((\w+)\)\s*%}(.*?){%\s*endmacro\s*%}", KEYS.read_text(), re.S)
    assert match, f"no macro model_key in {KEYS}"
    parameter, body = match.groups()
    return lambda value: jinja2.Template(body).render(**{parameter: value})


def test_model_key_is_the_hash_of_the_repo_id():
    assert model_key_macro()("model_id") == "hash(model_id)"


def test_unique_model_keys_fails_on_a_repeated_id_and_on_two_ids_sharing_a_key():
    con = duckdb.connect()
    con.execute("""create table t as select * from (values
                   ('a/one'), ('b/two'), ('c/six'), ('d/seven'), ('d/seven'), (null)) v(model_id)""")
    # a key that collides by design (the length of the id), standing in for a 64-bit hash collision
    sql = generic_test_sql("unique_model_keys", model="t", column_name="model_id",
                           model_key=lambda column: f"length({column})")
    rows = con.execute(f"select model_key, one_id, other_id, n_rows, problem from ({sql}) order by model_key"
                       ).fetchall()
    # 'a/one', 'b/two' and 'c/six' share length 5; 'd/seven' is held twice
    assert rows == [(5, "a/one", "c/six", 3, "two ids share a key"), (7, "d/seven", "d/seven", 2, "repeated id")]
    real = generic_test_sql("unique_model_keys", model="t", column_name="model_id", model_key=model_key_macro())
    rows = con.execute(f"select one_id, n_rows, problem from ({real})").fetchall()
    assert rows == [("d/seven", 2, "repeated id")], "distinct ids hash apart; the repeated one is named"
