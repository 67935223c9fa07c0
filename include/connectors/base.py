"""The connector contract: what every partner module declares and the little it implements itself."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Protocol
from zoneinfo import ZoneInfo

from include.connectors.catalog import CATALOG, IntegrationType

SQL_DIR = Path(__file__).resolve().parent.parent / "sql" / "extract"
TIMEZONE = ZoneInfo("America/Sao_Paulo")


@dataclass(frozen=True)
class RunScope:
    """What one task sends: whose data, which branches, which movement period."""

    integration_id: int
    tenant_id: int
    branch_ids: tuple[int, ...]
    start: date
    end: date
    task_code: int

    def query_params(self) -> dict[str, Any]:
        # Movement days are calendar days in the deployment's timezone: [start 00:00, end+1 00:00).
        return {
            "tenant_id": self.tenant_id,
            "branches": list(self.branch_ids),
            "start": datetime.combine(self.start, time.min, tzinfo=TIMEZONE),
            "end": datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=TIMEZONE),
        }


class ByteSink(Protocol):
    """Where a rendered file goes: storage, through a hashing writer."""

    def write(self, data: bytes, /) -> int: ...


@dataclass
class RenderResult:
    rows: int = 0
    totals: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    """A stored file on its way to the partner, as an open binary stream (never loaded whole)."""

    body: BinaryIO
    size: int
    name: str
    sha256: str
    idempotency_key: str


class Connector(ABC):
    """One partner. Subclasses declare their type, extraction SQL and format, and implement render/deliver."""

    code: ClassVar[str]
    extraction_sql: ClassVar[str]
    content_type: ClassVar[str]

    @property
    def spec(self) -> IntegrationType:
        return CATALOG[self.code]

    def sql(self) -> str:
        return (SQL_DIR / self.extraction_sql).read_text(encoding="utf-8")

    @abstractmethod
    def file_name(self, scope: RunScope) -> str: ...

    @abstractmethod
    def render(self, columns: Sequence[str], rows: Iterable[Sequence[Any]], out: ByteSink) -> RenderResult:
        """Write the partner's file format to `out`, streaming; count rows and totals on the way."""

    @abstractmethod
    def deliver(self, delivery: Delivery, config: Mapping[str, str]) -> str:
        """Send the file; return the partner's receipt (protocol). Raise DeliveryError subclasses."""
