"""The visits and recommendations pages, persona by persona: who may and who gets 404."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core import dates
from opora.core.tests.helpers import assert_docx_a4, download_name
from opora.registry.tests.factories import SchoolFactory
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.models import Activity, Section
from opora.support import services
from opora.support.choices import Addressee, RecommendationStatus, VisitKind, VisitStatus
from opora.support.models import Recommendation, Visit, VisitPhoto, VisitTemplate
from opora.support.tests.visits_helpers import JPEG, person, plan, png, running_roadmap

pytestmark = pytest.mark.django_db

READERS = ("curator", "director_a", "staff_a", "council", "analyst", "coordinator", "regional")
STRANGERS = ("teacher", "director_b", "outsider")


def _done_visit(world, *, due=None, addressee=Addressee.SCHOOL):
    visit = plan(world, day=dates.today() - datetime.timedelta(days=20))
    outcome = services.visit_record_save(
        user=world.user("curator"),
        visit=visit,
        form_key=visit.form_key,
        answers={"0.0": {"rating": 1, "note": "Частично"}},
        findings="Школа анализирует результаты, но не использует их",
        photos=[png()],
        recommendations=[
            services.RecommendationDraft(
                text="Провести педсовет по итогам ВПР",
                addressee=addressee,
                due_on=due or dates.today() + datetime.timedelta(days=10),
            )
        ],
        close=True,
    )
    return outcome.visit


def _record_post(visit, **extra):
    data = {
        "form_key": str(visit.form_key),
        "findings": "Выводы выезда",
        "rating_0_0": "2",
        "note_0_0": "Анализ есть",
        "rec-TOTAL_FORMS": "2",
        "rec-INITIAL_FORMS": "0",
        "rec-MIN_NUM_FORMS": "0",
        "rec-MAX_NUM_FORMS": "1000",
        "rec-0-text": "Организовать взаимопосещение уроков",
        "rec-0-addressee": Addressee.SCHOOL,
        "rec-0-due_on": (dates.today() + datetime.timedelta(days=30)).isoformat(),
        "rec-1-text": "",
        "rec-1-addressee": Addressee.SCHOOL,
        "rec-1-due_on": "",
    }
    data.update(extra)
    return data


def test_visit_page_for_readers_and_404_for_the_others(world):
    visit = _done_visit(world)
    url = visit.get_absolute_url()
    for persona in READERS:
        response = world.client(persona).get(url)
        assert response.status_code == 200, persona
        assert "Провести педсовет" in response.content.decode()
    for persona in STRANGERS:
        assert world.client(persona).get(url).status_code == 404, persona
    assert world.client("anonymous").get(url).status_code == 302


def test_the_visit_list_shows_each_persona_their_visits(world):
    _done_visit(world)
    for persona in READERS:
        page = world.client(persona).get(reverse("support:visits")).content.decode()
        assert "СОШ № 1" in page, persona
    for persona in STRANGERS:
        response = world.client(persona).get(reverse("support:visits"))
        assert response.status_code == 200
        assert "Выездов не найдено" in response.content.decode(), persona


def test_plan_page_for_those_who_conduct_visits(world):
    assert world.client("curator").get(reverse("support:visit-new")).status_code == 200
    for persona in ("director_a", "staff_a", "teacher", "council"):
        assert world.client(persona).get(reverse("support:visit-new")).status_code == 404
    data = {
        "school": world.school_a.pk,
        "kind": VisitKind.FIRST_CURATOR,
        "planned_on": dates.today().isoformat(),
        "organiser": world.methodical_centre.pk,
        "lead": person(world, "curator").pk,
        "purpose": "Знакомство со школой",
        "form_key": "0b1c2d3e-4f50-4a6b-8c9d-0e1f2a3b4c5d",
    }
    client = world.client("curator")
    first = client.post(reverse("support:visit-new"), data)
    second = client.post(reverse("support:visit-new"), data)
    assert first.status_code == second.status_code == 302
    assert Visit.objects.count() == 1
    # Recorded since (the record's key turned over), the plan sent once more plans nothing.
    visit = Visit.objects.get()
    world.client("curator").post(
        reverse("support:visit-record", args=[visit.pk]), _record_post(visit)
    )
    visit.refresh_from_db()
    assert visit.findings
    third = client.post(reverse("support:visit-new"), data)
    assert third.status_code == 302 and third["Location"] == visit.get_absolute_url()
    assert Visit.objects.count() == 1
    # School B is outside the curator's reach: not offered, refused with a message.
    refused = client.post(reverse("support:visit-new"), {**data, "school": world.school_b.pk})
    assert refused.status_code == 400
    assert "Выберите корректный вариант" in refused.content.decode()
    assert Visit.objects.count() == 1


def test_the_curator_records_and_closes_a_visit_in_the_browser_form(world):
    visit = plan(world)
    url = reverse("support:visit-record", args=[visit.pk])
    page = world.client("curator").get(url).content.decode()
    assert "Управление и планирование" in page and "в полной мере" in page
    for persona in ("director_a", "council", "teacher", "outsider"):
        assert world.client(persona).get(url).status_code == 404, persona
    data = _record_post(visit, close="1", photos=[png()])
    client = world.client("curator")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    assert visit.answers["0.0"] == {"rating": 2, "note": "Анализ есть"}
    assert Recommendation.objects.count() == 1 and VisitPhoto.objects.count() == 1
    # The phone sends the same form again: one record.
    again = client.post(url, _record_post(visit, close="1", form_key=data["form_key"]))
    assert again.status_code == 302
    assert Recommendation.objects.count() == 1


def test_a_refused_record_keeps_what_was_typed(world):
    visit = plan(world, day=dates.today() - datetime.timedelta(days=2))
    url = reverse("support:visit-record", args=[visit.pk])
    data = _record_post(
        visit,
        save="1",
        **{"rec-0-due_on": (dates.today() - datetime.timedelta(days=9)).isoformat()},
        photos=[SimpleUploadedFile("вирус.jpg", b"MZ\x90\x00 program")],
    )
    response = world.client("curator").post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "раньше даты выезда" in page and "«вирус.jpg» не принят" in page
    assert "Организовать взаимопосещение уроков" in page and "Анализ есть" in page
    assert not Recommendation.objects.exists() and not VisitPhoto.objects.exists()


def test_photos_are_served_only_to_those_who_see_the_visit(world):
    visit = _done_visit(world)
    photo = VisitPhoto.objects.get(visit=visit)
    url = reverse("support:visit-photo", args=[photo.pk])
    response = world.client("director_a").get(url)
    assert response.status_code == 200 and download_name(response) == "фото.png"
    for persona in STRANGERS:
        assert world.client(persona).get(url).status_code == 404, persona


def test_the_visit_report_is_an_a4_docx_and_a_pdf(world):
    import docx

    visit = _done_visit(world)
    response = world.client("director_a").get(
        reverse("support:visit-report", args=[visit.pk, "docx"])
    )
    assert response.status_code == 200
    name = download_name(response)
    assert name.startswith("Справка по итогам выезда — СОШ № 1 — ") and name.endswith(".docx")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert_docx_a4(data, landscape=False)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "Справка по итогам выезда в СОШ № 1" in text and "Цель выезда" in text
    tables = docx.Document(io.BytesIO(data)).tables
    cells = {c.text for t in tables for row in t.rows for c in row.cells}
    assert "Провести педсовет по итогам ВПР" in cells and "Школа" in cells
    pdf = world.client("curator").get(reverse("support:visit-report", args=[visit.pk, "pdf"]))
    if pdf.status_code == 200:
        assert pdf.content.startswith(b"%PDF")
    for persona in STRANGERS:
        url = reverse("support:visit-report", args=[visit.pk, "docx"])
        assert world.client(persona).get(url).status_code == 404


def test_the_director_answers_on_the_recommendation_page(world):
    _done_visit(world)
    recommendation = Recommendation.objects.get()
    url = recommendation.get_absolute_url()
    assert "Ответ школы" in world.client("director_a").get(url).content.decode()
    for persona in ("council", "curator", "staff_a"):
        page = world.client(persona).get(url)
        assert page.status_code == 200 and "Ответ школы" not in page.content.decode()
    for persona in STRANGERS:
        assert world.client(persona).get(url).status_code == 404
    answer = reverse("support:recommendation-answer", args=[recommendation.pk])
    assert world.client("council").post(answer, {"status": "accepted"}).status_code == 404
    refused = world.client("director_a").post(answer, {"status": RecommendationStatus.DISPUTED})
    assert refused.status_code == 400
    assert "почему школа не согласна" in refused.content.decode()
    done = world.client("director_a").post(
        answer,
        {
            "status": RecommendationStatus.DONE,
            "done_on": dates.today().isoformat(),
            "answer": "Педсовет проведён",
            "evidence": SimpleUploadedFile("протокол педсовета.pdf", b"%PDF-1.4 minutes"),
        },
    )
    assert done.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.DONE
    evidence = reverse("support:recommendation-evidence", args=[recommendation.pk])
    assert world.client("curator").get(evidence).status_code == 200
    assert world.client("teacher").get(evidence).status_code == 404


def test_the_director_makes_a_recommendation_a_roadmap_activity(world):
    roadmap = running_roadmap(world)
    _done_visit(world)
    recommendation = Recommendation.objects.get()
    url = reverse("support:recommendation-activity", args=[recommendation.pk])
    for persona in ("curator", "council", "staff_a", "director_b", "teacher"):
        assert world.client(persona).get(url).status_code == 404, persona
    page = world.client("director_a").get(url)
    assert page.status_code == 200 and "корректировкой" in page.content.decode()
    section = Section.objects.get(roadmap=roadmap)
    data = {
        "section": str(section.pk),
        "text": recommendation.text,
        "schedule_text": "до 30.06",
        "due_on": (dates.today() + datetime.timedelta(days=40)).isoformat(),
        "responsible": "Заместитель директора",
        "correction": "",
    }
    refused = world.client("director_a").post(url, data)
    assert refused.status_code == 400 and "основание корректировки" in refused.content.decode()
    done = world.client("director_a").post(url, {**data, "correction": "Рекомендация выезда"})
    assert done.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.activity is not None
    assert recommendation.activity.roadmap == roadmap
    roadmap.refresh_from_db()
    assert roadmap.status == RoadmapStatus.DRAFT


def test_visits_are_evidence_on_the_roadmap(world):
    roadmap = running_roadmap(world)
    activity = Activity.objects.get(roadmap=roadmap)
    visit = _done_visit(world)
    report = reverse("roadmaps:report", args=[roadmap.pk, activity.pk])
    assert "Засчитать выезды" in world.client("director_a").get(report).content.decode()
    url = reverse("support:activity-visits", args=[activity.pk])
    for persona in ("curator", "council", "teacher", "director_b"):
        assert world.client(persona).get(url).status_code == 404, persona
    # The page posts the visits it showed (`shown`) beside the ticked ones.
    response = world.client("director_a").post(url, {"visits": [visit.pk], "shown": [visit.pk]})
    assert response.status_code == 302
    assert list(visit.activities.all()) == [activity]
    page = world.client("director_a").get(roadmap.get_absolute_url()).content.decode()
    assert visit.get_absolute_url() in page
    # Unticked: no longer its evidence.
    world.client("director_a").post(url, {"shown": [visit.pk]})
    assert not visit.activities.exists()


def _done_visits(world, n, purpose="Методический десант"):
    """`n` carried-out visits to school A, each on its own day (older than those before)."""
    lead = person(world, "curator")
    first = dates.today() - datetime.timedelta(days=30 + Visit.objects.count())
    Visit.objects.bulk_create(
        Visit(
            school=world.school_a,
            kind=VisitKind.LANDING,
            planned_on=first - datetime.timedelta(days=i),
            organiser=world.methodical_centre,
            lead=lead,
            purpose=purpose,
            status=VisitStatus.DONE,
        )
        for i in range(n)
    )


def test_activity_visits_page_searches_and_pages_the_candidates(world):
    """The visits an activity may count show 20 a page with the same queries for 65 as for 25;
    a box ticked or unticked on one page leaves the other pages' visits as they were; the
    search finds by school and purpose and keeps what was typed when the post is refused."""
    from opora.core.tests.rows import queries_and_rows

    roadmap = running_roadmap(world)
    activity = Activity.objects.get(roadmap=roadmap)
    url = reverse("support:activity-visits", args=[activity.pk])
    client = world.client("director_a")
    _done_visits(world, 25)
    small = queries_and_rows(client, url)
    _done_visits(world, 40)
    big = queries_and_rows(client, url)
    assert big[0] == small[0] and small[1] == 20 and big[1] == 20
    last = client.get(url, {"page": 4}).content.decode()
    assert "Стр. 4 из 4" in last and last.count('name="visits"') == 5

    newest_first = list(Visit.objects.order_by("-planned_on", "-pk"))
    first_page, second_page = newest_first[:20], newest_first[20:40]
    ids = [v.pk for v in first_page]
    assert client.post(url, {"visits": ids[:2], "shown": ids}).status_code == 302
    # On page 2 one more is ticked: the two of page 1 stay counted.
    ids2 = [v.pk for v in second_page]
    assert client.post(f"{url}?page=2", {"visits": [ids2[0]], "shown": ids2}).status_code == 302
    linked = set(Visit.objects.filter(activities=activity).values_list("pk", flat=True))
    assert linked == {ids[0], ids[1], ids2[0]}
    # The counted ones come first; unticking one of them leaves the rest.
    page = client.get(url).content.decode()
    assert "Засчитано выездов: 3" in page
    assert page.index(f'value="{ids2[0]}"') < page.index(f'value="{ids[2]}"')
    shown = [ids[0], ids[1], ids2[0]]
    client.post(url, {"visits": [ids[0], ids2[0]], "shown": shown})
    linked = set(Visit.objects.filter(activities=activity).values_list("pk", flat=True))
    assert linked == {ids[0], ids2[0]}

    _done_visits(world, 3, purpose="Десант по математике")
    found = client.get(url, {"q": "математ"}).content.decode()
    assert found.count('name="visits"') == 3 and "Стр." not in found
    assert client.get(url, {"q": "СОШ № 1"}).content.decode().count('name="visits"') == 20
    nothing = client.get(url, {"q": "Гимназия"}).content.decode()
    assert 'name="visits"' not in nothing and "не найдено" in nothing
    # A refused post shows the same search and page with what was ticked.
    maths = list(Visit.objects.filter(purpose__contains="математике").values_list("pk", flat=True))
    refused = client.post(f"{url}?q=математ", {"visits": [maths[0], 0], "shown": maths})
    html = refused.content.decode()
    assert refused.status_code == 400 and 'value="математ"' in html
    assert f'value="{maths[0]}" id="id_visits_' in html
    box = html[html.index(f'value="{maths[0]}" id="id_visits_') :]
    assert box.split(">")[0].endswith("checked")


def test_from_the_visit_page_the_visit_counts_for_an_activity(world):
    roadmap = running_roadmap(world)
    activity = Activity.objects.get(roadmap=roadmap)
    visit = _done_visit(world)
    page = world.client("director_a").get(visit.get_absolute_url()).content.decode()
    assert "Засчитать в мероприятие" in page
    assert "Засчитать в мероприятие" not in (
        world.client("curator").get(visit.get_absolute_url()).content.decode()
    )
    url = reverse("support:visit-activity", args=[visit.pk])
    assert world.client("director_a").post(url, {"activity": activity.pk}).status_code == 302
    assert list(visit.activities.all()) == [activity]


def test_cancel_from_the_visit_page(world):
    visit = plan(world)
    url = reverse("support:visit-cancel", args=[visit.pk])
    assert (
        world.client("director_a").post(url, {"outcome": "refused", "reason": "x"}).status_code
        == 404
    )
    world.client("curator").post(url, {"outcome": "refused", "reason": "Ремонт в школе"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REFUSED


def test_templates_pages(world):
    shipped = VisitTemplate.objects.get(owner=None, kind=VisitKind.LESSON_OBSERVATION)
    for persona in ("curator", "coordinator", "director_a"):
        assert world.client(persona).get(reverse("support:visit-templates")).status_code == 200
    page = world.client("curator").get(reverse("support:visit-template", args=[shipped.pk]))
    assert "Цели урока поставлены" in page.content.decode()
    edit = reverse("support:visit-template-edit", args=[shipped.pk])
    assert world.client("coordinator").get(edit).status_code == 404
    copied = world.client("coordinator").post(
        reverse("support:visit-template-copy", args=[shipped.pk]), {"owner": world.department.pk}
    )
    assert copied.status_code == 302
    copy = VisitTemplate.objects.get(owner=world.department)
    edit = reverse("support:visit-template-edit", args=[copy.pk])
    assert world.client("coordinator").get(edit).status_code == 200
    for persona in ("analyst", "outsider", "curator", "director_a"):
        assert world.client(persona).get(edit).status_code == 404, persona
    bad = world.client("coordinator").post(
        edit, {"name": "Наш", "areas": "вопрос без знака", "scale": "", "is_active": "on"}
    )
    assert bad.status_code == 400 and "Строка 1" in bad.content.decode()


def test_home_and_school_card_blocks(world):
    _done_visit(world, due=dates.today() + datetime.timedelta(days=1))
    home = world.client("curator").get("/").content.decode()
    assert "Мои выезды и рекомендации" in home
    director = world.client("director_a").get("/").content.decode()
    # The school's recommendations to answer are a list of their own; no visit is coming.
    assert "Рекомендации ждут ответа" in director and "Выезды в школу" not in director
    assert "Мои выезды" not in world.client("teacher").get("/").content.decode()
    card = world.client("director_a").get(world.school_a.get_tab_url("support")).content.decode()
    assert "Выезды и рекомендации" in card and "Открытых рекомендаций: 1" in card
    teacher_card = (
        world.client("teacher").get(world.school_a.get_tab_url("support")).content.decode()
    )
    assert "Выезды и рекомендации" not in teacher_card


def _many(world, count):
    schools = [SchoolFactory(territory=world.north) for _ in range(count)]
    template = VisitTemplate.objects.filter(owner=None).first()
    lead = person(world, "curator")
    for school in schools:
        visit = Visit.objects.create(
            school=school,
            kind=VisitKind.LANDING,
            planned_on=dates.today(),
            organiser=world.methodical_centre,
            lead=lead,
            purpose="Цель",
            template=template,
        )
        Recommendation.objects.create(
            school=school,
            visit=visit,
            text="Текст",
            due_on=dates.today() - datetime.timedelta(days=1),
        )


@pytest.mark.parametrize("name", ["support:visits", "support:recommendations"])
def test_list_query_counts_do_not_grow_with_the_schools(world, name):
    client = world.client("coordinator")
    _many(world, 2)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    _many(world, 12)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse(name))
    assert page.status_code == 200
    assert len(many) == len(few), [q["sql"][:200] for q in many.captured_queries]


def test_list_filters(world):
    _done_visit(world, due=dates.today() - datetime.timedelta(days=1))
    client = world.client("coordinator")
    overdue = client.get(reverse("support:recommendations"), {"overdue": "yes"}).content.decode()
    assert "просрочена" in overdue and "Провести педсовет" in overdue
    none = client.get(reverse("support:recommendations"), {"overdue": "no"}).content.decode()
    assert "Провести педсовет" not in none
    visits = client.get(reverse("support:visits"), {"status": "refused"}).content.decode()
    assert "Выездов не найдено" in visits
    assert JPEG  # the helpers' bytes are importable for the browser test


def test_the_api_reads_visits_and_recommendations_in_reach(world):
    _done_visit(world, due=dates.today() - datetime.timedelta(days=1))
    for persona in ("curator", "director_a", "council"):
        visits = world.client(persona).get("/api/visits/").json()
        assert visits["count"] == 1, persona
        assert visits["results"][0]["kind_label"] == "Методический десант"
        recommendations = world.client(persona).get("/api/recommendations/?overdue=true").json()
        assert recommendations["results"][0]["is_overdue"] is True
    for persona in STRANGERS:
        assert world.client(persona).get("/api/visits/").json()["count"] == 0
        assert world.client(persona).get("/api/recommendations/").json()["count"] == 0
    visit = Visit.objects.get()
    assert world.client("teacher").get(f"/api/visits/{visit.pk}/").status_code == 404
    assert world.client("anonymous").get("/api/visits/").status_code in (401, 403)


def test_the_school_filter_finds_by_name_and_by_the_cards_link(world):
    _done_visit(world)
    client = world.client("coordinator")
    by_name = client.get(reverse("support:visits"), {"q": "СОШ 1"}).content.decode()
    assert "Выездов не найдено" not in by_name
    other = client.get(reverse("support:visits"), {"school": world.school_b.pk}).content.decode()
    assert "Выездов не найдено" in other
    own = client.get(reverse("support:recommendations"), {"school": world.school_a.pk})
    assert "Провести педсовет" in own.content.decode()


def test_visit_and_recommendation_histories_are_russian(world):
    from django.contrib.contenttypes.models import ContentType

    from opora.core.tests.russian import not_russian

    visit = _done_visit(world)
    recommendation = Recommendation.objects.get()
    services.recommendation_answer(
        user=world.user("director_a"),
        recommendation=recommendation,
        status=RecommendationStatus.DISPUTED,
        answer="Не согласны",
    )
    for obj in (visit, recommendation, world.school_a):
        content_type = ContentType.objects.get_for_model(obj)
        response = world.client("coordinator").get(f"/history/{content_type.pk}/{obj.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert not_russian(html) == [], type(obj).__name__
        for raw in ("form key", "disputed", "landing", "0.0"):
            assert raw not in html, (type(obj).__name__, raw)
    school_history = world.client("director_a").get(
        f"/history/{ContentType.objects.get_for_model(world.school_a).pk}/{world.school_a.pk}/"
    )
    assert "Проведён выезд" in school_history.content.decode()
    assert "Ответ на рекомендацию" in school_history.content.decode()


def test_image_kinds_by_their_first_bytes():
    from opora.core.files import image_kind

    assert image_kind(JPEG[:16]) == "jpeg"
    assert image_kind(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8) == "png"
    assert image_kind(b"GIF89a" + b"\x00" * 10) == "gif"
    assert image_kind(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert image_kind(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00") == "heif"
    assert image_kind(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00") is None  # a video
    assert image_kind(b"%PDF-1.4\n") is None
    assert image_kind(b"<svg xmlns=") is None


def test_the_plan_is_changed_by_those_who_conduct_the_visit(world):
    visit = plan(world)
    url = reverse("support:visit-edit", args=[visit.pk])
    for persona in ("director_a", "council", "teacher", "outsider"):
        assert world.client(persona).get(url).status_code == 404, persona
    page = world.client("curator").get(url)
    assert page.status_code == 200 and "Методическая помощь по итогам ВПР" in page.content.decode()
    data = {
        "kind": VisitKind.LESSON_OBSERVATION,
        "planned_on": (dates.today() + datetime.timedelta(days=3)).isoformat(),
        "organiser": world.methodical_centre.pk,
        "lead": person(world, "curator").pk,
        "team": [person(world, "analyst").pk],
        "purpose": "Посещение уроков математики",
    }
    assert world.client("curator").post(url, data).status_code == 302
    visit.refresh_from_db()
    assert visit.kind == VisitKind.LESSON_OBSERVATION
    assert visit.template.kind == VisitKind.LESSON_OBSERVATION
    assert list(visit.team.all()) == [person(world, "analyst")]
    # Someone of another organisation cannot be in the team.
    refused = world.client("curator").post(url, {**data, "team": [person(world, "director_a").pk]})
    assert refused.status_code == 400
