from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "opora.public"
    label = "public"
    verbose_name = "Публичные страницы: программы, мероприятия, практики и результаты"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.core.audit import history_field_display
        from opora.public import cache, models, scoping, views  # noqa: F401

        # Who switched and when is the entry's actor and time; the row's own «who» would
        # repeat it as a login, its «when» the entry's time.
        auditlog.register(models.ProgrammePublication, exclude_fields=["updated_by"])
        auditlog.register(models.RoadmapPublication, exclude_fields=["published_by"])
        history_field_display(models.RoadmapPublication, "published_at", hidden=True)
