"""The folder of archived leaderboard CSV exports."""

from pathlib import Path

import dagster as dg

from ingestion import settings


class LeaderboardArchiveResource(dg.ConfigurableResource):
    """A folder of archived leaderboard CSV exports; OBSERVATORY_LEADERBOARD_ARCHIVE names it (optional)."""

    folder: str | None = None

    def resolved_folder(self) -> Path | None:
        if self.folder:
            return Path(self.folder).expanduser().resolve()
        return settings.leaderboard_archive_dir()
