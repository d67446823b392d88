"""Pure helpers behind the pages: time left in words, the category suggester."""

import datetime as dt

import pytest
from django.utils import translation

from kesu.complaints.suggest import suggest_category
from kesu.deadlines.watch import time_left_words

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("delta", "chinese", "english"),
    [
        (dt.timedelta(hours=2, minutes=59), "剩余 2 小时", "2 h left"),
        (dt.timedelta(days=1, hours=5), "剩余 1 天", "1 d left"),
        (dt.timedelta(minutes=10), "剩余 10 分钟", "10 min left"),
        (dt.timedelta(seconds=20), "剩余 1 分钟", "1 min left"),
        (-dt.timedelta(days=1, hours=1), "已超时 1 天", "overdue by 1 d"),
        (dt.timedelta(), "已超时 1 分钟", "overdue by 1 min"),
    ],
)
def test_time_left_in_words_in_both_languages(delta, chinese, english):
    with translation.override("zh-hans"):
        assert time_left_words(next_due_at=NOW + delta, now=NOW) == chinese
    with translation.override("en"):
        assert time_left_words(next_due_at=NOW + delta, now=NOW) == english
    assert time_left_words(next_due_at=None, now=NOW) == ""


CATEGORIES = [("E01", "维修不及时"), ("A01", "态度生硬、冷漠"), ("B01", "服务效率低、等候时间长")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("热水器坏了，维修师傅一直不及时上门", "E01"),
        ("工作人员态度很生硬", "A01"),
        ("排队等候时间太长了", "B01"),
        ("你好", None),
        ("", None),
    ],
)
def test_a_category_is_suggested_only_when_the_text_fits(text, code):
    assert suggest_category(text, CATEGORIES) == code
