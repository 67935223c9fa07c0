"""HTTPS upload of a generated file, with the partner's answer classified into delivery errors.

Plain `requests` rather than Airflow's HttpHook: the endpoint and credentials live in the integration's
encrypted configuration, not in an Airflow connection. TLS is always verified (REQUESTS_CA_BUNDLE lets
a deployment add its own authority, as the local partner sandbox does).
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO

import requests

from include.connectors.errors import (
    CredentialsRefusedError,
    PartnerRejectedError,
    PartnerTimeoutError,
    PartnerUnavailableError,
)

CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 120
_MAX_DETAIL = 300


def upload(url: str, body: BinaryIO, size: int, *, headers: dict[str, str], content_type: str) -> dict[str, Any]:
    """POST the file (streamed from storage) and return the partner's JSON answer."""
    try:
        response = requests.post(
            url,
            data=body,
            headers={**headers, "Content-Type": content_type, "Content-Length": str(size)},
            timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
        )
    except requests.Timeout as error:
        raise PartnerTimeoutError(str(error)) from error
    except requests.ConnectionError as error:
        raise PartnerUnavailableError("conexão", str(error)[:_MAX_DETAIL]) from error
    return _answer(response)


def _answer(response: requests.Response) -> dict[str, Any]:
    status = response.status_code
    if status in (401, 403):
        raise CredentialsRefusedError(f"HTTP {status}")
    if status in (400, 409, 413, 415, 422):
        raise PartnerRejectedError(_detail(response) or f"HTTP {status}")
    if status >= 300:
        raise PartnerUnavailableError(status, _detail(response))
    try:
        answer = response.json()
    except ValueError as error:
        raise PartnerUnavailableError(status, "resposta inválida do parceiro") from error
    if not isinstance(answer, dict):
        raise PartnerUnavailableError(status, "resposta inválida do parceiro")
    return answer


def _detail(response: requests.Response) -> str:
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return response.text[:_MAX_DETAIL].strip()
    if isinstance(body, dict):
        return str(body.get("mensagem") or body.get("message") or body.get("erro") or "")[:_MAX_DETAIL]
    return ""
