"""Printable forms (表单): declarative definitions rendered to PDF and .xlsx, blank or filled."""
