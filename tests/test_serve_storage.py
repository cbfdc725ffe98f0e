"""The desk's storage on SQLite and on a real PostgreSQL (issue 15, item 1).

PostgreSQL: NIANBAO_TEST_POSTGRES names a database these tests may empty (.ci/run starts a
throwaway server and sets it); without it the PostgreSQL cases skip, or fail under
NIANBAO_REQUIRE_TOOLS=1 (CI), where an option nobody runs would otherwise go untested.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hostile.corpus import seed_bytes
from serve_support import client, submission_url, text_of, upload
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text

from generator.diagnostics import Diagnostic, Severity
from generator.web import migrations
from generator.web.storage import Store, check_record

BACKENDS = ["sqlite", "postgresql"]


def _postgres_url() -> str:
    url = os.environ.get("NIANBAO_TEST_POSTGRES")
    if not url:
        if os.environ.get("NIANBAO_REQUIRE_TOOLS") == "1":
            pytest.fail("NIANBAO_TEST_POSTGRES is required (NIANBAO_REQUIRE_TOOLS=1): .ci/run starts PostgreSQL")
        pytest.skip("NIANBAO_TEST_POSTGRES not set (no PostgreSQL server to test against)")
    return url


def _empty(url: str) -> None:
    """Drop every table of the test database: each test starts from no schema at all."""
    from generator.web.storage import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        for table in (
            *("decisions", "submission_figures", "own_workbooks", "unit_links", "office_sessions", "office_users"),
            *("checks", "submissions", "units", "alembic_version"),
        ):
            conn.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str | None:
    if request.param == "sqlite":
        yield None  # the default: DATA/nianbao.sqlite3
        return
    url = _postgres_url()
    _empty(url)
    yield url
    _empty(url)


def test_the_schema_is_created_by_the_migrations_and_stays_at_head(tmp_path, database_url):
    store = Store(tmp_path / "data", database_url)
    assert migrations.current(store.engine) is None
    store.migrate()
    assert migrations.current(store.engine) == migrations.head()
    tables = set(sa_inspect(store.engine).get_table_names())
    assert {"units", "submissions", "checks", "alembic_version"} <= tables
    store.migrate()  # a second start changes nothing
    assert migrations.current(store.engine) == migrations.head()
    if database_url:
        assert store.engine.dialect.name == "postgresql"
        assert not (tmp_path / "data" / "nianbao.sqlite3").exists()  # nothing kept beside it


def _received(store: Store, data: bytes):
    import io

    return store.receive(io.BytesIO(data), 10 * 1024 * 1024)


def test_submissions_and_their_findings_round_trip(tmp_path, database_url):
    store = Store(tmp_path / "data", database_url)
    store.migrate()
    finding = Diagnostic(
        "T3-2",
        Severity.ERROR,
        "“（七）总计”应为各行之和 20，实际填写 23（多 3）。",
        "甲.xlsx",
        "申请情况",
        "D28",
        "三、本年度办理结果",
        "自然人",
        None,
        20,
        23,
    )
    first = store.add_submission(
        2020, _received(store, b"one"), "甲.xlsx", check_record([finding], "0.1.0", "甲局", "标题")
    )
    second = store.add_submission(2020, _received(store, b"two"), "甲.xlsx", check_record([], "0.1.0", "甲局", "标题"))
    store.add_submission(2021, _received(store, b"three"), "乙.xlsx", check_record([], "0.1.0", "乙局", "标题"))
    subs = store.submissions(2020)
    assert [s.id for s in subs] == [second, first]  # newest first: the first is current
    back = store.submission(first)
    assert back.checks[-1].findings() == [finding]
    assert back.checks[-1].errors == 1 and back.original_name == "甲.xlsx"
    assert store.blob(back.sha256).read_bytes() == b"one"
    assert back.received_at.tzinfo is not None


def test_concurrent_uploads_are_all_kept(tmp_path, database_url):
    store = Store(tmp_path / "data", database_url)
    store.migrate()
    ids: list[int] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        sub = store.add_submission(
            2022, _received(store, f"file {i}".encode()), f"{i}.xlsx", check_record([], "0.1.0", f"单位{i}", "")
        )
        with lock:
            ids.append(sub)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 40 and store.count_submissions() == 40
    assert len(list((tmp_path / "data" / "uploads").rglob("*.xlsx"))) == 40


def test_the_whole_desk_runs_on_the_backend(tmp_path, database_url):
    data = tmp_path / "data"
    with client(data, database_url) as c:
        page = upload(c, seed_bytes(), "漳平.xlsx")
        assert page.status_code == 200 and "校验完成：错误 4 条" in text_of(page.text)
        url = submission_url(page)
        assert c.get(f"{url}/report.docx").status_code == 200
    with client(data, database_url) as c:  # restarted: still there
        assert "漳平.xlsx" in text_of(c.get(url).text)
    assert Path(data / "uploads").is_dir()
