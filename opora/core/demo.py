"""The demo territory: `opora demo` runs every app's registered demo step, in order.

Each capability adds its own demo data with `@demo_step(order=…)` in its `demo.py`
(autodiscovered), reading what earlier steps made from `DemoContext.objects`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.module_loading import autodiscover_modules

DEMO_TERRITORY_CODE = "DEMO"


@dataclass
class DemoContext:
    """What demo steps share: a seeded random source, a log, the objects made so far.

    `summary` collects one line per count worth showing; `opora demo` prints them at the end.
    """

    random: random.Random
    log: Callable[[str], None]
    objects: dict[str, Any] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)


StepFunc = Callable[[DemoContext], None]


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    func: StepFunc


# Keyed by name so that importing a demo module twice registers its step once.
_STEPS: dict[str, DemoStep] = {}


def demo_step(*, order: int, name: str) -> Callable[[StepFunc], StepFunc]:
    """Register a demo step; steps run by ascending `order` (registry 10, later apps above)."""

    def register(func: StepFunc) -> StepFunc:
        _STEPS[name] = DemoStep(order, name, func)
        return func

    return register


def demo_steps() -> list[DemoStep]:
    """Every registered step in running order, after importing each installed app's `demo`."""
    autodiscover_modules("demo")
    return sorted(_STEPS.values(), key=lambda step: (step.order, step.name))


def demo_is_loaded() -> bool:
    """Whether the demo territory is already in the database (its city exists)."""
    from opora.registry.models import Territory

    return Territory.objects.filter(code=DEMO_TERRITORY_CODE).exists()


@transaction.atomic
def demo_run(*, seed: int = 2024, log: Callable[[str], None] = print) -> DemoContext:
    """Build the whole demo territory in one transaction (all of it or nothing)."""
    context = DemoContext(random=random.Random(seed), log=log)
    for step in demo_steps():
        log(f"— {step.name}")
        step.func(context)
    return context
