"""What every app's views share: one page of a list or a table, a service's refusal shown on
its form (or as messages), an uploaded file served back safely, a generated file (export,
report) sent as a download, and the client's address as far as the trusted proxies say."""

from __future__ import annotations

import ipaddress
import unicodedata
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.paginator import Page, Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import Truncator
from django_tables2 import RequestConfig, Table


def paginate(request: HttpRequest, items: Any, per_page: int, *, page_field: str = "page") -> Page:
    """One page of `items` (a queryset or a list) by the request's `?page=`; a wrong or too
    large number gives the nearest page. Templates show it with includes/pager.html."""
    return Paginator(items, per_page).get_page(request.GET.get(page_field))


def table_configure(request: HttpRequest, table: Table, *, per_page: int) -> Table:
    """A django-tables2 table sorted and paged by the request (its pager is includes/pager.html
    through the Bootstrap template override)."""
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    return table


TABLES_SIGNATURE_MEMO_SIZE = 1024


def tables_signature_memo() -> None:
    """Let django-tables2 work out each render function's signature once, not once per cell.

    For every cell of every table it calls `utils.signature(fn)` (inspect.signature) to learn
    which arguments the column's render method or linkify function takes: a tenth of the CPU
    of a 50-row school list. A function's signature does not change, so it is remembered per
    function (a bound method by its function: the self it drops is the same for any
    instance). Installed once by the core's `ready()`."""
    from django_tables2 import utils

    if getattr(utils.signature, "opora_memo", False):
        return
    inspect_signature = utils.signature

    # Functions of table classes, a few dozen; bounded in case some are made per request.
    memo: dict[tuple[Any, bool], Any] = {}

    def signature(fn: Any) -> Any:
        func = getattr(fn, "__func__", None)
        key = (fn if func is None else func, func is not None)
        try:
            found = memo.get(key)
        except TypeError:  # an unhashable callable: ask inspect every time, as before
            return inspect_signature(fn)
        if found is None:
            found = inspect_signature(fn)
            if len(memo) < TABLES_SIGNATURE_MEMO_SIZE:
                memo[key] = found
        return found

    signature.opora_memo = True  # type: ignore[attr-defined]
    utils.signature = signature


def choice_labels(choices: Any) -> dict[str, str]:
    """{value: label} of a choices enum, translated now: what a page of rows reads a label from
    (`get_FOO_display()` per row hashes every lazy label of the field on each call)."""
    return {value: str(label) for value, label in choices.choices}


def truncated(text: str, length: int) -> str:
    """`text|truncatechars:length` for the rows of a page: Truncator walks every character
    (and translates its «…») even when nothing is cut; most texts are short and already NFC,
    and those come back as they are, which is what Truncator would return for them."""
    if len(text) <= length and unicodedata.is_normalized("NFC", text):
        return text
    return Truncator(text).chars(length)


def url_per_pk(name: str, *args: Any, after: tuple[Any, ...] = ()) -> Callable[[int], str]:
    """`reverse(name, args=[*args, pk, *after])` for the many pks of one page at the cost of
    one reverse (some 50 µs each: a roadmap's page had a hundred and more links). A marker
    stands for the pk; the last occurrence of it in the reversed path is where the pk goes (the
    arguments after it, e.g. a tab of the school card, are words, never the marker)."""
    marker = "987654321987654321"
    head, _sep, tail = reverse(name, args=[*args, marker, *after]).rpartition(marker)
    return lambda pk: f"{head}{pk}{tail}"


def errors_to_form(form: Any, error: ValidationError, field: str | None = None) -> None:
    """Put a service's ValidationError on the form: errors naming a field of the form at
    that field, the rest (or a plain message) at `field`, else above the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(field, error.messages)


def errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    """A service's refusal of an action that has no form to show it on (a button that posts
    and returns to the page): each message as an error message of the next page."""
    for message in error.messages:
        messages.error(request, message)


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


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent the request: what the login lockout, the API's
    anonymous throttle and the survey flood limit count by.

    With `OPORA_TRUSTED_PROXIES = 0` (Opora faces the network itself) it is the socket's
    peer, REMOTE_ADDR, and forwarding headers are ignored: anyone can write them. Behind N
    reverse proxies that each append the address they received the request from to
    `OPORA_CLIENT_IP_HEADER` (nginx: `X-Forwarded-For $proxy_add_x_forwarded_for`), the client
    is the N-th entry from the right; entries further left were written by the client and
    are ignored. A header with fewer entries (a request that bypassed the proxies) or an entry
    that is not an address falls back to REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.OPORA_TRUSTED_PROXIES
    if proxies > 0:
        key = "HTTP_" + settings.OPORA_CLIENT_IP_HEADER.upper().replace("-", "_")
        hops = [hop.strip() for hop in request.META.get(key, "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            forwarded = _address(hops[-proxies])
            if forwarded:
                return forwarded
    return _address(remote) or remote


def _address(value: str) -> str | None:
    """An IP address in canonical form, without a port («1.2.3.4:5678», «[::1]:80»); None if
    `value` is not one."""
    candidates = [value]
    if value.startswith("[") and "]" in value:
        candidates.append(value[1 : value.index("]")])
    elif value.count(":") == 1:
        candidates.append(value.split(":", 1)[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
