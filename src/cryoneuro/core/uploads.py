"""Uploaded files are received only up to ``settings.FILE_UPLOAD_MAX_BYTES`` (issue 13).

Django writes an upload to a temporary file before any view sees it, whatever its size
(``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not count files). :class:`BoundedFileUploadHandler`,
first in ``FILE_UPLOAD_HANDLERS``, stops a file at the limit: the bytes already received are
dropped (the temporary file closed and deleted), the rest of that file is read and thrown
away, and the request remembers the field so that the form or the API can say why the file
is missing (:func:`refused_upload`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

_REFUSED = "_cryoneuro_refused_uploads"


def max_upload_bytes() -> int:
    return int(settings.FILE_UPLOAD_MAX_BYTES)


class BoundedFileUploadHandler(FileUploadHandler):
    """Passes each chunk on to the next handlers until a file passes the limit, then skips
    that file (Django's ``SkipFile``)."""

    received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            if self.request is not None:
                refused: set[str] = getattr(self.request, _REFUSED, set())
                refused.add(self.field_name)
                setattr(self.request, _REFUSED, refused)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) makes the file


def refused_upload(request: Any, field: str) -> str | None:
    """The message for a file of ``field`` stopped at the limit, or None."""
    if field not in getattr(request, _REFUSED, ()):
        return None
    return _("The file is larger than %(size)s.") % {"size": filesizeformat(max_upload_bytes())}
