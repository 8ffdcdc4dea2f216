from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "opora.governance"
    label = "governance"
    verbose_name = "Управление программой: советы, рабочие группы, заседания, решения"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.governance import models, orders, scoping, views  # noqa: F401

        auditlog.register(models.Body)
        auditlog.register(models.Composition)
        auditlog.register(models.Meeting, m2m_fields={"present", "activities"})
        auditlog.register(models.AgendaItem)
        auditlog.register(models.Decision)
