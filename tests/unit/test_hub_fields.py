"""The fields a Hub record is read for are parsed once, at landing, into typed columns of raw.hub_models;
a warehouse landed before they existed gets them on its next connect, equal to a fresh landing."""

from __future__ import annotations

import duckdb

from ingestion.hub.fields import FIELD_COLUMNS
from ingestion.hub.landing import HubModelLanding
from ingestion.warehouse import connect

RECORD = {"id": "org/full", "author": "org", "sha": "abc", "createdAt": "2024-03-01T10:00:00.000Z",
          "lastModified": "2024-04-01T00:00:00.000Z", "downloads": 1234, "downloadsAllTime": 99999, "likes": 7,
          "private": False, "gated": "manual", "pipeline_tag": "text-generation", "library_name": "transformers",
          "tags": ["license:mit", "base_model:finetune:org/base"],
          "config": {"model_type": "llama", "architectures": ["LlamaForCausalLM", "Other"]},
          "cardData": {"license": "mit", "license_name": "MIT", "base_model": ["org/base", "org/other"],
                       "base_model_relation": "finetune"},
          "safetensors": {"total": 7_000_000_000}, "gguf": {"total": 8_000_000_000}}
# Wrong types and absent fields land as NULL (an empty tag list), as the staging casts did before.
ODD = {"id": "org/odd", "createdAt": "not a date", "downloads": "many", "private": "perhaps",
       "cardData": {"base_model": "org/full"}}


def land(con, records):
    landing = HubModelLanding(con, "http://hub", "q")
    landing.add_page(records, None)
    landing.commit()


def typed(con, model_id):
    cols = ", ".join(f"cast({c} as varchar)" for c in FIELD_COLUMNS)
    return dict(zip(FIELD_COLUMNS, con.execute(f"select {cols} from raw.hub_models where model_id = ?",
                                               [model_id]).fetchone()))


def test_landing_types_every_field_once(tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        land(con, [RECORD, ODD])
        row = con.execute("""select author, created_at, downloads, downloads_all_time, likes, private,
                                    config_architecture, card_license_name, safetensors_total, gguf_total,
                                    tags, card_base_model, card_base_model_relation
                             from raw.hub_models where model_id = 'org/full'""").fetchone()
        assert row[0] == "org" and row[1].isoformat().startswith("2024-03-01T10:00:00")
        assert row[2:6] == (1234, 99999, 7, False)
        assert row[6:10] == ("LlamaForCausalLM", "MIT", 7_000_000_000, 8_000_000_000)
        assert row[10] == ["license:mit", "base_model:finetune:org/base"]
        assert row[11] == '["org/base","org/other"]' and row[12] == "finetune"
        odd = typed(con, "org/odd")
        assert odd["created_at"] is None and odd["downloads"] is None and odd["private"] is None
        assert odd["tags"] == "[]" and odd["card_base_model"] == '"org/full"' and odd["author"] is None


def test_a_warehouse_landed_before_the_typed_fields_gets_them_equal_to_a_fresh_landing(tmp_path):
    with connect(tmp_path / "fresh.duckdb") as con:
        land(con, [RECORD, ODD])
        fresh = {m: typed(con, m) for m in ("org/full", "org/odd")}
    old = tmp_path / "old.duckdb"
    with connect(old) as con:
        land(con, [RECORD, ODD])
        # the table as it was: the record and where it came from, nothing parsed
        con.execute("create table raw.hub_models_before as select model_id, payload, crawl_id, fetched_at "
                    "from raw.hub_models")
        con.execute("drop table raw.hub_models")
        con.execute("alter table raw.hub_models_before rename to hub_models")
        # and a warehouse that old records no fingerprint of the definitions it was brought up to
        con.execute("drop table raw.schema_applied")
    with duckdb.connect(str(old)) as con:
        assert "tags" not in {c for (c, *_) in con.execute("describe raw.hub_models").fetchall()}
    with connect(old) as con:
        assert {m: typed(con, m) for m in ("org/full", "org/odd")} == fresh
        assert con.execute("select count(*) from raw.hub_models").fetchone() == (2,)
