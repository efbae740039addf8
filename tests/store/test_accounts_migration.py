"""Migration core 0002_accounts keeps what 0001 stored: users, their tokens and sessions still work."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import STORES, scratch_database

SCRIPT = r"""
import asyncio, sys
from tortoise import connections
from tortoise.migrations.api.migrate import migrate
from gridsvc.store import db

url = sys.argv[1]

async def main():
    try:
        await steps()
    finally:
        await db.close()

async def steps():
    await migrate(config=db.tortoise_config(url), app_labels=["core"], target="core.0001_initial")
    conn = connections.get("default")
    await conn.execute_script(
        "INSERT INTO \"user\" (username, role, display_name, phone, address, is_active, created_at) "
        "VALUES ('old', 'worker', 'Old', '', '', TRUE, '2024-01-01 00:00:00+00:00');"
        "INSERT INTO api_token (token_hash, user_id, created_at, expires_at) "
        "VALUES ('" + db_hash + "', 1, '2024-01-01 00:00:00+00:00', '2999-01-01 00:00:00+00:00');")
    await db.close()
    await db.migrate(url)
    await db.close()
    await db.connect(url)
    from gridsvc.store.accounts.users import token_user, list_tokens
    found = await token_user("gst_before")
    assert found is not None and found[0].username == "old", found
    tokens = await list_tokens(found[0].id)
    assert tokens[0]["label"] == "" and tokens[0]["last_used_at"] is not None, tokens
    await db.close()
    print("kept")

import hashlib
db_hash = hashlib.sha256(b"gst_before").hexdigest()
asyncio.run(main())
"""


@pytest.mark.parametrize("kind", STORES)
def test_0002_accounts_keeps_existing_tokens(kind, tmp_path):
    with scratch_database(kind, tmp_path, "accounts_migration") as url:
        out = subprocess.run([sys.executable, "-c", SCRIPT, url], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr[-3000:]
        assert out.stdout.strip().endswith("kept")
