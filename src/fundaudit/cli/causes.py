"""`fundaudit causes`: the cause catalogue with its documentation (why a relation fails)."""

# No ``from __future__ import annotations``: typer reads the commands' annotations.


def causes() -> None:
    """List the causes a failing relation is diagnosed with, their severity and documentation."""
    from fundaudit.causes import REGISTRY

    for cause in REGISTRY:
        print(f"{cause.id} ({cause.severity}): {cause.title}")
        body = cause.doc.split("\n", 1)[1].strip() if "\n" in cause.doc else ""
        for line in body.splitlines():
            print(f"    {line}" if line else "")
        print()
