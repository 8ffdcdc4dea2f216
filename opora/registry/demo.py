"""Demo step of the registry: «Демо-город» with 5 districts, ~150 schools, people and users."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from opora.core.choices import Role
from opora.core.demo import (
    DEMO_TERRITORY_CODE,
    DemoAccounts,
    DemoContext,
    demo_accounts_register,
    demo_step,
)
from opora.registry.choices import (
    Locality,
    OrderKind,
    OrganizationKind,
    PartnerKind,
    SchoolType,
    TerritoryKind,
)
from opora.registry.models import (
    AcademicYear,
    CuratorAssignment,
    Membership,
    Order,
    Organization,
    Person,
    Programme,
    ProgrammeSchool,
    SchoolProfile,
    Territory,
)

DEMO_PASSWORD = "demo12345"
# (username, role, what the account shows); printed by `opora serve` and listed in README.
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("coordinator", "Координатор программы", "департамент образования, весь Демо-город"),
    ("regional", "Региональный координатор", "министерство образования, вся Демо-область"),
    ("analyst", "Аналитик / методист", "городской центр развития образования, весь город"),
    ("curator", "Куратор", "закреплённые школы"),
    ("director", "Директор школы", "своя школа (участник программы)"),
    ("staff", "Сотрудник школы", "своя школа"),
    ("teacher", "Учитель", "своя школа, без персональных данных коллег"),
    ("council", "Член координационного совета", "весь город, только просмотр"),
    ("admin", "Суперпользователь", "всё, включая администрирование /admin/"),
    (
        "coordinator_ozerny",
        "Координатор программы",
        "управление образования, только Приозёрный район",
    ),
    ("analyst_ozerny", "Аналитик / методист", "районный методический кабинет, Приозёрный район"),
    (
        "coordinator_lesnogorsk",
        "Координатор программы",
        "комитет образования, только Лесногорский городской округ",
    ),
]
# The accounts of the region's other municipalities (see `REGION_MUNICIPALITIES`): they see the
# same pages as the city's coordinator and analyst, on their own municipality.
REGION_ACCOUNTS = frozenset({"coordinator_ozerny", "analyst_ozerny", "coordinator_lesnogorsk"})

DISTRICTS = [
    ("Центральный", "DEMO-1"),
    ("Ленинский", "DEMO-2"),
    ("Заречный", "DEMO-3"),
    ("Октябрьский", "DEMO-4"),
    ("Северный", "DEMO-5"),
]
# (name, code, genitive for school names: «…школа № 12 посёлка Сосновка»).
SETTLEMENTS = [
    ("посёлок Сосновка", "DEMO-6", "посёлка Сосновка"),
    ("село Луговое", "DEMO-7", "села Луговое"),
]
STREETS = [
    "ул. Ленина",
    "ул. Мира",
    "ул. Советская",
    "ул. Гагарина",
    "ул. Школьная",
    "пр. Строителей",
    "ул. Молодёжная",
    "ул. Садовая",
    "ул. Пушкина",
    "ул. Заводская",
    "ул. Лесная",
    "пр. Победы",
    "ул. Чкалова",
    "ул. Матросова",
    "ул. Кирова",
]
# Villages have no avenues named after victories: rural addresses take plainer streets.
RURAL_STREETS = ["ул. Центральная", "ул. Школьная", "ул. Садовая", "ул. Лесная", "ул. Полевая"]
MALE = (
    [
        "Иванов",
        "Смирнов",
        "Кузнецов",
        "Попов",
        "Васильев",
        "Петров",
        "Соколов",
        "Михайлов",
        "Новиков",
        "Фёдоров",
        "Морозов",
        "Волков",
        "Алексеев",
        "Лебедев",
        "Семёнов",
        "Егоров",
        "Павлов",
        "Козлов",
        "Степанов",
        "Николаев",
        "Орлов",
        "Андреев",
        "Макаров",
        "Никитин",
    ],
    [
        "Александр",
        "Сергей",
        "Дмитрий",
        "Андрей",
        "Алексей",
        "Михаил",
        "Игорь",
        "Николай",
        "Владимир",
        "Евгений",
        "Павел",
        "Олег",
    ],
    [
        "Александрович",
        "Сергеевич",
        "Дмитриевич",
        "Андреевич",
        "Викторович",
        "Михайлович",
        "Игоревич",
        "Николаевич",
        "Владимирович",
        "Петрович",
    ],
)
FEMALE = (
    [surname + "а" for surname in MALE[0]],
    [
        "Елена",
        "Ольга",
        "Наталья",
        "Татьяна",
        "Ирина",
        "Светлана",
        "Анна",
        "Мария",
        "Екатерина",
        "Людмила",
        "Галина",
        "Юлия",
        "Марина",
        "Надежда",
    ],
    [
        "Александровна",
        "Сергеевна",
        "Дмитриевна",
        "Андреевна",
        "Викторовна",
        "Михайловна",
        "Игоревна",
        "Николаевна",
        "Владимировна",
        "Петровна",
    ],
)
SCHOOL_TYPE_PLAN = (
    [SchoolType.SOSH] * 112
    + [SchoolType.OOSH] * 12
    + [SchoolType.GYMNASIUM] * 10
    + [SchoolType.LYCEUM] * 8
    + [SchoolType.NOSH] * 3
    + [SchoolType.EVENING]
    + [SchoolType.BOARDING]
)
RURAL_SCHOOLS = 8
SUBJECTS = ["математики", "русского языка", "физики", "истории", "начальных классов"]
TYPE_NAMES = {
    SchoolType.SOSH: ("Средняя общеобразовательная школа", "СОШ"),
    SchoolType.OOSH: ("Основная общеобразовательная школа", "ООШ"),
    SchoolType.NOSH: ("Начальная общеобразовательная школа", "НОШ"),
    SchoolType.GYMNASIUM: ("Гимназия", "Гимназия"),
    SchoolType.LYCEUM: ("Лицей", "Лицей"),
    SchoolType.EVENING: ("Вечерняя (сменная) общеобразовательная школа", "В(С)ОШ"),
    SchoolType.BOARDING: ("Общеобразовательная школа-интернат", "Школа-интернат"),
}
ENROLMENT = {
    SchoolType.SOSH: (450, 1500),
    SchoolType.OOSH: (90, 350),
    SchoolType.NOSH: (60, 250),
    SchoolType.GYMNASIUM: (700, 1300),
    SchoolType.LYCEUM: (600, 1200),
    SchoolType.EVENING: (80, 200),
    SchoolType.BOARDING: (120, 300),
}
PARTNERS = [
    ("Центральная городская библиотека им. А. С. Пушкина", "ЦГБ", PartnerKind.CULTURE),
    ("Городской краеведческий музей", "Краеведческий музей", PartnerKind.CULTURE),
    ("Драматический театр «Диалог»", "Театр «Диалог»", PartnerKind.CULTURE),
    ("Спортивная школа олимпийского резерва № 1", "СШОР № 1", PartnerKind.SPORT),
    ("Детско-юношеская спортивная школа «Олимп»", "ДЮСШ «Олимп»", PartnerKind.SPORT),
    ("Дом детского творчества «Радуга»", "ДДТ «Радуга»", PartnerKind.ADDITIONAL_EDUCATION),
    ("Центр детского технического творчества", "ЦДТТ", PartnerKind.ADDITIONAL_EDUCATION),
    ("Демо-городской педагогический университет", "ДГПУ", PartnerKind.HIGHER_EDUCATION),
]
PROGRAMME_GOAL = (
    "Повышение качества образования в школах с низкими образовательными результатами и "
    "школах, функционирующих в неблагоприятных социальных условиях, путём реализации "
    "региональных и муниципальных программ поддержки."
)
PROGRAMME_TASKS = "\n".join(
    [
        "Выявить школы с низкими образовательными результатами и школы, функционирующие в "
        "неблагоприятных социальных условиях, и определить их проблемы.",
        "Обеспечить методическое сопровождение школ: кураторов, школы-наставники, выездные "
        "методические десанты.",
        "Организовать повышение квалификации педагогов с учётом выявленных профессиональных "
        "дефицитов.",
        "Разработать и реализовать программы перехода школ в эффективный режим работы.",
        "Обеспечить мониторинг выполнения программ и достижения целевых показателей.",
    ]
)


class _People:
    """Makes Russian full names with correct gender agreement, never the same twice."""

    def __init__(self, context: DemoContext) -> None:
        self.random = context.random
        self.used: set[tuple[str, str, str]] = set()

    def make(self, *, female: bool | None = None) -> Person:
        if female is None:
            female = self.random.random() < 0.75  # most school staff in Russia are women
        surnames, names, patronymics = FEMALE if female else MALE
        while True:
            name = (
                self.random.choice(surnames),
                self.random.choice(names),
                self.random.choice(patronymics),
            )
            if name not in self.used:
                self.used.add(name)
                return Person(last_name=name[0], first_name=name[1], middle_name=name[2])


def _territories() -> dict[str, Territory]:
    region = Territory.objects.add_root(
        {"name": "Демо-область", "kind": TerritoryKind.REGION, "code": "DEMO-R"}
    )
    city = Territory.objects.add_child(
        region,
        {"name": "Демо-город", "kind": TerritoryKind.MUNICIPALITY, "code": DEMO_TERRITORY_CODE},
    )
    result = {"region": region, "city": city}
    for name, code in DISTRICTS:
        result[code] = Territory.objects.add_child(
            city, {"name": name, "kind": TerritoryKind.CITY_DISTRICT, "code": code}
        )
    for name, code, _genitive in SETTLEMENTS:
        result[code] = Territory.objects.add_child(
            city, {"name": name, "kind": TerritoryKind.SETTLEMENT, "code": code}
        )
    return result


def _organization(
    code: str, name: str, short: str, kind: str, territory: Territory, **extra: Any
) -> Organization:
    return Organization.objects.create(
        code=code, name=name, short_name=short, kind=kind, territory=territory, **extra
    )


def _schools(
    context: DemoContext, territories: dict[str, Territory], people: _People
) -> list[Organization]:
    rng = context.random
    plan = list(SCHOOL_TYPE_PLAN)
    rng.shuffle(plan)
    numbers = rng.sample(range(1, 190), len(plan))
    schools: list[Organization] = []
    profiles: list[SchoolProfile] = []
    small_types = [i for i, t in enumerate(plan) if t in (SchoolType.SOSH, SchoolType.OOSH)]
    rural_indices = set(small_types[:RURAL_SCHOOLS])
    for index, (school_type, number) in enumerate(zip(plan, numbers, strict=True)):
        rural = index in rural_indices
        if rural:
            _settlement, settlement_code, settlement_genitive = SETTLEMENTS[number % 2]
            territory = territories[settlement_code]
        else:
            territory = territories[DISTRICTS[index % len(DISTRICTS)][1]]
        full_type, short_type = TYPE_NAMES[school_type]
        legal = (
            "МКОУ"
            if rural
            else ("МАОУ" if school_type in (SchoolType.GYMNASIUM, SchoolType.LYCEUM) else "МБОУ")
        )
        legal_full = {
            "МКОУ": "Муниципальное казённое общеобразовательное учреждение",
            "МАОУ": "Муниципальное автономное общеобразовательное учреждение",
            "МБОУ": "Муниципальное бюджетное общеобразовательное учреждение",
        }[legal]
        name = f"{legal_full} «{full_type} № {number}»"
        short = f"{legal} {short_type} № {number}"
        if rural:
            place = territory.name.split()[-1]
            name = f"{legal_full} «{full_type} № {number} {settlement_genitive}»"
            short = f"{legal} {short_type} № {number} ({place})"
        low, high = ENROLMENT[school_type]
        if rural:
            low, high = 40, 220
        director = people.make()
        school = Organization(
            code=f"DEMO-SCH-{index + 1:04d}",
            kind=OrganizationKind.SCHOOL,
            name=name,
            short_name=short,
            territory=territory,
            address=f"{territory.name if rural else 'г. Демо-город'}, "
            f"{rng.choice(RURAL_STREETS if rural else STREETS)}, д. {rng.randint(1, 120)}",
            phone=f"+7 (383) {rng.randint(200, 399)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
            email=f"school{number}@edu.demo-gorod.ru",
            website=f"https://school{number}.demo-gorod.ru",
        )
        schools.append(school)
        profiles.append(
            SchoolProfile(
                school_type=school_type,
                number=str(number),
                locality=Locality.RURAL if rural else Locality.URBAN,
                enrolment=rng.randint(low, high),
                director_name=director.full_name,
            )
        )
        context.objects.setdefault("directors", []).append(director)
    Organization.objects.bulk_create(schools)
    for school, profile in zip(schools, profiles, strict=True):
        profile.organization = school
    SchoolProfile.objects.bulk_create(profiles)
    return schools


def _user(username: str, person: Person | None, password: str, *, superuser: bool = False) -> User:
    user = User.objects.create(
        username=username,
        password=password,
        first_name=person.first_name if person else "",
        last_name=person.last_name if person else "",
        is_superuser=superuser,
        is_staff=superuser,
    )
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


@demo_step(order=10, name="Реестр: территории, организации, школы, люди, пользователи")
def registry_demo(context: DemoContext) -> None:
    rng = context.random
    people = _People(context)
    territories = _territories()
    city, region = territories["city"], territories["region"]
    ministry = _organization(
        "DEMO-MIN",
        "Министерство образования Демо-области",
        "Минобразования Демо-области",
        OrganizationKind.EDUCATION_AUTHORITY,
        region,
        ownership="state",
        address="г. Демо-город, пл. Ленина, д. 1",
    )
    department = _organization(
        "DEMO-DO",
        "Департамент образования мэрии Демо-города",
        "Департамент образования",
        OrganizationKind.EDUCATION_AUTHORITY,
        city,
        parent=ministry,
        address="г. Демо-город, Красный пр., д. 34",
        email="do@demo-gorod.ru",
    )
    gcro = _organization(
        "DEMO-GCRO",
        "Муниципальное казённое учреждение дополнительного профессионального "
        "образования «Городской центр развития образования»",
        "ГЦРО",
        OrganizationKind.METHODICAL_CENTRE,
        city,
        parent=department,
        address="г. Демо-город, ул. Советская, д. 12",
    )
    imc = _organization(
        "DEMO-IMC",
        "Муниципальное бюджетное учреждение «Информационно-методический центр»",
        "ИМЦ",
        OrganizationKind.METHODICAL_CENTRE,
        territories["DEMO-3"],
        parent=department,
        address="г. Демо-город, ул. Лесная, д. 5",
    )
    for n, (name, short, partner_kind) in enumerate(PARTNERS, start=1):
        _organization(
            f"DEMO-P{n:02d}",
            name,
            short,
            OrganizationKind.PARTNER,
            territories[DISTRICTS[n % len(DISTRICTS)][1]],
            partner_kind=partner_kind,
        )
    schools = _schools(context, territories, people)

    # People: a director for every school, some staff and teachers, authority staff.
    persons: list[Person] = list(context.objects["directors"])
    memberships: list[tuple[Person, Organization, str, str]] = []
    for school, director in zip(schools, context.objects["directors"], strict=True):
        memberships.append((director, school, Role.SCHOOL_DIRECTOR, ""))
        if rng.random() < 0.6:
            deputy = people.make()
            persons.append(deputy)
            memberships.append(
                (
                    deputy,
                    school,
                    Role.SCHOOL_STAFF,
                    "заместитель директора по учебно-воспитательной работе",
                )
            )
        if rng.random() < 0.35:
            teacher = people.make()
            persons.append(teacher)
            memberships.append(
                (
                    teacher,
                    school,
                    Role.TEACHER,
                    f"учитель {rng.choice(SUBJECTS)}",
                )
            )
    staff_plan = [
        (department, Role.PROGRAMME_COORDINATOR, "главный специалист отдела общего образования", 3),
        (ministry, Role.REGIONAL_COORDINATOR, "консультант отдела общего образования", 2),
        (gcro, Role.ANALYST, "методист", 5),
        (imc, Role.ANALYST, "методист", 3),
        (gcro, Role.CURATOR, "куратор школ", 6),
        (department, Role.COUNCIL_MEMBER, "член координационного совета", 6),
    ]
    role_people: dict[str, list[Person]] = {}
    for organization, role, position, count in staff_plan:
        for _ in range(count):
            person = people.make()
            persons.append(person)
            memberships.append((person, organization, role, position))
            role_people.setdefault(role, []).append(person)
    Person.objects.bulk_create(persons)
    Membership.objects.bulk_create(
        [Membership(person=p, organization=o, role=r, position=pos) for p, o, r, pos in memberships]
    )

    # The programme and its schools: mostly ordinary СОШ/ООШ, never gymnasiums or lyceums.
    candidates = [s for s in schools if s.school.school_type in (SchoolType.SOSH, SchoolType.OOSH)]
    programme_schools = rng.sample(candidates, 15)
    programme = Programme.objects.create(
        name="Программа поддержки школ с низкими образовательными результатами и школ, "
        "функционирующих в неблагоприятных социальных условиях, на 2024–2026 годы",
        owner=department,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        goal=PROGRAMME_GOAL,
        tasks=PROGRAMME_TASKS,
    )
    programme.order = demo_order(
        issuer=department,
        kind=OrderKind.PROGRAMME,
        title=f"Об утверждении программы «{programme.name}»",
        number="01-05/214",
        date=datetime.date(2024, 2, 12),
        user=None,
    )
    programme.save(update_fields=["order"])
    ProgrammeSchool.objects.bulk_create(
        [
            ProgrammeSchool(programme=programme, school=s, joined_on=datetime.date(2024, 2, 12))
            for s in programme_schools
        ]
    )

    # Curators: each takes 2–4 schools, starting with the programme's schools.
    queue = list(programme_schools) + [s for s in candidates if s not in programme_schools]
    assignments = []
    for curator in role_people[Role.CURATOR]:
        for _ in range(rng.randint(2, 4)):
            assignments.append(
                CuratorAssignment(
                    curator=curator, school=queue.pop(0), since=datetime.date(2024, 3, 1)
                )
            )
    CuratorAssignment.objects.bulk_create(assignments)
    AcademicYear.objects.bulk_create([AcademicYear(start_year=y) for y in range(2020, 2026)])

    # Demo accounts: the first curator's first school is a programme school; the director,
    # staff member and teacher accounts all belong to that school.
    home_school = programme_schools[0]
    director = next(
        p for p, o, r, _ in memberships if o == home_school and r == Role.SCHOOL_DIRECTOR
    )
    staff = people.make()
    teacher = people.make()
    Person.objects.bulk_create([staff, teacher])
    Membership.objects.bulk_create(
        [
            Membership(
                person=staff,
                organization=home_school,
                role=Role.SCHOOL_STAFF,
                # The school may already have a deputy for teaching (see above).
                position="заместитель директора по воспитательной работе",
            ),
            Membership(
                person=teacher,
                organization=home_school,
                role=Role.TEACHER,
                position="учитель математики",
            ),
        ]
    )
    # One hash for all accounts: the password is public anyway, and hashing it nine times
    # with the production hasher would take most of the demo's loading time.
    password = make_password(DEMO_PASSWORD)
    _user("coordinator", role_people[Role.PROGRAMME_COORDINATOR][0], password)
    _user("regional", role_people[Role.REGIONAL_COORDINATOR][0], password)
    _user("analyst", role_people[Role.ANALYST][0], password)
    _user("curator", role_people[Role.CURATOR][0], password)
    _user("director", director, password)
    _user("staff", staff, password)
    _user("teacher", teacher, password)
    _user("council", role_people[Role.COUNCIL_MEMBER][0], password)
    _user("admin", None, password, superuser=True)

    context.objects.update(
        territories=territories,
        department=department,
        methodical_centres=[gcro, imc],
        schools=schools,
        programme=programme,
        home_school=home_school,
    )
    context.summary += [
        f"территорий: {Territory.objects.count()}",
        f"организаций: {Organization.objects.count()}, из них школ: {len(schools)}",
        f"людей: {Person.objects.count()}, ролей: {Membership.objects.count()}",
        f"школ в программе: {len(programme_schools)}, кураторских закреплений: {len(assignments)}",
        f"учётных записей: {User.objects.count()}",
    ]


def demo_is_loaded() -> bool:
    """Whether the demo's city is already in the database."""
    return Territory.objects.filter(code=DEMO_TERRITORY_CODE).exists()


demo_accounts_register(DemoAccounts(DEMO_PASSWORD, DEMO_ACCOUNTS, demo_is_loaded))


def demo_signed_file(order: Order, number: str, date: datetime.date) -> Any:
    """A one-page PDF standing for the signed scan of a demo order."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from opora.core.documents import PDF_FONT, pdf_new

    pdf = pdf_new(title=order.title)
    pdf.add_page()
    pdf.set_font(PDF_FONT, size=12)
    pdf.multi_cell(
        0, 7, f"{order.issuer.name}\nПРИКАЗ № {number} от {date:%d.%m.%Y}\n{order.title}"
    )
    name = f"Приказ {number}.pdf".replace("/", "-")
    return SimpleUploadedFile(name, bytes(pdf.output()))


def demo_register(
    order: Order,
    *,
    number: str,
    date: datetime.date,
    user: User | None,
    signatory: str | None = None,
) -> Order:
    """Register a demo draft as a coordinator would, with a PDF for the signed file."""
    from opora.registry.services import order_register

    return order_register(
        order=order,
        number=number,
        date=date,
        signatory=signatory or DEMO_SIGNATORY,
        file=demo_signed_file(order, number, date),
        user=user,
    )


DEMO_SIGNATORY = "Начальник департамента образования Е. В. Соколова"


def demo_order(
    *,
    issuer: Organization,
    kind: str,
    title: str,
    number: str,
    date: datetime.date,
    user: User | None,
    signatory: str | None = None,
) -> Order:
    """A registered order for what the demo approves: drafted and registered through the
    services. An order the issuer already registered under this number that year is reused
    (one order may approve several things)."""
    from opora.registry.services import order_draft_save, order_number_taken

    draft = order_draft_save(order=None, issuer=issuer, kind=kind, title=title, user=user)
    existing = order_number_taken(draft, number, date)
    if existing is not None:
        draft.delete()
        return existing
    return demo_register(draft, number=number, date=date, user=user, signatory=signatory)


# --- The region's other municipalities (issue 15) --------------------------------------------
# Демо-город stays the biggest; two smaller municipalities with their own authorities, people
# and programmes let the regional page compare and every scoped page show who must not see whom.
# Their data are made by `opora.reports.demo` after every step of the city, each from a random
# source of its own, so that the city's figures are exactly those of a demo without them.


@dataclass(frozen=True)
class MunicipalitySpec:
    """What differs between the demo's municipalities."""

    name: str
    code: str
    # (name, code, genitive for rural school names or "" for a town's part, rural)
    parts: tuple[tuple[str, str, str, bool], ...]
    town: str  # the town in urban addresses and short names: «г. Лесногорск»
    plan: tuple[tuple[SchoolType, int], ...]  # school types and how many
    authority: tuple[str, str]  # (full name, short name)
    centre: tuple[str, str]
    domain: str
    phone: str
    # Accounts: (username, role) of the authority (coordinator) and of the centre (analyst).
    accounts: tuple[tuple[str, str], ...]
    curators: int
    programme: str
    orders: dict[str, tuple[str, datetime.date]]
    signatory: str


REGION_MUNICIPALITIES = (
    MunicipalitySpec(
        name="Приозёрный муниципальный район",
        code="DEMO-OZR",
        parts=(
            ("рабочий посёлок Приозёрный", "DEMO-OZR-1", "рабочего посёлка Приозёрный", False),
            ("село Берёзовка", "DEMO-OZR-2", "села Берёзовка", True),
            ("село Камышино", "DEMO-OZR-3", "села Камышино", True),
            ("село Озёрки", "DEMO-OZR-4", "села Озёрки", True),
            ("деревня Ключи", "DEMO-OZR-5", "деревни Ключи", True),
        ),
        town="р. п. Приозёрный",
        plan=(
            (SchoolType.SOSH, 17),
            (SchoolType.OOSH, 12),
            (SchoolType.NOSH, 4),
            (SchoolType.GYMNASIUM, 1),
            (SchoolType.BOARDING, 1),
        ),
        authority=(
            "Управление образования администрации Приозёрного муниципального района",
            "Управление образования Приозёрного района",
        ),
        centre=("Районный методический кабинет Приозёрного района", "РМК Приозёрного района"),
        domain="ozerny-edu.ru",
        phone="38354",
        accounts=(
            ("coordinator_ozerny", Role.PROGRAMME_COORDINATOR),
            ("analyst_ozerny", Role.ANALYST),
        ),
        curators=3,
        programme="Муниципальная программа поддержки школ с низкими образовательными "
        "результатами Приозёрного района на 2024–2026 годы",
        orders={
            "programme": ("45-о", datetime.date(2024, 2, 20)),
            "list": ("131-о", datetime.date(2024, 9, 6)),
            "curators": ("132-о", datetime.date(2024, 9, 6)),
            "roadmap": ("46-о", datetime.date(2024, 2, 20)),
            "school_roadmaps": ("150-о", datetime.date(2024, 10, 7)),
        },
        signatory="Начальник управления образования Н. П. Голубева",
    ),
    MunicipalitySpec(
        name="Лесногорский городской округ",
        code="DEMO-LSG",
        parts=(
            ("город Лесногорск", "DEMO-LSG-1", "", False),
            ("посёлок Лесозаводский", "DEMO-LSG-2", "посёлка Лесозаводский", True),
        ),
        town="г. Лесногорск",
        plan=(
            (SchoolType.SOSH, 17),
            (SchoolType.OOSH, 2),
            (SchoolType.GYMNASIUM, 2),
            (SchoolType.LYCEUM, 1),
            (SchoolType.NOSH, 2),
            (SchoolType.EVENING, 1),
        ),
        authority=(
            "Комитет образования администрации Лесногорского городского округа",
            "Комитет образования Лесногорска",
        ),
        centre=(
            "Муниципальное казённое учреждение «Лесногорский информационно-методический центр»",
            "Лесногорский ИМЦ",
        ),
        domain="lesnogorsk-edu.ru",
        phone="38343",
        accounts=(("coordinator_lesnogorsk", Role.PROGRAMME_COORDINATOR),),
        curators=2,
        programme="Программа повышения качества образования в школах Лесногорского "
        "городского округа на 2024–2026 годы",
        orders={
            "programme": ("12-ко", datetime.date(2024, 3, 4)),
            "list": ("98-ко", datetime.date(2024, 9, 10)),
            "curators": ("99-ко", datetime.date(2024, 9, 10)),
            "roadmap": ("13-ко", datetime.date(2024, 3, 4)),
            "school_roadmaps": ("121-ко", datetime.date(2024, 10, 14)),
        },
        signatory="Председатель комитета образования А. С. Морозов",
    ),
)


@dataclass
class MunicipalityDemo:
    """What `municipality_make` made, for the steps of the other apps."""

    spec: MunicipalitySpec
    territory: Territory
    authority: Organization
    centre: Organization
    schools: list[Organization]
    programme: Programme
    users: dict[str, User]
    curators: list[Person]
    methodists: list[Person]
    directors: dict[int, Person]


def municipality_make(rng: random.Random, spec: MunicipalitySpec) -> MunicipalityDemo:
    """One more municipality of Демо-область: its territories, authority and methodical centre,
    schools with directors and staff, curators and methodists, accounts, and a programme
    approved by the authority's order (its schools join when the list is approved)."""
    region = Territory.objects.get(code="DEMO-R")
    region.refresh_from_db()
    territory = Territory.objects.add_child(
        region, {"name": spec.name, "kind": TerritoryKind.MUNICIPALITY, "code": spec.code}
    )
    parts = [
        Territory.objects.add_child(
            territory, {"name": name, "kind": TerritoryKind.SETTLEMENT, "code": code}
        )
        for name, code, _genitive, _rural in spec.parts
    ]
    ministry = Organization.objects.get(code="DEMO-MIN")
    authority = _organization(
        f"{spec.code}-DO",
        spec.authority[0],
        spec.authority[1],
        OrganizationKind.EDUCATION_AUTHORITY,
        territory,
        parent=ministry,
        address=f"{spec.town}, ул. Советская, д. 7",
        email=f"uo@{spec.domain}",
    )
    centre = _organization(
        f"{spec.code}-MC",
        spec.centre[0],
        spec.centre[1],
        OrganizationKind.METHODICAL_CENTRE,
        territory,
        parent=authority,
        address=f"{spec.town}, ул. Школьная, д. 3",
    )
    people = _People(DemoContext(random=rng, log=lambda _line: None))
    plan = [school_type for school_type, count in spec.plan for _ in range(count)]
    rng.shuffle(plan)
    numbers = rng.sample(range(1, 60), len(plan))
    schools: list[Organization] = []
    profiles: list[SchoolProfile] = []
    directors: list[Person] = []
    for index, (school_type, number) in enumerate(zip(plan, numbers, strict=True)):
        # The centre (the first part) has the big schools; villages the small ones.
        small = school_type in (SchoolType.OOSH, SchoolType.NOSH, SchoolType.SOSH)
        part_index = 0 if not small or index % 3 == 0 else 1 + index % (len(parts) - 1)
        part, (part_name, _code, genitive, rural) = parts[part_index], spec.parts[part_index]
        full_type, short_type = TYPE_NAMES[school_type]
        legal = "МКОУ" if rural else "МБОУ"
        legal_full = (
            "Муниципальное казённое общеобразовательное учреждение"
            if rural
            else "Муниципальное бюджетное общеобразовательное учреждение"
        )
        place = part_name.split()[-1]
        where = f" {genitive}" if genitive else ""
        low, high = (40, 220) if rural else ENROLMENT[school_type]
        director = people.make()
        directors.append(director)
        schools.append(
            Organization(
                code=f"{spec.code}-SCH-{index + 1:04d}",
                kind=OrganizationKind.SCHOOL,
                name=f"{legal_full} «{full_type} № {number}{where}»",
                short_name=f"{legal} {short_type} № {number} ({place})",
                territory=part,
                address=f"{part_name if rural else spec.town}, "
                f"{rng.choice(RURAL_STREETS if rural else STREETS)}, д. {rng.randint(1, 90)}",
                phone=f"+7 ({spec.phone}) {rng.randint(20, 79)}-{rng.randint(100, 999)}",
                email=f"school{number}@{spec.domain}",
            )
        )
        profiles.append(
            SchoolProfile(
                school_type=school_type,
                number=str(number),
                locality=Locality.RURAL if rural else Locality.URBAN,
                enrolment=rng.randint(low, high),
                director_name=director.full_name,
            )
        )
    Organization.objects.bulk_create(schools)
    for school, profile in zip(schools, profiles, strict=True):
        profile.organization = school
    SchoolProfile.objects.bulk_create(profiles)

    persons: list[Person] = list(directors)
    memberships = [
        Membership(person=d, organization=s, role=Role.SCHOOL_DIRECTOR)
        for s, d in zip(schools, directors, strict=True)
    ]
    for school in schools:
        if rng.random() < 0.5:
            deputy = people.make()
            persons.append(deputy)
            memberships.append(
                Membership(
                    person=deputy,
                    organization=school,
                    role=Role.SCHOOL_STAFF,
                    position="заместитель директора по учебно-воспитательной работе",
                )
            )
    staff: dict[str, list[Person]] = {}
    for organization, role, position, count in (
        (authority, Role.PROGRAMME_COORDINATOR, "главный специалист", 2),
        (centre, Role.ANALYST, "методист", 2),
        (centre, Role.CURATOR, "куратор школ", spec.curators),
    ):
        for _ in range(count):
            person = people.make()
            persons.append(person)
            staff.setdefault(role, []).append(person)
            memberships.append(
                Membership(person=person, organization=organization, role=role, position=position)
            )
    Person.objects.bulk_create(persons)
    Membership.objects.bulk_create(memberships)

    # The accounts share the city's coordinator's hash (the same public password; hashing
    # again with the production hasher would cost a second each).
    password = User.objects.get(username="coordinator").password
    users = {
        username: _user(username, staff[role][0], password) for username, role in spec.accounts
    }
    coordinator = users.get(spec.accounts[0][0])
    programme = Programme.objects.create(
        name=spec.programme,
        owner=authority,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        goal=PROGRAMME_GOAL,
        tasks=PROGRAMME_TASKS,
    )
    order_number, order_date = spec.orders["programme"]
    programme.order = demo_order(
        issuer=authority,
        kind=OrderKind.PROGRAMME,
        title=f"Об утверждении программы «{programme.name}»",
        number=order_number,
        date=order_date,
        user=coordinator,
        signatory=spec.signatory,
    )
    programme.save(update_fields=["order"])
    return MunicipalityDemo(
        spec=spec,
        territory=territory,
        authority=authority,
        centre=centre,
        schools=schools,
        programme=programme,
        users=users,
        curators=staff[Role.CURATOR],
        methodists=staff[Role.ANALYST],
        directors={s.pk: d for s, d in zip(schools, directors, strict=True)},
    )


def municipality_join(
    rng: random.Random, made: MunicipalityDemo, schools: list[Organization], since: datetime.date
) -> None:
    """The schools of the approved list join the programme and get a curator each, by the
    authority's order."""
    ProgrammeSchool.objects.bulk_create(
        [ProgrammeSchool(programme=made.programme, school=s, joined_on=since) for s in schools]
    )
    number, day = made.spec.orders["curators"]
    order = demo_order(
        issuer=made.authority,
        kind=OrderKind.CURATORS,
        title="О закреплении кураторов за школами перечня 2024 года",
        number=number,
        date=day,
        user=None,
        signatory=made.spec.signatory,
    )
    CuratorAssignment.objects.bulk_create(
        [
            CuratorAssignment(
                curator=made.curators[n % len(made.curators)], school=s, since=since, order=order
            )
            for n, s in enumerate(schools)
        ]
    )
