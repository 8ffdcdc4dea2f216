from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "opora.public"
    label = "public"
    verbose_name = "Публичные страницы: программы, мероприятия, практики и результаты"
