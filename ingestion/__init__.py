"""Plain, typed Python that fetches and lands data. Never imports dagster."""
