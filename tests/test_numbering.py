"""Counters behind complaint numbers and customer codes."""

from __future__ import annotations

from sqlalchemy import func, select

from kehu_desktop.demo import loader
from kehu_desktop.models import Complaint, Customer
from kehu_desktop.services.common import numbering
from tests.helpers.complaints import register
from tests.helpers.customers import make_customer


def test_each_series_and_year_counts_on_its_own(context):
    with context.session() as session:
        taken = [
            numbering.next_number(session, numbering.COMPLAINT_SERIES, 2026),
            numbering.next_number(session, numbering.COMPLAINT_SERIES, 2026),
            numbering.next_number(session, numbering.COMPLAINT_SERIES, 2027),
            numbering.next_number(session, "after_sales", 2026),
            numbering.next_number(session, numbering.CUSTOMER_SERIES, None),
        ]
        block = numbering.take_numbers(session, numbering.COMPLAINT_SERIES, 2026, 3)
    assert taken == [1, 2, 1, 1, 1]
    assert list(block) == [3, 4, 5]


def test_a_failed_save_gives_its_number_back(context):
    try:
        with context.session() as session:
            numbering.next_number(session, "after_sales", 2026)
            raise RuntimeError("the save failed after taking a number")
    except RuntimeError:
        pass
    with context.session() as session:
        assert numbering.next_number(session, "after_sales", 2026) == 1


def test_saves_after_the_demo_continue_its_numbers(context):
    loader.load_demo(context.database, customer_count=40)
    with context.reader() as session:
        highest_code = session.scalar(select(func.max(Customer.code)))
        year_seq = session.execute(
            select(Complaint.year, func.max(Complaint.seq)).group_by(Complaint.year)
        ).all()
    customer_id = make_customer(context, "演示之后的新客户")
    with context.reader() as session:
        assert session.get(Customer, customer_id).code == f"KH{int(highest_code[2:]) + 1:06d}"
    complaint_id = register(context, customer_id)
    with context.reader() as session:
        complaint = session.get(Complaint, complaint_id)
    before = dict(year_seq).get(complaint.year, 0)
    assert complaint.seq == before + 1
