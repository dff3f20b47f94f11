-- Schema 4: micro-lessons a local model wrote for skills the library has
-- no lesson on (issue "Local AI", part 4; opt-in). The lesson itself is a
-- row of lessons with ai_written = 1 in the pack 'ai-written', so progress,
-- answers and review cards treat it like any lesson; its quiz is verified
-- AI-written questions (ai_questions). This table keeps the lesson text's
-- provenance: the skill and level it was written for, the model and its
-- digest, the prompt version and when. Only lessons whose quiz verified
-- are stored.

CREATE TABLE ai_lessons (
    lesson_id      TEXT PRIMARY KEY REFERENCES lessons(id),
    skill_id       TEXT    NOT NULL,
    level          INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    model          TEXT    NOT NULL,
    model_digest   TEXT    NOT NULL,
    prompt_version TEXT    NOT NULL,
    generated_at   INTEGER NOT NULL,
    saved_at       INTEGER NOT NULL
);
CREATE INDEX ai_lessons_skill ON ai_lessons(skill_id);
