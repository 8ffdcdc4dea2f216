"""Demo monitoring: the programme measures seed 004's 25 indicators with targets for each
year; three checkpoints of 2024/25 (entry, intermediate, final) filled by the programme's
schools through the same services as the pages — most forms accepted, some returned, some
still missing — so that lights, dynamics and positive changes have something to show."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone

from opora.core.demo import DemoContext, demo_step
from opora.monitoring import services
from opora.monitoring.choices import CheckpointKind, IndicatorLevel, IndicatorMethod, IndicatorUnit
from opora.monitoring.models import (
    Checkpoint,
    Indicator,
    ProgrammeIndicator,
    Submission,
    Target,
    Value,
)
from opora.registry.models import Organization, Programme

CHECKPOINTS = (
    ("Входной мониторинг, сентябрь 2024", CheckpointKind.ENTRY, (2024, 9, 16), (2024, 9, 30)),
    (
        "Промежуточный мониторинг, январь 2025",
        CheckpointKind.INTERMEDIATE,
        (2025, 1, 20),
        (2025, 1, 31),
    ),
    ("Итоговый мониторинг, июнь 2025", CheckpointKind.FINAL, (2025, 6, 10), (2025, 6, 25)),
)
RETURN_REASONS = (
    "Число обучающихся с ОВЗ не совпадает с формой ОО-1: проверьте знаменатель в показателе 6.",
    "К показателю 25 приложен не тот документ: нужна выписка из плана ФХД.",
    "Показатель 9: дистанционные технологии указаны для всех обучающихся — уточните.",
)


@demo_step(order=60, name="Мониторинг: показатели программы, цели и три контрольные точки")
def monitoring_demo(context: DemoContext) -> None:
    home: Organization = context.objects["home_school"]
    counts, indicators = monitoring_make(
        context.random,
        programme=context.objects["programme"],
        coordinator=User.objects.get(username="coordinator"),
        analyst=User.objects.get(username="analyst"),
        home=(home, User.objects.get(username="director")),
        checkpoints=CHECKPOINTS,
    )
    context.summary.append(
        f"мониторинг: показателей {indicators}, контрольных точек {len(CHECKPOINTS)}, "
        f"форм принято {counts['approved']}, ждут проверки {counts['submitted']}, "
        f"возвращено {counts['returned']}, не представлено {counts['draft']}"
    )


def monitoring_make(
    rng: random.Random,
    *,
    programme: Programme,
    coordinator: User,
    analyst: User,
    home: tuple[Organization, User] | None,
    checkpoints: tuple[tuple[str, str, tuple[int, int, int], tuple[int, int, int]], ...],
) -> tuple[dict[str, int], int]:
    """The seed's indicators with targets for `programme` and its `checkpoints` filled by its
    schools (the demo school `home` by its director); the forms' counts by state and the number
    of indicators."""
    services.programme_template_install(
        programme=programme, template="novosibirsk-2020", user=coordinator
    )
    # One indicator the authority reports itself, for the whole programme.
    events = services.programme_indicator_add(
        programme=programme,
        indicator=Indicator.objects.get(code="municipal-events"),
        number="26",
    )
    for year, value in ((2024, 5), (2025, 6), (2026, 6)):
        Target.objects.create(programme_indicator=events, year=year, value=Decimal(value))
    # Steps towards the seed's targets: 70% of the way in 2024/25, 85% in 2025/26.
    for target in Target.objects.filter(programme_indicator__programme=programme):
        for year, part in ((2024, Decimal("0.7")), (2025, Decimal("0.85"))):
            Target.objects.get_or_create(
                programme_indicator=target.programme_indicator,
                year=year,
                defaults={"value": (target.value * part).quantize(Decimal("1"))},
            )
    items = list(
        ProgrammeIndicator.objects.filter(
            programme=programme, indicator__level=IndicatorLevel.SCHOOL
        ).select_related("indicator")
    )
    schools = list(programme.schools.all().order_by("pk"))
    strength = {s.pk: rng.random() for s in schools}
    if home is not None:
        strength[home[0].pk] = 0.45
    missing_final = {s.pk for s in rng.sample(schools[1:], 2)}
    returned_final = {s.pk for s in rng.sample(schools[1:], 2)} - missing_final
    waiting_final = {s.pk for s in rng.sample(schools[1:], 1)} - missing_final - returned_final
    missing_entry = {s.pk for s in rng.sample(schools[1:], 2)}

    counts = {"approved": 0, "returned": 0, "submitted": 0, "draft": 0}
    for step, (name, kind, held, due) in enumerate(checkpoints):
        checkpoint = services.checkpoint_open(
            programme=programme,
            name=name,
            kind=kind,
            held_on=datetime.date(*held),
            due_on=datetime.date(*due),
            user=coordinator,
        )
        forms = {f.school_id: f for f in checkpoint.submissions.select_related("school")}
        accepted: list[Submission] = []
        for school in schools:
            form = forms[school.pk]
            last = step == len(checkpoints) - 1
            if (step == 0 and school.pk in missing_entry) or (last and school.pk in missing_final):
                # Started, not finished: a draft with a few values.
                _fill(form, items, strength[school.pk], step, rng, partial=True)
                counts["draft"] += 1
                continue
            author = home[1] if home is not None and school == home[0] else coordinator
            _fill(form, items, strength[school.pk], step, rng)
            services.submission_submit(submission=form, user=author)
            if last and school.pk in waiting_final:
                counts["submitted"] += 1
                continue
            if (last and school.pk in returned_final) or (step == 1 and rng.random() < 0.08):
                services.submission_return(
                    submission=form, user=analyst, comment=rng.choice(RETURN_REASONS)
                )
                if last:
                    counts["returned"] += 1
                    continue
                services.submission_submit(submission=form, user=author)
            accepted.append(form)
        own = checkpoint.submissions.get(school=programme.owner)
        services.submission_save(
            submission=own,
            entries={events.pk: services.Entry(value=Decimal(2 + 2 * step))},
            user=coordinator,
        )
        services.submission_submit(submission=own, user=coordinator)
        # The analyst checks the forms and accepts them together (one roll-up refresh).
        services.submissions_approve(
            checkpoint=checkpoint, submissions=[*accepted, own], user=analyst
        )
        counts["approved"] += len(accepted)
        _dates_of_the_time(checkpoint, rng)
    entry = Checkpoint.objects.get(programme=programme, kind=CheckpointKind.ENTRY)
    services.baselines_from_checkpoint(checkpoint=entry)
    return counts, len(items) + 1


def _fill(
    form: Submission,
    items: list[ProgrammeIndicator],
    strength: float,
    step: int,
    rng: random.Random,
    *,
    partial: bool = False,
) -> None:
    """Values that improve over the year, better in stronger schools; the computed ones are
    left to Opora unless it has no data."""
    computed = {
        v.programme_indicator_id for v in Value.objects.filter(submission=form, value__isnull=False)
    }
    entries: dict[int, services.Entry] = {}
    files: dict[int, UploadedFile] = {}
    chance = min(0.95, 0.3 + 0.15 * step + 0.45 * strength)
    for item in items[: 6 if partial else None]:
        indicator = item.indicator
        if item.pk in computed or indicator.method == IndicatorMethod.RATIO:
            continue
        if indicator.has_parts:
            total = rng.randint(4, 60)
            level = min(1.0, 0.45 + 0.1 * step + 0.35 * strength + rng.uniform(-0.25, 0.25))
            entries[item.pk] = services.Entry(
                numerator=Decimal(max(0, round(total * level))), denominator=Decimal(total)
            )
        elif indicator.unit == IndicatorUnit.FLAG:
            yes = rng.random() < chance
            entries[item.pk] = services.Entry(value=Decimal(1 if yes else 0))
            if yes and indicator.asks_evidence:
                files[item.pk] = SimpleUploadedFile(
                    f"подтверждение {item.number}.pdf",
                    b"%PDF-1.4\n% demo confirmation\n",
                    content_type="application/pdf",
                )
        elif indicator.unit == IndicatorUnit.PERCENT:
            level = min(100.0, 20 + 8 * step + 30 * strength + rng.uniform(-5, 5))
            entries[item.pk] = services.Entry(value=Decimal(str(round(level, 1))))
        else:
            entries[item.pk] = services.Entry(value=Decimal(rng.randint(1, 10)))
    services.submission_save(submission=form, entries=entries, files=files, user=None)


def _dates_of_the_time(checkpoint: Checkpoint, rng: random.Random) -> None:
    """The forms were filled when the checkpoint ran, not today: submitted in the days
    before the deadline, accepted in the week after it."""
    forms = list(checkpoint.submissions.exclude(submitted_at=None))
    for form in forms:
        submitted = datetime.datetime.combine(
            checkpoint.due_on - datetime.timedelta(days=rng.randint(0, 6)),
            datetime.time(rng.randint(9, 17), rng.randint(0, 59)),
            tzinfo=timezone.get_current_timezone(),
        )
        form.submitted_at = submitted
        if form.approved_at is not None:
            form.approved_at = submitted + datetime.timedelta(days=rng.randint(1, 7))
    Submission.objects.bulk_update(forms, ["submitted_at", "approved_at"])
