"""The settings object (include/settings.py): every setting the product reads is a typed field with its default and
meaning, README.md's table is generated from it, reads follow the environment as it changes, a value that cannot
be read names its variable, and no module reads an `INTEGRACOES_*` variable any other way."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import time
from pathlib import Path

import pytest

from include import settings

REPO = Path(__file__).resolve().parents[2]
TREES = ("include", "plugins", "sandbox", "scripts", "config", "dags")
REGENERATE = "python -m include.settings --update README.md"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No setting of the environment the tests run in leaks into these."""
    for name in settings.VARIABLES:
        monkeypatch.delenv(name, raising=False)


# --- README.md -------------------------------------------------------------------------------------------------


def test_the_readme_table_is_the_generated_one() -> None:
    readme = (REPO / "README.md").read_text()
    assert readme.count(settings.README_BEGIN) == readme.count(settings.README_END) == 1
    assert readme == settings.with_table(readme), f"README.md's settings table is out of date: run `{REGENERATE}`"


def test_every_setting_has_a_meaning_and_a_row() -> None:
    table = settings.markdown()
    for name, field in settings.Settings.model_fields.items():
        assert field.description, name
        assert not field.description.endswith("."), name  # a table cell, like the others
        assert f"| `{settings.variable(name)}` |" in table
    assert settings.variable("airflow_database_url") == "AIRFLOW_DATABASE_URL"
    assert settings.variable("retry_delay_s") == "INTEGRACOES_RETRY_DELAY_S"


def test_the_table_shows_each_default() -> None:
    rows = {line.split(" | ")[0].strip("| `"): line.split(" | ")[1] for line in settings.markdown().splitlines()[2:]}
    assert rows["INTEGRACOES_RETRY_DELAY_S"] == "30"
    assert rows["INTEGRACOES_ERP_OFFLINE_SHARE"] == "0.2"
    assert rows["INTEGRACOES_SESSION_HOURS"] == "24"
    assert rows["INTEGRACOES_HOST"] == "`127.0.0.1`"
    assert rows["INTEGRACOES_ERP_OFFLINE_DELAY_S"] == "`120,7200`"
    assert rows["INTEGRACOES_PORT"] == "8080, or a free port if taken (remembered)"


# --- defaults and reading -----------------------------------------------------------------------------------


def test_the_defaults() -> None:
    given = settings.current()
    assert (given.data, given.port, given.host) == (None, None, "127.0.0.1")
    assert (given.database_url, given.airflow_database_url) == (None, None)
    assert (given.smtp_host, given.smtp_port, given.smtp_security) == (None, 587, "starttls")
    assert given.smtp_sender == "Integrações <nao-responda@integracoes.local>"
    assert (given.session_hours, given.max_log_streams, given.stream_recheck_s) == (24.0, 5, 30.0)
    assert (given.alert_failures, given.late_after_periods, given.support_email) == (3, 3, ())
    assert (given.extraction_slots, given.step_timeout_min, given.run_timeout_min) == (None, None, None)
    assert (given.retry_delay_s, given.daily_send_at, given.daily_spread_min) == (30, time(6, 0), 60)
    assert (given.files_url, given.files_conn_id, given.executor) == (None, None, None)
    assert (given.celery_broker_url, given.worker_concurrency) == ("redis://127.0.0.1:6379/0", 4)
    assert (given.log_max_mb, given.log_backups) == (50, 5)
    assert (given.reconcile_every_s, given.dead_run_grace_s) == (30.0, 20.0)
    assert (given.file_retention_days, given.task_log_retention_days) == (90, 30)
    assert (given.partner_domains, given.partner_hosts, given.dags_strict) == (None, frozenset(), False)
    assert (given.erp_simulator, given.erp_sales_per_hour, given.erp_offline_share) == (None, 30.0, 0.2)
    assert (given.erp_offline_delay_s, given.erp_seed, given.erp_offline_backlog_h) == ((120.0, 7200.0), 20261206, 0)
    assert (given.demo_incremental_minutes, given.demo_daily_minutes) == (5, 0)
    assert given.inbound_max_bytes == 50 * 1024 * 1024
    assert (given.sandbox_url, given.sandbox_sftp_port, given.sandbox_sftp_host_key) == (None, 22, "")
    assert given.sandbox_s3_url is None


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_value_is_unset(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("INTEGRACOES_SMTP_HOST", "INTEGRACOES_RETRY_DELAY_S", "INTEGRACOES_DATA", "INTEGRACOES_PORT"):
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("INTEGRACOES_ERP_OFFLINE_DELAY_S", value)
    given = settings.current()
    assert (given.smtp_host, given.retry_delay_s, given.data, given.port) == (None, 30, None, None)
    assert given.erp_offline_delay_s == (120.0, 7200.0)


def test_a_pair_of_seconds() -> None:
    assert settings.of({"INTEGRACOES_ERP_OFFLINE_DELAY_S": "60, 600"}).erp_offline_delay_s == (60.0, 600.0)
    assert settings.of({"INTEGRACOES_ERP_OFFLINE_DELAY_S": "90"}).erp_offline_delay_s == (90.0, 90.0)


def test_json_domains() -> None:
    given = settings.of({"INTEGRACOES_PARTNER_DOMAINS": '{"smarket": ["smarket.com.br", "smkt.net"]}'})
    assert given.partner_domains == {"smarket": ("smarket.com.br", "smkt.net")}


def test_lists_of_addresses_and_hosts() -> None:
    given = settings.of(
        {"INTEGRACOES_SUPPORT_EMAIL": " a@x.example; ;b@x.example ", "INTEGRACOES_PARTNER_HOSTS": "A, b,"}
    )
    assert given.support_email == ("a@x.example", "b@x.example")
    assert given.partner_hosts == frozenset({"a", "b"})


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("true", True), ("YES", True), ("0", False),
                                                 ("no", False), ("on", False)])  # fmt: skip
def test_flags_are_1_true_or_yes(value: str, expected: bool) -> None:
    given = settings.of({"INTEGRACOES_DAGS_STRICT": value, "INTEGRACOES_ERP_SIMULATOR": value})
    assert given.dags_strict is given.erp_simulator is expected


def test_settings_that_always_fell_back_still_do() -> None:
    """These read `digits, else the default` before there was a settings object; they still do."""
    given = settings.of({"INTEGRACOES_FILE_RETENTION_DAYS": "30d", "INTEGRACOES_TASK_LOG_RETENTION_DAYS": "-1",
                         "INTEGRACOES_EXTRACTION_SLOTS": "0"})  # fmt: skip
    assert (given.file_retention_days, given.task_log_retention_days, given.extraction_slots) == (90, 30, None)
    given = settings.of({"INTEGRACOES_FILE_RETENTION_DAYS": "0", "INTEGRACOES_EXTRACTION_SLOTS": "8"})
    assert (given.file_retention_days, given.extraction_slots) == (0, 8)


def test_choices_and_times() -> None:
    given = settings.of({"INTEGRACOES_EXECUTOR": "Celery", "INTEGRACOES_SMTP_SECURITY": "ssl",
                         "INTEGRACOES_DAILY_SEND_AT": "6:05"})  # fmt: skip
    assert (given.executor, given.smtp_security, given.daily_send_at) == ("celery", "ssl", time(6, 5))


def test_secrets_stay_out_of_the_repr() -> None:
    given = settings.of({"INTEGRACOES_SMTP_PASSWORD": "s3cret", "INTEGRACOES_DATABASE_URL": "postgresql://u:pw@h/db"})
    assert "s3cret" not in repr(given)
    assert "pw@" not in repr(given)
    assert given.smtp_password is not None
    assert given.smtp_password.get_secret_value() == "s3cret"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("INTEGRACOES_RETRY_DELAY_S", "half a minute", "expected a whole number"),
        ("INTEGRACOES_SESSION_HOURS", "1d", "expected a number"),
        ("INTEGRACOES_DAILY_SEND_AT", "24:00", "expected a time of day as HH:MM"),
        ("INTEGRACOES_DAILY_SPREAD_MIN", "721", "expected whole minutes between 0 and 720"),
        ("INTEGRACOES_STEP_TIMEOUT_MIN", "0", "expected whole minutes, at least 1"),
        ("INTEGRACOES_ERP_OFFLINE_DELAY_S", "1,x", "expected two numbers of seconds"),
        ("INTEGRACOES_EXECUTOR", "kubernetes", "expected local or celery"),
        ("INTEGRACOES_SMTP_SECURITY", "tls", "expected starttls, ssl or none"),
        ("INTEGRACOES_PARTNER_DOMAINS", "smarket.com.br", "is not JSON"),
        ("INTEGRACOES_PARTNER_DOMAINS", '["smarket.com.br"]', "must be an object"),
        ("INTEGRACOES_PARTNER_DOMAINS", '{"smarket": []}', "smarket needs a non-empty list"),
    ],
)
def test_a_bad_value_names_its_variable_and_what_is_expected(
    name: str, value: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(settings.SettingsError) as raised:
        settings.current()
    message = str(raised.value)
    assert message.startswith(f"{name}={value!r}: ")
    assert expected in message
    assert "\n" not in message


def test_every_bad_value_is_named_in_the_one_line() -> None:
    with pytest.raises(settings.SettingsError, match=r"^INTEGRACOES_PORT='x': .*; INTEGRACOES_SMTP_PORT='y': "):
        settings.of({"INTEGRACOES_PORT": "x", "INTEGRACOES_SMTP_PORT": "y"})


# --- live reads -------------------------------------------------------------------------------------------------


def test_reads_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    first = settings.current()
    assert settings.current() is first, "nothing changed: the same object"
    monkeypatch.setenv("INTEGRACOES_ALERT_FAILURES", "7")
    assert settings.current().alert_failures == 7
    monkeypatch.setenv("INTEGRACOES_ALERT_FAILURES", "8")
    assert settings.current().alert_failures == 8
    monkeypatch.delenv("INTEGRACOES_ALERT_FAILURES")
    assert settings.current().alert_failures == 3
    monkeypatch.setenv("NOT_A_SETTING", "1")
    assert settings.current() is settings.current()


def test_a_given_environment_is_read_instead_of_the_process_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_LOG_MAX_MB", "7")
    assert settings.of({"INTEGRACOES_LOG_MAX_MB": "1", "PATH": "/bin"}).log_max_mb == 1
    assert settings.of({}).log_max_mb == 50


def test_a_read_is_cheap() -> None:
    import timeit

    settings.current()
    each = min(timeit.repeat(settings.current, number=200, repeat=5)) / 200
    assert each < 200e-6, f"{each * 1e6:.0f} µs per read"


# --- nobody else reads them --------------------------------------------------------------------------------------


def _is_environ(node: ast.expr) -> bool:
    """`os.environ`, `environ`, `os.environb`, or a mapping named so (a child's environment)."""
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return name in ("environ", "environb")


def _setting_names(tree: ast.Module) -> set[str]:
    """Names bound to a string `INTEGRACOES_…` anywhere in the module (constants)."""
    names = set()
    for node in ast.walk(tree):
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        value = getattr(node, "value", None)
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.startswith("INTEGRACOES_"):
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _names_a_setting(node: ast.expr | None, constants: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value.startswith("INTEGRACOES_")
    return isinstance(node, ast.Name) and node.id in constants


def _reads(node: ast.AST) -> ast.expr | None:
    """The name a node reads from the environment, if it is such a read: `<environ>.get/pop/setdefault(name)`,
    `getenv(name)`, `<environ>[name]`, `name in <environ>`."""
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        callee = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        is_getenv = callee == "getenv"
        is_get = callee in ("get", "pop", "setdefault") and isinstance(func, ast.Attribute) and _is_environ(func.value)
        return node.args[0] if is_getenv or is_get else None
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_environ(node.value):
        return node.slice
    if isinstance(node, ast.Compare) and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops):
        return node.left if any(map(_is_environ, node.comparators)) else None
    return None


def environment_reads(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) of every read of an `INTEGRACOES_…` variable from the environment in the source."""
    tree = ast.parse(source)
    constants = _setting_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.expr) and _names_a_setting(_reads(node), constants):
            yield node.lineno, ast.unparse(node)


def test_no_module_reads_a_setting_from_the_environment() -> None:
    reads = {
        f"{path.relative_to(REPO)}:{line}": what
        for tree in TREES
        for path in sorted((REPO / tree).rglob("*.py"))
        if path != REPO / "include" / "settings.py"
        for line, what in environment_reads(path.read_text())
    }
    assert not reads, "read them through include.settings.current() instead"


def test_the_scan_sees_every_form_of_read() -> None:
    source = """
import os
from os import environ, getenv
NAME = "INTEGRACOES_X"
a = os.environ.get("INTEGRACOES_A", "1")
b = os.environ["INTEGRACOES_B"]
c = os.getenv("INTEGRACOES_C")
d = environ.get(NAME)
e = getenv(NAME, "")
def f(environ):
    return int(environ.get(NAME, "5")) + ("INTEGRACOES_F" in os.environ)
os.environ["INTEGRACOES_WRITTEN"] = "1"
env = {"INTEGRACOES_COMPOSED": "1"}
g = os.environ.get("PATH")
"""
    assert [line for line, _ in environment_reads(source)] == [5, 6, 7, 8, 9, 11, 11]
