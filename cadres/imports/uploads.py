"""Uploaded files kept between the preview and the confirmation.

Stored through Django's storage API (`default_storage`: the file system under MEDIA_ROOT, or
an object store, as STORAGES says) as imports/<user id>/<token>.data and .json (an API
client's under imports/apiclient-<id>/): the confirmation applies exactly the bytes that were
previewed, survives a restart and works across processes and machines (the cache may be
per-process locmem, and is no place for 10 MB blobs). The owner's id in the name binds a token
to its owner; the metadata binds it to one kind and one unit. Files older than a day are swept
on the next upload by the same owner.
"""

import json
import re
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from cadres.models import User

MAX_AGE = timedelta(days=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


class UploadMissing(Exception):
    pass


def _folder(owner) -> str:
    # A person's uploads under their id; another principal's (an API client) under its model's
    # name too, so ids of different tables never share a folder.
    if isinstance(owner, User):
        return f"imports/{owner.pk}"
    return f"imports/{owner._meta.model_name}-{owner.pk}"


def _name(user, token: str, suffix: str) -> str:
    return f"{_folder(user)}/{token}.{suffix}"


def _sweep(folder: str) -> None:
    cutoff = timezone.now() - MAX_AGE
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:  # no upload by this user yet
        return
    for name in files:
        path = f"{folder}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (OSError, NotImplementedError):
            continue  # gone meanwhile, or a store that cannot tell: the next sweep tries again


def save_upload(*, user, kind: str, unit_id: int, data: bytes, filename: str) -> str:
    _sweep(_folder(user))
    token = secrets.token_urlsafe(24)
    default_storage.save(_name(user, token, "data"), ContentFile(data))
    meta = json.dumps({"kind": kind, "unit": unit_id, "filename": filename}).encode()
    default_storage.save(_name(user, token, "json"), ContentFile(meta))
    return token


def _read(name: str) -> bytes:
    try:
        with default_storage.open(name, "rb") as handle:
            data: bytes = handle.read()
    except OSError:
        raise UploadMissing from None
    return data


def upload_filename(*, user, token: str, kind: str, unit_id: int) -> str:
    """The original filename of this user's upload for this kind and unit, reading only its
    metadata; raises UploadMissing when there is none."""
    if not _TOKEN.match(token or ""):
        raise UploadMissing
    try:
        meta = json.loads(_read(_name(user, token, "json")))
    except ValueError:
        raise UploadMissing from None
    if meta.get("kind") != kind or meta.get("unit") != unit_id:
        raise UploadMissing
    return meta.get("filename", "")


def load_upload(*, user, token: str, kind: str, unit_id: int) -> tuple[bytes, str]:
    """(bytes, original filename) of this user's upload for this kind and unit."""
    filename = upload_filename(user=user, token=token, kind=kind, unit_id=unit_id)
    return _read(_name(user, token, "data")), filename


def discard_upload(*, user, token: str) -> None:
    if _TOKEN.match(token or ""):
        for suffix in ("data", "json"):
            default_storage.delete(_name(user, token, suffix))
