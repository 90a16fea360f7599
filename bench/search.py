"""Latency of search over 100,000 documents, through the real app, on PostgreSQL (and, for a
figure beside it, SQLite).

    .venv/bin/python -m bench.search                        # 100,000 documents, PostgreSQL
    .venv/bin/python -m bench.search --sqlite               # and the same on SQLite
    .venv/bin/python -m bench.search --documents 20000 --repeat 30 --explain

Creates a fresh PostgreSQL database (dropped at the end; the SQLite file lives in a temporary
folder), migrates it, and bulk-inserts documents (the mix of bench.queue: types, statuses,
sellers, confidences, rule results) each with the words search finds it by, as
pipeline/review/search.py folds them: its record's values and the text of its pages, written
from the phrases of Vietnamese invoices, contracts and official letters (a CV's pages are
never indexed, as in the service). Then it times the searches reviewers make — words without
diacritics, one word, two words, a prefix, a number, words that match nothing, words with
filters — through `GET /api/v1/documents` and `GET /api/v1/review-queue` in-process (with a
reviewer's API token), and prints p50/p95/p99 per search in milliseconds. Target: p95 under
200 ms on PostgreSQL. `--explain` prints PostgreSQL's plan of each search's query too.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Select, create_engine, insert, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from api.app import create_app
from bench.queue import _rows
from pipeline.access import auth
from pipeline.review import checking, search
from pipeline.store.db import make_engine
from pipeline.store.migrate import SEARCH_INDEX, SEARCH_TABLE, SEARCH_VECTOR, upgrade
from pipeline.store.models import Document, RuleCheck
from pipeline.store.settings import Settings

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

GOODS = [
    "Giấy in A4 Double A 70gsm",
    "Mực in HP 85A",
    "Bàn làm việc gỗ sồi",
    "Ghế xoay văn phòng",
    "Dịch vụ vận chuyển hàng hóa",
    "Phí bảo trì máy điều hòa",
    "Cước viễn thông tháng",
    "Nước uống đóng chai Lavie",
    "Xi măng Hà Tiên PCB40",
    "Thép cuộn Hòa Phát",
    "Dầu diesel 0,05S",
    "Bóng đèn LED Rạng Đông",
    "Phần mềm kế toán bản quyền",
    "Dịch vụ tư vấn thuế",
    "Thuê văn phòng tháng",
    "Vé máy bay Hà Nội - Đà Nẵng",
    "Chi phí hội nghị khách hàng",
    "Máy tính xách tay Dell Latitude",
    "Bảo hiểm tài sản",
    "Văn phòng phẩm các loại",
]
PLACES = ["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Nha Trang", "Huế"]
STREETS = [
    "Lê Lợi",
    "Nguyễn Huệ",
    "Trần Hưng Đạo",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Điện Biên Phủ",
]
PEOPLE = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Long", "Phạm Minh Châu", "Võ Thanh Tùng"]
INVOICE = [
    "HÓA ĐƠN GIÁ TRỊ GIA TĂNG",
    "(VAT INVOICE)",
    "Bản thể hiện của hóa đơn điện tử",
    "Đơn vị bán hàng (Seller):",
    "Mã số thuế (Tax code):",
    "Địa chỉ (Address): Số {n} đường {street}, {place}",
    "Số tài khoản: {account} tại Ngân hàng TMCP Ngoại thương Việt Nam",
    "Họ tên người mua hàng: {person}",
    "Hình thức thanh toán: TM/CK",
    "STT Tên hàng hóa, dịch vụ Đơn vị tính Số lượng Đơn giá Thành tiền",
    "Cộng tiền hàng (Sub total):",
    "Thuế suất GTGT (VAT rate): 8%",
    "Tiền thuế GTGT (VAT amount):",
    "Tổng cộng tiền thanh toán (Total payment):",
    "Số tiền viết bằng chữ: {words} đồng",
    "Người mua hàng (Buyer) Người bán hàng (Seller)",
    "Ký bởi: {seller} Ký ngày: {day}",
    "Mã tra cứu hóa đơn: {code} Tra cứu tại: https://hoadon.example.vn",
]
CONTRACT = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "HỢP ĐỒNG {kind}",
    "Số: {n}/{year}/HĐ-{code}",
    "Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015",
    "Căn cứ Luật Thương mại số 36/2005/QH11",
    "Hôm nay, ngày {day}, tại {place}, chúng tôi gồm:",
    "BÊN A: {seller} Đại diện: Ông {person} Chức vụ: Giám đốc",
    "BÊN B: Công ty CP An Bình Mã số thuế: 0312345678",
    "Điều 1. Đối tượng hợp đồng: {good}",
    "Điều 2. Giá trị hợp đồng và phương thức thanh toán",
    "Bên A thanh toán cho Bên B trong vòng 30 ngày kể từ ngày nhận được hóa đơn hợp lệ",
    "Điều 3. Thời hạn hợp đồng: 12 tháng kể từ ngày ký",
    "Điều 4. Bảo mật thông tin",
    "Điều 5. Bất khả kháng",
    "Điều 6. Giải quyết tranh chấp tại Trung tâm Trọng tài Quốc tế Việt Nam",
    "Hợp đồng được lập thành 02 bản có giá trị pháp lý như nhau",
]
KINDS = ["MUA BÁN HÀNG HÓA", "DỊCH VỤ", "THUÊ VĂN PHÒNG", "VẬN CHUYỂN", "BẢO TRÌ", "TƯ VẤN"]
DISPATCH = [
    "ỦY BAN NHÂN DÂN {place}",
    "SỞ TÀI CHÍNH",
    "Số: {n}/STC-QLNS",
    "V/v hướng dẫn quyết toán ngân sách năm {year}",
    "{place}, ngày {day}",
    "Kính gửi: {seller}",
    "Thực hiện Luật Ngân sách nhà nước số 83/2015/QH13, Sở Tài chính đề nghị các đơn vị",
    "lập báo cáo quyết toán và gửi về Sở trước ngày 15 tháng 02 năm {year}",
    "Trong quá trình thực hiện, nếu có vướng mắc đề nghị phản ánh về Phòng Quản lý ngân sách",
    "Nơi nhận: Như trên; Lưu: VT, QLNS",
    "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC {person}",
]
AMOUNTS = ["Một triệu tám mươi nghìn", "Hai mươi ba triệu", "Năm trăm bốn mươi nghìn", "Bảy triệu"]


class Folder:
    """Search's folding, once per distinct phrase: the fill runs in seconds, not minutes,
    and the words are exactly what the service would store."""

    def __init__(self) -> None:
        self.cache: dict[str, str] = {}

    def __call__(self, phrase: str) -> str:
        folded = self.cache.get(phrase)
        if folded is None:
            folded = " ".join(search.words(phrase))
            if len(self.cache) < 200_000:
                self.cache[phrase] = folded
        return folded


def _page_text(
    rng: random.Random, row: dict[str, Any], fold: Folder, seller: str, tax_id: str
) -> str:
    doc_type = row["doc_type"]
    values = {
        "n": str(rng.randint(1, 999)),
        "street": rng.choice(STREETS),
        "place": rng.choice(PLACES),
        "account": str(rng.randint(10**9, 10**10)),
        "person": rng.choice(PEOPLE),
        "words": rng.choice(AMOUNTS),
        "seller": seller,
        "day": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2025",
        "code": uuid.UUID(int=rng.getrandbits(128)).hex[:10].upper(),
        "kind": rng.choice(KINDS),
        "year": str(rng.choice([2024, 2025, 2026])),
        "good": rng.choice(GOODS),
    }
    if doc_type == "invoice":
        lines = list(INVOICE)
        goods = [
            f"{i} {rng.choice(GOODS)} Cái {rng.randint(1, 50)} {rng.randint(1, 900)}.000"
            for i in range(1, rng.randint(2, 9))
        ]
        lines[10:10] = goods
        lines.insert(4, tax_id)
    elif doc_type == "contract":
        lines = CONTRACT + [f"{rng.choice(GOODS)} theo phụ lục {i}" for i in range(5)]
    else:
        lines = DISPATCH
    return " ".join(fold(line.format(**values)) for line in lines)


def _fill(engine: Engine, count: int) -> dict[str, str]:
    """The documents, with their search words; also a few words to search for."""
    rows, results, _tax_ids = _rows(count, seed=7)
    rng = random.Random(11)
    fold = Folder()
    for row in rows:
        record = row.get("record")
        head = search.record_words(filename=row["filename"], record=record)
        if record is None or row["doc_type"] == "cv":
            row["search_text"] = head
            continue
        seller = (record["fields"].get("seller") or {}).get("name") or "Công ty CP An Bình"
        tax_id = (record["fields"].get("seller") or {}).get("tax_id") or "0312345678"
        row["search_text"] = head + " | " + _page_text(rng, row, fold, seller, tax_id)
    invoice = next(
        row["record"] for row in reversed(rows) if row["doc_type"] == "invoice" and row["record"]
    )
    columns = set(Document.__table__.columns.keys())
    postgresql = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgresql:
            # Built once after the load, as a restore would: faster than row by row.
            connection.execute(text(f"DROP INDEX {SEARCH_INDEX}"))
        for start in range(0, len(rows), 2000):
            batch = [{key: row.get(key) for key in columns} for row in rows[start : start + 2000]]
            connection.execute(insert(Document.metadata.tables["documents"]), batch)
        for start in range(0, len(results), 10000):
            connection.execute(
                insert(RuleCheck.metadata.tables["rule_results"]), results[start : start + 10000]
            )
        if postgresql:
            connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
            connection.execute(
                text(f"CREATE INDEX {SEARCH_INDEX} ON documents USING gin ({SEARCH_VECTOR})")
            )
            connection.execute(
                text("SELECT setval('documents_id_seq', (SELECT max(id) FROM documents))")
            )
    if postgresql:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(
                text(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('optimize')")
            )
            connection.execute(text("ANALYZE"))
    return {
        "invoice_number": invoice["fields"]["invoice_number"],
        "seller": invoice["fields"]["seller"]["name"],
    }


def _found(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        record = connection.execute(
            text(
                "SELECT record FROM documents WHERE doc_type = 'invoice' "
                "AND record IS NOT NULL ORDER BY id DESC LIMIT 1"
            )
        ).scalar_one()
    return {
        "invoice_number": record["fields"]["invoice_number"],
        "seller": record["fields"]["seller"]["name"],
    }


def _kinds(found: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    docs, queue = "/api/v1/documents", "/api/v1/review-queue"
    seller_words = " ".join(search.words(found["seller"])[-3:])
    return [
        ("list: hoa don (common, no accents)", docs, {"q": "hoa don"}),
        ("list: HÓA ĐƠN (accents, capitals)", docs, {"q": "HÓA ĐƠN"}),
        ("list: one word (latitude: rare)", docs, {"q": "latitude"}),
        ("list: two words (thep hoa phat)", docs, {"q": "thep hoa phat"}),
        ("list: seller's name words", docs, {"q": seller_words}),
        ("list: prefix (hoang l)", docs, {"q": "hoang l"}),
        ("list: prefix, one letter (hop d)", docs, {"q": "hop d"}),
        ("list: invoice number", docs, {"q": found["invoice_number"]}),
        ("list: no match", docs, {"q": "khong co gi ca"}),
        (
            "list: words + type + status",
            docs,
            {"q": "van chuyen", "type": "contract", "status": "review"},
        ),
        (
            "list: words + dates",
            docs,
            {"q": "giay in", "dated_from": "2025-06-01", "dated_to": "2025-06-30"},
        ),
        ("queue: hoa don", queue, {"q": "hoa don"}),
        ("queue: words + rule", queue, {"q": "muc in", "rule": "invoice.totals_add_up"}),
        ("queue: words + confidence", queue, {"q": "dien", "confidence_below": 0.8}),
        ("queue: words + supplier", queue, {"q": "hoa don", "supplier": "hoàng long"}),
        (
            "queue: prefix + type, 200 items",
            queue,
            {"q": "dich v", "type": "invoice", "limit": 200},
        ),
    ]


def _explain(engine: Engine, path: str, params: dict[str, Any]) -> str:
    """PostgreSQL's plan of the request's own query."""
    day: dict[str, Any] = {
        key: date.fromisoformat(params[key]) for key in ("dated_from", "dated_to") if key in params
    }
    common: dict[str, Any] = {
        "text": params.get("q"),
        "doc_type": params.get("type"),
        "failed_rule": params.get("rule"),
        "confidence_below": params.get("confidence_below"),
        "supplier": params.get("supplier"),
        **day,
    }
    query: Select[Any]
    if path.endswith("review-queue"):
        filters = checking.QueueFilter(**common)
        query = checking.queue_query(filters=filters, after=None, limit=params.get("limit", 50))
    else:
        query = search.narrow(select(Document), filters=search.DocumentFilter(**common))
        if "status" in params:
            query = query.where(Document.status == params["status"])
        query = query.order_by(Document.id.desc()).limit(50)
    sql = query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
    with engine.connect() as connection:
        plan = connection.execute(text(f"EXPLAIN ANALYZE {sql}")).scalars().all()
    return "\n".join(f"    {line}" for line in plan)


def _measure(url: str, engine: Engine, count: int, repeat: int, explain: bool) -> None:
    started = time.perf_counter()
    with engine.connect() as connection:
        held = connection.execute(text("SELECT count(*) FROM documents")).scalar_one()
    if held:  # a database kept by an earlier run (--keep)
        found = _found(engine)
        print(f"reusing {held} documents")
    else:
        found = _fill(engine, count)
        print(f"filled {count} documents in {time.perf_counter() - started:.1f} s")
    settings = Settings(database_url=url)
    with Session(engine) as session, session.begin():
        _token, secret = auth.create_token(
            session, name=f"bench-{uuid.uuid4().hex[:8]}", role="reviewer", actor="bench"
        )
    print(f"{'search':<40} {'items':>5} {'p50':>7} {'p95':>7} {'p99':>7}  (ms)")
    worst = 0.0
    bearer = {"Authorization": f"Bearer {secret}"}
    with TestClient(create_app(settings), headers=bearer) as client:
        for label, path, params in _kinds(found):
            for _ in range(3):  # warm: plans cached, pages in memory, as all day long
                client.get(path, params=params).raise_for_status()
            timings = []
            items = 0
            for _ in range(repeat):
                begun = time.perf_counter()
                response = client.get(path, params=params)
                timings.append((time.perf_counter() - begun) * 1000)
                response.raise_for_status()
                items = len(response.json()["items"])
            cuts = statistics.quantiles(timings, n=100, method="inclusive")
            worst = max(worst, cuts[94])
            print(f"{label:<40} {items:>5} {cuts[49]:>7.1f} {cuts[94]:>7.1f} {cuts[98]:>7.1f}")
            if explain and engine.dialect.name == "postgresql":
                print(_explain(engine, path, params))
    print(f"worst p95: {worst:.1f} ms")


def run_postgresql(count: int, repeat: int, explain: bool, keep: str | None) -> None:
    name = keep or f"bo_bench_search_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        upgrade(url)
        print(f"PostgreSQL, {count} documents")
        _measure(url, engine, count, repeat, explain)
    finally:
        engine.dispose()
        if keep is None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_sqlite(count: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        try:
            print(f"SQLite, {count} documents")
            _measure(url, engine, count, repeat, explain=False)
        finally:
            engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50, help="Requests per search.")
    parser.add_argument("--explain", action="store_true", help="Print query plans too.")
    parser.add_argument("--sqlite", action="store_true", help="Measure SQLite as well.")
    parser.add_argument("--no-postgresql", action="store_true", help="Only SQLite.")
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="Fill the PostgreSQL database NAME once and keep it; later runs reuse it "
        "(drop it yourself after).",
    )
    args = parser.parse_args()
    if not args.no_postgresql:
        run_postgresql(args.documents, args.repeat, args.explain, args.keep)
    if args.sqlite or args.no_postgresql:
        run_sqlite(args.documents, args.repeat)


if __name__ == "__main__":
    main()
