"""Pages of a listing: the sizes a user may choose and the page object every listing returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from include.integracoes.errors import Invalid
from include.problems import Problem

PAGE_SIZES = (10, 25, 50, 100)
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def paging_problems(page: int, page_size: int) -> dict[str, Problem]:
    problems = {}
    if page < 1:
        problems["page"] = Problem("paging.invalid_page")
    if page_size not in PAGE_SIZES:
        problems["page_size"] = Problem("paging.invalid_page_size")
    return problems


def check_paging(page: int, page_size: int) -> None:
    if problems := paging_problems(page, page_size):
        raise Invalid(problems, key="http.validation")
