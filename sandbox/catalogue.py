"""Cosmos's product-data files (inbound contract): the catalogue the sandbox offers by default and the
product records behind it, deterministic so tests and the demo know what arrives.

The default EANs are demo tenant 1's first ten products (`ean13(1_000_000 + n)`, so the demo updates
products it has) plus two EANs the demo never generated (`ean13(1_900_000 + k)`, products new to it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from include.integracoes.demo_data import ean13

MEDIA_TYPE = "application/json"
DEMO_PRODUCTS = 10
NEW_PRODUCTS = 2

# descricao, categoria, ncm: a small pharmacy assortment, picked by EAN
_ASSORTMENT = (
    ("Dipirona Sódica 500mg 10 comprimidos", "Analgésicos", "30049099"),
    ("Amoxicilina 500mg 21 cápsulas", "Antibióticos", "30041012"),
    ("Ibuprofeno 400mg 10 cápsulas", "Anti-inflamatórios", "30049099"),
    ("Vitamina C 1g 10 comprimidos efervescentes", "Vitaminas e suplementos", "21069030"),
    ("Creme dental com flúor 90g", "Higiene bucal", "33061000"),
    ("Protetor solar FPS 50 200ml", "Dermocosméticos", "33049990"),
    ("Loratadina 10mg 12 comprimidos", "Antialérgicos", "30049099"),
)
# marca, fabricante
_MAKERS = (
    ("Neo Química", "Hypera S.A."),
    ("Medley", "Sanofi Medley Farmacêutica Ltda."),
    ("EMS", "EMS S.A."),
    ("Cimed", "Cimed Indústria S.A."),
    ("Eurofarma", "Eurofarma Laboratórios S.A."),
)


@dataclass(frozen=True)
class Product:
    """One product record of a Cosmos file; text fields stay text, since a bad file may hold anything."""

    ean: str
    descricao: str
    marca: str
    fabricante: str
    ncm: str
    categoria: str

    def as_record(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: Mapping[str, str]) -> Product:
        return cls(**{field: record[field] for field in cls.__dataclass_fields__})


def default_eans() -> list[str]:
    return [ean13(1_000_000 + n) for n in range(DEMO_PRODUCTS)] + [ean13(1_900_000 + k) for k in range(NEW_PRODUCTS)]


def product(ean: str) -> Product:
    """The record Cosmos holds for an EAN: the same EAN always gets the same description and maker."""
    number = int(ean)
    descricao, categoria, ncm = _ASSORTMENT[number % len(_ASSORTMENT)]
    marca, fabricante = _MAKERS[number // len(_ASSORTMENT) % len(_MAKERS)]
    return Product(ean, descricao, marca, fabricante, ncm, categoria)


def render(products: Sequence[Product]) -> bytes:
    document = {"produtos": [p.as_record() for p in products]}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def is_valid_ean(ean: str) -> bool:
    """8 to 14 digits with a valid GS1 check digit."""
    if not (ean.isdigit() and 8 <= len(ean) <= 14):
        return False
    body = ean[:-1][::-1]
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(body))
    return (10 - total % 10) % 10 == int(ean[-1])
