"""Writes of the reports: asking for a report (a build job), the job that builds it, editing
a draft, publishing (Word, PDF and tracked recommendations in one transaction), building
again, and the authorities' Word templates."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.choices import Role
from opora.core.exports import export_filename
from opora.core.jobs import Job, JobError, JobReporter, job_handler, job_start
from opora.core.notifications import notify
from opora.core.uploads import display_name
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Territory
from opora.reports import render, selectors
from opora.reports.choices import ReportKind, ReportStatus
from opora.reports.content import Chart, DraftRecommendation, Paragraph, ReportContent, Table
from opora.reports.kinds import ReportParams, builder_for
from opora.reports.models import Report, ReportRecommendation, ReportTemplate
from opora.support.choices import Addressee
from opora.support.models import Recommendation

BUILD_JOB = "reports.build"
NOT_ALLOWED = _("Недостаточно прав для этого действия.")
# The roles told about a recommendation addressed to an organisation that is not a school.
ORGANIZATION_RECIPIENT_ROLES = (Role.PROGRAMME_COORDINATOR, Role.ANALYST, Role.REGIONAL_COORDINATOR)


def year_label(kind: str, year: int) -> str:
    """How a report names its year: a programme's year is an academic year («2024/25»), the
    lists and results are by the year of the results («2024 г.»)."""
    if kind == ReportKind.MUNICIPAL:
        return _("%(y)s учебный год") % {"y": dates.academic_year_label(year)}
    return _("%(y)s г.") % {"y": year}


# --- asking for a report ----------------------------------------------------------------


def _subject(user: User, params: ReportParams) -> tuple[Territory | None, str, dict[str, str]]:
    """The report's territory and what it is about, checking every parameter the kind needs
    is given and in the user's reach; the errors go to the form's fields."""
    errors: dict[str, str] = {}
    territory: Territory | None = None
    subject = ""
    required = _("Выберите значение: этот вид отчёта без него не строится.")
    out_of_reach = _("Выбранное значение недоступно: выберите из списка.")
    if params.kind == ReportKind.SCHOOL:
        if params.school_id is None:
            errors["school"] = required
        else:
            school = selectors.school_choices(user).filter(pk=params.school_id).first()
            if school is None:
                errors["school"] = out_of_reach
            else:
                territory, subject = school.territory, school.short_name or school.name
    elif params.kind == ReportKind.MUNICIPAL:
        if params.programme_id is None:
            errors["programme"] = required
        else:
            programme = selectors.programme_choices(user).filter(pk=params.programme_id).first()
            if programme is None:
                errors["programme"] = out_of_reach
            else:
                territory, subject = programme.owner.territory, programme.name
    else:
        if params.territory_id is None:
            errors["territory"] = required
        else:
            territory = selectors.territory_choices(user).filter(pk=params.territory_id).first()
            if territory is None:
                errors["territory"] = out_of_reach
            else:
                subject = territory.name
        if params.kind == ReportKind.ASSESSMENT:
            if params.assessment_id is None:
                errors["assessment"] = required
            else:
                assessment = selectors.assessment_choices().filter(pk=params.assessment_id).first()
                if assessment is None:
                    errors["assessment"] = out_of_reach
                else:
                    subject = f"{assessment.name}, {subject}"
    return territory, subject, errors


# The parameters each kind is built from (the territory of a school's or a programme's
# report is derived from it); anything else the form sent is dropped.
NEEDED: dict[str, tuple[str, ...]] = {
    ReportKind.SCHOOL: ("school_id",),
    ReportKind.MUNICIPAL: ("programme_id",),
    ReportKind.YEAR_RESULTS: ("territory_id",),
    ReportKind.ASSESSMENT: ("territory_id", "assessment_id"),
}


def _only_needed(params: ReportParams) -> ReportParams:
    needed = NEEDED[params.kind]
    return ReportParams(
        kind=params.kind,
        year=params.year,
        **{name: getattr(params, name) for name in needed},
    )


@transaction.atomic
def report_request(
    *, user: User, params: ReportParams, template: ReportTemplate | None = None
) -> Report:
    """Ask for a report: check the parameters (in reach, the year has data, the same report
    not already being built, the template of the same kind and owner), record it queued and
    start its build job (after commit)."""
    if params.kind not in ReportKind.values:
        raise ValidationError({"kind": _("Выберите вид отчёта.")})
    if not selectors.report_may_build(user):
        raise ValidationError(NOT_ALLOWED)
    params = _only_needed(params)
    territory, subject, errors = _subject(user, params)
    if errors:
        raise ValidationError(errors)
    assert territory is not None
    owner = selectors.report_owner_for(user, territory)
    if owner is None:
        raise ValidationError(NOT_ALLOWED)
    if params.kind == ReportKind.SCHOOL:
        # A school's report is filed under the territory of the school.
        params = ReportParams(**{**params.__dict__, "territory_id": territory.pk})
    if params.kind == ReportKind.MUNICIPAL:
        params = ReportParams(**{**params.__dict__, "territory_id": territory.pk})
    if template is not None:
        if template.kind != params.kind:
            raise ValidationError(
                {"template": _("Шаблон «%(t)s» сделан для другого вида отчёта.") % {"t": template}}
            )
        if template.owner_id != owner.pk or not template.is_active:
            raise ValidationError({"template": _("Этот шаблон недоступен для отчёта.")})
    if not selectors.report_year_has_data(params):
        raise ValidationError(
            {
                "year": _(
                    "За %(y)s нет данных для этого отчёта: выберите другой год или загрузите "
                    "данные."
                )
                % {"y": year_label(params.kind, params.year)}
            }
        )
    if selectors.report_in_progress(params, owner) is not None:
        raise ValidationError(_("Этот отчёт уже формируется — дождитесь окончания."))
    kind_label = ReportKind(params.kind).label
    title = f"{kind_label}: {subject}, {year_label(params.kind, params.year)}"[:255]
    report = Report(
        kind=params.kind,
        title=title,
        owner=owner,
        territory_id=params.territory_id,
        school_id=params.school_id,
        programme_id=params.programme_id,
        assessment_id=params.assessment_id,
        year=params.year,
        template=template,
        status=ReportStatus.QUEUED,
        created_by=user,
    )
    report.full_clean()
    report.save()
    report.job = job_start(
        kind=BUILD_JOB,
        title=_("Отчёт: %(t)s") % {"t": title[:200]},
        params={"report_id": report.pk},
        user=user,
        organization_id=owner.pk,
    )
    report.save(update_fields=["job"])
    return report


@transaction.atomic
def report_rebuild(*, user: User, report: Report) -> Report:
    """«Сформировать заново»: a new report from the same parameters and template (the caller
    fetched `report` with CHANGE)."""
    template = report.template if report.template and report.template.is_active else None
    return report_request(user=user, params=selectors.report_params(report), template=template)


# --- the build job ----------------------------------------------------------------------


def data_version(content: ReportContent) -> str:
    """The sha256 of the canonical JSON (sorted keys, no spaces) of what the data gave: the
    figures, every table's rows and every chart's series — not the generated prose nor the
    draft recommendations, which the analyst edits. Two builds from the same data give the
    same version; a different version means the data changed."""
    blocks: list[Any] = []
    for section in content.sections:
        for block in section.blocks:
            if isinstance(block, Table):
                blocks.append(["table", block.caption, block.columns, block.rows])
            elif isinstance(block, Chart):
                series = [[s.name, s.values] for s in block.series]
                blocks.append(["chart", block.caption, block.categories, series])
    canonical = json.dumps(
        {"figures": content.figures, "blocks": blocks},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _build_failed(job: Job) -> None:
    """A build that failed (or whose worker died and was reaped) leaves a failed report."""
    Report.objects.filter(job=job, status__in=selectors.IN_PROGRESS).update(
        status=ReportStatus.FAILED
    )


def _report_built_store(
    report: Report, *, data: dict[str, Any], figures: dict[str, Any], version: str
) -> bool:
    """The build's save step: the content, figures and data version stored and the report
    made a draft — only if it is still being built (not deleted, not built twice)."""
    built = Report.objects.filter(pk=report.pk, status__in=selectors.IN_PROGRESS).update(
        status=ReportStatus.DRAFT,
        content=data,
        figures=figures,
        data_version=version,
        built_at=timezone.now(),
    )
    return bool(built)


@job_handler(BUILD_JOB, on_failure=_build_failed)
def report_build_job(job: Job, reporter: JobReporter) -> Any:
    """Run the kind's builder with the rights of whoever asked (reads only), then store the
    content, figures and data version and make the report a draft in the save step."""
    report = selectors.report_for_job(job)
    if report is None or report.status not in selectors.IN_PROGRESS:
        raise JobError(_("Отчёт удалён или уже сформирован."))
    user = job.created_by
    if user is None or not user.is_active:
        raise JobError(_("Заказавший отчёт больше не работает в системе."))
    reporter.progress(1, _("Сбор данных"))
    content = builder_for(report.kind)(
        user, selectors.report_params(report), lambda p, t: reporter.progress(p, t)
    )
    version = data_version(content)
    data = content.to_json()
    reporter.progress(99, _("Сохранение"))

    def save() -> dict[str, Any]:
        if not _report_built_store(report, data=data, figures=content.figures, version=version):
            raise JobError(_("Отчёт удалён или уже сформирован."))
        notify(
            recipients=[user],
            text=_("Отчёт сформирован: %(t)s") % {"t": report.title},
            url=report.get_absolute_url(),
        )
        reporter.log(_("Отчёт сформирован, версия данных %(v)s") % {"v": version[:12]})
        return {"report_id": report.pk}

    return save


def report_build_now(report: Report) -> None:
    """Run the queued report's job here and now (the demo and the bench, which must not wait
    for a worker)."""
    from opora.core.jobs import job_run

    assert report.job_id is not None
    job_run(report.job_id)
    report.refresh_from_db()


# --- editing ------------------------------------------------------------------------------


def recommendation_problems(user: User, items: list[DraftRecommendation]) -> list[tuple[int, str]]:
    """What is wrong with each draft recommendation (its 1-based number and the message)."""
    reachable = {o.pk: o for o in selectors.addressee_choices(user)}
    problems: list[tuple[int, str]] = []
    for number, item in enumerate(items, start=1):
        if not item.text.strip():
            problems.append((number, _("напишите текст рекомендации")))
        if item.addressee not in Addressee.values:
            problems.append((number, _("выберите, кому адресована рекомендация")))
            continue
        organization = reachable.get(item.organization_id or 0)
        if organization is None:
            problems.append((number, _("выберите организацию-адресата из списка")))
            continue
        is_school = organization.kind == OrganizationKind.SCHOOL
        if item.addressee in (Addressee.SCHOOL, Addressee.CURATOR) and not is_school:
            problems.append((number, _("рекомендация школе или куратору адресуется школе")))
        if item.addressee in (Addressee.METHODICAL_CENTRE, Addressee.AUTHORITY) and is_school:
            problems.append(
                (number, _("рекомендация методическому центру или органу управления не школе"))
            )
    return problems


@transaction.atomic
def report_content_update(
    *,
    user: User,
    report: Report,
    texts: dict[str, str],
    recommendations: list[DraftRecommendation],
) -> Report:
    """Save the analyst's edits of a draft: the editable paragraphs (by «section.block») and
    the whole list of recommendations. Figures and tables are never changed here."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(_("Изменять можно только черновик отчёта."))
    problems = recommendation_problems(user, recommendations)
    if problems:
        raise ValidationError(
            [_("Рекомендация %(n)s: %(m)s.") % {"n": n, "m": m} for n, m in problems]
        )
    content = ReportContent.from_json(report.content)
    for s_index, section in enumerate(content.sections):
        for b_index, block in enumerate(section.blocks):
            key = f"{s_index}.{b_index}"
            if isinstance(block, Paragraph) and block.editable and key in texts:
                text = texts[key].strip()
                if not text:
                    raise ValidationError(
                        _("Раздел «%(s)s»: абзац не может быть пустым.") % {"s": section.heading}
                    )
                block.text = text
    content.recommendations = recommendations
    report.content = content.to_json()
    report.save(update_fields=["content"])
    return report


# --- publishing ---------------------------------------------------------------------------


def report_heading(report: Report) -> render.Heading:
    content = ReportContent.from_json(report.content)
    territory = report.territory.name if report.territory else ""
    built = timezone.localdate(report.built_at) if report.built_at else dates.today()
    return render.Heading(
        owner=report.owner.name,
        title=report.title,
        subtitle=content.subtitle,
        territory=territory,
        year=year_label(report.kind, report.year),
        built=built,
    )


def report_names(content: ReportContent) -> dict[int, str]:
    """The addressed organisations' names (a recommendation stores only the id)."""
    ids = {r.organization_id for r in content.recommendations if r.organization_id}
    return {
        pk: short or name
        for pk, short, name in Organization.objects.filter(pk__in=ids).values_list(
            "pk", "short_name", "name"
        )
    }


def report_files(report: Report) -> tuple[bytes, bytes]:
    """The report's Word (its template's layout, if any) and PDF files as they are now."""
    content = ReportContent.from_json(report.content)
    heading = report_heading(report)
    names = report_names(content)
    addressees = {str(k): str(v) for k, v in Addressee.choices}
    template = None
    if report.template is not None and report.template.file:
        with report.template.file.open("rb") as stream:
            template = stream.read()
    docx = render.report_docx(
        heading, content, names=names, addressees=addressees, template=template
    )
    pdf = render.report_pdf(heading, content, names=names, addressees=addressees)
    return docx, pdf


def report_file_name(report: Report, extension: str) -> str:
    return export_filename(
        ReportKind(report.kind).label,
        report.territory.name if report.territory else "",
        report.year,
        extension=extension,
    )


def _recipients(recommendation: Recommendation) -> list[User]:
    organization_id: int | None
    roles: tuple[str, ...]
    if recommendation.school_id is not None:
        organization_id, roles = recommendation.school_id, (Role.SCHOOL_DIRECTOR,)
    else:
        organization_id, roles = recommendation.organization_id, ORGANIZATION_RECIPIENT_ROLES
    return list(
        User.objects.filter(
            person__memberships__organization_id=organization_id or 0,
            person__memberships__role__in=roles,
            person__memberships__is_active=True,
            is_active=True,
        ).distinct()
    )


@dataclass
class Publication:
    report: Report
    recommendations: list[Recommendation]


@transaction.atomic
def report_publish(*, user: User, report: Report) -> Publication:
    """Publish a draft: render the final Word and PDF onto the report, turn every
    recommendation into a tracked `support.Recommendation` (linked by ReportRecommendation)
    and tell the addressees — all in one transaction; refused unless a draft."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(_("Опубликовать можно только черновик отчёта."))
    content = ReportContent.from_json(report.content)
    problems = recommendation_problems(user, content.recommendations)
    if problems:
        raise ValidationError(
            [_("Рекомендация %(n)s: %(m)s.") % {"n": n, "m": m} for n, m in problems]
        )
    docx, pdf = report_files(report)
    report.docx.save(report_file_name(report, "docx"), ContentFile(docx), save=False)
    report.pdf.save(report_file_name(report, "pdf"), ContentFile(pdf), save=False)
    organizations = Organization.objects.in_bulk(
        [r.organization_id for r in content.recommendations if r.organization_id]
    )
    made: list[Recommendation] = []
    for position, item in enumerate(content.recommendations, start=1):
        organization = organizations[item.organization_id or 0]
        is_school = organization.kind == OrganizationKind.SCHOOL
        recommendation = Recommendation(
            school=organization if is_school else None,
            organization=None if is_school else organization,
            text=item.text,
            addressee=item.addressee,
            due_on=item.due_on,
            created_by=user,
        )
        recommendation.full_clean()
        recommendation.save()
        ReportRecommendation.objects.create(
            report=report, recommendation=recommendation, position=position
        )
        notify(
            recipients=_recipients(recommendation),
            text=_("Новая рекомендация (срок %(d)s): %(t)s")
            % {"d": dates.date_ru(item.due_on), "t": item.text[:300]},
            url=recommendation.get_absolute_url(),
        )
        made.append(recommendation)
    report.status = ReportStatus.PUBLISHED
    report.published_by = user
    report.published_at = timezone.now()
    report.save()
    return Publication(report, made)


# --- templates ----------------------------------------------------------------------------


@transaction.atomic
def template_upload(
    *, user: User, owner: Organization, kind: str, name: str, file: UploadedFile
) -> ReportTemplate:
    """An authority's Word template for a kind: refused when the file is not a .docx or uses
    fields other than the documented ones (`render.TEMPLATE_FIELDS`)."""
    if owner.pk not in {o.pk for o in selectors.template_owner_choices(user)}:
        raise ValidationError({"owner": NOT_ALLOWED})
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Выберите вид отчёта.")})
    data = file.read()
    problems = render.template_problems(data)
    if problems:
        raise ValidationError({"file": problems})
    template = ReportTemplate(
        owner=owner,
        kind=kind,
        name=name.strip() or display_name(file.name or "template.docx"),
        file_name=display_name(file.name or "template.docx"),
        created_by=user,
    )
    template.file.save(template.file_name, ContentFile(data), save=False)
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def template_switch(*, user: User, template: ReportTemplate, active: bool) -> ReportTemplate:
    """Switch a template on or off (the caller fetched it with CHANGE: its owner's people)."""
    template.is_active = active
    template.save(update_fields=["is_active"])
    return template
