"""Dagster definitions for the Open Model Observatory (the one Definitions is in definitions.py)."""
