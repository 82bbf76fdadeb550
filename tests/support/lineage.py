"""An independent Python reading of the lineage parent rule (ingestion/warehouse/rules.py), for tests:
the SQL rule is checked against it, on generated and on real records."""

from __future__ import annotations

import re

RELATIONS = ("finetune", "adapter", "quantized", "merge")
_ID = re.compile(r"[^/\s]+/[^/\s]+")


def parent_edges(record: dict) -> list[tuple[str, str]]:
    """(parent id, relation) of a Hub record, main parent first: tags decide; the card only without tags."""
    model_id = record.get("id")
    card = record.get("cardData") if isinstance(record.get("cardData"), dict) else {}
    card_relation = card.get("base_model_relation") if card.get("base_model_relation") in RELATIONS else None
    first_seen: dict[str, int] = {}
    explicit: dict[str, str] = {}
    for position, tag in enumerate(record.get("tags") or ()):
        if not isinstance(tag, str) or not tag.startswith("base_model:"):
            continue
        rest = tag[len("base_model:"):]
        head, _, tail = rest.partition(":")
        relation, parent = (head, tail) if head in RELATIONS and tail else (None, rest)
        if not parent or parent == model_id:
            continue
        first_seen.setdefault(parent, position)
        if relation:
            explicit[parent] = max(explicit.get(parent, relation), relation)
    if first_seen:
        ordered = sorted(first_seen, key=lambda p: (first_seen[p], p))
        return [(p, explicit.get(p) or card_relation or "unspecified") for p in ordered]
    base = card.get("base_model")
    bases = [base] if isinstance(base, str) else [b for b in base or () if isinstance(b, str)]
    parents = []
    for b in (b.strip() for b in bases):
        if _ID.fullmatch(b) and b != model_id and b not in parents:
            parents.append(b)
    return [(p, card_relation or "unspecified") for p in parents]


def declared_parents(record: dict) -> list[str]:
    """The parent ids of a Hub record, main parent first."""
    return [parent for parent, _ in parent_edges(record)]
