"""The message catalog and language negotiation."""

from __future__ import annotations

import pytest

from include.integracoes.messages import CATALOG, LANGUAGES, negotiate, text


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "pt-BR"),
        ("", "pt-BR"),
        ("pt-BR,pt;q=0.9", "pt-BR"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,en;q=0.5", "en"),
        ("de-DE", "pt-BR"),
        ("en;q=0.2,pt;q=0.8", "pt-BR"),
        ("en;q=garbage", "pt-BR"),
    ],
)
def test_negotiate(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_every_entry_has_every_language() -> None:
    for key, entry in CATALOG.items():
        assert set(entry) == set(LANGUAGES), key
        assert all(value.strip() for value in entry.values()), key


def test_text_formats_parameters() -> None:
    assert text("ui.page_of", "pt-BR", page=2, pages=5) == "Página 2 de 5"
    assert text("ui.page_of", "xx", page=2, pages=5) == "Página 2 de 5"
    assert text("ui.page_of", "en", page=2, pages=5) == "Page 2 of 5"
