"""Rules shared by the Python ingestion and the dbt models, written once as DuckDB macros.

They are installed into the warehouse with its schema (``install_rules``), so that the
crawler's ancestor walk, the quality checks and the dbt models call the same SQL:

- ``is_model_id(value)``: a Hub repo id, ``namespace/name`` in the Hub's characters (``MODEL_ID_REGEX``).
- ``model_type_key(label)``: a leaderboard type label reduced to its letters, so that
  "💬 chat models (RLHF, DPO, IFT, ...)" and "chatmodels" meet ('none' when nothing is left).
- ``lineage_parents(model_id, tags, card_base_model, card_relation)``: THE lineage parent rule; a list
  of ``{parent_model_id, relation, edge_source}`` (edge_source 'hub_tags' or 'hub_card'), main parent first.
- ``hub_record_parents(model_id, payload)``: the same rule applied to a Hub record as served.
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
    nullif(regexp_replace(trim(base_model), '\s*\(merge\)$', '', 'i'), '');

create or replace macro declared_base_model(model_id, base_model) as
    case when declared_base_text(base_model) <> 'Removed'
              and declared_base_text(base_model) <> trim(model_id)
              and is_model_id(declared_base_text(base_model))
         then declared_base_text(base_model) end;

create or replace macro declared_base_relation(base_model) as
    case when regexp_matches(trim(base_model), '\(merge\)$', 'i') then 'merge' else 'unspecified' end;

create or replace macro lineage_tag_edges(model_id, tags) as
    list_transform(
        list_filter(
            list_transform(coalesce(tags, []::varchar[]), lambda t, i: {{
                'parent': case when regexp_matches(t, '^base_model:({_RELATION_ALTERNATIVES}):')
                               then regexp_extract(t, '^base_model:[a-z]+:(.+)$', 1)
                               else substr(t, length('base_model:') + 1) end,
                'relation': case when regexp_matches(t, '^base_model:({_RELATION_ALTERNATIVES}):')
                                 then split_part(t, ':', 2) end,
                'pos': i,
                'is_lineage': starts_with(t, 'base_model:')}}),
            lambda e: e.is_lineage and e.parent <> '' and e.parent <> model_id),
        lambda e: {{'parent': e.parent, 'relation': e.relation, 'pos': e.pos}});

create or replace macro card_relation_or_unspecified(card_relation) as
    case when card_relation in ({_RELATION_LIST}) then card_relation end;

create or replace macro lineage_parents(model_id, tags, card_base_model, card_relation) as
    case when len(lineage_tag_edges(model_id, tags)) > 0 then
        list_transform(
            list_sort(list_transform(
                list_distinct(list_transform(lineage_tag_edges(model_id, tags), lambda e: e.parent)),
                lambda p: {{
                    'pos': list_min(list_transform(
                        list_filter(lineage_tag_edges(model_id, tags), lambda e: e.parent = p), lambda e: e.pos)),
                    'parent': p,
                    'relation': coalesce(
                        list_max(list_transform(
                            list_filter(lineage_tag_edges(model_id, tags), lambda e: e.parent = p),
                            lambda e: e.relation)),
                        card_relation_or_unspecified(card_relation),
                        'unspecified')}})),
            lambda x: {{'parent_model_id': x.parent, 'relation': x.relation, 'edge_source': 'hub_tags'}})
    else
        list_transform(
            list_filter(
                list_distinct(case json_type(cast(card_base_model as json))
                                  when 'VARCHAR' then [trim(cast(card_base_model as json) ->> '$')]
                                  when 'ARRAY' then list_transform(cast(cast(card_base_model as json) ->> '$[*]' as varchar[]), lambda b: trim(b))
                                  else []::varchar[] end),
                lambda b: is_model_id(b) and b <> model_id),
            lambda b: {{'parent_model_id': b,
                        'relation': coalesce(card_relation_or_unspecified(card_relation), 'unspecified'),
                        'edge_source': 'hub_card'}})
    end;

create or replace macro hub_tags(payload) as coalesce(try_cast(payload -> '$.tags' as varchar[]), []::varchar[]);

create or replace macro hub_record_parents(model_id, payload) as
    lineage_parents(model_id, hub_tags(payload), payload -> '$.cardData.base_model',
                    payload ->> '$.cardData.base_model_relation');
"""


def install_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) the shared macros in the warehouse."""
    con.execute(MACROS)


def is_model_id(value) -> bool:
    """The Python form of ``is_model_id``, for records before they are landed."""
    return isinstance(value, str) and MODEL_ID_PATTERN.fullmatch(value) is not None
