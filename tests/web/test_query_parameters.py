"""Query parameters are read strictly, by one reader each (gridsvc.web.api `query_bool`,
`query_bbox`): a true/false parameter takes 1/0, true/false, yes/no, on/off and nothing else (a
typo was read as false, silently); a bbox is four finite numbers within the globe, each minimum at
most its maximum, on every route that takes one. Anything else is a 400 `bad_parameter` naming
the parameter (an error page in the reader's language on a page), and nothing is stored."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from tests.conftest import feature
from tests.wishkit import Kit

HTML = {"accept": "text/html"}
BOX = "109.0,35.0,109.3,35.2"  # around the canned communities


def bad_parameter(r, name: str) -> dict:
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["code"] == "bad_parameter" and err["details"]["parameter"] == name, err
    return err


async def test_a_boolean_typo_on_the_areas_map_is_named(client, people):
    r = await client.get("/api/v1/areas", params={"bbox": BOX, "clip": "ture"})
    assert "clip" in bad_parameter(r, "clip")["message"]
    # the spellings that worked keep working, both ways
    for word in ("1", "true", "TRUE", "yes", "on", "0", "false", "no", "off", ""):
        r = await client.get("/api/v1/areas", params={"bbox": BOX, "clip": word, "level": "community"})
        assert r.status_code == 200, (word, r.text)
        assert {f["id"] for f in r.json()["features"]} == {people.community, people.community2}


async def test_a_boolean_typo_on_an_import_stores_nothing(client, people):
    h = await client.token_for("official")
    grid = feature("610202001002009", "新网格", "grid", box(109.3, 35.1, 109.35, 35.15))
    body = {"type": "FeatureCollection", "features": [grid]}
    q = {"parent": people.community2, "level": "grid"}
    for name in ("repair", "clip_to_parent"):
        r = await client.post("/api/v1/areas/import", params={**q, name: "yse"}, json=body, headers=h)
        bad_parameter(r, name)
    assert (await client.get("/api/v1/areas/610202001002009")).status_code == 404
    r = await client.post("/api/v1/areas/import", params={**q, "repair": "no", "clip_to_parent": "yes"}, json=body,
                          headers=h)
    assert r.status_code == 201, r.text


async def test_the_inbox_filter_is_read_strictly(client, people):
    kit = Kit(client, people)
    await kit.wish_in("submitted")
    h = await kit.h("worker")
    bad_parameter(await client.get("/api/v1/inbox", params={"unread": "maybe"}, headers=h), "unread")
    everything = (await client.get("/api/v1/inbox", headers=h)).json()["items"]
    assert everything
    for word in ("1", "true", "yes"):
        r = await client.get("/api/v1/inbox", params={"unread": word}, headers=h)
        assert r.status_code == 200 and r.json()["items"] == everything  # nothing read yet
    await client.post("/api/v1/inbox/read-all", headers=h)
    assert (await client.get("/api/v1/inbox", params={"unread": "true"}, headers=h)).json()["items"] == []
    assert len((await client.get("/api/v1/inbox", params={"unread": "0"}, headers=h)).json()["items"]) == len(
        everything)


@pytest.mark.parametrize("path, name", [("/inbox", "unread"), ("/maps/community/{community}", "download"),
                                        ("/areas/{community}/edit", "saved")])
async def test_a_page_answers_a_bad_boolean_with_a_page_in_the_readers_language(client, people, path, name):
    await client.login("head")
    url = path.format(community=people.community)
    r = await client.get(url, params={name: "maybe"}, headers=HTML)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "查询参数无效" in r.text and f"参数 {name} 应为 true 或 false" in r.text
    assert "must be true or false" not in r.text
    r = await client.get(url, params={name: "maybe", "lang": "en"}, headers=HTML)
    assert r.status_code == 400 and f"{name} must be true or false" in r.text and "应为" not in r.text
    r = await client.get(url, params={name: "1"}, headers=HTML)
    assert r.status_code == 200


async def test_the_download_flag_still_downloads(client, people):
    await client.login("head")
    url = f"/maps/community/{people.community}"
    for word, attached in (("1", True), ("yes", True), ("true", True), ("0", False), ("false", False)):
        r = await client.get(url, params={"download": word}, headers=HTML)
        assert r.status_code == 200
        assert ("attachment" in r.headers.get("content-disposition", "")) is attached, word


BAD_BOXES = {
    "109.3,35.0,109.0,35.2": "minimum",  # west of east swapped
    "109.0,35.2,109.3,35.0": "minimum",  # south and north swapped
    "109.0,35.0,109.3": "four numbers",
    "109.0,35.0,109.3,35.2,1": "four numbers",
    "a,b,c,d": "four numbers",
    "nan,35.0,109.3,35.2": "finite",
    "109.0,35.0,inf,35.2": "finite",
    "109.0,35.0,190.0,35.2": "longitudes",
    "109.0,-95,109.3,35.2": "latitudes",
}


async def test_every_bbox_is_read_by_one_reader_with_the_same_checks(client, people):
    kit = Kit(client, people)
    h = {**await kit.h("worker"), "accept-language": "en"}
    routes = [("/api/v1/areas", {}), ("/api/v1/wishes", {}), ("/api/v1/wishes", {"format": "geojson"}),
              ("/api/v1/compounds", {}), ("/api/v1/maps/choropleth", {"level": "community"})]
    for path, extra in routes:
        for raw, words in BAD_BOXES.items():
            r = await client.get(path, params={**extra, "bbox": raw}, headers=h)
            err = bad_parameter(r, "bbox")
            assert words in err["message"] and err["details"]["value"] == raw, (path, raw, err)
        r = await client.get(path, params={**extra, "bbox": BOX}, headers=h)
        assert r.status_code == 200, (path, r.text)


async def test_a_wish_map_box_keeps_its_wishes_and_a_swapped_one_is_refused(client, people):
    kit = Kit(client, people)
    w = await kit.wish_in("published")
    h = await kit.h("worker")
    q = {"format": "geojson", "bbox": "108.9,34.9,109.4,35.3"}
    ids = [f["properties"]["id"] for f in (await client.get("/api/v1/wishes", params=q, headers=h)).json()["features"]]
    assert ids == [w["id"]]
    # the same box in GCJ-02 (a map on AMap tiles) is converted, not refused
    r = await client.get("/api/v1/wishes", params={**q, "crs": "gcj02"}, headers=h)
    assert r.status_code == 200 and [f["properties"]["id"] for f in r.json()["features"]] == [w["id"]]
    # swapped, it was read as an empty box (no wishes, no error); now the caller hears why
    bad_parameter(await client.get("/api/v1/wishes", params={**q, "bbox": "109.4,34.9,108.9,35.3"}, headers=h),
                  "bbox")
