"""Rules shared by the Python ingestion and the dbt models, written once as DuckDB macros.

They are installed into the warehouse with its schema (``install_rules``), so that the
crawler's ancestor walk, the quality checks and the dbt models call the same SQL:

- ``is_model_id(value)``: a Hub repo id, ``namespace/name`` in the Hub's characters (``MODEL_ID_REGEX``).
- ``model_type_key(label)``: a leaderboard type label reduced to its letters, so that
  "💬 chat models (RLHF, DPO, IFT, ...)" and "chatmodels" meet ('none' when nothing is left).
- ``lineage_edges(records)``: THE lineage parent rule, a table macro over a relation of records with columns
  model_id, tags, card_base_model, card_base_model_relation (raw.hub_models has them; a record as served gives
  them through ``hub_record_lineage_fields(payload)``): one row per (model_id, parent_model_id) with its
  relation, edge_source ('hub_tags' or 'hub_card') and parent_order (1 is the main parent).
- ``declared_base_model(model_id, base_model)``: a leaderboard's declared base model, when it is one.

The lineage parent rule (used by ``int_model_parents`` and by the crawl of scope 'leaderboard'):

1. The Hub's lineage tags decide: ``base_model:<parent>`` and ``base_model:<relation>:<parent>``
   (relation in finetune, adapter, quantized, merge). The Hub derives these tags from the card's
   ``base_model`` when that names an existing repo, so they are the checked form of the claim.
   A parent named only by a plain tag takes the card's ``base_model_relation``, else 'unspecified'.
   Parents are ordered by where their first tag stands (the first is the model's main parent).
2. Only when a record carries no lineage tag at all does the card's ``base_model`` (a string or a
   list) give its parents, those that are repo ids (``namespace/name``), with the card's relation
   or 'unspecified'. When tags and card disagree, the tags win and the card is ignored.
3. Only when the Hub gives no parent at all does leaderboard v2's declared base model count
   (``declared_base_model``: its latest declaration, without the " (Merge)" annotation the leaderboard
   appends to merges; not the model itself, not the literal 'Removed', a repo id), with relation
   'merge' when so annotated, else 'unspecified'.
A model is never its own parent.
"""

from __future__ import annotations

import re

import duckdb

# namespace/name in the characters the Hub allows in a repo id (letters, digits, '-', '_', '.'): every id
# of the real extracts matches; quotes, semicolons, spaces and control characters never do.
MODEL_ID_REGEX = r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+"
MODEL_ID_PATTERN = re.compile(MODEL_ID_REGEX)
RELATIONS = ("finetune", "adapter", "quantized", "merge")

_RELATION_LIST = ", ".join(f"'{r}'" for r in RELATIONS)
_RELATION_ALTERNATIVES = "|".join(RELATIONS)

MACROS = f"""
create or replace macro is_model_id(value) as coalesce(regexp_full_match(value, '{MODEL_ID_REGEX}'), false);

create or replace macro model_type_key(label) as
    coalesce(nullif(lower(regexp_replace(regexp_replace(coalesce(label, ''), '\\(.*\\)', '', 'g'),
                                         '[^A-Za-z]', '', 'g')), ''), 'none');

create or replace macro declared_base_text(base_model) as
    nullif(regexp_replace(trim(base_model), '\\s*\\(merge\\)$', '', 'i'), '');

create or replace macro declared_base_model(model_id, base_model) as
    case when declared_base_text(base_model) <> 'Removed'
              and declared_base_text(base_model) <> trim(model_id)
              and is_model_id(declared_base_text(base_model))
         then declared_base_text(base_model) end;

create or replace macro declared_base_relation(base_model) as
    case when regexp_matches(trim(base_model), '\\(merge\\)$', 'i') then 'merge' else 'unspecified' end;

create or replace macro card_relation_or_unspecified(card_relation) as
    case when card_relation in ({_RELATION_LIST}) then card_relation end;

create or replace macro hub_tags(payload) as coalesce(try_cast(payload -> '$.tags' as varchar[]), []::varchar[]);

-- THE lineage parent rule, over a relation of records (model_id, tags, card_base_model, card_base_model_relation)
-- named by `records` (a table, a view or a CTE): one row per (model, parent) with its relation, where it came
-- from and parent_order (1 is the main parent). Each record is worked out on its own, in list functions (no
-- join, grouping or window over the whole relation): its lineage tags as (parent, relation) claims, less
-- the empty and self ones; if none is left, its card's base models that are repo ids; each parent once, in
-- the order it is first named. A tag parent's relation is the one a tag names for it, else the card's.
create or replace macro lineage_edges(records) as table
with tagged as (
    select
        model_id,
        card_base_model,
        card_relation_or_unspecified(card_base_model_relation) as card_relation,
        list_filter(
            list_transform(
                list_filter(tags, lambda t: starts_with(t, 'base_model:')),
                lambda t: case when regexp_matches(t, '^base_model:({_RELATION_ALTERNATIVES}):')
                               then {{'parent': regexp_extract(t, '^base_model:[a-z]+:(.+)$', 1),
                                      'relation': split_part(t, ':', 2)}}
                               else {{'parent': substr(t, length('base_model:') + 1), 'relation': null}} end),
            lambda e: e.parent <> '' and e.parent <> model_id) as tag_claims
    from query_table(records)
),
claims as (
    select
        model_id,
        card_relation,
        len(tag_claims) > 0 as from_tags,
        case when len(tag_claims) > 0
             then list_transform(tag_claims, lambda e: e.parent)
             else list_filter(
                      list_transform(
                          case json_type(card_base_model)
                              when 'VARCHAR' then [card_base_model ->> '$']
                              when 'ARRAY' then cast(card_base_model ->> '$[*]' as varchar[])
                              else []::varchar[] end,
                          lambda b: trim(b)),
                      lambda p: is_model_id(p) and p <> model_id) end as claimed,
        list_transform(tag_claims, lambda e: e.relation) as tag_relations
    from tagged
),
edges as (
    select
        model_id,
        from_tags,
        card_relation,
        claimed,
        tag_relations,
        list_filter(claimed, lambda p, i: list_position(claimed, p) = i) as parents
    from claims
    where len(claimed) > 0
)
select
    model_id,
    parent as parent_model_id,
    coalesce(case when from_tags
                  then list_max(list_filter(tag_relations, lambda r, i: claimed[i] = parent)) end,
             card_relation, 'unspecified') as relation,
    case when from_tags then 'hub_tags' else 'hub_card' end as edge_source,
    parent_order
from (select *, unnest(parents) as parent, generate_subscripts(parents, 1) as parent_order from edges);

-- A Hub record as served, as the lineage rule reads it: lineage_edges over this.
create or replace macro hub_record_lineage_fields(payload) as {{
    'tags': hub_tags(payload),
    'card_base_model': payload -> '$.cardData.base_model',
    'card_base_model_relation': payload ->> '$.cardData.base_model_relation'}};
"""


def install_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) the shared macros in the warehouse."""
    con.execute(MACROS)


def is_model_id(value) -> bool:
    """The Python form of ``is_model_id``, for records before they are landed."""
    return isinstance(value, str) and MODEL_ID_PATTERN.fullmatch(value) is not None
