"""SNGPC (controlled medicines, a regulator's report): entries and dispensations per branch, XML, HTTPS
with user and password; one file per branch and period (at most 7 days).

Contract (ours, modelled on the regulator's web service): POST {url_api}/movimentacoes with HTTP Basic
(usuario, senha), `X-CRF-Responsavel`, `X-Periodo-Inicio` / `X-Periodo-Fim` (YYYY-MM-DD), body
application/xml valid against `sandbox/schemas/sngpc.xsd` (root mensagemSNGPC in the namespace
urn:integracoes:sngpc:v1, one <movimento> per entry or dispensation, its
fields as child elements in the schema's order); answer 201 {"protocolo": "..."}.
A file covering more than 7 days is refused by the partner.
"""

from __future__ import annotations

from collections.abc import Mapping

from include.connectors.base import Connector, DataSet, Delivery
from include.connectors.config import ConfigKey, Pattern, url_key
from include.connectors.formats import Xml
from include.connectors.transports.http_auth import BasicAuth
from include.connectors.transports.https import HttpsUpload
from include.connectors.types import DailyWindow, Direction, IntegrationType

NAMESPACE = "urn:integracoes:sngpc:v1"
MOVEMENT_COLUMNS = (
    "tipo", "data_hora", "cnpj_filial", "ean", "descricao", "lote", "quantidade", "receita", "crm_prescritor",
)  # fmt: skip


class Sngpc(Connector):
    spec = IntegrationType(
        code="sngpc",
        name="SNGPC",
        business="Medicamentos controlados (Anvisa)",
        data="Entradas e dispensações de controlados por filial",
        file_format="XML",
        transport="HTTPS (usuário/senha)",
        direction=Direction.OUT,
        window=DailyWindow(days_back=1, max_days_per_file=7),
        keys=(
            url_key("https://sngpc.anvisa.gov.br/webservice", label="URL do serviço", label_en="Service URL"),
            ConfigKey(
                "usuario",
                "Usuário Anvisa",
                rules=(Pattern(r"[A-Za-z0-9._@-]{1,64}", "validation.username"),),
                label_en="Anvisa user",
            ),
            ConfigKey("senha", "Senha Anvisa", secret=True, label_en="Anvisa password"),
            ConfigKey(
                "crf_responsavel",
                "CRF do farmacêutico responsável",
                rules=(Pattern(r"[A-Z]{2}-?\d{3,6}", "validation.crf"),),
                label_en="CRF of the pharmacist in charge",
            ),
        ),
        domains=("anvisa.gov.br",),
        step_timeout_min=45,
        run_timeout_min=240,
    )
    datasets = (
        DataSet("movimentacoes", "controlled_movements.sql", MOVEMENT_COLUMNS,
                Xml(root="mensagemSNGPC", row="movimento", namespace=NAMESPACE, attributes=(("versao", "1.0"),)),
                "sngpc_filial{branch}_{start}_{end}_t{task}", per_branch=True,
                # Every column: two movements that tie are identical lines, in whatever order.
                order_by=MOVEMENT_COLUMNS),
    )  # fmt: skip
    transport = HttpsUpload(
        auth=BasicAuth("usuario", "senha"), path="/movimentacoes", extra_keys=frozenset({"crf_responsavel"})
    )

    def headers(self, delivery: Delivery, config: Mapping[str, str]) -> dict[str, str]:
        return {
            "X-CRF-Responsavel": config["crf_responsavel"],
            "X-Periodo-Inicio": delivery.start.isoformat(),
            "X-Periodo-Fim": delivery.end.isoformat(),
        }
