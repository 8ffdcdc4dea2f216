"""The plain-Russian reading of an estimate, built from rules: what the figures can claim
and what they cannot. No p-values: an interval in the outcome's units and in standard
deviations, and the limits of the design said every time."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from opora.evaluation import estimator


def reason_texts() -> dict[str, str]:
    """Why no estimate can be shown, per reason code of the estimator."""
    return {
        estimator.NO_TREATED: _("В программе нет школ с результатами до и после начала поддержки."),
        estimator.NO_COMPARISON: _(
            "Нет школ для сравнения: на территории программы нет школ с результатами, которые "
            "не участвовали ни в одной программе поддержки в эти годы."
        ),
        estimator.TOO_FEW_TREATED: _(
            "Слишком мало школ программы с результатами до и после начала поддержки: нужно не "
            "меньше %(min)s."
        )
        % {"min": estimator.MIN_TREATED},
        estimator.TOO_FEW_MATCHED: _(
            "Слишком мало школ программы нашли похожую школу для сравнения (по результатам до "
            "поддержки и контексту): нужно не меньше %(min)s."
        )
        % {"min": estimator.MIN_TREATED},
        estimator.TOO_FEW_PRE_YEARS: _(
            "Слишком короткий ряд: нужно не меньше %(min)s лет результатов до начала поддержки, "
            "чтобы проверить, что группы менялись одинаково."
        )
        % {"min": estimator.MIN_PRE_YEARS},
        estimator.NO_POST_YEARS: _(
            "Результатов после начала поддержки ещё нет: оценивать пока нечего."
        ),
    }


def covariate_labels() -> dict[str, str]:
    return {
        "pre_mean": _("Средний индекс результатов до поддержки"),
        "anchor": _("Индекс результатов в последний год до поддержки"),
        "context": _("Индекс социального контекста"),
    }


def number(value: float | None, digits: int = 2) -> str:
    """A figure with a decimal comma and a real minus sign."""
    if value is None:
        return "—"
    text = f"{value:+.{digits}f}" if value else f"{0:.{digits}f}"
    return text.replace(".", ",").replace("-", "−")


def reasons(result: dict[str, Any]) -> list[str]:
    texts = reason_texts()
    return [texts.get(code, code) for code in result.get("reasons", [])]


def reading(result: dict[str, Any], *, association: bool = False) -> list[str]:
    """Sentences that say what the estimate shows and what it does not."""
    if not result.get("ok"):
        return [*reasons(result), _("Поэтому оценка эффекта не показывается.")]
    did = result["did"]
    sd = result.get("sd")
    lines: list[str] = []
    in_sd = ""
    if sd:
        in_sd = _(" (%(e)s стандартного отклонения индекса; интервал от %(l)s до %(h)s)") % {
            "e": number(did["estimate"] / sd),
            "l": number(did["low"] / sd),
            "h": number(did["high"] / sd),
        }
    subject = _("школ с этим видом поддержки") if association else _("школ программы")
    lines.append(
        _(
            "После начала поддержки индекс результатов %(subject)s изменился на %(e)s "
            "относительно похожих школ для сравнения; 95-процентный интервал — от %(l)s "
            "до %(h)s%(sd)s."
        )
        % {
            "subject": subject,
            "e": number(did["estimate"]),
            "l": number(did["low"]),
            "h": number(did["high"]),
            "sd": in_sd,
        }
    )
    covers = did["low"] <= 0 <= did["high"]
    if result.get("pretrend_differs"):
        lines.append(
            _(
                "До начала поддержки группы менялись по-разному (различие наклонов "
                "%(s)s в год, интервал от %(l)s до %(h)s): нельзя утверждать, что "
                "поддержка вызвала изменение."
            )
            % {
                "s": number(result["pretrend"]["estimate"]),
                "l": number(result["pretrend"]["low"]),
                "h": number(result["pretrend"]["high"]),
            }
        )
    elif covers:
        lines.append(_("Эффект не обнаружен — это не значит, что его нет."))
    elif association:
        lines.append(
            _(
                "Это связь, а не эффект: школы получают этот вид поддержки не случайно, "
                "и различие может объясняться тем, почему они его получили."
            )
        )
    else:
        direction = _("выше") if did["estimate"] > 0 else _("ниже")
        lines.append(
            _(
                "До поддержки группы менялись одинаково, а после — результаты школ "
                "программы стали %(d)s, чем у похожих школ: это согласуется с эффектом "
                "поддержки такого размера."
            )
            % {"d": direction}
        )
    if result.get("n_unmatched"):
        lines.append(
            _(
                "%(n)s школ программы не нашли похожей школы для сравнения и в оценку "
                "не вошли: оценка говорит о школах, для которых пара нашлась."
            )
            % {"n": result["n_unmatched"]}
        )
    lines.append(
        _(
            "Сравнение подобрано только по тому, что известно Опоре (результаты до поддержки "
            "и контекст): оно не исключает других причин — смены директора, другой "
            "программы, изменений в составе учащихся."
        )
    )
    return lines
