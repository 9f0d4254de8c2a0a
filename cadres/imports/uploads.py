"""Uploaded files kept between the preview and the confirmation.

Stored under MEDIA_ROOT/imports/<user id>/<token>: the confirmation applies exactly the
bytes that were previewed, survives a restart and works across processes (the cache may
be per-process locmem, and is no place for 10 MB blobs). The user id in the path binds a
token to its owner; the metadata binds it to one kind and one unit. Files older than a day
are swept on the next upload by the same user.
"""

import json
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


class UploadMissing(Exception):
    pass


def _folder(user) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(user.pk)


def _sweep(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.glob("*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def save_upload(*, user, kind: str, unit_id: int, data: bytes, filename: str) -> str:
    folder = _folder(user)
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.data").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({"kind": kind, "unit": unit_id, "filename": filename}))
    return token


def upload_filename(*, user, token: str, kind: str, unit_id: int) -> str:
    """The original filename of this user's upload for this kind and unit, reading only its
    metadata; raises UploadMissing when there is none."""
    if not _TOKEN.match(token or ""):
        raise UploadMissing
    try:
        meta = json.loads((_folder(user) / f"{token}.json").read_text())
    except (OSError, ValueError):
        raise UploadMissing from None
    if meta.get("kind") != kind or meta.get("unit") != unit_id:
        raise UploadMissing
    return meta.get("filename", "")


def load_upload(*, user, token: str, kind: str, unit_id: int) -> tuple[bytes, str]:
    """(bytes, original filename) of this user's upload for this kind and unit."""
    filename = upload_filename(user=user, token=token, kind=kind, unit_id=unit_id)
    try:
        data = (_folder(user) / f"{token}.data").read_bytes()
    except OSError:
        raise UploadMissing from None
    return data, filename


def discard_upload(*, user, token: str) -> None:
    if _TOKEN.match(token or ""):
        for suffix in ("data", "json"):
            (_folder(user) / f"{token}.{suffix}").unlink(missing_ok=True)
