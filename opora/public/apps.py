from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "opora.public"
    label = "public"
    verbose_name = "Публичные страницы: программы, мероприятия, практики и результаты"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.public import cache, models, scoping, views  # noqa: F401

        # Who switched is the entry's actor; the row's own «who» would repeat it as a login.
        auditlog.register(models.ProgrammePublication, exclude_fields=["updated_by"])
        auditlog.register(models.RoadmapPublication, exclude_fields=["published_by"])
