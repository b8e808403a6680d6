"""The import window: choosing a file, confirming the column mapping, the preview, importing."""
