"""Validation findings that name file, location (line or XML path) and field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One problem in an input file, precise enough for a user to fix it."""

    file: str
    location: str  # "line 12", "row 3", or an XML path such as "/Document/BkToCstmrStmt/Stmt[1]"
    field: str  # column or element name; "" when the whole file is concerned
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, {self.location}" if self.location else self.file
        what = f" field {self.field!r}:" if self.field else ":"
        return f"{where},{what} {self.message}"


class IngestError(Exception):
    """A file that must be refused as a whole: nothing of it is loaded."""

    #: How many issues the message lists before summarising the rest.
    SHOWN = 20

    def __init__(self, issues: list[Issue]) -> None:
        if not issues:
            raise ValueError("IngestError needs at least one issue")
        self.issues = list(issues)
        super().__init__(self.summary())

    def summary(self) -> str:
        lines = [str(issue) for issue in self.issues[: self.SHOWN]]
        rest = len(self.issues) - self.SHOWN
        if rest > 0:
            lines.append(f"... and {rest} more issue(s)")
        return "\n".join(lines)


def fail(file: str, location: str, field: str, message: str) -> IngestError:
    """Shorthand for refusing a file for a single reason."""
    return IngestError([Issue(file, location, field, message)])


def raise_issues(issues: list[Issue]) -> None:
    """Refuse the file if anything was found; callers collect every issue first."""
    if issues:
        raise IngestError(issues)
