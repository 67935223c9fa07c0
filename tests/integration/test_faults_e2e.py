"""Faults on the real stack, nothing lost or doubled: the delivery step's process is SIGKILLed at three points —
before the upload reaches the partner, after the partner stored it but before our database knows, and after our
database recorded it — for each transport (HTTPS: Smarket, SFTP: Trivio, S3: Propz). Airflow notices the dead
process and retries the step; the task must end Concluída with each file at the partner exactly once, nothing
partial in the partner's directory or bucket, and no task left Pendente.

Each kill point is made deterministic without hooks in the product:

1. before upload: the sandbox hangs the upload before reading/storing anything (mode "stall" for this case's
   credential only, once); the test waits until the mode is used up (the request has reached the partner), then
   kills the process.
2. after upload, before commit: the sandbox stores the upload whole (HTTPS body recorded, SFTP rename done, S3
   object written) and then never answers (mode "stall_after_store"); same wait, same kill.
3. after commit: a separate database connection holds a row lock on the task (`FOR NO KEY UPDATE`, which the
   step's status change needs and nothing before it does); the test waits until every file of the task is
   `sent` and the step is blocked on that lock, kills the process, then releases the lock.

Once more per transport, point 2 with the run failed from outside right after the kill (its DAG paused across
both, so Airflow retries nothing): the reconciler ends the task (Falha no envio), the ERP moves on meanwhile
(the period's products and customers renamed), and the client reprocesses the task through the API — the partner
must still get nothing twice and nothing different (the task sends again the bytes it rendered before, which the
partner may have).
And once more with the client asking for the task's period again (Executar integração) instead of reprocessing:
the request reopens the failed task, so the same file goes out under the same name — a new task would name it
after itself, and SFTP and S3 partners would keep both copies.

Partner down, slow and garbage answers are covered elsewhere: every HTTPS partner × fail/garbage/stall → the
right error and permanence (tests/connectors/test_conformance_sandbox.py), SFTP modes (tests/connectors/transports/
test_sftp.py), and end to end a partner down (503: Falha no envio, the next run delivers the day once) and a
hanging delivery whose run dies (the reconciler ends the task) in test_runs_e2e.py.

Nine lanes run in parallel — per transport, the three kill points one after another, and the two cases of a run
ended from outside —
(their integrations are independent; each case's sandbox mode is kept for its own credential, so neither the demo
integrations nor the other cases can take it). `FAULT_REPEAT=N` repeats the matrix N times (a longer run, e.g.
`FAULT_REPEAT=5 .venv/bin/pytest tests/integration/test_faults_e2e.py`).
"""

from __future__ import annotations

import json
import os
import signal
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
import pytest

from tests.integration.test_inbound_e2e import task_process
from tests.integration.test_runs_e2e import wait_for
from tests.scorecard import Scorecard
from tests.stack_fixtures import RunningStack

pytestmark = pytest.mark.stack

API = "/integracoes/api/v1"
REPEAT = int(os.environ.get("FAULT_REPEAT", "1"))
BEFORE_UPLOAD, AFTER_UPLOAD, AFTER_COMMIT = "antes do envio", "depois do envio, antes do commit", "depois do commit"
POINTS = (BEFORE_UPLOAD, AFTER_UPLOAD, AFTER_COMMIT)
# Kill point 2 once more, with the run failed right after the kill (no Airflow retry): the task ends Falha no
# envio and the client reprocesses it through the API.
REPROCESSED = "depois do envio, execução encerrada, reprocessada"
# The same, with the client asking for the task's period again instead (Executar integração): the request
# reopens the failed task, which sends the same file under the same name — never a second copy.
REQUESTED_AGAIN = "depois do envio, execução encerrada, pedida de novo"
ENDED_FROM_OUTSIDE = (REPROCESSED, REQUESTED_AGAIN)
SANDBOX_MODE = {BEFORE_UPLOAD: "stall", AFTER_UPLOAD: "stall_after_store", REPROCESSED: "stall_after_store",
                REQUESTED_AGAIN: "stall_after_store"}  # fmt: skip
# From registration to a stalled delivery: the DAG is parsed, then prepare and extract run (seconds each).
REACH_TIMEOUT_S = 240
# From the kill to the task's end: Airflow sees the process die, waits the retry delay (1 s on the test
# stack) and runs the step again.
END_TIMEOUT_S = 240
DELIVERY_STEP = "entregar"


@dataclass(frozen=True)
class Transport:
    label: str
    type_code: str  # the partner type, and the sandbox's key for its modes and received files
    files: int  # files per task


TRANSPORTS = (Transport("HTTPS", "smarket", 1), Transport("SFTP", "trivio", 1), Transport("S3", "propz", 4))


@dataclass
class Case:
    transport: Transport
    point: str
    credential: str = ""
    integration: dict[str, Any] = field(default_factory=dict)
    duplicates: int = 0
    partial: int = 0
    lost: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    to_end: float = 0.0  # from the kill to the task's final end (through the reprocessing, if any)
    undo: list[Callable[[], None]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.transport.label} / {self.point}"


# --- the partner's side ----------------------------------------------------------------------------


def sandbox_state(stack: RunningStack) -> dict[str, Any]:
    return dict(json.loads((stack.data / "state.json").read_text()))


def config_for(stack: RunningStack, case: Case) -> dict[str, str]:
    uid = uuid.uuid4().hex[:10]
    if case.transport.type_code == "smarket":
        case.credential = f"falhas-{uid}"
        return {"url_api": f"{stack.sandbox_url}/smarket/v1", "token": case.credential, "codigo_cliente": "FV-FALHAS"}
    if case.transport.type_code == "trivio":
        case.credential = f"falhas-{uid}"
        port = str(sandbox_state(stack)["sandbox_sftp_port"])
        return {"sftp_host": "127.0.0.1", "sftp_porta": port, "sftp_usuario": case.credential, "sftp_senha": "falhas",
                "sftp_diretorio": "/vendas", "sftp_chave_host": stack.sftp_host_key}  # fmt: skip
    case.credential = f"AKIAFALHAS{uid.upper()}"
    return {
        "s3_endpoint": f"https://127.0.0.1:{sandbox_state(stack)['sandbox_s3_port']}",
        "s3_bucket": "propz-farmacia-vida",
        "s3_prefixo": f"falhas-{uid}/", "aws_access_key_id": case.credential, "aws_secret_access_key": "falhas-segredo",
        "aws_regiao": "sa-east-1",
    }  # fmt: skip


def set_mode(stack: RunningStack, partner: str, payload: dict[str, Any]) -> None:
    with stack.sandbox() as sandbox:
        answer = sandbox.post(f"/_sandbox/{partner}/mode", json=payload)
    assert answer.status_code < 300, answer.text


def mode_used_up(stack: RunningStack, partner: str, credential: str) -> bool:
    with stack.sandbox() as sandbox:
        answer = sandbox.get(f"/_sandbox/{partner}/mode", params={"credencial": credential}).json()
    return bool(answer["mode"] == "ok")


def copies_at_partner(stack: RunningStack, case: Case) -> list[dict[str, Any]]:
    """What the partner recorded as received from this case's integration (complete uploads only)."""
    with stack.sandbox() as sandbox:
        received = sandbox.get(f"/_sandbox/{case.transport.type_code}/received").json()
    if case.transport.type_code == "trivio":
        return [r for r in received if r.get("user") == case.credential]
    return [r for r in received if str(r.get("idempotency_key", "")).startswith(f"{case.integration['id']}-")]


def visible_to_partner(stack: RunningStack, case: Case) -> dict[str, int] | None:
    """Name -> size of every object the partner can see in this case's directory or bucket prefix (None for
    HTTPS: a partner API keeps only what it recorded, already counted by `copies_at_partner`)."""
    config = case.integration["_config"]
    if case.transport.type_code == "trivio":
        import paramiko

        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # noqa: S507 (the sandbox, on loopback)
        client.connect("127.0.0.1", int(config["sftp_porta"]), case.credential, "falhas", timeout=10,
                       look_for_keys=False, allow_agent=False)  # fmt: skip
        try:
            with client.open_sftp() as sftp:
                return {e.filename: int(e.st_size or 0) for e in sftp.listdir_attr(config["sftp_diretorio"])}
        finally:
            client.close()
    if case.transport.type_code == "propz":
        import boto3

        s3 = boto3.client(
            "s3", endpoint_url=config["s3_endpoint"], region_name="sa-east-1", aws_access_key_id=case.credential,
            aws_secret_access_key="falhas-segredo", verify=str(stack.data / "sandbox" / "ca-bundle.pem"),
        )  # fmt: skip
        bucket, prefix = config["s3_bucket"], config["s3_prefixo"]
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        uploads = s3.list_multipart_uploads(Bucket=bucket, Prefix=prefix).get("Uploads", [])
        found = {o["Key"].removeprefix(prefix): int(o["Size"]) for o in listed}
        found.update({f"(multipart) {u['Key']}": -1 for u in uploads})  # an unfinished upload would be partial
        return found
    return None


# --- our side ----------------------------------------------------------------------------------------


def database(stack: RunningStack, *, autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(stack.database_url, autocommit=autocommit)


def vida(stack: RunningStack) -> tuple[int, list[int]]:
    with stack.client("cliente1") as client:
        tenant = int(client.get(f"{API}/me").json()["tenants"][0]["id"])
    with stack.client("suporte") as agent:
        branches = [int(b["id"]) for b in agent.get(f"{API}/branches", params={"tenant_id": tenant}).json()]
    return tenant, branches


def register(
    stack: RunningStack, case: Case, tenant: int, branches: list[int], before: Callable[[], None] = lambda: None
) -> None:
    """An active integration of Farmácia Vida for this case (its first run starts once the DAG is parsed);
    `before` runs once the case's credential is known and before the integration exists."""
    config = config_for(stack, case)
    before()
    with stack.client("suporte") as agent:
        created = agent.post(f"{API}/integrations", json={
            "tenant_id": tenant, "description": f"Falhas {case.transport.label} {uuid.uuid4().hex[:8]}",
            "type_code": case.transport.type_code, "active": True, "interval_minutes": 720, "branches": branches,
            "config": [{"key": k, "value": v} for k, v in config.items()],
        })  # fmt: skip
    assert created.status_code == 201, created.text
    case.integration = {**created.json(), "_config": config}


def deactivate(stack: RunningStack, case: Case) -> None:
    if case.integration:
        with stack.client("suporte") as agent:
            agent.put(f"{API}/integrations/{case.integration['id']}", json={"active": False})


def tasks_of(stack: RunningStack, case: Case) -> list[tuple[int, str]]:
    with database(stack) as conn:
        rows = conn.execute("SELECT id, situacao FROM integracao.tarefa WHERE integracao_id = %s ORDER BY id",
                            (case.integration["id"],)).fetchall()  # fmt: skip
    return [(int(r[0]), str(r[1])) for r in rows]


def files_of(stack: RunningStack, case: Case) -> list[dict[str, Any]]:
    with database(stack) as conn:
        rows = conn.execute(
            """SELECT a.nome, a.sha256, a.tamanho, a.situacao FROM integracao.arquivo a
               JOIN integracao.tarefa t ON t.id = a.tarefa_id
               WHERE t.integracao_id = %s AND a.direcao = 'enviado' ORDER BY a.id""",
            (case.integration["id"],),
        ).fetchall()
    return [{"name": r[0], "sha256": r[1], "size": int(r[2]), "status": r[3]} for r in rows]


def delivery_tries(stack: RunningStack, dag_id: str) -> list[int]:
    admin = {"Authorization": f"Bearer {stack.token('admin')}"}
    runs = httpx.get(f"{stack.url}/api/v2/dags/{dag_id}/dagRuns", headers=admin, timeout=10).json()["dag_runs"]
    tries = []
    for run in runs:
        instance = httpx.get(f"{stack.url}/api/v2/dags/{dag_id}/dagRuns/{run['dag_run_id']}/taskInstances/"
                             f"{DELIVERY_STEP}", headers=admin, timeout=10)  # fmt: skip
        if instance.status_code == 200:
            tries.append(int(instance.json()["try_number"]))
    return tries


def kill_delivery(stack: RunningStack, case: Case) -> None:
    dag_id = case.integration["dag_id"]
    pid = wait_for("the delivery's process", lambda: task_process(stack, dag_id, DELIVERY_STEP), timeout=60, every=0.5)
    os.kill(pid, signal.SIGKILL)


# --- one case -------------------------------------------------------------------------------------------


def kill_in_flight(stack: RunningStack, case: Case, tenant: int, branches: list[int]) -> None:
    """Kill points 1 and 2: the sandbox hangs this credential's first upload, before or after storing it."""
    partner = case.transport.type_code
    mode = {"mode": SANDBOX_MODE[case.point], "times": 1}
    register(stack, case, tenant, branches, lambda: set_mode(stack, partner, {**mode, "credencial": case.credential}))
    wait_for("the upload to reach the partner's hang", lambda: mode_used_up(stack, partner, case.credential),
             timeout=REACH_TIMEOUT_S, every=0.5)  # fmt: skip
    if case.point in ENDED_FROM_OUTSIDE:
        # Paused, the scheduler queues no retry of the killed step: one started between the kill and the run's
        # end would deliver and complete the task, and the case would never see it fail.
        dag_id = case.integration["dag_id"]
        set_paused(stack, dag_id, True)
        kill_delivery(stack, case)
        fail_runs(stack, dag_id)
        set_paused(stack, dag_id, False)
    else:
        kill_delivery(stack, case)
    copies = copies_at_partner(stack, case)
    files = files_of(stack, case)
    if case.point == BEFORE_UPLOAD and (seen := copies or visible_to_partner(stack, case)):
        case.problems.append(f"killed before the upload, yet the partner has {seen}")
    if case.point in (AFTER_UPLOAD, *ENDED_FROM_OUTSIDE):
        if len(copies) != 1:
            case.problems.append(f"killed after the partner stored the first file: it has {len(copies)}")
        if any(f["status"] == "sent" for f in files if copies and f["name"] == copies[0]["name"]):
            case.problems.append("the stored file was already recorded as sent: not the point under test")


def set_paused(stack: RunningStack, dag_id: str, paused: bool) -> None:
    admin = {"Authorization": f"Bearer {stack.token('admin')}"}
    wait_for(f"{dag_id} paused={paused}", lambda: httpx.patch(
        f"{stack.url}/api/v2/dags/{dag_id}", headers=admin, json={"is_paused": paused}, timeout=30
    ).status_code == 200, timeout=60, every=1)  # fmt: skip


def fail_runs(stack: RunningStack, dag_id: str) -> None:
    """End the integration's unfinished runs from outside (as an operator would), so Airflow retries nothing."""
    admin = {"Authorization": f"Bearer {stack.token('admin')}"}
    runs_url = f"{stack.url}/api/v2/dags/{dag_id}/dagRuns"
    for run in httpx.get(runs_url, headers=admin, timeout=10).json()["dag_runs"]:
        if run["state"] in ("queued", "running"):
            # Airflow answers 500 ("Database error") when the scheduler updates the same run at that moment: the
            # operator tries again.
            wait_for(f"run {run['dag_run_id']} failed from outside", lambda run_id=run["dag_run_id"]: httpx.patch(
                f"{runs_url}/{run_id}", headers=admin, json={"state": "failed"}, timeout=30
            ).status_code == 200, timeout=60, every=1)  # fmt: skip


# The ERP moves on while the task is down (a product renamed, a customer's name corrected): the reprocessing
# must still send the bytes the partner may already have, not a second, different file of the period.
_REVISE = """WITH sales AS (
                SELECT v.id, v.cliente_id FROM integracao.tarefa t
                JOIN integracao.integracao n ON n.id = t.integracao_id
                JOIN erp.venda v ON v.tenant_id = n.tenant_id
                 AND (v.emitida_em AT TIME ZONE 'America/Sao_Paulo')::date BETWEEN t.data_inicial AND t.data_final
                WHERE t.id = %(task)s),
             products AS (UPDATE erp.produto SET descricao = descricao || %(revised)s
                          WHERE id IN (SELECT produto_id FROM erp.venda_item WHERE venda_id IN (SELECT id FROM sales)))
             UPDATE erp.cliente SET nome = nome || %(revised)s WHERE id IN (SELECT cliente_id FROM sales)"""
REVISED = " (revisado)"


def revise_erp(stack: RunningStack, case: Case, task_id: int) -> None:
    """Rename the products and customers of the task's period (undone when the case ends)."""
    with database(stack) as conn:
        conn.execute(_REVISE, {"task": task_id, "revised": REVISED})
    case.undo.append(lambda: undo_revision(stack))


def undo_revision(stack: RunningStack) -> None:
    params = {"revised": REVISED, "like": f"%{REVISED}", "cut": -len(REVISED)}
    with database(stack) as conn:
        conn.execute("UPDATE erp.produto SET descricao = left(descricao, %(cut)s) WHERE descricao LIKE %(like)s",
                     params)  # fmt: skip
        conn.execute("UPDATE erp.cliente SET nome = left(nome, %(cut)s) WHERE nome LIKE %(like)s", params)


def reprocess(stack: RunningStack, case: Case) -> None:
    """The task ends Falha no envio (the reconciler finds its run dead); the client reprocesses it, or asks for
    its period again."""

    def failed_tasks() -> list[int]:
        return [task for task, status in tasks_of(stack, case) if status == "failed"]

    failed = wait_for("the task of the dead run to fail", failed_tasks, timeout=END_TIMEOUT_S)
    revise_erp(stack, case, failed[0])
    with database(stack) as conn:
        reason = conn.execute("SELECT motivo_falha FROM integracao.tarefa WHERE id = %s", (failed[0],)).fetchone()
    if not (reason and "interrompido" in str(reason[0])):
        case.problems.append(f"the dead run's task failed with an unexpected reason: {reason}")
    with stack.client("cliente1") as client:
        if case.point == REPROCESSED:
            accepted = client.post(f"{API}/tasks/{failed[0]}/reprocess")
        else:
            with database(stack) as conn:
                start, end = conn.execute("SELECT data_inicial, data_final FROM integracao.tarefa WHERE id = %s",
                                          (failed[0],)).fetchone()  # type: ignore[misc]  # fmt: skip
            accepted = client.post(f"{API}/integrations/{case.integration['id']}/runs",
                                   json={"data_inicial": start.isoformat(), "data_final": end.isoformat()})  # fmt: skip
            if accepted.status_code == 202 and accepted.json()["task"]["id"] != failed[0]:
                case.problems.append("asking for the period again opened a new task instead of the failed one")
    assert accepted.status_code == 202, accepted.text


def kill_after_commit(stack: RunningStack, case: Case, tenant: int, branches: list[int]) -> None:
    """Kill point 3: the files are recorded as sent, the step waits for the task row we hold locked."""
    register(stack, case, tenant, branches)
    pending = wait_for(
        "the run's task",
        lambda: [task for task, status in tasks_of(stack, case) if status == "pending"],
        timeout=REACH_TIMEOUT_S,
        every=0.2,
    )
    with database(stack, autocommit=False) as lock, database(stack) as watch:
        held = lock.execute(
            "SELECT id, situacao FROM integracao.tarefa WHERE id = ANY(%s) FOR NO KEY UPDATE", (pending,)
        ).fetchall()
        if any(status != "pending" for _, status in held):
            case.problems.append(f"the task ended before it could be locked: {held}")
            lock.rollback()
            return
        me = lock.info.backend_pid

        def blocked_after_commit() -> bool:
            row = watch.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                                (me,)).fetchone()  # fmt: skip
            files = files_of(stack, case)
            return (
                bool(row and row[0])
                and len(files) == case.transport.files
                and all(f["status"] == "sent" for f in files)
            )

        try:
            wait_for("every file sent and the step blocked on the task row", blocked_after_commit,
                     timeout=REACH_TIMEOUT_S, every=0.5)  # fmt: skip
            kill_delivery(stack, case)
            if len(copies_at_partner(stack, case)) != case.transport.files:
                case.problems.append("killed after the commit, yet the partner does not have every file")
        finally:
            lock.rollback()


def run_case(stack: RunningStack, case: Case, tenant: int, branches: list[int]) -> Case:
    started = time.monotonic()
    try:
        if case.point == AFTER_COMMIT:
            kill_after_commit(stack, case, tenant, branches)
        else:
            kill_in_flight(stack, case, tenant, branches)
        killed = time.monotonic()
        if case.point in ENDED_FROM_OUTSIDE:
            reprocess(stack, case)

        def ended() -> list[tuple[int, str]] | None:
            tasks = tasks_of(stack, case)
            return tasks if tasks and all(status in ("completed", "failed") for _, status in tasks) else None

        try:
            tasks = wait_for("the task to end after the kill", ended, timeout=END_TIMEOUT_S, every=1)
        except AssertionError as error:
            tasks = tasks_of(stack, case)
            case.problems.append(f"{error}: {tasks}")
        case.lost += sum(1 for _, status in tasks if status != "completed")
        case.to_end = time.monotonic() - killed
        print(f"{case.name}: task ended {case.to_end:.0f}s after the kill")
        check_partner(stack, case)
        tries = delivery_tries(stack, case.integration["dag_id"])
        if case.point in ENDED_FROM_OUTSIDE and len(tries) != 2:
            case.problems.append(f"expected the dead run and the reprocessing run, found tries {tries}")
        if case.point not in ENDED_FROM_OUTSIDE and not any(t >= 2 for t in tries):
            case.problems.append(f"the delivery step was never retried (tries {tries}): was it killed?")
    except Exception:
        case.problems.append(traceback.format_exc(limit=4))
    finally:
        if case.credential:
            set_mode(stack, case.transport.type_code, {"mode": "ok", "credencial": case.credential})
        deactivate(stack, case)
        for undo in case.undo:
            undo()
        case.seconds = time.monotonic() - started
    return case


def check_partner(stack: RunningStack, case: Case) -> None:
    """Every file of ours sent, at the partner exactly once with our bytes, nothing else there. A copy whose
    bytes are not ours (cut short, or another rendering of the period) counts as partial."""
    # Should a task ever render a name twice, the newest row is what it finally sent.
    ours = {f["name"]: f for f in files_of(stack, case)}
    if len(ours) != case.transport.files:
        case.problems.append(f"{len(ours)} file(s) recorded, {case.transport.files} expected")
    case.lost += sum(1 for f in ours.values() if f["status"] != "sent")
    copies = copies_at_partner(stack, case)
    for name, stored in ours.items():
        same = [c for c in copies if c["name"] == name]
        if not same:
            case.lost += 1
            case.problems.append(f"{name} never reached the partner")
        case.duplicates += max(0, len(same) - 1)
        case.partial += sum(1 for c in same if (c["sha256"], c["size"]) != (stored["sha256"], stored["size"]))
    case.partial += sum(1 for c in copies if c["name"] not in ours)
    visible = visible_to_partner(stack, case)
    if visible is not None:
        expected = {name: stored["size"] for name, stored in ours.items()}
        case.partial += sum(1 for name, size in visible.items() if expected.get(name) != size)
        if set(visible) != set(expected):
            case.problems.append(f"the partner sees {sorted(visible)}, expected {sorted(expected)}")
    if case.duplicates or case.partial:
        case.problems.append(f"{case.duplicates} duplicate(s), {case.partial} partial; copies {copies}")


# --- the matrix -----------------------------------------------------------------------------------------


def test_sigkill_at_three_points_loses_and_doubles_nothing(stack: RunningStack, scorecard: Scorecard) -> None:
    tenant, branches = vida(stack)

    def one_after_another(transport: Transport, points: tuple[str, ...]) -> list[Case]:
        return [run_case(stack, Case(transport, p), tenant, branches) for _ in range(REPEAT) for p in points]

    # Per transport: the three kill points one after another, and the two cases of a run ended from outside
    # next to them.
    lanes = [(t, points) for t in TRANSPORTS for points in (POINTS, (REPROCESSED,), (REQUESTED_AGAIN,))]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        cases = [case for cases in pool.map(lambda lane: one_after_another(*lane), lanes) for case in cases]
    for case in cases:
        print(f"{case.name}: {case.seconds:.0f}s, {case.duplicates} dup, {case.partial} partial, {case.lost} lost")
    slowest = max(case.to_end for case in cases)
    print(f"{len(cases)} cases in {time.monotonic() - started:.0f}s; the slowest ended {slowest:.0f}s after its kill")
    dups, partial, lost = (sum(getattr(c, a) for c in cases) for a in ("duplicates", "partial", "lost"))
    scorecard.record(
        "Falhas: SIGKILL em 3 pontos × HTTPS/SFTP/S3 (+ reprocessada, + pedida de novo)",
        f"{len(cases)} casos, {dups} duplicados, {partial} parciais, {lost} perdidas",
        "0 / 0 / 0",
    )
    failures = {case.name: case.problems for case in cases if case.problems}
    assert not failures, json.dumps(failures, indent=2, ensure_ascii=False)
    assert (dups, partial, lost) == (0, 0, 0)
