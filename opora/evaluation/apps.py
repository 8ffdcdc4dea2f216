from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "opora.evaluation"
    label = "evaluation"
    verbose_name = "Оценка эффективности поддержки: разность разностей с группой сравнения"

    def ready(self) -> None:
        from opora.evaluation import scoping, services  # noqa: F401
