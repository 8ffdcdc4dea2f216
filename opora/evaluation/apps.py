from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "opora.evaluation"
    label = "evaluation"
    verbose_name = "Оценка эффективности поддержки: разность разностей с группой сравнения"
