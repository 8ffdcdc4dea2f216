from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IdentificationConfig(AppConfig):
    name = "opora.identification"
    label = "identification"
    verbose_name = "Выявление ШНОР и ШНСУ"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.identification import (  # noqa: F401
            imports,  # registers the official-list importer
            models,
            orders,
            scoping,
            services,
            views,
        )

        auditlog.register(models.Methodology)
        auditlog.register(models.IdentificationRun, exclude_fields=["summary"])
        # Who loaded or removed which official list.
        auditlog.register(models.ExternalList)
        # The base methodology exists in every database, the test databases included.
        post_migrate.connect(services.base_methodology_install, sender=self)
