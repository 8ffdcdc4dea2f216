from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StaffConfig(AppConfig):
    name = "opora.staff"
    label = "staff"
    verbose_name = "Педагоги, профессиональные дефициты и ИОМ"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.core.audit import history_field_display
        from opora.staff import imports, models, scoping, views  # noqa: F401
        from opora.staff.catalogue import courses_install
        from opora.staff.choices import CompetencyArea

        for model in (
            models.Teacher,
            models.Diagnostic,
            models.Course,
            models.DevelopmentPlan,
            models.PlanItem,
        ):
            auditlog.register(model)
        history_field_display(models.Course, "areas", values=CompetencyArea.choices)
        # The starter catalogue exists in every database (tests included). Subjects come from
        # the results app's own post_migrate, which runs first (INSTALLED_APPS order).
        post_migrate.connect(courses_install, sender=self)
