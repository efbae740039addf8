"""GET /openapi.json, built from the operations every `endpoint(...)` recorded. Request bodies
are the operations' pydantic models (the ones validated before each handler), published under
components/schemas and referenced with `$ref`."""

from __future__ import annotations

from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import JSONResponse

from .. import __version__
from ..domain.error_codes import ErrorCode
from .api import OPERATIONS

ERROR = {"$ref": "#/components/schemas/Error"}


REF = "#/components/schemas/{model}"


def _model_schemas() -> tuple[dict, dict]:
    """Each body model's `$ref` and the component schemas they use (shared sub-models once)."""
    models = sorted({op.model for op in OPERATIONS if op.model is not None}, key=lambda m: m.__name__)
    refs, top = models_json_schema([(m, "validation") for m in models], ref_template=REF)
    return {m: refs[(m, "validation")] for m in models}, top.get("$defs", {})


def spec() -> dict:
    paths: dict[str, dict] = {}
    refs, schemas = _model_schemas()
    for op in OPERATIONS:
        entry: dict = {
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": f"{op.method}_{op.path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}",
            "parameters": op.params,
            "responses": {
                **{str(k): v for k, v in op.responses.items()},
                "4XX": {"description": "错误 (error)", "content": {"application/json": {"schema": ERROR}}},
            },
        }
        if "200" not in entry["responses"] and "201" not in entry["responses"] and "204" not in entry["responses"]:
            entry["responses"]["200"] = {"description": "OK", "content": {"application/json": {}}}
        if op.description:
            entry["description"] = op.description
        if op.model is not None:
            content = {"application/json": {"schema": refs[op.model]}}
            if op.forms:
                content["application/x-www-form-urlencoded"] = {"schema": refs[op.model]}
            entry["requestBody"] = {"required": not op.empty_ok, "content": content}
        elif op.body:
            entry["requestBody"] = {"required": True, "content": op.body}
        if op.auth != "public":
            entry["security"] = [{"bearer": []}, {"session": []}]
        paths.setdefault(op.path, {})[op.method] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "gridsvc API",
            "version": __version__,
            "description": "社区网格化管理与居民服务平台 (community grid management and resident services). "
            "Coordinates are WGS-84 longitude, latitude.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token"},
                "session": {"type": "apiKey", "in": "cookie", "name": "gridsvc_session"},
            },
            "schemas": {
                **schemas,  # the body models, GeoJSON's Feature and FeatureCollection among them
                "Error": error_schema(),
            },
        },
    }


def error_schema() -> dict:
    """The error body, its `code` an enum of the registry; `x-error-codes` gives each code's
    status and general message in both languages (the body carries one, per the request)."""
    return {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string", "enum": [str(c) for c in ErrorCode]},
            "message": {"type": "string",
                        "description": "中文;?lang=en、gridsvc_lang=en 或 Accept-Language: en 时为英文"},
            "details": {}}}},
        "x-error-codes": {str(c): {"status": c.status, "zh": c.zh, "en": c.en} for c in ErrorCode},
    }


async def openapi_json(request: Request) -> JSONResponse:
    return JSONResponse(spec())
