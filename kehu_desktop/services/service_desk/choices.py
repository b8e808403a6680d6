"""The after-sales desk's choice lists. The store holds the stable codes (the keys); the words
a user reads are the values, kept here only."""

from __future__ import annotations

CHANNELS = ("电话", "上门", "邮件", "网络", "微信")
URGENCIES = {"normal": "一般", "urgent": "紧急", "critical": "特急"}
MODES = {"on_site": "上门服务", "factory": "返厂维修"}
RESULTS = {"repaired": "修复", "replaced": "更换", "returned": "返厂", "unrepairable": "无法修复"}
# Results that put the unit right on this visit (一次修复 when not followed by a 返修).
FIXED_RESULTS = ("repaired", "replaced")
WARRANTY = {"in": "保修期内", "expired": "已过保修期", "unknown": "无购买记录"}
# Where a quality problem found in service is sent, and where work can be handed over to.
DEPARTMENTS = ("品质", "生产", "研发", "采购", "仓储", "销售", "客服")
# A complaint handled with one of these results can open a service request.
SERVICE_COMPLAINT_RESULTS = ("维修", "退货", "换货")


def label(choices: dict[str, str], code: str) -> str:
    """The words for ``code`` (the code itself when unknown, e.g. an older store's value)."""
    return choices.get(code, code)


def code_of(choices: dict[str, str], text: str) -> str | None:
    """The code for a label or a code, as typed on the command line or read from a form."""
    if text in choices:
        return text
    return next((code for code, words in choices.items() if words == text), None)
