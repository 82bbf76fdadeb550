"""Plain, typed Python that fetches from the sources and lands them in the warehouse; never imports dagster.

    settings.py     every setting, read from the environment in one place
    warehouse/      connect, the raw schema, transactions, the write lock, the rules shared with dbt
    hub/            the Hub client, the model crawl (all, or the leaderboard's models and ancestors), landing
    leaderboard/    readers of the dataset and the archived exports, landing, loads
    standin/        the local Hub stand-in and the synthetic data generator (demo and tests only)
"""
