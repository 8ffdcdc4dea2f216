"""`opora demo`: load the demo territory «Демо-город» (run by `make run` on an empty database)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opora.core.demo import demo_accounts, demo_is_loaded, demo_run


class Command(BaseCommand):
    help = "Загрузить демонстрационную территорию «Демо-город» с пользователями всех ролей"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2024, help="зерно генератора")
        parser.add_argument(
            "--if-empty", action="store_true", help="ничего не делать, если демо уже загружено"
        )
        parser.add_argument(
            "--no-accounts", action="store_true", help="не печатать демо-учётные записи"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_is_loaded():
            if options["if_empty"]:
                self.stdout.write("Демо-территория уже загружена; данные сохранены.")
                return
            raise CommandError(
                "Демо-территория «Демо-город» уже загружена. Чтобы загрузить заново, "
                "удалите базу (make clean) и запустите снова."
            )
        self.stdout.write("Загрузка демо-территории «Демо-город»…")
        context = demo_run(seed=options["seed"], log=self.stdout.write)
        for line in context.summary:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Демо-территория загружена."))
        accounts = demo_accounts()
        if options["no_accounts"] or accounts is None:
            return
        self.stdout.write(f"Демо-учётные записи (пароль у всех: {accounts.password}):")
        for username, role, description in accounts.accounts:
            self.stdout.write(f"  {username:<22} {role} — {description}")
