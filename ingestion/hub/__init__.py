"""The Hugging Face Hub as a source of model metadata.

    client.py      HubClient: huggingface_hub bound to one endpoint, retries with jitter, token redaction
    crawl.py       load_hub_models: the model listing (scope 'all'), full or incremental, resumable
    ancestors.py   load_leaderboard_models_and_ancestors: scope 'leaderboard', one model_info call each
    landing.py     HubModelLanding: pages to raw.hub_models_loading, then one atomic commit to raw.hub_models
"""
