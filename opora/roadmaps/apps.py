from django.apps import AppConfig


class RoadmapsConfig(AppConfig):
    name = "opora.roadmaps"
    label = "roadmaps"
    verbose_name = "Программы и дорожные карты"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.roadmaps import models, reminders, scoping, views  # noqa: F401

        auditlog.register(models.Roadmap)
        auditlog.register(models.Activity)
