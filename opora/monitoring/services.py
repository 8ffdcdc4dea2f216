"""Writers of monitoring: the catalogue, a programme's indicators and targets, checkpoints,
the schools' forms from draft to approval, and the roll-up figures.

Services assume the caller checked access (views use the selectors' `may_*` helpers)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.core.files import evidence_check
from opora.core.notifications import notify
from opora.core.uploads import display_name
from opora.monitoring import catalogue
from opora.monitoring.choices import (
    CheckpointKind,
    IndicatorDirection,
    IndicatorLevel,
    IndicatorMethod,
    IndicatorUnit,
    SubmissionStatus,
    ValueOrigin,
)
from opora.monitoring.computations import COMPUTATIONS, compute, share
from opora.monitoring.models import (
    Checkpoint,
    Confirmation,
    Indicator,
    ProgrammeIndicator,
    Rollup,
    Submission,
    Target,
    Value,
    with_targets,
)
from opora.registry.models import Programme, ProgrammeSchool
from opora.registry.recipients import school_directors

User = Any


def catalogue_install(**kwargs: Any) -> None:
    """Bring the shipped indicators up to date (run on every migrate)."""
    by_code: dict[str, Indicator] = {}
    for spec in catalogue.specs():
        indicator, _created = Indicator.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "unit": spec.unit,
                "method": spec.method,
                "computation": spec.computation,
                "has_parts": spec.has_parts,
                "direction": spec.direction,
                "source": spec.source,
                "description": spec.description,
                "asks_evidence": spec.asks_evidence,
                "level": spec.level,
                "close_within": spec.close_within,
                "owner": None,
            },
        )
        by_code[spec.code] = indicator
    for spec in catalogue.specs():
        if spec.ratio:
            indicator = by_code[spec.code]
            indicator.numerator = by_code[spec.ratio[0]]
            indicator.denominator = by_code[spec.ratio[1]]
            indicator.save(update_fields=["numerator", "denominator"])


@transaction.atomic
def programme_template_install(
    *, programme: Programme, template: str, user: User | None
) -> list[ProgrammeIndicator]:
    """Add a template's indicators with their targets for the programme's last academic
    year; indicators the programme already measures are left as they are."""
    if template not in catalogue.TEMPLATES:
        raise ValidationError(_("Нет такого шаблона показателей."))
    catalogue_install()
    year = dates.academic_year_of(programme.ends_on)
    existing = set(
        ProgrammeIndicator.objects.filter(programme=programme).values_list(
            "indicator__code", flat=True
        )
    )
    position = ProgrammeIndicator.objects.filter(programme=programme).count()
    added = []
    for number, spec, target in catalogue.NOVOSIBIRSK:
        if spec.code in existing:
            continue
        position += 1
        item = ProgrammeIndicator.objects.create(
            programme=programme,
            indicator=Indicator.objects.get(code=spec.code),
            number=number,
            position=position,
        )
        Target.objects.create(programme_indicator=item, year=year, value=target)
        added.append(item)
    timeline_event_record(
        target=programme,
        verb=TimelineVerb.CREATED,
        actor=user,
        message=_("Показатели мониторинга из шаблона: %(n)s") % {"n": len(added)},
    )
    return added


@transaction.atomic
@transaction.atomic
def indicator_create(*, programme: Programme, values: dict[str, Any]) -> ProgrammeIndicator:
    """A new indicator of the programme owner's catalogue, measured in the programme at once
    (both or neither)."""
    indicator = Indicator(**values, owner=programme.owner)
    indicator.full_clean()
    indicator.save()
    return programme_indicator_add(programme=programme, indicator=indicator)


def programme_indicator_add(
    *, programme: Programme, indicator: Indicator, number: str = ""
) -> ProgrammeIndicator:
    """Measure one more indicator of the catalogue in the programme."""
    if ProgrammeIndicator.objects.filter(programme=programme, indicator=indicator).exists():
        raise ValidationError(_("Этот показатель в программе уже есть."))
    if indicator.method == IndicatorMethod.RATIO:
        for part in (indicator.numerator, indicator.denominator):
            if (
                part is not None
                and not ProgrammeIndicator.objects.filter(
                    programme=programme, indicator=part
                ).exists()
            ):
                programme_indicator_add(programme=programme, indicator=part)
    position = ProgrammeIndicator.objects.filter(programme=programme).count() + 1
    item = ProgrammeIndicator(
        programme=programme, indicator=indicator, number=number or str(position), position=position
    )
    item.full_clean()
    item.save()
    return item


def value_check(indicator: Indicator, value: Decimal | None, where: str) -> None:
    """Refuse a value outside the indicator's range, naming the indicator."""
    if value is None:
        return
    low, high = indicator.bounds
    if (low is not None and value < low) or (high is not None and value > high):
        if indicator.unit == IndicatorUnit.FLAG:
            raise ValidationError({where: _("Выберите «да» или «нет».")})
        raise ValidationError(
            {
                where: _("Значение %(v)s вне допустимых пределов: от %(lo)s до %(hi)s.")
                % {
                    "v": _number(value),
                    "lo": "−∞" if low is None else _number(low),
                    "hi": "∞" if high is None else _number(high),
                }
            }
        )


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


@transaction.atomic
def programme_indicator_save(
    *,
    item: ProgrammeIndicator,
    number: str,
    baseline: Decimal | None,
    baseline_year: int | None,
    targets: dict[int, Decimal | None],
    close_within: Decimal | None = None,
) -> ProgrammeIndicator:
    """Set the baseline, the yearly targets and the light's margin; a changed target
    re-reads the roll-ups."""
    value_check(item.indicator, baseline, "baseline")
    if close_within is not None and close_within < 0:
        raise ValidationError({"close_within": _("Допуск не может быть отрицательным.")})
    for year, value in targets.items():
        if item.indicator.unit == IndicatorUnit.FLAG:
            # A flag's target is a share of schools.
            if value is not None and not Decimal(0) <= value <= Decimal(100):
                raise ValidationError({f"target_{year}": _("Цель — доля школ, от 0 до 100%.")})
        else:
            value_check(item.indicator, value, f"target_{year}")
    item.number = number
    item.baseline = baseline
    item.baseline_year = baseline_year
    item.close_within = close_within
    item.save(update_fields=["number", "baseline", "baseline_year", "close_within"])
    for year, value in targets.items():
        if value is None:
            Target.objects.filter(programme_indicator=item, year=year).delete()
        else:
            Target.objects.update_or_create(
                programme_indicator=item, year=year, defaults={"value": value}
            )
    for checkpoint in Checkpoint.objects.filter(programme=item.programme):
        rollup_refresh(checkpoint=checkpoint)
    return item


@transaction.atomic
def programme_indicator_remove(*, item: ProgrammeIndicator) -> None:
    """Drop an indicator no school has reported on yet."""
    if Value.objects.filter(programme_indicator=item).exclude(value__isnull=True).exists():
        raise ValidationError(
            _("По показателю «%(name)s» уже есть значения школ: его нельзя удалить.")
            % {"name": item.indicator.name[:80]}
        )
    item.delete()


@transaction.atomic
def checkpoint_open(
    *,
    programme: Programme,
    name: str,
    kind: CheckpointKind | str,
    held_on: datetime.date,
    due_on: datetime.date,
    indicators: Iterable[ProgrammeIndicator] | None = None,
    user: User | None,
) -> Checkpoint:
    """Open a checkpoint: a draft form for each of the programme's schools, with the values
    Opora can compute already filled in."""
    if due_on < held_on:
        raise ValidationError({"due_on": _("Срок представления раньше даты сбора данных.")})
    chosen = list(indicators) if indicators is not None else None
    if chosen is None:
        chosen = list(ProgrammeIndicator.objects.filter(programme=programme))
    if not chosen:
        raise ValidationError(
            _(
                "У программы нет показателей: добавьте их (например, из шаблона) до открытия "
                "контрольной точки."
            )
        )
    checkpoint = Checkpoint(
        programme=programme,
        name=name,
        kind=kind,
        year=dates.academic_year_of(held_on),
        held_on=held_on,
        due_on=due_on,
        created_by=user,
    )
    checkpoint.full_clean()
    checkpoint.save()
    checkpoint.indicators.set(chosen)
    schools = list(
        ProgrammeSchool.objects.filter(programme=programme).values_list("school_id", flat=True)
    )
    if any(item.indicator.level == IndicatorLevel.MUNICIPALITY for item in chosen):
        # The authority reports its own indicators in a form of its own.
        schools.append(programme.owner_id)
    Submission.objects.bulk_create(
        [Submission(checkpoint=checkpoint, school_id=school) for school in schools]
    )
    values_compute(checkpoint=checkpoint)
    timeline_event_record(
        target=checkpoint,
        verb=TimelineVerb.CREATED,
        actor=user,
        message=_("Открыт сбор данных для школ: %(n)s") % {"n": len(schools)},
    )
    return checkpoint


@transaction.atomic
def checkpoint_schools_add(*, checkpoint: Checkpoint) -> int:
    """Forms for schools that joined the programme after the checkpoint was opened."""
    have = set(checkpoint.submissions.values_list("school_id", flat=True))
    new = [
        Submission(checkpoint=checkpoint, school_id=school)
        for school in ProgrammeSchool.objects.filter(programme=checkpoint.programme).values_list(
            "school_id", flat=True
        )
        if school not in have
    ]
    Submission.objects.bulk_create(new)
    if new:
        values_compute(checkpoint=checkpoint)
    return len(new)


@transaction.atomic
def values_compute(*, checkpoint: Checkpoint, schools: Iterable[int] | None = None) -> int:
    """Fill in the computed indicators of the forms still open (draft or returned)."""
    wanted = None if schools is None else set(schools)
    open_forms = {
        s.school_id: s
        for s in checkpoint.submissions.filter(
            status__in=(SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
        ).exclude(school_id=checkpoint.programme.owner_id)
        if wanted is None or s.school_id in wanted
    }
    if not open_forms:
        return 0
    written = 0
    computed = [
        pi
        for pi in checkpoint.indicators.select_related("indicator")
        if pi.indicator.method == IndicatorMethod.COMPUTED
        and pi.indicator.level == IndicatorLevel.SCHOOL
        and pi.indicator.computation in COMPUTATIONS
    ]
    for item in computed:
        figures = compute(
            item.indicator.computation, open_forms, checkpoint.held_on, checkpoint.programme_id
        )
        existing = {
            v.submission_id: v
            for v in Value.objects.filter(
                programme_indicator=item, submission__in=open_forms.values()
            )
        }
        create, update = [], []
        for school, submission in open_forms.items():
            figure = figures.get(school)
            current = existing.get(submission.pk)
            if figure is None:
                # No data: the school enters the value itself; a stale computed one goes.
                if current is not None and current.origin == ValueOrigin.COMPUTED:
                    current.value = current.numerator = current.denominator = None
                    current.note = _("нет данных для расчёта")
                    update.append(current)
                continue
            if current is None:
                current = Value(submission=submission, programme_indicator=item)
                create.append(current)
            else:
                update.append(current)
            current.value = figure.value
            current.numerator = figure.numerator
            current.denominator = figure.denominator
            current.origin = ValueOrigin.COMPUTED
            current.note = ""
        Value.objects.bulk_create(create)
        Value.objects.bulk_update(update, ["value", "numerator", "denominator", "origin", "note"])
        written += len(create) + len(update)
    return written


@dataclass
class Entry:
    """What a school typed for one indicator."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""


def locked_message(submission: Submission) -> str:
    if submission.status == SubmissionStatus.APPROVED:
        return _("Форма принята %(when)s: утверждённые значения изменить нельзя.") % {
            "when": timezone.localtime(submission.approved_at).strftime("%d.%m.%Y")
            if submission.approved_at
            else ""
        }
    return _("Форма представлена и ждёт проверки: изменить её можно, только если её вернут.")


@transaction.atomic
def submission_save(
    *,
    submission: Submission,
    entries: dict[int, Entry],
    files: dict[int, UploadedFile] | None = None,
    user: User | None,
    origin: ValueOrigin = ValueOrigin.ENTERED,
) -> Submission:
    """Save what the school entered as a draft; every value checked, nothing saved on error.

    Computed values are kept as computed; ratio indicators are derived from their parts."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.is_locked:
        raise ValidationError(locked_message(submission))
    items = {pi.pk: pi for pi in submission.items().select_related("indicator")}
    existing = {v.programme_indicator_id: v for v in submission.values.all()}
    errors: dict[str, list[str]] = {}
    to_write: list[Value] = []
    for pk, entry in entries.items():
        item = items.get(pk)
        if item is None:
            continue
        indicator = item.indicator
        current = existing.get(pk) or Value(submission=submission, programme_indicator=item)
        if current.origin == ValueOrigin.COMPUTED and current.value is not None:
            continue  # Computed from Opora's data: not typed over.
        if indicator.method == IndicatorMethod.RATIO:
            continue
        # The form's field the message belongs to: the numerator for a share of people.
        key = f"n{pk}" if indicator.has_parts else f"v{pk}"
        try:
            if indicator.has_parts:
                _parts_check(entry, key)
                value = (
                    share(entry.numerator, entry.denominator)
                    if entry.numerator is not None and entry.denominator
                    else None
                )
                # A share sent with its parts must be their share, not silently replaced.
                if value is not None and entry.value is not None:
                    mismatch = parts_mismatch(entry.value, entry.numerator, entry.denominator)
                    if mismatch:
                        raise ValidationError({key: mismatch})
            else:
                value = entry.value
            value_check(indicator, value, key)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
            continue
        current.value = value
        current.numerator = entry.numerator if indicator.has_parts else None
        current.denominator = entry.denominator if indicator.has_parts else None
        current.note = entry.note[:500]
        current.origin = origin
        to_write.append(current)
    uploads = files or {}
    if uploads:
        for pk, upload in uploads.items():
            try:
                evidence_check([upload])
            except ValidationError as error:
                errors.setdefault(f"f{pk}", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    Value.objects.bulk_create([v for v in to_write if v.pk is None])
    Value.objects.bulk_update(
        [v for v in to_write if v.pk is not None],
        ["value", "numerator", "denominator", "note", "origin"],
    )
    _ratios_update(submission, items)
    for pk, upload in uploads.items():
        if pk in items:
            Confirmation.objects.create(
                submission=submission,
                programme_indicator=items[pk],
                file=upload,
                original_name=display_name(upload.name),
                size=upload.size or 0,
                content_type=(upload.content_type or "application/octet-stream")[:100],
            )
    return submission


def _parts_check(entry: Entry, key: str) -> None:
    if entry.numerator is None and entry.denominator is None:
        return
    if entry.numerator is None or entry.denominator is None:
        raise ValidationError({key: _("Укажите и числитель, и знаменатель.")})
    if entry.numerator < 0 or entry.denominator < 0:
        raise ValidationError({key: _("Число не может быть отрицательным.")})
    if entry.denominator == 0:
        raise ValidationError({key: _("Знаменатель равен нулю: долю посчитать нельзя.")})
    if entry.numerator > entry.denominator:
        raise ValidationError(
            {
                key: _("Числитель (%(n)s) больше знаменателя (%(d)s).")
                % {"n": _number(entry.numerator), "d": _number(entry.denominator)}
            }
        )


def parts_mismatch(value: Decimal, numerator: Decimal | None, denominator: Decimal | None) -> str:
    """Why a share does not match its numerator and denominator ("" when it does).

    The share is compared as precisely as it was written: «45» agrees with 45,45 %, «45,5»
    with 45,45 % too, «40» does not."""
    if numerator is None or not denominator:
        return ""
    computed = share(numerator, denominator)
    exponent = value.as_tuple().exponent
    places = exponent if isinstance(exponent, int) else 0
    tolerance = max(Decimal(5).scaleb(places - 1), Decimal("0.005"))
    if abs(value - computed) <= tolerance:
        return ""
    return _(
        "Значение %(v)s не совпадает с долей по числителю и знаменателю: %(n)s из %(d)s — "
        "это %(s)s %%. Исправьте значение или числитель и знаменатель."
    ) % {
        "v": _number(value),
        "n": _number(numerator),
        "d": _number(denominator),
        "s": _number(computed),
    }


def _ratios_update(submission: Submission, items: dict[int, ProgrammeIndicator]) -> None:
    ratios = [pi for pi in items.values() if pi.indicator.method == IndicatorMethod.RATIO]
    if not ratios:
        return
    by_indicator = {
        v.programme_indicator.indicator_id: v
        for v in submission.values.select_related("programme_indicator")
    }
    for item in ratios:
        top = by_indicator.get(item.indicator.numerator_id or 0)
        bottom = by_indicator.get(item.indicator.denominator_id or 0)
        value = None
        if top and bottom and top.value is not None and bottom.value:
            value = share(top.value, bottom.value)
        Value.objects.update_or_create(
            submission=submission,
            programme_indicator=item,
            defaults={
                "value": value,
                "numerator": top.value if top else None,
                "denominator": bottom.value if bottom else None,
                "origin": ValueOrigin.COMPUTED,
            },
        )


def submission_missing(submission: Submission) -> list[str]:
    """What stops the form from being submitted: empty values and missing confirmations."""
    problems = []
    values = {v.programme_indicator_id: v for v in submission.values.all()}
    confirmed = set(submission.confirmations.values_list("programme_indicator_id", flat=True))
    for item in submission.items().select_related("indicator").order_by("position"):
        value = values.get(item.pk)
        label = f"{item.number}. {item.indicator.name[:90]}"
        if value is None or value.value is None:
            problems.append(_("не заполнен показатель %(label)s") % {"label": label})
        elif (
            item.indicator.asks_evidence
            and item.pk not in confirmed
            and (item.indicator.unit != IndicatorUnit.FLAG or value.value == 1)
        ):
            problems.append(
                _("нужен подтверждающий документ к показателю %(label)s") % {"label": label}
            )
    return problems


@transaction.atomic
def submission_submit(*, submission: Submission, user: User | None) -> Submission:
    """Send the form for checking; refused with the list of what is missing."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
        raise ValidationError(locked_message(submission))
    problems = submission_missing(submission)
    if problems:
        raise ValidationError(
            _("Форму нельзя представить: %(list)s.") % {"list": "; ".join(problems)}
        )
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_by = user
    submission.submitted_at = timezone.now()
    submission.save(update_fields=["status", "submitted_by", "submitted_at"])
    timeline_event_record(target=submission, verb=TimelineVerb.SUBMITTED, actor=user)
    return submission


@transaction.atomic
def submission_return(*, submission: Submission, user: User | None, comment: str) -> Submission:
    """Send a submitted form back to the school with what to correct."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(
            _("Вернуть можно только представленную форму; эта — «%(s)s».")
            % {"s": submission.get_status_display()}
        )
    if not comment.strip():
        raise ValidationError({"comment": _("Напишите, что нужно исправить.")})
    submission.status = SubmissionStatus.RETURNED
    submission.comment = comment.strip()
    submission.save(update_fields=["status", "comment"])
    values_compute(checkpoint=submission.checkpoint, schools=[submission.school_id])
    timeline_event_record(
        target=submission, verb=TimelineVerb.RETURNED, actor=user, message=comment.strip()
    )
    submission_notify(
        submission=submission,
        text=_("Форма «%(form)s» школы %(school)s возвращена на доработку: %(comment)s")
        % {
            "form": submission.checkpoint.name,
            "school": submission.school.short_name,
            "comment": comment.strip()[:200],
        },
    )
    return submission


def submission_notify(*, submission: Submission, text: str) -> None:
    """Tell the one who filled the form (the school's directors when nobody submitted it)."""
    filler = submission.submitted_by
    recipients = [filler] if filler is not None else school_directors(submission.school_id)
    notify(recipients=recipients, text=text, url=submission.get_absolute_url())


@transaction.atomic
def submission_approve(*, submission: Submission, user: User | None) -> Submission:
    """Accept a submitted form: its values are locked and count in the programme's figures."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(
            _("Принять можно только представленную форму; эта — «%(s)s».")
            % {"s": submission.get_status_display()}
        )
    _approve(submission, user)
    _rollups_after_approval(submission.checkpoint)
    return submission


@transaction.atomic
def submissions_approve(
    *, checkpoint: Checkpoint, submissions: Iterable[Submission], user: User | None
) -> int:
    """Accept every given form that is submitted, and refresh the figures once."""
    chosen = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("checkpoint", "school", "submitted_by")
        .filter(
            checkpoint=checkpoint,
            pk__in=[s.pk for s in submissions],
            status=SubmissionStatus.SUBMITTED,
        )
    )
    count = 0
    for submission in chosen:
        _approve(submission, user)
        count += 1
    if count:
        _rollups_after_approval(checkpoint)
    return count


def _approve(submission: Submission, user: User | None) -> None:
    submission.status = SubmissionStatus.APPROVED
    submission.approved_by = user
    submission.approved_at = timezone.now()
    submission.comment = ""
    submission.save(update_fields=["status", "approved_by", "approved_at", "comment"])
    timeline_event_record(target=submission, verb=TimelineVerb.APPROVED, actor=user)
    submission_notify(
        submission=submission,
        text=_("Форма «%(form)s» школы %(school)s принята")
        % {"form": submission.checkpoint.name, "school": submission.school.short_name},
    )


def _rollups_after_approval(checkpoint: Checkpoint) -> None:
    rollup_refresh(checkpoint=checkpoint)
    entry = entry_checkpoint(checkpoint.programme_id)
    if entry is not None and entry.pk == checkpoint.pk:
        # Later checkpoints count their positive changes from this one.
        for later in Checkpoint.objects.filter(
            programme_id=checkpoint.programme_id, held_on__gt=checkpoint.held_on
        ):
            rollup_refresh(checkpoint=later)


def reaches(value: Decimal, target: Decimal, direction: str) -> bool:
    return value >= target if direction == IndicatorDirection.UP else value <= target


@transaction.atomic
def rollup_refresh(*, checkpoint: Checkpoint) -> None:
    """Recompute the programme's figures at the checkpoint from the approved forms
    (three queries whatever the number of schools)."""
    items = with_targets(checkpoint.indicators.select_related("indicator"))
    approved = Value.objects.filter(
        submission__checkpoint=checkpoint,
        submission__status=SubmissionStatus.APPROVED,
        value__isnull=False,
    )
    sums = {
        row["programme_indicator"]: row
        for row in approved.values("programme_indicator")
        .annotate(
            n=Count("pk"),
            yes=Count("pk", filter=Q(value=1)),
            num=Sum("numerator"),
            den=Sum("denominator"),
            mean=Avg("value"),
        )
        .order_by()
    }
    reached_q = Q(pk__in=[])
    targets: dict[int, Decimal | None] = {}
    for item in items:
        target = item.target_for(checkpoint.year)
        targets[item.pk] = target
        if item.indicator.unit == IndicatorUnit.FLAG:
            reached_q |= Q(programme_indicator=item, value=1)
        elif target is not None:
            op = "gte" if item.indicator.direction == IndicatorDirection.UP else "lte"
            reached_q |= Q(programme_indicator=item, **{f"value__{op}": target})
    reached = dict(
        approved.filter(reached_q)
        .values("programme_indicator")
        .annotate(n=Count("pk"))
        .values_list("programme_indicator", "n")
        .order_by()
    )
    improved, compared = _changes_since_entry(checkpoint, approved, items)
    rows = []
    for item in items:
        row = sums.get(item.pk)
        rollup = Rollup(
            checkpoint=checkpoint,
            programme_indicator=item,
            improved=improved.get(item.pk, 0),
            compared=compared.get(item.pk, 0),
        )
        if row:
            rollup.schools = row["n"]
            rollup.yes = row["yes"]
            rollup.numerator = row["num"]
            rollup.denominator = row["den"]
            rollup.mean = Decimal(str(row["mean"])).quantize(Decimal("0.01"))
            if item.indicator.unit == IndicatorUnit.FLAG:
                rollup.value = share(rollup.yes, rollup.schools)
            elif item.indicator.has_parts and rollup.denominator:
                rollup.value = share(rollup.numerator or 0, rollup.denominator)
            else:
                rollup.value = rollup.mean
            rollup.reached = reached.get(item.pk, 0)
        rows.append(rollup)
    Rollup.objects.filter(checkpoint=checkpoint).delete()
    Rollup.objects.bulk_create(rows)


def entry_checkpoint(programme_id: int) -> Checkpoint | None:
    """The checkpoint positive changes are counted from: the first entry one, else the first."""
    checkpoints = Checkpoint.objects.filter(programme_id=programme_id).order_by("held_on", "pk")
    return checkpoints.filter(kind=CheckpointKind.ENTRY).first() or checkpoints.first()


def _changes_since_entry(
    checkpoint: Checkpoint, approved: Any, items: list[ProgrammeIndicator]
) -> tuple[dict[int, int], dict[int, int]]:
    entry = entry_checkpoint(checkpoint.programme_id)
    if entry is None or entry.pk == checkpoint.pk or entry.held_on > checkpoint.held_on:
        return {}, {}
    before = {
        (school, item): value
        for school, item, value in Value.objects.filter(
            submission__checkpoint=entry,
            submission__status=SubmissionStatus.APPROVED,
            value__isnull=False,
        ).values_list("submission__school_id", "programme_indicator_id", "value")
    }
    direction = {i.pk: i.indicator.direction for i in items}
    improved: dict[int, int] = {}
    compared: dict[int, int] = {}
    for school, item, value in approved.values_list(
        "submission__school_id", "programme_indicator_id", "value"
    ):
        start = before.get((school, item))
        if start is None or item not in direction:
            continue
        compared[item] = compared.get(item, 0) + 1
        if value != start and reaches(value, start, direction[item]):
            improved[item] = improved.get(item, 0) + 1
    return improved, compared


@transaction.atomic
def baselines_from_checkpoint(*, checkpoint: Checkpoint) -> int:
    """Take the entry checkpoint's programme figures as the baselines not yet set."""
    count = 0
    for rollup in checkpoint.rollups.select_related("programme_indicator"):
        item = rollup.programme_indicator
        if item.baseline is None and rollup.value is not None:
            item.baseline = rollup.value
            item.baseline_year = checkpoint.year
            item.save(update_fields=["baseline", "baseline_year"])
            count += 1
    return count
