"""The after-sales desk's business settings: working days per urgency to dispatch (响应) and
to resolve (解决), the 返修 window and the factory's reply period for feedback.

Each is read where it is used (registration, repair orders, feedback); a deadline is fixed when
the request or the feedback is recorded, so a change applies to those recorded from then on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kehu_desktop.services.common.errors import ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.settings import SettingSpec
from kehu_desktop.services.service_desk.choices import URGENCIES

RESPONSE_DAYS = SettingSpec(
    "service.response_days", {"normal": 1, "urgent": 0, "critical": 0}, "派工期限（工作日）"
)
RESOLVE_DAYS = SettingSpec(
    "service.resolve_days", {"normal": 5, "urgent": 3, "critical": 1}, "解决期限（工作日）"
)
REPEAT_DAYS = SettingSpec("service.repeat_days", 90, "返修判定期（天）")
FEEDBACK_DAYS = SettingSpec("service.feedback_days", 5, "工厂答复期限（工作日）")

# The longest deadline in working days (about three months), and the longest 返修 window.
MAX_WORKING_DAYS = 60
MAX_REPEAT_DAYS = 730


@dataclass(frozen=True)
class ServiceSettings:
    """What the 售后服务期限 dialog edits; the deadlines are keyed by urgency code."""

    response_days: dict[str, int]
    resolve_days: dict[str, int]
    repeat_days: int
    feedback_days: int


def load_service_settings(session: Session) -> ServiceSettings:
    """The settings in force, the default for anything never saved."""
    response = {**RESPONSE_DAYS.default, **RESPONSE_DAYS.get(session)}
    resolve = {**RESOLVE_DAYS.default, **RESOLVE_DAYS.get(session)}
    return ServiceSettings(
        {u: int(response[u]) for u in URGENCIES},
        {u: int(resolve[u]) for u in URGENCIES},
        int(REPEAT_DAYS.get(session)),
        int(FEEDBACK_DAYS.get(session)),
    )


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def check_service_settings(values: ServiceSettings) -> dict[str, str]:
    """Every problem at once, keyed by field (``response_normal``, ``repeat_days`` …)."""
    errors: dict[str, str] = {}
    span = f"0–{MAX_WORKING_DAYS} 个工作日"
    for code, label in URGENCIES.items():
        response = values.response_days.get(code, -1)
        resolve = values.resolve_days.get(code, -1)
        if not _whole(response, 0, MAX_WORKING_DAYS):
            errors[f"response_{code}"] = f"{label}服务单的派工期限应为 {span}。"
        if not _whole(resolve, 0, MAX_WORKING_DAYS):
            errors[f"resolve_{code}"] = f"{label}服务单的解决期限应为 {span}。"
        elif f"response_{code}" not in errors and resolve < response:
            errors[f"resolve_{code}"] = (
                f"{label}服务单的解决期限（{resolve} 个工作日）不能短于派工期限"
                f"（{response} 个工作日）。"
            )
    if not _whole(values.repeat_days, 1, MAX_REPEAT_DAYS):
        errors["repeat_days"] = f"返修判定期应为 1–{MAX_REPEAT_DAYS} 天。"
    if not _whole(values.feedback_days, 1, MAX_WORKING_DAYS):
        errors["feedback_days"] = f"工厂答复期限应为 1–{MAX_WORKING_DAYS} 个工作日。"
    return errors


def save_service_settings(
    session: Session,
    operator: Operator,
    values: ServiceSettings,
    seen: Mapping[str, int] | None = None,
) -> None:
    """Store the desk's settings (主管 or 管理员 only; the audit log records each change).

    ``seen``: the settings' versions as the dialog loaded them; refused if another PC saved
    them since.
    """
    operator.require_supervisor()
    errors = check_service_settings(values)
    if errors:
        raise ValidationError(errors)
    RESPONSE_DAYS.put(session, {u: values.response_days[u] for u in URGENCIES}, seen)
    RESOLVE_DAYS.put(session, {u: values.resolve_days[u] for u in URGENCIES}, seen)
    REPEAT_DAYS.put(session, values.repeat_days, seen)
    FEEDBACK_DAYS.put(session, values.feedback_days, seen)
