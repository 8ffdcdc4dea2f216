"""The shipped indicators: seed 004's 25 target indicators (section 7 of the Novosibirsk
roadmap, «Планируемые результаты … к 2024 году») as a template, and a few more Opora computes.

Seed 004 names its indicators as shares of schools («Доля ОУ, в которых …»): each school
answers yes or no, and the programme's figure is the share of schools that answered yes,
compared with the target. Shares of pupils or teachers are a school's own percentage. The
ones Opora can compute from its own data name their computation (see computations.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from opora.monitoring.choices import (
    IndicatorDirection,
    IndicatorLevel,
    IndicatorMethod,
    IndicatorUnit,
)

FLAG = IndicatorUnit.FLAG
PERCENT = IndicatorUnit.PERCENT


@dataclass(frozen=True)
class Spec:
    code: str
    name: str
    unit: str
    source: str = ""
    computation: str = ""
    has_parts: bool = False
    direction: str = IndicatorDirection.UP
    description: str = ""
    asks_evidence: bool = False
    close_within: Decimal = Decimal("10")
    ratio: tuple[str, str] | None = None
    level: str = IndicatorLevel.SCHOOL
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def method(self) -> str:
        if self.ratio:
            return IndicatorMethod.RATIO
        return IndicatorMethod.COMPUTED if self.computation else IndicatorMethod.ENTERED


NIMRO = "база ГКУ НСО «НИМРО»"
MAGISTR = "БД МКУДПО ГЦОиЗ «Магистр»"
EGIDA = "БД МКУДПО ГЦИ «Эгида»"
GCRO = "мониторинг МКУДПО «ГЦРО»"
DO = "ДО мэрии г. Новосибирска"
EVENTS = "мероприятия в «Опоре»: запись и посещаемость"
SUPPORT = "сеть поддержки в «Опоре»: кураторы, наставники, выезды и рекомендации"

# (number in the seed, spec, the seed's target for 2024 in %).
NOVOSIBIRSK: list[tuple[str, Spec, Decimal]] = [
    (
        "1",
        Spec(
            "nsk-roadmaps",
            "Доля ОУ, в которых разработаны и реализуются дорожные карты по повышению качества "
            "образовательной деятельности",
            FLAG,
            GCRO,
            computation="roadmap_in_force",
            description="Да, если дорожная карта школы в программе утверждена и исполняется.",
        ),
        Decimal(100),
    ),
    (
        "2",
        Spec(
            "nsk-results-dynamics-site",
            "Позитивная динамика образовательных результатов",
            FLAG,
            "сайт ОО, база ГКУ НСО «НИМРО»",
            description="Школа отмечает по отчёту о самообследовании.",
        ),
        Decimal(100),
    ),
    (
        "3",
        Spec(
            "nsk-process-attendance",
            "Позитивные результаты по вопросу качества организации образовательного процесса, "
            "посещаемости и занятости обучающихся ОУ с УНОР и «группы риска»",
            FLAG,
            "сайт ОО, данные портала мэрии",
        ),
        Decimal(100),
    ),
    (
        "4",
        Spec(
            "nsk-gia-minimum",
            "Доля ОУ с УНОР и «группы риска», реализовавших «программу минимум» по результатам "
            "ГИА (ЕГЭ / ОГЭ)",
            FLAG,
            "РИС ГИА",
            description="Да, если программа минимум выполнена и по ЕГЭ, и по ОГЭ (цель 100% / "
            "100%).",
        ),
        Decimal(100),
    ),
    (
        "5",
        Spec(
            "nsk-gia-maximum",
            "Доля ОУ с УНОР и «группы риска», реализовавших «программу максимум» по результатам "
            "ГИА (ЕГЭ / ОГЭ)",
            FLAG,
            "РИС ГИА",
            description="Цель в документе — 10% / 10%.",
        ),
        Decimal(10),
    ),
    (
        "6",
        Spec(
            "nsk-ovz-aop",
            "Доля обучающихся с ОВЗ и детей-инвалидов, обучение которых организовано по "
            "адаптированной образовательной программе (для инвалидов — и по ИПРА), от общего "
            "числа обучающихся этой категории",
            PERCENT,
            MAGISTR,
            has_parts=True,
        ),
        Decimal(100),
    ),
    (
        "7",
        Spec(
            "nsk-ovz-help",
            "Доля обучающихся с ОВЗ и детей-инвалидов, которым предоставлена "
            "психолого-педагогическая и социальная помощь",
            PERCENT,
            MAGISTR,
            has_parts=True,
        ),
        Decimal(100),
    ),
    (
        "8",
        Spec(
            "nsk-difficulties-help",
            "Доля обучающихся, испытывающих трудности в освоении основных общеобразовательных "
            "программ, развитии и социальной адаптации, которым предоставлена "
            "психолого-педагогическая и социальная помощь",
            PERCENT,
            MAGISTR,
            has_parts=True,
        ),
        Decimal(100),
    ),
    (
        "9",
        Spec(
            "nsk-distance",
            "Доля обучающихся (в том числе с ОВЗ и детей-инвалидов), обучающихся с "
            "использованием дистанционных образовательных технологий",
            PERCENT,
            EGIDA,
            has_parts=True,
        ),
        Decimal(70),
    ),
    (
        "10",
        Spec(
            "nsk-results-dynamics",
            "Позитивная динамика образовательных результатов в ОУ с УНОР и «группы риска»",
            FLAG,
            NIMRO,
            computation="results_positive_dynamics",
            description="Да, если доля работ с отметкой «2» по тем же процедурам, предметам "
            "и классам снизилась по сравнению с прошлым годом (средняя, взвешенная по числу "
            "участников).",
        ),
        Decimal(100),
    ),
    (
        "11",
        Spec(
            "nsk-attendance-risk",
            "Позитивная динамика в решении вопроса посещаемости и занятости детей «группы риска»",
            FLAG,
            "данные портала мэрии",
        ),
        Decimal(100),
    ),
    (
        "12",
        Spec(
            "nsk-teachers-under-35",
            "Доля педагогических работников в возрасте до 35 лет в общей численности "
            "педагогических работников",
            PERCENT,
            "ОО-1; реестр педагогов «Опоры»",
            computation="teachers_under_35",
        ),
        Decimal(25),
    ),
    (
        "13",
        Spec(
            "nsk-teachers-trained",
            "Доля педагогических работников, прошедших в течение трёх последних лет повышение "
            "квалификации",
            PERCENT,
            "ОО-1; ИОМ педагогов в «Опоре»",
            computation="teachers_trained_3y",
        ),
        Decimal(100),
    ),
    (
        "14",
        Spec(
            "nsk-internet",
            "Доля ОУ, имеющих доступ к Интернету не менее 1 Мбит/с",
            FLAG,
            "ОО-2",
        ),
        Decimal(100),
    ),
    (
        "15",
        Spec(
            "nsk-communities",
            "Доля ОУ, педагогические работники которых участвуют в педагогических сообществах "
            "и работе МО",
            FLAG,
            "БД МКУДПО «ГЦРО», МКУДПО ГЦИ «Эгида»",
        ),
        Decimal(75),
    ),
    (
        "16",
        Spec(
            "nsk-technology",
            "Доля ОУ, в которых изучение предметной области «Технология» и других предметных "
            "областей осуществляется на базе технологичных организаций, в т. ч. детских "
            "технопарков «Кванториум»",
            FLAG,
            DO,
        ),
        Decimal(50),
    ),
    (
        "17",
        Spec(
            "nsk-equipment",
            "Доля ОУ, в которых создана материально-техническая база для реализации основных и "
            "дополнительных общеобразовательных программ цифрового, естественнонаучного, "
            "гуманитарного и других профилей",
            FLAG,
            DO,
        ),
        Decimal(50),
    ),
    (
        "18",
        Spec(
            "nsk-international",
            "Доля ОУ, в которых проведена оценка качества общего образования на основе практики "
            "международных исследований качества подготовки обучающихся",
            FLAG,
            "ГКУ НСО «НИМРО»",
        ),
        Decimal(25),
    ),
    (
        "19",
        Spec(
            "nsk-collegial",
            "Доля ОУ, в которых обеспечена работа коллегиальных органов управления, "
            "обеспечивающих реализацию интересов всех участников образовательных отношений",
            FLAG,
            DO,
        ),
        Decimal(100),
    ),
    (
        "20",
        Spec(
            "nsk-network",
            "Доля ОУ, которые реализуют образовательные программы в рамках сетевого взаимодействия",
            FLAG,
            EGIDA,
            asks_evidence=True,
            description="Подтверждение — договор о сетевой форме реализации программ.",
        ),
        Decimal(80),
    ),
    (
        "21",
        Spec(
            "nsk-method-support",
            "Доля ОУ, которым обеспечена комплексная методическая поддержка",
            FLAG,
            DO,
            computation="curator_assigned",
            description="Да, если на дату контрольной точки за школой закреплён куратор.",
        ),
        Decimal(100),
    ),
    (
        "22",
        Spec(
            "nsk-innovation",
            "Доля ОУ, участвующих в инновационной, конкурсной, проектной деятельности",
            FLAG,
            "МКУДПО «ГЦРО»",
            asks_evidence=True,
            description="Подтверждение — приказ, диплом или положение о конкурсе.",
        ),
        Decimal(50),
    ),
    (
        "23",
        Spec(
            "nsk-monitoring-coverage",
            "Доля ОУ, охваченных мониторинговыми исследованиями на муниципальном уровне",
            FLAG,
            "МКУДПО «ГЦРО»",
            computation="results_present",
            description="Да, если в «Опору» загружены результаты школы по оценочным "
            "процедурам за последний учебный год.",
        ),
        Decimal(100),
    ),
    (
        "24",
        Spec(
            "nsk-incentives",
            "Доля ОУ, в которых обеспечено моральное и материальное стимулирование участия "
            "организаций, педагогов и обучающихся в конкурсах, проектах, грантах",
            FLAG,
            DO,
        ),
        Decimal(100),
    ),
    (
        "25",
        Spec(
            "nsk-funding",
            "Доля ОУ, которым обеспечено дополнительное адресное финансирование для "
            "совершенствования материально-технических условий и инфраструктуры",
            FLAG,
            DO,
            asks_evidence=True,
            description="Подтверждение — выписка из плана финансово-хозяйственной "
            "деятельности или соглашение о субсидии.",
        ),
        Decimal(100),
    ),
]

# Further indicators of the catalogue, for programmes that measure more than seed 004.
EXTRA: list[Spec] = [
    Spec(
        "results-fail-share",
        "Доля работ с отметкой «2» (ниже базового уровня) по оценочным процедурам",
        PERCENT,
        "результаты оценочных процедур, загруженные в «Опору»",
        computation="results_fail_share",
        direction=IndicatorDirection.DOWN,
        close_within=Decimal("5"),
        description="Средняя доля по всем процедурам, предметам и классам последнего учебного "
        "года, взвешенная по числу участников.",
    ),
    Spec("pupils-total", "Численность обучающихся", IndicatorUnit.NUMBER, "ОО-1"),
    Spec(
        "pupils-additional",
        "Число обучающихся, занятых в дополнительном образовании и внеурочной деятельности",
        IndicatorUnit.NUMBER,
        "данные школы",
    ),
    Spec(
        "pupils-additional-share",
        "Доля обучающихся, занятых в дополнительном образовании и внеурочной деятельности",
        PERCENT,
        "рассчитывается по двум показателям",
        ratio=("pupils-additional", "pupils-total"),
    ),
    Spec(
        "municipal-events",
        "Число муниципальных методических мероприятий для команд школ (семинары, вебинары, "
        "мастер-классы, конференции)",
        IndicatorUnit.NUMBER,
        "план-график методического центра",
        level=IndicatorLevel.MUNICIPALITY,
        description="Ярославская дорожная карта (п. 15) требует не менее пяти в год.",
    ),
    # --- engagement --- (the support network: opora.support)
    Spec(
        "support-curator",
        "Доля школ программы, за которыми закреплён куратор",
        FLAG,
        SUPPORT,
        computation="curator_assigned",
        description="Да, если на дату контрольной точки действует закрепление куратора.",
    ),
    Spec(
        "support-mentor",
        "Доля школ программы, у которых есть школа-наставник",
        FLAG,
        SUPPORT,
        computation="support_mentor",
        description="Да, если на дату контрольной точки действует пара «школа — наставник».",
    ),
    Spec(
        "support-visits",
        "Выезды в школу за полугодие (в среднем на школу)",
        IndicatorUnit.NUMBER,
        SUPPORT,
        computation="support_visits",
        description="Проведённые выезды всех видов (визиты куратора, методические десанты, "
        "посещения уроков, собеседования, консультации на месте) за 182 дня до даты "
        "контрольной точки; по программе — среднее на школу.",
    ),
    Spec(
        "support-recommendations-on-time",
        "Доля рекомендаций по итогам выездов, выполненных в срок",
        PERCENT,
        SUPPORT,
        computation="support_recommendations_on_time",
        description="Из рекомендаций по школе со сроком в последние полгода до даты "
        "контрольной точки (кроме снятых) — выполненные не позже срока; по программе — общая "
        "доля.",
    ),
    # --- events --- (opora.events)
    Spec(
        "events-for-school-teams",
        "Муниципальные мероприятия для команд школ за учебный год (проведённые)",
        IndicatorUnit.NUMBER,
        EVENTS,
        computation="events_for_school_teams",
        description="Проведённые мероприятия (семинары, вебинары, мастер-классы, конференции…), "
        "на которые была приглашена школа, с 1 сентября до даты контрольной точки. Ярославская "
        "дорожная карта (п. 15) требует не менее пяти в год.",
    ),
    Spec(
        "events-teachers-attended",
        "Доля педагогов школы, побывавших хотя бы на одном мероприятии за учебный год",
        PERCENT,
        EVENTS,
        computation="events_teachers_attended",
        description="Из работающих педагогов по реестру кадров — отмеченные присутствовавшими "
        "хотя бы на одном мероприятии с 1 сентября до даты контрольной точки; по программе — "
        "общая доля.",
    ),
]

TEMPLATES = {
    "novosibirsk-2020": "Новосибирск: 25 показателей муниципальной дорожной карты (к 2024 году)"
}


def specs() -> list[Spec]:
    """Every shipped indicator, the ratio parts before the ratios that use them."""
    return [spec for _n, spec, _t in NOVOSIBIRSK] + EXTRA
