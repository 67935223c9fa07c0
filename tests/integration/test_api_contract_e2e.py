"""The plugin's OpenAPI document tells the truth, checked by schemathesis against the running server, as a
support agent and as a client: no server error, no status the document does not list, answers shaped as
documented, schema-invalid input refused, schema-valid input accepted (except the rules JSON Schema cannot
state, listed in tests/contract/schemathesis.toml). The fuzzer runs on the shared stack, so it must write
nothing. It fuzzes as users of its own (an agent, and a client of Farmácia Vida), so whether it wrote is read
from what carries their name: every write of the product is audited with its author in the same transaction
(integrations, tenants, contracts, users, runs, reprocessing, prices), and the rows of integrations, tasks,
billable runs, applied suggestions and preferences name who made them. The other stack tests run meanwhile
as other users."""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.scorecard import Scorecard
from tests.stack_fixtures import REPO, RunningStack

pytestmark = pytest.mark.stack

CONTRACT = REPO / "tests" / "contract"
# What a request of the fuzzing user could create or change, if the pinning in tests/contract failed: anything
# it writes carries its name (the audit trail covers tenants, contracts and users, which have no author column).
WRITES = (
    "SELECT count(*) FROM integracao.auditoria WHERE username = %(user)s",
    "SELECT count(*) FROM integracao.integracao WHERE criada_por = %(user)s OR atualizada_por = %(user)s",
    "SELECT count(*) FROM integracao.tarefa WHERE solicitada_por = %(user)s",
    "SELECT count(*) FROM integracao.servico_faturavel WHERE solicitado_por = %(user)s",
    "SELECT count(*) FROM integracao.sugestao_preco WHERE aplicada_por = %(user)s",
    "SELECT count(*) FROM integracao.usuario WHERE username = %(user)s AND idioma IS NOT NULL",
)
PASSWORD = "Contrato#2026XY"


def rows_it_could_touch(stack: RunningStack, user: str) -> list[tuple[object, ...]]:
    with psycopg.connect(stack.database_url) as conn:
        return [tuple(conn.execute(query, {"user": user}).fetchone() or ()) for query in WRITES]


@pytest.fixture(scope="module")
def fuzzing_users(stack: RunningStack) -> dict[str, str]:
    """role -> a user of this module's own: an agent, and a client of the first demo tenant."""
    with stack.client("cliente1") as client:
        vida = client.get("/integracoes/api/v1/me").json()["tenants"][0]["id"]
    created = {}
    with stack.client("suporte") as agent:
        for role, tenants in (("agent", []), ("client", [vida])):
            username = f"contrato.{role}.{uuid.uuid4().hex[:6]}"
            answer = agent.post("/integracoes/api/v1/users", json={
                "username": username, "name": "Contrato OpenAPI", "email": f"{username}@integracoes.example.com",
                "role": role, "tenant_ids": tenants, "password": PASSWORD})  # fmt: skip
            assert answer.status_code == 201, answer.text
            created[role] = username
    return created


def run_schemathesis(stack: RunningStack, user: str, schema: Path, *, phases: str, seed: int) -> tuple[int, str]:
    command = [
        str(REPO / ".venv" / "bin" / "schemathesis"), "--config-file", str(CONTRACT / "schemathesis.toml"),
        "run", str(schema), "--url", f"{stack.url}/integracoes",
        "-H", f"Authorization: Bearer {stack.token(user, PASSWORD)}",
        "--checks", "all",
        "--phases", phases, "--seed", str(seed),
    ]  # fmt: skip
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.contract.hooks", "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    # Run where the schema is: schemathesis keeps its example cache in the working folder.
    done = subprocess.run(command, cwd=schema.parent, env=env, capture_output=True, text=True, timeout=900, check=False)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("role", "phases"),
    [
        # The agent sees every route and tenant: the deterministic boundary cases, then random ones.
        ("agent", "examples,coverage,fuzzing"),
        # A client: random cases (its 403s and 404s are the isolation matrix's subject).
        ("client", "examples,fuzzing"),
    ],
)
def test_the_server_keeps_the_openapi_document_s_promises(
    stack: RunningStack, fuzzing_users: dict[str, str], tmp_path: Path, scorecard: Scorecard, role: str, phases: str
) -> None:
    user = fuzzing_users[role]
    with httpx.Client(base_url=stack.url, headers={"Authorization": f"Bearer {stack.token(user, PASSWORD)}"},
                      timeout=30) as client:  # fmt: skip
        document = client.get("/integracoes/api/v1/openapi.json")
    assert document.status_code == 200, document.text
    schema = tmp_path / "openapi.json"
    schema.write_text(json.dumps(document.json()))

    before = rows_it_could_touch(stack, user)
    code, output = run_schemathesis(stack, user, schema, phases=phases, seed=20261129)
    after = rows_it_could_touch(stack, user)

    cases = re.search(r"(\d+) generated", output)
    failures = re.search(r"(\d+) found (\d+) unique failure", output)
    scorecard.record(
        f"Contrato OpenAPI (schemathesis, {'agente' if role == 'agent' else 'cliente'})",
        f"{cases.group(1) if cases else '?'} casos, {failures.group(2) if failures else 0} falhas",
        "0 falhas",
    )
    assert code == 0, output[-12000:]
    assert before == after == [(0,)] * len(WRITES), "the fuzzer changed data of the shared stack"
