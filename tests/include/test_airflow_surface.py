"""Every place the product leans on Airflow beyond its public interface, listed — so an upgrade of Airflow
re-checks exactly these, and a new one is a decision, not an accident.

Airflow's public interface (its "Public Interface for Airflow 3.0+"): the Task SDK (`airflow.sdk` and its
exceptions), timetables, listeners, plugins, exceptions, the auth manager interface, and the providers'
operators, hooks and auth managers. Everything else (the ORM models, `airflow.utils`, `airflow.settings`, the
API server's internals, providers' internal helpers) may change in any release. This test reads the imports of
`include/`, `plugins/`, `dags/` and `scripts/` and compares what is private with `PRIVATE`: a private name used
and not listed fails (add it, with why), and one listed but no longer used fails too (remove it).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FOLDERS = ("include", "plugins", "dags", "scripts")

PUBLIC_MODULES = (
    "airflow.sdk",
    "airflow.sdk.exceptions",
    "airflow.exceptions",
    "airflow.timetables.",
    "airflow.listeners.",
    "airflow.plugins_manager",
    "airflow.api_fastapi.auth.managers.base_auth_manager",
    "airflow.providers.standard.operators.",
    "airflow.providers.amazon.aws.hooks.",
    "airflow.providers.fab.auth_manager.fab_auth_manager",
)

# name → the modules that use it, and why no public surface does.
PRIVATE: dict[str, set[str]] = {
    # The metadata database, read and written by the stack's own processes (never by task code), in one module:
    # the REST API would need a user's token, which these processes have none to give.
    "airflow.utils.session.create_session": {"include/airflow_adapter/control.py"},
    "airflow.models.dagrun.DagRun": {"include/airflow_adapter/control.py"},
    "airflow.models.dag.DagModel": {"include/airflow_adapter/control.py"},
    "airflow.models.taskinstance.TaskInstance": {"include/airflow_adapter/control.py"},
    "airflow.models.pool.Pool": {"include/airflow_adapter/control.py"},
    "airflow.models.dagbag.DagPriorityParsingRequest": {"include/airflow_adapter/control.py"},
    "airflow.utils.state.TaskInstanceState": {"include/airflow_adapter/control.py"},
    "airflow.utils.types.DagRunTriggeredByType": {"include/airflow_adapter/control.py"},
    # Triggering a run in process (the REST API would need a token the API server gives itself).
    "airflow.api.common.trigger_dag.trigger_dag": {"include/airflow_adapter/control.py"},
    # The API server's auth manager instance and the user of a request, for the plugin's own auth dependency.
    "airflow.api_fastapi.app.get_auth_manager": {
        "plugins/integracoes/auth.py", "plugins/integracoes/directory.py", "plugins/integracoes/error_handlers.py",
        "plugins/integracoes/landing.py",
    },
    "airflow.api_fastapi.core_api.security.get_user": {"plugins/integracoes/auth.py"},
    # Settings read where no hook passes them (log folder, the API's base URL).
    "airflow.configuration.conf": {
        "include/airflow_adapter/task_logs.py", "plugins/integracoes/auth.py", "plugins/integracoes_plugin.py",
    },
    "airflow.settings": {"plugins/integracoes/directory.py"},
    # Airflow's Fernet key, which also encrypts the partners' credentials at rest.
    "airflow.models.crypto.get_fernet": {"include/airflow_adapter/runtime.py"},
    # The components' own entry point, behind the preloaded DAG factory.
    "airflow.__main__.main": {"include/airflow_adapter/preloaded.py"},
    # Provider helpers: FAB's application builder (roles and users), the AWS connection's reading.
    "airflow.providers.fab.auth_manager.cli_commands.utils.get_application_builder": {"scripts/security_setup.py"},
    "airflow.providers.amazon.aws.utils.connection_wrapper.AwsConnectionWrapper": {
        "include/connectors/transports/s3.py"
    },
}  # fmt: skip

# Couplings no import shows: (file, what it relies on, a pattern that finds it).
BEHAVIOURS = (
    ("plugins/integracoes/directory.py", "the FAB auth manager's per-process token cache (`cache`)",
     r'getattr\(get_auth_manager\(\), "cache"'),
    ("include/airflow_adapter/auth_manager.py", "the dag-processor's check of the auth manager's class name",
     r"FabAuthManager"),
)  # fmt: skip


def _private(module: str, name: str | None) -> str | None:
    full = f"{module}.{name}" if name else module
    if not module.startswith("airflow"):
        return None
    if any(module == public.rstrip(".") or module.startswith(public) for public in PUBLIC_MODULES):
        return None
    return full


def _imported(node: ast.AST) -> list[tuple[str, str | None]]:
    """(module, name) pairs an import statement brings in (name None: the module itself)."""
    if isinstance(node, ast.Import):
        return [(alias.name, None) for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        if node.module == "airflow":  # `from airflow import settings`: a module
            return [(f"airflow.{alias.name}", None) for alias in node.names]
        return [(node.module, alias.name) for alias in node.names]
    return []


def used() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for folder in FOLDERS:
        for path in sorted((REPO / folder).rglob("*.py")):
            relative = str(path.relative_to(REPO))
            for node in ast.walk(ast.parse(path.read_text(), relative)):
                for module, name in _imported(node):
                    if (private := _private(module, name)) is not None:
                        found[private].add(relative)
    return dict(found)


def test_every_private_airflow_name_in_use_is_listed_with_where() -> None:
    found = used()
    unlisted = {name: sorted(where) for name, where in found.items() if name not in PRIVATE}
    gone = sorted(set(PRIVATE) - set(found))
    moved = {name: (sorted(PRIVATE[name]), sorted(where)) for name, where in found.items()
             if name in PRIVATE and where != PRIVATE[name]}  # fmt: skip
    assert not unlisted, f"private Airflow names used but not listed in PRIVATE: {unlisted}"
    assert not gone, f"listed in PRIVATE but no longer used (remove them): {gone}"
    assert not moved, f"used elsewhere than PRIVATE says (listed, found): {moved}"


def test_the_couplings_no_import_shows_are_still_there() -> None:
    for file, what, pattern in BEHAVIOURS:
        assert re.search(pattern, (REPO / file).read_text()), f"{file} no longer relies on {what}: update BEHAVIOURS"


ADAPTER = "include/airflow_adapter/"
# Outside the adapter, only the transports touch Airflow: the providers' hooks as I/O libraries, and the Task
# SDK's Connection they are built from.
TRANSPORTS = "include/connectors/transports/"
TRANSPORT_MAY_IMPORT = ("airflow.providers.", "airflow.sdk.Connection")


def test_only_the_adapter_package_imports_airflow() -> None:
    outside = []
    for path in sorted((REPO / "include").rglob("*.py")):
        relative = str(path.relative_to(REPO))
        if relative.startswith(ADAPTER):
            continue
        for node in ast.walk(ast.parse(path.read_text(), relative)):
            for module, name in _imported(node):
                if module != "airflow" and not module.startswith("airflow."):
                    continue
                full = f"{module}.{name}" if name else module
                if relative.startswith(TRANSPORTS) and full.startswith(TRANSPORT_MAY_IMPORT):
                    continue
                outside.append(f"{relative}: {full}")
    assert not outside, f"Airflow imported outside {ADAPTER} (use include.airflow_adapter.runtime): {outside}"


def test_the_check_sees_a_private_import(tmp_path: Path) -> None:
    assert _private("airflow.models.dagrun", "DagRun") == "airflow.models.dagrun.DagRun"
    assert _private("airflow.sdk", "DAG") is None
    assert _private("airflow.providers.standard.operators.python", "PythonOperator") is None
    assert _private("airflow.providers.amazon.aws.utils.connection_wrapper", "X") is not None
