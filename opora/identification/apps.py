from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IdentificationConfig(AppConfig):
    name = "opora.identification"
    label = "identification"
    verbose_name = "Выявление ШНОР и ШНСУ"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.identification import models, orders, scoping, services, views  # noqa: F401

        auditlog.register(models.Methodology)
        auditlog.register(models.IdentificationRun, exclude_fields=["summary"])
        # The base methodology exists in every database, the test databases included.
        post_migrate.connect(services.base_methodology_install, sender=self)
