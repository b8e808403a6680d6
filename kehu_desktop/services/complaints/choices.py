"""The fixed choice lists of the complaints desk: channels, categories, severities,
departments, results and satisfaction levels."""

from __future__ import annotations

from kehu_desktop.services.common import revisits

CHANNELS = ("电话", "上门", "邮件", "信函", "网络")
CATEGORIES = ("产品质量", "交货期", "服务态度", "价格结算", "包装运输", "其他")
SEVERITIES = ("一般", "重大", "特殊")
DEPARTMENTS = ("品质", "生产", "仓储", "销售", "财务", "客服")
RESULTS = ("退货", "换货", "维修", "赔偿", "解释致歉")
# The rating scale is shared with the after-sales desk.
SATISFACTION_LEVELS = revisits.SATISFACTION_LEVELS
SATISFIED_LEVELS = revisits.SATISFIED_LEVELS
