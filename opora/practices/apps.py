from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PracticesConfig(AppConfig):
    name = "opora.practices"
    label = "practices"
    verbose_name = "Банк практик: описание, экспертиза, доказательства эффекта, тиражирование"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.core.audit import history_field_display
        from opora.practices import models, scoping, views  # noqa: F401
        from opora.practices.criteria import shipped_criteria_install
        from opora.roadmaps.library import PROBLEM_TYPES
        from opora.surveys.choices import RiskFactor

        auditlog.register(models.Practice, m2m_fields={"authors", "subjects"})
        auditlog.register(models.PracticeMaterial)
        auditlog.register(models.Review)
        auditlog.register(models.ReviewCriterion)
        auditlog.register(models.Collection)
        auditlog.register(models.CollectionItem)
        auditlog.register(models.Adoption)
        # Codes in JSON lists: the history shows them in words.
        history_field_display(models.Practice, "problem_types", values=PROBLEM_TYPES.items())
        history_field_display(models.Practice, "risk_factors", values=RiskFactor.choices)
        history_field_display(models.Review, "scores", hidden=True)
        post_migrate.connect(shipped_criteria_install, sender=self)
