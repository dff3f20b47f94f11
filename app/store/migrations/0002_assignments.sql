-- Schema 2: assignments a mentor or manager hands the learner (app/assign
-- reads the files). Times are Unix milliseconds (UTC), as in schema 1.
-- An assignment is kept after it is done: the progress report lists it.

CREATE TABLE assignments (
    id            TEXT PRIMARY KEY, -- from the file, or a hash of its content: the same file twice is one assignment
    from_name     TEXT    NOT NULL, -- who assigned it ("Sam Lee, team lead")
    title         TEXT    NOT NULL DEFAULT '',
    note          TEXT    NOT NULL DEFAULT '', -- why, in the mentor's words
    due           INTEGER NOT NULL,
    created_at    INTEGER NOT NULL, -- when it was imported: only completions after it count
    imported_from TEXT    NOT NULL, -- the file it came from
    done_at       INTEGER,          -- set once, when every item is first seen done
    dismissed_at  INTEGER           -- the learner set it aside; it no longer steers the picks
);
CREATE INDEX assignments_due ON assignments(due);

-- One row per assigned lesson or skill. A skill item is done when
-- `lessons` distinct lessons of the skill are completed after the
-- assignment arrived, or, with a target level, when mastery reaches it.
CREATE TABLE assignment_items (
    assignment_id TEXT    NOT NULL REFERENCES assignments(id),
    ord           INTEGER NOT NULL,
    lesson_id     TEXT REFERENCES lessons(id),
    skill_id      TEXT REFERENCES skills(id),
    lessons       INTEGER NOT NULL DEFAULT 0 CHECK (lessons BETWEEN 0 AND 50),
    target_level  INTEGER CHECK (target_level BETWEEN 1 AND 5),
    PRIMARY KEY (assignment_id, ord),
    CHECK ((lesson_id IS NULL) <> (skill_id IS NULL))
);
CREATE INDEX assignment_items_lesson ON assignment_items(lesson_id);
CREATE INDEX assignment_items_skill ON assignment_items(skill_id);
