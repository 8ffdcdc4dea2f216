"""`monitoring.values`: the schools' values for a checkpoint from a file, when an authority
collects them elsewhere (a regional system, a spreadsheet). One row per school × indicator;
the values go into the schools' forms as «загружено» and are checked like typed ones. All or
nothing: one bad row and no form changes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from opora.core.access import Action, can, has_any, restrict
from opora.core.imports.base import (
    ImportColumn,
    Importer,
    ImportOptions,
    MappedRow,
    ProgressCallback,
    UserLike,
    Validation,
    register_importer,
)
from opora.core.imports.cells import CellError, parse_decimal, parse_yes_no
from opora.monitoring.choices import IndicatorMethod, IndicatorUnit, SubmissionStatus, ValueOrigin
from opora.monitoring.models import Checkpoint, ProgrammeIndicator, Submission, Value
from opora.monitoring.services import (
    Entry,
    parts_mismatch,
    share,
    submission_save,
    value_check,
)


@dataclass
class FormValues:
    submission: Submission
    entries: dict[int, Entry]


@register_importer
class MonitoringValuesImporter(Importer):
    key = "monitoring.values"
    title = _("Значения показателей мониторинга")
    record_label = _("Значения показателей")
    columns = (
        ImportColumn(
            "checkpoint",
            _("Код контрольной точки"),
            required=True,
            aliases=("контрольная точка", "код контрольной точки", "checkpoint"),
            help_text=_("Число на странице контрольной точки («код для загрузки»)."),
        ),
        ImportColumn("school", _("Код ОО"), required=True, aliases=("код оо", "код школы", "код")),
        ImportColumn(
            "indicator",
            _("№ показателя"),
            required=True,
            aliases=("№ показателя", "номер показателя", "№", "показатель", "код показателя"),
        ),
        ImportColumn("value", _("Значение"), aliases=("значение", "value")),
        ImportColumn("numerator", _("Числитель"), aliases=("числитель",)),
        ImportColumn("denominator", _("Знаменатель"), aliases=("знаменатель",)),
        ImportColumn("note", _("Примечание"), aliases=("примечание", "комментарий")),
    )
    defaultable = ("checkpoint",)

    def may_import(self, user: UserLike) -> bool:
        return has_any(user, Action.ACCEPT_DATA)

    def validate(
        self,
        rows: list[MappedRow],
        *,
        user: UserLike,
        options: ImportOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> Validation:
        outcome = Validation()
        checkpoints = {
            str(c.pk): c
            for c in restrict(Checkpoint.objects.all(), user, Action.VIEW).filter(
                pk__in=[r.get("checkpoint") for r in rows if r.get("checkpoint").isdigit()]
            )
        }
        forms = {
            (f.checkpoint_id, f.school.code): f
            for f in Submission.objects.filter(checkpoint__in=checkpoints.values()).select_related(
                "school__territory"
            )
        }
        items: dict[int, dict[str, ProgrammeIndicator]] = defaultdict(dict)
        for checkpoint in checkpoints.values():
            for item in checkpoint.indicators.select_related("indicator"):
                items[checkpoint.pk][item.number] = item
                items[checkpoint.pk][item.indicator.code] = item
        computed = {
            (v.submission_id, v.programme_indicator_id)
            for v in Value.objects.filter(
                submission__in=forms.values(), origin=ValueOrigin.COMPUTED, value__isnull=False
            )
        }
        by_form: dict[int, FormValues] = {}
        seen: dict[tuple[int, int], int] = {}
        for index, row in enumerate(rows):
            if progress and index % 500 == 0:
                progress(index / max(len(rows), 1), _("Проверка строк"))
            found = checkpoints.get(row.get("checkpoint"))
            if found is None:
                outcome.errors.append(
                    row.error(
                        "checkpoint",
                        _("контрольная точка с кодом «%(code)s» не найдена или вам недоступна")
                        % {"code": row.get("checkpoint")},
                    )
                )
                continue
            checkpoint = found
            form = forms.get((checkpoint.pk, row.get("school")))
            if form is None:
                outcome.errors.append(
                    row.error(
                        "school",
                        _("школа с кодом «%(code)s» не участвует в контрольной точке «%(name)s»")
                        % {"code": row.get("school"), "name": checkpoint.name},
                    )
                )
                continue
            if not can(user, Action.ACCEPT_DATA, form.school):
                outcome.errors.append(
                    row.error(
                        "school",
                        _("вносить данные школы «%(name)s» вам не разрешено")
                        % {"name": form.school.short_name or form.school.name},
                    )
                )
                continue
            if form.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
                outcome.errors.append(
                    row.error(
                        "school",
                        _("форма школы «%(name)s» уже «%(status)s»: её значения не меняются")
                        % {
                            "name": form.school.short_name or form.school.name,
                            "status": form.get_status_display(),
                        },
                    )
                )
                continue
            picked = items[checkpoint.pk].get(row.get("indicator"))
            if picked is None:
                outcome.errors.append(
                    row.error(
                        "indicator",
                        _("показателя «%(n)s» нет в контрольной точке")
                        % {"n": row.get("indicator")},
                    )
                )
                continue
            item = picked
            if item.indicator.method == IndicatorMethod.RATIO or (form.pk, item.pk) in computed:
                outcome.errors.append(
                    row.error(
                        "indicator",
                        _("показатель %(n)s рассчитывается «Опорой», его не загружают")
                        % {"n": item.number},
                    )
                )
                continue
            if (form.pk, item.pk) in seen:
                outcome.errors.append(
                    row.error(
                        "indicator",
                        _("показатель %(n)s этой школы уже был в строке %(row)s")
                        % {"n": item.number, "row": seen[(form.pk, item.pk)]},
                    )
                )
                continue
            seen[(form.pk, item.pk)] = row.number
            entry = self._entry(row, item, outcome)
            if entry is not None:
                by_form.setdefault(form.pk, FormValues(form, {})).entries[item.pk] = entry
        outcome.records = list(by_form.values())
        outcome.updated = sum(len(f.entries) for f in outcome.records)
        return outcome

    def _entry(self, row: MappedRow, item: ProgrammeIndicator, outcome: Validation) -> Entry | None:
        indicator = item.indicator
        note = row.get("note")[:500]
        try:
            if indicator.has_parts:
                numerator = parse_decimal(row.get("numerator"))
                denominator = parse_decimal(row.get("denominator"))
                if numerator is None or denominator is None:
                    outcome.errors.append(
                        row.error("numerator", _("для доли нужны числитель и знаменатель"))
                    )
                    return None
                if denominator <= 0 or numerator < 0 or numerator > denominator:
                    outcome.errors.append(
                        row.error(
                            "numerator",
                            _("числитель %(n)s и знаменатель %(d)s не дают доли от 0 до 100%%")
                            % {"n": row.get("numerator"), "d": row.get("denominator")},
                        )
                    )
                    return None
                value_check(indicator, share(numerator, denominator), "value")
                # A share given besides its parts must be their share: refused, not replaced.
                given = parse_decimal(row.get("value"))
                mismatch = (
                    parts_mismatch(given, numerator, denominator) if given is not None else ""
                )
                if mismatch:
                    outcome.errors.append(row.error("value", mismatch))
                    return None
                return Entry(value=given, numerator=numerator, denominator=denominator, note=note)
            text = row.get("value")
            if indicator.unit == IndicatorUnit.FLAG:
                answer = parse_yes_no(text)
                if answer is None:
                    outcome.errors.append(row.error("value", _("нет значения")))
                    return None
                return Entry(value=Decimal(1 if answer else 0), note=note)
            value = parse_decimal(text)
            if value is None:
                outcome.errors.append(row.error("value", _("нет значения")))
                return None
            value_check(indicator, value, "value")
            return Entry(value=value, note=note)
        except CellError as error:
            outcome.errors.append(row.error("value", str(error)))
        except ValidationError as error:
            outcome.errors.append(row.error("value", " ".join(error.messages)))
        return None

    def save(
        self, validation: Validation, *, user: UserLike, progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        for index, record in enumerate(validation.records):
            if progress:
                progress(index / max(len(validation.records), 1), _("Запись значений"))
            submission_save(
                submission=record.submission,
                entries=record.entries,
                user=user if user.is_authenticated else None,
                origin=ValueOrigin.IMPORTED,
            )
        return {"forms": len(validation.records), "values": validation.updated}
