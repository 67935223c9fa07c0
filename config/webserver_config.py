"""Flask-AppBuilder settings for the FAB auth manager (login form, CSRF, password hashing)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask_appbuilder.const import AUTH_DB

from include import settings

AUTH_TYPE = AUTH_DB
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None
# Users are created by support agents (or the demo set-up), never by self-registration.
AUTH_USER_REGISTRATION = False
# The login page and its messages are in pt-BR, the product's language; `?_l_=en` shows them in English (the
# product's pages send a user who chose English there).
BABEL_DEFAULT_LOCALE = "pt_BR"
LANGUAGES = {"pt_BR": {"flag": "br", "name": "Português"}, "en": {"flag": "gb", "name": "English"}}


def _compiled_translations() -> str:
    """Our corrections to FAB's catalog (config/translations/*.po), compiled where the process may write;
    FAB loads them after its own, so they win."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = Path(__file__).resolve().parent / "translations"
    target = (settings.current().data or Path(tempfile.gettempdir())) / "fab-translations"
    for po in source.glob("*/LC_MESSAGES/messages.po"):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            mo.parent.mkdir(parents=True, exist_ok=True)
            partial = mo.with_suffix(f".{os.getpid()}.tmp")  # processes start together: never read half a file
            with po.open("rb") as text, partial.open("wb") as binary:
                write_mo(binary, read_po(text))
            partial.replace(mo)
    return str(target)


BABEL_TRANSLATION_DIRECTORIES = _compiled_translations()
