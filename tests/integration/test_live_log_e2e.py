"""The live log stream is a session like any other, over real HTTP on the real stack: it ends when the
token expires or when the user loses access to the integration while it is open, and one user cannot hold
an unbounded number of streams."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx
import jwt
import psycopg
import pytest

from tests.stack_fixtures import RunningStack

pytestmark = pytest.mark.stack

API = "/integracoes/api/v1"


def first_integration_of(stack: RunningStack, user: str) -> int:
    with stack.client(user) as client:
        return int(client.get(f"{API}/integrations").json()["items"][0]["id"])


@contextmanager
def stream(stack: RunningStack, token: str, integration_id: int) -> Iterator[httpx.Response]:
    with (
        httpx.Client(base_url=stack.url, timeout=httpx.Timeout(30, read=60)) as client,
        client.stream(
            "GET", f"{API}/integrations/{integration_id}/logs/stream", headers={"Authorization": f"Bearer {token}"}
        ) as response,
    ):
        yield response


def ending(response: httpx.Response, within_s: float) -> dict[str, Any]:
    """The `encerrado` event the stream ends with (it must come within the time given)."""
    deadline = time.monotonic() + within_s
    event = ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: ") and event == "encerrado":
            return dict(json.loads(line.removeprefix("data: ")))
        assert time.monotonic() < deadline, "the stream did not end in time"
    raise AssertionError("the stream closed without saying why")


def short_lived(stack: RunningStack, user: str, seconds: int) -> str:
    """A token of the user that expires in `seconds` (signed like Airflow's own, with the stack's secret)."""
    env = dict(
        line.removeprefix("export ").split("=", 1) for line in (stack.data / "airflow.env").read_text().splitlines()
    )
    secret = env["AIRFLOW__API_AUTH__JWT_SECRET"].strip("'")
    real = stack.token(user)
    header = jwt.get_unverified_header(real)
    claims = jwt.decode(real, options={"verify_signature": False}) | {"exp": int(time.time()) + seconds}
    return jwt.encode(claims, secret, algorithm=header["alg"], headers={k: v for k, v in header.items() if k != "alg"})


def test_a_stream_ends_when_its_token_expires(stack: RunningStack) -> None:
    token = short_lived(stack, "cliente1", 4)
    with stream(stack, token, first_integration_of(stack, "cliente1")) as response:
        assert response.status_code == 200
        ended = ending(response, within_s=30)
    assert ended["reason"] == "auth.expired"
    assert ended["message"].startswith("Sua sessão expirou")


def test_a_stream_ends_when_the_user_loses_the_tenant(stack: RunningStack) -> None:
    """A client user of its own (cliente2's tenant): taking its tenant away leaves the demo users, which tests
    running meanwhile on the shared stack act as, untouched."""
    from tests.integration.test_administration_e2e import create_user, token_of

    integration_id = first_integration_of(stack, "cliente2")
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        (tenant,) = conn.execute(
            "SELECT tenant_id FROM integracao.integracao WHERE id = %s", (integration_id,)
        ).fetchone()  # type: ignore[misc]
        user = create_user(stack, [tenant])["username"]
        with stream(stack, token_of(stack, user), integration_id) as response:
            assert response.status_code == 200
            conn.execute("DELETE FROM integracao.usuario_tenant WHERE username = %s AND tenant_id = %s", (user, tenant))
            ended = ending(response, within_s=30)
    assert ended["reason"] == "http.not_found"


def test_one_user_holds_a_bounded_number_of_streams(stack: RunningStack) -> None:
    integration_id = first_integration_of(stack, "cliente1")
    token = stack.token("cliente1")
    with ExitStack() as open_streams:
        for _ in range(3):
            assert open_streams.enter_context(stream(stack, token, integration_id)).status_code == 200
        with stream(stack, token, integration_id) as refused:
            refused.read()
            assert refused.status_code == 429
            assert "3 logs ao vivo" in refused.json()["message"]
    deadline = time.monotonic() + 30  # the server notices the closed streams at its next poll
    while True:
        with stream(stack, token, integration_id) as again:
            if again.status_code == 200 or time.monotonic() > deadline:
                assert again.status_code == 200
                break
        time.sleep(1)
