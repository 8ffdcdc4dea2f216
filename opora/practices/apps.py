from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "opora.practices"
    label = "practices"
    verbose_name = "Банк практик: описание, экспертиза, доказательства эффекта, тиражирование"

    def ready(self) -> None:
        # --- effect ---
        from auditlog.registry import auditlog

        from opora.practices import models, scoping, views  # noqa: F401

        auditlog.register(models.Adoption)
