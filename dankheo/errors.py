"""Domain errors raised by services; their Vietnamese text lives in dankheo/messages.py."""

from dankheo.messages import MESSAGES


class DomainError(Exception):
    """A rule of the domain refused an operation. ``code`` names the message."""

    status_code = 400

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        template = MESSAGES.get(self.code, self.code)
        return template.format(**self.params)

    def __str__(self) -> str:
        return self.message


class PermissionDenied(DomainError):
    status_code = 403


class StaleVersion(DomainError):
    """Someone else saved the record since this form was loaded."""

    status_code = 409

    def __init__(self, code: str = "stale_version", **params):
        super().__init__(code, **params)
