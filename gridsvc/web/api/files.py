"""Files through the API: the spreadsheet an import receives (a multipart field ``file`` or the
raw body), the OpenAPI description of that body, and the attachment an export answers with."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from gridsvc.store.spreadsheets import FORMATS, XLSX_TYPE, format_of

from ...domain.error_codes import ErrorCode
from ...domain.errors import BadRequest

# the request body of an import that takes .xlsx only, and of one that takes .xlsx or .csv
XLSX_BODY = {
    "multipart/form-data": {"schema": {"type": "object",
                                       "properties": {"file": {"type": "string", "format": "binary"}}}},
    XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
}
SHEET_BODY = {**XLSX_BODY, "text/csv": {"schema": {"type": "string"}}}


async def _received(request: Request) -> tuple[bytes, str | None]:
    """The file's bytes and, from a form, its name."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise BadRequest("缺少文件字段 file", "the form field 'file' is missing", code=ErrorCode.MISSING_FILE)
        data = await upload.read()
        await form.close()
        return data, upload.filename or ""
    return await request.body(), None


async def upload(request: Request) -> bytes:
    """The file of an import that takes one format."""
    data, _name = await _received(request)
    return data


async def sheet_upload(request: Request) -> tuple[bytes, str]:
    """The file of an import that takes .xlsx or .csv, and its format: from ``format=``, else the
    file name or the content type."""
    data, name = await _received(request)
    fmt = request.query_params.get("format")
    if not fmt:
        ctype = request.headers.get("content-type", "")
        if name is not None:
            fmt = format_of(name)
        elif "spreadsheetml" in ctype:
            fmt = "xlsx"
        elif "csv" in ctype:
            fmt = "csv"
    if fmt not in FORMATS:
        raise BadRequest("请用 format=xlsx 或 format=csv 指明文件格式", "say format=xlsx or format=csv",
                         code=ErrorCode.BAD_FORMAT, details={"parameter": "format"})
    return data, fmt


def attachment(body: bytes, media_type: str, filename: str, name: str | None = None) -> Response:
    """A file to save: `filename` in ASCII for every client, `name` (Chinese, say) for those that
    read RFC 6266's ``filename*``."""
    disposition = f'attachment; filename="{filename}"'
    if name is not None:
        disposition += f"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})
