"""Flask-AppBuilder settings for the FAB auth manager (login form, CSRF, password hashing)."""

from __future__ import annotations

from flask_appbuilder.const import AUTH_DB

AUTH_TYPE = AUTH_DB
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None
# Users are created by support agents (or the demo set-up), never by self-registration.
AUTH_USER_REGISTRATION = False
