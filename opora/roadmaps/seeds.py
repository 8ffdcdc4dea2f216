"""The built-in roadmap templates: the five seed roadmaps Opora was created from.

Each template is the seed's table as recognised by `recognize.py` from the text export in
../shared/seeds, with the export's noise cleaned and the few cells the export lost put back
(each such correction is listed in the template's `corrections`). The JSON files are the
templates; the seed files are needed only by the test that checks them against the source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from opora.roadmaps.choices import RoadmapKind
from opora.roadmaps.drafts import DraftRoadmap

TEMPLATE_DIR = Path(__file__).resolve().parent / "seed_templates"


@dataclass(frozen=True)
class SeedTemplate:
    slug: str
    seed_file: str
    title: str
    authority: str
    approval: str
    period: str
    kind: RoadmapKind
    sections: int
    activities: int


SEED_TEMPLATES: tuple[SeedTemplate, ...] = (
    SeedTemplate(
        slug="yaroslavl-2020",
        seed_file="000_5cf6f8dfe62893e0.txt",
        title="План работы (дорожная карта) по поддержке школ с низкими результатами обучения "
        "и школ, функционирующих в неблагоприятных социальных условиях (Ярославль)",
        authority="Департамент образования мэрии города Ярославля",
        approval="приказ от 09.07.2020 № 01-05/504",
        period="2020–2022",
        kind=RoadmapKind.MUNICIPAL,
        sections=3,
        activities=48,
    ),
    SeedTemplate(
        slug="krasnoturansk-2022",
        seed_file="001_d5e7a91c9ba7e1fd.txt",
        title="План мероприятий («дорожная карта») по развитию муниципальной системы поддержки "
        "школ с низкими образовательными результатами (Краснотуранский район, 2022–2025)",
        authority="Отдел образования администрации Краснотуранского района",
        approval="приказ от 08.06.2022 № 74",
        period="2022–2025",
        kind=RoadmapKind.MUNICIPAL,
        sections=6,
        activities=62,
    ),
    SeedTemplate(
        slug="mppko-2020",
        seed_file="002_4615a5dcb628913b.txt",
        title="Дорожная карта по реализации муниципальной программы повышения качества "
        "образования и поддержки ШНОР и ШНСУ (МППКО) на 2020–2022 годы",
        authority="Управление образования (Красноярский край)",
        approval="",
        period="2020–2022",
        kind=RoadmapKind.MUNICIPAL,
        sections=7,
        activities=21,
    ),
    SeedTemplate(
        slug="vasileostrovsky-500-2021",
        seed_file="003_c65a3252774baf4d.txt",
        title="План-график («дорожная карта») проекта адресной методической помощи школам "
        "«500+» (Василеостровский район Санкт-Петербурга, 2021)",
        authority="Администрация Василеостровского района Санкт-Петербурга",
        approval="поручение от 01.02.2021 № 1/01-02-2021",
        period="2021",
        kind=RoadmapKind.MUNICIPAL,
        sections=5,
        activities=54,
    ),
    SeedTemplate(
        slug="novosibirsk-2020",
        seed_file="004_5930674ecc034b13.txt",
        title="План-график («дорожная карта») по повышению качества образовательной "
        "деятельности и поддержке школ с устойчиво низкими результатами (Новосибирск, "
        "2020–2024)",
        authority="Департамент образования мэрии города Новосибирска",
        approval="приказ от 17.02.2020 № 0177-ога",
        period="2020–2024",
        kind=RoadmapKind.MUNICIPAL,
        sections=8,
        activities=48,
    ),
)


def seed_template_get(slug: str) -> SeedTemplate:
    for template in SEED_TEMPLATES:
        if template.slug == slug:
            return template
    raise LookupError(slug)


@cache
def _load(slug: str) -> str:
    return (TEMPLATE_DIR / f"{slug}.json").read_text(encoding="utf-8")


def seed_template_draft(slug: str) -> DraftRoadmap:
    """A fresh copy of the template's roadmap, ready to be saved or edited."""
    template = seed_template_get(slug)
    data = json.loads(_load(slug))
    draft = DraftRoadmap.from_dict(data["roadmap"])
    draft.title = template.title
    draft.authority = template.authority
    draft.approval = template.approval
    draft.period = template.period
    return draft


def seed_template_corrections(slug: str) -> list[str]:
    return list(json.loads(_load(slug)).get("corrections", []))
