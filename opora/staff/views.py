"""Staff pages: the teacher registry, deficit maps, the course catalogue and development
plans (ИОМ). Thin: every object comes through a selector (404 when out of reach) and every
write through a service."""

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
from opora.core.access import Action, has_any
from opora.core.cards import HomeCard, HomeItem, card_section, card_sections, home_card_html
from opora.core.web import attachment, errors_to_form, errors_to_messages, paginate
from opora.staff import selectors
from opora.staff.choices import CompetencyArea, ItemKind, ItemStatus
from opora.staff.forms import (
    CompleteForm,
    CourseForm,
    ItemStatusForm,
    PlanForm,
    PlanItemForm,
    TeacherForm,
)
from opora.staff.models import Course, Diagnostic
from opora.staff.services import (
    course_save,
    plan_create,
    plan_item_add,
    plan_item_complete,
    plan_item_set_status,
    teacher_save,
)

IMPORTERS = ("staff.teachers", "staff.diagnostics", "staff.diagnostics_aggregate")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _crumbs(*rest: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"title": _("Мониторинг"), "url": reverse("monitoring:index")},
        {"title": _("Педагоги и ИОМ"), "url": reverse("staff:index")},
        *rest,
    ]


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The app's home: what this user may open, with a few counts."""
    user = request.user
    today = dates.today()
    teacher_schools = selectors.teacher_schools(user)
    context = {
        "own": selectors.own_teachers(user),
        "teacher_schools": teacher_schools[:50],
        "teacher_school_count": teacher_schools.count(),
        "may_manage": selectors.has_teacher_reach(user, Action.CHANGE),
        "may_edit_courses": selectors.may_edit_courses(user),
        "may_import_aggregates": has_any(user, Action.IMPORT),
        "diagnostics": selectors.diagnostic_list(user)[:5],
        "has_schools": selectors.visible_schools(user).exists(),
        "overdue": selectors.overdue_items(user, today).count()
        if selectors.has_teacher_reach(user)
        else 0,
        "course_count": selectors.course_list(user, active_only=True).count(),
        "breadcrumbs": [
            {"title": _("Мониторинг"), "url": reverse("monitoring:index")},
            {"title": _("Педагоги и ИОМ")},
        ],
    }
    return render(request, "staff/index.html", context)


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    """A teacher's own record (the first, if they work in two schools)."""
    own = selectors.own_teachers(request.user)
    if not own:
        raise Http404
    return redirect(own[0].get_absolute_url())


@login_required
@require_GET
def teachers(request: HttpRequest) -> HttpResponse:
    """A school's teacher registry, for its director and the analysts (404 for others)."""
    schools = selectors.teacher_schools(request.user)
    if not schools.exists():
        raise Http404
    school_id = _int(request.GET.get("school"))
    if school_id is not None:
        school = schools.filter(pk=school_id).first()
        if school is None:
            raise Http404
    else:
        school = schools.first() if schools[:2].count() == 1 else None
    context: dict[str, Any] = {
        "school": school,
        "schools": paginate(request, schools, 50) if school is None else None,
        "breadcrumbs": _crumbs({"title": _("Реестр педагогов")}),
    }
    if school is not None:
        show_all = request.GET.get("all") == "1"
        context.update(
            teachers=paginate(
                request,
                selectors.teacher_list(request.user, school, active_only=not show_all),
                50,
            ),
            show_all=show_all,
            may_manage=selectors.may_manage_teachers(request.user, school),
            counts=selectors.staff_indicator_counts(
                school_ids=[school.pk], on_date=dates.today()
            ).get(school.pk),
        )
    return render(request, "staff/teachers.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def teacher_new(request: HttpRequest, school_pk: int) -> HttpResponse:
    school = selectors.teacher_school_get(request.user, school_pk, Action.CHANGE)
    form = TeacherForm(request.POST or None, people=selectors.school_people(request.user, school))
    if request.method == "POST" and form.is_valid():
        try:
            teacher = teacher_save(
                school=school,
                values=form.values(),
                subjects=form.cleaned_data["subjects"],
                person=form.cleaned_data["person"] or "auto",
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Педагог добавлен в реестр."))
            return redirect(teacher.get_absolute_url())
    title = _("Новый педагог")
    return render(
        request,
        "staff/teacher_form.html",
        {
            "form": form,
            "school": school,
            "title": title,
            "breadcrumbs": _crumbs(
                {
                    "title": school.short_name,
                    "url": reverse("staff:teachers") + f"?school={school.pk}",
                },
                {"title": title},
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def teacher_edit(request: HttpRequest, pk: int) -> HttpResponse:
    teacher = selectors.teacher_get(request.user, pk, Action.CHANGE)
    form = TeacherForm.for_teacher(
        teacher, request.POST or None, people=selectors.school_people(request.user, teacher.school)
    )
    if request.method == "POST" and form.is_valid():
        try:
            teacher_save(
                school=teacher.school,
                teacher=teacher,
                values=form.values(),
                subjects=form.cleaned_data["subjects"],
                person=form.cleaned_data["person"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Сведения о педагоге сохранены."))
            return redirect(teacher.get_absolute_url())
    return render(
        request,
        "staff/teacher_form.html",
        {
            "form": form,
            "school": teacher.school,
            "teacher": teacher,
            "title": teacher.full_name,
            "breadcrumbs": _crumbs(
                {"title": teacher.full_name, "url": teacher.get_absolute_url()},
                {"title": _("Изменение")},
            ),
        },
    )


@login_required
@require_GET
def teacher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A teacher's record, results, deficits, proposed courses and plans: for the teacher,
    the school's director and the analysts; 404 for everyone else."""
    teacher = selectors.teacher_get(request.user, pk)
    deficits = selectors.teacher_deficits(request.user, teacher)
    may_manage = selectors.may_manage_teachers(request.user, teacher.school)
    return render(
        request,
        "staff/teacher_detail.html",
        {
            "teacher": teacher,
            "scores": selectors.teacher_scores(request.user, teacher),
            "deficits": deficits,
            "proposals": selectors.proposed_courses(deficits, teacher=teacher)[:8],
            "plans": selectors.teacher_plans(request.user, teacher),
            "may_manage": may_manage,
            "today": dates.today(),
            "breadcrumbs": _crumbs(
                {
                    "title": teacher.school.short_name,
                    "url": reverse("staff:teachers") + f"?school={teacher.school_id}"
                    if may_manage or selectors.may_see_teachers(request.user, teacher.school)
                    else None,
                },
                {"title": teacher.full_name},
            ),
        },
    )


@login_required
@require_GET
def diagnostics(request: HttpRequest) -> HttpResponse:
    """The diagnostics the user may see, with the import entries for those who load them."""
    if not selectors.visible_schools(request.user).exists():
        raise Http404
    return render(
        request,
        "staff/diagnostics.html",
        {
            "diagnostics": paginate(request, selectors.diagnostic_list(request.user), 30),
            "may_import": selectors.may_import_diagnostics(request.user),
            "may_import_aggregates": has_any(request.user, Action.IMPORT)
            or selectors.may_import_diagnostics(request.user),
            "breadcrumbs": _crumbs({"title": _("Диагностики профессиональных дефицитов")}),
        },
    )


@login_required
@require_GET
def deficit_map(request: HttpRequest) -> HttpResponse:
    """The deficit map: the territory (school × area) or one school (subject × area, and the
    teachers for those who may see them)."""
    diagnostics_qs = selectors.diagnostic_list(request.user)
    diagnostic_id = _int(request.GET.get("diagnostic"))
    diagnostic: Diagnostic | None
    if diagnostic_id is not None:
        diagnostic = selectors.diagnostic_get(request.user, diagnostic_id)
    else:
        diagnostic = diagnostics_qs.first()
    context: dict[str, Any] = {
        "diagnostic": diagnostic,
        "diagnostics": diagnostics_qs,
        "suppress_below": selectors.SUPPRESS_BELOW,
        "breadcrumbs": _crumbs({"title": _("Карта профессиональных дефицитов")}),
    }
    if diagnostic is None:
        return render(request, "staff/map.html", context)
    school_id = _int(request.GET.get("school"))
    schools = selectors.visible_schools(request.user)
    if school_id is None and schools[:2].count() == 1:
        school_id = schools.first().pk  # type: ignore[union-attr]
    if school_id is not None:
        school = selectors.school_get(request.user, school_id)
        context["school_map"] = selectors.school_deficit_map(request.user, diagnostic, school)
        context["breadcrumbs"] = _crumbs(
            {
                "title": _("Карта профессиональных дефицитов"),
                "url": reverse("staff:map") + f"?diagnostic={diagnostic.pk}",
            },
            {"title": school.short_name},
        )
        return render(request, "staff/map.html", context)
    subjects = selectors.map_subjects(diagnostic)
    subject_id = _int(request.GET.get("subject"))
    subject = next((s for s in subjects if s.pk == subject_id), None)
    territory_map = selectors.territory_deficit_map(request.user, diagnostic, subject)
    context.update(
        territory_map=territory_map,
        # A page of schools; the totals stay the whole territory's.
        map_rows=paginate(request, territory_map.rows, 50),
        subjects=subjects,
        subject=subject,
    )
    return render(request, "staff/map.html", context)


@login_required
@require_GET
def courses(request: HttpRequest) -> HttpResponse:
    area = request.GET.get("area", "")
    qs = selectors.course_list(request.user, active_only=request.GET.get("all") != "1")
    items = [c for c in qs if not area or area in c.areas]
    return render(
        request,
        "staff/courses.html",
        {
            "courses": paginate(request, items, 50),
            "area": area,
            "areas": CompetencyArea.choices,
            "show_all": request.GET.get("all") == "1",
            "may_edit": selectors.may_edit_courses(request.user),
            "breadcrumbs": _crumbs({"title": _("Каталог курсов")}),
        },
    )


@login_required
@require_GET
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get(request.user, pk)
    return render(
        request,
        "staff/course_detail.html",
        {
            "course": course,
            "may_edit": selectors.may_edit_courses(request.user),
            "breadcrumbs": _crumbs(
                {"title": _("Каталог курсов"), "url": reverse("staff:courses")},
                {"title": course.title},
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or edit a catalogue course (analysts; 404 for others)."""
    if not selectors.may_edit_courses(request.user):
        raise Http404
    course: Course | None = selectors.course_get(request.user, pk, Action.CHANGE) if pk else None
    form = (
        CourseForm.for_course(course, request.POST or None)
        if course
        else CourseForm(request.POST or None)
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = course_save(
                course=course, values=form.values(), subjects=form.cleaned_data["subjects"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Курс сохранён."))
            return redirect(course.get_absolute_url())
    title = course.title if course else _("Новый курс")
    return render(
        request,
        "staff/course_form.html",
        {
            "form": form,
            "course": course,
            "title": title,
            "breadcrumbs": _crumbs(
                {"title": _("Каталог курсов"), "url": reverse("staff:courses")}, {"title": title}
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, teacher_pk: int) -> HttpResponse:
    """A new development plan for a teacher, with the courses proposed from the deficits
    ticked (director, analysts)."""
    teacher = selectors.teacher_get(request.user, teacher_pk, Action.CHANGE)
    today = dates.today()
    deficits = selectors.teacher_deficits(request.user, teacher)
    proposals = selectors.proposed_courses(deficits, teacher=teacher)
    proposed_ids = [p.course.pk for p in proposals[:3]]
    form = PlanForm(
        request.POST or None,
        today=today,
        courses=selectors.course_list(request.user, active_only=True).order_by("title"),
        initial={"courses": proposed_ids},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(
                teacher=teacher,
                start_year=form.cleaned_data["start_year"],
                user=request.user,  # type: ignore[arg-type]
                note=form.cleaned_data["note"],
                courses=form.cleaned_data["courses"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("ИОМ создан."))
            return redirect(plan.get_absolute_url())
    title = _("Новый ИОМ")
    return render(
        request,
        "staff/plan_form.html",
        {
            "form": form,
            "teacher": teacher,
            "deficits": deficits,
            "proposals": {p.course.pk: p for p in proposals},
            "title": title,
            "breadcrumbs": _crumbs(
                {"title": teacher.full_name, "url": teacher.get_absolute_url()}, {"title": title}
            ),
        },
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    may_manage = selectors.may_manage_teachers(request.user, plan.teacher.school)
    return render(
        request,
        "staff/plan_detail.html",
        {
            "plan": plan,
            "items": selectors.plan_items(plan),
            # Apps above staff add to the plan (the events the teacher attended).
            "card_sections": card_sections("plan", request, plan),
            "may_manage": may_manage,
            "item_form": PlanItemForm() if may_manage else None,
            "complete_form": CompleteForm(initial={"completed_on": dates.today()}),
            "statuses": [s for s in ItemStatus if s != ItemStatus.DONE],
            "today": dates.today(),
            "breadcrumbs": _crumbs(
                {"title": plan.teacher.full_name, "url": plan.teacher.get_absolute_url()},
                {"title": _("ИОМ %(y)s") % {"y": plan.year_name}},
            ),
        },
    )


@login_required
@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk, Action.CHANGE)
    form = PlanItemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan_item_add(
                plan=plan,
                kind=ItemKind(data["kind"]),
                course=data["course"],
                title=data["title"],
                area=data["area"],
                due_on=data["due_on"],
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("Пункт добавлен в ИОМ."))
    else:
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, str(problem))
    return redirect(plan.get_absolute_url())


@login_required
@require_POST
def item_complete(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(request.user, pk, Action.CHANGE)
    form = CompleteForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            plan_item_complete(
                item=item,
                completed_on=form.cleaned_data["completed_on"],
                certificate=form.cleaned_data["certificate"],
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("Выполнение отмечено."))
    else:
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, str(problem))
    return redirect(item.plan.get_absolute_url())


@login_required
@require_POST
def item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(request.user, pk, Action.CHANGE)
    form = ItemStatusForm(request.POST)
    if form.is_valid():
        plan_item_set_status(item=item, status=form.cleaned_data["status"])
        messages.success(request, _("Состояние пункта изменено."))
    return redirect(item.plan.get_absolute_url())


@login_required
@require_GET
def certificate(request: HttpRequest, pk: int) -> FileResponse:
    """The certificate, to those who may see the plan; always a download, never rendered."""
    item = selectors.item_get(request.user, pk)
    if not item.certificate:
        raise Http404
    return attachment(item.certificate, item.certificate_name or "certificate")


@login_required
@require_GET
def plans(request: HttpRequest) -> HttpResponse:
    """Plans of a school (or of all schools in reach) with their progress."""
    schools = selectors.teacher_schools(request.user)
    if not schools.exists():
        raise Http404
    school = None
    school_id = _int(request.GET.get("school"))
    if school_id is not None:
        school = schools.filter(pk=school_id).first()
        if school is None:
            raise Http404
    year = _int(request.GET.get("year"))
    qs = selectors.plan_list(request.user, dates.today(), school=school, start_year=year)
    page = paginate(request, qs, 50)
    return render(
        request,
        "staff/plans.html",
        {
            "page": page,
            "school": school,
            "schools": schools,
            "year": year,
            "breadcrumbs": _crumbs({"title": _("ИОМ педагогов")}),
        },
    )


@login_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    if not selectors.has_teacher_reach(request.user):
        raise Http404
    today = dates.today()
    page = paginate(request, selectors.overdue_items(request.user, today), 50)
    return render(
        request,
        "staff/overdue.html",
        {
            "page": page,
            "today": today,
            "breadcrumbs": _crumbs({"title": _("Просроченные пункты ИОМ")}),
        },
    )


@card_section("school", order=75, tab="diagnostics")
def school_card(request: HttpRequest, school: Any) -> str:
    """The school's staff in figures, on the school card (the card checked the school)."""
    summary = selectors.school_staff_summary(request.user, school, dates.today())
    if summary is None:
        return ""
    return render_to_string(
        "staff/_school_card.html",
        {
            "summary": summary,
            "suppress_below": selectors.SUPPRESS_BELOW,
            "may_see_teachers": selectors.may_see_teachers(request.user, school),
        },
        request=request,
    )


@card_section("home", order=60)
def home_plan_items(request: HttpRequest, user: Any) -> str:
    """«Мой ИОМ» for teachers: their plan's items overdue or due within a month."""
    today = dates.today()
    items = selectors.home_plan_items(user, today)
    if not items:
        return ""
    return home_card_html(
        request,
        HomeCard(
            key="plan-items",
            title=_("Мой индивидуальный образовательный маршрут"),
            items=[
                HomeItem(
                    item.label[:140],
                    item.plan.get_absolute_url(),
                    (_("просрочено, срок был %(d)s") if item.due_on < today else _("срок %(d)s"))
                    % {"d": dates.date_ru(item.due_on)},
                    item.due_on < today,
                )
                for item in items
            ],
            all_url=items[0].plan.get_absolute_url(),
            all_label=_("Весь маршрут"),
        ),
    )
