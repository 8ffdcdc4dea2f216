from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "opora.support"
    label = "support"
    verbose_name = "Поддержка: кураторы, наставники, выезды, рекомендации, консультации"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.support import models

        for model in (
            models.NetworkAgreement,
            models.MentorPair,
            models.VisitTemplate,
            models.Visit,
            models.Recommendation,
            models.Consultation,
            models.Escalation,
        ):
            auditlog.register(model)
