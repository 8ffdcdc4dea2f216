"""The capability navigation: Реестр, Выявление, Программы, Мониторинг, Поддержка, Управление,
Отчёты.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opora.core.access import has_any

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Section:
    key: str
    title: StrOrPromise
    url_name: str
    path_prefix: str
    summary: StrOrPromise
    # Shown only to those who may do this somewhere (e.g. manage people); None: to everyone.
    action: str | None = None


SECTIONS: tuple[Section, ...] = (
    Section(
        "registry",
        _("Реестр"),
        "registry:schools",
        "/registry/",
        _("Территории, организации, школы, люди и программы."),
    ),
    Section(
        "identification",
        _("Выявление"),
        "identification:runs",
        "/identification/",
        _(
            "Загрузка результатов оценочных процедур и социального контекста, объяснимое "
            "выявление ШНОР, ШНСУ, группы риска и резильентных школ по утверждённой методике, "
            "сравнение методик и утверждение списка приказом."
        ),
    ),
    Section(
        "programmes",
        _("Программы"),
        "registry:programmes",
        "/registry/programmes/",
        _(
            "Муниципальные программы и дорожные карты: шаблоны, загрузка из Word и Excel, "
            "конструктор школьных программ, согласование, исполнение с подтверждающими "
            "документами."
        ),
    ),
    Section(
        "monitoring",
        _("Мониторинг"),
        "monitoring:index",
        "/monitoring/",
        _(
            "Целевые показатели с базовыми и плановыми значениями, контрольные точки "
            "(входной, промежуточный, итоговый мониторинг), анкетирование и профиль рисков "
            "500+, профессиональные дефициты учителей и ИОМ."
        ),
    ),
    Section(
        "support",
        _("Поддержка"),
        "support:index",
        "/support/",
        _(
            "Кураторы и школы-наставники, сетевые договоры, выезды и «методические десанты», "
            "рекомендации, консультации, вовлечённость школ."
        ),
    ),
    Section(
        "events",
        _("Мероприятия"),
        "events:index",
        "/events/",
        _(
            "Семинары, вебинары, мастер-классы и конференции для команд школ: запись, "
            "посещаемость, материалы, обратная связь, сертификаты, календарь."
        ),
    ),
    Section(
        "governance",
        _("Управление"),
        "governance:index",
        "/governance/",
        _(
            "Координационные советы и рабочие группы: составы по приказам, заседания, "
            "протоколы и контроль исполнения решений."
        ),
    ),
    Section(
        "practices",
        _("Практики"),
        "practices:index",
        "/practices/",
        _(
            "Банк практик: описание, экспертиза по опубликованным критериям, публикация, "
            "версии, поиск по проблемам и факторам риска, сборники и атлас."
        ),
    ),
    Section(
        "reports",
        _("Отчёты"),
        "reports:index",
        "/reports/",
        _(
            "Аналитические справки с адресными рекомендациями, карточка школы, муниципальный "
            "отчёт, итоги года, оценка эффективности поддержки, выгрузки XLSX / DOCX / PDF."
        ),
    ),
    Section(
        "users",
        _("Пользователи"),
        "accounts:people",
        "/users/",
        _("Приглашение людей, роли в организациях, учётные записи, загрузка сотрудников."),
        action="manage_people",
    ),
)


def section(key: str) -> Section:
    return next(s for s in SECTIONS if s.key == key)


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    """The sections with their URLs and which one the current page belongs to."""
    return [
        {
            "title": s.title,
            "url": reverse(s.url_name),
            "active": request.path.startswith(s.path_prefix)
            and not (s.key == "registry" and request.path.startswith("/registry/programmes/")),
        }
        for s in SECTIONS
        if s.action is None or has_any(request.user, s.action)
    ]
