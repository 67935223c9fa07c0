"""The conformance suite, receive side: every connector with an inbox takes what the partner sandbox
offers through the product's receiving service (storage, one-transaction apply, acknowledgement after the
commit), and refuses each kind of bad file whole — nothing applied, nothing acknowledged, the raw bytes kept.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from include.connectors import export
from include.connectors.base import Connector, Delivery
from include.connectors.errors import ReceivedFileRefusedError
from include.connectors.registry import CONNECTORS
from include.connectors.transports import https
from include.integracoes import demo_data, files, receiving
from tests.connectors.conftest import LAST_DAY, Erp, sandbox_config
from tests.connectors.inbound.test_apply import target_for
from tests.sandbox_fixtures import PartnerSandbox

INBOUND = sorted(code for code, connector in CONNECTORS.items() if connector.inbox is not None)
CREDENTIAL_KEYS = ("token", "usuario", "sftp_usuario")
KINDS = ("unknown_ean", "unknown_branch", "schema", "duplicate", "encoding", "truncated", "oversize")
# The sandbox makes bad files of every kind for these (Proffer's suggestions are covered by test_apply).
BAD_FILE_CODES = ("cosmos", "delage_wms", "exact_wms", "fisoft_wms", "linx_wms")


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_DATA", str(tmp_path))
    monkeypatch.delenv("INTEGRACOES_FILES_URL", raising=False)
    monkeypatch.setenv("INTEGRACOES_INBOUND_MAX_BYTES", str(256 * 1024))


@pytest.fixture(autouse=True)
def queries_about_the_test_days(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dated queries (BoaVista: the reconciliation of D-3) ask about the fixed days the test ERP has."""
    monkeypatch.setattr(https, "today_in_deployment", lambda: LAST_DAY + timedelta(days=3))


@pytest.fixture
def conn(erp: Erp) -> Iterator[psycopg.Connection]:
    with psycopg.connect(erp.url, autocommit=True) as connection:
        yield connection


class Partner:
    """One connector with a credential of its own (the sandbox keeps an inbox per credential)."""

    def __init__(self, code: str, sandbox: PartnerSandbox) -> None:
        self.code, self.sandbox = code, sandbox
        self.connector: Connector = CONNECTORS[code]()
        self.credential = f"conf-{code.replace('_', '-')}-{uuid.uuid4().hex[:8]}"
        config = sandbox_config(code)
        self.config = {k: (self.credential if k in CREDENTIAL_KEYS else v) for k, v in config.items()}
        if "access_key" in config:  # the sandbox's rule for a valid key pair
            self.config |= {"access_key": self.credential, "secret_key": f"{self.credential}-segredo"}

    def offer_good(self, erp: Erp, conn: psycopg.Connection) -> None:
        """What makes the partner offer a file: our orders (warehouses), or a catalogue of these EANs."""
        if self.connector.datasets:
            dataset = self.connector.datasets[0]
            for scope in dataset.scopes(erp.scope(), self.config)[:1]:
                body = io.BytesIO()
                export.export_dataset(erp.url, dataset, scope, body)
                data = body.getvalue()
                digest = hashlib.sha256(data).hexdigest()
                delivery = Delivery(
                    # A name of this test's own (the delivery tests look files up by name), in the partner's pattern.
                    io.BytesIO(data), len(data), dataset.name_for(scope).replace("_t", f"_{uuid.uuid4().hex[:6]}_t"),
                    digest, f"{self.credential}-{digest}",
                    dataset.content_type, dataset.name, scope.start, scope.end,
                )  # fmt: skip
                self.connector.deliver(delivery, self.config)
        else:
            rows = conn.execute(
                "SELECT ean FROM erp.produto WHERE tenant_id = %s ORDER BY id LIMIT 3", (erp.tenant_id,)
            )
            eans = [r[0] for r in rows] + [
                demo_data.ean13(erp.tenant_id * 1_000_000 + 900_000 + uuid.uuid4().int % 99_999)
            ]
            self.sandbox.control("cosmos/catalogo", {"credencial": self.credential, "eans": eans})

    def offered(self) -> list[dict[str, Any]]:
        return list(self.sandbox.control(f"{self.code}/inbox?credencial={self.credential}"))

    def receiver(self, conn: psycopg.Connection, erp: Erp) -> tuple[receiving.Receiver, int]:
        target = target_for(conn, erp)
        task = conn.execute("SELECT tarefa_id FROM integracao.arquivo WHERE id = %s", (target.file_id,)).fetchone()
        assert task is not None
        return receiving.Receiver(conn, self.connector, target.integration_id, erp.tenant_id, erp.branches,
                                  self.config, lambda: int(task[0])), target.integration_id  # fmt: skip


def changes(conn: psycopg.Connection, integration_id: int) -> tuple[int, ...]:
    """What the integration's received files wrote: stock movements, audited ERP changes, price suggestions,
    reconciled sales, payments."""
    row = conn.execute(
        """SELECT (SELECT count(*) FROM erp.movimento_estoque WHERE integracao_id = %(i)s),
                  (SELECT count(*) FROM integracao.auditoria a JOIN integracao.arquivo f ON f.id = a.arquivo_id
                   JOIN integracao.tarefa t ON t.id = f.tarefa_id WHERE t.integracao_id = %(i)s),
                  (SELECT count(*) FROM integracao.sugestao_preco WHERE integracao_id = %(i)s),
                  (SELECT count(*) FROM integracao.conciliacao_venda WHERE integracao_id = %(i)s),
                  (SELECT count(*) FROM integracao.pagamento_recebido WHERE integracao_id = %(i)s)""",
        {"i": integration_id},
    ).fetchone()
    assert row is not None
    return tuple(int(n) for n in row)


@pytest.mark.parametrize("code", INBOUND)
def test_receives_keeps_applies_then_acknowledges(
    code: str, erp: Erp, conn: psycopg.Connection, partner_sandbox: PartnerSandbox, storage: None
) -> None:
    partner = Partner(code, partner_sandbox)
    partner.offer_good(erp, conn)
    listed = not isinstance(partner.connector.inbox, https.HttpsQueries)  # queries are answered, not listed
    offers = partner.offered() if listed else []
    receiver, integration_id = partner.receiver(conn, erp)
    assert receiver.receive_all() == (len(offers) if listed else len(partner.connector.inbox.queries))  # type: ignore[union-attr]
    if listed:
        assert all(o["confirmado"] for o in partner.offered()), "acknowledged once applied"
        (kept,) = conn.execute(
            "SELECT a.sha256 FROM integracao.arquivo a JOIN integracao.tarefa t ON t.id = a.tarefa_id"
            " WHERE t.integracao_id = %s AND a.direcao = 'recebido' AND a.situacao = 'completed'", (integration_id,)
        ).fetchall()  # fmt: skip
        assert kept[0] == offers[0]["sha256"], "kept exactly as received"
    for file_id, digest in conn.execute(
        "SELECT a.id, a.sha256 FROM integracao.arquivo a JOIN integracao.tarefa t ON t.id = a.tarefa_id"
        " WHERE t.integracao_id = %s AND a.direcao = 'recebido'", (integration_id,)
    ).fetchall():  # fmt: skip
        with files.open_stored(files.get(conn, file_id)) as stored:
            assert hashlib.sha256(stored.read()).hexdigest() == digest, "the stored bytes are the recorded ones"
    written = changes(conn, integration_id)
    assert sum(written) > 0, "the file changed the ERP data or stored what it brought"
    # Offered again (a crash before the acknowledgement, a query answered the same): nothing more.
    assert receiver.receive_all() == 0
    assert changes(conn, integration_id) == written


@pytest.mark.parametrize(
    ("code", "kind"), [(c, k) for c in BAD_FILE_CODES for k in KINDS if not (c == "cosmos" and k == "unknown_branch")]
)
def test_each_bad_file_is_refused_whole_kept_and_not_acknowledged(
    code: str, kind: str, erp: Erp, conn: psycopg.Connection, partner_sandbox: PartnerSandbox, storage: None
) -> None:
    partner = Partner(code, partner_sandbox)
    partner.offer_good(erp, conn)
    (good,) = partner.offered()
    bad = partner.sandbox.control(f"{code}/inbox/ruim", {"credencial": partner.credential, "tipo": kind,
                                                         "tamanho": 400_000})  # fmt: skip
    # The good one is withdrawn, so the bad one is offered alone.
    partner_inbox = partner.connector.inbox
    assert partner_inbox is not None
    for offered in partner_inbox.receive(partner.config, 10):
        if offered.partner_id == good["id"]:
            offered.body.read()
            partner_inbox.acknowledge(offered, partner.config)
    receiver, integration_id = partner.receiver(conn, erp)
    with pytest.raises(ReceivedFileRefusedError) as refused:
        receiver.receive_all()
    print(f"{code}/{kind}: {refused.value.detail}")
    assert refused.value.detail
    assert sum(changes(conn, integration_id)) == 0, "nothing of a refused file is applied"
    entry = next(o for o in partner.offered() if o["id"] == bad["id"])
    assert not entry["confirmado"], "a refused file is offered again"
    kept = conn.execute(
        "SELECT a.situacao, a.motivo_falha FROM integracao.arquivo a JOIN integracao.tarefa t ON t.id = a.tarefa_id"
        " WHERE t.integracao_id = %s AND a.direcao = 'recebido'", (integration_id,)
    ).fetchall()  # fmt: skip
    if kind == "oversize":
        assert kept == [], "a file over the limit is not stored"
    else:
        assert kept == [("failed", refused.value.detail)], "the raw file stays for support, with its reason"
