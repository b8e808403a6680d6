"""Errors a user can act on, as opposed to bugs.

Services raise these with a message in Chinese that the window shows as it is; anything else
that escapes a service is a bug and is logged with its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can put right: bad input, a refused step, a missing file."""


class ValidationError(UserError):
    """Input that breaks a rule; ``errors`` maps a field name to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("\n".join(self.errors.values()))


class NotFoundError(UserError):
    pass


class PermissionDenied(UserError):
    pass
