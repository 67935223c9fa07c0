"""The JSON shape of every paged listing: {items, total, page, page_size, pages}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from pydantic import BaseModel

from include.integracoes.paging import Page

T = TypeVar("T")
Out = TypeVar("Out")


class PageOut(BaseModel, Generic[Out]):
    items: list[Out]
    total: int
    page: int
    page_size: int
    pages: int


def page_out(found: Page[T], convert: Callable[[T], Out]) -> PageOut[Out]:
    return PageOut[Out](
        items=[convert(item) for item in found.items],
        total=found.total,
        page=found.page,
        page_size=found.page_size,
        pages=found.pages,
    )
