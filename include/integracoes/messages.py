"""The message catalog: every text a user of the product reads, in pt-BR (default) and English."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

DEFAULT_LANGUAGE: Final = "pt-BR"
LANGUAGES: Final = ("pt-BR", "en")

CATALOG: Final[dict[str, dict[str, str]]] = {
    "auth.missing": {
        "pt-BR": "Sessão não encontrada. Entre novamente no Airflow para continuar.",
        "en": "No session found. Sign in to Airflow again to continue.",
    },
    "auth.expired": {
        "pt-BR": "Sua sessão expirou. Entre novamente no Airflow para continuar.",
        "en": "Your session has expired. Sign in to Airflow again to continue.",
    },
    "auth.invalid": {
        "pt-BR": "Credencial inválida. Entre novamente no Airflow para continuar.",
        "en": "Invalid credentials. Sign in to Airflow again to continue.",
    },
    "auth.forbidden": {
        "pt-BR": "Você não tem permissão para realizar esta operação.",
        "en": "You are not allowed to perform this operation.",
    },
    "auth.csrf": {
        "pt-BR": "Requisição recusada: origem não confirmada. Recarregue a página e tente novamente.",
        "en": "Request refused: its origin could not be confirmed. Reload the page and try again.",
    },
    "http.not_found": {
        "pt-BR": "Recurso não encontrado.",
        "en": "Not found.",
    },
    "http.method_not_allowed": {
        "pt-BR": "Método não permitido para este endereço.",
        "en": "Method not allowed for this address.",
    },
    "http.validation": {
        "pt-BR": "Verifique os campos informados.",
        "en": "Check the fields you entered.",
    },
    "http.field_invalid": {
        "pt-BR": "Valor inválido.",
        "en": "Invalid value.",
    },
    "http.field_missing": {
        "pt-BR": "Campo obrigatório.",
        "en": "Required field.",
    },
    "http.internal": {
        "pt-BR": "Erro interno. Tente novamente em instantes; se persistir, contate o suporte.",
        "en": "Internal error. Try again shortly; if it persists, contact support.",
    },
    "http.unavailable": {
        "pt-BR": "Serviço temporariamente indisponível. Tente novamente em instantes.",
        "en": "Service temporarily unavailable. Try again shortly.",
    },
    "ui.title": {"pt-BR": "Integrações", "en": "Integrations"},
    "ui.welcome": {"pt-BR": "Olá, {name}.", "en": "Hello, {name}."},
    "ui.tenants": {"pt-BR": "Clientes", "en": "Customers"},
    "ui.no_tenants": {
        "pt-BR": "Seu usuário ainda não está vinculado a nenhum cliente. Fale com o suporte.",
        "en": "Your user is not linked to any customer yet. Contact support.",
    },
}


def negotiate(accept_language: str | None, preferred: Iterable[str] = LANGUAGES) -> str:
    """Pick a catalog language from an Accept-Language header (pt-BR unless English is preferred)."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:  # q=0 means "not acceptable"
            ranked.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        for language in preferred:
            if tag == language.lower() or tag.split("-")[0] == language.lower().split("-")[0]:
                return language
    return DEFAULT_LANGUAGE


def text(key: str, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The catalog text of `key` in `language` (falling back to pt-BR), formatted with `params`."""
    entry = CATALOG[key]
    template = entry.get(language) or entry[DEFAULT_LANGUAGE]
    return template.format(**params) if params else template
