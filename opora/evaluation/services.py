"""Writes of the evaluation: starting an estimate (a background job), computing it from the
panel (reads) and storing its result with the digest of the data it used."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.access import UserLike
from opora.core.jobs import JobReporter, JobSave, job_handler, job_start
from opora.core.models import Job
from opora.evaluation import estimator
from opora.evaluation.choices import EstimateStatus, Outcome
from opora.evaluation.models import Estimate
from opora.evaluation.selectors import PanelData, estimate_for_job, outcome_panel
from opora.registry.models import Programme, ProgrammeSchool

ESTIMATE_JOB = "evaluation.estimate"


def estimate_params(**overrides: Any) -> dict[str, Any]:
    """The estimator's parameters (the defaults unless overridden)."""
    params = {
        "k": estimator.DEFAULT_K,
        "caliper": estimator.DEFAULT_CALIPER,
        "replications": estimator.DEFAULT_REPLICATIONS,
        "seed": estimator.DEFAULT_SEED,
    }
    params.update(overrides)
    return params


def _refuse_unfit(programme: Programme) -> None:
    count = ProgrammeSchool.objects.filter(programme=programme).count()
    if count < estimator.MIN_TREATED:
        raise ValidationError(
            _(
                "В программе %(n)s школ: для оценки нужно не меньше %(min)s школ, "
                "поддержанных программой и имеющих результаты."
            )
            % {"n": count, "min": estimator.MIN_TREATED}
        )


@transaction.atomic
def estimate_start(*, programme: Programme, user: User, **overrides: Any) -> Estimate:
    """Queue an estimate of the programme; refused while another one is being computed."""
    # Lock the programme row so that two clicks do not both pass the «running» check.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if Estimate.objects.filter(programme=programme, status=EstimateStatus.QUEUED).exists():
        raise ValidationError(
            _("Оценка этой программы уже считается: дождитесь результата и обновите страницу.")
        )
    _refuse_unfit(programme)
    estimate = Estimate.objects.create(
        programme=programme,
        outcome=Outcome.RESULTS_INDEX,
        params=estimate_params(**overrides),
        created_by=user,
    )
    estimate.job = job_start(
        kind=ESTIMATE_JOB,
        title=_("Оценка эффективности: %(p)s") % {"p": programme.name[:200]},
        params={"estimate_id": estimate.pk},
        user=user,
        organization_id=programme.owner_id,
    )
    estimate.save(update_fields=["job"])
    return estimate


def _by_kind(data: PanelData, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Supported schools with a kind of support against the supported schools without it —
    associations, not effects (who gets a mentor or an anti-risk programme is not random)."""
    panel = data.panel
    treated = np.flatnonzero(panel.first_post > 0)
    rows: list[dict[str, Any]] = []
    for code, members in data.kinds.items():
        if code.startswith("risk:"):
            continue
        with_kind = np.array(sorted(members), dtype=np.int64)
        if code.startswith("anti_risk:"):
            factor = code.split(":", 1)[1]
            pool = np.setdiff1d(np.array(data.kinds.get(f"risk:{factor}", []), np.int64), with_kind)
        else:
            pool = np.setdiff1d(treated, with_kind)
        entry: dict[str, Any] = {
            "code": code,
            "label": data.kind_labels[code],
            "with": int(with_kind.size),
            "without": int(pool.size),
        }
        if min(with_kind.size, pool.size) < estimator.MIN_TREATED:
            entry["shown"] = False
            rows.append(entry)
            continue
        rows_used = np.concatenate([with_kind, pool])
        first_post = np.where(np.isin(rows_used, with_kind), panel.first_post[rows_used], 0)
        sub = estimator.Panel(
            panel.school_ids[rows_used],
            panel.years,
            panel.outcome[rows_used],
            first_post,
            panel.context[rows_used],
        )
        found = estimator.estimate(sub, **params)
        entry["shown"] = found.ok
        entry["result"] = found.to_json()
        rows.append(entry)
    return rows


def estimate_compute(estimate: Estimate, user: UserLike) -> tuple[dict[str, Any], str]:
    """The estimate's result and data version (reads only)."""
    data = outcome_panel(user, estimate.programme)
    params = {k: estimate.params[k] for k in ("k", "caliper", "replications", "seed")}
    found = estimator.estimate(data.panel, **params)
    result = found.to_json()
    result["methodology"] = data.methodology
    result["years"] = [int(y) for y in data.panel.years]
    result["by_kind"] = _by_kind(data, params) if found.ok else []
    return result, data.data_version


def _store(estimate: Estimate, result: dict[str, Any], version: str) -> None:
    estimate.result = result
    estimate.data_version = version
    estimate.status = EstimateStatus.DONE
    estimate.computed_at = timezone.now()
    estimate.save(update_fields=["result", "data_version", "status", "computed_at"])


def _estimate_failed(job: Job) -> None:
    """An estimate whose job failed says so instead of «считается» (no estimate stuck)."""
    Estimate.objects.filter(job=job, status=EstimateStatus.QUEUED).update(
        status=EstimateStatus.FAILED
    )


def _estimate_restart(job: Job) -> None:
    Estimate.objects.filter(job=job).update(status=EstimateStatus.QUEUED)


@job_handler(ESTIMATE_JOB, on_failure=_estimate_failed, on_restart=_estimate_restart)
def estimate_job(job: Job, reporter: JobReporter) -> JobSave:
    """Read the panel and compute (outside the transaction); the save step stores the result."""
    estimate = estimate_for_job(job)
    reporter.progress(10, _("Чтение результатов школ территории"))
    result, version = estimate_compute(estimate, job.created_by or estimate.created_by)  # type: ignore[arg-type]
    reporter.progress(90, _("Оценка посчитана"))
    reporter.log(
        _("Школ программы с данными: %(t)s, с парой для сравнения: %(m)s.")
        % {"t": result["n_treated"], "m": result["n_matched"]}
    )

    def save() -> dict[str, Any]:
        _store(estimate, result, version)
        return {"estimate": estimate.pk, "url": estimate.get_absolute_url()}

    return save


@transaction.atomic
def estimate_compute_now(*, programme: Programme, user: User, **overrides: Any) -> Estimate:
    """Compute an estimate synchronously (the demo and the tests; the page uses the job)."""
    estimate = Estimate.objects.create(
        programme=programme,
        outcome=Outcome.RESULTS_INDEX,
        params=estimate_params(**overrides),
        created_by=user,
    )
    result, version = estimate_compute(estimate, user)
    _store(estimate, result, version)
    return estimate
