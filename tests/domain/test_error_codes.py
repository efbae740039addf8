"""The registry of error codes is the only source of codes: every raise site names a member,
every member is raised somewhere, and the exception class agrees with the code's status."""

from __future__ import annotations

import ast

from gridsvc.domain.error_codes import ErrorCode
from tests.kit import REPO

PACKAGE = REPO / "gridsvc"
REGISTRY = PACKAGE / "domain" / "error_codes.py"
# the status each typed error stands for; DomainError itself may carry any code
CLASS_STATUS = {"ValidationError": 422, "BadRequest": 400, "NotFound": 404, "Conflict": 409,
                "Unauthenticated": 401, "Forbidden": 403, "TooManyRequests": 429}
ERROR_CLASSES = {*CLASS_STATUS, "DomainError"}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path != REGISTRY:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _callee(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _member(node: ast.expr) -> str | None:
    """`ErrorCode.STALE` -> "STALE"."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ErrorCode":
        return node.attr
    return None


def _is_text(node: ast.expr) -> bool:
    literal = isinstance(node, ast.Constant) and isinstance(node.value, str)
    return literal or isinstance(node, (ast.JoinedStr, ast.BinOp))


def test_raise_sites_name_registry_members_only():
    bad = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for kw in node.keywords:
                # a member, or a name/lookup a helper was handed (typed ErrorCode, checked by mypy)
                if kw.arg == "code" and _callee(node) in ERROR_CLASSES and _is_text(kw.value):
                    bad.append(f"{path.relative_to(PACKAGE)}:{node.lineno} code={ast.unparse(kw.value)}")
    assert not bad, "error codes must be ErrorCode members:\n" + "\n".join(bad)


def test_every_registry_code_is_used_and_known():
    used: set[str] = set()
    for _path, tree in _modules():
        for node in ast.walk(tree):
            name = _member(node) if isinstance(node, ast.Attribute) else None
            if name:
                assert name in ErrorCode.__members__, f"ErrorCode.{name} is not in the registry"
                used.add(name)
    unused = sorted(set(ErrorCode.__members__) - used)
    assert not unused, f"registry codes never raised: {unused}"


def test_exception_class_agrees_with_code_status():
    wrong = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _callee(node) in CLASS_STATUS:
                for kw in node.keywords:
                    name = _member(kw.value) if kw.arg == "code" else None
                    if name and ErrorCode[name].status != CLASS_STATUS[_callee(node) or ""]:
                        wrong.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {_callee(node)} with "
                                     f"{name} ({ErrorCode[name].status})")
    assert not wrong, "\n".join(wrong)


def test_registry_messages_are_one_language_each():
    for code in ErrorCode:
        assert code.status in (400, 401, 403, 404, 405, 409, 413, 422, 429, 500), code
        assert code.zh and code.en and not any("\u4e00" <= ch <= "\u9fff" for ch in code.en), code
        assert "(" not in code.zh, f"{code}: one language per message"
