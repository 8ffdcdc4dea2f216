from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ResultsConfig(AppConfig):
    name = "opora.results"
    label = "results"
    verbose_name = "Результаты и контекст"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.results import imports, models, scoping, simce  # noqa: F401
        from opora.results.presets import presets_install

        for model in (models.Assessment, models.Subject, models.ContextIndicator):
            auditlog.register(model)
        # The shipped catalogue entries and column-mapping presets exist in every database,
        # the test databases included, and are brought up to date on each migrate.
        post_migrate.connect(presets_install, sender=self)
