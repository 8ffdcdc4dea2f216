from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "opora.public"
    label = "public"
    verbose_name = "Публичные страницы: программы, мероприятия, практики и результаты"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.public import cache, models, scoping, views  # noqa: F401

        auditlog.register(models.ProgrammePublication)
        auditlog.register(models.RoadmapPublication)
