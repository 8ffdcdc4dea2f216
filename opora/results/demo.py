"""Demo results and context: five years for every demo school, generated so that results
follow the social context, with planted schools that are truly weak, truly resilient,
falling for three years, or with marks that disagree with the register."""

from __future__ import annotations

import random
from dataclasses import dataclass

from opora.core.demo import DemoContext, demo_step
from opora.registry.choices import Locality, OrganizationKind, SchoolType
from opora.registry.demo import DEMO_TERRITORY_CODE
from opora.registry.models import Organization
from opora.results.models import Assessment, ContextIndicator, ContextValue, SchoolResult, Subject

DEMO_YEARS = (2021, 2022, 2023, 2024, 2025)
VPR_GRADES = (4, 5, 6, 7, 8)


@dataclass
class Latent:
    """What the generator knows and the methodology has to find."""

    context: float  # higher = more favourable
    quality: float  # the school's own effect on results
    role: str = ""  # weak, resilient, falling, objectivity


def _clamp(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return round(max(low, min(high, value)), 1)


def latent_schools(schools: list[Organization], rng: random.Random) -> dict[int, Latent]:
    """Context by district and school; a few schools planted with a known truth."""
    district_effect: dict[int, float] = {}
    latent = {}
    for school in schools:
        district = district_effect.setdefault(school.territory_id, rng.gauss(0, 0.6))
        rural = getattr(school, "school", None) and school.school.locality == Locality.RURAL
        context = district + rng.gauss(0, 0.8) - (0.7 if rural else 0)
        latent[school.pk] = Latent(context=context, quality=rng.gauss(0, 0.45))
    ordered = sorted(latent.items(), key=lambda item: item[1].context)
    hard = [pk for pk, _ in ordered[: len(ordered) // 4]]
    easy = [pk for pk, _ in ordered[len(ordered) // 3 :]]
    rng.shuffle(hard)
    rng.shuffle(easy)
    for pk in hard[:5]:
        latent[pk].role, latent[pk].quality = "resilient", 1.9
    for pk in hard[5:9] + easy[:3]:
        latent[pk].role, latent[pk].quality = "weak", -2.0
    for pk in easy[3:7]:
        latent[pk].role = "falling"
    for pk in easy[7:9]:
        latent[pk].role = "objectivity"
    return latent


def school_level(latent: Latent, year: int, rng: random.Random) -> float:
    """The standardised result level of a school in a year."""
    level = 0.55 * latent.context + latent.quality + rng.gauss(0, 0.25)
    if latent.role == "falling":
        # Good until 2022, then down every year.
        level += 0.6 - 0.55 * max(0, year - 2022)
    if latent.role == "objectivity" and year == DEMO_YEARS[-1]:
        level += 2.2
    return level


@demo_step(order=30, name="Результаты оценочных процедур и социальный контекст за 5 лет")
def results_demo(context: DemoContext) -> None:
    schools = list(
        Organization.objects.filter(
            kind=OrganizationKind.SCHOOL, territory__path__startswith=_city_path()
        )
        .select_related("school")
        .order_by("code")
    )
    latent, rows, values = results_make(schools, context.random)
    context.objects["results_latent"] = latent
    roles: dict[str, int] = {}
    for truth in latent.values():
        roles[truth.role] = roles.get(truth.role, 0) + 1
    context.summary.append(
        f"Результаты: {rows} строк за {DEMO_YEARS[0]}–{DEMO_YEARS[-1]} годы "
        f"(ВПР, ОГЭ, ЕГЭ); контекст: {values} значений"
    )
    context.log(
        "Заложено: устойчивых {resilient}, слабых {weak}, со снижением {falling}, "
        "с признаками необъективности {objectivity}".format(
            **{k: roles.get(k, 0) for k in ("resilient", "weak", "falling", "objectivity")}
        )
    )


def results_make(
    schools: list[Organization], rng: random.Random
) -> tuple[dict[int, Latent], int, int]:
    """Results and context of `schools` (with `school` loaded) for the demo years; the
    schools' latent truth and how many result rows and context values were written."""
    latent = latent_schools(schools, rng)
    assessments = {a.code: a for a in Assessment.objects.all()}
    subjects = {s.code: s for s in Subject.objects.all()}
    rows: list[SchoolResult] = []
    for school in schools:
        truth = latent[school.pk]
        profile = school.school
        grades = _grades(profile.school_type)
        size = max(8, (profile.enrolment or 300) // 11)
        for year in DEMO_YEARS:
            level = school_level(truth, year, rng)
            for grade in grades:
                for subject in ("rus", "math"):
                    rows.append(
                        _vpr(
                            school,
                            year,
                            grade,
                            subject,
                            level,
                            size,
                            truth,
                            assessments,
                            subjects,
                            rng,
                        )
                    )
            if 9 in grades or profile.school_type in (
                SchoolType.SOSH,
                SchoolType.GYMNASIUM,
                SchoolType.LYCEUM,
            ):
                for subject in ("rus", "math"):
                    participants = max(3, int(size * rng.uniform(0.8, 1.0)))
                    rows.append(
                        SchoolResult(
                            school=school,
                            year=year,
                            assessment=assessments["oge"],
                            subject=subjects[subject],
                            grade=9,
                            participants=participants,
                            mean_score=round(16 + 4 * level + rng.gauss(0, 1), 1),
                            share_fail=_clamp(8 - 7 * level + rng.gauss(0, 2)),
                            share_good=_clamp(50 + 18 * level + rng.gauss(0, 5)),
                        )
                    )
            if profile.school_type in (SchoolType.SOSH, SchoolType.GYMNASIUM, SchoolType.LYCEUM):
                for subject in ("rus", "math-prof"):
                    rows.append(
                        SchoolResult(
                            school=school,
                            year=year,
                            assessment=assessments["ege"],
                            subject=subjects[subject],
                            grade=11,
                            participants=max(2, int(size * rng.uniform(0.4, 0.9))),
                            mean_score=_clamp(62 + 9 * level + rng.gauss(0, 3)),
                            share_below_min=_clamp(4 - 4 * level + rng.gauss(0, 1.5)),
                            share_good=_clamp(20 + 12 * level + rng.gauss(0, 4)),
                        )
                    )
    SchoolResult.objects.bulk_create(rows, batch_size=2000)
    values = _context_values(schools, latent, rng)
    ContextValue.objects.bulk_create(values, batch_size=2000)
    return latent, len(rows), len(values)


def _city_path() -> str:
    from opora.registry.models import Territory

    return Territory.objects.get(code=DEMO_TERRITORY_CODE).path


def _grades(school_type: str) -> tuple[int, ...]:
    if school_type == SchoolType.NOSH:
        return (4,)
    if school_type in (SchoolType.EVENING,):
        return ()
    return VPR_GRADES


def _vpr(
    school: Organization,
    year: int,
    grade: int,
    subject: str,
    level: float,
    size: int,
    truth: Latent,
    assessments: dict[str, Assessment],
    subjects: dict[str, Subject],
    rng: random.Random,
) -> SchoolResult:
    lowered = _clamp(22 - 6 * level + rng.gauss(0, 4), 0, 90)
    raised = _clamp(3 + rng.gauss(0, 1.5), 0, 30)
    if truth.role == "objectivity" and year == DEMO_YEARS[-1]:
        # Results far above the register: the work's marks are higher than the journal's.
        lowered, raised = 2.0, _clamp(35 + rng.gauss(0, 5))
    share_fail = _clamp(12 - 10 * level + rng.gauss(0, 3))
    if truth.role == "weak":
        share_fail = _clamp(34 + rng.gauss(0, 4))
    return SchoolResult(
        school=school,
        year=year,
        assessment=assessments["vpr"],
        subject=subjects[subject],
        grade=grade,
        participants=max(3, int(size * rng.uniform(0.85, 1.0))),
        mean_score=round(max(0.0, 11 + 3 * level + rng.gauss(0, 0.8)), 1),
        share_fail=share_fail,
        share_good=_clamp(48 + 16 * level + rng.gauss(0, 5)),
        share_confirm=round(max(0.0, 100 - lowered - raised), 1),
        share_lower=lowered,
        share_raise=raised,
    )


def _context_values(
    schools: list[Organization], latent: dict[int, Latent], rng: random.Random
) -> list[ContextValue]:
    indicators = {i.code: i for i in ContextIndicator.objects.all()}
    formulas = {
        "low-income": lambda c: 16 - 9 * c,
        "parents-no-prof-education": lambda c: 38 - 14 * c,
        "non-native": lambda c: 5 - 3 * c,
        "risk-families": lambda c: 2.5 - 2 * c,
        "registered-deviant": lambda c: 2.5 - 2 * c,
        "special-needs": lambda c: 7 - 3 * c,
        "unemployment": lambda c: 5.5 - 3 * c,
        "teacher-vacancies": lambda c: 5 - 4 * c,
        "teachers-qualified": lambda c: 62 + 12 * c,
        "teachers-under-35": lambda c: 22 + 5 * c,
        "second-shift": lambda c: 8 - 6 * c,
    }
    values = []
    for school in schools:
        truth = latent[school.pk]
        changes = max(0, min(4, round(rng.gauss(0.6 - 0.5 * truth.context, 0.8))))
        for year in DEMO_YEARS:
            for code, formula in formulas.items():
                noise = rng.gauss(0, 1.5)
                values.append(
                    ContextValue(
                        school=school,
                        year=year,
                        indicator=indicators[code],
                        value=_clamp(formula(truth.context) + noise),
                    )
                )
            values.append(
                ContextValue(
                    school=school,
                    year=year,
                    indicator=indicators["director-changes"],
                    value=float(changes),
                )
            )
    return values
