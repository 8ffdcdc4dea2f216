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

        # --- engagement ---
        from opora.core.audit import history_field_display
        from opora.support import scoping  # noqa: F401  (registers the scopers)

        # The escalation's page shows its recorded reasons as sentences; in the history they
        # would be a line of codes and figures.
        history_field_display(models.Escalation, "reasons", hidden=True)
