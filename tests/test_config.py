"""Settings: defaults written once in the dataclass, every GRIDSVC_* variable parsed by its
field's type, and a bad value named with its variable (by the CLI too, in one line)."""

from __future__ import annotations

import dataclasses

import pytest

from gridsvc.config import Settings, SettingsError
from tests.kit.commands import gridsvc


def test_no_variable_gives_the_dataclass_defaults():
    assert Settings.from_env({}) == Settings()


def test_each_variable_is_parsed_by_its_type():
    s = Settings.from_env({"GRIDSVC_DB_URL": "sqlite://x.sqlite3", "GRIDSVC_COOKIE_SECURE": "true",
                           "GRIDSVC_GRID_HOUSEHOLDS": "100, 200", "GRIDSVC_VOLUNTEER_STAR_HOURS": "1,2,3",
                           "GRIDSVC_INDEX_CHECK_SECONDS": "0.5", "GRIDSVC_WISH_VALUE_CAP": "300",
                           "GRIDSVC_COMMUNITY_SPLIT_HOUSEHOLDS": "5000"})
    assert (s.db_url, s.cookie_secure, s.grid_households, s.volunteer_star_hours) == (
        "sqlite://x.sqlite3", True, (100, 200), (1, 2, 3))
    assert (s.index_check_seconds, s.wish_value_cap, s.community_split_households) == (0.5, 300, 5000)
    assert Settings.from_env({"GRIDSVC_COOKIE_SECURE": "0"}).cookie_secure is False


def test_every_variable_of_the_readme_is_read():
    names = {f.metadata["env"] for f in dataclasses.fields(Settings) if "env" in f.metadata}
    assert {"GRIDSVC_DB_URL", "GRIDSVC_SECRET_KEY", "GRIDSVC_BASEMAP", "GRIDSVC_GRID_HOUSEHOLDS",
            "GRIDSVC_COMMUNITY_HOUSEHOLDS", "GRIDSVC_COMMUNITY_SPLIT_HOUSEHOLDS", "GRIDSVC_WISH_VALUE_CAP",
            "GRIDSVC_VOLUNTEER_STAR_HOURS", "GRIDSVC_COOKIE_SECURE", "GRIDSVC_TRUSTED_PROXIES"} <= names


@pytest.mark.parametrize("name, value, says", [
    ("GRIDSVC_WISH_VALUE_CAP", "five hundred", "whole number"),
    ("GRIDSVC_GRID_HOUSEHOLDS", "160,255,300", "2 whole numbers"),
    ("GRIDSVC_VOLUNTEER_STAR_HOURS", "100;300", "whole numbers"),
    ("GRIDSVC_INDEX_CHECK_SECONDS", "soon", "a number"),
    ("GRIDSVC_COOKIE_SECURE", "maybe", "should be one of"),
])
def test_a_bad_value_names_its_variable(name, value, says):
    with pytest.raises(SettingsError, match=name) as e:
        Settings.from_env({name: value})
    assert says in str(e.value) and repr(value) in str(e.value)


def test_the_cli_names_a_bad_variable_in_one_line(tmp_path):
    r = gridsvc("init-db", db=f"sqlite://{tmp_path / 'x.sqlite3'}", env={"GRIDSVC_WISH_VALUE_CAP": "lots"})
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "GRIDSVC_WISH_VALUE_CAP='lots'" in r.stderr
    assert not (tmp_path / "x.sqlite3").exists()
