from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "opora.accounts"
    label = "accounts"
    verbose_name = "Пользователи"

    def ready(self) -> None:
        from opora.accounts import imports, scoping  # noqa: F401
