"""Reads from the registry, each limited to what the user may see (see opora.core.access)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import Count, F, Prefetch, Q, QuerySet

from opora.core import dates
from opora.core.access import (
    TERRITORY_ROLES,
    Action,
    UserLike,
    can,
    get_for_user,
    has_any,
    organization_deciding_reach,
    reach,
    restrict,
    user_memberships,
)
from opora.core.choices import Role
from opora.core.models import Job
from opora.core.queries import count_of
from opora.registry.choices import OrderStatus, OrganizationKind
from opora.registry.models import (
    CuratorAssignment,
    Membership,
    Order,
    Organization,
    Person,
    Programme,
    ProgrammeSchool,
    Territory,
)


def current_curators() -> QuerySet[CuratorAssignment]:
    """Assignments running today (`until` inclusive), with the curator and the appointing
    order (the card names its number and date)."""
    today = dates.today()
    return (
        CuratorAssignment.objects.filter(since__lte=today)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .select_related("curator", "order")
        .order_by("curator__last_name", "curator__first_name", "pk")
    )


def school_list(user: UserLike) -> QuerySet[Organization]:
    """Schools the user may see, with what the list shows joined in (constant query count):
    each page's current curators come with one more query (`current_curators` attribute)."""
    return (
        restrict(Organization.objects.filter(kind=OrganizationKind.SCHOOL), user)
        .select_related("school", "territory")
        .annotate(school_type_code=F("school__school_type"), locality_code=F("school__locality"))
        .prefetch_related(
            Prefetch("curator_assignments", current_curators(), to_attr="current_curators")
        )
    )


def school_curators(user: UserLike, school: Organization) -> list[CuratorAssignment] | None:
    """The school's current curator assignments, or None when the user may not see people's
    names there (they see only whether a curator is assigned: `school_has_curator`)."""
    if not can(user, Action.VIEW_PEOPLE, school):
        return None
    return list(current_curators().filter(school=school))


def school_has_curator(school: Organization) -> bool:
    """Whether a curator is assigned to the school now (a fact, not a name)."""
    return current_curators().filter(school=school).exists()


def school_search(qs: QuerySet[Organization], text: str) -> QuerySet[Organization]:
    """Schools whose name, short name, code or number matches `text` ("15", "гимназия 2")."""
    q = Q()
    for word in text.replace("№", " ").split():
        word_q = (
            Q(name__icontains=word)
            | Q(short_name__icontains=word)
            | Q(code__iexact=word)
            | Q(school__number__iexact=word)
        )
        # SQLite's icontains folds only ASCII; try the capitalised form for Cyrillic words.
        if word[:1].islower():
            cap = word[:1].upper() + word[1:]
            word_q |= Q(name__contains=cap) | Q(short_name__contains=cap)
        q &= word_q
    return qs.filter(q)


def school_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Organization:
    """A school the user may `action`, or 404."""
    qs = Organization.objects.filter(kind=OrganizationKind.SCHOOL).select_related(
        "school", "territory", "parent"
    )
    return get_for_user(qs, user, pk, action)


def organization_list(user: UserLike) -> QuerySet[Organization]:
    """All organisations the user may see."""
    return restrict(Organization.objects.all(), user).select_related("territory")


def organization_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Organization:
    """An organisation (a school too) the user may `action`; 404 otherwise."""
    return get_for_user(
        Organization.objects.select_related("territory", "parent", "school"), user, pk, action
    )


def organization_code_taken(code: str) -> bool:
    """Whether any organisation has this registry code (anywhere: codes are unique). Says
    nothing else about it; only those who may add organisations ever ask."""
    return Organization.objects.filter(code=code).exists()


def school_ids_visible(user: UserLike) -> set[int]:
    """The ids of the schools the user may see (to pick the visible ones out of a list)."""
    return set(
        restrict(Organization.objects.filter(kind=OrganizationKind.SCHOOL), user).values_list(
            "pk", flat=True
        )
    )


def organization_people(user: UserLike, organization: Organization) -> QuerySet[Membership] | None:
    """The organisation's people with their roles, or None when the user may see counts only."""
    if not can(user, Action.VIEW_PEOPLE, organization):
        return None
    return (
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("person")
        .order_by("role", "person__last_name", "pk")
    )


def organization_role_counts(organization: Organization) -> list[dict[str, Any]]:
    """How many people hold each role in the organisation (aggregate, no personal data)."""
    rows = (
        Membership.objects.filter(organization=organization, is_active=True)
        .values("role")
        .annotate(count=Count("pk"))
        .order_by("role")
    )
    return [{"label": Role(row["role"]).label, "count": row["count"]} for row in rows]


def territory_roots(user: UserLike) -> QuerySet[Territory]:
    """The topmost territories the user may see."""
    visible = restrict(Territory.objects.all(), user)
    depth = visible.order_by("depth").values_list("depth", flat=True).first()
    return visible.filter(depth=depth) if depth is not None else visible.none()


def territory_list(user: UserLike) -> QuerySet[Territory]:
    """The territories the user may see (with the ancestors breadcrumbs need), by path."""
    return restrict(Territory.objects.all(), user).order_by("path")


def territory_get(user: UserLike, pk: Any) -> Territory:
    """A territory the user may see; 404 otherwise."""
    return get_for_user(Territory.objects.all(), user, pk)


def territory_find(user: UserLike, pk: Any) -> Territory | None:
    """A territory the user may see, or None (a filter's value, not a page)."""
    try:
        return territory_list(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def territory_ancestors(user: UserLike, territory: Territory) -> list[Territory]:
    """The territory's ancestors the user may see, from the top (breadcrumbs)."""
    if territory.depth <= 1:
        return []
    return list(restrict(Territory.objects.get_ancestors(territory), user))


def territory_by_code(user: UserLike, code: str) -> Territory | None:
    """The territory with this code if the user may see it (`opora import --territory`)."""
    return restrict(Territory.objects.all(), user).filter(code=code).first()


def territory_children(user: UserLike, territory: Territory) -> QuerySet[Territory]:
    """Visible child territories, each with the number of visible schools in its subtree."""
    return restrict(Territory.objects.get_children(territory), user)


def territory_school_counts(user: UserLike, territories: list[Territory]) -> dict[int, int]:
    """Visible schools per territory subtree, in one query."""
    paths = {t.pk: t.path for t in territories}
    rows = school_list(user).values_list("territory__path", flat=True)
    counts = dict.fromkeys(paths, 0)
    for school_path in rows:
        for pk, path in paths.items():
            if school_path.startswith(path):
                counts[pk] += 1
    return counts


def territory_organizations(user: UserLike, territory: Territory) -> QuerySet[Organization]:
    """Visible organisations placed directly on this territory."""
    return organization_list(user).filter(territory=territory).select_related("school")


def school_programmes(user: UserLike, school: Organization) -> list[ProgrammeSchool]:
    """The programmes the school takes part in that the user may see."""
    visible = restrict(Programme.objects.all(), user)
    return list(
        ProgrammeSchool.objects.filter(school=school, programme__in=visible)
        .select_related("programme")
        .order_by("-programme__starts_on")
    )


def programme_list(user: UserLike) -> QuerySet[Programme]:
    return (
        restrict(Programme.objects.all(), user)
        .select_related("owner")
        .annotate(school_count=count_of(ProgrammeSchool.objects.all(), "programme"))
        .order_by("-starts_on", "name", "pk")
    )


def programme_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Programme:
    """A programme the user may see, or with CHANGE one whose owner they may change (edit,
    approve, set up its monitoring); 404 otherwise."""
    # No schools prefetched: a regional programme has thousands, and the pages that show them
    # page them (`programme_visible_schools`).
    return get_for_user(Programme.objects.select_related("owner"), user, pk, action)


def programme_school_get(user: UserLike, programme: Programme, pk: Any) -> Organization:
    """A school of the programme that the user may see; 404 otherwise."""
    return get_for_user(
        Organization.objects.select_related("territory").filter(programmes=programme), user, pk
    )


def programme_visible_schools(user: UserLike, programme: Programme) -> QuerySet[ProgrammeSchool]:
    """Participating schools the user may see (a director sees their own school only), by
    name: a queryset, so that the programme's page reads only the page it shows."""
    visible = restrict(Organization.objects.filter(kind=OrganizationKind.SCHOOL), user)
    return (
        ProgrammeSchool.objects.filter(programme=programme, school__in=visible)
        .select_related("school__territory")
        .order_by("school__short_name", "pk")
    )


def person_for_user(user: UserLike) -> Person | None:
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).first()


def home_summary(user: UserLike) -> dict[str, Any]:
    """What the home page shows a user: their roles, reach and the shortest ways into it; the
    counts of what they reach only to those who oversee a territory (`show_counts`)."""
    memberships = user_memberships(user)
    roles = {m.role for m in memberships}
    # The block names each school and its territory only: not `school_list`'s profile,
    # annotations and curators.
    own_schools: list[Organization] = []
    if Role.CURATOR in roles:
        assigned = Organization.objects.filter(
            kind=OrganizationKind.SCHOOL, curator_assignments__curator__user=cast(User, user)
        )
        own_schools = list(restrict(assigned, user).select_related("territory").distinct())
    else:
        # The schools of one's memberships, read with them: the reach decides (no query).
        by_pk = {
            m.organization_id: m.organization
            for m in memberships
            if m.organization.kind == OrganizationKind.SCHOOL
        }
        sees = organization_deciding_reach(Organization, user)
        if sees is None:
            own_schools = list(
                restrict(Organization.objects.filter(pk__in=list(by_pk)), user).select_related(
                    "territory"
                )
            )
        else:
            own_schools = sorted(
                (school for school in by_pk.values() if sees.covers(school)),
                key=lambda school: (school.short_name, school.pk),
            )
    territory_paths = sorted(reach(user).territory_paths)
    territories = (
        list(Territory.objects.filter(path__in=territory_paths)) if roles & TERRITORY_ROLES else []
    )
    if user.is_superuser:
        territories = list(Territory.objects.get_root_nodes())
    show_counts = user.is_superuser or bool(roles & TERRITORY_ROLES)
    counts: dict[str, int] = {}
    if show_counts:
        # Schools and all organisations in one pass over the reach.
        counts = organization_list(user).aggregate(
            school_count=Count("pk", filter=Q(kind=OrganizationKind.SCHOOL)),
            organization_count=Count("pk"),
        )
        counts["programme_count"] = restrict(Programme.objects.all(), user).count()
        counts["job_count"] = Job.objects.filter(created_by=user).count()  # type: ignore[misc]
    return {
        "person": memberships[0].person if memberships else person_for_user(user),
        "memberships": memberships,
        "show_counts": show_counts,
        **counts,
        "own_schools": own_schools,
        "is_curator": Role.CURATOR in roles,
        # Named and linked with their period: not `programme_list`'s owner and school counts.
        "programmes": list(
            restrict(Programme.objects.all(), user)
            .only("name", "starts_on", "ends_on")
            .order_by("-starts_on", "name", "pk")[:5]
        ),
        "territories": territories,
        "can_import": has_any(user, Action.IMPORT),
    }


def creatable_territories(user: UserLike) -> QuerySet[Territory]:
    """Territories where the user may add organisations: the subtrees of territory-wide roles.

    A director may change their own school but not add schools next to it.
    """
    return restrict(Territory.objects.all(), user, Action.CHANGE)


def parent_organization_choices(
    user: UserLike, organization: Organization | None = None
) -> QuerySet[Organization]:
    """Organisations other than schools that the user sees, possible parents of one; the
    current parent stays a choice even when it lies outside the user's reach."""
    visible = restrict(Organization.objects.exclude(kind=OrganizationKind.SCHOOL), user).values(
        "pk"
    )
    qs = Organization.objects.filter(pk__in=visible)
    if organization is not None and organization.parent_id:
        qs = Organization.objects.filter(Q(pk__in=visible) | Q(pk=organization.parent_id))
    if organization is not None and organization.pk:
        qs = qs.exclude(pk=organization.pk)
    return qs.select_related("territory").order_by("short_name")


def programme_owner_choices(user: UserLike) -> QuerySet[Organization]:
    """Education authorities in reach that the user may change: possible programme owners."""
    return restrict(
        Organization.objects.filter(kind=OrganizationKind.EDUCATION_AUTHORITY), user, Action.CHANGE
    )


def programme_school_choices(user: UserLike) -> QuerySet[Organization]:
    """Schools the user may include in a programme (those in the user's change reach)."""
    return restrict(
        Organization.objects.filter(kind=OrganizationKind.SCHOOL), user, Action.CHANGE
    ).order_by("short_name")


# --- Orders (приказы) -------------------------------------------------------------------

ORDER_ISSUER_KINDS = (OrganizationKind.EDUCATION_AUTHORITY, OrganizationKind.METHODICAL_CENTRE)


def order_list(user: UserLike) -> QuerySet[Order]:
    """The orders of the authorities the user reaches, with their issuer (constant queries)."""
    return restrict(Order.objects.all(), user).select_related("issuer")


def order_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Order:
    """An order the user may see (or, with CHANGE, draft, register or cancel); 404 otherwise."""
    return get_for_user(Order.objects.select_related("issuer__territory"), user, pk, action)


def order_may_change(user: UserLike, order: Order) -> bool:
    return can(user, Action.CHANGE, order.issuer)


def order_issuer_choices(user: UserLike) -> QuerySet[Organization]:
    """Authorities (and methodical centres) whose orders the user may draft and register."""
    return (
        restrict(Organization.objects.filter(kind__in=ORDER_ISSUER_KINDS), user, Action.CHANGE)
        .select_related("territory")
        .order_by("territory__path", "short_name")
    )


def order_years(user: UserLike) -> list[int]:
    """The years of the registered orders the user sees, newest first (the year filter)."""
    return sorted(
        {y for y in order_list(user).values_list("year", flat=True) if y is not None},
        reverse=True,
    )


def order_approval_choices(user: UserLike, issuer: Organization, kind: str) -> QuerySet[Order]:
    """The issuer's registered orders of `kind` the user may refer to in an approval step."""
    return (
        restrict(Order.objects.all(), user, Action.CHANGE)
        .filter(issuer=issuer, kind=kind, status=OrderStatus.REGISTERED)
        .select_related("issuer")
        .order_by("-date", "-pk")
    )


def authority_of_territory(user: UserLike, territory: Territory) -> Organization | None:
    """The authority that issues orders for `territory` (an identification list's or a
    roadmap's), among those the user may change: the territory's own authority, else the
    nearest one above it."""
    candidates = list(
        restrict(
            Organization.objects.filter(kind=OrganizationKind.EDUCATION_AUTHORITY),
            user,
            Action.CHANGE,
        ).select_related("territory")
    )
    best: Organization | None = None
    for organization in candidates:
        path = organization.territory.path
        if territory.path.startswith(path) and (
            best is None or len(path) > len(best.territory.path)
        ):
            best = organization
    return best


def order_kind_choices(user: UserLike, kind: str) -> QuerySet[Order]:
    """The registered orders of `kind` the user may refer to, of any issuer they may change
    (curator assignments: the schools decide which authority's order fits)."""
    return (
        restrict(Order.objects.all(), user, Action.CHANGE)
        .filter(kind=kind, status=OrderStatus.REGISTERED)
        .select_related("issuer")
        .order_by("-date", "-pk")
    )


def order_find(user: UserLike, kind: str, number: str, date: Any) -> Order | None:
    """The registered order of `kind` with this number and date the user may refer to (an
    import names orders by number and date)."""
    return (
        order_kind_choices(user, kind)
        .filter(number=" ".join(number.split()), date=date)
        .select_related("issuer__territory")
        .first()
    )


def territory_in_reach(user: UserLike, pk: Any) -> Territory | None:
    """A territory the user sees whole (a territory role over it or above it), or None: a
    report over a territory must not be built from the few schools one sees in it."""
    territory = territory_find(user, pk)
    if territory is None or not reach(user, Action.VIEW).covers_territory(territory):
        return None
    return territory


def territory_services(user: UserLike, territory: Territory) -> dict[str, Organization]:
    """The nearest education authority and methodical centre on the territory or above it
    that the user may see, by organisation kind (whom a report addresses; one query)."""
    step = Territory.steplen
    paths = [territory.path[:end] for end in range(step, len(territory.path) + 1, step)]
    found: dict[str, Organization] = {}
    candidates = (
        organization_list(user)
        .filter(
            kind__in=[OrganizationKind.EDUCATION_AUTHORITY, OrganizationKind.METHODICAL_CENTRE],
            territory__path__in=paths,
            is_active=True,
        )
        .order_by("-territory__depth", "pk")
    )
    for organization in candidates:
        found.setdefault(organization.kind, organization)
    return found
