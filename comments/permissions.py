"""Who may do what, in one place: a map from role to permissions, tested as a table.

viewer reads and exports; editor also imports drafts and writes rows; lead also approves rows, manages concern
tags and positions and finalises; admin also manages members. Routes ask `require(role, Permission.X)`; templates
ask `can`.
"""

from __future__ import annotations

import enum

from comments.errors import Forbidden
from comments.models import Role


class Permission(enum.StrEnum):
    read = "read"
    export = "export"
    import_drafts = "import_drafts"
    edit_rows = "edit_rows"
    approve_rows = "approve_rows"
    manage_tags = "manage_tags"
    manage_positions = "manage_positions"
    finalise = "finalise"
    manage_members = "manage_members"


_VIEWER = frozenset({Permission.read, Permission.export})
_EDITOR = _VIEWER | {Permission.import_drafts, Permission.edit_rows}
_LEAD = _EDITOR | {Permission.approve_rows, Permission.manage_tags, Permission.manage_positions, Permission.finalise}
_ADMIN = _LEAD | {Permission.manage_members}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.viewer: _VIEWER,
    Role.editor: _EDITOR,
    Role.lead: _LEAD,
    Role.admin: _ADMIN,
}

_REFUSALS = {
    Permission.import_drafts: "Viewers cannot import drafts; ask a lead to make you an editor.",
    Permission.edit_rows: "Viewers cannot change the comment table; ask a lead to make you an editor.",
    Permission.approve_rows: "Only a lead can approve rows.",
    Permission.manage_tags: "Only a lead can change the concern tags.",
    Permission.manage_positions: "Only a lead can change the positions library.",
    Permission.finalise: "Only a lead can finalise a submission.",
    Permission.manage_members: "Only a team admin can manage members.",
}


def can(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(Role(role), frozenset())


def require(role: Role | str, permission: Permission) -> None:
    if not can(role, permission):
        raise Forbidden(_REFUSALS.get(permission, "You are not allowed to do that."))
