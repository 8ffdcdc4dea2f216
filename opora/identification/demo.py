"""Demo lists: the 2024 list approved by an order, the 2025 list computed as a draft."""

from __future__ import annotations

import datetime
import io

from django.contrib.auth.models import User

from opora.core.demo import DemoContext, demo_step
from opora.core.imports.base import ImportOptions
from opora.core.imports.readers import read_table
from opora.core.imports.services import run_import_now
from opora.identification.choices import RunStatus
from opora.identification.imports import EXTERNAL_LIST_IMPORTER
from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
from opora.identification.services import (
    quality_compute_now,
    run_approve,
    run_compute,
    run_order_draft,
    run_send,
)
from opora.registry.choices import OrganizationKind
from opora.registry.demo import DEMO_TERRITORY_CODE, demo_register
from opora.registry.models import Organization, Territory


@demo_step(order=40, name="Выявление: списки 2024 (утверждён) и 2025 (проект)")
def identification_demo(context: DemoContext) -> None:
    city = Territory.objects.get(code=DEMO_TERRITORY_CODE)
    analyst = User.objects.filter(username="analyst").first()
    coordinator = User.objects.filter(username="coordinator").first() or analyst
    for run in lists_make(
        territory=city,
        analyst=analyst,
        coordinator=coordinator,
        order=("112-од", datetime.date(2024, 9, 2)),
    ):
        context.summary.append(
            f"Список {run.year} г.: ШНОР {run.summary['low_results']}, "
            f"ШНСУ {run.summary['unfavourable']}, группа риска {run.summary['risk']}, "
            f"устойчивых {run.summary['resilient']}"
            + (" — утверждён" if run.status == "approved" else " — проект")
        )


def lists_make(
    *,
    territory: Territory,
    analyst: User | None,
    coordinator: User | None,
    order: tuple[str, datetime.date],
    signatory: str | None = None,
) -> list[IdentificationRun]:
    """The territory's lists of 2024 (approved by the authority's order `order`: number, date)
    and of 2025 (computed, a draft)."""
    version = Methodology.objects.get(is_builtin=True).current
    runs = []
    for year in (2024, 2025):
        # Computed here rather than queued: the demo must be complete when `opora demo` ends.
        run = IdentificationRun.objects.create(
            territory=territory, year=year, version=version, created_by=analyst
        )
        run_compute(run)
        if year == 2024 and coordinator is not None:
            run_send(run=run, user=coordinator)
            # Approved as in the browser: the drafted order, signed, registered, referred to.
            department = Organization.objects.filter(
                kind=OrganizationKind.EDUCATION_AUTHORITY, territory=territory
            ).first()
            draft = run_order_draft(run=run, issuer=department, user=coordinator)
            number, day = order
            demo_register(draft, number=number, date=day, user=coordinator, signatory=signatory)
            run_approve(run=run, user=coordinator, order=draft)
        run.refresh_from_db()
        runs.append(run)
    return runs


# --- Official lists --------------------------------------------------------------------------


@demo_step(order=44, name="Выявление: официальный региональный список 2024")
def external_list_demo(context: DemoContext) -> None:
    """The city's 2024 official regional list: the approved computed list minus 3 of its
    schools plus 4 others (deterministic), imported as in the browser."""
    city = Territory.objects.get(code=DEMO_TERRITORY_CODE)
    analyst = User.objects.filter(username="analyst").first()
    run = IdentificationRun.objects.filter(
        territory=city, year=2024, status=RunStatus.APPROVED
    ).first()
    if run is None or analyst is None:
        return
    outcomes = SchoolIdentification.objects.filter(run=run).order_by("school__code")
    listed = list(outcomes.filter(in_list=True).values_list("school__code", flat=True))
    others = list(outcomes.filter(in_list=False).values_list("school__code", flat=True))
    codes = listed[3:] + others[:4]
    content = "\r\n".join(["Код ОО", *codes]).encode("utf-8")
    validation = run_import_now(
        importer_key=EXTERNAL_LIST_IMPORTER,
        table=read_table(io.BytesIO(content), "Региональный перечень 2024.csv"),
        columns=None,
        user=analyst,
        options=ImportOptions(
            file_name="Региональный перечень 2024.csv",
            defaults={
                "territory": city.code or city.name,
                "year": "2024",
                "title": "Региональный перечень школ с низкими результатами обучения",
                "issuer": "Министерство образования Демо-области",
                "order_number": "1024",
                "order_date": "20.08.2024",
            },
        ),
    )
    if not validation.is_valid:
        raise RuntimeError("; ".join(str(e) for e in validation.errors[:5]))
    context.summary.append(
        f"Официальный список 2024 г.: школ {len(codes)}, из них в рассчитанном {len(listed) - 3}"
    )


# --- Quality of a methodology ----------------------------------------------------------------


@demo_step(order=42, name="Выявление: качество базовой методики (город, данные по 2025 г.)")
def quality_demo(context: DemoContext) -> None:
    """The base methodology's quality check on the city up to 2025, computed now (not queued)
    so that its page is complete when `opora demo` ends."""
    analyst = User.objects.filter(username="analyst").first()
    if analyst is None:
        return
    city = Territory.objects.get(code=DEMO_TERRITORY_CODE)
    version = Methodology.objects.get(is_builtin=True).current
    check = quality_compute_now(user=analyst, version=version, territory=city, year=2025)
    figures = check.figures

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value * 100:.0f} %"

    auc = figures.get("auc")
    context.summary.append(
        f"Качество базовой методики: устойчивость списка {share(figures.get('stability'))}, "
        f"AUC {'—' if auc is None else f'{auc:.2f}'.replace('.', ',')}, "
        f"без данных {share(figures.get('missing_share'))}"
    )
