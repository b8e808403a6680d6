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

On PostgreSQL the server keeps the same means, created here beside the FTS tables: a
``pg_trgm`` GIN index on ``search_text`` serves the LIKE of queries of three characters or more
(without the extension LIKE still answers, by reading the table); ``search_tokens`` holds, per
customer, every Chinese character of its document and every pair of adjacent ones, the first
one and two characters of every other word, and every three digits in a row (phone numbers,
the digits of a code), filled by a trigger whenever ``search_text`` is written (any insert
path: the window, demo data, imports, ``copy-store``). Its key (token, customer id) hands the
matching ids over in id order from the index alone, as an FTS doclist does, so a query that
matches thousands of customers (``华``, ``华达``, ``138``) stops after the first 1,000 instead of
collecting and sorting them all: a one- or two-character query is one token, a digit fragment
is its first three digits (the LIKE then confirms the whole fragment).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    column,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kehu_desktop.models import Contact, Customer
from kehu_desktop.services.customers.pinyin_initials import initials

SEARCH_TABLE_PREFIX = "search_"
TRIGRAM_INDEX = "ix_customers_search_trgm"
TOKENS_TABLE = "search_tokens"
_CJK_CLASS = "[\u3400-\u9fff\uf900-\ufaff]"
_TOKENS = Table(
    TOKENS_TABLE,
    MetaData(),
    Column("token", String(3), primary_key=True),
    Column("customer_id", Integer, primary_key=True),
)
# The tokens of a document (see the module docstring), the trigger that keeps them, and
# the first fill of a store that had customers before. Older stores' versions of these are
# dropped by the search_bigrams migration and made again here.
_PG_TOKENS_DDL = (
    f"""CREATE TABLE {TOKENS_TABLE} (
        token varchar(3) NOT NULL,
        customer_id integer NOT NULL,
        PRIMARY KEY (token, customer_id))""",
    # The trigger replaces a customer's tokens, and removes them with the customer (no
    # foreign key: checking one per token would double the cost of filling the table).
    f"CREATE INDEX ix_{TOKENS_TABLE}_customer ON {TOKENS_TABLE} (customer_id)",
    f"""CREATE OR REPLACE FUNCTION search_tokens_of(doc text) RETURNS SETOF text
        LANGUAGE sql IMMUTABLE AS $$
        SELECT substr(m[1], i, n)
        FROM regexp_matches(doc, '{_CJK_CLASS}+', 'g') AS m,
             generate_series(1, length(m[1])) AS i, (VALUES (1), (2)) AS k(n)
        WHERE i + n - 1 <= length(m[1])
        UNION
        SELECT left(w, n)
        FROM regexp_split_to_table(regexp_replace(doc, '{_CJK_CLASS}', ' ', 'g'), '\\s+') AS w,
             (VALUES (1), (2)) AS k(n)
        WHERE w <> '' AND length(w) >= n
        UNION
        SELECT substr(m[1], i, 3)
        FROM regexp_matches(doc, '[0-9]{{3,}}', 'g') AS m,
             generate_series(1, length(m[1]) - 2) AS i
    $$""",
    f"""CREATE OR REPLACE FUNCTION search_tokens_refresh() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                DELETE FROM {TOKENS_TABLE} WHERE customer_id = OLD.id;
            END IF;
            IF TG_OP <> 'DELETE' THEN
                INSERT INTO {TOKENS_TABLE}
                    SELECT t, NEW.id FROM search_tokens_of(coalesce(NEW.search_text, '')) AS t;
            END IF;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER search_tokens_refresh AFTER INSERT OR UPDATE OF search_text OR DELETE
        ON customers FOR EACH ROW EXECUTE FUNCTION search_tokens_refresh()""",
    f"""INSERT INTO {TOKENS_TABLE}
        SELECT DISTINCT t, id FROM customers, search_tokens_of(coalesce(search_text, '')) AS t""",
    # Without statistics the planner would guess, and may read every customer.
    f"ANALYZE {TOKENS_TABLE}",
)
_CJK = re.compile(f"({_CJK_CLASS})")
_PHONE_LIKE = re.compile(r"^[\d\s\-+()]+$")
_DIGITS = re.compile(r"\D")


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """For Alembic: the full-text tables and index belong to this module, not to migrations."""
    if type_ == "index" and name == TRIGRAM_INDEX:
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

    if not present(TOKENS_TABLE):
        for statement in _PG_TOKENS_DDL:
            connection.exec_driver_sql(statement)
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
    # Straight to the driver (the FTS tables are SQLite's own): an import of ten thousand
    # customers would otherwise spend more time binding parameters than indexing.
    connection = session.connection()
    connection.exec_driver_sql(
        "INSERT INTO search_trigram(rowid, doc) VALUES (?, ?)", [(r["id"], r["doc"]) for r in rows]
    )
    connection.exec_driver_sql(
        "INSERT INTO search_chars(rowid, doc) VALUES (?, ?)",
        [(r["id"], _spaced(r["doc"])) for r in rows],
    )


def refill(session: Session) -> None:
    """Index every customer again from its stored document, after rows were copied in bulk.

    PostgreSQL's tokens follow by themselves (trigger); SQLite's FTS tables are refilled.
    """
    if not _fts_enabled(session):
        return
    for table in ("search_trigram", "search_chars"):
        session.execute(text(f"DELETE FROM {table}"))
    documents = session.execute(select(Customer.id, Customer.search_text))
    insert_documents(session, [{"id": i, "doc": doc or ""} for i, doc in documents])


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
    if session.get_bind().dialect.name == "postgresql":
        if len(term) < 3:
            return _short_match(term)
        if term.isascii() and term.isdigit():  # a phone or code fragment: three digits, LIKE
            return and_(_having(term[:3]), Customer.search_text.like(f"%{term}%"))
    if not _fts_enabled(session):
        return Customer.search_text.like(f"%{_escaped(term)}%", escape="\\")
    if len(term) >= 3:
        fts = text("SELECT rowid FROM search_trigram WHERE search_trigram MATCH :q")
        return Customer.id.in_(fts.bindparams(q=_quote(term)).columns(column("rowid", Integer)))
    if _CJK.search(term):
        phrase = _quote(" ".join(term))
    else:
        phrase = _quote(term) + "*"
    fts = text("SELECT rowid FROM search_chars WHERE search_chars MATCH :q")
    return Customer.id.in_(fts.bindparams(q=phrase).columns(column("rowid", Integer)))


def _having(token: str) -> ColumnElement[bool]:
    return Customer.id.in_(select(_TOKENS.c.customer_id).where(_TOKENS.c.token == token))


def _short_match(term: str) -> ColumnElement[bool]:
    """A one- or two-character query on PostgreSQL: customers having it as Chinese characters
    (adjacent, for two), or a word starting with it (``bj`` finds ``bjhd``) — one token. A
    Chinese character beside something else (``a华``): each token, then the LIKE."""
    if len(term) == 1 or bool(_CJK.fullmatch(term[0])) == bool(_CJK.fullmatch(term[1])):
        return _having(term)
    like = Customer.search_text.like(f"%{_escaped(term)}%", escape="\\")
    return and_(_having(term[0]), _having(term[1]), like)


def _escaped(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_ids(session: Session, query: str, limit: int | None = None) -> list[int]:
    """Ids of the customers matching ``query``, archived ones included, by code."""
    condition = matching(session, query)
    statement = select(Customer.id).order_by(Customer.code).limit(limit)
    if condition is not None:
        statement = statement.where(condition)
    return list(session.scalars(statement))
