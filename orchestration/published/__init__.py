"""The published marts: after every successful build, an immutable versioned snapshot readers open while a run
writes (the work is in ingestion/warehouse/published.py).

    assets.py    published/marts: the marts copied into a new version, made current
"""
