"""Uploaded photos and documents: checked by content (not by name or browser-declared
type), size-limited, stored under random paths. Files are served only through a
permission-checked view (see `selectors.get_*_for_user`), never by a guessable URL."""

import secrets
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class CheckedUpload:
    extension: str
    content_type: str
    size: int


def private_upload_path(area: str, filename: str) -> str:
    """evaluations/<area>/<yyyy>/<random>.<ext>: the name leaks nothing and cannot be guessed."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evaluations/{area}/{timezone.now():%Y}/{secrets.token_urlsafe(24)}.{extension}"


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        raise ValidationError(_("The file could not be read."))
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    if size == 0:
        raise ValidationError(_("The file is empty."))
    return size


def _image_format(upload) -> str | None:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
            found = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        found = None
    upload.seek(0)
    return found if found in IMAGE_FORMATS else None


def check_image(upload) -> CheckedUpload:
    """A JPEG, PNG or WebP photo of at most 5 MB, whatever its name says."""
    size = _size(upload)
    found = _image_format(upload)
    if found is None:
        raise ValidationError(_("The photo must be a JPEG, PNG or WebP image."))
    extension, content_type = IMAGE_FORMATS[found]
    return CheckedUpload(extension, content_type, size)


def check_document(upload) -> CheckedUpload:
    """A photo, a PDF or a Word (.docx) document of at most 5 MB, recognised by its content."""
    size = _size(upload)
    found = _image_format(upload)
    if found is not None:
        extension, content_type = IMAGE_FORMATS[found]
        return CheckedUpload(extension, content_type, size)
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return CheckedUpload("pdf", "application/pdf", size)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(upload) as archive:
                is_docx = "word/document.xml" in archive.namelist()
        except zipfile.BadZipFile:
            is_docx = False
        upload.seek(0)
        if is_docx:
            return CheckedUpload("docx", DOCX_TYPE, size)
    raise ValidationError(_("The file must be a photo (JPEG, PNG, WebP), a PDF or a Word (.docx) document."))


def content_type_for(extension: str) -> str:
    """The type of a file this module checked, from the extension it was stored under."""
    types = {**dict(IMAGE_FORMATS.values()), "pdf": "application/pdf", "docx": DOCX_TYPE}
    return types.get(extension.lower(), "application/octet-stream")


def stored_name(checked: CheckedUpload) -> str:
    """The name handed to the storage: only the checked extension survives."""
    return f"upload.{checked.extension}"
