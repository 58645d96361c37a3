"""The store as an SQLite database, ready for ``datasette FILE`` or any SQL client.

Written with the standard library's ``sqlite3``: no dependency, and every build
of CPython we support has FTS5 compiled in. (sqlite-utils would add a package
and its own dependencies for what is here a page of SQL.)

Tables hold the store as it is; views hold the contract's rules in SQL
(``contradictions``, ``agreement``), so that a query in Datasette answers the
same as ``claimcmp contradictions`` and ``claimcmp agreement``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .models import Store
from .problems import OutputError

SCHEMA = """
CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    author TEXT,
    publisher TEXT,
    published TEXT,           -- a partial date: YYYY, YYYY-MM or YYYY-MM-DD
    url TEXT,
    file TEXT,                -- as written in the store, relative to its YAML file
    perspective TEXT,
    note TEXT,
    listed INTEGER NOT NULL   -- the source's place in the store (0, 1, ...)
);
CREATE TABLE source_based_on (
    source TEXT NOT NULL REFERENCES sources(id),
    based_on TEXT NOT NULL REFERENCES sources(id),
    PRIMARY KEY (source, based_on)
);
CREATE TABLE topics (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT,
    note TEXT
);
CREATE TABLE claims (
    id TEXT PRIMARY KEY,
    topic TEXT NOT NULL REFERENCES topics(id),
    text TEXT NOT NULL,
    date TEXT,                -- a partial date
    note TEXT
);
CREATE TABLE positions (
    claim TEXT NOT NULL REFERENCES claims(id),
    source TEXT NOT NULL REFERENCES sources(id),
    stance TEXT NOT NULL CHECK (stance IN ('supports', 'refutes', 'qualifies')),
    inferred INTEGER NOT NULL CHECK (inferred IN (0, 1)),
    quote TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (claim, source)
);
CREATE TABLE claim_tags (
    claim TEXT NOT NULL REFERENCES claims(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (claim, tag)
);
CREATE INDEX positions_by_source ON positions (source, claim);
CREATE INDEX claims_by_topic ON claims (topic);

-- Every source a source draws on, through any chain of based_on.
CREATE VIEW source_ancestors AS
WITH RECURSIVE chain(source, ancestor) AS (
    SELECT source, based_on FROM source_based_on
    UNION
    SELECT chain.source, link.based_on FROM chain JOIN source_based_on AS link ON link.source = chain.ancestor
)
SELECT source, ancestor FROM chain WHERE ancestor <> source;

-- Claims one source supports and another refutes (the contract's "contested").
CREATE VIEW contradictions AS
SELECT c.id AS claim, c.topic, c.text, c.date,
       (SELECT group_concat(source, ', ') FROM
           (SELECT p.source FROM positions p JOIN sources s ON s.id = p.source
            WHERE p.claim = c.id AND p.stance = 'supports' ORDER BY s.listed)) AS supported_by,
       (SELECT group_concat(source, ', ') FROM
           (SELECT p.source FROM positions p JOIN sources s ON s.id = p.source
            WHERE p.claim = c.id AND p.stance = 'refutes' ORDER BY s.listed)) AS refuted_by,
       (SELECT group_concat(source, ', ') FROM
           (SELECT p.source FROM positions p JOIN sources s ON s.id = p.source
            WHERE p.claim = c.id AND p.stance = 'qualifies' ORDER BY s.listed)) AS qualified_by
FROM claims c
WHERE EXISTS (SELECT 1 FROM positions WHERE claim = c.id AND stance = 'supports')
  AND EXISTS (SELECT 1 FROM positions WHERE claim = c.id AND stance = 'refutes')
ORDER BY c.rowid;  -- store order

-- Each unordered pair of sources once, in store order, over the claims both take
-- a position on: agree (same stance), contradict (supports against refutes),
-- partial (the rest), rate = agree / shared (NULL when nothing is shared).
CREATE VIEW agreement AS
WITH tally AS (
    SELECT a.id AS a, b.id AS b, a.listed AS a_listed, b.listed AS b_listed,
           count(pb.claim) AS shared,
           total(pa.stance = pb.stance) AS agree,
           total(pa.stance <> pb.stance AND 'qualifies' IN (pa.stance, pb.stance)) AS partial,
           total(pa.stance <> pb.stance AND 'qualifies' NOT IN (pa.stance, pb.stance)) AS contradict
    FROM sources a
    JOIN sources b ON b.listed > a.listed
    LEFT JOIN positions pa ON pa.source = a.id
    LEFT JOIN positions pb ON pb.source = b.id AND pb.claim = pa.claim
    GROUP BY a.id, b.id
)
SELECT a, b, shared,
       CAST(agree AS INTEGER) AS agree,
       CAST(partial AS INTEGER) AS partial,
       CAST(contradict AS INTEGER) AS contradict,
       CASE WHEN shared = 0 THEN NULL ELSE agree / shared END AS rate,
       NOT EXISTS (SELECT 1 FROM source_ancestors WHERE source = b AND ancestor = a)
       AND NOT EXISTS (SELECT 1 FROM source_ancestors WHERE source = a AND ancestor = b)
       AND NOT EXISTS (SELECT 1 FROM source_ancestors x JOIN source_ancestors y
                       ON x.ancestor = y.ancestor WHERE x.source = a AND y.source = b) AS independent
FROM tally
ORDER BY a_listed, b_listed;

-- Full-text search. The content=[table] form is the one Datasette recognises:
-- it then offers a search box on the claims and positions tables.
CREATE VIRTUAL TABLE claims_fts USING fts5(text, content=[claims]);
CREATE VIRTUAL TABLE positions_fts USING fts5(quote, note, content=[positions]);
"""


def build_database(store: Store, path: Path) -> None:
    """Write ``store`` into the (new, empty) SQLite database at ``path``."""
    try:
        connection = sqlite3.connect(path)
    except sqlite3.Error as error:
        raise OutputError(f"cannot create an SQLite database: {error}") from None
    try:
        with connection:
            connection.executescript(SCHEMA)
            _insert(connection, store)
            connection.execute("INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')")
            connection.execute("INSERT INTO positions_fts(positions_fts) VALUES ('rebuild')")
            broken = connection.execute("PRAGMA foreign_key_check").fetchall()
            if broken:  # a checked store has none: this would be our bug
                raise AssertionError(f"foreign keys broken in the export: {broken[:3]}")
    except sqlite3.Error as error:
        raise OutputError(f"cannot write the SQLite database: {error}") from None
    finally:
        connection.close()


def _insert(connection: sqlite3.Connection, store: Store) -> None:
    connection.executemany(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (s.id, s.title, s.author, s.publisher, s.published, s.url, s.file, s.perspective, s.note, i)
            for i, s in enumerate(store.sources.values())
        ],
    )
    connection.executemany(
        "INSERT OR IGNORE INTO source_based_on VALUES (?, ?)",
        [(s.id, parent) for s in store.sources.values() for parent in s.based_on],
    )
    connection.executemany(
        "INSERT INTO topics VALUES (?, ?, ?, ?)",
        [(t.id, t.title, t.description, t.note) for t in store.topics.values()],
    )
    connection.executemany(
        "INSERT INTO claims VALUES (?, ?, ?, ?, ?)",
        [(c.id, c.topic, c.text, c.date, c.note) for c in store.claims.values()],
    )
    connection.executemany(
        "INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?)",
        [
            (c.id, p.source, p.stance, int(p.inferred), p.quote, p.note)
            for c in store.claims.values()
            for p in c.positions
        ],
    )
    connection.executemany(
        "INSERT OR IGNORE INTO claim_tags VALUES (?, ?)",
        [(c.id, tag) for c in store.claims.values() for tag in c.tags],
    )
