"""Soak: the living ERP at a high rate with late commits, every incremental partner of the demo on its own
schedule, on a stack of its own — and then, per partner, what the sandbox received against what the ERP holds
by the partner's rule: nothing lost, nothing twice.

`make test-soak` (CI runs it after the other suites; `INTEGRACOES_SOAK_MINUTES`, default 15, sets its length):

- the demo stack with its incremental integrations (Farmácia Vida: NaapYes, Dito, Ligo — purchase events —
  and the four warehouses' replenishment orders) waking every minute on the real scheduler;
- the ERP simulator (include/integracoes/erp_simulator.py) writing at `INTEGRACOES_SOAK_SALES_PER_HOUR` sales
  per branch and hour (default 1,200), 30 % of them from offline points of sale committed 5½ minutes or more
  after their own time (past the old 5-minute lag), with cancellations, purchases, price changes and orders;
- then every offline sale is committed and the partners are given time to deliver it.

For each partner it prints the ERP's rows by the partner's rule, the rows received, and how many were lost,
received twice, or received and cancelled since (a cancellation after delivery: none of these contracts carries
cancellations). It fails on any lost or duplicated row, and on any received row the ERP does not have.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest
from playwright.sync_api import Browser, expect

from include.integracoes.demo_data import SAO_PAULO
from include.integracoes.erp_simulator import Settings, Simulator
from sandbox.wms_layouts import LAYOUTS
from scripts.demo_integrations import VIDA, demo_registrations
from tests.browser_fixtures import browser_page, login
from tests.stack_fixtures import RunningStack, started_stack

SOAK_MINUTES = float(os.environ.get("INTEGRACOES_SOAK_MINUTES", "15"))
SALES_PER_HOUR = float(os.environ.get("INTEGRACOES_SOAK_SALES_PER_HOUR", "1200"))
# After the last offline sale is committed: two wake-ups of every integration, and their runs.
SETTLE_S = 480
# Hours a few stores have been offline when the soak starts: their sales reach back into yesterday.
BACKLOG_HOURS = min(30.0, datetime.now(SAO_PAULO).hour + 6.0)
BACKLOG_PER_BRANCH = 40
API = "/integracoes/api/v1"

pytestmark = [pytest.mark.stack, pytest.mark.soak, pytest.mark.timeout(int(SOAK_MINUTES * 60) + 1800)]

EVENT_PARTNERS = {"naapyes": "vendas", "dito": None, "ligo": "eventos"}  # JSON root (None: JSON Lines)
ORDER_PARTNERS = ("linx_wms", "delage_wms", "exact_wms", "fisoft_wms")


@pytest.fixture(scope="module")
def soak_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    settings = {"INTEGRACOES_DEMO_INCREMENTAL_MINUTES": "1", "INTEGRACOES_DEMO_DAILY_MINUTES": "3",
                "INTEGRACOES_ERP_SIMULATOR": "0"}  # fmt: skip
    with started_stack(tmp_path_factory.mktemp("soak") / "data", **settings) as running:
        yield running


@dataclass
class Tally:
    partner: str
    expected: set[tuple[str, str]]  # by the partner's rule, not cancelled
    cancelled: set[tuple[str, str]]
    received: list[tuple[str, str]]

    @property
    def lost(self) -> set[tuple[str, str]]:
        return self.expected - set(self.received)

    @property
    def twice(self) -> int:
        return sum(n - 1 for n in Counter(self.received).values() if n > 1)

    @property
    def unknown(self) -> set[tuple[str, str]]:
        return set(self.received) - self.expected - self.cancelled

    @property
    def ok(self) -> bool:
        return not self.lost and not self.twice and not self.unknown

    def line(self) -> str:
        late_cancel = len(set(self.received) & self.cancelled)
        counts = f"ERP {len(self.expected):>6}  received {len(self.received):>6}  lost {len(self.lost):>4}"
        return (f"{self.partner:<11} {counts}  twice {self.twice:>4}  unknown {len(self.unknown):>3}"
                f"  cancelled after delivery {late_cancel:>3}")  # fmt: skip


def _received_files(stack: RunningStack, partner: str) -> Iterator[bytes]:
    """The bodies the sandbox recorded for a partner (HTTPS uploads, or files renamed into place over SFTP)."""
    sandbox = stack.data / "sandbox"
    for index in (sandbox / "received").glob("*/index.jsonl"):
        for entry in map(json.loads, index.read_text().splitlines()):
            if "user" in entry:  # SFTP: the file in the user's home
                if not entry["path"].lstrip("/").startswith(partner.removesuffix("_wms") + "/"):
                    continue
                yield (sandbox / "sftp" / entry["user"] / entry["path"].lstrip("/")).read_bytes()
            elif index.parent.name == partner:
                yield (index.parent / entry["name"]).read_bytes()


def _events(stack: RunningStack, partner: str, root: str | None) -> list[tuple[str, str]]:
    keys = []
    for body in _received_files(stack, partner):
        rows = (
            [json.loads(line) for line in body.splitlines() if line.strip()] if root is None else json.loads(body)[root]
        )
        keys += [(str(row["filial"]), str(row["cupom"])) for row in rows]
    return keys


def _orders(stack: RunningStack, partner: str) -> list[tuple[str, str]]:
    return [(str(int(item.pedido)), str(item.item)) for body in _received_files(stack, partner)
            for item in LAYOUTS[partner].parse_orders(body)]  # fmt: skip


def _tallies(stack: RunningStack, conn: psycopg.Connection) -> list[Tally]:
    tenant, since = conn.execute(
        """SELECT t.id, min((i.criada_em AT TIME ZONE 'America/Sao_Paulo')::date)
           FROM integracao.tenant t JOIN integracao.integracao i ON i.tenant_id = t.id
           WHERE t.cnpj = %s GROUP BY t.id""",
        (VIDA,),
    ).fetchone()  # type: ignore[misc]
    start = {"tenant": tenant, "since": since}
    sales = conn.execute(
        """SELECT f.codigo::text, v.numero::text, v.cancelada FROM erp.venda v JOIN erp.filial f ON f.id = v.filial_id
           WHERE v.tenant_id = %(tenant)s AND v.cliente_id IS NOT NULL
             AND v.emitida_em >= %(since)s::timestamp AT TIME ZONE 'America/Sao_Paulo'""",
        start,
    ).fetchall()
    orders = conn.execute(
        """SELECT p.numero::text, i.item::text FROM erp.pedido_reposicao p
           JOIN erp.pedido_reposicao_item i ON i.pedido_id = p.id
           WHERE p.tenant_id = %(tenant)s AND p.emitido_em >= %(since)s::timestamp AT TIME ZONE 'America/Sao_Paulo'""",
        start,
    ).fetchall()
    sold = {(branch, number) for branch, number, cancelled in sales if not cancelled}
    cancelled = {(branch, number) for branch, number, gone in sales if gone}
    tallies = [Tally(p, sold, cancelled, _events(stack, p, root)) for p, root in EVENT_PARTNERS.items()]
    ordered = {(number, item) for number, item in orders}
    return tallies + [Tally(p, ordered, set(), _orders(stack, p)) for p in ORDER_PARTNERS]


@dataclass
class Day:
    """A daily partner's yesterday: what its latest delivered files hold against the ERP now, file by file."""

    partner: str
    corrections: int
    files: list[tuple[str, int, dict[str, str], int, dict[str, str]]]  # name, rows and totals sent / in the ERP

    @property
    def ok(self) -> bool:
        return bool(self.files) and all(sent == now and sums == totals for _, sent, sums, now, totals in self.files)

    def line(self) -> str:
        sent = sum(f[1] for f in self.files)
        now = sum(f[3] for f in self.files)
        verdict = "completo" if self.ok else ("nada entregue" if not self.files else f"faltando {now - sent}")
        return (f"{self.partner:<20} yesterday: delivered {sent:>6} rows, ERP {now:>6},"
                f" {self.corrections} correction(s) -> {verdict}")  # fmt: skip


def _daily(stack: RunningStack, conn: psycopg.Connection) -> list[Day]:
    """Every daily partner of Farmácia Vida whose files are movements of a day (late rows can reach them)."""
    from include.connectors import export
    from include.connectors.registry import connector_for
    from include.connectors.types import DailyWindow
    from include.integracoes import late_rows, run_scope, tasks

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INTEGRACOES_SANDBOX_URL", stack.sandbox_url)
        configs = {code: config for cnpj, _, code, _, config in demo_registrations() if cnpj == VIDA}
    yesterday = datetime.now(SAO_PAULO).date() - timedelta(days=1)
    days = []
    for integration_id, code in conn.execute(
        """SELECT i.id, i.tipo_codigo FROM integracao.integracao i JOIN integracao.tenant t ON t.id = i.tenant_id
           WHERE t.cnpj = %s AND i.ativa ORDER BY i.tipo_codigo""",
        (VIDA,),
    ).fetchall():
        connector = connector_for(code)
        datasets = [d for d in connector.datasets if late_rows.source_of(d) is not None]
        if not isinstance(connector.spec.window, DailyWindow) or connector.spec.window.days_back != 1 or not datasets:
            continue
        info = run_scope.load(conn, integration_id)
        delivered = tasks.delivered_days(conn, integration_id, yesterday, yesterday)
        corrections = conn.execute(
            "SELECT count(*) FROM integracao.tarefa WHERE integracao_id = %s AND origem = 'correcao'", (integration_id,)
        ).fetchone()[0]  # type: ignore[index]
        compared = []
        for task in delivered:
            sent = {r[0]: (r[1], r[2]) for r in conn.execute(
                "SELECT nome, linhas, totais FROM integracao.arquivo WHERE tarefa_id = %s AND direcao = 'enviado'",
                (task.id,))}  # fmt: skip
            scope = run_scope.scope(integration_id, info, task.start, task.end, task.code, task)
            for dataset in datasets:
                for file_scope in dataset.scopes(scope, configs.get(code, {})):
                    now = export.export_dataset(stack.database_url, dataset, file_scope, _Discard())
                    rows, totals = sent.get(dataset.name_for(file_scope), (-1, {}))
                    compared.append((dataset.name_for(file_scope), rows, totals, now.rows, now.totals))
        days.append(Day(code, int(corrections), compared))
    return days


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)


def _completeness(stack: RunningStack, conn: psycopg.Connection) -> dict[str, list[dict[str, Any]]]:
    """What Farmácia Vida's user reads of each daily partner's delivered days (GET …/completeness)."""
    ids = conn.execute(
        """SELECT i.tipo_codigo, i.id FROM integracao.integracao i JOIN integracao.tenant t ON t.id = i.tenant_id
           WHERE t.cnpj = %s AND i.ativa""",
        (VIDA,),
    ).fetchall()
    with stack.client("cliente1") as client:
        return {code: client.get(f"{API}/integrations/{id_}/completeness").json() for code, id_ in ids}


def test_the_living_erp_at_a_high_rate_loses_and_doubles_nothing(soak_stack: RunningStack, browser: Browser) -> None:
    offline_delay = (330.0, max(340.0, min(SOAK_MINUTES * 60 * 0.8, 3600.0)))
    # Stores offline since yesterday evening sync too: late rows of a day the daily partners already have.
    settings = Settings(sales_per_hour=SALES_PER_HOUR, offline_share=0.3, offline_delay_s=offline_delay, seed=2026,
                        backlog_hours=BACKLOG_HOURS)  # fmt: skip
    with psycopg.connect(soak_stack.database_url, autocommit=True) as conn:
        simulator = Simulator(conn, settings)
        simulator.open_the_day()
        backlog = simulator.queue_backlog(per_branch=BACKLOG_PER_BRANCH)
        simulator.run_until(time.monotonic() + SOAK_MINUTES * 60)
        waiting = simulator.waiting_offline
        simulator.flush_offline()
        counts = simulator.counts
        print(f"\nsoak: {SOAK_MINUTES:g} min at {SALES_PER_HOUR:g} sales per branch and hour: {counts.line()}"
              f" ({backlog} from stores offline since yesterday; {waiting} offline sales still waiting at the end,"
              " committed then)")  # fmt: skip
        late_share = counts.offline_sales / max(1, counts.sales + counts.offline_sales)
        deadline = time.monotonic() + SETTLE_S
        while True:
            tallies, days = _tallies(soak_stack, conn), _daily(soak_stack, conn)
            if (all(t.ok for t in tallies) and all(d.ok for d in days)) or time.monotonic() > deadline:
                break
            time.sleep(20)
        shown = _completeness(soak_stack, conn)
    print("\n".join(t.line() for t in tallies))
    print("\n".join(d.line() for d in days))
    yesterday = datetime.now(SAO_PAULO).date() - timedelta(days=1)
    states = {code: {d["day"]: d["state"] for d in found} for code, found in shown.items()}
    read = (f"{code} {by_day.get(yesterday.isoformat(), '—')}" for code, by_day in sorted(states.items()))
    print("completeness of yesterday as the client reads it: " + ", ".join(read))
    with browser_page(browser) as page:
        login(page, soak_stack, "cliente1")
        page.goto(f"{soak_stack.url}/integracoes/painel")
        expect(page.locator("#completeness-counts")).to_contain_text("corrigido(s)")
        page.screenshot(path=str(soak_stack.artifacts / "soak-painel.png"))
    assert late_share >= 0.2, f"{late_share:.0%} of the sales committed late"
    assert all(t.expected for t in tallies), "every partner had rows to receive"
    assert days, "daily partners were checked"
    assert sum(d.corrections for d in days) > 0, "yesterday's backlog reached days already delivered"
    # Every daily partner's yesterday reads complete or corrected, as the files say; the late backlog made
    # corrections, and the client sees them.
    for day in days:
        assert states[day.partner].get(yesterday.isoformat()) in ("completo", "corrigido"), (day.partner, states)
    assert "corrigido" in {state for by_day in states.values() for state in by_day.values()}
    for code in EVENT_PARTNERS.keys() | set(ORDER_PARTNERS):
        assert states.get(code, {}) == {}, "commit order sends every row: no day to complete"
    bad = [t.line() for t in tallies if not t.ok] + [d.line() for d in days if not d.ok]
    assert not bad, "\n".join(bad)
