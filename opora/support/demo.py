"""Demo data of the support network."""

from __future__ import annotations

import datetime
from collections import Counter

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from opora.core.choices import Role
from opora.core.demo import DemoContext, demo_step
from opora.core.documents import PdfFontMissing, pdf_new
from opora.identification.choices import RunStatus
from opora.identification.models import SchoolIdentification
from opora.registry.choices import OrganizationKind
from opora.registry.models import CuratorAssignment, Membership, Organization
from opora.support import services
from opora.support.choices import MentorArea
from opora.support.recommender import mentor_proposal
from opora.support.selectors import current_q
from opora.support.services import AgreementDraft

# --- network ---

# The registry's demo assigned its curators in March 2024; the order that did it.
FIRST_ORDER = ("47-од", datetime.date(2024, 2, 26))
# Curators for the rest of the approved 2024 list, by the order after its approval.
LIST_ORDER = ("118-од", datetime.date(2024, 9, 5))
LIST_SINCE = datetime.date(2024, 9, 9)
PAIRS_SINCE = datetime.date(2024, 10, 1)
# How many listed schools get a mentor in the demo: the rest are left for the user to pair.
DEMO_PAIRS = 12
PARTNER_AGREEMENTS = [
    (
        "ЦГБ",
        "Организация внеурочной деятельности по читательской грамотности: библиотечные уроки, "
        "клуб «Читаем вместе», доступ к электронной библиотеке.",
        "СД-14/2024",
        3,
    ),
    (
        "Театр «Диалог»",
        "Программа «Театр в школе»: посещение спектаклей с обсуждением, школьные театральные "
        "студии под руководством актёров театра.",
        "СД-21/2024",
        2,
    ),
    (
        "ДЮСШ «Олимп»",
        "Секции общей физической подготовки и футбола на базе школ, совместные соревнования.",
        "СД-09/2024",
        4,
    ),
    (
        "ДГПУ",
        "Педагогическая практика студентов, методическое сопровождение учителей математики и "
        "русского языка преподавателями университета, курсы повышения квалификации.",
        "СД-33/2024",
        3,
    ),
]


def _signed_copy(number: str, subject: str) -> SimpleUploadedFile | None:
    """A one-page PDF standing for the signed scan (none when the Cyrillic font is absent)."""
    try:
        pdf = pdf_new(title=f"Договор № {number}")
    except PdfFontMissing:
        return None
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(
        0, 8, f"Договор о сетевом взаимодействии № {number}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(0, 6, subject, new_x="LMARGIN", new_y="NEXT")
    return SimpleUploadedFile(f"Договор {number}.pdf", bytes(pdf.output()))


@demo_step(order=65, name="Поддержка: кураторы по приказу, школы-наставники, договоры с партнёрами")
def network_demo(context: DemoContext) -> None:
    rng = context.random
    coordinator = User.objects.get(username="coordinator")
    listed = list(
        Organization.objects.filter(
            pk__in=SchoolIdentification.objects.filter(
                run__status=RunStatus.APPROVED, in_list=True
            ).values("school_id")
        ).order_by("short_name", "pk")
    )
    # The registry's assignments get the order they were made by.
    CuratorAssignment.objects.filter(order_number="").update(
        order_number=FIRST_ORDER[0], order_date=FIRST_ORDER[1]
    )
    # The demo's «curator» account keeps the few schools the registry gave it (its pages and
    # their walks in the tests stay small); the other curators take the rest of the list.
    curators = list(
        Membership.objects.filter(role=Role.CURATOR, is_active=True)
        .exclude(person__user__username="curator")
        .select_related("person")
        .order_by("person__last_name", "pk")
    )
    load = Counter(
        CuratorAssignment.objects.filter(current_q(LIST_SINCE)).values_list("curator_id", flat=True)
    )
    curated = set(
        CuratorAssignment.objects.filter(current_q(LIST_SINCE)).values_list("school_id", flat=True)
    )
    # Each listed school without a curator goes to the least loaded curator.
    plan: dict[int, list[Organization]] = {}
    for school in listed:
        if school.pk in curated:
            continue
        least = min(curators, key=lambda m: (load[m.person_id], m.person.last_name))
        load[least.person_id] += 1
        plan.setdefault(least.person_id, []).append(school)
    people = {m.person_id: m.person for m in curators}
    assigned = 0
    for person_id, schools in plan.items():
        assigned += len(
            services.curator_assign(
                user=coordinator,
                curator=people[person_id],
                schools=schools,
                since=LIST_SINCE,
                until=None,
                order_number=LIST_ORDER[0],
                order_date=LIST_ORDER[1],
            )
        )

    # Mentor pairs chosen by the recommender: the programme's listed schools first.
    home = context.objects.get("home_school")
    programme = context.objects.get("programme")
    in_programme = set(programme.schools.values_list("pk", flat=True)) if programme else set()
    order = sorted(listed, key=lambda s: (s != home, s.pk not in in_programme, s.short_name))
    department = context.objects.get("department") or Organization.objects.get(code="DEMO-DO")
    pairs = 0
    with_agreement = 0
    for school in order:
        if pairs >= DEMO_PAIRS:
            break
        proposal = mentor_proposal(coordinator, school)
        if not proposal.candidates:
            continue
        mentor = proposal.candidates[0].school
        areas = [MentorArea.SUBJECTS, *rng.sample(list(MentorArea)[1:], 2)]
        agreement = None
        if pairs % 2 == 0:
            with_agreement += 1
            number = f"СН-{with_agreement:02d}/2024"
            subject = (
                f"Наставничество {mentor.short_name} для {school.short_name}: "
                "взаимное посещение уроков, совместные методические объединения, "
                "стажировки управленческой команды."
            )
            agreement = AgreementDraft(
                owner=department,
                subject=subject,
                since=PAIRS_SINCE,
                until=None,
                number=number,
                signed_on=PAIRS_SINCE - datetime.timedelta(days=5),
                file=_signed_copy(number, subject) if with_agreement == 1 else None,
            )
        services.mentor_pair_create(
            user=coordinator,
            school=school,
            mentor=mentor,
            since=PAIRS_SINCE,
            until=None,
            areas=areas,
            new_agreement=agreement,
        )
        pairs += 1

    # Agreements with partners: each with a few listed schools.
    partners = {o.short_name: o for o in Organization.objects.filter(kind=OrganizationKind.PARTNER)}
    partner_agreements = 0
    for name, subject, number, school_count in PARTNER_AGREEMENTS:
        partner = partners.get(name)
        if partner is None:
            continue
        services.agreement_create(
            user=coordinator,
            draft=AgreementDraft(
                owner=department,
                subject=subject,
                since=datetime.date(2024, 9, 1),
                until=None,
                number=number,
                signed_on=datetime.date(2024, 8, 26),
                file=_signed_copy(number, subject) if partner_agreements == 0 else None,
            ),
            parties=[partner, *rng.sample(listed, min(school_count, len(listed)))],
        )
        partner_agreements += 1
    context.summary.append(
        f"кураторы: всем {len(listed)} школам списка (новых закреплений по приказу: "
        f"{assigned}); пар «школа — наставник» по подбору: {pairs}; договоров: "
        f"с партнёрами {partner_agreements}, наставнических {with_agreement}"
    )
