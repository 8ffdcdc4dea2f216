"""The review criteria shipped with Opora (no owner): what a methodical council scores a
practice on. Installed after every migrate — the test databases and a flushed one included —
as the other apps' shipped records are (`post_migrate` in PracticesConfig.ready)."""

from __future__ import annotations

from typing import Any

CRITERIA = (
    (
        "Актуальность для школ с низкими результатами",
        "Практика решает проблему, типичную для ШНОР и ШНСУ: тип проблемы или фактор риска "
        "назван, связь с ним показана.",
    ),
    (
        "Результативность (подтверждённый эффект)",
        "Эффект описан измеримо и подтверждается результатами школы до и после начала практики.",
    ),
    (
        "Переносимость",
        "Условия и ресурсы описаны так, что другая школа может повторить практику.",
    ),
    (
        "Полнота и качество материалов",
        "Приложены материалы, достаточные для переноса: положения, планы, разработки, записи.",
    ),
    (
        "Соответствие ФГОС и нормативным требованиям",
        "Практика не противоречит ФГОС, ФОП и нормативным правовым актам в сфере образования.",
    ),
    (
        "Новизна",
        "Практика предлагает решение, которого нет в библиотеке мер и в банке практик.",
    ),
)


def shipped_criteria_install(**kwargs: Any) -> None:
    """Add the shipped criteria the database lacks (by name); an existing one is left as it
    is (reviews refer to it)."""
    from opora.practices.models import ReviewCriterion

    known = set(ReviewCriterion.objects.filter(owner__isnull=True).values_list("name", flat=True))
    ReviewCriterion.objects.bulk_create(
        [
            ReviewCriterion(
                owner=None, name=name, description=description, max_score=3, position=position
            )
            for position, (name, description) in enumerate(CRITERIA, start=1)
            if name not in known
        ]
    )
