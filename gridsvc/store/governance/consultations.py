"""Consultations (协商议事, issue 12 item 7): a matter through 民事民提、民议、民决、民办、民评, each
step a conditional update on the status it starts from (two clerks cannot both decide), and the
public record of decided and concluded matters (居务公开) without anyone's personal data."""

from __future__ import annotations

from collections import Counter
from datetime import date

from tortoise.transactions import in_transaction

from gridsvc.store.areas.models import Area

from ...domain.error_codes import ErrorCode
from ...domain.errors import Conflict, NotFound, ValidationError
from ...domain.governance import consultations as rules
from ..records import record_id
from ..subtree import under_any
from .models import Consultation, ConsultationMeeting


async def raise_matter(community: Area, *, title: str, matter: str, raised_by: str, raised_on: date, today: date,
                       recorded_by: int | None) -> dict:
    if community.level != "community":
        raise ValidationError(f"{community.name} 不是社区:协商议事按社区登记", f"{community.name} is not a community",
                              code=ErrorCode.NOT_A_COMMUNITY, details={"field": "community"})
    rules.check_raise(title, matter, raised_by)
    rules.check_date(raised_on, None, today, "raised_on")
    c = await Consultation.create(community_id=community.id, title=title.strip(), matter=matter.strip(),
                                  raised_by=raised_by, raised_on=raised_on, recorded_by_id=recorded_by)
    return await view(c, full=True)


async def get(consultation_id: int) -> Consultation:
    rid = record_id(consultation_id)  # an id no column holds (past 32 bits) names no matter
    c = await Consultation.get_or_none(id=rid) if rid is not None else None
    if c is None:
        raise NotFound("协商议事事项不存在", "no such consultation", code=ErrorCode.CONSULTATION_NOT_FOUND,
                       details={"consultation": consultation_id})
    return c


async def community_code(c: Consultation) -> str:
    return (await Area.get(id=c.community_id)).code


def _day(data: dict, key: str, today: date) -> date:
    value = data.get(key)
    return value if isinstance(value, date) else today


async def step(c: Consultation, action: str, data: dict, today: date) -> dict:
    """Take `action` with its fields (`data`, checked here); 409 when the status moved meanwhile."""
    target = rules.next_status(c.status, action)
    changes: dict = {"status": target.value}
    meeting = None
    if action == "meet":
        held_on = _day(data, "held_on", today)
        rules.check_date(held_on, c.raised_on, today, "held_on")
        kinds = list(dict.fromkeys(data.get("participant_kinds") or []))
        rules.check_meeting(int(data.get("participants") or 0), kinds, str(data.get("minutes") or ""))
        meeting = ConsultationMeeting(consultation_id=c.id, held_on=held_on, participants=int(data["participants"]),
                                      participant_kinds=",".join(kinds), minutes=str(data["minutes"]).strip())
    elif action == "decide":
        last = await ConsultationMeeting.filter(consultation_id=c.id).order_by("-held_on").first()
        decided_on = _day(data, "decided_on", today)
        rules.check_date(decided_on, last.held_on if last else c.raised_on, today, "decided_on")
        for key in ("decision", "carried_by"):
            rules.check_text(str(data.get(key) or ""), key)
        changes |= {"decision": str(data["decision"]).strip(), "carried_by": str(data["carried_by"]).strip()[:200],
                    "decided_on": decided_on}
    elif action == "carry_out":
        done_on = _day(data, "carried_out_on", today)
        rules.check_date(done_on, c.decided_on, today, "carried_out_on")
        rules.check_text(str(data.get("result") or ""), "result")
        changes |= {"result": str(data["result"]).strip(), "carried_out_on": done_on}
    elif action == "evaluate":
        concluded_on = _day(data, "concluded_on", today)
        rules.check_date(concluded_on, c.carried_out_on, today, "concluded_on")
        votes = [int(data.get(k) or 0) for k in ("satisfied", "fair", "dissatisfied")]
        rules.check_evaluation(*votes)
        changes |= {"satisfied": votes[0], "fair": votes[1], "dissatisfied": votes[2],
                    "evaluation": str(data.get("evaluation") or "").strip()[:rules.TEXT_MAX],
                    "concluded_on": concluded_on}
    else:  # drop
        rules.check_text(str(data.get("reason") or ""), "reason")
        changes |= {"dropped_reason": str(data["reason"]).strip()}
    async with in_transaction():
        if not await Consultation.filter(id=c.id, status=c.status).update(**changes):
            raise Conflict("该事项已被他人处理,请刷新后重试", "someone else moved the consultation on; reload",
                           code=ErrorCode.STALE, details={"consultation": c.id})
        if meeting is not None:
            await meeting.save()
    return await view(await get(c.id), full=True)


async def view(c: Consultation, *, full: bool) -> dict:
    """The matter with its meetings; `full` (staff of the area) adds the minutes and the steps
    not yet public. Participants are a head count and kinds, never names."""
    area = await Area.get(id=c.community_id)
    meetings = await ConsultationMeeting.filter(consultation_id=c.id).order_by("held_on", "id")
    out = {"id": c.id, "community": area.code, "community_name": area.name, "title": c.title, "matter": c.matter,
           "raised_by": c.raised_by, "raised_on": c.raised_on.isoformat(), "status": c.status,
           "decision": c.decision, "decided_on": _iso(c.decided_on), "carried_by": c.carried_by,
           "result": c.result, "carried_out_on": _iso(c.carried_out_on),
           "evaluation": {"satisfied": c.satisfied, "fair": c.fair, "dissatisfied": c.dissatisfied,
                          "satisfaction": rules.satisfaction(c.satisfied, c.fair, c.dissatisfied),
                          "note": c.evaluation},
           "concluded_on": _iso(c.concluded_on), "allowed": rules.allowed(c.status) if full else [],
           "meetings": [{"held_on": m.held_on.isoformat(), "participants": m.participants,
                         "participant_kinds": [k for k in m.participant_kinds.split(",") if k],
                         **({"minutes": m.minutes} if full else {})} for m in meetings]}
    if full:
        out["dropped_reason"] = c.dropped_reason
    return out


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


async def list_under(prefixes: list[str], *, public_only: bool = False, limit: int = 200) -> list[dict]:
    """The matters of the subtrees, newest first; `public_only`: decided, carried out, concluded."""
    if not prefixes:
        return []
    q = Consultation.filter(under_any("community__code", prefixes))
    if public_only:
        q = q.filter(status__in=[s.value for s in rules.PUBLIC])
    rows = await q.order_by("-raised_on", "-id").limit(limit)
    return [await view(c, full=not public_only) for c in rows]


async def concluded_per_community(scope_prefixes: list[str], year: int) -> Counter[str]:
    """community code -> the matters concluded (民评 done) in `year`."""
    rows = await Consultation.filter(under_any("community__code", scope_prefixes), status=rules.Status.CONCLUDED,
                                     concluded_on__gte=date(year, 1, 1), concluded_on__lte=date(year, 12, 31)) \
        .values_list("community__code", flat=True)
    return Counter(str(c) for c in rows)
