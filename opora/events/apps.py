from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "opora.events"
    label = "events"
    verbose_name = "Мероприятия: семинары, конференции, участники, сертификаты"
