"""Orders (приказы): the register and its pages by persona, registration (the number once a
year per issuer, the signed file), registered orders unchanged, cancellation, the drafts of
the registry's kinds, the API, and the migration of typed numbers into orders."""

from __future__ import annotations

import datetime
import io
import types

import docx
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.registry import services
from opora.registry.choices import OrderKind, OrderStatus
from opora.registry.models import Order, Programme
from opora.registry.order_migration import link_orders, nearest_authority
from opora.registry.tests.factories import (
    CuratorAssignmentFactory,
    PersonFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name: str = "приказ.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 signed order", content_type="application/pdf")


def draft(world, **values):
    return services.order_draft_save(
        order=None,
        issuer=values.pop("issuer", world.department),
        kind=values.pop("kind", OrderKind.OTHER),
        title=values.pop("title", "Об утверждении положения"),
        user=world.user("coordinator"),
        **values,
    )


def register(order, number="5-од", day=datetime.date(2024, 9, 2), file=None):
    return services.order_register(
        order=order,
        number=number,
        date=day,
        signatory="Начальник департамента И. О. Петрова",
        file=file or pdf(),
        user=None,
    )


def test_number_used_twice_in_a_year_by_one_issuer_is_refused_on_the_number_field(world):
    register(draft(world), "5-од", datetime.date(2024, 3, 1))
    second = draft(world)
    with pytest.raises(ValidationError) as exc:
        register(second, "5-од", datetime.date(2024, 11, 20))
    message = exc.value.message_dict["number"][0]
    assert "Номер 5-од уже занят в 2024 году" in message and "01.03.2024" in message
    second.refresh_from_db()
    assert (second.status, second.number, bool(second.file)) == (OrderStatus.DRAFT, "", False)
    # The next year, or another authority, may use the number.
    register(second, "5-од", datetime.date(2025, 1, 10))
    register(draft(world, issuer=world.other_department), "5-од", datetime.date(2024, 3, 1))
    assert Order.objects.filter(number="5-од", status=OrderStatus.REGISTERED).count() == 3


def test_registration_needs_number_date_signatory_and_a_document_file(world):
    order = draft(world)
    with pytest.raises(ValidationError) as exc:
        services.order_register(
            order=order, number=" ", date=None, signatory="", file=None, user=None
        )
    assert set(exc.value.message_dict) == {"number", "date", "signatory", "file"}
    for name, content in (("program.exe", b"MZ\x90\x00"), ("таблица.xlsx", b"PK\x03\x04")):
        with pytest.raises(ValidationError) as exc:
            register(order, file=SimpleUploadedFile(name, content))
        assert name in exc.value.message_dict["file"][0]
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as exc:
        register(order, day=tomorrow)
    assert "ещё не наступила" in exc.value.message_dict["date"][0]
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT


def test_a_registered_order_is_unchanged_and_only_cancelled_with_a_reason(world):
    order = register(draft(world))
    for attempt in (
        lambda: services.order_draft_save(
            order=order, issuer=world.department, kind="other", title="Другое", user=None
        ),
        lambda: register(order, "6-од"),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert "не меняются" in " ".join(exc.value.messages)
    order.refresh_from_db()
    assert (order.number, order.title) == ("5-од", "Об утверждении положения")
    with pytest.raises(ValidationError) as exc:
        services.order_cancel(order=order, reason=" ", user=None)
    assert "причину" in exc.value.message_dict["reason"][0]
    services.order_cancel(order=order, reason="Отменён приказом № 9-од", user=None)
    order.refresh_from_db()
    assert (order.status, order.number, order.cancel_reason) == (
        OrderStatus.CANCELLED,
        "5-од",
        "Отменён приказом № 9-од",
    )


def test_register_and_pages_by_persona(world):
    order = register(draft(world, title="Об утверждении плана мероприятий"))
    other = register(draft(world, issuer=world.other_department, title="Чужой приказ"))
    pages = [
        reverse("registry:orders"),
        order.get_absolute_url(),
        reverse("registry:order-draft", args=[order.pk]),
        reverse("registry:order-file", args=[order.pk]),
    ]
    for persona in ("coordinator", "analyst", "council", "regional"):
        for url in pages:
            assert world.client(persona).get(url).status_code == 200, (persona, url)
        listing = world.client(persona).get(reverse("registry:orders")).content.decode()
        assert "Об утверждении плана мероприятий" in listing
        # The region's coordinator reaches every authority of the region; the city's, its own.
        assert ("Чужой приказ" in listing) == (persona == "regional"), persona
    for persona in ("outsider", "director_a", "teacher", "curator"):
        for url in pages[1:]:
            assert world.client(persona).get(url).status_code == 404, (persona, url)
        listing = world.client(persona).get(reverse("registry:orders")).content.decode()
        assert "Об утверждении плана мероприятий" not in listing
    assert world.client("anonymous").get(pages[1]).status_code == 302
    assert world.client("coordinator").get(other.get_absolute_url()).status_code == 404
    # Managing: coordinators and analysts of the issuer; the council reads only.
    cancel = reverse("registry:order-cancel", args=[order.pk])
    for persona in ("council", "director_a", "outsider"):
        assert world.client(persona).get(cancel).status_code == 404, persona
    assert world.client("analyst").get(cancel).status_code == 200
    # The signed file goes out as an attachment under its own name.
    response = world.client("council").get(pages[3])
    assert "attachment" in response["Content-Disposition"]


def test_filters_and_search(world):
    register(draft(world, title="Об утверждении перечня", kind=OrderKind.IDENTIFICATION))
    register(draft(world, title="О закреплении кураторов", kind=OrderKind.CURATORS), "7-од")
    draft(world, title="Проект о совете")
    client = world.client("coordinator")
    url = reverse("registry:orders")

    def titles(**params):
        return client.get(url, params).content.decode()

    assert "О закреплении кураторов" not in titles(kind=OrderKind.IDENTIFICATION)
    assert "Проект о совете" not in titles(status=OrderStatus.REGISTERED)
    assert "Об утверждении перечня" not in titles(q="7-од")
    assert "О закреплении кураторов" in titles(q="7-од", year=2024)
    register(draft(world, title="О новом годе"), "1-од", datetime.date(2025, 1, 9))
    assert "О закреплении кураторов" not in titles(year=2025)
    assert "О новом годе" in titles(year=2025)


def test_create_edit_register_and_cancel_through_the_pages(world):
    client = world.client("coordinator")
    response = client.post(
        reverse("registry:order-create"),
        {"issuer": world.department.pk, "kind": "other", "title": "", "note": ""},
    )
    assert response.status_code == 200 and "Обязательное поле" in response.content.decode()
    response = client.post(
        reverse("registry:order-create"),
        {"issuer": world.department.pk, "kind": "other", "title": "Об итогах года"},
    )
    order = Order.objects.get(title="Об итогах года")
    assert response["Location"] == order.get_absolute_url()
    register(draft(world), "10-од", datetime.date(2024, 5, 5))
    url = reverse("registry:order-register", args=[order.pk])
    form = {"number": "10-од", "date": "2024-06-01", "signatory": "Начальник", "file": pdf()}
    response = client.post(url, form)
    html = response.content.decode()
    assert response.status_code == 200 and "Номер 10-од уже занят в 2024 году" in html
    assert 'value="Начальник"' in html  # what was typed stays
    form["number"], form["file"] = "11-од", pdf()
    assert client.post(url, form).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.reference) == (OrderStatus.REGISTERED, "№ 11-од от 01.06.2024")
    # Registered: no editing or re-registering, the page offers neither.
    assert client.get(reverse("registry:order-edit", args=[order.pk])).status_code == 200
    response = client.post(
        reverse("registry:order-edit", args=[order.pk]),
        {"issuer": world.department.pk, "kind": "other", "title": "Другое"},
    )
    assert "не меняются" in response.content.decode()
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Зарегистрировать подписанный приказ" not in page
    response = client.post(
        reverse("registry:order-cancel", args=[order.pk]), {"reason": "Ошибка в приложении"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_programme_and_curators_drafts(world):
    client = world.client("coordinator")
    programme = ProgrammeFactory(owner=world.department, name="Программа 500+", goal="Рост")
    programme.schools.add(world.school_a)
    response = client.post(
        reverse("registry:programme-approve", args=[programme.pk]), {"action": "draft"}
    )
    programme.refresh_from_db()
    order = programme.order
    assert response["Location"] == order.get_absolute_url() and order.kind == OrderKind.PROGRAMME
    document = docx.Document(
        io.BytesIO(client.get(reverse("registry:order-draft", args=[order.pk])).content)
    )
    rows = [[c.text for c in r.cells] for r in document.tables[-1].rows]
    assert ["Наименование", "Программа 500+"] in rows and ["Цель", "Рост"] in rows
    assert programme.order_number == ""  # a draft approves nothing
    assert "Программа 500+" in client.get(order.get_absolute_url()).content.decode()

    curators = register(draft(world, kind=OrderKind.CURATORS, title="О закреплении"), "3-к")
    person = PersonFactory(last_name="Кураторова", first_name="Анна")
    CuratorAssignmentFactory(curator=person, school=world.school_a, order=curators)
    document = docx.Document(
        io.BytesIO(client.get(reverse("registry:order-draft", args=[curators.pk])).content)
    )
    text = "\n".join(p.text for p in document.paragraphs)
    assert "№ 3-к" in "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "ПРИКАЗЫВАЮ:" in text
    rows = [[c.text for c in r.cells] for r in document.tables[-1].rows]
    assert rows[0] == ["№", "Куратор", "Школа", "Муниципалитет", "С"]
    assert rows[1][1:4] == [person.full_name, "СОШ № 1", "Северный"]


def test_api_is_read_only_and_scoped(world):
    from rest_framework.test import APIClient

    order = register(draft(world))
    register(draft(world, issuer=world.other_department), "1-од")
    client = APIClient()
    client.force_authenticate(world.user("analyst"))
    rows = client.get("/api/orders/").json()
    rows = rows.get("results", rows)
    assert [r["id"] for r in rows] == [order.pk]
    assert rows[0]["number"] == "5-од" and rows[0]["status_display"] == "Зарегистрирован"
    assert client.delete(f"/api/orders/{order.pk}/").status_code == 405
    assert client.post("/api/orders/", {}).status_code == 405
    client.force_authenticate(world.user("director_a"))
    assert client.get(f"/api/orders/{order.pk}/").status_code == 404


def test_migration_turns_typed_numbers_into_shared_registered_orders(world):
    """`link_orders` (called by the data migrations) on prepared rows: one order per issuer,
    year and number, reused by the rows it approved; rows without a number stay unlinked."""
    saved = []

    def row(number, day, territory):
        item = types.SimpleNamespace(
            order_number=number, order_date=day, order_id=None, territory=territory
        )
        item.save = lambda update_fields: saved.append((item, update_fields))
        return item

    day = datetime.date(2024, 9, 2)
    rows = [
        row("118-од", day, world.north),
        row(" 118-од ", day, world.south),
        row("", day, world.north),
        row("2", None, world.north),
        row("7", day, world.other_city),
    ]
    authority = nearest_authority(apps)
    linked = link_orders(
        apps,
        rows,
        kind=OrderKind.CURATORS,
        issuer_id_of=lambda r: authority(r.territory.path),
        title_of=lambda r: "О закреплении кураторов",
    )
    assert linked == 3
    first = Order.objects.get(number="118-од")
    assert (first.issuer, first.status, first.year, first.kind) == (
        world.department,
        OrderStatus.REGISTERED,
        2024,
        OrderKind.CURATORS,
    )
    assert rows[0].order_id == rows[1].order_id == first.pk
    assert rows[2].order_id is None and rows[3].order_id is None
    assert Order.objects.get(pk=rows[4].order_id).issuer == world.other_department
    assert {tuple(u) for _, u in saved} == {("order",)}
    # Run again (or with an order already registered): reused, not duplicated.
    link_orders(
        apps,
        [row("118-од", day, world.north)],
        kind=OrderKind.CURATORS,
        issuer_id_of=lambda r: authority(r.territory.path),
        title_of=lambda r: "—",
    )
    assert Order.objects.filter(number="118-од").count() == 1
    assert Programme.objects.count() == 0
