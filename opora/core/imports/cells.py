"""Single cells of an imported table, read the way Russian files write them.

Every importer reads numbers and yes/no answers through these, so «41,5», «41.5», «41 %»
and «да» / «нет» mean the same everywhere, and a bad cell gets the same Russian message."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

BLANKS = ("", "-", "—", "–")
YES_WORDS = frozenset({"да", "yes", "1", "+", "true", "истина"})
NO_WORDS = frozenset({"нет", "no", "0", "-", "false", "ложь"})


class CellError(ValueError):
    """A cell that cannot be read; the message is the Russian text for the user."""


def _cleaned(text: str) -> str:
    return text.strip().replace("\xa0", "").replace(" ", "").rstrip("%").replace(",", ".")


def parse_number(text: str) -> float | None:
    """A number written the Russian or the English way («41,5», «41.5», «41 %»); blank → None."""
    cleaned = _cleaned(text)
    if cleaned in BLANKS:
        return None
    try:
        return float(cleaned)
    except ValueError:
        raise CellError(_("«%(value)s» — не число") % {"value": text.strip()}) from None


def parse_decimal(text: str) -> Decimal | None:
    """The same, kept exact (for values compared with targets); blank → None."""
    cleaned = _cleaned(text)
    if cleaned in BLANKS:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(_("«%(value)s» — не число") % {"value": text.strip()}) from None
    if not value.is_finite():
        raise CellError(_("«%(value)s» — не число") % {"value": text.strip()})
    return value


def parse_yes_no(
    text: str, *, yes: frozenset[str] = YES_WORDS, no: frozenset[str] = NO_WORDS
) -> bool | None:
    """«да» → True, «нет» → False, blank → None; anything else is refused."""
    key = text.strip().lower()
    if not key:
        return None
    if key in yes:
        return True
    if key in no:
        return False
    raise CellError(_("«%(value)s» — ожидается «да» или «нет»") % {"value": text.strip()})
