from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SurveysConfig(AppConfig):
    name = "opora.surveys"
    label = "surveys"
    verbose_name = "Анкетирование и профиль рисков"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.core.audit import history_field_display
        from opora.surveys import models, scoping, services, views  # noqa: F401
        from opora.surveys.choices import RiskFactor, RiskLevel

        auditlog.register(models.Questionnaire)
        auditlog.register(models.SurveyRound)
        # How a link takes answers; its token and codes are secrets and stay out of history.
        auditlog.register(models.SurveyLink, include_fields=["requires_code", "respondent_limit"])
        auditlog.register(models.RiskProfile)
        # Scoring rules and the profile's workings are machine data, shown on their own pages.
        history_field_display(models.Questionnaire, "scoring", hidden=True)
        history_field_display(models.RiskProfile, "details", hidden=True)
        history_field_display(
            models.RiskProfile, "levels", keys=RiskFactor.choices, values=RiskLevel.choices
        )
        history_field_display(models.RiskProfile, "scores", keys=RiskFactor.choices)
        # The shipped questionnaires exist in every database, the test databases included.
        post_migrate.connect(services.builtin_questionnaires_install, sender=self)
