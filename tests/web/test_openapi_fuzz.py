"""Schemathesis over every operation of /openapi.json against a real `gridsvc serve` (issue 9,
item 3): anonymous and as the admin, a fixed seed and a bounded number of examples per
operation. Fails on any 5xx and on any answer that does not match the schema its operation
declares (status, content type, body)."""

from __future__ import annotations

import asyncio
import shutil

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from gridsvc.store import db
from gridsvc.store.accounts.users import create_user
from tests.conftest import PASSWORD, build_tree, scratch_database
from tests.servers import serve

EXAMPLES = 8  # per operation and caller: ~80 operations × 2 callers stay under two minutes on 2 cores
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]


@pytest.fixture(scope="module")
def server(tmp_path_factory, sqlite_template):
    tmp = tmp_path_factory.mktemp("fuzz")
    with scratch_database("sqlite", tmp, "fuzz") as url:
        shutil.copy(sqlite_template, url.removeprefix("sqlite://"))

        async def city() -> None:
            await db.connect(url)
            try:
                await build_tree()
                await create_user("admin", role="admin", password=PASSWORD)
            finally:
                await db.close()

        asyncio.run(city())
        with serve(url, tmp) as base:
            yield base


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_operation_survives_fuzzing(server, who):
    headers = {}
    if who == "admin":
        r = httpx.post(f"{server}/api/v1/auth/token", json={"username": "admin", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(base_url=server, headers=headers, checks=CHECKS)

        try:
            run()
        except BaseException as e:  # hypothesis raises groups; every operation is tried and all failures reported
            if isinstance(e, KeyboardInterrupt):
                raise
            failures.append(f"{operation.method.upper()} {operation.path}: {str(e)[:1500]}")
    assert not failures, "\n\n".join(failures)
