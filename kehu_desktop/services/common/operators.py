"""Operators: staff who sign in, their roles and passwords (argon2)."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kehu_desktop.models import Role, Staff
from kehu_desktop.services.common.errors import PermissionDenied, UserError, ValidationError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 4


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


def _operator(staff: Staff) -> Operator:
    return Operator(staff.id, staff.username, staff.name, Role(staff.role))


def has_staff(session: Session) -> bool:
    return bool(session.scalar(select(func.count(Staff.id))))


def _check_password(password: str, confirm: str | None) -> None:
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
) -> Operator:
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
    _check_password(password, confirm)
    staff = Staff(
        username=username,
        name=name,
        role=Role(role),
        password_hash=_hasher.hash(password),
        department=department,
        phone=phone,
    )
    session.add(staff)
    session.flush()
    return _operator(staff)


def create_first_admin(
    session: Session, username: str, name: str, password: str, confirm: str | None = None
) -> Operator:
    """The administrator made on the very first start; refused once any staff exists."""
    if has_staff(session):
        raise UserError("已存在操作员，不能再创建初始管理员。")
    return create_staff(session, username, name, Role.ADMIN, password, confirm=confirm)


def sign_in(session: Session, username: str, password: str) -> Operator:
    staff = session.scalar(
        select(Staff).where(func.lower(Staff.username) == username.strip().lower())
    )
    try:
        if staff is None or not staff.active:
            raise VerificationError
        _hasher.verify(staff.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise UserError("登录名或密码不正确。") from None
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
    return _operator(staff)


def operator_by_id(session: Session, staff_id: int) -> Operator:
    return _operator(session.get_one(Staff, staff_id))


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
        StaffRow(s.id, s.username, s.name, s.role, s.department, s.phone, s.active)
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
) -> None:
    acting.require_admin()
    staff = session.get_one(Staff, staff_id)
    if staff_id == acting.id and (not active or role != Role.ADMIN):
        raise UserError("不能停用自己或取消自己的管理员身份。")
    if not name.strip():
        raise ValidationError({"name": "请填写姓名。"})
    staff.name, staff.role, staff.department = name.strip(), Role(role), department
    staff.phone, staff.active = phone, active


def set_password(
    session: Session, acting: Operator, staff_id: int, password: str, confirm: str | None = None
) -> None:
    """Administrators reset anyone's password; everyone may change their own."""
    if staff_id != acting.id:
        acting.require_admin()
    _check_password(password, confirm)
    session.get_one(Staff, staff_id).password_hash = _hasher.hash(password)
