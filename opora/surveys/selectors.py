"""Reads of surveys; everything a user reaches goes through `opora.core.access`.

Results are aggregated in SQL: one grouped query over `Answer` (counts per link, question,
option or number) and one over `Response` (respondents per link), whatever the number of
responses; texts are read only for what is shown. Raw responses are never returned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from opora.core import dates
from opora.core.access import (
    Action,
    UserLike,
    get_for_user,
    permits,
    reach,
    restrict,
    restrict_within,
    restrict_within_each,
    role_organizations,
)
from opora.core.choices import Role
from opora.core.queries import count_of
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Programme, ProgrammeSchool
from opora.surveys.choices import QuestionKind
from opora.surveys.models import (
    Answer,
    Question,
    Questionnaire,
    QuestionSection,
    Response,
    RiskProfile,
    SurveyCode,
    SurveyLink,
    SurveyRound,
)

TEXTS_SHOWN = 200


# --- Questionnaires ------------------------------------------------------------------------


def questionnaire_list(user: UserLike) -> QuerySet[Questionnaire]:
    """Built-in questionnaires and those of organisations in the user's reach."""
    return (
        restrict(Questionnaire.objects.all(), user)
        .select_related("owner")
        .annotate(question_count=count_of(Question.objects.all(), "questionnaire"))
        .order_by("-is_builtin", "kind", "title", "pk")
    )


def questionnaire_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Questionnaire:
    """The questionnaire if `user` may `action` it (built-ins are never changed); 404 else."""
    return get_for_user(Questionnaire.objects.select_related("owner"), user, pk, action)


def questionnaire_may_change(user: UserLike, questionnaire: Questionnaire) -> bool:
    return permits(user, questionnaire, Action.CHANGE)


def section_get(
    user: UserLike, pk: Any, action: Action = Action.VIEW, *, questionnaire: Questionnaire
) -> QuestionSection:
    """A section of `questionnaire` the user may `action` (as the questionnaire); 404 else."""
    return get_for_user(
        QuestionSection.objects.filter(questionnaire=questionnaire), user, pk, action
    )


def question_get(
    user: UserLike, pk: Any, action: Action = Action.VIEW, *, questionnaire: Questionnaire
) -> Question:
    """A question of `questionnaire` the user may `action` (as the questionnaire); 404 else."""
    return get_for_user(Question.objects.filter(questionnaire=questionnaire), user, pk, action)


def questionnaire_structure(
    questionnaire: Questionnaire,
) -> list[tuple[QuestionSection, list[Question]]]:
    """Sections with their questions in order: two queries whatever the size."""
    sections = list(QuestionSection.objects.filter(questionnaire=questionnaire))
    by_section: dict[int, list[Question]] = {s.pk: [] for s in sections}
    for question in Question.objects.filter(questionnaire=questionnaire).order_by("position"):
        by_section.setdefault(question.section_id, []).append(question)
    return [(s, by_section[s.pk]) for s in sections]


def questionnaire_response_count(questionnaire: Questionnaire) -> int:
    return Response.objects.filter(link__questionnaire=questionnaire).count()


def owner_choices(user: UserLike) -> QuerySet[Organization]:
    """Organisations (not schools) the user may change: owners of questionnaires and rounds.
    A school's director changes the school but runs no surveys of the territory."""
    return restrict(
        Organization.objects.exclude(kind=OrganizationKind.SCHOOL), user, Action.CHANGE
    ).order_by("short_name")


def may_run_surveys(user: UserLike) -> bool:
    return owner_choices(user).exists()


# --- Rounds and links ----------------------------------------------------------------------


def round_list(user: UserLike) -> QuerySet[SurveyRound]:
    return (
        restrict(SurveyRound.objects.all(), user)
        .select_related("owner", "programme")
        .prefetch_related("questionnaires")
    )


def round_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> SurveyRound:
    return get_for_user(SurveyRound.objects.select_related("owner", "programme"), user, pk, action)


def round_may_change(user: UserLike, survey_round: SurveyRound) -> bool:
    return permits(user, survey_round, Action.CHANGE)


def round_questionnaire_get(user: UserLike, survey_round: SurveyRound, pk: Any) -> Questionnaire:
    """A questionnaire of the round, through the round's links the user may see; 404 else."""
    try:
        link = (
            restrict(SurveyLink.objects.filter(round=survey_round), user)
            .select_related("questionnaire")
            .filter(questionnaire_id=int(pk))
            .first()
        )
    except (TypeError, ValueError):
        link = None
    if link is None:
        raise Http404
    return link.questionnaire


def may_enter_profile(user: UserLike, school: Organization) -> bool:
    """Analysts and coordinators of the school's territory (not the school's own staff) compute
    and enter profiles: the profile is the authority's assessment of the school."""
    return reach(user, Action.CHANGE).covers_territory(school.territory)


def round_links(user: UserLike, survey_round: SurveyRound) -> QuerySet[SurveyLink]:
    """The round's links the user may see, with their response counts (one query; a
    queryset, so that the round's page reads only the page of links it shows)."""
    return (
        restrict(SurveyLink.objects.filter(round=survey_round), user)
        .select_related("school", "questionnaire")
        .annotate(response_count=count_of(Response.objects.all(), "link"))
        .order_by("school__short_name", "school_id", "questionnaire__group", "questionnaire_id")
    )


def link_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> SurveyLink:
    """A link the user may `action` (view: through its school; change: its round's
    organisers), with its response count; 404 else."""
    qs = SurveyLink.objects.select_related("school", "questionnaire", "round").annotate(
        response_count=Count("responses")
    )
    return get_for_user(qs, user, pk, action)


def link_by_token(token: str) -> SurveyLink | None:
    """The link for a respondent without an account: the token itself is the access."""
    return (
        SurveyLink.objects.select_related("school", "questionnaire", "round")
        .filter(token=token)
        .first()
    )


def code_lookup(code: str) -> SurveyCode | None:
    """A one-time code as a respondent entered it (normalised), with its link: the code
    itself is the access, as the token is for an open link."""
    return (
        SurveyCode.objects.select_related("link__school", "link__questionnaire", "link__round")
        .filter(code=code)
        .first()
    )


@dataclass
class CodeBatch:
    number: int
    issued: int
    used: int

    @property
    def unused(self) -> int:
        return self.issued - self.used


def link_code_batches(user: UserLike, link: SurveyLink) -> list[CodeBatch]:
    """The link's batches of codes with how many were issued and used (one grouped query);
    nothing for those who may not see codes."""
    rows = (
        restrict(SurveyCode.objects.filter(link=link), user)
        .values("batch")
        .annotate(issued=Count("id"), used=Count("id", filter=Q(used=True)))
        .order_by("batch")
    )
    return [CodeBatch(row["batch"], row["issued"], row["used"]) for row in rows]


def link_codes_unused(user: UserLike, link: SurveyLink, batch: int | None = None) -> list[str]:
    """The unused codes of the link (of one batch), for printing; only for its organisers."""
    qs = restrict(SurveyCode.objects.filter(link=link, used=False), user)
    if batch is not None:
        qs = qs.filter(batch=batch)
    return [c.display for c in qs.order_by("batch", "pk")]


def round_school_choices(user: UserLike) -> QuerySet[Organization]:
    """Schools a round may be opened for: those the user may change."""
    return restrict(
        Organization.objects.filter(kind=OrganizationKind.SCHOOL), user, Action.CHANGE
    ).order_by("short_name")


def round_programme_choices(user: UserLike) -> QuerySet[Programme]:
    return restrict(Programme.objects.all(), user).order_by("-starts_on", "name")


def programme_schools_in_reach(user: UserLike, programme: Programme) -> QuerySet[Organization]:
    ids = ProgrammeSchool.objects.filter(programme=programme, left_on__isnull=True).values(
        "school_id"
    )
    return round_school_choices(user).filter(pk__in=ids)


# --- Aggregation ---------------------------------------------------------------------------


def response_counts(links: QuerySet[SurveyLink] | Iterable[int]) -> dict[int, int]:
    """Respondents per link, one grouped query."""
    rows = (
        Response.objects.filter(link__in=links)
        .values_list("link_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def answer_counts(
    links: QuerySet[SurveyLink] | Iterable[int],
) -> list[tuple[int, int, str, float | None, int]]:
    """(link, question, option, number, answers) for every non-text answer: one grouped query."""
    return list(
        Answer.objects.filter(link__in=links)
        .filter(Q(option__gt="") | Q(number__isnull=False))
        .values_list("link_id", "question_id", "option", "number")
        .annotate(n=Count("id"))
        .order_by()
    )


@dataclass
class OptionRow:
    value: str
    label: str
    count: int = 0
    percent: float = 0.0


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    options: list[OptionRow] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)
    text_total: int = 0


@dataclass
class Results:
    """Aggregated answers of one questionnaire over one or more links (never below minimum)."""

    questionnaire: Questionnaire
    respondents: int
    sections: list[tuple[QuestionSection, list[QuestionResult]]]


def _build(
    questionnaire: Questionnaire,
    structure: list[tuple[QuestionSection, list[Question]]],
    rows: Iterable[tuple[int, str, float | None, int]],
    respondents: int,
    texts: dict[int, list[str]] | None = None,
    text_totals: dict[int, int] | None = None,
) -> Results:
    """Results from grouped rows (question, option, number, answers) of SQL."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
    for question_id, option, number, n in rows:
        if option:
            counts[question_id][option] += n
        if number is not None:
            sums[question_id][0] += number * n
            sums[question_id][1] += n
    texts = texts or {}
    text_totals = text_totals or {}
    sections = []
    for section, questions in structure:
        results = []
        for question in questions:
            result = QuestionResult(question)
            by_value = counts.get(question.pk, {})
            if question.kind == QuestionKind.SCALE:
                labels = {str(v): str(v) for v in question.scale_values}
            else:
                labels = question.option_labels
            if question.kind in (QuestionKind.SINGLE, QuestionKind.SCALE):
                result.answered = sum(by_value.values())
            elif question.kind == QuestionKind.MULTIPLE:
                result.answered = respondents
            elif question.kind == QuestionKind.NUMBER:
                result.answered = int(sums[question.pk][1]) if question.pk in sums else 0
            else:
                result.answered = text_totals.get(question.pk, 0)
            base = result.answered or 1
            result.options = [
                OptionRow(value, label, by_value.get(value, 0), 100 * by_value.get(value, 0) / base)
                for value, label in labels.items()
            ]
            if question.pk in sums and sums[question.pk][1]:
                result.mean = sums[question.pk][0] / sums[question.pk][1]
            result.texts = texts.get(question.pk, [])
            result.text_total = text_totals.get(question.pk, 0)
            results.append(result)
        sections.append((section, results))
    return Results(questionnaire, respondents, sections)


def results_for(questionnaire: Questionnaire, link_ids: list[int], respondents: int) -> Results:
    """Counts per option, means for scales and numbers, and texts over the given links; the
    caller has checked that each link has at least the questionnaire's minimum."""
    structure = questionnaire_structure(questionnaire)
    rows = [(q, o, x, n) for _link, q, o, x, n in answer_counts(link_ids)]
    texts: dict[int, list[str]] = defaultdict(list)
    text_totals: dict[int, int] = defaultdict(int)
    for question_id, value in (
        Answer.objects.filter(link_id__in=link_ids, question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .order_by("question_id", "pk")
        .values_list("question_id", "text")
    ):
        text_totals[question_id] += 1
        if len(texts[question_id]) < TEXTS_SHOWN:
            texts[question_id].append(value)
    return _build(questionnaire, structure, rows, respondents, texts, text_totals)


def results_per_link(questionnaire: Questionnaire, counts: dict[int, int]) -> dict[int, Results]:
    """Each link's results (no texts) from one grouped query: for exports over many schools.
    `counts` are the respondents of the links already known to reach the minimum."""
    structure = questionnaire_structure(questionnaire)
    rows: dict[int, list[tuple[int, str, float | None, int]]] = defaultdict(list)
    for link_id, question_id, option, number, n in answer_counts(list(counts)):
        rows[link_id].append((question_id, option, number, n))
    return {
        link_id: _build(questionnaire, structure, rows.get(link_id, []), n)
        for link_id, n in counts.items()
    }


def link_results(link: SurveyLink) -> Results | None:
    """The school's aggregated answers, or None while below the questionnaire's minimum."""
    count = getattr(link, "response_count", None)
    if count is None:
        count = Response.objects.filter(link=link).count()
    if count < link.questionnaire.min_respondents:
        return None
    return results_for(link.questionnaire, [link.pk], count)


@dataclass
class Rollup:
    """A questionnaire over the schools of a round in reach: only schools at the minimum count."""

    questionnaire: Questionnaire
    schools_counted: int
    schools_below: int
    results: Results | None


def round_rollup(user: UserLike, survey_round: SurveyRound, questionnaire: Questionnaire) -> Rollup:
    links = restrict(
        SurveyLink.objects.filter(round=survey_round, questionnaire=questionnaire), user
    )
    counts = response_counts(links)
    link_ids = list(links.values_list("pk", flat=True))
    eligible = [pk for pk in link_ids if counts.get(pk, 0) >= questionnaire.min_respondents]
    below = len(link_ids) - len(eligible)
    if not eligible:
        return Rollup(questionnaire, 0, below, None)
    total = sum(counts[pk] for pk in eligible)
    return Rollup(questionnaire, len(eligible), below, results_for(questionnaire, eligible, total))


# --- Risk profiles -------------------------------------------------------------------------


def risk_profile_latest(user: UserLike, school: Organization) -> RiskProfile | None:
    """The school's current risk profile, if the user may see the school: the latest year,
    the latest computation or entry (the school card, the programme constructor)."""
    return (
        restrict_within(RiskProfile.objects.all(), user, school)
        .select_related("computed_by")
        .order_by("-year", "-computed_at", "-pk")
        .first()
    )


def risk_profile_history(user: UserLike, school: Organization) -> list[RiskProfile]:
    return list(
        restrict(RiskProfile.objects.filter(school=school), user)
        .select_related("computed_by")
        .order_by("-year", "-computed_at", "-pk")[:20]
    )


def school_links(user: UserLike, school: Organization) -> list[SurveyLink]:
    """The school's survey links (newest rounds first) with their response counts, for its
    card: only what the card shows is loaded (the count groups by every selected column, the
    questionnaire's scoring rules among them)."""
    return list(
        restrict_within(SurveyLink.objects.all(), user, school)
        .select_related("round", "questionnaire")
        .only("round__title", "questionnaire__group", "questionnaire__min_respondents")
        .annotate(response_count=Count("responses"))
        .order_by("-round__opens_on", "-round_id", "questionnaire__group")[:40]
    )


# --- Home page ------------------------------------------------------------------------------

HOME_ITEMS = 6


def home_surveys_running(user: UserLike) -> list[SurveyLink] | None:
    """The survey links of the user's own school whose round is open today, with their
    response counts (one query); None for those outside a school's administration."""
    schools = role_organizations(user, [Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF])
    if not schools:
        return None
    today = dates.today()
    return list(
        restrict_within_each(
            SurveyLink.objects.filter(round__opens_on__lte=today, round__closes_on__gte=today),
            user,
            schools,
        )
        .select_related("round", "questionnaire", "school")
        # What the card shows: the count groups by every selected column (the scoring JSON).
        .only("round__title", "round__closes_on", "questionnaire__title", "school__kind")
        .annotate(response_count=Count("responses"))
        .order_by("round__closes_on", "round_id", "questionnaire__group", "pk")[:HOME_ITEMS]
    )
