"""Desks acting at the same moment: numbers and codes without clash, complaint steps that
cannot fork the event chain. Each desk has its own connection (Database object) to one file,
in threads and in separate processes."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest
from sqlalchemy import select

from kehu_desktop.models import Complaint, ComplaintEvent, Customer
from kehu_desktop.services.common.database import Database
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.complaints import lifecycle
from kehu_desktop.services.complaints.lifecycle import Status
from tests.helpers.complaints import HANDLING, register
from tests.helpers.customers import make_customer
from tests.helpers.desks import register_and_create


@pytest.fixture
def customer_id(context):
    return make_customer(context, "北京华达电子有限公司")


def _numbers_and_codes(database: Database) -> tuple[list[int], list[str]]:
    with database.reader() as session:
        seqs = sorted(session.scalars(select(Complaint.seq)))
        codes = sorted(session.scalars(select(Customer.code)))
    return seqs, codes


def _assert_unique_and_gap_free(database: Database, expected: int) -> None:
    seqs, codes = _numbers_and_codes(database)
    assert seqs == list(range(1, expected + 1))
    # The customer made by the fixture took KH000001.
    assert codes == [f"KH{n:06d}" for n in range(1, expected + 2)]


def test_numbers_and_codes_from_four_threads_at_once(database, admin, customer_id):
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(lambda _i: register_and_create(database.url, admin.id, customer_id, 15),
                     range(4))
        )  # fmt: skip
    assert results == [[], [], [], []]  # not one save refused
    _assert_unique_and_gap_free(database, 60)


def test_numbers_and_codes_from_three_processes_at_once(database, admin, customer_id):
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(3, mp_context=spawn) as pool:
        futures = [
            pool.submit(register_and_create, database.url, admin.id, customer_id, 8)
            for _ in range(3)
        ]
        results = [f.result(timeout=120) for f in futures]
    assert results == [[], [], []]
    _assert_unique_and_gap_free(database, 24)


def _chain_is_whole(database: Database, complaint_id: int) -> None:
    with database.reader() as session:
        complaint = session.get(Complaint, complaint_id)
        events = session.scalars(
            select(ComplaintEvent)
            .where(ComplaintEvent.complaint_id == complaint_id)
            .order_by(ComplaintEvent.id)
        ).all()
        status = Status.REGISTERED  # the registration event goes from 登记 to 登记
        for event in events:
            assert event.from_status == status, [(e.from_status, e.to_status) for e in events]
            status = event.to_status
        assert complaint.status == status


def test_two_desks_stepping_the_same_complaints_one_wins(context, database, admin, customer_id):
    ids = []
    for _ in range(12):
        complaint_id = register(context, customer_id)
        with context.session() as session:
            lifecycle.investigate(session, admin, complaint_id)
        ids.append(complaint_id)
    desks = [Database(database.url) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes: dict[tuple[int, str], str] = {}

    def run(desk: Database, action: str) -> None:
        for complaint_id in ids:
            start.wait(timeout=30)
            try:
                with desk.session(admin.id) as session:
                    if action == "handle":
                        lifecycle.handle(
                            session, admin, complaint_id, HANDLING, seen_status=Status.INVESTIGATING
                        )
                    else:
                        lifecycle.cancel(
                            session,
                            admin,
                            complaint_id,
                            "客户撤回",
                            seen_status=Status.INVESTIGATING,
                        )
                outcomes[complaint_id, action] = "ok"
            except UserError as error:
                outcomes[complaint_id, action] = str(error)

    threads = [
        threading.Thread(target=run, args=(desk, action))
        for desk, action in zip(desks, ("handle", "cancel"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for desk in desks:
        desk.dispose()
    for complaint_id in ids:
        said = [outcomes[complaint_id, a] for a in ("handle", "cancel")]
        assert said.count("ok") == 1, said
        (refusal,) = [s for s in said if s != "ok"]
        assert "系统管理员" in refusal and "本次" in refusal and "未执行" in refusal
        _chain_is_whole(database, complaint_id)


def test_a_step_on_a_status_the_user_no_longer_sees_is_refused(context, admin, customer_id):
    complaint_id = register(context, customer_id)
    with context.session() as session:
        lifecycle.cancel(session, admin, complaint_id, "重复登记")
    with pytest.raises(
        UserError, match="现处于“撤销”阶段（您看到时是“登记”），本次“开始调查”未执行"
    ):
        with context.session() as session:
            lifecycle.investigate(session, admin, complaint_id, seen_status=Status.REGISTERED)
    _chain_is_whole(context.database, complaint_id)


def test_appending_to_both_chains_in_either_order_cannot_deadlock(database):
    """A complaint step appends its event and then its audit entries; another save may append
    audit entries first and then a complaint event. One append lock covers both chains (as
    SQLite's one write lock does), so the second transaction waits instead of each holding a
    lock the other needs."""
    from sqlalchemy.exc import OperationalError

    from kehu_desktop.services.common import sealing

    first = Database(database.url, database.data_dir)
    second = Database(database.url, database.data_dir)
    try:
        with first.engine.connect() as a, second.engine.connect() as b:
            a.begin()
            sealing.lock_for_append(a, "audit_log")
            if database.is_sqlite:
                b.exec_driver_sql("PRAGMA busy_timeout = 300")
                b.commit()
            b.begin()
            if not database.is_sqlite:
                b.exec_driver_sql("SET LOCAL lock_timeout = '300ms'")
            with pytest.raises(OperationalError):
                sealing.lock_for_append(b, "complaint_events")  # waits for the first
            b.rollback()
            a.rollback()
    finally:
        first.dispose()
        second.dispose()
