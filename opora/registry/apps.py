from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "opora.registry"
    label = "registry"
    verbose_name = "Реестр"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from opora.core import hooks
        from opora.core.access import reach_source_register
        from opora.registry import imports, models, order_content, scoping, selectors  # noqa: F401

        # What the core computes access and draws its pages from (the core imports no app).
        reach_source_register(scoping.REACH_SOURCE)
        hooks.home_summary.provide(selectors.home_summary)
        hooks.import_territories.provide(selectors.creatable_territories)
        hooks.territory_by_code.provide(selectors.territory_by_code)

        for model in (
            models.Territory,
            models.Organization,
            models.SchoolProfile,
            models.Person,
            models.Membership,
            models.CuratorAssignment,
            models.AcademicYear,
            models.ProgrammeSchool,
            models.Order,
        ):
            auditlog.register(model)
        # Schools joining or leaving show in the programme's own history.
        auditlog.register(models.Programme, m2m_fields={"schools"})
