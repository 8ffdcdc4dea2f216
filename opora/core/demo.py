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
    """What demo steps share: a seeded random source, a log and the objects made so far."""

    random: random.Random
    log: Callable[[str], None]
    objects: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    func: Callable[[DemoContext], None]


_STEPS: dict[str, DemoStep] = {}


def demo_step(*, order: int, name: str) -> Callable[[Callable[[DemoContext], None]], Any]:
    """Register a demo step; steps run by ascending `order`."""

    def register(func: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        _STEPS[name] = DemoStep(order, name, func)
        return func

    return register


def demo_steps() -> list[DemoStep]:
    autodiscover_modules("demo")
    return sorted(_STEPS.values(), key=lambda step: step.order)


def demo_is_loaded() -> bool:
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
