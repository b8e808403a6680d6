"""Customer search: code, names, pinyin initials, contact names and phone numbers.

On SQLite two FTS5 tables do the work, both keyed by the customer id:

* ``search_trigram`` (trigram tokenizer) answers queries of three characters or more with a
  substring match anywhere in the document;
* ``search_chars`` (unicode61, every Chinese character its own token) answers one- and
  two-character queries, which the trigram tokenizer cannot: a Chinese query becomes a phrase
  of single characters, anything else a token prefix (``bj`` finds ``bjhd``).

LIKE is never run against an FTS table: SQLite 3.39–3.40 return nothing for LIKE on a
trigram table. This is the only module that uses SQLite-only SQL; on any other database
(or an SQLite built without FTS5) the portable fallback is LIKE over ``customers.search_text``.

On PostgreSQL two GIN indexes do the same work, created here beside the FTS tables: a
``pg_trgm`` index on ``search_text`` serves the LIKE of queries of three characters or more
(without the extension LIKE still answers, by reading the table); for one- and two-character
queries, as ``search_chars`` does, a generated ``search_words`` column holds the document as a
``tsvector`` with every Chinese character a word of its own (``to_tsvector('simple', …)``,
built into PostgreSQL, kept up to date by the server itself).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Connection, Integer, column, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kehu_desktop.models import Contact, Customer
from kehu_desktop.services.customers.pinyin_initials import initials

SEARCH_TABLE_PREFIX = "search_"
TRIGRAM_INDEX = "ix_customers_search_trgm"
WORDS_COLUMN = "search_words"
WORDS_INDEX = "ix_customers_search_words"
_CJK_CLASS = "[\u3400-\u9fff\uf900-\ufaff]"
_CJK = re.compile(f"({_CJK_CLASS})")
_PHONE_LIKE = re.compile(r"^[\d\s\-+()]+$")
_DIGITS = re.compile(r"\D")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic: the full-text tables and index belong to this module, not to migrations."""
    if type_ == "index" and name in (TRIGRAM_INDEX, WORDS_INDEX):
        return False
    if type_ == "column" and name == WORDS_COLUMN:
        return False
    return not (type_ == "table" and name and name.startswith(SEARCH_TABLE_PREFIX))


def ensure_tables(connection: Connection) -> None:
    """Create the FTS5 tables on SQLite if they are missing (and fill them once); on
    PostgreSQL the trigram index."""
    if connection.dialect.name == "postgresql":
        _ensure_postgresql_indexes(connection)
        return
    if connection.dialect.name != "sqlite" or not _has_fts5(connection):
        return
    existing = set(
        connection.scalars(text("SELECT name FROM sqlite_master WHERE name LIKE 'search_%'"))
    )
    if {"search_trigram", "search_chars"} <= existing:
        return
    connection.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_trigram USING fts5(doc, tokenize='trigram')"
        )
    )
    connection.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_chars "
            "USING fts5(doc, tokenize='unicode61 remove_diacritics 0')"
        )
    )
    ids = list(connection.scalars(select(Customer.id)))
    with Session(bind=connection) as session:
        reindex(session, ids)


def _ensure_postgresql_indexes(connection: Connection) -> None:
    def present(name: str) -> bool:
        return connection.scalar(text("SELECT to_regclass(:name)"), {"name": name}) is not None

    if not present(WORDS_INDEX):
        # Stored, so a search reads words instead of splitting every document it looks at.
        connection.execute(
            text(
                f"ALTER TABLE customers ADD COLUMN IF NOT EXISTS {WORDS_COLUMN} tsvector "
                "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, regexp_replace("
                f"search_text, '({_CJK_CLASS})', ' \\1 ', 'g'))) STORED"
            )
        )
        connection.execute(
            text(f"CREATE INDEX {WORDS_INDEX} ON customers USING gin ({WORDS_COLUMN})")
        )
    if present(TRIGRAM_INDEX):
        return
    try:
        with connection.begin_nested():
            # pg_trgm is a trusted extension: the database's owner may create it.
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            connection.execute(
                text(
                    f"CREATE INDEX {TRIGRAM_INDEX} ON customers "
                    "USING gin (search_text gin_trgm_ops)"
                )
            )
    except DBAPIError as error:  # no pg_trgm on this server: search reads the table instead
        logging.getLogger(__name__).warning("客户搜索索引未建立（pg_trgm 不可用）：%s", error)


def _has_fts5(connection: Connection) -> bool:
    options = connection.scalars(text("PRAGMA compile_options")).all()
    return "ENABLE_FTS5" in options


def _fts_enabled(session: Session) -> bool:
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    found = session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name='search_trigram'"))
    return bool(found)


def normalize(query: str) -> str:
    """Lower-case, trimmed; a phone-like query keeps only its digits (138-0013 → 1380013)."""
    query = query.strip().lower()
    if _PHONE_LIKE.match(query) and any(c.isdigit() for c in query):
        return _DIGITS.sub("", query)
    return re.sub(r"\s+", "", query)


def build_document(
    code: str, name: str, short_name: str, contact_names: Iterable[str], phones: Iterable[str]
) -> str:
    """Everything a customer can be found by, as one lower-cased line of words."""
    words = [code, name, short_name, *initials(name), *initials(short_name)]
    for contact in contact_names:
        words += [contact, *initials(contact)]
    words += [_DIGITS.sub("", p) for p in phones if p]
    return " ".join(w for w in words if w).lower()


def _document(customer: Customer) -> str:
    phones = [customer.phone, customer.fax]
    for contact in customer.contacts:
        phones += [contact.mobile, contact.phone]
    names = [c.name for c in customer.contacts]
    return build_document(customer.code, customer.name, customer.short_name, names, phones)


def _spaced(document: str) -> str:
    return _CJK.sub(r" \1 ", document)


def reindex(session: Session, customer_ids: Iterable[int]) -> None:
    """Rebuild the search entries of these customers from their records."""
    ids = list(customer_ids)
    fts = _fts_enabled(session)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        customers = session.scalars(select(Customer).where(Customer.id.in_(chunk))).all()
        _load_contacts(session, chunk)
        rows = [{"id": c.id, "doc": _document(c)} for c in customers]
        for row in rows:
            session.execute(
                update(Customer).where(Customer.id == row["id"]).values(search_text=row["doc"])
            )
        if fts:
            _write_fts(session, chunk, rows)


def _load_contacts(session: Session, ids: list[int]) -> None:
    # One query for the chunk's contacts instead of one per customer.
    session.scalars(select(Contact).where(Contact.customer_id.in_(ids))).all()


def _write_fts(session: Session, ids: list[int], rows: list[dict]) -> None:
    placeholders = ",".join(str(int(i)) for i in ids)
    for table in ("search_trigram", "search_chars"):
        session.execute(text(f"DELETE FROM {table} WHERE rowid IN ({placeholders})"))
    insert_documents(session, rows)


def insert_documents(session: Session, rows: list[dict]) -> None:
    """Add ``{"id", "doc"}`` rows to the FTS tables (for customers not yet indexed)."""
    if not rows or not _fts_enabled(session):
        return
    session.execute(text("INSERT INTO search_trigram(rowid, doc) VALUES (:id, :doc)"), rows)
    session.execute(
        text("INSERT INTO search_chars(rowid, doc) VALUES (:id, :doc)"),
        [{"id": r["id"], "doc": _spaced(r["doc"])} for r in rows],
    )


def forget(session: Session, customer_id: int) -> None:
    if _fts_enabled(session):
        for table in ("search_trigram", "search_chars"):
            session.execute(text(f"DELETE FROM {table} WHERE rowid = :id"), {"id": customer_id})


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def matching(session: Session, query: str) -> ColumnElement[bool] | None:
    """A condition on ``Customer.id`` selecting the customers that match ``query``.

    None when the query is empty (everything matches).
    """
    term = normalize(query)
    if not term:
        return None
    if len(term) < 3 and session.get_bind().dialect.name == "postgresql":
        words = _short_query(term)
        if words:
            condition = f"customers.{WORDS_COLUMN} @@ to_tsquery('simple'::regconfig, :q)"
            return text(condition).bindparams(q=words)
    if not _fts_enabled(session):
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return Customer.search_text.like(f"%{escaped}%", escape="\\")
    if len(term) >= 3:
        fts = text("SELECT rowid FROM search_trigram WHERE search_trigram MATCH :q")
        return Customer.id.in_(fts.bindparams(q=_quote(term)).columns(column("rowid", Integer)))
    if _CJK.search(term):
        phrase = _quote(" ".join(term))
    else:
        phrase = _quote(term) + "*"
    fts = text("SELECT rowid FROM search_chars WHERE search_chars MATCH :q")
    return Customer.id.in_(fts.bindparams(q=phrase).columns(column("rowid", Integer)))


def _short_query(term: str) -> str:
    """A one- or two-character query as a tsquery: Chinese characters as adjacent words
    (``华 <-> 达``), anything else as a word prefix (``bj:*``); empty when nothing is left
    to look for (punctuation)."""
    if _CJK.search(term):
        parts = [c for c in term if c.isalnum()]
        return " <-> ".join(parts)
    word = "".join(c for c in term if c.isascii() and c.isalnum())
    return f"{word}:*" if word else ""


def search_ids(session: Session, query: str, limit: int | None = None) -> list[int]:
    """Ids of the customers matching ``query``, archived ones included, by code."""
    condition = matching(session, query)
    statement = select(Customer.id).order_by(Customer.code).limit(limit)
    if condition is not None:
        statement = statement.where(condition)
    return list(session.scalars(statement))
