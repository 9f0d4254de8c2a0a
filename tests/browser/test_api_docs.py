"""The API's Swagger UI in chromium under the site's Content-Security-Policy: served by the
app (drf-spectacular-sidecar, no CDN), it renders every operation of the schema and the
`page` fixture fails on any violation."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_docs_render_under_the_policy(page, live_server):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Sổ rèn luyện cán bộ Đoàn API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert page.locator(".opblock").count() >= 12
    page.locator(".opblock-summary").first.click()  # an operation opens
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert all(url.startswith((live_server.url, "data:")) for url in requests), requests  # nothing from a CDN
