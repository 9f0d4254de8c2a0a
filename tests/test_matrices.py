"""What holds across every permission matrix: a page whose view takes a form has a POST
row, whose cells send a valid payload and prove the change both ways (each matrix checks
its POST rows have a `tests.permissions.Proof`). `scripts/matrix_cells.py` counts the cells."""

import importlib
import inspect

from django.urls import URLPattern, URLResolver, get_resolver

MATRICES = ["tests.test_permissions", "tests.models_registry.test_permissions",
            "tests.evaluations.test_permissions_registrations", "tests.evaluations.test_permissions_assessments",
            "tests.evaluations.test_permissions_unit_forms", "tests.reports.test_permissions",
            "tests.api.test_permissions_pages"]

# Pages that take a form and have no POST cell, and why.
NO_POST_CELL = {
    "join": "the code only goes into the session; test_join posts it",
    "join_register": "needs the code in the session first; test_join registers through it",
    "import_upload": "the preview writes no row; the import_confirm cell proves the import",
}


def matrices():
    return [importlib.import_module(name) for name in MATRICES]


def _patterns(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern


def _takes_a_form(view) -> bool:
    try:
        source = inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return False
    return "POST" in source or "require_POST" in getattr(view, "__qualname__", "")


def test_every_page_that_takes_a_form_has_a_post_row():
    posted = {row[0] for module in matrices() for row in module.MATRIX if row[2] == "post"}
    listed = {row[0] for module in matrices() for row in module.MATRIX}
    takes_a_form = {pattern.name for pattern in _patterns(get_resolver().url_patterns)
                    if pattern.name in listed and _takes_a_form(pattern.callback)}
    missing = takes_a_form - posted - set(NO_POST_CELL)
    assert not missing, f"Pages that take a form without a POST row in their matrix: {sorted(missing)}"
    assert set(NO_POST_CELL) <= takes_a_form - posted  # an exception that got its row is dropped here

