"""Writes of surveys: questionnaires, rounds with their links, responses, risk profiles.

Services assume the caller has checked access (views do it through the selectors).
"""

from __future__ import annotations

import datetime
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.registry.models import AcademicYear, Organization, Programme
from opora.surveys.builtins import BUILTINS, Builtin, options_of, scoring_of
from opora.surveys.choices import (
    ProfileSource,
    QuestionKind,
    QuestionnaireKind,
    RiskFactor,
    RiskLevel,
)
from opora.surveys.codes import code_new, code_normalise
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
from opora.surveys.scoring import (
    FactorPart,
    QuestionCounts,
    ScoringError,
    combine,
    factor_part,
    parse_scoring,
)
from opora.surveys.selectors import answer_counts, response_counts

TOKEN_BYTES = 16  # 22 URL-safe characters: not guessable, short enough to send out


# --- Built-in questionnaires -----------------------------------------------------------------


def _builtin_create(builtin: Builtin) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(
        title=builtin.title,
        description=builtin.description,
        group=builtin.group,
        kind=builtin.kind,
        is_builtin=True,
        slug=builtin.slug,
        min_respondents=builtin.min_respondents,
        scoring=scoring_of(builtin),
    )
    position = 0
    for index, (title, questions) in enumerate(builtin.sections, start=1):
        section = QuestionSection.objects.create(
            questionnaire=questionnaire, position=index, title=title
        )
        rows = []
        for q in questions:
            position += 1
            rows.append(
                Question(
                    questionnaire=questionnaire,
                    section=section,
                    position=position,
                    code=q.code,
                    text=q.text,
                    kind=q.kind,
                    required=q.required,
                    options=options_of(q),
                    scale_min=q.scale[0] if q.scale else None,
                    scale_max=q.scale[1] if q.scale else None,
                    min_label=q.scale[2] if q.scale else "",
                    max_label=q.scale[3] if q.scale else "",
                )
            )
        Question.objects.bulk_create(rows)
    return questionnaire


def builtin_questionnaires_install(**kwargs: Any) -> None:
    """The shipped questionnaires (satisfaction, the 500+ set) in every database, the test
    databases included. An existing one is left as it is: it may already have responses."""
    existing = set(Questionnaire.objects.filter(is_builtin=True).values_list("slug", flat=True))
    with transaction.atomic():
        for builtin in BUILTINS:
            if builtin.slug not in existing:
                _builtin_create(builtin)


# --- Questionnaires ------------------------------------------------------------------------


def _editable(questionnaire: Questionnaire) -> None:
    if questionnaire.is_builtin:
        raise ValidationError(
            _("Встроенную анкету нельзя изменять: сделайте копию и работайте с ней.")
        )


def has_responses(questionnaire: Questionnaire) -> bool:
    return Response.objects.filter(link__questionnaire=questionnaire).exists()


@transaction.atomic
def questionnaire_create(
    *,
    title: str,
    group: str,
    kind: str,
    owner: Organization,
    user: User | None,
    description: str = "",
    min_respondents: int = 5,
) -> Questionnaire:
    """A new empty questionnaire of `owner` with one section to put questions in."""
    questionnaire = Questionnaire(
        title=title.strip(),
        description=description.strip(),
        group=group,
        kind=kind,
        owner=owner,
        min_respondents=min_respondents,
        created_by=user,
    )
    questionnaire.full_clean()
    questionnaire.save()
    QuestionSection.objects.create(
        questionnaire=questionnaire, position=1, title=_("Основные вопросы")
    )
    timeline_event_record(target=questionnaire, verb=TimelineVerb.CREATED, actor=user)
    return questionnaire


@transaction.atomic
def questionnaire_update(*, questionnaire: Questionnaire, data: Mapping[str, Any]) -> Questionnaire:
    """Change title, description, group, kind, owner or minimum of an own questionnaire."""
    _editable(questionnaire)
    fixed = [n for n in ("group", "kind") if n in data and data[n] != getattr(questionnaire, n)]
    if fixed and has_responses(questionnaire):
        raise ValidationError(
            _(
                "На анкету уже есть ответы: группу респондентов и вид анкеты изменить нельзя — "
                "сделайте копию анкеты."
            )
        )
    for name in ("title", "description", "group", "kind", "owner", "min_respondents"):
        if name in data:
            setattr(questionnaire, name, data[name])
    questionnaire.full_clean()
    questionnaire.save()
    return questionnaire


@transaction.atomic
def questionnaire_copy(
    *, source: Questionnaire, owner: Organization, user: User | None, title: str = ""
) -> Questionnaire:
    """An editable copy of any questionnaire (the way to change a built-in one)."""
    copy = Questionnaire(
        title=(title.strip() or _("%(t)s (копия)") % {"t": source.title})[:500],
        description=source.description,
        group=source.group,
        kind=source.kind,
        owner=owner,
        min_respondents=source.min_respondents,
        scoring=source.scoring,
        created_by=user,
    )
    copy.full_clean()
    copy.save()
    sections = {}
    for section in QuestionSection.objects.filter(questionnaire=source):
        sections[section.pk] = QuestionSection.objects.create(
            questionnaire=copy, position=section.position, title=section.title
        )
    Question.objects.bulk_create(
        [
            Question(
                questionnaire=copy,
                section=sections[q.section_id],
                position=q.position,
                code=q.code,
                text=q.text,
                help_text=q.help_text,
                kind=q.kind,
                required=q.required,
                options=q.options,
                scale_min=q.scale_min,
                scale_max=q.scale_max,
                min_label=q.min_label,
                max_label=q.max_label,
            )
            for q in Question.objects.filter(questionnaire=source)
        ]
    )
    timeline_event_record(
        target=copy,
        verb=TimelineVerb.CREATED,
        actor=user,
        message=_("копия анкеты «%(t)s»") % {"t": source.title},
    )
    return copy


@transaction.atomic
def section_add(*, questionnaire: Questionnaire, title: str) -> QuestionSection:
    _editable(questionnaire)
    position = (
        QuestionSection.objects.filter(questionnaire=questionnaire).aggregate(m=Max("position"))[
            "m"
        ]
        or 0
    ) + 1
    section = QuestionSection(questionnaire=questionnaire, position=position, title=title.strip())
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_delete(*, section: QuestionSection) -> None:
    """Delete an empty section (questions are removed one by one, see `question_delete`)."""
    _editable(section.questionnaire)
    if section.questions.exists():
        raise ValidationError(_("В разделе есть вопросы: сначала удалите или перенесите их."))
    if QuestionSection.objects.filter(questionnaire=section.questionnaire).count() == 1:
        raise ValidationError(_("В анкете должен остаться хотя бы один раздел."))
    section.delete()


# Fields that change what stored answers mean: fixed once the questionnaire has responses.
MEANING_FIELDS = ("code", "kind", "scale_min", "scale_max")


@transaction.atomic
def question_save(
    *, questionnaire: Questionnaire, question: Question | None, data: Mapping[str, Any]
) -> Question:
    """Add a question at the end of its section, or change one. Once people have answered,
    the wording may change but not what the stored answers mean."""
    _editable(questionnaire)
    answered = has_responses(questionnaire)
    if question is None:
        if answered:
            raise ValidationError(
                _(
                    "На анкету уже есть ответы: новые вопросы исказят сравнение. Сделайте копию "
                    "анкеты и измените её."
                )
            )
        question = Question(questionnaire=questionnaire)
        question.position = (
            Question.objects.filter(questionnaire=questionnaire).aggregate(m=Max("position"))["m"]
            or 0
        ) + 1
    elif answered:
        changed = [f for f in MEANING_FIELDS if f in data and data[f] != getattr(question, f)]
        old_values = set(question.option_labels)
        new_values = {str(o["value"]) for o in data.get("options", question.options) or []}
        if changed or not old_values <= new_values:
            raise ValidationError(
                _(
                    "На анкету уже есть ответы: можно уточнить формулировки, но не код, вид "
                    "вопроса, шкалу или значения вариантов. Для других изменений сделайте копию."
                )
            )
    for name, value in data.items():
        setattr(question, name, value)
    if question.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        question.options = []
    if question.kind != QuestionKind.SCALE:
        question.scale_min = question.scale_max = None
        question.min_label = question.max_label = ""
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    """Remove a question; refused once the questionnaire has responses or rules use it."""
    questionnaire = question.questionnaire
    _editable(questionnaire)
    count = Response.objects.filter(link__questionnaire=questionnaire).count()
    if count:
        raise ValidationError(
            _(
                "Вопрос нельзя удалить: на анкету уже получено ответов — %(n)s. Удаление "
                "исказило бы собранные результаты. Если нужна анкета без этого вопроса, "
                "сделайте копию анкеты и удалите вопрос в копии."
            )
            % {"n": count}
        )
    used = [
        str(RiskFactor(f).label)
        for f, spec in (questionnaire.scoring.get("factors") or {}).items()
        if f in RiskFactor.values
        and any(i.get("question") == question.code for i in spec.get("items", []))
    ]
    if used:
        raise ValidationError(
            _("Вопрос используется в правилах подсчёта рисков (%(f)s): сначала уберите его оттуда.")
            % {"f": "; ".join(used)}
        )
    question.delete()


def scoring_check(questionnaire: Questionnaire, scoring: Mapping[str, Any]) -> None:
    questions = {q.code: q for q in Question.objects.filter(questionnaire=questionnaire)}
    try:
        parse_scoring(scoring, questions)
    except ScoringError as exc:
        raise ValidationError(exc.problems) from exc


@transaction.atomic
def scoring_save(
    *, questionnaire: Questionnaire, scoring: Mapping[str, Any], user: User | None
) -> Questionnaire:
    """Replace the questionnaire's risk scoring rules after checking them all."""
    _editable(questionnaire)
    scoring_check(questionnaire, scoring)
    questionnaire.scoring = dict(scoring)
    questionnaire.full_clean()
    questionnaire.save(update_fields=["scoring", "updated_at"])
    return questionnaire


# --- Rounds --------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@transaction.atomic
def round_create(
    *,
    title: str,
    owner: Organization,
    year: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
    questionnaires: Iterable[Questionnaire],
    schools: Iterable[Organization],
    user: User | None,
    programme: Programme | None = None,
    respondent_limit: int | None = None,
) -> SurveyRound:
    """Open a round: one anonymous link per school × questionnaire (respondent group), each
    taking at most `respondent_limit` answers if given."""
    questionnaires = list(questionnaires)
    schools = list(schools)
    if not questionnaires:
        raise ValidationError(_("Выберите хотя бы одну анкету."))
    if not schools:
        raise ValidationError(_("Выберите хотя бы одну школу."))
    survey_round = SurveyRound(
        title=title.strip(),
        owner=owner,
        year=year,
        opens_on=opens_on,
        closes_on=closes_on,
        programme=programme,
        created_by=user,
    )
    survey_round.full_clean()
    survey_round.save()
    survey_round.questionnaires.set(questionnaires)
    if respondent_limit is not None and respondent_limit < 1:
        raise ValidationError(
            {"respondent_limit": _("Не меньше одного ответа, или оставьте поле пустым.")}
        )
    SurveyLink.objects.bulk_create(
        [
            SurveyLink(
                round=survey_round,
                school=school,
                questionnaire=q,
                token=new_token(),
                respondent_limit=respondent_limit,
            )
            for school in schools
            for q in questionnaires
        ]
    )
    timeline_event_record(
        target=survey_round,
        verb=TimelineVerb.CREATED,
        actor=user,
        message=_("школ: %(s)s, анкет: %(q)s") % {"s": len(schools), "q": len(questionnaires)},
    )
    return survey_round


@transaction.atomic
def round_dates_set(
    *, survey_round: SurveyRound, opens_on: datetime.date, closes_on: datetime.date
) -> SurveyRound:
    """Extend or close a round (closing = a closing date in the past)."""
    survey_round.opens_on = opens_on
    survey_round.closes_on = closes_on
    survey_round.full_clean()
    survey_round.save(update_fields=["opens_on", "closes_on"])
    return survey_round


# --- Access to a link: respondent count, one-time codes --------------------------------------

CODES_PER_BATCH = 500
CODES_PER_LINK = 5000


@transaction.atomic
def link_access_set(
    *, link: SurveyLink, requires_code: bool, respondent_limit: int | None
) -> SurveyLink:
    """Whether the link takes answers only by one-time codes, and how many at most."""
    link.requires_code = requires_code
    link.respondent_limit = respondent_limit
    link.full_clean()
    # The change itself is in the link's history (auditlog, with who made it).
    link.save(update_fields=["requires_code", "respondent_limit"])
    return link


@transaction.atomic
def link_codes_generate(*, link: SurveyLink, count: int, user: User | None) -> int:
    """Issue `count` new one-time codes for the link as one batch (e.g. for one class) and
    make the link take answers by code only; returns the batch number."""
    if not 1 <= count <= CODES_PER_BATCH:
        raise ValidationError(
            {"count": _("За один раз — от 1 до %(n)s кодов.") % {"n": CODES_PER_BATCH}}
        )
    issued = SurveyCode.objects.filter(link=link).count()
    if issued + count > CODES_PER_LINK:
        raise ValidationError(
            {
                "count": _("У ссылки уже %(issued)s кодов; всего их может быть не больше %(n)s.")
                % {"issued": issued, "n": CODES_PER_LINK}
            }
        )
    batch = (SurveyCode.objects.filter(link=link).aggregate(m=Max("batch"))["m"] or 0) + 1
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {code_new() for _ in range(count - len(codes))} - codes
        # Codes are unique across Opora (a respondent may enter one without the link).
        taken = set(SurveyCode.objects.filter(code__in=fresh).values_list("code", flat=True))
        codes |= fresh - taken
    SurveyCode.objects.bulk_create(
        [SurveyCode(link=link, code=code, batch=batch) for code in sorted(codes)]
    )
    if not link.requires_code:
        link.requires_code = True
        link.save(update_fields=["requires_code"])
    timeline_event_record(
        target=link.round,
        verb=TimelineVerb.CREATED,
        actor=user,
        message=_("одноразовые коды для «%(school)s — %(group)s»: %(n)s (выпуск %(batch)s)")
        % {
            "school": link.school.short_name,
            "group": link.questionnaire.get_group_display(),
            "n": count,
            "batch": batch,
        },
    )
    return batch


def code_unknown_message() -> str:
    return _(
        "Такого кода нет. Проверьте, что код введён так, как напечатан на листочке "
        "(8 знаков; пробелы, дефисы и раскладка клавиатуры не важны)."
    )


def code_used_message() -> str:
    return _(
        "Этот код уже использован: по каждому коду принимается один ответ. Если вы ещё не "
        "отвечали, попросите новый код у того, кто выдал листочки."
    )


def _code_refusal(link: SurveyLink, code: str) -> str:
    link_id = SurveyCode.objects.filter(code=code).values_list("link_id", flat=True).first()
    if link_id is None:
        return code_unknown_message()
    if link_id != link.pk:
        return _("Этот код выдан для другой анкеты. Откройте адрес с листочка и введите код там.")
    return code_used_message()


# --- Responses -----------------------------------------------------------------------------


@transaction.atomic
def response_submit(*, link: SurveyLink, answers: Mapping[int, Any], code: str = "") -> Response:
    """Store one anonymous response: the link, the day and the answers, nothing else.
    `answers` maps question ids to the cleaned value (str, list of str, number or text).

    A link with codes takes the response only with an unused code of its own, which is
    then used up; a link with a respondent limit refuses once the limit is reached.
    """
    if not link.round.is_open():
        raise ValidationError(_("Анкетирование по этой ссылке закрыто."))
    # One submission per link at a time, so that two last respondents cannot both pass the
    # limit (PostgreSQL; SQLite's IMMEDIATE transactions serialise writers anyway).
    SurveyLink.objects.select_for_update().filter(pk=link.pk).first()
    limit = link.respondent_limit
    if limit is not None and Response.objects.filter(link=link).count() >= limit:
        raise ValidationError(respondent_limit_message(link))
    if link.requires_code:
        code = code_normalise(code)
        used = SurveyCode.objects.filter(link=link, code=code, used=False).update(used=True)
        if not used:
            raise ValidationError({"code": _code_refusal(link, code)})
    questions = {q.pk: q for q in Question.objects.filter(questionnaire_id=link.questionnaire_id)}
    response = Response(link=link, submitted_on=dates.today())
    response.full_clean()
    response.save()
    rows = []
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None or value in (None, "", []):
            continue
        base = {"response": response, "link": link, "question": question}
        if question.kind == QuestionKind.MULTIPLE:
            rows += [Answer(**base, option=str(v)) for v in value]
        elif question.kind == QuestionKind.SINGLE:
            rows.append(Answer(**base, option=str(value)))
        elif question.kind == QuestionKind.SCALE:
            rows.append(Answer(**base, option=str(int(value)), number=float(value)))
        elif question.kind == QuestionKind.NUMBER:
            rows.append(Answer(**base, number=float(value)))
        else:
            rows.append(Answer(**base, text=str(value)))
    Answer.objects.bulk_create(rows)
    return response


def respondent_limit_message(link: SurveyLink) -> str:
    return _(
        "По этой ссылке уже принято ответов: %(n)s — столько, сколько ожидал организатор "
        "анкетирования. Новые ответы не принимаются."
    ) % {"n": link.respondent_limit}


# --- Risk profiles -------------------------------------------------------------------------


@dataclass
class _Pool:
    """A school's answers to one questionnaire in a year, pooled over its rounds' links."""

    questionnaire: Questionnaire
    responses: int = 0


def _profiles_for(
    school_ids: list[int], year: int
) -> dict[int, tuple[dict[str, str], dict[str, float], dict[str, Any]]]:
    """Levels, scores and details per school from the 500+ questionnaires of `year`.

    Three grouped queries in all (links, respondents per link, answer counts per link):
    only groups whose respondents reach the questionnaire's minimum count, and a factor with
    no counted answer is left out (no data), never set to «низкий».
    """
    links = list(
        SurveyLink.objects.filter(
            school_id__in=school_ids,
            round__year=year,
            questionnaire__kind=QuestionnaireKind.RISK500,
        ).select_related("questionnaire")
    )
    if not links:
        return {}
    link_ids = [link.pk for link in links]
    respondents = response_counts(link_ids)
    pools: dict[tuple[int, int], _Pool] = {}
    link_pool: dict[int, tuple[int, int]] = {}
    for link in links:
        key = (link.school_id, link.questionnaire_id)
        pool = pools.setdefault(key, _Pool(link.questionnaire))
        pool.responses += respondents.get(link.pk, 0)
        link_pool[link.pk] = key
    eligible = {k for k, p in pools.items() if p.responses >= p.questionnaire.min_respondents}
    if not eligible:
        return {}
    questionnaire_ids = {q for _s, q in eligible}
    questions = {q.pk: q for q in Question.objects.filter(questionnaire_id__in=questionnaire_ids)}
    counted = [pk for pk, key in link_pool.items() if key in eligible]
    by_pool: dict[tuple[int, int], dict[str, QuestionCounts]] = defaultdict(dict)
    for link_id, question_id, option, number, n in answer_counts(counted):
        question = questions[question_id]
        counts = by_pool[link_pool[link_id]].setdefault(
            question.code, QuestionCounts(question.kind)
        )
        if question.kind == QuestionKind.NUMBER and number is not None:
            counts.numbers[number] = counts.numbers.get(number, 0) + n
        elif option:
            counts.values[option] = counts.values.get(option, 0) + n
    rules: dict[int, Any] = {}
    for qid in questionnaire_ids:
        questionnaire = pools[next(k for k in eligible if k[1] == qid)].questionnaire
        by_code = {q.code: q for q in questions.values() if q.questionnaire_id == qid}
        try:
            rules[qid] = parse_scoring(questionnaire.scoring, by_code)
        except ScoringError:
            # A questionnaire whose rules no longer fit its questions counts for nothing
            # rather than for something wrong; its page shows the problems.
            rules[qid] = {}
    parts: dict[int, dict[str, list[FactorPart]]] = defaultdict(lambda: defaultdict(list))
    for key in eligible:
        school_id, qid = key
        pool = pools[key]
        for factor, rule in rules[qid].items():
            part = factor_part(rule, by_pool.get(key, {}), pool.responses, pool.questionnaire.group)
            if part is not None:
                parts[school_id][factor].append(part)
    result = {}
    for school_id, factors in parts.items():
        levels: dict[str, str] = {}
        scores: dict[str, float] = {}
        details: dict[str, Any] = {}
        for factor in RiskFactor.values:
            found = combine(factors.get(factor, []))
            if found is None:
                continue
            scores[factor], levels[factor] = found
            details[factor] = [
                {"group": p.group, "score": round(p.score, 1), "respondents": p.respondents}
                for p in factors[factor]
            ]
        if levels:
            result[school_id] = (levels, scores, details)
    return result


@transaction.atomic
def risk_profiles_compute(
    *, schools: Iterable[Organization], year: int, user: User | None
) -> list[RiskProfile]:
    """Compute and store the risk profiles of many schools at once (a round, a territory);
    schools without enough answers get none."""
    ids = [s.pk for s in schools]
    found = _profiles_for(ids, year)
    now = timezone.now()
    profiles = [
        RiskProfile(
            school_id=school_id,
            year=year,
            source=ProfileSource.QUESTIONNAIRES,
            levels=levels,
            scores=scores,
            details=details,
            computed_at=now,
            computed_by=user,
        )
        for school_id, (levels, scores, details) in sorted(found.items())
    ]
    for profile in profiles:
        profile.clean()
    return RiskProfile.objects.bulk_create(profiles)


@transaction.atomic
def round_profiles_compute(
    *, survey_round: SurveyRound, schools: Iterable[Organization], user: User | None
) -> list[RiskProfile]:
    """The risk profiles of a round's schools for its academic year, recorded on the round."""
    schools = list(schools)
    profiles = risk_profiles_compute(schools=schools, year=survey_round.year, user=user)
    timeline_event_record(
        target=survey_round,
        verb=TimelineVerb.COMPUTED,
        actor=user,
        message=_("профили рисков %(y)s: %(n)s из %(t)s школ")
        % {"y": survey_round.year_name, "n": len(profiles), "t": len(schools)},
    )
    return profiles


@transaction.atomic
def risk_profile_compute(*, school: Organization, year: int, user: User | None) -> RiskProfile:
    """The school's risk profile in `year` from its 500+ questionnaires (only groups with
    enough responses); refused with a Russian message when nothing can be counted."""
    profiles = risk_profiles_compute(schools=[school], year=year, user=user)
    if not profiles:
        raise ValidationError(
            _(
                "Профиль не рассчитан: за %(y)s учебный год нет анкет 500+ этой школы, где "
                "ответило не меньше минимального числа респондентов."
            )
            % {"y": AcademicYear(start_year=year).name}
        )
    profile = profiles[0]
    timeline_event_record(
        target=profile,
        verb=TimelineVerb.COMPUTED,
        actor=user,
        message=_("по анкетам 500+, факторов с данными: %(n)s") % {"n": len(profile.levels)},
    )
    return profile


@transaction.atomic
def risk_profile_enter(
    *,
    school: Organization,
    year: int,
    levels: Mapping[str, str],
    user: User | None,
    comment: str = "",
) -> RiskProfile:
    """An analyst's profile entered or corrected by hand; factors left empty have no data.
    The scores of the latest computed profile of that year are kept for reference."""
    clean_levels = {f: v for f, v in levels.items() if v}
    if not clean_levels:
        raise ValidationError(_("Укажите уровень хотя бы одного фактора риска."))
    unknown = set(clean_levels.values()) - set(RiskLevel.values)
    if unknown:
        raise ValidationError(_("Неизвестный уровень риска."))
    computed = (
        RiskProfile.objects.filter(school=school, year=year, source=ProfileSource.QUESTIONNAIRES)
        .order_by("-computed_at", "-pk")
        .first()
    )
    profile = RiskProfile(
        school=school,
        year=year,
        source=ProfileSource.ANALYST,
        levels=clean_levels,
        scores=dict(computed.scores) if computed else {},
        details=dict(computed.details) if computed else {},
        comment=comment.strip(),
        computed_by=user,
    )
    profile.full_clean()
    profile.save()
    timeline_event_record(target=profile, verb=TimelineVerb.CREATED, actor=user, message=comment)
    return profile
