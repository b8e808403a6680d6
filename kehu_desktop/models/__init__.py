"""The store's tables. Importing this package registers every model on ``Base.metadata``."""

from kehu_desktop.models.audit import AuditEntry, Setting
from kehu_desktop.models.base import Base, Tracked, Versioned, VersionedPart
from kehu_desktop.models.complaints import Complaint, ComplaintEvent
from kehu_desktop.models.counters import Counter
from kehu_desktop.models.customers import (
    Contact,
    Customer,
    CustomerClassHistory,
    ImportantDate,
    SalesRecord,
)
from kehu_desktop.models.imports import ImportBatch, ImportBatchRecord
from kehu_desktop.models.key_accounts import (
    Countermeasure,
    CreditEvaluation,
    CreditItemScore,
    KeyAccount,
    KeyAccountProposal,
    SatisfactionSurvey,
    SurveyItemScore,
)
from kehu_desktop.models.service_desk import (
    Attachment,
    FactoryFeedback,
    Product,
    Purchase,
    RepairOrder,
    RepairPart,
    ServiceEvent,
    ServiceRequest,
)
from kehu_desktop.models.staff import Role, Staff
from kehu_desktop.models.visits import FollowUpAction, LastVisit, Visit, VisitPlan

__all__ = [
    "Attachment",
    "AuditEntry",
    "Base",
    "Complaint",
    "ComplaintEvent",
    "Contact",
    "Counter",
    "Countermeasure",
    "CreditEvaluation",
    "CreditItemScore",
    "Customer",
    "CustomerClassHistory",
    "FactoryFeedback",
    "FollowUpAction",
    "ImportantDate",
    "ImportBatch",
    "ImportBatchRecord",
    "KeyAccount",
    "KeyAccountProposal",
    "LastVisit",
    "Product",
    "Purchase",
    "RepairOrder",
    "RepairPart",
    "Role",
    "SalesRecord",
    "SatisfactionSurvey",
    "ServiceEvent",
    "ServiceRequest",
    "Setting",
    "Staff",
    "SurveyItemScore",
    "Tracked",
    "Versioned",
    "VersionedPart",
    "Visit",
    "VisitPlan",
]
