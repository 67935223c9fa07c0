"""Each configuration key's JSON Schema (GET /types `json_schema`, checked by the form as the value is typed)
never refuses a value the server accepts: every value of the demo registrations, all of them valid, matches
its key's pattern, and the schema states the rule's range and choices."""

from __future__ import annotations

import re

import pytest

from include.connectors.catalog import CATALOG
from include.connectors.config import ConfigKey, Email, IntRange, OneOf, Pattern
from scripts.demo_integrations import demo_registrations


def _patterns(schema: dict[str, object]) -> list[str]:
    parts = [schema, *schema.get("allOf", [])]  # type: ignore[list-item]
    return [str(part["pattern"]) for part in parts if isinstance(part, dict) and "pattern" in part]


def test_every_valid_demo_value_matches_its_keys_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_SANDBOX_URL", "https://127.0.0.1:8443")
    monkeypatch.setenv("INTEGRACOES_SANDBOX_SFTP_HOST_KEY", "SHA256:" + "A" * 43)
    checked = 0
    for _, _, code, _, config in demo_registrations():
        for name, value in config.items():
            key = CATALOG[code].key(name)
            assert key is not None, (code, name)
            if key.problem(value) is not None:
                continue  # a value the demo leaves for the stack to fill
            for pattern in _patterns(key.json_schema()):
                assert re.search(pattern, value.strip()), (code, name, value, pattern)
                checked += 1
    assert checked > 20


def test_a_schema_states_what_its_rules_accept() -> None:
    assert ConfigKey("p", "P", rules=(Pattern(r"\d{6}", "validation.digits6"),)).json_schema() == {
        "type": "string", "maxLength": 2000, "minLength": 1, "pattern": r"^(?:\d{6})$",
    }  # fmt: skip
    ranged = ConfigKey("n", "N", required=False, rules=(IntRange(1, 90),)).json_schema()
    assert (ranged["x-minimum"], ranged["x-maximum"], "minLength" in ranged) == (1, 90, False)
    assert ConfigKey("c", "C", rules=(OneOf(("a", "b")),)).json_schema()["enum"] == ["a", "b"]
    several = ConfigKey("e", "E", rules=(Email(several=True),)).json_schema()["pattern"]
    assert re.search(several, "a@b.com; c@d.com.br")
    assert not re.search(several, "a@b.com, c@d.com")
