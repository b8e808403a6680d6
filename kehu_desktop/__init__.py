"""客户管家 (Kehu Desktop): the customer-service desk of a small firm, offline."""

__version__ = "0.1.0"
