"""Helpers both importers share: reading a row's cells, turning a service's
ValidationError into row problems, and batched lookups."""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cadres.imports.report import Column, RowResult
from cadres.imports.values import CellError, is_blank

# Told (rows written, rows to write) as an import goes, for a progress bar.
Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    pass


# SQLite builds before 3.32 refuse more than 999 parameters in one statement.
BATCH = 900


def read_row(result: RowResult, cells: dict, columns: list[Column], readers: dict[str, Callable]) -> dict:
    """Each column's parsed value, None for a blank cell; problems go onto `result`."""
    values = {}
    for column in columns:
        raw = cells.get(column.key)
        values[column.key] = None
        if is_blank(raw):
            if column.required:
                result.fail(column, _("This cell must not be empty."))
            continue
        try:
            values[column.key] = readers[column.key](raw)
        except CellError as exc:
            result.fail(column, exc.message)
    return values


def fail_from(result: RowResult, exc: ValidationError, columns: dict[str, Column]) -> None:
    """Record a service's refusal on the row, under the column its field came from."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            column = columns.get(field)
            for message in messages:
                result.fail(column.header if column else "", message)
    else:
        for message in exc.messages:
            result.fail("", message)


def batched(values: Iterable) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), BATCH):
        yield values[start:start + BATCH]
