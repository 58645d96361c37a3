"""The small store the views' tests share, with its values worked out by hand.

Sources a..e; b draws on c, c on e, d on e (a chain: b, c and d all descend
from e), a is independent of all. Claims, in store order (S supports,
R refutes, Q qualifies):

    k1  t1  2022        a S, b S, c R
    k2  t1  2022-12     a S, b R, d Q
    k3  t1  2022-12-05  a R, c R, b Q (inferred)
    k4  t2  (no date)   d S
    k5  t2  2022-12-20  c S, d S
    k0  t2  2022-12-01  e S

Published: a 2022-12-04, b 2023, c 2022-12, d 2022, e none.
"""

TEXT = "one two three four five six seven eight nine ten\n"

VIEWS_STORE = """\
version: 1
sources:
  - id: a
    title: Source A
    publisher: A Press
    published: 2022-12-04
    file: ../seeds/t.txt
  - id: b
    title: Source B
    published: 2023
    file: ../seeds/t.txt
    based_on: [c]
  - id: c
    title: Source C
    published: 2022-12
    file: ../seeds/t.txt
    based_on: [e]
  - id: d
    title: Source D
    published: 2022
    file: ../seeds/t.txt
    based_on: [e]
  - id: e
    title: Source E
    file: ../seeds/t.txt
topics:
  - id: t1
    title: Topic one
  - id: t2
    title: Topic two
claims:
  - id: k1
    topic: t1
    text: Claim one.
    date: 2022
    positions:
      - source: a
        stance: supports
        quote: one two
      - source: b
        stance: supports
        quote: two three
      - source: c
        stance: refutes
        quote: three four
  - id: k2
    topic: t1
    text: Claim two.
    date: 2022-12
    positions:
      - source: a
        stance: supports
        quote: four five
      - source: b
        stance: refutes
        quote: five six
      - source: d
        stance: qualifies
        quote: six seven
  - id: k3
    topic: t1
    text: Claim three.
    date: 2022-12-05
    positions:
      - source: a
        stance: refutes
        quote: seven eight
      - source: c
        stance: refutes
        quote: eight nine
      - source: b
        stance: qualifies
        quote: nine ten
        inferred: true
  - id: k4
    topic: t2
    text: Claim four.
    positions:
      - source: d
        stance: supports
        quote: one two three
  - id: k5
    topic: t2
    text: Claim five.
    date: 2022-12-20
    positions:
      - source: c
        stance: supports
        quote: four five six
      - source: d
        stance: supports
        quote: seven eight nine
  - id: k0
    topic: t2
    text: Claim zero.
    date: 2022-12-01
    positions:
      - source: e
        stance: supports
        quote: two three four
"""
