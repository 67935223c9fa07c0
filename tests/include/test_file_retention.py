"""Files past the retention period: their bytes leave storage, their rows stay marked expired, a download
is refused as Gone (the API's 410 "Arquivo expirado…"), and an expired file is never sent again."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from include.airflow_adapter import run_steps
from include.integracoes import files, run_scope, tasks
from include.integracoes.errors import Gone
from include.integracoes.principal import Principal, Tenant
from include.integracoes.tasks import Origin
from tests.include.test_rendered_once import Smarket, smarket  # noqa: F401  # the fixture


def produced(world: Smarket, days_ago: int = 1) -> files.StoredFile:
    """A rendered file of one day's task (pending tasks of an integration never overlap: one day each)."""
    from include.connectors import smarket as connector

    conn, integration_id, _ = world
    day = date.today() - timedelta(days=days_ago)
    task = tasks.insert_pending(conn, integration_id, day, day, "Sistema", Origin.SCHEDULED)
    scope = run_scope.scope(integration_id, run_scope.load(conn, integration_id), task.start, task.end,
                             task.code)  # fmt: skip
    return files.get(conn, run_steps._produce_one(conn, connector.Smarket.datasets[0], scope, task.id))


def test_files_older_than_the_retention_are_removed_and_marked(smarket: Smarket) -> None:  # noqa: F811
    conn, _, tenant = smarket
    old, recent = produced(smarket, 1), produced(smarket, 2)
    conn.execute("UPDATE integracao.arquivo SET criado_em = now() - interval '91 days' WHERE id = %s", (old.id,))

    assert files.expire_old(conn, 90) == 1
    assert files.expire_old(conn, 90) == 0, "an expired file is expired once"

    gone, kept = files.get(conn, old.id), files.get(conn, recent.id)
    assert gone.expired
    assert not files._path(gone.uri).exists()
    assert (gone.sha256, gone.size, gone.name) == (old.sha256, old.size, old.name), "the record of what was sent stays"
    assert not kept.expired
    assert files._path(kept.uri).exists()

    client = Principal("c", ("Client",), False, (Tenant(tenant, "T"),))
    with pytest.raises(Gone) as refused:
        files.for_download(conn, client, old.id)
    assert refused.value.params == {"days": 90}
    assert files.for_download(conn, client, recent.id).id == recent.id


def test_zero_keeps_files_forever_and_batches_cover_everything(smarket: Smarket) -> None:  # noqa: F811
    conn, _, _ = smarket
    made = [produced(smarket, n) for n in range(1, 6)]
    conn.execute("UPDATE integracao.arquivo SET criado_em = now() - interval '400 days'")
    assert files.expire_old(conn, 0) == 0
    assert files.expire_old(conn, 90, batch=2) == len(made)
    assert all(files.get(conn, f.id).expired for f in made)


def test_a_file_whose_bytes_were_already_lost_is_still_marked(smarket: Smarket) -> None:  # noqa: F811
    conn, _, _ = smarket
    lost = produced(smarket)
    files._path(lost.uri).unlink()
    assert files.expire_old(conn, 90, now=datetime.now().astimezone() + timedelta(days=120)) == 1
    assert files.get(conn, lost.id).expired


def test_an_expired_file_is_never_sent_again(smarket: Smarket) -> None:  # noqa: F811
    conn, _, _ = smarket
    first = produced(smarket)
    task_id = first.task_id
    conn.execute("UPDATE integracao.arquivo SET criado_em = now() - interval '91 days' WHERE id = %s", (first.id,))
    files.expire_old(conn, 90)
    assert files.rendered_before(conn, task_id, first.name) is None
