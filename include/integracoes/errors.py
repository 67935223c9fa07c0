"""Typed errors of the service layer; each carries a message-catalog key the caller can show."""

from __future__ import annotations

from typing import Any

from include.problems import Problem


class ServiceError(Exception):
    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotFound(ServiceError):
    """Missing, or belonging to a tenant the caller cannot see (indistinguishable on purpose)."""


class Forbidden(ServiceError):
    """The caller may see the object but not do this to it."""


class Invalid(ServiceError):
    """Input refused; `errors` maps each offending field to its problem. Nothing was written."""

    def __init__(self, errors: dict[str, Problem], key: str = "integration.invalid") -> None:
        # A summary that is the one problem's own message says it with that problem's values ("tarefa 1027").
        same = [problem for problem in errors.values() if problem.key == key]
        super().__init__(key, **(same[0].params if len(same) == 1 else {}))
        self.errors = errors


class Gone(ServiceError):
    """It existed and the caller may see it, but it is no more (an expired file)."""


class Unavailable(ServiceError):
    """A component the operation needs (e.g. Airflow's user store) failed; nothing was written."""


class Conflict(ServiceError):
    """The request contradicts the current state (e.g. an overlapping pending task)."""

    def __init__(self, key: str, *, extra: dict[str, Any] | None = None, **params: Any) -> None:
        super().__init__(key, **params)
        self.extra = extra or {}
