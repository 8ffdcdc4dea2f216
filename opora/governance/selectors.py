"""Reads of governance, each limited to what the user may see (opora.core.access)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opora.core import dates
from opora.core.access import (
    Action,
    UserLike,
    get_for_user,
    own_organizations,
    permits,
    restrict,
)
from opora.governance.choices import (
    RHYTHM_CHOICES,
    DecisionState,
    DecisionStatus,
    MeetingStatus,
)
from opora.governance.models import AgendaItem, Body, Composition, Decision, Meeting, Member
from opora.registry.choices import OrganizationKind
from opora.registry.models import Order, Organization, Person
from opora.registry.scoping import coordinator_reach
from opora.registry.selectors import school_search
from opora.roadmaps.models import Activity, Roadmap

# An open decision is «due soon» this many days before its date.
DUE_SOON_DAYS = 14

# --- bodies ---


def body_list(user: UserLike) -> QuerySet[Body]:
    """The bodies the user may read, with their owner and the date of the last held meeting."""
    return (
        restrict(Body.objects.all(), user)
        .select_related("owner", "programme")
        .annotate(last_held=Max("meetings__date", filter=Q(meetings__status=MeetingStatus.HELD)))
        .order_by("owner__name", "name", "pk")
    )


def body_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Body:
    """A body the user may read (or, with CHANGE, manage); 404 otherwise."""
    qs = Body.objects.select_related("owner__territory", "programme").annotate(
        last_held=Max("meetings__date", filter=Q(meetings__status=MeetingStatus.HELD))
    )
    return get_for_user(qs, user, pk, action)


def body_may_manage(user: UserLike, body: Body) -> bool:
    return permits(user, body, Action.CHANGE)


def body_owner_choices(user: UserLike) -> QuerySet[Organization]:
    """The authorities (and schools, for school associations) the user may create bodies for:
    the organisations of their coordinator roles' territories."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return (
        Organization.objects.filter(coordinator_reach(user).organization_q())
        .filter(
            kind__in=[
                OrganizationKind.EDUCATION_AUTHORITY,
                OrganizationKind.METHODICAL_CENTRE,
                OrganizationKind.SCHOOL,
            ],
            is_active=True,
        )
        .order_by("kind", "name")
    )


def body_owner_find(user: UserLike, text: str) -> list[Organization]:
    """The organisations of `body_owner_choices` that `text` names («ДО», «СОШ № 1», «15»):
    an exact name or short name wins, else `school_search`; at most FIND_LIMIT, so the form
    never lists every school of the territory."""
    text = " ".join(text.split())
    if not text:
        return []
    qs = body_owner_choices(user)
    exact = list(qs.filter(Q(short_name__iexact=text) | Q(name__iexact=text) | Q(short_name=text)))
    if len(exact) == 1:
        return exact
    return list(school_search(qs, text)[:FIND_LIMIT])


def body_owner_default(user: UserLike) -> Organization | None:
    """The organisation a new body is most likely created for: the first one where the user
    holds a coordinator's role — only coordinators hold APPROVE (no query beyond the user's
    memberships)."""
    owners = own_organizations(user, Action.APPROVE, territory_roles=True)
    return owners[0] if owners else None


def body_may_create(user: UserLike) -> bool:
    return not coordinator_reach(user).is_empty


def _with_members(qs: QuerySet[Composition]) -> QuerySet[Composition]:
    return qs.select_related("order").prefetch_related(
        Prefetch("members", queryset=Member.objects.select_related("person"))
    )


def composition_on(body: Body, day: datetime.date) -> Composition | None:
    """The approved composition of a body the caller has fetched, in force on `day`, with its
    members and order (three queries). A proposal is never in force."""
    return (
        body.compositions.filter(approved=True, since__lte=day)
        .select_related("order")
        .prefetch_related(Prefetch("members", queryset=Member.objects.select_related("person")))
        .order_by("-since", "-pk")
        .first()
    )


def body_compositions(body: Body) -> list[Composition]:
    """Every approved version of the composition, the newest first, with member counts."""
    return list(
        body.compositions.filter(approved=True)
        .select_related("order")
        .annotate(size=Count("members"))
        .order_by("-since", "-pk")
    )


def composition_proposed(body: Body) -> Composition | None:
    """The body's proposal («проект состава») awaiting its order, with its members."""
    return _with_members(body.compositions.filter(approved=False)).order_by("-pk").first()


def composition_previous(composition: Composition) -> Composition | None:
    """The approved version `composition` replaces (or replaced): the latest one before it."""
    earlier = composition.body.compositions.filter(approved=True).exclude(pk=composition.pk)
    if composition.approved and composition.since is not None:
        earlier = earlier.filter(since__lte=composition.since).exclude(
            since=composition.since, pk__gt=composition.pk
        )
    return earlier.select_related("order").order_by("-since", "-pk").first()


def order_compositions(user: UserLike, order: Order) -> list[Composition]:
    """The compositions `order` approves (or is drafted for) of the bodies the user may read."""
    return list(
        _with_members(
            Composition.objects.filter(order=order, body__in=restrict(Body.objects.all(), user))
        )
        .select_related("body__owner")
        .order_by("pk")
    )


# A search answers with at most this many matches: enough to say «several, be precise».
FIND_LIMIT = 6


def _name_word_q(field: str, word: str) -> Q:
    # SQLite's iexact folds only ASCII: try the word as typed and capitalised too.
    return (
        Q(**{f"{field}__iexact": word})
        | Q(**{field: word})
        | Q(**{field: word[:1].upper() + word[1:].lower()})
    )


def person_find(text: str, *, prefer: list[int] | tuple[int, ...] = ()) -> list[Person]:
    """The people a composition row names (a manager's form; members may come from outside the
    authority, so the whole people registry is searched, never listed): an e-mail matches
    exactly, else «Фамилия Имя Отчество» word by word. Among several namesakes the ones in
    `prefer` (the current composition) win. At most FIND_LIMIT, in one query."""
    text = " ".join(text.split())
    if not text:
        return []
    if "@" in text:
        q = Q(email__iexact=text)
    else:
        words = text.split(" ")
        if len(words) > 3:
            return []
        q = Q()
        for field, word in zip(("last_name", "first_name", "middle_name"), words, strict=False):
            q &= _name_word_q(field, word)
    found = list(Person.objects.filter(q).order_by("last_name", "first_name", "pk")[:FIND_LIMIT])
    preferred = [p for p in found if p.pk in prefer]
    return preferred if len(preferred) == 1 else found


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole months from `earlier` to `later`."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return months


def rhythm_label(months: int) -> str:
    labels = dict(RHYTHM_CHOICES)
    if months in labels:
        return str(labels[months])
    return ngettext("не реже 1 раза в %(n)d месяц", "не реже 1 раза в %(n)d месяцев", months) % {
        "n": months
    }


def rhythm_warning(
    body: Body, last_held: datetime.date | None, today: datetime.date | None = None
) -> str:
    """Why the body breaks its regulation's rhythm («по положению — не реже 1 раза в
    полугодие; последнее заседание — 8 месяцев назад»), or "" when it keeps it."""
    if not body.rhythm_months:
        return ""
    today = today or dates.today()
    rule = _("по положению — %(rule)s") % {"rule": rhythm_label(body.rhythm_months)}
    if last_held is None:
        started = body.created_at.date() if body.created_at else today
        if months_between(started, today) < body.rhythm_months:
            return ""
        return _("%(rule)s; заседаний ещё не было") % {"rule": rule}
    months = months_between(last_held, today)
    if months < body.rhythm_months:
        return ""
    ago = ngettext("%(n)d месяц назад", "%(n)d месяцев назад", months) % {"n": months}
    return _("%(rule)s; последнее заседание — %(ago)s (%(date)s)") % {
        "rule": rule,
        "ago": ago,
        "date": dates.date_ru(last_held),
    }


# --- meetings ---


def meeting_list(user: UserLike) -> QuerySet[Meeting]:
    return (
        restrict(Meeting.objects.all(), user).select_related("body__owner").order_by("-date", "-pk")
    )


def meeting_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Meeting:
    """A meeting of a body the user may read (or manage, with CHANGE); 404 otherwise."""
    qs = Meeting.objects.select_related(
        "body__owner__territory", "composition__order", "chair", "secretary"
    )
    return get_for_user(qs, user, pk, action)


def meeting_may_manage(user: UserLike, meeting: Meeting) -> bool:
    return permits(user, meeting, Action.CHANGE)


def meeting_items(meeting: Meeting) -> list[AgendaItem]:
    """The agenda with each item's decisions (two queries)."""
    decisions = Decision.objects.select_related("responsible_person", "responsible_organization")
    return list(
        meeting.items.prefetch_related(Prefetch("decisions", queryset=decisions)).order_by(
            "number", "pk"
        )
    )


def meeting_members(meeting: Meeting) -> list[Member]:
    """The members counted for the meeting: its composition, else the one in force that day."""
    composition = meeting.composition or composition_on(meeting.body, meeting.date)
    if composition is None:
        return []
    return list(composition.members.select_related("person").order_by("position_number", "pk"))


def body_meetings(body: Body) -> QuerySet[Meeting]:
    """The body's meetings, newest first, each with its number of decisions (paged by the
    page: a body meeting for years has dozens)."""
    return body.meetings.annotate(decision_count=Count("decisions")).order_by("-date", "-pk")


# --- decisions ---


def decision_state_q(state: str, today: datetime.date) -> Q:
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    open_ = Q(status=DecisionStatus.OPEN)
    states: dict[str, Q] = {
        DecisionState.OPEN: open_,
        DecisionState.DUE_SOON: open_ & Q(due_on__gte=today, due_on__lte=soon),
        DecisionState.OVERDUE: open_ & Q(due_on__lt=today),
        DecisionState.DONE: Q(status=DecisionStatus.DONE),
        DecisionState.CANCELLED: Q(status=DecisionStatus.CANCELLED),
    }
    return states.get(state, Q())


def decision_state(decision: Decision, today: datetime.date | None = None) -> DecisionState:
    """The state the register shows: open decisions split by their due date."""
    today = today or dates.today()
    if decision.status == DecisionStatus.DONE:
        return DecisionState.DONE
    if decision.status == DecisionStatus.CANCELLED:
        return DecisionState.CANCELLED
    if decision.due_on < today:
        return DecisionState.OVERDUE
    if decision.due_on <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return DecisionState.DUE_SOON
    return DecisionState.OPEN


def decision_list(
    user: UserLike,
    *,
    state: str = "",
    body: Body | None = None,
    mine: bool = False,
    search: str = "",
) -> QuerySet[Decision]:
    """The register: decisions the user may see, filtered (one query for a page)."""
    qs = restrict(Decision.objects.all(), user).select_related(
        "meeting__body", "responsible_person", "responsible_organization"
    )
    if state:
        qs = qs.filter(decision_state_q(state, dates.today()))
    if body is not None:
        qs = qs.filter(meeting__body=body)
    if mine:
        qs = qs.filter(responsible_person__user_id=user.pk or 0)
    if search:
        qs = qs.filter(
            Q(text__icontains=search)
            | Q(responsible_person__last_name__icontains=search)
            | Q(responsible_organization__short_name__icontains=search)
        )
    return qs.order_by("due_on", "pk")


def decision_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Decision:
    """A decision the user may see (or report on, with CHANGE); 404 otherwise."""
    qs = Decision.objects.select_related(
        "meeting__body__owner", "item", "responsible_person", "responsible_organization"
    )
    return get_for_user(qs, user, pk, action)


def decision_may_report(user: UserLike, decision: Decision) -> bool:
    return decision.status == DecisionStatus.OPEN and permits(user, decision, Action.CHANGE)


def decision_may_cancel(user: UserLike, decision: Decision) -> bool:
    return (
        decision.status == DecisionStatus.OPEN
        and restrict(Body.objects.filter(pk=decision.meeting.body_id), user, Action.CHANGE).exists()
    )


def responsible_organization_choices(user: UserLike, body: Body) -> QuerySet[Organization]:
    """Organisations a decision may be addressed to: those in the owner's territory."""
    path = body.owner.territory.path
    return Organization.objects.filter(territory__path__startswith=path, is_active=True).order_by(
        "kind", "short_name", "pk"
    )


def responsible_organization_find(user: UserLike, body: Body, text: str) -> list[Organization]:
    """The organisations of the owner's territory that `text` names (a school's number or name,
    «ГЦРО», «СОШ № 1»): an exact name or short name wins, else `school_search` over names,
    codes and numbers. At most FIND_LIMIT, so the minutes page never lists the territory."""
    text = " ".join(text.split())
    if not text:
        return []
    qs = responsible_organization_choices(user, body)
    exact = list(qs.filter(Q(short_name__iexact=text) | Q(name__iexact=text) | Q(short_name=text)))
    if len(exact) == 1:
        return exact
    return list(school_search(qs, text)[:FIND_LIMIT])


@dataclass
class DecisionSummary:
    open: int
    overdue: int
    due_soon: int
    upcoming: list[Decision]


def my_decisions(user: UserLike) -> DecisionSummary | None:
    """The home page's block for a responsible person: two queries; None when they have none."""
    if not user.is_authenticated:
        return None
    today = dates.today()
    mine = Decision.objects.filter(responsible_person__user_id=user.pk, status=DecisionStatus.OPEN)
    counts = mine.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=decision_state_q(DecisionState.OVERDUE, today)),
        soon=Count("pk", filter=decision_state_q(DecisionState.DUE_SOON, today)),
    )
    if not counts["total"]:
        return None
    upcoming = list(mine.select_related("meeting__body").order_by("due_on", "pk")[:5])
    return DecisionSummary(counts["total"], counts["overdue"], counts["soon"], upcoming)


# --- roadmap evidence ---


def activity_meeting_candidates(user: UserLike, activity: Activity) -> QuerySet[Meeting]:
    """Held meetings (of bodies the user may read) that may be evidence of `activity`: bodies
    of the roadmap's programme, or owned by its programme's owner."""
    roadmap = activity.roadmap
    linked = Meeting.activities.through.objects.filter(meeting=OuterRef("pk"), activity=activity)
    return (
        restrict(Meeting.objects.filter(status=MeetingStatus.HELD), user)
        .filter(
            Q(body__programme_id=roadmap.programme_id)
            | Q(body__owner_id=roadmap.programme.owner_id)
        )
        .select_related("body")
        .annotate(is_linked=Exists(linked))
        .order_by("-date", "-pk")
    )


@dataclass(frozen=True)
class MeetingEvidence:
    pk: int
    label: str
    url: str


def roadmap_meeting_evidence(user: UserLike, roadmap: Roadmap) -> dict[int, list[MeetingEvidence]]:
    """The meetings each activity of the roadmap counts, those the user may see: one query."""
    through = Meeting.activities.through
    seen = restrict(Meeting.objects.all(), user).values("pk")
    rows = (
        through.objects.filter(activity__roadmap=roadmap, meeting__in=seen)
        .order_by("meeting__date", "meeting_id")
        .values_list("activity_id", "meeting_id", "meeting__date", "meeting__body__name")
    )
    result: dict[int, list[MeetingEvidence]] = {}
    for activity_id, meeting_id, day, body in rows:
        label = f"{body}, {dates.date_ru(day)}"
        url = reverse("governance:meeting", args=[meeting_id])
        result.setdefault(activity_id, []).append(MeetingEvidence(meeting_id, label, url))
    return result


def meeting_activities(user: UserLike, meeting: Meeting) -> list[Activity]:
    roadmaps = restrict(Roadmap.objects.all(), user).values("pk")
    return list(
        meeting.activities.filter(roadmap__in=roadmaps)
        .select_related("roadmap")
        .order_by("roadmap_id", "position")
    )


def index_summary(user: UserLike) -> dict[str, int]:
    """The landing page's counts (three queries)."""
    today = dates.today()
    decisions = restrict(Decision.objects.all(), user).aggregate(
        open=Count("pk", filter=decision_state_q(DecisionState.OPEN, today)),
        overdue=Count("pk", filter=decision_state_q(DecisionState.OVERDUE, today)),
    )
    return {
        "bodies": restrict(Body.objects.all(), user).count(),
        "planned": restrict(Meeting.objects.filter(status=MeetingStatus.PLANNED), user).count(),
        "open_decisions": decisions["open"],
        "overdue_decisions": decisions["overdue"],
    }
