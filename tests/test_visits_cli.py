"""``kehu-admin today`` and ``kehu-admin report visits``: thin shells over the services."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from kehu_desktop.cli import main


def test_today_and_visit_reports_from_the_command_line(data_dir, capsys, tmp_path):
    assert main(["--data-dir", str(data_dir), "demo", "--customers", "60"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "today", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"今日 {date.today():%Y-%m-%d}：共 ")
    for section in ("计划拜访", "到期未访客户", "到期跟进事项", "近 7 天生日与纪念日"):
        assert section in out
    today = date.today().isoformat()
    assert main(["--data-dir", str(data_dir), "report", "visits", "--from", "2026-01-01",
                 "--to", today]) == 0  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[-1] == "覆盖率(%)"
    assert any(line.startswith("业务员\t合计\t") for line in lines)
    target = tmp_path / "daily.xlsx"
    assert main(["--data-dir", str(data_dir), "report", "visits", "--from", "2026-01-01",
                 "--to", today, "--daily", "-o", str(target)]) == 0  # fmt: skip
    assert load_workbook(target).active.cell(1, 1).value == "日期"
    assert main(["--data-dir", str(data_dir), "report", "visits", "--from", "昨天",
                 "--to", today]) == 2  # fmt: skip
