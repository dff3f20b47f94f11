-- Schema 1: the whole of Tidbit's state. Times are Unix milliseconds (UTC).
-- Logs of what the learner did (attempts, attempt_results, answers) are
-- append-only: triggers below refuse UPDATE and DELETE, and every row has a
-- UUID so that a retried write (or a restored backup) never duplicates.

CREATE TABLE profile (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    name             TEXT    NOT NULL DEFAULT '',
    role             TEXT    NOT NULL DEFAULT '',
    seniority        TEXT    NOT NULL DEFAULT '',
    goals            TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings (target roles or skills)
    notes            TEXT    NOT NULL DEFAULT '',   -- performance notes, free text
    self_ratings     TEXT    NOT NULL DEFAULT '{}', -- JSON object skill id -> 1..5
    minutes_per_week INTEGER NOT NULL DEFAULT 30,
    updated_at       INTEGER NOT NULL
);

CREATE TABLE categories (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE skills (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    category_id TEXT NOT NULL REFERENCES categories(id),
    kind        TEXT NOT NULL CHECK (kind IN ('hard', 'soft'))
);

CREATE TABLE roles (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE role_skills (
    role_id      TEXT    NOT NULL REFERENCES roles(id),
    skill_id     TEXT    NOT NULL REFERENCES skills(id),
    target_level INTEGER NOT NULL CHECK (target_level BETWEEN 1 AND 5),
    PRIMARY KEY (role_id, skill_id)
);

CREATE TABLE packs (
    id           TEXT PRIMARY KEY,
    title        TEXT    NOT NULL,
    version      TEXT    NOT NULL,
    author       TEXT    NOT NULL DEFAULT '',
    source       TEXT    NOT NULL,  -- where it was imported from
    content_hash TEXT    NOT NULL,
    imported_at  INTEGER NOT NULL
);

CREATE TABLE lessons (
    id           TEXT PRIMARY KEY,
    pack_id      TEXT    NOT NULL REFERENCES packs(id),
    title        TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('lesson', 'scenario', 'reflection')),
    level        INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    minutes      INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 5),
    body         TEXT    NOT NULL,
    reflection   TEXT,              -- JSON {prompt, model_answer, rubric} or NULL
    source_file  TEXT    NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1, -- bumped when the content hash changes
    content_hash TEXT    NOT NULL,
    ai_written   INTEGER NOT NULL DEFAULT 0,
    retired      INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX lessons_pack ON lessons(pack_id);

CREATE TABLE lesson_skills (
    lesson_id TEXT    NOT NULL REFERENCES lessons(id),
    skill_id  TEXT    NOT NULL REFERENCES skills(id),
    ord       INTEGER NOT NULL, -- 0 is the lesson's main skill
    PRIMARY KEY (lesson_id, skill_id)
);
CREATE INDEX lesson_skills_skill ON lesson_skills(skill_id);

CREATE TABLE lesson_prereqs (
    lesson_id TEXT NOT NULL REFERENCES lessons(id),
    prereq_id TEXT NOT NULL REFERENCES lessons(id),
    PRIMARY KEY (lesson_id, prereq_id)
);

CREATE TABLE questions (
    id             TEXT PRIMARY KEY, -- "<lesson id>/<question id>", stable across updates
    lesson_id      TEXT    NOT NULL REFERENCES lessons(id),
    ord            INTEGER NOT NULL,
    type           TEXT    NOT NULL CHECK (type IN ('single', 'multiple', 'truefalse')),
    prompt         TEXT    NOT NULL,
    options        TEXT    NOT NULL, -- JSON [{text, correct, why}]
    content_hash   TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    provenance     TEXT,             -- JSON {model, digest, prompt_version, at} for AI-written questions
    retired        INTEGER NOT NULL DEFAULT 0,
    retired_reason TEXT    NOT NULL DEFAULT '',
    updated_at     INTEGER NOT NULL
);
CREATE INDEX questions_lesson ON questions(lesson_id, ord);

CREATE TABLE moments (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    kind    TEXT    NOT NULL, -- learn-now, calendar-gap, meeting-end, pause, return ...
    reason  TEXT    NOT NULL, -- why it was offered or withheld, in words
    item    TEXT    NOT NULL DEFAULT '',
    outcome TEXT    NOT NULL CHECK (outcome IN ('offered', 'done', 'dismissed', 'snoozed', 'ignored', 'held', 'withheld')),
    detail  TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX moments_at ON moments(at);

CREATE TABLE attempts (
    id         TEXT PRIMARY KEY, -- UUID
    lesson_id  TEXT    NOT NULL REFERENCES lessons(id),
    kind       TEXT    NOT NULL CHECK (kind IN ('lesson', 'quiz', 'review', 'reflection')),
    started_at INTEGER NOT NULL,
    source     TEXT    NOT NULL DEFAULT '', -- cli, tray, window
    moment_id  INTEGER REFERENCES moments(id)
);
CREATE INDEX attempts_lesson ON attempts(lesson_id);
CREATE INDEX attempts_started ON attempts(started_at);

CREATE TABLE attempt_results (
    attempt_id  TEXT PRIMARY KEY REFERENCES attempts(id),
    finished_at INTEGER NOT NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('completed', 'abandoned', 'not-for-me', 'later')),
    seconds     INTEGER NOT NULL DEFAULT 0,
    correct     INTEGER NOT NULL DEFAULT 0,
    answered    INTEGER NOT NULL DEFAULT 0
);

-- Derived from attempts and attempt_results by the trigger below, in the
-- same transaction: the library and the picker read one row a lesson
-- instead of scanning the whole attempt log (100,000 attempts: 350 ms -> 1 ms).
CREATE TABLE lesson_progress (
    lesson_id      TEXT PRIMARY KEY REFERENCES lessons(id),
    completed      INTEGER NOT NULL DEFAULT 0,
    last_completed INTEGER
);
CREATE TRIGGER lesson_progress_on_result AFTER INSERT ON attempt_results WHEN NEW.outcome = 'completed' BEGIN
    INSERT INTO lesson_progress(lesson_id, completed, last_completed)
        SELECT lesson_id, 1, NEW.finished_at FROM attempts WHERE id = NEW.attempt_id
        ON CONFLICT(lesson_id) DO UPDATE SET completed = completed + 1,
            last_completed = max(COALESCE(last_completed, 0), excluded.last_completed);
END;

CREATE TABLE answers (
    id            TEXT PRIMARY KEY, -- UUID
    attempt_id    TEXT    NOT NULL REFERENCES attempts(id),
    question_id   TEXT    NOT NULL REFERENCES questions(id),
    question_hash TEXT    NOT NULL, -- the version of the question that was answered
    chosen        TEXT    NOT NULL, -- JSON array of option indexes, 0-based
    correct       INTEGER NOT NULL CHECK (correct IN (0, 1)),
    rating        INTEGER CHECK (rating BETWEEN 1 AND 4), -- spaced-repetition grade, when one was given
    answered_at   INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX answers_question ON answers(question_id, answered_at);

-- Derived like lesson_progress: answers per skill (the main skill of the
-- question's lesson when it was answered), so stats need not join the
-- whole answer log.
CREATE TABLE skill_progress (
    skill_id      TEXT PRIMARY KEY,
    answered      INTEGER NOT NULL DEFAULT 0,
    correct       INTEGER NOT NULL DEFAULT 0,
    last_answered INTEGER
);
CREATE TRIGGER skill_progress_on_answer AFTER INSERT ON answers BEGIN
    INSERT INTO skill_progress(skill_id, answered, correct, last_answered)
        SELECT ls.skill_id, 1, NEW.correct, NEW.answered_at
        FROM questions q JOIN lesson_skills ls ON ls.lesson_id = q.lesson_id AND ls.ord = 0
        WHERE q.id = NEW.question_id
        ON CONFLICT(skill_id) DO UPDATE SET answered = answered + 1, correct = correct + excluded.correct,
            last_answered = max(COALESCE(last_answered, 0), excluded.last_answered);
END;
CREATE INDEX answers_attempt ON answers(attempt_id);
CREATE INDEX answers_time ON answers(answered_at);

CREATE TRIGGER attempts_append_only_u BEFORE UPDATE ON attempts BEGIN SELECT RAISE(ABORT, 'attempts are append-only'); END;
CREATE TRIGGER attempts_append_only_d BEFORE DELETE ON attempts BEGIN SELECT RAISE(ABORT, 'attempts are append-only'); END;
CREATE TRIGGER results_append_only_u BEFORE UPDATE ON attempt_results BEGIN SELECT RAISE(ABORT, 'attempt results are append-only'); END;
CREATE TRIGGER results_append_only_d BEFORE DELETE ON attempt_results BEGIN SELECT RAISE(ABORT, 'attempt results are append-only'); END;
CREATE TRIGGER answers_append_only_u BEFORE UPDATE ON answers BEGIN SELECT RAISE(ABORT, 'answers are append-only'); END;
CREATE TRIGGER answers_append_only_d BEFORE DELETE ON answers BEGIN SELECT RAISE(ABORT, 'answers are append-only'); END;

CREATE TABLE srs_state (
    question_id TEXT PRIMARY KEY REFERENCES questions(id),
    state       TEXT    NOT NULL CHECK (state IN ('new', 'learning', 'review', 'relearning')),
    due         INTEGER NOT NULL,
    stability   REAL    NOT NULL,
    difficulty  REAL    NOT NULL,
    reps        INTEGER NOT NULL DEFAULT 0,
    lapses      INTEGER NOT NULL DEFAULT 0,
    step        INTEGER NOT NULL DEFAULT 0,
    scheduled_days INTEGER NOT NULL DEFAULT 0,
    last_review INTEGER,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX srs_due ON srs_state(due);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT    NOT NULL, -- JSON
    updated_at INTEGER NOT NULL
);

CREATE TABLE model_cache (
    key        TEXT PRIMARY KEY, -- hash of (kind, model, prompt version, input)
    kind       TEXT    NOT NULL,
    model      TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER          -- NULL: until evicted
);

CREATE TABLE outbox (
    id          TEXT PRIMARY KEY, -- statement UUID: fixed, so a resend never duplicates
    kind        TEXT    NOT NULL, -- xapi
    payload     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    tries       INTEGER NOT NULL DEFAULT 0,
    next_try_at INTEGER NOT NULL,
    last_error  TEXT    NOT NULL DEFAULT '',
    sent_at     INTEGER
);
CREATE INDEX outbox_pending ON outbox(sent_at, next_try_at);

-- Free-text answers to scenario and reflection prompts. Private by default:
-- reports include them only when the learner ticks them in.
CREATE TABLE reflections (
    id          TEXT PRIMARY KEY, -- UUID
    attempt_id  TEXT    NOT NULL REFERENCES attempts(id),
    lesson_id   TEXT    NOT NULL REFERENCES lessons(id),
    text        TEXT    NOT NULL,
    feedback    TEXT    NOT NULL DEFAULT '', -- written later (model or rubric), may be empty
    answered_at INTEGER NOT NULL
);
CREATE INDEX reflections_lesson ON reflections(lesson_id);
CREATE TRIGGER reflections_append_only_d BEFORE DELETE ON reflections BEGIN SELECT RAISE(ABORT, 'reflections are append-only'); END;
