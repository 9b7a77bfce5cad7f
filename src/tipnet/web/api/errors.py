"""API errors: one JSON shape, ``{"error": {"code": ..., "message": ...}}``, with stable codes.

Codes (docs/api.md): ``token_missing``, ``token_invalid``, ``token_expired``, ``token_revoked``
(401); ``insufficient_scope`` (403); ``not_found`` (404); ``method_not_allowed`` (405);
``malformed_json`` (400); ``invalid_body``, ``invalid_query`` (422 and 400); ``rate_limited`` (429).
Messages are plain English for programmers; programs key on the code.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.extra}}
