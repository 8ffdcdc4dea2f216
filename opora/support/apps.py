from django.apps import AppConfig
from django.db.models.signals import post_migrate


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

        # --- visits ---
        from opora.core.audit import history_field_display
        from opora.support import scoping, views  # noqa: F401  (scopers, card sections, hooks)
        from opora.support.visit_templates import visit_templates_install

        # The record's answers and a template's questions are JSON keyed by position: the
        # visit's and the template's pages show them; the one-time form key is bookkeeping.
        history_field_display(models.Visit, "answers", hidden=True)
        history_field_display(models.Visit, "form_key", hidden=True)
        history_field_display(models.VisitTemplate, "areas", hidden=True)
        # The shipped visit templates exist in every database (tests included).
        post_migrate.connect(visit_templates_install, sender=self)
