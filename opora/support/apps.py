from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SupportConfig(AppConfig):
    name = "opora.support"
    label = "support"
    verbose_name = "Поддержка: кураторы, наставники, выезды, рекомендации, консультации"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.core import hooks
        from opora.core.audit import history_field_display
        from opora.support import imports, models, scoping, selectors, views  # noqa: F401
        from opora.support.choices import MentorArea
        from opora.support.visit_templates import visit_templates_install

        for model in (
            models.MentorPair,
            models.VisitTemplate,
            models.Visit,
            models.Recommendation,
            models.Consultation,
            models.Escalation,
        ):
            auditlog.register(model)
        # --- network ---
        # The school list and card show each school's mentor (the registry cannot import us).
        hooks.school_mentors.provide(selectors.school_mentor_links)
        history_field_display(models.MentorPair, "areas", values=MentorArea.choices)
        # Parties joining or leaving an agreement show in its own history.
        auditlog.register(models.NetworkAgreement, m2m_fields={"parties"})

        # --- engagement ---
        # The escalation's page shows its recorded reasons as sentences; in the history they
        # would be a line of codes and figures.
        history_field_display(models.Escalation, "reasons", hidden=True)

        # --- visits ---
        # The record's answers and a template's questions are JSON keyed by position: the
        # visit's and the template's pages show them; the forms' one-time keys are bookkeeping.
        history_field_display(models.Visit, "answers", hidden=True)
        history_field_display(models.Visit, "form_key", hidden=True)
        history_field_display(models.Visit, "plan_key", hidden=True)
        history_field_display(models.VisitTemplate, "areas", hidden=True)
        # The shipped visit templates exist in every database (tests included).
        post_migrate.connect(visit_templates_install, sender=self)
