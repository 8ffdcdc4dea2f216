from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "opora.registry"
    label = "registry"
    verbose_name = "Реестр"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.registry import imports, models, scoping  # noqa: F401

        for model in (
            models.Territory,
            models.Organization,
            models.SchoolProfile,
            models.Person,
            models.Membership,
            models.CuratorAssignment,
            models.AcademicYear,
            models.ProgrammeSchool,
        ):
            auditlog.register(model)
        # Schools joining or leaving show in the programme's own history.
        auditlog.register(models.Programme, m2m_fields={"schools"})
