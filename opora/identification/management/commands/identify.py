"""`opora identify --year 2024 --methodology «Базовая методика»`: the yearly run, scripted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from opora.core.commands import command_user
from opora.core.jobs import JobError
from opora.identification import selectors
from opora.identification.exports import export_csv, export_xlsx
from opora.identification.forms import version_label
from opora.identification.methodology import BASE_METHODOLOGY_NAME, MethodologyError
from opora.identification.models import MethodologyVersion
from opora.identification.services import methodology_params, run_compute_now
from opora.registry.models import Territory


class Command(BaseCommand):
    help = "Рассчитать список ШНОР/ШНСУ за год по методике и (по желанию) выгрузить его."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="год результатов")
        parser.add_argument(
            "--methodology", default=BASE_METHODOLOGY_NAME, help="название методики"
        )
        parser.add_argument(
            "--territory", help="код территории (по умолчанию — единственная корневая)"
        )
        parser.add_argument("--export", type=Path, help="файл .csv или .xlsx для списка")
        parser.add_argument("--user", help="от чьего имени (по умолчанию — суперпользователь)")

    def handle(self, *args: Any, **options: Any) -> None:
        export = options["export"]
        if export is not None and export.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("Выгрузка бывает только в .csv или .xlsx.")
        user = command_user(options["user"])
        # Only what the user may see and run, as in the web form.
        version = self._version(user, options["methodology"])
        methodology = version.methodology
        try:
            methodology_params(version)
        except MethodologyError as exc:
            raise CommandError("Методика не годится: " + "; ".join(exc.problems)) from exc
        territory = self._territory(user, options["territory"])
        try:
            run, outcome = run_compute_now(
                territory=territory, year=options["year"], version=version, user=user
            )
        except (JobError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        s = run.summary
        self.stdout.write(
            f"Список {run.year} г., {territory.name}, «{methodology.name}» "
            f"(версия {version.number}); расчёт № {run.pk}"
        )
        self.stdout.write(
            f"  школ {s['schools']}, с данными {s['with_data']}, недостаточно данных "
            f"{s['insufficient_data']}"
        )
        self.stdout.write(
            f"  в списке {s['in_list']}: ШНОР {s['low_results']}, ШНСУ {s['unfavourable']}, "
            f"оба признака {s['both']}; вошли {s['entered']}, вышли {s['left']}"
        )
        self.stdout.write(
            f"  группа риска {s['risk']}, устойчивых {s['resilient']}, ниже ожидаемого "
            f"{s['below_expected']}, признаки необъективности {s['objectivity']}"
        )
        fit = outcome.regression
        if fit.slope is not None:
            self.stdout.write(
                f"  регрессия результатов на контекст: наклон {fit.slope:.3f}, школ {fit.schools}"
            )
        if export is not None:
            items = selectors.run_schools(run, user)
            writer = export_xlsx if export.suffix.lower() == ".xlsx" else export_csv
            export.write_bytes(writer(run, items))
            self.stdout.write(f"  выгружено: {export}")

    def _version(self, user: User, name: str) -> MethodologyVersion:
        """The current version of the methodology of that name (or number) the user sees."""
        versions = selectors.runnable_versions(user)
        found = list(versions.filter(methodology__name=name))
        if not found and name.isdigit():
            found = list(versions.filter(methodology__pk=int(name)))
        if not found:
            known = "; ".join(f"{version_label(v)}, № {v.methodology_id}" for v in versions)
            raise CommandError(
                f"Методики «{name}» нет среди доступных пользователю «{user.username}». "
                f"Есть: {known}"
            )
        if len(found) > 1:
            known = "; ".join(f"{version_label(v)}, № {v.methodology_id}" for v in found)
            raise CommandError(
                f"Методик «{name}» несколько: {known}. Укажите --methodology номером."
            )
        return found[0]

    def _territory(self, user: User, code: str | None) -> Territory:
        territories = selectors.run_territories(user)
        if code:
            territory = territories.filter(code=code).first()
            if territory is None:
                raise CommandError(
                    f"Территории с кодом «{code}» нет среди тех, где пользователь "
                    f"«{user.username}» может вести выявление."
                )
            return territory
        depth = min((t.depth for t in territories), default=0)
        roots = [t for t in territories if t.depth == depth]
        if not roots:
            raise CommandError(
                f"Пользователь «{user.username}» не может вести выявление ни на одной территории."
            )
        if len(roots) != 1:
            names = ", ".join(f"{t.name} ({t.code})" for t in roots)
            raise CommandError(
                f"Укажите --territory: территорий верхнего уровня несколько: {names}"
            )
        return roots[0]
