"""Create or update the product's FAB roles (exact permission sets) and the demo users, in one process.

Run with the Airflow environment of the stack (`python -m scripts.security_setup [--demo-users]`).
Booting Flask-AppBuilder costs several seconds, so everything happens in this single process instead
of many `airflow roles/users` CLI calls.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from include.integracoes.permissions import NAVIGATION_PERMISSION, ROLES, RoleSpec
from scripts.demo_accounts import DEMO_USERS

log = logging.getLogger(__name__)


def _desired_permissions(sm: Any, spec: RoleSpec) -> set[tuple[str, str]]:
    desired = {(str(action), str(resource)) for action, resource in spec.permissions}
    desired.add(NAVIGATION_PERMISSION)
    for builtin in spec.includes_builtin:
        role = sm.find_role(builtin)
        if role is None:
            raise RuntimeError(f"built-in role {builtin!r} is missing; was `airflow db migrate` run?")
        desired |= {(p.action.name, p.resource.name) for p in role.permissions}
    return desired


def sync_role(sm: Any, spec: RoleSpec) -> None:
    """Make the role hold exactly its declared permissions (adds the missing, removes the extra)."""
    desired = _desired_permissions(sm, spec)
    role = sm.add_role(spec.name)
    current = {(p.action.name, p.resource.name): p for p in role.permissions}
    for action, resource in sorted(desired - current.keys()):
        permission = sm.get_permission(action, resource) or sm.create_permission(action, resource)
        sm.add_permission_to_role(role, permission)
    for key in sorted(current.keys() - desired):
        sm.remove_permission_from_role(role, current[key])
    log.info("Role %s: %d permissions", spec.name, len(desired))


def ensure_demo_users(sm: Any) -> None:
    """Create missing demo users; existing ones keep their password (it may have been changed)."""
    for user in DEMO_USERS:
        roles = [sm.find_role(name) for name in user.roles]
        if sm.find_user(username=user.username) is None:
            created = sm.add_user(
                user.username, user.first_name, user.last_name, user.email, roles, password=user.password
            )
            if not created:
                raise RuntimeError(f"could not create demo user {user.username}")
            log.info("Created demo user %s", user.username)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo-users", action="store_true", help="also create the demo users")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    from airflow.providers.fab.auth_manager.cli_commands.utils import get_application_builder

    with get_application_builder() as appbuilder:
        sm = appbuilder.sm
        sm.sync_roles()  # Airflow's built-in roles first: ours extend "Viewer"
        for spec in ROLES:
            sync_role(sm, spec)
        if args.demo_users:
            ensure_demo_users(sm)


if __name__ == "__main__":
    main()
