"""The complaints desk (客户投诉): registration, the enforced lifecycle, deadlines, the
ledger and its KPIs."""
