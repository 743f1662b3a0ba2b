"""CLI commands over the source documents (verify-sources, coverage): registered on the app."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the source-document commands to ``app``."""
