-- Schema 3: questions a local model wrote (issue "Local AI"). They are rows
-- of questions like authored ones, because answers and review cards refer
-- to question ids; questions.provenance holds the JSON shown to the learner.
-- This table marks a question as AI-written and keeps what the store
-- queries: the lesson text it was written from (a changed lesson retires
-- it), the model and its digest, the prompt version and when. Only
-- questions that passed verification are stored.

CREATE TABLE ai_questions (
    question_id    TEXT PRIMARY KEY REFERENCES questions(id),
    lesson_id      TEXT    NOT NULL REFERENCES lessons(id),
    lesson_hash    TEXT    NOT NULL, -- lessons.content_hash of the text the question was written from
    model          TEXT    NOT NULL,
    model_digest   TEXT    NOT NULL,
    prompt_version TEXT    NOT NULL,
    generated_at   INTEGER NOT NULL,
    skill_id       TEXT    NOT NULL DEFAULT '',
    difficulty     INTEGER NOT NULL DEFAULT 0 CHECK (difficulty BETWEEN 0 AND 5),
    saved_at       INTEGER NOT NULL
);
CREATE INDEX ai_questions_lesson ON ai_questions(lesson_id, lesson_hash);
