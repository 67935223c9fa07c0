"""docker-compose.yaml, checked without a container engine: the Compose Specification's JSON schema, then the
topology the local stack proves (CeleryExecutor, Redis, PostgreSQL, the execution API apart from the UI, two
workers, files on S3), the image and variables every Airflow component shares, secrets that only come from
.env, and consistency with the Dockerfile. `compose_problems` lists what is wrong; the last tests break a copy
of the file on purpose to show each rule can fail."""

from __future__ import annotations

import copy
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).with_name("compose_spec") / "compose-spec.json"

SECRETS = ("AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY")
DATABASE_URLS = (
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW__CELERY__RESULT_BACKEND",
    "INTEGRACOES_DATABASE_URL",
)
# What scripts/stack.py gives every process for the demo only: the partner sandbox's addresses, which pass the
# partners' host allow-list (include/connectors/hosts.py) — never in production.
SANDBOX_ONLY = re.compile(r"INTEGRACOES_PARTNER_HOSTS|INTEGRACOES_SANDBOX_\w*")
# Where the code is found; the Dockerfile's ENV may give them (the image is self-sufficient).
CODE_SETTINGS = (
    "AIRFLOW_CONFIG",
    "AIRFLOW__CORE__DAGS_FOLDER",
    "AIRFLOW__CORE__PLUGINS_FOLDER",
    "AIRFLOW__FAB__CONFIG_FILE",
    "PYTHONPATH",
)
REQUIRED_VAR = re.compile(r"^\$\{(\w+):?\?[^}]*\}$")  # ${VAR:?message}: compose refuses to start without it
INTERPOLATION = re.compile(r"(?<!\$)\$\{(\w+)(?:(:?[-?])([^}]*))?\}")
HEALTHY, COMPLETED = "service_healthy", "service_completed_successfully"


# --- loading -------------------------------------------------------------------------------------


def load_compose() -> dict[str, Any]:
    return dict(yaml.safe_load((REPO / "docker-compose.yaml").read_text()))


def dockerfile_facts() -> tuple[dict[str, str], dict[str, str], str]:
    """(ENV, COPY source -> destination, WORKDIR) of the Dockerfile."""
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    copies: dict[str, str] = {}
    workdir = ""
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        if words[0] == "ENV":
            env.update(word.split("=", 1) for word in words[1:])  # type: ignore[misc]
        elif words[0] == "COPY":
            *sources, destination = [w for w in words[1:] if not w.startswith("--")]
            copies.update({source: destination for source in sources})
        elif words[0] == "WORKDIR":
            workdir = words[1]
    return env, copies, workdir


def documented_variables() -> tuple[set[str], set[str]]:
    """(variables set in .env.example, variables only mentioned in a comment there)."""
    set_, mentioned = set(), set()
    for line in (REPO / ".env.example").read_text().splitlines():
        if match := re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=", line.strip()):
            (mentioned if match.group(1) else set_).add(match.group(2))
    return set_, mentioned


def words(command: str | list[str] | None) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command or [])


def roles(services: dict[str, Any]) -> dict[str, list[str]]:
    """Which service plays which part, told by what it runs (so a renamed service is still found)."""
    found: dict[str, list[str]] = {}
    for name, service in services.items():
        argv = words(service.get("command"))
        role = {
            ("api-server", "--apps", "core"): "ui",
            ("api-server", "--apps", "execution"): "execution",
            ("python", "-m", "include.airflow_adapter.preloaded", "scheduler"): "scheduler",
            ("python", "-m", "include.airflow_adapter.preloaded", "dag-processor"): "dag-processor",
            ("triggerer",): "triggerer",
            ("python", "-m", "include.airflow_adapter.preloaded", "celery", "worker"): "worker",
            ("python", "-m", "scripts.stack", "prepare"): "init",
            ("python", "-m", "include.airflow_adapter.reconciler", "--watch"): "reconciler",
        }.get(tuple(argv))
        image = str(service.get("image", ""))
        if role is None and image.startswith("postgres:"):
            role = "postgres"
        elif role is None and image.startswith("redis:"):
            role = "redis"
        elif role is None and image.startswith("minio/minio:"):
            role = "minio"
        elif role is None and image.startswith("minio/mc:") and "mc mb" in " ".join(words(service.get("entrypoint"))):
            role = "bucket"
        found.setdefault(role or "other", []).append(name)
    return found


AIRFLOW_ROLES = ("init", "ui", "execution", "scheduler", "dag-processor", "triggerer", "worker", "reconciler")


# --- the rules -----------------------------------------------------------------------------------


def schema_problems(compose: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    return [
        f"schema: {'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(compose)
    ]


def topology_problems(services: dict[str, Any], by_role: dict[str, list[str]]) -> list[str]:
    problems = []
    for role in (*AIRFLOW_ROLES, "postgres", "redis", "minio", "bucket"):
        count = len(by_role.get(role, []))
        if role == "worker":
            replicas = sum(int((services[n].get("deploy") or {}).get("replicas", 1)) for n in by_role.get(role, []))
            if replicas < 2:
                problems.append(f"topology: {replicas} Celery worker(s); at least 2 are needed")
        elif count != 1:
            problems.append(f"topology: {count} services play {role!r}; exactly one must")
    if by_role.get("other"):
        problems.append(f"topology: services of unknown purpose: {by_role['other']}")
    return problems


def airflow_problems(compose: dict[str, Any], by_role: dict[str, list[str]]) -> list[str]:
    """One image for every Airflow component, built from the Dockerfile, with the shared environment."""
    services, problems = compose["services"], []
    shared_env = compose.get("x-airflow-env") or {}
    if not shared_env:
        problems.append("airflow: no shared environment (x-airflow-env)")
    names = [n for role in AIRFLOW_ROLES for n in by_role.get(role, [])]
    images = {services[n].get("image") for n in names}
    if len(images) != 1:
        problems.append(f"airflow: the components run different images: {sorted(map(str, images))}")
    for name in names:
        service = services[name]
        build = service.get("build")
        context = build if isinstance(build, str) else (build or {}).get("context")
        if context not in (".", "./"):
            problems.append(f"airflow: {name} is not built from the repository's Dockerfile")
        env = service.get("environment") or {}
        if not isinstance(env, dict) or any(env.get(k) != v for k, v in shared_env.items()):
            problems.append(f"airflow: {name} does not have the shared environment")
    return problems


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def environment_problems(compose: dict[str, Any], by_role: dict[str, list[str]]) -> list[str]:
    env: dict[str, str] = {k: str(v) for k, v in (compose.get("x-airflow-env") or {}).items()}
    services, problems = compose["services"], []
    first = {role: (by_role.get(role) or ["?"])[0] for role in ("postgres", "redis", "minio", "execution", "bucket")}
    expect = {
        "AIRFLOW__CORE__EXECUTOR": env.get("AIRFLOW__CORE__EXECUTOR") == "CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL": env.get("AIRFLOW__CELERY__BROKER_URL", "").startswith("redis://")
        and _host(env.get("AIRFLOW__CELERY__BROKER_URL", "")) == first["redis"],
        "AIRFLOW__CELERY__RESULT_BACKEND": env.get("AIRFLOW__CELERY__RESULT_BACKEND", "").startswith("db+postgresql"),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": env.get("AIRFLOW__CORE__EXECUTION_API_SERVER_URL")
        == f"http://{first['execution']}:8080/execution/",
        "INTEGRACOES_FILES_URL": env.get("INTEGRACOES_FILES_URL", "").startswith("s3://"),
    }
    problems += [f"env: {key} is wrong: {env.get(key)!r}" for key, ok in expect.items() if not ok]
    for key in DATABASE_URLS:
        # Not urlsplit: the "?" of ${VAR:?message} would start a query string.
        match = re.fullmatch(r"[\w+]+://\w+:(\$\{[^}]*\})@([\w-]+):5432/\w+", env.get(key, ""))
        if not match or not REQUIRED_VAR.match(match.group(1)) or match.group(2) != first["postgres"]:
            problems.append(f"env: {key} must reach {first['postgres']} with the password from a required variable")
    for key in SECRETS:
        if not REQUIRED_VAR.match(env.get(key, "")):
            problems.append(f"env: {key} must come from a required variable (${{VAR:?…}}), not a literal")
    problems += _storage_problems(env, services, first)
    for name, service in services.items():
        for key, value in (service.get("environment") or {}).items():
            if SANDBOX_ONLY.fullmatch(key) or "sandbox" in str(value).lower():
                problems.append(f"env: {name} sets {key}, which belongs to the sandbox only")
    return problems


def _storage_problems(env: dict[str, str], services: dict[str, Any], first: dict[str, str]) -> list[str]:
    problems = []
    bucket = urlsplit(env.get("INTEGRACOES_FILES_URL", "")).netloc
    if f"mc mb --ignore-existing s3/{bucket}" not in " ".join(
        words(services.get(first["bucket"], {}).get("entrypoint"))
    ):
        problems.append(f"storage: the bucket {bucket!r} of INTEGRACOES_FILES_URL is not created")
    conn_id = env.get("INTEGRACOES_FILES_CONN_ID", "")
    raw = env.get(f"AIRFLOW_CONN_{conn_id.upper()}", "") if conn_id else ""
    try:
        conn = json.loads(raw)
    except ValueError:
        return [
            *problems,
            f"storage: no JSON Airflow connection AIRFLOW_CONN_{conn_id.upper()} for INTEGRACOES_FILES_CONN_ID",
        ]
    endpoint = urlsplit((conn.get("extra") or {}).get("endpoint_url", ""))
    if conn.get("conn_type") != "aws" or (endpoint.hostname, endpoint.port) != (first["minio"], 9000):
        problems.append(f"storage: the files connection must be aws with endpoint_url http://{first['minio']}:9000")
    if not all(REQUIRED_VAR.match(str(conn.get(k, ""))) for k in ("login", "password")):
        problems.append("storage: the files connection's credentials must come from required variables")
    return problems


def code_problems(compose: dict[str, Any], by_role: dict[str, list[str]]) -> list[str]:
    """The code is baked into the image: its settings point into what the Dockerfile copies, nothing mounts over it."""
    image_env, copies, workdir = dockerfile_facts()
    shared = {k: str(v) for k, v in (compose.get("x-airflow-env") or {}).items()}
    effective = {**image_env, **shared}
    problems = []
    for key in CODE_SETTINGS:
        value = effective.get(key, "")
        target = value.removeprefix(workdir + "/") if workdir and value.startswith(workdir + "/") else None
        if key == "PYTHONPATH":
            if workdir not in value.split(":"):
                problems.append(f"code: PYTHONPATH does not hold the image's code folder {workdir}")
        elif target is None or not (REPO / target).exists() or target.split("/")[0] not in copies:
            problems.append(f"code: {key}={value!r} is not a path the Dockerfile copies into {workdir}")
    for name in (n for role in AIRFLOW_ROLES for n in by_role.get(role, [])):
        for volume in compose["services"][name].get("volumes") or []:
            spec = volume if isinstance(volume, str) else f"{volume.get('source')}:{volume.get('target')}"
            source, target = spec.split(":")[:2]
            if source.startswith((".", "/")) or target.startswith(workdir):
                problems.append(f"code: {name} mounts {spec}; the code and settings come from the image")
        volumes = [str(v).split(":")[1] for v in compose["services"][name].get("volumes") or []]
        if shared.get("AIRFLOW__LOGGING__BASE_LOG_FOLDER") not in volumes:
            problems.append(f"logs: {name} does not mount the shared task-log volume")
    return problems


def health_problems(services: dict[str, Any], by_role: dict[str, list[str]]) -> list[str]:
    problems = []
    for role in ("postgres", "redis", "minio", "ui", "execution", "scheduler", "worker"):
        for name in by_role.get(role, []):
            if not (services[name].get("healthcheck") or {}).get("test"):
                problems.append(f"health: {name} has no healthcheck")
    return problems


def dependency_problems(services: dict[str, Any], by_role: dict[str, list[str]]) -> list[str]:
    problems = []

    def needs(role: str, on: str, condition: str) -> None:
        for name in by_role.get(role, []):
            for target in by_role.get(on, []):
                got = (services[name].get("depends_on") or {}).get(target, {})
                if not isinstance(got, dict) or got.get("condition") != condition:
                    problems.append(f"depends_on: {name} must wait for {target} ({condition})")

    for role in AIRFLOW_ROLES:
        needs(role, "postgres", HEALTHY)
        needs(role, "redis", HEALTHY)
        if role != "init":
            needs(role, "init", COMPLETED)
            needs(role, "bucket", COMPLETED)
    needs("worker", "execution", HEALTHY)
    needs("triggerer", "execution", HEALTHY)
    needs("bucket", "minio", HEALTHY)
    return problems + _wait_problems(services)


def _wait_problems(services: dict[str, Any]) -> list[str]:
    """What a service waits for can happen: a healthcheck to pass, a one-shot step to end."""
    problems = []
    for name, service in services.items():
        for target, spec in (service.get("depends_on") or {}).items():
            condition = spec.get("condition") if isinstance(spec, dict) else None
            if target not in services:
                problems.append(f"depends_on: {name} waits for a missing service {target}")
            elif condition == HEALTHY and not services[target].get("healthcheck"):
                problems.append(f"depends_on: {name} waits for {target} to be healthy; it has no healthcheck")
            elif condition == COMPLETED and services[target].get("restart", "no") != "no":
                problems.append(f"depends_on: {target} is a one-shot step but restarts")
    return problems


def worker_problems(services: dict[str, Any], by_role: dict[str, list[str]]) -> list[str]:
    problems = []
    for name in by_role.get("worker", []):
        if (services[name].get("environment") or {}).get("DUMB_INIT_SETSID") != "0":
            problems.append(f"worker: {name} needs DUMB_INIT_SETSID=0 (warm shutdown: running tasks finish)")
    hostnames = [services[n].get("hostname") for n in by_role.get("worker", [])]
    if None in hostnames or len(set(hostnames)) != len(hostnames):
        problems.append("worker: each worker needs a host name of its own (Celery node name, log server address)")
    return problems


def port_problems(services: dict[str, Any], by_role: dict[str, list[str]]) -> list[str]:
    allowed = {*by_role.get("ui", []), *by_role.get("minio", [])}
    problems = [
        f"ports: {n} publishes ports; only the UI server may"
        for n, s in services.items()
        if s.get("ports") and n not in allowed
    ]
    for name in by_role.get("minio", []):
        for port in services[name].get("ports") or []:
            if not str(port).startswith("127.0.0.1:") or not str(port).endswith(":9001"):
                problems.append(f"ports: {name} may publish only its console, on the loopback: {port}")
    return problems


def variable_problems(text: str) -> list[str]:
    """Every ${VAR} a compose value uses is in .env.example: required ones set there, the others at least named."""
    set_, mentioned = documented_variables()
    problems = []
    for name, operator, _ in INTERPOLATION.findall(text):
        if operator.endswith("-"):
            if name not in set_ | mentioned:
                problems.append(f"variables: {name} is not documented in .env.example")
        elif name not in set_:
            problems.append(f"variables: required {name} is not in .env.example")
    return sorted(set(problems))


def compose_problems(compose: dict[str, Any], text: str) -> list[str]:
    problems = schema_problems(compose)
    services = compose.get("services") or {}
    by_role = roles(services)
    problems += topology_problems(services, by_role)
    if problems:
        return problems  # the rules below assume a valid file with every part present
    return [
        *airflow_problems(compose, by_role),
        *environment_problems(compose, by_role),
        *code_problems(compose, by_role),
        *health_problems(services, by_role),
        *dependency_problems(services, by_role),
        *worker_problems(services, by_role),
        *port_problems(services, by_role),
        *variable_problems(text),
    ]


# --- tests ---------------------------------------------------------------------------------------


def test_the_compose_file_follows_the_topology_and_its_rules() -> None:
    assert compose_problems(load_compose(), (REPO / "docker-compose.yaml").read_text()) == []


def test_the_commands_it_runs_import_from_what_the_image_holds(tmp_path: Path) -> None:
    """The init step and the reconciler run `python -m …` in the image: only the folders the Dockerfile copies."""
    _, copies, _ = dockerfile_facts()
    for source in copies:
        if (REPO / source).is_dir():
            (tmp_path / source).symlink_to(REPO / source)
    modules = [
        words(service["command"])[2]
        for service in load_compose()["services"].values()
        if words(service.get("command"))[:2] == ["python", "-m"]
    ]
    assert modules
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", f"import importlib; [importlib.import_module(m) for m in {modules!r}]"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def _drop_worker(c: dict[str, Any]) -> None:
    del c["services"]["airflow-worker-2"]


def _local_executor(c: dict[str, Any]) -> None:
    c["x-airflow-env"]["AIRFLOW__CORE__EXECUTOR"] = "LocalExecutor"


def _literal_fernet(c: dict[str, Any]) -> None:
    c["x-airflow-env"]["AIRFLOW__CORE__FERNET_KEY"] = "ZmVybmV0LWtleS1pbi10aGUtZmlsZS0xMjM0NTY3OA=="


def _execution_on_ui(c: dict[str, Any]) -> None:
    c["x-airflow-env"]["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = "http://airflow-api-server:8080/execution/"


def _sandbox_hosts(c: dict[str, Any]) -> None:
    c["services"]["airflow-worker-1"]["environment"]["INTEGRACOES_PARTNER_HOSTS"] = "127.0.0.1"


def _other_image(c: dict[str, Any]) -> None:
    c["services"]["airflow-scheduler"]["image"] = "apache/airflow:3.3.2"


def _scheduler_port(c: dict[str, Any]) -> None:
    c["services"]["airflow-scheduler"]["ports"] = ["8974:8974"]


def _no_redis_health(c: dict[str, Any]) -> None:
    del c["services"]["redis"]["healthcheck"]


def _worker_skips_init(c: dict[str, Any]) -> None:
    c["services"]["airflow-worker-1"]["depends_on"]["airflow-init"] = {"condition": "service_started"}


def _mounted_dags(c: dict[str, Any]) -> None:
    c["services"]["airflow-worker-1"]["volumes"] = [
        *c["services"]["airflow-worker-1"]["volumes"],
        "./dags:/opt/integracoes/dags",
    ]


def _local_files(c: dict[str, Any]) -> None:
    c["x-airflow-env"]["INTEGRACOES_FILES_URL"] = "file:///opt/airflow/arquivos"


def _invalid_schema(c: dict[str, Any]) -> None:
    c["services"]["redis"]["helthcheck"] = c["services"]["redis"].pop("healthcheck")  # a typo compose rejects


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (_drop_worker, "at least 2 are needed"),
        (_local_executor, "AIRFLOW__CORE__EXECUTOR is wrong"),
        (_literal_fernet, "AIRFLOW__CORE__FERNET_KEY must come from a required variable"),
        (_execution_on_ui, "AIRFLOW__CORE__EXECUTION_API_SERVER_URL is wrong"),
        (_sandbox_hosts, "sets INTEGRACOES_PARTNER_HOSTS"),
        (_other_image, "different images"),
        (_scheduler_port, "airflow-scheduler publishes ports"),
        (_no_redis_health, "redis has no healthcheck"),
        (_worker_skips_init, "airflow-worker-1 must wait for airflow-init"),
        (_mounted_dags, "airflow-worker-1 mounts ./dags"),
        (_local_files, "INTEGRACOES_FILES_URL is wrong"),
        (_invalid_schema, "schema: services/redis: Unevaluated properties are not allowed"),
    ],
)
def test_each_rule_catches_its_mistake(mutate: Any, expected: str) -> None:
    broken = copy.deepcopy(load_compose())
    mutate(broken)
    problems = compose_problems(broken, (REPO / "docker-compose.yaml").read_text())
    assert any(expected in problem for problem in problems), problems


def test_an_undocumented_variable_is_reported() -> None:
    text = (REPO / "docker-compose.yaml").read_text() + "\n# ${SOMETHING_NEW:?x} ${OTHER_NEW:-1}\n"
    assert variable_problems(text) == [
        "variables: OTHER_NEW is not documented in .env.example",
        "variables: required SOMETHING_NEW is not in .env.example",
    ]
