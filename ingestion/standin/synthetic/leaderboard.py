"""Leaderboard results for generated models: the v2 dataset parquet and the archived CSV exports."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import html
import math
import random
from datetime import date, timedelta
from pathlib import Path

from ingestion.standin.synthetic.hub import GeneratedModel, HubGenerator
from ingestion.standin.synthetic.vocabulary import (
    FAMILIES,
    TEXT_GENERATION_FAMILIES,
    TYPE_LABELS,
    V1_BENCHMARKS,
    V2_BENCHMARK_TITLES,
    V2_BENCHMARKS,
)


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
