"""The project's own generic dbt tests (dbt_project/macros/tests.sql) return the rows they should fail on."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import jinja2

MACROS = Path(__file__).resolve().parents[2] / "dbt_project" / "macros" / "tests.sql"


def generic_test_sql(name: str, **arguments) -> str:
    """The body of ``{% test name(...) %}``, rendered as dbt renders it (plain Jinja with dbt's `do`; a project
    macro the test calls, such as model_key, is passed in among the arguments, and so is every argument with a
    default)."""
    match = re.search(r"{%\s*test\s+" + name + r"\(.*?\)\s*%}(.*?){%\s*endtest\s*%}", MACROS.read_text(), re.S)
    assert match, f"no generic test {name} in {MACROS}"
    return jinja2.Environment(extensions=["jinja2.ext.do"]).from_string(match.group(1)).render(**arguments)


def test_row_rules_fails_on_every_row_that_breaks_a_rule_and_names_the_rules_it_breaks():
    con = duckdb.connect()
    con.execute("""create table t as select * from (values
                   (1, 'a', 0.5, 'x'), (2, null, 0.2, 'y'), (3, 'c', 1.5, 'x'), (4, null, null, 'z'),
                   (5, 'e', null, null)) v(id, name, share, kind)""")
    sql = generic_test_sql("row_rules", model="t", not_null=["id", "name"],
                           in_range={"share": {"min": 0, "max": 1}}, one_of={"kind": ["x", "y"]})
    rows = con.execute(f"select id, broken_rules from ({sql}) order by id").fetchall()
    assert rows == [(2, ["name_not_null"]), (3, ["share_in_range"]),
                    (4, ["name_not_null", "share_in_range", "kind_one_of"]), (5, ["share_in_range"])]
    # a null may be allowed in a range; a null is never outside the accepted values (as dbt's accepted_values)
    lenient = generic_test_sql("row_rules", model="t", not_null=[], one_of={},
                               in_range={"share": {"min": 0, "max": 1, "allow_null": True}})
    assert con.execute(f"select id from ({lenient})").fetchall() == [(3,)]
    complete = generic_test_sql("row_rules", model="t", not_null=["id"], in_range={}, one_of={"id": [1, 2, 3, 4, 5]})
    assert con.execute(f"select count(*) from ({complete})").fetchone() == (0,), "no rule broken, no failing row"
    quoted = generic_test_sql("row_rules", model="(select 'it''s' as kind)", not_null=[], in_range={},
                              one_of={"kind": ["it's"]})
    assert con.execute(f"select count(*) from ({quoted})").fetchone() == (0,), "a value with a quote is quoted"


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


def test_unique_combination_fails_on_each_combination_held_twice_nulls_included():
    con = duckdb.connect()
    con.execute("""create table t as select * from (values
                   ('a', 'b'), ('a', 'b'), ('a', 'b'), ('a', null), ('a', null), ('b', 'a'), ('x', 'y'),
                   (null, null)) v(model_id, parent_model_id)""")
    sql = generic_test_sql("unique_combination", model="t", columns=["model_id", "parent_model_id"])
    rows = con.execute(f"select * from ({sql}) order by all").fetchall()
    assert rows == [("a", "b", 3), ("a", None, 2)], "each repeated combination once, with its count"
    one = generic_test_sql("unique_combination", model="(select distinct * from t)", columns=["model_id",
                                                                                              "parent_model_id"])
    assert con.execute(f"select count(*) from ({one})").fetchone() == (0,), "no combination twice, no failing row"
