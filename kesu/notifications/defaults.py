"""The wording Kesu starts with for each message to customers, in Chinese and English.

Administrators edit the copies stored as MessageTemplate rows; these are the fallback when a
row is missing or inactive, and what the first migration stores.
"""

from __future__ import annotations

# Variables every template may use; shown in the admin beside the template.
VARIABLES = {
    "number": "案件编号 / case number",
    "kind": "投诉/咨询/建议 / complaint, inquiry or suggestion",
    "customer_name": "客户姓名 / the customer's name",
    "received_at": "受理时间 / when it was received",
    "reply_due": "承诺答复时间 / the promised reply time",
    "reason": "原因或需补充的内容 / the reason, or what is needed",
    "answer": "答复内容 / the answer",
    "track_url": "查询网址 / where to follow the case",
    "code": "一次性验证码 / the one-time code",
    "firm": "企业名称 / the firm's name",
}

DEFAULTS: dict[tuple[str, str], dict[str, str]] = {
    ("acknowledgement", "zh-hans"): {
        "subject": "已收到您的{{ kind }}（{{ number }}）",
        "body": (
            "{{ customer_name }}，您好：\n\n"
            "我们已于 {{ received_at }} 收到您的{{ kind }}，编号 {{ number }}。"
            "我们将在 {{ reply_due }} 前答复您。\n\n"
            "您可以凭编号在 {{ track_url }} 查询进度、补充材料。\n\n{{ firm }}"
        ),
        "sms_body": (
            "【{{ firm }}】已收到您的{{ kind }}，编号{{ number }}，"
            "将于{{ reply_due }}前答复。查询：{{ track_url }}"
        ),
    },
    ("acknowledgement", "en"): {
        "subject": "We have received your {{ kind }} ({{ number }})",
        "body": (
            "Dear {{ customer_name }},\n\n"
            "We received your {{ kind }} on {{ received_at }}; its number is {{ number }}. "
            "We will reply by {{ reply_due }}.\n\n"
            "You can follow it and add information at {{ track_url }}.\n\n{{ firm }}"
        ),
        "sms_body": (
            "{{ firm }}: we received your {{ kind }}, number {{ number }}; "
            "reply by {{ reply_due }}. {{ track_url }}"
        ),
    },
    ("not_accepted", "zh-hans"): {
        "subject": "关于您的{{ kind }}（{{ number }}）的受理结果",
        "body": (
            "{{ customer_name }}，您好：\n\n"
            "您于 {{ received_at }} 提交的{{ kind }}（编号 {{ number }}）未予受理，原因如下：\n\n"
            "{{ reason }}\n\n如有疑问，请联系我们。\n\n{{ firm }}"
        ),
        "sms_body": "【{{ firm }}】您的{{ kind }}{{ number }}未予受理：{{ reason }}",
    },
    ("not_accepted", "en"): {
        "subject": "About your {{ kind }} ({{ number }})",
        "body": (
            "Dear {{ customer_name }},\n\n"
            "We could not accept your {{ kind }} of {{ received_at }} (number {{ number }}), "
            "for this reason:\n\n{{ reason }}\n\nPlease contact us with any question.\n\n"
            "{{ firm }}"
        ),
        "sms_body": "{{ firm }}: your {{ kind }} {{ number }} was not accepted: {{ reason }}",
    },
    ("information_request", "zh-hans"): {
        "subject": "请补充您的{{ kind }}（{{ number }}）的信息",
        "body": (
            "{{ customer_name }}，您好：\n\n"
            "为处理您的{{ kind }}（编号 {{ number }}），我们需要您补充以下信息：\n\n"
            "{{ reason }}\n\n请直接回复本邮件，或在 {{ track_url }} 补充。\n\n{{ firm }}"
        ),
        "sms_body": (
            "【{{ firm }}】处理您的{{ kind }}{{ number }}需补充：{{ reason }}。"
            "请在{{ track_url }}补充"
        ),
    },
    ("information_request", "en"): {
        "subject": "Please tell us more about your {{ kind }} ({{ number }})",
        "body": (
            "Dear {{ customer_name }},\n\n"
            "To handle your {{ kind }} (number {{ number }}) we need:\n\n{{ reason }}\n\n"
            "Reply to this email, or add it at {{ track_url }}.\n\n{{ firm }}"
        ),
        "sms_body": "{{ firm }}: for {{ number }} we need: {{ reason }}. {{ track_url }}",
    },
    ("answer", "zh-hans"): {
        "subject": "关于您的{{ kind }}（{{ number }}）的答复",
        "body": (
            "{{ customer_name }}，您好：\n\n"
            "关于您于 {{ received_at }} 提交的{{ kind }}（编号 {{ number }}），答复如下：\n\n"
            "{{ answer }}\n\n"
            "如您对答复有异议，可在 {{ track_url }} 提出，我们将由上一级复核。\n\n{{ firm }}"
        ),
        "sms_body": (
            "【{{ firm }}】您的{{ kind }}{{ number }}已答复，请在{{ track_url }}查看并确认"
        ),
    },
    ("answer", "en"): {
        "subject": "Our answer to your {{ kind }} ({{ number }})",
        "body": (
            "Dear {{ customer_name }},\n\n"
            "About your {{ kind }} of {{ received_at }} (number {{ number }}):\n\n"
            "{{ answer }}\n\n"
            "If you disagree, say so at {{ track_url }} and the level above will review it."
            "\n\n{{ firm }}"
        ),
        "sms_body": "{{ firm }}: we have answered {{ number }}; see and confirm at {{ track_url }}",
    },
    ("survey", "zh-hans"): {
        "subject": "请评价我们对您的{{ kind }}（{{ number }}）的处理",
        "body": (
            "{{ customer_name }}，您好：\n\n"
            "您的{{ kind }}（编号 {{ number }}）已处理完毕。"
            "请在 {{ track_url }} 为我们的处理打分（1–5 分）并留下意见，帮助我们改进。\n\n"
            "{{ firm }}"
        ),
        "sms_body": "【{{ firm }}】请为{{ number }}的处理打分：{{ track_url }}",
    },
    ("survey", "en"): {
        "subject": "How did we handle your {{ kind }} ({{ number }})?",
        "body": (
            "Dear {{ customer_name }},\n\n"
            "Your {{ kind }} (number {{ number }}) has been handled. Please rate how we did "
            "(1 to 5) and tell us what to improve at {{ track_url }}.\n\n{{ firm }}"
        ),
        "sms_body": "{{ firm }}: please rate how we handled {{ number }}: {{ track_url }}",
    },
    ("access_code", "zh-hans"): {
        "subject": "查询{{ number }}的验证码",
        "body": (
            "您的验证码是 {{ code }}，15 分钟内有效，仅可使用一次。"
            "如非本人操作，请忽略本邮件。\n\n{{ firm }}"
        ),
        "sms_body": "【{{ firm }}】查询{{ number }}的验证码：{{ code }}，15分钟内有效",
    },
    ("access_code", "en"): {
        "subject": "Your code to follow {{ number }}",
        "body": (
            "Your code is {{ code }}. It works once, within 15 minutes. "
            "If you did not ask for it, ignore this email.\n\n{{ firm }}"
        ),
        "sms_body": "{{ firm }}: your code for {{ number }} is {{ code }} (15 minutes)",
    },
}
