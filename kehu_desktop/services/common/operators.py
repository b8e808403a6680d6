"""Operators: staff who sign in, their roles and passwords (argon2).

Signing in is guarded: after ``MAX_FAILED_SIGN_INS`` wrong passwords in a row, sign-in for that
login waits (30 s, doubling with each further failure); every sign-in and every failed attempt
is written to the audit log for the administrator. A default password (the first run's, demo
staff's, or one an administrator reset) must be replaced at the next sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import Parameters, PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kehu_desktop.models import Role, Staff
from kehu_desktop.services.common import audit, versions
from kehu_desktop.services.common.errors import PermissionDenied, UserError, ValidationError

# Argon2id at OWASP's recommended cost for it (19 MiB, 2 passes, 1 lane): about 30 ms of CPU to
# verify on an office PC, so signing in does not wait on it (argon2-cffi's default, 64 MiB and
# 3 passes over 4 lanes, took 0.2–0.3 s). Hashes made at an earlier cost still verify; they are
# replaced at this cost after the next successful sign-in (``rehash_password``), off the
# sign-in's critical path.
PASSWORD_COST = Parameters(
    type=Type.ID, version=19, salt_len=16, hash_len=32,
    time_cost=2, memory_cost=19456, parallelism=1,
)  # fmt: skip
_hasher = PasswordHasher.from_parameters(PASSWORD_COST)
MIN_PASSWORD_LENGTH = 8
MAX_FAILED_SIGN_INS = 5
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=30)
WRONG_PASSWORD = "登录名或密码不正确。"


@dataclass(frozen=True)
class Operator:
    """The person signed in. Services take it to know who acts and what they may do."""

    id: int
    username: str
    name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_supervisor(self) -> bool:
        """主管 rights: approvals, escalations. Administrators have them too."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    def require_admin(self) -> None:
        if not self.is_admin:
            raise PermissionDenied("只有管理员可以执行此操作。")

    def require_supervisor(self) -> None:
        if not self.is_supervisor:
            raise PermissionDenied("只有主管或管理员可以执行此操作。")


@dataclass(frozen=True)
class StaffRow:
    id: int
    username: str
    name: str
    role: str
    department: str
    phone: str
    active: bool
    version: int


def _operator(staff: Staff) -> Operator:
    return Operator(staff.id, staff.username, staff.name, Role(staff.role))


def has_staff(session: Session) -> bool:
    return bool(session.scalar(select(func.count(Staff.id))))


def check_password(password: str, confirm: str | None = None) -> None:
    """A password of at least ``MIN_PASSWORD_LENGTH`` characters, not only spaces."""
    if not password.strip():
        raise ValidationError({"password": "密码不能为空，也不能只有空格。"})
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError({"password": f"密码至少 {MIN_PASSWORD_LENGTH} 位。"})
    if confirm is not None and password != confirm:
        raise ValidationError({"confirm": "两次输入的密码不一致。"})


def create_staff(
    session: Session,
    username: str,
    name: str,
    role: Role,
    password: str,
    *,
    confirm: str | None = None,
    department: str = "客服部",
    phone: str = "",
    default_password: bool = False,
) -> Operator:
    """A new operator. ``default_password``: a password handed out (demo staff, a test store),
    exempt from the length rule but to be replaced at the first sign-in."""
    username, name = username.strip(), name.strip()
    errors = {}
    if not username:
        errors["username"] = "请填写登录名。"
    elif session.scalar(select(Staff.id).where(func.lower(Staff.username) == username.lower())):
        errors["username"] = f"登录名“{username}”已被使用。"
    if not name:
        errors["name"] = "请填写姓名。"
    if errors:
        raise ValidationError(errors)
    if not default_password:
        check_password(password, confirm)
    staff = Staff(
        username=username,
        name=name,
        role=Role(role),
        password_hash=_hasher.hash(password),
        department=department,
        phone=phone,
        must_change_password=default_password,
    )
    session.add(staff)
    session.flush()
    return _operator(staff)


def create_first_admin(
    session: Session,
    username: str,
    name: str,
    password: str,
    confirm: str | None = None,
    *,
    default_password: bool = False,
) -> Operator:
    """The administrator made on the very first start; refused once any staff exists."""
    if has_staff(session):
        raise UserError("已存在操作员，不能再创建初始管理员。")
    return create_staff(
        session, username, name, Role.ADMIN, password, confirm=confirm,
        default_password=default_password,
    )  # fmt: skip


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt came to: the operator, or why not (in Chinese)."""

    operator: Operator | None
    refusal: str = ""
    must_change_password: bool = False
    # The stored hash was made at an older cost: ``rehash_password`` once the window shows.
    needs_rehash: bool = False


def _wait_text(wait: timedelta) -> str:
    seconds = max(int(wait.total_seconds() + 0.999), 1)
    return f"{seconds} 秒" if seconds < 120 else f"{(seconds + 59) // 60} 分钟"


def attempt_sign_in(
    session: Session, username: str, password: str, now: datetime | None = None
) -> SignIn:
    """Check a login name and password, counting failures. Never raises for a wrong password:
    the caller commits the session (so the failure is counted and audited), then refuses."""
    now = now or datetime.now()
    login = username.strip()
    if not password:
        return SignIn(None, "请输入密码。")  # a slip, not a guess: not counted
    staff = session.scalar(select(Staff).where(func.lower(Staff.username) == login.lower()))
    if staff is None or not staff.active:
        audit.record_event(session, None, "登录失败", "staff", None, {"登录名": login})
        return SignIn(None, WRONG_PASSWORD)
    if staff.locked_until is not None and now < staff.locked_until:
        wait = _wait_text(staff.locked_until - now)
        audit.record_event(session, staff.id, "登录失败", "staff", staff.id, {"原因": "等待中"})
        return SignIn(None, f"密码连续输错次数过多，请 {wait}后再试。")
    try:
        _hasher.verify(staff.password_hash, password)
    except (VerificationError, InvalidHashError):
        staff.failed_sign_ins += 1
        audit.record_event(
            session, staff.id, "登录失败", "staff", staff.id, {"连续失败": staff.failed_sign_ins}
        )
        extra = staff.failed_sign_ins - MAX_FAILED_SIGN_INS
        if extra >= 0:
            wait = min(FIRST_WAIT * 2**extra, LONGEST_WAIT)
            staff.locked_until = now + wait
            return SignIn(
                None, f"密码已连续输错 {staff.failed_sign_ins} 次，请 {_wait_text(wait)}后再试。"
            )
        left = MAX_FAILED_SIGN_INS - staff.failed_sign_ins
        return SignIn(None, f"{WRONG_PASSWORD}再输错 {left} 次，登录将暂停。")
    staff.failed_sign_ins = 0
    staff.locked_until = None
    audit.record_event(session, staff.id, "登录", "staff", staff.id, {})
    if not staff.must_change_password and not _meets_policy(password):
        # Set before the rule existed (a store from release 0.1.0 hands out 123456): the
        # password is replaced at this sign-in, as a handed-out one is.
        staff.must_change_password = True
    return SignIn(
        _operator(staff),
        must_change_password=staff.must_change_password,
        needs_rehash=_hasher.check_needs_rehash(staff.password_hash),
    )


def rehash_password(session: Session, staff_id: int, password: str) -> bool:
    """Store the password of someone who just signed in hashed at today's cost, if their hash
    was made at an older one. Only while ``password`` still verifies against the stored hash
    (it may have been changed meanwhile). True when the hash was replaced."""
    staff = session.get_one(Staff, staff_id)
    if not _hasher.check_needs_rehash(staff.password_hash):
        return False
    try:
        _hasher.verify(staff.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    # The same password stored at today's cost is no change anyone made: written past the
    # unit of work, so it leaves no empty 修改 entry in the audit log and no new version.
    session.execute(
        update(Staff).where(Staff.id == staff_id).values(password_hash=_hasher.hash(password))
    )
    return True


def _meets_policy(password: str) -> bool:
    try:
        check_password(password)
    except ValidationError:
        return False
    return True


def operator_by_id(session: Session, staff_id: int) -> Operator:
    return _operator(session.get_one(Staff, staff_id))


def operator_by_username(session: Session, username: str) -> Operator:
    """The active operator signing in as ``username`` (the command line's --operator)."""
    login = username.strip()
    staff = session.scalar(select(Staff).where(func.lower(Staff.username) == login.lower()))
    if staff is None or not staff.active:
        raise UserError(f"没有登录名为“{login}”的在职操作员。")
    return _operator(staff)


def first_admin(session: Session) -> Operator | None:
    staff = session.scalar(
        select(Staff).where(Staff.role == Role.ADMIN, Staff.active).order_by(Staff.id)
    )
    return _operator(staff) if staff else None


def list_staff(session: Session, include_inactive: bool = False) -> list[StaffRow]:
    query = select(Staff).order_by(Staff.id)
    if not include_inactive:
        query = query.where(Staff.active)
    return [
        StaffRow(s.id, s.username, s.name, s.role, s.department, s.phone, s.active, s.version)
        for s in session.scalars(query)
    ]


def update_staff(
    session: Session,
    acting: Operator,
    staff_id: int,
    *,
    name: str,
    role: Role,
    department: str,
    phone: str,
    active: bool,
    version: int | None = None,
) -> None:
    """Change a staff record; refused when it changed after ``version`` was loaded."""
    acting.require_admin()
    staff = versions.claim(session, Staff, staff_id, version)
    if staff_id == acting.id and (not active or role != Role.ADMIN):
        raise UserError("不能停用自己或取消自己的管理员身份。")
    if not name.strip():
        raise ValidationError({"name": "请填写姓名。"})
    staff.name, staff.role, staff.department = name.strip(), Role(role), department
    staff.phone, staff.active = phone, active


def set_password(
    session: Session, acting: Operator, staff_id: int, password: str, confirm: str | None = None
) -> None:
    """An administrator resets someone's password; its owner must replace it at the next
    sign-in. (Changing one's own goes through ``change_own_password``.)"""
    acting.require_admin()
    check_password(password, confirm)
    staff = session.get_one(Staff, staff_id)
    staff.password_hash = _hasher.hash(password)
    staff.must_change_password = staff_id != acting.id
    staff.failed_sign_ins = 0
    staff.locked_until = None


def change_own_password(
    session: Session, acting: Operator, current: str, password: str, confirm: str
) -> None:
    """修改密码: the current password first; the new one must differ from it."""
    staff = session.get_one(Staff, acting.id)
    try:
        _hasher.verify(staff.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise ValidationError({"current": "当前密码不正确。"}) from None
    check_password(password, confirm)
    if password == current:
        raise ValidationError({"password": "新密码不能与当前密码相同。"})
    staff.password_hash = _hasher.hash(password)
    staff.must_change_password = False


def unlock_refusal(session: Session, operator: Operator, password: str) -> str:
    """Empty when ``password`` is the operator's (to unlock a locked window), else why not;
    counted and audited like a sign-in. There is no login name to get wrong here."""
    refusal = attempt_sign_in(session, operator.username, password).refusal
    return refusal.replace(WRONG_PASSWORD, "密码不正确。")
