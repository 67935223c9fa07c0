"""The README's start command brings up real Airflow with the plugin, FAB logins and the demo users."""

from __future__ import annotations

import httpx
import psutil
import pytest

from scripts.demo_accounts import DEMO_USERS
from tests.integration.test_runs_e2e import wait_for
from tests.stack_fixtures import RunningStack

pytestmark = pytest.mark.stack

USERS = {user.username: user for user in DEMO_USERS}


def test_start_prints_url_and_demo_credentials(stack: RunningStack) -> None:
    assert stack.url in stack.start_output
    for user in DEMO_USERS:
        assert f"{user.username:<10} password: {user.password}" in stack.start_output


def test_all_four_components_report_healthy(stack: RunningStack) -> None:
    health = httpx.get(f"{stack.url}/api/v2/monitor/health", timeout=10).json()
    for component in ("metadatabase", "scheduler", "triggerer", "dag_processor"):
        assert health[component]["status"] == "healthy", health
    assert set(stack.pids()) == {"sandbox", "scheduler", "dag-processor", "triggerer", "api-server", "reconciler"}


def test_the_dag_processor_runs_with_the_factory_loaded_and_logs_no_line_per_dag(stack: RunningStack) -> None:
    processor = psutil.Process(stack.pids()["dag-processor"])
    assert processor.cmdline()[1:4] == ["-m", "include.airflow_adapter.preloaded", "dag-processor"]
    scheduler = psutil.Process(stack.pids()["scheduler"])
    assert scheduler.cmdline()[1:4] == ["-m", "include.airflow_adapter.preloaded", "scheduler"]
    log = stack.data / "logs" / "dag-processor.log"
    wait_for("a parse of the shards", lambda: "integracoes_shard_" in log.read_text(), 120)
    written = log.read_text()
    # Airflow's two INFO lines per DAG per parse ([logging] namespace_levels); its warnings would still show.
    assert "setting next dagrun info" not in written
    assert "get next_dagrun_info_v2" not in written


def test_the_product_reports_its_own_health_to_anyone_without_tenant_data(stack: RunningStack) -> None:
    answer = httpx.get(f"{stack.url}/integracoes/api/v1/health", timeout=10)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == body["storage"]["status"] == "ok"
    assert body["partners"]["active_integrations"] >= body["partners"]["failing"] >= 0
    assert "Farmácia" not in answer.text
    assert "Drogaria" not in answer.text
    assert "127.0.0.1" not in answer.text
    shown = stack.make("status", timeout=60)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert '"database": {"status": "ok"' in shown.stdout


def test_secrets_are_generated_once_and_private(stack: RunningStack) -> None:
    secrets_file = stack.data / "secrets.json"
    assert secrets_file.stat().st_mode & 0o077 == 0
    assert (stack.data / "airflow.env").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("username", "is_agent", "tenants"),
    [
        ("suporte", True, {"Farmácia Vida", "Drogaria Saúde"}),
        ("cliente1", False, {"Farmácia Vida"}),
        ("cliente2", False, {"Drogaria Saúde"}),
    ],
)
def test_me_for_each_demo_user(stack: RunningStack, username: str, is_agent: bool, tenants: set[str]) -> None:
    with stack.client(username) as client:
        response = client.get("/integracoes/api/v1/me")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["username"] == username
    assert body["roles"] == list(USERS[username].roles)
    assert body["is_support_agent"] is is_agent
    names = {t["name"] for t in body["tenants"]}
    # Agents see every tenant, also those other tests of the session register; clients exactly theirs.
    assert names >= tenants if is_agent else names == tenants


@pytest.mark.parametrize(
    "path",
    ["/api/v2/dags", "/api/v2/dags/any_dag", "/api/v2/dags/~/dagRuns", "/api/v2/pools", "/api/v2/connections"],
)
def test_client_has_no_access_to_core_airflow(stack: RunningStack, path: str) -> None:
    with stack.client("cliente1") as client:
        assert client.get(path).status_code == 403


def test_support_agent_reads_dags_but_not_connections(stack: RunningStack) -> None:
    with stack.client("suporte") as client:
        assert client.get("/api/v2/dags").status_code == 200
        assert client.get("/api/v2/connections").status_code == 403


def test_client_sees_the_navigation_entry(stack: RunningStack) -> None:
    with stack.client("cliente1") as client:
        response = client.get("/api/v2/plugins")
    assert response.status_code == 200, response.text
    views = [view for plugin in response.json()["plugins"] for view in plugin["external_views"]]
    assert any(view["name"] == "Integrações" and view["href"].endswith("/integracoes/") for view in views)


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, "Sessão não encontrada"),
        ({"Authorization": "Bearer not-a-jwt"}, "Credencial inválida"),
        ({"Cookie": "_token=garbage"}, "Credencial inválida"),
    ],
)
def test_plugin_refuses_anonymous_and_bad_tokens(stack: RunningStack, headers: dict[str, str], fragment: str) -> None:
    for path in ("/integracoes/api/v1/me", "/integracoes/api/v1/openapi.json"):
        response = httpx.get(f"{stack.url}{path}", headers=headers, timeout=10)
        assert response.status_code == 401, (path, response.text)
        assert fragment in response.json()["message"]
    # A page sends the person to Airflow's login instead, and back to it afterwards.
    page = httpx.get(f"{stack.url}/integracoes/?pagina=2", headers=headers, timeout=10)
    assert page.status_code == 303, page.text
    assert page.headers["location"].endswith("/auth/login/?next=%2Fintegracoes%2F%3Fpagina%3D2")


def test_errors_follow_the_language_of_the_browser(stack: RunningStack) -> None:
    response = httpx.get(f"{stack.url}/integracoes/api/v1/me", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.json() == {"message": "No session found. Sign in to Airflow again to continue."}


def test_unknown_plugin_path_is_a_404_in_our_shape(stack: RunningStack) -> None:
    with stack.client("cliente1") as client:
        response = client.get("/integracoes/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.json() == {"message": "Recurso não encontrado."}


def test_openapi_document_is_served_to_authenticated_users(stack: RunningStack) -> None:
    with stack.client("cliente1") as client:
        document = client.get("/integracoes/api/v1/openapi.json").json()
    assert "/api/v1/me" in document["paths"]
