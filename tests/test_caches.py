import numpy as np

from feedbackml.text.caches import LastCall, TextCache


def test_the_cache_returns_what_was_put_and_none_for_the_rest():
    cache = TextCache(10)
    cache.put_many([("a", 1), ("b", 2)])
    assert cache.get_many(["a", "x", "b"]) == [1, None, 2]


def test_the_cache_empties_rather_than_grow_past_its_limit():
    cache = TextCache(3)
    cache.put_many([("a", 1), ("b", 2)])
    cache.put_many([("c", 3), ("d", 4)])
    assert len(cache) == 2 and cache.get_many(["a", "c"]) == [None, 3]


def test_a_limit_holds_within_its_block_only():
    cache = TextCache(100)
    cache.put_many([(i, i) for i in range(50)])
    with cache.limited(10):
        assert len(cache) == 0  # was over the new limit
        cache.put_many([(i, i) for i in range(11)])  # more than the limit at once: not kept
        assert len(cache) == 0
        cache.put_many([(i, i) for i in range(10)])
        assert len(cache) == 10
    assert cache.limit == 100


def test_last_call_answers_only_the_same_key_and_the_same_texts():
    memo = LastCall()
    texts = np.array(["late delivery", "great staff"], dtype=object)
    assert memo.get("en", texts) is None
    memo.put("en", texts, "table")
    assert memo.get("en", texts.copy()) == "table"
    assert memo.get("de", texts) is None
    assert memo.get("en", texts[::-1].copy()) is None and memo.get("en", texts[:1]) is None
    assert memo.peek("en")[1] == "table"
    memo.clear()
    assert memo.peek("en") is None
