"""What every desk shares: the store, operators, settings, the audit log, errors,
parsing, working days and the Excel writer."""
