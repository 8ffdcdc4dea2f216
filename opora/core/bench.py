"""Benchmarks run by `opora bench NAME`: each capability registers its own with `@benchmark`.

A benchmark runs in a throwaway database (a temporary SQLite file unless --database-url
is given), so measuring never touches the user's data.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BenchFunc = Callable[["BenchReport"], None]
_BENCHMARKS: dict[str, BenchFunc] = {}


def benchmark(name: str) -> Callable[[BenchFunc], BenchFunc]:
    """Register a benchmark under `name` (autodiscovered from each app's `bench` module)."""

    def register(func: BenchFunc) -> BenchFunc:
        _BENCHMARKS[name] = func
        return func

    return register


def benchmarks() -> dict[str, BenchFunc]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("bench")
    return dict(_BENCHMARKS)


@dataclass
class BenchReport:
    """Measured figures, each with the target it is compared against."""

    title: str
    rows: list[tuple[str, str, str, bool | None]] = field(default_factory=list)
    log: Callable[[str], None] = print
    # Options of `opora bench` a benchmark may read (`schools`, scale's sizes and JSON file…).
    options: dict[str, Any] = field(default_factory=dict)

    def add(self, what: str, value: str, target: str = "", ok: bool | None = None) -> None:
        self.rows.append((what, value, target, ok))
        self.log(f"  {what}: {value}" + (f" (цель: {target})" if target else ""))

    def markdown(self) -> str:
        lines = [f"### {self.title}", "", "| measure | value | target | met |", "|---|---|---|---|"]
        for what, value, target, ok in self.rows:
            met = "" if ok is None else ("yes" if ok else "**no**")
            lines.append(f"| {what} | {value} | {target} | {met} |")
        return "\n".join(lines)

    @property
    def all_met(self) -> bool:
        return all(ok is not False for *_, ok in self.rows)


def timed(func: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock milliseconds of `repeat` calls after one warm-up call."""
    func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples)


def p90_ms(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10)[-1] if len(samples) >= 10 else max(samples)
