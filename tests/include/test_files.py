"""Generated files in storage: a file whose export fails halfway is not left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from include.integracoes import files


def write_then_fail(name: str) -> None:
    with files.writer(1, 2, 3, name) as (sink, _path):
        sink.write(b"cabecalho\n")
        raise RuntimeError("dados fora do layout")


def test_a_file_refused_halfway_is_removed_from_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRACOES_DATA", str(tmp_path))
    monkeypatch.delenv("INTEGRACOES_FILES_URL", raising=False)
    folder = tmp_path / "arquivos" / "cliente_1" / "integracao_2" / "tarefa_3"
    with pytest.raises(RuntimeError, match="fora do layout"):
        write_then_fail("parcial.csv")
    assert not (folder / "parcial.csv").exists()
    with files.writer(1, 2, 3, "inteiro.csv") as (sink, _path):
        sink.write(b"ok\n")
    assert (folder / "inteiro.csv").read_bytes() == b"ok\n"
