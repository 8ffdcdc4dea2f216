"""The review criteria shipped with Opora (no owner): what a methodical council scores a
practice on."""

from typing import Any

from django.db import migrations

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


def create(apps: Any, schema_editor: Any) -> None:
    criterion = apps.get_model("practices", "ReviewCriterion")
    for position, (name, description) in enumerate(CRITERIA, start=1):
        criterion.objects.get_or_create(
            owner=None,
            name=name,
            defaults={"description": description, "max_score": 3, "position": position},
        )


def remove(apps: Any, schema_editor: Any) -> None:
    apps.get_model("practices", "ReviewCriterion").objects.filter(
        owner=None, name__in=[name for name, _ in CRITERIA]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_practice_bank")]

    operations = [migrations.RunPython(create, remove)]
