"""Realistic demo data across the four desks, for trying the app and for benchmarks.

Written with bulk inserts so that 100,000 customers take seconds, not minutes. The data is
reproducible: the same ``seed`` gives the same store.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from kehu_desktop.demo import key_accounts, service_desk
from kehu_desktop.demo.complaints import ComplaintDemo
from kehu_desktop.demo.visits import VisitDemo
from kehu_desktop.models import (
    Contact,
    Customer,
    ImportBatch,
    Role,
    SalesRecord,
    Staff,
)
from kehu_desktop.services.common import batches, numbering, operators
from kehu_desktop.services.common.database import Database, sync_sequences
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.settings import SettingSpec
from kehu_desktop.services.customers import match_keys, pinyin_initials, search
from kehu_desktop.services.customers.customer_fields import MANAGEMENT_CLASSES, NATURES
from kehu_desktop.services.customers.customer_files import code_for
from kehu_desktop.services.key_accounts import abc_classes
from kehu_desktop.services.visits import visit_plans

DEFAULT_CUSTOMERS = 300
# When demo data was loaded; it is loaded once per store (twice would duplicate every name).
LOADED_AT = SettingSpec("demo.loaded_at", "", "演示数据载入时间")
DEMO_PASSWORD = "123456"
BATCH = 2000

CITIES = [
    ("北京", "北京"),
    ("上海", "上海"),
    ("广东", "广州"),
    ("广东", "深圳"),
    ("广东", "东莞"),
    ("浙江", "杭州"),
    ("浙江", "宁波"),
    ("江苏", "苏州"),
    ("江苏", "南京"),
    ("山东", "青岛"),
    ("四川", "成都"),
    ("湖北", "武汉"),
    ("福建", "厦门"),
    ("天津", "天津"),
    ("重庆", "重庆"),
    ("河南", "郑州"),
    ("湖南", "长沙"),
    ("陕西", "西安"),
]
AREA_CODES = {
    "北京": "010",
    "上海": "021",
    "广州": "020",
    "深圳": "0755",
    "东莞": "0769",
    "杭州": "0571",
    "宁波": "0574",
    "苏州": "0512",
    "南京": "025",
    "青岛": "0532",
    "成都": "028",
    "武汉": "027",
    "厦门": "0592",
    "天津": "022",
    "重庆": "023",
    "郑州": "0371",
    "长沙": "0731",
    "西安": "029",
}
WORDS = list("华达兴隆宏泰鑫盛源恒通利丰瑞祥永安国嘉金银海天明光新远德信和成佳美博强立凯")
TRADES = [
    "电子",
    "机械",
    "五金",
    "塑胶",
    "包装",
    "化工",
    "纺织",
    "建材",
    "汽配",
    "电器",
    "精密",
    "食品",
    "医疗器械",
    "照明",
    "物流",
]
SUFFIXES = [
    "有限公司",
    "股份有限公司",
    "制造有限公司",
    "贸易有限公司",
    "科技有限公司",
    "实业有限公司",
]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文辉玲兰晶红鹏飞雪梅")
TITLES = [
    ("总经理", "决策人"),
    ("采购经理", "采购"),
    ("采购员", "采购"),
    ("财务主管", "财务"),
    ("技术工程师", "技术"),
    ("品质经理", "技术"),
    ("副总经理", "决策人"),
]
STAFF = [
    ("zhangli", "张丽", Role.AGENT),
    ("wangqiang", "王强", Role.SUPERVISOR),
    ("lina", "李娜", Role.AGENT),
    ("zhaomin", "赵敏", Role.AGENT),
    ("chenjie", "陈杰", Role.AGENT),
]


@dataclass(frozen=True)
class DemoSummary:
    customers: int
    contacts: int
    visits: int
    complaints: int
    key_accounts: int
    service_requests: int = 0

    def describe(self) -> str:
        return (
            f"客户 {self.customers} 位，联系人 {self.contacts} 位，拜访 {self.visits} 次，"
            f"投诉 {self.complaints} 宗，大客户 {self.key_accounts} 家，"
            f"售后服务单 {self.service_requests} 张"
        )


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def _ensure_staff(session: Session) -> list[int]:
    ids = []
    for username, name, role in STAFF:
        existing = session.scalar(select(Staff.id).where(Staff.username == username))
        if existing is None:
            existing = operators.create_staff(
                session, username, name, role, DEMO_PASSWORD, default_password=True
            ).id
        ids.append(existing)
    return ids


def demo_batches(session: Session) -> list[ImportBatch]:
    """The demo loads still in the store, oldest first (a store from release 0.1.0 has its demo
    data listed as one by the upgrade, without the LOADED_AT setting)."""
    return list(
        session.scalars(
            select(ImportBatch)
            .where(ImportBatch.kind == "demo", ImportBatch.undone_at.is_(None))
            .order_by(ImportBatch.at)
        )
    )


def load_demo(
    database: Database,
    customer_count: int = DEFAULT_CUSTOMERS,
    progress: Callable[[int, int], None] | None = None,
    seed: int = 20261122,
    today: date | None = None,
) -> DemoSummary:
    """Add ``customer_count`` demo customers with contacts, sales, visits, complaints and key
    accounts. Existing data is kept; demo codes continue after the highest code in use."""
    rng = random.Random(seed)
    today = today or date.today()
    report = progress or (lambda _d, _t: None)
    with database.session() as session:
        earlier = demo_batches(session)
        loaded_at = LOADED_AT.get(session) or (f"{earlier[0].at:%Y-%m-%d %H:%M}" if earlier else "")
        if loaded_at:
            raise UserError(f"演示数据已于 {loaded_at} 载入过，不能重复载入（否则客户会重复）。")
        LOADED_AT.put(session, datetime.now().strftime("%Y-%m-%d %H:%M"))
        # The demo load is a batch, so that 删除演示数据 can later remove exactly its records.
        batch = batches.start(session, "demo")
        known_staff = set(session.scalars(select(Staff.id)))
        staff_ids = _ensure_staff(session)
        actor = database.operator_id or staff_ids[1]
        first_number = _next_number(session)
        # Codes come from the same counter the customer desk uses, so the next file typed in
        # after the demo gets the code that follows them.
        codes = numbering.take_numbers(session, numbering.CUSTOMER_SERIES, None, customer_count)
        counts = {"contacts": 0, "visits": 0, "complaints": 0, "key_accounts": 0, "service": 0}
        for start in range(0, customer_count, BATCH):
            size = min(BATCH, customer_count - start)
            first = (first_number + start, codes[start])
            _add_batch(session, rng, first, size, staff_ids, actor, today, counts)
            report(start + size, customer_count)
        sync_sequences(session.connection())  # the rows above carry their own ids
        abc_classes.recompute(session, today)
        counts["key_accounts"] = key_accounts.add_key_accounts(
            session, rng, first_number, staff_ids, actor, today
        )
        customer_ids = list(range(first_number, first_number + customer_count))
        counts["service"] = service_desk.add_service_desk(
            session, rng, customer_ids, staff_ids, today
        )
        visit_plans.refresh_last_visits(session)  # the visits above were bulk-inserted
        sync_sequences(session.connection())
        batch.note("staff", [i for i in staff_ids if i not in known_staff], batches.CREATED)
        batch.note("customers", range(first_number, first_number + customer_count), batches.CREATED)
        summary = DemoSummary(
            customer_count,
            counts["contacts"],
            counts["visits"],
            counts["complaints"],
            counts["key_accounts"],
            counts["service"],
        )
        batch.finish(summary.describe())
    database.optimize()
    return summary


def _next_number(session: Session) -> int:
    highest = session.scalar(select(func.max(Customer.id))) or 0
    return highest + 1


def _add_batch(session, rng, first, size, staff_ids, actor, today, counts) -> None:
    """``first`` is the (id, code number) of the batch's first customer."""
    first_id, first_code = first
    now = datetime.now()
    stamp = {"created_by_id": actor, "updated_by_id": actor, "created_at": now, "updated_at": now}
    customers, contacts, docs = [], [], []
    for number in range(first_id, first_id + size):
        province, city = rng.choice(CITIES)
        core = rng.choice(WORDS) + rng.choice(WORDS)
        name = f"{city}{core}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
        phone = f"{AREA_CODES[city]}-{rng.randrange(2, 9)}{rng.randrange(10**7):07d}"
        limit = Decimal(rng.choice((50000, 100000, 200000, 500000)))
        customer = {
            "id": number,
            "code": code_for(first_code + number - first_id),
            "name": name,
            "name_pinyin": pinyin_initials.sort_key(name),
            "short_name": core,
            "province": province,
            "city": city,
            "address": f"{city}市{core}路{rng.randrange(1, 999)}号",
            "phone": phone,
            "email": f"sales{number}@example.com.cn",
            "owner_id": rng.choice(staff_ids),
            "management_class": rng.choices(MANAGEMENT_CLASSES, (1, 2, 6, 1))[0],
            "nature": rng.choices(NATURES, (1, 1, 8, 2))[0],
            "trade_stage": rng.choices(("曾经", "正在", "潜在"), (1, 7, 2))[0],
            "credit_rating": rng.choice(("AAA", "AA", "A", "B")),
            "credit_limit": limit,
            "credit_days": rng.choice((30, 45, 60, 90)),
            "outstanding_amount": (limit * Decimal(rng.randrange(0, 120)) / 100).quantize(
                Decimal("0.01")
            ),
            "registered_capital": Decimal(rng.choice((50, 100, 500, 1000, 5000))) * 10000,
            "founded_on": date(
                rng.randrange(1995, 2022), rng.randrange(1, 13), rng.randrange(1, 28)
            ),
            "sales_staff_count": rng.randrange(2, 60),
            "transport_mode": rng.choice(("汽运", "物流专线", "快递", "自提")),
            "archived": False,
            **match_keys.customer_keys(name, phone),
            **stamp,
        }
        customers.append(customer)
        names, phones = [], [phone]
        for index in range(rng.choice((1, 2, 2, 3))):
            title, role = rng.choice(TITLES)
            person, mobile = _person(rng), _mobile(rng)
            birthday = date(rng.randrange(1965, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
            contacts.append(
                {
                    "customer_id": number,
                    "name": person,
                    "title": title,
                    "role": role,
                    "mobile": mobile,
                    "birthday": birthday if index == 0 else None,
                    **match_keys.contact_keys(mobile, ""),
                    **stamp,
                }
            )
            names.append(person)
            phones.append(mobile)
        doc = search.build_document(customer["code"], name, core, names, phones)
        customer["search_text"] = doc
        docs.append({"id": number, "doc": doc})
    session.execute(insert(Customer.__table__), customers)
    session.execute(insert(Contact.__table__), contacts)
    search.insert_documents(session, docs)
    counts["contacts"] += len(contacts)
    _add_sales(session, rng, customers, stamp, today)
    _add_activity(session, rng, customers, staff_ids, stamp, today, counts)


def _add_sales(session, rng, customers, stamp, today) -> None:
    rows = []
    for customer in customers:
        if customer["trade_stage"] != "正在":
            continue
        base = rng.paretovariate(1.2) * 20000
        for back in range(24):
            year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
            amount = Decimal(base * rng.uniform(0.6, 1.4)).quantize(Decimal("0.01"))
            rows.append(
                {
                    "customer_id": customer["id"],
                    "month": date(year, month + 1, 1),
                    "amount": amount,
                    "quantity": Decimal(int(amount / 50)),
                    **stamp,
                }
            )
    if rows:
        session.execute(insert(SalesRecord.__table__), rows)


def _add_activity(session, rng, customers, staff_ids, stamp, today, counts) -> None:
    visits, complaints = [], []
    complaint_maker = ComplaintDemo(session, rng, staff_ids, today)
    visit_maker = VisitDemo(session, rng, today)
    for customer in customers:
        if customer["trade_stage"] == "潜在" and rng.random() < 0.5:
            continue
        visits.extend(visit_maker.visits(customer, stamp))
        if rng.random() < 0.12:
            complaints.append(complaint_maker.complaint(customer, stamp))
    visit_maker.insert(visits, customers, stamp)
    if complaints:
        complaint_maker.insert(complaints)
    counts["visits"] += len(visits)
    counts["complaints"] += len(complaints)
