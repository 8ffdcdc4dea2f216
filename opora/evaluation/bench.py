"""`opora bench effectiveness`: the estimate with 1,000 bootstrap replications for 2,000
schools × 6 years (target < 10 s), against a floor measured in the same run — the same
matching and differences with one replication (what the bootstrap adds is the rest)."""

from __future__ import annotations

import time

from opora.core.bench import BenchReport, benchmark
from opora.evaluation.estimator import estimate, synthetic_panel

SCHOOLS = 2000
TREATED = 400
YEARS = 6
REPLICATIONS = 1000


def _seconds(func: object, repeat: int = 3) -> float:
    """The median of `repeat` wall-clock runs, in seconds, after a warm-up."""
    assert callable(func)
    func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return sorted(samples)[len(samples) // 2]


@benchmark("effectiveness")
def bench_effectiveness(report: BenchReport) -> None:
    """The estimator alone (the panel is read in a constant number of queries, tested)."""
    panel = synthetic_panel(schools=SCHOOLS, treated=TREATED, years=YEARS, effect=0.3, seed=1)
    full = _seconds(lambda: estimate(panel, replications=REPLICATIONS))
    floor = _seconds(lambda: estimate(panel, replications=1))
    result = estimate(panel, replications=REPLICATIONS)
    assert result.did is not None
    report.log(
        f"  сопоставлено {result.n_matched} из {result.n_treated}; эффект "
        f"{result.did.estimate:.3f} ({result.did.low:.3f}…{result.did.high:.3f}), заложен 0.3"
    )
    report.add(
        f"estimate, {SCHOOLS} schools × {YEARS} years, {REPLICATIONS} bootstrap replications",
        f"{full:.2f} s = {full / floor:.1f}× the floor",
        "< 10 s",
        full < 10,
    )
    report.add("floor: matching and differences, one replication", f"{floor:.2f} s", "", None)
