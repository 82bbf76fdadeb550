"""Advance a generated Hub dump by one day, so that demos and tests have several snapshots of the Hub.

What a day does to the dump, deterministically for a (seed, day):

* every model's downloads of the last 30 days move by a heavy-tailed factor (lognormal, most stay near
  where they were); a few models (``rising_share``) rise fast, 3 to 10 times;
* all-time downloads grow by the day's share of the 30-day count and never fall; likes only grow;
* a few models (``modified_share``) get a new commit: ``lastModified`` becomes the day, as on the Hub,
  where a download count that moves does not touch ``lastModified``;
* a few models are deleted (``deleted_share``) and new ones appear (``added_share``): fine-tunes and
  quantizations of existing models, created that day, with lineage tags and card fields as the Hub writes
  them.

The dump is rewritten in place through a temporary file, so a crash leaves the previous day whole.
The summary names what changed, so a test can compare the pipeline's trends with the changes made.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ingestion.standin.synthetic.hub import _iso, _object_id


@dataclass
class DayChanges:
    day: date
    n_models: int = 0                                        # models in the dump after the day
    downloads: dict[str, int] = field(default_factory=dict)  # model id -> 30-day downloads after the day
    rising: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


def _moment(day: date, rng: random.Random) -> datetime:
    """A time of ``day`` (UTC, whole seconds)."""
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(seconds=rng.randrange(86_400))


def _derivative(parent: dict, day: date, number: int, rng: random.Random) -> dict:
    relation = "quantized" if rng.random() < 0.4 else "finetune"
    author = parent.get("author") or parent["id"].split("/")[0]
    if rng.random() < 0.7:  # mostly someone else's derivative
        author = f"newcomer-{day:%Y%m%d}-{number % 97}"
    name = parent["id"].split("/")[-1]
    model_id = f"{author}/{name}-{'GGUF' if relation == 'quantized' else 'ft'}-{day:%Y%m%d}-{number}"
    library = "gguf" if relation == "quantized" else "transformers"
    created = _moment(day, rng)
    keep = [t for t in parent.get("tags", []) if not t.startswith(("base_model:", "license:"))
            and t not in ("transformers", "safetensors", "gguf", "peft")]
    license_tags = [t for t in parent.get("tags", []) if t.startswith("license:")]
    record = {
        "_id": _object_id(rng, created),
        "id": model_id,
        "author": author,
        "sha": f"{rng.getrandbits(160):040x}",
        "lastModified": _iso(created),
        "createdAt": _iso(created),
        "private": False,
        "gated": False,
        "downloads": int(math.exp(rng.gauss(1.0, 1.5))),
        "likes": 0,
        "pipeline_tag": parent.get("pipeline_tag"),
        "library_name": library,
        "tags": [library, "safetensors" if library == "transformers" else library, *keep,
                 f"base_model:{parent['id']}", f"base_model:{relation}:{parent['id']}", *license_tags],
        "cardData": {"base_model": parent["id"], "base_model_relation": relation,
                     **({"license": license_tags[0].split(":", 1)[1]} if license_tags else {})},
    }
    record["downloadsAllTime"] = record["downloads"]
    if "config" in parent:
        record["config"] = parent["config"]
    return record


def advance_hub_dump(dump: str | Path, day: date, seed: int = 42, *, rising_share: float = 0.002,
                     modified_share: float = 0.01, deleted_share: float = 0.002,
                     added_share: float = 0.005) -> DayChanges:
    """Rewrite ``dump``/models.jsonl as the Hub would look at the end of ``day`` (see the module's docstring)."""
    path = Path(dump) / "models.jsonl"
    today = datetime.now(timezone.utc).date()
    if day > today:
        raise ValueError(f"cannot advance to {day.isoformat()}: it is in the future (today is {today.isoformat()} "
                         "UTC), and the Hub's checks reject dates after tomorrow; pick a day up to today")
    if not path.is_file():
        raise FileNotFoundError(f"no Hub dump to advance: {path} does not exist")
    rng = random.Random(f"{seed}:{day.isoformat()}")
    changes = DayChanges(day)
    kept: list[dict] = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                raise ValueError(f"{path}, line {line_no}: not a JSON record ({error})") from None
            if rng.random() < deleted_share:
                changes.deleted.append(record["id"])
                continue
            factor = math.exp(rng.gauss(0.0, 0.15))
            if rng.random() < rising_share:
                factor *= 3 + 7 * rng.random()
                changes.rising.append(record["id"])
            before = int(record.get("downloads") or 0)
            after = max(0, round(max(before, 1) * factor)) if before or record["id"] in changes.rising else 0
            record["downloads"] = after
            record["downloadsAllTime"] = int(record.get("downloadsAllTime") or before) + after // 30
            record["likes"] = int(record.get("likes") or 0) + (rng.random() < min(1.0, after / 5000))
            if rng.random() < modified_share:
                record["lastModified"] = _iso(_moment(day, rng))
                changes.modified.append(record["id"])
            kept.append(record)
    n_new = max(1, round(len(kept) * added_share)) if kept else 0
    for number in range(n_new):
        parent = kept[rng.randrange(len(kept))]
        kept.append(_derivative(parent, day, number, rng))
        changes.added.append(kept[-1]["id"])
    changes.n_models = len(kept)
    changes.downloads = {r["id"]: r["downloads"] for r in kept}
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("w", encoding="utf-8") as fh:
        for record in kept:
            fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    tmp.replace(path)
    return changes
