"""The auth dependency's rules with a fake Airflow user: CSRF, permission checks and the error shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from include.integracoes.permissions import Action, Resource
from include.integracoes.principal import Principal, Tenant
from integracoes import auth
from integracoes.app import create_routes
from integracoes.errors import ApiError


@dataclass
class FakeRole:
    name: str


@dataclass
class FakeUser:
    username: str
    permissions: frozenset[tuple[str, str]]
    roles: tuple[FakeRole, ...] = (FakeRole("Client"),)

    def get_name(self) -> str:
        return self.username


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    user = FakeUser("cliente1", frozenset({("can_read", "Integracoes")}))

    async def fake_airflow_user(request: Any, bearer: Any) -> FakeUser:
        if bearer is None and "_token" not in request.cookies:
            raise ApiError(401, "auth.missing")
        return user

    def fake_is_authorized(u: FakeUser, action: Action, resource: Resource) -> bool:
        return (str(action), str(resource)) in u.permissions

    def fake_principal(conn: Any, *, username: str, roles: tuple[str, ...], is_support_agent: bool) -> Principal:
        return Principal(username, roles, is_support_agent, (Tenant(1, "Farmácia Vida"),))

    class NoPool:
        def __enter__(self) -> None:
            return None

        def __exit__(self, *args: object) -> None:
            return None

    monkeypatch.setattr(auth, "_airflow_user", fake_airflow_user)
    monkeypatch.setattr(auth, "is_authorized", fake_is_authorized)
    monkeypatch.setattr(auth, "load_principal", fake_principal)
    monkeypatch.setattr(auth.db, "pooled", NoPool)
    application = create_routes()

    @application.post("/probe")
    def probe(caller: auth.Caller = Depends(auth.authenticated)) -> dict[str, str]:
        return {"ok": caller.principal.username}

    @application.put("/edit")
    def edit(caller: auth.Caller = Depends(auth.require(Action.EDIT, Resource.INTEGRACOES))) -> dict[str, str]:
        return {"ok": "edited"}

    return application


def test_me_with_bearer(app: FastAPI) -> None:
    response = TestClient(app).get("/api/v1/me", headers={"Authorization": "Bearer x"})
    assert response.json() == {
        "username": "cliente1",
        "roles": ["Client"],
        "tenants": [{"id": 1, "name": "Farmácia Vida"}],
        "is_support_agent": False,
        "language": None,
    }


def test_cookie_post_without_origin_is_refused(app: FastAPI) -> None:
    client = TestClient(app, cookies={"_token": "x"})
    response = client.post("/probe")
    assert response.status_code == 403
    assert "origem" in response.json()["message"]


def test_cookie_post_from_another_site_is_refused(app: FastAPI) -> None:
    client = TestClient(app, cookies={"_token": "x"})
    assert client.post("/probe", headers={"Origin": "http://evil.example"}).status_code == 403


def test_cookie_post_from_the_same_origin_passes(app: FastAPI) -> None:
    client = TestClient(app, cookies={"_token": "x"})
    response = client.post("/probe", headers={"Origin": "http://testserver"})
    assert response.status_code == 200, response.text


def test_bearer_post_needs_no_origin(app: FastAPI) -> None:
    assert TestClient(app).post("/probe", headers={"Authorization": "Bearer x"}).status_code == 200


def test_missing_permission_is_403_in_our_shape(app: FastAPI) -> None:
    response = TestClient(app).put("/edit", headers={"Authorization": "Bearer x"})
    assert response.status_code == 403
    assert response.json() == {"message": "Você não tem permissão para realizar esta operação."}


def test_anonymous_is_401_with_www_authenticate(app: FastAPI) -> None:
    response = TestClient(app).get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
