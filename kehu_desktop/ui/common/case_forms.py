"""Pieces of the forms that work on a case — a complaint, a service request: its registration,
its steps, a repair order. Both case desks build them alike: the case in grey above the
fields, text boxes of a set height, a revisit's rating (or why nobody could be reached) and a
hand-over's colleague and department, who called and on which phone."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit

from kehu_desktop.services.common.revisits import SATISFACTION_LEVELS

# The rating offered when the customer could not be reached (a reason is then needed).
UNREACHABLE = "（未能联系客户）"
NOT_CHOSEN = "（请选择）"


def text_box(height: int = 70) -> QPlainTextEdit:
    """A box for a few lines of text, ``height`` pixels high."""
    box = QPlainTextEdit()
    box.setFixedHeight(height)
    return box


def context_label(text: str, name: str) -> QLabel:
    """The case the form works on, in grey above its fields."""
    label = QLabel(text, objectName=name, wordWrap=True)
    label.setStyleSheet("color: #555;")
    return label


def contact_editors() -> tuple[QComboBox, QLineEdit]:
    """Who called — one of the customer's contacts, or a name typed — and the phone, which
    follows a contact chosen."""
    name = QComboBox(objectName="contactName", editable=True)
    phone = QLineEdit(objectName="contactPhone")
    name.currentIndexChanged.connect(lambda _index: fill_contact_phone(name, phone))
    return name, phone


def fill_contact_phone(name: QComboBox, phone: QLineEdit) -> None:
    """The phone of the contact chosen in ``name``; a name typed leaves the phone as it is."""
    number = name.currentData()
    if number:
        phone.setText(number)


def offer_contacts(
    name: QComboBox, contacts: Sequence[tuple[str, str]], shown: str | None = None
) -> None:
    """Offer the customer's ``contacts`` (name, phone) in place of those offered before,
    showing ``shown`` when given (else the first); the refill itself changes no phone."""
    name.blockSignals(True)
    name.clear()
    for contact, number in contacts:
        name.addItem(contact, number)
    if shown is not None:
        name.setEditText(shown)
    name.blockSignals(False)


def revisit_editors() -> tuple[QComboBox, QLineEdit]:
    """The customer's rating and why nobody could be reached. No rating is chosen to start
    with: a form saved untouched must not record a satisfaction nobody gave."""
    satisfaction = QComboBox()
    satisfaction.addItem(NOT_CHOSEN)
    satisfaction.addItems(list(SATISFACTION_LEVELS))
    satisfaction.addItem(UNREACHABLE)
    reason = QLineEdit()
    reason.setPlaceholderText("未能联系客户时填写原因，如：电话多次无人接听")
    return satisfaction, reason


def rating(chosen: str) -> str | None:
    """The rating ``chosen`` (the rating box's text); None when none was chosen or the
    customer could not be reached (the service then asks for one, or for the reason)."""
    return None if chosen in (NOT_CHOSEN, UNREACHABLE) else chosen


def handover_editors(departments: Iterable[str]) -> tuple[QComboBox, QComboBox]:
    """Whom to hand the case to (the staff are added once read) and which department; each
    may be left at "nobody"."""
    person = QComboBox()
    person.addItem("（不转交个人）", None)
    department = QComboBox()
    department.addItem("（不转交部门）", "")
    for name in departments:
        department.addItem(name, name)
    return person, department
