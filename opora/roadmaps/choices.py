from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduleKind(models.TextChoices):
    """How an activity's schedule («сроки») is written, after parsing the original wording."""

    DATE = "date", _("к дате")
    MONTHS = "months", _("в указанные месяцы")
    ANNUAL = "annual", _("ежегодно в указанные месяцы")
    HALF_YEAR = "half_year", _("раз в полугодие")
    QUARTER = "quarter", _("ежеквартально")
    MONTHLY = "monthly", _("ежемесячно")
    THROUGHOUT = "throughout", _("в течение всего периода / года")
    SEPARATE = "separate", _("по отдельному графику")
    AFTER = "after", _("по результатам / по итогам")
    YEARS = "years", _("в указанные годы")
    UNPARSED = "unparsed", _("не распознано")


class Level(models.TextChoices):
    """The level an activity belongs to (seed 003: ФП — federal, РП — regional project)."""

    FEDERAL = "federal", _("федеральный")
    REGIONAL = "regional", _("региональный")
    MUNICIPAL = "municipal", _("муниципальный")
    SCHOOL = "school", _("школьный")


class MeasureTopic(models.TextChoices):
    """Topics of library measures beyond the risk factors and problem types."""

    STAFF_DEVELOPMENT = "staff-development", _("Профессиональное развитие педагогов")
    PARENTS = "parents", _("Работа с родителями")
    OBJECTIVITY = "objectivity", _("Объективность оценивания")
    MANAGEMENT = "management", _("Управление и планирование")
    MONITORING = "monitoring", _("Мониторинг и анализ результатов")


class RoadmapKind(models.TextChoices):
    """What a roadmap is: the authority's own plan, or one of a school's programmes."""

    MUNICIPAL = "municipal", _("Дорожная карта программы (муниципальная)")
    TRANSITION = "transition", _("Программа перехода в эффективный режим работы")
    SHPPKO = "shppko", _("Школьная программа повышения качества образования (ШППКО)")
    CONCEPT = "concept", _("Концепция развития (500+)")
    MEDIUM_TERM = "medium-term", _("Среднесрочная программа развития")
    ANTI_RISK = "anti-risk", _("Антирисковая программа")


class RoadmapStatus(models.TextChoices):
    """The way from a draft to execution (section 6 of the roadmaps issue)."""

    DRAFT = "draft", _("проект")
    SUBMITTED = "submitted", _("представлена на рассмотрение")
    REVIEW = "review", _("на рассмотрении")
    RETURNED = "returned", _("возвращена на доработку")
    RECOMMENDED = "recommended", _("рекомендована к утверждению")
    APPROVED = "approved", _("утверждена")
    EXECUTION = "execution", _("исполняется")
    COMPLETED = "completed", _("завершена")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("запланировано")
    IN_PROGRESS = "in_progress", _("выполняется")
    DONE = "done", _("выполнено")
    DONE_LATE = "done_late", _("выполнено с опозданием")
    NOT_DONE = "not_done", _("не выполнено")
    CANCELLED = "cancelled", _("отменено")


class EvidenceKind(models.TextChoices):
    ORDER = "order", _("приказ")
    MINUTES = "minutes", _("протокол")
    PROGRAMME = "programme", _("программа, план")
    REPORT = "report", _("справка, отчёт")
    PHOTO = "photo", _("фотоотчёт")
    CERTIFICATE = "certificate", _("сертификат, удостоверение")
    OTHER = "other", _("другое")


class ReportOutcome(models.TextChoices):
    """What the person responsible reports about an activity's due date."""

    DONE = "done", _("выполнено")
    IN_PROGRESS = "in_progress", _("выполняется")
    NOT_DONE = "not_done", _("не выполнено")


class PreviewRowKind(models.TextChoices):
    """What a row of the import preview becomes when the roadmap is saved."""

    SECTION = "section", _("раздел")
    ACTIVITY = "activity", _("мероприятие")
    SKIP = "skip", _("пропустить")
