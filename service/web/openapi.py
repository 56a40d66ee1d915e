"""The OpenAPI 3.1 description of API v1, served at /api/v1/openapi.json."""

from __future__ import annotations

_ERROR = {"$ref": "#/components/responses/Error"}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
_PAIR = [{"name": name, "in": "query", "required": True, "schema": {"type": "string"}} for name in ("source", "target")]
_Q = {"name": "q", "in": "query", "schema": {"type": "string"}}


def _op(
    summary: str, ok: str = "200", body: str | None = None, params: list | None = None, errors=(401, 403, 404)
) -> dict:
    operation: dict = {"summary": summary, "responses": {ok: {"description": "OK"}, **{str(e): _ERROR for e in errors}}}
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        }
    if params:
        operation["parameters"] = params
    return operation


OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "Tarjama API", "version": "1"},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "paths": {
        "/posts": {
            "post": _op(
                "Submit a post for translation",
                "201",
                "PostInput",
                [{"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}],
                (400, 401, 403, 413, 422),
            )
        },
        "/posts/{id}": {
            "get": _op(
                "A post with its per-locale states, the revision each locale's page shows (and whether it is current),"
                " and its audit history",
                params=[_ID],
            ),
            "patch": _op(
                "Edit the original: a new revision of the same post (no change: 200, no revision). Unchanged"
                " segments keep their translation; only changed and new ones are translated again. Send the"
                " revision you edited: an edit that lost a race gets 409",
                body="PostEdit",
                params=[_ID],
                errors=(401, 403, 404, 409, 413, 422),
            ),
            "delete": _op("Delete the post and its translations (admins)", "204", params=[_ID]),
        },
        **{
            f"/posts/{{id}}/{action}": {
                "post": {
                    **_op(
                        f"{summary}: the whole post, or only the locales listed",
                        params=[_ID],
                        errors=(401, 403, 404, 422),
                    ),
                    "requestBody": {
                        "required": False,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Locales"}}},
                    },
                }
            }
            for action, summary in (
                ("withdraw", "Withdraw: readers get 410 Gone and no listing, feed, sitemap or search shows it"),
                ("restore", "Restore withdrawn pages"),
            )
        },
        "/translations": {
            "get": _op(
                "Translations, filtered",
                params=[
                    {"name": "locale", "in": "query", "schema": {"type": "string"}},
                    {"name": "state", "in": "query", "schema": {"type": "string"}},
                ],
                errors=(401, 403, 422),
            )
        },
        "/translations/{id}": {"get": _op("A translation with its segments and history", params=[_ID])},
        **{
            f"/translations/{{id}}/{action}": {
                "post": _op(f"{action.capitalize()} a translation", params=[_ID], errors=(401, 403, 404, 409, 422))
            }
            for action in ("claim", "release", "retry")
        },
        "/translations/{id}/reject": {
            "post": _op(
                "Reject a translation back to its translator, saying what to fix",
                body="Rejection",
                params=[_ID],
                errors=(401, 403, 404, 409, 422),
            )
        },
        "/translations/{id}/approve": {
            "post": {
                **_op(
                    "Approve a translation: it is published at once. Send the versions of the segments you reviewed"
                    " (as GET reports them): if any was saved since, 409 naming `versions` lists those segments"
                    " (numbered from 1) and nothing is published",
                    params=[_ID],
                    errors=(401, 403, 404, 409, 422),
                ),
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Approval"}}},
                },
            }
        },
        "/translations/{id}/segments/{n}": {
            "patch": _op(
                "Save one segment (optimistic: send the version you edited)",
                body="SegmentEdit",
                params=[_ID, {"name": "n", "in": "path", "required": True, "schema": {"type": "integer"}}],
                errors=(401, 403, 404, 409, 422),
            )
        },
        "/translations/{id}/xliff": {
            "get": _op("The draft as XLIFF 2.0 for a CAT tool", params=[_ID]),
            "put": {
                **_op(
                    "Import an XLIFF 2.0 file (claim holder): all changed segments saved, or none (422 with problems)",
                    params=[_ID],
                    errors=(401, 403, 404, 409, 422),
                ),
                "requestBody": {"required": True, "content": {"application/xliff+xml": {"schema": {"type": "string"}}}},
            },
        },
        "/translations/{id}/memory": {
            "get": _op("Near matches (>= 75%) from translation memory per segment", params=[_ID])
        },
        "/memory": {
            "get": _op("Search the translation memory of a language pair", params=_PAIR + [_Q], errors=(401, 403, 422))
        },
        "/memory.tmx": {
            "get": _op(
                "Export the memory of a language pair as TMX 1.4b (editors, admins)",
                params=_PAIR,
                errors=(401, 403, 422),
            )
        },
        "/memory/{id}": {"delete": _op("Delete a memory entry (admins)", "204", params=[_ID])},
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "responses": {
            "Error": {
                "description": "Error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        },
        "schemas": {
            "Error": {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "field": {"type": ["string", "null"]},
                        },
                    }
                },
            },
            "PostInput": {
                "type": "object",
                "required": ["title", "body"],
                "additionalProperties": False,
                "properties": {
                    "title": {"type": "string", "maxLength": 300},
                    "lede": {"type": "string", "maxLength": 2000},
                    "body": {"type": "string"},
                    "format": {"enum": ["text", "html", "markdown"], "default": "text"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "categories": {"type": "array", "items": {"type": "string"}},
                    "author": {"type": "string"},
                    "source_locale": {"type": "string"},
                    "target_locales": {"type": "array", "items": {"type": "string"}},
                    "published_at": {"type": "string", "format": "date-time"},
                },
            },
            "PostEdit": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "revision": {"type": "integer", "description": "the revision number you edited"},
                    "title": {"type": "string", "maxLength": 300},
                    "lede": {"type": "string", "maxLength": 2000},
                    "body": {"type": "string"},
                    "format": {"enum": ["text", "html", "markdown"]},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "categories": {"type": "array", "items": {"type": "string"}},
                    "author": {"type": "string"},
                    "target_locales": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "adds languages; drops one not published yet and not claimed (its draft goes)",
                    },
                    "published_at": {
                        "type": "string",
                        "format": "date-time",
                        "description": "in the future: hidden from readers until then (embargo)",
                    },
                    "slug": {"type": "string", "description": "a new address; the old one answers 301"},
                    "while_reviewing": {
                        "enum": ["keep", "withdraw"],
                        "default": "keep",
                        "description": "what readers of a translated locale get until its correction is approved",
                    },
                },
            },
            "Locales": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"locales": {"type": "array", "items": {"type": "string"}}},
            },
            "Rejection": {
                "type": "object",
                "required": ["comment"],
                "properties": {"comment": {"type": "string", "minLength": 1, "description": "what to fix"}},
            },
            "Approval": {
                "type": "object",
                "properties": {
                    "versions": {
                        "type": "object",
                        "description": 'segment position -> the version you reviewed, e.g. {"0": 2, "3": 1}',
                        "propertyNames": {"pattern": "^[0-9]+$"},
                        "additionalProperties": {"type": "integer"},
                    }
                },
            },
            "SegmentEdit": {
                "type": "object",
                "required": ["text", "version"],
                "properties": {"text": {"type": "string"}, "version": {"type": "integer"}},
            },
        },
    },
}
