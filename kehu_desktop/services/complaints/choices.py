"""The fixed choice lists of the complaints desk: channels, categories, severities,
departments, results and satisfaction levels."""

from __future__ import annotations

CHANNELS = ("电话", "上门", "邮件", "信函", "网络")
CATEGORIES = ("产品质量", "交货期", "服务态度", "价格结算", "包装运输", "其他")
SEVERITIES = ("一般", "重大", "特殊")
DEPARTMENTS = ("品质", "生产", "仓储", "销售", "财务", "客服")
RESULTS = ("退货", "换货", "维修", "赔偿", "解释致歉")
SATISFACTION_LEVELS = ("非常满意", "满意", "一般", "不满意", "非常不满意")
SATISFIED_LEVELS = ("非常满意", "满意")
