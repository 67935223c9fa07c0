"""The secrets canary, end to end on the real stack: every secret key of every available connector holds a
unique canary; every type runs through failure (the partner refuses the canaries), and one type per transport
through success (every type with INTEGRACOES_CANARY_ALL=1, see SUCCESS_TYPES); then every place the product
writes to is searched for the canaries — 0 occurrences —, and the values at rest are encrypted (the stored
token decrypts back to the canary) rather than merely hidden.

Places searched: the plugin's JSON answers (the registration's answer, every GET route of each integration —
detail, tasks, files, logs, task stats, its price or reconciliation views —, the list, the Painel, the
connection check) and HTML pages; Airflow's REST API as admin (task logs of every try, XComs, task instances
with their rendered fields, DAG runs, DAG details with the rendered doc, tasks, DAG source, event log); the
generated and received files (downloaded through the API, unzipped and un-gzipped); the notification e-mails
the product sent (the sandbox's SMTP sink); every file the stack wrote under its data folder (task and
component logs, registry snapshots, stored files) except the partner sandbox's own folder (the partner's
side, its log included) and the database files; and the text of every table of the application and the
Airflow databases.

No partner contract puts a credential inside a file (`DataSet.config_params` binds non-secret codes only),
so no file is exempt. A canary is searched as written, hex-encoded (bytea) and base64-encoded at the three
byte alignments (an `Authorization: Basic` header, or any base64 blob that would carry it).

Where the sandbox accepts only a fixed credential (Dito's API secret, IQVIA's client secret, SNGPC's
password: demo credentials fixed in sandbox/partners.py), the success run keeps that value — that key cannot
carry a canary there — and the fixed value itself is searched too; the failure run puts canaries there and
the partner refuses them. BoaVista accepts any pair whose secret key is the access key plus "-segredo", so
both of its keys carry canaries on success (a mismatched pair of canaries on failure). Every other partner
accepts any credential except "recusado", so its failure is a refusal the sandbox is told to play: a login
refused for the failure run's own SFTP user, an S3 access key ID the sandbox refuses (the canary secret still
signs the request), or, for the HTTPS token and API-key partners, every request that carries one of the
failure run's credentials answered 401 — a mode per credential, so the success runs of the same types and the
other tests running meanwhile are never refused, and every run starts at once.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import secrets
import shlex
import time
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from include.connectors.catalog import CATALOG
from include.connectors.registry import CONNECTORS
from include.connectors.transports.http_auth import BasicAuth, OAuth2ClientCredentials
from include.connectors.transports.s3 import S3Upload
from include.connectors.transports.sftp import SftpUpload
from sandbox.partners import FIXED_SECRETS
from scripts.demo_integrations import VIDA, demo_registrations
from tests.integration.test_inbound_e2e import new_order
from tests.integration.test_partners_e2e import something_new
from tests.integration.test_runs_e2e import wait_for
from tests.scorecard import Scorecard
from tests.stack_fixtures import RunningStack, days_ago

pytestmark = pytest.mark.stack

API = "/integracoes/api/v1"
SUCCESS, FAILURE = "sucesso", "falha"
SECRET_KEYS = {code: [k.key for k in CATALOG[code].keys if k.secret] for code in CONNECTORS}
TYPES = sorted(code for code, keys in SECRET_KEYS.items() if keys)
# Secrets the sandbox checks against a fixed demo value: no canary on the success path.
FIXED = FIXED_SECRETS
# The success path of one type per transport by default, to stay within a few minutes on a small shared
# machine: BoaVista (HTTPS, both keys canaries, and the notification e-mails it sends: SMTP), Exact WMS (SFTP,
# an order out and its movement file back), Propz (S3). INTEGRACOES_CANARY_ALL=1 runs every type's success
# path too (about twice as long: the HTTPS token types' success runs wait for their failure runs).
ALL_SUCCESS = os.environ.get("INTEGRACOES_CANARY_ALL") == "1"
RUN_TIMEOUT_S = 600  # a loaded machine (other stacks on the same two cores) runs the same work slower
PARALLEL = 6
REFUSED = {"mode": "fail", "status": 401}


def transport_of(code: str) -> str:
    transport = CONNECTORS[code].transport
    if isinstance(transport, SftpUpload):
        return "SFTP"
    return "S3" if isinstance(transport, S3Upload) else "HTTPS"  # Cosmos only receives, over HTTPS


# HTTPS partners that take any credential but "recusado": their failure is a refusal of its credentials the
# sandbox is told to play (`refusals`).
TYPE_WIDE = sorted(c for c in TYPES if transport_of(c) == "HTTPS" and c not in FIXED and c != "boavista")
SUCCESS_TYPES = TYPES if ALL_SUCCESS else ["boavista", "exact_wms", "propz"]


# --- the search ----------------------------------------------------------------------------------------


def encodings(value: str) -> set[bytes]:
    """The value as written, hex-encoded, and base64-encoded at each byte alignment (only the characters
    that depend on the value alone: not the first group when it shares bits with what comes before, nor the
    last group)."""
    raw = value.encode()
    found = {raw, raw.hex().encode()}
    for shift in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            coded = encode(b"\0" * shift + raw)
            found.add(coded[4 if shift else 0 : -4])
    return found


class Search:
    """Every secret's encodings, grouped by their first bytes so one pass per prefix scans a document."""

    def __init__(self, values: dict[str, str]) -> None:
        self.by_prefix: dict[bytes, list[tuple[bytes, str]]] = defaultdict(list)
        for value, label in values.items():
            for variant in encodings(value):
                self.by_prefix[variant[:4]].append((variant, label))
        self.places: dict[str, int] = defaultdict(int)
        self.found: list[str] = []

    def scan(self, kind: str, place: str, data: bytes | str) -> None:
        blob = data.encode("utf-8", "replace") if isinstance(data, str) else data
        self.places[kind] += 1
        for prefix, variants in self.by_prefix.items():
            at = blob.find(prefix)
            while at >= 0:
                for variant, label in variants:
                    if blob.startswith(variant, at):
                        context = blob[max(0, at - 100) : at + len(variant) + 60]
                        self.found.append(f"[{kind}] {place}: {label}: …{context!r}…")
                at = blob.find(prefix, at + 1)

    def scan_archive(self, kind: str, place: str, data: bytes) -> None:
        """A zip as served, and each member as stored and un-gzipped."""
        self.scan(kind, place, data)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                self.scan_file(kind, f"{place}!{name}", name, archive.read(name))

    def scan_file(self, kind: str, place: str, name: str, data: bytes) -> None:
        self.scan(kind, place, data)
        if name.endswith(".gz"):
            self.scan(kind, f"{place} (gunzip)", gzip.decompress(data))


# --- the cases -----------------------------------------------------------------------------------------


@dataclass
class Case:
    type_code: str
    outcome: str
    config: dict[str, str]
    canaries: dict[str, str]  # secret key -> the canary it holds
    kept: dict[str, str]  # secret key -> the fixed value the sandbox checks (success path only)
    integration: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.type_code}/{self.outcome}"

    @property
    def id(self) -> int:
        return int(self.integration["id"])

    @property
    def dag_id(self) -> str:
        return str(self.integration["dag_id"])


def stack_env(stack: RunningStack) -> dict[str, str]:
    values = {}
    for line in (stack.data / "airflow.env").read_text().splitlines():
        if line.startswith("export "):
            name, _, value = shlex.split(line.removeprefix("export "))[0].partition("=")
            values[name] = value
    return values


def demo_configs(stack: RunningStack) -> dict[str, dict[str, str]]:
    """The demo's configuration of each type for Farmácia Vida, pointing at this stack's sandbox."""
    env = stack_env(stack)
    with pytest.MonkeyPatch.context() as patch:
        for name in (
            "INTEGRACOES_SANDBOX_URL",
            "INTEGRACOES_SANDBOX_SFTP_PORT",
            "INTEGRACOES_SANDBOX_S3_URL",
            "INTEGRACOES_SANDBOX_SFTP_HOST_KEY",
        ):
            patch.setenv(name, env[name])
        return {code: dict(config) for cnpj, _, code, _, config in demo_registrations() if cnpj == VIDA}


def canary(code: str, outcome: str, key: str) -> str:
    # Letters and digits only: Markdown, HTML, JSON and URL escaping leave it as it is.
    return f"canario{outcome[0]}{code}{key}{secrets.token_hex(8)}".replace("_", "")


def make_case(code: str, outcome: str, demo: dict[str, str]) -> Case:
    config, tag = dict(demo), secrets.token_hex(4)
    canaries = {key: canary(code, outcome, key) for key in SECRET_KEYS[code]}
    kept = {}
    if outcome == SUCCESS and code in FIXED:
        kept = {FIXED[code]: config[FIXED[code]]}
        del canaries[FIXED[code]]
    if code == "boavista" and outcome == SUCCESS:
        canaries["secret_key"] = canaries["access_key"] + "-segredo"  # the pair the sandbox accepts
    if transport_of(code) == "SFTP":
        # A user of its own: its own inbox, and a login the sandbox refuses for the failure run only.
        config["sftp_usuario"] = f"canario-{outcome}-{code}-{tag}"
    if (user := basic_user_key(code)) and code not in FIXED:
        # A Basic user of its own (a user/password partner's inbox, an OAuth2 client): what the sandbox refuses
        # for the failure run only.
        config[user] = f"canario-{outcome}-{tag}"
    if code == "propz":
        config["s3_bucket"], config["s3_prefixo"] = "propz-sandbox", f"canario/{outcome}-{tag}/"
        if outcome == FAILURE:
            config["aws_access_key_id"] = f"AKIARECUSADO{tag.upper()}"  # refused by the sandbox; the canary signs
    config.update(canaries)
    return Case(code, outcome, config, canaries, kept)


def all_cases(stack: RunningStack) -> list[Case]:
    demo = demo_configs(stack)
    failures = [make_case(code, FAILURE, demo[code]) for code in TYPES]
    return failures + [make_case(code, SUCCESS, demo[code]) for code in SUCCESS_TYPES]


# --- running them --------------------------------------------------------------------------------------


def admin(stack: RunningStack) -> httpx.Client:
    return stack.client("admin")


def set_mode(stack: RunningStack, key: str, mode: dict[str, Any]) -> None:
    with stack.sandbox() as sandbox:
        assert sandbox.post(f"/_sandbox/{key}/mode", json=mode).status_code < 300


def register(stack: RunningStack, cases: Iterable[Case], tenant_id: int, branch: int, search: Search) -> None:
    """Active integrations: the scheduler starts the first run of each as soon as its DAG is parsed."""
    with stack.client("suporte") as agent:
        for case in cases:
            description = f"Canário {case.type_code} {case.outcome} {uuid.uuid4().hex[:6]}"
            created = agent.post(f"{API}/integrations", json={
                "tenant_id": tenant_id, "description": description,
                "type_code": case.type_code, "active": True, "interval_minutes": 1440, "branches": [branch],
                "config": [{"key": k, "value": v} for k, v in case.config.items()],
            })  # fmt: skip
            assert created.status_code == 201, created.text
            search.scan("API JSON", f"POST /integrations ({case.label})", created.content)
            case.integration = created.json()


def runs_by_dag(stack: RunningStack, cases: list[Case]) -> dict[str, list[dict[str, Any]]]:
    with admin(stack) as client:
        answer = client.post("/api/v2/dags/~/dagRuns/list",
                             json={"dag_ids": [c.dag_id for c in cases], "page_limit": 1000})  # fmt: skip
    assert answer.status_code == 200, answer.text
    runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for run in answer.json()["dag_runs"]:
        runs[run["dag_id"]].append(run)
    return runs


def wait_until_run(stack: RunningStack, cases: list[Case]) -> None:
    # The scheduler starts every new active DAG at once, BoaVista's own timetable included: with catchup off,
    # its latest slot in the past is due.
    def all_ended() -> bool:
        runs = runs_by_dag(stack, cases)
        return all(runs[c.dag_id] and all(r["state"] in ("success", "failed") for r in runs[c.dag_id]) for c in cases)

    wait_for(f"the runs of {len(cases)} integrations to end", all_ended, timeout=RUN_TIMEOUT_S, every=4)


def tasks_of(client: httpx.Client, case: Case) -> list[dict[str, Any]]:
    return list(client.get(f"{API}/integrations/{case.id}/tasks", params={"page_size": 100}).json()["items"])


def outcome_problems(stack: RunningStack, cases: list[Case]) -> list[str]:
    """Each success run delivered (every task Concluída), each failure run was refused by the partner."""
    runs, problems = runs_by_dag(stack, cases), []
    with stack.client("suporte") as agent:
        for case in cases:
            states = sorted({r["state"] for r in runs[case.dag_id]})
            tasks = tasks_of(agent, case)
            if case.outcome == SUCCESS:
                ok = states == ["success"] and bool(tasks) and all(t["status"] == "completed" for t in tasks)
            else:
                refused = all("recusou as credenciais" in (t["failure_reason"] or "") for t in tasks)
                ok = states == ["failed"] and refused
            if not ok:
                problems.append(
                    f"{case.label}: runs {states}, tasks {[(t['status'], t['failure_reason']) for t in tasks]}"
                )
    return problems


# --- collecting what the product shows and keeps -------------------------------------------------------

Found = list[tuple[str, str, bytes]]  # (kind, place, bytes)


def get(client: httpx.Client, path: str, **params: Any) -> bytes:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, f"GET {path}: {answer.status_code} {answer.text[:300]}"
    return answer.content


def plugin_documents(stack: RunningStack, case: Case) -> Found:
    """What an agent and the tenant's client read about the integration: JSON answers and HTML pages."""
    found: Found = []
    base = f"{API}/integrations/{case.id}"
    for user in ("suporte", "cliente1"):
        with stack.client(user) as client:
            found += [
                ("API JSON", f"{user} GET {base}", get(client, base)),
                ("API JSON", f"{user} GET {base}/tasks", get(client, f"{base}/tasks", page_size=100)),
                ("API JSON", f"{user} GET {base}/task-stats", get(client, f"{base}/task-stats")),
                ("HTML", f"{user} page of {case.label}", get(client, f"/integracoes/integracoes/{case.id}")),
                *feature_documents(client, user, case),
                *log_pages(client, user, case),
            ]
    return found


def feature_documents(client: httpx.Client, user: str, case: Case) -> Found:
    """The views of their own that Proffer (prices) and BoaVista (reconciliation) integrations have."""
    base, period = f"{API}/integrations/{case.id}", {"start": days_ago(10), "end": days_ago(0)}
    if case.type_code == "proffer":
        zones = json.loads(get(client, f"{base}/price-zones"))
        found = [("HTML", f"{user} precos {case.id}", get(client, f"/integracoes/integracoes/{case.id}/precos")),
                 ("API JSON", f"{user} price-zones {case.id}", json.dumps(zones).encode())]  # fmt: skip
        for zone in zones[:2]:
            found.append(("API JSON", f"{user} price-suggestions {case.id}/{zone['id']}",
                          get(client, f"{base}/price-suggestions", zone_id=zone["id"], **period)))  # fmt: skip
        return found
    if case.type_code == "boavista":
        return [
            ("HTML", f"{user} conciliacao {case.id}", get(client, f"/integracoes/integracoes/{case.id}/conciliacao")),
            ("API JSON", f"{user} reconciliation {case.id}", get(client, f"{base}/reconciliation", **period)),
            ("API JSON", f"{user} reconciliation.csv {case.id}", get(client, f"{base}/reconciliation.csv", **period)),
        ]
    return []


def log_pages(client: httpx.Client, user: str, case: Case) -> Found:
    found: Found = []
    after = 0
    while True:
        page = get(client, f"{API}/integrations/{case.id}/logs", after=after, limit=100)
        found.append(("Log da integração", f"{user} logs {case.label} after={after}", page))
        body = json.loads(page)
        if not body["items"]:
            return found
        after = body["next_cursor"]


def file_documents(stack: RunningStack, case: Case) -> Found:
    """Each task's files (sent and received): the listing and the download."""
    found: Found = []
    with stack.client("cliente1") as client:
        for task in tasks_of(client, case):
            listing = get(client, f"{API}/tasks/{task['id']}/files")
            found.append(("API JSON", f"files of task {task['id']} ({case.label})", listing))
            for stored in json.loads(listing):
                content = get(client, f"{API}/files/{stored['id']}/download")
                found.append(("Arquivo", f"{stored['name']} ({case.label})", content))
    return found


def connection_check(stack: RunningStack, case: Case) -> Found:
    """Testar conexão with the stored secrets (a blank secret uses the stored one): the answer."""
    with stack.client("suporte") as agent:
        answer = agent.post(f"{API}/integrations/check-connection", json={"integration_id": case.id, "config": []})
    assert answer.status_code == 200, answer.text
    return [("API JSON", f"check-connection {case.label}", answer.content)]


def airflow_documents(stack: RunningStack, case: Case) -> Found:
    """What Airflow shows of the DAG: details (rendered doc), tasks, source, runs, task instances, every
    try's log, every XCom, the event log."""
    dag = f"/api/v2/dags/{case.dag_id}"
    found: Found = []
    with admin(stack) as client:
        for path in (f"{dag}/details", f"{dag}/tasks", f"/api/v2/dagSources/{case.dag_id}", f"{dag}/dagRuns"):
            found.append(("Airflow DAG", path, get(client, path)))
        found.append(("Airflow DAG", f"eventLogs {case.dag_id}", get(client, "/api/v2/eventLogs", dag_id=case.dag_id,
                                                                      limit=100)))  # fmt: skip
        for run in json.loads(found[-2][2])["dag_runs"]:
            found += run_documents(client, f"{dag}/dagRuns/{run['dag_run_id']}")
    return found


def run_documents(client: httpx.Client, run: str) -> Found:
    instances = get(client, f"{run}/taskInstances")
    found: Found = [("Airflow task instance", f"{run}/taskInstances", instances)]
    for instance in json.loads(instances)["task_instances"]:
        base = f"{run}/taskInstances/{instance['task_id']}"
        found.append(("Airflow task instance", base, get(client, base)))
        for attempt in range(1, int(instance["try_number"] or 0) + 1):
            log = client.get(f"{base}/logs/{attempt}", params={"full_content": True},
                             headers={"Accept": "application/json"})  # fmt: skip
            assert log.status_code == 200, f"{base}/logs/{attempt}: {log.text[:300]}"
            found.append(("Airflow task log", f"{base}/logs/{attempt}", log.content))
        entries = get(client, f"{base}/xcomEntries")
        found.append(("XCom", f"{base}/xcomEntries", entries))
        for entry in json.loads(entries)["xcom_entries"]:
            found.append(
                ("XCom", f"{base}/xcomEntries/{entry['key']}", get(client, f"{base}/xcomEntries/{entry['key']}"))
            )
    return found


def global_documents(stack: RunningStack) -> Found:
    found: Found = []
    for user in ("suporte", "cliente1"):
        with stack.client(user) as client:
            found += [
                ("API JSON", f"{user} list", get(client, f"{API}/integrations", search="Canário", page_size=100)),
                ("API JSON", f"{user} overview", get(client, f"{API}/overview")),
                ("HTML", f"{user} /integracoes/", get(client, "/integracoes/")),
                ("HTML", f"{user} /integracoes/painel", get(client, "/integracoes/painel")),
            ]
    with stack.client("suporte") as agent:
        found.append(("HTML", "suporte /integracoes/integracoes/nova", get(agent, "/integracoes/integracoes/nova")))
    return found


def collect(stack: RunningStack, cases: list[Case]) -> Iterator[tuple[str, str, bytes]]:
    """Every document, fetched a few at a time (the api-server serves them in parallel)."""
    jobs: list[Callable[[], Found]] = [lambda: global_documents(stack)]
    for case in cases:
        for source in (plugin_documents, file_documents, connection_check, airflow_documents):
            jobs.append(lambda source=source, case=case: source(stack, case))  # type: ignore[misc]
    with ThreadPoolExecutor(PARALLEL) as pool:
        for documents in pool.map(lambda job: job(), jobs):
            yield from documents


SANDBOX_LOG = Path("logs/sandbox.log")  # the partners' own log


def stack_files(data: Path) -> Iterator[tuple[str, str, bytes]]:
    """Everything the stack wrote under its data folder, but the partners' side (the sandbox's folder: what
    a partner received is the partner's) and the database files (searched through SQL below); plus the
    notification e-mails the product sent, which the sandbox's SMTP sink keeps."""
    for path in sorted(data.rglob("*")):
        relative = path.relative_to(data)
        if not path.is_file() or relative.parts[0] in ("sandbox", "postgres") or relative == SANDBOX_LOG:
            continue
        kind = "Log de tarefa Airflow (disco)" if relative.parts[:2] == ("logs", "airflow") else "Pasta de dados"
        yield kind, str(relative), path.read_bytes()
    for mail in sorted((data / "sandbox").rglob("received/email/*.eml")):
        yield "E-mail enviado", str(mail.relative_to(data)), mail.read_bytes()


def database_tables(url: str, name: str) -> Iterator[tuple[str, str, bytes]]:
    """The text of every row of every table."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            """SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'
               AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"""
        ).fetchall()
        for schema, table in tables:
            query = sql.SQL("SELECT t::text FROM {}.{} t").format(sql.Identifier(schema), sql.Identifier(table))
            text = "\n".join(row[0] for row in conn.execute(query))
            yield f"Banco {name}", f"{schema}.{table}", text.encode()


def airflow_database_url(stack: RunningStack) -> str:
    return stack_env(stack)["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("postgresql+psycopg2://", "postgresql://")


def at_rest_problems(stack: RunningStack, cases: list[Case]) -> list[str]:
    """Each secret key's row holds no plain value, and its token decrypts back to the value given."""
    from airflow.models import crypto

    from include.integracoes import secrets as app_secrets

    fernet_key = json.loads((stack.data / "secrets.json").read_text())["fernet_key"]
    problems = []
    with pytest.MonkeyPatch.context() as patch, psycopg.connect(stack.database_url, autocommit=True) as conn:
        patch.setenv("AIRFLOW__CORE__FERNET_KEY", fernet_key)
        crypto.get_fernet.cache_clear()
        try:
            for case in cases:
                rows = {key: (plain, token) for key, plain, token in conn.execute(
                    "SELECT chave, valor, valor_cifrado FROM integracao.integracao_config WHERE integracao_id = %s",
                    (case.id,),
                )}  # fmt: skip
                for key, value in {**case.canaries, **case.kept}.items():
                    plain, token = rows[key]
                    if plain is not None or not token or app_secrets.decrypt(token) != value:
                        problems.append(f"{case.label} {key}: stored as {(plain, token)!r}")
        finally:
            crypto.get_fernet.cache_clear()
    return problems


def assert_search_finds(values: dict[str, str]) -> None:
    """The search itself finds each secret as written, inside JSON, and inside a Basic header."""
    probe = Search(values)
    for value in values:
        probe.scan("probe", "json", json.dumps({"config": [{"value": value}]}))
        probe.scan("probe", "basic", b"Authorization: Basic " + base64.b64encode(f"usuario:{value}".encode()))
    assert len(probe.found) >= 2 * len(values), probe.found


# --- the test ------------------------------------------------------------------------------------------


def vida(stack: RunningStack) -> tuple[int, int, list[tuple[int, int]]]:
    """Farmácia Vida's id, its first branch and two of its products (for a replenishment order)."""
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        tenant = conn.execute("SELECT id FROM integracao.tenant WHERE cnpj = %s", (VIDA,)).fetchone()[0]  # type: ignore[index]
        branch = conn.execute("SELECT min(id) FROM erp.filial WHERE tenant_id = %s", (tenant,)).fetchone()[0]  # type: ignore[index]
        products = [r[0] for r in conn.execute("SELECT id FROM erp.produto WHERE tenant_id = %s ORDER BY id LIMIT 2",
                                               (tenant,))]  # fmt: skip
    return int(tenant), int(branch), [(products[0], 4), (products[1], 2)]


def progress(what: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {what}", flush=True)


def run_all(stack: RunningStack, cases: list[Case], search: Search) -> None:
    """Every run at once: each failure run's credentials are refused by the sandbox for that credential only
    (a mode per token, API key, Basic or SFTP user), so the success runs of the same types, and every other
    test running meanwhile, are never refused."""
    tenant, branch, items = vida(stack)
    # Something new for the incremental types (a sale, a changed product, an order), or they would send nothing.
    something_new(stack)
    refused = [mode for case in cases if case.outcome == FAILURE for mode in refusals(case)]
    with new_order(stack, branch, items):
        for key, mode in refused:
            set_mode(stack, key, mode)
        try:
            register(stack, cases, tenant, branch, search)
            progress(f"{len(cases)} registered")
            wait_until_run(stack, cases)
            progress("every run ended")
        finally:
            for key, mode in refused:
                set_mode(stack, key, {"mode": "ok", "credencial": mode.get("credencial", "")})


def refusals(case: Case) -> list[tuple[str, dict[str, Any]]]:
    """The sandbox modes that make a failure case's partner refuse it: its SFTP user's login, or, over HTTPS,
    the requests that carry one of its canaries (a Bearer token or API key) or its Basic user (an OAuth2 client's
    token request included)."""
    if transport_of(case.type_code) == "SFTP":
        return [(case.config["sftp_usuario"], REFUSED)]
    if case.type_code not in TYPE_WIDE:
        return []  # refused by the sandbox's own rule (fixed demo secrets, BoaVista's pair, Propz's key ID)
    user = basic_user_key(case.type_code)
    credentials = {*case.canaries.values(), *([case.config[user]] if user else [])}
    return [(case.type_code, {**REFUSED, "credencial": credential}) for credential in sorted(credentials)]


def basic_user_key(code: str) -> str | None:
    """The key whose value a partner sees as the Basic user: a user/password partner's user, or an OAuth2
    client's id (it asks for its tokens with HTTP Basic)."""
    auth = getattr(CONNECTORS[code].transport, "auth", None)
    if isinstance(auth, BasicAuth):
        return auth.user_key
    return auth.client_id_key if isinstance(auth, OAuth2ClientCredentials) else None


def deactivate(stack: RunningStack, cases: list[Case], search: Search | None = None) -> None:
    """No later wake-up of these integrations during other tests; the edit's answer (and its audit row,
    searched with the database) is one more place."""
    with stack.client("suporte") as agent:
        for case in cases:
            if case.integration.get("active"):
                edited = agent.put(f"{API}/integrations/{case.id}", json={"active": False})
                case.integration["active"] = False
                if search is not None:
                    search.scan("API JSON", f"PUT /integrations/{case.id} ({case.label})", edited.content)


def search_everywhere(stack: RunningStack, cases: list[Case], search: Search) -> None:
    for kind, place, data in collect(stack, cases):
        if kind == "Arquivo":
            search.scan_archive(kind, place, data)
        else:
            search.scan(kind, place, data)
    for kind, place, data in stack_files(stack.data):
        search.scan_file(kind, place, place, data)
    for url, name in ((stack.database_url, "integracoes"), (airflow_database_url(stack), "airflow")):
        for kind, place, data in database_tables(url, name):
            search.scan(kind, place, data)


def test_no_secret_reaches_any_place_and_each_is_encrypted_at_rest(stack: RunningStack, scorecard: Scorecard) -> None:
    started = time.monotonic()
    cases = all_cases(stack)
    values = {v: f"{c.label}/{k}" for c in cases for k, v in c.canaries.items()}
    values |= {v: f"{c.label}/{k} (valor fixo do sandbox)" for c in cases for k, v in c.kept.items()}
    search = Search(values)
    assert_search_finds(values)
    try:
        run_all(stack, cases, search)
        ran = time.monotonic()
        deactivate(stack, cases, search)
        search_everywhere(stack, cases, search)
        at_rest = at_rest_problems(stack, cases)
        outcomes = outcome_problems(stack, cases)
    finally:
        deactivate(stack, cases)
    progress(f"runs {ran - started:.0f}s, search {time.monotonic() - ran:.0f}s; success path: {SUCCESS_TYPES}; "
             f"{len(values)} secrets searched in {dict(search.places)}")  # fmt: skip
    places = sum(search.places.values())
    scorecard.record("Segredos (canário em toda chave secreta)",
                     f"{len({c.type_code for c in cases})} tipos, {places} lugares, {len(search.found)} ocorrências",
                     "0 ocorrências")  # fmt: skip
    assert not search.found, "secrets found:\n" + "\n".join(search.found[:50])
    assert not at_rest, "secrets not encrypted at rest:\n" + "\n".join(at_rest)
    assert not outcomes, "runs that did not end as planned:\n" + "\n".join(outcomes)
