"""The Open LLM Leaderboard as a source: its dataset on the Hub and archived CSV exports.

    readers.py     every schema variant normalised to one landing schema (all text, original record kept)
    load.py        the dataset at a fixed revision, the exports one snapshot date at a time
    landing.py     replace a source's rows exactly, in one transaction
"""
