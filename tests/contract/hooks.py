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


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    operation = case.operation
    registration = operation.method.upper() == "POST" and operation.path == "/api/v1/integrations"
    tenant = case.body.get("tenant_id") if isinstance(case.body, dict) else None
    if registration and isinstance(tenant, int) and not isinstance(tenant, bool):
        case.body["tenant_id"] = MISSING_ID
