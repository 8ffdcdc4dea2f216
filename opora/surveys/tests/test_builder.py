"""The questionnaire builder: built-in sets, creating and editing, copies, scoring rules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.surveys.builtins import BUILTINS
from opora.surveys.choices import QuestionKind, QuestionnaireKind, RiskFactor
from opora.surveys.models import Question, Questionnaire
from opora.surveys.scoring import ScoringError, parse_scoring
from opora.surveys.services import builtin_questionnaires_install
from opora.surveys.tests.helpers import answer, builtin, link_of, open_round

pytestmark = pytest.mark.django_db


def test_the_shipped_questionnaires_are_installed_once_with_valid_rules(world):
    builtin_questionnaires_install()  # a second migrate changes nothing
    assert Questionnaire.objects.filter(is_builtin=True).count() == len(BUILTINS) == 7
    for slug in ("satisfaction-students", "satisfaction-parents"):
        assert 12 <= builtin(slug).questions.count() <= 15
    covered: set[str] = set()
    for q in Questionnaire.objects.filter(kind=QuestionnaireKind.RISK500):
        rules = parse_scoring(q.scoring, {x.code: x for x in q.questions.all()})
        assert rules, q
        covered |= {f for f, rule in rules.items() if rule.items}
    assert covered == set(RiskFactor.values)
    assert {q.group for q in Questionnaire.objects.filter(kind="risk500")} == {
        "director",
        "teachers",
        "students",
        "parents",
    }


def test_an_analyst_builds_a_questionnaire(world):
    client = world.client("analyst")
    response = client.post(
        reverse("surveys:questionnaire-new"),
        {
            "title": "Анкета о питании",
            "description": "",
            "group": "parents",
            "kind": "custom",
            "owner": world.methodical_centre.pk,
            "min_respondents": 7,
        },
    )
    questionnaire = Questionnaire.objects.get(title="Анкета о питании")
    assert response["Location"] == questionnaire.get_absolute_url()
    section = questionnaire.sections.get()
    url = reverse("surveys:question-new", args=[questionnaire.pk])
    # Too few options: refused with the reason, nothing saved.
    page = client.post(
        url,
        {
            "section": section.pk,
            "code": "food",
            "text": "Нравится ли питание?",
            "kind": "single",
            "required": "on",
            "options_text": "да",
        },
    )
    assert "Нужно не меньше двух вариантов ответа" in page.content.decode()
    client.post(
        url,
        {
            "section": section.pk,
            "code": "food",
            "text": "Нравится ли питание?",
            "kind": "single",
            "required": "on",
            "options_text": "да\nнет\n9 | затрудняюсь ответить",
        },
    )
    question = Question.objects.get(questionnaire=questionnaire, code="food")
    assert question.options == [
        {"value": "1", "label": "да"},
        {"value": "2", "label": "нет"},
        {"value": "9", "label": "затрудняюсь ответить"},
    ]
    client.post(
        url,
        {
            "section": section.pk,
            "code": "score",
            "text": "Оценка",
            "kind": "scale",
            "scale_min": 1,
            "scale_max": 5,
            "min_label": "плохо",
            "max_label": "хорошо",
        },
    )
    scale = Question.objects.get(questionnaire=questionnaire, code="score")
    assert (scale.kind, scale.scale_values, scale.required) == (
        QuestionKind.SCALE,
        [1, 2, 3, 4, 5],
        False,
    )
    # A duplicate code is refused.
    page = client.post(url, {"section": section.pk, "code": "food", "text": "?", "kind": "text"})
    assert "уже есть вопрос с кодом" in page.content.decode()
    assert questionnaire.questions.count() == 2
    # Others cannot touch it.
    assert world.client("director_a").get(url).status_code == 404
    assert world.client("outsider").get(questionnaire.get_absolute_url()).status_code == 404
    assert world.client("director_a").get(reverse("surveys:questionnaire-new")).status_code == 404


def test_built_in_questionnaires_are_copied_not_edited(world):
    source = builtin("satisfaction-students")
    client = world.client("analyst")
    assert client.get(reverse("surveys:questionnaire-edit", args=[source.pk])).status_code == 404
    question = source.questions.first()
    delete = reverse("surveys:question-delete", args=[source.pk, question.pk])
    assert client.post(delete).status_code == 404
    response = client.post(
        reverse("surveys:questionnaire-copy", args=[source.pk]),
        {"title": "Моя анкета", "owner": world.methodical_centre.pk},
    )
    copy = Questionnaire.objects.get(title="Моя анкета")
    assert response["Location"] == copy.get_absolute_url()
    assert not copy.is_builtin and copy.owner == world.methodical_centre
    assert list(copy.questions.values_list("code", flat=True)) == list(
        source.questions.values_list("code", flat=True)
    )
    assert client.get(reverse("surveys:questionnaire-edit", args=[copy.pk])).status_code == 200
    # Everyone with a reach sees the built-ins; the director sees them but copies nothing.
    assert world.client("director_a").get(source.get_absolute_url()).status_code == 200
    assert (
        world.client("director_a")
        .post(reverse("surveys:questionnaire-copy", args=[source.pk]))
        .status_code
        == 404
    )


def test_questions_of_an_answered_questionnaire_cannot_be_removed(world):
    client = world.client("analyst")
    client.post(
        reverse("surveys:questionnaire-copy", args=[builtin("satisfaction-parents").pk]),
        {"title": "Родители", "owner": world.methodical_centre.pk},
    )
    copy = Questionnaire.objects.get(title="Родители")
    question = copy.questions.get(code="p-wishes")
    survey_round = open_round(world, [copy], [world.school_a])
    answer(link_of(survey_round, world.school_a, copy))
    response = client.post(
        reverse("surveys:question-delete", args=[copy.pk, question.pk]), follow=True
    )
    page = response.content.decode()
    assert "Вопрос нельзя удалить: на анкету уже получено ответов — 1" in page
    assert copy.questions.filter(pk=question.pk).exists()
    # Rewording is allowed, changing what answers mean is not.
    url = reverse("surveys:question", args=[copy.pk, question.pk])
    base = {
        "section": question.section_id,
        "code": "p-wishes",
        "kind": "text",
        "text": "Ваши пожелания",
    }
    client.post(url, base)
    question.refresh_from_db()
    assert question.text == "Ваши пожелания"
    page = client.post(url, base | {"kind": "number"}).content.decode()
    assert "не код, вид вопроса" in page
    question.refresh_from_db()
    assert question.kind == QuestionKind.TEXT
    edit = reverse("surveys:questionnaire-edit", args=[copy.pk])
    fields = {
        "title": "Родители, весна",
        "description": "",
        "group": "parents",
        "kind": "satisfaction",
        "owner": world.methodical_centre.pk,
        "min_respondents": 6,
    }
    page = client.post(edit, fields | {"group": "students"}).content.decode()
    assert "группу респондентов и вид анкеты изменить нельзя" in page
    assert client.post(edit, fields).status_code == 302
    copy.refresh_from_db()
    assert (copy.title, copy.group, copy.min_respondents) == ("Родители, весна", "parents", 6)


def test_the_scoring_form_saves_rules_and_refuses_wrong_ones(world):
    client = world.client("analyst")
    client.post(
        reverse("surveys:questionnaire-copy", args=[builtin("risk500-director").pk]),
        {"title": "Директор", "owner": world.methodical_centre.pk},
    )
    copy = Questionnaire.objects.get(title="Директор")
    url = reverse("surveys:scoring", args=[copy.pk])
    page = client.get(url).content.decode()
    assert "d-computers: 1=0, 2=1, 3=2, 4=3" in page
    form = {}
    for factor in RiskFactor:
        form[f"{factor.value}-medium"] = "35"
        form[f"{factor.value}-high"] = "60"
        form[f"{factor.value}-items"] = ""
    form["equipment-items"] = "d-computers: 1=0, 2=0, 3=1, 4=3; вес 2\nd-internet: 1=2, 2=1"
    form["equipment-high"] = "70"
    form["staff-shortage-items"] = "d-vacancies: ..1=0, 1..4=1, 4..=3"
    response = client.post(url, form)
    assert response.status_code == 302
    copy.refresh_from_db()
    equipment = copy.scoring["factors"]["equipment"]
    assert equipment["high"] == 70
    assert equipment["items"][0] == {
        "question": "d-computers",
        "weight": 2.0,
        "points": {"1": 0.0, "2": 0.0, "3": 1.0, "4": 3.0},
    }
    assert copy.scoring["factors"]["staff-shortage"]["items"][0]["ranges"] == [
        [None, 1.0, 0.0],
        [1.0, 4.0, 1.0],
        [4.0, None, 3.0],
    ]
    assert set(copy.scoring["factors"]) == {"equipment", "staff-shortage"}
    # Unknown codes and options are named; nothing is saved.
    form["equipment-items"] = "no-such: 1=1\nd-computers: 7=2"
    page = client.post(url, form).content.decode()
    assert "no-such: в анкете нет вопроса с таким кодом" in page
    assert "у вопроса нет варианта «7»" in page
    copy.refresh_from_db()
    assert copy.scoring["factors"]["equipment"]["high"] == 70


def test_parse_scoring_lists_every_problem():
    class Fake:
        def __init__(self, kind, options=(), scale=()):
            self.kind = kind
            self.option_labels = {str(v): "" for v in options}
            self.scale_values = list(scale)

    questions = {"a": Fake("single", [1, 2]), "t": Fake("text")}
    with pytest.raises(ScoringError) as caught:
        parse_scoring(
            {
                "factors": {
                    "nope": {},
                    "equipment": {
                        "medium": 70,
                        "high": 50,
                        "items": [
                            {"question": "a", "points": {"1": 0, "2": 0}},
                            {"question": "t", "points": {}},
                        ],
                    },
                }
            },
            questions,
        )
    text = " | ".join(caught.value.problems)
    assert "Неизвестный фактор риска «nope»" in text
    assert "пороги" in text and "ни один ответ не даёт баллов" in text
    assert "свободные ответы не подсчитываются" in text
