"""Writes of identification: methodologies and their versions, runs (computed as background
jobs), the way of a list to approval, and the reasons written for every flag."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.access import Action as _QualityAction
from opora.core.access import reach as _quality_reach
from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.core.jobs import JobError, JobReporter, JobSave, job_handler, job_start
from opora.core.models import Job
from opora.core.notifications import notify
from opora.core.queries import bulk_insert
from opora.identification.choices import QualityStatus, RunStatus
from opora.identification.distribution import grid_of_rows
from opora.identification.engine import (
    Outcome,
    identify,
    index_window,
)
from opora.identification.methodology import (
    ANY,
    BASE_METHODOLOGY,
    BASE_METHODOLOGY_CHANGE,
    BASE_METHODOLOGY_DESCRIPTION,
    BASE_METHODOLOGY_NAME,
    MethodologyError,
    Params,
    data_problems,
    parse_params,
)
from opora.identification.models import (
    ExternalList,
    ExternalListSchool,
    IdentificationRun,
    Methodology,
    MethodologyVersion,
    QualityCheck,
    SchoolIdentification,
)
from opora.identification.quality import QualityFigures, quality_figures
from opora.identification.reading import read_frames
from opora.identification.reasons import ReasonWriter, cut_warnings
from opora.identification.selectors import quality_check_for_job, run_for_job
from opora.registry.choices import OrderKind, OrderStatus, OrganizationKind
from opora.registry.models import Order, Organization, Territory
from opora.registry.recipients import territory_coordinators
from opora.registry.services import order_check_approves, order_for_approval
from opora.results.choices import Direction
from opora.results.models import ContextIndicator, SchoolResult

RUN_JOB_KIND = "identification.run"
# Stored indices are rounded so that re-running on the same data gives the same figures
# whatever order the database returns rows in.
DIGITS = 6


def base_methodology_install(**kwargs: Any) -> None:
    """The shipped «Базовая методика»: its first version on a new installation; where an
    older one is current, the shipped settings as the next version (runs keep theirs)."""
    methodology, _created = Methodology.objects.get_or_create(
        name=BASE_METHODOLOGY_NAME,
        owner=None,
        defaults={"description": BASE_METHODOLOGY_DESCRIPTION, "is_builtin": True},
    )
    current = methodology.versions.order_by("-number").first()
    if current is None:
        MethodologyVersion.objects.create(
            methodology=methodology,
            number=1,
            params=BASE_METHODOLOGY,
            comment=_("Первая версия, поставляется с Опорой"),
        )
    elif current.params != BASE_METHODOLOGY:
        MethodologyVersion.objects.create(
            methodology=methodology,
            number=current.number + 1,
            params=BASE_METHODOLOGY,
            comment=BASE_METHODOLOGY_CHANGE,
        )
        Methodology.objects.filter(pk=methodology.pk).update(
            description=BASE_METHODOLOGY_DESCRIPTION
        )


def indicator_codes() -> set[str]:
    return set(ContextIndicator.objects.values_list("code", flat=True))


def methodology_params(version: MethodologyVersion) -> Params:
    return parse_params(version.params, indicators=indicator_codes())


def _check(params: dict[str, Any]) -> None:
    try:
        parse_params(params, indicators=indicator_codes())
    except MethodologyError as exc:
        raise ValidationError(exc.problems) from exc


@transaction.atomic
def methodology_copy(
    *, source: Methodology, name: str, user: User, owner: Organization, description: str = ""
) -> Methodology:
    """A new methodology of `owner` starting from `source`'s current parameters.

    The caller checked that the user sees `source` and that `owner` is their organisation.
    """
    name = name.strip()
    # Only the owner's own names are checked: another organisation's are not revealed.
    if Methodology.objects.filter(owner=owner, name=name).exists():
        raise ValidationError(
            {
                "name": _("У организации «%(owner)s» уже есть методика «%(name)s».")
                % {"owner": owner.short_name, "name": name}
            }
        )
    copy = Methodology.objects.create(
        name=name,
        description=description or _("Копия методики «%(name)s».") % {"name": source.name},
        owner=owner,
        created_by=user,
    )
    MethodologyVersion.objects.create(
        methodology=copy,
        number=1,
        params=source.current.params,
        comment=_("Копия «%(name)s», версия %(n)s")
        % {"name": source.name, "n": source.current.number},
        created_by=user,
    )
    return copy


@transaction.atomic
def methodology_version_create(
    *, methodology: Methodology, params: dict[str, Any], user: User, comment: str = ""
) -> MethodologyVersion:
    """Save changed parameters as the next version; runs keep the version they used."""
    if methodology.is_builtin:
        raise ValidationError(_("Базовую методику не изменяют: сделайте копию и измените её."))
    _check(params)
    number = (
        methodology.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    return MethodologyVersion.objects.create(
        methodology=methodology, number=number, params=params, comment=comment, created_by=user
    )


def territory_results(territory: Territory, year: int) -> QuerySet[SchoolResult]:
    """The results of the territory's active schools up to `year`: what a run reads."""
    return SchoolResult.objects.filter(
        school__kind=OrganizationKind.SCHOOL,
        school__is_active=True,
        school__territory__path__startswith=territory.path,
        year__lte=year,
    )


def territory_result_years(territory: Territory, year: int) -> list[int]:
    """The data years of those results, in order."""
    return list(
        territory_results(territory, year)
        .order_by("year")
        .values_list("year", flat=True)
        .distinct()
    )


def run_data_problems(territory: Territory, year: int, params: Params) -> list[str]:
    """`methodology.data_problems` on the territory's data, read with a few aggregate
    queries (the request refuses at once; the job checks again before computing)."""
    results = territory_results(territory, year)
    data_years = territory_result_years(territory, year)
    without: list[tuple[str, int]] = []
    if params.shrinkage:
        window = index_window(data_years, year, params)
        used = {c.assessment for c in params.results_components if c.weight}
        rows = (
            results.filter(year__in=window)
            .values("assessment__code", "assessment__name", "year")
            .annotate(known=Count("participants"))
            .filter(known=0)
            .order_by("assessment__name", "-year")
        )
        without = [
            (row["assessment__name"], row["year"])
            for row in rows
            if ANY in used or row["assessment__code"] in used
        ]
    return data_problems(
        params,
        year,
        data_years=data_years,
        without_participants=without,
    )


@transaction.atomic
def run_start(
    *, territory: Territory, year: int, version: MethodologyVersion, user: User | None
) -> IdentificationRun:
    """Create a run and queue its computation as a background job."""
    try:
        params = methodology_params(version)
    except MethodologyError as exc:
        raise ValidationError(exc.problems) from exc
    problems = run_data_problems(territory, year, params)
    if problems:
        raise ValidationError(problems)
    run = IdentificationRun.objects.create(
        territory=territory, year=year, version=version, created_by=user
    )
    run.job = job_start(
        kind=RUN_JOB_KIND,
        title=_("Выявление: %(territory)s, %(year)s г., «%(m)s»")
        % {"territory": territory.name, "year": year, "m": version.methodology.name},
        params={"run_id": run.pk},
        user=user,
    )
    run.save(update_fields=["job"])
    return run


@transaction.atomic
def run_recompute(*, run: IdentificationRun, user: User | None) -> IdentificationRun:
    """Recompute a draft (after new data arrived); a list sent or approved stays frozen."""
    if run.is_frozen:
        raise ValidationError(
            _("Список отправлен на утверждение или утверждён: он не пересчитывается.")
        )
    run.status = RunStatus.QUEUED
    run.job = job_start(
        kind=RUN_JOB_KIND,
        title=_("Пересчёт: %(run)s") % {"run": run},
        params={"run_id": run.pk},
        user=user,
    )
    run.save(update_fields=["status", "job"])
    return run


def load_frames(run: IdentificationRun) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The schools of the run's territory, their results and their context up to the year
    (read column-wise: `reading.read_frames`)."""
    return read_frames(run.territory, run.year)


def directions() -> dict[str, int]:
    return {
        code: 1 if direction == Direction.HIGHER_IS_BETTER else -1
        for code, direction in ContextIndicator.objects.values_list("code", "direction")
    }


@dataclass
class Computed:
    """A run's outcome and the rows to store, computed without writing anything."""

    outcome: Outcome
    rows: list[SchoolIdentification]


def run_prepare(run: IdentificationRun, reporter: JobReporter | None = None) -> Computed:
    """Compute the run from the territory's data (reads only; `run_store` writes)."""

    def progress(percent: float, text: str) -> None:
        if reporter:
            reporter.progress(percent, text)

    params = methodology_params(run.version)
    problems = run_data_problems(run.territory, run.year, params)
    if problems:
        raise JobError(" ".join(problems))
    progress(5, _("Чтение результатов и контекста"))
    schools, results, context = load_frames(run)
    if reporter:
        reporter.log(
            _("Школ: %(s)s, строк результатов: %(r)s, значений контекста: %(c)s")
            % {"s": schools.height, "r": results.height, "c": context.height}
        )
    if schools.is_empty():
        raise JobError(_("На территории «%(t)s» нет школ.") % {"t": run.territory})
    if results.filter(pl.col("year") == run.year).is_empty():
        raise JobError(
            _("За %(year)s год нет результатов школ территории: загрузите их и пересчитайте.")
            % {"year": run.year}
        )
    progress(30, _("Расчёт индексов и признаков"))
    outcome = identify(
        schools=schools,
        results=results,
        context=context,
        directions=directions(),
        params=params,
        year=run.year,
    )
    progress(60, _("Формулировка причин"))
    rows = outcome_rows(run, outcome, params)
    progress(80, _("Сохранение"))
    return Computed(outcome, rows)


def outcome_rows(
    run: IdentificationRun, outcome: Outcome, params: Params
) -> list[SchoolIdentification]:
    """The rows a run stores for `outcome`: each school's figures, flags, reasons and years
    (unsaved; `run_store` writes them)."""
    writer = ReasonWriter(outcome, params)
    rows = []
    history = _history_by_school(outcome)
    for record in outcome.table.iter_rows(named=True):
        rows.append(
            SchoolIdentification(
                run=run,
                school_id=record["school_id"],
                results_index=_round(record["results_index"]),
                results_se=_round(record["results_se"]),
                results_percentile=_round(record["results_percentile"]),
                context_index=_round(record["context_index"]),
                context_percentile=_round(record["context_percentile"]),
                expected=_round(record["expected"]),
                residual=_round(record["residual"]),
                residual_z=_round(record["residual_z"]),
                components=record["components"] or 0,
                low_results=record["low_results"],
                unfavourable=record["unfavourable"],
                risk=record["risk"],
                resilient=record["resilient"],
                below_expected=record["below_expected"],
                objectivity=record["objectivity"],
                insufficient_data=record["insufficient_data"],
                in_list=record["in_list"],
                years_in_status=record["years_in_status"] or 0,
                change=record["change"] or "",
                problem_types=list(record["problem_types"] or []),
                reasons=writer.reasons(record),
                history=history.get(record["school_id"], []),
            )
        )
    return rows


@transaction.atomic
def run_store(run: IdentificationRun, computed: Computed) -> None:
    """Store every school's outcome of the run, replacing a draft's previous one."""
    rows = computed.rows
    run.schools.all().delete()
    bulk_insert(SchoolIdentification, rows)
    run.summary = summary(computed.outcome, rows)
    run.status = RunStatus.DRAFT
    run.computed_at = timezone.now()
    run.save(update_fields=["summary", "status", "computed_at"])
    timeline_event_record(
        target=run,
        verb=TimelineVerb.COMPUTED,
        actor=run.job.created_by if run.job else None,
        message=_("В списке %(n)s школ из %(t)s")
        % {"n": run.summary["in_list"], "t": run.summary["schools"]},
    )
    notify(
        recipients=[run.created_by],
        text=_("%(run)s рассчитан: в списке %(n)s школ из %(t)s")
        % {"run": run, "n": run.summary["in_list"], "t": run.summary["schools"]},
        url=run.get_absolute_url(),
    )


def run_compute(run: IdentificationRun, reporter: JobReporter | None = None) -> Outcome:
    """Compute the run and store every school's outcome (the command line, the demo)."""
    computed = run_prepare(run, reporter)
    run_store(run, computed)
    return computed.outcome


def run_compute_now(
    *, territory: Territory, year: int, version: MethodologyVersion, user: User
) -> tuple[IdentificationRun, Outcome]:
    """A run computed at once, without a job (`opora identify`): created, computed and stored;
    on failure nothing is left behind."""
    run = IdentificationRun.objects.create(
        territory=territory, year=year, version=version, created_by=user
    )
    try:
        outcome = run_compute(run)
    except Exception:
        run.delete()
        raise
    run.refresh_from_db()
    return run, outcome


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), DIGITS)


def _history_by_school(outcome: Outcome) -> dict[int, list[dict[str, Any]]]:
    history: dict[int, list[dict[str, Any]]] = {}
    for row in outcome.history.iter_rows(named=True):
        history.setdefault(row["school_id"], []).append(
            {
                "year": row["year"],
                "results_index": _round(row["results_index"]),
                "year_index": _round(row["year_index"]),
                "context_index": _round(row["context_index"]),
                "in_list": row["in_list"],
                "low_results": row["low_results"],
                "unfavourable": row["unfavourable"],
            }
        )
    return history


def summary(outcome: Outcome, rows: list[SchoolIdentification]) -> dict[str, Any]:
    def count(attr: str) -> int:
        return sum(1 for r in rows if getattr(r, attr))

    fit = outcome.regression
    return {
        "schools": len(rows),
        "with_data": sum(1 for r in rows if not r.insufficient_data),
        "in_list": count("in_list"),
        "low_results": count("low_results"),
        "unfavourable": count("unfavourable"),
        "both": sum(1 for r in rows if r.low_results and r.unfavourable),
        "risk": count("risk"),
        "resilient": count("resilient"),
        "below_expected": count("below_expected"),
        "objectivity": count("objectivity"),
        "insufficient_data": count("insufficient_data"),
        "entered": sum(1 for r in rows if r.change == "entered"),
        "left": sum(1 for r in rows if r.change == "left"),
        "results_cut": _round(outcome.results_cut),
        "context_cut": _round(outcome.context_cut),
        # Each cut's aimed and actual size, and why they differ (the run page, the CLI).
        "cuts": [{**asdict(c), "cut": _round(c.cut)} for c in outcome.cuts],
        "warnings": cut_warnings(outcome.cuts)
        + (
            [
                _(
                    "Сглаживание для малых школ включено, но случайный разброс результатов "
                    "оценить не из чего: нужны результаты хотя бы двух лет у одних и тех же "
                    "школ разного размера. Индексы не сглажены."
                )
            ]
            if outcome.shrinkage_unmeasured
            else []
        )
        + (
            [
                _(
                    "Индекс результатов посчитан за %(have)s вместо %(want)s по методике: "
                    "результатов прежних лет у территории нет."
                )
                % {
                    "have": ", ".join(f"{y} г." for y in sorted(outcome.index_years)),
                    "want": _("%(n)s последних лет") % {"n": outcome.index_years_wanted},
                }
            ]
            if len(outcome.index_years) < outcome.index_years_wanted
            else []
        ),
        "data_years": outcome.data_years,
        # The density grid the school card and a large territory's scatter page draw.
        "distribution": grid_of_rows(rows),
        "regression": {
            "intercept": _round(fit.intercept),
            "slope": _round(fit.slope),
            "residual_sd": _round(fit.residual_sd),
            "schools": fit.schools,
        },
    }


def _run_failed(job: Job) -> None:
    """A run whose computation failed (or whose worker died) says so instead of «queued»."""
    IdentificationRun.objects.filter(job=job, status=RunStatus.QUEUED).update(
        status=RunStatus.FAILED
    )


def _run_restart(job: Job) -> None:
    """Only the run's latest computation is started again, and only while it is a draft."""
    run = IdentificationRun.objects.filter(job=job).first()
    if run is None:
        raise ValidationError(
            _("Этот список уже пересчитан другой задачей; откройте его страницу.")
        )
    if run.is_frozen:
        raise ValidationError(
            _("Список отправлен на утверждение или утверждён: он не пересчитывается.")
        )
    run.status = RunStatus.QUEUED
    run.save(update_fields=["status"])


@job_handler(RUN_JOB_KIND, on_failure=_run_failed, on_restart=_run_restart)
def run_job(job: Job, reporter: JobReporter) -> JobSave:
    """Compute the run (reads), then store it with the job's success (one transaction)."""
    run = run_for_job(job)
    computed = run_prepare(run, reporter)

    def save() -> dict[str, Any]:
        run_store(run, computed)
        reporter.log(
            _(
                "В списке %(n)s школ: ШНОР %(low)s, ШНСУ %(unf)s; "
                "группа риска %(risk)s, устойчивых %(res)s."
            )
            % {
                "n": run.summary["in_list"],
                "low": run.summary["low_results"],
                "unf": run.summary["unfavourable"],
                "risk": run.summary["risk"],
                "res": run.summary["resilient"],
            }
        )
        return {
            "run": run.pk,
            "url": run.get_absolute_url(),
            **{k: run.summary[k] for k in ("in_list", "low_results", "unfavourable")},
        }

    return save


@transaction.atomic
def run_send(*, run: IdentificationRun, user: User) -> IdentificationRun:
    if run.status != RunStatus.DRAFT:
        raise ValidationError(_("Отправить на утверждение можно только рассчитанный проект."))
    run.status = RunStatus.SENT
    run.save(update_fields=["status"])
    timeline_event_record(target=run, verb=TimelineVerb.SUBMITTED, actor=user)
    return run


@transaction.atomic
def run_return(*, run: IdentificationRun, user: User, comment: str) -> IdentificationRun:
    if run.status != RunStatus.SENT:
        raise ValidationError(_("Вернуть можно только список, отправленный на утверждение."))
    if not comment.strip():
        raise ValidationError(_("Напишите, что нужно исправить."))
    run.status = RunStatus.DRAFT
    run.save(update_fields=["status"])
    timeline_event_record(target=run, verb=TimelineVerb.RETURNED, actor=user, message=comment)
    return run


@transaction.atomic
def run_approve(*, run: IdentificationRun, user: User, order: Order | None) -> IdentificationRun:
    """Approve the list by a registered order of the territory's authority; from now on it
    is frozen."""
    if run.status != RunStatus.SENT:
        raise ValidationError(_("Утвердить можно только список, отправленный на утверждение."))
    order = order_check_approves(order, issuer=None, kind=OrderKind.IDENTIFICATION)
    # The order must be one of an authority whose territory covers the list's.
    if not run.territory.path.startswith(order.issuer.territory.path):
        raise ValidationError({"order": _("Это приказ органа управления другой территории.")})
    run.status = RunStatus.APPROVED
    run.order = order
    run.save(update_fields=["status", "order"])
    timeline_event_record(
        target=run,
        verb=TimelineVerb.APPROVED,
        actor=user,
        message=_("Приказ %(ref)s") % {"ref": order.reference},
    )
    notify(
        recipients=territory_coordinators(run.territory),
        text=_("%(run)s утверждён приказом %(ref)s") % {"run": run, "ref": order.reference},
        url=run.get_absolute_url(),
    )
    return run


@transaction.atomic
def run_order_draft(*, run: IdentificationRun, issuer: Organization | None, user: User) -> Order:
    """A draft order approving the list («Утвердить список» → проект приказа), linked to the
    run while it is signed and registered; the same draft again if one is already linked."""
    if run.status != RunStatus.SENT:
        raise ValidationError(
            _("Проект приказа готовится для списка, отправленного на утверждение.")
        )
    linked = run.order
    if linked is not None and linked.status == OrderStatus.DRAFT:
        return linked
    if issuer is None:
        raise ValidationError(
            _("Нет органа управления образованием этой территории, который издаёт приказы.")
        )
    order = order_for_approval(
        issuer=issuer,
        kind=OrderKind.IDENTIFICATION,
        title=_(
            "Об утверждении перечня общеобразовательных организаций с низкими образовательными "
            "результатами и функционирующих в неблагоприятных социальных условиях (%(year)s г.)"
        )
        % {"year": run.year},
        user=user,
    )
    run.order = order
    run.save(update_fields=["order"])
    return order


# --- Official lists --------------------------------------------------------------------------


@transaction.atomic
def external_list_create(
    *,
    territory: Territory,
    year: int,
    title: str,
    issuer: str,
    order_number: str,
    order_date: datetime.date,
    school_rows: list[tuple[int, int]],
    user: Any,
    upload_id: int | None = None,
) -> ExternalList:
    """Save an official list with its schools (school id, file row) in one transaction; the
    import checked the rows, this refuses a second list by the same order. Computed lists
    (runs) are never touched."""
    if ExternalList.objects.filter(
        territory=territory, year=year, order_number=order_number
    ).exists():
        raise ValidationError(
            _("Список территории «%(t)s» за %(y)s год по приказу № %(n)s уже загружен.")
            % {"t": territory.name, "y": year, "n": order_number}
        )
    if not school_rows:
        raise ValidationError(_("В списке нет ни одной школы."))
    actor = user if user is not None and user.is_authenticated else None
    external = ExternalList(
        territory=territory,
        year=year,
        title=title,
        issuer=issuer,
        order_number=order_number,
        order_date=order_date,
        upload_id=upload_id,
        created_by=actor,
    )
    external.full_clean()
    external.save()
    ExternalListSchool.objects.bulk_create(
        [
            ExternalListSchool(external_list=external, school_id=school, row=row)
            for school, row in school_rows
        ],
        batch_size=1000,
    )
    timeline_event_record(
        target=external,
        verb=TimelineVerb.IMPORTED,
        actor=actor,
        message=_("%(title)s: школ — %(n)s") % {"title": title, "n": len(school_rows)},
        data={"schools": len(school_rows), "upload": upload_id},
    )
    return external


@transaction.atomic
def external_list_delete(*, external_list: ExternalList, user: Any) -> None:
    """Delete an official list (the caller fetched it with the right to change it); the audit
    log keeps the deletion. Computed lists are not touched."""
    external_list.delete()


# --- Quality of a methodology ----------------------------------------------------------------
# «Качество методики»: a methodology's validity figures on a territory's data, as a job.


QUALITY_JOB_KIND = "identification.quality"


def quality_url(check: QualityCheck) -> str:
    return reverse("identification:quality", args=[check.pk])


def quality_check_refusals(
    *, user: User, version: MethodologyVersion, territory: Territory, year: int
) -> None:
    """Refuse, in Russian, a check that cannot be computed or may not be asked for."""
    # The caller fetched the version through the user's methodologies; the territory must be
    # one the user may run identification on.
    if not _quality_reach(user, _QualityAction.CHANGE).covers_territory(territory):
        raise ValidationError(
            {"territory": _("Проверять качество методики на этой территории вы не можете.")}
        )
    try:
        params = methodology_params(version)
    except MethodologyError as exc:
        raise ValidationError([_("Методика не годится для расчёта:"), *exc.problems]) from exc
    years = territory_result_years(territory, year)
    if year not in years:
        raise ValidationError(
            {
                "year": _("За %(year)s год нет результатов школ территории «%(t)s».")
                % {"year": year, "t": territory.name}
            }
        )
    if len(years) < 2:
        raise ValidationError({"year": _("Для проверки нужны результаты хотя бы двух лет.")})
    # What a run of this methodology would refuse, the check refuses too.
    problems = run_data_problems(territory, year, params)
    if problems:
        raise ValidationError(problems)
    if QualityCheck.objects.filter(
        version=version, territory=territory, year=year, status=QualityStatus.QUEUED
    ).exists():
        raise ValidationError(
            _(
                "Такая проверка уже считается: дождитесь её окончания на странице проверки "
                "(методика «%(m)s», %(t)s, по %(year)s г.)."
            )
            % {"m": version.methodology.name, "t": territory.name, "year": year}
        )


@transaction.atomic
def quality_request(
    *, user: User, version: MethodologyVersion, territory: Territory, year: int
) -> QualityCheck:
    """Create a quality check of `version` on `territory` up to `year` and queue its job."""
    quality_check_refusals(user=user, version=version, territory=territory, year=year)
    check = QualityCheck.objects.create(
        version=version, territory=territory, year=year, created_by=user
    )
    check.job = job_start(
        kind=QUALITY_JOB_KIND,
        title=_("Качество методики «%(m)s»: %(t)s, по %(year)s г.")
        % {"m": version.methodology.name, "t": territory.name, "year": year},
        params={"check_id": check.pk},
        user=user,
    )
    check.save(update_fields=["job"])
    return check


def quality_prepare(check: QualityCheck, reporter: JobReporter | None = None) -> QualityFigures:
    """Compute the check's figures from the territory's data (reads only)."""

    def progress(percent: float, text: str) -> None:
        if reporter:
            reporter.progress(percent, text)

    try:
        params = methodology_params(check.version)
    except MethodologyError as exc:
        raise JobError(_("Методика не годится для расчёта: ") + "; ".join(exc.problems)) from exc
    progress(2, _("Чтение результатов и контекста"))
    # The same reading as a run's (an unsaved run carries the territory and the year).
    schools, results, context = load_frames(
        IdentificationRun(territory=check.territory, year=check.year, version=check.version)
    )
    if reporter:
        reporter.log(
            _("Школ: %(s)s, строк результатов: %(r)s, значений контекста: %(c)s")
            % {"s": schools.height, "r": results.height, "c": context.height}
        )
    if schools.is_empty():
        raise JobError(_("На территории «%(t)s» нет школ.") % {"t": check.territory})
    if results.filter(pl.col("year") == check.year).is_empty():
        raise JobError(_("За %(year)s год нет результатов школ территории.") % {"year": check.year})
    if results.get_column("year").n_unique() < 2:
        raise JobError(_("Для проверки нужны результаты хотя бы двух лет."))
    return quality_figures(
        schools=schools,
        results=results,
        context=context,
        directions=directions(),
        params=params,
        year=check.year,
        progress=lambda percent, text: progress(5 + percent * 0.9, text),
    )


@transaction.atomic
def quality_store(check: QualityCheck, figures: QualityFigures) -> None:
    """Store the figures: the check is done."""
    check.figures = figures.to_json()
    check.status = QualityStatus.DONE
    check.error = ""
    check.computed_at = timezone.now()
    check.save(update_fields=["figures", "status", "error", "computed_at"])


def quality_compute_now(
    *, user: User, version: MethodologyVersion, territory: Territory, year: int
) -> QualityCheck:
    """A check computed at once, without a job (`opora identify --quality`, the demo); on
    failure nothing is left behind."""
    quality_check_refusals(user=user, version=version, territory=territory, year=year)
    check = QualityCheck.objects.create(
        version=version, territory=territory, year=year, created_by=user
    )
    try:
        quality_store(check, quality_prepare(check))
    except Exception:
        check.delete()
        raise
    check.refresh_from_db()
    return check


def _quality_failed(job: Job) -> None:
    """A check whose job failed (or whose worker died) says so, with the reason."""
    # The job row was updated in the database, not in this instance.
    error = Job.objects.filter(pk=job.pk).values_list("error", flat=True).first()
    QualityCheck.objects.filter(job=job, status=QualityStatus.QUEUED).update(
        status=QualityStatus.FAILED, error=error or _("Расчёт прерван.")
    )


def _quality_restart(job: Job) -> None:
    check = QualityCheck.objects.filter(job=job).first()
    if check is None:
        raise ValidationError(_("Этой проверки больше нет."))
    check.status = QualityStatus.QUEUED
    check.error = ""
    check.save(update_fields=["status", "error"])


@job_handler(QUALITY_JOB_KIND, on_failure=_quality_failed, on_restart=_quality_restart)
def quality_job(job: Job, reporter: JobReporter) -> JobSave:
    """Compute the figures (reads), then store them with the job's success."""
    check = quality_check_for_job(job)
    figures = quality_prepare(check, reporter)

    def save() -> dict[str, Any]:
        quality_store(check, figures)
        reporter.log(
            _("Рассчитано: лет данных %(years)s, школ %(schools)s.")
            % {"years": len(figures.data_years), "schools": figures.schools}
        )
        return {"check": check.pk, "url": quality_url(check)}

    return save
