"""Seeded, deterministic generator of Hub-shaped data.

It writes, in exactly the layouts of ../shared/data:

* a Hub dump directory: ``models.jsonl`` (records as served by ``/api/models``,
  lineage and licences in tags as the Hub writes them) and the leaderboard
  ``contents`` dataset under ``datasets/open-llm-leaderboard/contents/data/``;
* an archive of leaderboard CSV exports: ``v1/open_llm_leaderboard_v1_<date>.csv``
  and ``v2/open_llm_leaderboard_v2_<date>.csv`` in the early (emoji types,
  ``not_merged``) and late (``model_name``, ``evaluations_*``) v2 schemas.

The shape is realistic on purpose (tests and benchmarks depend on it): authors
and downloads are heavy-tailed, lineage trees are several levels deep with all
four relations and multi-parent merges, licences and fields are sometimes
missing, dates spread over two years. Records are written as they are made, so
the size scales to millions of models.
"""

from __future__ import annotations

import bisect
import csv
import dataclasses
import hashlib
import html
import json
import math
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ingestion.config import LEADERBOARD_FILENAME, LEADERBOARD_REPO_ID

# (config model_type, architecture class, typical sizes in billions of parameters)
FAMILIES: list[tuple[str, str, tuple[float, ...]]] = [
    ("llama", "LlamaForCausalLM", (1.1, 3.2, 7.0, 8.0, 13.0, 70.0)),
    ("mistral", "MistralForCausalLM", (7.2, 12.2)),
    ("qwen2", "Qwen2ForCausalLM", (0.5, 1.5, 7.6, 14.8, 32.8, 72.7)),
    ("gemma", "GemmaForCausalLM", (2.5, 8.5)),
    ("gemma2", "Gemma2ForCausalLM", (2.6, 9.2, 27.2)),
    ("phi3", "Phi3ForCausalLM", (3.8, 14.0)),
    ("phi", "PhiForCausalLM", (1.4, 2.8)),
    ("mixtral", "MixtralForCausalLM", (46.7, 140.6)),
    ("gpt2", "GPT2LMHeadModel", (0.124, 0.355, 0.774, 1.5)),
    ("gpt_neox", "GPTNeoXForCausalLM", (0.41, 1.4, 6.9, 12.0)),
    ("falcon", "FalconForCausalLM", (7.2, 40.0)),
    ("opt", "OPTForCausalLM", (0.35, 1.3, 6.7)),
    ("bert", "BertModel", (0.11, 0.34)),
    ("t5", "T5ForConditionalGeneration", (0.22, 0.77, 3.0)),
]
FAMILY_WEIGHTS = [30, 14, 16, 5, 5, 5, 3, 3, 4, 3, 2, 2, 5, 3]
TEXT_GENERATION_FAMILIES = {f[0] for f in FAMILIES} - {"bert", "t5"}

# licence id -> weight; None means "no licence declared"
LICENSES: list[tuple[str | None, int]] = [
    ("apache-2.0", 30),
    ("mit", 10),
    (None, 20),
    ("llama2", 5),
    ("llama3", 5),
    ("llama3.1", 4),
    ("gemma", 3),
    ("cc-by-nc-4.0", 5),
    ("cc-by-4.0", 3),
    ("openrail", 2),
    ("other", 6),
    ("unknown", 2),
]

# relation -> weight, for derived models
RELATIONS: list[tuple[str, int]] = [("finetune", 45), ("quantized", 28), ("merge", 15), ("adapter", 12)]

WORDS = (
    "alpha beta gamma delta nova astra lumen vega orion atlas zephyr hermes sage "
    "coder instruct chat math tiny mega swift bright deep open star river storm"
).split()

V1_BENCHMARKS = ["arc", "hellaswag", "mmlu", "truthfulqa", "winogrande", "gsm8k"]
# (early csv name, late csv name, Hub parquet name)
V2_BENCHMARKS = [
    ("ifeval", "ifeval", "IFEval"),
    ("bbh", "bbh", "BBH"),
    ("math_lvl_5", "math", "MATH Lvl 5"),
    ("gpqa", "gpqa", "GPQA"),
    ("musr", "musr", "MUSR"),
    ("mmlupro", "mmlu_pro", "MMLU-PRO"),
]
V2_BENCHMARK_TITLES = {"ifeval": "IFEval", "bbh": "BBH", "math": "MATH Level 5", "gpqa": "GPQA",
                       "musr": "MUSR", "mmlu_pro": "MMLU-PRO"}

# model type -> (emoji, v1/v2-early label, v2-late label)
TYPE_LABELS = {
    "pretrained": ("🟢", "🟢 pretrained", "pretrained"),
    "continuously_pretrained": ("🟩", "🟩 continuously pretrained", "continuouslypretrained"),
    "fine_tuned": ("🔶", "🔶 fine-tuned on domain-specific datasets", "fine-tunedondomain-specificdatasets"),
    "chat": ("💬", "💬 chat models (RLHF, DPO, IFT, ...)", "chatmodels"),
    "merge": ("🤝", "🤝 base merges and moerges", "basemergesandmoerges"),
    "multimodal": ("🌸", "🌸 multimodal", "multimodal"),
}

HUB_EPOCH = datetime(2022, 3, 2, 23, 29, 4, tzinfo=timezone.utc)


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


def write_hub_dump(out_dir: str | Path, n_models: int = 3000, seed: int = 42,
                   leaderboard: bool = True, max_depth: int = 20) -> DumpSummary:
    """Write a Hub dump directory laid out like ../shared/data/hub_dump."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    gen = HubGenerator(n_models, seed=seed, max_depth=max_depth)
    tmp = out / "models.jsonl.partial"
    with tmp.open("w", encoding="utf-8") as fh:
        for record in gen.records():
            fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
    tmp.replace(out / "models.jsonl")
    n_rows = n_lb_models = 0
    revision_date = ""
    if leaderboard:
        evals = LeaderboardEvaluations(gen, seed=seed)
        rows = evals.rows_until(evals.final_date, since=evals.v2_start)  # the v2 table
        n_rows, n_lb_models = len(rows), len({r.model.model_id for r in rows})
        revision_date = evals.final_date.isoformat()
        path = out / "datasets" / LEADERBOARD_REPO_ID / LEADERBOARD_FILENAME
        path.parent.mkdir(parents=True, exist_ok=True)
        evals.write_hub_parquet(path, rows)
    return DumpSummary(
        n_models=n_models,
        n_authors=len(gen.author_counts),
        author_counts=dict(gen.author_counts),
        license_counts=dict(gen.license_counts),
        relation_counts=dict(gen.relation_counts),
        n_leaderboard_rows=n_rows,
        n_leaderboard_models=n_lb_models,
        leaderboard_revision_date=revision_date,
    )


def write_leaderboard_archive(out_dir: str | Path, n_models: int = 3000, seed: int = 42) -> dict[str, int]:
    """Write archived leaderboard CSV exports (v1 and both v2 schemas), one file per date.

    Uses the same seed as ``write_hub_dump`` so that the evaluated models exist
    in the dump made with that seed. Returns {file name: number of rows}.
    """
    gen = HubGenerator(n_models, seed=seed)
    for _ in gen.records():
        pass
    evals = LeaderboardEvaluations(gen, seed=seed)
    return evals.write_archive(Path(out_dir))


@dataclasses.dataclass
class EvalRow:
    model: GeneratedModel
    precision: str
    submitted: date
    scores: list[float]  # six benchmark scores, 0..100
    sha: str

    @property
    def average(self) -> float:
        return sum(self.scores) / len(self.scores)


class LeaderboardEvaluations:
    """Leaderboard submissions for a subset of generated text-generation models.

    Scores grow with size and time, and derivatives improve on their base, so
    the improvement analyses have something real to find.
    """

    V1_END = date(2024, 6, 20)

    def __init__(self, gen: HubGenerator, seed: int = 42):
        self.gen = gen
        rng = random.Random(seed + 1)
        self.rng = rng
        start = gen.start.date()
        end = start + timedelta(days=gen.days)
        self.final_date = end
        self.v2_start = max(start + timedelta(days=gen.days // 2), start)
        self.rows: list[EvalRow] = []
        base_quality: dict[int, float] = {}
        for m in gen.models:
            fam = FAMILIES[m.family][0]
            if fam not in TEXT_GENERATION_FAMILIES or m.relation == "quantized":
                continue
            size = m.params_b or 7.0
            quality = 20 + 9 * math.log1p(size) + 4 * (m.created - gen.start).days / max(gen.days, 1)
            if m.parents:
                parent_q = max(base_quality.get(p, quality) for p in m.parents)
                quality = parent_q + rng.gauss(1.5, 3.0)
            base_quality[m.index] = quality
            evaluated = not m.parents or rng.random() < 0.25
            if not evaluated:
                continue
            submitted = min(m.created.date() + timedelta(days=rng.randint(1, 40)), end)
            precisions = ["bfloat16"] + (["float16"] if rng.random() < 0.15 else [])
            for prec in precisions:
                scores = [max(0.0, min(100.0, quality + rng.gauss(0, 8))) for _ in range(6)]
                sha = hashlib.sha1(f"{m.model_id}{prec}".encode()).hexdigest()
                self.rows.append(EvalRow(m, prec, submitted, scores, sha))

    def rows_until(self, day: date, since: date | None = None) -> list[EvalRow]:
        return [r for r in self.rows if r.submitted <= day and (since is None or r.submitted >= since)]

    @staticmethod
    def _license(m: GeneratedModel) -> str:
        return m.license or ""

    def write_hub_parquet(self, path: Path, rows: list[EvalRow]) -> None:
        import pandas as pd

        records = []
        for r in rows:
            m = r.model
            fam, arch, _ = FAMILIES[m.family]
            emoji, label, _ = TYPE_LABELS[m.model_type]
            org_name = m.model_id.replace("/", "__")
            link = (f'<a target="_blank" href="https://huggingface.co/{m.model_id}" style="color: var(--link-text-color);">'
                    f'{html.escape(m.model_id)}</a>  <a target="_blank" href="https://huggingface.co/datasets/'
                    f'open-llm-leaderboard/{org_name}-details">📑</a>')
            rec = {
                "eval_name": f"{org_name.replace('__', '_')}_{r.precision}",
                "Precision": r.precision, "Type": label, "T": emoji, "Weight type": "Original",
                "Architecture": arch, "Model": link, "fullname": m.model_id, "Model sha": r.sha,
                "Average ⬆️": r.average, "Hub License": self._license(m), "Hub ❤️": int(r.average) % 17,
                "#Params (B)": m.params_b or 0.0, "Available on the hub": True, "MoE": fam == "mixtral",
                "Flagged": False, "Chat Template": m.model_type == "chat",
                "CO₂ cost (kg)": round((m.params_b or 1) * 0.08, 3),
            }
            for (_, _, name), score in zip(V2_BENCHMARKS, r.scores, strict=True):
                rec[f"{name} Raw"] = score / 100
                rec[name] = score
            parent = self.gen.models[m.parents[0]].model_id if m.parents else m.model_id
            rec.update({
                "Merged": m.relation == "merge", "Official Providers": False,
                "Upload To Hub Date": m.created.date().isoformat(),
                "Submission Date": r.submitted.isoformat(),
                "Generation": self.gen.depth[m.index], "Base Model": parent,
            })
            records.append(rec)
        df = pd.DataFrame.from_records(records)
        tmp = path.with_suffix(".partial")
        df.to_parquet(tmp, index=False)
        tmp.replace(path)

    def write_archive(self, out: Path) -> dict[str, int]:
        written: dict[str, int] = {}
        (out / "v1").mkdir(parents=True, exist_ok=True)
        (out / "v2").mkdir(parents=True, exist_ok=True)
        v1_end = min(self.V1_END, self.v2_start)
        v1_rows = self.rows_until(v1_end)
        name = f"v1/open_llm_leaderboard_v1_{v1_end.isoformat()}.csv"
        written[name] = self._write_v1(out / name, v1_rows)
        # v2 snapshots at month ends from v2_start to the final date: early schema first, late after
        d = self.v2_start
        snapshots = []
        while d < self.final_date:
            month_end = (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            snapshots.append(min(month_end, self.final_date))
            d = month_end + timedelta(days=1)
        if not snapshots or snapshots[-1] != self.final_date:
            snapshots.append(self.final_date)
        for k, snap in enumerate(snapshots):
            rows = self.rows_until(snap, since=self.v2_start)
            name = f"v2/open_llm_leaderboard_v2_{snap.isoformat()}.csv"
            late = k >= len(snapshots) // 2
            written[name] = (self._write_v2_late if late else self._write_v2_early)(out / name, rows)
        return written

    def _write_csv(self, path: Path, header: list[str], rows: list[list]) -> int:
        tmp = path.with_suffix(".partial")
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)
        tmp.replace(path)
        return len(rows)

    def _write_v1(self, path: Path, rows: list[EvalRow]) -> int:
        header = ["t", "model", "average", *V1_BENCHMARKS, "type", "architecture", "weight_type", "precision",
                  "merged", "hub_license", "params_b", "hub_hearts", "available_on_the_hub", "model_sha",
                  "flagged", "moe", "date", "fullname", "url"]
        out = []
        for r in rows:
            m = r.model
            emoji, label, _ = TYPE_LABELS[m.model_type]
            out.append([emoji, m.model_id, round(r.average, 2), *[round(s, 2) for s in r.scores], label,
                        FAMILIES[m.family][1], "Original", r.precision, m.relation == "merge", self._license(m),
                        m.params_b or 0, int(r.average) % 13, True, r.sha, False, FAMILIES[m.family][0] == "mixtral",
                        f"{r.submitted.isoformat()}T12:00:00Z", m.model_id, f"https://huggingface.co/{m.model_id}"])
        return self._write_csv(path, header, out)

    def _write_v2_early(self, path: Path, rows: list[EvalRow]) -> int:
        header = ["t", "model", "average"]
        for early, _, _ in V2_BENCHMARKS:
            header += [early, f"{early}_raw"]
        header += ["type", "architecture", "weight_type", "precision", "not_merged", "hub_license", "params_b",
                   "hub_hearts", "available_on_the_hub", "model_sha", "flagged", "moe", "submission_date",
                   "upload_to_hub_date", "chat_template", "maintainers_highlight", "fullname", "generation",
                   "base_model", "url"]
        out = []
        for r in rows:
            m = r.model
            emoji, label, _ = TYPE_LABELS[m.model_type]
            scores = []
            for s in r.scores:
                scores += [round(s, 2), round(s / 100, 2)]
            parent = self.gen.models[m.parents[0]].model_id if m.parents else m.model_id
            out.append([emoji, m.model_id, round(r.average, 2), *scores, label, FAMILIES[m.family][1], "Original",
                        r.precision, m.relation != "merge", self._license(m), m.params_b or 0,
                        int(r.average) % 13, True, r.sha, False, FAMILIES[m.family][0] == "mixtral",
                        r.submitted.isoformat(), m.created.date().isoformat(), m.model_type == "chat", False,
                        m.model_id, self.gen.depth[m.index], parent, f"https://huggingface.co/{m.model_id}"])
        return self._write_csv(path, header, out)

    def _write_v2_late(self, path: Path, rows: list[EvalRow]) -> int:
        header = ["id", "model_name", "model_sha", "model_precision", "model_type", "model_weight_type",
                  "model_architecture", "model_average_score", "model_has_chat_template"]
        for _, late, _ in V2_BENCHMARKS:
            header += [f"evaluations_{late}_name", f"evaluations_{late}_value", f"evaluations_{late}_normalized_score"]
        header += ["features_is_not_available_on_hub", "features_is_merged", "features_is_moe", "features_is_flagged",
                   "features_is_official_provider", "metadata_upload_date", "metadata_submission_date",
                   "metadata_generation", "metadata_base_model", "metadata_hub_license", "metadata_hub_hearts",
                   "metadata_params_billions", "metadata_co2_cost"]
        out = []
        for r in rows:
            m = r.model
            _, _, label = TYPE_LABELS[m.model_type]
            evals = []
            for (_, late, _), s in zip(V2_BENCHMARKS, r.scores, strict=True):
                evals += [V2_BENCHMARK_TITLES[late], s / 100, s]
            parent = self.gen.models[m.parents[0]].model_id if m.parents else m.model_id
            out.append([f"{m.model_id}_{r.precision}_{r.sha}_{m.model_type == 'chat'}", m.model_id, r.sha, r.precision,
                        label, "Original", FAMILIES[m.family][1], r.average, m.model_type == "chat", *evals,
                        False, m.relation == "merge", FAMILIES[m.family][0] == "mixtral", False, False,
                        m.created.date().isoformat(), r.submitted.isoformat(), self.gen.depth[m.index], parent,
                        self._license(m), int(r.average) % 13, m.params_b or 0, round((m.params_b or 1) * 0.08, 3)])
        return self._write_csv(path, header, out)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Generate a synthetic Hub dump and leaderboard archive.")
    parser.add_argument("out", type=Path, help="folder to write (hub_dump/ and leaderboard/ go inside)")
    parser.add_argument("--models", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    summary = write_hub_dump(args.out / "hub_dump", args.models, args.seed)
    files = write_leaderboard_archive(args.out / "leaderboard", args.models, args.seed)
    print(f"wrote {summary.n_models} models by {summary.n_authors} authors to {args.out / 'hub_dump'}")
    print(f"wrote {len(files)} leaderboard exports ({sum(files.values())} rows) to {args.out / 'leaderboard'}")


if __name__ == "__main__":
    main()
