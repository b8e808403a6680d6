"""The key-accounts desk (大客户): cards, designation, ABC classes, sales import, credit
and satisfaction, and the key-account KPIs."""
