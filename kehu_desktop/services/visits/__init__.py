"""The visits desk (拜访记录): visit records, plans and frequency, and the visit reports."""
