"""Access to surveys.

- Questionnaires: the built-in ones are seen by everyone with any reach and changed by
  nobody (they are copied); an own questionnaire belongs to its owner organisation. Its
  sections and questions are scoped as it is.
- A round is changed by its owner organisation and seen through its schools: a link (and
  so its aggregated results) is seen by whoever may see its school — a curator whose own
  centre runs the round still sees only the assigned schools.
- A risk profile is seen by whoever may see the school.
- One-time codes are secrets that let one answer: only those who may change the round (its
  organisers) see them, whatever action is asked.
- Responses and answers have no scoper on purpose: nothing ever lists them for a user;
  they are read only aggregated, through the links a user may see.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from opora.core.access import (
    Action,
    Reach,
    UserLike,
    decided_by_organization,
    organization_prefix_scoper,
    reach,
    scoped,
)
from opora.surveys.models import (
    Question,
    Questionnaire,
    QuestionSection,
    RiskProfile,
    SurveyCode,
    SurveyLink,
    SurveyRound,
)

scoped(RiskProfile)(organization_prefix_scoper("school__"))


def questionnaire_q(r: Reach, prefix: str = "") -> Q:
    own = Q(**{f"{prefix}is_builtin": False}) & r.organization_q(f"{prefix}owner__")
    if r.action == Action.VIEW:
        return Q(**{f"{prefix}is_builtin": True}) | own
    return own


@scoped(Questionnaire)
def scope_questionnaires(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(questionnaire_q(r))


# A questionnaire's sections and questions go with it: seen and changed as it is.
@scoped(QuestionSection)
def scope_sections(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(questionnaire_q(r, "questionnaire__"))


@scoped(Question)
def scope_questions(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(questionnaire_q(r, "questionnaire__"))


@scoped(SurveyRound)
def scope_rounds(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    if r.action == Action.VIEW:
        # Seen through its schools only: a curator's own organisation may run the round,
        # but the curator sees no more than the assigned schools (every round has links).
        schools = SurveyLink.objects.filter(round=OuterRef("pk")).filter(
            r.organization_q("school__")
        )
        return qs.filter(Exists(schools))
    return qs.filter(r.organization_q("owner__"))


def _link_reach(r: Reach, user: UserLike) -> Reach | None:
    """Viewing a link is viewing its school; any other action is decided by the round's owner."""
    return r if r.action == Action.VIEW else None


@scoped(SurveyLink)
@decided_by_organization("school__", _link_reach)
def scope_links(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    if r.action == Action.VIEW:
        return qs.filter(r.organization_q("school__"))
    return qs.filter(r.organization_q("round__owner__"))


@scoped(SurveyCode)
def scope_codes(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(reach(user, Action.CHANGE).organization_q("link__round__owner__"))
