"""Optimistic concurrency: no desk silently overwrites what another desk saved meanwhile.

Every record a user edits is ``Versioned``. The window keeps the version it loaded and hands
it back with the save; ``claim`` locks the record for the saving transaction and refuses the
save when the version moved, naming who changed it and when. The listener installed here moves
the version on every flush that changes the record or any of its parts (``VersionedPart``:
contacts, sales months, important dates, complaint events, follow-up actions, survey scores),
so a change to a part alone is protected as well as one to the record's own fields.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TypeVar

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from kehu_desktop.models import (
    Complaint,
    Countermeasure,
    Customer,
    KeyAccount,
    SatisfactionSurvey,
    Setting,
    Staff,
    Tracked,
    Versioned,
    VersionedPart,
    Visit,
    VisitPlan,
)
from kehu_desktop.models.base import table_of
from kehu_desktop.services.common.audit import OPERATOR_KEY
from kehu_desktop.services.common.errors import NotFoundError, UserError

V = TypeVar("V", bound=Versioned)

# What the user calls each kind of record, for the refusal message.
NOUNS: dict[type[Versioned], str] = {
    Customer: "客户档案",
    Complaint: "投诉登记",
    Visit: "拜访记录",
    VisitPlan: "拜访计划",
    KeyAccount: "大客户管理卡",
    Countermeasure: "对策",
    SatisfactionSurvey: "满意度调查",
    Staff: "员工资料",
    Setting: "设置",
}


class StaleRecordError(UserError):
    """The record changed after the user loaded it; nothing was saved.

    The window offers to reload the record while keeping what the user typed on screen.
    """


def stale_message(session: Session, record: Versioned) -> str:
    """``该客户档案已被 张三 于 2026-12-01 10:32 修改，本次未保存……``"""
    noun = NOUNS.get(type(record), "记录")
    editor_id = getattr(record, "updated_by_id", None)
    editor = session.get(Staff, editor_id) if editor_id else None
    when = getattr(record, "updated_at", None)
    who = editor.name if editor else "其他用户"
    at = f" 于 {when:%Y-%m-%d %H:%M}" if isinstance(when, datetime) else ""
    return f"该{noun}已被 {who}{at} 修改，本次未保存，以免覆盖对方的修改。请重新载入后再改。"


def claim(session: Session, model: type[V], key: object, seen_version: int | None) -> V:
    """The record to save, locked until the transaction ends, if it is still the version the
    user loaded (``seen_version``; None for a caller that did not load it, e.g. a script).

    Raises NotFoundError when it is gone and StaleRecordError when someone saved it meanwhile.
    """
    # FOR NO KEY UPDATE on PostgreSQL: desks adding visits or complaints that refer to the
    # record (which take a key-share lock on it) need not wait for this save.
    record = session.get(model, key, with_for_update={"key_share": True}, populate_existing=True)
    if record is None:
        raise NotFoundError(f"该{NOUNS.get(model, '记录')}不存在或已被删除。")
    if seen_version is not None and record.version != seen_version:
        raise StaleRecordError(stale_message(session, record))
    return record


def _owner(session: Session, part: VersionedPart) -> object | None:
    """The record ``part`` belongs to, without loading anything: the object when this
    session holds it, else ``(its class, its id)``. Also for a part being deleted, whose
    relationship is already cleared but whose foreign key is not."""
    relationship, foreign_key = part.version_owner
    state = inspect(part)
    owner = state.attrs[relationship].loaded_value
    if isinstance(owner, Versioned | VersionedPart):
        return owner
    target = state.mapper.relationships[relationship].mapper.class_
    key = getattr(part, foreign_key)
    if key is None:
        return None
    held = session.identity_map.get(identity_key(target, key))
    if held is not None:
        return held
    if issubclass(target, VersionedPart):  # a part of a part (an important date's contact)
        return session.get(target, key)
    return (target, key)


# Who and when, stamped on any change by the audit listener: not a change of their own.
_STAMPS = frozenset({"updated_at", "updated_by_id"})


def _really_modified(obj: object) -> bool:
    """Whether anything but bookkeeping (``unversioned``) changed, collections aside, as
    ``Session.is_modified(include_collections=False)`` tells it."""
    skipped = _STAMPS | (obj.unversioned if isinstance(obj, Versioned) else frozenset())
    state = inspect(obj)
    return any(
        state.attrs[prop.key].history.has_changes()
        for prop in state.mapper.attrs
        if prop.key not in skipped and not getattr(prop, "uselist", False)
    )


def _move_versions(session: Session, _context: object, _instances: object) -> None:
    held: set[Versioned] = set()
    elsewhere: dict[type[Versioned], set[int]] = defaultdict(set)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if obj in session.dirty and not _really_modified(obj):
            continue
        while isinstance(obj, VersionedPart):
            obj = _owner(session, obj)
        if isinstance(obj, tuple):
            elsewhere[obj[0]].add(obj[1])
        elif isinstance(obj, Versioned) and obj not in session.new and obj not in session.deleted:
            held.add(obj)
    operator_id = session.info.get(OPERATOR_KEY)
    now = datetime.now()
    for record in held:
        history = inspect(record).attrs.version.history
        if history.added:
            continue  # already moved in this flush
        record.version = (history.unchanged or history.deleted or [record.version])[0] + 1
        if isinstance(record, Tracked):
            # A change to a part is a change to the record: its 修改人 and time say so.
            record.updated_by_id = operator_id or record.updated_by_id
            record.updated_at = now
    # Owners this session never loaded (parts added in bulk, e.g. imported sales months).
    for model, keys in elsewhere.items():
        table = table_of(model)
        values: dict[str, object] = {"version": table.c.version + 1}
        if issubclass(model, Tracked):
            values.update(updated_at=now, updated_by_id=operator_id or table.c.updated_by_id)
        primary_key = inspect(model).primary_key[0]
        ordered = sorted(keys)
        for start in range(0, len(ordered), 900):
            chunk = ordered[start : start + 900]
            session.connection().execute(
                update(table).where(primary_key.in_(chunk)).values(**values)
            )


_installed = False


def install() -> None:
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _move_versions)
        _installed = True
