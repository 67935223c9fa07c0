"""The types of the API's path and query parameters, with the bounds the OpenAPI document states.

One place, so every route validates the same way and generated clients and property-based testers read
the same rules the server applies: ids are positive PostgreSQL integers, pages are 1-based, page sizes
come from a fixed list, booleans are `true`/`false` only, dates fall in the years the product can hold.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from include.integracoes.paging import PAGE_SIZES
from include.integracoes.periods import FIRST_DAY, LAST_DAY

MAX_ID = 2**31 - 1  # ids and counters are PostgreSQL integers


def _path_id(what: str) -> Any:
    return Path(ge=1, le=MAX_ID, description=f"Id {what}")


IntegrationId = Annotated[int, _path_id("da integração")]
TaskId = Annotated[int, _path_id("da tarefa")]
FileId = Annotated[int, _path_id("do arquivo")]
TenantId = Annotated[int, _path_id("da rede")]
UserId = Annotated[int, _path_id("do usuário")]

# An id in a query or a body (a zone, a branch, a tenant).
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]

PageNumber = Annotated[int, Query(ge=1, le=MAX_ID, description="Página (a primeira é 1)")]


def page_size_param(default: int) -> Any:
    return Query(default=default, description="Itens por página", json_schema_extra={"enum": list(PAGE_SIZES)})


# The same two, as fields of a query model (listings whose filters are a model of their own).
PageField = Annotated[int, Field(ge=1, le=MAX_ID, description="Página (a primeira é 1)")]
PageSizeField = Annotated[int, Field(description="Itens por página", json_schema_extra={"enum": list(PAGE_SIZES)})]


def _strict_bool(value: Any) -> Any:
    """`true`/`false` (any case) only: FastAPI would also take `yes`, `on` and `1` for true."""
    if isinstance(value, str):
        if value.lower() not in ("true", "false"):
            raise ValueError("not a boolean")
        return value.lower() == "true"
    return value


# Use as `Annotated[StrictQueryBool, Query(...)] = False`: FastAPI ignores a type's validators when the
# Query is the default value.
StrictQueryBool = Annotated[bool, BeforeValidator(_strict_bool)]


def _in_range(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError("date out of range")
    return day


_DAY_PATTERN = (
    r"^20\d\d-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))$"
    r"|^20(?:[02468][048]|[13579][26])-02-29$"
)
# The pattern states the year range in the OpenAPI document (JSON Schema has no bounds for dates).
Day = Annotated[
    date,
    AfterValidator(_in_range),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _DAY_PATTERN}),
    Field(description=f"AAAA-MM-DD, de {FIRST_DAY:%Y} a {LAST_DAY:%Y}"),
]

# An amount in R$ (a filter): a JSON number in the document, read exactly (Decimal) by the server.
Amount = Annotated[Decimal, Field(ge=0, le=10**9), WithJsonSchema({"type": "number", "minimum": 0, "maximum": 10**9})]
