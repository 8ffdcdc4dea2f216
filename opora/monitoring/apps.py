from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MonitoringConfig(AppConfig):
    name = "opora.monitoring"
    label = "monitoring"
    verbose_name = "Мониторинг целевых показателей"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.monitoring import imports, models, reminders, scoping, views  # noqa: F401
        from opora.monitoring.services import catalogue_install

        for model in (models.Indicator, models.ProgrammeIndicator, models.Target, models.Value):
            auditlog.register(model)
        auditlog.register(models.Submission)
        # The shipped indicators exist in every database, the test databases included.
        post_migrate.connect(catalogue_install, sender=self)
