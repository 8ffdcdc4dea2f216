"""Writes of the support network: keyword-only, atomic, audited; the caller fetched the
objects through the selectors, and each service checks the right it needs again."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.access import Action
from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.core.files import evidence_check, image_check
from opora.core.uploads import display_name
from opora.registry.models import Organization, Person
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.execution import may_report
from opora.roadmaps.models import Activity, Roadmap, Section
from opora.roadmaps.selectors import roadmap_may
from opora.roadmaps.services import EDITABLE, activity_save, roadmap_transition
from opora.support import selectors
from opora.support.choices import Addressee, RecommendationStatus, VisitKind, VisitStatus
from opora.support.models import Recommendation, Visit, VisitPhoto, VisitTemplate
from opora.support.visit_templates import areas_from_text, scale_from_text, template_areas

# --- visits ---

NOT_ALLOWED = _("Это действие вам недоступно.")
NOTE_MAX = 4000


@transaction.atomic
def visit_template_copy(
    *, user: User, template: VisitTemplate, owner: Organization, name: str = ""
) -> VisitTemplate:
    """A copy of a template (shipped or own) owned by one of the user's authorities, to edit."""
    if owner.pk not in {o.pk for o in selectors.visit_template_owners(user)}:
        raise ValidationError({"owner": NOT_ALLOWED})
    copy = VisitTemplate(
        owner=owner,
        kind=template.kind,
        name=(
            name.strip()
            or _("%(name)s (%(owner)s)")
            % {"name": template.name, "owner": owner.short_name or owner.name}
        )[:255],
        areas=template.areas,
        scale=template.scale,
    )
    copy.full_clean()
    copy.save()
    return copy


@transaction.atomic
def visit_template_update(
    *,
    user: User,
    template: VisitTemplate,
    name: str,
    areas_text: str,
    scale_text: str,
    is_active: bool,
) -> VisitTemplate:
    """Change an own copy's name, areas and questions, scale; shipped templates never change."""
    if not selectors.visit_template_may_change(user, template):
        raise ValidationError(
            _("Этот шаблон изменить нельзя: скопируйте его для своей организации и меняйте копию.")
        )
    problems: dict[str, list[str]] = {}
    if not name.strip():
        problems["name"] = [_("Укажите название шаблона.")]
    areas: list[dict[str, Any]] = []
    try:
        areas = areas_from_text(areas_text)
    except ValidationError as exc:
        problems.update(exc.message_dict)
    needed = any(q["rated"] for area in areas for q in area["questions"])
    scale: list[str] = []
    try:
        scale = scale_from_text(scale_text, needed=needed)
    except ValidationError as exc:
        problems.update(exc.message_dict)
    if problems:
        raise ValidationError(problems)
    template.name = name.strip()[:255]
    template.areas = areas
    template.scale = scale
    template.is_active = is_active
    template.full_clean()
    template.save()
    return template


def _visit_check(
    *,
    user: User,
    school: Organization,
    kind: str,
    organiser: Organization,
    lead: Person,
    team: list[Person],
    purpose: str,
    template: VisitTemplate | None,
) -> None:
    """What planning and re-planning a visit refuse, every reason at once."""
    problems: dict[str, list[str]] = {}
    if not selectors.visit_schools(user).filter(pk=school.pk).exists():
        problems["school"] = [
            _(
                "Школа «%(school)s» вне вашей зоны: выезд в неё планирует её куратор, методист "
                "или координатор территории."
            )
            % {"school": school.short_name}
        ]
    if organiser.pk not in {o.pk for o in selectors.visit_organisers(user)}:
        problems["organiser"] = [
            _("Выезд проводит организация, в которой вы работаете: выберите её.")
        ]
    else:
        people = set(selectors.visit_people(user, [organiser]).values_list("pk", flat=True))
        if lead.pk not in people:
            problems["lead"] = [
                _("%(p)s не работает в «%(o)s».") % {"p": lead, "o": organiser.short_name}
            ]
        strangers = [str(p) for p in team if p.pk not in people]
        if strangers:
            problems["team"] = [
                _("Не работают в «%(o)s»: %(p)s.")
                % {"o": organiser.short_name, "p": ", ".join(strangers)}
            ]
    if kind not in VisitKind.values:
        problems["kind"] = [_("Выберите вид выезда.")]
    if not purpose.strip():
        problems["purpose"] = [_("Напишите цель выезда.")]
    if template is not None:
        if template.kind != kind:
            problems["template"] = [
                _("Шаблон «%(t)s» — для другого вида выезда.") % {"t": template.name}
            ]
        elif not template.is_active:
            problems["template"] = [_("Шаблон «%(t)s» не используется.") % {"t": template.name}]
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def visit_plan(
    *,
    user: User,
    school: Organization,
    kind: str,
    planned_on: datetime.date,
    organiser: Organization,
    lead: Person,
    team: list[Person],
    purpose: str,
    programme: str = "",
    template: VisitTemplate | None = None,
    form_key: uuid.UUID | None = None,
) -> Visit:
    """Plan a visit (template by kind unless chosen). The plan form's key becomes the visit's:
    the same form sent twice from a phone plans one visit, and the second send returns it."""
    if form_key is not None:
        existing = Visit.objects.filter(form_key=form_key).first()
        if existing is not None:
            return existing
    _visit_check(
        user=user,
        school=school,
        kind=kind,
        organiser=organiser,
        lead=lead,
        team=team,
        purpose=purpose,
        template=template,
    )
    visit = Visit(
        school=school,
        kind=kind,
        planned_on=planned_on,
        organiser=organiser,
        lead=lead,
        purpose=purpose.strip(),
        programme=programme.strip(),
        template=template or selectors.visit_template_default(user, kind),
        created_by=user,
    )
    if form_key is not None:
        visit.form_key = form_key
    visit.full_clean(exclude=["form_key"])
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        # The same form, sent again while the first send was being saved.
        if form_key is None:
            raise
        return Visit.objects.get(form_key=form_key)
    visit.team.set(team)
    timeline_event_record(
        target=school,
        verb=TimelineVerb.VISIT_PLANNED,
        actor=user,
        message=_("%(kind)s, %(day)s: %(purpose)s")
        % {
            "kind": visit.get_kind_display(),
            "day": dates.date_ru(planned_on),
            "purpose": visit.purpose[:300],
        },
        data={"visit": visit.pk},
    )
    return visit


@transaction.atomic
def visit_update(
    *,
    user: User,
    visit: Visit,
    kind: str,
    planned_on: datetime.date,
    organiser: Organization,
    lead: Person,
    team: list[Person],
    purpose: str,
    programme: str = "",
    template: VisitTemplate | None = None,
) -> Visit:
    """Change the plan of a visit not held yet (the school stays)."""
    if not selectors.visit_may(user, visit):
        raise ValidationError(NOT_ALLOWED)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(
            _("Выезд в состоянии «%(s)s»: план уже не меняется.")
            % {"s": visit.get_status_display()}
        )
    _visit_check(
        user=user,
        school=visit.school,
        kind=kind,
        organiser=organiser,
        lead=lead,
        team=team,
        purpose=purpose,
        template=template,
    )
    if template is None:
        template = (
            visit.template if kind == visit.kind else selectors.visit_template_default(user, kind)
        )
    if template != visit.template:
        # Answers are keyed by the template's questions (nothing is recorded while planned).
        visit.answers = {}
    visit.template = template
    visit.kind = kind
    visit.planned_on = planned_on
    visit.organiser = organiser
    visit.lead = lead
    visit.purpose = purpose.strip()
    visit.programme = programme.strip()
    visit.full_clean(exclude=["form_key"])
    visit.save()
    visit.team.set(team)
    return visit


@dataclass
class RecommendationDraft:
    """A recommendation written on the visit record form."""

    text: str
    addressee: str
    due_on: datetime.date | None


@dataclass
class RecordOutcome:
    visit: Visit
    # The same form had been saved already (sent twice): nothing was applied again.
    repeated: bool = False
    recommendations: list[Recommendation] = field(default_factory=list)
    photos: list[VisitPhoto] = field(default_factory=list)


def _answers_clean(template: VisitTemplate | None, answers: dict[str, Any]) -> dict[str, Any]:
    """Keep the answers to the template's questions: a rating within its scale, a note."""
    if template is None:
        return {}
    scale = len(template.scale)
    kept: dict[str, Any] = {}
    for area in template_areas(template.areas):
        for question in area.questions:
            given = answers.get(question.key) or {}
            rating = given.get("rating")
            if not question.rated or rating in ("", None):
                rating = None
            else:
                try:
                    rating = int(rating)
                except (TypeError, ValueError):
                    rating = None
                if rating is not None and not 0 <= rating < scale:
                    rating = None
            note = str(given.get("note") or "").strip()[:NOTE_MAX]
            if rating is not None or note:
                kept[question.key] = {"rating": rating, "note": note}
    return kept


def _recommendations_check(visit: Visit, drafts: list[RecommendationDraft]) -> list[str]:
    problems = []
    for number, draft in enumerate(drafts, start=1):
        where = _("Рекомендация %(n)s") % {"n": number}
        if not draft.text.strip():
            problems.append(_("%(w)s: напишите текст.") % {"w": where})
        if draft.addressee not in Addressee.values:
            problems.append(_("%(w)s: укажите, кому она адресована.") % {"w": where})
        if draft.due_on is None:
            problems.append(_("%(w)s: укажите срок.") % {"w": where})
        elif draft.due_on < visit.planned_on:
            problems.append(
                _("%(w)s: срок %(due)s раньше даты выезда %(day)s.")
                % {
                    "w": where,
                    "due": dates.date_ru(draft.due_on),
                    "day": dates.date_ru(visit.planned_on),
                }
            )
    return problems


@transaction.atomic
def visit_record_save(
    *,
    user: User,
    visit: Visit,
    form_key: uuid.UUID | str,
    answers: dict[str, Any],
    findings: str,
    photos: list[UploadedFile],
    photo_caption: str = "",
    recommendations: list[RecommendationDraft],
    close: bool = False,
) -> RecordOutcome:
    """Save the visit record filled on the day (answers, findings, photos, recommendations)
    and, with `close`, close the visit. All or nothing: a refused photo or recommendation
    leaves the visit as it was.

    The form carries the visit's one-time key; saving turns it over. A phone on a flaky
    connection that sends the same form twice therefore makes one record: the second send
    finds the key used and changes nothing (`RecordOutcome.repeated`)."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("template", "school")
        .get(pk=visit.pk)
    )
    if str(visit.form_key) != str(form_key):
        return RecordOutcome(visit, repeated=True)
    if not selectors.visit_may(user, visit):
        raise ValidationError(NOT_ALLOWED)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(
            _("Выезд в состоянии «%(s)s»: запись уже не меняется.")
            % {"s": visit.get_status_display()}
        )
    problems: dict[str, list[str]] = {}
    recommendation_problems = _recommendations_check(visit, recommendations)
    if recommendation_problems:
        problems["recommendations"] = recommendation_problems
    try:
        image_check(photos, max_mb=settings.OPORA_VISIT_PHOTO_MAX_MB)
    except ValidationError as exc:
        problems["photos"] = exc.messages
    if close:
        if not findings.strip():
            problems.setdefault("findings", []).append(
                _("Запишите выводы по итогам выезда, чтобы закрыть его.")
            )
        if visit.planned_on > dates.today():
            problems.setdefault("__all__", []).append(
                _("Выезд назначен на %(day)s: закрыть его можно в этот день или позже.")
                % {"day": dates.date_ru(visit.planned_on)}
            )
    if problems:
        raise ValidationError(problems)

    visit.answers = _answers_clean(visit.template, answers)
    visit.findings = findings.strip()
    outcome = RecordOutcome(visit)
    for photo in photos:
        outcome.photos.append(
            VisitPhoto.objects.create(
                visit=visit,
                file=photo,
                file_name=display_name(photo.name),
                caption=photo_caption.strip()[:255],
                uploaded_by=user,
            )
        )
    for draft in recommendations:
        assert draft.due_on is not None  # checked above
        recommendation = Recommendation(
            school=visit.school,
            visit=visit,
            text=draft.text.strip(),
            addressee=draft.addressee,
            due_on=draft.due_on,
            created_by=user,
        )
        recommendation.full_clean()
        recommendation.save()
        outcome.recommendations.append(recommendation)
    visit.form_key = uuid.uuid4()
    fields = ["answers", "findings", "form_key"]
    if close:
        visit.status = VisitStatus.DONE
        visit.closed_at = timezone.now()
        fields += ["status", "closed_at"]
        count = Recommendation.objects.filter(visit=visit).count()
        timeline_event_record(
            target=visit.school,
            verb=TimelineVerb.VISIT_DONE,
            actor=user,
            message=_("%(kind)s, %(day)s; рекомендаций: %(n)s")
            % {
                "kind": visit.get_kind_display(),
                "day": dates.date_ru(visit.planned_on),
                "n": count,
            },
            data={"visit": visit.pk},
        )
    visit.save(update_fields=fields)
    return outcome


@transaction.atomic
def visit_cancel(*, user: User, visit: Visit, refused: bool, reason: str) -> Visit:
    """Cancel a planned visit, or record that the school refused it; the reason is required."""
    if not selectors.visit_may(user, visit):
        raise ValidationError(NOT_ALLOWED)
    visit = Visit.objects.select_for_update(of=("self",)).select_related("school").get(pk=visit.pk)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(
            _("Выезд в состоянии «%(s)s»: отменить его нельзя.") % {"s": visit.get_status_display()}
        )
    if not reason.strip():
        raise ValidationError(
            {
                "reason": _("Укажите, почему школа отказалась.")
                if refused
                else _("Укажите причину отмены.")
            }
        )
    visit.status = VisitStatus.REFUSED if refused else VisitStatus.CANCELLED
    visit.status_reason = reason.strip()
    visit.form_key = uuid.uuid4()
    visit.save(update_fields=["status", "status_reason", "form_key"])
    timeline_event_record(
        target=visit.school,
        verb=TimelineVerb.VISIT_REFUSED if refused else TimelineVerb.VISIT_CANCELLED,
        actor=user,
        message=_("%(kind)s, %(day)s: %(reason)s")
        % {
            "kind": visit.get_kind_display(),
            "day": dates.date_ru(visit.planned_on),
            "reason": visit.status_reason[:300],
        },
        data={"visit": visit.pk},
    )
    return visit


def _evidence_refusal(user: User, visit: Visit, activity: Activity) -> str | None:
    """Why this visit cannot count for this activity, or None when it can."""
    roadmap = activity.roadmap
    if visit.status != VisitStatus.DONE:
        return _("Засчитать можно только проведённый выезд.")
    if roadmap.status != RoadmapStatus.EXECUTION:
        return _("Засчитать выезд можно, когда дорожная карта исполняется.")
    if not may_report(user, activity):
        return NOT_ALLOWED
    if roadmap.school_id is not None:
        if roadmap.school_id != visit.school_id:
            return _("Выезд в другую школу: засчитать его в дорожную карту «%(r)s» нельзя.") % {
                "r": roadmap.title[:80]
            }
    elif not roadmap.programme.schools.filter(pk=visit.school_id).exists():
        return _("Школа «%(s)s» не участвует в программе этой дорожной карты.") % {
            "s": visit.school.short_name
        }
    return None


@transaction.atomic
def visit_activity_link(*, user: User, visit: Visit, activity: Activity) -> None:
    """Count a carried-out visit as evidence of a roadmap activity (its school's roadmap, or
    the municipal roadmap of a programme the school takes part in)."""
    refusal = _evidence_refusal(user, visit, activity)
    if refusal:
        raise ValidationError(refusal)
    visit.activities.add(activity)


@transaction.atomic
def activity_visits_set(*, user: User, activity: Activity, visits: list[Visit]) -> None:
    """The visits counted as evidence of `activity`, as chosen on its report form: the chosen
    ones (each checked) are linked, the other candidates unlinked."""
    candidates = selectors.activity_visit_candidates(user, activity)
    chosen = {v.pk for v in visits}
    problems = []
    for visit in visits:
        refusal = _evidence_refusal(user, visit, activity)
        if refusal:
            problems.append(f"{visit}: {refusal}")
    if problems:
        raise ValidationError(problems)
    if not may_report(user, activity):
        raise ValidationError(NOT_ALLOWED)
    through = Visit.activities.through
    through.objects.filter(activity=activity, visit__in=candidates.values("pk")).exclude(
        visit_id__in=chosen
    ).delete()
    for visit in visits:
        visit.activities.add(activity)


# Recommendations.

ANSWERS = (RecommendationStatus.ACCEPTED, RecommendationStatus.DONE, RecommendationStatus.DISPUTED)


@transaction.atomic
def recommendation_answer(
    *,
    user: User,
    recommendation: Recommendation,
    status: str,
    answer: str = "",
    done_on: datetime.date | None = None,
    evidence: UploadedFile | None = None,
) -> Recommendation:
    """The addressee's answer: accepted; done, with the date and a file proving it; or
    disputed, with the reason."""
    recommendation = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("school__territory")
        .get(pk=recommendation.pk)
    )
    if not selectors.recommendation_may_answer(user, recommendation):
        if recommendation.status not in selectors.OPEN_RECOMMENDATION:
            raise ValidationError(
                _("Рекомендация в состоянии «%(s)s»: ответ уже не меняется.")
                % {"s": recommendation.get_status_display()}
            )
        raise ValidationError(NOT_ALLOWED)
    if status not in ANSWERS:
        raise ValidationError({"status": _("Выберите ответ.")})
    answer = answer.strip()
    today = dates.today()
    if status == RecommendationStatus.DISPUTED and not answer:
        raise ValidationError({"answer": _("Напишите, почему школа не согласна с рекомендацией.")})
    if status == RecommendationStatus.DONE:
        problems: dict[str, list[str]] = {}
        done_on = done_on or today
        if done_on > today:
            problems["done_on"] = [_("Дата выполнения ещё не наступила.")]
        if evidence is None and not recommendation.evidence:
            problems["evidence"] = [
                _("Приложите подтверждение: приказ, протокол, справку или фотографии.")
            ]
        elif evidence is not None:
            try:
                evidence_check([evidence])
            except ValidationError as exc:
                problems["evidence"] = exc.messages
        if problems:
            raise ValidationError(problems)
        recommendation.done_on = done_on
        if evidence is not None:
            recommendation.evidence = evidence
            recommendation.evidence_name = display_name(evidence.name)
    recommendation.status = status
    recommendation.answer = answer
    recommendation.answered_by = user
    recommendation.answered_at = timezone.now()
    recommendation.full_clean()
    recommendation.save()
    message = f"{recommendation.get_status_display()}: {recommendation.text[:200]}"
    if answer:
        message += f" — {answer[:300]}"
    timeline_event_record(
        target=recommendation.school,
        verb=TimelineVerb.RECOMMENDATION_ANSWERED,
        actor=user,
        message=message,
        data={"recommendation": recommendation.pk},
    )
    return recommendation


@transaction.atomic
def recommendation_withdraw(
    *, user: User, recommendation: Recommendation, reason: str
) -> Recommendation:
    """The curator or methodist withdraws a recommendation still open, saying why."""
    if not selectors.recommendation_may_withdraw(user, recommendation):
        raise ValidationError(NOT_ALLOWED)
    if not reason.strip():
        raise ValidationError({"reason": _("Укажите, почему рекомендация снимается.")})
    recommendation.status = RecommendationStatus.WITHDRAWN
    recommendation.save(update_fields=["status"])
    timeline_event_record(
        target=recommendation.school,
        verb=TimelineVerb.RECOMMENDATION_WITHDRAWN,
        actor=user,
        message=f"{recommendation.text[:200]} — {reason.strip()[:300]}",
        data={"recommendation": recommendation.pk},
    )
    return recommendation


# Roadmap states in which an activity is added through a correction (a new version).
CORRECTABLE = frozenset({RoadmapStatus.APPROVED, RoadmapStatus.EXECUTION})


def _next_number(section: Section) -> str:
    count = Activity.objects.filter(section=section).count()
    return f"{section.number}.{count + 1}" if section.number else str(count + 1)


@transaction.atomic
def recommendation_to_activity(
    *,
    user: User,
    recommendation: Recommendation,
    section: Section,
    text: str,
    schedule_text: str,
    responsible: str,
    due_on: datetime.date | None,
    correction: str = "",
) -> Activity:
    """Make the recommendation an activity of its school's roadmap, through the roadmaps app's
    own services: added at once to a draft (or returned) roadmap; an approved or running one
    first goes into correction (a new version, back to draft, approved again) — which is what
    the roadmaps app allows, so the user must say why (`correction`); a roadmap under review
    takes no activity until it is returned or approved."""
    roadmap: Roadmap = section.roadmap
    if recommendation.activity_id is not None:
        raise ValidationError(_("Рекомендация уже включена в дорожную карту."))
    if recommendation.status == RecommendationStatus.WITHDRAWN:
        raise ValidationError(_("Рекомендация снята."))
    if roadmap.school_id != recommendation.school_id:
        raise ValidationError({"section": _("Это раздел дорожной карты другой школы.")})
    if not roadmap_may(user, roadmap, Action.CHANGE):
        raise ValidationError(NOT_ALLOWED)
    if roadmap.status in CORRECTABLE:
        if not correction.strip():
            raise ValidationError(
                {
                    "correction": _(
                        "Дорожная карта «%(r)s» утверждена: мероприятие добавляется её "
                        "корректировкой (новая версия, которую утверждают заново). Напишите "
                        "основание корректировки."
                    )
                    % {"r": roadmap.title[:120]}
                }
            )
        roadmap = roadmap_transition(
            roadmap=roadmap, name="correct", user=user, comment=correction.strip()
        )
    elif roadmap.status not in EDITABLE:
        raise ValidationError(
            _(
                "Дорожная карта «%(r)s» в состоянии «%(s)s»: мероприятие можно добавить, когда "
                "её вернут на доработку или утвердят."
            )
            % {"r": roadmap.title[:120], "s": roadmap.get_status_display()}
        )
    activity = activity_save(
        roadmap=roadmap,
        user=user,
        values={
            "section": section,
            "number": _next_number(section),
            "text": text.strip(),
            "schedule_text": schedule_text.strip(),
            "responsible": responsible.strip(),
            "result": "",
            "document": "",
            "due_on": due_on,
        },
    )
    recommendation.activity = activity
    fields = ["activity"]
    if recommendation.status == RecommendationStatus.OPEN:
        # Planning it is accepting it.
        recommendation.status = RecommendationStatus.ACCEPTED
        recommendation.answered_by = user
        recommendation.answered_at = timezone.now()
        fields += ["status", "answered_by", "answered_at"]
    recommendation.save(update_fields=fields)
    timeline_event_record(
        target=recommendation.school,
        verb=TimelineVerb.RECOMMENDATION_ACTIVITY,
        actor=user,
        message=_("«%(t)s» — мероприятие %(n)s дорожной карты «%(r)s»")
        % {"t": recommendation.text[:200], "n": activity.number, "r": roadmap.title[:120]},
        data={"recommendation": recommendation.pk, "activity": activity.pk},
    )
    return activity
