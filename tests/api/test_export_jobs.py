"""SPEC H5 through the API: `startExport` runs an export in the background and returns it RUNNING; its requester
polls it (`node(id:)`, `exports`) until COMPLETED with its row count, size, expiry and a signed `url` that a plain
link opens (the same bytes as the streamed GET); one runs per requester; another requester never sees it; a file
past its expiry is EXPIRED and gone; bad input is a userError before anything runs; and a job a stopped server left
RUNNING ends FAILED with its reason when a server starts (a real process)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.exports.model import ExportJob, ExportKind
from domain.exports.services import end_interrupted
from domain.shared.actor import Role
from tests.conftest import START
from tests.server_process import served

START_EXPORT = """mutation($input: StartExportInput!) { startExport(input: $input) {
  export { id kind status rowCount } userErrors { code field message } } }"""
EXPORT = """query($id: ID!) { node(id: $id) { ... on Export { id kind status rowCount fileSize createdAt completedAt
  expiresAt errorMessage url } } }"""
MINE = "query($last: Int) { exports(last: $last) { edges { node { id status } } } }"


async def _started(api, token: str, **input_) -> dict:
    return (await api.gql(START_EXPORT, {"input": input_}, token=token)).payload("startExport")


async def _stored_job(app, job: ExportJob) -> int:
    uow = app.state.graphql.uow
    async with uow() as writing:
        added = await writing.exports.add(job)
        await writing.commit()
    return added.id or 0


async def test_h5_an_export_runs_in_the_background_and_its_link_opens_the_file(api, world, app):
    shop = await world.shop("鲜果农场")
    for n in range(3):
        await world.credit(shop, "DEPOSIT", f"{n + 1}.00")
    started = await _started(api, shop.merchant, kind="LEDGER", filter={"shopId": shop.id}, language="ZH_CN")
    assert started["userErrors"] == [] and started["export"]["status"] == "RUNNING"
    await app.state.graphql.export_jobs.idle()
    done = (await api.gql(EXPORT, {"id": started["export"]["id"]}, token=shop.merchant)).data["node"]
    assert done["status"] == "COMPLETED" and done["rowCount"] == 3 and done["errorMessage"] is None
    completed = datetime.fromisoformat(done["completedAt"])
    assert datetime.fromisoformat(done["expiresAt"]) - completed == timedelta(days=7)
    link = await api.client.get(done["url"], headers={"X-Now": START.isoformat()})  # no Authorization header
    streamed = await api.client.get("/exports/ledger.csv", params={"shopId": shop.id, "lang": "zh-CN"},
                                    headers={"Authorization": f"Bearer {shop.merchant}"})
    assert link.status_code == 200 and link.content == streamed.content and len(link.content) == done["fileSize"]
    assert "鲜果农场" in link.content.decode("utf-8-sig") and "保证金入账" in link.content.decode("utf-8-sig")
    altered = done["url"].replace("exp=", "exp=9")
    assert (await api.client.get(altered)).status_code == 403
    listed = (await api.gql(MINE, {"last": 10}, token=shop.merchant)).data["exports"]["edges"]
    assert [e["node"]["id"] for e in listed] == [started["export"]["id"]]
    other = await world.shop("Other", merchant="merchant-2")
    assert (await api.gql(EXPORT, {"id": started["export"]["id"]}, token=other.merchant)).data["node"] is None
    assert (await api.gql(MINE, {}, token=other.merchant)).data["exports"]["edges"] == []
    theirs = await api.client.get(f"/exports/jobs/{started['export']['id']}.csv",
                                  headers={"Authorization": f"Bearer {other.merchant}"})
    assert theirs.status_code == 404
    later = START + timedelta(days=60)  # past the expiry: EXPIRED, no link, no file
    expired = (await api.gql(EXPORT, {"id": started["export"]["id"]}, token=shop.merchant, now=later)).data["node"]
    assert expired["status"] == "EXPIRED" and expired["url"] is None


async def test_h5_one_runs_per_requester_and_bad_input_is_refused_before_anything_runs(api, world, app):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    running = ExportJob(ExportKind.CLAIMS, Role.MERCHANT, "merchant-1", _pk(shop.id), "en", START,
                        heartbeat_at=datetime.now(UTC))
    job_id = await _stored_job(app, running)
    refused = await _started(api, shop.merchant, kind="LEDGER")
    assert [e["code"] for e in refused["userErrors"]] == ["EXPORT_ALREADY_RUNNING"] and refused["export"] is None
    assert [e["code"] for e in (await _started(api, shop.merchant, kind="LEDGER", filter={"shopId": other.id})
                                )["userErrors"]] == ["NOT_FOUND"]
    backwards = await _started(api, other.merchant, kind="LEDGER",
                               filter={"from": "2026-11-03T00:00:00Z", "to": "2026-11-02T00:00:00Z"})
    assert [e["field"] for e in backwards["userErrors"]] == [["from"]]
    assert (await api.gql(START_EXPORT, {"input": {"kind": "LEDGER"}}, token=world.buyer)).codes == ["FORBIDDEN"]
    ended = await end_interrupted(app.state.graphql.uow, datetime.now(UTC) + timedelta(minutes=3))
    assert ended == 1  # its heartbeat stopped: FAILED, with the reason
    failed = (await api.gql(EXPORT, {"id": _gid(job_id)}, token=shop.merchant)).data["node"]
    assert failed["status"] == "FAILED" and "start it again" in failed["errorMessage"] and failed["url"] is None
    assert (await _started(api, shop.merchant, kind="LEDGER"))["userErrors"] == []  # the slot is free again
    await app.state.graphql.export_jobs.idle()


async def test_h5_a_server_starting_ends_the_jobs_a_stopped_one_left_running(settings, app, api, world):
    shop = await world.shop()
    stale = ExportJob(ExportKind.LEDGER, Role.MERCHANT, "merchant-1", _pk(shop.id), "en", START,
                      heartbeat_at=datetime(2026, 1, 1, tzinfo=UTC))
    job_id = await _stored_job(app, stale)
    async with served(settings) as (_port, client):  # its start-up sweeps what no process is running
        api.client, in_process = client, api.client
        try:
            for _ in range(100):
                found = (await api.gql(EXPORT, {"id": _gid(job_id)}, token=shop.merchant)).data["node"]
                if found["status"] != "RUNNING":
                    break
            assert found["status"] == "FAILED" and found["errorMessage"].startswith("the server stopped")
        finally:
            api.client = in_process


def _pk(global_id: str) -> int:
    from schema.common.ids import decode_id

    return decode_id(global_id, "Shop") or 0


def _gid(job_id: int) -> str:
    from schema.common.ids import encode_id

    return encode_id("Export", job_id)
