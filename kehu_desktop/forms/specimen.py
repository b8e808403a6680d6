"""A specimen of every record a form prints, for the sample PDFs, the tests and the benchmark.

Written through the ORM models into the given session (the audit listener stamps them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.forms.printing import PrintJob
from kehu_desktop.forms.sources import SOURCES
from kehu_desktop.models import (
    Complaint,
    ComplaintEvent,
    Contact,
    Countermeasure,
    CreditEvaluation,
    CreditItemScore,
    Customer,
    FactoryFeedback,
    FollowUpAction,
    KeyAccount,
    KeyAccountProposal,
    Product,
    Purchase,
    RepairOrder,
    RepairPart,
    SalesRecord,
    SatisfactionSurvey,
    ServiceEvent,
    ServiceRequest,
    Staff,
    SurveyItemScore,
    Visit,
    VisitPlan,
)
from kehu_desktop.services.common import numbering
from kehu_desktop.services.common.periods import month_period


@dataclass(frozen=True)
class SpecimenIds:
    customer: int
    visit: int
    plan: int
    complaint: int
    key_account: int
    day: date
    survey: int
    credit: int
    proposal: int
    reception: int
    claim: int
    service_request: int = 0
    service_feedback: int = 0


def add_specimens(session: Session, day: date = date(2026, 11, 20)) -> SpecimenIds:
    """One fully filled record of each kind, dated around ``day``; returns their ids."""
    staff = session.scalars(select(Staff).order_by(Staff.id).limit(1)).one()  # the store's first
    customer = Customer(
        code=f"KH-{day:%y%m%d}-S",
        name="东莞市华达精密五金制品有限公司",
        short_name="华达五金",
        address="广东省东莞市长安镇振安中路 188 号华达工业园 3 栋",
        province="广东",
        city="东莞",
        postcode="523850",
        phone="0769-85321234",
        fax="0769-85321235",
        email="purchase@huada-hw.cn",
        credit_code="91441900MA4UJ8XK2Q",
        bank_name="中国工商银行东莞长安支行",
        bank_account="2010 0212 0910 0088 123",
        tax_no="91441900MA4UJ8XK2Q",
        category="经销商",
        scale="中型",
        owner_id=staff.id,
        management_class="关键",
        nature="普通公司",
        trade_stage="正在",
        abc_class="A",
        registered_capital=Decimal("5000000"),
        founded_on=date(2009, 3, 18),
        contract_performance="近三年合同均按期履行，无违约记录。",
        payment_record="月结 60 天，偶有延迟（不超过 10 天）。",
        credit_rating="AA",
        credit_limit=Decimal("800000"),
        credit_days=60,
        outstanding_amount=Decimal("16409.02"),
        sales_staff_count=26,
        market_coverage="珠三角、长三角，出口东南亚",
        business_area=Decimal("3200"),
        storage_area=Decimal("1800"),
        transport_mode="汽运（专线物流）",
        delivery_address="东莞市长安镇华达工业园 2 号仓",
        product_mix="精密冲压件 60%，CNC 加工件 30%，表面处理 10%",
        notes="客户重视交期与包装，每季度末有集中采购。",
    )
    customer.contacts = [
        Contact(name="陈志强", title="总经理", role="决策人", mobile="13802561234",
                phone="0769-85321200", birthday=date(1975, 6, 8)),
        Contact(name="李晓敏", title="采购经理", role="采购", mobile="13925874561",
                phone="0769-85321201", birthday=date(1986, 11, 23)),
        Contact(name="王丽", title="财务主管", role="财务", mobile="13631245678"),
    ]  # fmt: skip
    session.add(customer)
    session.flush()
    for month in range(5, 11):
        session.add(
            SalesRecord(
                customer_id=customer.id,
                month=date(day.year, month, 1),
                amount=Decimal("120000") + month * Decimal("3500.50"),
                quantity=Decimal(8000 + month * 250),
            )
        )
    visit = Visit(
        customer_id=customer.id,
        staff_id=staff.id,
        visited_at=datetime(day.year, day.month, day.day, 14, 30),
        method="上门",
        purpose="投诉回访",
        contacts_met="陈志强（总经理）、李晓敏（采购经理）",
        discussion="回访 10 月批次外观划痕问题的处理结果；客户确认换货已到，检验合格。"
        "介绍新一代防锈包装方案，客户有兴趣，要求提供样品与报价。",
        requests="希望交期由 15 天缩短到 10 天；包装箱需加印客户料号。",
        result="客户满意，同意下月试用新包装。",
        next_visit_date=date(day.year, day.month, 28),
    )
    visit.actions = [
        FollowUpAction(description="寄送新包装样品 5 套", owner_id=staff.id,
                       due_date=date(day.year, day.month, 24)),
        FollowUpAction(description="提交缩短交期可行性评估", owner_id=staff.id,
                       due_date=date(day.year, day.month, 27),
                       done_on=date(day.year, day.month, 26)),
    ]  # fmt: skip
    session.add(visit)
    plan = VisitPlan(
        customer_id=customer.id,
        staff_id=staff.id,
        planned_date=day,
        purpose="例行",
        method="上门",
    )
    session.add(plan)
    complaint = Complaint(
        number=f"TS-{day.year}-9001",
        year=day.year,
        seq=9001,
        received_at=datetime(day.year, day.month, 3, 9, 15),
        channel="电话",
        customer_id=customer.id,
        contact_name="李晓敏",
        contact_phone="13925874561",
        product="精密冲压件 HD-2231",
        batch_no="B20261015-03",
        order_no="PO-2026-1187",
        category="产品质量",
        severity="重大",
        description="客户来电反映：10 月 15 日批次精密冲压件外观有划痕，抽检 200 件中 18 件不良，"
        "影响客户装配线正常生产。",
        demand="要求 3 日内换货，并提供原因分析报告（8D）。",
        first_responsible_id=staff.id,
        handler_id=staff.id,
        deadline=date(day.year, day.month, 10),
        status="结案",
        department="品质",
        cause="冲压模具导向柱磨损，工件出模时与模具摩擦产生划痕；出货检验抽样数量不足。",
        measures="1. 更换导向柱并建立模具点检表；2. 出货检验加严一级；3. 全数挑选库存。",
        department_opinion="品质部同意以上措施，由生产部于 11 月 8 日前完成。",
        result="换货",
        exchange_quantity=Decimal("1200"),
        exchange_amount=Decimal("16409.02"),
        claim_amount=Decimal("0"),
        reply="已于 11 月 6 日完成换货，并提交 8D 报告。",
        replied_at=datetime(day.year, day.month, 6, 16, 0),
        satisfaction="满意",
        revisited_at=datetime(day.year, day.month, 20, 14, 30),
        closed_at=datetime(day.year, day.month, 20, 17, 0),
    )
    session.add(complaint)
    session.flush()
    for at, kind, note in (
        (datetime(day.year, day.month, 3, 9, 15), "登记", "电话受理"),
        (datetime(day.year, day.month, 4, 10, 0), "调查", "品质部现场确认不良"),
        (datetime(day.year, day.month, 6, 16, 0), "答复", "换货完成并提交 8D 报告"),
        (datetime(day.year, day.month, 20, 17, 0), "结案", "回访满意"),
    ):
        session.add(ComplaintEvent(complaint_id=complaint.id, at=at, actor_id=staff.id,
                                   kind=kind, note=note))  # fmt: skip
    account = KeyAccount(
        customer_id=customer.id,
        level="战略",
        manager_id=staff.id,
        visit_interval_days=30,
        designated_on=date(day.year, 1, 10),
        decision_makers="陈志强（总经理，最终决策）；李晓敏（采购经理，供应商评估）",
        annual_purchase_volume=Decimal("12000"),
        our_share_percent=Decimal("35"),
        main_products="精密冲压件、CNC 加工件",
        competitors="宏泰五金、永安精密",
        credit_terms="月结 60 天",
        service_plan="每月上门拜访一次；季度业务回顾；新品优先送样；投诉 24 小时内响应。",
        important_dates="6 月 8 日 陈总生日；9 月 18 日 公司周年庆",
    )
    account.countermeasures = [
        Countermeasure(issue="交期偏长，客户要求缩短到 10 天",
                       measure="设立安全库存，常用料号备货两周",
                       owner_id=staff.id, deadline=date(day.year, 12, 15), status="进行中"),
        Countermeasure(issue="竞争对手低价抢单", measure="提供年度框架协议价格，捆绑技术服务",
                       owner_id=staff.id, deadline=date(day.year, 12, 31), status="未开始"),
    ]  # fmt: skip
    session.add(account)
    survey = SatisfactionSurvey(
        customer_id=customer.id,
        surveyed_on=date(day.year, day.month, 18),
        surveyor_id=staff.id,
        respondent="李晓敏",
        overall_score=Decimal("4.15"),
        notes="总体满意，希望加快交期、改进包装。",
    )
    survey.items = [
        SurveyItemScore(item=item, weight=Decimal(weight), score=score)
        for item, weight, score in (
            ("产品质量", "25", 4), ("交货及时", "20", 3), ("价格水平", "15", 4),
            ("服务态度", "15", 5), ("技术支持", "10", 5), ("投诉处理", "15", 4),
        )
    ]  # fmt: skip
    session.add(survey)
    evaluation = CreditEvaluation(
        customer_id=customer.id,
        evaluated_on=date(day.year, day.month, 15),
        evaluator_id=staff.id,
        total_score=Decimal("86.5"),
        rating="AA",
        credit_limit=Decimal("800000"),
        credit_days=60,
        notes="付款及时，规模稳定，维持 AA 级。",
    )
    evaluation.items = [
        CreditItemScore(item=item, weight=Decimal(weight), score=Decimal(score))
        for item, weight, score in (
            ("付款记录", "30", "85"), ("履约情况", "20", "92"), ("经营规模", "15", "80"),
            ("财务状况", "20", "85"), ("合作年限", "15", "90"),
        )
    ]  # fmt: skip
    session.add(evaluation)
    proposal = KeyAccountProposal(
        customer_id=customer.id,
        proposer_id=staff.id,
        proposed_at=datetime(day.year, 1, 5, 10, 30),
        reasons="近 12 个月销售额居全部客户第 3 位，年采购额约 1,200 万元，我司份额 35%；"
        "客户计划扩产，有望提升至 50%。",
        sales_12m=Decimal("1458006.00"),
        figures="员工 860 人；年产值约 3.2 亿元；主要客户为家电与汽车零部件厂。",
        status="已批准",
        decided_by_id=staff.id,
        decided_at=datetime(day.year, 1, 10, 15, 0),
        decision_note="同意设为战略级大客户，由客户经理每月上门一次。",
        level="战略",
        manager_id=staff.id,
        visit_interval_days=30,
    )
    session.add(proposal)
    session.flush()
    account.proposal_id = proposal.id
    reception = Visit(
        customer_id=customer.id,
        staff_id=staff.id,
        visited_at=datetime(day.year, day.month, day.day, 9, 40),
        method="来访接待",
        purpose="新品推介",
        contacts_met="李晓敏（采购经理）、张工（技术部）",
        discussion="客户来公司参观新冲压线，了解新一代防锈包装与 HD-3000 系列产品。",
        requests="希望下月初提供 HD-3015 样品 20 件。",
        result="已安排技术部准备样品，12 月 3 日前寄出。",
        next_visit_date=date(day.year, 12, 3),
    )
    session.add(reception)
    claim = Complaint(
        number=f"TS-{day.year}-9002",
        year=day.year,
        seq=9002,
        received_at=datetime(day.year, day.month, day.day, 16, 5),
        channel="邮件",
        customer_id=customer.id,
        contact_name="王丽",
        contact_phone="13631245678",
        product="CNC 加工件 HD-3102",
        batch_no="B20261102-11",
        order_no="PO-2026-1240",
        category="交货期",
        severity="一般",
        description="11 月 2 日订单延迟 6 天交货，造成客户停线半天。",
        demand="按合同赔偿停线损失。",
        first_responsible_id=staff.id,
        deadline=date(day.year, day.month, 27),
        status="处理",
        department="生产",
        result="赔偿",
        return_quantity=Decimal("300"),
        return_amount=Decimal("4500"),
        claim_amount=Decimal("3200.5"),
    )
    session.add(claim)
    session.flush()
    session.add(ComplaintEvent(complaint_id=claim.id, at=claim.received_at, actor_id=staff.id,
                               kind="登记", note="邮件受理"))  # fmt: skip
    session.flush()
    request_id, feedback_id = _add_service_specimen(session, staff, customer, complaint, day)
    return SpecimenIds(
        customer.id, visit.id, plan.id, complaint.id, account.id, day,
        survey.id, evaluation.id, proposal.id, reception.id, claim.id, request_id, feedback_id,
    )  # fmt: skip


def _add_service_specimen(
    session: Session, staff: Staff, customer: Customer, complaint: Complaint, day: date
) -> tuple[int, int]:
    """A request repaired, revisited and closed, with its parts and a feedback answered."""
    product = Product(code=f"SP-{day:%y%m%d}", name="伺服电机", model="400W", warranty_months=18)
    session.add(product)
    session.flush()
    purchase = Purchase(customer_id=customer.id, product_id=product.id, serial_no="SN2605120388",
                        purchased_on=date(day.year, 5, 12))  # fmt: skip
    session.add(purchase)
    session.flush()
    at = datetime(day.year, day.month, 3, 9, 20)
    seq = numbering.next_number(session, "SH", day.year)
    request = ServiceRequest(
        number=numbering.formatted("SH", day.year, seq), year=day.year, seq=seq,
        received_at=at, channel="电话",
        customer_id=customer.id, contact_name="李晓敏", contact_phone="13800138000",
        product_id=product.id, purchase_id=purchase.id, serial_no="SN2605120388",
        fault="电机运行中异响、外壳发热，设备停机两次；客户现场已更换电源，故障依旧。",
        demand="尽快上门检修，提供维修报告", urgency="urgent", warranty="in",
        complaint_id=complaint.id, first_responsible_id=staff.id, handler_id=staff.id,
        response_deadline=date(day.year, day.month, 3), deadline=date(day.year, day.month, 6),
        status="closed", mode="on_site", engineer_id=staff.id,
        planned_date=date(day.year, day.month, 4),
        dispatched_at=datetime(day.year, day.month, 3, 11),
        resolved_at=datetime(day.year, day.month, 4, 16), satisfaction="满意",
        revisited_at=datetime(day.year, day.month, 9, 10),
        closed_at=datetime(day.year, day.month, 9, 11),
    )  # fmt: skip
    session.add(request)
    session.flush()
    steps = (
        ("register", "", "registered", at, ""),
        ("dispatch", "registered", "dispatched", request.dispatched_at, "上门服务，计划次日"),
        ("repair", "dispatched", "processing", request.resolved_at, "维修结果：修复（免费）"),
        ("revisit", "processing", "revisited", request.revisited_at, "满意度：满意"),
        ("close", "revisited", "closed", request.closed_at, "客户确认，结案"),
    )
    for kind, before, after, when, note in steps:
        session.add(ServiceEvent(request_id=request.id, at=when, actor_id=staff.id, kind=kind,
                                 from_status=before, to_status=after, note=note))  # fmt: skip
    order = RepairOrder(
        request_id=request.id, engineer_id=staff.id, repaired_at=request.resolved_at,
        diagnosis="前端轴承磨损，编码器连接器松动", cause="润滑脂加注不足，长期高负荷运转",
        labour_hours=Decimal("2.5"), labour_cost=Decimal("200"), charged=False,
        charge_amount=Decimal("0"), result="repaired", parts_cost=Decimal("63.00"),
    )  # fmt: skip
    order.parts = [
        RepairPart(part="轴承 6202-2RS", quantity=Decimal("2"), unit_cost=Decimal("12.50")),
        RepairPart(part="编码器连接器", quantity=Decimal("1"), unit_cost=Decimal("38.00")),
    ]
    session.add(order)
    seq = numbering.next_number(session, "FK", day.year)
    feedback = FactoryFeedback(
        number=numbering.formatted("FK", day.year, seq), year=day.year, seq=seq,
        request_id=request.id,
        product_id=product.id, raised_at=datetime(day.year, day.month, 4, 17),
        raised_by_id=staff.id, department="品质",
        problem="同批次（2605 批）电机轴承润滑脂加注量偏少，已有 2 台返修。",
        reply_deadline=date(day.year, day.month, 11), reply="已调整注脂工艺，库存批次复检。",
        replied_at=datetime(day.year, day.month, 10, 15),
    )  # fmt: skip
    session.add(feedback)
    session.flush()
    return request.id, feedback.id


def specimen_job(key: str, source: str, ids: SpecimenIds, paper: str = "") -> PrintJob:
    """The job printing the specimen record (or period) ``source`` needs."""
    start, end = month_period(ids.day)
    if source in ("visit_day", "complaint_day"):
        return PrintJob(key, start=ids.day, end=ids.day, paper=paper)
    if SOURCES[source].by_period:
        return PrintJob(key, start=start, end=end, paper=paper)
    record = {
        "customer": ids.customer,
        "credit": ids.credit,
        "visit": ids.reception if key == "reception_record" else ids.visit,
        "complaint": ids.complaint,
        "key_account": ids.key_account,
        "survey": ids.survey,
        "proposal": ids.proposal,
        "service_request": ids.service_request,
        "service_feedback": ids.service_feedback,
    }[source]
    return PrintJob(key, (record,), paper=paper)
