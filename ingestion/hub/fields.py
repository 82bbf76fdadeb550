"""The fields of a Hub record the pipeline reads, parsed once when the record is landed.

``raw.hub_models`` keeps every record exactly as served (``payload``) and, beside it, these fields as typed
columns, extracted when a crawl is made visible (``ingestion.hub.landing.promote_crawl``): the JSON of a
record is parsed once in its life, by one ``json_extract_string`` over every path, instead of once per field
in every build of every model that reads it. The column names follow the Hub's field names (staging renames
them for the marts); a value of the wrong type lands as NULL, as the staging casts did before
(``try_cast``), and the payload keeps what was served.
"""

from __future__ import annotations

from typing import NamedTuple


class HubField(NamedTuple):
    column: str
    sql_type: str
    path: str  # a JSON path in the record


# Scalars, read by one json_extract_string of every path.
SCALAR_FIELDS = (
    HubField("author", "varchar", "$.author"),
    HubField("sha", "varchar", "$.sha"),
    HubField("created_at", "timestamptz", "$.createdAt"),
    HubField("last_modified", "timestamptz", "$.lastModified"),
    HubField("downloads", "bigint", "$.downloads"),
    HubField("downloads_all_time", "bigint", "$.downloadsAllTime"),
    HubField("likes", "bigint", "$.likes"),
    HubField("trending_score", "double", "$.trendingScore"),
    HubField("private", "boolean", "$.private"),
    HubField("gated", "varchar", "$.gated"),
    HubField("pipeline_tag", "varchar", "$.pipeline_tag"),
    HubField("library_name", "varchar", "$.library_name"),
    HubField("config_model_type", "varchar", "$.config.model_type"),
    HubField("config_architecture", "varchar", "$.config.architectures[0]"),
    HubField("card_license", "varchar", "$.cardData.license"),
    HubField("card_license_name", "varchar", "$.cardData.license_name"),
    HubField("card_base_model_relation", "varchar", "$.cardData.base_model_relation"),
    HubField("safetensors_total", "bigint", "$.safetensors.total"),
    HubField("gguf_total", "bigint", "$.gguf.total"),
)
# Structured values: the tags as a list (``hub_tags``, the rule in ingestion/warehouse/rules.py) and the card's
# base_model as JSON (a string or a list: the lineage rule reads either).
STRUCTURED_FIELDS = (
    HubField("tags", "varchar[]", "$.tags"),
    HubField("card_base_model", "json", "$.cardData.base_model"),
)
FIELDS = SCALAR_FIELDS + STRUCTURED_FIELDS
FIELD_COLUMNS = tuple(f.column for f in FIELDS)


def columns_ddl() -> str:
    """The typed columns, for the table definition."""
    return ",\n    ".join(f"{f.column} {f.sql_type}" for f in FIELDS)


def fields_select(source: str, keep: str) -> str:
    """A SELECT of ``keep`` (columns of ``source``) and every typed field, parsing ``payload`` once."""
    paths = ", ".join(f"'{f.path}'" for f in SCALAR_FIELDS)
    scalars = ",\n           ".join(
        f"{'_s[' + str(i) + ']' if f.sql_type == 'varchar' else f'try_cast(_s[{i}] as {f.sql_type})'} as {f.column}"
        for i, f in enumerate(SCALAR_FIELDS, start=1))
    return f"""
    select {keep},
           {scalars},
           hub_tags(payload) as tags,
           payload -> '$.cardData.base_model' as card_base_model
    from (select *, json_extract_string(payload, [{paths}]) as _s from {source})"""
