"""Files of surveys: the links to send out (XLSX / CSV) and the aggregated results (XLSX).

The results file holds only what the pages show: schools below the questionnaire's minimum
appear with their count and no answers; free-text answers are counted, not listed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from openpyxl.styles import Font

from opora.core.access import UserLike
from opora.core.exports import (
    csv_bytes,
    export_filename,
    sheet_append,
    sheet_header,
    sheet_title,
    workbook_bytes,
    workbook_new,
)
from opora.surveys.choices import QuestionKind
from opora.surveys.models import SurveyLink, SurveyRound
from opora.surveys.selectors import Results, results_per_link, round_links, round_rollup


def links_export_name(survey_round: SurveyRound, extension: str) -> str:
    """«Ссылки анкетирования — Анкетирование весна 2025.xlsx»."""
    return export_filename(_("Ссылки анкетирования"), survey_round.title, extension=extension)


def results_export_name(survey_round: SurveyRound) -> str:
    """«Результаты анкетирования — Анкетирование весна 2025.xlsx»."""
    return export_filename(_("Результаты анкетирования"), survey_round.title, extension="xlsx")


def _link_rows(
    links: list[SurveyLink], absolute: Callable[[str], str]
) -> tuple[list[str], list[list[object]]]:
    header = [
        _("Код ОО"),
        _("Школа"),
        _("Респонденты"),
        _("Анкета"),
        _("Ссылка"),
        _("Ответов"),
        _("Минимум"),
    ]
    rows: list[list[object]] = [
        [
            link.school.code,
            link.school.short_name,
            link.questionnaire.get_group_display(),
            link.questionnaire.title,
            absolute(link.get_public_url()),
            getattr(link, "response_count", 0),
            link.questionnaire.min_respondents,
        ]
        for link in links
    ]
    return header, rows


def links_xlsx(links: list[SurveyLink], absolute: Callable[[str], str]) -> bytes:
    header, rows = _link_rows(links, absolute)
    book, sheet = workbook_new(_("Ссылки"))
    sheet_header(sheet, header, widths=(12, 30, 14, 40, 60, 10, 10))
    for row in rows:
        sheet_append(sheet, row)
    return workbook_bytes(book)


def links_csv(links: list[SurveyLink], absolute: Callable[[str], str]) -> bytes:
    header, rows = _link_rows(links, absolute)
    return csv_bytes([header, *rows])


def _result_rows(school: str, results: Results) -> list[list[object]]:
    rows: list[list[object]] = []
    for section, questions in results.sections:
        for r in questions:
            q = r.question
            if q.kind == QuestionKind.TEXT:
                rows.append(
                    [
                        school,
                        results.respondents,
                        section.title,
                        q.code,
                        q.text,
                        _("ответов текстом"),
                        r.text_total,
                        None,
                        None,
                    ]
                )
                continue
            if q.kind == QuestionKind.NUMBER:
                mean = round(r.mean, 2) if r.mean is not None else None
                rows.append(
                    [
                        school,
                        results.respondents,
                        section.title,
                        q.code,
                        q.text,
                        "",
                        r.answered,
                        None,
                        mean,
                    ]
                )
                continue
            mean = round(r.mean, 2) if r.mean is not None else None
            for option in r.options:
                rows.append(
                    [
                        school,
                        results.respondents,
                        section.title,
                        q.code,
                        q.text,
                        option.label,
                        option.count,
                        round(option.percent, 1),
                        mean,
                    ]
                )
    return rows


def results_xlsx(user: UserLike, survey_round: SurveyRound) -> bytes:
    """One sheet with the response counts, then one sheet per questionnaire: the territory
    roll-up and each school that reached the minimum, one row per answer option."""
    links = round_links(user, survey_round)
    book, summary = workbook_new(_("Число ответов"))
    sheet_header(
        summary,
        [_("Код ОО"), _("Школа"), _("Анкета"), _("Ответов"), _("Минимум"), _("Результаты")],
    )
    for link in links:
        enough = link.response_count >= link.questionnaire.min_respondents  # type: ignore[attr-defined]
        sheet_append(
            summary,
            [
                link.school.code,
                link.school.short_name,
                link.questionnaire.title,
                link.response_count,  # type: ignore[attr-defined]
                link.questionnaire.min_respondents,
                _("показаны") if enough else _("недостаточно ответов — не показываются"),
            ],
        )
    header = [
        _("Школа"),
        _("Ответивших"),
        _("Раздел"),
        _("Код вопроса"),
        _("Вопрос"),
        _("Вариант"),
        _("Ответов"),
        _("%"),
        _("Среднее"),
    ]
    questionnaires = sorted({link.questionnaire for link in links}, key=lambda q: q.pk)
    for index, questionnaire in enumerate(questionnaires, start=1):
        sheet = book.create_sheet(sheet_title(f"{index}. {questionnaire.get_group_display()}"))
        sheet_append(sheet, [questionnaire.title])
        sheet["A1"].font = Font(bold=True)
        sheet_header(sheet, header)
        rollup = round_rollup(user, survey_round, questionnaire)
        if rollup.results is not None:
            label = _("Все школы (%(n)s)") % {"n": rollup.schools_counted}
            for row in _result_rows(label, rollup.results):
                sheet_append(sheet, row)
        mine = [link for link in links if link.questionnaire_id == questionnaire.pk]
        counts = {
            link.pk: link.response_count  # type: ignore[attr-defined]
            for link in mine
            if link.response_count >= questionnaire.min_respondents  # type: ignore[attr-defined]
        }
        per_link = results_per_link(questionnaire, counts)
        for link in mine:
            if link.pk in per_link:
                for row in _result_rows(link.school.short_name, per_link[link.pk]):
                    sheet_append(sheet, row)
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["E"].width = 60
        sheet.column_dimensions["F"].width = 36
    return workbook_bytes(book)
