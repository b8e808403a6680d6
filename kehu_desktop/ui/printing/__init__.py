"""Print preview, the print dialog and the form settings."""
