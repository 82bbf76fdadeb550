"""The local stand-in for the Hugging Face Hub and the synthetic data it serves (demo and tests only).

    dump.py        a Hub dump directory held in memory (models.jsonl, dataset files)
    api.py         the HTTP handler: the endpoints huggingface_hub calls, answered as the Hub does
    server.py      HubStandIn: the handler on 127.0.0.1 in a background thread (`observatory serve-hub`)
    synthetic/     seeded generator of Hub dumps and leaderboard exports (`observatory generate`)

Production code never imports this package: the demo and the tests point the real client at it.
"""

from ingestion.standin.server import HubStandIn

__all__ = ["HubStandIn"]
