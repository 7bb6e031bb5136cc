"""What can go wrong in a use case, said in the domain's words: services and domain rules raise these.

They carry a human message and nothing of HTTP: the edge maps each kind to its contract's status and
body (`delivery/errors.py` for the APIs, a message on the pages, a `ClickException` in the CLI).
"""
from __future__ import annotations


class DomainError(Exception):
    """A use case refused on purpose; `message` says why, in the words of the contract it serves."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class Invalid(DomainError):
    """The request is well formed but its content breaks a rule (an unknown district, a bad type...)."""


class NotFound(DomainError):
    """The thing named does not exist."""


class Conflict(DomainError):
    """The thing exists but its state refuses the move (already completed, no free courier...)."""


class Unauthorized(DomainError):
    """The credential given names nobody (a printer's unknown api_key)."""


class Unavailable(DomainError):
    """A component the use case needs is down for now (the task queue's broker); try again later."""
