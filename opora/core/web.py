"""What every app's views share: a service's refusal shown on its form, an uploaded file
served back safely, and a generated file (export, report) sent as a download."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def errors_to_form(form: Any, error: ValidationError, field: str | None = None) -> None:
    """Put a service's ValidationError on the form: errors naming a field of the form at
    that field, the rest (or a plain message) at `field`, else above the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(field, error.messages)


def attachment(file: File, filename: str) -> FileResponse:
    """An uploaded file, always as a download under its own name and never rendered by the
    browser (a stored HTML or SVG file cannot run in the page's origin)."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


def download(data: bytes | str, filename: str, content_type: str) -> HttpResponse:
    """A file Opora generated (an export, a report) as a download under its Russian name
    (`opora.core.exports.export_filename`); browsers get it as UTF-8 (RFC 6266)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
