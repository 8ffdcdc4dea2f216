from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "opora.governance"
    label = "governance"
    verbose_name = "Управление программой: советы, рабочие группы, заседания, решения"
