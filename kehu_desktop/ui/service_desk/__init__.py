"""The 售后服务 tab and its dialogs."""
