"""`opora identify --year 2024 --methodology «Базовая методика»`: the yearly run, scripted."""

from __future__ import annotations

import json
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
from opora.identification.models import MethodologyVersion, QualityCheck
from opora.identification.quality import QualityFigures, auc_mean_against
from opora.identification.services import methodology_params, quality_compute_now, run_compute_now
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
        for cut in s.get("cuts", []):
            what = "ШНОР по индексу" if cut["measure"] == "results" else "ШНСУ"
            self.stdout.write(
                f"  {what}: должно войти {cut['target']} из {cut['schools']}, вошло "
                f"{cut['selected']}"
            )
        for warning in s.get("warnings", []):
            self.stdout.write(f"  Внимание: {warning}")
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


# --- Quality of a methodology ----------------------------------------------------------------
# `opora identify --year 2025 --quality [--compare NAME] [--json FILE]`: the quality figures
# of the methodology (and of a second one, side by side) instead of a list.


_ListCommand = Command


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def _auc(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}".replace(".", ",")


# (label, how to write it, which is better: "high", "low" or "" for none)
_FIGURES: tuple[tuple[str, str, Any, str], ...] = (
    ("stability", "Устойчивость списка", _share, "high"),
    ("low_stability", "Устойчивость ШНОР", _share, "high"),
    ("auc", "Прогностическая сила (AUC)", _auc, "high"),
    ("sensitivity_share", "Чувствительность к порогам (доля списка)", _share, "low"),
    ("missing_share", "Школ без индекса результатов", _share, "low"),
    ("list_size", "Школ в списке (последний год)", str, ""),
)


class Command(_ListCommand):  # type: ignore[no-redef]
    help = (
        "Рассчитать список ШНОР/ШНСУ за год по методике и (по желанию) выгрузить его; "
        "с --quality — показатели качества методики."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--quality",
            action="store_true",
            help="вместо списка рассчитать качество методики по годам до --year",
        )
        parser.add_argument("--compare", help="вторая методика для сравнения качества")
        parser.add_argument("--json", type=Path, help="файл .json для показателей качества")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["quality"]:
            if options["compare"] or options["json"]:
                raise CommandError("--compare и --json работают только вместе с --quality.")
            super().handle(*args, **options)
            return
        user = command_user(options["user"])
        territory = self._territory(user, options["territory"])
        versions = [self._version(user, options["methodology"])]
        if options["compare"]:
            versions.append(self._version(user, options["compare"]))
        checks = []
        for version in versions:
            try:
                checks.append(
                    quality_compute_now(
                        user=user, version=version, territory=territory, year=options["year"]
                    )
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            except JobError as exc:
                raise CommandError(str(exc)) from exc
        figures = [QualityFigures.from_json(c.figures) for c in checks]
        if len(checks) == 1:
            self._print_one(checks[0], figures[0])
        else:
            self._print_two(checks, figures)
        if options["json"] is not None:
            data: dict[str, Any] = {"a": {"check": checks[0].pk, **figures[0].to_json()}}
            if len(figures) > 1:
                data["b"] = {
                    "check": checks[1].pk,
                    **figures[1].to_json(),
                    "auc_against_a": auc_mean_against(figures[1], figures[0]),
                }
            options["json"].write_text(json.dumps(data, ensure_ascii=False, indent=1))
            self.stdout.write(f"  показатели записаны: {options['json']}")

    def _title(self, check: QualityCheck) -> str:
        v = check.version
        return (
            f"«{v.methodology.name}» (версия {v.number}), {check.territory.name}, "
            f"по {check.year} г.; проверка № {check.pk}"
        )

    def _print_one(self, check: QualityCheck, f: QualityFigures) -> None:
        self.stdout.write(f"Качество методики {self._title(check)}")
        self.stdout.write(f"  лет данных {len(f.data_years)}, школ {f.schools}")
        for key, label, write, _rule in _FIGURES:
            self.stdout.write(f"  {label}: {write(getattr(f, key))}")
        if f.sensitivity_max is not None:
            self.stdout.write(
                f"  наибольший сдвиг списка при шаге порога: {f.sensitivity_max} школ"
            )
        for reason in f.reasons.values():
            self.stdout.write(f"  ! {reason}")
        for p in f.pairs:
            self.stdout.write(
                f"  {p.year_from} → {p.year_to}: осталось {p.stayed} из {p.listed} "
                f"({_share(p.stability)}), AUC {_auc(p.auc)}"
            )
        for s in f.sensitivity:
            self.stdout.write(
                f"  {s.label}: {s.base:g} → {s.value:g}: вошли {s.entered}, вышли {s.left}"
            )

    def _print_two(self, checks: list[QualityCheck], figures: list[QualityFigures]) -> None:
        a, b = figures
        self.stdout.write(f"Качество методик: А — {self._title(checks[0])}")
        self.stdout.write(f"                  Б — {self._title(checks[1])}")
        values_b = {key: getattr(b, key) for key, *_rest in _FIGURES}
        values_b["auc"] = auc_mean_against(b, a)
        for key, label, write, rule in _FIGURES:
            va, vb = getattr(a, key), values_b[key]
            better = ""
            if rule and va is not None and vb is not None and va != vb:
                a_wins = va > vb if rule == "high" else va < vb
                better = "  ← лучше А" if a_wins else "  ← лучше Б"
            self.stdout.write(f"  {label}: А {write(va)} | Б {write(vb)}{better}")
        self.stdout.write(
            "  AUC обеих посчитаны по определению «слабой школы» методики А (нижние "
            f"{a.bottom_percent:g} % по результатам года), чтобы их можно было сравнивать."
        )
