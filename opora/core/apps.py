from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "opora.core"
    label = "core"
    verbose_name = "Ядро"

    def ready(self) -> None:
        # Importing registers the job handlers, importers and access scoping of the core.
        from opora.core import notifications, scoping, tasks  # noqa: F401
        from opora.core.imports import services  # noqa: F401
        from opora.core.web import tables_signature_memo

        tables_signature_memo()
