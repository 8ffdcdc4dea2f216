from django.apps import AppConfig


class RoadmapsConfig(AppConfig):
    name = "opora.roadmaps"
    label = "roadmaps"
    verbose_name = "Программы и дорожные карты"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.core.audit import history_field_display
        from opora.roadmaps import models, orders, reminders, scoping, views  # noqa: F401
        from opora.roadmaps.choices import Level

        auditlog.register(models.Roadmap)
        auditlog.register(models.Activity)
        history_field_display(models.Activity, "levels", values=Level.choices)
