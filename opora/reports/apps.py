from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "opora.reports"
    label = "reports"
    verbose_name = "Отчёты: аналитические справки, итоги года, эффективность поддержки, регион"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.reports import builders, models, scoping, services, views  # noqa: F401

        auditlog.register(models.ReportTemplate)
        auditlog.register(models.Report, exclude_fields=["content", "figures"])
