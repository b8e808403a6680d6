"""Changes settings of the 0.1.0 golden store through release 0.1.0's own services.

Run with PYTHONPATH pointing at a worktree of commit 67a3eac (see
tests/fixtures/stores/0.1.0/README.md); it does not run against the current code, whose
services are laid out by desk.
"""

import sys
from datetime import date

from kehu_desktop.services.database import open_database

from kehu_desktop.services import complaints, operators, settings, visit_plans

database = open_database(sys.argv[1] if len(sys.argv) > 1 else "/tmp/golden")
with database.session() as session:
    admin = operators.first_admin(session)
    database.operator_id = admin.id
with database.session() as session:
    settings.FIRM_NAME.put(session, "金华达五金制品有限公司")
    current = complaints.load_deadline_settings(session)
    values = complaints.DeadlineSettings(
        {"一般": 4, "重大": 8, "特殊": 6},
        {"重大": 2, "特殊": 1},
        tuple(sorted({*current.holidays, date(2026, 12, 31)})),  # the firm's own day off
        current.makeup_workdays,
    )
    complaints.save_deadline_settings(session, admin, values)
    visit_plans.save_frequencies(
        session,
        admin,
        {"A": 20, "B": 60, "C": 120},
        {"关键": 25, "潜力": 50, "常规": 90, "临时": 150},
    )
database.dispose()
