"""The window: Qt widgets, item models and dialogs. The only layer that imports Qt."""
