"""Reading mail as it really arrives (pure: no database): the corpus of broken, Chinese and
automatic messages in mail_corpus/."""

import contextlib
from pathlib import Path

import pytest

from kesu.intake.mail import MailUnreadable, decode_bytes, html_to_text, parse_mail

CORPUS = Path(__file__).parent / "mail_corpus"


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "sender", "subject", "text"),
    [
        ("01-gbk-base64.eml", "王小明", "投诉柜员态度", "柜员态度恶劣，拒绝解释收费项目。镕堃"),
        ("02-gb2312-lies-qp.eml", "李四", "车辆维修问题", "镕堃师傅说没问题"),
        ("03-gb18030.eml", "", "物业费争议", "𠮷物业费却照收"),
        ("04-big5.eml", "陳大文", "服務態度投訴", "職員態度惡劣，要求道歉。"),
        (
            "05-html-only.eml",
            "Html Sender",
            "投诉 HTML",
            "快递丢件， 客服&不理睬。\n\n订单号 12345",
        ),
        ("06-raw-8bit-headers.eml", "张三", "投诉服务", "没有声明字符集的正文。"),
        ("08-unknown-charset.eml", "", "odd charset", "未知字符集声明的正文"),
        ("19-bare-lf-no-mime.eml", "", "plain old mail", "Just text, LF line endings"),
    ],
)
def test_chinese_charsets_and_encodings_are_read(name, sender, subject, text):
    mail = parse_mail(corpus(name))
    assert mail.sender_name == sender
    assert mail.subject == subject
    assert text in mail.text
    assert not mail.automatic


def test_html_only_mail_loses_its_scripts_and_styles():
    mail = parse_mail(corpus("05-html-only.eml"))
    assert "alert" not in mail.text and "color" not in mail.text


def test_a_broken_multipart_still_gives_its_text_and_attachment():
    mail = parse_mail(corpus("07-broken-boundary.eml"))
    assert "附件没有正确结束的邮件" in mail.text
    assert [a.name for a in mail.attachments] == ["a.pdf"]
    assert mail.problems  # the defect is noted


def test_nested_parts_prefer_plain_text_and_decode_attachment_names():
    mail = parse_mail(corpus("15-nested-with-attachments.eml"))
    assert mail.text == "送来的家具有破损，见附件照片。"
    assert [a.name for a in mail.attachments] == ["破损.png", "notes.docx"]
    assert mail.sender_name == "客户"


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("12-auto-reply.eml", "Auto-Submitted"),
        ("13-bounce.eml", "delivery report"),
        ("14-out-of-office.eml", "X-Auto-Response-Suppress"),
        ("20-precedence-bulk.eml", "Precedence"),
    ],
)
def test_auto_replies_and_bounces_are_recognised(name, why):
    assert why in parse_mail(corpus(name)).automatic


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("09-no-sender.eml", "no sender"),
        ("10-empty.eml", "empty"),
        ("18-headers-only.eml", "no subject, no text"),
    ],
)
def test_what_cannot_be_read_says_why(name, reason):
    with pytest.raises(MailUnreadable, match=reason):
        parse_mail(corpus(name))


def test_binary_junk_is_either_read_or_refused_never_an_exception_of_another_kind():
    with contextlib.suppress(MailUnreadable):
        parse_mail(corpus("11-binary-junk.eml"))


def test_null_bytes_are_removed():
    assert "\x00" not in parse_mail(corpus("16-null-bytes-and-long.eml")).text


def test_a_case_number_in_the_subject_is_found():
    raw = b"From: a@b.cn\r\nSubject: Re: [TS202611230007] \xe7\xad\x94\xe5\xa4\x8d\r\n\r\nthanks"
    assert parse_mail(raw).case_number == "TS202611230007"
    assert parse_mail(b"From: a@b.cn\r\nSubject: hello\r\n\r\nx").case_number == ""


def test_decoding_falls_back_through_the_chinese_supersets():
    assert decode_bytes("镕".encode("gbk"), "gb2312") == "镕"
    assert decode_bytes("臺灣".encode("big5"), "big5") == "臺灣"
    assert decode_bytes("中文".encode(), "no-such-charset") == "中文"
    assert decode_bytes(b"\xff\xfe\xfd", None)  # never raises


def test_html_to_text_keeps_blocks_apart():
    assert html_to_text("<p>a</p><p>b</p>") == "a\n\nb"
