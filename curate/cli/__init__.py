"""The `curate` command line."""


def first_paragraph(doc: str | None) -> str | None:
    """A module docstring's first paragraph as one line (a command's description in --help,
    never cut where the docstring wraps)."""
    if not doc:
        return None
    return " ".join(line.strip() for line in doc.strip().split("\n\n")[0].splitlines())
