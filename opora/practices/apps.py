from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "opora.practices"
    label = "practices"
    verbose_name = "Банк практик: описание, экспертиза, доказательства эффекта, тиражирование"
