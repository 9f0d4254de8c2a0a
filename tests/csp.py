"""The Content-Security-Policy every response must carry, checked on every response the
suite's test client receives (the `client` fixture, tests/conftest.py): so each page of
every permission matrix, for each persona, and every page any other test opens.

An HTML response is also read for what the policy would refuse in a browser: a style
attribute or <style>, an event-handler attribute, a javascript: URL, a script without this
response's nonce. tests/browser/test_csp_browser.py watches a real browser for violations.
"""

import gzip
import re
from html.parser import HTMLParser

from django.conf import settings
from django.test import Client

NONCE = re.compile(r"^'nonce-([A-Za-z0-9+/=]{22,})'$")
# What the policy must say (config/settings.py), written out here so a weakened setting fails.
EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],  # plus this response's nonce when the page used it
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Script types a browser does not run (allauth passes its page data as JSON).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def parse_policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class _Refused(HTMLParser):
    """Collects what the policy refuses in a page: (tag, what) pairs."""

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce, self.refused = nonce, []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "style":
            self.refused.append((tag, "a <style> element"))
        for name, value in attrs:
            if name == "style":
                self.refused.append((tag, f'style="{value}"'))
            elif name.startswith("on"):
                self.refused.append((tag, f"event handler {name}"))
            elif name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.refused.append((tag, f"{name}={value}"))
        if tag == "script" and attributes.get("type") not in DATA_SCRIPT_TYPES:
            if "src" not in attributes and (self.nonce is None or attributes.get("nonce") != self.nonce):
                self.refused.append((tag, "an inline script without this response's nonce"))
            elif "nonce" in attributes and attributes["nonce"] != self.nonce:
                self.refused.append((tag, f"a nonce not in the header: {attributes['nonce']}"))

    handle_startendtag = handle_starttag


def check_csp(response, seen_nonces: set[str] | None = None) -> str | None:
    """Assert the response carries the policy, and that its HTML keeps to it; returns the
    response's nonce (None when the page used none). A nonce met before fails."""
    where = f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']} ({response.status_code})"
    if settings.DEBUG and response.status_code in (404, 500):
        return None  # django-csp leaves Django's debug error pages (inline styles) alone
    assert "Content-Security-Policy" in response, f"{where}: no Content-Security-Policy header"
    policy = parse_policy(response["Content-Security-Policy"])
    script_src = policy.get("script-src", [])
    nonces = [NONCE.match(value).group(1) for value in script_src if NONCE.match(value)]
    assert len(nonces) <= 1, f"{where}: several nonces in {script_src}"
    nonce = nonces[0] if nonces else None
    policy["script-src"] = [value for value in script_src if not NONCE.match(value)]
    assert policy == EXPECTED, f"{where}: the policy is {response['Content-Security-Policy']!r}"
    if nonce is not None and seen_nonces is not None:
        assert nonce not in seen_nonces, f"{where}: nonce {nonce} was already sent"
        seen_nonces.add(nonce)
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        parser = _Refused(nonce)
        body = response.content
        if response.get("Content-Encoding") == "gzip":  # GZipMiddleware, when the request accepts it
            body = gzip.decompress(body)
        parser.feed(body.decode(response.charset or "utf-8"))
        assert not parser.refused, f"{where}: the policy refuses {parser.refused}"
    return nonce


class CSPCheckedClient(Client):
    """The test client, checking the policy of each response it receives."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nonces: set[str] = set()

    def request(self, **request):
        response = super().request(**request)
        check_csp(response, self.nonces)
        return response
