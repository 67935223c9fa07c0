"""What the inbound partners (linx_wms, delage_wms, exact_wms, fisoft_wms, cosmos, proffer) offer the product
to download, per credential, and the partner-side behaviour that fills those inboxes.

Storage: `<data>/inbox/<partner>/<credential digest>/` holds `index.json` (one entry per offer, oldest
first) and a copy of each offer's full bytes. HTTPS partners serve from there; SFTP partners also write the
file into the SFTP user's `<dir>/retorno/`, which is what their client sees (it acknowledges a file by
moving it into `retorno/processados/`).

The WMS loop: an order file the partner accepts yields one movement file for the same credential (every
item line enters the branch, and the file's first item also sends one damaged unit back). Cosmos offers a
default catalogue the first time a credential looks. Proffer's suggestions files come from `sandbox.proffer`.
Bad files come from `sandbox.bad_files`.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sandbox import bad_files, catalogue
from sandbox.wms_layouts import LAYOUTS, LayoutError, Movement, OrderItem, WmsLayout

SFTP_USER = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")  # no leading dot: ".." must not be a home
FILE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")
RETURN_DELAY = timedelta(hours=2)  # from the order's emission to the goods' arrival at the branch
GOOD_ORIGINS = ("movimentos", "catalogo", "catalogo_padrao")
DEFAULT_CATALOGUE = "catalogo_padrao"


@dataclass(frozen=True)
class InboundPartner:
    code: str
    layout: WmsLayout | None  # None: Cosmos or Proffer, which take no orders
    sftp_directory: str | None = None  # SFTP partners offer files in <dir>/retorno/ of the user's home
    bad_files: bool = True  # whether `/_sandbox/<partner>/inbox/ruim` has bad files of this partner's kind

    @property
    def extension(self) -> str:
        return self.layout.extension if self.layout else ".json"


PARTNERS = {
    "linx_wms": InboundPartner("linx_wms", LAYOUTS["linx_wms"]),
    "delage_wms": InboundPartner("delage_wms", LAYOUTS["delage_wms"]),
    "exact_wms": InboundPartner("exact_wms", LAYOUTS["exact_wms"], "exact"),
    "fisoft_wms": InboundPartner("fisoft_wms", LAYOUTS["fisoft_wms"], "fisoft"),
    "cosmos": InboundPartner("cosmos", None),
    "proffer": InboundPartner("proffer", None, bad_files=False),
}
# The SFTP folders of the returns, for the SFTP server's directory -> partner map.
RETURN_DIRECTORIES = {
    f"{p.sftp_directory}/{sub}": p.code
    for p in PARTNERS.values()
    if p.sftp_directory
    for sub in ("retorno", "retorno/processados")
}


def _directory_of(remote: str) -> str:
    return posixpath.dirname(posixpath.normpath(posixpath.join("/", remote))).strip("/")


def order_partner(remote: str) -> InboundPartner | None:
    """The SFTP WMS partner whose order directory holds `remote` (a path in a user's home), if any."""
    directory = _directory_of(remote)
    return next((p for p in PARTNERS.values() if p.sftp_directory == directory), None)


def is_return_file(remote: str) -> bool:
    return _directory_of(remote) in RETURN_DIRECTORIES


def is_acknowledgement(remote: str) -> bool:
    """A rename to `<dir>/retorno/processados/<name>` confirms a return file; it is no upload."""
    return _directory_of(remote).endswith("/retorno/processados") and is_return_file(remote)


@dataclass(frozen=True)
class Offer:
    id: str
    nome: str
    tamanho: int
    sha256: str
    confirmado: bool

    def listed(self) -> dict[str, Any]:
        """As the partner lists it (pending files only, so without `confirmado`)."""
        return {"id": self.id, "nome": self.nome, "tamanho": self.tamanho, "sha256": self.sha256}

    def controlled(self) -> dict[str, Any]:
        return {**self.listed(), "confirmado": self.confirmado}


@dataclass(frozen=True)
class LastGood:
    """The credential's last good file: its name and the records behind it (bad files derive from them)."""

    nome: str
    registros: list[dict[str, str]]


class Inbox:
    """Every file offered to one credential of one partner, with a copy of each one's full, good bytes."""

    def __init__(self, data: Path, partner: InboundPartner, credential: str) -> None:
        self.partner = partner
        self.credential = credential
        digest = hashlib.sha256(credential.encode()).hexdigest()[:16]
        self.store = data / "inbox" / partner.code / digest

    def index(self) -> list[dict[str, Any]]:
        """Every offer ever made, withdrawn ones included (so ids, numbered by it, never repeat)."""
        index = self.store / "index.json"
        return list(json.loads(index.read_text())) if index.exists() else []

    def entries(self) -> list[dict[str, Any]]:
        """The offers that stand, oldest first."""
        return [entry for entry in self.index() if not entry["retirado"]]

    def save(self, entries: Sequence[dict[str, Any]]) -> None:
        self.store.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.store / "index.json", json.dumps(list(entries), indent=1).encode())

    def new_id(self, nome: str, index: Sequence[dict[str, Any]]) -> str:
        seed = f"{self.partner.code}\n{self.credential}\n{len(index)}\n{nome}"
        return hashlib.sha256(seed.encode()).hexdigest()[:20]

    def offer(
        self, nome: str, content: bytes, *, served: bytes | None = None, origin: str = "avulso",
        source: list[dict[str, str]] | None = None,
    ) -> Offer:  # fmt: skip
        """Offer `content` as `nome`; `served` (a prefix) is what a download gets when the file is cut short.
        `source` (the records behind a good file) lets later bad files derive from it."""
        index = self.index()
        entry: dict[str, Any] = {
            "id": self.new_id(nome, index),
            "nome": nome,
            "tamanho": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
            "confirmado": False,
            "listado": False,
            "origem": origin,
            "servir": None if served is None else len(served),
            "retirado": False,
        }
        _write_atomically(self.store / "arquivos" / entry["id"], content)
        self.save([*index, entry])
        if source is not None and origin in GOOD_ORIGINS:
            last_good = {"nome": nome, "registros": source}
            _write_atomically(self.store / "ultimo_bom.json", json.dumps(last_good).encode())
        return _offer(entry)

    def offered(self, nome: str) -> bool:
        return any(entry["nome"] == nome for entry in self.entries())

    def original(self, file_id: str) -> bytes | None:
        """The full bytes the partner meant to send (a download may serve fewer)."""
        entry = self._entry(file_id)
        return (self.store / "arquivos" / entry["id"]).read_bytes() if entry else None

    def last_good(self) -> LastGood | None:
        path = self.store / "ultimo_bom.json"
        if not path.exists():
            return None
        last = json.loads(path.read_text())
        return LastGood(str(last["nome"]), list(last["registros"]))

    def files(self) -> list[Offer]:
        """Everything offered, confirmed or not, oldest first."""
        return [_offer(entry) for entry in self.entries()]

    def find(self, file_id: str) -> Offer | None:
        entry = self._entry(file_id)
        return _offer(entry) if entry else None

    def _entry(self, file_id: str) -> dict[str, Any] | None:
        return next((entry for entry in reversed(self.entries()) if entry["id"] == file_id), None)


class HttpsInbox(Inbox):
    """The partner's API serves the files: listing, download (maybe cut short) and confirmation."""

    def pending(self) -> list[Offer]:
        """What the partner lists: the files not yet confirmed. Listing them marks them seen."""
        index = self.index()
        pending = [entry for entry in index if not entry["confirmado"] and not entry["retirado"]]
        for entry in pending:
            entry["listado"] = True
        self.save(index)
        return [_offer(entry) for entry in pending]

    def served(self, file_id: str) -> bytes | None:
        entry, content = self._entry(file_id), self.original(file_id)
        if entry is None or content is None:
            return None
        return content if entry["servir"] is None else content[: entry["servir"]]

    def confirm(self, file_id: str) -> bool:
        index = self.index()
        found = [entry for entry in index if entry["id"] == file_id and not entry["retirado"]]
        for entry in found:
            entry["confirmado"] = True
        self.save(index)
        return bool(found)

    def withdraw_unseen(self, origin: str) -> None:
        """Withdraw the offers of `origin` the partner's listing never showed (a replaced default)."""
        index = self.index()
        for entry in index:
            entry["retirado"] |= entry["origem"] == origin and not (entry["listado"] or entry["confirmado"])
        self.save(index)


class SftpInbox(Inbox):
    """The files sit in the SFTP user's `<dir>/retorno/`; moved into `processados/` they are confirmed."""

    def __init__(self, data: Path, partner: InboundPartner, credential: str) -> None:
        super().__init__(data, partner, credential)
        self.folder = data / "sftp" / credential / str(partner.sftp_directory) / "retorno"
        (self.folder / "processados").mkdir(parents=True, exist_ok=True)
        self.staging = data / "inbox" / ".staging"

    def new_id(self, nome: str, index: Sequence[dict[str, Any]]) -> str:
        return nome  # a file name is all an SFTP client knows a file by

    def offer(
        self, nome: str, content: bytes, *, served: bytes | None = None, origin: str = "avulso",
        source: list[dict[str, str]] | None = None,
    ) -> Offer:  # fmt: skip
        if nome == "processados":
            raise ValueError("processados é a pasta dos arquivos confirmados, não um nome de arquivo")
        offer = super().offer(nome, content, served=served, origin=origin, source=source)
        _write_atomically(self.folder / nome, content if served is None else served, staging=self.staging)
        return offer

    def files(self) -> list[Offer]:
        pending = [self._on_disk(path, confirmed=False) for path in _files_in(self.folder)]
        return pending + [self._on_disk(path, confirmed=True) for path in _files_in(self.folder / "processados")]

    def original(self, file_id: str) -> bytes | None:
        kept = super().original(file_id)
        if kept is not None or not FILE_NAME.fullmatch(file_id):
            return kept
        on_disk = [self.folder / file_id, self.folder / "processados" / file_id]
        return next((path.read_bytes() for path in on_disk if path.is_file()), None)

    @staticmethod
    def _on_disk(path: Path, *, confirmed: bool) -> Offer:
        content = path.read_bytes()
        return Offer(path.name, path.name, len(content), hashlib.sha256(content).hexdigest(), confirmed)


def _offer(entry: dict[str, Any]) -> Offer:
    return Offer(entry["id"], entry["nome"], entry["tamanho"], entry["sha256"], entry["confirmado"])


def _files_in(folder: Path) -> list[Path]:
    """The offered files of a folder, oldest first (hidden names are transfers in progress)."""
    paths = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")] if folder.is_dir() else []
    return sorted(paths, key=lambda p: (p.stat().st_mtime_ns, p.name))


def _write_atomically(path: Path, content: bytes, staging: Path | None = None) -> None:
    """Readers (an SFTP listing included) never see half a file: write aside, then rename."""
    folder = staging or path.parent
    folder.mkdir(parents=True, exist_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{path.name}.{os.getpid()}.tmp"
    temporary.write_bytes(content)
    os.replace(temporary, path)


def open_inbox(data: Path, partner: InboundPartner, credential: str) -> Inbox:
    """The credential's inbox; an SFTP credential is a user name, which must be a valid home."""
    if partner.sftp_directory:
        if not SFTP_USER.fullmatch(credential):
            raise ValueError("credencial deve ser um usuário SFTP válido")
        return SftpInbox(data, partner, credential)
    if not credential:
        raise ValueError("credencial ausente")
    return HttpsInbox(data, partner, credential)


# --- the WMS loop: an accepted order file yields a movement file -----------------------------------


@dataclass(frozen=True)
class ReturnFile:
    partner: InboundPartner
    nome: str
    content: bytes
    movements: list[Movement]


def movements_for(prefix: str, items: Sequence[OrderItem], arrival: datetime) -> list[Movement]:
    """Every item enters its branch 2 hours after the order was emitted (FISoft orders carry no emission
    time: their arrival stands in); the file's first item also sends one damaged unit back."""
    movements = []
    for index, item in enumerate(items):
        moment, base = (item.emitido_em or arrival) + RETURN_DELAY, f"{prefix}-{item.pedido}-{item.item}"
        quantity = f"{item.quantidade:.3f}"
        movements.append(Movement(f"{base}-E", item.cnpj_filial, item.ean, "E", quantity, moment, item.pedido))
        if index == 0:
            movements.append(Movement(f"{base}-S", item.cnpj_filial, item.ean, "S", "1.000", moment, item.pedido))
    return movements


def plan_returns(partner: InboundPartner, name: str, body: bytes, arrival: datetime) -> ReturnFile:
    """Check an order file as the partner would (LayoutError with its answer) and plan its movement file."""
    layout = partner.layout
    if layout is None:
        raise LayoutError(f"{partner.code} não recebe pedidos")
    if layout.order_name is not None and not layout.order_name.fullmatch(name):
        raise LayoutError(f"nome de arquivo fora do padrão: {name}")
    movements = movements_for(layout.prefix, layout.parse_orders(body), arrival.replace(microsecond=0))
    try:
        content = layout.render(movements)
    except ValueError as error:
        raise LayoutError(str(error)) from None
    name = f"movimentos_{hashlib.sha256(body).hexdigest()[:8]}{layout.extension}"
    return ReturnFile(partner, name, content, movements)


def offer_returns(data: Path, credential: str, returns: ReturnFile) -> Offer | None:
    """Offer the movement file, once: the same order file again changes nothing."""
    inbox = open_inbox(data, returns.partner, credential)
    if inbox.offered(returns.nome):
        return None
    source = [m.as_record() for m in returns.movements]
    return inbox.offer(returns.nome, returns.content, origin="movimentos", source=source)


# --- Cosmos: the catalogue a credential is offered ----------------------------------------------------


def offer_catalogue(inbox: Inbox, eans: Sequence[str], origin: str = "catalogo") -> Offer:
    """A catalogue file for these EANs; it replaces a default catalogue the partner has not listed yet."""
    if isinstance(inbox, HttpsInbox):
        inbox.withdraw_unseen(DEFAULT_CATALOGUE)
    products = [catalogue.product(ean) for ean in eans]
    content = catalogue.render(products)
    name = f"catalogo_{hashlib.sha256(content).hexdigest()[:8]}.json"
    return inbox.offer(name, content, origin=origin, source=[p.as_record() for p in products])


def ensure_default_catalogue(inbox: Inbox) -> None:
    """A credential that never had anything offered gets the default catalogue on its first look."""
    if inbox.partner.code == "cosmos" and not inbox.index():
        offer_catalogue(inbox, catalogue.default_eans(), origin=DEFAULT_CATALOGUE)


# --- bad files ---------------------------------------------------------------------------------------


def offer_bad(inbox: Inbox, kind: str, size: int | None) -> Offer:
    """A bad file of `kind`, derived from the credential's last good file (or a built-in one), named after it.
    A partner without bad files of its own (Proffer) is refused rather than handed a Cosmos catalogue."""
    if not inbox.partner.bad_files:
        code = inbox.partner.code
        raise bad_files.BadKindError(f"{code} não tem arquivos ruins prontos; ofereça um por /_sandbox/{code}/inbox")
    last, layout = inbox.last_good(), inbox.partner.layout
    stem, bad = _bad_catalogue(last, kind, size) if layout is None else _bad_movements(layout, last, kind, size)
    name = f"{stem}_{kind}{inbox.partner.extension}"
    return inbox.offer(name, bad.content, served=bad.served, origin=f"ruim:{kind}")


def _bad_catalogue(last: LastGood | None, kind: str, size: int | None) -> tuple[str, bad_files.BadFile]:
    if last is None:
        stem, products = DEFAULT_CATALOGUE, [catalogue.product(ean) for ean in catalogue.default_eans()]
    else:
        stem, products = Path(last.nome).stem, [catalogue.Product.from_record(r) for r in last.registros]
    return stem, bad_files.bad_catalogue(kind, products, size)


def _bad_movements(
    layout: WmsLayout, last: LastGood | None, kind: str, size: int | None
) -> tuple[str, bad_files.BadFile]:
    if last is None:
        stem, movements = "movimentos_exemplo", bad_files.example_movements(layout)
    else:
        stem, movements = Path(last.nome).stem, [Movement.from_record(r) for r in last.registros]
    return stem, bad_files.bad_movements(layout, kind, movements, size)
