"""Monitoring pages: the hub, a programme's indicators and dynamics, a checkpoint's roll-up
and who has submitted, a school's form, a school's dynamics, and the card sections."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import dates
from opora.core.access import Action, can, has_any
from opora.core.cards import HomeCard, HomeItem, card_section, home_card_html
from opora.core.exports import XLSX_CONTENT_TYPE
from opora.core.templatetags.opora import decimal
from opora.core.web import (
    attachment,
    choice_labels,
    download,
    errors_to_form,
    errors_to_messages,
    paginate,
    truncated,
)
from opora.monitoring import selectors, services
from opora.monitoring.choices import CheckpointKind, IndicatorUnit, Light, SubmissionStatus
from opora.monitoring.exports import checkpoint_export_name, checkpoint_xlsx
from opora.monitoring.forms import (
    CheckpointForm,
    IndicatorAddForm,
    IndicatorForm,
    ProgrammeIndicatorForm,
    ReturnForm,
    SubmissionForm,
    TemplateForm,
)
from opora.monitoring.templatetags.monitoring import figure, light_badge, share_figure
from opora.registry import selectors as registry_selectors
from opora.registry.models import Organization, Programme

LIGHT_CLASSES = {"reached": "success", "close": "warning", "far": "danger", "none": "secondary"}


def _crumbs(programme: Programme, *titles: tuple[str, str]) -> list[dict[str, str]]:
    crumbs = [
        {"title": _("Мониторинг"), "url": reverse("monitoring:index")},
        {"title": programme.name, "url": reverse("monitoring:programme", args=[programme.pk])},
    ]
    crumbs += [{"title": t, "url": u} for t, u in titles]
    return crumbs


def _managed(request: HttpRequest, programme_pk: Any) -> Programme:
    """The programme, for those who set up its monitoring (who may change its owner)."""
    return registry_selectors.programme_get(request.user, programme_pk, Action.CHANGE)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    programmes = paginate(
        request, selectors.programmes_visible(request.user).order_by("-starts_on", "name", "pk"), 30
    )
    return render(
        request,
        "monitoring/index.html",
        {"programmes": programmes, "title": _("Мониторинг")},
    )


@card_section("programme", order=30)
def programme_card(request: HttpRequest, programme: Programme) -> str:
    return render_to_string(
        "monitoring/_programme_card.html",
        {
            "programme": programme,
            "checkpoints": selectors.checkpoint_list(request.user, programme),
            "indicators": selectors.programme_indicator_count(programme),
        },
        request=request,
    )


@card_section("school", order=60, tab="roadmap")
def school_card(request: HttpRequest, school: Organization) -> str:
    programmes = selectors.school_programmes(request.user, school)
    if not programmes:
        return ""
    return render_to_string(
        "monitoring/_school_card.html",
        {"school": school, "programmes": programmes},
        request=request,
    )


@login_required
@require_GET
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    programme = registry_selectors.programme_get(request.user, pk)
    items = selectors.programme_indicators(programme)
    years = selectors.programme_years(programme)
    checkpoints = selectors.checkpoint_list(request.user, programme)
    return render(
        request,
        "monitoring/programme.html",
        {
            "programme": programme,
            "items": items,
            "years": years,
            "checkpoints": checkpoints,
            "dynamics": selectors.programme_dynamics(programme),
            "changes": selectors.programme_positive_changes(programme),
            "may_manage": selectors.may_manage(request.user, programme),
            "template_form": TemplateForm(),
            "title": _("Мониторинг: %(name)s") % {"name": programme.name},
            "breadcrumbs": [*_crumbs(programme)[:1], {"title": programme.name}],
        },
    )


@login_required
@require_POST
def template_install(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _managed(request, pk)
    form = TemplateForm(request.POST)
    if form.is_valid():
        added = services.programme_template_install(
            programme=programme, template=form.cleaned_data["template"], user=request.user
        )
        messages.success(request, _("Добавлено показателей из шаблона: %(n)s.") % {"n": len(added)})
    return redirect("monitoring:programme", pk=programme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _managed(request, pk)
    catalogue = selectors.indicator_choices(request.user, programme)
    add_form = IndicatorAddForm(
        request.POST if "add" in request.POST else None, indicators=catalogue
    )
    new_form = IndicatorForm(
        request.POST if "create" in request.POST else None,
        parts=selectors.indicator_catalogue(request.user),
    )
    if request.method == "POST":
        try:
            if "add" in request.POST and add_form.is_valid():
                services.programme_indicator_add(
                    programme=programme,
                    indicator=add_form.cleaned_data["indicator"],
                    number=add_form.cleaned_data["number"],
                )
                messages.success(request, _("Показатель добавлен в программу."))
                return redirect("monitoring:programme", pk=programme.pk)
            if "create" in request.POST and new_form.is_valid():
                services.indicator_create(programme=programme, values=new_form.cleaned_data)
                messages.success(request, _("Показатель создан и добавлен в программу."))
                return redirect("monitoring:programme", pk=programme.pk)
        except ValidationError as error:
            errors_to_form(add_form if "add" in request.POST else new_form, error)
    title = _("Добавить показатель")
    return render(
        request,
        "monitoring/indicator_add.html",
        {
            "programme": programme,
            "add_form": add_form,
            "new_form": new_form,
            "title": title,
            "breadcrumbs": _crumbs(programme, (title, "")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.programme_indicator_get(request.user, pk, Action.CHANGE)
    programme = item.programme
    years = selectors.programme_years(programme)
    initial: dict[str, Any] = {
        "number": item.number,
        "baseline": item.baseline,
        "baseline_year": item.baseline_year,
        "close_within": item.close_within,
    }
    initial.update({f"target_{t.year}": t.value for t in item.targets.all()})
    form = ProgrammeIndicatorForm(request.POST or None, item=item, years=years, initial=initial)
    if request.method == "POST":
        if "remove" in request.POST:
            try:
                services.programme_indicator_remove(item=item)
            except ValidationError as error:
                errors_to_messages(request, error)
                return redirect("monitoring:indicator", pk=item.pk)
            messages.success(request, _("Показатель исключён из программы."))
            return redirect("monitoring:programme", pk=programme.pk)
        if form.is_valid():
            try:
                services.programme_indicator_save(
                    item=item,
                    number=form.cleaned_data["number"],
                    baseline=form.cleaned_data["baseline"],
                    baseline_year=form.cleaned_data["baseline_year"],
                    targets=form.targets(),
                    close_within=form.cleaned_data["close_within"],
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("Базовое и целевые значения сохранены."))
                return redirect("monitoring:programme", pk=programme.pk)
    title = item.indicator.name
    return render(
        request,
        "monitoring/indicator_edit.html",
        {
            "programme": programme,
            "item": item,
            "form": form,
            "years": years,
            "title": title,
            "breadcrumbs": _crumbs(programme, (_("Показатель %(n)s") % {"n": item.number}, "")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkpoint_new(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _managed(request, pk)
    items = selectors.programme_indicator_list(request.user, programme)
    form = CheckpointForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint = services.checkpoint_open(
                programme=programme,
                name=form.cleaned_data["name"],
                kind=CheckpointKind(form.cleaned_data["kind"]),
                held_on=form.cleaned_data["held_on"],
                due_on=form.cleaned_data["due_on"],
                indicators=form.cleaned_data["indicators"],
                user=request.user,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Контрольная точка открыта: школы получили формы."))
            return redirect(checkpoint.get_absolute_url())
    title = _("Новая контрольная точка")
    return render(
        request,
        "monitoring/checkpoint_new.html",
        {
            "programme": programme,
            "form": form,
            "title": title,
            "breadcrumbs": _crumbs(programme, (title, "")),
        },
    )


def _form_rows(forms: list[Any], programme: Programme) -> list[dict[str, Any]]:
    """The checkpoint page's forms as its table shows them, worked out once per page: the
    state's label from a dict (`get_status_display` hashes every lazy label per call), the
    dates formatted in Python rather than by a `|date` per cell (issue 17)."""
    statuses = choice_labels(SubmissionStatus)
    return [
        {
            "url": f.get_absolute_url(),
            "school": f.school.short_name or f.school.name,
            "programme_level": f.school_id == programme.owner_id,
            "status": statuses.get(f.status, f.status),
            "returned": f.status == SubmissionStatus.RETURNED,
            "comment": truncated(f.comment, 120) if f.status == SubmissionStatus.RETURNED else "",
            "submitted_at": dates.datetime_ru(f.submitted_at),
            "approved_at": dates.date_ru(f.approved_at),
        }
        for f in forms
    ]


def _rollup_rows(rows: list[selectors.RollupRow]) -> list[dict[str, Any]]:
    """The roll-up as its table shows it: each figure formatted once (a share or a mean by
    the indicator's unit), each checkpoint's name shortened once, not once per indicator."""
    notes = {
        "flag": _("доля школ с ответом «да»"),
        "parts": _("по сумме числителей и знаменателей"),
        "percent": _("среднее по школам, %"),
        "": _("среднее по школам"),
    }
    names: dict[int, str] = {}
    result = []
    for r in rows:
        indicator = r.item.indicator
        unit = indicator.unit
        share = unit in (IndicatorUnit.FLAG, IndicatorUnit.PERCENT)
        fmt = share_figure if share else figure
        if unit == IndicatorUnit.FLAG:
            note = notes["flag"]
        elif indicator.has_parts:
            note = notes["parts"]
        else:
            note = notes["percent" if unit == IndicatorUnit.PERCENT else ""]
        history = []
        for c, value in r.history:
            if c.pk not in names:
                names[c.pk] = truncated(c.name, 30)
            history.append((names[c.pk], fmt(value)))
        result.append(
            {
                "pk": str(r.item.pk),
                "number": r.item.number,
                "name": indicator.name,
                "note": note,
                "target": fmt(r.target),
                "value": fmt(r.rollup.value if r.rollup else None),
                "light": light_badge(r.light),
                "rollup": r.rollup,
                "reached_share": r.reached_share,
                "history": history,
            }
        )
    return result


@login_required
@require_GET
def checkpoint(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = selectors.checkpoint_get(request.user, pk)
    status = request.GET.get("status", "")
    if status not in ("", "missing", *SubmissionStatus.values):
        status = ""
    programme = checkpoint.programme
    forms = selectors.checkpoint_submissions(
        request.user,
        checkpoint,
        page=paginate(
            request,
            selectors.submission_list(request.user, checkpoint, status),
            selectors.FORMS_PER_PAGE,
        ),
    )
    return render(
        request,
        "monitoring/checkpoint.html",
        {
            "checkpoint": checkpoint,
            "programme": programme,
            "rows": _rollup_rows(selectors.checkpoint_rollup(checkpoint)),
            "forms": forms,
            "form_rows": _form_rows(forms.rows, programme),
            "status": status,
            "statuses": SubmissionStatus.choices,
            "may_manage": selectors.may_manage(request.user, programme),
            "may_accept_any": has_any(request.user, Action.ACCEPT_DATA),
            "to_accept": selectors.submissions_to_accept(request.user, checkpoint).count(),
            "title": checkpoint.name,
            "breadcrumbs": _crumbs(programme, (checkpoint.name, "")),
        },
    )


@login_required
@require_POST
def checkpoint_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Add forms for schools that joined later and recompute the computed values."""
    checkpoint = selectors.checkpoint_get(request.user, pk, Action.CHANGE)
    added = services.checkpoint_schools_add(checkpoint=checkpoint)
    services.values_compute(checkpoint=checkpoint)
    if "baselines" in request.POST:
        n = services.baselines_from_checkpoint(checkpoint=checkpoint)
        messages.success(
            request, _("Базовые значения взяты из контрольной точки: %(n)s.") % {"n": n}
        )
    else:
        messages.success(
            request,
            _("Расчётные значения обновлены; новых школ: %(n)s.") % {"n": added},
        )
    return redirect(checkpoint.get_absolute_url())


@login_required
@require_POST
def checkpoint_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept every submitted form the user may accept (after looking through them)."""
    checkpoint = selectors.checkpoint_get(request.user, pk)
    forms = list(selectors.submissions_to_accept(request.user, checkpoint))
    if not forms:
        raise Http404
    count = services.submissions_approve(
        checkpoint=checkpoint, submissions=forms, user=request.user
    )
    messages.success(request, _("Принято форм: %(n)s.") % {"n": count})
    return redirect(checkpoint.get_absolute_url())


@login_required
@require_GET
def checkpoint_export(request: HttpRequest, pk: int) -> HttpResponse:
    checkpoint = selectors.checkpoint_get(request.user, pk)
    data = checkpoint_xlsx(request.user, checkpoint)
    return download(data, checkpoint_export_name(checkpoint), XLSX_CONTENT_TYPE)


@login_required
@require_http_methods(["GET", "POST"])
def submission(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    checkpoint = selectors.checkpoint_get(request.user, pk)
    form_record = selectors.submission_get(request.user, checkpoint, school_pk)
    actions = selectors.submission_actions(request.user, form_record)
    may_fill = Action.CHANGE in actions
    if request.method == "POST" and not may_fill:
        raise Http404
    rows = selectors.submission_rows(form_record)
    editable = may_fill and not form_record.is_locked
    form = SubmissionForm(request.POST or None, request.FILES or None, rows=rows, editable=editable)
    status_code = 200
    if request.method == "POST":
        if form_record.is_locked:
            # Someone kept an old page open: say why, keep nothing half-saved.
            form.add_error(None, services.locked_message(form_record))
            status_code = 409
        elif form.is_valid():
            try:
                services.submission_save(
                    submission=form_record,
                    entries=form.entries(),
                    files=form.files_by_indicator(),
                    user=request.user,
                )
                if "submit" in request.POST:
                    services.submission_submit(submission=form_record, user=request.user)
            except ValidationError as error:
                errors_to_form(form, error)
                status_code = 400
            else:
                if "submit" in request.POST:
                    messages.success(request, _("Форма представлена на проверку."))
                else:
                    messages.success(request, _("Черновик сохранён."))
                return redirect(form_record.get_absolute_url())
        else:
            status_code = 400
    return render(
        request,
        "monitoring/submission.html",
        _submission_context(request, form_record, form, rows, actions),
        status=status_code,
    )


def _submission_context(
    request: HttpRequest,
    form_record: Any,
    form: SubmissionForm,
    rows: list[Any],
    actions: frozenset[Action],
    return_form: ReturnForm | None = None,
) -> dict[str, Any]:
    checkpoint = form_record.checkpoint
    title = _("%(school)s: %(checkpoint)s") % {
        "school": form_record.school.short_name or form_record.school.name,
        "checkpoint": checkpoint.name,
    }
    return {
        "record": form_record,
        "checkpoint": checkpoint,
        "programme": checkpoint.programme,
        "form": form,
        "rows": [
            {
                "row": row,
                "fields": [
                    form[name]
                    for name in (
                        f"v{row.item.pk}",
                        f"n{row.item.pk}",
                        f"d{row.item.pk}",
                        f"note{row.item.pk}",
                        f"f{row.item.pk}",
                    )
                    if name in form.fields
                ],
                "light_class": LIGHT_CLASSES[row.light],
            }
            for row in rows
        ],
        "may_fill": Action.CHANGE in actions and not form_record.is_locked,
        "may_accept": Action.ACCEPT_DATA in actions
        and form_record.status == SubmissionStatus.SUBMITTED,
        "return_form": return_form or ReturnForm(),
        "title": title,
        "breadcrumbs": _crumbs(
            checkpoint.programme,
            (checkpoint.name, checkpoint.get_absolute_url()),
            (form_record.school.short_name or form_record.school.name, ""),
        ),
    }


@login_required
@require_POST
def submission_do(request: HttpRequest, pk: int, school_pk: int, name: str) -> HttpResponse:
    checkpoint = selectors.checkpoint_get(request.user, pk)
    form_record = selectors.submission_get(request.user, checkpoint, school_pk)
    actions = selectors.submission_actions(request.user, form_record)
    if Action.ACCEPT_DATA not in actions or name not in ("approve", "return"):
        raise Http404
    return_form = ReturnForm(request.POST)
    return_form.is_valid()
    try:
        if name == "approve":
            services.submission_approve(submission=form_record, user=request.user)
            messages.success(request, _("Форма принята, значения утверждены."))
        else:
            services.submission_return(
                submission=form_record,
                user=request.user,
                comment=return_form.cleaned_data.get("comment", ""),
            )
            messages.success(request, _("Форма возвращена школе на доработку."))
    except ValidationError as error:
        errors_to_form(return_form, error)
        form_record.refresh_from_db()
        rows = selectors.submission_rows(form_record)
        form = SubmissionForm(rows=rows, editable=False)
        context = _submission_context(request, form_record, form, rows, actions, return_form)
        return render(request, "monitoring/submission.html", context, status=400)
    return redirect(checkpoint.get_absolute_url())


@login_required
@require_GET
def confirmation_download(request: HttpRequest, pk: int) -> FileResponse:
    """The document, to those who may see its form; always as a download, never rendered."""
    confirmation = selectors.confirmation_get(request.user, pk)
    return attachment(confirmation.file, confirmation.original_name)


@login_required
@require_GET
def school(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    programme = registry_selectors.programme_get(request.user, pk)
    school = registry_selectors.programme_school_get(request.user, programme, school_pk)
    checkpoints, rows = selectors.school_monitoring(request.user, programme, school)
    chart = {
        "labels": [c.name for c in checkpoints],
        "series": [
            {
                "id": r.item.pk,
                "label": f"{r.item.number}. {r.item.indicator.name}",
                "values": [None if v is None else float(v) for v in r.values],
                "targets": [None if r.target is None else float(r.target)] * len(checkpoints),
            }
            for r in rows
        ],
    }
    title = school.short_name or school.name
    return render(
        request,
        "monitoring/school.html",
        {
            "programme": programme,
            "school": school,
            "checkpoints": checkpoints,
            "rows": [(r, LIGHT_CLASSES[r.light]) for r in rows],
            "changes": selectors.positive_changes(rows),
            "chart": chart,
            "may_see_forms": can(request.user, Action.VIEW, school),
            "title": _("Мониторинг: %(school)s") % {"school": title},
            "breadcrumbs": _crumbs(programme, (title, "")),
        },
    )


@card_section("home", order=5)
def home_curator_schools(request: HttpRequest, user: Any) -> str:
    """«Мои школы: что просрочено» for curators: one row per school, the latest first."""
    rows = selectors.home_curator_schools(user, dates.today())
    if not rows:
        return ""
    items = []
    for row in rows:
        parts = []
        if row.overdue_activities:
            parts.append(_("просрочено мероприятий: %(n)s") % {"n": row.overdue_activities})
        if row.overdue_recommendations:
            parts.append(
                _("рекомендаций без ответа после срока: %(n)s") % {"n": row.overdue_recommendations}
            )
        if row.forms_missing:
            parts.append(_("не представлено форм: %(n)s") % {"n": row.forms_missing})
        if row.report_late:
            parts.append(
                _("нет отчётов с %(d)s") % {"d": dates.date_ru(row.last_report)}
                if row.last_report
                else _("отчётов об исполнении ещё не было")
            )
        items.append(
            HomeItem(
                row.school.short_name,
                row.school.get_tab_url("roadmap"),
                "; ".join(parts) or _("ничего не просрочено"),
                bool(parts),
            )
        )
    return home_card_html(
        request,
        HomeCard(
            key="curator-schools",
            title=_("Мои школы: что просрочено"),
            items=items,
            all_url=reverse("roadmaps:execution") + "?tab=unreported",
            all_label=_("Кто не отчитался"),
        ),
    )


@card_section("home", order=12)
def home_forms_to_fill(request: HttpRequest, user: Any) -> str:
    """«Формы мониторинга» of the director's and staff's school: returned ones first."""
    forms = selectors.home_forms_to_fill(user)
    if not forms:
        return ""
    today = dates.today()
    items = []
    for form in forms[: selectors.HOME_ITEMS]:
        due = form.checkpoint.due_on
        note = (
            _("возвращена на доработку, срок %(d)s")
            if form.status == SubmissionStatus.RETURNED
            else _("срок %(d)s")
        ) % {"d": dates.date_ru(due)}
        late = due < today or form.status == SubmissionStatus.RETURNED
        items.append(HomeItem(form.checkpoint.name, form.get_absolute_url(), note, late))
    return home_card_html(
        request,
        HomeCard(
            key="forms",
            title=_("Формы мониторинга к заполнению"),
            items=items,
            all_url=reverse("monitoring:index"),
            all_label=_("Весь мониторинг"),
        ),
    )


@card_section("home", order=25)
def home_forms_to_accept(request: HttpRequest, user: Any) -> str:
    """«Формы ждут приёмки» for those who accept monitoring data (analysts)."""
    rows = selectors.home_forms_to_accept(user)
    if not rows:
        return ""
    return home_card_html(
        request,
        HomeCard(
            key="forms-to-accept",
            title=_("Формы мониторинга ждут приёмки"),
            items=[
                HomeItem(
                    row["checkpoint__name"],
                    reverse("monitoring:checkpoint", args=[row["checkpoint_id"]])
                    + f"?status={SubmissionStatus.SUBMITTED}",
                    _("%(programme)s; форм: %(n)s")
                    % {"programme": row["checkpoint__programme__name"], "n": row["n"]},
                )
                for row in rows
            ],
            all_url=reverse("monitoring:index"),
            all_label=_("Весь мониторинг"),
        ),
    )


@card_section("home", order=45)
def home_programme_lights(request: HttpRequest, user: Any) -> str:
    """«Светофор программ» for coordinators: roadmaps' execution and indicators vs targets."""
    rows = selectors.home_programme_lights(user, dates.today())
    if not rows:
        return ""
    items = []
    for row in rows:
        parts = []
        execution = row.execution
        if execution is not None and execution.due:
            parts.append(
                _("исполнение: в срок %(ok)s %%, с опозданием %(late)s %%, просрочено %(over)s %%")
                % {
                    "ok": decimal(execution.on_time_share, 0),
                    "late": decimal(execution.late_share, 0),
                    "over": decimal(execution.overdue_share, 0),
                }
            )
        else:
            parts.append(_("сроков исполнения ещё не было"))
        if row.checkpoint is not None:
            parts.append(
                _("показатели (%(cp)s): достигнуто %(r)s, близко %(c)s, далеко %(f)s")
                % {
                    "cp": row.checkpoint.name,
                    "r": row.lights.get(Light.REACHED, 0),
                    "c": row.lights.get(Light.CLOSE, 0),
                    "f": row.lights.get(Light.FAR, 0),
                }
            )
        else:
            parts.append(_("показатели ещё не рассчитаны"))
        late = bool(row.lights.get(Light.FAR)) or bool(execution is not None and execution.overdue)
        items.append(
            HomeItem(
                row.programme.name,
                reverse("monitoring:programme", args=[row.programme.pk]),
                "; ".join(parts),
                late,
            )
        )
    return home_card_html(
        request,
        HomeCard(
            key="programme-lights",
            title=_("Программы: исполнение и показатели"),
            items=items,
            all_url=reverse("registry:programmes"),
            all_label=_("Все программы"),
        ),
    )
