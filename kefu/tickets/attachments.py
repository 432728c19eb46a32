"""Attachments: size limit, allowed content types, stored through Django storage."""

from __future__ import annotations

import mimetypes
import os

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from kefu.accounts.actor import Actor
from kefu.core.errors import (
    DomainError,
    ErrorCode,
    PayloadTooLarge,
    PermissionDenied,
    ValidationFailed,
)
from kefu.tickets.choices import AuthorKind
from kefu.tickets.models import Attachment, Message

# Leading bytes of the types whose declared content type we can verify cheaply.
_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/pdf": (b"%PDF-",),
    "application/zip": (b"PK\x03\x04", b"PK\x05\x06"),
}


class UnsupportedMediaType(DomainError):
    status = 415
    code = ErrorCode.UNSUPPORTED_MEDIA_TYPE


def _safe_name(name: str) -> str:
    base = os.path.basename(name.replace("\\", "/")).strip().lstrip(".")
    return base[:200] or "attachment"


def content_type_of(upload: UploadedFile) -> str:
    """The declared type, checked against the file name and the file's first bytes."""
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    guessed = mimetypes.guess_type(upload.name or "")[0]
    content_type = declared if declared and declared != "application/octet-stream" else (guessed or "")
    if content_type not in settings.KEFU_ATTACHMENT_CONTENT_TYPES:
        raise UnsupportedMediaType(f"content type {content_type or 'unknown'} is not allowed",
                                   field="file")
    magic = _MAGIC.get(content_type)
    if magic:
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(magic):
            raise UnsupportedMediaType(f"file content is not {content_type}", field="file")
    return content_type


@transaction.atomic
def attachment_add(*, actor: Actor, message: Message, upload: UploadedFile) -> Attachment:
    if actor.is_customer and message.author_kind != AuthorKind.CUSTOMER:
        raise PermissionDenied("customers may attach files to their own messages only")
    if upload.size is None or upload.size == 0:
        raise ValidationFailed("file is empty", field="file")
    if upload.size > settings.KEFU_MAX_ATTACHMENT_BYTES:
        raise PayloadTooLarge(
            f"file is larger than {settings.KEFU_MAX_ATTACHMENT_BYTES} bytes", field="file"
        )
    content_type = content_type_of(upload)
    name = _safe_name(upload.name or "")
    attachment = Attachment(message=message, filename=name, content_type=content_type,
                            size=upload.size)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment
