"""XML built as escaped text: markup, line breaks and forbidden characters."""

from __future__ import annotations

import pytest

from include.connectors.errors import LayoutMismatchError
from include.connectors.formats import Xml
from tests.connectors.conftest import Erp, render_with


def test_xml_escapes_markup_and_omits_nulls(erp: Erp) -> None:
    body, _ = render_with(erp, Xml(root="arquivo", row="item", namespace="urn:teste"))
    from lxml import etree

    root = etree.fromstring(body)
    ns = {"t": "urn:teste"}
    first, second = root.findall("t:item", ns)
    assert first.findtext("t:descricao", namespaces=ns) == 'Dipirona; "500mg"\nlinha 2'
    assert first.findtext("t:obs", namespaces=ns) == "a\\b <x> & ção"
    assert second.find("t:obs", ns) is None


def test_xml_refuses_characters_xml_cannot_carry(erp: Erp) -> None:
    query = "SELECT 'bip' || chr(7) AS texto WHERE %(tenant_id)s IS NOT NULL"
    with pytest.raises(LayoutMismatchError, match="texto"):
        render_with(erp, Xml(), query=query, columns=("texto",), totals=())
