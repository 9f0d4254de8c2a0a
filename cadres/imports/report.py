"""What an import found: one result per row, and the problems with row and column."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _, gettext_lazy


class RowStatus(models.TextChoices):
    NEW = "new", gettext_lazy("New")
    CHANGED = "changed", gettext_lazy("Changed")
    UNCHANGED = "unchanged", gettext_lazy("Unchanged")
    ERROR = "error", gettext_lazy("Error")


@dataclass(frozen=True)
class Column:
    """One column of a file format. `header` is what the Đoàn's spreadsheets say (Vietnamese)."""

    key: str
    header: str
    required: bool
    note: str | Promise
    example: str = ""


@dataclass
class Problem:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class RowResult:
    number: int
    label: str = ""
    status: str = RowStatus.UNCHANGED
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def fail(self, column: Column | str, message: str) -> None:
        header = column.header if isinstance(column, Column) else column
        self.problems.append(Problem(self.number, header, message))
        self.status = RowStatus.ERROR

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def is_new(self) -> bool:
        return self.status == RowStatus.NEW

    @property
    def is_error(self) -> bool:
        return self.status == RowStatus.ERROR

    @property
    def status_label(self) -> str | Promise:
        return RowStatus(self.status).label


@dataclass
class ImportReport:
    kind: str
    rows: list[RowResult] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    applied: bool = False

    @property
    def problems(self) -> list[Problem]:
        row_problems = [problem for row in self.rows for problem in row.problems]
        return self.file_problems + row_problems

    @property
    def has_errors(self) -> bool:
        return bool(self.file_problems) or any(not row.ok for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.status for row in self.rows)
        return {status: counted.get(status, 0) for status in RowStatus.values}

    def summary(self) -> str:
        counts = self.counts
        return _("%(new)s new, %(changed)s changed, %(unchanged)s unchanged, %(error)s with errors.") % counts
