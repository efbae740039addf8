"""Allocation plans: a batch of published wishes assigned to projects optimally under their
capacities (gridsvc.domain.matching, the candidates from gridsvc.store.wishes.matching), which staff
edit and accept; accepting claims each wish through the one claim path (gridsvc.store.wishes.claims).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime
from typing import Any

import numpy as np
from tortoise.transactions import in_transaction

from gridsvc.domain.error_codes import ErrorCode
from gridsvc.domain.errors import Conflict, NotFound, ValidationError
from gridsvc.domain.levels import code_prefix
from gridsvc.domain.matching import Need, ProviderIndex, allocate, allocate_greedy
from gridsvc.domain.matching.allocation import PLAN_STATUS_NAMES_ZH
from gridsvc.domain.scope import Principal
from gridsvc.domain.wishes import Actor, WishStatus
from gridsvc.store import audit, subtree
from gridsvc.store.accounts.models import User
from gridsvc.store.areas.models import Area
from gridsvc.store.orgs.models import Organisation, Project
from gridsvc.store.paging import Page, PageRequest, keyset_page
from gridsvc.store.records import get_or_404
from gridsvc.store.wishes.claims import claim_wish  # the one claim path
from gridsvc.store.wishes.matching import project_providers, wish_need
from gridsvc.store.wishes.models import AllocationItem, AllocationPlan, Wish

PLAN_MAX_WISHES = 20_000


# ---------------------------------------------------------------------------- plans


async def _plan_wishes(area: Area, wish_ids: list[int] | None, category: str | None) -> list[Wish]:
    qs = Wish.filter(subtree.under("grid_code", code_prefix(area.code, area.level)), status=WishStatus.PUBLISHED.value)
    if wish_ids is not None:
        qs = qs.filter(id__in=wish_ids)
    if category:
        qs = qs.filter(category=category)
    return list(await qs.order_by("id").limit(PLAN_MAX_WISHES + 1))


async def make_plan(area_code: str, *, actor: Principal, name: str = "", wish_ids: list[int] | None = None,
                    category: str | None = None, today: date) -> AllocationPlan:
    """A draft plan for the published wishes under ``area_code`` (or the ones listed): the
    assignment with the highest total score under the projects' capacities, stored beside
    what a greedy assignment would score."""
    area = await Area.filter(code=area_code).first()
    if area is None:
        raise NotFound(f"区域 {area_code} 不存在", f"area {area_code} not found", details={"under": area_code})
    wishes = await _plan_wishes(area, wish_ids, category)
    if wish_ids is not None:
        missing = sorted(set(wish_ids) - {w.id for w in wishes})
        if missing:
            raise ValidationError(f"心愿 {missing[:10]} 不在该区域或未处于已发布状态",
                                  f"wishes {missing[:10]} are not published wishes under {area_code}",
                                  code=ErrorCode.BAD_WISHES, details={"wishes": missing[:100]})
    if not wishes:
        raise ValidationError(f"{area.name} 没有待认领的已发布心愿", f"no published wishes under {area_code}",
                              code=ErrorCode.NO_WISHES, details={"under": area_code})
    if len(wishes) > PLAN_MAX_WISHES:
        raise ValidationError(f"一次最多分配 {PLAN_MAX_WISHES} 个心愿",
                              f"a plan takes at most {PLAN_MAX_WISHES} wishes",
                              code=ErrorCode.TOO_MANY_WISHES)
    providers, _ = await project_providers()
    needs = [wish_need(w, today) for w in wishes]
    index = ProviderIndex(providers)
    # the solver runs in a thread: scipy releases the GIL and the server keeps answering
    plan = await asyncio.to_thread(allocate, needs, index)
    greedy = await asyncio.to_thread(allocate_greedy, needs, index)
    async with in_transaction():
        row = await AllocationPlan.create(name=(name or "")[:100], area_code=area.code, status="draft",
                                          total_score=plan.total_score, greedy_score=greedy.total_score,
                                          wishes=len(wishes), created_by_id=actor.user_id)
        await AllocationItem.bulk_create([
            AllocationItem(plan_id=row.id, wish_id=w.id, project_id=plan.assignments.get(w.id),
                           score=plan.scores.get(w.id, 0.0)) for w in wishes
        ], batch_size=1000)
        await audit.record(actor, "allocation.create", "allocation", row.id, area_code=area.code,
                           after={"wishes": len(wishes), "assigned": len(plan.assignments), "total": plan.total_score,
                                  "greedy": greedy.total_score})
    return row


async def get_plan(plan_id: Any) -> AllocationPlan:
    return await get_or_404(AllocationPlan, plan_id, "分配方案", "allocation plan")


async def plan_view(plan: AllocationPlan, *, items: bool = True) -> dict:
    out: dict = {
        "id": plan.id, "name": plan.name, "area": plan.area_code, "status": plan.status,
        "status_zh": PLAN_STATUS_NAMES_ZH.get(plan.status, plan.status),
        "wishes": plan.wishes, "total_score": round(plan.total_score, 2), "greedy_score": round(plan.greedy_score, 2),
        "gain_over_greedy": round(plan.total_score - plan.greedy_score, 2), "edited": plan.edited,
        "created_at": plan.created_at.isoformat(),
        "decided_at": plan.decided_at.isoformat() if plan.decided_at else None,
        "result": plan.result,
    }
    if items:
        rows = await AllocationItem.filter(plan_id=plan.id).order_by("wish_id").values(
            "wish_id", "wish__title", "wish__category", "wish__grid_code", "wish__status", "project_id", "score",
            "edited")
        projects = {p.id: p for p in await Project.filter(id__in={r["project_id"] for r in rows if r["project_id"]})}
        orgs = dict(await Organisation.filter(id__in={p.org_id for p in projects.values()}).values_list("id", "name"))
        out["items"] = [{
            "wish": {"id": r["wish_id"], "title": r["wish__title"], "category": r["wish__category"],
                     "grid": r["wish__grid_code"], "status": r["wish__status"]},
            "project": ({"id": r["project_id"], "name": projects[r["project_id"]].name,
                         "org": {"id": projects[r["project_id"]].org_id,
                                 "name": orgs.get(projects[r["project_id"]].org_id, "")}}
                        if r["project_id"] in projects else None),
            "score": round(r["score"], 2), "edited": r["edited"],
        } for r in rows]
        out["assigned"] = sum(1 for i in out["items"] if i["project"])
        out["unassigned"] = [i["wish"]["id"] for i in out["items"] if not i["project"]]
    return out


def _pair_score(index: ProviderIndex, need: Need, project_id: int) -> float | None:
    """The score of giving ``need`` to the project, or None when a hard filter fails."""
    pos = index.position.get(project_id)
    if pos is None or pos not in set(index.eligible(need).tolist()):
        return None
    score, _ = index.score(np.radians([need.lon]), np.radians([need.lat]), np.array([pos]))
    return float(score[0])


async def edit_plan(plan: AllocationPlan, changes: Any, *, actor: Principal, today: date) -> AllocationPlan:
    """Staff change who takes which wish (``[{"wish": id, "project": id | null}, ...]``). Each
    change must pass the hard filters, and no project may get more wishes than it has places."""
    if plan.status != "draft":
        status_zh = {'accepted': '采纳', 'discarded': '放弃'}.get(plan.status, plan.status)
        raise Conflict(f"分配方案已{status_zh},不能修改",
                       f"the plan is {plan.status} and can no longer be edited", code=ErrorCode.PLAN_CLOSED,
                       details={"status": plan.status})
    if not isinstance(changes, list) or not changes:
        raise ValidationError("items 应为 [{wish, project}] 列表", "items must be a list of {wish, project}",
                              code=ErrorCode.BAD_ITEMS, details={"field": "items"})
    items = {i.wish_id: i for i in await AllocationItem.filter(plan_id=plan.id)}
    providers, _ = await project_providers()
    index = ProviderIndex(providers)
    wishes = {w.id: w for w in await Wish.filter(id__in=list(items))}
    new_project: dict[int, int | None] = {wid: i.project_id for wid, i in items.items()}
    new_score: dict[int, float] = {wid: i.score for wid, i in items.items()}
    problems = []
    for n, ch in enumerate(changes, start=1):
        wid = ch.get("wish") if isinstance(ch, dict) else None
        pid = ch.get("project") if isinstance(ch, dict) else None
        if not isinstance(wid, int) or wid not in items:
            problems.append({"item": n, "wish": wid, "code": "not_in_plan",
                             "message": f"心愿 {wid} 不在该方案中 (not in the plan)"})
            continue
        if pid is None:
            new_project[wid], new_score[wid] = None, 0.0
            continue
        if not isinstance(pid, int):
            problems.append({"item": n, "wish": wid, "code": "bad_project",
                             "message": "project 应为项目编号 (a project id)"})
            continue
        s = _pair_score(index, wish_need(wishes[wid], today), pid)
        if s is None:
            problems.append({"item": n, "wish": wid, "project": pid, "code": "not_eligible",
                             "message": f"项目 {pid} 不能承接心愿 {wid}(区域、类别、服务期或能力不符) "
                                        f"(project {pid} cannot take wish {wid})"})
            continue
        new_project[wid], new_score[wid] = pid, s
    load = Counter(p for p in new_project.values() if p is not None)
    for pid, n in sorted(load.items()):
        left = int(index.capacity[index.position[pid]]) if pid in index.position else 0
        if n > left:
            problems.append({"project": pid, "code": "over_capacity",
                             "message": f"项目 {pid} 只剩 {left} 个名额,方案给了 {n} 个 "
                                        f"(project {pid} has {left} places, the plan gives it {n})"})
    if problems:
        raise ValidationError(f"方案修改有 {len(problems)} 处问题,未保存", f"{len(problems)} problem(s); nothing saved",
                              code=ErrorCode.BAD_ITEMS, details={"problems": problems})
    async with in_transaction():
        n = await AllocationPlan.filter(id=plan.id, status="draft").update(
            edited=True, total_score=float(sum(new_score.values())))
        if n != 1:
            raise Conflict("分配方案已被他人处理", "the plan was decided meanwhile", code=ErrorCode.PLAN_CLOSED)
        for wid, item in items.items():
            if new_project[wid] != item.project_id:
                await AllocationItem.filter(id=item.id).update(
                    project_id=new_project[wid], score=new_score[wid], edited=True)
        await audit.record(actor, "allocation.edit", "allocation", plan.id, area_code=plan.area_code,
                           after={"changes": changes})
    return await get_plan(plan.id)


async def accept_plan(plan: AllocationPlan, *, actor: Principal, now: datetime) -> AllocationPlan:
    """Make the plan real: each assigned wish is claimed for the project's organisation, by the
    same conditional update as any claim. A wish claimed or withdrawn since the plan was made,
    or a project full by now, is skipped and reported; the rest go through."""
    n = await AllocationPlan.filter(id=plan.id, status="draft").update(status="accepting", decided_by_id=actor.user_id,
                                                                       decided_at=now)
    if n != 1:
        raise Conflict(f"分配方案已{plan.status},不能再次采纳", f"the plan is {plan.status}",
                       code=ErrorCode.PLAN_CLOSED,
                       details={"status": plan.status})
    claimed, skipped = [], []
    items = await AllocationItem.filter(plan_id=plan.id).exclude(project_id=None).order_by("-score")
    projects = {p.id: p for p in await Project.filter(id__in=[i.project_id for i in items])}
    for item in items:
        wish = await Wish.get(id=item.wish_id)
        project = projects[item.project_id]  # type: ignore[index]  # items without a project are excluded above
        try:
            if wish.status != WishStatus.PUBLISHED:
                raise Conflict("心愿已不在已发布状态", f"the wish is {wish.status}", code=ErrorCode.NOT_PUBLISHED)
            claim = await claim_wish(wish, actor, kind=Actor.GRID_STAFF, org_id=project.org_id, project_id=project.id,
                                     now=now, via="allocation")
            claimed.append({"wish": wish.id, "project": project.id, "claim": claim.id})
        except Conflict as e:
            skipped.append({"wish": wish.id, "project": project.id, "code": e.code, "message": e.message})
    result = {"claimed": claimed, "skipped": skipped}
    await AllocationPlan.filter(id=plan.id).update(status="accepted", result=result)
    await audit.record(actor, "allocation.accept", "allocation", plan.id, area_code=plan.area_code,
                       after={"claimed": len(claimed), "skipped": len(skipped)})
    return await get_plan(plan.id)


async def discard_plan(plan: AllocationPlan, *, actor: Principal, now: datetime) -> AllocationPlan:
    n = await AllocationPlan.filter(id=plan.id, status="draft").update(status="discarded", decided_by_id=actor.user_id,
                                                                       decided_at=now)
    if n != 1:
        raise Conflict(f"分配方案已{plan.status}", f"the plan is {plan.status}", code=ErrorCode.PLAN_CLOSED)
    await audit.record(actor, "allocation.discard", "allocation", plan.id, area_code=plan.area_code)
    return await get_plan(plan.id)


async def list_plans(prefixes: list[str] | None, *, page: PageRequest) -> Page:
    qs = AllocationPlan.all()
    if prefixes is not None:
        if not prefixes:
            return Page([], None, page.limit)
        qs = qs.filter(subtree.under_any("area_code", prefixes))
    result = await keyset_page(qs, "allocations", ("-id",), page)
    areas = dict(await Area.filter(code__in={p.area_code for p in result.rows}).values_list("code", "name"))
    makers = {u["id"]: u["display_name"] or u["username"] for u in await User.filter(
        id__in={p.created_by_id for p in result.rows if p.created_by_id}).values("id", "username", "display_name")}
    rows = []
    for p in result.rows:
        row = await plan_view(p, items=False)
        row["area_name"] = areas.get(p.area_code, "")
        row["created_by"] = makers.get(p.created_by_id) if p.created_by_id else None
        rows.append(row)
    result.rows = rows
    return result
