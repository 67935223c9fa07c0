"""Bad inbound files on demand: each kind is one way a partner's file goes wrong, derived deterministically
from a good file, so a test can check that the product refuses exactly what it should.

WMS kinds: unknown_ean, unknown_branch, schema, duplicate, encoding, truncated, oversize.
Cosmos kinds: unknown_ean (a wrong check digit), schema, duplicate, encoding, truncated, oversize.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from include.integracoes.demo_data import ean13
from sandbox import catalogue
from sandbox.catalogue import Product
from sandbox.wms_layouts import SAO_PAULO, Movement, WmsLayout

WMS_KINDS = ("unknown_ean", "unknown_branch", "schema", "duplicate", "encoding", "truncated", "oversize")
COSMOS_KINDS = ("unknown_ean", "schema", "duplicate", "encoding", "truncated", "oversize")
UNKNOWN_EAN = ean13(999_999_999)  # a valid EAN the demo data never generates
UNKNOWN_BRANCH = "99888777000166"  # the CNPJ of no branch
EXAMPLE_EAN = "7891000315507"
EXAMPLE_BRANCH = "11222333000181"  # demo tenant 1's CNPJ
MAX_OVERSIZE = 256 * 1024 * 1024


class BadKindError(ValueError):
    """A kind the partner has no bad file for, or a call missing what the kind needs (pt-BR message)."""


@dataclass(frozen=True)
class BadFile:
    """What the partner declares (`content`: listing size and sha256) and, when cut short, what arrives."""

    content: bytes
    served: bytes | None = None


def example_movements(layout: WmsLayout) -> list[Movement]:
    """The source of a bad WMS file when the credential never had a good one: one loose entry."""
    moment = datetime(2026, 11, 28, 10, 0, tzinfo=SAO_PAULO)
    return [Movement(f"{layout.prefix}-AVULSO-1-E", EXAMPLE_BRANCH, EXAMPLE_EAN, "E", "1.000", moment, "")]


def _oversize_target(size: int | None) -> int:
    if size is None or not 0 < size <= MAX_OVERSIZE:
        raise BadKindError(f"oversize precisa de tamanho (bytes) entre 1 e {MAX_OVERSIZE}")
    return size


def _target(records: Sequence[object]) -> int:
    """The record a one-field fault goes into: the second, so the first stays good, or the only one."""
    return 1 if len(records) > 1 else 0


def bad_movements(layout: WmsLayout, kind: str, movements: Sequence[Movement], size: int | None) -> BadFile:
    target, first = _target(movements), movements[0]
    changed = list(movements)
    match kind:
        case "unknown_ean":
            changed[target] = replace(changed[target], ean=UNKNOWN_EAN)
        case "unknown_branch":
            changed[target] = replace(changed[target], cnpj_filial=UNKNOWN_BRANCH)
        case "duplicate":
            changed.insert(1, first)
        case "schema":
            return BadFile(layout.break_schema(movements))
        case "encoding":
            return BadFile(layout.break_encoding(movements))
        case "truncated":
            good = layout.render(movements)
            return BadFile(good, layout.truncate(good))
        case "oversize":
            return BadFile(layout.pad(movements, _oversize_target(size)))
        case _:
            raise BadKindError(f"tipo de arquivo ruim desconhecido: {kind}; use um de {', '.join(WMS_KINDS)}")
    return BadFile(layout.render(changed))


def _wrong_check_digit(ean: str) -> str:
    return ean[:-1] + str((int(ean[-1]) + 1) % 10)


def bad_catalogue(kind: str, products: Sequence[Product], size: int | None) -> BadFile:
    target, first = _target(products), products[0]
    changed = list(products)
    match kind:
        case "unknown_ean":
            changed[target] = replace(changed[target], ean=_wrong_check_digit(changed[target].ean))
        case "schema":
            changed[0] = replace(first, ncm="ABC")
        case "duplicate":
            changed.insert(1, first)
        case "encoding":
            good, text = catalogue.render(products), first.descricao.encode()
            return BadFile(good.replace(text, text[:1] + b"\xff\xfe" + text[1:], 1))
        case "truncated":
            good = catalogue.render(products)
            return BadFile(good, good[: len(good) // 2])
        case "oversize":
            good = catalogue.render(products).rstrip(b"\n")
            return BadFile(good[:-1] + b" " * max(0, _oversize_target(size) - len(good)) + good[-1:])
        case _:
            raise BadKindError(f"tipo de arquivo ruim desconhecido: {kind}; use um de {', '.join(COSMOS_KINDS)}")
    return BadFile(catalogue.render(changed))
