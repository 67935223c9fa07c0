"""Tenant isolation, generated from the plugin app's route table: for every route and every place an id goes
(path, query, JSON body), each client asks with an id of its own tenant, one of the other tenant and one that
does not exist. Another tenant's object answers exactly like a missing one — 404 for the object a URL names,
the field's 422 (or 404) for an id a query or body refers to — never 403, never its data, and a write through
it changes nothing; the own id is not a 404. Routes the client role may not use at all (registering and
editing integrations) answer the same 403 whatever the id, which tells nothing either.

The module has the stack alone: whether a write changed anything is read from rows every other stack test
writes too.

The route table drives the cases: a path parameter, or an integer field of a query or body, that the
mappings below do not know fails the suite, so a new route or a new id field cannot slip past unnoticed.
"""

from __future__ import annotations

import json
import typing
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi.responses import StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel

from include.integracoes.permissions import CLIENT, ROLES
from integracoes.app import create_routes
from tests.integration.test_inbound_e2e import database, registered, saude
from tests.integration.test_reconciliation_e2e import deactivate, register_boavista
from tests.integration.test_runs_e2e import wait_for
from tests.scorecard import Scorecard
from tests.stack_fixtures import RunningStack, days_ago

pytestmark = [pytest.mark.stack, pytest.mark.stack_alone]

MOUNT = "/integracoes"  # where Airflow mounts the app
API = f"{MOUNT}/api/v1"
MISSING = 2147483000  # a valid PostgreSQL integer no row has (the gate turns impossible ones into 404 itself)
CLIENTS = ("cliente1", "cliente2")
AGENT = "suporte"

# How each id-carrying parameter is filled: the kind of object, looked up in each tenant's `ids`.
ID_KINDS = {
    "integration_id": "integration",
    "task_id": "task",
    "file_id": "file",
    "tenant_id": "tenant",
    "branch_id": "branch",
    "branches": "branch",
    "zone_id": "zone",
    "suggestion_ids": "suggestion",
    "tenant_ids": "tenant",
    "user_id": "user",
}
# Integer parameters that are not ids (counts, sizes, cursors): declared, so that an unknown integer is noticed.
NOT_IDS = frozenset({"page", "page_size", "days", "after", "limit", "interval_minutes"})
LISTS = frozenset({"branches", "suggestion_ids", "tenant_ids"})
# Writes that name no object: agents' creations (clients get 403) and the caller's own preferences.
OWN_WRITES = frozenset({"PUT /api/v1/me/preferences"})
# Features only some partners have answer 404 for an integration of another type, so the integration a
# path names must be of that partner for the own id to mean anything.
FEATURE_PARTNERS = {"price": "proffer", "precos": "proffer", "reconciliation": "boavista", "conciliacao": "boavista"}
CLIENT_PERMISSIONS = next(role.permissions for role in ROLES if role.name == CLIENT)


# --- the route table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    where: str  # "path", "query" or "body"
    name: str


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    slots: tuple[Slot, ...]
    permission: tuple[str, str] | None  # what `require(...)` asks for; None: any authenticated user
    streamed: bool  # a StreamingResponse (the live log never ends): only its status is read

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def clients_may(self) -> bool:
        return self.permission is None or self.permission in CLIENT_PERMISSIONS

    def kind(self, slot: Slot) -> str:
        kind = ID_KINDS[slot.name]
        if kind == "integration" and slot.where == "path":
            return next((partner for word, partner in FEATURE_PARTNERS.items() if word in self.path), kind)
        return kind


def _holds_int(annotation: Any) -> bool:
    return annotation is int or any(_holds_int(arg) for arg in typing.get_args(annotation))


def _fields(params: list[Any]) -> Iterator[tuple[str, Any]]:
    """(name, annotation) of each query or body value, a model's fields one by one."""
    for param in params:
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from ((name, info.annotation) for name, info in annotation.model_fields.items())
        else:
            yield param.name, annotation


def route_table() -> list[Route]:
    found = []
    for route in create_routes().routes:
        assert isinstance(route, APIRoute), route  # pages and API alike (tests/plugin/test_routes_auth.py)
        dependant = route.dependant
        slots = [Slot("path", p.name) for p in dependant.path_params]
        for where, params in (("query", dependant.query_params), ("body", dependant.body_params)):
            slots += [Slot(where, name) for name, annotation in _fields(params)
                      if _holds_int(annotation) and name not in NOT_IDS]  # fmt: skip
        permission = next(
            (getattr(d.call, "required_permission") for d in dependant.dependencies  # noqa: B009
             if hasattr(d.call, "required_permission")),
            None,
        )  # fmt: skip
        streamed = route.response_class is StreamingResponse
        found += [
            Route(method, route.path_format, tuple(slots), permission, streamed) for method in sorted(route.methods)
        ]
    return found


ROUTES = route_table()
CASES = [
    pytest.param(route, slot, id=f"{route.key} {slot.where}:{slot.name}") for route in ROUTES for slot in route.slots
]
LISTINGS = [pytest.param(route, id=route.key) for route in ROUTES if not route.slots]


def test_every_id_parameter_of_every_route_is_known() -> None:
    unknown = [f"{route.key} {slot.where}:{slot.name}" for route in ROUTES for slot in route.slots
               if slot.name not in ID_KINDS]  # fmt: skip
    assert not unknown, f"teach ID_KINDS (and `ids` in `tenant_objects`) how to get an own/other object: {unknown}"
    writes = [route.key for route in ROUTES if route.method != "GET" and not route.slots
              and route.clients_may and route.key not in OWN_WRITES]  # fmt: skip
    assert not writes, f"a write route that takes no id: decide how it is scoped and cover it here: {writes}"


# --- the objects of both tenants -----------------------------------------------------------------------


@dataclass(frozen=True)
class Tenant:
    user: str
    ids: dict[str, int]  # kind of object -> the id of one of this tenant's objects
    markers: tuple[str, ...]  # texts only this tenant's answers may contain (its name, its own descriptions)


def _delivered(client: httpx.Client, integration_id: int) -> tuple[int, int] | None:
    """(task, file) of a completed task of the integration that has a file, once there is one."""
    tasks = client.get(f"{API}/integrations/{integration_id}/tasks", params={"status": "completed"}).json()["items"]
    for task in tasks:
        files = client.get(f"{API}/tasks/{task['id']}/files").json()
        if files:
            return int(task["id"]), int(files[0]["id"])
    return None


def _suggestions(client: httpx.Client, proffer: int, zone: int) -> list[dict[str, Any]]:
    params: dict[str, str | int] = {"start": days_ago(1), "end": days_ago(0), "zone_id": zone, "page_size": 100}
    answer = client.get(f"{API}/integrations/{proffer}/price-suggestions", params=params)
    return list(answer.json()["items"]) if answer.status_code == 200 else []


def tenant_objects(stack: RunningStack, user: str, registered_ids: dict[str, int]) -> Tenant:
    """One object of each kind of the user's tenant: the demo's integrations (or those the module registered),
    a task and file of the scheduled first run of its Smarket, a price zone and a suggestion of its Proffer."""
    with stack.client(user) as client:
        (tenant,) = client.get(f"{API}/me").json()["tenants"]
        listed = client.get(f"{API}/integrations", params={"page_size": 100}).json()["items"]
        # Newest first, so each type ends with its oldest integration: the demo's.
        demo = {i["type_code"]: int(i["id"]) for i in sorted(listed, key=lambda i: int(i["id"]), reverse=True)}
        ids = {"tenant": int(tenant["id"]), "integration": demo["smarket"]}
        ids |= {kind: registered_ids.get(kind) or demo[kind] for kind in ("proffer", "boavista")}
        ids["task"], ids["file"] = wait_for(
            f"a delivered task of {user}'s Smarket", lambda: _delivered(client, ids["integration"]), timeout=480
        )
        ids["branch"] = client.get(f"{API}/integrations/{ids['boavista']}").json()["branches"][0]
    with stack.client(AGENT) as agent:  # the FAB id of the tenant's client user (the routes of users need one)
        ids["user"] = agent.get(f"{API}/users", params={"search": user}).json()["items"][0]["id"]
    with stack.client(user) as client:
        ids["zone"] = client.get(f"{API}/integrations/{ids['proffer']}/price-zones").json()[0]["id"]
        # A suggestion equal to the zone's price: a client applying it (its own id) changes no price.
        ids["suggestion"] = wait_for(
            f"the suggestions of {user}'s Proffer",
            lambda: next((int(s["id"]) for s in _suggestions(client, ids["proffer"], ids["zone"])
                          if s["difference"] is not None and Decimal(s["difference"]) == 0 and not s["stale"]), None),
            timeout=480,
        )  # fmt: skip
        descriptions = tuple(
            client.get(f"{API}/integrations/{ids[kind]}").json()["description"] for kind in ("proffer", "boavista")
        )
    return Tenant(user, ids, (str(tenant["name"]), *descriptions))


@pytest.fixture(scope="module")
def tenants(stack: RunningStack) -> Iterator[dict[str, Tenant]]:
    """Both demo tenants with an object of every kind. Drogaria Saúde has no Proffer nor BoaVista in the demo:
    registered here (the BoaVista inactive at once: its pages need the type, not runs)."""
    token = uuid.uuid4().hex[:6]
    with database(stack) as conn:
        branches = [r[0] for r in conn.execute("SELECT id FROM erp.filial WHERE tenant_id = %s", (saude(stack),))]
    with registered(stack, "proffer", f"e2e-isolamento-{token}", branches) as proffer:
        boavista = register_boavista(stack, f"e2e-isolamento-{token}", emails=f"isolamento-{token}@saude.example.com")
        deactivate(stack, boavista)
        saude_ids = {"proffer": int(proffer["id"]), "boavista": int(boavista["id"])}
        yield {
            "cliente1": tenant_objects(stack, "cliente1", {}),
            "cliente2": tenant_objects(stack, "cliente2", saude_ids),
        }


@dataclass
class Tally:
    requests: int = 0
    leaks: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def tally(scorecard: Scorecard) -> Iterator[Tally]:
    counted = Tally()
    yield counted
    scorecard.record(
        "Isolamento entre clientes (rotas × dono/outro/inexistente)",
        f"{counted.requests} pedidos, {len(counted.leaks)} vazamentos",
        "0 vazamentos",
    )


# --- requests ------------------------------------------------------------------------------------------


def _new_integration(t: Tenant) -> dict[str, Any]:
    return {"tenant_id": t.ids["tenant"], "description": f"Isolamento {uuid.uuid4().hex[:8]}", "type_code": "sngpc",
            "active": False, "interval_minutes": 1440, "branches": [t.ids["branch"]],
            "config": [{"key": "usuario", "value": "x"}, {"key": "senha", "value": "x"},
                       {"key": "crf_responsavel", "value": "SP-12345"}]}  # fmt: skip


# What a client of tenant `t` would plausibly send to each route besides the ids (query, JSON body).
# `harmless` is set for the own id: a write then goes where it cannot change anything (an impossible period,
# a suggestion equal to the price), so only another tenant's id is ever sent with a request that would write.
Template = Callable[[Tenant, bool], tuple[dict[str, Any], Any]]  # (query, JSON body)
TEMPLATES: dict[str, Template] = {
    "GET /api/v1/branches": lambda t, harmless: ({"tenant_id": t.ids["tenant"]}, None),
    "POST /api/v1/integrations": lambda t, harmless: ({}, _new_integration(t)),
    "PUT /api/v1/integrations/{integration_id}": lambda t, harmless: (
        {}, {"tenant_id": t.ids["tenant"], "interval_minutes": 720, "branches": [t.ids["branch"]]}
    ),
    "POST /api/v1/integrations/check-connection": lambda t, harmless: (
        {}, {"integration_id": t.ids["integration"], "config": []}
    ),
    "POST /api/v1/integrations/{integration_id}/runs": lambda t, harmless: (
        {}, {"data_inicial": "nunca" if harmless else days_ago(1), "data_final": days_ago(1)}
    ),
    "GET /api/v1/integrations/{integration_id}/price-suggestions": lambda t, harmless: (
        {"start": days_ago(1), "end": days_ago(0), "zone_id": t.ids["zone"]}, None
    ),
    "POST /api/v1/integrations/{integration_id}/price-suggestions/apply": lambda t, harmless: (
        {}, {"start": days_ago(1), "end": days_ago(0), "zone_id": t.ids["zone"],
             "suggestion_ids": [t.ids["suggestion"]]}
    ),
    "GET /api/v1/integrations/{integration_id}/reconciliation": lambda t, harmless: (
        {"start": days_ago(9), "end": days_ago(2), "branch_id": t.ids["branch"]}, None
    ),
    "GET /api/v1/integrations/{integration_id}/reconciliation.csv": lambda t, harmless: (
        {"start": days_ago(9), "end": days_ago(2), "branch_id": t.ids["branch"]}, None
    ),
    # Agents only (clients get 403 whatever the ids): bodies that are valid and change nothing of a real object.
    "PUT /api/v1/tenants/{tenant_id}": lambda t, harmless: ({}, {}),
    "PUT /api/v1/tenants/{tenant_id}/services": lambda t, harmless: ({}, []),
    "PUT /api/v1/users/{user_id}": lambda t, harmless: ({}, {}),
    "GET /api/v1/reports/billable-runs": lambda t, harmless: ({"month": "2000-01"}, None),
}  # fmt: skip


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    params: dict[str, Any]
    body: Any

    def __str__(self) -> str:
        return f"{self.method} {self.url} params={self.params} body={json.dumps(self.body)}"


def build(route: Route, slot: Slot, caller: Tenant, target: Tenant | None, *, harmless: bool) -> Request:
    """The route's request with `slot` naming `target`'s object (None: a missing id). When the path is what
    varies, the rest of the request is the target tenant's too (the strongest attempt: a request that would
    be right for its owner); otherwise everything else is the caller's own."""
    context = target if slot.where == "path" and target is not None else caller
    params, body = TEMPLATES[route.key](context, harmless) if route.key in TEMPLATES else ({}, None)
    value: Any = target.ids[route.kind(slot)] if target is not None else MISSING
    value = [value] if slot.name in LISTS else value
    path_ids = {s.name: context.ids[route.kind(s)] for s in route.slots if s.where == "path"}
    if slot.where == "path":
        path_ids[slot.name] = value
    elif slot.where == "query":
        params = {**params, slot.name: value}
    else:
        body = {**(body or {}), slot.name: value}
    return Request(route.method, MOUNT + route.path.format(**path_ids), params, body)


@dataclass(frozen=True)
class Answer:
    status: int
    json: Any  # None unless the answer is JSON
    text: str  # empty for a stream that was not read


def ask(stack: RunningStack, user: str, route: Route, request: Request) -> Answer:
    with stack.client(user) as client:
        sent = client.build_request(request.method, request.url, params=request.params, json=request.body)
        response = client.send(sent, stream=route.streamed)
        try:
            # A live log stream never ends: a successful one is closed at once, unread.
            text = "" if route.streamed and response.is_success else response.read().decode(errors="replace")
        finally:
            response.close()
    is_json = response.headers.get("content-type", "").startswith("application/json")
    return Answer(response.status_code, json.loads(text) if is_json and text else None, text)


def footprint(stack: RunningStack, user: str) -> tuple[Any, ...]:
    """What a write by a client could change (scheduled runs write all the time, so their tasks are left out)."""
    with database(stack) as conn:
        row = conn.execute(
            """SELECT (SELECT (count(*), max(atualizada_em))::text FROM integracao.tarefa WHERE origem <> 'agendada'),
                      (SELECT count(*) FROM integracao.auditoria WHERE username = %(user)s),
                      (SELECT count(*) FROM integracao.sugestao_preco WHERE aplicada_por = %(user)s),
                      (SELECT (count(*), max(atualizada_em))::text FROM integracao.integracao),
                      (SELECT count(*) FROM integracao.servico_faturavel),
                      (SELECT (count(*), max(atualizado_em))::text FROM integracao.tenant),
                      (SELECT count(*) FROM integracao.usuario_tenant),
                      (SELECT count(*) FROM integracao.servico_contratado),
                      (SELECT (count(*), sum(preco), max(atualizado_em))::text FROM erp.preco)""",
            {"user": user},
        ).fetchone()
    assert row is not None
    return tuple(row)


def shows(answer: Answer, owner: Tenant) -> str | None:
    """A text of `owner`'s found in the answer (also as JSON escapes it)."""
    return next((m for m in owner.markers if m in answer.text or json.dumps(m)[1:-1] in answer.text), None)


# --- the matrix ----------------------------------------------------------------------------------------


def refused(answer: Answer) -> str | None:
    return None if answer.status == 403 else "clients may not use this route: expected 403"


def found(answer: Answer) -> str | None:
    return None if answer.status < 500 and answer.status not in (403, 404) else "the own id must be found"


def not_found(answer: Answer) -> str | None:
    return None if answer.status == 404 else "expected 404"


def unknown(answer: Answer) -> str | None:
    # An id a query or body refers to is unknown to the caller: the field's 422, or 404 — whichever a missing
    # id gets (compared below).
    return None if answer.status in (404, 422) else "expected 404 or 422"


@pytest.mark.parametrize(("route", "slot"), CASES)
def test_another_tenants_id_answers_like_a_missing_one(
    stack: RunningStack, tenants: dict[str, Tenant], tally: Tally, route: Route, slot: Slot
) -> None:
    problems: list[str] = []

    def check(
        user: str, request: Request, ok: Callable[[Answer], str | None], victim: Tenant | None, *, guarded: bool
    ) -> Answer:
        """Send it and judge it: nothing of `victim`'s shown and, when `guarded`, a write changes nothing."""
        before = footprint(stack, user) if request.method != "GET" and guarded else None
        answer = ask(stack, user, route, request)
        tally.requests += 1
        why = ok(answer)
        if victim is not None and (seen := shows(answer, victim)):
            why = f"shows {seen!r} of {victim.user}'s tenant"
        if before is not None and footprint(stack, user) != before:
            why = f"{why or f'answered {answer.status}'}, and it wrote (the database changed)"
        if why:
            problems.append(f"{user}: {request} -> {answer.status} {answer.text[:300]!r}: {why}")
        return answer

    if route.clients_may:
        own_ok, elsewhere_ok = found, (not_found if slot.where == "path" else unknown)
    else:  # the role refuses the route whatever the id: the same 403 for all three tells nothing
        own_ok, elsewhere_ok = refused, refused
    statuses = []
    for user, other in (CLIENTS, CLIENTS[::-1]):
        caller, victim = tenants[user], tenants[other]
        own = check(user, build(route, slot, caller, caller, harmless=True), own_ok, None, guarded=False)
        theirs = check(user, build(route, slot, caller, victim, harmless=False), elsewhere_ok, victim, guarded=True)
        missing = check(user, build(route, slot, caller, None, harmless=False), elsewhere_ok, victim, guarded=True)
        if (theirs.status, theirs.json) != (missing.status, missing.json):
            problems.append(
                f"{user}: another tenant's id and a missing one answer differently ({slot.name}): "
                f"{theirs.status} {theirs.text[:200]!r} vs {missing.status} {missing.text[:200]!r}"
            )
        statuses.append(f"{user} own/other/missing {own.status}/{theirs.status}/{missing.status}")
    if slot.where == "path":
        # Agents see every tenant: only a missing id is theirs to try, a 404 before any write.
        agent = check(AGENT, build(route, slot, tenants[CLIENTS[0]], None, harmless=False), not_found, None,
                      guarded=True)  # fmt: skip
        statuses.append(f"{AGENT} missing {agent.status}")
    print(f"{route.key} [{slot.where}:{slot.name}]: {'; '.join(statuses)}")

    tally.leaks += problems
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", LISTINGS)
def test_routes_without_ids_show_nothing_of_the_other_tenant(
    stack: RunningStack, tenants: dict[str, Tenant], tally: Tally, route: Route
) -> None:
    problems = []
    for user, other in (CLIENTS, CLIENTS[::-1]):
        request = Request(route.method, MOUNT + route.path, {}, None)
        answer = ask(stack, user, route, request)
        tally.requests += 1
        if answer.status >= 500 or (seen := shows(answer, tenants[other])):
            problems.append(f"{user}: {request} -> {answer.status}: {f'shows {seen!r}' if seen else 'fails'}")
    tally.leaks += problems
    assert not problems, "\n".join(problems)
