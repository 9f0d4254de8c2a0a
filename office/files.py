"""Stored files handed back to the browser: read through Django's storage API (the local
file system or an S3 bucket, `config.settings.default_storage`), never by a path or a
storage URL, so the view that checked who may read the file is the only way to it."""

import mimetypes

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def private_file_response(field_file: FieldFile, filename: str, inline: bool = False) -> FileResponse:
    """A stored file streamed through the view that checked access; a missing one is a 404."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except OSError:  # FileNotFoundError, locally or from the bucket
        raise Http404 from None
    # From the stored name, whose extension was checked (never from a name the uploader chose).
    content_type = mimetypes.guess_type(field_file.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    # Per-user content: never kept by a shared cache.
    response["Cache-Control"] = "private, max-age=3600"
    return response
