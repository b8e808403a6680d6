"""The demo complaints tell consistent stories the desk's rules would allow."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from kehu_desktop.demo import loader
from kehu_desktop.models import Complaint, ComplaintEvent
from kehu_desktop.services.complaints import complaint_kpis, ledger
from kehu_desktop.services.complaints.lifecycle import Status


def test_demo_complaints_are_consistent(database, admin):
    database.operator_id = admin.id
    loader.load_demo(database, 1500, today=date(2026, 11, 20))
    with database.reader() as session:
        rows = session.scalars(select(Complaint)).all()
        events = session.scalars(select(ComplaintEvent).order_by(ComplaintEvent.id)).all()
        kpis = complaint_kpis.compute(
            session, date(2026, 8, 1), date(2026, 8, 31), today=date(2026, 11, 20)
        )
        listed = ledger.list_complaints(session, today=date(2026, 11, 20))
    by_complaint: dict[int, list[ComplaintEvent]] = {}
    for event in events:
        by_complaint.setdefault(event.complaint_id, []).append(event)
    statuses = Counter(c.status for c in rows)
    assert set(statuses) == set(Status), statuses
    year_seqs = sorted(c.seq for c in rows if c.year == 2026)
    assert year_seqs == list(range(1, len(year_seqs) + 1))
    for c in rows:
        story = by_complaint[c.id]
        assert story[0].kind == "登记" and story[-1].to_status == c.status
        assert [e.at for e in story] == sorted(e.at for e in story)
        assert all(b.from_status == a.to_status for a, b in zip(story, story[1:], strict=False))
        if c.status == Status.CLOSED:
            assert c.satisfaction or c.unreachable_reason
        if c.replied_at is not None:
            assert c.reply and c.cause and c.result
    assert any(r.overdue for r in listed)
    assert any(r.escalation_pending for r in listed)
    assert any(e.kind == "转交" for e in events)
    assert kpis.total.closed and kpis.total.satisfaction_rate is not None
