"""Search as the desk types it: short Chinese, pinyin initials, phone fragments."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kehu_desktop.services.customers import customer_files, search
from tests.helpers.customers import make_customer
from tests.helpers.stores import ON_POSTGRESQL


@pytest.fixture
def store(context):
    ids = {
        "huada": make_customer(
            context, "北京华达电子有限公司", short_name="华达", phone="010-62345678",
            contacts=[{"name": "张三", "mobile": "138-0013-8000"}],
        ),
        "chongqing": make_customer(
            context, "重庆长安精密机械有限公司", short_name="长安",
            contacts=[{"name": "曾晓", "phone": "023 6886 1234"}],
        ),
        "other": make_customer(context, "上海宏泰包装有限公司", contacts=[{"name": "李四"}]),
    }  # fmt: skip
    return ids


def _find(context, query: str) -> set[int]:
    with context.reader() as session:
        return set(search.search_ids(session, query))


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("华", {"huada"}),  # one Chinese character
        ("华达", {"huada"}),  # two characters: below the trigram tokenizer's reach
        ("张三", {"huada"}),  # a two-character contact name
        ("张", {"huada"}),
        ("华达电子", {"huada"}),  # four characters
        ("达电", {"huada"}),  # two characters from the middle of the name
        ("bjhd", {"huada"}),  # pinyin initials
        ("BJHD", {"huada"}),
        ("bj", {"huada"}),  # two-letter initials prefix
        ("cqca", {"chongqing"}),  # 重庆: the phrase reading, not zhong
        ("zx", {"chongqing"}),  # 曾 is a polyphone: zeng …
        ("cx", {"chongqing"}),  # … and ceng
        ("13800138000", {"huada"}),  # phone without dashes finds one stored with dashes
        ("138-0013-8000", {"huada"}),
        ("0013 8000", {"huada"}),  # a fragment typed with a space
        ("68861234", {"chongqing"}),  # stored with spaces
        ("6234", {"huada"}),
        ("2345", {"huada"}),  # digits from the middle of a number
        ("000", {"huada", "chongqing", "other"}),  # the digits of every code
        ("99999", set()),
        ("KH000002", {"chongqing"}),  # the code
        ("kh000002", {"chongqing"}),
        ("宏泰", {"other"}),
        ("不存在的公司", set()),
    ],
)
def test_search(context, store, query, who):
    assert _find(context, query) == {store[w] for w in who}


def test_search_follows_edits_and_deletes(context, store):
    with context.session() as session:
        data = customer_files.load_input(session, store["other"])
        data.values["name"] = "上海新名字物流有限公司"
        customer_files.save(session, data)
    assert _find(context, "宏泰") == set()
    assert _find(context, "新名字") == {store["other"]}
    with context.session() as session:
        customer_files.delete_customer(session, store["other"])
    assert _find(context, "新名字") == set()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL's token table (SQLite: FTS5)")
def test_server_tokens_follow_inserts_edits_and_deletes(context, store):
    def tokens(customer_id: int) -> set[str]:
        with context.reader() as session:
            found = session.scalars(
                text("SELECT token FROM search_tokens WHERE customer_id = :id"),
                {"id": customer_id},
            )
            return set(found)

    huada = tokens(store["huada"])
    # characters and pairs of them, word beginnings, three digits in a row
    assert {"华", "华达", "达电", "bj", "b", "138", "800", "623", "567"} <= huada
    assert not {"电子有", "bjh", "1380"} & huada
    with context.session() as session:
        data = customer_files.load_input(session, store["other"])
        data.values["name"] = "上海新名字物流有限公司"
        customer_files.save(session, data)
    assert "名字" in tokens(store["other"]) and "宏泰" not in tokens(store["other"])
    with context.session() as session:
        customer_files.delete_customer(session, store["other"])
    assert tokens(store["other"]) == set()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the server's plan cache")
def test_every_search_is_planned_for_its_own_text(context, store):
    """psycopg prepares a statement used five times, and a prepared search would then keep
    one plan for every text (138 and 0755-8 alike)."""
    with context.reader() as session:
        for _ in range(7):
            assert _find(context, "138") == {store["huada"]}
        assert session.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"


def test_portable_fallback_without_fts(context, store):
    """On a database without FTS5 (e.g. PostgreSQL) the LIKE fallback finds the same."""
    if context.database.is_sqlite:
        with context.session() as session:
            session.execute(text("DROP TABLE search_trigram"))
            session.execute(text("DROP TABLE search_chars"))
    for query, who in (
        ("华达", "huada"),
        ("bjhd", "huada"),
        ("138-0013", "huada"),
        ("曾晓", "chongqing"),
    ):
        assert _find(context, query) == {store[who]}


def test_list_filters_combine_with_search(context, store):
    with context.session() as session:
        customer_files.set_archived(session, store["huada"], True)
    with context.reader() as session:
        hidden = customer_files.list_ids(session, customer_files.CustomerFilter(text="华达"))
        shown = customer_files.list_ids(
            session, customer_files.CustomerFilter(text="华达", include_archived=True)
        )
        by_class = customer_files.list_ids(
            session, customer_files.CustomerFilter(management_class="常规")
        )
    assert hidden == []
    assert shown == [store["huada"]]
    assert set(by_class) == {store["chongqing"], store["other"]}


def test_a_broad_search_is_cut_short_and_says_so(context):
    for n in range(5):
        make_customer(context, f"华{n}公司")
    with context.reader() as session:
        cut = customer_files.list_customers(
            session, customer_files.CustomerFilter(text="华"), limit=3
        )
        full = customer_files.list_customers(
            session, customer_files.CustomerFilter(text="华"), limit=10
        )
        by_name = customer_files.list_customers(
            session, customer_files.CustomerFilter(text="华"), "name", descending=True
        )
    assert cut.truncated and len(cut.ids) == 3
    assert not full.truncated and len(full.ids) == 5
    with context.reader() as session:
        names = [r.name for r in customer_files.fetch_rows(session, by_name.ids)]
    assert names == sorted(names, reverse=True)


def test_an_exact_code_comes_first(context):
    first = make_customer(context, "华达甲公司")
    second = make_customer(context, "华达乙公司")
    with context.reader() as session:
        code = customer_files.load_input(session, second).values["code"]
        listing = customer_files.list_customers(session, customer_files.CustomerFilter(text=code))
    assert listing.ids[0] == second and first not in listing.ids[:1]


def test_names_sort_by_pinyin_not_by_code_point(context):
    for name in (
        "张三贸易有限公司",
        "阿里包装有限公司",
        "北京华达电子有限公司",
        "重庆长安机械有限公司",
    ):
        make_customer(context, name)
    with context.reader() as session:
        ids = customer_files.list_ids(session, customer_files.CustomerFilter(), "name")
        names = [row.name for row in customer_files.fetch_rows(session, ids)]
    assert names == [
        "阿里包装有限公司",
        "北京华达电子有限公司",
        "重庆长安机械有限公司",
        "张三贸易有限公司",
    ]


def test_names_read_word_by_word_as_whole_names_read():
    """The pinyin of a name is worked out word by word (each word once per run, as firm names
    share their words); the readings are those of the whole name given to pypinyin, phrases
    (重庆, 银行, 长安) and letters and digits included."""
    from pypinyin import Style, lazy_pinyin, pinyin

    from kehu_desktop.services.customers import pinyin_initials

    names = ["重庆长安汽车股份有限公司", "中国银行行长办公室", "3M中国", "ABC 公司",
             "A3-b 工作室", "长沙永光(中国)有限公司", "乐乐 音乐", "厦门-会计", "１２３４",
             "深圳市华达00017电子"]  # fmt: skip
    for name in names:
        assert pinyin_initials.sort_key(name) == " ".join(lazy_pinyin(name)).lower(), name
        whole = pinyin(name, style=Style.FIRST_LETTER, heteronym=True, errors=pinyin_initials._keep)
        first = "".join(readings[0][:1] for readings in whole).lower()
        assert pinyin_initials.initials(name)[0] == first, name
    assert pinyin_initials.initials("重庆银行") == ("cqyh",)
