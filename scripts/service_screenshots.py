"""Screenshots of the 售后服务 desk for the README: the tab, a request with its history, a repair
order with photos, the report and the desk's settings — from a fresh demo store.

    QT_QPA_PLATFORM=offscreen python scripts/service_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QDate, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen  # noqa: E402
from screenshots import settle  # noqa: E402
from sqlalchemy import select  # noqa: E402

from kehu_desktop.app import create_main_window  # noqa: E402
from kehu_desktop.cli import main as admin  # noqa: E402
from kehu_desktop.models import FactoryFeedback, ServiceRequest  # noqa: E402
from kehu_desktop.services.common import attachments  # noqa: E402
from kehu_desktop.services.service_desk import ledger, lifecycle, registration  # noqa: E402
from kehu_desktop.services.service_desk.lifecycle import Action  # noqa: E402
from kehu_desktop.services.service_desk.registration import RequestInput  # noqa: E402


def fault_photo(path: Path, caption: str, hue: str) -> Path:
    """A stand-in photo of a faulty unit: a device outline with the fault ringed in red."""
    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor(hue))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#5f6368"))
    painter.setPen(QPen(QColor("#202124"), 4))
    painter.drawRoundedRect(QRectF(120, 110, 400, 260), 18, 18)
    painter.setBrush(QColor("#9aa0a6"))
    for x in range(160, 480, 60):
        painter.drawRect(QRectF(x, 150, 36, 36))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor("#d93025"), 8))
    painter.drawEllipse(QRectF(330, 220, 130, 110))
    painter.setPen(QColor("#202124"))
    painter.setFont(QFont("Droid Sans Fallback", 26))
    painter.drawText(QRectF(0, 390, 640, 60), Qt.AlignmentFlag.AlignCenter, caption)
    painter.end()
    image.save(str(path))
    return path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="kehu-service-shots-"))
    admin(["--data-dir", str(data_dir), "demo", "--customers", "300"])
    window = create_main_window(data_dir)
    window.resize(1280, 800)
    window.show()
    settle()
    tab = window.service_tab
    window.tabs.setCurrentWidget(tab)
    tab.reload()
    settle()
    tab.table.selectRow(2)
    window.grab().save(str(out / "service-desk.png"))

    context = window._context
    with context.reader() as session:
        with_feedback = session.scalar(
            select(FactoryFeedback.request_id)
            .join(ServiceRequest, ServiceRequest.id == FactoryFeedback.request_id)
            .where(ServiceRequest.status == "closed")
            .order_by(FactoryFeedback.id)
        )
        processing = session.scalar(
            select(ServiceRequest.id).where(ServiceRequest.status == "dispatched")
            .order_by(ServiceRequest.id.desc())
        )  # fmt: skip
    if processing is None:  # every demo visit is done: dispatch a fresh request for the shot
        with context.session() as session:
            customer = session.scalar(select(ServiceRequest.customer_id))
            product = session.scalar(select(ServiceRequest.product_id).where(
                ServiceRequest.product_id.is_not(None)))  # fmt: skip
            processing = registration.register(session, context.operator, RequestInput(
                customer_id=customer, product_id=product, serial_no="SN26110042",
                fault="开机后电源指示灯闪烁，设备无法启动", urgency="urgent",
            ))  # fmt: skip
            lifecycle.dispatch(
                session,
                context.operator,
                processing,
                mode="on_site",
                engineer_id=context.operator.id,
                planned_date=date.today(),
            )
    folder = Path(tempfile.mkdtemp(prefix="kehu-photos-"))
    with context.session() as session:
        for request_id in (with_feedback, processing):
            for name, caption, hue in (("故障部位.png", "故障部位：电源接口烧蚀", "#e8f0fe"),
                                       ("铭牌.png", "铭牌与序列号", "#fef7e0")):  # fmt: skip
                photo = fault_photo(folder / name, caption, hue)
                attachments.add(session, data_dir, context.operator, "service_request",
                                request_id, photo)  # fmt: skip

    dialog = tab.open_request(with_feedback)
    dialog.resize(1180, 680)
    settle()
    dialog.sections.setCurrentIndex(1)
    settle()
    dialog.grab().save(str(out / "service-request.png"))
    dialog.done(0)

    detail = tab.open_request(processing)
    settle()
    with context.reader() as session:
        detail_record = ledger.load_detail(session, context.operator, processing)
    order = detail.start_action(Action.REPAIR)
    assert detail_record.status == "dispatched"
    order.diagnosis.setPlainText("电源接口烧蚀，保险丝熔断；主板其余部分正常")
    order.cause.setPlainText("客户现场电压波动，未加装稳压器")
    order.parts_model.add_row({"part": "电源接口板", "quantity": "1", "unit_cost": "85.00"})
    order.parts_model.add_row({"part": "保险丝 5A", "quantity": "2", "unit_cost": "1.20"})
    order.labour_hours.setText("1.5")
    order.labour_cost.setText("120")
    order.resize(820, 900)
    settle()
    order.grab().save(str(out / "service-repair-order.png"))
    order.done(0)
    detail.done(0)

    report = tab.show_report()
    today = date.today()
    previous = today.replace(day=1).toordinal() - 1
    first = date.fromordinal(previous).replace(day=1)
    report.start_edit.setDate(QDate(first.replace(month=max(1, first.month - 2))))
    report.end_edit.setDate(QDate(today))
    report.compute()
    report.resize(1200, 820)
    settle()
    report.grab().save(str(out / "service-report.png"))
    report.done(0)
    service_settings = window.service_settings()
    settle()
    service_settings.grab().save(str(out / "service-settings.png"))
    service_settings.done(0)
    for name in ("service-desk", "service-request", "service-repair-order", "service-report",
                 "service-settings"):  # fmt: skip
        print(out / f"{name}.png")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
