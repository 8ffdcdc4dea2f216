from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "opora.events"
    label = "events"
    verbose_name = "Мероприятия: семинары, конференции, участники, сертификаты"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.core.audit import history_field_display
        from opora.events import models, scoping, services, views  # noqa: F401

        auditlog.register(models.Event, m2m_fields={"audience_schools", "subjects"})
        auditlog.register(models.Registration)
        auditlog.register(models.Material)
        # The roles are codes in a JSON list; the event's page shows them in words.
        history_field_display(models.Event, "audience_roles", hidden=True)
