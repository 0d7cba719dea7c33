"""The uploaded file between the import preview and its confirmation.

The file is kept on the server under a random name in ``IMPORT_UPLOAD_ROOT`` (a private
directory, default ``<temp dir>/sister-cities-imports``; on several machines, shared
storage). The confirm form carries only a token signed with ``SECRET_KEY`` that names the
upload, the user who uploaded it, the model, the format and the original file name: it
is never a path, another user's token is refused, and a token older than
``IMPORT_UPLOAD_LIFETIME`` seconds (default 3600) has expired. The upload is removed after
the confirmed import or a cancel, and any upload older than its lifetime is removed on
every import (and by ``manage.py clean_import_uploads``). The token also carries the
version of each record the preview showed as updated or unchanged, so that the confirmation
can refuse a file whose records someone changed since (``utilities.admin.imports``).
"""

import re
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.translation import gettext

from .errors import ImportRefused

SALT = "utilities.resources.uploads"
NAME = re.compile(r"^[0-9a-f]{32}$")
DEFAULT_LIFETIME = 60 * 60


def lifetime():
    return getattr(settings, "IMPORT_UPLOAD_LIFETIME", DEFAULT_LIFETIME)


def storage():
    root = getattr(settings, "IMPORT_UPLOAD_ROOT", None) or (
        Path(tempfile.gettempdir()) / "sister-cities-imports"
    )
    return FileSystemStorage(
        location=root, file_permissions_mode=0o600, directory_permissions_mode=0o700
    )


def model_label(model):
    return model._meta.label_lower


@dataclass(frozen=True)
class Upload:
    """An upload the current user may confirm or cancel."""

    name: str
    format_index: int
    resource_index: int
    file_name: str
    # {pk as text: version} of the records the preview showed.
    versions: dict = field(default_factory=dict)

    def read(self):
        with storage().open(self.name, "rb") as upload:
            return upload.read()

    def remove(self):
        storage().delete(self.name)


def keep(data, user, model, format_index, resource_index, file_name, versions=None):
    """Keep an upload for its confirmation; return the token the confirm form carries."""
    name = uuid.uuid4().hex
    saved = storage().save(name, ContentFile(data))
    assert saved == name, "a fresh random name is free"  # noqa: S101
    return signing.dumps(
        {
            "name": name,
            "user": user.pk,
            "model": model_label(model),
            "format": format_index,
            "resource": resource_index,
            "file": file_name,
            "versions": {str(pk): version for pk, version in (versions or {}).items()},
        },
        salt=SALT,
    )


def find(token, user, model):
    """The upload a confirm form's token names, if it is this user's, for this model, and
    still kept; otherwise ``ImportRefused`` says why (nothing is read or removed)."""
    if not token:
        raise ImportRefused(gettext("缺少导入确认信息。请重新上传文件。"))
    try:
        payload = signing.loads(token, salt=SALT, max_age=lifetime())
    except signing.SignatureExpired:
        raise ImportRefused(expired()) from None
    except signing.BadSignature:
        raise ImportRefused(gettext("导入确认信息无效。请重新上传文件。")) from None
    if payload.get("user") != user.pk or payload.get("model") != model_label(model):
        raise ImportRefused(gettext("这份上传不是您在此处上传的，不能确认。请上传您自己的文件。"))
    name = str(payload.get("name", ""))
    if not NAME.match(name) or not storage().exists(name):
        raise ImportRefused(expired())
    return Upload(
        name=name,
        format_index=int(payload["format"]),
        resource_index=int(payload["resource"]),
        file_name=str(payload.get("file", "")),
        versions=dict(payload.get("versions") or {}),
    )


def expired():
    return gettext(
        "上传的文件已过期或已处理（须在上传后 %(minutes)s 分钟内确认）。请重新上传。"
    ) % {"minutes": lifetime() // 60}


def remove_expired():
    """Remove the uploads older than their lifetime; return how many."""
    kept = storage()
    try:
        _folders, names = kept.listdir("")
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - timedelta(seconds=lifetime())
    removed = 0
    for name in names:
        if not NAME.match(name):
            continue
        try:
            if kept.get_modified_time(name) < cutoff:
                kept.delete(name)
                removed += 1
        except FileNotFoundError:
            continue  # removed meanwhile by its confirmation
    return removed
