"""``kehu-admin``: the administrator's command line. Each command is a thin shell over the
services the window uses."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence

from sqlalchemy import text

from kehu_desktop.services import customers, demo, operators, search
from kehu_desktop.services.database import Database, head_revision, open_database
from kehu_desktop.services.errors import UserError

Command = Callable[[Database, argparse.Namespace], int]


def _init(database: Database, args: argparse.Namespace) -> int:
    with database.reader() as session:
        exists = operators.has_staff(session)
    print(f"数据库：{database.location}")
    if exists:
        print("数据库已就绪，已有操作员。")
        return 0
    password = args.admin_password or getpass.getpass("管理员密码：")
    with database.session() as session:
        admin = operators.create_first_admin(session, args.admin_user, args.admin_name, password)
    print(f"已创建管理员 {admin.username}。")
    return 0


def _demo(database: Database, args: argparse.Namespace) -> int:
    with database.session() as session:
        if not operators.has_staff(session):
            operators.create_first_admin(session, "admin", "系统管理员", "admin")
            print("已创建管理员 admin（密码 admin），请登录后修改密码。")
        database.operator_id = operators.first_admin(session).id

    def report(done: int, total: int) -> None:
        print(f"\r生成演示数据 {done}/{total}", end="", file=sys.stderr, flush=True)

    summary = demo.load_demo(database, args.customers, report)
    print(file=sys.stderr)
    print(f"已载入演示数据：{summary.describe()}")
    print(f"演示操作员密码均为 {demo.DEMO_PASSWORD}")
    return 0


def _check(database: Database, _args: argparse.Namespace) -> int:
    current, head = database.current_revision(), head_revision()
    print(f"数据库：{database.location}")
    print(f"结构版本：{current}（最新 {head}）")
    healthy = current == head
    if database.is_sqlite:
        with database.engine.connect() as connection:
            result = connection.execute(text("PRAGMA integrity_check")).scalars().all()
            foreign = connection.execute(text("PRAGMA foreign_key_check")).all()
        print(f"完整性检查：{'; '.join(result)}")
        print(f"外键检查：{'ok' if not foreign else f'{len(foreign)} 处问题'}")
        healthy = healthy and result == ["ok"] and not foreign
    with database.reader() as session:
        print(f"客户：{customers.count(session, include_archived=True)} 位")
    print("结论：正常" if healthy else "结论：发现问题")
    return 0 if healthy else 1


def _search(database: Database, args: argparse.Namespace) -> int:
    with database.reader() as session:
        ids = search.search_ids(session, args.text, limit=args.limit)
        rows = customers.fetch_rows(session, ids)
    for row in rows:
        print(f"{row.code}\t{row.name}\t{row.contact}\t{row.phone}")
    print(f"共 {len(rows)} 条", file=sys.stderr)
    return 0


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Command]]:
    parser = argparse.ArgumentParser(prog="kehu-admin", description="客户管家管理命令")
    parser.add_argument("--data-dir", help="数据文件夹（默认：用户数据目录，或环境变量 KEHU_DATA_DIR）")
    parser.add_argument("--db", help="数据库 URL（默认：数据文件夹中的 SQLite 文件）")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")
    init = commands.add_parser("init", help="创建数据库和管理员")
    init.add_argument("--admin-user", default="admin")
    init.add_argument("--admin-name", default="系统管理员")
    init.add_argument("--admin-password", help="不填则交互输入")
    demo_cmd = commands.add_parser("demo", help="载入演示数据（四个业务台）")
    demo_cmd.add_argument("--customers", type=int, default=demo.DEFAULT_CUSTOMERS)
    commands.add_parser("check", help="检查结构版本和数据库完整性")
    search_cmd = commands.add_parser("search", help="搜索客户")
    search_cmd.add_argument("text")
    search_cmd.add_argument("--limit", type=int, default=50)
    handlers: dict[str, Command] = {"init": _init, "demo": _demo, "check": _check, "search": _search}
    return parser, handlers


def main(argv: Sequence[str] | None = None) -> int:
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    try:
        database = open_database(args.data_dir, args.db)
        return handlers[args.command](database, args)
    except UserError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
