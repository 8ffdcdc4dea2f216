"""Demo lists: the 2024 list approved by an order, the 2025 list computed as a draft."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User

from opora.core.demo import DemoContext, demo_step
from opora.identification.models import IdentificationRun, Methodology
from opora.identification.services import run_approve, run_compute, run_order_draft, run_send
from opora.registry.choices import OrganizationKind
from opora.registry.demo import DEMO_TERRITORY_CODE, demo_register
from opora.registry.models import Organization, Territory


@demo_step(order=40, name="Выявление: списки 2024 (утверждён) и 2025 (проект)")
def identification_demo(context: DemoContext) -> None:
    city = Territory.objects.get(code=DEMO_TERRITORY_CODE)
    version = Methodology.objects.get(is_builtin=True).current
    analyst = User.objects.filter(username="analyst").first()
    coordinator = User.objects.filter(username="coordinator").first() or analyst
    for year in (2024, 2025):
        # Computed here rather than queued: the demo must be complete when `opora demo` ends.
        run = IdentificationRun.objects.create(
            territory=city, year=year, version=version, created_by=analyst
        )
        run_compute(run)
        if year == 2024 and coordinator is not None:
            run_send(run=run, user=coordinator)
            # Approved as in the browser: the drafted order, signed, registered, referred to.
            department = Organization.objects.filter(
                kind=OrganizationKind.EDUCATION_AUTHORITY, territory=city
            ).first()
            order = run_order_draft(run=run, issuer=department, user=coordinator)
            demo_register(order, number="112-од", date=datetime.date(2024, 9, 2), user=coordinator)
            run_approve(run=run, user=coordinator, order=order)
        run.refresh_from_db()
        context.summary.append(
            f"Список {year} г.: ШНОР {run.summary['low_results']}, "
            f"ШНСУ {run.summary['unfavourable']}, группа риска {run.summary['risk']}, "
            f"устойчивых {run.summary['resilient']}"
            + (" — утверждён" if run.status == "approved" else " — проект")
        )
