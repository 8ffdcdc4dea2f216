from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SurveysConfig(AppConfig):
    name = "opora.surveys"
    label = "surveys"
    verbose_name = "Анкетирование и профиль рисков"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.surveys import models, scoping, services, views  # noqa: F401

        auditlog.register(models.Questionnaire)
        auditlog.register(models.SurveyRound)
        # How a link takes answers; its token and codes are secrets and stay out of history.
        auditlog.register(models.SurveyLink, include_fields=["requires_code", "respondent_limit"])
        auditlog.register(models.RiskProfile)
        # The shipped questionnaires exist in every database, the test databases included.
        post_migrate.connect(services.builtin_questionnaires_install, sender=self)
