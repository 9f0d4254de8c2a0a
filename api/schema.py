"""How the OpenAPI document describes what DRF cannot see: the bearer token, and the problem
documents every operation may answer with."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "detail_en", "code"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "In Vietnamese."},
        "detail_en": {"type": "string", "description": "In English."},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True, "description": "Field → messages (400)."},
    },
}
PROBLEMS = {
    "400": "Malformed filters, cursor or body.",
    "401": "No token, or a wrong, expired or revoked one.",
    "403": "The client lacks the scope.",
    "404": "Missing, or outside the client's subtree (the same answer).",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "413": "The body is too large.",
    "429": "Over the client's rate limit (see Retry-After).",
}


class BearerToken(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "description": "An API client's token, srl_…"}


def add_problems(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: the Problem schema, and its responses on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    ref = {"$ref": "#/components/schemas/Problem"}
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for code, description in PROBLEMS.items():
                responses.setdefault(code, {"description": description,
                                            "content": {"application/problem+json": {"schema": ref}}})
            if "200" in responses:
                responses.setdefault("304", {"description": "Not modified (If-None-Match matched the ETag)."})
    return result
