"""What every permission matrix shares: the expected-status table and the URL gate."""

from django.urls import URLPattern, URLResolver


def expectations(personas: list[str]):
    """An `expect(default=404, anonymous=302, **overrides)` for this matrix's personas:
    out of reach is a 404, an anonymous visitor is sent to the login page."""

    def expect(default=404, anonymous=302, **overrides) -> dict[str, int]:
        table = {persona: default for persona in personas}
        table["anonymous"] = anonymous
        table.update(overrides)
        return table

    return expect


def url_names(patterns):
    """Every named URL in a urlpatterns list, included lists too."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name
