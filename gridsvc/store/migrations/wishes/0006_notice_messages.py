"""A notification says which message it is and the words put into it (`message`, `params`: see
gridsvc.domain.notices), worded when read in the reader's language, instead of its sentences
fixed in Chinese and English when written.

The rows already written are converted where their words are exactly what the code wrote for a
known message: the Chinese title and body with the English beside them (`words`, since
wishes/0005_claim_members) or, before that, with the English in brackets in the body. The
parameters are read back out of the Chinese and the row is accepted only when writing it again
from them gives the stored words back, so a row is never misread. A row that does not match
(other wording, a title cut at 200 characters) keeps `message` empty and reads as stored. The
stored words are left in place either way, so going back a migration loses nothing.

The wording below is frozen here as the code wrote it; it is not read from gridsvc.domain.
"""

import json
import re
from collections.abc import Iterator

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

_CHUNK = 1000

# a wish's steps: (message, kind, title zh, title en, detail zh, detail en); the title read
# "{zh}:「{wish}」", its English "{En}: “{wish}”", the English body was the English detail, else
# the Chinese one (store.wishes.history.tell)
WISH_WORDS = [
    ("wish.submitted", "submitted", "新心愿待审核", "a new wish to screen", "", ""),
    ("wish.published", "published", "您的心愿已审核发布", "your wish is published", "", ""),
    ("wish.returned", "returned", "您的心愿被退回,请修改后重新提交", "your wish was returned; edit and resubmit it",
     "原因:{reason}", ""),
    ("wish.resubmitted", "resubmitted", "心愿已修改并重新提交", "a returned wish was resubmitted", "", ""),
    ("wish.withdrawn_for_you", "withdrawn", "网格员已代您撤回心愿", "staff withdrew your wish for you", "{note}", ""),
    ("wish.withdrawn", "withdrawn", "居民撤回了心愿", "the resident withdrew the wish", "", ""),
    ("wish.merged", "merged", "您的心愿与重复心愿 #{into} 合并办理", "your wish was merged into wish #{into}", "", ""),
    ("wish.claimed", "claimed", "心愿已被认领", "the wish was claimed", "认领方:{by},完成期限 {due}",
     "by {by}, due {due}"),
    ("wish.allocated", "allocated", "分配方案将该心愿指派给贵组织",
     "an allocation plan assigned this wish to your organisation", "完成期限 {due}", ""),
    ("wish.extended", "extended", "认领方申请延期", "the claimer extended the deadline", "新的完成期限 {due}",
     "new deadline {due}"),
    ("wish.released", "released", "认领已取消,心愿重新发布", "the claim was given up; the wish is published again",
     "{note}", ""),
    ("wish.expired", "expired", "认领超期未完成,心愿重新发布", "the claim expired; the wish is published again",
     "原期限 {due}", "deadline was {due}"),
    ("wish.fulfilled", "fulfilled", "心愿已完成,请确认并评价", "the wish was fulfilled; please confirm and rate it",
     "{day}:{note}", ""),
    ("wish.confirmed", "confirmed", "居民已确认心愿完成", "the resident confirmed the wish is fulfilled", "", ""),
    ("wish.reopened", "reopened", "居民反映心愿未完成,已重新发布",
     "the resident says the wish was not fulfilled; it is published again", "原因:{reason}", ""),
    ("wish.reopened_for_you", "reopened", "网格员已代您反映未完成,心愿重新发布", "staff reopened your wish for you",
     "{note}", ""),
    ("wish.rated", "rated", "居民评价 {stars} 星", "rated {stars} stars", "{note}", ""),
]

# a volunteer demand's: (message, kind, title zh, title en, the body before the English was kept)
DEMAND_WORDS = [
    ("demand.taken", "demand_taken", "志愿需求「{demand}」:{by} 认领 {n} 个名额",
     "Volunteer demand “{demand}”: {by} took {n} place(s)", "({by} took {n} place(s))"),
    ("demand.released", "demand_changed", "志愿需求「{demand}」有 {n} 个名额被取消",
     "Volunteer demand “{demand}”: {n} place(s) released", "({n} place(s) released)"),
    ("demand.closed", "demand_changed", "志愿需求「{demand}」已截止招募",
     "Volunteer demand “{demand}”: recruiting closed", "(recruiting closed)"),
    ("demand.reopened", "demand_changed", "志愿需求「{demand}」已重新招募",
     "Volunteer demand “{demand}”: recruiting again", "(recruiting again)"),
    ("demand.cancelled", "demand_changed", "志愿需求「{demand}」已取消",
     "Volunteer demand “{demand}”: cancelled", "(cancelled)"),
    ("demand.hours", "hours", "志愿服务「{demand}」登记时长 {hours} 小时",
     "Volunteer service “{demand}”: {hours} hours recorded", "({hours} hours recorded)"),
]

_FIELD = re.compile(r"\{(\w+)\}")


def _pattern(template: str) -> re.Pattern:
    """A template's words with each {name} read back (a name seen twice must read the same)."""
    out, seen, at = [], set(), 0
    for m in _FIELD.finditer(template):
        out.append(re.escape(template[at:m.start()]))
        name = m.group(1)
        out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
        seen.add(name)
        at = m.end()
    out.append(re.escape(template[at:]))
    return re.compile("".join(out), re.S)


def _forms() -> Iterator[tuple[str, str, str, str, tuple[str, str] | None]]:
    """Every stored form of every message: (message, kind, title template, body template, words
    templates or None), the templates in str.format style."""
    for message, kind, zh, en, detail_zh, detail_en in WISH_WORDS:
        title, title_en = f"{zh}:「{{wish}}」", f"{en[:1].upper()}{en[1:]}: “{{wish}}”"
        yield message, kind, title, detail_zh, (title_en, detail_en or detail_zh)
        bracket = f"({en}{': ' + detail_en if detail_en else ''})"
        yield message, kind, title, f"{detail_zh} {bracket}" if detail_zh else bracket, None
        if detail_zh == "{note}":  # an empty reason was left out of the joined body
            yield message, kind, title, bracket, None
    for message, kind, zh, en, before in DEMAND_WORDS:
        yield message, kind, zh, "", (en, "")
        yield message, kind, zh, before, None


FORMS = [(message, kind, title, body, words, _pattern(title), _pattern(body))
         for message, kind, title, body, words in _forms()]


def _json(value):
    if value is None or isinstance(value, (dict, list)):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return None


def convert(kind: str, title: str, body: str, words) -> tuple[str, dict] | None:
    """(message, params) of a stored row, or None when its words are not exactly a known message's."""
    for message, form_kind, title_t, body_t, words_t, title_re, body_re in FORMS:
        if form_kind != kind or (words is None) != (words_t is None):
            continue
        t, b = title_re.fullmatch(title), body_re.fullmatch(body or "")
        if t is None or b is None:
            continue
        params = {**t.groupdict(), **b.groupdict()}
        try:
            again = (title_t.format(**params), body_t.format(**params))
            again_words = {"en": [words_t[0].format(**params), words_t[1].format(**params)]} if words_t else None
        except (KeyError, IndexError):
            continue
        if again == (title, body or "") and again_words == words:
            return message, {k: v for k, v in params.items() if v or k != "note"}  # an empty note: no body
    return None


async def convert_rows(apps, schema_editor) -> None:
    client = schema_editor.client
    # the user's words go in as parameters, never into the SQL
    a, b, c = ("$1", "$2", "$3") if client.capabilities.dialect == "postgres" else ("?", "?", "?")
    update = f'UPDATE "notification" SET "message" = {a}, "params" = {b} WHERE "id" = {c}'
    last = 0
    while True:
        rows = await client.execute_query_dict(
            'SELECT "id", "kind", "title", "body", "words" FROM "notification" '
            f'WHERE "message" = \'\' AND "id" > {int(last)} ORDER BY "id" LIMIT {_CHUNK}')
        if not rows:
            return
        last = rows[-1]["id"]
        values = []
        for row in rows:
            found = convert(row["kind"], row["title"], row["body"], _json(row["words"]))
            if found:
                values.append([found[0], json.dumps(found[1], ensure_ascii=False), row["id"]])
        if values:
            await client.execute_many(update, values)


class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial'), ('wishes', '0005_claim_members')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Notification',
            name='message',
            field=fields.CharField(default='', db_default='', max_length=40),
        ),
        ops.AddField(
            model_name='Notification',
            name='params',
            field=fields.JSONField(null=True),
        ),
        ops.RunPython(convert_rows, ops.RunPython.noop),
    ]
