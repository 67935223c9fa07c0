"""The connector contract: a partner declares its data sets, its transport and its confirmation rule;
the framework (export, storage, delivery, task lifecycle) does the rest.

    class Smarket(Connector):
        spec = IntegrationType(code="smarket", name="Smarket", ..., domains=("smarket.com.br",))
        datasets = (DataSet("sellout", "sellout_items.sql", COLUMNS, Csv(), "smarket_sellout_{period}_t{task}"),)
        transport = HttpsUpload(path="/sellout", auth=BearerToken("token"))

A partner overrides a hook only for what is truly its own (e.g. SNGPC's headers naming each file's period).
Its declaration (`spec`: identity, keys and their validation, window, manual flag, domains, time limits) is
its entry of the catalog, which the registration uses, and the conformance suite checks that every key its
transport reads is declared there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar
from zoneinfo import ZoneInfo

from include.connectors import hosts, partner_domains
from include.connectors.formats.base import FileFormat
from include.connectors.types import IntegrationType

if TYPE_CHECKING:
    from include.connectors.inbound.apply import Inbound, InboundKinds

SQL_DIR = Path(__file__).resolve().parent.parent / "sql" / "extract"
TIMEZONE = ZoneInfo("America/Sao_Paulo")


@dataclass(frozen=True)
class RunScope:
    """What one task sends: whose data, which branches, which movement period (and cutoffs, incremental)."""

    integration_id: int
    tenant_id: int
    branch_ids: tuple[int, ...]
    start: date
    end: date
    task_code: int
    cutoff_start: datetime | None = None
    cutoff_end: datetime | None = None
    # An incremental window in commit order (PostgreSQL snapshots, include/integracoes/tasks.IncrementalSpan)
    # and the integration's first day: rows committed in the window, of that day on.
    snapshot_start: str | None = None
    snapshot_end: str | None = None
    since: datetime | None = None
    # Configuration values a partner's SQL binds (e.g. its code for the pharmacy): never secrets.
    config: tuple[tuple[str, str], ...] = ()

    def for_branch(self, branch_id: int) -> RunScope:
        return replace(self, branch_ids=(branch_id,))

    def query_params(self) -> dict[str, Any]:
        # Movement days are calendar days in the deployment's timezone: [start 00:00, end+1 00:00), or the
        # time cutoffs when given. An incremental task sends what was committed between its snapshots instead,
        # whatever the rows' dates say, from the integration's first day on (from its time cutoff in a first
        # window, or after a task that had no snapshot).
        start = self.cutoff_start or datetime.combine(self.start, time.min, tzinfo=TIMEZONE)
        end = self.cutoff_end or datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=TIMEZONE)
        if self.snapshot_end is not None:
            start = (self.since or start) if self.snapshot_start else start
            end = datetime(9999, 1, 1, tzinfo=TIMEZONE)
        return {
            **dict(self.config),
            "tenant_id": self.tenant_id,
            "branches": list(self.branch_ids),
            "start": start,
            "end": end,
            "snapshot_start": self.snapshot_start,
            "snapshot_end": self.snapshot_end,
        }


@dataclass(frozen=True)
class DataSet:
    """One file a run produces: its SQL (a file of include/sql/extract), its columns, format and name."""

    name: str
    sql_file: str
    columns: tuple[str, ...]
    format: FileFormat
    # Name without extension; fields: {start} {end} (YYYYMMDD), {task} (task code), {dataset}, {branch}.
    file_name: str
    # The file's row order: output columns forming a unique key (the SQL itself has no ORDER BY, so the
    # totals query does not pay for a sort it does not need). Same data, same order, same bytes.
    order_by: tuple[str, ...] = ()
    # Columns summed in the same snapshot as the file (money and quantities; numeric, never float).
    totals: tuple[str, ...] = ()
    gzip: bool = False
    # One file per branch ({branch} in the name) instead of one for all the integration's branches.
    per_branch: bool = False
    # Configuration keys (non-secret) the SQL binds as parameters of the same name.
    config_params: tuple[str, ...] = ()
    # The data is a state (prices, stock) rather than movements of the period: every task sends it as it is.
    snapshot: bool = False

    def sql(self) -> str:
        return (SQL_DIR / self.sql_file).read_text(encoding="utf-8")

    def scopes(self, scope: RunScope, config: Mapping[str, str]) -> list[RunScope]:
        """The scopes of this data set's files for one task: its config parameters bound, split per branch."""
        bound = replace(scope, config=tuple((key, config.get(key, "")) for key in self.config_params))
        return [bound.for_branch(b) for b in scope.branch_ids] if self.per_branch else [bound]

    def name_for(self, scope: RunScope) -> str:
        stem = self.file_name.format(
            start=f"{scope.start:%Y%m%d}",
            end=f"{scope.end:%Y%m%d}",
            task=scope.task_code,
            dataset=self.name,
            branch=scope.branch_ids[0] if len(scope.branch_ids) == 1 else "todas",
        )
        return f"{stem}.{self.format.extension}" + (".gz" if self.gzip else "")

    @property
    def content_type(self) -> str:
        return "application/gzip" if self.gzip else self.format.content_type


@dataclass(frozen=True)
class Delivery:
    """A stored file on its way to the partner, as an open binary stream (never loaded whole)."""

    body: BinaryIO
    size: int
    name: str
    sha256: str
    idempotency_key: str
    content_type: str
    dataset: str
    start: date
    end: date


@dataclass(frozen=True)
class Receipt:
    """What the partner answered: its protocol (or our own proof, e.g. the remote path) and whether the
    file was already there (an idempotent re-delivery)."""

    protocol: str
    duplicate: bool = False


@dataclass(frozen=True)
class ReceivedFile:
    """A file the partner offers us (the receive side: warehouse returns, catalogues), as an open stream
    valid until the next one is asked for. `size` and `sha256` are what the partner declares, when it does:
    bytes that disagree are a truncated transfer."""

    partner_id: str  # the partner's own id of the file (its name, on a file server); "" for a query's answer
    name: str
    body: BinaryIO
    size: int | None = None
    sha256: str | None = None
    kind: str = ""  # which of the connector's inbound kinds reads it, for partners that send several


class Confirmation(StrEnum):
    ON_DELIVERY = "on_delivery"  # accepted = done: the task passes through Enviada to Concluída
    BY_PARTNER = "by_partner"  # the partner confirms later: the task waits in Enviada


class Transport(ABC):
    """A shared way of reaching partners (HTTPS, SFTP, S3, e-mail); owns its keys, timeouts, errors."""

    label: ClassVar[str]

    @abstractmethod
    def keys(self) -> frozenset[str]:
        """Configuration keys it reads (the conformance suite checks its spec declares them)."""

    @abstractmethod
    def deliver(self, delivery: Delivery, config: Mapping[str, str], headers: Mapping[str, str]) -> Receipt:
        """Send one file; raise DeliveryError subclasses (classified, permanent or not)."""

    @abstractmethod
    def check(self, config: Mapping[str, str]) -> None:
        """Reach the partner with the configuration and authenticate, sending nothing; raise DeliveryError."""


class Inbox(ABC):
    """Where a partner leaves files for us (an HTTPS listing, an SFTP folder); owns its keys and errors."""

    label: ClassVar[str]
    # Files are taken and acknowledged (a listing, a folder); False: answers to our own queries, asked again
    # every run, where an unchanged answer is simply nothing new.
    acknowledges: ClassVar[bool] = True

    @abstractmethod
    def keys(self) -> frozenset[str]:
        """Configuration keys it reads (the conformance suite checks its spec declares them)."""

    @abstractmethod
    def check(self, config: Mapping[str, str]) -> None:
        """Reach the inbox and authenticate, taking nothing; raise DeliveryError."""

    @abstractmethod
    def receive(self, config: Mapping[str, str], limit: int) -> Iterator[ReceivedFile]:
        """The files offered now, oldest first (at most `limit`); each body is read before the next."""

    @abstractmethod
    def acknowledge(self, received: ReceivedFile, config: Mapping[str, str]) -> None:
        """Tell the partner a file was applied (only after the commit), so it is not offered again."""


class Connector:
    """One partner: declarations, plus hooks for what only this partner does.

    A partner we send to declares `datasets` and a `transport`; one that sends to us declares an `inbox` and
    what its files are (`inbound`: a reader and an applier); a warehouse does both.
    """

    spec: ClassVar[IntegrationType]
    datasets: ClassVar[tuple[DataSet, ...]] = ()
    transport: ClassVar[Transport | None] = None
    inbox: ClassVar[Inbox | None] = None
    inbound: ClassVar[Inbound | InboundKinds | None] = None
    confirmation: ClassVar[Confirmation] = Confirmation.ON_DELIVERY

    @property
    def code(self) -> str:
        return self.spec.code

    def headers(self, delivery: Delivery, config: Mapping[str, str]) -> dict[str, str]:
        """Partner-specific request metadata (HTTP headers; ignored by file transports)."""
        return {}

    def domains(self) -> tuple[str, ...]:
        """Where its partner may be reached: its declared domains, or the operator's for its type."""
        return partner_domains.operator_domains().get(self.code, self.spec.domains)

    def deliver(self, delivery: Delivery, config: Mapping[str, str]) -> Receipt:
        if self.transport is None:
            raise TypeError(f"{self.code} sends nothing")
        with hosts.reaching(self.domains()):
            return self.transport.deliver(delivery, config, self.headers(delivery, config))

    def check_connection(self, config: Mapping[str, str]) -> None:
        with hosts.reaching(self.domains()):
            for side in (self.transport, self.inbox):
                if side is not None:
                    side.check(config)

    def receive(self, config: Mapping[str, str], limit: int) -> Iterator[ReceivedFile]:
        """The files its inbox offers now (`Inbox.receive`)."""
        if self.inbox is None:
            raise TypeError(f"{self.code} receives nothing")
        with hosts.reaching(self.domains()):
            yield from self.inbox.receive(config, limit)

    def acknowledge(self, received: ReceivedFile, config: Mapping[str, str]) -> None:
        if self.inbox is None:
            raise TypeError(f"{self.code} receives nothing")
        with hosts.reaching(self.domains()):
            self.inbox.acknowledge(received, config)

    def keys(self) -> frozenset[str]:
        """Every configuration key its transport and inbox read."""
        return frozenset().union(*(side.keys() for side in (self.transport, self.inbox) if side is not None))

    def dataset(self, name: str) -> DataSet:
        return next(d for d in self.datasets if d.name == name)
