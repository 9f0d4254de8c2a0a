"""The installable web app: a manifest with its name, icons and theme, and a service worker
served from the site's root (so its scope is the whole site) that keeps the app shell."""

import json
import struct

import pytest
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root_with_the_shell_to_keep(client):
    response = client.get(reverse("service_worker"))
    assert reverse("service_worker") == "/sw.js" and response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/" and response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    for url in (static("css/app.css"), static("js/offline.js"), static("vendor/htmx.min.js"), "/manifest.webmanifest"):
        assert f'"{url}"' in script, url
    assert "Không có kết nối mạng" in script and 'var LOGOUT = "/accounts/logout/"' in script
    assert client.post(reverse("service_worker")).status_code == 405


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_names_the_app_with_its_icons_and_theme(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(b"".join(response.streaming_content))
    assert manifest["name"] == "Sổ rèn luyện cán bộ Đoàn" and manifest["short_name"] == "Sổ rèn luyện"
    assert manifest["theme_color"] == "#1f4fa3" and manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {}
    for icon in manifest["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200 and got["Content-Type"] == "image/png"
        sizes[icon["sizes"]] = _png_size(b"".join(got.streaming_content))
    assert sizes == {"192x192": (192, 192), "512x512": (512, 512)}
    assert client.get("/favicon.ico").status_code == 200


def test_every_page_links_the_manifest_and_loads_the_offline_script(client):
    page = client.get(reverse("account_login")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page and static("js/offline.js") in page
    assert "Đã lưu trên máy lúc {time} — sẽ gửi khi có mạng." in page
