"""The practice bank: describing, submission, review, publication, versions, access by persona,
search, collections and the atlas, the API."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opora.core.access import Action
from opora.practices import selectors, services
from opora.practices.choices import CollectionKind, PracticeStatus, ReviewConclusion
from opora.practices.models import Collection, Practice, PracticeMaterial, ReviewCriterion
from opora.registry.models import Person

pytestmark = pytest.mark.django_db


def _practice(world: Any, *, status: str = PracticeStatus.DRAFT, **fields: Any) -> Practice:
    values = {
        "organization": world.school_a,
        "title": "Наставничество «учитель — учитель»",
        "description": "Пары опытного и молодого учителя, взаимопосещение уроков.",
        "risk_factors": ["staff-shortage"],
        "created_by": world.user("director_a"),
        "status": status,
    }
    values.update(fields)
    if status == PracticeStatus.PUBLISHED:
        values.setdefault("published_at", timezone.now())
    practice = Practice.objects.create(**values)
    PracticeMaterial.objects.create(
        practice=practice, title="Положение", url="https://example.org/p"
    )
    return practice


def _criteria() -> list[ReviewCriterion]:
    return list(ReviewCriterion.objects.filter(owner=None, is_active=True))


def _review(world: Any, practice: Practice, persona: str, conclusion: str) -> Any:
    criteria = _criteria()
    return services.review_create(
        practice=practice,
        user=world.user(persona),
        criteria=criteria,
        scores={c.pk: 2 for c in criteria},
        comment="Доработать раздел об условиях.",
        conclusion=conclusion,
    )


def test_shipped_criteria() -> None:
    names = [c.name for c in _criteria()]
    assert len(names) == 6
    assert "Новизна" in names


def test_describe_and_submit_through_the_pages(world: Any) -> None:
    client = world.client("director_a")
    page = client.get("/practices/new/")
    assert page.status_code == 200
    assert "---------" not in page.content.decode()
    data = {
        "title": "Родительский университет",
        "organization": world.school_a.pk,
        "risk_factors": ["parent-involvement"],
        "grades": ["5", "6"],
        "description": "Встречи с родителями раз в месяц.",
        "material_file": SimpleUploadedFile("план.pdf", b"%PDF-1.4 plan", "application/pdf"),
    }
    response = client.post("/practices/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    practice = Practice.objects.get(title="Родительский университет")
    assert practice.grades == [5, 6]
    assert practice.materials.get().file_name == "план.pdf"
    material = practice.materials.get()
    assert client.get(f"/practices/materials/{material.pk}/").status_code == 200
    for persona in ("director_b", "outsider", "curator", "council"):
        assert world.client(persona).get(f"/practices/materials/{material.pk}/").status_code == 404
    response = client.post(f"/practices/{practice.pk}/submit/")
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.REVIEW


def test_form_keeps_typed_input_on_refusal(world: Any) -> None:
    client = world.client("director_a")
    response = client.post(
        "/practices/new/",
        {"title": "Смысловое чтение", "organization": world.school_b.pk, "description": "Текст"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Смысловое чтение" in text
    assert not Practice.objects.exists()


def test_submit_refused_says_what_is_missing(world: Any) -> None:
    practice = Practice.objects.create(
        organization=world.school_a, title="Пустая", created_by=world.user("director_a")
    )
    with pytest.raises(ValidationError) as error:
        services.practice_submit(practice=practice, user=world.user("director_a"))
    text = " ".join(error.value.messages)
    assert "проблема" in text and "что делается" in text and "материалы" in text
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.DRAFT
    # Through the page: the refusal is on the page, nothing changes.
    response = world.client("director_a").post(f"/practices/{practice.pk}/submit/", follow=True)
    assert "материалы (файл или ссылка)" in response.content.decode()


def test_review_publish_and_refusals(world: Any) -> None:
    practice = _practice(world, status=PracticeStatus.REVIEW)
    author = Person.objects.get(user=world.user("staff_a"))
    practice.authors.add(author)
    # An author never reviews their own practice; neither may a school.
    with pytest.raises(ValidationError, match="Автор практики"):
        _review(world, practice, "staff_a", ReviewConclusion.PUBLISH)
    assert world.client("director_b").get(f"/practices/{practice.pk}/review/").status_code == 404
    assert world.client("outsider").get(f"/practices/{practice.pk}/review/").status_code == 404
    # Publishing needs a «publish» conclusion.
    with pytest.raises(ValidationError, match="хотя бы одно"):
        services.practice_publish(practice=practice, user=world.user("coordinator"))
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        # a missing score
        services.review_create(
            practice=practice,
            user=world.user("analyst"),
            criteria=_criteria(),
            scores={},
            comment="",
            conclusion=ReviewConclusion.PUBLISH,
        )
    response = world.client("analyst").post(
        f"/practices/{practice.pk}/review/",
        {**{f"c{c.pk}": "3" for c in _criteria()}, "conclusion": "publish", "comment": "Хорошо"},
    )
    assert response.status_code == 302
    with pytest.raises(ValidationError, match="уже дали"):
        _review(world, practice, "analyst", ReviewConclusion.PUBLISH)
    assert world.client("director_a").post(f"/practices/{practice.pk}/publish/").status_code == 404
    assert world.client("outsider").post(f"/practices/{practice.pk}/publish/").status_code == 404
    assert world.client("coordinator").post(f"/practices/{practice.pk}/publish/").status_code == 302
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED and practice.published_at
    # Reviews are seen by the authors and the handlers, not by another school.
    assert "Хорошо" in world.client("staff_a").get(practice.get_absolute_url()).content.decode()
    assert (
        "Хорошо" not in world.client("director_b").get(practice.get_absolute_url()).content.decode()
    )


def test_revise_returns_to_draft_with_comment(world: Any) -> None:
    practice = _practice(world, status=PracticeStatus.REVIEW)
    _review(world, practice, "analyst", ReviewConclusion.REVISE)
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.DRAFT
    page = world.client("director_a").get(practice.get_absolute_url()).content.decode()
    assert "Доработать раздел об условиях." in page


def test_access_by_persona(world: Any) -> None:
    draft = _practice(world)
    published = _practice(world, status=PracticeStatus.PUBLISHED, title="Опубликованная")
    for persona in ("director_a", "staff_a", "teacher", "coordinator", "analyst", "regional"):
        assert world.client(persona).get(draft.get_absolute_url()).status_code == 200, persona
    for persona in ("director_b", "outsider", "curator", "council"):
        assert world.client(persona).get(draft.get_absolute_url()).status_code == 404, persona
    assert world.client("anonymous").get(draft.get_absolute_url()).status_code == 302
    # The published bank: everyone signed in, any territory.
    for persona in ("director_b", "outsider", "curator", "council", "teacher"):
        assert world.client(persona).get(published.get_absolute_url()).status_code == 200
    assert world.client("anonymous").get(published.get_absolute_url()).status_code == 302
    # Changing: the school's own people and the handlers.
    assert world.client("teacher").get(f"/practices/{draft.pk}/edit/").status_code == 200
    for persona in ("director_b", "outsider", "curator", "council"):
        assert world.client(persona).get(f"/practices/{draft.pk}/edit/").status_code == 404
    assert world.client("outsider").get("/practices/new/").status_code == 200  # own territory
    assert world.client("curator").get("/practices/new/").status_code == 404
    # The list shows others the bank only.
    text = world.client("director_b").get("/practices/?status=draft").content.decode()
    assert draft.title not in text


def test_published_is_changed_as_a_new_version(world: Any) -> None:
    published = _practice(world, status=PracticeStatus.PUBLISHED, title="Версия один")
    response = world.client("director_a").post(f"/practices/{published.pk}/version/")
    assert response.status_code == 302
    draft = Practice.objects.get(root=published)
    assert draft.version == 2 and draft.status == PracticeStatus.DRAFT
    assert draft.materials.count() == 1
    with pytest.raises(ValidationError, match="уже готовится"):
        services.practice_version_new(practice=published, user=world.user("director_a"))
    # Editing the published one is refused; the draft is edited.
    with pytest.raises(ValidationError, match="новой"):
        published.title = "Изменено"
        services.practice_save(practice=published, user=world.user("director_a"))
    published.refresh_from_db()
    assert published.title == "Версия один"
    draft.title = "Версия два"
    services.practice_save(practice=draft, user=world.user("director_a"))
    services.practice_submit(practice=draft, user=world.user("director_a"))
    _review(world, draft, "analyst", ReviewConclusion.PUBLISH)
    assert Practice.objects.get(pk=published.pk).status == PracticeStatus.PUBLISHED
    services.practice_publish(practice=draft, user=world.user("analyst"))
    published.refresh_from_db()
    assert published.status == PracticeStatus.ARCHIVED and published.archived_at
    page = world.client("director_b").get(draft.get_absolute_url()).content.decode()
    assert "Версия 1" in page


def test_search_filters_and_flat_queries(world: Any) -> None:
    from opora.results.models import Subject

    maths = Subject.objects.get_or_create(code="math", defaults={"name": "Математика"})[0]
    one = _practice(world, status=PracticeStatus.PUBLISHED, title="Про кадры", grades=[1, 11])
    two = _practice(
        world,
        status=PracticeStatus.PUBLISHED,
        title="Про родителей",
        organization=world.school_c,
        risk_factors=["parent-involvement"],
        problem_types=["parental-deprivation"],
        grades=[5],
    )
    two.subjects.add(maths)
    user = world.user("director_b")

    def found(**kw: Any) -> set[int]:
        return set(
            selectors.practice_list(user, selectors.BankFilter(**kw)).values_list("pk", flat=True)
        )

    assert found(risk_factor="parent-involvement") == {two.pk}
    assert found(problem_type="parental-deprivation") == {two.pk}
    assert found(grade=1) == {one.pk}
    assert found(grade=11) == {one.pk}
    assert found(grade=5) == {two.pk}
    assert found(subject=maths.pk) == {two.pk}
    assert found(territory=world.north) == {one.pk}
    assert found(text="кадры") == {one.pk}
    client = world.client("director_b")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/practices/?factor=staff-shortage").status_code == 200
    for n in range(20):
        _practice(world, status=PracticeStatus.PUBLISHED, title=f"Практика {n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/practices/?factor=staff-shortage").status_code == 200
    assert len(many) == len(few)


def test_review_queue_and_mine(world: Any) -> None:
    waiting = _practice(world, status=PracticeStatus.REVIEW, title="Ждёт")
    text = world.client("analyst").get("/practices/?tab=review").content.decode()
    assert waiting.title in text
    text = world.client("director_a").get("/practices/?tab=mine").content.decode()
    assert waiting.title in text
    assert (
        waiting.title not in world.client("outsider").get("/practices/?tab=review").content.decode()
    )


def test_criteria_page_and_own_criterion(world: Any) -> None:
    assert "Новизна" in world.client("teacher").get("/practices/criteria/").content.decode()
    response = world.client("coordinator").post(
        "/practices/criteria/",
        {
            "owner": world.department.pk,
            "name": "Свой критерий",
            "max_score": 5,
            "position": 9,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert ReviewCriterion.objects.get(name="Свой критерий").owner == world.department
    assert world.client("analyst").post("/practices/criteria/", {"name": "x"}).status_code == 404
    practice = _practice(world)
    assert "Свой критерий" in [
        c.name for c in selectors.active_criteria(world.user("analyst"), practice)
    ]
    other = _practice(world, organization=world.school_c)
    assert "Свой критерий" not in [
        c.name for c in selectors.active_criteria(world.user("analyst"), other)
    ]


def test_collections_and_atlas(world: Any) -> None:
    import docx

    published = _practice(world, status=PracticeStatus.PUBLISHED, title="Смысловое чтение")
    second = _practice(world, status=PracticeStatus.PUBLISHED, title="Второй")
    draft = _practice(world, title="Черновик")
    client = world.client("coordinator")
    response = client.post(
        "/practices/collections/new/",
        {
            "kind": CollectionKind.MUNICIPAL_BANK,
            "title": "Муниципальный банк",
            "owner": world.department.pk,
        },
    )
    assert response.status_code == 302
    collection = Collection.objects.get()
    url = f"/practices/collections/{collection.pk}/change/"
    client.post(url, {"practice": published.pk})
    client.post(url, {"practice": second.pk})
    client.post(url, {"practice": draft.pk})
    assert [i.practice for i in collection.items.order_by("position")] == [published, second]
    last = collection.items.get(practice=second)
    client.post(url, {"up": last.pk})
    assert collection.items.order_by("position").first().practice == second
    assert world.client("director_a").post(url, {"remove": last.pk}).status_code == 404
    assert world.client("outsider").post(url, {"remove": last.pk}).status_code == 404
    assert world.client("director_a").get("/practices/collections/new/").status_code == 404
    reader = world.client("director_b")
    assert reader.get(collection.get_absolute_url()).status_code == 200
    response = reader.get(f"/practices/collections/{collection.pk}/atlas.docx")
    assert response.status_code == 200
    from urllib.parse import unquote

    assert "Атлас практик" in unquote(response["Content-Disposition"])
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Смысловое чтение" in text and "Содержание" in text and "https://example.org/p" in text
    section = document.sections[0]
    assert round(section.page_width.mm) == 210
    response = reader.get(f"/practices/collections/{collection.pk}/atlas.pdf")
    assert response.content.startswith(b"%PDF")
    assert (
        world.client("anonymous")
        .get(f"/practices/collections/{collection.pk}/atlas.pdf")
        .status_code
        == 302
    )
    client.post(url, {"remove": last.pk})
    assert collection.items.count() == 1


def test_api(world: Any) -> None:
    draft = _practice(world, title="Черновик API")
    published = _practice(world, status=PracticeStatus.PUBLISHED, title="Опубликована API")
    data = world.client("director_b").get("/api/practices/").json()
    titles = [p["title"] for p in data.get("results", data)]
    assert titles == ["Опубликована API"]
    assert world.client("director_b").get(f"/api/practices/{draft.pk}/").status_code == 404
    assert world.client("director_a").get(f"/api/practices/{draft.pk}/").status_code == 200
    assert world.client("anonymous").get("/api/practices/").status_code in (401, 403)
    bad = world.client("director_b").get("/api/practices/?risk_factor=xx")
    assert bad.status_code == 400
    assert published.pk


def test_selectors_need_the_user(world: Any) -> None:
    draft = _practice(world)
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.practice_get(world.user("director_b"), draft.pk)
    assert selectors.practice_get(world.user("analyst"), draft.pk, Action.REVIEW) == draft
    with pytest.raises(Http404):
        selectors.practice_get(world.user("director_a"), draft.pk, Action.REVIEW)


def test_history_follows_the_practice_access(world: Any) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    practice = _practice(world)
    services.practice_submit(practice=practice, user=world.user("director_a"))
    kind = ContentType.objects.get_for_model(Practice)
    url = reverse("core:history", args=[kind.pk, practice.pk])
    page = world.client("director_a").get(url)
    assert page.status_code == 200
    assert world.client("director_b").get(url).status_code == 404


def test_criteria_and_collections_are_paginated(world: Any) -> None:
    """Each authority adds criteria and collections: 30 a page, the same queries for 3N."""
    from django.urls import reverse

    from opora.core.tests.rows import queries_and_rows

    def grow(n: int) -> None:
        ReviewCriterion.objects.bulk_create(
            ReviewCriterion(owner=world.department, name=f"Критерий {i}") for i in range(n)
        )
        Collection.objects.bulk_create(
            Collection(
                owner=world.department, kind=CollectionKind.choices[0][0], title=f"Сборник {i}"
            )
            for i in range(n)
        )

    client = world.client("coordinator")
    for name in ("practices:criteria", "practices:collections"):
        ReviewCriterion.objects.filter(owner=world.department).delete()
        Collection.objects.all().delete()
        url = reverse(name)
        grow(5)
        small = queries_and_rows(client, url)
        grow(40)
        big = queries_and_rows(client, url)
        assert big[0] == small[0] and big[1] == 30, name
        assert "Стр. 2 из 2" in client.get(url, {"page": 2}).content.decode(), name


def test_a_collection_pages_its_practices(world: Any) -> None:
    """A collection shows 20 practices a page, with the same queries for 70 as for 25; «выше»,
    «ниже» and «убрать» work on any page and return to it."""
    from django.urls import reverse

    from opora.core.tests.rows import longest_list, queries_and_rows
    from opora.practices.models import CollectionItem

    collection = Collection.objects.create(
        owner=world.department, kind=CollectionKind.choices[0][0], title="Региональный атлас"
    )

    def grow(n: int) -> None:
        start = collection.items.count()
        for i in range(start, start + n):
            practice = Practice.objects.create(
                organization=world.school_a,
                title=f"Практика {i:03d}",
                description="Описание.",
                created_by=world.user("director_a"),
                status=PracticeStatus.PUBLISHED,
                published_at=timezone.now(),
            )
            CollectionItem.objects.create(collection=collection, practice=practice, position=i + 1)

    client = world.client("coordinator")
    url = collection.get_absolute_url()
    grow(25)
    small = queries_and_rows(client, url)
    grow(45)
    big = queries_and_rows(client, url)
    assert big[0] == small[0] and small[1] == 20 and big[1] == 20
    last = client.get(url, {"page": 4}).content.decode()
    assert "Стр. 4 из 4" in last and "Практика 069" in last and "Практика 059" not in last
    assert longest_list(last) == 10 and 'start="61"' in last

    change = reverse("practices:collection-change", args=[collection.pk])
    items = list(collection.items.order_by("position"))
    # The first of page 2 moves up onto page 1; the user is back on page 2.
    response = client.post(change, {"up": items[20].pk, "page": 2})
    assert response.status_code == 302 and response["Location"] == f"{url}?page=2"
    order = [i.practice.title for i in collection.items.order_by("position")]
    assert order[19:21] == ["Практика 020", "Практика 019"]
    second = client.get(url, {"page": 2}).content.decode()
    assert "Практика 019" in second and "Практика 020" not in second
    response = client.post(change, {"remove": items[65].pk, "page": 4})
    assert response["Location"] == f"{url}?page=4"
    assert not collection.items.filter(pk=items[65].pk).exists()
    # Gone from the list, and found again by the search of what to add, below it.
    assert "Практика 065" not in client.get(url, {"page": 4}).content.decode().split('id="add"')[0]
    found = client.get(url, {"find": "Практика 065"}).content.decode().split('id="add"')[1]
    assert "Практика 065" in found and f'name="practice" value="{items[65].practice_id}"' in found
    # The practices already in the collection are not offered again, searched or not.
    assert "Практика 069" not in client.get(url).content.decode().split('id="add"')[1]
    assert "Ничего не найдено" in client.get(url, {"find": "Практика 069"}).content.decode()
    # What to add is offered ten at a time, however many practices the bank holds.
    collection.items.all().delete()
    offered = client.get(url).content.decode().split('id="add"')[1]
    assert offered.count('name="practice"') == 10 and "уточните поиск" in offered
    response = client.post(change, {"practice": items[3].practice_id})
    assert response.status_code == 302 and collection.items.count() == 1


def test_the_demo_bank(demo: Any) -> None:
    """The demo step: 25 practices in every state, a newer version under review beside its
    published first version, reviews, materials, two collections; the atlas prints."""
    from opora.practices.models import Review

    practices = list(Practice.objects.all())
    states = {p.status for p in practices}
    assert len(practices) >= 25
    assert states == set(PracticeStatus.values)
    later = Practice.objects.get(root__isnull=False)
    assert later.status == PracticeStatus.REVIEW and later.root.status == PracticeStatus.PUBLISHED
    assert Review.objects.filter(conclusion=ReviewConclusion.REVISE).exists()
    assert PracticeMaterial.objects.exclude(file="").exists()
    assert PracticeMaterial.objects.exclude(url="").exists()
    assert Collection.objects.count() == 2
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="teacher"))
    atlas = Collection.objects.get(kind=CollectionKind.REGIONAL_ATLAS)
    response = client.get(f"/practices/collections/{atlas.pk}/atlas.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # Step 82: published practices adopted by other schools, some into their roadmaps, and
    # the evidence has years on both sides of the start for at least one of them.
    from opora.practices.effect import practice_effect
    from opora.practices.models import Adoption

    adoptions = Adoption.objects.select_related("practice")
    assert adoptions.order_by().values("school").distinct().count() >= 5
    assert adoptions.filter(activity__isnull=False).exists()
    assert all(a.school_id != a.practice.organization_id for a in adoptions)
    adopted = {a.practice for a in adoptions}
    assert any(not practice_effect(p).problem for p in adopted)
    page = client.get(f"/practices/{next(iter(adopted)).pk}/")
    assert page.status_code == 200 and "Эффект по данным Опоры" in page.content.decode()
