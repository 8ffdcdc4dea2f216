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


@dataclass(frozen=True)
class DemoAccounts:
    """The demo's sign-ins (username, role, what they see) with their common password, and
    how to tell that the demo is loaded: registered by the app that makes the users."""

    password: str
    accounts: list[tuple[str, str, str]]
    is_loaded: Callable[[], bool]


_ACCOUNTS: list[DemoAccounts] = []


def demo_accounts_register(accounts: DemoAccounts) -> None:
    """Called by the registry's `demo.py` (the app that makes the demo's users)."""
    _ACCOUNTS[:] = [accounts]


def demo_accounts() -> DemoAccounts | None:
    """The demo's sign-ins, after importing each installed app's `demo`; None without one."""
    autodiscover_modules("demo")
    return _ACCOUNTS[0] if _ACCOUNTS else None


def demo_is_loaded() -> bool:
    """Whether the demo territory is already in the database."""
    accounts = demo_accounts()
    return accounts is not None and accounts.is_loaded()


@transaction.atomic
def demo_run(*, seed: int = 2024, log: Callable[[str], None] = print) -> DemoContext:
    """Build the whole demo territory in one transaction (all of it or nothing)."""
    context = DemoContext(random=random.Random(seed), log=log)
    for step in demo_steps():
        log(f"— {step.name}")
        step.func(context)
    return context
