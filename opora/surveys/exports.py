"""Files of surveys: the links to send out (XLSX / CSV) and the aggregated results (XLSX).

The results file holds only what the pages show: schools below the questionnaire's minimum
appear with their count and no answers; free-text answers are counted, not listed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from opora.core.access import UserLike
from opora.surveys.choices import QuestionKind
from opora.surveys.models import SurveyLink, SurveyRound
from opora.surveys.selectors import Results, results_per_link, round_links, round_rollup

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Ссылки")
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFG", (12, 30, 14, 40, 60, 10, 10), strict=True):
        sheet.column_dimensions[column].width = width
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def links_csv(links: list[SurveyLink], absolute: Callable[[str], str]) -> bytes:
    header, rows = _link_rows(links, absolute)
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    # BOM and semicolons: Excel in a Russian locale opens the file as it is.
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


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
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("Число ответов")
    summary.append(
        [_("Код ОО"), _("Школа"), _("Анкета"), _("Ответов"), _("Минимум"), _("Результаты")]
    )
    for link in links:
        enough = link.response_count >= link.questionnaire.min_respondents  # type: ignore[attr-defined]
        summary.append(
            [
                link.school.code,
                link.school.short_name,
                link.questionnaire.title,
                link.response_count,  # type: ignore[attr-defined]
                link.questionnaire.min_respondents,
                _("показаны") if enough else _("недостаточно ответов — не показываются"),
            ]
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
        sheet = book.create_sheet(f"{index}. {questionnaire.get_group_display()}"[:31])
        sheet.append([questionnaire.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        rollup = round_rollup(user, survey_round, questionnaire)
        if rollup.results is not None:
            label = _("Все школы (%(n)s)") % {"n": rollup.schools_counted}
            for row in _result_rows(label, rollup.results):
                sheet.append(row)
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
                    sheet.append(row)
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["E"].width = 60
        sheet.column_dimensions["F"].width = 36
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
