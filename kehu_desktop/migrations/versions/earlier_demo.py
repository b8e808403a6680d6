"""Demo data loaded by a release before import batches existed becomes a demo batch

Revision ID: earlier_demo
Revises: match_keys

Since revision import_batches each demo load is a batch, which is how 删除演示数据 removes
exactly its records. A store whose demo was loaded earlier (release 0.1.0) has no such batch;
this revision recognises that demo's records and lists them as one, so they can be removed too.

Recognised as demo customers: those whose e-mail is the demo's ``sales<id>@example.com.cn``
(the generator wrote each customer's own id into it), that have no 新增 entry in the audit
trail (every customer typed in on the desk has one; the demo wrote its rows in bulk, without
entries) and are not in a batch already. Demo operators: the demo's five login names, created
in the few minutes before those customers (the demo created them as it started).
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "earlier_demo"
down_revision = "match_keys"
branch_labels = None
depends_on = None

# The demo generator's operators and e-mail pattern, as the earlier releases wrote them.
DEMO_USERNAMES = ("zhangli", "wangqiang", "lina", "zhaomin", "chenjie")
_STAFF_BEFORE = timedelta(minutes=5)
_SUMMARY = "较早版本载入的演示数据（升级时识别）"

customers = sa.table(
    "customers", sa.column("id"), sa.column("email"), sa.column("created_at", sa.DateTime()),
    sa.column("created_by_id"),
)  # fmt: skip
staff = sa.table("staff", sa.column("id"), sa.column("username"))
audit_log = sa.table(
    "audit_log", sa.column("table_name"), sa.column("record_id"), sa.column("action"),
    sa.column("at", sa.DateTime()),
)  # fmt: skip
batches = sa.table(
    "import_batches", sa.column("id"), sa.column("kind"), sa.column("source"),
    sa.column("at", sa.DateTime()), sa.column("staff_id"), sa.column("summary"),
    sa.column("undone_at", sa.DateTime()),
)  # fmt: skip
records = sa.table(
    "import_batch_records", sa.column("batch_id"), sa.column("table_name"),
    sa.column("record_id"), sa.column("action"), sa.column("before"),
)  # fmt: skip


def _created_in_audit(connection: sa.Connection, table_name: str) -> dict[int, datetime]:
    query = sa.select(audit_log.c.record_id, audit_log.c.at).where(
        audit_log.c.table_name == table_name, audit_log.c.action == "新增"
    )
    return {int(i): at for i, at in connection.execute(query) if i is not None}


def upgrade() -> None:
    connection = op.get_bind()
    in_batches = set(
        connection.scalars(
            sa.select(records.c.record_id).where(records.c.table_name == "customers")
        )
    )
    audited = _created_in_audit(connection, "customers")
    demo = [
        (i, at, by)
        for i, email, at, by in connection.execute(
            sa.select(
                customers.c.id, customers.c.email, customers.c.created_at, customers.c.created_by_id
            ).where(customers.c.email.like("sales%@example.com.cn"))
        )  # fmt: skip
        if email == f"sales{i}@example.com.cn" and i not in audited and i not in in_batches
    ]
    if not demo:
        return
    loaded_at = min(at for _i, at, _by in demo)
    staff_created = _created_in_audit(connection, "staff")
    batched_staff = set(
        connection.scalars(sa.select(records.c.record_id).where(records.c.table_name == "staff"))
    )
    demo_staff = [
        i
        for i in connection.scalars(
            sa.select(staff.c.id).where(staff.c.username.in_(DEMO_USERNAMES))
        )
        if i not in batched_staff
        and i in staff_created
        and loaded_at - _STAFF_BEFORE <= staff_created[i] <= loaded_at
    ]
    batch_id = connection.execute(
        batches.insert()
        .values(
            kind="demo", source="", at=loaded_at, staff_id=demo[0][2], summary=_SUMMARY,
            undone_at=None,
        )
        .returning(batches.c.id)
    ).scalar_one()  # fmt: skip
    rows = [
        {"batch_id": batch_id, "table_name": name, "record_id": i, "action": "created",
         "before": ""}
        for name, ids in (("staff", demo_staff), ("customers", [i for i, _at, _by in demo]))
        for i in ids
    ]  # fmt: skip
    connection.execute(records.insert(), rows)


def downgrade() -> None:
    connection = op.get_bind()
    ids = connection.scalars(sa.select(batches.c.id).where(batches.c.summary == _SUMMARY)).all()
    if ids:
        connection.execute(records.delete().where(records.c.batch_id.in_(ids)))
        connection.execute(batches.delete().where(batches.c.id.in_(ids)))
