"""What the core asks of the apps above it.

The core imports no capability app (`[tool.importlinter]` in pyproject.toml enforces it). Where
a core page needs what only an app knows — the home page's summary, the territories new
schools may go to — the core declares a `Hook` here and the app that knows provides it in its
`AppConfig.ready()`. The arrow of the import points down; the call goes up through the hook.

Access has its own hook for the same reason: `opora.core.access.reach_source_register`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from opora.core.access import UserLike

F = TypeVar("F", bound=Callable[..., Any])


class Hook(Generic[F]):
    """One function the core calls and exactly one app provides."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.__doc__ = doc
        self._func: F | None = None

    def provide(self, func: F) -> F:
        """Register the implementation (the app's `ready()`; again with the same function is
        harmless, a second app's is a mistake)."""
        if self._func is not None and self._func is not func:
            raise ImproperlyConfigured(f"Hook «{self.name}» is already provided by {self._func}")
        self._func = func
        return func

    @property
    def call(self) -> F:
        if self._func is None:
            raise ImproperlyConfigured(f"No installed app provides the hook «{self.name}»")
        return self._func


home_summary: Hook[Callable[[UserLike], dict[str, Any]]] = Hook(
    "home_summary",
    "What the home page shows `user`: roles, reach, counts and the shortest ways in (registry).",
)
import_territories: Hook[Callable[[UserLike], QuerySet[Any]]] = Hook(
    "import_territories",
    "The territories in which an import may create schools for `user` (registry).",
)
territory_by_code: Hook[Callable[[UserLike, str], Any]] = Hook(
    "territory_by_code",
    "The territory with this code that `user` may see, or None: `opora import --territory`.",
)
school_mentors: Hook[Callable[[UserLike, list[int]], dict[int, list[tuple[str, str]]]]] = Hook(
    "school_mentors",
    "The current mentor schools of these schools, by school id, as (name, address of its card "
    "or '' when `user` may not open it): the school list and card (support).",
)
