"""The generator's vocabulary: families, licences, relations, words, benchmarks, type labels."""

from __future__ import annotations

from datetime import datetime, timezone

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
