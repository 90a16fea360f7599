"""The review pages' words in Vietnamese and English, and numbers as each office writes them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Literal

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

LABELS: dict[Lang, dict[str, str]] = {
    "en": {
        "app": "Back office",
        "login": "Sign in",
        "username": "User name",
        "password": "Password",
        "login_failed": "Wrong user name or password.",
        "login_locked": "Too many failed sign-ins: try again later.",
        "https_needed": "Signing in needs HTTPS",
        "https_why": "This page was opened over plain HTTP from another computer. Your "
        "password and the session that signing in starts would cross the office network "
        "readable by anyone on it, and browsers refuse to keep a secure session cookie "
        "over HTTP, so signing in is switched off here.",
        "https_how": "Open the service at its https:// address (ask whoever runs it). To "
        "set one up, put the TLS reverse proxy described in the README in front of it.",
        "logout": "Sign out",
        "queue": "Review queue",
        "upload": "Upload",
        "type": "Type",
        "file": "File",
        "party": "Supplier / issuer",
        "total": "Total",
        "failing": "Failing rules",
        "received": "Received",
        "empty_queue": "Nothing is waiting for review.",
        "queue_keys": "J / K: move · Enter: open",
        "document_keys": "Enter: save field · Ctrl+Enter: approve · J / K: next / previous",
        "field": "Field",
        "value": "Value",
        "confidence": "Confidence",
        "low_confidence": "low confidence",
        "rules": "Rules",
        "all_rules_pass": "Every rule passes.",
        "passed": "passed",
        "failed": "failed",
        "line_items": "Line items",
        "approve": "Approve",
        "saved": "Saved.",
        "approved": "Approved.",
        "stale": "Someone changed this document since you opened it: reload the page "
        "and make your change again.",
        "invalid": "Not saved: the value does not fit.",
        "refused": "Cannot approve while an error rule fails:",
        "error": "The server refused:",
        "no_pages": "No page image for this document.",
        "page": "Page",
        "version": "Version",
        "status": "Status",
        "back": "Back to the queue",
        "choose_file": "File to upload",
        "send": "Upload",
        "uploaded": "Received as document",
        "duplicate": "Already received as document",
        "forbidden": "Your roles do not allow this page.",
        "yes": "yes",
        "no": "no",
        "one_per_line": "one per line",
        "awaiting_second": "Awaiting second approval",
        "empty_awaiting": "No invoice is awaiting a second approval.",
        "second_approval": "Second approval",
        "needs_two": "Needs two approvals:",
        "over_threshold": "the total is above the dual-approval threshold (or unknown in VND)",
        "amounts_changed": "amounts changed by",
        "approved_by": "Approved by",
        "approved_awaiting": "Approved: awaiting a second approval by another approver.",
        "second_given": "Second approval given: posted.",
        "not_allowed": "Not allowed:",
        "reject": "Reject",
        "reject_reason": "Why is this document rejected?",
        "rejected": "Rejected.",
        "reopen": "Reopen",
        "reopen_reason": "Why reopen it? (optional)",
        "reopened": "Back in review.",
        "add_line": "Add a line",
        "remove_line": "Remove line",
        "confirm_remove": "Remove line",
        "line_added": "Line added.",
        "line_removed": "Line removed.",
        "curve": "Corrected",
        "curve_help": "Fields reviewers corrected on each of this sender's recent documents, "
        "oldest first: it falls as corrections teach the sender's layouts.",
        "curve_point": "fields corrected on document",
        "curve_this": "this document",
        "learned": "learned",
        "learned_help": "Read where a reviewer's correction taught: memory",
        "learned_from": "learned from the correction of document",
        "learned_by": "by",
        "memory_forgotten": "forgotten since",
        "type_invoice": "Invoice",
        "type_contract": "Contract",
        "type_cv": "CV",
        "type_dispatch": "Official letter",
        "type_unknown": "Unknown type",
        "type_unchosen": "— choose a type —",
        "read_as_type": "Read again as this type",
        "type_needed": "Cannot approve yet: this document's type is unknown. Choose its type "
        "above; it is then read again as that type and comes back for review.",
        "confirm_reassign": "Read this document again as the chosen type? Corrections made "
        "here are replaced by the new reading.",
        "type_reassigned": "Sent to be read again as",
        # --- failed view ---
        "failed_view": "Failed documents",
        "failed_link": "Documents whose processing failed",
        "failed_empty": "No document failed in processing.",
        "failed_reason": "Processing failed",
        "reason": "Reason",
        "failed_at": "Failed at",
        "actions": "Actions",
        "detail": "Technical detail",
        "retry": "Retry",
        "retried": "Sent to be read again.",
        # --- end failed view ---
    },
    "vi": {
        "app": "Văn phòng",
        "login": "Đăng nhập",
        "username": "Tên đăng nhập",
        "password": "Mật khẩu",
        "login_failed": "Sai tên đăng nhập hoặc mật khẩu.",
        "login_locked": "Đăng nhập sai quá nhiều lần: vui lòng thử lại sau.",
        "https_needed": "Đăng nhập cần HTTPS",
        "https_why": "Trang này được mở qua HTTP thường từ một máy khác. Mật khẩu và phiên "
        "đăng nhập sẽ đi qua mạng văn phòng mà ai trong mạng cũng đọc được, và trình duyệt "
        "không giữ cookie phiên bảo mật qua HTTP, nên đăng nhập bị tắt ở đây.",
        "https_how": "Hãy mở dịch vụ bằng địa chỉ https:// (hỏi người quản trị). Để thiết "
        "lập, đặt reverse proxy TLS như README hướng dẫn phía trước dịch vụ.",
        "logout": "Đăng xuất",
        "queue": "Hàng chờ duyệt",
        "upload": "Tải lên",
        "type": "Loại",
        "file": "Tệp",
        "party": "Nhà cung cấp / cơ quan ban hành",
        "total": "Tổng tiền",
        "failing": "Quy tắc không đạt",
        "received": "Ngày nhận",
        "empty_queue": "Không có chứng từ nào chờ duyệt.",
        "queue_keys": "J / K: di chuyển · Enter: mở",
        "document_keys": "Enter: lưu trường · Ctrl+Enter: duyệt · J / K: chứng từ sau / trước",
        "field": "Trường",
        "value": "Giá trị",
        "confidence": "Độ tin cậy",
        "low_confidence": "độ tin cậy thấp",
        "rules": "Quy tắc",
        "all_rules_pass": "Mọi quy tắc đều đạt.",
        "passed": "đạt",
        "failed": "không đạt",
        "line_items": "Các dòng hàng",
        "approve": "Duyệt",
        "saved": "Đã lưu.",
        "approved": "Đã duyệt.",
        "stale": "Chứng từ đã được người khác sửa sau khi bạn mở: hãy tải lại trang và sửa lại.",
        "invalid": "Chưa lưu: giá trị không hợp lệ.",
        "refused": "Không thể duyệt khi còn quy tắc lỗi không đạt:",
        "error": "Máy chủ từ chối:",
        "no_pages": "Chứng từ này không có ảnh trang.",
        "page": "Trang",
        "version": "Phiên bản",
        "status": "Trạng thái",
        "back": "Về hàng chờ",
        "choose_file": "Tệp cần tải lên",
        "send": "Tải lên",
        "uploaded": "Đã nhận, chứng từ số",
        "duplicate": "Đã nhận trước đó, chứng từ số",
        "forbidden": "Vai trò của bạn không được xem trang này.",
        "yes": "có",
        "no": "không",
        "one_per_line": "mỗi dòng một mục",
        "awaiting_second": "Chờ duyệt lần hai",
        "empty_awaiting": "Không có hóa đơn nào chờ duyệt lần hai.",
        "second_approval": "Duyệt lần hai",
        "needs_two": "Cần hai lần duyệt:",
        "over_threshold": "tổng tiền vượt ngưỡng duyệt hai cấp (hoặc chưa quy đổi được ra VND)",
        "amounts_changed": "số tiền đã được sửa bởi",
        "approved_by": "Đã duyệt bởi",
        "approved_awaiting": "Đã duyệt: chờ một người phê duyệt khác duyệt lần hai.",
        "second_given": "Đã duyệt lần hai: đã ghi sổ.",
        "not_allowed": "Không được phép:",
        "reject": "Từ chối",
        "reject_reason": "Lý do từ chối chứng từ này?",
        "rejected": "Đã từ chối.",
        "reopen": "Mở lại",
        "reopen_reason": "Lý do mở lại? (không bắt buộc)",
        "reopened": "Đã đưa về hàng chờ duyệt.",
        "add_line": "Thêm dòng",
        "remove_line": "Xóa dòng",
        "confirm_remove": "Xóa dòng",
        "line_added": "Đã thêm dòng.",
        "line_removed": "Đã xóa dòng.",
        "curve": "Đã sửa",
        "curve_help": "Số trường người duyệt đã sửa trên từng chứng từ gần đây của người gửi "
        "này, cũ trước: giảm dần khi các lần sửa dạy hệ thống mẫu chứng từ của họ.",
        "curve_point": "trường đã sửa trên chứng từ",
        "curve_this": "chứng từ này",
        "learned": "đã học",
        "learned_help": "Đọc theo vị trí học được từ lần sửa của người duyệt: bộ nhớ",
        "learned_from": "học từ lần sửa chứng từ",
        "learned_by": "bởi",
        "memory_forgotten": "nay đã bị xóa",
        "type_invoice": "Hóa đơn",
        "type_contract": "Hợp đồng",
        "type_cv": "CV",
        "type_dispatch": "Công văn",
        "type_unknown": "Chưa rõ loại",
        "type_unchosen": "— chọn loại —",
        "read_as_type": "Đọc lại theo loại này",
        "type_needed": "Chưa thể duyệt: chưa rõ loại của chứng từ này. Hãy chọn loại ở trên; "
        "chứng từ sẽ được đọc lại theo loại đó rồi quay về hàng chờ duyệt.",
        "confirm_reassign": "Đọc lại chứng từ này theo loại đã chọn? Những chỗ đã sửa ở đây "
        "sẽ được thay bằng kết quả đọc mới.",
        "type_reassigned": "Đã gửi đọc lại theo loại",
        # --- failed view ---
        "failed_view": "Chứng từ xử lý lỗi",
        "failed_link": "Chứng từ xử lý không thành công",
        "failed_empty": "Không có chứng từ nào xử lý lỗi.",
        "failed_reason": "Xử lý không thành công",
        "reason": "Lý do",
        "failed_at": "Lỗi lúc",
        "actions": "Thao tác",
        "detail": "Chi tiết kỹ thuật",
        "retry": "Thử lại",
        "retried": "Đã gửi đọc lại.",
        # --- end failed view ---
    },
}


def pick_lang(query: str | None, cookie: str | None, accept_language: str | None) -> Lang:
    """The language asked for in the query, else the one remembered in the cookie, else the
    browser's first choice when it is Vietnamese; English otherwise."""
    for candidate in (query, cookie):
        if candidate == "vi":
            return "vi"
        if candidate == "en":
            return "en"
    if accept_language and accept_language.strip().lower().startswith("vi"):
        return "vi"
    return "en"


def number(value: object, lang: Lang) -> str:
    """A decimal string as the office writes it: `1.234.567,5` in Vietnamese, `1,234,567.5`
    in English. Anything that is not a number is shown as it is."""
    if value is None:
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{amount:,f}"
    if lang == "vi":
        text = text.translate({ord(","): ".", ord("."): ","})
    return text


# What the form calls an invoice's fields, by path, in the words printed on invoices; other
# fields show their SCHEMA.md path, which reviewers also know.
FIELD_LABELS: dict[Lang, dict[str, str]] = {
    "en": {
        "invoice_number": "Invoice number",
        "invoice_series": "Series",
        "invoice_form": "Form",
        "issue_date": "Issue date",
        "due_date": "Due date",
        "currency": "Currency",
        "seller.name": "Seller",
        "seller.tax_id": "Seller tax code",
        "seller.address": "Seller address",
        "seller.bank_account": "Seller bank account",
        "buyer.name": "Buyer",
        "buyer.tax_id": "Buyer tax code",
        "buyer.address": "Buyer address",
        "buyer.bank_account": "Buyer bank account",
        "po_number": "PO number",
        "subtotal": "Subtotal",
        "vat_amount": "VAT",
        "total": "Total",
        "vat_rate": "VAT rate",
        "amount_in_words": "Amount in words",
        "payment_method": "Payment method",
    },
    "vi": {
        "invoice_number": "Số hóa đơn",
        "invoice_series": "Ký hiệu",
        "invoice_form": "Mẫu số",
        "issue_date": "Ngày lập",
        "due_date": "Hạn thanh toán",
        "currency": "Loại tiền",
        "seller.name": "Đơn vị bán",
        "seller.tax_id": "MST người bán",
        "seller.address": "Địa chỉ người bán",
        "seller.bank_account": "Tài khoản người bán",
        "buyer.name": "Đơn vị mua",
        "buyer.tax_id": "MST người mua",
        "buyer.address": "Địa chỉ người mua",
        "buyer.bank_account": "Tài khoản người mua",
        "po_number": "Số đơn đặt hàng",
        "subtotal": "Cộng tiền hàng",
        "vat_amount": "Tiền thuế GTGT",
        "total": "Tổng cộng thanh toán",
        "vat_rate": "Thuế suất GTGT",
        "amount_in_words": "Số tiền bằng chữ",
        "payment_method": "Hình thức thanh toán",
    },
}
