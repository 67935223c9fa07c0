"""The catalog of integration types: the one declarative source of every partner's identity, keys,
manual-run flag, window policy and cadence. The database catalog is synced from here at start.

Adding a partner = one `IntegrationType` here (+ its connector module and SQL, which reference it, and its
domains in partner_domains.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from include.connectors import partner_domains
from include.connectors.config import (
    ConfigKey,
    IntRange,
    OneOf,
    Pattern,
    email_key,
    https_keys,
    s3_keys,
    sftp_keys,
    url_key,
)


class Direction(StrEnum):
    OUT = "out"
    IN = "in"
    BOTH = "both"


@dataclass(frozen=True)
class DailyWindow:
    """One task per calendar day D-N; missed days are caught up, delivered days never resent."""

    days_back: int = 1
    max_days_per_file: int = 1


@dataclass(frozen=True)
class IncrementalWindow:
    """What was committed since the last delivered task's snapshot, in commit order (no lag, no row lost to a
    late commit: include/sql/migrations/0016_commit_order.sql); nothing new = no task."""


@dataclass(frozen=True)
class OwnTimetable:
    """The connector fixes its own cadence (cron expressions in the deployment's timezone)."""

    crons: tuple[str, ...]
    description: str
    days_back: int = 0
    description_en: str = ""

    def describe(self, language: str) -> str:
        return self.description_en if language == "en" and self.description_en else self.description


WindowPolicy = DailyWindow | IncrementalWindow | OwnTimetable


@dataclass(frozen=True)
class IntegrationType:
    code: str
    name: str
    business: str
    data: str
    file_format: str
    transport: str
    direction: Direction
    window: WindowPolicy
    keys: tuple[ConfigKey, ...]
    manual_run_allowed: bool = False
    # Deliveries of all tenants to this partner at once (its Airflow pool's slots).
    partner_slots: int = 4
    # The partner's own domains: the only hosts its URLs and SFTP servers may name (partner_domains.py, hosts.py).
    domains: tuple[str, ...] = ()
    # Time limits from the partner's contract (minutes): one try of one step, and a whole run. A run must fit
    # every step once plus one more timed-out try and its retry delays (tests/dags/test_schedules.py), so a
    # step that hangs is ended and retried by its own limit first; the run's limit only stops a run that keeps
    # its integration blocked (tries that hang again and again, a long wait for a pool slot).
    step_timeout_min: int = 30
    run_timeout_min: int = 180

    def key(self, name: str) -> ConfigKey | None:
        return next((k for k in self.keys if k.key == name), None)


_D1 = DailyWindow(days_back=1)
_INCREMENTAL = IncrementalWindow()

_DECLARED: tuple[IntegrationType, ...] = (
    IntegrationType(
        "naapyes", "NaapYes", "Aplicativo de benefícios ao cliente", "Vendas com identificação do cliente e itens",
        "JSON", "HTTPS (API key)", Direction.OUT, _INCREMENTAL,
        https_keys("https://api.naapyes.com.br/v1", credential="api_key", label="Chave de API", label_en="API key"),
    ),
    IntegrationType(
        "beneficios_unifabra", "Benefícios Unifabra", "Programa de benefícios da indústria (PBM)",
        "Itens vendidos em programas de benefício", "CSV ;", "SFTP", Direction.OUT, _D1,
        (*sftp_keys("/pbm/entrada"), ConfigKey("codigo_farmacia", "Código da farmácia no programa",
                                                rules=(Pattern(r"\d{1,10}", "validation.digits"),),
                                                label_en="Pharmacy code in the programme")),
    ),
    IntegrationType(
        "propz", "Propz", "CRM e analytics de varejo", "Vendas, itens, clientes (CPF com hash) e produtos",
        "CSV , gzip", "S3", Direction.OUT, _D1, s3_keys(), manual_run_allowed=True,
    ),
    IntegrationType(
        "webcompras", "WebCompras", "Plataforma de compras", "Compras (sell-in) e estoque por filial",
        "JSON", "HTTPS (token)", Direction.OUT, _D1, https_keys("https://api.webcompras.com.br/v2"),
    ),
    IntegrationType(
        "control_shop", "Control Shop", "Loja omnichannel", "Produtos, preços e estoque",
        "JSON", "HTTPS (API key)", Direction.OUT, _INCREMENTAL,
        (*https_keys("https://api.controlshop.com.br", credential="api_key", label="Chave de API", label_en="API key"),
         ConfigKey("loja_id", "Código da loja", rules=(IntRange(1, 999_999),), label_en="Store code")),
    ),
    IntegrationType(
        "boavista", "BoaVista", "Conciliação de vendas com cartão",
        "Vendas com cartão D-2; conciliação D-3; pagamentos", "JSON", "HTTPS (access key + secret key)",
        Direction.BOTH,
        OwnTimetable(
            ("0 4-20/4 * * *",),
            "vendas de D-2 enviadas a cada 4 horas entre 04:00 e 20:00; conciliação de D-3 e pagamentos de D-1"
            " consultados a cada execução (horário de Brasília)",
            days_back=2,
            description_en="D-2 sales sent every 4 hours between 04:00 and 20:00; D-3 reconciliation and D-1"
            " payments fetched on every run (Brasília time)",
        ),
        (
            url_key("https://api.boavistaservicos.com.br/conciliacao"),
            ConfigKey("access_key", "Chave de Acesso", secret=True, label_en="Access key"),
            ConfigKey("secret_key", "Chave Secreta", secret=True, label_en="Secret key"),
            email_key(),
        ),
    ),
    IntegrationType(
        "pricefy", "Pricefy", "Inteligência de preços", "Produtos e preços por zona",
        "CSV ;", "HTTPS upload (token)", Direction.OUT, DailyWindow(days_back=0),
        https_keys("https://api.pricefy.com.br/v1"),
    ),
    IntegrationType(
        "linked_farma", "Linked Farma (Gruppy)", "Rede de dados comerciais de farmácias",
        "Sell-out por produto, filial e dia", "CSV ;", "SFTP", Direction.OUT, _D1,
        (*sftp_keys("/sellout"), ConfigKey("codigo_rede", "Código da rede na Gruppy",
                                           rules=(Pattern(r"[A-Z0-9]{2,12}", "validation.code_upper"),),
                                           label_en="Chain code at Gruppy")),
        manual_run_allowed=True,
    ),
    IntegrationType(
        "proffer", "Proffer", "Recomendação de preços",
        "Produtos, sell-in e sell-out; retorna preços sugeridos", "CSV (envio) / JSON (retorno)",
        "HTTPS (token)", Direction.BOTH, _D1,
        (
            url_key("https://api.proffer.com.br/v1"),
            ConfigKey("token", "Chave de acesso", secret=True, label_en="Access token"),
            # Proffer's defaults are set by the support team (the manual: visible to agents only).
            ConfigKey("dias_historico", "Dias de histórico enviados", default="90", rules=(IntRange(7, 365),),
                      label_en="Days of history sent", agents_only=True),
            ConfigKey("margem_minima_percentual", "Margem mínima (%)", default="10", rules=(IntRange(0, 100),),
                      label_en="Minimum margin (%)", agents_only=True),
            ConfigKey("arredondamento", "Arredondamento do preço sugerido", default="0,99",
                      rules=(OneOf(("0,99", "0,90", "0,49", "nenhum")),),
                      label_en="Rounding of the suggested price", agents_only=True),
        ),
        manual_run_allowed=True,
    ),
    IntegrationType(
        "dito", "Dito", "CRM e automação de marketing", "Eventos de compra com identificação do cliente",
        "JSON Lines", "HTTPS (chave + assinatura HMAC)", Direction.OUT, _INCREMENTAL,
        (
            url_key("https://events.plataforma.dito.com.br"),
            ConfigKey("api_key", "Chave de API (pública)", label_en="API key (public)",
                      rules=(Pattern(r"[A-Za-z0-9_-]{8,128}", "validation.api_key"),)),
            ConfigKey("api_secret", "Segredo da API (assinatura HMAC)", secret=True,
                      label_en="API secret (HMAC signature)"),
        ),
        manual_run_allowed=True,
    ),
    IntegrationType(
        "smarket", "Smarket", "Trade marketing e promoções", "Itens vendidos com códigos de promoção",
        "CSV ;", "HTTPS (token)", Direction.OUT, _D1,
        (*https_keys("https://api.smarket.com.br/v1"),
         ConfigKey("codigo_cliente", "Código do cliente na Smarket",
                   rules=(Pattern(r"[A-Za-z0-9-]{1,20}", "validation.code"),), label_en="Customer code at Smarket")),
        manual_run_allowed=True,
    ),
    IntegrationType(
        "ligo", "Ligo", "Mensageria com clientes", "Eventos de compra para mensagens pós-venda",
        "JSON", "HTTPS (API key)", Direction.OUT, _INCREMENTAL,
        https_keys("https://api.ligo.com.br/v1", credential="api_key", label="Chave de API", label_en="API key"),
    ),
    IntegrationType(
        "linx_wms", "Linx WMS", "Armazém (WMS)", "Pedidos de reposição (envio); movimentos de estoque (retorno)",
        "XML", "HTTPS (usuário/senha)", Direction.BOTH, _INCREMENTAL,
        (
            url_key(),
            ConfigKey("usuario", "Usuário", rules=(Pattern(r"[A-Za-z0-9._@-]{1,64}", "validation.username"),),
                      label_en="User"),
            ConfigKey("senha", "Senha", secret=True, label_en="Password"),
            ConfigKey("codigo_deposito", "Código do depósito", rules=(IntRange(1, 9999),), label_en="Warehouse code"),
        ),
    ),
    IntegrationType(
        "trivio", "Trivio", "Fidelidade e cashback", "Vendas com identificação do cliente",
        "CSV ;", "SFTP", Direction.OUT, _D1, sftp_keys("/vendas"), manual_run_allowed=True,
    ),
    IntegrationType(
        "audit", "Audit", "Painel de auditoria de mercado", "Sell-out por produto e filial",
        "TXT posicional", "SFTP", Direction.OUT, _D1,
        (*sftp_keys("/audit"), ConfigKey("codigo_painel", "Código da farmácia no painel",
                                         rules=(Pattern(r"\d{6}", "validation.digits6"),),
                                         label_en="Pharmacy code in the panel")),
        manual_run_allowed=True,
    ),
    IntegrationType(
        "sngpc", "SNGPC", "Medicamentos controlados (Anvisa)", "Entradas e dispensações de controlados por filial",
        "XML", "HTTPS (usuário/senha)", Direction.OUT, DailyWindow(days_back=1, max_days_per_file=7),
        (
            url_key("https://sngpc.anvisa.gov.br/webservice", label="URL do serviço", label_en="Service URL"),
            ConfigKey("usuario", "Usuário Anvisa", rules=(Pattern(r"[A-Za-z0-9._@-]{1,64}", "validation.username"),),
                      label_en="Anvisa user"),
            ConfigKey("senha", "Senha Anvisa", secret=True, label_en="Anvisa password"),
            ConfigKey("crf_responsavel", "CRF do farmacêutico responsável",
                      rules=(Pattern(r"[A-Z]{2}-?\d{3,6}", "validation.crf"),),
                      label_en="CRF of the pharmacist in charge"),
        ),
    ),
    IntegrationType(
        "exact_wms", "Exact WMS", "Armazém (WMS)", "Pedidos (envio); movimentos de estoque (retorno)",
        "CSV ;", "SFTP", Direction.BOTH, _INCREMENTAL, sftp_keys("/exact"),
    ),
    IntegrationType(
        "fisoft_wms", "FISoft WMS", "Armazém (WMS)", "Pedidos (envio); movimentos de estoque (retorno)",
        "TXT posicional", "SFTP", Direction.BOTH, _INCREMENTAL, sftp_keys("/fisoft"),
    ),
    IntegrationType(
        "delage_wms", "Delage WMS", "Armazém (WMS)", "Pedidos (envio); movimentos de estoque (retorno)",
        "JSON", "HTTPS (token)", Direction.BOTH, _INCREMENTAL, https_keys("https://api.delage.com.br/wms"),
    ),
    IntegrationType(
        "iqvia", "IQVIA", "Painel de sell-out (arquivos)", "Sell-out por produto, filial e dia",
        "TXT posicional", "SFTP", Direction.OUT, _D1,
        (*sftp_keys("/iqvia"), ConfigKey("codigo_painel", "Código da farmácia no painel IQVIA",
                                         rules=(Pattern(r"\d{6}", "validation.digits6"),),
                                         label_en="Pharmacy code in the IQVIA panel")),
    ),
    IntegrationType(
        "iqvia_api", "IQVIA API", "Painel de sell-out (API)", "Sell-out por produto, filial e dia",
        "JSON", "HTTPS (OAuth2 client credentials)", Direction.OUT, _D1,
        (
            url_key("https://api.iqvia.com.br/sellout/v1"),
            url_key("https://auth.iqvia.com.br/oauth2/token", key="url_token", label="URL de autenticação OAuth2",
                    label_en="OAuth2 token URL"),
            ConfigKey("client_id", "Identificador do cliente", label_en="Client ID",
                      rules=(Pattern(r"[A-Za-z0-9._-]{4,128}", "validation.api_key"),)),
            ConfigKey("client_secret", "Segredo do cliente", secret=True, label_en="Client secret"),
        ),
        manual_run_allowed=True,
    ),
    IntegrationType(
        "cosmos", "Cosmos", "Catálogo de produtos", "Dados de produtos por EAN (recebimento)",
        "JSON", "HTTPS (token)", Direction.IN, DailyWindow(days_back=0),
        https_keys("https://api.cosmos.bluesoft.com.br"),
    ),
    IntegrationType(
        "scanntech", "ScannTech", "Dados de varejo e promoções", "Itens vendidos",
        "JSON", "HTTPS (API key)", Direction.OUT, _D1,
        (*https_keys("https://api.scanntech.com.br/v2", credential="api_key", label="Chave de API", label_en="API key"),
         ConfigKey("codigo_empresa", "Código da empresa na ScannTech", rules=(IntRange(1, 99_999_999),),
                   label_en="Company code at ScannTech")),
        manual_run_allowed=True,
    ),
)  # fmt: skip

# (step, run) time limits in minutes where a partner's contract differs from the defaults (30, 180): event APIs
# answer in seconds and are woken every few minutes; sell-out panels, Propz's gzip exports, Proffer's 90 days
# of history and the regulator's slow web service move whole days of a chain's sales.
_SMALL_API, _LARGE_FILES = (10, 60), (45, 240)
_TIME_LIMITS: dict[str, tuple[int, int]] = {
    "naapyes": _SMALL_API, "control_shop": _SMALL_API, "dito": _SMALL_API, "ligo": _SMALL_API,
    "linx_wms": _SMALL_API, "delage_wms": _SMALL_API,
    "propz": _LARGE_FILES, "iqvia": _LARGE_FILES, "linked_farma": _LARGE_FILES, "audit": _LARGE_FILES,
    "proffer": _LARGE_FILES, "sngpc": _LARGE_FILES,
}  # fmt: skip


def _completed(declared: IntegrationType) -> IntegrationType:
    step, run = _TIME_LIMITS.get(declared.code, (declared.step_timeout_min, declared.run_timeout_min))
    return replace(declared, domains=partner_domains.DOMAINS[declared.code], step_timeout_min=step, run_timeout_min=run)


TYPES: tuple[IntegrationType, ...] = tuple(_completed(t) for t in _DECLARED)
CATALOG: dict[str, IntegrationType] = {t.code: t for t in TYPES}
