"""Why a value is refused: shared by the connectors' configuration rules, the service layer and the plugin, so
that none of them imports another only for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """Why a value is invalid: a key of the message catalog and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
