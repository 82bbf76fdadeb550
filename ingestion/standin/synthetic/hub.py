"""Hub models: a seeded generator of records shaped like `/api/models` (lineage and licences in tags)."""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import math
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

from ingestion.standin.synthetic.vocabulary import (
    FAMILIES,
    FAMILY_WEIGHTS,
    HUB_EPOCH,
    LICENSES,
    RELATIONS,
    TEXT_GENERATION_FAMILIES,
    WORDS,
)


@dataclasses.dataclass
class GeneratedModel:
    """What the generator decided about one model (kept small: millions are made)."""

    index: int
    model_id: str
    family: int
    created: datetime
    params_b: float | None
    parents: tuple[int, ...]
    relation: str | None
    model_type: str
    license: str | None = None


@dataclasses.dataclass
class DumpSummary:
    """Facts about a generated dump that tests can check the marts against."""

    n_models: int
    n_authors: int
    author_counts: dict[str, int]
    license_counts: dict[str, int]
    relation_counts: dict[str, int]
    n_leaderboard_rows: int
    n_leaderboard_models: int
    leaderboard_revision_date: str

    @property
    def top_author(self) -> tuple[str, int]:
        return max(self.author_counts.items(), key=lambda kv: (kv[1], kv[0]))


class _Weighted:
    """Fast weighted choice by bisecting cumulative weights."""

    def __init__(self, weights: list[float]):
        total = 0.0
        self.cum = []
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> int:
        return bisect.bisect_right(self.cum, rng.random() * self.total)


def _object_id(rng: random.Random, created: datetime) -> str:
    """A 24-hex id shaped like the Hub's Mongo `_id` (timestamp first)."""
    return f"{int(created.timestamp()):08x}{rng.getrandbits(64):016x}"


def _iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class HubGenerator:
    """Generates models one by one; parents always come before children."""

    def __init__(self, n_models: int, seed: int = 42, start: date = date(2023, 1, 1),
                 days: int = 730, max_depth: int = 20):
        if n_models < 1:
            raise ValueError(f"n_models must be at least 1, got {n_models}")
        self.n_models = n_models
        self.rng = random.Random(seed)
        self.start = datetime(start.year, start.month, start.day, tzinfo=timezone.utc)
        self.days = days
        self.max_depth = max_depth
        n_authors = max(5, n_models // 6)
        self.authors = [self._author_name(i) for i in range(n_authors)]
        # Zipf-like author activity: a few authors make most models.
        self.author_pick = _Weighted([1.0 / (i + 1) ** 1.05 for i in range(n_authors)])
        self.family_pick = _Weighted(FAMILY_WEIGHTS)
        self.license_pick = _Weighted([w for _, w in LICENSES])
        self.relation_pick = _Weighted([w for _, w in RELATIONS])
        self.models: list[GeneratedModel] = []
        self.depth: list[int] = []
        # popularity weights for preferential attachment (roots and popular models attract children)
        self.attach_cum: list[float] = []
        self.attach_total = 0.0
        self.author_counts: dict[str, int] = {}
        self.license_counts: dict[str, int] = {}
        self.relation_counts: dict[str, int] = {}

    def _author_name(self, i: int) -> str:
        word = WORDS[i % len(WORDS)]
        kind = ("labs", "ai", "org", "dev", "hf", "research")[i % 6]
        return f"{word}-{kind}-{i}" if i >= 12 else f"{word.capitalize()}{kind.upper()}"

    def _choose_parent(self, rng: random.Random) -> int:
        # Half the time attach to a popular model, half to a recent one (builds deep chains).
        if rng.random() < 0.5 or len(self.models) < 10:
            idx = bisect.bisect_right(self.attach_cum, rng.random() * self.attach_total)
            return min(idx, len(self.models) - 1)
        return len(self.models) - 1 - int(rng.random() * min(len(self.models), 200))

    def records(self) -> Iterator[dict]:
        rng = self.rng
        for i in range(self.n_models):
            created = self.start + timedelta(seconds=(i + rng.random()) * self.days * 86400 / self.n_models)
            is_root = i < 8 or rng.random() < 0.12
            parents: tuple[int, ...] = ()
            relation = None
            if not is_root:
                relation = RELATIONS[self.relation_pick.pick(rng)][0]
                first = self._choose_parent(rng)
                if self.depth[first] >= self.max_depth:
                    first = self.models[first].parents[0] if self.models[first].parents else first
                if relation == "merge":
                    others = {self._choose_parent(rng) for _ in range(rng.choice((1, 1, 2)))} - {first}
                    parents = (first, *sorted(others)) if others else (first,)
                else:
                    parents = (first,)
            family = self.models[parents[0]].family if parents else self.family_pick.pick(rng)
            author = self.authors[self.author_pick.pick(rng)]
            model = self._make_model(i, author, family, created, parents, relation, rng)
            self.models.append(model)
            self.depth.append(self.depth[parents[0]] + 1 if parents else 0)
            weight = 40.0 if is_root else (1.0 if relation != "quantized" else 0.1)
            self.attach_total += weight
            self.attach_cum.append(self.attach_total)
            self.author_counts[author] = self.author_counts.get(author, 0) + 1
            if relation:
                self.relation_counts[relation] = self.relation_counts.get(relation, 0) + 1
            yield self._record(model, author, rng)

    def _make_model(self, i, author, family, created, parents, relation, rng) -> GeneratedModel:
        fam_name = FAMILIES[family][0]
        if parents:
            params = self.models[parents[0]].params_b
        else:
            params = rng.choice(FAMILIES[family][2])
        word = WORDS[rng.randrange(len(WORDS))]
        suffix = {"quantized": "-GGUF", "adapter": "-lora", "merge": "-merge"}.get(relation or "", "")
        size = f"-{params:g}B" if params else ""
        model_id = f"{author}/{fam_name}{size}-{word}-{i}{suffix}"
        if not parents:
            model_type = "pretrained"
        elif relation == "merge":
            model_type = "merge"
        elif relation == "finetune":
            model_type = ("chat", "fine_tuned", "fine_tuned", "continuously_pretrained")[rng.randrange(4)]
        else:
            model_type = "fine_tuned"
        return GeneratedModel(i, model_id, family, created, params, parents, relation, model_type)

    def _record(self, m: GeneratedModel, author: str, rng: random.Random) -> dict:
        fam_name, arch, _ = FAMILIES[m.family]
        license_id = LICENSES[self.license_pick.pick(rng)][0]
        m.license = license_id
        self.license_counts[license_id or "unknown"] = self.license_counts.get(license_id or "unknown", 0) + 1
        pipeline = "text-generation" if fam_name in TEXT_GENERATION_FAMILIES else (
            "feature-extraction" if fam_name == "bert" else "text2text-generation")
        library = {"quantized": "gguf", "adapter": "peft"}.get(m.relation or "", "transformers")
        tags = [library, "safetensors" if library == "transformers" else library, fam_name, pipeline]
        parent_ids = [self.models[p].model_id for p in m.parents]
        for pid in parent_ids:
            tags.append(f"base_model:{pid}")
        for pid in parent_ids:
            tags.append(f"base_model:{m.relation}:{pid}")
        if license_id:
            tags.append(f"license:{license_id}")
        tags += ["autotrain_compatible", "endpoints_compatible", "region:us"]
        last_modified = m.created + timedelta(days=rng.random() * 30)
        downloads = int(math.exp(rng.gauss(3.0, 2.6))) if rng.random() > 0.03 else 0
        record: dict = {
            "_id": _object_id(rng, m.created),
            "id": m.model_id,
            "author": author,
            "sha": hashlib.sha1(m.model_id.encode()).hexdigest(),
            "lastModified": _iso(last_modified),
            "private": False,
            "gated": "auto" if license_id in ("llama2", "llama3", "llama3.1", "gemma") and not m.parents else False,
            "downloads": downloads,
            "downloadsAllTime": downloads * (1 + int(rng.random() * 20)),
            "likes": int(downloads ** 0.5 * rng.random() * 0.3),
            "pipeline_tag": pipeline,
            "library_name": library,
            "tags": tags,
        }
        # Fields that many real records lack: the pipeline must cope.
        if rng.random() < 0.92:
            record["createdAt"] = _iso(max(m.created, HUB_EPOCH))
        if rng.random() < 0.97:
            record["config"] = {"architectures": [arch], "model_type": fam_name}
        card: dict = {}
        if license_id:
            card["license"] = license_id
            if license_id == "other":
                card["license_name"] = f"{fam_name}-community-license"
                card["license_link"] = "LICENSE"
        if parent_ids:
            card["base_model"] = parent_ids[0] if len(parent_ids) == 1 else parent_ids
            card["base_model_relation"] = m.relation
        if card:
            record["cardData"] = card
        if m.params_b and library == "transformers" and rng.random() < 0.8:
            total = int(m.params_b * 1e9)
            record["safetensors"] = {"parameters": {"BF16": total}, "total": total}
        elif m.params_b and library == "gguf" and rng.random() < 0.8:
            record["gguf"] = {"total": int(m.params_b * 1e9), "architecture": fam_name}
        return record
