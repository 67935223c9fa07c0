"""The gate of the plugin app, over real HTTP on the real stack: who is calling is known before the body is
read, input the database cannot hold is a 4xx naming the field, bodies are capped, state changes by cookie
must come from our own origin (scheme, host and port), and every response carries the security headers."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest

from tests.stack_fixtures import RunningStack

pytestmark = pytest.mark.stack

API = "/integracoes/api/v1"


def test_an_anonymous_request_gets_401_before_its_body_is_read(stack: RunningStack) -> None:
    huge = b'{"description": "' + b"x" * (30 * 1024 * 1024) + b'"}'
    started = time.perf_counter()
    answered = httpx.post(f"{stack.url}{API}/integrations", content=huge, timeout=60,
                          headers={"content-type": "application/json"})  # fmt: skip
    elapsed = time.perf_counter() - started
    assert answered.status_code == 401, answered.text[:200]
    assert answered.json()["message"].startswith("Sessão não encontrada")
    print(f"anonymous 30 MB body answered 401 in {elapsed * 1000:.0f} ms")
    malformed = httpx.post(f"{stack.url}{API}/integrations", content=b"{not json",
                           headers={"content-type": "application/json"})  # fmt: skip
    assert malformed.status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "payload", "status", "field"),
    [
        ("GET", "/integrations?search=%00abc", None, 422, "search"),
        ("GET", "/integrations?search=%ED%A0%80", None, 422, "query"),
        ("GET", "/integrations?page=99999999999", None, 422, "page"),
        ("GET", "/integrations/99999999999", None, 404, None),
        ("GET", "/tasks/99999999999999999999/files", None, 404, None),
        ("POST", "/integrations", '{"description": "ab\\u0000c", "tenant_id": 1}', 422, "description"),
        ("POST", "/integrations", '{"description": "\\ud800", "tenant_id": 1}', 422, "description"),
        ("POST", "/integrations", '{"interval_minutes": 100000000000000000000}', 422, "interval_minutes"),
        ("POST", "/integrations", '{"config": [{"key": "token", "value": "a\\u0000"}]}', 422, "config.0.value"),
        ("POST", "/integrations", "[" * 40 + "]" * 40, 422, "body"),
        ("POST", "/integrations", "{not json", 422, "body"),
        # Strict types: a boolean is not an id or an interval, a word is not a boolean.
        ("POST", "/integrations", '{"tenant_id": true, "description": "x"}', 422, "tenant_id"),
        ("POST", "/integrations", '{"tenant_id": 1, "interval_minutes": true}', 422, "interval_minutes"),
        ("PUT", "/integrations/1", '{"active": "yes"}', 422, "active"),
        (
            "POST",
            "/integrations/1/price-suggestions/apply",
            '{"start": "2026-01-01", "end": "2026-01-01", "zone_id": true}',
            422,
            "zone_id",
        ),
        # Strict query parameters: `yes` is not a boolean, 7 is not a page size, year 0001 is not a period.
        ("POST", "/integrations/1/runs?dry_run=yes", '{"data_inicial": "2026-01-01"}', 422, "dry_run"),
        ("GET", "/integrations?page_size=7", None, 422, "page_size"),
        ("GET", "/integrations?page=0", None, 422, "page"),
        ("GET", "/integrations/1/reconciliation?start=0001-01-01&end=0001-01-31", None, 422, "start"),
        ("GET", "/integrations/1/price-suggestions?start=2026-01-01&end=2026-01-31&zone_id=true", None, 422, "zone_id"),
        ("GET", "/integrations/1/tasks?status=sent,yes", None, 422, "status"),
    ],
)
def test_input_the_database_cannot_hold_is_a_4xx_naming_the_field(
    stack: RunningStack, method: str, path: str, payload: str | None, status: int, field: str | None
) -> None:
    with stack.client("suporte") as agent:
        answered = agent.request(method, f"{API}{path}", content=payload,
                                 headers={"content-type": "application/json"} if payload else {})  # fmt: skip
    assert answered.status_code == status, answered.text
    body = answered.json()
    assert body["message"]
    if field:
        assert field in body["errors"], body
        assert all("{" not in message for message in body["errors"].values()), "no placeholder left in a message"


def test_a_method_an_address_does_not_have_is_405_listing_those_it_has(stack: RunningStack) -> None:
    with stack.client("suporte") as agent:
        answered = agent.put(f"{API}/integrations/check-connection", json={})
        listed = agent.delete(f"{API}/integrations")
    assert answered.status_code == 405, answered.text
    assert answered.headers["allow"] == "POST"
    assert listed.status_code == 405
    assert listed.headers["allow"] == "GET, HEAD, POST"


def test_a_body_over_the_cap_is_413(stack: RunningStack) -> None:
    with stack.client("suporte") as agent:
        answered = agent.post(f"{API}/integrations", json={"description": "x" * (300 * 1024)})
    assert answered.status_code == 413
    assert answered.json()["message"] == "O corpo da requisição passa do limite de 256 KB."


def cookie_client(stack: RunningStack, origin: str | None) -> httpx.Client:
    """The Airflow UI's way of calling: the JWT in its cookie, no Authorization header."""
    headers = {"origin": origin} if origin else {}
    return httpx.Client(base_url=stack.url, cookies={"_token": stack.token("suporte")}, headers=headers, timeout=30)


@pytest.mark.parametrize("origin", [None, "null", "http://127.0.0.1:1", "https://{host}", "http://evil.example"])
def test_a_cookie_state_change_from_another_origin_is_refused(stack: RunningStack, origin: str | None) -> None:
    host = stack.url.removeprefix("http://")
    with cookie_client(stack, origin.format(host=host) if origin else None) as client:
        answered = client.post(f"{API}/integrations", json={})
    assert answered.status_code == 403, answered.text
    assert answered.json()["message"].startswith("Requisição recusada: origem não confirmada")


def test_a_cookie_state_change_from_our_origin_passes(stack: RunningStack) -> None:
    with cookie_client(stack, stack.url) as client:
        answered = client.post(f"{API}/integrations", json={})
    assert answered.status_code == 422, answered.text  # through the gate: the fields' own messages


def headers_of(response: httpx.Response) -> dict[str, Any]:
    return {k.lower(): v for k, v in response.headers.items()}


def test_every_response_carries_the_security_headers_and_pages_use_the_nonce(stack: RunningStack) -> None:
    with stack.client("cliente1") as client:
        page = client.get("/integracoes/")
        api = client.get(f"{API}/me")
    anonymous = httpx.get(f"{stack.url}{API}/me")
    for response in (page, api, anonymous):
        headers = headers_of(response)
        assert headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", headers_of(page)["content-security-policy"])
    assert nonce
    scripts = re.findall(r"<script([^>]*)>", page.text)
    assert scripts
    assert all(f'nonce="{nonce.group(1)}"' in attributes for attributes in scripts), "every script carries it"


def test_no_answer_of_the_product_is_kept_in_a_cache(stack: RunningStack) -> None:
    """JSON, CSV, pages and errors: each holds a tenant's data or a session; none may be stored by a cache."""
    with stack.client("suporte") as agent:
        answers = [
            agent.get(f"{API}/me"),
            agent.get(f"{API}/integrations"),
            agent.get(f"{API}/audit", params={"format": "csv"}),
            agent.get(f"{API}/integrations/999999"),
            agent.get("/integracoes/"),
        ]
    answers.append(httpx.get(f"{stack.url}{API}/me"))
    assert [headers_of(a).get("cache-control") for a in answers] == ["no-store"] * len(answers)


@pytest.mark.parametrize("path", ["/", "/auth/login/", "/dags", "/api/v2/version", "/api/v2/dags"])
def test_airflows_own_pages_cannot_be_framed_nor_sniffed(stack: RunningStack, path: str) -> None:
    answer = httpx.get(f"{stack.url}{path}", timeout=30)
    headers = headers_of(answer)
    assert "frame-ancestors 'self'" in headers.get("content-security-policy", ""), (path, headers)
    assert headers.get("x-frame-options") == "SAMEORIGIN"
    assert headers.get("x-content-type-options") == "nosniff"


def test_an_integration_page_that_does_not_exist_is_a_404_not_the_registration_form(stack: RunningStack) -> None:
    with stack.client("suporte") as agent:
        for integration_id in (0, 999999):
            answer = agent.get(f"/integracoes/integracoes/{integration_id}")
            assert answer.status_code == 404, (integration_id, answer.status_code)
            assert 'id="integration-form"' not in answer.text
