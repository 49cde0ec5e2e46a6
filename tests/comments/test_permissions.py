"""The permission map, tested as a table: every role against every permission."""

from __future__ import annotations

import itertools

import pytest

from comments.errors import Forbidden
from comments.models import Role
from comments.permissions import Permission, can, require

P = Permission
EXPECTED = {
    Role.viewer: {P.read, P.export},
    Role.editor: {P.read, P.export, P.import_drafts, P.edit_rows},
    Role.lead: {P.read, P.export, P.import_drafts, P.edit_rows, P.approve_rows, P.manage_tags, P.manage_positions,
                P.finalise},
    Role.admin: set(Permission),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_role_permission_table(role: Role, permission: Permission) -> None:
    allowed = permission in EXPECTED[role]
    assert can(role, permission) is allowed
    if allowed:
        require(role, permission)
    else:
        with pytest.raises(Forbidden):
            require(role, permission)


def test_roles_only_add_permissions_as_they_rise() -> None:
    order = [Role.viewer, Role.editor, Role.lead, Role.admin]
    for lower, higher in itertools.pairwise(order):
        assert EXPECTED[lower] < EXPECTED[higher]
