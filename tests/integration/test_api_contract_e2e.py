"""The plugin's OpenAPI document tells the truth, checked by schemathesis against the running server, as a
support agent and as a client: no server error, no status the document does not list, answers shaped as
documented, schema-invalid input refused, schema-valid input accepted (except the rules JSON Schema cannot
state, listed in tests/contract/schemathesis.toml). The fuzzer runs on the shared stack, so it must write
nothing: the rows it could touch are counted before and after."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import psycopg
import pytest

from tests.scorecard import Scorecard
from tests.stack_fixtures import REPO, RunningStack

pytestmark = pytest.mark.stack

CONTRACT = REPO / "tests" / "contract"
# What a request of the fuzzer could create or change, if the pinning in tests/contract failed (scheduled
# runs of the demo keep creating tasks meanwhile: only the fuzzing user's own count).
WRITES = (
    "SELECT count(*), coalesce(max(atualizada_em)::text, '') FROM integracao.integracao",
    "SELECT count(*) FROM integracao.tarefa WHERE solicitada_por = %(user)s",
    "SELECT count(*) FROM integracao.auditoria WHERE username = %(user)s",
    "SELECT count(*) FROM integracao.sugestao_preco WHERE aplicada_por = %(user)s",
    "SELECT count(*), coalesce(max(atualizado_em)::text, '') FROM integracao.tenant",
    "SELECT count(*) FROM integracao.usuario_tenant",
    "SELECT count(*) FROM integracao.servico_contratado",
    "SELECT count(*) FROM integracao.usuario WHERE idioma IS NOT NULL",
)


def rows_it_could_touch(stack: RunningStack, user: str) -> list[tuple[object, ...]]:
    with psycopg.connect(stack.database_url) as conn:
        return [tuple(conn.execute(query, {"user": user}).fetchone() or ()) for query in WRITES]


def run_schemathesis(stack: RunningStack, user: str, schema: Path, *, phases: str, seed: int) -> tuple[int, str]:
    command = [
        str(REPO / ".venv" / "bin" / "schemathesis"), "--config-file", str(CONTRACT / "schemathesis.toml"),
        "run", str(schema), "--url", f"{stack.url}/integracoes",
        "-H", f"Authorization: Bearer {stack.token(user)}",
        "--checks", "all",
        "--phases", phases, "--seed", str(seed),
    ]  # fmt: skip
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.contract.hooks", "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    # Run where the schema is: schemathesis keeps its example cache in the working folder.
    done = subprocess.run(command, cwd=schema.parent, env=env, capture_output=True, text=True, timeout=900, check=False)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("user", "phases"),
    [
        # The agent sees every route and tenant: the deterministic boundary cases, then random ones.
        ("suporte", "examples,coverage,fuzzing"),
        # A client: random cases (its 403s and 404s are the isolation matrix's subject).
        ("cliente1", "examples,fuzzing"),
    ],
)
def test_the_server_keeps_the_openapi_document_s_promises(
    stack: RunningStack, tmp_path: Path, scorecard: Scorecard, user: str, phases: str
) -> None:
    with stack.client(user) as client:
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
        f"Contrato OpenAPI (schemathesis, {user})",
        f"{cases.group(1) if cases else '?'} casos, {failures.group(2) if failures else 0} falhas",
        "0 falhas",
    )
    assert code == 0, output[-12000:]
    assert before == after, "the fuzzer changed data of the shared stack"
