"""``kehu-admin``: the administrator's command line. Each command is a thin shell over the
services the window uses."""

from __future__ import annotations

import argparse
import getpass
import logging
import re
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from kehu_desktop.demo import loader
from kehu_desktop.services import today as today_view
from kehu_desktop.services.common import (
    backup,
    db_errors,
    log_file,
    operators,
    restore,
    server_connection,
    store_check,
    store_copy,
)
from kehu_desktop.services.common.data_location import DB_FILE_NAME, resolve_data_dir
from kehu_desktop.services.common.database import Database, locate_database, open_database
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.parsing import parse_date, parse_month
from kehu_desktop.services.common.periods import month_period
from kehu_desktop.services.complaints import complaint_kpis
from kehu_desktop.services.customers import customer_files, duplicates, merge, search
from kehu_desktop.services.imports import columns, commit, preview, templates
from kehu_desktop.services.imports.plan import ImportRequest
from kehu_desktop.services.key_accounts import abc_classes, key_account_kpis, sales_import
from kehu_desktop.services.service_desk import service_kpis
from kehu_desktop.services.visits import visit_reports

Command = Callable[[Database, argparse.Namespace], int]


def _init(database: Database, args: argparse.Namespace) -> int:
    with database.reader() as session:
        exists = operators.has_staff(session)
    print(f"数据库：{database.location}")
    if exists:
        print("数据库已就绪，已有操作员。")
        return 0
    password = args.admin_password
    if not password:
        if not sys.stdin.isatty():
            raise UserError(
                "没有终端可以输入管理员密码。请用 --admin-password 密码 给出，例如：\n"
                "  kehu-admin init --admin-password 你的密码"
            )
        password = getpass.getpass("管理员密码：")
    with database.session() as session:
        admin = operators.create_first_admin(session, args.admin_user, args.admin_name, password)
    print(f"已创建管理员 {admin.username}。")
    return 0


def _demo(database: Database, args: argparse.Namespace) -> int:
    with database.session() as session:
        if not operators.has_staff(session):
            operators.create_first_admin(
                session, "admin", "系统管理员", "admin", default_password=True
            )
            print("已创建管理员 admin（初始密码 admin），首次登录时须修改密码。")
        database.operator_id = operators.first_admin(session).id

    summary = loader.load_demo(
        database, args.customers, lambda done, total: _progress(f"生成演示数据 {done}/{total}")
    )
    _progress_done()
    print(f"已载入演示数据：{summary.describe()}")
    print(f"演示操作员的初始密码均为 {loader.DEMO_PASSWORD}，首次登录时须修改。")
    return 0


def _progress(text: str) -> None:
    """Progress on one terminal line, rewritten in place (padded, as not every Windows console
    knows escape codes); nothing when the output goes to a file or a pipe."""
    if sys.stderr.isatty():
        print(f"\r{text:<60}", end="", file=sys.stderr, flush=True)


def _progress_done() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)


def _check(database: Database, _args: argparse.Namespace) -> int:
    report = store_check.check(database)
    if not database.is_sqlite:
        print(f"服务器：{database.server_version()}")
    print(report.text())
    return 0 if report.healthy else 1


def _read_password(path: str | None) -> str | None:
    """The first line of ``--password-file``; None when no file was given."""
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()[0].strip()
    except (OSError, IndexError, UnicodeDecodeError) as error:
        raise UserError(f"无法读取密码文件 {path}：{error}") from None


def _backup(database: Database, args: argparse.Namespace) -> int:
    _as_first_admin(database)
    folder = Path(args.output) if args.output else None
    info = backup.back_up(database, "manual", folder, _read_password(args.password_file))
    print(info.headline())
    print(info.describe())
    return 0


def _restore(database: Database, args: argparse.Namespace) -> int:
    """Restore a backup, or list the backups when no file is named."""
    settings = backup.settings_of(database)
    folder = settings.folder
    if args.file is None:
        found = backup.list_backups(folder) if folder.is_dir() else []
        print(f"备份文件夹：{folder}")
        for info in found:
            print(f"{info.path.name}\t{info.describe()}")
        print(f"共 {len(found)} 份备份", file=sys.stderr)
        return 0
    source = Path(args.file)
    if not source.is_file():
        raise UserError(f"找不到备份文件 {source}。")
    password = _read_password(args.password_file) or ""
    info = backup.read_info(source)
    print(f"将恢复：{info.describe()}")
    print(f"当前数据库 {database.location} 会先另存为“恢复前”备份，放在 {folder}。")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError("没有终端可以确认。确定要恢复时请加 --yes。")
        if input("确定恢复吗？输入 y 确认：").strip().lower() not in ("y", "yes", "是"):
            print("已取消，数据没有改动。")
            return 1
    data_dir = database.data_dir or Path(database.location).parent
    database.dispose()
    result = restore.restore(
        data_dir, source, password, safety_folder=folder, safety_password=settings.password
    )
    result.database.dispose()
    print(result.describe())
    return 0


def _search(database: Database, args: argparse.Namespace) -> int:
    with database.reader() as session:
        ids = search.search_ids(session, args.text, limit=args.limit)
        rows = customer_files.fetch_rows(session, ids)
    for row in rows:
        print(f"{row.code}\t{row.name}\t{row.contact}\t{row.phone}")
    print(f"共 {len(rows)} 条", file=sys.stderr)
    return 0


def _print(database: Database, args: argparse.Namespace) -> int:
    from pathlib import Path

    from kehu_desktop.forms import printing
    from kehu_desktop.forms.definition import load_catalog
    from kehu_desktop.forms.pdf import calibration_page
    from kehu_desktop.forms.sources.records import find_record
    from kehu_desktop.services.common.parsing import parse_date, parse_month

    output = Path(args.output)
    allowed = (".pdf",) if args.calibration else (".pdf", ".xlsx")
    if output.suffix.lower() not in allowed:
        raise UserError(f"只能生成 {' 或 '.join(allowed)} 文件，不能生成 {output.name}。")
    if args.calibration:
        with database.reader() as session:
            job = printing.PrintJob("", overlay=True, printer=args.printer or "")
            chosen = printing.paper_with_margins(session, args.paper or "A4")
            offset = printing.printer_offset(session, job)
        output.write_bytes(calibration_page(chosen, offset, args.printer or ""))
        print(f"已生成 {output}（套打校准页，偏移 X {offset[0]:+.1f} / Y {offset[1]:+.1f} mm）")
        return 0
    if not args.form:
        raise UserError("请给出表单名称（如 客户资料卡），或用 --calibration 打印套打校准页。")
    if args.printer and not args.overlay:
        raise UserError("--printer 只用于套打（--overlay）：它选的是该打印机校准的偏移。")
    catalog = load_catalog(database.data_dir)
    for problem in catalog.problems:
        print(f"注意：{problem}", file=sys.stderr)
    definition = catalog.find(args.form)
    start = end = None
    try:
        if args.month:
            start, end = month_period(parse_month(args.month))
        elif args.day:
            start = end = parse_date(args.day)
    except ValueError as error:
        raise UserError(str(error)) from None
    fmt = "xlsx" if output.suffix.lower() == ".xlsx" else "pdf"
    with database.reader() as session:
        kind = definition.data_source.record_kind
        record_ids = (find_record(session, kind, args.record),) if args.record is not None else ()
        job = printing.PrintJob(
            definition.key,
            record_ids,
            start,
            end,
            paper=args.paper or "",
            overlay=args.overlay,
            printer=args.printer or "",
        )
        data = printing.render(session, catalog, job, fmt)
    output.write_bytes(data)
    print(f"已生成 {output}（{definition.title}）")
    return 0


def _copy_store(database: Database, args: argparse.Namespace) -> int:
    """Copy this PC's SQLite store to an empty PostgreSQL database and say what comes next."""
    target = open_database(database.data_dir, args.to)
    if target.url == database.url:
        raise UserError("--to 指向的就是当前数据库，请给出新的空数据库。")
    print(f"从 {database.location}")
    print(f"复制到 {target.location}")

    try:
        result = store_copy.copy_store(
            database, target, lambda table, rows: _progress(f"{table}：{rows:,} 行")
        )
    finally:
        _progress_done()
        target.dispose()
    print(result.describe())
    print("下一步：")
    print("  1. 在每台电脑上打开客户管家：设置 → 数据库…，填写服务器地址、数据库名和登录名，")
    print("     测试连接后保存，重新启动即使用服务器上的数据；")
    print(f"     或：kehu-desktop --db {target.location}")
    print(f"  2. 原 SQLite 文件 {database.location} 保留不动作为存档，请勿再在其上录入。")
    print("  3. 在服务器上定期用 pg_dump 备份（见 README“多台电脑共用”一节）。")
    return 0


def _report_month(text: str) -> tuple[date, date]:
    """The first and last day of the month a report asks for; a bad month is the user's to
    put right."""
    try:
        return month_period(parse_month(text))
    except ValueError as error:
        raise UserError(str(error)) from None


def _report_complaints(database: Database, args: argparse.Namespace) -> int:
    start, end = _report_month(args.month)
    with database.reader() as session:
        print(complaint_kpis.report_text(complaint_kpis.compute(session, start, end)))
    return 0


def _report_service(database: Database, args: argparse.Namespace) -> int:
    start, end = _report_month(args.month)
    with database.reader() as session:
        kpis = service_kpis.compute(session, start, end)
    print(service_kpis.report_text(kpis))
    if args.output:
        from kehu_desktop.services.common import excel_export

        rows = service_kpis.report_rows(kpis)
        excel_export.write_table(
            Path(args.output), f"售后服务报告_{args.month}", service_kpis.BREAKDOWN_HEADERS, rows
        )
        print(f"已导出到 {args.output}")
    return 0


def _as_first_admin(database: Database) -> None:
    """Changes made from the command line are audited as the first administrator's."""
    with database.reader() as session:
        admin = operators.first_admin(session)
    database.operator_id = admin.id if admin else None


def _as_operator(database: Database, username: str | None) -> None:
    """Changes audited as the operator signing in as ``username`` (else the first
    administrator's); what that operator may not do is refused as in the window."""
    if username is None:
        _as_first_admin(database)
        return
    with database.reader() as session:
        database.operator_id = operators.operator_by_username(session, username).id


def _abc(database: Database, _args: argparse.Namespace) -> int:
    _as_first_admin(database)
    with database.session() as session:
        result = abc_classes.recompute(session)
    print(f"ABC 分类已重新计算：{result.describe()}")
    return 0


def _import_sales(database: Database, args: argparse.Namespace) -> int:
    _as_first_admin(database)
    with database.session() as session:
        plan = sales_import.read_sales_file(session, Path(args.file))
        print(plan.describe())
        for bad in plan.bad:
            print(f"第 {bad.row} 行：{bad.reason}", file=sys.stderr)
        result = sales_import.apply_import(session, plan, good_rows_only=args.good_rows_only)
    print(result.describe())
    return 0


def _import(database: Database, args: argparse.Namespace) -> int:
    """Print the preview; write only when it is clean (or --good-rows-only), never on
    --dry-run. Exit 1 when errors stopped the import."""
    request = ImportRequest(args.kind, Path(args.file), args.sheet)
    _as_operator(database, args.operator)
    with database.reader() as session:
        plan = preview.build(session, request)
        assert database.operator_id is not None
        refused = commit.refusal(
            args.kind, operators.operator_by_id(session, database.operator_id).role
        )
    print(plan.summary())
    if plan.unchanged_note():
        print(plan.unchanged_note())
    for error in plan.errors:
        print(error.describe())
    for duplicate in plan.duplicates:
        print(f"疑似重复：{duplicate.describe()}")
    if args.dry_run:
        if refused:
            print(f"注意：{refused}")
        print("试运行（--dry-run）：未写入任何数据。")
        return 0
    if refused:
        raise UserError(refused)
    if plan.errors and not args.good_rows_only:
        print("有错误行，未导入任何数据。改正后重新导入，或加 --good-rows-only 只导入正确的行。")
        return 1
    with database.session() as session:
        result = commit.run(session, request, good_rows_only=args.good_rows_only, seen=plan)
    print(result.describe())
    return 0


def _undo_import(database: Database, _args: argparse.Namespace) -> int:
    _as_first_admin(database)
    with database.session() as session:
        print(commit.undo_last(session))
    return 0


def _template(database: Database, args: argparse.Namespace) -> int:
    with database.reader() as session:
        templates.write_template(session, args.kind, Path(args.output))
    print(f"已生成导入模板 {args.output}")
    return 0


def _duplicates(database: Database, _args: argparse.Namespace) -> int:
    with database.reader() as session:
        groups = duplicates.scan(session)
    for number, group in enumerate(groups, start=1):
        print(f"第 {number} 组：{'；'.join(group.reasons)}")
        for member in group.members:
            archived = "（已归档）" if member.archived else ""
            print(f"  {member.code}\t{member.name}\t{member.phone}{archived}")
    print(f"共 {len(groups)} 组疑似重复客户")
    return 0


def _merge(database: Database, args: argparse.Namespace) -> int:
    _as_first_admin(database)
    with database.session() as session:
        keep, *others = merge.find_by_codes(session, [args.keep, *args.others])
        print(merge.merge(session, keep, others).describe())
    return 0


def _report_key_accounts(database: Database, args: argparse.Namespace) -> int:
    first = parse_month(args.month)
    last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
    with database.reader() as session:
        print(key_account_kpis.compute(session, first, last).describe())
    return 0


def _today(database: Database, args: argparse.Namespace) -> int:
    """The today view as text: what is planned, due and coming up."""
    day = parse_date(args.date) if args.date else date.today()
    view = today_view.compute(database.reader, day, due_limit=args.limit)
    print(f"今日 {day:%Y-%m-%d}：共 {view.count} 项")
    print(f"计划拜访 {len(view.plans)} 项")
    for p in view.plans[: args.limit]:
        print(f"  {p.planned_date}\t{p.customer}\t{p.staff}\t{p.method}\t{p.purpose}")
    print(f"到期未访客户 {view.due_customer_total} 位")
    for c in view.due_customers[: args.limit]:
        print(f"  应访 {c.due_date}（逾期 {c.days_overdue} 天）\t{c.customer}\t{c.owner}")
    print(f"到期跟进事项 {len(view.actions)} 项")
    for a in view.actions[: args.limit]:
        print(f"  {a.due_date}\t{a.description}\t{a.owner}\t{a.customer}")
    print(f"近 7 天生日与纪念日 {len(view.reminders)} 项")
    for r in view.reminders[: args.limit]:
        print(f"  {r.day}\t{r.occasion}\t{r.person}\t{r.customer}")
    print(f"今日售后上门服务 {len(view.service_visits)} 项")
    for v in view.service_visits[: args.limit]:
        print(f"  {v.number}\t{v.customer}\t{v.product}\t{v.engineer}")
    print(f"售后服务单到期或超期 {len(view.service_due)} 项")
    for v in view.service_due[: args.limit]:
        state = "已超期" if v.overdue else "今日到期"
        print(f"  {v.number}\t{state}\t{v.customer}\t{v.status}\t{v.first_responsible}")
    return 0


def _report_visits(database: Database, args: argparse.Namespace) -> int:
    try:
        start, end = parse_date(args.start), parse_date(args.end)
    except ValueError as error:
        raise UserError(str(error)) from None
    with database.reader() as session:
        if args.daily:
            lines = visit_reports.daily_report(session, start, end)
            rows, headers = visit_reports.daily_rows(lines), visit_reports.DAILY_HEADERS
        else:
            lines = visit_reports.coverage(session, start, end)
            rows, headers = visit_reports.coverage_rows(lines), visit_reports.COVERAGE_HEADERS
    if args.output:
        export = visit_reports.export_daily if args.daily else visit_reports.export_coverage
        print(f"已导出 {export(Path(args.output), lines)} 行到 {args.output}")
        return 0
    print("\t".join(headers))
    for row in rows:
        print("\t".join("" if v is None else str(v) for v in row))
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("至少 1 位")
    return value


# argparse speaks English; the desk reads Chinese. Its fixed phrases are replaced on output.
_HELP_WORDS = (
    ("usage: ", "用法："),
    ("positional arguments:", "参数："),
    ("options:", "选项："),
    ("show this help message and exit", "显示本帮助并退出"),
)
_ERRORS = (
    (re.compile(r"the following arguments are required: (.*)"), r"缺少参数：\1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"无法识别的参数：\1"),
    (re.compile(r"argument (\S+): invalid (\w+) value: '(.*)'"), r"参数 \1 的值“\3”格式不对"),
    (re.compile(r"argument (\S+): invalid choice: '(.*?)' \(choose from (.*)\)"),
     r"参数 \1 不能是“\2”，可选：\3"),
    (re.compile(r"argument (\S+): expected one argument"), r"参数 \1 后面需要一个值"),
    (re.compile(r"^argument (\S+): (.*)"), r"参数 \1：\2"),
)  # fmt: skip


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and error messages read in Chinese."""

    def format_usage(self) -> str:
        return _chinese(super().format_usage())

    def format_help(self) -> str:
        return _chinese(super().format_help())

    def error(self, message: str):
        for pattern, replacement in _ERRORS:
            message = pattern.sub(replacement, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n")


def _chinese(text: str) -> str:
    for english, chinese in _HELP_WORDS:
        text = text.replace(english, chinese)
    return text


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Command]]:
    parser = ChineseArgumentParser(prog="kehu-admin", description="客户管家管理命令")
    parser.add_argument(
        "--data-dir", help="数据文件夹（默认：用户数据目录，或环境变量 KEHU_DATA_DIR）"
    )
    parser.add_argument("--db", help="数据库 URL（默认：数据文件夹中的 SQLite 文件）")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")
    init = commands.add_parser("init", help="创建数据库和管理员")
    init.add_argument("--admin-user", default="admin")
    init.add_argument("--admin-name", default="系统管理员")
    init.add_argument("--admin-password", help="不填则交互输入")
    demo_cmd = commands.add_parser("demo", help="载入演示数据（四个业务台）")
    demo_cmd.add_argument("--customers", type=_positive, default=loader.DEFAULT_CUSTOMERS)
    commands.add_parser("check", help="检查数据库：完整性、结构版本、外键、只追加保护和审计哈希链")
    backup_cmd = commands.add_parser("backup", help="立即备份（验证后保存）")
    backup_cmd.add_argument("-o", "--output", help="备份到此文件夹（默认：设置中的备份文件夹）")
    backup_cmd.add_argument(
        "--password-file", help="备份密码所在的文件（第一行）；默认用设置中的备份密码"
    )
    restore_cmd = commands.add_parser("restore", help="恢复备份；不给文件时列出备份")
    restore_cmd.add_argument("file", nargs="?", help="备份文件（.zip，或升级前的 .sqlite3）")
    restore_cmd.add_argument("--yes", action="store_true", help="不再询问（用于脚本）")
    restore_cmd.add_argument("--password-file", help="备份密码所在的文件（第一行）")
    search_cmd = commands.add_parser("search", help="搜索客户")
    search_cmd.add_argument("text")
    search_cmd.add_argument("--limit", type=int, default=50)
    print_cmd = commands.add_parser("print", help="打印表单为 PDF 或 Excel")
    print_cmd.add_argument(
        "form", nargs="?", help="表单名称（如 客户资料卡）或代号（如 customer_card）"
    )
    which = print_cmd.add_mutually_exclusive_group(required=True)
    which.add_argument("--blank", action="store_true", help="空白表单")
    which.add_argument(
        "--record",
        help="记录：表单上的编号（如 TS-2026-0027、MY-000012）、客户编号（如 KH000123）或记录 ID",
    )
    which.add_argument("--month", help="月份 YYYY-MM（该月全部记录，或月度报表）")
    which.add_argument("--day", help="日期 YYYY-MM-DD（如访问日报）")
    which.add_argument(
        "--calibration", action="store_true", help="套打校准页（按 --printer 的偏移打印）"
    )
    print_cmd.add_argument("--paper", help="纸张：A4、A4L、A5、241x279、241x140、241x93")
    print_cmd.add_argument("--overlay", action="store_true", help="套打：只打印数据")
    print_cmd.add_argument(
        "--printer", help="套打所用的打印机（用它校准的偏移；见 设置 → 公司与表单设置）"
    )
    print_cmd.add_argument("-o", "--output", required=True, help="输出文件 .pdf 或 .xlsx")
    handlers: dict[str, Command] = {
        "init": _init,
        "demo": _demo,
        "check": _check,
        "backup": _backup,
        "restore": _restore,
        "search": _search,
    }
    # ``report <kind>``: each desk adds its kind with a ``report_handler`` default.
    report_cmd = commands.add_parser("report", help="统计报表")
    reports = report_cmd.add_subparsers(dest="report", required=True, metavar="报表")
    complaints_report = reports.add_parser("complaints", help="客户投诉统计（投诉月报）")
    complaints_report.add_argument("--month", required=True, help="月份，如 2026-11")
    complaints_report.set_defaults(report_handler=_report_complaints)
    handlers["report"] = lambda database, args: args.report_handler(database, args)
    handlers["print"] = _print
    commands.add_parser("abc", help="按近12个月销售额重新计算 ABC 分类")
    handlers["abc"] = _abc
    import_cmd = commands.add_parser("import-sales", help="从 Excel 导入月度销售数据")
    import_cmd.add_argument("file", help=".xlsx：客户编号或客户名称、月份、销售金额、销售数量")
    import_cmd.add_argument(
        "--good-rows-only", action="store_true", help="有错误行时只导入正确的行（默认全部不导入）"
    )
    handlers["import-sales"] = _import_sales
    imports_cmd = commands.add_parser(
        "import", help="从 Excel/CSV 导入客户资料、拜访记录、投诉台账、售后服务单或大客户名单"
    )
    kinds = "、".join(f"{kind}＝{label}" for kind, label in columns.KINDS.items())
    imports_cmd.add_argument("kind", choices=commit.IMPORT_KINDS, help=kinds)
    imports_cmd.add_argument("file", help=".xlsx、.xls 或 .csv（UTF-8 或 GBK）")
    imports_cmd.add_argument("--sheet", help="工作表名称（默认第一个）")
    imports_cmd.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    imports_cmd.add_argument(
        "--good-rows-only", action="store_true", help="有错误行时只导入正确的行（默认全部不导入）"
    )
    imports_cmd.add_argument(
        "--operator", metavar="LOGIN",
        help="以该登录名的操作员身份导入（默认第一位管理员）；大客户名单只有主管或管理员可以导入",
    )  # fmt: skip
    handlers["import"] = _import
    commands.add_parser("undo-import", help="撤销最近一次导入")
    handlers["undo-import"] = _undo_import
    template_cmd = commands.add_parser("import-template", help="生成导入模板 .xlsx")
    template_cmd.add_argument("kind", choices=commit.IMPORT_KINDS)
    template_cmd.add_argument("-o", "--output", required=True, help="输出文件 .xlsx")
    handlers["import-template"] = _template
    commands.add_parser("duplicates", help="客户查重：列出疑似重复的客户")
    handlers["duplicates"] = _duplicates
    merge_cmd = commands.add_parser("merge", help="合并客户：保留 KEEP，其余并入")
    merge_cmd.add_argument("keep", metavar="KEEP", help="保留的客户编号")
    merge_cmd.add_argument("others", metavar="OTHER", nargs="+", help="并入的客户编号")
    handlers["merge"] = _merge
    key_report = reports.add_parser("key-accounts", help="大客户回访率与平均满意度")
    key_report.add_argument("--month", required=True, help="月份，如 2026-11")
    key_report.set_defaults(report_handler=_report_key_accounts)
    today_cmd = commands.add_parser("today", help="今日待办：计划拜访、到期客户、跟进事项、生日")
    today_cmd.add_argument("--date", help="日期 YYYY-MM-DD（默认今天）")
    today_cmd.add_argument("--limit", type=_positive, default=20, help="每类最多列出几项")
    handlers["today"] = _today
    copy_cmd = commands.add_parser(
        "copy-store", help="把本机 SQLite 数据库全部复制到空的 PostgreSQL 数据库"
    )
    copy_cmd.add_argument(
        "--to", required=True, help="目标数据库 URL，如 postgresql+psycopg://kehu@服务器/kehu"
    )
    handlers["copy-store"] = _copy_store
    visits_report = reports.add_parser("visits", help="拜访计划完成与覆盖率，或访问日报（--daily）")
    visits_report.add_argument("--from", dest="start", required=True, help="开始日期 YYYY-MM-DD")
    visits_report.add_argument("--to", dest="end", required=True, help="结束日期 YYYY-MM-DD")
    visits_report.add_argument("--daily", action="store_true", help="客户访问日报表")
    visits_report.add_argument("-o", "--output", help="导出为 .xlsx")
    visits_report.set_defaults(report_handler=_report_visits)
    service_report = reports.add_parser("service", help="售后服务报告（各项 KPI）")
    service_report.add_argument("--month", required=True, help="月份，如 2026-11")
    service_report.add_argument("-o", "--output", help="导出为 .xlsx")
    service_report.set_defaults(report_handler=_report_service)
    return parser, handlers


# Commands that may start a new store; every other one needs an existing store.
CREATING_COMMANDS = {"init", "demo"}
# Commands that take the store as it is: not upgraded first (a damaged one must still be
# checked, or replaced by a backup).
AS_IS_COMMANDS = {"check", "restore"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Never ends in a traceback: what went wrong is said in Chinese, and a
    bug is logged with its traceback in the data folder's log."""
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    database = None
    try:
        folder = resolve_data_dir(args.data_dir)
        log_file.install(folder, "kehu-admin")
        url = args.db
        if args.command not in {*CREATING_COMMANDS, "restore"} and url is None:
            # copy-store reads this PC's own file even when the PC already uses a server.
            own_file = args.command == "copy-store"
            if own_file or server_connection.load(folder) is None:
                store = folder / DB_FILE_NAME
                if not store.exists():
                    raise UserError(
                        f"没有找到数据库 {store}。请检查 --data-dir，或先运行 kehu-admin init。"
                    )
                url = f"sqlite:///{store}" if own_file else None
        if args.command in AS_IS_COMMANDS:
            database = locate_database(folder, url)
        else:
            database = open_database(folder, url)
        return handlers[args.command](database, args)
    except UserError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
    except (DBAPIError, sqlite3.Error) as error:
        advice = db_errors.message(error)
        if advice is None:
            return _bug(error)
        logging.getLogger(__name__).warning("kehu-admin %s: %s", args.command, error)
        print(f"错误：{advice}", file=sys.stderr)
        return 2
    except OSError as error:  # a path the user gave: missing, a folder, not allowed
        print(f"错误：{_file_problem(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as error:
        return _bug(error)
    finally:
        if database is not None:
            database.dispose()


def _file_problem(error: OSError) -> str:
    where = error.filename or ""
    if isinstance(error, FileNotFoundError):
        return f"找不到文件或文件夹：{where}。请检查路径。"
    if isinstance(error, PermissionError):
        return f"没有权限读写 {where}（文件正被 Excel 等程序打开，或文件夹不允许写入？）。"
    if isinstance(error, IsADirectoryError):
        return f"{where} 是文件夹，请给出文件名。"
    if isinstance(error, NotADirectoryError):
        return f"路径中有一部分不是文件夹：{where}。"
    return f"无法读写 {where}：{error.strerror or error}。"


def _bug(error: Exception) -> int:
    logging.getLogger(__name__).error("kehu-admin failed", exc_info=error)
    where = log_file.current_path() or "标准错误输出"
    print(f"程序错误：{type(error).__name__}: {error}", file=sys.stderr)
    print(f"这是程序的缺陷，不是您的操作问题；详细信息已记录在 {where}。", file=sys.stderr)
    return 3


if __name__ == "__main__":
    sys.exit(main())
