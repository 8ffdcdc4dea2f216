"""Roles and access in one place.

Each role has a reach: the territory of its organisation (coordinators, analysts, council
members), the schools assigned to it (curator), or its own organisation (school roles).
Every organisation-owned object is fetched through `restrict()` or `get_for_user()`, so an
object outside a user's reach is simply absent: views and the API answer 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from opora.core import dates
from opora.core.choices import Role

ModelT = TypeVar("ModelT", bound=models.Model)
UserLike = User | AnonymousUser


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    # Individual records of people (names, contacts); others see counts only.
    VIEW_PEOPLE = "view_people"
    IMPORT = "import"
    # Approve lists and programmes by an order: coordinators, not analysts.
    APPROVE = "approve"
    # Review a school's programme, comment on it, return or recommend it: the school's
    # curator and the territory's methodical staff.
    REVIEW = "review"
    # Accept (or return) the figures a school submitted to a monitoring checkpoint: the
    # territory's coordinators and analysts, not the school's own curator.
    ACCEPT_DATA = "accept_data"
    # Invite people, grant and take away roles, deactivate accounts: coordinators in their
    # territory, a school's director for its own staff; which roles each may hand out is
    # MANAGED_ROLES.
    MANAGE_PEOPLE = "manage_people"


TERRITORY_ROLES = frozenset(
    {Role.REGIONAL_COORDINATOR, Role.PROGRAMME_COORDINATOR, Role.ANALYST, Role.COUNCIL_MEMBER}
)
SCHOOL_ROLES = frozenset({Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF, Role.TEACHER})
# Teachers' own records (the registry entry, diagnostic results, development plans and
# certificates) are narrower than any role's reach: the school's director and the territory's
# analysts (methodical centre) see and change them; the teacher sees their own (staff scoping).
# Everyone else who may see a school gets aggregates only.
TEACHER_RECORD_ROLES = frozenset({Role.SCHOOL_DIRECTOR, Role.ANALYST})

# What each role may do within its reach.
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.REGIONAL_COORDINATOR: frozenset(Action),
    Role.PROGRAMME_COORDINATOR: frozenset(Action),
    Role.ANALYST: frozenset(Action) - {Action.APPROVE, Action.MANAGE_PEOPLE},
    Role.COUNCIL_MEMBER: frozenset({Action.VIEW}),  # reads, does not review
    Role.CURATOR: frozenset({Action.VIEW, Action.VIEW_PEOPLE, Action.REVIEW}),
    Role.SCHOOL_DIRECTOR: frozenset(
        {Action.VIEW, Action.CHANGE, Action.VIEW_PEOPLE, Action.MANAGE_PEOPLE}
    ),
    Role.SCHOOL_STAFF: frozenset({Action.VIEW, Action.VIEW_PEOPLE}),
    Role.TEACHER: frozenset({Action.VIEW}),
}

# The roles a holder of MANAGE_PEOPLE may grant or take away within its reach: never one that
# could do more than its own, and a director only the staff of the school.
MANAGED_ROLES: dict[str, frozenset[str]] = {
    Role.REGIONAL_COORDINATOR: frozenset(Role),
    Role.PROGRAMME_COORDINATOR: frozenset(Role) - {Role.REGIONAL_COORDINATOR},
    Role.SCHOOL_DIRECTOR: frozenset({Role.SCHOOL_STAFF, Role.TEACHER}),
}


@dataclass
class Reach:
    """The organisations a user may act on for one action: whole territories plus single ones."""

    action: Action = Action.VIEW
    everything: bool = False
    territory_paths: set[str] = field(default_factory=set)
    organization_ids: set[int] = field(default_factory=set)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.territory_paths or self.organization_ids)

    def covers(self, organization: Any) -> bool:
        """Whether `organization` (with its territory) is in reach."""
        return self.covers_at(organization.pk, organization.territory.path)

    def covers_at(self, organization_id: int, territory_path: str) -> bool:
        """`covers` for an organisation read as values: its id and its territory's path."""
        if self.everything or organization_id in self.organization_ids:
            return True
        return any(territory_path.startswith(p) for p in self.territory_paths)

    def covers_territory(self, territory: Any) -> bool:
        """Whether the whole of `territory` is in reach (through a territory-wide role)."""
        return self.everything or any(territory.path.startswith(p) for p in self.territory_paths)

    def organization_q(self, prefix: str = "") -> Q:
        """A filter selecting the organisations in reach, through `prefix` (e.g. "school__")."""
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        for path in self.territory_paths:
            q |= Q(**{f"{prefix}territory__path__startswith": path})
        if self.organization_ids:
            q |= Q(**{f"{prefix}pk__in": sorted(self.organization_ids)})
        return q


@dataclass(frozen=True)
class ReachSource:
    """Where roles and assignments come from. The core keeps the rules (this module); the app
    that keeps memberships (the registry) provides the rows, registered in its `ready()`.

    `memberships(user)`: the user's active memberships, each with `role`, `person_id`,
    `organization_id` and `organization` (with its `territory` loaded: `.territory.path`).
    `curator_school_ids(person_ids, day)`: the schools assigned to these curators on `day`.
    """

    memberships: Callable[[UserLike], list[Any]]
    curator_school_ids: Callable[[set[int], datetime.date], Iterable[int]]


_SOURCE: list[ReachSource] = []


def reach_source_register(source: ReachSource) -> None:
    """Called once by the registry's `ready()`; a second source replaces the first."""
    _SOURCE[:] = [source]


def _source() -> ReachSource:
    if not _SOURCE:
        raise ImproperlyConfigured("No reach source registered (is opora.registry installed?)")
    return _SOURCE[0]


def _memberships(user: UserLike) -> list[Any]:
    cached = getattr(user, "_opora_memberships", None)
    if cached is None:
        cached = _source().memberships(user)
        user._opora_memberships = cached  # type: ignore[union-attr]
    return cached


def user_memberships(user: UserLike) -> list[Any]:
    """The user's active memberships with their organisations, territories and person: the
    ones every access check of the request reads (one query per request)."""
    if not user.is_authenticated:
        return []
    return _memberships(user)


def user_roles(user: UserLike) -> set[str]:
    """The roles the user holds in any organisation."""
    if not user.is_authenticated:
        return set()
    return {m.role for m in _memberships(user)}


def role_organization_ids(user: UserLike, roles: Iterable[str]) -> list[int]:
    """The organisations in which the user holds one of `roles` (their own, not their reach):
    a director's school for the home page's «my school» cards."""
    if not user.is_authenticated:
        return []
    wanted = set(roles)
    return sorted({m.organization_id for m in _memberships(user) if m.role in wanted})


def role_organizations(user: UserLike, roles: Iterable[str]) -> list[Any]:
    """`role_organization_ids` as the organisations themselves, with their territories (read
    with the memberships): what `restrict_within_each` decides on."""
    if not user.is_authenticated:
        return []
    wanted = set(roles)
    found = {m.organization_id: m.organization for m in _memberships(user) if m.role in wanted}
    return [found[pk] for pk in sorted(found)]


def reach(
    user: UserLike, action: Action | str = Action.VIEW, *, roles: frozenset[str] | None = None
) -> Reach:
    """Which organisations `user` may act on for `action`; with `roles`, only through
    memberships in those roles (e.g. `TEACHER_RECORD_ROLES`: a narrower reach for records
    that not every role with the action may see)."""
    action = Action(action)
    if not user.is_authenticated or not user.is_active:
        return Reach(action=action)
    if user.is_superuser:
        return Reach(action=action, everything=True)
    cache: dict[tuple[Action, frozenset[str] | None], Reach] = user.__dict__.setdefault(
        "_opora_reach", {}
    )
    key = (action, roles)
    if key in cache:
        return cache[key]
    result = Reach(action=action)
    curator_person_ids = set()
    for membership in _memberships(user):
        if roles is not None and membership.role not in roles:
            continue
        if action not in ROLE_ACTIONS.get(membership.role, frozenset()):
            continue
        if membership.role in TERRITORY_ROLES:
            result.territory_paths.add(membership.organization.territory.path)
        elif membership.role == Role.CURATOR:
            curator_person_ids.add(membership.person_id)
            result.organization_ids.add(membership.organization_id)
        else:
            result.organization_ids.add(membership.organization_id)
    if curator_person_ids:
        # An assignment gives reach only while it runs (until is inclusive).
        result.organization_ids.update(
            _source().curator_school_ids(curator_person_ids, dates.today())
        )
    # A path inside another path adds nothing; dropping it keeps the SQL short.
    result.territory_paths = {
        p
        for p in result.territory_paths
        if not any(p != o and p.startswith(o) for o in result.territory_paths)
    }
    cache[key] = result
    return result


def can(user: UserLike, action: Action | str, organization: Any) -> bool:
    """Whether `user` may perform `action` on `organization` (an Organization instance)."""
    return reach(user, action).covers(organization)


def teacher_record_reach(user: UserLike, action: Action | str = Action.VIEW) -> Reach:
    """The schools whose teachers' individual records `user` may `action`: directors' own
    schools and analysts' territories (superusers: everything); see TEACHER_RECORD_ROLES."""
    return reach(user, action, roles=TEACHER_RECORD_ROLES)


def own_organizations(
    user: UserLike, action: Action | str, *, territory_roles: bool = False
) -> list[Any]:
    """The organisations through whose memberships `user` holds `action` (not their reach);
    with `territory_roles`, only memberships in a territory role (coordinator, analyst…).

    What a user saves for their organisation (a column mapping, a methodology) is owned by
    one of these, never by an organisation they merely reach.
    """
    action = Action(action)
    if not user.is_authenticated or not user.is_active:
        return []
    found: dict[int, Any] = {}
    for membership in _memberships(user):
        if action not in ROLE_ACTIONS.get(membership.role, frozenset()):
            continue
        if not territory_roles or membership.role in TERRITORY_ROLES:
            found.setdefault(membership.organization_id, membership.organization)
    return sorted(found.values(), key=lambda o: (o.territory.path, o.short_name or o.name))


def manageable_roles(user: UserLike, organization: Any = None) -> frozenset[str]:
    """The roles `user` may grant or take away in `organization` (an Organization with its
    territory), or anywhere in their reach when it is None; empty when they manage nobody."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(Role)
    result: set[str] = set()
    for membership in _memberships(user):
        if Action.MANAGE_PEOPLE not in ROLE_ACTIONS.get(membership.role, frozenset()):
            continue
        if organization is None:
            inside = True
        elif membership.role in TERRITORY_ROLES:
            inside = organization.territory.path.startswith(membership.organization.territory.path)
        else:
            inside = organization.pk == membership.organization_id
        if inside:
            result |= MANAGED_ROLES.get(membership.role, frozenset())
    return frozenset(result)


def has_any(user: UserLike, action: Action | str) -> bool:
    """Whether `user` may perform `action` anywhere at all (e.g. to show a menu item)."""
    return not reach(user, action).is_empty


# --- Scoping per model --------------------------------------------------------------------

Scoper = Callable[[QuerySet[Any], Reach, UserLike], QuerySet[Any]]
_SCOPERS: dict[type[models.Model], Scoper] = {}
# Models holding personal data: viewing them needs VIEW_PEOPLE, whoever asks and wherever.
_PERSONAL: set[type[models.Model]] = set()
# Models whose scoper also admits people through a personal tie rather than a role (a seat on
# a body, a decision addressed to them): their scoper runs for every signed-in user, even one
# whose roles give no reach for the action, and must itself admit nothing else to such a user.
_TIES: set[type[models.Model]] = set()


def scoped(
    model: type[models.Model], *, personal: bool = False, ties: bool = False
) -> Callable[[Scoper], Scoper]:
    """Register how objects of `model` are limited to a reach (one function per model); with
    `ties`, the scoper is asked even when the user's roles give no reach (see `_TIES`)."""

    def register(func: Scoper) -> Scoper:
        _SCOPERS[model] = func
        if personal:
            _PERSONAL.add(model)
        if ties:
            _TIES.add(model)
        return func

    return register


# The reach that decides a `decided_by_organization` scoper's rows for the action's reach `r`
# (a narrower one by role), or None where the scoper's own query must decide.
DecidingReach = Callable[[Reach, UserLike], "Reach | None"]


def decided_by_organization(
    prefix: str, deciding: DecidingReach | None = None
) -> Callable[[Scoper], Scoper]:
    """Declare of a scoper that it admits a row belonging to an organisation through `prefix`
    exactly when that organisation is in a reach — the user's reach for the action, or the one
    `deciding(r, user)` gives — so that `restrict_within` may decide one organisation's rows
    from it. Only for scopers with no other way in for such a row (a personal tie, another
    organisation of the row)."""

    def mark(scoper: Scoper) -> Scoper:
        scoper.organization_prefix = prefix  # type: ignore[attr-defined]
        scoper.deciding_reach = deciding  # type: ignore[attr-defined]
        return scoper

    return mark


# A scoper's twin in Python for one object already read: whether reach `r` (of `user`, for
# the action) admits it, exactly as the scoper's filter would.
Admits = Callable[[Any, Reach, UserLike], bool]


def admitted_by(twin: Admits) -> Callable[[Scoper], Scoper]:
    """Declare of a scoper its twin in Python (`Admits`), so that `get_for_user` reads the
    object by its key and lets the twin decide, rather than compiling the scoper's filter into
    the query (for roadmaps, a third of the cost of fetching one). The twin must agree with
    the scoper for every persona, action and object: a test in the core checks every twin."""

    def mark(scoper: Scoper) -> Scoper:
        scoper.admits = twin  # type: ignore[attr-defined]
        return scoper

    return mark


def organization_prefix_scoper(prefix: str) -> Scoper:
    """A scoper for models that belong to one organisation through `prefix`."""

    @decided_by_organization(prefix)
    def scope(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
        return qs.filter(r.organization_q(prefix))

    return scope


def _model_action(model: type[models.Model], action: Action | str) -> Action | str:
    """The action checked for `action` on `model`: viewing personal records is VIEW_PEOPLE."""
    return Action.VIEW_PEOPLE if Action(action) == Action.VIEW and model in _PERSONAL else action


def restrict(
    qs: QuerySet[ModelT], user: UserLike, action: Action | str = Action.VIEW
) -> QuerySet[ModelT]:
    """Limit `qs` to the objects `user` may `action`; nothing for the anonymous public."""
    r = reach(user, _model_action(qs.model, action))
    if r.everything:
        return qs
    if r.is_empty and not (qs.model in _TIES and user.is_authenticated and user.is_active):
        return qs.none()
    scoper = _SCOPERS.get(qs.model)
    if scoper is None:
        raise LookupError(f"No access scoping registered for {qs.model.__name__}")
    return scoper(qs, r, user)


def organization_deciding_reach(
    model: type[models.Model], user: UserLike, action: Action | str = Action.VIEW
) -> Reach | None:
    """For a model whose scoper is `decided_by_organization`: the reach whose `covers(org)`
    says whether `user` may `action` a row of organisation `org` — decided in Python, with no
    query and no access filter to compile, for rows already read with their organisation and
    its territory. None when the scoper itself must decide (its `deciding` gave no reach)."""
    scoper = _SCOPERS.get(model)
    if scoper is None or getattr(scoper, "organization_prefix", None) is None or model in _TIES:
        raise LookupError(f"{model.__name__} is not scoped by its organisation alone")
    # As `restrict` decides before asking the scoper: everything, or nothing.
    r = reach(user, _model_action(model, action))
    if r.everything or r.is_empty:
        return r
    deciding = getattr(scoper, "deciding_reach", None)
    return deciding(r, user) if deciding is not None else r


def restrict_within(
    qs: QuerySet[ModelT],
    user: UserLike,
    organization: Any,
    action: Action | str = Action.VIEW,
) -> QuerySet[ModelT]:
    """`restrict` for the objects of `qs` that belong to one `organization` (with its
    territory), for models whose scoper is `decided_by_organization` (every
    `organization_prefix_scoper`): the reach decides once, in Python, and the query filters by
    the organisation's id with no join to territories — a school card's section reads its
    school's rows this way."""
    return restrict_within_each(qs, user, [organization], action)


def restrict_within_each(
    qs: QuerySet[ModelT],
    user: UserLike,
    organizations: Iterable[Any],
    action: Action | str = Action.VIEW,
) -> QuerySet[ModelT]:
    """`restrict_within` for the objects belonging to any of `organizations`: the home page's
    cards of the user's own schools (`role_organizations`)."""
    organizations = list(organizations)
    decides = organization_deciding_reach(qs.model, user, action)
    scoper = _SCOPERS[qs.model]
    prefix = scoper.organization_prefix  # type: ignore[attr-defined]
    if decides is None:
        ids = [organization.pk for organization in organizations]
        qs = qs.filter(**{f"{prefix}pk__in": ids})
        return scoper(qs, reach(user, _model_action(qs.model, action)), user)
    ids = [organization.pk for organization in organizations if decides.covers(organization)]
    if not ids:
        return qs.none()
    if len(ids) == 1:
        return qs.filter(**{f"{prefix}pk": ids[0]})
    return qs.filter(**{f"{prefix}pk__in": ids})


def get_for_user(
    qs: QuerySet[ModelT], user: UserLike, pk: Any, action: Action | str = Action.VIEW
) -> ModelT:
    """The object with `pk` if `user` may `action` it; 404 for missing and forbidden alike.
    Where the model's scoper has a twin in Python (`admitted_by`), the object is read by its
    key and the twin decides."""
    twin = getattr(_SCOPERS.get(qs.model), "admits", None)
    if twin is None:
        try:
            return restrict(qs, user, action).get(pk=pk)
        except (ObjectDoesNotExist, ValueError) as exc:
            raise Http404 from exc
    # As `restrict` decides before asking the scoper.
    r = reach(user, _model_action(qs.model, action))
    tied = qs.model in _TIES and user.is_authenticated and user.is_active
    if r.is_empty and not r.everything and not tied:
        raise Http404
    try:
        obj = qs.get(pk=pk)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if r.everything or twin(obj, r, user):
        return obj
    raise Http404


def permits(user: UserLike, obj: models.Model, action: Action | str = Action.VIEW) -> bool:
    """Whether `user` may `action` this object, by its model's scoper (one query). What an
    app's `<entity>_may(user, obj, action)` selectors are built on."""
    model = type(obj)
    return restrict(model._default_manager.filter(pk=obj.pk), user, action).exists()


def is_scoped(model: type[models.Model]) -> bool:
    return model in _SCOPERS


def territory_ancestor_paths(paths: Iterable[str], steplen: int) -> set[str]:
    """Every prefix path of the given materialised paths (the ancestors and the nodes)."""
    result: set[str] = set()
    for path in paths:
        for end in range(steplen, len(path) + 1, steplen):
            result.add(path[:end])
    return result
