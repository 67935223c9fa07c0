"""Health at a glance and alerts, against a real PostgreSQL: the trigger keeps `integracao.saude` as tasks
end, the rule classifies each integration, the Painel is scoped per tenant, and an alert is sent exactly
once per incident (and once when it is back to normal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest

from include.integracoes import alerts, health, notifications
from include.integracoes.health import Health
from include.integracoes.principal import Principal, Tenant
from tests.include.factories import make_integration


@dataclass
class Outbox:
    sent: list[tuple[str, list[str]]] = field(default_factory=list)

    def send(self, subject: str, body: str, recipients: list[str]) -> str:
        self.sent.append((subject, list(recipients)))
        return "<id@test>"


@pytest.fixture
def world(migrated_db: psycopg.Connection, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    outbox = Outbox()
    monkeypatch.setattr(notifications, "mailer", lambda: outbox)  # the SMTP relay itself is tested elsewhere
    monkeypatch.setenv("INTEGRACOES_SUPPORT_EMAIL", "suporte@zetti.example; plantao@zetti.example")
    monkeypatch.setenv("INTEGRACOES_ALERT_FAILURES", "3")
    tenant, integration = make_integration(migrated_db)
    return {"conn": migrated_db, "tenant": tenant, "integration": integration, "outbox": outbox}


def end_task(conn: psycopg.Connection, integration: int, status: str, *, days_ago: int = 0) -> None:
    """A task of the integration that ended now (or `days_ago`), through the same UPDATE the lifecycle uses."""
    row = conn.execute(
        "INSERT INTO integracao.tarefa (integracao_id, data_inicial, data_final, solicitada_por, origem)"
        " VALUES (%s, current_date - %s, current_date - %s, 'Sistema', 'agendada') RETURNING id",
        (integration, days_ago + 1, days_ago + 1),
    ).fetchone()
    assert row is not None
    reason = "Parceiro indisponível (HTTP 503) após 4 tentativas" if status == "failed" else None
    conn.execute(
        "UPDATE integracao.tarefa SET situacao = %s, motivo_falha = %s, motivo_classe = %s WHERE id = %s",
        (status, reason, "partner_unavailable" if reason else None, row[0]),
    )
    if days_ago:
        conn.execute("UPDATE integracao.saude SET ultimo_sucesso_em = now() - make_interval(days => %s),"
                     " ultimo_fim_em = now() - make_interval(days => %s) WHERE integracao_id = %s",
                     (days_ago, days_ago, integration))  # fmt: skip
    alerts.after_task_ended(conn, integration)


def state(world: dict[str, Any]) -> Health:
    rows = health.for_rows(world["conn"], [world["integration"]])
    return rows[world["integration"]].health


def test_the_trigger_keeps_the_health_row(world: dict[str, Any]) -> None:
    conn, integration = world["conn"], world["integration"]
    end_task(conn, integration, "completed")
    end_task(conn, integration, "failed")
    end_task(conn, integration, "failed")
    row = conn.execute(
        "SELECT ultima_situacao, falhas_seguidas, ultimo_motivo IS NOT NULL, ultimo_sucesso_em IS NOT NULL"
        " FROM integracao.saude WHERE integracao_id = %s",
        (integration,),
    ).fetchone()
    assert row == ("failed", 2, True, True)
    assert state(world) is Health.FAILING
    end_task(conn, integration, "completed")
    assert conn.execute("SELECT falhas_seguidas FROM integracao.saude WHERE integracao_id = %s",
                        (integration,)).fetchone() == (0,)  # fmt: skip
    assert state(world) is Health.HEALTHY


def test_a_daily_integration_without_deliveries_is_late_or_never_ran_and_inactive_wins(world: dict[str, Any]) -> None:
    conn, integration = world["conn"], world["integration"]
    conn.execute(
        "UPDATE integracao.integracao SET criada_em = now() - interval '30 days' WHERE id = %s", (integration,)
    )
    assert state(world) is Health.NEVER_RAN
    end_task(conn, integration, "completed", days_ago=health.late_after() + 1)
    assert state(world) is Health.LATE
    end_task(conn, integration, "completed")
    assert state(world) is Health.HEALTHY
    conn.execute("UPDATE integracao.integracao SET ativa = false WHERE id = %s", (integration,))
    assert state(world) is Health.INACTIVE


def test_an_incremental_integration_is_never_late_by_silence(world: dict[str, Any]) -> None:
    conn, integration = world["conn"], world["integration"]
    conn.execute("INSERT INTO integracao.tipo_integracao (codigo, nome) VALUES ('dito', 'Dito')")
    conn.execute("INSERT INTO integracao.servico_contratado VALUES (%s, 'dito')", (world["tenant"],))
    conn.execute("UPDATE integracao.integracao SET tipo_codigo = 'dito', criada_em = now() - interval '30 days'"
                 " WHERE id = %s", (integration,))  # fmt: skip
    assert state(world) is Health.HEALTHY


def test_one_alert_per_incident_and_one_back_to_normal(world: dict[str, Any]) -> None:
    conn, integration, outbox = world["conn"], world["integration"], world["outbox"]
    for _ in range(2):
        end_task(conn, integration, "failed")
    assert outbox.sent == []
    for _ in range(4):  # the third failure alerts; the ones after it do not alert again
        end_task(conn, integration, "failed")
    assert [s for s, _ in outbox.sent] == ["Alerta: Smarket (T) falhou 3 vezes seguidas"]
    assert outbox.sent[0][1] == ["suporte@zetti.example", "plantao@zetti.example"]
    end_task(conn, integration, "completed")
    end_task(conn, integration, "completed")
    assert [s for s, _ in outbox.sent][1:] == ["Normalizada: Smarket (T) voltou a entregar"]
    kinds = [r[0] for r in conn.execute("SELECT tipo FROM integracao.alerta ORDER BY id")]
    assert kinds == ["falhas", "normalizado"]


def test_a_late_integration_alerts_once(world: dict[str, Any]) -> None:
    conn, integration, outbox = world["conn"], world["integration"], world["outbox"]
    end_task(conn, integration, "completed", days_ago=health.late_after() + 2)
    assert alerts.check_late(conn) == 1
    assert alerts.check_late(conn) == 0
    assert [s for s, _ in outbox.sent] == [outbox.sent[0][0]]
    assert outbox.sent[0][0].startswith("Alerta: Smarket (T) está sem entregas desde")


def test_the_overview_counts_and_lists_only_the_callers_tenants(world: dict[str, Any]) -> None:
    conn, integration = world["conn"], world["integration"]
    end_task(conn, integration, "failed")
    client = Principal("cliente", ("Client",), False, (Tenant(world["tenant"], "T"),))
    stranger = Principal("outro", ("Client",), False, (Tenant(999, "X"),))
    agent = Principal("suporte", ("Support Agent",), True, ())
    seen = health.overview(conn, client)
    assert seen.counts[Health.FAILING] == 1
    assert [a.integration_id for a in seen.attention] == [integration]
    assert seen.attention[0].last_error == "Parceiro indisponível (HTTP 503) após 4 tentativas"
    assert [(f.name, f.last_24h, f.last_7d) for f in seen.failures_by_type] == [("Smarket", 1, 1)]
    assert health.overview(conn, agent).counts[Health.FAILING] == 1
    nothing = health.overview(conn, stranger)
    assert sum(nothing.counts.values()) == 0
    assert nothing.attention == []
    assert nothing.failures_by_tenant == []


def test_tasks_per_day_cover_the_period(world: dict[str, Any]) -> None:
    conn, integration = world["conn"], world["integration"]
    end_task(conn, integration, "failed")
    end_task(conn, integration, "completed")
    agent = Principal("suporte", ("Support Agent",), True, ())
    days = health.tasks_per_day(conn, agent, integration, days=30)
    assert len(days) == 30
    assert days[-1].counts == {"failed": 1, "completed": 1}
