"""`python -m orchestration.cli`: the same as the `observatory` command."""

from orchestration.cli import main

main()
