"""Schemathesis hooks for the contract run against the shared test stack.

The fuzzer must not change what the other stack tests see. Ids in the path of the routes that write are
pinned to an id that cannot exist in schemathesis.toml; a registration's tenant is pinned here (a body
field), so every registration is validated in full and then refused for an unknown tenant. The test also
counts the rows before and after the run: the fuzzer writes nothing.
"""

from __future__ import annotations

from typing import Any

import schemathesis

MISSING_ID = 2_147_480_000


# Creations whose body holds a value that can never pass (kept only when the fuzzer sent one of the right
# type, so type checks are still exercised): fully validated, then refused.
NEVER_VALID = {
    "/api/v1/tenants": ("cnpj", "00000000000000"),  # all digits equal: no CNPJ
    "/api/v1/users": ("password", "sem-regra"),  # breaks the password rule
}


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    operation = case.operation
    method = operation.method.upper()
    body = case.body if isinstance(case.body, dict) else None
    if body is None:
        return
    tenant = body.get("tenant_id")
    if method == "POST" and operation.path == "/api/v1/integrations":
        if isinstance(tenant, int) and not isinstance(tenant, bool):
            body["tenant_id"] = MISSING_ID
    elif method == "POST" and operation.path in NEVER_VALID:
        field, value = NEVER_VALID[operation.path]
        if isinstance(body.get(field), str) or field not in body:
            body[field] = value
    elif method == "PUT" and operation.path == "/api/v1/me/preferences" and "language" in body:
        body["language"] = None  # the fuzzing user's pages stay in the browser's language
