"""Bringing the firm's own spreadsheets in: customers, contacts, visits and the complaint
ledger, read from .xlsx/.xls/.csv, mapped, previewed, written as one batch and undoable."""
