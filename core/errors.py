"""Errors raised by actions. Views turn them into form messages, the APIs into
`{"error": "..."}` with the status code here."""


class ActionError(Exception):
    status = 422

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(ActionError):
    status = 422


class NotAllowed(ActionError):
    status = 403


class NotFound(ActionError):
    status = 404


class Conflict(ActionError):
    status = 409


class RateLimited(ActionError):
    status = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
