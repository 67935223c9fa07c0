"""Configuration keys of a connector and the small, fixed vocabulary of rules that validate their values.

A rule is data (it is stored with the catalog and shown to agents) and a check: `check(value)` returns
None when the value is valid, or a `Problem` (message-catalog key + parameters) explaining what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from include.connectors import addresses
from include.problems import Problem


class Rule:
    """A validation rule of the vocabulary; subclasses are frozen dataclasses."""

    name: ClassVar[str]

    def check(self, value: str) -> Problem | None:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """JSON form stored in the catalog (`tipo_chave.validacao`)."""
        return {"rule": self.name, **{k: v for k, v in vars(self).items() if v is not None}}

    def json_schema(self) -> dict[str, Any]:
        """What the rule accepts as JSON Schema keywords over the value (a string), for forms and API clients
        to check before saving; the server's `check` stays the judge."""
        return {}


@dataclass(frozen=True)
class Email(Rule):
    name: ClassVar[str] = "email"
    # Pragmatic, not RFC 5322: one @, a dot in the domain, no spaces.
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
    # Several addresses separated by ";" (a notification key: the pharmacy's finance team and its owner).
    several: bool = False
    MAX_ADDRESSES: ClassVar[int] = 10

    def json_schema(self) -> dict[str, Any]:
        if self.several:  # up to MAX_ADDRESSES addresses separated by ";"
            one = self._PATTERN.pattern.strip("^$")
            return {"pattern": f"^\\s*{one}(\\s*;\\s*{one})*\\s*;?\\s*$"}
        return {"format": "email", "pattern": self._PATTERN.pattern}

    def check(self, value: str) -> Problem | None:
        addresses = split_addresses(value) if self.several else [value]
        valid = all(self._PATTERN.match(a) and len(a) <= 254 for a in addresses)
        if not addresses or not valid or len(addresses) > self.MAX_ADDRESSES:
            return Problem("validation.emails" if self.several else "validation.email")
        return None


def split_addresses(value: str) -> list[str]:
    """The addresses of a list separated by ";" (blank entries ignored)."""
    return [part.strip() for part in value.split(";") if part.strip()]


@dataclass(frozen=True)
class Url(Rule):
    """A partner's URL, read by the strict rules of `addresses` (the reading the connection then uses)."""

    name: ClassVar[str] = "url"
    https_only: bool = True

    def json_schema(self) -> dict[str, Any]:
        return {"format": "uri", "pattern": "^https://" if self.https_only else "^https?://"}

    def check(self, value: str) -> Problem | None:
        try:
            addresses.parse_url(value, schemes=("https",) if self.https_only else ("https", "http"))
        except addresses.AddressError as error:
            return Problem(error.key)
        return None


@dataclass(frozen=True)
class Host(Rule):
    """A server's name or one IP address in its canonical form (SFTP hosts)."""

    name: ClassVar[str] = "host"

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [{"format": "hostname"}, {"format": "ipv4"}, {"format": "ipv6"}]}

    def check(self, value: str) -> Problem | None:
        try:
            addresses.parse_host(value)
        except addresses.AddressError as error:
            return Problem(error.key)
        return None


@dataclass(frozen=True)
class IntRange(Rule):
    name: ClassVar[str] = "int_range"
    min: int
    max: int

    def json_schema(self) -> dict[str, Any]:
        # An integer written as a string: the range is stated beside the pattern (JSON Schema's minimum and
        # maximum apply to numbers only).
        return {"pattern": r"^-?\d{1,12}$", "x-minimum": self.min, "x-maximum": self.max}

    def check(self, value: str) -> Problem | None:
        if not re.fullmatch(r"-?\d{1,12}", value) or not self.min <= int(value) <= self.max:
            return Problem("validation.int_range", {"min": self.min, "max": self.max})
        return None


@dataclass(frozen=True)
class Port(IntRange):
    name: ClassVar[str] = "port"
    min: int = 1
    max: int = 65535


@dataclass(frozen=True)
class OneOf(Rule):
    name: ClassVar[str] = "enum"
    values: tuple[str, ...]

    def check(self, value: str) -> Problem | None:
        return None if value in self.values else Problem("validation.enum", {"values": ", ".join(self.values)})

    def describe(self) -> dict[str, Any]:
        return {"rule": self.name, "values": list(self.values)}

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass(frozen=True)
class Pattern(Rule):
    """A regular expression with the human description of what it accepts (pt-BR catalog key)."""

    name: ClassVar[str] = "regex"
    pattern: str
    message: str

    def check(self, value: str) -> Problem | None:
        return None if re.fullmatch(self.pattern, value) else Problem(self.message)

    def json_schema(self) -> dict[str, Any]:
        return {"pattern": f"^(?:{self.pattern})$"}


MAX_VALUE_LENGTH = 2000


@dataclass(frozen=True)
class Widget:
    """How a form asks for a key's value, derived from its rules (the form is not a second source of them)."""

    kind: str  # text | password | select | number | email | url | digits
    options: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    several: bool = False  # e-mail addresses separated by ";"


# A pattern of digits only (codes where leading zeros count: a text field with a numeric keypad).
_DIGITS_ONLY = re.compile(r"(\\d(\{\d+(,\d+)?\})?)+")


@dataclass(frozen=True)
class ConfigKey:
    """One configuration key of an integration type; `label` is pt-BR (the product's language), `label_en`
    its English text (the connector catalog is the one source of a key's wording in both languages)."""

    key: str
    label: str
    required: bool = True
    secret: bool = False
    default: str | None = None
    rules: tuple[Rule, ...] = ()
    help: str | None = None
    label_en: str = ""
    help_en: str | None = None
    # A value the support team sets for the client (Proffer's defaults): never shown to clients.
    agents_only: bool = False
    # What a missing value is told, when "fill it in" is not how it is filled (a confirmed SFTP host key).
    required_message: str = "validation.required"
    # A value its rules accept, where none can be derived from them (a pattern): the demo's registration.
    example: str | None = None

    def localized_label(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label

    def localized_help(self, language: str) -> str | None:
        return self.help_en if language == "en" and self.help_en else self.help

    @property
    def widget(self) -> Widget:
        if self.secret:
            return Widget("password")
        for rule in self.rules:
            if isinstance(rule, OneOf):
                return Widget("select", options=rule.values)
            if isinstance(rule, IntRange):
                return Widget("number", min=rule.min, max=rule.max)
            if isinstance(rule, Email):
                return Widget("email", several=rule.several)
            if isinstance(rule, Url):
                return Widget("url")
            if isinstance(rule, Pattern) and _DIGITS_ONLY.fullmatch(rule.pattern):
                return Widget("digits")
        return Widget("text")

    def json_schema(self) -> dict[str, Any]:
        """The value's JSON Schema (a string): what `problem` checks, stated for the form and API clients."""
        schema: dict[str, Any] = {"type": "string", "maxLength": MAX_VALUE_LENGTH}
        if self.required:
            schema["minLength"] = 1
        fragments = [fragment for rule in self.rules if (fragment := rule.json_schema())]
        if len(fragments) == 1:
            schema |= fragments[0]
        elif fragments:
            schema["allOf"] = fragments
        return schema

    def problem(self, value: str | None) -> Problem | None:
        """Why `value` is not acceptable for this key (None when it is). Empty means 'no value'."""
        if value is None or value.strip() == "":
            return Problem(self.required_message) if self.required else None
        if len(value) > MAX_VALUE_LENGTH or any(ord(c) < 32 for c in value):
            return Problem("validation.text", {"max": MAX_VALUE_LENGTH})
        for rule in self.rules:
            found = rule.check(value.strip())
            if found:
                return found
        return None


# --- key sets of the shared transports (a partner picks one and adds its own keys) -----------------


def url_key(
    default: str | None = None, *, key: str = "url_api", label: str = "URL da API", label_en: str = "API URL"
) -> ConfigKey:
    return ConfigKey(
        key, label, default=default, rules=(Url(),), help="Endereço HTTPS do parceiro", label_en=label_en,
        help_en="The partner's HTTPS address",
    )  # fmt: skip


def https_keys(
    default_url: str,
    *,
    credential: str = "token",
    label: str = "Chave de acesso",
    label_en: str = "Access token",
) -> tuple[ConfigKey, ...]:
    return (url_key(default_url), ConfigKey(credential, label, secret=True, label_en=label_en))


def oauth2_keys(default_url: str) -> tuple[ConfigKey, ...]:
    """A partner API whose tokens come from OAuth2 client credentials at a path of the same API."""
    return (
        url_key(default_url),
        ConfigKey("client_id", "Identificador do cliente", label_en="Client ID"),
        ConfigKey("client_secret", "Segredo do cliente", secret=True, label_en="Client secret"),
    )


def sftp_keys(default_dir: str = "/entrada") -> tuple[ConfigKey, ...]:
    return (
        ConfigKey("sftp_host", "Servidor SFTP", rules=(Host(),), label_en="SFTP server"),
        ConfigKey("sftp_porta", "Porta SFTP", default="22", rules=(Port(),), label_en="SFTP port"),
        ConfigKey(
            "sftp_usuario",
            "Usuário SFTP",
            rules=(Pattern(r"[A-Za-z0-9._-]{1,64}", "validation.username"),),
            label_en="SFTP user",
        ),
        ConfigKey("sftp_senha", "Senha SFTP", secret=True, label_en="SFTP password"),
        ConfigKey(
            "sftp_chave_host",
            "Chave do servidor SFTP",
            rules=(Pattern(r"SHA256:[A-Za-z0-9+/]{43}", "validation.host_key"),),
            required_message="validation.host_key",
            help="Impressão digital (SHA256) da chave do servidor, confirmada em Testar conexão",
            label_en="SFTP server key",
            help_en="The server key's SHA256 fingerprint, confirmed with Test connection",
        ),
        ConfigKey(
            "sftp_diretorio",
            "Diretório remoto",
            default=default_dir,
            rules=(Pattern(r"/[A-Za-z0-9._/-]*", "validation.remote_dir"),),
            label_en="Remote directory",
        ),
    )


def s3_keys() -> tuple[ConfigKey, ...]:
    return (
        ConfigKey(
            "s3_bucket",
            "Bucket S3",
            rules=(Pattern(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", "validation.s3_bucket"),),
            label_en="S3 bucket",
        ),
        ConfigKey(
            "s3_prefixo",
            "Prefixo dos arquivos",
            required=False,
            default="vendas/",
            rules=(Pattern(r"[A-Za-z0-9!_.*'()/-]{0,512}", "validation.s3_prefix"),),
            label_en="File prefix",
        ),
        ConfigKey(
            "aws_access_key_id",
            "ID da chave de acesso AWS",
            rules=(Pattern(r"[A-Z0-9]{16,128}", "validation.aws_access_key"),),
            label_en="AWS access key ID",
        ),
        ConfigKey(
            "aws_secret_access_key", "Chave de acesso secreta AWS", secret=True, label_en="AWS secret access key"
        ),
        ConfigKey(
            "aws_regiao",
            "Região",
            default="sa-east-1",
            rules=(OneOf(("sa-east-1", "us-east-1", "us-east-2")),),
            label_en="Region",
        ),
        url_key(
            "https://s3.sa-east-1.amazonaws.com", key="s3_endpoint", label="Endereço do S3", label_en="S3 endpoint"
        ),
    )


def email_key(key: str = "email_notificacao", label: str = "E-mail de notificação") -> ConfigKey:
    return ConfigKey(
        key, label, required=False, rules=(Email(several=True),),
        help="Recebe os avisos desta integração; vários e-mails separados por ponto e vírgula",
        label_en="Notification e-mail",
        help_en="Receives this integration's notices; several addresses separated by semicolons",
    )  # fmt: skip
