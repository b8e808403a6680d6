"""``kehu-admin``: init, demo, check, search — the same services the window uses."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from sqlalchemy import select

from kehu_desktop.cli import main
from kehu_desktop.models import Customer
from kehu_desktop.services.common.data_location import DB_FILE_NAME, resolve_data_dir
from kehu_desktop.services.common.database import open_database
from kehu_desktop.services.key_accounts import abc_classes
from tests.helpers.operators import sign_in


def test_init_creates_the_store_and_the_administrator(store_folder, capsys):
    folder = store_folder("new")
    assert main(["--data-dir", str(folder), "init", "--admin-password", "secret-pw1"]) == 0
    database = open_database(folder)
    with database.session() as session:
        assert sign_in(session, "admin", "secret-pw1").is_admin
    assert main(["--data-dir", str(folder), "init", "--admin-password", "x"]) == 0
    assert "已有操作员" in capsys.readouterr().out


def test_demo_check_and_search(store_folder, capsys):
    folder = str(store_folder("demo"))
    assert main(["--data-dir", folder, "demo", "--customers", "60"]) == 0
    assert "客户 60 位" in capsys.readouterr().out
    assert main(["--data-dir", folder, "check"]) == 0
    out = capsys.readouterr().out
    assert "结论：正常" in out and "客户 60 位" in out
    assert "完整性检查：ok" in out or "服务器：PostgreSQL" in out
    assert main(["--data-dir", folder, "search", "KH000007"]) == 0
    assert capsys.readouterr().out.startswith("KH000007\t")
    # Demo data is loaded once: a second time would duplicate every customer.
    assert main(["--data-dir", folder, "demo", "--customers", "60"]) != 0
    assert "不能重复载入" in capsys.readouterr().err
    assert main(["--data-dir", folder, "check"]) == 0
    assert "客户 60 位" in capsys.readouterr().out


def test_check_reports_a_store_behind_the_code(store_folder, capsys):
    folder = store_folder("old")
    database = open_database(folder)
    with database.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'audit_trail'")
    database.dispose()
    from kehu_desktop.services.common.database import Database

    behind = Database(database.url)
    from kehu_desktop.cli import _check

    assert _check(behind, None) == 1
    out = capsys.readouterr().out
    assert "结论：发现 1 个问题" in out and "本检查不改动数据库" in out


@pytest.mark.sqlite_only(reason="init makes the SQLite file in the folder named by the environment")
def test_data_folder_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KEHU_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir() == tmp_path / "env"
    assert resolve_data_dir(tmp_path / "arg") == tmp_path / "arg"  # --data-dir wins
    assert main(["init", "--admin-password", "secret-pw1"]) == 0
    assert os.path.exists(tmp_path / "env" / DB_FILE_NAME)


def test_database_url_selects_another_store(tmp_path, empty_store_url, capsys):
    url = empty_store_url()
    folder = str(tmp_path / "d")
    assert main(["--data-dir", folder, "--db", url, "init", "--admin-password", "pw12-long"]) == 0
    assert not (tmp_path / "d" / DB_FILE_NAME).exists()
    database = open_database(tmp_path / "d", url)
    assert database.location in capsys.readouterr().out
    with database.reader() as session:
        assert sign_in(session, "admin", "pw12-long").is_admin
    database.dispose()


def test_commands_other_than_init_and_demo_need_an_existing_store(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path / "typo"), "check"]) == 2
    assert "没有找到数据库" in capsys.readouterr().err
    assert not (tmp_path / "typo" / DB_FILE_NAME).exists()


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["import", "customers", "{tmp}/没有这个文件.xlsx"], "找不到文件或文件夹"),
        (["print", "客户投诉登记表", "--blank", "-o", "{tmp}/no/such/folder/x.pdf"], "找不到"),
        (["import-template", "visits", "-o", "{tmp}/no/such/folder/t.xlsx"], "找不到"),
        (["print", "客户投诉登记表", "--blank", "-o", "{tmp}/x.docx"], "只能生成 .pdf 或 .xlsx"),
        (["report", "visits", "--from", "2026-12-01", "--to", "2026-11-01"], "晚于结束日期"),
        pytest.param(  # copy-store copies this PC's own SQLite file
            ["copy-store", "--to", "postgresql+psycopg://nobody@127.0.0.1:1/kehu"],
            "无法连接",
            marks=pytest.mark.sqlite_only(reason="copy-store copies an SQLite store"),
        ),
    ],
)
def test_a_users_slip_is_said_in_chinese_not_reported_as_a_bug(
    data_dir, tmp_path, capsys, command, said
):
    code = main(["--data-dir", str(data_dir), *(a.format(tmp=tmp_path) for a in command)])
    err = capsys.readouterr().err
    assert code == 2 and said in err
    assert "程序错误" not in err and "Traceback" not in err
    assert not (tmp_path / "x.docx").exists()


def test_help_and_errors_read_in_chinese(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：kehu-admin") and "选项：" in out and "显示本帮助并退出" in out
    with pytest.raises(SystemExit) as exited:
        main(["demo", "--customers", "many"])
    assert exited.value.code == 2
    assert "参数 --customers 的值“many”格式不对" in capsys.readouterr().err


def test_every_command_works_with_a_database_url(tmp_path, empty_store_url, capsys):
    """The office's way: ``--db URL`` and no store in the data folder (PostgreSQL on CI)."""
    from openpyxl import Workbook

    url = empty_store_url()
    base = ["--data-dir", str(tmp_path / "pc"), "--db", url]
    assert main([*base, "demo", "--customers", "30"]) == 0
    sheet = Workbook()
    sheet.active.append(["客户编号", "月份", "销售金额", "销售数量"])
    sheet.active.append(["KH000001", "2026-11", "30000000.01", 1])
    sheet.save(tmp_path / "销售.xlsx")
    commands = [
        (["init", "--admin-password", "secret-pw1"], "已有操作员"),
        (["check"], "结论：正常"),
        (["search", "KH000001"], "KH000001\t"),
        (["abc"], "ABC 分类已重新计算"),
        (["import-sales", str(tmp_path / "销售.xlsx")], "1"),
        (["report", "complaints", "--month", "2026-11"], "处理及时率"),
        (["report", "key-accounts", "--month", "2026-11"], "回访率"),
        (["report", "visits", "--from", "2026-11-01", "--to", "2026-11-30"], "覆盖率"),
        (["today", "--date", "2026-11-22"], "今日 2026-11-22"),
        (["print", "客户资料卡", "--record", "KH000001", "-o", str(tmp_path / "卡.pdf")], "已生成"),
    ]
    for command, expected in commands:
        capsys.readouterr()
        assert main([*base, *command]) == 0, command
        assert expected in capsys.readouterr().out, command
    assert not (tmp_path / "pc" / DB_FILE_NAME).exists()
    assert (tmp_path / "卡.pdf").read_bytes().startswith(b"%PDF")
    database = open_database(tmp_path / "pc", url)
    with database.reader() as session:
        customer = session.scalar(select(Customer.id).where(Customer.code == "KH000001"))
        assert abc_classes.customer_sales(session, customer) >= Decimal("30000000.01")
    database.dispose()


def test_backup_on_either_store_is_written_and_audited(store_folder, tmp_path, capsys):
    """SQLite: a verified archive; PostgreSQL: the server's pg_dump file (restorable with
    pg_restore). Either way in the folder asked for, with the record counts, and audited."""
    from kehu_desktop.models import AuditEntry

    folder = store_folder("office")
    assert main(["--data-dir", str(folder), "demo", "--customers", "12"]) == 0
    usb = tmp_path / "usb"
    capsys.readouterr()
    assert main(["--data-dir", str(folder), "backup", "-o", str(usb)]) == 0
    out = capsys.readouterr().out
    [copy] = usb.iterdir()
    assert copy.stat().st_size > 0 and str(copy) in out and "客户 12" in out
    database = open_database(folder)
    if database.is_postgresql:
        assert out.startswith("已用 pg_dump 备份") and copy.suffix == ".dump"
        assert copy.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    else:
        assert out.startswith("已备份并验证") and copy.suffix == ".zip"
    with database.reader() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    database.dispose()
    assert last.action == "备份" and str(copy) in last.changes
