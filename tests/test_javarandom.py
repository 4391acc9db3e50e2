"""java.util.Random, Collections.shuffle and HashMap order against values printed by OpenJDK 17.

Every expected value below was printed by a small Java program run on OpenJDK 17
(``java.util.Random``, ``Collections.shuffle``, ``String.hashCode``, ``HashSet.toString``).
"""

from __future__ import annotations

import pytest

from tally.rctab.javarandom import JavaRandom, hash_order, java_string_hash, shuffle


def test_next_int_unbounded():
    assert JavaRandom(42).next_int() == -1170105035


def test_next_int_bounded_rejection_path():
    r = JavaRandom(42)
    assert [r.next_int(10) for _ in range(10)] == [0, 3, 8, 4, 0, 5, 5, 8, 9, 3]
    r = JavaRandom(-7)
    assert [r.next_int(1000000007) for _ in range(5)] == [
        577934662,
        935951290,
        445645583,
        119890471,
        314447087,
    ]


def test_next_int_power_of_two_path():
    r = JavaRandom(12345)
    assert [r.next_int(16) for _ in range(5)] == [5, 8, 14, 14, 13]


def test_next_double_and_long():
    r = JavaRandom(0)
    assert [r.next_double() for _ in range(5)] == [
        0.730967787376657,
        0.24053641567148587,
        0.6374174253501083,
        0.5504370051176339,
        0.5975452777972018,
    ]
    assert JavaRandom(1).next_long() == -4964420948893066024


def test_bad_bound():
    with pytest.raises(ValueError):
        JavaRandom(1).next_int(0)


def test_collections_shuffle():
    assert shuffle(list("abcdefgh"), JavaRandom(12345)) == list("gabefdhc")
    expected = [
        "c39",
        "c9",
        "c15",
        "c23",
        "c5",
        "c26",
        "c21",
        "c33",
        "c7",
        "c16",
        "c10",
        "c1",
        "c31",
        "c8",
        "c3",
        "c30",
        "c19",
        "c0",
        "c29",
        "c37",
        "c36",
        "c38",
        "c4",
        "c34",
        "c13",
        "c20",
        "c32",
        "c25",
        "c18",
        "c28",
        "c2",
        "c24",
        "c11",
        "c6",
        "c22",
        "c12",
        "c35",
        "c17",
        "c14",
        "c27",
    ]
    assert shuffle([f"c{i}" for i in range(40)], JavaRandom(99)) == expected


def test_string_hash_code():
    assert java_string_hash("Hello") == 69609650
    assert java_string_hash("Undeclared Write-ins") == -1300842765
    assert java_string_hash("é€x") == 483317


def test_hash_set_iteration_order():
    names = [
        "Cucumber",
        "Lettuce",
        "Cauliflower",
        "Broccoli",
        "Undeclared Write-ins",
        "A",
        "B",
        "C",
        "D",
        "E",
        "F",
        "G",
        "H",
    ]
    assert hash_order(names) == [
        "A",
        "B",
        "C",
        "D",
        "Undeclared Write-ins",
        "E",
        "F",
        "G",
        "H",
        "Lettuce",
        "Broccoli",
        "Cauliflower",
        "Cucumber",
    ]
