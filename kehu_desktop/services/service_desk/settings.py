"""The after-sales desk's business settings: working days per urgency to dispatch (响应) and
to resolve (解决), the 返修 window and the factory's reply period for feedback."""

from __future__ import annotations

from kehu_desktop.services.common.settings import SettingSpec

RESPONSE_DAYS = SettingSpec(
    "service.response_days", {"normal": 1, "urgent": 0, "critical": 0}, "派工期限（工作日）"
)
RESOLVE_DAYS = SettingSpec(
    "service.resolve_days", {"normal": 5, "urgent": 3, "critical": 1}, "解决期限（工作日）"
)
REPEAT_DAYS = SettingSpec("service.repeat_days", 90, "返修判定期（天）")
FEEDBACK_DAYS = SettingSpec("service.feedback_days", 5, "工厂答复期限（工作日）")
